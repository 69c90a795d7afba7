/*
 * cascade.c - the deterministic cascade (docs/linkage.md, "The cascade"):
 * union-find over the profiles, and the passes from the most to the least
 * discriminating key.
 *
 * Each pass groups the profiles that share its key, in canonical key
 * order. Within a group the clusters of its members are taken by (rows
 * descending, root ascending) and each is joined into the first if
 *   - the joined cluster would not exceed max_cluster profiles;
 *   - they are compatible: genders equal or one unknown; not two different
 *     personnummer, samordningsnummer or dossier numbers; every pair of
 *     their real birth dates equal, or the same month-day with the year
 *     revised by one or two, or the same year with day and month swapped;
 *   - and, where the pass has one, its evidence rule holds: in the
 *     identifier passes the names are similar (a shared word or name key,
 *     or two words within one edit), elsewhere the chance of the agreement
 *     e = (how common the key is) x (how common the date is) x (visit time
 *     and country context) is below tau.
 * A weak profile (no identifier, no real date) has none of the keys and
 * is never joined here: weak.c places it.
 */
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "common/sort.h"
#include "linkage/linkage_private.h"

/* ---- union-find ------------------------------------------------------------------- */

uint32_t lk_find(lk_clusters *c, uint32_t a)
{
    while (c->parent[a] != a) {
        c->parent[a] = c->parent[c->parent[a]];
        a = c->parent[a];
    }
    return a;
}

int lk_clusters_init(unika_linkage *lk, unika_error *err)
{
    lk_clusters *c = &lk->c;
    size_t n = lk->nprofiles ? lk->nprofiles : 1;
    c->parent = unika_malloc(n * sizeof *c->parent);
    c->next = unika_malloc(n * sizeof *c->next);
    c->rows = unika_malloc(n * sizeof *c->rows);
    c->size = unika_malloc(n * sizeof *c->size);
    c->pnr = unika_malloc(n * sizeof *c->pnr);
    c->snr = unika_malloc(n * sizeof *c->snr);
    c->dos = unika_malloc(n * sizeof *c->dos);
    c->gender = unika_malloc(n);
    c->lo = unika_malloc(n * sizeof *c->lo);
    c->hi = unika_malloc(n * sizeof *c->hi);
    if (!c->parent || !c->next || !c->rows || !c->size || !c->pnr || !c->snr || !c->dos ||
        !c->gender || !c->lo || !c->hi)
        return unika_fail(err, UNIKA_ENOMEM, "out of memory for the clusters");
    for (uint32_t i = 0; i < lk->nprofiles; i++) {
        const lk_profile *p = &lk->profiles[i];
        c->parent[i] = c->next[i] = i;
        c->rows[i] = p->rows;
        c->size[i] = 1;
        c->pnr[i] = p->pnr;
        c->snr[i] = p->snr;
        c->dos[i] = p->dos;
        c->gender[i] = p->gender;
        c->lo[i] = p->lo;
        c->hi[i] = p->hi;
    }
    return 0;
}

void lk_clusters_free(lk_clusters *c)
{
    unika_free(c->parent);
    unika_free(c->next);
    unika_free(c->rows);
    unika_free(c->size);
    unika_free(c->pnr);
    unika_free(c->snr);
    unika_free(c->dos);
    unika_free(c->gender);
    unika_free(c->lo);
    unika_free(c->hi);
    memset(c, 0, sizeof *c);
}

int lk_overlap(uint16_t alo, uint16_t ahi, uint16_t blo, uint16_t bhi)
{
    if (alo == LK_SPAN_NONE || blo == LK_SPAN_NONE) return 1;
    return alo <= bhi + 1 && blo <= ahi + 1;
}

/* Joins two roots; the smaller index stays the root. */
static uint32_t join(lk_clusters *c, uint32_t a, uint32_t b)
{
    if (a > b) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    c->parent[b] = a;
    c->rows[a] += c->rows[b];
    c->size[a] += c->size[b];
    if (c->pnr[a] == LK_NONE) c->pnr[a] = c->pnr[b];
    if (c->snr[a] == LK_NONE) c->snr[a] = c->snr[b];
    if (c->dos[a] == LK_NONE) c->dos[a] = c->dos[b];
    if (!c->gender[a]) c->gender[a] = c->gender[b];
    if (c->lo[b] != LK_SPAN_NONE) {
        if (c->lo[a] == LK_SPAN_NONE || c->lo[b] < c->lo[a]) c->lo[a] = c->lo[b];
        if (c->hi[b] > c->hi[a]) c->hi[a] = c->hi[b];
    }
    uint32_t t = c->next[a];
    c->next[a] = c->next[b];
    c->next[b] = t;
    return a;
}

/* ---- compatibility ---------------------------------------------------------------- */

static int dates_ok(const lk_profile *x, const lk_profile *y)
{
    if (x->md == y->md)
        return x->year == y->year || x->year1 == y->year || x->year2 == y->year ||
               y->year1 == x->year || y->year2 == x->year;
    return x->year == y->year && ((x->mds != LK_NONE && x->mds == y->md) ||
                                  (y->mds != LK_NONE && y->mds == x->md));
}

static int ids_conflict(uint32_t a, uint32_t b) { return a != LK_NONE && b != LK_NONE && a != b; }

static int compatible(const unika_linkage *lk, uint32_t a, uint32_t b)
{
    const lk_clusters *c = &lk->c;
    if (c->gender[a] && c->gender[b] && c->gender[a] != c->gender[b]) return 0;
    if (ids_conflict(c->pnr[a], c->pnr[b]) || ids_conflict(c->snr[a], c->snr[b]) ||
        ids_conflict(c->dos[a], c->dos[b]))
        return 0;
    uint32_t x = a;
    do {
        const lk_profile *px = &lk->profiles[x];
        if (lk_real_date(px)) {
            uint32_t y = b;
            do {
                const lk_profile *py = &lk->profiles[y];
                if (lk_real_date(py) && !dates_ok(px, py)) return 0;
                y = c->next[y];
            } while (y != b);
        }
        x = c->next[x];
    } while (x != a);
    return 1;
}

/* ---- the passes' scratch -------------------------------------------------------------- */

/* A pass's key of profile p, sorted by all six words (unika_sort_words()). */
typedef struct lk_rec {
    uint32_t k[5];
    uint32_t p;
} lk_rec;

typedef struct pass_ctx {
    unika_linkage *lk;
    unsigned pass;
    lk_rec *rec;
    size_t n, cap;
    uint32_t *roots, *set;
    size_t cap_roots, cap_set, cap_ranked;
    struct ranked *ranked;
    uint32_t (*pairs)[2];
    lk_typo *typos;
    size_t ntypos, cap_typos;
} pass_ctx;

static int add(pass_ctx *x, uint32_t p, uint32_t a, uint32_t b, uint32_t c, uint32_t d,
               uint32_t e)
{
    if (lk_grow((void **)&x->rec, &x->cap, x->n + 1, sizeof *x->rec) < 0) return -1;
    x->rec[x->n++] = (lk_rec){{a, b, c, d, e}, p};
    return 0;
}

/* ---- keys of each pass ----------------------------------------------------------------- */

#define MAX_PAIRS 8192 /* 128 words: 128 * 127 / 2 pairs */

/* The keys of profile i under gender g. */
static int keys_under(pass_ctx *x, uint32_t i, uint32_t g, unika_error *err)
{
    const lk_profile *p = &x->lk->profiles[i];
    int rc = 0;
    switch (x->pass) {
    case UNIKA_LINK_PASS_FULL: return add(x, i, p->name, p->year, p->md, g, 0);
    case UNIKA_LINK_PASS_MD: return add(x, i, p->name, p->md, g, 0, 0);
    case UNIKA_LINK_PASS_PAIR:
    case UNIKA_LINK_PASS_PAIRMD: {
        size_t n = lk_pairs_of(x->lk, p, x->pairs, MAX_PAIRS);
        for (size_t k = 0; k < n && rc == 0; k++)
            rc = x->pass == UNIKA_LINK_PASS_PAIR
                     ? add(x, i, x->pairs[k][0], x->pairs[k][1], p->year, p->md, g)
                     : add(x, i, x->pairs[k][0], x->pairs[k][1], p->md, g, 0);
        return rc;
    }
    default: /* typo */
        if ((rc = lk_typos_of(x->lk, p, &x->typos, &x->ntypos, &x->cap_typos, err)) < 0) return rc;
        for (size_t k = 0; k < x->ntypos && rc == 0; k++)
            rc = add(x, i, x->typos[k].rest, x->typos[k].d, p->year, p->md, g);
        return rc;
    }
}

/* A profile's keys in the pass. Gender is part of every name key, as a
 * block; an unknown gender agrees with any (compatible()), so a profile of
 * unknown gender is put in the blocks of every gender. */
static int keys_of(pass_ctx *x, uint32_t i, unika_error *err)
{
    const lk_profile *p = &x->lk->profiles[i];
    switch (x->pass) {
    case UNIKA_LINK_PASS_PERSONNUMMER:
        return p->pnr == LK_NONE ? 0 : add(x, i, p->pnr, 0, 0, 0, 0);
    case UNIKA_LINK_PASS_SAMORDNINGSNUMMER:
        return p->snr == LK_NONE ? 0 : add(x, i, p->snr, 0, 0, 0, 0);
    case UNIKA_LINK_PASS_DOSSIER:
        return p->dos == LK_NONE ? 0 : add(x, i, p->dos, 0, 0, 0, 0);
    default: break;
    }
    if (!lk_real_date(p) || p->name == LK_NONE) return 0;
    if (p->gender) return keys_under(x, i, p->gender, err);
    for (uint32_t g = 0; g <= UNIKA_GENDER_OTHER; g++) {
        int rc = keys_under(x, i, g, err);
        if (rc < 0) return rc;
    }
    return 0;
}

/* ---- evidence ----------------------------------------------------------------------- */

/* Collects the ids of a cluster's name words, their deletions and its name
 * keys into x->set, sorted. */
static int name_set(pass_ctx *x, uint32_t a, size_t *n)
{
    const unika_linkage *lk = x->lk;
    *n = 0;
    uint32_t m = a;
    do {
        const lk_profile *p = &lk->profiles[m];
        if (lk_grow((void **)&x->set, &x->cap_set, *n + 1u + p->ntok + p->ndel, sizeof *x->set) < 0)
            return -1;
        if (p->name != LK_NONE) x->set[(*n)++] = p->name;
        for (size_t k = 0; k < p->ntok; k++) x->set[(*n)++] = lk->tokens[p->tok + k];
        for (size_t k = 0; k < p->ndel; k++) x->set[(*n)++] = lk->dels[p->del + k].id;
        m = lk->c.next[m];
    } while (m != a);
    return 0;
}

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Similar names: a shared word, name key or deletion (two words within one
 * edit). Without a name on either side nothing speaks against the
 * identifier. -1: out of memory. */
static int names_similar(pass_ctx *x, uint32_t a, uint32_t b)
{
    size_t na;
    if (name_set(x, a, &na) < 0) return -1;
    if (na == 0) return 1;
    unika_sort_ids(x->set, na, 1);
    const unika_linkage *lk = x->lk;
    int any = 0;
    uint32_t m = b;
    do {
        const lk_profile *p = &lk->profiles[m];
        uint32_t v[1 + UNIKA_MATCHKEYS_MAX];
        size_t nv = 0;
        if (p->name != LK_NONE) v[nv++] = p->name;
        for (size_t k = 0; k < p->ntok; k++) v[nv++] = lk->tokens[p->tok + k];
        for (size_t k = 0; k < p->ndel; k++) v[nv++] = lk->dels[p->del + k].id;
        any |= nv > 0;
        for (size_t k = 0; k < nv; k++)
            if (bsearch(&v[k], x->set, na, sizeof *x->set, u32_cmp)) return 1;
        m = lk->c.next[m];
    } while (m != b);
    return !any;
}

/* 1 if the clusters have a country each and share one, 0 if they have
 * countries and share none, -1 if either has none. */
static int countries(const unika_linkage *lk, uint32_t a, uint32_t b)
{
    int has_a = 0, has_b = 0;
    uint32_t x = a;
    do {
        uint32_t ca = lk->profiles[x].country;
        if (ca != LK_NONE) {
            has_a = 1;
            uint32_t y = b;
            do {
                uint32_t cb = lk->profiles[y].country;
                has_b |= cb != LK_NONE;
                if (cb == ca) return 1;
                y = lk->c.next[y];
            } while (y != b);
        }
        x = lk->c.next[x];
    } while (x != a);
    if (!has_a) return -1;
    return has_b ? 0 : -1;
}

/* The context factor: how much likelier the agreement is for one person
 * than by chance, given when they came and where they are from. */
static double context(const unika_linkage *lk, uint32_t a, uint32_t b)
{
    const lk_clusters *c = &lk->c;
    double f = lk_overlap(c->lo[a], c->hi[a], c->lo[b], c->hi[b]) ? 0.3 / 0.97 : 0.7 / 0.03;
    int cty = countries(lk, a, b);
    if (cty == 1) f *= lk->freq.cty_agree / 0.98;
    else if (cty == 0) f *= 0.65 / 0.02;
    return f;
}

/* The chance agreement e of joining b into a on group key k. */
static double evidence(pass_ctx *x, const uint32_t *k, uint32_t a, uint32_t b)
{
    const lk_freq *f = &x->lk->freq;
    double chance;
    switch (x->pass) {
    case UNIKA_LINK_PASS_PAIR:
        chance = lk_freq_count(&f->pair, k[0], k[1], k[4]) * lk_p_year(f, k[2], k[4]) *
                 lk_p_md(f, k[3]);
        break;
    case UNIKA_LINK_PASS_TYPO:
        chance = lk_freq_count(&f->typo, k[0], k[1], k[4]) * lk_p_year(f, k[2], k[4]) *
                 lk_p_md(f, k[3]);
        break;
    case UNIKA_LINK_PASS_MD:
        chance = lk_freq_count(&f->name, k[0], k[2], 0) * lk_p_md(f, k[1]) * 5;
        break;
    default: /* pairmd */
        chance = lk_freq_count(&f->pair, k[0], k[1], k[3]) * lk_p_md(f, k[2]) * 5;
    }
    return chance * context(x->lk, a, b);
}

/* ---- one group ------------------------------------------------------------------------ */

typedef struct ranked {
    uint64_t rows;
    uint32_t root;
} ranked;

static int ranked_cmp(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->rows != y->rows) return x->rows > y->rows ? -1 : 1;
    return (x->root > y->root) - (x->root < y->root);
}

/* The decision of joining root r into head: 0 made, else the counter. */
static int decide(pass_ctx *x, const uint32_t *k, uint32_t head, uint32_t r,
                  unika_link_pass_stats *st)
{
    unika_linkage *lk = x->lk;
    if (lk->c.size[head] + lk->c.size[r] > lk->params.max_cluster) return st->refused_cap++, 1;
    if (!compatible(lk, head, r)) return st->refused_conflict++, 1;
    if (x->pass <= UNIKA_LINK_PASS_DOSSIER) {
        int s = names_similar(x, head, r);
        if (s < 0) return -1;
        if (!s) return st->refused_evidence++, 1;
    } else if (x->pass != UNIKA_LINK_PASS_FULL && !(evidence(x, k, head, r) < lk->params.tau)) {
        return st->refused_evidence++, 1;
    }
    return 0;
}

static int do_group(pass_ctx *x, const lk_rec *g, size_t n, unika_link_pass_stats *st)
{
    unika_linkage *lk = x->lk;
    if (lk_grow((void **)&x->roots, &x->cap_roots, n, sizeof *x->roots) < 0 ||
        lk_grow((void **)&x->ranked, &x->cap_ranked, n, sizeof *x->ranked) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) x->roots[i] = lk_find(&lk->c, g[i].p);
    unika_sort_ids(x->roots, n, 1);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (!u || x->roots[i] != x->ranked[u - 1].root)
            x->ranked[u++] = (ranked){lk->c.rows[x->roots[i]], x->roots[i]};
    if (u < 2) return 0;
    lk_qsort(x->ranked, u, sizeof *x->ranked, ranked_cmp);
    uint32_t head = x->ranked[0].root;
    for (size_t i = 1; i < u; i++) {
        uint32_t r = x->ranked[i].root;
        int d = decide(x, g[0].k, head, r, st);
        if (d < 0) return -1;
        if (d == 0) {
            head = join(&lk->c, head, r);
            st->made++;
        }
    }
    return 0;
}

static int run_pass(unika_linkage *lk, pass_ctx *x, unsigned pass, unika_error *err)
{
    x->pass = pass;
    x->n = 0;
    for (uint32_t i = 0; i < lk->nprofiles; i++) {
        int rc = keys_of(x, i, err);
        if (rc < 0) return rc == -1 ? unika_fail(err, UNIKA_ENOMEM, "out of memory") : rc;
    }
    if (unika_sort_words(x->rec, x->n, sizeof *x->rec, 6)) /* by k, then p */
        return unika_fail(err, UNIKA_ENOMEM, "out of memory in pass %s",
                          unika_link_pass_name(pass));
    unika_link_pass_stats *st = &lk->stats.pass[pass];
    for (size_t i = 0; i < x->n;) {
        size_t j = i + 1;
        while (j < x->n && !memcmp(x->rec[j].k, x->rec[i].k, sizeof x->rec[i].k)) j++;
        if (j - i > 1 && do_group(x, x->rec + i, j - i, st) < 0)
            return unika_fail(err, UNIKA_ENOMEM, "out of memory in pass %s",
                              unika_link_pass_name(pass));
        i = j;
    }
    return 0;
}

/* The passes from `first` on; the frequencies are built before the pair
 * pass unless they are given. */
static int passes(unika_linkage *lk, unsigned first, int build_freq, unika_error *err)
{
    pass_ctx x;
    memset(&x, 0, sizeof x);
    x.lk = lk;
    x.pairs = unika_malloc(MAX_PAIRS * sizeof *x.pairs);
    int rc = x.pairs ? 0 : unika_fail(err, UNIKA_ENOMEM, "out of memory");
    for (unsigned pass = first; rc == 0 && pass < UNIKA_LINK_PASSES; pass++) {
        /* The evidence passes weigh agreement by the frequencies of keyed
         * values over the clusters the exact passes made. */
        if (pass == UNIKA_LINK_PASS_PAIR && build_freq) rc = lk_freq_build(lk, err);
        if (rc == 0) rc = run_pass(lk, &x, pass, err);
    }
    unika_free(x.rec);
    unika_free(x.roots);
    unika_free(x.ranked);
    unika_free(x.set);
    unika_free(x.pairs);
    unika_free(x.typos);
    return rc;
}

int lk_cascade(unika_linkage *lk, unika_error *err) { return passes(lk, 0, 1, err); }

/* The name and date passes again, every identifier hidden, under the
 * frequencies the cascade weighed its evidence by: which profiles with a
 * real date they alone put together. The linkage's clusters and counters
 * are left as they were. */
int lk_cascade_without_ids(unika_linkage *lk, uint32_t **roots, unika_error *err)
{
    size_t n = lk->nprofiles ? lk->nprofiles : 1;
    lk_profile *hidden = unika_malloc(n * sizeof *hidden);
    *roots = unika_malloc(n * sizeof **roots);
    if (!hidden || !*roots) {
        unika_free(hidden);
        return unika_fail(err, UNIKA_ENOMEM, "out of memory for the identifiers' check");
    }
    for (size_t i = 0; i < lk->nprofiles; i++) {
        hidden[i] = lk->profiles[i];
        hidden[i].pnr = hidden[i].snr = hidden[i].dos = LK_NONE;
    }
    lk_profile *profiles = lk->profiles;
    lk_clusters c = lk->c;
    unika_link_stats stats = lk->stats;
    lk->profiles = hidden;
    memset(&lk->c, 0, sizeof lk->c);
    int rc = lk_clusters_init(lk, err);
    if (rc == 0) rc = passes(lk, UNIKA_LINK_PASS_FULL, 0, err);
    for (uint32_t i = 0; rc == 0 && i < lk->nprofiles; i++)
        (*roots)[i] = lk_real_date(&hidden[i]) ? lk_find(&lk->c, i) : LK_NONE;
    lk_clusters_free(&lk->c);
    lk->c = c;
    lk->profiles = profiles;
    lk->stats = stats;
    unika_free(hidden);
    return rc;
}

static const char *const PASS_NAMES[UNIKA_LINK_PASSES] = {
    "personnummer", "samordningsnummer", "dossier", "full", "pair", "typo", "md", "pairmd"};

const char *unika_link_pass_name(unsigned pass)
{
    return pass < UNIKA_LINK_PASSES ? PASS_NAMES[pass] : NULL;
}
