/*
 * keycache.c - the keys of each distinct normalised record, derived once
 * (keycache.h says why). Open addressing over a flat array of entries; a
 * record is its normalised values serialised injectively (fixed fields,
 * then texts with their lengths, 0xffff for an absent one), compared
 * whole, so two records share keys only when they are the same record.
 */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "cli.h"
#include "matchkeys/keycache.h"

#define ID_MAX (5 + 4 * (2 + UNIKA_NAME_MAX_BYTES)) /* gender, date, four texts */

typedef struct entry {
    uint8_t *id;     /* the serialised record, then its keys */
    size_t id_len;
    uint64_t hash;
    uint8_t gender, flags;
    uint16_t count;
} entry;

struct cli_keycache {
    entry *e;
    size_t n, cap;
    uint32_t *slot; /* entry index + 1; 0 = empty */
    size_t size;
    uint8_t fp[UNIKA_FINGERPRINT_BYTES];
    unsigned long long hits, misses;
};

cli_keycache *cli_keycache_new(void)
{
    return calloc(1, sizeof(cli_keycache));
}

static size_t put_text(uint8_t *dst, const char *s, size_t n)
{
    if (!s) {
        dst[0] = dst[1] = 0xff;
        return 2;
    }
    dst[0] = (uint8_t)n;
    dst[1] = (uint8_t)(n >> 8);
    memcpy(dst + 2, s, n);
    return 2 + n;
}

static size_t serialise(uint8_t *dst, const unika_matchkey_input *in)
{
    size_t o = 0;
    dst[o++] = (uint8_t)in->gender;
    dst[o++] = (uint8_t)in->birth.year; /* 0 or 1800..2199: two bytes */
    dst[o++] = (uint8_t)(in->birth.year >> 8);
    dst[o++] = (uint8_t)in->birth.month;
    dst[o++] = (uint8_t)in->birth.day;
    o += put_text(dst + o, in->name, in->name_size);
    o += put_text(dst + o, in->country, in->country_size);
    o += put_text(dst + o, in->personnummer, in->personnummer ? 12 : 0);
    o += put_text(dst + o, in->dossier, in->dossier ? 8 : 0);
    return o;
}

/* The slot holding `id`, or the empty slot where it would go. */
static size_t find(const cli_keycache *c, const uint8_t *id, size_t n, uint64_t h)
{
    size_t k = (size_t)h & (c->size - 1);
    while (c->slot[k]) {
        const entry *e = &c->e[c->slot[k] - 1];
        if (e->hash == h && e->id_len == n && !memcmp(e->id, id, n)) break;
        k = (k + 1) & (c->size - 1);
    }
    return k;
}

int cli_keycache_get(cli_keycache *c, const unika_matchkey_input *in, unika_matchkeys *out)
{
    if (!c || !c->size) {
        if (c) c->misses++;
        return 0;
    }
    uint8_t id[ID_MAX];
    size_t n = serialise(id, in);
    size_t k = find(c, id, n, XXH3_64bits(id, n));
    cli_wipe(id, n);
    if (!c->slot[k]) {
        c->misses++;
        return 0;
    }
    const entry *e = &c->e[c->slot[k] - 1];
    memcpy(out->key_fp, c->fp, sizeof c->fp);
    out->gender = (unika_gender)e->gender;
    out->flags = e->flags;
    out->count = e->count;
    const uint8_t *p = e->id + e->id_len;
    for (size_t i = 0; i < e->count; i++, p += UNIKA_MKPROFILE_KEY_BYTES) {
        out->keys[i].type = p[0];
        memcpy(out->keys[i].value, p + 1, UNIKA_MATCHKEY_BYTES);
        out->keys[i].token = p[1 + UNIKA_MATCHKEY_BYTES];
    }
    c->hits++;
    return 1;
}

static int grow(cli_keycache *c)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 1024;
        entry *e = realloc(c->e, cap * sizeof *e);
        if (!e) return -1;
        c->e = e;
        c->cap = cap;
    }
    if ((c->n + 1) * 2 <= c->size) return 0;
    size_t size = c->size ? c->size * 2 : 2048;
    uint32_t *slot = calloc(size, sizeof *slot);
    if (!slot) return -1;
    for (size_t i = 0; i < c->n; i++) {
        size_t k = (size_t)c->e[i].hash & (size - 1);
        while (slot[k]) k = (k + 1) & (size - 1);
        slot[k] = (uint32_t)(i + 1);
    }
    free(c->slot);
    c->slot = slot;
    c->size = size;
    return 0;
}

void cli_keycache_put(cli_keycache *c, const unika_matchkey_input *in,
                      const unika_matchkeys *keys)
{
    if (!c || c->n == CLI_KEYCACHE_MAX || grow(c) < 0) return;
    uint8_t id[ID_MAX];
    size_t n = serialise(id, in);
    uint64_t h = XXH3_64bits(id, n);
    size_t k = find(c, id, n, h);
    uint8_t *blob = c->slot[k] ? NULL : malloc(n + keys->count * UNIKA_MKPROFILE_KEY_BYTES);
    if (blob) {
        memcpy(blob, id, n);
        uint8_t *p = blob + n;
        for (size_t i = 0; i < keys->count; i++, p += UNIKA_MKPROFILE_KEY_BYTES) {
            p[0] = keys->keys[i].type;
            memcpy(p + 1, keys->keys[i].value, UNIKA_MATCHKEY_BYTES);
            p[1 + UNIKA_MATCHKEY_BYTES] = keys->keys[i].token;
        }
        c->e[c->n] = (entry){blob, n, h, (uint8_t)keys->gender, (uint8_t)keys->flags,
                             (uint16_t)keys->count};
        c->slot[k] = (uint32_t)++c->n;
        memcpy(c->fp, keys->key_fp, sizeof c->fp);
    }
    cli_wipe(id, n);
}

void cli_keycache_counts(const cli_keycache *c, unsigned long long *hits,
                         unsigned long long *misses)
{
    *hits = c ? c->hits : 0;
    *misses = c ? c->misses : 0;
}

void cli_keycache_free(cli_keycache *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n; i++) {
        cli_wipe(c->e[i].id, c->e[i].id_len);
        free(c->e[i].id);
    }
    free(c->e);
    free(c->slot);
    free(c);
}
