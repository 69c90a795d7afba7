/*
 * linkage/estimate_fit.h - the pattern fit of the estimator (estimate_fit.c).
 * Private to src/linkage/.
 */
#ifndef UNIKA_LINKAGE_ESTIMATE_FIT_H
#define UNIKA_LINKAGE_ESTIMATE_FIT_H

#include <stddef.h>
#include <stdint.h>

/* A key is followed across at most this many partners of one figure (the
 * E-step enumerates the subsets of the partners a key is seen at); a key
 * seen at more keeps the LK_EST_MAX_PRESENT highest-numbered (estimate_fit.c
 * trims, in one place). */
#define LK_EST_MAX_PRESENT 12

/* The partners in a mask. */
static inline unsigned popcount(uint64_t x)
{
    unsigned n = 0;
    for (; x; x &= x - 1) n++;
    return n;
}

/* EM's steps at most, for one fit. */
#define LK_EST_EM_STEPS 300

/* One key for the pattern fit: its lambda, its agreement w (estimate_fit.c),
 * and the mask of the figure's partners where it is present. */
typedef struct lk_pat_key {
    double lam;
    double w; /* the key's agreement: a pattern of |S| partners has rate lam gamma_S w^(|S|-1) */
    uint64_t pres;
} lk_pat_key;

/* The patterns' rates gamma[0 .. npat) (patterns pats[], masks over the
 * figure's partners), by maximum likelihood (EM, accelerated).
 * all_level[j]: the sum of lambda w^j over every key of the genders fitted,
 * j < LK_EST_MAX_PRESENT. Sorts keys, and trims each to
 * LK_EST_MAX_PRESENT partners. Returns 0, or -1 when out of memory. */
int lk_est_gamma(lk_pat_key *keys, size_t n, const uint64_t *pats, size_t npat,
                 const double *all_level, double *gamma);

/* The people of one key (lambda, agreement w, seen at the partners pres,
 * trimmed as lk_est_gamma() trims) at two or more of the partners in mask,
 * beyond one each, at the fitted gamma:
 * sum_S E[n_S | pres] (|S n mask| - 1) over S with two or more partners in
 * mask. With mask = pres it is the key's part of D. 0, or -1 when out of
 * memory. */
int lk_est_key_dups(double lam, double w, uint64_t pres, uint64_t mask, const uint64_t *pats,
                    size_t npat, const double *gamma, double *dups);

#endif
