/*
 * gen_golden_matchkeys.c - makes the golden match-key files in
 * tests/golden/good/ (match-key file layout 2, docs/matchkeys.md).
 *
 *     gen_golden_matchkeys --write DIR   writes every file into DIR/good
 *     gen_golden_matchkeys --check DIR   regenerates in memory and compares
 *
 * The files are written through the public API from the fixed inputs
 * below under the key 00 01 .. 1f; mk_small.umk is the worked example of
 * docs/matchkeys.md. They also seed the fuzz corpus
 * (tests/fuzz/corpus/matchkey_parse/).
 *
 * THE INPUTS BELOW MUST NOT CHANGE: the files are known answers for every
 * implementation of the format.
 *
 * tests/golden/v1/ keeps the same four files in layout 1 (before token
 * indexes), made from the same inputs: --check also proves that a reader
 * refuses each of them by version (UNIKA_EVERSION, field "version").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unika.h"

typedef struct rec {
    const char *name, *pnr, *dossier, *country;
    unika_date birth;
    unika_gender gender;
    int year, month;
    const char *by[2];
} rec;

/* ---- fixed inputs: must not change -------------------------------------------- */

/* mk_small: one person (a dossier number, a 1 January birth date), three
 * visits in two months, by gender. */
static const rec SMALL[] = {
    {NULL, NULL, "58789885", NULL, {2005, 1, 1}, UNIKA_GENDER_MALE, 2017, 9, {"M", NULL}},
    {NULL, NULL, "58789885", NULL, {2005, 1, 1}, UNIKA_GENDER_MALE, 2017, 9, {"M", NULL}},
    {NULL, NULL, "58789885", NULL, {2005, 1, 1}, UNIKA_GENDER_MALE, 2017, 10, {"M", NULL}},
};

/* mk_partner: a few people as a partner records them, by gender and age group. */
static const rec PARTNER[] = {
    {"amiri hosein", NULL, "58789885", "afghanistan", {2005, 1, 1}, UNIKA_GENDER_MALE, 2017, 9,
     {"M", "0-17"}},
    {"haidari nasir", NULL, NULL, "marocko", {1997, 1, 1}, UNIKA_GENDER_MALE, 2017, 9,
     {"M", "18-20"}},
    {"ahmadi zahra", "200107122384", NULL, "afghanistan", {2001, 7, 12}, UNIKA_GENDER_FEMALE,
     2018, 3, {"F", "0-17"}},
    {"ahmadi zahra", "200107122384", NULL, "afghanistan", {2001, 7, 12}, UNIKA_GENDER_FEMALE,
     2019, 8, {"F", "18-20"}},
    {"jama cumar xasan", NULL, "31669482", "somalia", {2002, 0, 0}, UNIKA_GENDER_MALE, 2018, 1,
     {"M", "0-17"}},
    {"tesfay semere", NULL, NULL, NULL, {2000, 11, 3}, UNIKA_GENDER_UNKNOWN, 2020, 2,
     {"X", "18-20"}},
};

/* mk_undated: a partner without visit dates (--period all), no --by. */
static const rec UNDATED[] = {
    {"sultani sakina", NULL, NULL, NULL, {2000, 0, 0}, UNIKA_GENDER_FEMALE, 0, 0, {NULL, NULL}},
    {"mohammadi ibrahim anas", NULL, NULL, NULL, {1997, 0, 0}, UNIKA_GENDER_MALE, 0, 0,
     {NULL, NULL}},
};

/* ---- making them ------------------------------------------------------------ */

static void die(const char *what, const unika_error *e)
{
    fprintf(stderr, "gen_golden_matchkeys: %s: %s\n", what, e ? e->message : "");
    exit(2);
}

static uint8_t *make(const rec *rows, size_t n, unika_mk_period period, size_t by_count,
                     size_t *size)
{
    uint8_t kb[32];
    for (int i = 0; i < 32; i++) kb[i] = (uint8_t)i;
    unika_key *key = NULL;
    unika_error e = {0};
    if (unika_key_from_bytes(&key, kb, &e) < 0) die("key", &e);
    unika_mkfile_options o;
    memset(&o, 0, sizeof o);
    o.org = "rodakorset";
    o.period = period;
    o.by_count = by_count;
    o.by[0] = "gender";
    o.by[1] = "age_group";
    if (by_count == 2) o.age_bands = "0-17,18-20,21-24,25-";
    unika_mkwriter *w = NULL;
    if (unika_mkwriter_new(&w, unika_key_fingerprint_ptr(key), &o, &e) < 0) die("writer", &e);
    static unika_matchkeys mk;
    for (size_t i = 0; i < n; i++) {
        unika_matchkey_input in;
        memset(&in, 0, sizeof in);
        in.name = rows[i].name;
        in.name_size = in.name ? strlen(in.name) : 0;
        in.personnummer = rows[i].pnr;
        in.dossier = rows[i].dossier;
        in.country = rows[i].country;
        in.country_size = in.country ? strlen(in.country) : 0;
        in.birth = rows[i].birth;
        in.gender = rows[i].gender;
        if (unika_matchkeys_derive(&mk, key, &in, &e) < 0) die("derive", &e);
        unika_mkvisit v = {rows[i].year, rows[i].month, {rows[i].by[0], rows[i].by[1]}, 1};
        if (unika_mkwriter_add(w, &mk, &v, &e) < 0) die("add", &e);
    }
    if (unika_mkwriter_serialize(NULL, 0, size, w, &e) < 0) die("size", &e);
    uint8_t *buf = malloc(*size);
    if (!buf || unika_mkwriter_serialize(buf, *size, size, w, &e) < 0) die("serialize", &e);
    unika_mkwriter_free(w);
    unika_key_free(key);
    return buf;
}

static int handle(const char *dir, const char *name, uint8_t *buf, size_t size, int write)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/good/%s", dir, name);
    int bad = 0;
    if (write) {
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(buf, 1, size, f) != size || fclose(f) != 0) die(path, NULL);
    } else {
        FILE *f = fopen(path, "rb");
        uint8_t *old = malloc(size + 1);
        size_t n = f && old ? fread(old, 1, size + 1, f) : 0;
        if (f) fclose(f);
        bad = n != size || memcmp(old, buf, size) != 0;
        if (bad) fprintf(stderr, "gen_golden_matchkeys: %s differs from what is made now\n", path);
        free(old);
    }
    free(buf);
    return bad;
}

/* A layout-1 file of tests/golden/v1/ is refused by its version. */
static int refused_v1(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/v1/%s", dir, name);
    unika_mkreader *r = NULL;
    unika_error e = {0};
    int rc = unika_mkreader_open(&r, path, &e);
    unika_mkreader_free(r);
    if (rc == UNIKA_EVERSION && !strcmp(e.field, "version")) return 0;
    fprintf(stderr, "gen_golden_matchkeys: %s: expected UNIKA_EVERSION (version), got %d: %s\n",
            path, rc, e.message);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "--write") && strcmp(argv[1], "--check"))) {
        fprintf(stderr, "usage: gen_golden_matchkeys --write|--check DIR\n");
        return 2;
    }
    if (unika_init() < 0) die("unika_init", NULL);
    int write = !strcmp(argv[1], "--write"), bad = 0;
    size_t n;
    uint8_t *b = make(SMALL, 3, UNIKA_MK_PERIOD_HALF_YEAR, 1, &n);
    bad |= handle(argv[2], "mk_small.umk", b, n, write);
    b = make(PARTNER, 6, UNIKA_MK_PERIOD_HALF_YEAR, 2, &n);
    bad |= handle(argv[2], "mk_partner.umk", b, n, write);
    b = make(UNDATED, 2, UNIKA_MK_PERIOD_ALL, 0, &n);
    bad |= handle(argv[2], "mk_undated.umk", b, n, write);
    b = make(NULL, 0, UNIKA_MK_PERIOD_YEAR, 0, &n);
    bad |= handle(argv[2], "mk_empty.umk", b, n, write);
    static const char *const v1[] = {"mk_small.umk", "mk_partner.umk", "mk_undated.umk",
                                     "mk_empty.umk"};
    for (size_t i = 0; !write && i < sizeof v1 / sizeof *v1; i++) bad |= refused_v1(argv[2], v1[i]);
    return bad;
}
