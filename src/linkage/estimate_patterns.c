/*
 * estimate_patterns.c - the weak people counted at several partners of a
 * figure (estimate.h, D): which partners each key is seen at, the
 * patterns' fit (estimate_fit.c) per name count, kept for the figures by
 * age band (estimate_terms.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LK_EST_INTERNAL
#include "common/common.h"
#include "linkage/estimate.h"
#include "linkage/estimate_fit.h"
#include "linkage/estimate_terms.h"

/* The patterns of the figure's partners: every non-empty subset when they
 * are few, the single partners and pairs otherwise. */
static size_t patterns(uint64_t orgs, uint64_t **out)
{
    uint8_t bit[64];
    unsigned k = 0;
    for (unsigned b = 0; b < 64; b++)
        if (orgs >> b & 1) bit[k++] = (uint8_t)b;
    size_t n = k <= LK_EST_MAX_PATTERN_ORGS ? ((size_t)1 << k) - 1 : k + (size_t)k * (k - 1) / 2;
    uint64_t *p = unika_malloc(n * sizeof *p);
    if (!p) return 0;
    size_t w = 0;
    if (k <= LK_EST_MAX_PATTERN_ORGS) {
        for (uint32_t m = 1; m < (1u << k); m++) {
            uint64_t q = 0;
            for (unsigned b = 0; b < k; b++)
                if (m >> b & 1) q |= 1ull << bit[b];
            p[w++] = q;
        }
    } else {
        for (unsigned a = 0; a < k; a++) p[w++] = 1ull << bit[a];
        for (unsigned a = 0; a < k; a++)
            for (unsigned b = a + 1; b < k; b++) p[w++] = 1ull << bit[a] | 1ull << bit[b];
    }
    *out = p;
    return w;
}

/* The units of one key (name, year, gender) in the units sorted by key,
 * from i: where it ends, and the partners of orgs where it has a unit in s. */
static size_t key_end(const lk_est *e, size_t i, uint64_t orgs, scope s, uint64_t *pres)
{
    size_t end = e->key_to[i];
    *pres = 0;
    for (size_t j = i; j < end; j++) {
        const lk_unit *u = &e->lk->units[e->by_key[j]];
        if ((orgs >> u->file & 1) && unit_in(e, e->by_key[j], s)) *pres |= 1ull << u->file;
    }
    return end;
}

void lk_est_pat_free(pat *r)
{
    unika_free(r->pats);
    unika_free(r->gamma[0]);
    unika_free(r->gamma[1]);
}

/* A key of a gender other than the commonest, seen at two partners or more. */
typedef struct minor_key {
    double lam[2], agree;
    uint64_t pres;
    uint8_t gender;
} minor_key;

/* Each gender's D numerator in the fit's scope, per name count: its keys'
 * duplicates given the partners each is seen at (lk_est_key_dups()), a
 * name no strong record has one person at all of them (version 11: a
 * figure of some genders sums its own, docs/linkage.md 15). Computed for
 * every gender but the commonest, over keys[0 .. n): summed over every
 * gender the keys' duplicates are the fit's closed form (EM's fixed
 * point), so the commonest's are the rest, and most keys need no pass. */
static int gender_dups(const minor_key *keys, size_t n, pat *r)
{
    for (size_t i = 0; i < n; i++)
        for (int people = 0; people < 2; people++) {
            double k = popcount(keys[i].pres) - 1;
            if (keys[i].lam[people] > 0 &&
                lk_est_key_dups(keys[i].lam[people], keys[i].agree, keys[i].pres, keys[i].pres,
                                r->pats, r->npat, r->gamma[people], &k))
                return -1;
            r->dups[people][keys[i].gender] += k;
        }
    return 0;
}

/* The keys' presence patterns over the figure's partners, once, then each
 * name count's fit (0 per partner record, 1 per person: their lambdas
 * differ, the patterns do not) into r, which keeps the fits. */
static int pattern_fit_of(const lk_est *e, uint64_t orgs, scope s, pat *r)
{
    size_t nk[2] = {0, 0}, nminor = 0;
    r->npat = patterns(orgs, &r->pats);
    lk_pat_key *keys = unika_malloc((e->nun ? e->nun : 1) * 2 * sizeof *keys);
    minor_key *minor = unika_malloc((e->nun ? e->nun : 1) * sizeof *minor);
    r->gamma[0] = unika_calloc(r->npat ? r->npat : 1, sizeof *r->gamma[0]);
    r->gamma[1] = unika_calloc(r->npat ? r->npat : 1, sizeof *r->gamma[1]);
    int rc = -1;
    if (!r->pats || !keys || !minor || !r->gamma[0] || !r->gamma[1]) goto done;
    lk_pat_key *of[2] = {keys, keys + (e->nun ? e->nun : 1)};
    for (size_t i = 0; i < e->nun;) {
        const lk_est_unit *x = &e->un[e->by_key[i]];
        uint64_t pres;
        i = key_end(e, i, orgs, s, &pres);
        if (popcount(pres) < 1) continue;
        if (x->gender != e->major_gender && popcount(pres) >= 2)
            minor[nminor++] = (minor_key){{x->lam, x->lam_people}, x->agree, pres, x->gender};
        for (int people = 0; people < 2; people++) {
            double lam = people ? x->lam_people : x->lam;
            if (lam <= 0) /* a name no strong record has: one person at all its partners */
                r->unseen[people][x->gender] += popcount(pres) - 1;
            else
                of[people][nk[people]++] = (lk_pat_key){lam, x->agree, pres};
        }
    }
    for (int people = 0; people < 2 && popcount(orgs) >= 2; people++) {
        if (!nk[people]) continue;
        double all[LK_EST_LEVELS];
        for (int j = 0; j < LK_EST_LEVELS; j++)
            all[j] = sum_of_genders(e->lam_level[people][j], LK_EST_ALL_GENDERS);
        if (lk_est_gamma(of[people], nk[people], r->pats, r->npat, all, r->gamma[people]))
            goto done;
        for (size_t a = 0; a < r->npat; a++) {
            unsigned j = popcount(r->pats[a]) - 1;
            r->agree_level[people][j] += j * r->gamma[people][a];
        }
    }
    if (popcount(orgs) >= 2 && gender_dups(minor, nminor, r)) goto done;
    rc = 0;
done:
    unika_free(keys);
    unika_free(minor);
    return rc;
}

/* D's numerator of a figure by a --by value, per name count: the keys with
 * a unit of it (of the figure's genders), each the people it holds at two
 * or more of the partners where it has one, beyond one each (a name no
 * strong record has, one person at all of them). With thin 0, every
 * person of the key as the figure's fit expects them given all the
 * partners it is seen at (lk_est_key_dups()): summed over every key of the
 * figure it is the figure's own D (at the fit, EM's M-step), which the
 * caller thins as P is. With thin > 0, the value's people of the key alone,
 * a Poisson process of lambda thin, as the fit expects them given the
 * partners where the key shows the value: as if a person showed it at
 * every partner of its pattern (version 14, estimate_figure.c). */
int lk_est_label_dups(const lk_est *e, const pat *pt, uint64_t orgs, scope s, uint8_t genders,
                      double thin, double d[2])
{
    d[0] = d[1] = 0;
    for (size_t i = 0; i < e->nun;) {
        const lk_est_unit *x = &e->un[e->by_key[i]];
        uint64_t pres, in;
        (void)key_end(e, i, orgs, s, &in);
        i = key_end(e, i, orgs, when(s), &pres);
        if (!in || !(genders >> x->gender & 1)) continue;
        for (int people = 0; people < 2; people++) {
            double lam = people ? x->lam_people : x->lam, k = 0;
            if (lam <= 0) k = popcount(in) - 1;
            else if (thin > 0 ? lk_est_key_dups(lam * thin, x->agree, in, in, pt->pats, pt->npat,
                                                pt->gamma[people], &k)
                              : lk_est_key_dups(lam, x->agree, pres, in, pt->pats, pt->npat,
                                                pt->gamma[people], &k))
                return -1;
            d[people] += k;
        }
    }
    return 0;
}

int lk_est_pattern_fit(const lk_est *e, cache *c, uint64_t orgs, scope s, const pat **out)
{
    for (size_t i = 0; i < c->np; i++)
        if (c->p[i].orgs == orgs && scope_eq(c->p[i].s, s)) {
            *out = &c->p[i];
            return 0;
        }
    pat r;
    memset(&r, 0, sizeof r);
    r.orgs = orgs;
    r.s = s;
    if (pattern_fit_of(e, orgs, s, &r)) {
        lk_est_pat_free(&r);
        return -1;
    }
    if (lk_est_push((void **)&c->p, &c->np, &c->cp, sizeof r, &r)) {
        lk_est_pat_free(&r);
        return -1;
    }
    *out = &c->p[c->np - 1];
    return 0;
}

