/*
 * test_linkage_estimate_fit.c - the estimator's pattern fit (estimate_fit.c,
 * docs/linkage.md 15, "The model": D) on keys drawn from its own model.
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

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("linkage_estimate_fit");
    TCase *tc = tcase_create("fit");
    tcase_add_test(tc, pattern_fit_recovers_rates);
    suite_add_tcase(s, tc);
    return s;
}
