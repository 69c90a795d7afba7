/*
 * test_release.c - the release step's rules through the public interface:
 * rounding at its boundaries, the noise distributions (exact inverse-CDF
 * points and frequencies at a fixed seed), the keyed draw, and secondary
 * suppression on small tables whose answer is worked out by hand.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "unika.h"

/* ---- rounding ----------------------------------------------------------------- */

static const struct {
    unika_rounding rule;
    int64_t value;
    int whole;
    unsigned base;
    int64_t shown;
} rounding_cases[] = {
    {UNIKA_ROUND_NONE, 97, 0, 1, 97},
    {UNIKA_ROUND_NONE, 2995, 1, 1, 2995},
    {UNIKA_ROUND_BASE5, 2, 0, 5, 0},
    {UNIKA_ROUND_BASE5, 3, 0, 5, 5},
    {UNIKA_ROUND_BASE5, 97, 0, 5, 95},
    {UNIKA_ROUND_BASE5, 98, 0, 5, 100},
    {UNIKA_ROUND_BASE5, 1003, 1, 5, 1005},
    {UNIKA_ROUND_BASE10, 4, 0, 10, 0},
    {UNIKA_ROUND_BASE10, 5, 0, 10, 10}, /* ties go up */
    {UNIKA_ROUND_BASE10, 97, 0, 10, 100},
    {UNIKA_ROUND_SDC, 0, 0, 5, 0},
    {UNIKA_ROUND_SDC, 7, 0, 5, 5},
    {UNIKA_ROUND_SDC, 8, 0, 5, 10},
    {UNIKA_ROUND_SDC, 97, 0, 5, 95},
    {UNIKA_ROUND_SDC, 99, 0, 5, 100}, /* below 100: base 5 */
    {UNIKA_ROUND_SDC, 100, 0, 10, 100},
    {UNIKA_ROUND_SDC, 103, 0, 10, 100},
    {UNIKA_ROUND_SDC, 105, 0, 10, 110},
    {UNIKA_ROUND_SDC, 97, 1, 10, 100}, /* whole-period totals: base 10 */
    {UNIKA_ROUND_SDC, 2995, 1, 10, 3000},
    {UNIKA_ROUND_SDC, 2994, 1, 10, 2990},
    {(unika_rounding)9, 97, 0, 1, 97},
};

START_TEST(rounding_rules)
{
    const __typeof__(rounding_cases[0]) *c = &rounding_cases[_i];
    unsigned b = unika_release_base(c->rule, c->value, c->whole);
    ck_assert_msg(b == c->base, "case %d: base %u, expected %u", _i, b, c->base);
    int64_t got = unika_release_round(c->value, b);
    ck_assert_msg(got == c->shown, "case %d: %lld -> %lld, expected %lld", _i,
                  (long long)c->value, (long long)got, (long long)c->shown);
}
END_TEST

START_TEST(rounding_negative_and_degenerate)
{
    ck_assert_int_eq(unika_release_round(-3, 5), -5);
    ck_assert_int_eq(unika_release_round(-2, 5), 0);
    ck_assert_int_eq(unika_release_round(-5, 10), 0);
    ck_assert_int_eq(unika_release_round(42, 0), 42);
    ck_assert_int_eq(unika_release_round(42, 1), 42);
}
END_TEST

/* ---- noise ---------------------------------------------------------------------- */

/* The u whose x = (u >> 11) 2^-53 is the smallest grid point >= p. */
static uint64_t u_at(double p) { return (uint64_t)ceil(p * 9007199254740992.0) << 11; }

START_TEST(ckm_inverse_cdf_points)
{
    static const struct {
        double x;
        int64_t k;
    } pts[] = {{0.0, -2}, {0.05, -1}, {0.25, 0}, {0.5, 0}, {0.75, 1}, {0.95, 2}};
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) {
        int64_t k = 99;
        ck_assert_int_eq(unika_release_noise(&k, UNIKA_NOISE_CKM, 0, u_at(pts[i].x), NULL), 0);
        ck_assert_msg(k == pts[i].k, "x=%g: %lld, expected %lld", pts[i].x, (long long)k,
                      (long long)pts[i].k);
        if (pts[i].x > 0) { /* just below the boundary: the value before */
            ck_assert_int_eq(unika_release_noise(&k, UNIKA_NOISE_CKM, 0, u_at(pts[i].x) - 2048,
                                                 NULL), 0);
            ck_assert_int_le(k, pts[i].k);
        }
    }
    int64_t k;
    ck_assert_int_eq(unika_release_noise(&k, UNIKA_NOISE_CKM, 0, UINT64_MAX, NULL), 0);
    ck_assert_int_eq(k, 2);
    ck_assert_int_eq(unika_release_noise(&k, UNIKA_NOISE_NONE, 0, 12345, NULL), 0);
    ck_assert_int_eq(k, 0);
}
END_TEST

/* Frequencies of n draws from SplitMix64 (seed fixed). Each count is
 * Binomial(n, p); 5 standard deviations sqrt(n p (1-p)) bound it with
 * probability 1 - 6e-7 per check, so the test fails only on a wrong CDF. */
static void check_frequencies(unika_noise mech, double eps, const double *p, int kmin, int kmax)
{
    enum { N = 200000 };
    long counts[64] = {0};
    uint64_t seed = 20261123;
    for (int i = 0; i < N; i++) {
        int64_t k;
        ck_assert_int_eq(unika_release_noise(&k, mech, eps, unika_test_splitmix64(&seed), NULL), 0);
        if (k >= kmin && k <= kmax) counts[k - kmin]++;
    }
    for (int k = kmin; k <= kmax; k++) {
        double want = N * p[k - kmin], sd = sqrt(N * p[k - kmin] * (1 - p[k - kmin]));
        ck_assert_msg(fabs((double)counts[k - kmin] - want) <= 5 * sd,
                      "k=%d: %ld draws, expected %.0f +- %.0f", k, counts[k - kmin], want, 5 * sd);
    }
}

START_TEST(ckm_frequencies)
{
    static const double p[5] = {0.05, 0.20, 0.50, 0.20, 0.05};
    check_frequencies(UNIKA_NOISE_CKM, 0, p, -2, 2);
}
END_TEST

START_TEST(geometric_frequencies)
{
    /* P(k) = (1-a)/(1+a) a^|k|, a = e^-eps, for eps = 1 and 0.5. */
    static const double eps[2] = {1.0, 0.5};
    for (int e = 0; e < 2; e++) {
        double a = exp(-eps[e]), p[11];
        for (int k = -5; k <= 5; k++) p[k + 5] = (1 - a) / (1 + a) * pow(a, abs(k));
        check_frequencies(UNIKA_NOISE_GEOMETRIC, eps[e], p, -5, 5);
    }
}
END_TEST

START_TEST(geometric_inverse_cdf_points)
{
    /* eps = ln 2: a = 1/2, F(-1) = 1/3, F(0) = 2/3, F(1) = 5/6, F(-2) = 1/6. */
    double eps = log(2.0);
    static const struct {
        double x;
        int64_t k;
    } pts[] = {{0.1, -2}, {0.2, -1}, {0.4, 0}, {0.7, 1}, {0.9, 2}};
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) {
        int64_t k = 99;
        ck_assert_int_eq(unika_release_noise(&k, UNIKA_NOISE_GEOMETRIC, eps, u_at(pts[i].x), NULL), 0);
        ck_assert_msg(k == pts[i].k, "x=%g: %lld, expected %lld", pts[i].x, (long long)k,
                      (long long)pts[i].k);
    }
    int64_t k;
    /* The extremes stay finite. */
    ck_assert_int_eq(unika_release_noise(&k, UNIKA_NOISE_GEOMETRIC, 1.0, 0, NULL), 0);
    ck_assert_int_lt(k, -100);
    ck_assert_int_eq(unika_release_noise(&k, UNIKA_NOISE_GEOMETRIC, 1.0, UINT64_MAX, NULL), 0);
    ck_assert_int_gt(k, 20);
}
END_TEST

START_TEST(noise_refusals)
{
    int64_t k;
    unika_error err = {0};
    ck_assert_int_eq(unika_release_noise(&k, UNIKA_NOISE_GEOMETRIC, 0.001, 1, &err), UNIKA_ERANGE);
    ck_assert_int_eq(unika_release_noise(&k, UNIKA_NOISE_GEOMETRIC, NAN, 1, &err), UNIKA_ERANGE);
    ck_assert_int_eq(unika_release_noise(&k, UNIKA_NOISE_GEOMETRIC, 21, 1, &err), UNIKA_ERANGE);
    ck_assert_int_eq(unika_release_noise(&k, (unika_noise)7, 1, 1, &err), UNIKA_EINVAL);
    ck_assert_int_eq(unika_release_noise(NULL, UNIKA_NOISE_CKM, 1, 1, &err), UNIKA_EINVAL);
}
END_TEST

START_TEST(uniform_is_keyed_and_deterministic)
{
    unika_key *k1 = NULL, *k2 = NULL;
    ck_assert_int_eq(unika_key_generate(&k1, NULL), 0);
    ck_assert_int_eq(unika_key_generate(&k2, NULL), 0);
    const uint8_t cell[3] = {'U', 1, 2}, other[3] = {'U', 1, 3};
    uint64_t a, b, c, d, e;
    ck_assert_int_eq(unika_release_uniform(&a, k1, "r2026", cell, 3, NULL), 0);
    ck_assert_int_eq(unika_release_uniform(&b, k1, "r2026", cell, 3, NULL), 0);
    ck_assert_int_eq(unika_release_uniform(&c, k2, "r2026", cell, 3, NULL), 0);
    ck_assert_int_eq(unika_release_uniform(&d, k1, "r2027", cell, 3, NULL), 0);
    ck_assert_int_eq(unika_release_uniform(&e, k1, "r2026", other, 3, NULL), 0);
    ck_assert(a == b);
    ck_assert(a != c && a != d && a != e);
    /* The id is length-prefixed: "r2026"+"U.." differs from "r2026U"+"..". */
    ck_assert_int_eq(unika_release_uniform(&b, k1, "r2026U", cell + 1, 2, NULL), 0);
    ck_assert(a != b);
    char long_id[UNIKA_RELEASE_ID_MAX + 2];
    memset(long_id, 'x', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    unika_error err = {0};
    ck_assert_int_eq(unika_release_uniform(&a, k1, long_id, cell, 3, &err), UNIKA_ETOOLONG);
    ck_assert_int_eq(unika_release_uniform(&a, NULL, "r", cell, 3, &err), UNIKA_EINVAL);
    ck_assert_int_eq(unika_release_uniform(&a, k1, "r", NULL, 3, &err), UNIKA_EINVAL);
    ck_assert_int_eq(unika_release_uniform(&a, k1, "r", NULL, 0, &err), 0);
    unika_key_free(k1);
    unika_key_free(k2);
}
END_TEST

/* ---- secondary suppression ------------------------------------------------------------ */

#define S UNIKA_RELEASE_SHOWN
#define P UNIKA_RELEASE_PRIMARY
#define X UNIKA_RELEASE_SECONDARY
#define NO SIZE_MAX

/* Known answer computed independently (Python hashlib: the pseudonym subkey
 * is BLAKE2b(key = bytes 00..1f, salt = le64(1), person = "unika-v1"), the
 * commitment BLAKE2b-256 keyed with it, person "unika-inputs-v1", over
 * u32le(2) || 01*32 || aa*32). */
START_TEST(commitment_known_answer_and_set_semantics)
{
    uint8_t raw[32];
    for (int i = 0; i < 32; i++) raw[i] = (uint8_t)i;
    unika_key *k = NULL, *other = NULL;
    unika_error err = {0};
    ck_assert_int_eq(unika_key_from_bytes(&k, raw, &err), 0);
    ck_assert_int_eq(unika_key_generate(&other, NULL), 0);
    uint8_t d[4][32], c1[32], c2[32], want[32];
    memset(d[0], 0xaa, 32);
    memset(d[1], 0x01, 32);
    memcpy(d[2], d[0], 32);
    memset(d[3], 0x02, 32);
    ck_assert_int_eq(unika_test_hex_decode(want, 32,
        "06f165ad490580a7a83d25feda511e88ecfe33e44e63f45735b8fcde0b05aa7b"), 32);
    ck_assert_int_eq(unika_release_commitment(c1, k, &d[0][0], 2, &err), 0);
    ck_assert_mem_eq(c1, want, 32);
    /* A set: order and repeats do not matter... */
    ck_assert_int_eq(unika_release_commitment(c2, k, &d[1][0], 2, &err), 0); /* 01, aa */
    ck_assert_mem_eq(c2, want, 32);
    ck_assert_int_eq(unika_release_commitment(c2, k, &d[0][0], 3, &err), 0); /* aa, 01, aa */
    ck_assert_mem_eq(c2, want, 32);
    /* ...one more file, or another key, does. */
    ck_assert_int_eq(unika_release_commitment(c2, k, &d[0][0], 4, &err), 0);
    ck_assert(memcmp(c2, want, 32) != 0);
    ck_assert_int_eq(unika_release_commitment(c2, other, &d[0][0], 2, &err), 0);
    ck_assert(memcmp(c2, want, 32) != 0);
    ck_assert_int_eq(unika_test_hex_decode(want, 32,
        "c15875291c2feacde410299316bae9380bd9dcd5892ab5c96c23ba65b46d4a47"), 32);
    ck_assert_int_eq(unika_release_commitment(c2, k, NULL, 0, &err), 0);
    ck_assert_mem_eq(c2, want, 32);
    ck_assert_int_eq(unika_release_commitment(c2, NULL, &d[0][0], 2, &err), UNIKA_EINVAL);
    ck_assert_int_eq(unika_release_commitment(c2, k, NULL, 2, &err), UNIKA_EINVAL);
    unika_key_free(k);
    unika_key_free(other);
}
END_TEST

START_TEST(secondary_one_way_smallest_other)
{
    /* cells 0..2 = {3, 10, 8}, total 3 = 20; cell 0 below 5. */
    uint8_t st[4] = {P, S, S, S};
    const double est[4] = {3, 10, 8, 20};
    const size_t cls[4] = {0, 1, 2, 3}, off[2] = {0, 3}, mem[3] = {0, 1, 2}, tot[1] = {3};
    ck_assert_int_eq(unika_release_secondary(st, 4, est, cls, off, mem, tot, 1, NULL), 1);
    const uint8_t want[4] = {P, S, X, S};
    ck_assert_mem_eq(st, want, 4);
}
END_TEST

START_TEST(secondary_ties_take_the_lowest_index)
{
    uint8_t st[4] = {P, S, S, S};
    const double est[4] = {3, 8, 8, 20};
    const size_t cls[4] = {0, 1, 2, 3}, off[2] = {0, 3}, mem[3] = {0, 1, 2}, tot[1] = {3};
    ck_assert_int_eq(unika_release_secondary(st, 4, est, cls, off, mem, tot, 1, NULL), 1);
    const uint8_t want[4] = {P, X, S, S};
    ck_assert_mem_eq(st, want, 4);
}
END_TEST

START_TEST(secondary_two_way_iterates)
{
    /* a b | r1      figures: a0 b1 c2 d3, r1=4 r2=5, c1=6 c2=7, T=8
     * c d | r2      a is primary. Row 1 takes b, column 1 takes c, and
     * ----+---      column 2, now with b alone withheld, takes d; row 2
     * c1 c2 | T     then holds two. Margins keep their figures. */
    uint8_t st[9] = {P, S, S, S, S, S, S, S, S};
    const double est[9] = {2, 30, 20, 40, 31, 50, 21, 60, 70};
    const size_t cls[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    const size_t mem[] = {0, 1, /**/ 2, 3, /**/ 0, 2, /**/ 1, 3, /**/ 4, 5, /**/ 6, 7};
    const size_t off[7] = {0, 2, 4, 6, 8, 10, 12}, tot[6] = {4, 5, 6, 7, 8, 8};
    ck_assert_int_eq(unika_release_secondary(st, 9, est, cls, off, mem, tot, 6, NULL), 3);
    const uint8_t want[9] = {P, X, X, X, S, S, S, S, S};
    ck_assert_mem_eq(st, want, 9);
}
END_TEST

START_TEST(secondary_withholds_twins_and_falls_back_to_the_total)
{
    /* Figure 3 is figure 1 shown in another table (same class): withheld
     * together. Relation 2: one cell (primary) and its total: the total goes. */
    uint8_t st[6] = {P, S, S, S, P, S};
    const double est[6] = {3, 9, 12, 9, 1, 40};
    const size_t cls[6] = {0, 1, 2, 1, 4, 5};
    const size_t mem[] = {0, 1, /**/ 4}, off[3] = {0, 2, 3}, tot[2] = {2, 5};
    ck_assert_int_eq(unika_release_secondary(st, 6, est, cls, off, mem, tot, 2, NULL), 3);
    const uint8_t want[6] = {P, X, S, X, P, X};
    ck_assert_mem_eq(st, want, 6);
}
END_TEST

START_TEST(secondary_overlap_relation_without_total)
{
    /* O = |A ∩ B| (primary), |A| = 14, |B| = 12, |A ∪ B| = 22: the smallest
     * of the three others goes. */
    uint8_t st[4] = {P, S, S, S};
    const double est[4] = {4, 14, 12, 22};
    const size_t cls[4] = {0, 1, 2, 3}, off[2] = {0, 4}, mem[4] = {0, 1, 2, 3}, tot[1] = {NO};
    ck_assert_int_eq(unika_release_secondary(st, 4, est, cls, off, mem, tot, 1, NULL), 1);
    const uint8_t want[4] = {P, S, X, S};
    ck_assert_mem_eq(st, want, 4);
}
END_TEST

START_TEST(secondary_leaves_safe_tables_alone)
{
    uint8_t st[4] = {S, S, S, S};
    const double est[4] = {30, 10, 8, 40};
    const size_t cls[4] = {0, 1, 2, 3}, off[2] = {0, 3}, mem[3] = {0, 1, 2}, tot[1] = {3};
    ck_assert_int_eq(unika_release_secondary(st, 4, est, cls, off, mem, tot, 1, NULL), 0);
    uint8_t two[4] = {P, P, S, S}; /* two withheld already: nothing to add */
    ck_assert_int_eq(unika_release_secondary(two, 4, est, cls, off, mem, tot, 1, NULL), 0);
    const uint8_t want[4] = {P, P, S, S};
    ck_assert_mem_eq(two, want, 4);
}
END_TEST

START_TEST(secondary_refusals)
{
    uint8_t st[2] = {P, S};
    const double est[2] = {1, 2};
    const size_t cls[2] = {0, 1}, off[2] = {0, 2}, bad[2] = {0, 5}, good[2] = {0, 1};
    const size_t tot[1] = {NO}, badtot[1] = {2}, dec[2] = {2, 0};
    unika_error err = {0};
    ck_assert_int_eq(unika_release_secondary(st, 2, est, cls, off, bad, tot, 1, &err), UNIKA_EINVAL);
    ck_assert_int_eq(unika_release_secondary(st, 2, est, cls, off, good, badtot, 1, &err),
                     UNIKA_EINVAL);
    ck_assert_int_eq(unika_release_secondary(st, 2, est, cls, dec, good, tot, 1, &err), UNIKA_EINVAL);
    ck_assert_int_eq(unika_release_secondary(NULL, 2, est, cls, off, good, tot, 1, &err),
                     UNIKA_EINVAL);
    ck_assert_int_eq(unika_release_secondary(st, 2, est, cls, NULL, good, tot, 1, &err),
                     UNIKA_EINVAL);
    ck_assert_int_eq(unika_release_secondary(NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, &err), 0);
}
END_TEST

/* ---- the whole step: unika_release_apply() ------------------------------------------ */

/* A union figure over inputs idx[0..n) with an exact-looking estimate. */
static unika_release_figure fig(const size_t *idx, size_t n, double estimate, int whole)
{
    unika_release_figure f;
    memset(&f, 0, sizeof f);
    f.inputs_a = idx;
    f.n_a = n;
    f.whole = whole;
    f.estimate.estimate = estimate;
    f.estimate.ci_low = estimate - 3;
    f.estimate.ci_high = estimate + 3;
    return f;
}

static const size_t in0[] = {0}, in1[] = {1}, in01[] = {0, 1};

/* gender F = 6, M = 18, total 24 (whole); the by-org table shows the total
 * again (same inputs: one number). */
static void gender_table(unika_release_figure f[4], unika_release_table *t, size_t cells[2])
{
    f[0] = fig(in0, 1, 6, 0);
    f[1] = fig(in1, 1, 18, 0);
    f[2] = fig(in01, 2, 24, 1);
    f[3] = fig(in01, 2, 24, 0); /* a twin of the total, not itself whole */
    cells[0] = 0;
    cells[1] = 1;
    memset(t, 0, sizeof *t);
    t->kind = UNIKA_RELEASE_ONE_WAY;
    t->rows = 2;
    t->cols = 1;
    t->cells = cells;
    t->total = 2;
}

START_TEST(apply_thresholds_secondary_and_shown_text)
{
    unika_release_figure f[4];
    unika_release_table t;
    size_t cells[2];
    gender_table(f, &t, cells);
    unika_release_params p = {7, 1, UNIKA_ROUND_NONE, UNIKA_NOISE_NONE, 0, NULL, NULL, 0};
    p.raw_estimates = unika_release_publishes_raw(&p);
    ck_assert_int_eq(p.raw_estimates, 1);
    unika_error err = {0};
    ck_assert_int_eq(unika_release_apply(f, 4, &t, 1, &p, &err), 0);
    ck_assert_int_eq(f[0].state, P);
    ck_assert_str_eq(f[0].shown, "<7");
    ck_assert_int_eq(f[1].state, X); /* F = 24 - 18 otherwise */
    ck_assert_str_eq(f[1].shown, "..");
    ck_assert_int_eq(f[2].state, S);
    ck_assert_str_eq(f[2].shown, "24");
    ck_assert_uint_eq(f[3].cls, 2); /* the twin is the total's class */
    ck_assert_int_eq(f[3].value, 24);
}
END_TEST

/* Each parameter changes what is shown: the rule that report and verify
 * both follow is this one call. */
START_TEST(apply_follows_every_parameter)
{
    unika_release_figure f[4];
    unika_release_table t;
    size_t cells[2];
    unika_error err = {0};
    /* secondary off: M is shown */
    gender_table(f, &t, cells);
    unika_release_params p = {7, 0, UNIKA_ROUND_NONE, UNIKA_NOISE_NONE, 0, NULL, NULL, 1};
    ck_assert_int_eq(unika_release_apply(f, 4, &t, 1, &p, &err), 0);
    ck_assert_str_eq(f[1].shown, "18");
    /* threshold 5: nothing withheld */
    gender_table(f, &t, cells);
    p.min_count = 5;
    p.secondary = 1;
    ck_assert_int_eq(unika_release_apply(f, 4, &t, 1, &p, &err), 0);
    ck_assert_str_eq(f[0].shown, "6");
    ck_assert_str_eq(f[1].shown, "18");
    /* sdc: 6 -> 5, 18 -> 20; the total is whole, so its twin is rounded
     * to 10 as well: 24 -> 20, interval widened outwards to the base */
    gender_table(f, &t, cells);
    p.rounding = UNIKA_ROUND_SDC;
    p.raw_estimates = unika_release_publishes_raw(&p);
    ck_assert_int_eq(p.raw_estimates, 0);
    ck_assert_int_eq(unika_release_apply(f, 4, &t, 1, &p, &err), 0);
    ck_assert_str_eq(f[0].shown, "5");
    ck_assert_str_eq(f[1].shown, "20");
    ck_assert_str_eq(f[2].shown, "20");
    ck_assert_uint_eq(f[3].base, 10);
    ck_assert(f[3].value_ci_low == 20 && f[3].value_ci_high == 30);
    /* base 5 */
    gender_table(f, &t, cells);
    p.rounding = UNIKA_ROUND_BASE5;
    ck_assert_int_eq(unika_release_apply(f, 4, &t, 1, &p, &err), 0);
    ck_assert_str_eq(f[2].shown, "25");
    /* ckm noise: the value is the parts' composition */
    unika_key *k = NULL;
    ck_assert_int_eq(unika_key_generate(&k, NULL), 0);
    gender_table(f, &t, cells);
    p.rounding = UNIKA_ROUND_NONE;
    p.noise = UNIKA_NOISE_CKM;
    p.noise_key = k;
    p.release_id = "r1";
    p.raw_estimates = unika_release_publishes_raw(&p);
    for (int i = 0; i < 4; i++) ck_assert_int_eq(unika_release_cell_union(&f[i], NULL, &err), 0);
    f[1].cell[1] ^= 1; /* distinct content for M */
    ck_assert_int_eq(unika_release_apply(f, 4, &t, 1, &p, &err), 0);
    uint64_t u;
    int64_t noise;
    ck_assert_int_eq(unika_release_uniform(&u, k, "r1", f[1].cell, f[1].cell_size, &err), 0);
    ck_assert_int_eq(unika_release_noise(&noise, UNIKA_NOISE_CKM, 0, u, &err), 0);
    ck_assert_int_eq(f[1].value, 18 + noise);
    /* noise without a key or with a bad epsilon is refused before anything */
    p.noise_key = NULL;
    ck_assert_int_eq(unika_release_apply(f, 4, &t, 1, &p, &err), UNIKA_EINVAL);
    p.noise_key = k;
    p.noise = UNIKA_NOISE_GEOMETRIC;
    p.epsilon = 100;
    ck_assert_int_eq(unika_release_apply(f, 4, &t, 1, &p, &err), UNIKA_ERANGE);
    unika_key_free(k);
}
END_TEST

/* The difference rule: |A| - |A ∩ B| < threshold withholds the overlap. */
START_TEST(apply_difference_rule_and_overlap_relation)
{
    static const size_t a[] = {0}, b[] = {1}, ab[] = {0, 1};
    unika_release_figure f[4] = {fig(a, 1, 22, 0), fig(b, 1, 7, 0), fig(ab, 2, 24, 1)};
    f[3] = fig(a, 1, 5, 0);
    f[3].overlap = 1;
    f[3].inputs_b = b;
    f[3].n_b = 1;
    size_t pair = 3, rows[2] = {0, 1};
    unika_release_table t[2] = {{UNIKA_RELEASE_ONE_WAY, 2, 1, rows, NULL, NULL, 2},
                                {UNIKA_RELEASE_OVERLAP, 1, 0, &pair, NULL, NULL, NO}};
    unika_release_params p = {3, 1, UNIKA_ROUND_NONE, UNIKA_NOISE_NONE, 0, NULL, NULL, 1};
    unika_error err = {0};
    ck_assert_int_eq(unika_release_apply(f, 4, t, 2, &p, &err), 0);
    ck_assert_int_eq(f[3].state, X); /* 7 - 5 = 2 < 3 */
    /* then the overlap relation withholds B (the smallest other), and the
     * one-way table A with it; the total stays */
    ck_assert_str_eq(f[1].shown, "..");
    ck_assert_str_eq(f[0].shown, "..");
    ck_assert_str_eq(f[2].shown, "24");
    p.secondary = 0;
    ck_assert_int_eq(unika_release_apply(f, 4, t, 2, &p, &err), 0);
    ck_assert_str_eq(f[3].shown, "5");
    /* a table naming a figure that does not exist */
    pair = 4;
    ck_assert_int_eq(unika_release_apply(f, 4, t, 2, &p, &err), UNIKA_EINVAL);
    ck_assert_int_eq(unika_release_apply(NULL, 4, t, 2, &p, &err), UNIKA_EINVAL);
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("release");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, rounding_rules, 0, (int)(sizeof rounding_cases / sizeof rounding_cases[0]));
    tcase_add_test(tc, rounding_negative_and_degenerate);
    tcase_add_test(tc, ckm_inverse_cdf_points);
    tcase_add_test(tc, ckm_frequencies);
    tcase_add_test(tc, geometric_frequencies);
    tcase_add_test(tc, geometric_inverse_cdf_points);
    tcase_add_test(tc, noise_refusals);
    tcase_add_test(tc, uniform_is_keyed_and_deterministic);
    tcase_add_test(tc, commitment_known_answer_and_set_semantics);
    tcase_add_test(tc, secondary_one_way_smallest_other);
    tcase_add_test(tc, secondary_ties_take_the_lowest_index);
    tcase_add_test(tc, secondary_two_way_iterates);
    tcase_add_test(tc, secondary_withholds_twins_and_falls_back_to_the_total);
    tcase_add_test(tc, secondary_overlap_relation_without_total);
    tcase_add_test(tc, secondary_leaves_safe_tables_alone);
    tcase_add_test(tc, secondary_refusals);
    tcase_add_test(tc, apply_thresholds_secondary_and_shown_text);
    tcase_add_test(tc, apply_follows_every_parameter);
    tcase_add_test(tc, apply_difference_rule_and_overlap_relation);
    suite_add_tcase(s, tc);
    return s;
}
