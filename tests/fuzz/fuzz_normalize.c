/*
 * fuzz_normalize.c - every identifier normaliser on untrusted cells.
 *
 * The first input byte picks the normaliser, the rest is the cell:
 *   0 name        1 date (automatic shapes)   2 date with an explicit format
 *   3 personnummer 4 dossier  5 digits  6 gender  7 loose name key
 *   8 recipe text
 * For 2 the format is the text up to the first NUL, the cell what follows.
 * Invariants: failures record their code and message and leave "" in text
 * outputs; successes are canonical: the output normalises to itself (a
 * name, a dossier, a digit string, a personnummer in its 12-digit form, a
 * date's canonical text, a gender's code, a recipe's canonical text).
 */
#include "fuzz_common.h"

static void norm_name(const char *src, size_t n)
{
    char out[UNIKA_NAME_MAX_BYTES], again[UNIKA_NAME_MAX_BYTES];
    size_t len = 99, len2 = 99;
    unika_error e = {0};
    int rc = unika_normalize_name(out, sizeof out, &len, src, n, &e);
    if (rc < 0) {
        fuzz_check_error(rc, &e);
        FUZZ_REQUIRE(out[0] == '\0' && len == 0, "output not cleared on failure");
        return;
    }
    FUZZ_REQUIRE(len == strlen(out) && len > 0, "length wrong");
    FUZZ_REQUIRE(unika_normalize_name(again, sizeof again, &len2, out, len, NULL) == 0,
                 "a normalised name is refused");
    FUZZ_REQUIRE(len2 == len && memcmp(again, out, len) == 0, "name not idempotent");
    /* Exactly enough room must suffice, one byte less must not. */
    FUZZ_REQUIRE(unika_normalize_name(again, len + 1, NULL, src, n, NULL) == 0,
                 "exact capacity refused");
    FUZZ_REQUIRE(unika_normalize_name(again, len, NULL, src, n, NULL) == UNIKA_EBUFFER,
                 "short capacity accepted");

    char key[UNIKA_NAME_LOOSE_MAX_BYTES], key2[UNIKA_NAME_LOOSE_MAX_BYTES];
    size_t klen = 0, klen2 = 0;
    unika_error ke = {0};
    /* Every normalised name is a valid input of the loose key. */
    rc = unika_name_loose_key(key, sizeof key, &klen, out, len, &ke);
    if (rc < 0) fuzz_check_error(rc, &ke);
    FUZZ_REQUIRE(rc == 0, "the loose key refuses a normalised name");
    FUZZ_REQUIRE(klen == strlen(key), "loose key length wrong");
    FUZZ_REQUIRE(unika_name_loose_key(key2, sizeof key2, &klen2, out, len, NULL) == 0 &&
                     klen2 == klen && memcmp(key, key2, klen) == 0,
                 "loose key not deterministic");
}

static void norm_loose(const char *src, size_t n)
{
    /* The loose key takes an already normalised name; give it raw bytes too,
     * to check that it refuses rather than misreads them. */
    char key[UNIKA_NAME_LOOSE_MAX_BYTES];
    size_t klen = 0;
    unika_error e = {0};
    int rc = unika_name_loose_key(key, sizeof key, &klen, src, n, &e);
    if (rc < 0) fuzz_check_error(rc, &e);
    else FUZZ_REQUIRE(klen == strlen(key), "loose key length wrong");
    rc = unika_name_loose_tokens(key, sizeof key, &klen, src, n, &e);
    if (rc < 0) fuzz_check_error(rc, &e);
    else FUZZ_REQUIRE(klen == strlen(key), "loose tokens length wrong");
}

static void check_date(const unika_date *d)
{
    FUZZ_REQUIRE(unika_date_valid(d), "accepted date not valid");
    unika_date_precision prec = d->day ? UNIKA_DATE_DAY : d->month ? UNIKA_DATE_MONTH
                                                                   : UNIKA_DATE_YEAR;
    char text[UNIKA_DATE_TEXT_BYTES];
    FUZZ_REQUIRE(unika_date_format(text, sizeof text, d, prec, NULL) == 0, "format failed");
    unika_date back;
    FUZZ_REQUIRE(unika_date_parse(&back, text, strlen(text), NULL, NULL) == 0,
                 "canonical date text refused");
    FUZZ_REQUIRE(back.year == d->year && back.month == d->month && back.day == d->day,
                 "date does not round-trip through its canonical text");
}

static void norm_date(const char *src, size_t n, const char *format)
{
    unika_date d = {1, 1, 1};
    unika_error e = {0};
    int rc = unika_date_parse(&d, src, n, format, &e);
    if (rc < 0) {
        fuzz_check_error(rc, &e);
        FUZZ_REQUIRE(d.year == 0 && d.month == 0 && d.day == 0, "date not cleared on failure");
        return;
    }
    check_date(&d);
}

static void norm_pnr(const char *src, size_t n)
{
    static const unika_date ref = {2024, 6, 30};
    char out[UNIKA_PERSONNUMMER_BYTES], again[UNIKA_PERSONNUMMER_BYTES];
    unika_pnr_kind kind = 0, kind2 = 0;
    unika_error e = {0};
    int rc = unika_personnummer_normalize(out, &kind, src, n, &ref, &e);
    if (rc < 0) {
        fuzz_check_error(rc, &e);
        FUZZ_REQUIRE(out[0] == '\0', "output not cleared on failure");
        return;
    }
    FUZZ_REQUIRE(strlen(out) == 12 && strspn(out, "0123456789") == 12, "not 12 digits");
    FUZZ_REQUIRE(kind == UNIKA_PNR_PERSONNUMMER || kind == UNIKA_PNR_SAMORDNINGSNUMMER,
                 "kind not set");
    FUZZ_REQUIRE(unika_personnummer_normalize(again, &kind2, out, 12, NULL, NULL) == 0,
                 "12-digit form refused");
    FUZZ_REQUIRE(memcmp(out, again, 13) == 0 && kind == kind2, "personnummer not idempotent");
}

static void norm_dossier(const char *src, size_t n)
{
    char out[UNIKA_DOSSIER_BYTES], again[UNIKA_DOSSIER_BYTES];
    unika_error e = {0};
    int rc = unika_dossier_normalize(out, src, n, &e);
    if (rc < 0) {
        fuzz_check_error(rc, &e);
        FUZZ_REQUIRE(out[0] == '\0', "output not cleared on failure");
        return;
    }
    FUZZ_REQUIRE(strlen(out) == 8 && strspn(out, "0123456789") == 8, "not 8 digits");
    FUZZ_REQUIRE(unika_dossier_normalize(again, out, 8, NULL) == 0 && memcmp(out, again, 9) == 0,
                 "dossier not idempotent");
}

static void norm_digits(const char *src, size_t n)
{
    char out[UNIKA_DIGITS_MAX_BYTES], again[UNIKA_DIGITS_MAX_BYTES];
    size_t len = 99, len2 = 0;
    unika_error e = {0};
    int rc = unika_digits_normalize(out, sizeof out, &len, src, n, &e);
    if (rc < 0) {
        fuzz_check_error(rc, &e);
        FUZZ_REQUIRE(out[0] == '\0' && len == 0, "output not cleared on failure");
        return;
    }
    FUZZ_REQUIRE(len == strlen(out) && len >= 1 && strspn(out, "0123456789") == len,
                 "not digits");
    FUZZ_REQUIRE(unika_digits_normalize(again, sizeof again, &len2, out, len, NULL) == 0 &&
                     len2 == len && memcmp(out, again, len) == 0,
                 "digits not idempotent");
}

static void norm_gender(const char *src, size_t n)
{
    unika_gender g = 99, g2 = 99;
    unika_error e = {0};
    int rc = unika_gender_parse(&g, src, n, &e);
    if (rc < 0) {
        fuzz_check_error(rc, &e);
        return;
    }
    FUZZ_REQUIRE(g >= UNIKA_GENDER_UNKNOWN && g <= UNIKA_GENDER_OTHER, "gender out of enum");
    const char *code = unika_gender_code(g);
    FUZZ_REQUIRE(unika_gender_parse(&g2, code, strlen(code), NULL) == 0 && g2 == g,
                 "gender code does not parse back");
    unika_gender f = unika_gender_fold(g);
    FUZZ_REQUIRE(f == UNIKA_GENDER_MALE || f == UNIKA_GENDER_FEMALE || f == UNIKA_GENDER_OTHER,
                 "fold out of range");
}

static void parse_recipe(const char *src, size_t n)
{
    unika_recipe *r = NULL, *r2 = NULL;
    unika_error e = {0};
    int rc = unika_recipe_parse(&r, src, n, &e);
    if (rc < 0) {
        fuzz_check_error(rc, &e);
        FUZZ_REQUIRE(r == NULL, "recipe set on failure");
        return;
    }
    const char *canon = unika_recipe_canonical(r);
    FUZZ_REQUIRE(canon != NULL, "no canonical text");
    FUZZ_REQUIRE(unika_recipe_parse(&r2, canon, strlen(canon), NULL) == 0,
                 "canonical recipe text refused");
    FUZZ_REQUIRE(strcmp(unika_recipe_canonical(r2), canon) == 0 &&
                     memcmp(unika_recipe_fingerprint_ptr(r2), unika_recipe_fingerprint_ptr(r),
                            UNIKA_FINGERPRINT_BYTES) == 0,
                 "recipe not canonical");
    unika_recipe_free(r2);
    unika_recipe_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    if (size < 1) return 0;
    /* An exact-size copy: the normalisers must not read past src + n. */
    size_t n = size - 1;
    char *src = malloc(n ? n : 1);
    FUZZ_REQUIRE(src != NULL, "malloc");
    memcpy(src, data + 1, n);
    switch (data[0] % 9) {
    case 0: norm_name(src, n); break;
    case 1: norm_date(src, n, NULL); break;
    case 2: {
        const char *nul = memchr(src, '\0', n);
        if (nul) norm_date(nul + 1, n - (size_t)(nul + 1 - src), src);
        else norm_date(src, n, "DD.MM.YYYY");
        break;
    }
    case 3: norm_pnr(src, n); break;
    case 4: norm_dossier(src, n); break;
    case 5: norm_digits(src, n); break;
    case 6: norm_gender(src, n); break;
    case 7: norm_loose(src, n); break;
    default: parse_recipe(src, n); break;
    }
    free(src);
    return 0;
}
