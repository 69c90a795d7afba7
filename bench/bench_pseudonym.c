/*
 * bench_pseudonym.c - records pseudonymised per second on one core.
 *
 *   bench_pseudonym [reps] [csv]
 *
 * Realistic records: the name, birth date and gender columns of a partner's
 * visit log (default: examples/iop-visits/rodakorset.csv, 7,018 visits),
 * pseudonymised with the default recipe (name + birth year + gender). Prints,
 * per record: the keyed BLAKE2b-256 alone (the floor), the pseudonym of
 * already-normalised fields (encoding + hash), normalisation alone, and the
 * whole path from raw cells, one call per record and in batches. No timing
 * is asserted anywhere; these are figures to read.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unika.h"
#include "unika/pseudonym.h"

#define DEFAULT_CSV UNIKA_SOURCE_DIR "/examples/iop-visits/rodakorset.csv"
#define MAX_RECORDS 100000

static double now(void)
{
    struct timespec ts;
    /* CPU time of this thread: other processes on a shared machine do not
     * count against us (the figure is "per core", not wall clock). */
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Splits one CSV line into at most `max` cells (RFC 4180 quotes, in place). */
static size_t csv_cells(char *line, char **cells, size_t *sizes, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        char *w = p, *start = p;
        if (*p == '"') {
            start = w = ++p;
            while (*p) {
                if (*p == '"' && p[1] == '"') { *w++ = '"'; p += 2; }
                else if (*p == '"') { p++; break; }
                else *w++ = *p++;
            }
        } else {
            while (*p && *p != ',' && *p != '\n' && *p != '\r') w++, p++;
        }
        cells[n] = start;
        sizes[n] = (size_t)(w - start);
        n++;
        if (*p != ',') break;
        p++;
    }
    return n;
}

static void report(const char *what, double seconds, size_t ops)
{
    double ns = 1e9 * seconds / (double)ops;
    printf("%-44s %8.1f ns/record  %6.2f M records/s\n", what, ns, 1e3 / ns);
}

static char lines[MAX_RECORDS][160];
static unika_record recs[MAX_RECORDS];
static char names[MAX_RECORDS][UNIKA_NAME_MAX_BYTES];
static size_t name_len[MAX_RECORDS];
static char years[MAX_RECORDS][UNIKA_DATE_TEXT_BYTES];
static const char *genders[MAX_RECORDS];

/* The cells (full_name, birth_date, sex = columns 2..4); the number read. */
static size_t load(FILE *f)
{
    size_t n = 0;
    int header = 1;
    while (n < MAX_RECORDS && fgets(lines[n], sizeof lines[n], f)) {
        if (header) { header = 0; continue; }
        char *cells[8];
        size_t sizes[8];
        if (csv_cells(lines[n], cells, sizes, 8) < 4) continue;
        memset(&recs[n], 0, sizeof recs[n]);
        unika_record_set(&recs[n], UNIKA_COLUMN_NAME, cells[1], sizes[1]);
        unika_record_set(&recs[n], UNIKA_COLUMN_BIRTH_DATE, cells[2], sizes[2]);
        unika_record_set(&recs[n], UNIKA_COLUMN_GENDER, cells[3], sizes[3]);
        n++;
    }
    return n;
}

/* Pre-normalise once, for the "fields" and "hash alone" rows; how many failed. */
static size_t prenormalise(size_t n)
{
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        unika_date d;
        unika_gender g;
        if (unika_normalize_name(names[i], sizeof names[i], &name_len[i], recs[i].cell[1],
                                 recs[i].size[1], NULL) < 0 ||
            unika_date_parse(&d, recs[i].cell[UNIKA_COLUMN_BIRTH_DATE],
                             recs[i].size[UNIKA_COLUMN_BIRTH_DATE], NULL, NULL) < 0 ||
            unika_date_format(years[i], sizeof years[i], &d, UNIKA_DATE_YEAR, NULL) < 0 ||
            unika_gender_parse(&g, recs[i].cell[UNIKA_COLUMN_GENDER],
                               recs[i].size[UNIKA_COLUMN_GENDER], NULL) < 0) {
            failed++;
            names[i][0] = 'x';
            name_len[i] = 1;
            memcpy(years[i], "2000", 5);
            g = UNIKA_GENDER_UNKNOWN;
        }
        genders[i] = unika_gender_code(unika_gender_fold(g));
    }
    return failed;
}

/* Rows 1-3: the hash alone, from normalised fields, normalisation alone. */
static uint8_t bench_parts(size_t n, int reps, const uint8_t *kb, const unika_key *key,
                           const unika_recipe *recipe)
{
    size_t ops = n * (size_t)reps;
    uint8_t out[32], sink = 0;
    double t;

    /* 1. The keyed hash alone, over an encoding of typical length. */
    uint8_t enc[512] = {0}, subkey[32];
    crypto_kdf_derive_from_key(subkey, 32, 1, "unika-v1", kb);
    t = now();
    for (int r = 0; r < reps; r++)
        for (size_t i = 0; i < n; i++) {
            size_t len = 33 + 5 * 3 + name_len[i] + 4 + 1; /* header + 3 fields */
            memcpy(enc + 48, names[i], name_len[i]);
            crypto_generichash(out, 32, enc, len, subkey, 32);
            sink ^= out[0];
        }
    report("keyed BLAKE2b-256 alone", now() - t, ops);
    sodium_memzero(subkey, sizeof subkey);

    /* 2. From already-normalised fields: encoding + hash. */
    t = now();
    for (int r = 0; r < reps; r++)
        for (size_t i = 0; i < n; i++) {
            const char *v[3] = {names[i], years[i], genders[i]};
            size_t s[3] = {name_len[i], 4, 1};
            if (unika_pseudonym_from_fields(out, key, recipe, v, s, 3, NULL) == 0) sink ^= out[0];
        }
    report("unika_pseudonym_from_fields", now() - t, ops);

    /* 3. Normalisation alone (name, birth date -> year, gender). */
    t = now();
    for (int r = 0; r < reps; r++)
        for (size_t i = 0; i < n; i++) {
            char name[UNIKA_NAME_MAX_BYTES], year[UNIKA_DATE_TEXT_BYTES];
            size_t len;
            unika_date d;
            unika_gender g;
            if (unika_normalize_name(name, sizeof name, &len, recs[i].cell[1], recs[i].size[1],
                                     NULL) == 0)
                sink ^= (uint8_t)name[0];
            if (unika_date_parse(&d, recs[i].cell[UNIKA_COLUMN_BIRTH_DATE],
                                 recs[i].size[UNIKA_COLUMN_BIRTH_DATE], NULL, NULL) == 0 &&
                unika_date_format(year, sizeof year, &d, UNIKA_DATE_YEAR, NULL) == 0)
                sink ^= (uint8_t)year[3];
            if (unika_gender_parse(&g, recs[i].cell[UNIKA_COLUMN_GENDER],
                                   recs[i].size[UNIKA_COLUMN_GENDER], NULL) == 0)
                sink ^= (uint8_t)g;
        }
    report("normalisation alone", now() - t, ops);

    return sink;
}

/* Rows 4-6: from raw cells, one record per call, in batches, loose. */
static uint8_t bench_records(size_t n, int reps, const unika_key *key, const unika_recipe *recipe)
{
    size_t ops = n * (size_t)reps;
    uint8_t out[32], sink = 0;
    double t;
    /* 4. The whole path from raw cells, one call per record. */
    t = now();
    for (int r = 0; r < reps; r++)
        for (size_t i = 0; i < n; i++)
            if (unika_pseudonym_from_record(out, key, recipe, &recs[i], NULL) == 0)
                sink ^= out[0];
    report("unika_pseudonym_from_record, recipe strict", now() - t, ops);

    /* 5. The same in batches of all records per call. */
    uint8_t *batch = malloc(n * 32);
    int *status = malloc(n * sizeof *status);
    t = now();
    for (int r = 0; r < reps; r++) {
        size_t bad = 0;
        (void)unika_pseudonym_batch(batch, status, &bad, key, recipe, recs, n, NULL);
        sink ^= batch[0];
    }
    report("unika_pseudonym_batch, recipe strict", now() - t, ops);

    /* 6. The loose recipe (name_loose + birth_year + gender): the loose key
     * runs on top of the name normaliser. */
    unika_recipe *loose = NULL;
    if (unika_recipe_parse(&loose, "loose", SIZE_MAX, NULL) == 0) {
        t = now();
        for (int r = 0; r < reps; r++)
            for (size_t i = 0; i < n; i++)
                if (unika_pseudonym_from_record(out, key, loose, &recs[i], NULL) == 0)
                    sink ^= out[0];
        report("unika_pseudonym_from_record, recipe loose", now() - t, ops);
        unika_recipe_free(loose);
    }

    free(batch);
    free(status);
    return sink;
}

int main(int argc, char **argv)
{
    if (unika_init() < 0) return 1;
    int reps = argc > 1 ? atoi(argv[1]) : 200;
    if (reps < 1) reps = 1;
    const char *path = argc > 2 ? argv[2] : DEFAULT_CSV;
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return 1;
    }
    size_t n = load(f);
    fclose(f);
    if (n == 0) {
        fprintf(stderr, "no records in %s\n", path);
        return 1;
    }
    uint8_t kb[32];
    for (int i = 0; i < 32; i++) kb[i] = (uint8_t)i;
    unika_key *key = NULL;
    unika_recipe *recipe = NULL;
    /* strict explicitly: the rows below compare it with loose, whichever is
       the default */
    if (unika_key_from_bytes(&key, kb, NULL) < 0 ||
        unika_recipe_parse(&recipe, "strict", SIZE_MAX, NULL) < 0)
        return 1;

    size_t failed = prenormalise(n);
    size_t ops = n * (size_t)reps;
    printf("records: %zu from %s (%zu not normalisable), x %d reps = %zu per row\n", n, path,
           failed, reps, ops);
    printf("recipe: %s; libsodium %s\n\n", unika_recipe_canonical(recipe),
           sodium_version_string());
    uint8_t sink = bench_parts(n, reps, kb, key, recipe);
    sink ^= bench_records(n, reps, key, recipe);
    printf("\n(sink %u)\n", sink);
    unika_recipe_free(recipe);
    unika_key_free(key);
    return 0;
}
