/*
 * test_normalize_fuzz.c - seeded random inputs through every normaliser.
 *
 * No public function may crash, read outside its input or write outside its
 * buffer on any bytes (the sanitizer build of this test checks the memory
 * side), and every outcome must be either success with a well-formed output
 * or one of the documented error codes with the field named. For names, a
 * success must also be canonical: valid UTF-8, single spaces between
 * non-empty tokens in byte order, and a fixed point of the normaliser; this
 * is checked on random Unicode text drawn from the scripts partners meet
 * and from the whole code space.
 *
 * Fixed seeds, so a failure reproduces; the iteration counts keep the test
 * under a second in the plain build.
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "unika.h"

#define REQUIRE(cond, ...) do { if (!(cond)) ck_abort_msg(__VA_ARGS__); } while (0)

static size_t put_utf8(uint8_t *o, uint32_t cp)
{
    if (cp < 0x80) { o[0] = (uint8_t)cp; return 1; }
    if (cp < 0x800) { o[0] = (uint8_t)(0xC0 | cp >> 6); o[1] = (uint8_t)(0x80 | (cp & 63)); return 2; }
    if (cp < 0x10000) {
        o[0] = (uint8_t)(0xE0 | cp >> 12);
        o[1] = (uint8_t)(0x80 | ((cp >> 6) & 63));
        o[2] = (uint8_t)(0x80 | (cp & 63));
        return 3;
    }
    o[0] = (uint8_t)(0xF0 | cp >> 18);
    o[1] = (uint8_t)(0x80 | ((cp >> 12) & 63));
    o[2] = (uint8_t)(0x80 | ((cp >> 6) & 63));
    o[3] = (uint8_t)(0x80 | (cp & 63));
    return 4;
}

/* Strict UTF-8 check, written independently of the library's. */
static int utf8_ok(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k;
        if (s[i] < 0x80) { i++; continue; }
        if ((s[i] & 0xE0) == 0xC0) { cp = s[i] & 31; k = 1; }
        else if ((s[i] & 0xF0) == 0xE0) { cp = s[i] & 15; k = 2; }
        else if ((s[i] & 0xF8) == 0xF0) { cp = s[i] & 7; k = 3; }
        else return 0;
        if (i + k >= n) return 0; /* truncated */
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80) return 0;
            cp = cp << 6 | (s[i + j] & 63);
        }
        static const uint32_t min[4] = {0, 0x80, 0x800, 0x10000};
        if (cp < min[k] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
        i += k + 1;
    }
    return 1;
}

static void check_canonical_name(const char *out, size_t len)
{
    REQUIRE(len == strlen(out) && len > 0 && len < UNIKA_NAME_MAX_BYTES, "length");
    REQUIRE(utf8_ok((const uint8_t *)out, len), "output is not UTF-8");
    REQUIRE(out[0] != ' ' && out[len - 1] != ' ' && !strstr(out, "  "), "spacing");
    /* tokens in byte order */
    const char *prev = out;
    size_t prev_len = strcspn(out, " ");
    for (const char *p = out + prev_len; *p; ) {
        p++;
        size_t l = strcspn(p, " ");
        size_t m = l < prev_len ? l : prev_len;
        int c = memcmp(prev, p, m);
        REQUIRE(c < 0 || (c == 0 && prev_len <= l), "tokens out of order");
        for (size_t i = 0; i < l; i++)
            REQUIRE((unsigned char)p[i] >= 0x80 || (p[i] >= 'a' && p[i] <= 'z') ||
                        (p[i] >= '0' && p[i] <= '9'),
                    "ASCII token character outside a-z0-9");
        prev = p;
        prev_len = l;
        p += l;
    }
    char again[UNIKA_NAME_MAX_BYTES];
    size_t again_len;
    int rc = unika_normalize_name(again, sizeof again, &again_len, out, len, NULL);
    REQUIRE(rc == 0 && again_len == len && memcmp(again, out, len) == 0,
            "normalised name is not a fixed point");
}

static void all_normalisers(const uint8_t *in, size_t n)
{
    const char *s = (const char *)in;
    unika_error e;
    static const unika_date ref = {2024, 6, 30};

    char name[UNIKA_NAME_MAX_BYTES];
    size_t len;
    memset(&e, 0, sizeof e);
    int rc = unika_normalize_name(name, sizeof name, &len, s, n, &e);
    if (rc == 0) check_canonical_name(name, len);
    else REQUIRE((rc == UNIKA_EUTF8 || rc == UNIKA_EEMPTY || rc == UNIKA_ENAME ||
                  rc == UNIKA_ETOOLONG) && strcmp(e.field, "name") == 0 && name[0] == 0,
                 "name: unexpected %s", unika_err_name(rc));
    /* a small buffer never overflows */
    char tiny[4];
    rc = unika_normalize_name(tiny, sizeof tiny, &len, s, n, NULL);
    REQUIRE(rc != 0 || len < sizeof tiny, "tiny buffer");

    unika_date d;
    memset(&e, 0, sizeof e);
    rc = unika_date_parse(&d, s, n, NULL, &e);
    if (rc == 0) REQUIRE(unika_date_valid(&d), "invalid date accepted");
    else REQUIRE(rc == UNIKA_EUTF8 || rc == UNIKA_EEMPTY || rc == UNIKA_EDATE ||
                 rc == UNIKA_ETOOLONG, "date: unexpected %s", unika_err_name(rc));
    rc = unika_date_parse(&d, s, n, "DD.MM.YYYY", NULL);
    if (rc == 0) REQUIRE(unika_date_valid(&d) && d.day > 0, "invalid date accepted");

    char pnr[UNIKA_PERSONNUMMER_BYTES];
    memset(&e, 0, sizeof e);
    rc = unika_personnummer_normalize(pnr, NULL, s, n, &ref, &e);
    if (rc == 0) REQUIRE(strlen(pnr) == 12 && strspn(pnr, "0123456789") == 12, "pnr output");
    else REQUIRE((rc == UNIKA_EUTF8 || rc == UNIKA_EEMPTY || rc == UNIKA_EPERSONNUMMER ||
                  rc == UNIKA_ECHECKDIGIT || rc == UNIKA_ETOOLONG) &&
                     strcmp(e.field, "personnummer") == 0,
                 "personnummer: unexpected %s", unika_err_name(rc));

    char dossier[UNIKA_DOSSIER_BYTES];
    rc = unika_dossier_normalize(dossier, s, n, NULL);
    if (rc == 0) REQUIRE(strlen(dossier) == 8 && strspn(dossier, "0123456789") == 8, "dossier");

    char digits[UNIKA_DIGITS_MAX_BYTES];
    rc = unika_digits_normalize(digits, sizeof digits, &len, s, n, NULL);
    if (rc == 0) REQUIRE(len > 0 && strspn(digits, "0123456789") == len, "digits");

    unika_gender g;
    rc = unika_gender_parse(&g, s, n, NULL);
    REQUIRE(rc == 0 ? (g >= UNIKA_GENDER_UNKNOWN && g <= UNIKA_GENDER_OTHER)
                    : (rc == UNIKA_EGENDER || rc == UNIKA_EUTF8 || rc == UNIKA_ETOOLONG),
            "gender: unexpected %s", unika_err_name(rc));
}

START_TEST(random_bytes)
{
    uint64_t st = 20171;
    /* bytes from a small alphabet make near-valid ids and dates likely */
    static const char alphabet[] = "0123456789-+/. ,'aAzZ\t\x80\xc3\xa4\xed\xff";
    for (int iter = 0; iter < 50000; iter++) {
        uint8_t buf[80];
        uint64_t r = unika_test_splitmix64(&st);
        size_t n = r % 40;
        int mode = (int)(r >> 8) % 3;
        for (size_t i = 0; i < n; i++) {
            uint64_t x = unika_test_splitmix64(&st);
            buf[i] = mode == 0 ? (uint8_t)x : (uint8_t)alphabet[x % (sizeof alphabet - 1)];
        }
        if (mode == 2 && n >= 11) { /* a plausible personnummer shape */
            for (size_t i = 0; i < 11; i++) buf[i] = (uint8_t)('0' + unika_test_splitmix64(&st) % 10);
            buf[6] = '-';
            n = 11;
        }
        all_normalisers(buf, n);
    }
}
END_TEST

START_TEST(random_unicode_names)
{
    /* code point ranges: ASCII letters and punctuation, Latin-1 and Latin
     * Extended, combining marks, Greek, Cyrillic, Arabic (with presentation
     * forms), Ethiopic, spacing modifiers, general punctuation, letterlike
     * symbols, fullwidth forms, then anything at all */
    static const uint32_t ranges[][2] = {
        {0x20, 0x7E}, {0xA0, 0x24F}, {0x300, 0x36F}, {0x370, 0x3FF}, {0x400, 0x4FF},
        {0x600, 0x6FF}, {0xFB50, 0xFDFF}, {0xFE70, 0xFEFF}, {0x1200, 0x137F}, {0x2B0, 0x2FF},
        {0x2000, 0x206F}, {0x2100, 0x218F}, {0xFF00, 0xFFEF}, {0x1E00, 0x1EFF}, {0, 0x10FFFF},
    };
    uint64_t st = 2024;
    long accepted = 0;
    for (int iter = 0; iter < 50000; iter++) {
        uint8_t buf[200];
        size_t n = 0;
        int ncp = 1 + (int)(unika_test_splitmix64(&st) % 12);
        for (int k = 0; k < ncp; k++) {
            uint64_t r = unika_test_splitmix64(&st);
            const uint32_t *rg = ranges[r % (sizeof ranges / sizeof ranges[0])];
            uint32_t cp = rg[0] + (uint32_t)((r >> 16) % (rg[1] - rg[0] + 1));
            if (cp >= 0xD800 && cp <= 0xDFFF) cp = 'x';
            n += put_utf8(buf + n, cp);
        }
        char out[UNIKA_NAME_MAX_BYTES];
        size_t len;
        unika_error e = {0};
        int rc = unika_normalize_name(out, sizeof out, &len, (const char *)buf, n, &e);
        if (rc == 0) {
            accepted++;
            check_canonical_name(out, len);
        } else {
            REQUIRE(rc == UNIKA_ENAME || rc == UNIKA_EEMPTY || rc == UNIKA_ETOOLONG,
                    "valid UTF-8 refused with %s", unika_err_name(rc));
        }
        all_normalisers(buf, n);
    }
    /* most random names are accepted, so the invariants were exercised */
    ck_assert_int_gt(accepted, 25000);
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("normalize_fuzz");
    TCase *tc = tcase_create("seeded");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, random_bytes);
    tcase_add_test(tc, random_unicode_names);
    suite_add_tcase(s, tc);
    return s;
}
