/*
 * bench_accuracy.c - accuracy of MERGED sketches against the theory
 * (prints a Markdown table; never asserts).
 *
 * Each trial draws n distinct random 64-bit hashes (SplitMix64, standing in
 * for the keyed SipHash: both are uniform, and add_hash skips 20 ns of
 * hashing per item), adds items [0, 0.6n) to one sketch and [0.4n, n) to a
 * second, merges the second into the first and estimates the union with
 * both estimators. Per (p, n, estimator) it reports, over T trials:
 *   bias      mean of (estimate / n - 1)
 *   RSE       sqrt(mean((estimate / n - 1)^2))  (bias included), with its own
 *             sampling sd RSE / sqrt(2T) in brackets
 *   SE        mean reported standard error / n
 *   cover     share of trials whose 95% interval holds n
 *   exact     share of trials with round(estimate) == n
 *   theory    asymptotic RSE sqrt(MVP / (8 * 2^p))
 *   bytes     mean serialised size of the merged sketch (format v1, no labels)
 *
 * A second table measures overlaps: |A| = |B| = 50,000 at p = 12 with
 * overlaps 0 .. 50,000, the joint estimator (unika_sketch_intersection /
 * _difference) beside inclusion-exclusion |A| + |B| - |A ∪ B|.
 *
 * A third table checks n far beyond what can be inserted (10^8 .. 10^18):
 * register arrays drawn directly from the Poisson model at lambda = n/m
 * (u = ceil(log2(lambda / E)), E ~ Exp(1), history bits Bernoulli), so
 * the truth is the Poisson mean n (its own 1/sqrt(n) spread is negligible).
 *
 * Usage: bench_accuracy [--trials=T] [--trials-large=T7] [--p=10,12,14]
 *                       [--nmax=N] [--seed=S] [--overlap-trials=T0]
 *                       [--synthetic-trials=TS] [--n=n1,n2,...]
 *   --n replaces the grid of n (default 1, 10, ..., 10^7).
 *   T (default 1000) trials per point up to n = 10^6, T7 (default 200) at
 *   n = 10^7. A full default run takes ~5-10 minutes of one core.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sketch/sketch_private.h"
#include "unika.h"

static const uint8_t FP[UNIKA_FINGERPRINT_BYTES] = {0};

/* Hash of item i of trial t: a stateless SplitMix64 step, so the two
 * overlapping halves of a trial see the same hashes for the same items. */
static inline uint64_t item_hash(uint64_t trial_seed, uint64_t i)
{
    uint64_t z = trial_seed + (i + 1) * 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void die(const char *what, int rc)
{
    fprintf(stderr, "bench_accuracy: %s failed: %s\n", what, unika_strerror(rc));
    exit(1);
}

typedef struct point_stats {
    double sum, sq, se, cover, exact, bytes;
    int trials;
} point_stats;

/* Builds the merged sketch of one trial. Reusable by peer benchmarks: the
 * halves are [0, ceil(0.6 n)) and [floor(0.4 n), n). */
static unika_sketch *merged_trial(unsigned p, uint64_t n, uint64_t seed)
{
    unika_sketch *a = NULL, *b = NULL;
    int rc;
    if ((rc = unika_sketch_new(&a, p, FP, FP, NULL)) < 0) die("new", rc);
    if ((rc = unika_sketch_new(&b, p, FP, FP, NULL)) < 0) die("new", rc);
    uint64_t a_end = (uint64_t)ceil(0.6 * (double)n), b_start = (uint64_t)floor(0.4 * (double)n);
    for (uint64_t i = 0; i < a_end; i++)
        if ((rc = unika_sketch_add_hash(a, item_hash(seed, i), NULL)) < 0) die("add", rc);
    for (uint64_t i = b_start; i < n; i++)
        if ((rc = unika_sketch_add_hash(b, item_hash(seed, i), NULL)) < 0) die("add", rc);
    if ((rc = unika_sketch_merge(a, b, NULL)) < 0) die("merge", rc);
    unika_sketch_free(b);
    return a;
}

static void record(point_stats *st, const unika_estimate *e, uint64_t n, size_t bytes)
{
    double r = e->estimate / (double)n - 1;
    st->sum += r;
    st->sq += r * r;
    st->se += e->std_error / (double)n;
    st->cover += e->ci_low <= (double)n && (double)n <= e->ci_high;
    st->exact += llround(e->estimate) == (long long)n;
    st->bytes += (double)bytes;
    st->trials++;
}

/* Overlap accuracy: |A| = |B| = 50,000 at p = 12, overlap x; per x the
 * RMSE (people), bias and coverage of the joint estimate of |A ∩ B| and of
 * |A \ B|, and the RMSE and mean SE of inclusion-exclusion. */
static void overlap_table(int T, uint64_t seed0)
{
    static const uint64_t X[] = {0, 500, 5000, 20000, 45000, 50000};
    const uint64_t size = 50000;
    printf("\nOverlaps at p = 12, |A| = |B| = 50,000, %d trials per row (people).\n\n", T);
    printf("| overlap | joint ∩: bias | RMSE | mean SE | cover | A \\ B: bias | RMSE | cover |"
           " incl.-excl. ∩: RMSE | mean SE |\n");
    printf("|---|---|---|---|---|---|---|---|---|---|\n");
    for (size_t k = 0; k < sizeof X / sizeof X[0]; k++) {
        double s[2] = {0}, q[2] = {0}, se = 0, cov[2] = {0}, ie_q = 0, ie_se = 0;
        for (int t = 0; t < T; t++) {
            uint64_t seed = seed0 ^ 0x5eed0000ULL ^ ((uint64_t)k << 40) ^
                            ((uint64_t)(unsigned)t * 0xd1b54a32d192ed03ULL);
            unika_sketch *a = NULL, *b = NULL, *u = NULL;
            int rc;
            if ((rc = unika_sketch_new(&a, 12, FP, FP, NULL)) < 0) die("new", rc);
            if ((rc = unika_sketch_new(&b, 12, FP, FP, NULL)) < 0) die("new", rc);
            for (uint64_t i = 0; i < size; i++)
                if ((rc = unika_sketch_add_hash(a, item_hash(seed, i), NULL)) < 0) die("add", rc);
            for (uint64_t i = size - X[k]; i < 2 * size - X[k]; i++)
                if ((rc = unika_sketch_add_hash(b, item_hash(seed, i), NULL)) < 0) die("add", rc);
            if ((rc = unika_sketch_copy(&u, a, NULL)) < 0) die("copy", rc);
            if ((rc = unika_sketch_merge(u, b, NULL)) < 0) die("merge", rc);
            unika_estimate ei, ed, ea, eb, eu;
            if ((rc = unika_sketch_intersection(&ei, a, b, NULL)) < 0) die("intersection", rc);
            if ((rc = unika_sketch_difference(&ed, a, b, NULL)) < 0) die("difference", rc);
            if ((rc = unika_sketch_estimate(&ea, a, UNIKA_ESTIMATOR_ML, NULL)) < 0) die("estimate", rc);
            if ((rc = unika_sketch_estimate(&eb, b, UNIKA_ESTIMATOR_ML, NULL)) < 0) die("estimate", rc);
            if ((rc = unika_sketch_estimate(&eu, u, UNIKA_ESTIMATOR_ML, NULL)) < 0) die("estimate", rc);
            double truth[2] = {(double)X[k], (double)(size - X[k])};
            const unika_estimate *e[2] = {&ei, &ed};
            for (int w = 0; w < 2; w++) {
                double d = e[w]->estimate - truth[w];
                s[w] += d;
                q[w] += d * d;
                cov[w] += e[w]->ci_low <= truth[w] && truth[w] <= e[w]->ci_high;
            }
            se += ei.std_error;
            double ie = ea.estimate + eb.estimate - eu.estimate - truth[0];
            ie_q += ie * ie;
            ie_se += sqrt(ea.std_error * ea.std_error + eb.std_error * eb.std_error +
                          eu.std_error * eu.std_error);
            unika_sketch_free(a);
            unika_sketch_free(b);
            unika_sketch_free(u);
        }
        printf("| %llu | %+.0f | %.0f | %.0f | %.3f | %+.0f | %.0f | %.3f | %.0f | %.0f |\n",
               (unsigned long long)X[k], s[0] / T, sqrt(q[0] / T), se / T, cov[0] / T, s[1] / T,
               sqrt(q[1] / T), cov[1] / T, sqrt(ie_q / T), ie_se / T);
        fflush(stdout);
    }
}

/* Uniform in (0, 1) from a SplitMix64 state. */
static double unit(uint64_t *st)
{
    uint64_t v = item_hash(*st, 0);
    (*st)++;
    return ((double)(v >> 11) + 0.5) * 0x1p-53;
}

/* One register at rate lambda under the Poisson model (docs/sketch.md 5.2). */
static uint8_t synthetic_register(double lambda, int K, uint64_t *st)
{
    double E = -log(unit(st));           /* max rank u: P(u <= k) = exp(-lambda 2^-k) */
    double v = ceil(log2(lambda / E));
    if (v < 1) return 0;                 /* no hash: empty */
    int u = v > K ? K : (int)v;
    int s1 = u - 1 >= 1 && unit(st) < -expm1(-lambda * ldexp(1.0, -(u - 1)));
    int s2 = u - 2 >= 1 && unit(st) < -expm1(-lambda * ldexp(1.0, -(u - 2)));
    return (uint8_t)(4 * u + 2 * s1 + s2);
}

static void synthetic_table(int T, uint64_t seed0)
{
    static const double NSY[] = {1e8, 1e9, 1e12, 1e15, 1e18};
    const unsigned p = 12;
    const size_t m = (size_t)1 << p;
    printf("\nVery large n at p = 12: registers drawn from the Poisson model, %d trials per row.\n\n", T);
    printf("| n | estimator | bias | RSE (sd) | theory | mean SE | cover 95%% |\n");
    printf("|---|---|---|---|---|---|---|\n");
    for (size_t k = 0; k < sizeof NSY / sizeof NSY[0]; k++) {
        point_stats st[2];
        memset(st, 0, sizeof st);
        uint64_t rs = seed0 ^ 0x517e000000ULL ^ ((uint64_t)k << 44);
        for (int t = 0; t < T; t++) {
            unika_sketch *s = NULL;
            int rc = unika_sketch_new(&s, p, FP, FP, NULL);
            if (rc < 0) die("new", rc);
            s->registers = malloc(m); /* a dense state, filled by hand */
            if (!s->registers) die("malloc", UNIKA_ENOMEM);
            for (size_t i = 0; i < m; i++) s->registers[i] = synthetic_register(NSY[k] / (double)m, 65 - (int)p, &rs);
            if ((rc = unika_sketch_check_state(s, NULL)) < 0) die("check_state", rc);
            for (int w = 0; w < 2; w++) {
                unika_estimate e;
                if ((rc = unika_sketch_estimate(&e, s, (unika_estimator)w, NULL)) < 0) die("estimate", rc);
                record(&st[w], &e, (uint64_t)NSY[k], m);
            }
            unika_sketch_free(s);
        }
        for (int w = 0; w < 2; w++) {
            double rse = sqrt(st[w].sq / T);
            printf("| %.0e | %s | %+.4f%% | %.3f%% (%.3f) | %.3f%% | %.3f%% | %.3f |\n", NSY[k],
                   w ? "FGRA" : "ML", 100 * st[w].sum / T, 100 * rse, 100 * rse / sqrt(2.0 * T),
                   100 * unika_sketch_rse(p, (unika_estimator)w), 100 * st[w].se / T,
                   st[w].cover / T);
        }
        fflush(stdout);
    }
}

static int parse_list(unsigned *out, int cap, const char *s)
{
    int k = 0;
    while (*s && k < cap) {
        out[k++] = (unsigned)strtoul(s, (char **)&s, 10);
        if (*s == ',') s++;
        else break;
    }
    return k;
}

int main(int argc, char **argv)
{
    int trials = 1000, trials_large = 200;
    unsigned ps[8] = {10, 12, 14};
    int nps = 3;
    double nmax = 1e7;
    int overlap_trials = 300, synthetic_trials = 1000;
    uint64_t seed0 = 20241123;
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "--trials=", 9)) trials = atoi(argv[i] + 9);
        else if (!strncmp(argv[i], "--trials-large=", 15)) trials_large = atoi(argv[i] + 15);
        else if (!strncmp(argv[i], "--p=", 4)) nps = parse_list(ps, 8, argv[i] + 4);
        else if (!strncmp(argv[i], "--nmax=", 7)) nmax = atof(argv[i] + 7);
        else if (!strncmp(argv[i], "--seed=", 7)) seed0 = strtoull(argv[i] + 7, NULL, 10);
        else if (!strncmp(argv[i], "--overlap-trials=", 17)) overlap_trials = atoi(argv[i] + 17);
        else if (!strncmp(argv[i], "--synthetic-trials=", 19)) synthetic_trials = atoi(argv[i] + 19);
        else if (!strncmp(argv[i], "--n=", 4)) continue; /* read above */
        else {
            fprintf(stderr, "usage: %s [--trials=T] [--trials-large=T7] [--p=10,12,14] "
                            "[--nmax=N] [--seed=S] [--overlap-trials=T0] [--synthetic-trials=TS] "
                            "[--n=n1,n2,...]\n", argv[0]);
            return 2;
        }
    }
    if (unika_init() < 0) die("unika_init", UNIKA_ESODIUM);
    static const uint64_t NS_DEFAULT[] = {1, 10, 100, 1000, 3000, 10000, 100000, 1000000, 10000000};
    uint64_t NS[32];
    size_t n_ns = sizeof NS_DEFAULT / sizeof NS_DEFAULT[0];
    memcpy(NS, NS_DEFAULT, sizeof NS_DEFAULT);
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--n=", 4)) continue;
        const char *q = argv[i] + 4;
        for (n_ns = 0; *q && n_ns < 32;) {
            NS[n_ns++] = (uint64_t)strtod(q, (char **)&q);
            if (*q == ',') q++;
            else break;
        }
    }
    clock_t c0 = clock();
    printf("Merged sketches (two overlapping halves per trial); trials %d per point, %d at 10^7;"
           " seed %llu.\n\n", trials, trials_large, (unsigned long long)seed0);
    printf("| p | n | trials | estimator | bias | RSE (sd) | theory | mean SE | cover 95%% | exact | bytes |\n");
    printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int pi = 0; pi < nps; pi++) {
        unsigned p = ps[pi];
        for (size_t ni = 0; ni < n_ns; ni++) {
            uint64_t n = NS[ni];
            if ((double)n > nmax) break;
            int T = n >= 10000000 ? trials_large : trials;
            point_stats st[2];
            memset(st, 0, sizeof st);
            for (int t = 0; t < T; t++) {
                uint64_t seed = seed0 ^ ((uint64_t)p << 56) ^ ((uint64_t)ni << 48) ^
                                ((uint64_t)(unsigned)t * 0xd1b54a32d192ed03ULL);
                unika_sketch *s = merged_trial(p, n, seed);
                size_t bytes = 0;
                int rc = unika_sketch_serialized_size(&bytes, s);
                if (rc < 0) die("serialized_size", rc);
                for (int w = 0; w < 2; w++) {
                    unika_estimate e;
                    if ((rc = unika_sketch_estimate(&e, s, (unika_estimator)w, NULL)) < 0)
                        die("estimate", rc);
                    record(&st[w], &e, n, bytes);
                }
                unika_sketch_free(s);
            }
            for (int w = 0; w < 2; w++) {
                double bias = st[w].sum / T, rse = sqrt(st[w].sq / T);
                printf("| %u | %llu | %d | %s | %+.4f%% | %.3f%% (%.3f) | %.3f%% | %.3f%% | %.3f | %.3f | %.0f |\n",
                       p, (unsigned long long)n, T, w ? "FGRA" : "ML", 100 * bias, 100 * rse,
                       100 * rse / sqrt(2.0 * T), 100 * unika_sketch_rse(p, (unika_estimator)w),
                       100 * st[w].se / T, st[w].cover / T, st[w].exact / T, st[w].bytes / T);
            }
            fflush(stdout);
        }
    }
    if (overlap_trials > 0) overlap_table(overlap_trials, seed0);
    if (synthetic_trials > 0) synthetic_table(synthetic_trials, seed0);
    printf("\nCPU time %.1f s\n", (double)(clock() - c0) / CLOCKS_PER_SEC);
    return 0;
}
