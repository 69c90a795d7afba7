/*
 * estimate_rates.c - the rates the estimator measures on the strong
 * clusters (estimate.h), each from the records whose identity is known:
 *
 *   eps_o    split units per person at partner o: a strong cluster's
 *            distinct (name, year) keys at o, minus one, averaged over the
 *            clusters present at o (within a period too: a person's typo
 *            rows and revised year fall in fewer units per period);
 *   m_eq0    the share of a person's main record at one partner whose
 *            (name, year) is exactly one of its records' at another partner
 *            with overlapping visits: how often a weak record of a known
 *            person shows the person's own key;
 *   r_o      among RARE strong clusters (no other cluster holds their keys)
 *            without a strong record at o, the share with a weak unit of one
 *            of their keys at o, visits overlapping, over m_eq0: the rate at
 *            which a strong person also has weak records at o;
 *   psi_o    for those rare clusters, the share of their periods in which
 *            their weak unit at o has records too;
 *   m_pair   two partners' main records of one person agreeing on (name,
 *            year) with overlapping visits.
 *
 * A jackknife replicate leaves out one group of names: the clusters whose
 * main name, and the units whose name, fall in that group.
 */
#include <stdlib.h>
#include <string.h>

#define LK_EST_INTERNAL
#include "common/common.h"
#include "linkage/estimate.h"

typedef struct tup {
    uint16_t file;
    uint32_t t, name, year;
} tup;

static int tup_cmp(const void *a, const void *b)
{
    const tup *x = a, *y = b;
    if (x->file != y->file) return x->file < y->file ? -1 : 1;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    if (x->name != y->name) return x->name < y->name ? -1 : 1;
    return (x->year > y->year) - (x->year < y->year);
}

static uint32_t gran_of(const unika_linkage *lk, int gran, uint32_t period)
{
    return gran == LK_GRAN_ALL ? 0 : gran == LK_GRAN_YEAR ? lk_est_year_of(lk, period) : period;
}

/* Split units per person and partner, at one granularity. */
static void split_rates(const lk_est *e, int skip, int gran, double eps[LK_EST_MAX_ORGS])
{
    const unika_linkage *lk = e->lk;
    double ex[LK_EST_MAX_ORGS] = {0}, nn[LK_EST_MAX_ORGS] = {0};
    tup *t = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < e->ncl; i++) {
        const lk_est_cluster *c = &e->cl[i];
        if (c->group == skip) continue;
        size_t n = 0;
        uint32_t m = c->root;
        do {
            const lk_profile *p = &lk->profiles[m];
            for (uint32_t k = 0; k < p->ncell; k++) {
                if (n == cap) {
                    size_t nc = cap ? cap * 2 : 256;
                    tup *q = unika_realloc(t, cap * sizeof *q, nc * sizeof *q);
                    if (!q) goto out;
                    t = q;
                    cap = nc;
                }
                uint32_t per = lk->cells[lk->cells_of[p->cell + k]].period;
                t[n++] = (tup){p->file, gran_of(lk, gran, per), p->name, p->year};
            }
            m = lk->c.next[m];
        } while (m != c->root);
        qsort(t, n, sizeof *t, tup_cmp);
        for (size_t a = 0; a < n;) {
            size_t b = a, distinct = 0;
            for (; b < n && t[b].file == t[a].file && t[b].t == t[a].t; b++)
                if (b == a || t[b].name != t[b - 1].name || t[b].year != t[b - 1].year) distinct++;
            ex[t[a].file] += (double)distinct - 1;
            nn[t[a].file] += 1;
            a = b;
        }
    }
out:
    unika_free(t);
    double sex = 0, snn = 0;
    for (unsigned f = 0; f < e->nfiles; f++) {
        sex += ex[f];
        snn += nn[f];
    }
    for (unsigned f = 0; f < e->nfiles; f++)
        eps[f] = nn[f] > 50 ? ex[f] / nn[f] : snn > 0 ? sex / snn : 0.0;
}

/* 1 when a record of cluster c at a file other than f has (name, year). */
static int agrees_elsewhere(const unika_linkage *lk, const lk_est_cluster *c, unsigned f,
                            const lk_est_main *m)
{
    uint32_t x = c->root;
    do {
        const lk_profile *p = &lk->profiles[x];
        if (p->file != f && p->name == m->name && p->year == m->year &&
            lk_est_overlap(m->lo, m->hi, p->lo, p->hi))
            return 1;
        x = lk->c.next[x];
    } while (x != c->root);
    return 0;
}

static void agreement(const lk_est *e, int skip, lk_est_rates *r)
{
    uint64_t agree = 0, total = 0, pa = 0, pt = 0;
    for (size_t i = 0; i < e->ncl; i++) {
        const lk_est_cluster *c = &e->cl[i];
        if (c->group == skip || c->nmain < 2) continue;
        for (uint32_t a = 0; a < c->nmain; a++) {
            const lk_est_main *m = &e->cmain[c->main + a];
            if (!(c->at >> m->file & 1)) continue;
            total++;
            agree += (uint64_t)agrees_elsewhere(e->lk, c, m->file, m);
            for (uint32_t b = a + 1; b < c->nmain; b++) {
                const lk_est_main *o = &e->cmain[c->main + b];
                pt++;
                pa += m->name == o->name && m->year == o->year &&
                      lk_est_overlap(m->lo, m->hi, o->lo, o->hi);
            }
        }
    }
    r->m_eq0 = total ? (double)agree / (double)total : 1.0;
    r->m_pair = pt ? (double)pa / (double)pt : 1.0;
    r->eq0_pairs = total;
    r->pairs = pt;
    if (r->m_eq0 <= 0) r->m_eq0 = 1.0;
    if (r->m_pair <= 0) r->m_pair = 1.0;
}

/* The weak units at file f holding one of cluster c's keys, agreeing in
 * gender and overlapping in time (not in group skip): up to cap of them. */
static size_t own_units(const lk_est *e, const lk_est_cluster *c, unsigned f, int skip,
                        uint32_t *out, size_t cap)
{
    size_t n = 0;
    for (uint32_t k = 0; k < c->nkey; k++) {
        const lk_est_key *key = &e->ckey[c->key + k];
        size_t i = lk_est_find_units(e, key->name, key->year);
        if (i == SIZE_MAX) continue;
        for (; i < e->nun; i++) {
            uint32_t ui = e->by_key[i];
            const lk_unit *u = &e->lk->units[ui];
            if (u->name != key->name || u->year != key->year) break;
            if (u->file != f || e->un[ui].group == skip) continue;
            if (!lk_est_gender_agrees(u->gender, c->gender)) continue;
            if (!lk_est_overlap(u->lo, u->hi, c->lo, c->hi)) continue;
            if (n < cap) out[n++] = ui;
        }
    }
    return n;
}

/* 1 when one of the units has records in period t at granularity gran. */
static int units_in(const lk_est *e, const uint32_t *u, size_t n, int gran, uint32_t t)
{
    for (size_t i = 0; i < n; i++) {
        const lk_est_unit *x = &e->un[u[i]];
        for (uint32_t k = 0; k < x->nper; k++)
            if (gran_of(e->lk, gran, e->uper[x->per + k]) == t) return 1;
    }
    return 0;
}

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The distinct periods (at gran) of a cluster's cells: at most cap. */
static size_t distinct_periods(const lk_est *e, const lk_est_cluster *c, int gran, uint32_t *t,
                               size_t cap)
{
    size_t n = 0;
    for (uint32_t k = 0; k < c->ncell && n < cap; k++)
        t[n++] = gran_of(e->lk, gran, e->ccell[c->cell + k].period);
    qsort(t, n, sizeof *t, u32_cmp);
    size_t w = 0;
    for (size_t k = 0; k < n; k++)
        if (!w || t[k] != t[w - 1]) t[w++] = t[k];
    return w;
}

static void presence(const lk_est *e, int skip, lk_est_rates *r)
{
    double elig[LK_EST_MAX_ORGS] = {0}, hit[LK_EST_MAX_ORGS] = {0};
    double num[3][LK_EST_MAX_ORGS] = {{0}}, den[3][LK_EST_MAX_ORGS] = {{0}};
    uint32_t own[32];
    r->rare = 0;
    for (size_t i = 0; i < e->ncl; i++) {
        const lk_est_cluster *c = &e->cl[i];
        if (c->group == skip || !c->rare) continue;
        r->rare++;
        for (unsigned f = 0; f < e->nfiles; f++) {
            if (c->at >> f & 1) continue;
            elig[f]++;
            size_t n = own_units(e, c, f, skip, own, 32);
            if (!n) continue;
            hit[f]++;
            for (int gran = LK_GRAN_YEAR; gran <= LK_GRAN_PERIOD; gran++) {
                uint32_t t[256] = {0};
                size_t nt = distinct_periods(e, c, gran, t, 256);
                for (size_t k = 0; k < nt; k++) {
                    den[gran][f]++;
                    num[gran][f] += units_in(e, own, n, gran, t[k]);
                }
            }
        }
    }
    for (unsigned f = 0; f < e->nfiles; f++) {
        double x = elig[f] > 0 ? hit[f] / elig[f] / r->m_eq0 : 0.0;
        r->r[f] = x > 1 ? 1 : x;
        r->psi[LK_GRAN_ALL][f] = 1.0;
        for (int gran = LK_GRAN_YEAR; gran <= LK_GRAN_PERIOD; gran++)
            r->psi[gran][f] = den[gran][f] > 0 ? num[gran][f] / den[gran][f] : 0.5;
    }
}

void lk_est_measure(const lk_est *e, int skip, lk_est_rates *out)
{
    memset(out, 0, sizeof *out);
    for (int gran = 0; gran < 3; gran++) split_rates(e, skip, gran, out->eps[gran]);
    agreement(e, skip, out);
    presence(e, skip, out);
}
