/*
 * bench_matchkey.c - match keys derived per second on one core.
 *
 *   bench_matchkey [reps] [csv]
 *
 * Realistic records: the name, birth date, gender, country and dossier
 * columns of Röda Korset's visit log (default examples/iop-visits/
 * rodakorset.csv, 7,018 visits). Prints, per record: the keyed BLAKE2b-128
 * of one value alone (the floor of one key), the keys of already-normalised
 * values (unika_matchkeys_derive; then with a memo of the values people
 * share, a new one for each pass over the file), normalisation alone,
 * normalisation and keys from raw cells, and that plus adding the row to a
 * match-key writer (profile and visit tables), with the mean number of
 * keys per record.
 * CPU time of this thread, so other jobs on a shared machine do not count.
 * No timing is asserted anywhere; these are figures to read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unika.h"

#define DEFAULT_CSV UNIKA_SOURCE_DIR "/examples/iop-visits/rodakorset.csv"
#define MAX_RECORDS 100000

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct norm {
    char name[UNIKA_NAME_MAX_BYTES], country[UNIKA_NAME_MAX_BYTES];
    char dossier[UNIKA_DOSSIER_BYTES];
    unika_matchkey_input in;
} norm;

static void report(const char *what, double seconds, size_t ops)
{
    double ns = 1e9 * seconds / (double)ops;
    printf("%-52s %8.1f ns/record  %9.0f records/s\n", what, ns, 1e9 / ns);
}

/* Columns of rodakorset.csv: visit_date, full_name, birth_date, sex, origin,
 * migration_board_id, swedish_id. */
/* A record's first six cells, copied out of the CSV reader. */
typedef struct raw {
    char *cell[6];
    size_t size[6];
} raw;

static int copy_cells(raw *r, const unika_csv *csv)
{
    for (size_t i = 0; i < 6; i++) {
        const char *v = unika_csv_field(csv, i, &r->size[i]);
        if (!(r->cell[i] = malloc(r->size[i] + 1))) return -1;
        memcpy(r->cell[i], v, r->size[i] + 1);
    }
    return 0;
}

static int normalise(norm *n, const raw *r)
{
    const char *const *cell = (const char *const *)r->cell;
    const size_t *size = r->size;
    memset(&n->in, 0, sizeof n->in);
    size_t len;
    if (unika_normalize_name(n->name, sizeof n->name, &len, cell[1], size[1], NULL) < 0)
        return -1;
    n->in.name = n->name;
    n->in.name_size = len;
    if (size[2] && unika_date_parse(&n->in.birth, cell[2], size[2], NULL, NULL) < 0) return -1;
    if (unika_gender_parse(&n->in.gender, cell[3], size[3], NULL) < 0) return -1;
    if (size[4] &&
        unika_normalize_name(n->country, sizeof n->country, &len, cell[4], size[4], NULL) == 0)
        n->in.country = n->country, n->in.country_size = len;
    if (size[5] && unika_dossier_normalize(n->dossier, cell[5], size[5], NULL) == 0)
        n->in.dossier = n->dossier;
    return 0;
}

int main(int argc, char **argv)
{
    if (unika_init() < 0) return 1;
    int reps = argc > 1 ? atoi(argv[1]) : 50;
    if (reps < 1) reps = 1;
    const char *path = argc > 2 ? argv[2] : DEFAULT_CSV;
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return 1;
    }
    static raw rows[MAX_RECORDS];
    static norm norms[MAX_RECORDS];
    size_t n = 0;
    unika_csv_options opt;
    unika_csv_options_init(&opt);
    unika_csv *csv = NULL;
    if (unika_csv_new_file(&csv, f, &opt, NULL) < 0) return 1;
    int rc = unika_csv_next(csv, NULL); /* the header */
    while (rc == 1 && n < MAX_RECORDS && (rc = unika_csv_next(csv, NULL)) == 1)
        if (unika_csv_field_count(csv) >= 7 && copy_cells(&rows[n], csv) == 0) {
            if (normalise(&norms[n], &rows[n]) == 0) n++;
            else
                for (size_t c = 0; c < 6; c++) free(rows[n].cell[c]);
        }
    unika_csv_free(csv);
    fclose(f);
    if (!n) return 1;

    uint8_t kb[32] = {7};
    unika_key *key = NULL;
    if (unika_key_from_bytes(&key, kb, NULL) < 0) return 1;
    static unika_matchkeys mk;
    unsigned long long keys = 0;
    uint8_t out[16];
    volatile uint8_t sink = 0;

    printf("%zu records of %s, %d repetitions, one core (CPU time)\n", n, path, reps);
    double t = now();
    for (int r = 0; r < reps; r++)
        for (size_t i = 0; i < n; i++) {
            if (unika_matchkey_hash(out, key, UNIKA_MK_TOKEN, "mhmd", 4, NULL) < 0) return 1;
            sink ^= out[0];
        }
    report("one keyed BLAKE2b-128 (one key, the floor)", now() - t, (size_t)reps * n);

    t = now();
    for (int r = 0; r < reps; r++)
        for (size_t i = 0; i < n; i++) {
            if (unika_matchkeys_derive(&mk, key, &norms[i].in, NULL) < 0) return 1;
            keys += mk.count;
        }
    report("match keys of normalised values", now() - t, (size_t)reps * n);
    double per = (double)keys / ((double)reps * (double)n);

    /* A new memo each repetition: its first records fill it, as a partner's file does. */
    t = now();
    for (int r = 0; r < reps; r++) {
        unika_matchkey_memo *memo = unika_matchkey_memo_new();
        if (!memo) return 1;
        for (size_t i = 0; i < n; i++)
            if (unika_matchkeys_derive_memo(&mk, key, &norms[i].in, memo, NULL) < 0) return 1;
        unika_matchkey_memo_free(memo);
    }
    report("match keys of normalised values, with a memo", now() - t, (size_t)reps * n);

    static norm scratch;
    t = now();
    for (int r = 0; r < reps; r++)
        for (size_t i = 0; i < n; i++) {
            if (normalise(&scratch, &rows[i]) < 0) return 1;
            sink ^= (uint8_t)scratch.name[0];
        }
    report("normalisation alone (name, date, gender, country, id)", now() - t, (size_t)reps * n);

    t = now();
    for (int r = 0; r < reps; r++)
        for (size_t i = 0; i < n; i++)
            if (normalise(&scratch, &rows[i]) < 0 ||
                unika_matchkeys_derive(&mk, key, &scratch.in, NULL) < 0)
                return 1;
    report("raw cells -> match keys", now() - t, (size_t)reps * n);

    unika_mkfile_options o;
    memset(&o, 0, sizeof o);
    o.org = "rodakorset";
    o.period = UNIKA_MK_PERIOD_HALF_YEAR;
    o.by_count = 1;
    o.by[0] = "gender";
    unika_mkwriter *w = NULL;
    if (unika_mkwriter_new(&w, unika_key_fingerprint_ptr(key), &o, NULL) < 0) return 1;
    t = now();
    for (int r = 0; r < reps; r++)
        for (size_t i = 0; i < n; i++) {
            unika_mkvisit v = {2018 + r % 5, 1 + (int)(i % 12), {"M"}, 1};
            if (normalise(&scratch, &rows[i]) < 0 ||
                unika_matchkeys_derive(&mk, key, &scratch.in, NULL) < 0 ||
                unika_mkwriter_add(w, &mk, &v, NULL) < 0)
                return 1;
        }
    report("raw cells -> match keys -> writer (profiles)", now() - t, (size_t)reps * n);
    size_t size = 0;
    t = now();
    if (unika_mkwriter_serialize(NULL, 0, &size, w, NULL) < 0) return 1;
    uint8_t *buf = malloc(size);
    if (!buf || unika_mkwriter_serialize(buf, size, &size, w, NULL) < 0) return 1;
    double ser = now() - t;
    printf("%.1f keys per record; %llu profiles; file %zu bytes, serialised in %.1f ms\n", per,
           (unsigned long long)unika_mkwriter_profile_count(w), size, 1e3 * ser);
    free(buf);
    unika_mkwriter_free(w);
    unika_key_free(key);
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < 6; c++) free(rows[i].cell[c]);
    return sink == 255 ? 2 : 0;
}
