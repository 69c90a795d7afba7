/*
 * estimate_fit.c - the two fits of the estimator (estimate.h).
 *
 * Occupancy. At one partner, the people with key k are Poisson(alpha *
 * lambda_k); a key is present when at least one is there. The likelihood
 * of which keys are present,
 *     L(alpha) = sum_present log(1 - exp(-alpha lambda_k)) - alpha * absent_mass,
 * has its maximum where sum_present lambda_k / (exp(alpha lambda_k) - 1)
 * equals the absent mass (the lambdas of the keys not present): a
 * decreasing function of alpha, solved by bisection on log(alpha). A
 * present unit then holds, on average, ztp_mean(alpha lambda) people.
 *
 * Patterns. Across partners, the key-persons (a person under one key)
 * with partner set S are Poisson(gamma_S * lambda_k), independently for
 * every S. A key is seen at exactly the partners P; only patterns inside
 * P are possible (`allowed`). The
 * E-step needs E[n_S | the union of the patterns is exactly P], by
 * inclusion-exclusion over the subsets J of P:
 *     Pr(union inside J) = exp(-lambda (Gamma - sum_{S allowed, S in J} gamma_S))
 *     Z    = sum_J (-1)^{|P - J|} Pr(union inside J)
 *     E_S  = lambda gamma_S sum_{J contains S} (-1)^{|P - J|} Pr(union inside J) / Z
 * and the M-step sets gamma_S = sum_keys E_S / (the lambda of every key).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LK_EST_INTERNAL
#include "common/common.h"
#include "linkage/estimate.h"
#include "linkage/estimate_fit.h"

double lk_est_ztp_mean(double mu)
{
    if (mu < 1e-12) return 1.0;
    return mu / -expm1(-mu);
}

double lk_est_ztp_var(double mu)
{
    if (mu < 1e-12) return 0.0;
    double z = -expm1(-mu), m = mu / z;
    double v = mu * (1 + mu) / z - m * m;
    return v > 0 ? v : 0.0;
}

double lk_est_ztp_slope(double mu)
{
    if (mu < 1e-6) return 0.5;
    double z = -expm1(-mu);
    return (z - mu * exp(-mu)) / (z * z);
}

/* d/dalpha of the log-likelihood, without the constant absent mass. */
static double score(const double *lam, size_t n, double alpha)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        double x = alpha * lam[i];
        s += x < 1e-12 ? 1.0 / alpha : lam[i] / expm1(x);
    }
    return s;
}

double lk_est_alpha(const double *lam, size_t n, double absent_mass)
{
    if (!n) return 0.0;
    if (absent_mass <= 0) return 100.0; /* every key present: as many as the data allow */
    double lo = log(1e-6), hi = log(100.0);
    for (int it = 0; it < 64; it++) {
        double mid = 0.5 * (lo + hi);
        if (score(lam, n, exp(mid)) > absent_mass) lo = mid;
        else hi = mid;
    }
    return exp(0.5 * (lo + hi));
}

/* ---- patterns ------------------------------------------------------------------------- */

static unsigned popcount(uint64_t x)
{
    unsigned n = 0;
    for (; x; x &= x - 1) n++;
    return n;
}

/* The submask of P whose bits are chosen by idx (bit b of idx: the b-th
 * lowest set bit of P). */
static uint64_t deposit(const uint8_t *bit, unsigned np, uint32_t idx)
{
    uint64_t j = 0;
    for (unsigned b = 0; b < np; b++)
        if (idx >> b & 1) j |= 1ull << bit[b];
    return j;
}

/* One key's E-step: adds E[n_S] of its allowed patterns to acc. */
static void estep(const lk_pat_key *k, const uint32_t *allowed, const uint64_t *pats,
                  const double *gamma, double G, double *zero, double *acc)
{
    uint8_t bit[64];
    unsigned np = 0;
    for (unsigned b = 0; b < 64; b++)
        if (k->pres >> b & 1) bit[np++] = (uint8_t)b;
    if (np > LK_EST_MAX_PRESENT) np = LK_EST_MAX_PRESENT; /* the caller trims; defensive */
    uint32_t nsub = 1u << np;
    double Z = 0;
    for (uint32_t idx = 0; idx < nsub; idx++) {
        uint64_t J = deposit(bit, np, idx);
        double s = 0;
        for (uint32_t a = 0; a < k->nallowed; a++) {
            uint64_t q = pats[allowed[k->allowed + a]];
            if ((q & J) == q) s += gamma[allowed[k->allowed + a]];
        }
        double z = exp(-k->lam * (G - s));
        zero[idx] = ((np - popcount(J)) & 1) ? -z : z;
        Z += zero[idx];
    }
    if (!(Z > 1e-300)) return;
    for (uint32_t a = 0; a < k->nallowed; a++) {
        uint32_t i = allowed[k->allowed + a];
        double s = 0;
        for (uint32_t idx = 0; idx < nsub; idx++)
            if ((pats[i] & deposit(bit, np, idx)) == pats[i]) s += zero[idx];
        acc[i] += k->lam * gamma[i] * s / Z;
    }
}

int lk_est_gamma(const lk_pat_key *keys, size_t n, const uint32_t *allowed, const uint64_t *pats,
                 size_t npat, double lam_all, double *gamma)
{
    double *acc = unika_calloc(npat ? npat : 1, sizeof *acc);
    double *zero = unika_malloc(((size_t)1 << LK_EST_MAX_PRESENT) * sizeof *zero);
    if (!acc || !zero) {
        unika_free(acc);
        unika_free(zero);
        return -1;
    }
    for (size_t a = 0; a < npat; a++) gamma[a] = 0.01;
    for (int it = 0; it < 300; it++) {
        double G = 0;
        for (size_t a = 0; a < npat; a++) G += gamma[a];
        memset(acc, 0, npat * sizeof *acc);
        for (size_t i = 0; i < n; i++) estep(&keys[i], allowed, pats, gamma, G, zero, acc);
        double delta = 0;
        for (size_t a = 0; a < npat; a++) {
            double g = acc[a] / lam_all;
            if (g < 1e-12) g = 1e-12;
            double d = fabs(g - gamma[a]) / (gamma[a] > 1e-9 ? gamma[a] : 1e-9);
            if (d > delta) delta = d;
            gamma[a] = g;
        }
        if (delta < 1e-7) break;
    }
    unika_free(acc);
    unika_free(zero);
    return 0;
}
