/*
 * bench_sketch_speed.c - how fast the counting core is (prints, never asserts).
 *
 *   ns per add from a pseudonym, keyed SipHash included (target <= 25 ns)
 *   ns per add of a precomputed hash: the register update (target <= 2 ns)
 *   ns per merge at p = 12 and 14 (dense), and across precisions
 *   ms to parse and merge 1,000 serialised p = 12 sketches (target <= 2 ms)
 *   us per estimate at p = 12, ML and FGRA (target <= 5 us)
 *
 * Usage: bench_sketch_speed [scale]   (scale multiplies the repetitions; 1)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unika.h"
#include "benchutil.h"

static const uint8_t FP[UNIKA_FINGERPRINT_BYTES] = {0};

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: the machine is shared */
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void die(const char *what, int rc)
{
    fprintf(stderr, "bench_sketch_speed: %s failed: %s\n", what, unika_strerror(rc));
    exit(1);
}

static unika_sketch *filled(unsigned p, const uint8_t *key_fp, uint64_t n, uint64_t seed)
{
    unika_sketch *s = NULL;
    int rc = unika_sketch_new(&s, p, key_fp, FP, NULL);
    if (rc < 0) die("unika_sketch_new", rc);
    for (uint64_t i = 0; i < n; i++)
        if ((rc = unika_sketch_add_hash(s, bench_splitmix64(&seed), NULL)) < 0) die("add_hash", rc);
    return s;
}

/* Merges of dense sketches, of equal and of different precisions. */
static void bench_merges(const uint8_t *kfp, double scale)
{
    int rc;
    double t0;
    /* merges */
    printf("\n");
    const unsigned mp[][2] = {{12, 12}, {14, 14}, {12, 14}, {10, 14}};
    for (size_t k = 0; k < sizeof mp / sizeof mp[0]; k++) {
        unika_sketch *dst = filled(mp[k][0], kfp, 1000000, 11), *src = filled(mp[k][1], kfp, 1000000, 12);
        size_t n = (size_t)(20000 * scale) >> (mp[k][1] - 12);
        if (n == 0) n = 1;
        t0 = now_ns();
        for (size_t i = 0; i < n; i++)
            if ((rc = unika_sketch_merge(dst, src, NULL)) < 0) die("merge", rc);
        double t = (now_ns() - t0) / (double)n;
        printf("merge dense p=%u <- p=%u (n = 10^6 each)                  %9.0f ns/merge  (%.2f ns/src register)\n",
               mp[k][0], mp[k][1], t, t / (double)((size_t)1 << mp[k][1]));
        unika_sketch_free(dst);
        unika_sketch_free(src);
    }

}

/* Parse + merge 1,000 serialised p = 12 sketches (dense, 10^4 each). */
static void bench_parse_merge(const uint8_t *kfp, double scale)
{
    int rc;
    double t0;
    /* parse + merge 1,000 serialised p = 12 sketches (dense, 10^4 each) */
    const size_t NS = 1000;
    uint8_t **files = malloc(NS * sizeof *files);
    size_t *sizes = malloc(NS * sizeof *sizes);
    for (size_t k = 0; k < NS; k++) {
        unika_sketch *t = filled(12, kfp, 10000, 100 + k);
        if ((rc = unika_sketch_serialized_size(&sizes[k], t)) < 0) die("serialized_size", rc);
        files[k] = malloc(sizes[k]);
        if ((rc = unika_sketch_serialize(files[k], sizes[k], NULL, t, NULL)) < 0) die("serialize", rc);
        unika_sketch_free(t);
    }
    /* Parse all, then merge all, timing the two loops as wholes (a timer
     * call per sketch would cost as much as a merge). Best of `rounds`. */
    int rounds = (int)(10 * scale) + 1;
    double best_parse = 1e30, best_merge = 1e30;
    unika_sketch **parsed = malloc(NS * sizeof *parsed);
    for (int r = 0; r < rounds; r++) {
        unika_sketch *acc = NULL;
        if ((rc = unika_sketch_new(&acc, 12, kfp, FP, NULL)) < 0) die("new", rc);
        t0 = now_ns();
        for (size_t k = 0; k < NS; k++)
            if ((rc = unika_sketch_parse(&parsed[k], files[k], sizes[k], NULL)) < 0) die("parse", rc);
        double t1 = now_ns();
        for (size_t k = 0; k < NS; k++)
            if ((rc = unika_sketch_merge(acc, parsed[k], NULL)) < 0) die("merge", rc);
        double t2 = now_ns();
        if (t1 - t0 < best_parse) best_parse = t1 - t0;
        if (t2 - t1 < best_merge) best_merge = t2 - t1;
        for (size_t k = 0; k < NS; k++) unika_sketch_free(parsed[k]);
        unika_sketch_free(acc);
    }
    free(parsed);
    printf("parse + merge 1,000 serialised p=12 sketches (%zu B each)  %7.3f ms  (parse %.3f, merge %.3f)\n",
           sizes[0], (best_parse + best_merge) / 1e6, best_parse / 1e6, best_merge / 1e6);
    for (size_t k = 0; k < NS; k++) free(files[k]);
    free(files);
    free(sizes);

}

/* Estimates, dense and sparse. */
static void bench_estimates(const uint8_t *kfp, double scale)
{
    int rc;
    double t0;
    /* estimates */
    printf("\n");
    const uint64_t ens[] = {3000, 1000000};
    for (size_t k = 0; k < 2; k++) {
        unika_sketch *t = filled(12, kfp, ens[k], 99);
        for (int w = 0; w < 2; w++) {
            size_t n = (size_t)(20000 * scale) + 1;
            unika_estimate e;
            t0 = now_ns();
            for (size_t i = 0; i < n; i++)
                if ((rc = unika_sketch_estimate(&e, t, (unika_estimator)w, NULL)) < 0) die("estimate", rc);
            printf("estimate %-4s p=12, n = %-8llu (with SE and interval)   %7.2f us\n",
                   w ? "FGRA" : "ML", (unsigned long long)ens[k], (now_ns() - t0) / (double)n / 1e3);
        }
        unika_sketch_free(t);
    }
    unika_sketch *sp = filled(12, kfp, 1000, 98);
    size_t n = (size_t)(200000 * scale) + 1;
    unika_estimate e;
    t0 = now_ns();
    for (size_t i = 0; i < n; i++)
        if (unika_sketch_estimate(&e, sp, UNIKA_ESTIMATOR_ML, NULL) < 0) die("estimate", 0);
    printf("estimate sparse p=12, n = 1000 (token count + correction) %7.2f us\n",
           (now_ns() - t0) / (double)n / 1e3);
    unika_sketch_free(sp);

}

int main(int argc, char **argv)
{
    double scale = argc > 1 ? atof(argv[1]) : 1.0;
    if (scale <= 0) scale = 1.0;
    if (unika_init() < 0) die("unika_init", UNIKA_ESODIUM);
    unika_key *key = NULL;
    uint8_t kb[32] = {1};
    int rc = unika_key_from_bytes(&key, kb, NULL);
    if (rc < 0) die("unika_key_from_bytes", rc);
    const uint8_t *kfp = unika_key_fingerprint_ptr(key);

    /* Pseudonyms: 2^16 random 32-byte strings, cycled. */
    const size_t NP = 1 << 16;
    uint8_t *ps = malloc(NP * UNIKA_PSEUDONYM_BYTES);
    uint64_t seed = 7;
    for (size_t i = 0; i < NP * UNIKA_PSEUDONYM_BYTES / 8; i++) {
        uint64_t v = bench_splitmix64(&seed);
        memcpy(ps + 8 * i, &v, 8);
    }
    const size_t NH = 1 << 20;
    uint64_t *hs = malloc(NH * sizeof *hs);
    for (size_t i = 0; i < NH; i++) hs[i] = bench_splitmix64(&seed);

    printf("unika sketch speed (one core; figures in ns unless stated)\n\n");
    size_t reps = (size_t)(2e7 * scale);

    /* add from a pseudonym into a dense p = 12 sketch */
    unika_sketch *s = filled(12, kfp, 100000, 1);
    double t0 = now_ns();
    for (size_t i = 0; i < reps; i++)
        if ((rc = unika_sketch_add(s, key, ps + (i & (NP - 1)) * UNIKA_PSEUDONYM_BYTES, NULL)) < 0)
            die("add", rc);
    double t_add = (now_ns() - t0) / (double)reps;
    t0 = now_ns();
    for (size_t i = 0; i < reps; i += NP)
        if ((rc = unika_sketch_add_batch(s, key, ps, NP, NULL)) < 0) die("add_batch", rc);
    double t_batch = (now_ns() - t0) / (double)((reps + NP - 1) / NP * NP);
    uint64_t sink = 0;
    t0 = now_ns();
    for (size_t i = 0; i < reps; i++) {
        uint64_t h;
        if (unika_sketch_hash(&h, key, ps + (i & (NP - 1)) * UNIKA_PSEUDONYM_BYTES) < 0) die("hash", 0);
        sink ^= h;
    }
    double t_hash = (now_ns() - t0) / (double)reps;
    /* register update alone: precomputed hashes */
    t0 = now_ns();
    for (size_t i = 0; i < reps; i++)
        if (unika_sketch_add_hash(s, hs[i & (NH - 1)], NULL) < 0) die("add_hash", 0);
    double t_upd = (now_ns() - t0) / (double)reps;
    t0 = now_ns();
    for (size_t i = 0; i < reps; i += NH)
        if ((rc = unika_sketch_add_hashes(s, hs, NH, NULL)) < 0) die("add_hashes", rc);
    double t_upd_batch = (now_ns() - t0) / (double)((reps + NH - 1) / NH * NH);
    unika_sketch_free(s);
    /* sparse adds: fill p = 12 sketches to 1,000 people, from empty */
    size_t sparse_sk = (size_t)(2000 * scale) + 1;
    t0 = now_ns();
    for (size_t k = 0; k < sparse_sk; k++) {
        unika_sketch *t = NULL;
        if ((rc = unika_sketch_new(&t, 12, kfp, FP, NULL)) < 0) die("new", rc);
        for (size_t i = 0; i < 1000; i++)
            if (unika_sketch_add_hash(t, hs[(k * 1000 + i) & (NH - 1)], NULL) < 0) die("add_hash", 0);
        unika_sketch_free(t);
    }
    double t_sparse = (now_ns() - t0) / ((double)sparse_sk * 1000.0);

    printf("add (pseudonym -> SipHash-2-4 -> register), p=12 dense  %7.2f ns/add\n", t_add);
    printf("add_batch, same                                         %7.2f ns/add\n", t_batch);
    printf("  of which the keyed SipHash-2-4 alone                  %7.2f ns\n", t_hash);
    printf("register update alone (add_hash, p=12 dense)            %7.2f ns/add\n", t_upd);
    printf("register update, add_hashes (array of hashes)           %7.2f ns/add\n", t_upd_batch);
    printf("sparse phase: new p=12 sketch + 1,000 add_hash          %7.2f ns/add\n", t_sparse);

    bench_merges(kfp, scale);
    bench_parse_merge(kfp, scale);
    bench_estimates(kfp, scale);
    if (sink == 42) printf(" ");
    free(ps);
    free(hs);
    unika_key_free(key);
    return 0;
}
