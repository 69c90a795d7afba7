/*
 * names.c - the shapes of a name the passes compare: its token pairs and
 * its typo keys (docs/linkage.md, "The cascade").
 *
 * A typo key of a name is (the rest of its tokens, one token or one of
 * that token's deletions): two names whose tokens are equal but for one
 * word, and whose differing words are within one edit of each other
 * (equal, or one a deletion of the other, or both sharing a deletion),
 * share a typo key. The "rest" is a multiset of token ids, interned here
 * into an id of its own, numbered by first appearance (so canonical when
 * the profiles are visited in canonical order).
 */
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "common/sort.h"
#include "linkage/linkage_private.h"

/* The profile's tokens sorted by id, into buf (ntok entries). */
static void sorted_tokens(const unika_linkage *lk, const lk_profile *p, uint32_t *buf)
{
    lk_copy(buf, lk->tokens + p->tok, p->ntok * sizeof *buf);
    unika_sort_ids(buf, p->ntok, 1);
}

static int pair_cmp(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
    return (x[1] > y[1]) - (x[1] < y[1]);
}

size_t lk_pairs_of(const unika_linkage *lk, const lk_profile *p, uint32_t (*out)[2], size_t cap)
{
    uint32_t t[UNIKA_MATCHKEYS_MAX];
    if (p->ntok == 0 || cap == 0) return 0;
    sorted_tokens(lk, p, t);
    if (p->ntok == 1) {
        out[0][0] = t[0];
        out[0][1] = LK_NONE;
        return 1;
    }
    size_t n = 0;
    for (size_t i = 0; i < p->ntok; i++)
        for (size_t j = i + 1; j < p->ntok && n < cap; j++) {
            out[n][0] = t[i];
            out[n][1] = t[j];
            n++;
        }
    unika_sort_ids(out, n, 2);
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (!w || pair_cmp(out[i], out[w - 1])) {
            out[w][0] = out[i][0];
            out[w][1] = out[i][1];
            w++;
        }
    return w;
}

/* ---- rest multisets ---------------------------------------------------------------- */

static uint64_t list_hash(const uint32_t *v, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL ^ n;
    for (size_t i = 0; i < n; i++) h = (h ^ v[i]) * 0x100000001b3ULL;
    return h ^ (h >> 31);
}

static int rest_rehash(lk_rest *r, size_t size)
{
    uint32_t *slot = unika_calloc(size, sizeof *slot);
    if (!slot) return -1;
    for (size_t i = 0; i < r->count; i++) {
        size_t k = (size_t)list_hash(r->pool + r->off[i], r->len[i]) & (size - 1);
        while (slot[k]) k = (k + 1) & (size - 1);
        slot[k] = (uint32_t)i + 1;
    }
    unika_free(r->slot);
    r->slot = slot;
    r->size = size;
    return 0;
}

static int grow_u32(uint32_t **p, size_t *cap, size_t need)
{
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap * 2 : 1024;
    while (c < need) c *= 2;
    uint32_t *q = unika_realloc(*p, *cap * sizeof *q, c * sizeof *q);
    if (!q) return -1;
    *p = q;
    *cap = c;
    return 0;
}

/* The id of the sorted list v[0..n); LK_NONE when out of memory. */
static uint32_t rest_id(lk_rest *r, const uint32_t *v, size_t n)
{
    if ((r->count + 1) * 2 > r->size && rest_rehash(r, r->size ? r->size * 2 : 4096) < 0)
        return LK_NONE;
    uint64_t h = list_hash(v, n);
    size_t k = (size_t)h & (r->size - 1);
    while (r->slot[k]) {
        uint32_t id = r->slot[k] - 1;
        if (r->len[id] == n && !memcmp(r->pool + r->off[id], v, n * sizeof *v)) return id;
        k = (k + 1) & (r->size - 1);
    }
    size_t cap = r->cap;
    if (r->count + 1 >= LK_NONE || grow_u32(&r->pool, &r->cap_pool, r->npool + n) < 0 ||
        grow_u32(&r->off, &cap, r->count + 1) < 0)
        return LK_NONE;
    cap = r->cap;
    if (grow_u32(&r->len, &cap, r->count + 1) < 0) return LK_NONE;
    r->cap = cap;
    lk_copy(r->pool + r->npool, v, n * sizeof *v);
    r->off[r->count] = (uint32_t)r->npool;
    r->len[r->count] = (uint32_t)n;
    r->npool += n;
    r->slot[k] = (uint32_t)++r->count;
    return (uint32_t)r->count - 1;
}

void lk_rest_free(unika_linkage *lk)
{
    unika_free(lk->rest.pool);
    unika_free(lk->rest.off);
    unika_free(lk->rest.len);
    unika_free(lk->rest.slot);
    memset(&lk->rest, 0, sizeof lk->rest);
}

/* ---- typo keys ------------------------------------------------------------------- */

static int push(lk_typo **out, size_t *n, size_t *cap, uint32_t rest, uint32_t d)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        lk_typo *q = unika_realloc(*out, *cap * sizeof *q, c * sizeof *q);
        if (!q) return -1;
        *out = q;
        *cap = c;
    }
    (*out)[(*n)++] = (lk_typo){rest, d};
    return 0;
}

static int typo_cmp(const void *a, const void *b)
{
    const lk_typo *x = a, *y = b;
    if (x->rest != y->rest) return x->rest < y->rest ? -1 : 1;
    return (x->d > y->d) - (x->d < y->d);
}

/* For each word i (the first of equal words: equal words have equal
 * deletions and rests), the rest of the name without it, with the word
 * itself and each of its deletions. Sorted, distinct. */
int lk_typos_of(unika_linkage *lk, const lk_profile *p, lk_typo **out, size_t *n, size_t *cap,
                unika_error *err)
{
    *n = 0;
    const uint32_t *t = lk->tokens + p->tok;
    uint32_t rest[UNIKA_MATCHKEYS_MAX];
    for (size_t i = 0; i < p->ntok; i++) {
        size_t first = 0;
        while (t[first] != t[i]) first++;
        if (first != i) continue;
        size_t m = 0;
        for (size_t j = 0; j < p->ntok; j++)
            if (j != i) rest[m++] = t[j];
        unika_sort_ids(rest, m, 1);
        uint32_t id = rest_id(&lk->rest, rest, m);
        if (id == LK_NONE || push(out, n, cap, id, t[i]) < 0) goto nomem;
        for (size_t k = 0; k < p->ndel; k++)
            if (lk->dels[p->del + k].word == i &&
                push(out, n, cap, id, lk->dels[p->del + k].id) < 0)
                goto nomem;
    }
    unika_sort_ids(*out, *n, 2);
    size_t w = 0;
    for (size_t i = 0; i < *n; i++)
        if (!w || typo_cmp(&(*out)[i], &(*out)[w - 1])) (*out)[w++] = (*out)[i];
    *n = w;
    return 0;
nomem:
    return unika_fail(err, UNIKA_ENOMEM, "out of memory for the typo keys");
}
