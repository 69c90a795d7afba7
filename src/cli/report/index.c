/*
 * index.c - the report's inputs grouped by label values (index.h).
 *
 * An index over keys k1..km holds, for every file that has all of them, the
 * string "v1 US v2 US ... vm" (US = 0x1f, a control character that label
 * values may not contain, so the joined string is unambiguous and sorts
 * like the tuple), sorted with the file number as the tie-break. A filter
 * that fixes the first j keys and leaves the rest open selects the entries
 * that start with "v1 US ... vj US" (or equal "v1 US ... vm" when j = m):
 * one range, found by two binary searches. The keys of an index are put in
 * the order fixed-first, so every filter of a table is such a prefix.
 *
 * Each distinct tuple is kept once, with the range of its files: 8 bytes
 * per file and index (a string per file was 48 bytes; a default report
 * keeps about nine indexes, 40 MB at 10^5 files).
 */
#include <stdlib.h>
#include <string.h>

#include "report/index.h"
#include "report/model.h"

#define SEP '\x1f'
#define KEYS_MAX 8
_Static_assert(MAXF <= KEYS_MAX, "a figure's filter fits an index");

typedef struct entry {
    char *tuple;
    size_t file;
} entry;

struct rp_index {
    size_t nk;
    const char *keys[KEYS_MAX];
    rp_grain grain;
    size_t nt;      /* distinct tuples */
    char **tuple;   /* sorted */
    size_t *first;  /* tuple k's files: file[first[k] .. first[k + 1]) */
    size_t *file;   /* by tuple, then in file order */
};

struct rp_index_cache {
    rp_index **x;
    size_t n;
};

rp_index_cache *rp_index_cache_new(void) { return cli_xcalloc(1, sizeof(rp_index_cache)); }

static void index_free(rp_index *x)
{
    for (size_t i = 0; i < x->nt; i++) free(x->tuple[i]);
    free(x->tuple);
    free(x->first);
    free(x->file);
    free(x);
}

void rp_index_cache_free(rp_index_cache *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n; i++) index_free(c->x[i]);
    free(c->x);
    free(c);
}

static int entry_cmp(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int c = strcmp(x->tuple, y->tuple);
    return c ? c : (x->file > y->file) - (x->file < y->file);
}

/* File i's tuple for the keys, or NULL when it lacks one. */
static char *tuple_of(const rp_input *in, const char *const *keys, size_t nk, rp_grain grain)
{
    size_t len = 0;
    char *t = NULL;
    for (size_t k = 0; k < nk; k++) {
        char buf[UNIKA_LABEL_VALUE_MAX + 1];
        const char *v = unika_sketch_get_label(in->sketch, keys[k]);
        if (v && !strcmp(keys[k], "period")) v = rp_period_at(buf, sizeof buf, v, grain) ? NULL : buf;
        if (!v) {
            free(t);
            return NULL;
        }
        size_t vl = strlen(v);
        t = cli_xrealloc(t, len + vl + 2);
        if (k) t[len++] = SEP;
        memcpy(t + len, v, vl);
        len += vl;
        t[len] = '\0';
    }
    return t ? t : cli_xstrdup("");
}

/* x's tuples and files from the sorted entries e[0..m) (their strings
 * taken over: one kept per tuple, the others freed). */
static void group_tuples(rp_index *x, entry *e, size_t m)
{
    x->file = cli_xrealloc(NULL, (m ? m : 1) * sizeof *x->file);
    x->tuple = cli_xrealloc(NULL, (m ? m : 1) * sizeof *x->tuple);
    x->first = cli_xrealloc(NULL, (m + 1) * sizeof *x->first);
    for (size_t i = 0; i < m; i++) {
        x->file[i] = e[i].file;
        if (x->nt && !strcmp(x->tuple[x->nt - 1], e[i].tuple)) {
            free(e[i].tuple);
            continue;
        }
        x->first[x->nt] = i;
        x->tuple[x->nt++] = e[i].tuple;
    }
    x->first[x->nt] = m;
    x->tuple = cli_xrealloc(x->tuple, (x->nt ? x->nt : 1) * sizeof *x->tuple);
    x->first = cli_xrealloc(x->first, (x->nt + 1) * sizeof *x->first);
}

static rp_index *index_build(const rp_input *in, size_t n, const char *const *keys, size_t nk,
                             rp_grain grain)
{
    rp_index *x = cli_xcalloc(1, sizeof *x);
    x->nk = nk;
    x->grain = grain;
    for (size_t k = 0; k < nk; k++) x->keys[k] = keys[k];
    entry *e = cli_xrealloc(NULL, (n ? n : 1) * sizeof *e);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        char *t = tuple_of(&in[i], keys, nk, grain);
        if (t) e[m++] = (entry){t, i};
    }
    qsort(e, m, sizeof *e, entry_cmp);
    group_tuples(x, e, m);
    free(e);
    return x;
}

static const rp_index *index_get(rp_index_cache *c, const rp_input *in, size_t n,
                                 const char *const *keys, size_t nk, rp_grain grain)
{
    for (size_t i = 0; i < c->n; i++) {
        const rp_index *x = c->x[i];
        int same = x->nk == nk && (x->grain == grain || !nk);
        for (size_t k = 0; same && k < nk; k++) same = !strcmp(x->keys[k], keys[k]);
        if (same) return x;
    }
    c->x = cli_xrealloc(c->x, (c->n + 1) * sizeof *c->x);
    return c->x[c->n++] = index_build(in, n, keys, nk, grain);
}

/* First tuple that is >= key (prefix: compared on strlen(key) bytes, > 0 past). */
static size_t lower(const rp_index *x, const char *key, size_t kl, int prefix)
{
    size_t lo = 0, hi = x->nt;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = prefix ? strncmp(x->tuple[mid], key, kl) : strcmp(x->tuple[mid], key);
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static size_t upper(const rp_index *x, const char *key, size_t kl, int prefix, size_t lo)
{
    size_t hi = x->nt;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = prefix ? strncmp(x->tuple[mid], key, kl) : strcmp(x->tuple[mid], key);
        if (c <= 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static int size_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

size_t *rp_index_select(rp_index_cache *c, const rp_input *in, size_t n, size_t nk,
                        const char *const *keys, const char *const *vals, rp_grain grain,
                        size_t *count)
{
    /* Fixed keys first, then the open ones: every filter is then a prefix. */
    const char *order[KEYS_MAX] = {0};
    size_t nfixed = 0, no = 0;
    for (size_t k = 0; k < nk; k++)
        if (vals[k]) order[no++] = keys[k];
    nfixed = no;
    for (size_t k = 0; k < nk; k++)
        if (!vals[k]) order[no++] = keys[k];
    const rp_index *x = index_get(c, in, n, order, nk, grain);
    size_t len = 0;
    char *key = cli_xstrdup("");
    for (size_t k = 0, j = 0; k < nk; k++) {
        if (!vals[k]) continue;
        size_t vl = strlen(vals[k]);
        key = cli_xrealloc(key, len + vl + 2);
        if (j++) key[len++] = SEP;
        memcpy(key + len, vals[k], vl);
        len += vl;
        key[len] = '\0';
    }
    int prefix = nfixed < nk;
    if (prefix && nfixed) { /* "v1 US ... vj US": the next key's value follows */
        key = cli_xrealloc(key, len + 2);
        key[len++] = SEP;
        key[len] = '\0';
    }
    size_t lo = 0, hi = x->nt; /* tuples, then their files */
    if (nfixed) {
        lo = lower(x, key, len, prefix);
        hi = upper(x, key, len, prefix, lo);
    }
    free(key);
    lo = x->first[lo], hi = x->first[hi];
    *count = hi - lo;
    size_t *idx = cli_xrealloc(NULL, (*count ? *count : 1) * sizeof *idx);
    memcpy(idx, x->file + lo, *count * sizeof *idx);
    if (prefix) qsort(idx, *count, sizeof *idx, size_cmp);
    return idx;
}

char **rp_index_distinct(rp_index_cache *c, const rp_input *in, size_t n, const char *key,
                         rp_grain grain, size_t *count)
{
    const rp_index *x = index_get(c, in, n, &key, 1, grain);
    char **v = cli_xrealloc(NULL, (x->nt ? x->nt : 1) * sizeof *v);
    for (size_t i = 0; i < x->nt; i++) v[i] = cli_xstrdup(x->tuple[i]);
    *count = x->nt;
    return v;
}
