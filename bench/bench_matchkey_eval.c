/*
 * bench_matchkey_eval.c - what each match-key type is worth, measured on
 * generator data with its truth (../shared/data, --truth-ids).
 *
 *   bench_matchkey_eval DATA_DIR [PROFILES_DIR]
 *
 * Reads the four partners' CSVs of DATA_DIR through their profiles
 * (default examples/profiles/) and DATA_DIR/truth/<partner>.txt (the true
 * person of every row), derives every row's match keys as `unika
 * matchkeys` does (a value that cannot be read is left out), and keeps the
 * distinct records: (person, keys). Then, per type:
 *
 *   records      distinct records having the type
 *   values       distinct values of the type
 *   shared       share of (record, value) that another person also holds
 *   others       mean number of other persons holding a record's value:
 *                the false-match risk of linking on the type alone
 *   agree        of the pairs of one person's records that both have the
 *                type, the share that share a value: how often the type
 *                finds the person (for the year, also within a shift of
 *                one or two in either direction)
 *
 * and the same for two combined keys a resolver may use (name + year +
 * gender, name + year + month-day + gender). No timing; figures to read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unika.h"

#define BIT(c) UNIKA_COLUMN_BIT(UNIKA_COLUMN_##c)
#define COMBO_NYG (UNIKA_MK_TYPE_MAX + 1)
#define COMBO_NYMG (UNIKA_MK_TYPE_MAX + 2)
#define NTYPES (UNIKA_MK_TYPE_MAX + 3)

static const char *const PARTNERS[] = {"stadsmissionen", "raddabarnen", "rodakorset", "uppsok"};

typedef struct rec {
    long person;
    unika_gender gender;
    unsigned flags;
    size_t n;
    unika_matchkey *k; /* sorted (type, value), with the two combos */
} rec;

static rec *recs;
static size_t nrecs, caprecs;

static void die(const char *what)
{
    fprintf(stderr, "bench_matchkey_eval: %s\n", what);
    exit(1);
}

/* A combination of keyed atoms: a local hash of their bytes (never keyed:
 * it only groups the record's own keyed values). */
static int combo(unika_matchkey *out, unsigned type, const unika_matchkeys *mk, unsigned gender,
                 const unsigned *types, size_t nt)
{
    uint64_t h[2] = {0xcbf29ce484222325ULL ^ gender, 0x84222325cbf29ce4ULL};
    for (size_t t = 0; t < nt; t++) {
        size_t i = 0;
        while (i < mk->count && mk->keys[i].type != types[t]) i++;
        if (i == mk->count) return 0;
        for (int b = 0; b < UNIKA_MATCHKEY_BYTES; b++) {
            h[0] = (h[0] ^ mk->keys[i].value[b]) * 0x100000001b3ULL;
            h[1] = (h[1] ^ mk->keys[i].value[b]) * 0x9e3779b97f4a7c15ULL + (uint64_t)(unsigned)b;
        }
    }
    out->type = (uint8_t)type;
    memcpy(out->value, h, sizeof h);
    return 1;
}

static int key_cmp(const void *a, const void *b)
{
    const unika_matchkey *x = a, *y = b;
    if (x->type != y->type) return x->type < y->type ? -1 : 1;
    return memcmp(x->value, y->value, UNIKA_MATCHKEY_BYTES);
}

static void add_record(long person, const unika_matchkeys *mk)
{
    if (nrecs == caprecs) {
        caprecs = caprecs ? 2 * caprecs : 4096;
        recs = realloc(recs, caprecs * sizeof *recs);
        if (!recs) die("out of memory");
    }
    rec *r = &recs[nrecs++];
    r->person = person;
    r->gender = mk->gender;
    r->flags = mk->flags;
    r->k = malloc((mk->count + 2) * sizeof *r->k);
    if (!r->k) die("out of memory");
    memcpy(r->k, mk->keys, mk->count * sizeof *r->k);
    r->n = mk->count;
    static const unsigned nyg[] = {UNIKA_MK_NAME, UNIKA_MK_BIRTH_YEAR};
    static const unsigned nymg[] = {UNIKA_MK_NAME, UNIKA_MK_BIRTH_YEAR, UNIKA_MK_BIRTH_MONTH_DAY};
    unsigned g = (unsigned)unika_gender_fold(mk->gender);
    r->n += (size_t)combo(&r->k[r->n], COMBO_NYG, mk, g, nyg, 2);
    r->n += (size_t)combo(&r->k[r->n], COMBO_NYMG, mk, g, nymg, 3);
    qsort(r->k, r->n, sizeof *r->k, key_cmp);
}

/* One partner's rows: keys per row, distinct (person, keys) kept. */
static void read_partner(const char *dir, const char *profiles, const char *partner,
                         const unika_key *key)
{
    char path[2048], tpath[2048];
    snprintf(path, sizeof path, "%s/%s.profile", profiles, partner);
    unika_profile *p = NULL;
    unika_error e = {0};
    if (unika_profile_load(&p, path, &e) < 0) die(e.message);
    snprintf(path, sizeof path, "%s/%s.csv", dir, partner);
    snprintf(tpath, sizeof tpath, "%s/truth/%s.txt", dir, partner);
    FILE *f = fopen(path, "rb"), *t = fopen(tpath, "r");
    if (!f || !t) die("cannot open a CSV or its truth file (generate with --truth-ids)");
    unika_csv_options o;
    unika_csv_options_init(&o);
    o.delimiter = unika_profile_delimiter(p);
    o.encoding = unika_profile_encoding(p);
    unika_csv *csv = NULL;
    if (unika_csv_new_fd(&csv, fileno(f), &o, &e) < 0 || unika_csv_next(csv, &e) != 1 ||
        unika_profile_bind(p, csv, &e) < 0)
        die(e.message);
    unsigned need = unika_profile_provides(p) & (UNIKA_MATCHKEY_COLUMNS | BIT(DATE));
    static unika_values v;
    static unika_matchkeys mk;
    long person;
    while (unika_csv_next(csv, &e) == 1) {
        if (fscanf(t, "%ld", &person) != 1) die("truth file shorter than the CSV");
        unsigned skip = 0;
        for (unsigned c = 0; c < UNIKA_COLUMN_COUNT; c++) /* read value by value */
            if ((need & (1u << c)) &&
                unika_profile_read(&v, p, csv, 1u << c, &e) < 0)
                skip |= 1u << c;
        unika_column failed;
        int rc;
        while ((rc = unika_matchkeys_from_values(&mk, key, &v, skip, &failed, &e)) < 0 &&
               rc != UNIKA_EFIELD && !(skip & UNIKA_COLUMN_BIT(failed)))
            skip |= UNIKA_COLUMN_BIT(failed);
        if (rc == 0) add_record(person, &mk);
    }
    unika_csv_free(csv);
    unika_profile_free(p);
    fclose(f);
    fclose(t);
}

/* ---- distinct records ------------------------------------------------------------ */

static int rec_cmp(const void *a, const void *b)
{
    const rec *x = a, *y = b;
    if (x->person != y->person) return x->person < y->person ? -1 : 1;
    if (x->gender != y->gender) return x->gender < y->gender ? -1 : 1;
    if (x->flags != y->flags) return x->flags < y->flags ? -1 : 1;
    if (x->n != y->n) return x->n < y->n ? -1 : 1;
    return memcmp(x->k, y->k, x->n * sizeof *x->k);
}

static void distinct(void)
{
    qsort(recs, nrecs, sizeof *recs, rec_cmp);
    size_t w = 0;
    for (size_t i = 0; i < nrecs; i++) {
        if (w && rec_cmp(&recs[w - 1], &recs[i]) == 0) {
            free(recs[i].k);
            continue;
        }
        recs[w++] = recs[i];
    }
    nrecs = w;
}

/* ---- false-match risk: persons per value ------------------------------------------ */

typedef struct inc {
    unika_matchkey k;
    long person;
} inc;

static int inc_cmp(const void *a, const void *b)
{
    const inc *x = a, *y = b;
    int c = key_cmp(&x->k, &y->k);
    return c ? c : (x->person > y->person) - (x->person < y->person);
}

typedef struct stat {
    double records, values, incidences, shared, others;
    double pairs, agree, agree_shift;
} stat;

static void risk(stat *st)
{
    size_t n = 0, cap = 0;
    inc *all = NULL;
    for (size_t r = 0; r < nrecs; r++) {
        unsigned seen = 0;
        for (size_t i = 0; i < recs[r].n; i++) {
            if (n == cap) {
                cap = cap ? 2 * cap : 65536;
                all = realloc(all, cap * sizeof *all);
                if (!all) die("out of memory");
            }
            all[n].k = recs[r].k[i];
            all[n++].person = recs[r].person;
            if (!(seen & (1u << recs[r].k[i].type))) st[recs[r].k[i].type].records++;
            seen |= 1u << recs[r].k[i].type;
        }
    }
    if (!all) return;
    qsort(all, n, sizeof *all, inc_cmp);
    for (size_t i = 0; i < n;) { /* one value: its distinct persons */
        size_t j = i, persons = 0;
        while (j < n && key_cmp(&all[j].k, &all[i].k) == 0) {
            if (j == i || all[j].person != all[j - 1].person) persons++;
            j++;
        }
        stat *s = &st[all[i].k.type];
        s->values++;
        s->incidences += (double)persons;
        if (persons > 1) s->shared += (double)persons;
        s->others += (double)persons * (double)(persons - 1);
        i = j;
    }
    free(all);
}

/* ---- agreement: how often a type finds the same person --------------------------- */

static int shares(const rec *a, const rec *b, unsigned ta, unsigned tb)
{
    for (size_t i = 0; i < a->n; i++) {
        if (a->k[i].type != ta) continue;
        for (size_t j = 0; j < b->n; j++)
            if (b->k[j].type == tb && !memcmp(a->k[i].value, b->k[j].value, UNIKA_MATCHKEY_BYTES))
                return 1;
    }
    return 0;
}

static int has(const rec *a, unsigned t)
{
    for (size_t i = 0; i < a->n; i++)
        if (a->k[i].type == t) return 1;
    return 0;
}

static void agreement(stat *st)
{
    for (size_t i = 0; i < nrecs;) {
        size_t j = i;
        while (j < nrecs && recs[j].person == recs[i].person) j++;
        for (size_t a = i; a < j; a++)
            for (size_t b = a + 1; b < j; b++)
                for (unsigned t = 1; t < NTYPES; t++) {
                    if (!has(&recs[a], t) || !has(&recs[b], t)) continue;
                    st[t].pairs++;
                    st[t].agree += shares(&recs[a], &recs[b], t, t);
                    if (t == UNIKA_MK_BIRTH_YEAR)
                        st[t].agree_shift +=
                            shares(&recs[a], &recs[b], t, t) ||
                            shares(&recs[a], &recs[b], t, UNIKA_MK_BIRTH_YEAR_SHIFTED_1) ||
                            shares(&recs[a], &recs[b], t, UNIKA_MK_BIRTH_YEAR_SHIFTED_2) ||
                            shares(&recs[b], &recs[a], t, UNIKA_MK_BIRTH_YEAR_SHIFTED_1) ||
                            shares(&recs[b], &recs[a], t, UNIKA_MK_BIRTH_YEAR_SHIFTED_2);
                    if (t == UNIKA_MK_BIRTH_MONTH_DAY)
                        st[t].agree_shift +=
                            shares(&recs[a], &recs[b], t, t) ||
                            shares(&recs[a], &recs[b], t, UNIKA_MK_BIRTH_MONTH_DAY_SWAPPED);
                    if (t == UNIKA_MK_TOKEN)
                        st[t].agree_shift += shares(&recs[a], &recs[b], t, t) ||
                                             shares(&recs[a], &recs[b], t, UNIKA_MK_TOKEN_DELETE) ||
                                             shares(&recs[b], &recs[a], t, UNIKA_MK_TOKEN_DELETE) ||
                                             shares(&recs[a], &recs[b], UNIKA_MK_TOKEN_DELETE,
                                                    UNIKA_MK_TOKEN_DELETE);
                }
        i = j;
    }
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) die("usage: bench_matchkey_eval DATA_DIR [PROFILES_DIR]");
    if (unika_init() < 0) die("unika_init");
    const char *profiles = argc == 3 ? argv[2] : UNIKA_SOURCE_DIR "/examples/profiles";
    uint8_t kb[32] = {42};
    unika_key *key = NULL;
    if (unika_key_from_bytes(&key, kb, NULL) < 0) die("key");
    for (size_t p = 0; p < 4; p++) read_partner(argv[1], profiles, PARTNERS[p], key);
    size_t rows = nrecs;
    distinct();
    long persons = 0;
    for (size_t i = 0; i < nrecs; i++) persons += i == 0 || recs[i].person != recs[i - 1].person;
    static stat st[NTYPES];
    risk(st);
    agreement(st);
    printf("%s: %zu rows, %zu distinct records of %ld persons\n", argv[1], rows, nrecs, persons);
    printf("%-26s %8s %8s %7s %8s %7s %10s\n", "type", "records", "values", "shared", "others",
           "agree", "agree+");
    for (unsigned t = 1; t < NTYPES; t++) {
        const stat *s = &st[t];
        const char *name = t == COMBO_NYG    ? "name+year+gender"
                         : t == COMBO_NYMG ? "name+year+month_day+gender"
                                           : unika_matchkey_type_name(t);
        printf("%-26s %8.0f %8.0f %6.1f%% %8.3f ", name, s->records, s->values,
               s->incidences > 0 ? 100 * s->shared / s->incidences : 0,
               s->incidences > 0 ? s->others / s->incidences : 0);
        if (s->pairs > 0) printf("%6.1f%%", 100 * s->agree / s->pairs);
        else printf("%7s", "-");
        if (s->agree_shift > 0) printf(" %9.1f%%", 100 * s->agree_shift / s->pairs);
        printf("\n");
    }
    for (size_t i = 0; i < nrecs; i++) free(recs[i].k);
    free(recs);
    unika_key_free(key);
    return 0;
}
