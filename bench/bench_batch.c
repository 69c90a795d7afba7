/*
 * bench_batch.c - records per second through the C API's batch path, the
 * baseline of the Python binding's batch call (bench/bench_python.py runs
 * both on the same records and prints them side by side).
 *
 *   bench_batch RECORDS.tsv RECIPE BATCH REPS
 *
 * RECORDS.tsv: one record per line, "name<TAB>birth_date<TAB>gender" (cells as
 * a partner's system wrote them; bench_python.py writes it). Per repetition
 * a fresh sketch (p = 12) under the key 00 01 .. 1f gets every record:
 * unika_pseudonym_batch() and unika_sketch_add_batch() per BATCH records,
 * the work Sketch.add_columns() asks of the library. Prints the records per
 * second (CPU time of this thread, so other load on a shared machine does
 * not count against it) and the BLAKE2b-256 of the final sketch, which the
 * binding's sketch must equal. No timing is asserted; these are figures.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unika.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n + 65536 > cap) {
            char *grown = realloc(buf, cap = 2 * cap + 65536);
            if (!grown) { free(buf); fclose(f); return NULL; }
            buf = grown;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *size = n;
    return buf;
}

/* Splits the TSV in place into records; the number of records. */
static size_t parse(char *text, size_t size, unika_record **out)
{
    size_t lines = 0;
    for (size_t i = 0; i < size; i++) lines += text[i] == '\n';
    unika_record *recs = calloc(lines ? lines : 1, sizeof *recs);
    if (!recs) return 0;
    static const unika_column cols[3] = {UNIKA_COLUMN_NAME, UNIKA_COLUMN_BIRTH_DATE,
                                         UNIKA_COLUMN_GENDER};
    size_t n = 0;
    char *p = text, *end = text + size;
    while (p < end && n < lines) {
        char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) break;
        for (int c = 0; c < 3; c++) {
            char *stop = c < 2 ? memchr(p, '\t', (size_t)(eol - p)) : eol;
            if (!stop) stop = eol;
            (void)unika_record_set(&recs[n], cols[c], p, (size_t)(stop - p));
            p = stop < eol ? stop + 1 : eol;
        }
        n++;
        p = eol + 1;
    }
    *out = recs;
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: bench_batch RECORDS.tsv RECIPE BATCH REPS\n");
        return 2;
    }
    size_t batch = (size_t)strtoul(argv[3], NULL, 10), size = 0;
    int reps = atoi(argv[4]);
    char *text = slurp(argv[1], &size);
    unika_record *recs = NULL;
    size_t n = text ? parse(text, size, &recs) : 0;
    if (unika_init() < 0 || n == 0 || batch == 0 || reps < 1) {
        fprintf(stderr, "bench_batch: nothing to do (%s)\n", argv[1]);
        return 1;
    }
    uint8_t raw[32], fp[UNIKA_FINGERPRINT_BYTES], rfp[UNIKA_FINGERPRINT_BYTES];
    for (int i = 0; i < 32; i++) raw[i] = (uint8_t)i;
    unika_key *key = NULL;
    unika_recipe *recipe = NULL;
    if (unika_key_from_bytes(&key, raw, NULL) < 0 ||
        unika_recipe_parse(&recipe, argv[2], strlen(argv[2]), NULL) < 0) {
        fprintf(stderr, "bench_batch: bad recipe %s\n", argv[2]);
        return 1;
    }
    (void)unika_key_fingerprint(fp, key);
    (void)unika_recipe_fingerprint(rfp, recipe);
    uint8_t *dst = malloc(batch * UNIKA_PSEUDONYM_BYTES);
    int *status = malloc(batch * sizeof *status);
    unika_sketch *s = NULL;
    size_t failed = 0;
    double t = now();
    for (int r = 0; r < reps; r++) {
        unika_sketch_free(s);
        s = NULL;
        if (unika_sketch_new(&s, 12, fp, rfp, NULL) < 0) return 1;
        failed = 0;
        for (size_t at = 0; at < n; at += batch) {
            size_t m = n - at < batch ? n - at : batch, bad = 0;
            (void)unika_pseudonym_batch(dst, status, &bad, key, recipe, recs + at, m, NULL);
            failed += bad;
            size_t good = m;
            if (bad) { /* as on_error="skip": add the records that succeeded */
                good = 0;
                for (size_t i = 0; i < m; i++)
                    if (status[i] == 0)
                        memmove(dst + good++ * UNIKA_PSEUDONYM_BYTES,
                                dst + i * UNIKA_PSEUDONYM_BYTES, UNIKA_PSEUDONYM_BYTES);
            }
            if (unika_sketch_add_batch(s, key, dst, good, NULL) < 0) return 1;
        }
    }
    double seconds = now() - t;
    size_t bytes = 0;
    if (unika_sketch_serialized_size(&bytes, s) < 0) return 1;
    uint8_t *file = malloc(bytes), digest[32];
    if (!file || unika_sketch_serialize(file, bytes, &bytes, s, NULL) < 0) return 1;
    crypto_generichash(digest, sizeof digest, file, bytes, NULL, 0);
    printf("records %zu failed %zu batch %zu reps %d seconds %.6f records_per_second %.0f "
           "sketch_blake2b ",
           n, failed, batch, reps, seconds, (double)n * reps / seconds);
    for (size_t i = 0; i < sizeof digest; i++) printf("%02x", digest[i]);
    printf("\n");
    free(file);
    free(dst);
    free(status);
    free(recs);
    free(text);
    unika_sketch_free(s);
    unika_recipe_free(recipe);
    unika_key_free(key);
    return 0;
}
