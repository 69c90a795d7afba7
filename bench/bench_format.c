/*
 * bench_format.c - cost of the sketch file format: serialise, parse (with
 * every check), and "parse and merge 1,000 p = 12 files", the aggregator's
 * job. Prints figures; asserts nothing.
 *
 *     bench_format [rounds]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unika.h"
#include "benchutil.h"

static const uint8_t FP[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

static unika_sketch *make(unsigned p, size_t n, uint64_t seed)
{
    unika_sketch *s = NULL;
    if (unika_sketch_new(&s, p, FP, FP, NULL) < 0) exit(1);
    for (size_t i = 0; i < n; i++) {
        if (unika_sketch_add_hash(s, bench_splitmix64(&seed), NULL) < 0) exit(1);
    }
    if (unika_sketch_set_label(s, "org", "rodakorset", NULL) < 0 ||
        unika_sketch_set_label(s, "period", "2024-H1", NULL) < 0 ||
        unika_sketch_set_label(s, "gender", "f", NULL) < 0)
        exit(1);
    return s;
}

static uint8_t *bytes_of(const unika_sketch *s, size_t *n)
{
    if (unika_sketch_serialized_size(n, s) < 0) exit(1);
    uint8_t *b = malloc(*n);
    if (!b || unika_sketch_serialize(b, *n, n, s, NULL) < 0) exit(1);
    return b;
}

static void bench_one(const char *name, unsigned p, size_t n, int rounds)
{
    unika_sketch *s = make(p, n, 42);
    size_t size;
    uint8_t *b = bytes_of(s, &size);
    uint8_t *out = malloc(size);
    double t0 = bench_wall_ns();
    for (int i = 0; i < rounds; i++) {
        if (unika_sketch_serialize(out, size, NULL, s, NULL) < 0) exit(1);
    }
    double t1 = bench_wall_ns();
    for (int i = 0; i < rounds; i++) {
        unika_sketch *t = NULL;
        if (unika_sketch_parse(&t, b, size, NULL) < 0) exit(1);
        unika_sketch_free(t);
    }
    double t2 = bench_wall_ns();
    printf("%-28s p=%-2u %s %7zu bytes  serialise %9.0f ns  parse %9.0f ns\n", name, p,
           unika_sketch_is_sparse(s) ? "sparse" : "dense ", size, (t1 - t0) / rounds,
           (t2 - t1) / rounds);
    free(out);
    free(b);
    unika_sketch_free(s);
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 2000;
    if (rounds <= 0 || unika_init() < 0) return 2;
    printf("bench_format: %d rounds each, one core\n", rounds);
    bench_one("small cell (40 people)", 12, 40, rounds);
    bench_one("sparse at the limit", 12, 1024, rounds);
    bench_one("dense", 10, 5000, rounds);
    bench_one("dense", 12, 20000, rounds);
    bench_one("dense", 14, 80000, rounds);
    bench_one("dense", 18, 1000000, rounds / 20 + 1);

    /* The aggregator: parse 1,000 dense p = 12 files and merge them. */
    enum { N = 1000 };
    uint8_t **files = malloc(N * sizeof *files);
    size_t *sizes = malloc(N * sizeof *sizes);
    for (int i = 0; i < N; i++) {
        unika_sketch *s = make(12, 3000, 1000 + (uint64_t)i);
        files[i] = bytes_of(s, &sizes[i]);
        unika_sketch_free(s);
    }
    double best = 1e300, best_parse = 1e300;
    for (int rep = 0; rep < 10; rep++) {
        double t0 = bench_wall_ns(), parse_ns = 0;
        unika_sketch *acc = NULL;
        for (int i = 0; i < N; i++) {
            double a = bench_wall_ns();
            unika_sketch *t = NULL;
            if (unika_sketch_parse(&t, files[i], sizes[i], NULL) < 0) return 1;
            parse_ns += bench_wall_ns() - a;
            if (!acc) {
                acc = t;
            } else {
                if (unika_sketch_merge(acc, t, NULL) < 0) return 1;
                unika_sketch_free(t);
            }
        }
        double t = bench_wall_ns() - t0;
        if (t < best) best = t, best_parse = parse_ns;
        unika_sketch_free(acc);
    }
    printf("parse + merge 1,000 dense p=12 files (%zu bytes each): %.3f ms "
           "(of which parse %.3f ms), best of 10\n", sizes[0], best / 1e6, best_parse / 1e6);
    for (int i = 0; i < N; i++) free(files[i]);
    free(files);
    free(sizes);
    return 0;
}
