/*
 * estimate_occupancy.c - the people behind one partner's weak units in a
 * figure (estimate.h, P_o): the occupancy fit of the units present, per
 * name count, and for a figure by age band the thinning of each birth
 * year's people (estimate_terms.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LK_EST_INTERNAL
#include "common/common.h"
#include "linkage/estimate.h"
#include "linkage/estimate_fit.h"
#include "linkage/estimate_terms.h"

/* The people behind the present units of one name count (lam, lam_all):
 * the occupancy fit over all of them, the sum of the means and variances
 * of those `in` (all of them, or for a figure by an age band those showing
 * it, counted whole: the naive count that D's thinning is taken against,
 * lk_est_occupancy()). */
static void occupancy_of(const double *lam, const double *nname, const uint8_t *in, size_t n,
                         double lam_all, double *mean, double *var)
{
    double present = 0;
    for (size_t i = 0; i < n; i++) present += lam[i];
    double alpha = lk_est_alpha(lam, n, lam_all - present);
    double m = 0, v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!in[i]) continue;
        double mu = alpha * lam[i];
        m += lk_est_ztp_mean(mu);
        /* the people behind the unit, and lambda's own error: the name's count
         * n among the strong clusters is Poisson, so lambda is off by about
         * lambda / sqrt(n), and the mean by its derivative times that */
        double d = lk_est_ztp_slope(mu) * mu;
        v += lk_est_ztp_var(mu) + d * d / nname[i];
    }
    *mean = m;
    *var = v;
}

/* The units at f in s (of genders): the occupancy of their name counts,
 * fitted on every unit of the figure without its --by value. */
static int occupancy_of_units(const lk_est *e, unsigned f, scope s, uint8_t genders, occ *x)
{
    size_t most = e->nun ? e->nun : 1;
    double *lam = unika_malloc(most * 4 * sizeof *lam);
    uint8_t *in = unika_malloc(most * 2);
    if (!lam || !in) {
        unika_free(lam);
        unika_free(in);
        return -1;
    }
    double *nname = lam + most, *lam_p = lam + 2 * most, *nname_p = lam + 3 * most;
    uint8_t *in_p = in + most;
    size_t n = 0, np = 0, unseen = 0, unseen_p = 0;
    for (size_t i = 0; i < e->nun; i++) {
        const lk_unit *u = &e->lk->units[e->un[i].u];
        if (u->file != f || !(genders >> e->un[i].gender & 1) || !unit_in(e, i, when(s))) continue;
        uint8_t yes = s.by == LK_EST_BY_NONE || unit_in(e, i, s);
        if (e->un[i].lam > 0) {
            nname[n] = e->un[i].nname;
            in[n] = yes;
            lam[n++] = e->un[i].lam;
        } else {
            unseen += yes;
        }
        if (e->un[i].lam_people > 0) { /* written by a partner record: nname >= 1 */
            nname_p[np] = e->un[i].nname;
            in_p[np] = yes;
            lam_p[np++] = e->un[i].lam_people;
        } else {
            unseen_p += yes;
        }
    }
    double m, v, mp, vp;
    occupancy_of(lam, nname, in, n, sum_of_genders(e->lam_level[0][0], genders), &m, &v);
    occupancy_of(lam_p, nname_p, in_p, np, sum_of_genders(e->lam_level[1][0], genders), &mp, &vp);
    unika_free(lam);
    unika_free(in);
    m += (double)unseen;
    mp += (double)unseen_p;
    x->mean = (m + mp) / 2;
    x->var = (v + vp) / 2;
    x->span = (m - mp) / 2;
    return 0;
}

typedef struct year_unit {
    uint32_t year, idx; /* idx: its place among the units (a total order: the same sums) */
    uint8_t shows;      /* a record of it shows the --by value */
    double lam, nname;
} year_unit;

static int year_unit_cmp(const void *a, const void *b)
{
    const year_unit *x = a, *y = b;
    if (x->year != y->year) return x->year < y->year ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* alpha over units u[0 .. n) (those showing the value only, if shows) out
 * of the lambda mass `mass`; lam is scratch. */
static double alpha_of(const year_unit *u, size_t n, int shows, double mass, double *lam)
{
    size_t k = 0;
    double present = 0;
    for (size_t i = 0; i < n; i++)
        if (u[i].lam > 0 && (!shows || u[i].shows)) present += lam[k++] = u[i].lam;
    return lk_est_alpha(lam, k, mass - present);
}

/* By a --by value (an age band), one name count: of the people of key k at
 * f in the figure, those with a record showing the value are Poisson
 * too, thinned by how likely a person of the key's birth year is to show
 * it (at a given time the birth year decides the band; over a span of
 * years a person shows several). The thinning of a year is the ratio of
 * two occupancy fits of its units, those showing the value and all, out of
 * the year's lambda (their small-sample errors cancel to first order); a
 * unit that shows the value holds ztp_mean(alpha pi lambda) people of it,
 * alpha the figure's. A unit of a common key held by people of every band
 * is not taken for all its people in each. */
static void thinned(const lk_est *e, year_unit *u, size_t n, uint8_t genders, int people,
                    double *lam, double *mean, double *var)
{
    double all = sum_of_genders(e->lam_level[people ? 1 : 0][0], genders);
    double alpha = alpha_of(u, n, 0, all, lam);
    *mean = *var = 0;
    for (size_t a = 0; a < n;) {
        size_t b = a;
        while (b < n && u[b].year == u[a].year) b++;
        double mass = 0;
        for (unsigned g = 0; g < 4; g++)
            if (genders >> g & 1) mass += lk_est_year_mass(e, u[a].year, g, people);
        double ay = alpha_of(u + a, b - a, 0, mass, lam);
        double pi = ay > 0 ? alpha_of(u + a, b - a, 1, mass, lam) / ay : 1.0;
        if (pi > 1) pi = 1;
        for (size_t i = a; i < b; i++) {
            if (!u[i].shows) continue;
            if (u[i].lam <= 0) { /* a name neither count knows: one person */
                *mean += 1;
                continue;
            }
            double mu = alpha * pi * u[i].lam, d = lk_est_ztp_slope(mu) * mu;
            *mean += lk_est_ztp_mean(mu);
            *var += lk_est_ztp_var(mu) + d * d / u[i].nname;
        }
        a = b;
    }
}

static int occupancy_by_year(const lk_est *e, unsigned f, scope s, uint8_t genders, occ *x)
{
    size_t most = e->nun ? e->nun : 1;
    year_unit *u = unika_malloc(most * 2 * sizeof *u);
    double *lam = unika_malloc(most * sizeof *lam);
    if (!u || !lam) {
        unika_free(u);
        unika_free(lam);
        return -1;
    }
    year_unit *up = u + most;
    size_t n = 0;
    for (size_t i = 0; i < e->nun; i++) {
        const lk_unit *un = &e->lk->units[e->un[i].u];
        if (un->file != f || !(genders >> e->un[i].gender & 1) || !unit_in(e, i, when(s))) continue;
        uint8_t shows = (uint8_t)unit_in(e, i, s);
        u[n] = (year_unit){un->year, (uint32_t)i, shows, e->un[i].lam, e->un[i].nname};
        up[n++] = (year_unit){un->year, (uint32_t)i, shows, e->un[i].lam_people, e->un[i].nname};
    }
    qsort(u, n, sizeof *u, year_unit_cmp);
    qsort(up, n, sizeof *up, year_unit_cmp);
    double m, v, mp, vp;
    thinned(e, u, n, genders, 0, lam, &m, &v);
    thinned(e, up, n, genders, 1, lam, &mp, &vp);
    unika_free(u);
    unika_free(lam);
    x->mean = (m + mp) / 2;
    x->var = (v + vp) / 2;
    x->span = (m - mp) / 2;
    return 0;
}

/* Occupancy at file f in scope s for genders: the middle of the two name
 * counts' (estimate.c, frequencies()), and half their distance. A unit of a
 * name neither count knows holds one person. */
int lk_est_occupancy(const lk_est *e, cache *c, unsigned f, scope s, uint8_t genders, occ *out)
{
    for (size_t i = 0; i < c->no; i++)
        if (c->o[i].file == f && scope_eq(c->o[i].s, s) && c->o[i].genders == genders) {
            *out = c->o[i];
            return 0;
        }
    occ x = {(uint16_t)f, s, genders, 0, 0, 0, 0};
    if (occupancy_of_units(e, f, s, genders, &x)) return -1;
    if (s.by != LK_EST_BY_NONE) {
        x.naive = x.mean;
        if (occupancy_by_year(e, f, s, genders, &x)) return -1;
    }
    if (lk_est_push((void **)&c->o, &c->no, &c->co, sizeof x, &x)) return -1;
    *out = x;
    return 0;
}

