/*
 * test_pseudonym.c - pseudonyms: the encoding, domain separation, records,
 * batches, and the checked-in known-answer vectors.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "testutil.h"
#include "unika.h"
#include "unika/name_loose.h"
#include "unika/pseudonym.h"

static const uint8_t kat_key[32] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
    0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15,
    0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f};

static unika_key *key;

static void setup(void)
{
    ck_assert_int_eq(unika_key_from_bytes(&key, kat_key, NULL), 0);
}

static void teardown(void)
{
    unika_key_free(key);
    key = NULL;
}

static unika_recipe *recipe(const char *text)
{
    unika_recipe *r = NULL;
    unika_error e = {0};
    ck_assert_msg(unika_recipe_parse(&r, text, SIZE_MAX, &e) == 0, "%s: %s", text, e.message);
    return r;
}

/* pseudonym of NUL-terminated, already normalised values */
static void of_fields(uint8_t out[32], const unika_key *k, const unika_recipe *r,
                      const char *const *values, size_t n)
{
    size_t sizes[UNIKA_RECIPE_MAX_FIELDS];
    for (size_t i = 0; i < n; i++) sizes[i] = strlen(values[i]);
    unika_error e = {0};
    ck_assert_msg(unika_pseudonym_from_fields(out, k, r, values, sizes, n, &e) == 0, "%s",
                  e.message);
}

static void set(unika_record *rec, unika_column f, const char *s)
{
    ck_assert_int_eq(unika_record_set(rec, f, s, strlen(s)), 0);
}

START_TEST(sizes_match_macros)
{
    ck_assert_uint_eq(unika_pseudonym_bytes(), UNIKA_PSEUDONYM_BYTES);
    ck_assert_uint_eq(unika_pseudonym_hex_bytes(), UNIKA_PSEUDONYM_HEX_BYTES);
    ck_assert_uint_eq(unika_record_column_count(), UNIKA_COLUMN_COUNT);
    unika_record rec = {0};
    ck_assert_int_eq(unika_record_set(&rec, UNIKA_COLUMN_COUNT, "x", 1), UNIKA_EINVAL);
    ck_assert_int_eq(unika_record_set(NULL, UNIKA_COLUMN_NAME, "x", 1), UNIKA_EINVAL);
}
END_TEST

/* The encoding of docs/pseudonyms.md, built here by hand from the spec,
 * hashed with libsodium directly: the library must agree byte for byte. */
START_TEST(encoding_follows_the_spec)
{
    unika_recipe *r = recipe("strict");
    const char *v[] = {"amiri hosein", "2005", "M"};
    uint8_t got[32];
    of_fields(got, key, r, v, 3);

    uint8_t enc[128];
    size_t n = 0;
    memcpy(enc, "unika-pseudonym", 15);
    n = 15;
    enc[n++] = 1;
    memcpy(enc + n, unika_recipe_fingerprint_ptr(r), 16);
    n += 16;
    enc[n++] = 3;
    const uint8_t ids[] = {1, 4, 6};
    for (int i = 0; i < 3; i++) {
        size_t l = strlen(v[i]);
        enc[n++] = ids[i];
        enc[n++] = (uint8_t)l;
        enc[n++] = 0;
        enc[n++] = 0;
        enc[n++] = 0;
        memcpy(enc + n, v[i], l);
        n += l;
    }
    uint8_t subkey[32], want[32];
    crypto_kdf_derive_from_key(subkey, 32, 1, "unika-v1", kat_key);
    crypto_generichash(want, 32, enc, n, subkey, 32);
    ck_assert_mem_eq(got, want, 32);
    unika_recipe_free(r);
}
END_TEST

START_TEST(hex_round_trip)
{
    uint8_t p[32], back[32];
    for (int i = 0; i < 32; i++) p[i] = (uint8_t)(i * 37 + 5);
    char hex[UNIKA_PSEUDONYM_HEX_BYTES];
    unika_pseudonym_to_hex(hex, p);
    ck_assert_uint_eq(strlen(hex), 64);
    for (int i = 0; i < 64; i++) ck_assert(hex[i] < 'A' || hex[i] > 'Z'); /* lowercase */
    ck_assert_int_eq(unika_pseudonym_from_hex(back, hex, 64, NULL), 0);
    ck_assert_mem_eq(p, back, 32);
    ck_assert_int_eq(unika_pseudonym_from_hex(back, hex, 63, NULL), UNIKA_EINVAL);
    ck_assert_int_eq(unika_pseudonym_from_hex(back, hex, 62, NULL), UNIKA_EINVAL);
    hex[10] = 'z';
    ck_assert_int_eq(unika_pseudonym_from_hex(back, hex, 64, NULL), UNIKA_EINVAL);
    ck_assert_int_eq(unika_pseudonym_from_hex(NULL, hex, 64, NULL), UNIKA_EINVAL);
}
END_TEST

/* The same bytes under different recipes, keys or field splits never give
 * the same pseudonym. */
START_TEST(domains_are_separated)
{
    const char *v[] = {"ali", "2001", "M"};
    static const char *recipes[] = {"strict", "loose", "name+birth_year+country",
                                    "name+birth_month+gender", "birth_year+name+gender"};
    uint8_t p[UNIKA_ARRAY_LEN(recipes)][32];
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(recipes); i++) {
        unika_recipe *r = recipe(recipes[i]);
        of_fields(p[i], key, r, v, 3);
        for (size_t j = 0; j < i; j++) ck_assert_mem_ne(p[i], p[j], 32);
        unika_recipe_free(r);
    }
    /* Field boundaries: ("ab","c") and ("a","bc") differ. */
    unika_recipe *r = recipe("name+country");
    const char *ab_c[] = {"ab", "c"}, *a_bc[] = {"a", "bc"};
    uint8_t x[32], y[32];
    of_fields(x, key, r, ab_c, 2);
    of_fields(y, key, r, a_bc, 2);
    ck_assert_mem_ne(x, y, 32);
    /* Another key. */
    unika_key *other = NULL;
    ck_assert_int_eq(unika_key_generate(&other, NULL), 0);
    of_fields(y, other, r, ab_c, 2);
    ck_assert_mem_ne(x, y, 32);
    /* Same inputs, same pseudonym. */
    of_fields(y, key, r, ab_c, 2);
    ck_assert_mem_eq(x, y, 32);
    unika_key_free(other);
    unika_recipe_free(r);
}
END_TEST

START_TEST(bad_field_values_are_refused)
{
    unika_recipe *r = recipe("strict");
    uint8_t p[32];
    unika_error e = {0};
    const char *v[] = {"ali", "", "M"};
    size_t s[] = {3, 0, 1};
    memset(p, 0xaa, sizeof p);
    ck_assert_int_eq(unika_pseudonym_from_fields(p, key, r, v, s, 3, &e), UNIKA_EEMPTY);
    ck_assert_str_eq(e.field, "birth_year");
    uint8_t zero[32] = {0};
    ck_assert_mem_eq(p, zero, 32);
    s[1] = 4;
    ck_assert_int_eq(unika_pseudonym_from_fields(p, key, r, v, s, 2, &e), UNIKA_ERECIPE);
    char big[UNIKA_PSEUDONYM_VALUE_MAX + 1];
    memset(big, 'a', sizeof big);
    const char *vb[] = {big, "2001", "M"};
    size_t sb[] = {sizeof big, 4, 1};
    ck_assert_int_eq(unika_pseudonym_from_fields(p, key, r, vb, sb, 3, &e), UNIKA_ETOOLONG);
    ck_assert_str_eq(e.field, "name");
    sb[0] = UNIKA_PSEUDONYM_VALUE_MAX; /* the limit itself is fine */
    ck_assert_int_eq(unika_pseudonym_from_fields(p, key, r, vb, sb, 3, &e), 0);
    ck_assert_int_eq(unika_pseudonym_from_fields(p, NULL, r, vb, sb, 3, &e), UNIKA_EINVAL);
    ck_assert_int_eq(unika_pseudonym_from_fields(p, key, NULL, vb, sb, 3, &e), UNIKA_EINVAL);
    ck_assert_int_eq(unika_pseudonym_from_fields(p, key, r, NULL, sb, 3, &e), UNIKA_EINVAL);
    ck_assert_int_eq(unika_pseudonym_from_fields(NULL, key, r, vb, sb, 3, &e), UNIKA_EINVAL);
    const char *vn[] = {"ali", NULL, "M"};
    ck_assert_int_eq(unika_pseudonym_from_fields(p, key, r, vn, s, 3, &e), UNIKA_EINVAL);
    unika_recipe_free(r);
}
END_TEST

/* A raw record normalises to what the normalisers give, field by field. */
START_TEST(record_equals_its_normalised_fields)
{
    unika_recipe *r = recipe("strict");
    uint8_t want[32], got[32];
    const char *v[] = {"amiri hosein", "2005", "M"};
    of_fields(want, key, r, v, 3);

    static const struct {
        const char *name, *given, *surname, *birth_date, *birth_year, *gender, *format;
    } cases[] = {
        {"Hosein Amiri", NULL, NULL, "2005-01-01", NULL, "male", NULL},
        {"AMIRI, Hosein", NULL, NULL, "20050101", NULL, "M", NULL},
        {"  hosein   amiri ", NULL, NULL, "01/01/2005", NULL, "pojke", NULL},
        {NULL, "Hosein", "Amiri", "2005-01-01", NULL, "male", NULL},
        {NULL, "Amiri", "Hosein", NULL, "2005", "m", NULL},
        {"Hosein Amiri", NULL, NULL, "", "2005", "male", NULL},   /* empty date cell */
        {"Hosein Amiri", NULL, NULL, "31.12.2005", NULL, "male", "DD.MM.YYYY"},
        {"Hosein Amiri", NULL, NULL, "2005-06", NULL, "male", NULL},
    };
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(cases); i++) {
        unika_record rec = {0};
        if (cases[i].name) set(&rec, UNIKA_COLUMN_NAME, cases[i].name);
        if (cases[i].given) set(&rec, UNIKA_COLUMN_GIVEN_NAME, cases[i].given);
        if (cases[i].surname) set(&rec, UNIKA_COLUMN_SURNAME, cases[i].surname);
        if (cases[i].birth_date) set(&rec, UNIKA_COLUMN_BIRTH_DATE, cases[i].birth_date);
        if (cases[i].birth_year) set(&rec, UNIKA_COLUMN_BIRTH_YEAR, cases[i].birth_year);
        set(&rec, UNIKA_COLUMN_GENDER, cases[i].gender);
        rec.birth_date_format = cases[i].format;
        unika_error e = {0};
        ck_assert_msg(unika_pseudonym_from_record(got, key, r, &rec, &e) == 0, "case %zu: %s",
                      i, e.message);
        ck_assert_msg(memcmp(got, want, 32) == 0, "case %zu differs", i);
    }
    unika_recipe_free(r);
}
END_TEST

START_TEST(record_fields_of_every_kind)
{
    unika_error e = {0};
    uint8_t want[32], got[32];
    /* Gender: other and unknown are one class; an empty cell is unknown. */
    unika_recipe *g = recipe("name+gender");
    const char *vx[] = {"ali", "X"};
    of_fields(want, key, g, vx, 2);
    static const char *genders[] = {"annat", "", "okänt", "X", "u"};
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(genders); i++) {
        unika_record rec = {0};
        set(&rec, UNIKA_COLUMN_NAME, "Ali");
        set(&rec, UNIKA_COLUMN_GENDER, genders[i]);
        ck_assert_int_eq(unika_pseudonym_from_record(got, key, g, &rec, &e), 0);
        ck_assert_mem_eq(got, want, 32);
    }
    unika_recipe_free(g);

    /* 10-digit personnummer: the century comes from the visit date or reference. */
    unika_recipe *p = recipe("pnr");
    const char *vp[] = {"198112189876"};
    of_fields(want, key, p, vp, 1);
    unika_record rec = {0};
    set(&rec, UNIKA_COLUMN_PERSONNUMMER, "811218-9876");
    set(&rec, UNIKA_COLUMN_DATE, "2017-09-09");
    ck_assert_int_eq(unika_pseudonym_from_record(got, key, p, &rec, &e), 0);
    ck_assert_mem_eq(got, want, 32);
    rec.cell[UNIKA_COLUMN_DATE] = NULL;
    rec.reference = (unika_date){2020, 1, 1};
    ck_assert_int_eq(unika_pseudonym_from_record(got, key, p, &rec, &e), 0);
    ck_assert_mem_eq(got, want, 32);
    set(&rec, UNIKA_COLUMN_PERSONNUMMER, "19811218-9876");
    rec.reference = (unika_date){0, 0, 0};
    ck_assert_int_eq(unika_pseudonym_from_record(got, key, p, &rec, &e), 0);
    ck_assert_mem_eq(got, want, 32);
    unika_recipe_free(p);

    /* Dossier, digits, country, birth month, full birth date. */
    unika_recipe *m = recipe("dossier+digits+country+birth_month+birth_date");
    const char *vm[] = {"58789885", "0012345", "afghanistan", "2005-01", "2005-01-31"};
    of_fields(want, key, m, vm, 5);
    unika_record rm = {0};
    set(&rm, UNIKA_COLUMN_DOSSIER, "58-789885/2");
    set(&rm, UNIKA_COLUMN_DIGITS, "001-23 45");
    set(&rm, UNIKA_COLUMN_COUNTRY, "AFGHANISTAN");
    set(&rm, UNIKA_COLUMN_BIRTH_DATE, "31/01/2005");
    ck_assert_msg(unika_pseudonym_from_record(got, key, m, &rm, &e) == 0, "%s", e.message);
    ck_assert_mem_eq(got, want, 32);
    unika_recipe_free(m);
}
END_TEST

/* Failures name the record column, never the value. */
START_TEST(record_failures_name_the_column)
{
    static const struct {
        const char *recipe;
        unika_column col[3];
        const char *val[3];
        int n;
        int code;
        const char *field;
    } cases[] = {
        {"strict", {UNIKA_COLUMN_NAME, UNIKA_COLUMN_BIRTH_DATE, UNIKA_COLUMN_GENDER},
         {"Zainab Haidari", "2005-02-30", "F"}, 3, UNIKA_EDATE, "birth_date"},
        {"strict", {UNIKA_COLUMN_NAME, UNIKA_COLUMN_BIRTH_DATE, UNIKA_COLUMN_GENDER},
         {"Zainab Haidari", "2005-02-03", "helicopter"}, 3, UNIKA_EGENDER, "gender"},
        {"strict", {UNIKA_COLUMN_NAME, UNIKA_COLUMN_BIRTH_DATE, UNIKA_COLUMN_GENDER},
         {"", "2005-02-03", "F"}, 3, UNIKA_EEMPTY, "name"},
        {"strict", {UNIKA_COLUMN_GIVEN_NAME, UNIKA_COLUMN_SURNAME, UNIKA_COLUMN_GENDER},
         {"Zainab", "Haidari\xff", "F"}, 3, UNIKA_EUTF8, "given_name+surname"},
        {"strict", {UNIKA_COLUMN_NAME, UNIKA_COLUMN_GENDER}, {"Zainab Haidari", "F"}, 2,
         UNIKA_EFIELD, "birth_year"},
        {"strict", {UNIKA_COLUMN_NAME, UNIKA_COLUMN_BIRTH_YEAR}, {"Zainab Haidari", "2005"}, 2,
         UNIKA_EFIELD, "gender"},
        {"strict", {UNIKA_COLUMN_BIRTH_YEAR, UNIKA_COLUMN_GENDER}, {"2005", "F"}, 2,
         UNIKA_EFIELD, "name"},
        {"strict", {UNIKA_COLUMN_NAME, UNIKA_COLUMN_BIRTH_YEAR, UNIKA_COLUMN_GENDER},
         {"Zainab Haidari", "05", "F"}, 3, UNIKA_EDATE, "birth_year"},
        {"pnr", {UNIKA_COLUMN_PERSONNUMMER}, {"19811218-9875"}, 1, UNIKA_ECHECKDIGIT,
         "personnummer"},
        {"pnr", {UNIKA_COLUMN_PERSONNUMMER, UNIKA_COLUMN_DATE}, {"811218-9876", "yesterday"},
         2, UNIKA_EDATE, "visit_date"},
        {"dossier", {UNIKA_COLUMN_DOSSIER}, {"1234-567"}, 1, UNIKA_EDOSSIER, "dossier"},
        {"name+country", {UNIKA_COLUMN_NAME, UNIKA_COLUMN_COUNTRY}, {"Zainab", ""}, 2,
         UNIKA_EEMPTY, "country"},
    };
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(cases); i++) {
        unika_recipe *r = recipe(cases[i].recipe);
        unika_record rec = {0};
        for (int j = 0; j < cases[i].n; j++) set(&rec, cases[i].col[j], cases[i].val[j]);
        uint8_t got[32], zero[32] = {0};
        unika_error e = {0};
        int rc = unika_pseudonym_from_record(got, key, r, &rec, &e);
        ck_assert_msg(rc == cases[i].code, "case %zu: got %s (%s)", i, unika_err_name(rc),
                      e.message);
        ck_assert_msg(strcmp(e.field, cases[i].field) == 0, "case %zu: field %s", i, e.field);
        ck_assert_mem_eq(got, zero, 32);
        for (int j = 0; j < cases[i].n; j++)
            if (strlen(cases[i].val[j]) > 3)
                ck_assert_msg(!strstr(e.message, cases[i].val[j]), "case %zu leaks", i);
        unika_recipe_free(r);
    }
}
END_TEST

START_TEST(batch_equals_single)
{
    unika_recipe *r = recipe("strict");
    static const char *names[] = {"Hosein Amiri", "Nasir Haidari", "Reza Mohammadi",
                                  "Zahra Ahmadi", "Ségolène Öberg", "محمد رضا"};
    static const char *dates[] = {"2005-01-01", "1997-01-01", "2000-02-30",
                                  "2001-07-12", "1999-12-31", "2003-03-03"};
    static const char *genders[] = {"male", "male", "male", "female", "f", "x"};
    enum { N = 6 };
    unika_record recs[N];
    memset(recs, 0, sizeof recs);
    for (int i = 0; i < N; i++) {
        set(&recs[i], UNIKA_COLUMN_NAME, names[i]);
        set(&recs[i], UNIKA_COLUMN_BIRTH_DATE, dates[i]);
        set(&recs[i], UNIKA_COLUMN_GENDER, genders[i]);
    }
    uint8_t out[N * 32];
    memset(out, 0xee, sizeof out);
    int status[N];
    size_t failed = 99;
    unika_error e = {0};
    int rc = unika_pseudonym_batch(out, status, &failed, key, r, recs, N, &e);
    ck_assert_int_eq(rc, UNIKA_EDATE); /* record 2: February 30 */
    ck_assert_uint_eq(failed, 1);
    ck_assert_str_eq(e.field, "birth_date");
    ck_assert_int_eq(strncmp(e.message, "record 2: ", 10), 0);
    uint8_t zero[32] = {0};
    for (int i = 0; i < N; i++) {
        uint8_t one[32];
        int want = unika_pseudonym_from_record(one, key, r, &recs[i], NULL);
        ck_assert_int_eq(status[i], want);
        ck_assert_mem_eq(out + 32 * i, one, 32);
        if (want != 0) ck_assert_mem_eq(out + 32 * i, zero, 32);
        for (int j = 0; j < i; j++)
            if (status[i] == 0 && status[j] == 0) ck_assert_mem_ne(out + 32 * i, out + 32 * j, 32);
    }
    /* All good: 0; NULL status and n_failed are fine; n = 0 does nothing. */
    recs[2] = recs[1];
    ck_assert_int_eq(unika_pseudonym_batch(out, NULL, NULL, key, r, recs, N, NULL), 0);
    ck_assert_int_eq(unika_pseudonym_batch(NULL, NULL, &failed, key, r, NULL, 0, NULL), 0);
    ck_assert_uint_eq(failed, 0);
    ck_assert_int_eq(unika_pseudonym_batch(out, NULL, NULL, NULL, r, recs, N, NULL),
                     UNIKA_EINVAL);
    ck_assert_int_eq(unika_pseudonym_batch(NULL, NULL, NULL, key, r, recs, N, NULL),
                     UNIKA_EINVAL);
    unika_recipe_free(r);
}
END_TEST

/* name_loose from a record is the loose key of the normalised whole name. */
START_TEST(loose_recipe_uses_the_loose_key)
{
    unika_recipe *r = recipe("loose");
    static const char *names[] = {"Mohammad Hosseini", "HUSSEINI, Muhammad", "Zahra Ahmadi",
                                  "Ségolène Öberg"};
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(names); i++) {
        char norm[UNIKA_NAME_MAX_BYTES], loose[UNIKA_NAME_LOOSE_MAX_BYTES];
        size_t nl = 0, ll = 0;
        ck_assert_int_eq(unika_normalize_name(norm, sizeof norm, &nl, names[i],
                                              strlen(names[i]), NULL), 0);
        ck_assert_int_eq(unika_name_loose_key(loose, sizeof loose, &ll, norm, nl, NULL), 0);
        const char *v[] = {loose, "2002", "M"};
        uint8_t want[32], got[32];
        of_fields(want, key, r, v, 3);
        unika_record rec = {0};
        set(&rec, UNIKA_COLUMN_NAME, names[i]);
        set(&rec, UNIKA_COLUMN_BIRTH_YEAR, "2002");
        set(&rec, UNIKA_COLUMN_GENDER, "male");
        unika_error e = {0};
        ck_assert_msg(unika_pseudonym_from_record(got, key, r, &rec, &e) == 0, "%s", e.message);
        ck_assert_mem_eq(got, want, 32);
    }
    /* Failures still name the column. */
    unika_record rec = {0};
    set(&rec, UNIKA_COLUMN_GIVEN_NAME, "\xc3");
    set(&rec, UNIKA_COLUMN_BIRTH_YEAR, "2002");
    set(&rec, UNIKA_COLUMN_GENDER, "male");
    uint8_t got[32];
    unika_error e = {0};
    ck_assert_int_eq(unika_pseudonym_from_record(got, key, r, &rec, &e), UNIKA_EUTF8);
    ck_assert_str_eq(e.field, "given_name");
    unika_recipe_free(r);
}
END_TEST

/* Arbitrary bytes in every cell never crash and always fail cleanly: a code,
 * the column named, a zeroed output. 20,000 records, fixed seed. */
START_TEST(random_cells_fail_cleanly)
{
    static const char alphabet[] = "aZ09 -/,.+:\xff\xc3\xa9\xd8\xb1\x80";
    static const char *recipes[] = {"strict", "dob", "pnr", "dossier",
                                    "name+birth_month+gender+country+digits", "loose"};
    unika_recipe *rs[UNIKA_ARRAY_LEN(recipes)];
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(recipes); i++) rs[i] = recipe(recipes[i]);
    uint64_t seed = 20261123;
    char cells[UNIKA_COLUMN_COUNT][32];
    size_t ok = 0, failed = 0;
    for (int iter = 0; iter < 20000; iter++) {
        unika_record rec = {0};
        for (int f = 0; f < UNIKA_COLUMN_COUNT; f++) {
            uint64_t r = unika_test_splitmix64(&seed);
            if (r % 5 == 0) continue; /* column absent */
            size_t len = (size_t)(r >> 8) % 25;
            for (size_t j = 0; j < len; j++)
                cells[f][j] = alphabet[unika_test_splitmix64(&seed) % (sizeof alphabet - 1)];
            rec.cell[f] = cells[f];
            rec.size[f] = len;
        }
        unika_recipe *r = rs[unika_test_splitmix64(&seed) % UNIKA_ARRAY_LEN(rs)];
        uint8_t got[32], zero[32] = {0};
        unika_error e = {0};
        int rc = unika_pseudonym_from_record(got, key, r, &rec, &e);
        if (rc == 0) {
            ok++;
            continue;
        }
        failed++;
        ck_assert_int_lt(rc, 0);
        ck_assert_int_eq(e.code, rc);
        ck_assert_msg(e.field[0] != '\0', "no field named for %s", unika_err_name(rc));
        ck_assert_mem_eq(got, zero, 32);
    }
    ck_assert_uint_gt(failed, 0);
    /* Sizes that would overflow a sum are refused before any byte is read. */
    unika_record rec = {0};
    rec.cell[UNIKA_COLUMN_GIVEN_NAME] = "a";
    rec.size[UNIKA_COLUMN_GIVEN_NAME] = SIZE_MAX;
    set(&rec, UNIKA_COLUMN_SURNAME, "b");
    set(&rec, UNIKA_COLUMN_BIRTH_YEAR, "2001");
    set(&rec, UNIKA_COLUMN_GENDER, "m");
    uint8_t got[32];
    unika_error e = {0};
    ck_assert_int_eq(unika_pseudonym_from_record(got, key, rs[0], &rec, &e), UNIKA_ETOOLONG);
    ck_assert_str_eq(e.field, "given_name+surname");
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(recipes); i++) unika_recipe_free(rs[i]);
}
END_TEST

/* ---- known-answer vectors (tests/vectors/pseudonyms.txt) ----------------- */

#define VEC_PATH UNIKA_SOURCE_DIR "/tests/vectors/pseudonyms.txt"

/* Splits `line` at tabs in place; returns the number of columns. */
static size_t split_tabs(char *line, char **cols, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        cols[n++] = p;
        char *t = strchr(p, '\t');
        if (!t) break;
        *t = '\0';
        p = t + 1;
    }
    return n;
}

static unika_column column_index(const char *name)
{
    for (int i = 0; i < UNIKA_COLUMN_COUNT; i++)
        if (!strcmp(unika_column_name((unika_column)i), name)) return (unika_column)i;
    ck_abort_msg("unknown column %s in vectors", name);
    return UNIKA_COLUMN_COUNT;
}

START_TEST(known_answer_vectors)
{
    size_t size = 0;
    char *text = (char *)unika_test_read_file(VEC_PATH, &size);
    ck_assert_msg(text != NULL, "cannot read %s", VEC_PATH);
    char *buf = malloc(size + 1);
    memcpy(buf, text, size);
    buf[size] = '\0';
    free(text);

    unika_key *k = NULL;
    size_t checked[5] = {0};
    char *save = NULL;
    for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#' || line[0] == '\0') continue;
        char *c[16];
        size_t nc = split_tabs(line, c, 16);
        uint8_t want[32], got[32];
        char hex[UNIKA_PSEUDONYM_HEX_BYTES];
        if (!strcmp(c[0], "key")) {
            ck_assert_uint_eq(nc, 3);
            uint8_t kb[32];
            ck_assert_int_eq(unika_test_hex_decode(kb, 32, c[1]), 32);
            unika_key_free(k);
            ck_assert_int_eq(unika_key_from_bytes(&k, kb, NULL), 0);
            char fp[UNIKA_FINGERPRINT_HEX_BYTES];
            unika_fingerprint_to_hex(fp, unika_key_fingerprint_ptr(k));
            ck_assert_str_eq(fp, c[2]);
            checked[0]++;
        } else if (!strcmp(c[0], "derive")) {
            ck_assert_uint_eq(nc, 4);
            unika_key *d = NULL;
            ck_assert_int_eq(unika_key_derive(&d, c[1], strlen(c[1]), c[2], strlen(c[2]), NULL),
                             0);
            char fp[UNIKA_FINGERPRINT_HEX_BYTES];
            unika_fingerprint_to_hex(fp, unika_key_fingerprint_ptr(d));
            ck_assert_str_eq(fp, c[3]);
            unika_key_free(d);
            checked[1]++;
        } else if (!strcmp(c[0], "recipe")) {
            ck_assert_uint_eq(nc, 4);
            unika_recipe *r = recipe(c[1]);
            ck_assert_str_eq(unika_recipe_canonical(r), c[2]);
            char fp[UNIKA_FINGERPRINT_HEX_BYTES];
            unika_fingerprint_to_hex(fp, unika_recipe_fingerprint_ptr(r));
            ck_assert_str_eq(fp, c[3]);
            unika_recipe_free(r);
            checked[2]++;
        } else if (!strcmp(c[0], "fields")) {
            ck_assert_ptr_nonnull(k);
            ck_assert_uint_ge(nc, 4);
            unika_recipe *r = recipe(c[1]);
            ck_assert_int_eq(unika_pseudonym_from_hex(want, c[2], strlen(c[2]), NULL), 0);
            of_fields(got, k, r, (const char *const *)(c + 3), nc - 3);
            unika_pseudonym_to_hex(hex, got);
            ck_assert_msg(memcmp(got, want, 32) == 0, "fields %s %s: got %s", c[1], c[3], hex);
            unika_recipe_free(r);
            checked[3]++;
        } else if (!strcmp(c[0], "record")) {
            ck_assert_ptr_nonnull(k);
            ck_assert_uint_ge(nc, 4);
            unika_recipe *r = recipe(c[1]);
            ck_assert_int_eq(unika_pseudonym_from_hex(want, c[2], strlen(c[2]), NULL), 0);
            unika_record rec = {0};
            for (size_t i = 3; i < nc; i++) {
                char *eq = strchr(c[i], '=');
                ck_assert_ptr_nonnull(eq);
                *eq = '\0';
                if (!strcmp(c[i], "@birth_date_format")) rec.birth_date_format = eq + 1;
                else set(&rec, column_index(c[i]), eq + 1);
            }
            unika_error e = {0};
            ck_assert_msg(unika_pseudonym_from_record(got, k, r, &rec, &e) == 0, "%s",
                          e.message);
            unika_pseudonym_to_hex(hex, got);
            ck_assert_msg(memcmp(got, want, 32) == 0, "record %s: got %s", c[1], hex);
            unika_recipe_free(r);
            checked[4]++;
        } else {
            ck_abort_msg("unknown vector line kind %s", c[0]);
        }
    }
    unika_key_free(k);
    free(buf);
    /* The file must really hold every kind (a truncated file cannot pass). */
    ck_assert_uint_ge(checked[0], 2);
    ck_assert_uint_ge(checked[1], 1);
    ck_assert_uint_ge(checked[2], 5);
    ck_assert_uint_ge(checked[3], 8);
    ck_assert_uint_ge(checked[4], 8);
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("pseudonym");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, sizes_match_macros);
    tcase_add_test(tc, encoding_follows_the_spec);
    tcase_add_test(tc, hex_round_trip);
    tcase_add_test(tc, domains_are_separated);
    tcase_add_test(tc, bad_field_values_are_refused);
    tcase_add_test(tc, record_equals_its_normalised_fields);
    tcase_add_test(tc, record_fields_of_every_kind);
    tcase_add_test(tc, record_failures_name_the_column);
    tcase_add_test(tc, batch_equals_single);
    tcase_add_test(tc, random_cells_fail_cleanly);
    tcase_add_test(tc, loose_recipe_uses_the_loose_key);
    suite_add_tcase(s, tc);
    TCase *kat = tcase_create("vectors");
    tcase_set_timeout(kat, 120); /* one Argon2id derivation */
    tcase_add_test(kat, known_answer_vectors);
    suite_add_tcase(s, kat);
    return s;
}
