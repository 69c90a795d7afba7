/*
 * matchkey_memo.c - the match keys of short values, remembered per domain
 * (unika/matchkey.h says why). Open addressing over a flat array of
 * entries, each holding its value whole: a value is found only when its
 * domain and every byte are equal, so a remembered key is always the key.
 *
 * The values are personal data held in the caller's own process: the
 * entries are overwritten with zeros when they move and when freed.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "common/common.h"

#include "identity/matchkey_memo.h"

typedef struct entry {
    uint64_t hash;
    uint8_t domain, len;
    uint8_t mk[UNIKA_MATCHKEY_BYTES];
    char value[UNIKA_MK_MEMO_VALUE_MAX];
} entry;

struct unika_matchkey_memo {
    uint8_t fp[UNIKA_FINGERPRINT_BYTES]; /* of the key the entries are under */
    entry *e;
    size_t n, cap;
    uint32_t *slot; /* entry index + 1; 0 = empty */
    size_t size;    /* slots: a power of two, at least twice n */
};

unika_matchkey_memo *unika_matchkey_memo_new(void)
{
    return unika_calloc(1, sizeof(unika_matchkey_memo));
}

static void forget(unika_matchkey_memo *m)
{
    if (m->e) sodium_memzero(m->e, m->n * sizeof *m->e);
    unika_free(m->e);
    unika_free(m->slot);
    m->e = NULL;
    m->slot = NULL;
    m->n = m->cap = m->size = 0;
}

void unika_matchkey_memo_free(unika_matchkey_memo *m)
{
    if (!m) return;
    forget(m);
    unika_free(m);
}

void unika_mk_memo_bind(unika_matchkey_memo *m, const uint8_t *fp)
{
    if (!memcmp(m->fp, fp, sizeof m->fp)) return;
    forget(m);
    memcpy(m->fp, fp, sizeof m->fp);
}

static uint64_t hash_of(unsigned domain, const char *value, size_t n)
{
    return XXH3_64bits_withSeed(value, n, domain);
}

/* The slot holding (domain, value), or the empty slot where it would go. */
static size_t find(const unika_matchkey_memo *m, unsigned domain, const char *value, size_t n,
                   uint64_t h)
{
    size_t k = (size_t)h & (m->size - 1);
    while (m->slot[k]) {
        const entry *e = &m->e[m->slot[k] - 1];
        if (e->hash == h && e->domain == domain && e->len == n && !memcmp(e->value, value, n))
            break;
        k = (k + 1) & (m->size - 1);
    }
    return k;
}

const uint8_t *unika_mk_memo_get(const unika_matchkey_memo *m, unsigned domain,
                                 const char *value, size_t n)
{
    if (!m->size || n > UNIKA_MK_MEMO_VALUE_MAX) return NULL;
    size_t k = find(m, domain, value, n, hash_of(domain, value, n));
    return m->slot[k] ? m->e[m->slot[k] - 1].mk : NULL;
}

/* Room for one more entry: the entries move by copy-and-wipe, never by
 * realloc, which would leave their values behind in freed memory. */
static int grow(unika_matchkey_memo *m)
{
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 1024;
        entry *e = unika_malloc(cap * sizeof *e);
        if (!e) return -1;
        if (m->n) {
            memcpy(e, m->e, m->n * sizeof *e);
            sodium_memzero(m->e, m->n * sizeof *e);
        }
        unika_free(m->e);
        m->e = e;
        m->cap = cap;
    }
    if ((m->n + 1) * 2 <= m->size) return 0;
    size_t size = m->size ? m->size * 2 : 2048;
    uint32_t *slot = unika_calloc(size, sizeof *slot);
    if (!slot) return -1;
    for (size_t i = 0; i < m->n; i++) {
        size_t k = (size_t)m->e[i].hash & (size - 1);
        while (slot[k]) k = (k + 1) & (size - 1);
        slot[k] = (uint32_t)(i + 1);
    }
    unika_free(m->slot);
    m->slot = slot;
    m->size = size;
    return 0;
}

void unika_mk_memo_put(unika_matchkey_memo *m, unsigned domain, const char *value, size_t n,
                       const uint8_t mk[UNIKA_MATCHKEY_BYTES])
{
    if (n > UNIKA_MK_MEMO_VALUE_MAX || m->n == UNIKA_MK_MEMO_MAX || grow(m) < 0) return;
    uint64_t h = hash_of(domain, value, n);
    size_t k = find(m, domain, value, n, h);
    if (m->slot[k]) return;
    entry *e = &m->e[m->n];
    e->hash = h;
    e->domain = (uint8_t)domain;
    e->len = (uint8_t)n;
    memcpy(e->mk, mk, UNIKA_MATCHKEY_BYTES);
    memcpy(e->value, value, n);
    m->slot[k] = (uint32_t)++m->n;
}
