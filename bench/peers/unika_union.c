/*
 * unika_union.c - the unika side of the union speed comparison in
 * bench/peers/speed_rounds.sh: K sketch files of n people each (p = 12),
 * serialised in memory beforehand, then parsed and merged, and the union
 * estimated, once. Prints the time in ms, so the script can interleave one
 * run of each system per round instead of taking each system's best.
 *
 *   unika_union K N labelled|unlabelled [ROUNDS]
 *
 * "labelled" gives every file the four labels of a partner's cell (org,
 * period, gender, age_group): what `unika merge` reads in practice, and
 * what a merge has to intersect. With ROUNDS > 1, one line per round.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unika.h"
#include "../benchutil.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void die(const char *what, const unika_error *e)
{
    fprintf(stderr, "unika_union: %s: %s\n", what, e ? e->message : "");
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s K N labelled|unlabelled [ROUNDS]\n", argv[0]);
        return 2;
    }
    long k = atol(argv[1]), n = atol(argv[2]), rounds = argc > 4 ? atol(argv[4]) : 1;
    int labelled = !strcmp(argv[3], "labelled");
    static const uint8_t fp[UNIKA_FINGERPRINT_BYTES] = {0};
    unika_error e = {0};
    uint64_t state = 99;
    if (unika_init() < 0) die("init", NULL);
    uint8_t **files = malloc((size_t)k * sizeof *files);
    size_t *sizes = malloc((size_t)k * sizeof *sizes);
    for (long i = 0; i < k; i++) {
        unika_sketch *s = NULL;
        char org[16];
        snprintf(org, sizeof org, "o%ld", i % 290);
        if (unika_sketch_new(&s, 12, fp, fp, &e) < 0) die("new", &e);
        if (labelled && (unika_sketch_set_label(s, "org", org, &e) < 0 ||
                         unika_sketch_set_label(s, "period", "2024-03", &e) < 0 ||
                         unika_sketch_set_label(s, "gender", i % 2 ? "F" : "M", &e) < 0 ||
                         unika_sketch_set_label(s, "age_group", "30-49", &e) < 0))
            die("label", &e);
        for (long j = 0; j < n; j++)
            if (unika_sketch_add_hash(s, bench_splitmix64(&state), &e) < 0) die("add", &e);
        if (unika_sketch_serialized_size(&sizes[i], s) < 0) die("size", NULL);
        files[i] = malloc(sizes[i]);
        if (unika_sketch_serialize(files[i], sizes[i], NULL, s, &e) < 0) die("serialize", &e);
        unika_sketch_free(s);
    }
    for (long r = 0; r < rounds; r++) {
        double t0 = now_ms();
        unika_sketch *acc = NULL;
        for (long i = 0; i < k; i++) {
            unika_sketch *s = NULL;
            if (unika_sketch_parse(&s, files[i], sizes[i], &e) < 0) die("parse", &e);
            if (!acc) acc = s;
            else {
                if (unika_sketch_merge(acc, s, &e) < 0) die("merge", &e);
                unika_sketch_free(s);
            }
        }
        unika_estimate est;
        if (unika_sketch_estimate(&est, acc, UNIKA_ESTIMATOR_ML, &e) < 0) die("estimate", &e);
        double ms = now_ms() - t0;
        printf("%.3f\n", ms);
        unika_sketch_free(acc);
    }
    for (long i = 0; i < k; i++) free(files[i]);
    free(files);
    free(sizes);
    return 0;
}
