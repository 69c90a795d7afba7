/*
 * freq.c - the frequency tables of the evidence passes (docs/linkage.md,
 * "Evidence"): how many strong clusters hold a token pair, a name key or a
 * typo key (per gender), what share of them were born in a year (per
 * gender) or on a month-day, and how often two people share a country.
 *
 * Fellegi and Sunter weigh an agreement by how rare the agreeing value is;
 * keyed values keep their frequencies, so a linker without the key can
 * count them. The counts are taken once, over the clusters the exact
 * passes (identifiers, name + full date) made, each cluster counted once
 * per distinct value, and a cluster holding several years (or month-days,
 * countries) counts 1/k for each.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "common/sort.h"
#include "linkage/linkage_private.h"

typedef struct acc {
    lk_count *e;
    size_t n, cap;
} acc;

typedef struct facc {
    lk_fcount *e;
    size_t n, cap;
} facc;

static int push(acc *a, uint32_t k0, uint32_t k1, uint32_t k2)
{
    if (a->n == a->cap) {
        size_t c = a->cap ? a->cap * 2 : 1024;
        lk_count *q = unika_realloc(a->e, a->cap * sizeof *q, c * sizeof *q);
        if (!q) return -1;
        a->e = q;
        a->cap = c;
    }
    a->e[a->n++] = (lk_count){{k0, k1, k2}, 1};
    return 0;
}

static int fpush(facc *a, uint32_t k0, uint32_t k1, double w)
{
    if (a->n == a->cap) {
        size_t c = a->cap ? a->cap * 2 : 256;
        lk_fcount *q = unika_realloc(a->e, a->cap * sizeof *q, c * sizeof *q);
        if (!q) return -1;
        a->e = q;
        a->cap = c;
    }
    a->e[a->n++] = (lk_fcount){{k0, k1}, w};
    return 0;
}

static int count_cmp(const void *a, const void *b)
{
    const lk_count *x = a, *y = b;
    for (int i = 0; i < 3; i++)
        if (x->k[i] != y->k[i]) return x->k[i] < y->k[i] ? -1 : 1;
    return 0;
}

static int fcount_cmp(const void *a, const void *b)
{
    const lk_fcount *x = a, *y = b;
    for (int i = 0; i < 2; i++)
        if (x->k[i] != y->k[i]) return x->k[i] < y->k[i] ? -1 : 1;
    return 0;
}

/* Sorts and sums equal keys (in the order they came: stable) into t, which
 * owns the array from here. -1: out of memory, t empty. */
static int finish(acc *a, lk_count_table *t)
{
    t->e = a->e;
    t->n = 0;
    if (unika_sort_words(a->e, a->n, sizeof *a->e, 3)) return -1;
    size_t w = 0;
    for (size_t i = 0; i < a->n; i++) {
        if (w && !count_cmp(&a->e[i], &a->e[w - 1])) a->e[w - 1].n += a->e[i].n;
        else a->e[w++] = a->e[i];
    }
    t->n = w;
    return 0;
}

static int ffinish(facc *a, lk_fcount **e, size_t *n)
{
    *e = a->e;
    *n = 0;
    if (unika_sort_words(a->e, a->n, sizeof *a->e, 2)) return -1;
    size_t w = 0;
    for (size_t i = 0; i < a->n; i++) {
        if (w && !fcount_cmp(&a->e[i], &a->e[w - 1])) a->e[w - 1].n += a->e[i].n;
        else a->e[w++] = a->e[i];
    }
    *n = w;
    return 0;
}

/* ---- one cluster ------------------------------------------------------------------- */

typedef struct scratch {
    uint32_t (*pairs)[2];
    size_t npairs, cap_pairs;
    lk_typo *typos, *one;
    size_t ntypos, cap_typos, none, cap_one;
    uint32_t *v;
    size_t nv, cap_v;
} scratch;

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static size_t distinct(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    lk_qsort(base, n, size, cmp);
    char *b = base;
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (!w || cmp(b + i * size, b + (w - 1) * size))
            memmove(b + w++ * size, b + i * size, size);
    return w;
}

static int pair_cmp(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
    return (x[1] > y[1]) - (x[1] < y[1]);
}

static int typo_cmp(const void *a, const void *b)
{
    const lk_typo *x = a, *y = b;
    if (x->rest != y->rest) return x->rest < y->rest ? -1 : 1;
    return (x->d > y->d) - (x->d < y->d);
}

/* The cluster's distinct pairs and typo keys, counted once. */
static int names_of_cluster(unika_linkage *lk, uint32_t r, scratch *s, acc *pair, acc *typo,
                            unsigned g, unika_error *err)
{
    s->npairs = s->ntypos = 0;
    uint32_t m = r;
    do {
        const lk_profile *p = &lk->profiles[m];
        size_t room = (size_t)p->ntok * p->ntok / 2 + 1;
        if (lk_grow((void **)&s->pairs, &s->cap_pairs, s->npairs + room, sizeof *s->pairs) < 0)
            goto nomem;
        s->npairs += lk_pairs_of(lk, p, s->pairs + s->npairs, room);
        int rc = lk_typos_of(lk, p, &s->one, &s->none, &s->cap_one, err);
        if (rc < 0) return rc;
        if (lk_grow((void **)&s->typos, &s->cap_typos, s->ntypos + s->none, sizeof *s->typos) < 0)
            goto nomem;
        lk_copy(s->typos + s->ntypos, s->one, s->none * sizeof *s->one);
        s->ntypos += s->none;
        m = lk->c.next[m];
    } while (m != r);
    size_t np = distinct(s->pairs, s->npairs, sizeof *s->pairs, pair_cmp);
    size_t nt = distinct(s->typos, s->ntypos, sizeof *s->typos, typo_cmp);
    for (size_t i = 0; i < np; i++)
        if (push(pair, s->pairs[i][0], s->pairs[i][1], g) < 0) goto nomem;
    for (size_t i = 0; i < nt; i++)
        if (push(typo, s->typos[i].rest, s->typos[i].d, g) < 0) goto nomem;
    return 0;
nomem:
    return unika_fail(err, UNIKA_ENOMEM, "out of memory for the frequencies");
}

/* The distinct values of one field of the cluster's members into s->v. */
static int values_of(unika_linkage *lk, uint32_t r, scratch *s, size_t offset, int real_only)
{
    s->nv = 0;
    uint32_t m = r;
    do {
        const lk_profile *p = &lk->profiles[m];
        uint32_t v;
        memcpy(&v, (const char *)p + offset, sizeof v);
        if (v != LK_NONE && (!real_only || lk_real_date(p))) {
            if (lk_grow((void **)&s->v, &s->cap_v, s->nv + 1, sizeof *s->v) < 0) return -1;
            s->v[s->nv++] = v;
        }
        m = lk->c.next[m];
    } while (m != r);
    s->nv = distinct(s->v, s->nv, sizeof *s->v, u32_cmp);
    return 0;
}

typedef struct tables {
    acc pair, name, typo;
    facc year, md, cty;
} tables;

static int count_cluster(unika_linkage *lk, uint32_t r, scratch *s, tables *t, unika_error *err)
{
    unsigned g = lk->c.gender[r];
    lk->freq.n_g[g] += 1;
    int rc = names_of_cluster(lk, r, s, &t->pair, &t->typo, g, err);
    if (rc < 0) return rc;
    if (values_of(lk, r, s, offsetof(lk_profile, name), 0) < 0) goto nomem;
    for (size_t i = 0; i < s->nv; i++)
        if (push(&t->name, s->v[i], g, 0) < 0) goto nomem;
    if (values_of(lk, r, s, offsetof(lk_profile, year), 0) < 0) goto nomem;
    for (size_t i = 0; i < s->nv; i++)
        if (fpush(&t->year, s->v[i], g, 1.0 / (double)s->nv) < 0) goto nomem;
    if (values_of(lk, r, s, offsetof(lk_profile, md), 1) < 0) goto nomem;
    lk->freq.n_real += s->nv > 0;
    for (size_t i = 0; i < s->nv; i++)
        if (fpush(&t->md, s->v[i], 0, 1.0 / (double)s->nv) < 0) goto nomem;
    if (values_of(lk, r, s, offsetof(lk_profile, country), 0) < 0) goto nomem;
    for (size_t i = 0; i < s->nv; i++)
        if (fpush(&t->cty, s->v[i], 0, 1.0 / (double)s->nv) < 0) goto nomem;
    return 0;
nomem:
    return unika_fail(err, UNIKA_ENOMEM, "out of memory for the frequencies");
}

/* 1 if any member of the cluster is strong. */
static int cluster_strong(const unika_linkage *lk, uint32_t r)
{
    uint32_t m = r;
    do {
        if (lk_strong(&lk->profiles[m])) return 1;
        m = lk->c.next[m];
    } while (m != r);
    return 0;
}

int lk_freq_build(unika_linkage *lk, unika_error *err)
{
    lk_freq_free(&lk->freq);
    tables t;
    scratch s;
    memset(&t, 0, sizeof t);
    memset(&s, 0, sizeof s);
    int rc = 0;
    for (uint32_t r = 0; rc == 0 && r < lk->nprofiles; r++)
        if (lk->c.parent[r] == r && cluster_strong(lk, r)) rc = count_cluster(lk, r, &s, &t, err);
    unika_free(s.pairs);
    unika_free(s.typos);
    unika_free(s.one);
    unika_free(s.v);
    lk_fcount *cty = NULL;
    size_t ncty = 0;
    /* the tables belong to lk->freq from here, finished or not (lk_freq_free()) */
    int bad = finish(&t.pair, &lk->freq.pair);
    bad |= finish(&t.name, &lk->freq.name);
    bad |= finish(&t.typo, &lk->freq.typo);
    bad |= ffinish(&t.year, &lk->freq.year, &lk->freq.nyear);
    bad |= ffinish(&t.md, &lk->freq.md, &lk->freq.nmd);
    bad |= ffinish(&t.cty, &cty, &ncty);
    if (bad && !rc) rc = unika_fail(err, UNIKA_ENOMEM, "out of memory for the frequency tables");
    double total = 0, sq = 0;
    for (size_t i = 0; i < ncty; i++) total += cty[i].n;
    for (size_t i = 0; i < ncty && total > 0; i++) sq += (cty[i].n / total) * (cty[i].n / total);
    lk->freq.cty_agree = sq;
    unika_free(cty);
    return rc;
}

void lk_freq_free(lk_freq *f)
{
    unika_free(f->pair.e);
    unika_free(f->name.e);
    unika_free(f->typo.e);
    unika_free(f->year);
    unika_free(f->md);
    memset(f, 0, sizeof *f);
}

/* ---- lookups -------------------------------------------------------------------- */

uint32_t lk_freq_count(const lk_count_table *t, uint32_t a, uint32_t b, uint32_t c)
{
    lk_count key = {{a, b, c}, 0};
    const lk_count *e = bsearch(&key, t->e, t->n, sizeof *t->e, count_cmp);
    return e ? e->n : 0;
}

static double fcount(const lk_fcount *e, size_t n, uint32_t a, uint32_t b)
{
    lk_fcount key = {{a, b}, 0};
    const lk_fcount *x = bsearch(&key, e, n, sizeof *e, fcount_cmp);
    return x ? x->n : 0;
}

double lk_p_year(const lk_freq *f, uint32_t year, unsigned g)
{
    return (fcount(f->year, f->nyear, year, g) + 0.5) / (f->n_g[g & 3] + 1);
}

double lk_p_md(const lk_freq *f, uint32_t md)
{
    return (fcount(f->md, f->nmd, md, 0) + 0.5) / (f->n_real + 1);
}
