/*
 * test_linkage_estimate_fit.c - the estimator's two fits (estimate_fit.c,
 * docs/linkage.md 15, "The model"): the patterns' (D) on keys drawn from its
 * own model, and the occupancy's alpha (P) against its defining equation.
 */
#include <math.h>
#include <string.h>

#include "testutil.h"

#define LK_EST_INTERNAL
#include "common/common.h"
#include "linkage/estimate.h"
#include "linkage/estimate_fit.h"

static uint64_t state;
static double unif(void)
{
    return (double)(unika_test_splitmix64(&state) >> 11) / 9007199254740992.0;
}

static unsigned poisson(double mean)
{
    double limit = exp(-mean), p = unif();
    unsigned n = 0;
    for (; p > limit; n++) p *= unif();
    return n;
}

/* The pattern fit alone, on keys drawn from its own model: three partners,
 * every pattern S with a known rate gamma_S, each key's people with pattern
 * S Poisson(gamma_S lambda_k w_k^(|S|-1)), w_k the key's agreement (here
 * growing with lambda, from 0.3 to 0.8, as a common name's spelling agrees
 * more often), a key seen where its people are. With every pattern
 * observed, gamma_S would be the count of key-persons with S over
 * L_j = sum_k lambda_k w_k^j (j = |S| - 1; L_0 = 26,000 here), off by
 * sqrt(gamma_S / L_j) (a Poisson count). The union hides how many people a
 * key holds; the fit recovers it from how the chance of a pattern grows
 * with lambda, losing information: the bound allows twice the full-data
 * error, four times over. D's rate sum_S (|S| - 1) gamma_S L_j (per unit
 * of L_0) is what the estimator uses; it is held to the same bound (its own
 * full-data error, from the pair and the triple patterns). Keys in another
 * order give the same bytes. */
START_TEST(pattern_fit_recovers_rates)
{
    static const uint64_t pats[7] = {1, 2, 4, 3, 5, 6, 7};
    static const double rate[7] = {0.30, 0.20, 0.10, 0.05, 0.03, 0.02, 0.01};
    enum { KEYS = 40000 };
    static lk_pat_key keys[KEYS], again[KEYS];
    state = 0x9e3779b97f4a7c15ull;
    size_t n = 0;
    double all[LK_EST_MAX_PRESENT] = {0};
    for (int k = 0; k < KEYS; k++) {
        double u = unif(), lam = 0.05 + 1.2 * u * u, w = 0.3 + 0.5 * u * u;
        uint64_t pres = 0;
        for (int a = 0; a < 7; a++)
            if (poisson(rate[a] * lam * pow(w, popcount(pats[a]) - 1))) pres |= pats[a];
        for (int j = 0; j < LK_EST_MAX_PRESENT; j++) all[j] += lam * pow(w, j);
        if (pres) keys[n++] = (lk_pat_key){lam, w, pres};
    }
    for (size_t i = 0; i < n; i++) again[i] = keys[n - 1 - i];
    double gamma[7], gamma2[7], d = 0, d_true = 0, d_var = 0;
    ck_assert_int_eq(lk_est_gamma(keys, n, pats, 7, all, gamma), 0);
    ck_assert_int_eq(lk_est_gamma(again, n, pats, 7, all, gamma2), 0);
    ck_assert_msg(memcmp(gamma, gamma2, sizeof gamma) == 0, "the keys' order changed the fit");
    for (int a = 0; a < 7; a++) {
        unsigned j = popcount(pats[a]) - 1;
        double bound = 4 * 2 * sqrt(rate[a] / all[j]);
        ck_assert_msg(fabs(gamma[a] - rate[a]) <= bound,
                      "pattern %d: %.4f against %.4f (bound %.4f)", a, gamma[a], rate[a], bound);
        double scale = j * all[j] / all[0]; /* D per unit of L_0 */
        d += scale * gamma[a];
        d_true += scale * rate[a];
        d_var += scale * scale * rate[a] / all[j];
    }
    ck_assert_msg(fabs(d - d_true) <= 4 * 2 * sqrt(d_var), "D's rate %.4f against %.4f", d, d_true);
}
END_TEST

/* sum lambda / (e^(alpha lambda) - 1): the occupancy's score (estimate_fit.c). */
static double score_at(const double *lam, size_t n, double alpha)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += lam[i] / expm1(alpha * lam[i]);
    return s;
}

/* alpha is where the score equals the absent mass, to the last bits: the
 * score's relative slope in log alpha is at least 1 (each term falls at
 * least as fast as 1/alpha), so a root within a relative 1e-12 in alpha
 * puts the score within about 1e-12 of the mass, relatively; 1e-9 leaves
 * room for the sum's rounding over 2,000 terms. Roots beyond the range
 * [1e-6, 100] stop at its ends; no unit, alpha 0. */
START_TEST(alpha_solves_the_score_equation)
{
    enum { N = 2000 };
    static double lam[N];
    state = 0x243f6a8885a308d3ull;
    for (int trial = 0; trial < 50; trial++) {
        size_t n = 1 + (size_t)(unif() * (N - 1));
        for (size_t i = 0; i < n; i++) lam[i] = 1e-4 + 3 * unif() * unif();
        double want = exp(log(1e-4) + unif() * log(1e7)); /* an alpha across the range */
        double mass = score_at(lam, n, want);
        double alpha = lk_est_alpha(lam, n, mass);
        if (want < 1e-6 || want > 100) continue;
        ck_assert_msg(fabs(score_at(lam, n, alpha) - mass) <= 1e-9 * mass,
                      "trial %d: score %.17g at alpha %.17g, mass %.17g", trial,
                      score_at(lam, n, alpha), alpha, mass);
        ck_assert_msg(fabs(alpha - want) <= 1e-9 * want, "trial %d: alpha %.17g, want %.17g", trial,
                      alpha, want);
    }
    double one = 0.5;
    ck_assert(lk_est_alpha(&one, 1, score_at(&one, 1, 1e3)) == 100.0);
    ck_assert(lk_est_alpha(&one, 1, score_at(&one, 1, 1e-8)) == 1e-6);
    ck_assert(lk_est_alpha(&one, 1, 0) == 100.0);
    ck_assert(lk_est_alpha(&one, 0, 1) == 0.0);
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("linkage_estimate_fit");
    TCase *tc = tcase_create("fit");
    tcase_add_test(tc, pattern_fit_recovers_rates);
    tcase_add_test(tc, alpha_solves_the_score_equation);
    suite_add_tcase(s, tc);
    return s;
}
