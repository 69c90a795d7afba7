/*
 * unika_trials.c - one unika estimate per line, for the peer benchmark, so
 * unika, PostgreSQL hll and Redis go through the same statistics (peers.sh).
 *
 * Each trial builds two sketches over halves of a fresh set of n random
 * 64-bit hashes and estimates their MERGE, since a merged sketch is what
 * unika's analysts always estimate.
 *
 *   unika_trials P N TRIALS ml|fgra [SEED]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unika.h"
#include "../benchutil.h"

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: %s P N TRIALS ml|fgra [SEED]\n", argv[0]);
        return 2;
    }
    unsigned p = (unsigned)atoi(argv[1]);
    long n = atol(argv[2]), trials = atol(argv[3]);
    unika_estimator which = strcmp(argv[4], "fgra") ? UNIKA_ESTIMATOR_ML : UNIKA_ESTIMATOR_FGRA;
    uint64_t state = argc > 5 ? strtoull(argv[5], NULL, 10) : 20171;
    static const uint8_t fp[UNIKA_FINGERPRINT_BYTES] = {0};
    unika_error err = {0};
    if (unika_init() < 0) return 1;
    for (long t = 0; t < trials; t++) {
        unika_sketch *a = NULL, *b = NULL;
        if (unika_sketch_new(&a, p, fp, fp, &err) || unika_sketch_new(&b, p, fp, fp, &err)) {
            fprintf(stderr, "unika_trials: %s\n", err.message);
            return 1;
        }
        for (long i = 0; i < n; i++) {
            if (unika_sketch_add_hash(i & 1 ? a : b, bench_splitmix64(&state), &err)) return 1;
        }
        unika_estimate e;
        if (unika_sketch_merge(a, b, &err) || unika_sketch_estimate(&e, a, which, &err)) {
            fprintf(stderr, "unika_trials: %s\n", err.message);
            return 1;
        }
        printf("%.6f %.6f %.6f\n", e.estimate, e.ci_low, e.ci_high);
        unika_sketch_free(a);
        unika_sketch_free(b);
    }
    return 0;
}
