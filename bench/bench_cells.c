/*
 * bench_cells.c - writes N labelled cell sketch files for the scale
 * benchmarks (bench/bench_scale.sh): what a national partnership's monthly
 * cells by gender and age group look like to `unika merge`, `report` and
 * `verify`, without ingesting 10^5 CSV files first.
 *
 *   bench_cells N DIR [PEOPLE] [ORGS] [SIGN.sec]
 *
 * File i is labelled org=o<(i / 15) mod ORGS> (default 290), period=20YY-MM, gender, age_group
 * (the combination unique per file), holds PEOPLE (default 20) hashes drawn
 * from a population of 10^6 (so cells overlap), p = 12, one fixed key and
 * recipe fingerprint (PEOPLE <= 1,000, so every file is sparse and small).
 * Deterministic: the same N gives the same bytes. With SIGN.sec each file
 * gets its FILE.sig too (made in memory and written plainly, without the
 * fsync of unika_sign_file, for the same reason as the sketches).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "unika/sign.h"
#include "unika/sketch.h"
#include "unika/sketch_io.h"

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* PATH.sig of the bytes just written. */
static int write_signature(const unika_sign_key *key, const char *path, const uint8_t *bytes,
                           size_t len)
{
    unika_error e = {0};
    unika_signature sig;
    char text[UNIKA_SIGN_TEXT_MAX], sig_path[4200];
    size_t n = 0;
    snprintf(sig_path, sizeof sig_path, "%s.sig", path);
    FILE *f = NULL;
    if (unika_signature_create(&sig, key, bytes, len, &e) < 0 ||
        unika_signature_format(text, sizeof text, &n, &sig, &e) < 0 ||
        !(f = fopen(sig_path, "wb")) || fwrite(text, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "bench_cells: %s: %s\n", sig_path, e.message);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_cells N DIR [PEOPLE] [ORGS] [SIGN.sec]\n");
        return 2;
    }
    long n = atol(argv[1]), people = argc > 3 ? atol(argv[3]) : 20;
    if (people < 0 || people > 1000) people = 1000;
    long orgs = argc > 4 ? atol(argv[4]) : 290;
    if (orgs < 1) orgs = 1;
    unika_sign_key *sign = NULL;
    unika_error se = {0};
    const char *dir = argv[2];
    static const char *const genders[] = {"F", "M", "X"};
    static const char *const ages[] = {"0-17", "18-29", "30-49", "50-64", "65+"};
    uint8_t key_fp[16], recipe_fp[16];
    memset(key_fp, 0x3f, sizeof key_fp);
    memset(recipe_fp, 0x5e, sizeof recipe_fp);
    if (unika_init() < 0 || (mkdir(dir, 0755) < 0 && errno != EEXIST)) return 1;
    if (argc > 5 && unika_sign_key_load(&sign, argv[5], 0, &se) < 0) {
        fprintf(stderr, "bench_cells: %s\n", se.message);
        return 1;
    }
    uint64_t seed = 12345;
    for (long i = 0; i < n; i++) {
        unika_error e = {0};
        unika_sketch *s = NULL;
        /* 15 cells per org-month (3 genders x 5 age groups), 290 orgs, then months. */
        long cell = i % 15, org = (i / 15) % orgs, month = i / (15 * orgs);
        char org_s[24], period[48], path[4096];
        snprintf(org_s, sizeof org_s, "o%ld", org);
        snprintf(period, sizeof period, "%04ld-%02ld", 2020 + month / 12, 1 + month % 12);
        if (unika_sketch_new(&s, 12, key_fp, recipe_fp, &e) < 0 ||
            unika_sketch_set_label(s, "org", org_s, &e) < 0 ||
            unika_sketch_set_label(s, "period", period, &e) < 0 ||
            unika_sketch_set_label(s, "gender", genders[cell / 5], &e) < 0 ||
            unika_sketch_set_label(s, "age_group", ages[cell % 5], &e) < 0) {
            fprintf(stderr, "bench_cells: %s\n", e.message);
            return 1;
        }
        for (long k = 0; k < people; k++) {
            uint64_t person = splitmix(&seed) % 1000000;
            uint64_t h = person;
            if (unika_sketch_add_hash(s, splitmix(&h), &e) < 0) return 1;
        }
        snprintf(path, sizeof path, "%s/%s_%s_%ld.uks", dir, org_s, period, cell);
        /* Plain writes, not unika_sketch_save: its fsync per file would make
         * generating 10^5 files take minutes, and is not what is measured. */
        uint8_t buf[4096];
        size_t len = 0;
        FILE *f = fopen(path, "wb");
        if (unika_sketch_serialize(buf, sizeof buf, &len, s, &e) < 0 || !f ||
            fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
            fprintf(stderr, "bench_cells: %s: %s\n", path, e.message);
            return 1;
        }
        if (sign && write_signature(sign, path, buf, len) < 0) return 1;
        unika_sketch_free(s);
    }
    unika_sign_key_free(sign);
    printf("bench_cells: %ld files in %s\n", n, dir);
    return 0;
}
