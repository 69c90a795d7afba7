/*
 * estimate_overlap.c - the overlap of two partners, |a| + |b| - |a u b|,
 * and its error taken once (estimator version 21, docs/linkage.md 15).
 *
 * The three figures share most of their error: P_a and P_b are the same
 * in all three, and every rate measured on the strong clusters is the
 * same. Adding their three variances, as if independent, counts each
 * partner's P variance twice where the overlap holds none of it. The overlap's
 * own variance is what only it holds (the pair figure's both_var: D, the
 * second clusters of the clusters at both, the draws of X that the overlap
 * holds, less their covariance with the rates; and the people split across
 * the two partners), the two name counts' span in P - D as the three
 * figures' spans combine, and the jackknife of the overlap itself,
 * replicate by replicate (docs/linkage.md 15, "An overlap's error taken
 * once").
 */
#include <math.h>
#include <stdlib.h>

#define LK_EST_INTERNAL
#include "common/common.h"
#include "linkage/estimate.h"
#include "linkage/estimate_fit.h"

#define Z95 1.959964

/* Figures ordered by what tells them apart, so that a pair's partners'
 * figures are found by bisection. */
static int figure_cmp(const lk_est_figure *a, const lk_est_figure *b)
{
    if (a->orgs != b->orgs) return a->orgs < b->orgs ? -1 : 1;
    if (a->scope != b->scope) return a->scope < b->scope ? -1 : 1;
    if (a->code != b->code) return a->code < b->code ? -1 : 1;
    if (a->genders != b->genders) return a->genders < b->genders ? -1 : 1;
    if (a->by != b->by) return a->by < b->by ? -1 : 1;
    return a->value < b->value ? -1 : a->value > b->value;
}

static int pointer_cmp(const void *x, const void *y)
{
    return figure_cmp(*(const lk_est_figure *const *)x, *(const lk_est_figure *const *)y);
}

/* The figure like f but of the partners `orgs` in the sorted by[0 .. n),
 * or NULL. */
static const lk_est_figure *find(const lk_est_figure *const *by, size_t n, const lk_est_figure *f,
                                 uint64_t orgs)
{
    lk_est_figure want = *f;
    want.orgs = orgs;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = figure_cmp(by[mid], &want);
        if (!c) return by[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

/* The overlap of ab's partners, whose own figures are a and b: the three
 * estimates' |a| + |b| - |a u b|, and its error as error_part() takes a
 * figure's (estimate_figure.c), all of it or the least it can be. */
static void overlap_of(lk_est_figure *ab, const lk_est_figure *a, const lk_est_figure *b)
{
    double rep[LK_EST_GROUPS], mean = 0, jk = 0;
    for (int g = 0; g < LK_EST_GROUPS; g++) {
        rep[g] = a->rep[g] + b->rep[g] - ab->rep[g];
        mean += rep[g] / LK_EST_GROUPS;
    }
    for (int g = 0; g < LK_EST_GROUPS; g++) jk += (rep[g] - mean) * (rep[g] - mean);
    jk *= (double)(LK_EST_GROUPS - 1) / LK_EST_GROUPS;
    /* the span is signed (estimate_figure.c): the three move together */
    double span = a->span + b->span - ab->span;
    /* a person split into a cluster at a and one at b is in the overlap, which
     * the clusters at both miss: S_ab - S_a - S_b counts them, less the
     * second clusters at both, a count of its own (Poisson) */
    double cross = fabs(ab->excess - a->excess - b->excess);
    double m = a->estimate + b->estimate - ab->estimate, rest = cross + span * span / 3;
    double all = ab->both_var + rest + jk, least = ab->both_least + rest;
    double se = sqrt(all > least ? all : least);
    ab->overlap.present = 1;
    ab->overlap.estimate = m > 0 ? m : 0;
    ab->overlap.se = se;
    ab->overlap.ci_low = m - Z95 * se > 0 ? m - Z95 * se : 0;
    ab->overlap.ci_high = m + Z95 * se > 0 ? m + Z95 * se : 0;
}

int lk_est_overlaps(lk_est_figure *fig, size_t n)
{
    const lk_est_figure **by = unika_malloc((n ? n : 1) * sizeof *by);
    if (!by) return -1;
    for (size_t i = 0; i < n; i++) by[i] = &fig[i], fig[i].overlap.present = 0;
    qsort(by, n, sizeof *by, pointer_cmp);
    for (size_t i = 0; i < n; i++) {
        lk_est_figure *ab = &fig[i];
        if (popcount(ab->orgs) != 2 || ab->scope != LK_SCOPE_ALL || ab->by != LK_EST_BY_NONE)
            continue;
        uint64_t a = ab->orgs & (~ab->orgs + 1), b = ab->orgs & ~a;
        const lk_est_figure *fa = find(by, n, ab, a), *fb = find(by, n, ab, b);
        if (fa && fb) overlap_of(ab, fa, fb);
    }
    unika_free(by);
    return 0;
}
