/*
 * test_normalize_id.c - personnummer and samordningsnummer (century
 * inference, leap days, '+', check digits, unknown patterns), Migration
 * Agency dossier numbers, generic digit identifiers.
 *
 * Check digits of the vectors were computed once with the Luhn rule of
 * Skatteverket (weights 2,1,2,... over YYMMDDNNN, digit sums, C = (10 -
 * sum mod 10) mod 10), independently of the code under test.
 */
#include <string.h>

#include "testutil.h"
#include "unika.h"

static const unika_date REF = {2024, 6, 30};

typedef struct {
    const char *in;
    const unika_date *ref; /* NULL: none given */
    const char *out;
    unika_pnr_kind kind;
} pnr_case;

static const unika_date REF_2020_04_30 = {2020, 4, 30};
static const unika_date REF_2000_03_01 = {2000, 3, 1};
static const unika_date REF_2000_02_28 = {2000, 2, 28};

#define P UNIKA_PNR_PERSONNUMMER
#define S UNIKA_PNR_SAMORDNINGSNUMMER

static const pnr_case ACCEPT[] = {
    /* Skatteverket's classic example, in every written form */
    {"811218-9876", &REF, "198112189876", P},
    {"8112189876", &REF, "198112189876", P},
    {"198112189876", NULL, "198112189876", P},
    {"19811218-9876", NULL, "198112189876", P},
    {" 811218-9876\t", &REF, "198112189876", P},
    /* The nine digits 200501019 take check digit 0. They are YYMMDDNNN,
     * i.e. 1 May (19)20, birth number 019: the 10-digit 200501-0190. (The
     * 12-digit 20050101-0190 is NOT valid: its Luhn digits are 050101019,
     * whose check digit is 3.) */
    {"200501-0190", &REF, "202005010190", P},
    {"2005010190", &REF_2020_04_30, "192005010190", P}, /* a day before: a century back */
    {"20050101-0193", NULL, "200501010193", P},
    {"050101-0193", &REF, "200501010193", P},
    /* samordningsnummer: day + 60 */
    {"701063-2391", &REF, "197010632391", S},
    {"197010632391", NULL, "197010632391", S},
    /* leap days */
    {"000229-1235", &REF, "200002291235", P},            /* 2000 is a leap year */
    {"000229-1235", &REF_2000_03_01, "200002291235", P},
    {"20000229-1235", NULL, "200002291235", P},
    {"000289-1232", &REF, "200002891232", S},            /* samordningsnummer on 29 Feb */
    {"040229-2221", &REF, "200402292221", P},
    {"120229+4565", &REF, "191202294565", P},            /* 1912 is a leap year */
    /* '+' : 100 years or older at the reference date */
    {"181224+1238", &REF, "191812241238", P},
    {"181224-1238", &REF, "201812241238", P},
    {"1812241238", &REF, "201812241238", P},             /* no separator = '-' */
    /* age boundaries at the reference date 2024-06-30 */
    {"240630-1230", &REF, "202406301230", P},            /* born that day: age 0 */
    {"240701-1234", &REF, "192407011234", P},            /* the next day: age 99 */
    {"240630+1230", &REF, "192406301230", P},            /* exactly 100 */
    {"240701+1234", &REF, "182407011234", P},            /* 199 */
    /* birth number 000: the statute only says "three digits", and partners'
     * data has it (docs/normalisation.md) */
    {"000101-0008", &REF, "200001010008", P},
};

typedef struct {
    const char *in;
    size_t size; /* 0: strlen */
    const unika_date *ref;
    int code;
    uint64_t position;
} pnr_reject;

static const unika_date REF_PARTIAL = {2024, 0, 0};
static const unika_date REF_IMPOSSIBLE = {2024, 2, 30};
static const unika_date REF_1890 = {1890, 1, 1};

static const pnr_reject REJECT[] = {
    /* wrong check digit, at its position */
    {"811218-9875", 0, &REF, UNIKA_ECHECKDIGIT, 11},
    {"198112189875", 0, NULL, UNIKA_ECHECKDIGIT, 12},
    {"20050101-0190", 0, NULL, UNIKA_ECHECKDIGIT, 13},
    {"701063-2390", 0, &REF, UNIKA_ECHECKDIGIT, 11},
    /* lengths and characters */
    {"81121898761", 0, &REF, UNIKA_EPERSONNUMMER, 0},    /* 11 digits */
    {"811218-987", 0, &REF, UNIKA_EPERSONNUMMER, 0},     /* 9 digits */
    {"1981121898760", 0, NULL, UNIKA_EPERSONNUMMER, 13}, /* 13 digits */
    {"81121A-9876", 0, &REF, UNIKA_EPERSONNUMMER, 6},
    {"811218-987X", 0, &REF, UNIKA_EPERSONNUMMER, 11},
    {"811218 9876", 0, &REF, UNIKA_EPERSONNUMMER, 7},
    {"811218--9876", 0, &REF, UNIKA_EPERSONNUMMER, 8},
    {"8112-189876", 0, &REF, UNIKA_EPERSONNUMMER, 5},    /* separator misplaced */
    {"19811218+9876", 0, &REF, UNIKA_EPERSONNUMMER, 9},  /* '+' needs the 10-digit form */
    {"\xef\xbc\x98" "112189876", 0, &REF, UNIKA_EPERSONNUMMER, 1}, /* fullwidth 8 */
    {"81\xc3\xa4" "1218", 0, &REF, UNIKA_EPERSONNUMMER, 3},
    /* unknown patterns fail closed */
    {"811318-9875", 0, &REF, UNIKA_EPERSONNUMMER, 3},    /* month 13 */
    {"818118-9872", 0, &REF, UNIKA_EPERSONNUMMER, 3},    /* month + 70 */
    {"811200-9876", 0, &REF, UNIKA_EPERSONNUMMER, 5},    /* day 00 */
    {"811232-9878", 0, &REF, UNIKA_EPERSONNUMMER, 5},    /* day 32 */
    {"811260-9873", 0, &REF, UNIKA_EPERSONNUMMER, 5},    /* day 60 */
    {"811292-9875", 0, &REF, UNIKA_EPERSONNUMMER, 5},    /* day 92 */
    {"179912319994", 0, NULL, UNIKA_EPERSONNUMMER, 1},   /* century 17 */
    {"219912319994", 0, NULL, UNIKA_EPERSONNUMMER, 1},   /* century 21 */
    {"181224+1238", 0, &REF_1890, UNIKA_EPERSONNUMMER, 1}, /* '+' reaches 1718 */
    /* dates that do not exist */
    {"19000229-1235", 0, NULL, UNIKA_EPERSONNUMMER, 7},  /* 1900 is not a leap year */
    {"000229+1235", 0, &REF, UNIKA_EPERSONNUMMER, 5},    /* '+' gives 1900 */
    {"000229-1235", 0, &REF_2000_02_28, UNIKA_EPERSONNUMMER, 5}, /* after ref: 1900 */
    {"19000289-1232", 0, NULL, UNIKA_EPERSONNUMMER, 7},  /* samordningsnummer, 1900 */
    {"190229-1234", 0, &REF, UNIKA_EPERSONNUMMER, 5},    /* 2019 */
    {"810431-0000", 0, &REF, UNIKA_EPERSONNUMMER, 5},    /* 31 April */
    /* 10 digits need a full, valid reference date */
    {"811218-9876", 0, NULL, UNIKA_EINVAL, 0},
    {"8112189876", 0, &REF_PARTIAL, UNIKA_EINVAL, 0},
    {"8112189876", 0, &REF_IMPOSSIBLE, UNIKA_EINVAL, 0},
    /* empty, UTF-8, length */
    {"", 0, &REF, UNIKA_EEMPTY, 0},
    {" \t ", 0, &REF, UNIKA_EEMPTY, 0},
    {"8112\xc0\xaf", 0, &REF, UNIKA_EUTF8, 5},
    {"8112\xed\xa0\x80", 0, &REF, UNIKA_EUTF8, 5},
    {"8112189876\0", 11, &REF, UNIKA_EPERSONNUMMER, 11},
};

START_TEST(personnummer_accepts)
{
    const pnr_case *c = &ACCEPT[_i];
    char out[UNIKA_PERSONNUMMER_BYTES];
    unika_pnr_kind kind = 0;
    unika_error e = {0};
    int rc = unika_personnummer_normalize(out, &kind, c->in, strlen(c->in), c->ref, &e);
    ck_assert_msg(rc == 0, "case %d: %s (%s)", _i, unika_err_name(rc), e.message);
    ck_assert_str_eq(out, c->out);
    ck_assert_int_eq(kind, c->kind);
    /* the canonical form is a fixed point, with or without a reference */
    char again[UNIKA_PERSONNUMMER_BYTES];
    ck_assert_int_eq(unika_personnummer_normalize(again, NULL, out, 12, NULL, NULL), 0);
    ck_assert_str_eq(again, out);
}
END_TEST

START_TEST(personnummer_rejects)
{
    const pnr_reject *c = &REJECT[_i];
    char out[UNIKA_PERSONNUMMER_BYTES] = "junk";
    unika_pnr_kind kind = 0;
    unika_error e = {0};
    int rc = unika_personnummer_normalize(out, &kind, c->in, c->size ? c->size : strlen(c->in),
                                          c->ref, &e);
    ck_assert_msg(rc == c->code, "case %d: got %s, want %s (%s)", _i, unika_err_name(rc),
                  unika_err_name(c->code), e.message);
    ck_assert_str_eq(e.field, "personnummer");
    ck_assert_msg(e.position == c->position, "case %d: position %llu, want %llu", _i,
                  (unsigned long long)e.position, (unsigned long long)c->position);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(kind, 0);
    ck_assert_ptr_null(strstr(e.message, "9876"));
    ck_assert_ptr_null(strstr(e.message, "8112"));
}
END_TEST

START_TEST(personnummer_arguments)
{
    char out[UNIKA_PERSONNUMMER_BYTES];
    unika_error e = {0};
    ck_assert_int_eq(unika_personnummer_normalize(NULL, NULL, "198112189876", 12, NULL, &e),
                     UNIKA_EINVAL);
    ck_assert_int_eq(unika_personnummer_normalize(out, NULL, NULL, 12, &REF, &e), UNIKA_EINVAL);
    ck_assert_int_eq(unika_personnummer_normalize(out, NULL, NULL, 0, NULL, NULL), UNIKA_EINVAL);
    char longer[80];
    memset(longer, ' ', sizeof longer);
    memcpy(longer, "198112189876", 12);
    ck_assert_int_eq(unika_personnummer_normalize(out, NULL, longer, 64, NULL, &e), 0);
    ck_assert_int_eq(unika_personnummer_normalize(out, NULL, longer, 65, NULL, &e),
                     UNIKA_ETOOLONG);
}
END_TEST

/* Every date of a century, through the 10-digit form: the inferred century
 * always gives an age of 0..99 ('-') or 100..199 ('+') at the reference. */
START_TEST(century_inference_is_consistent)
{
    static const unika_date refs[] = {{2024, 6, 30}, {2000, 1, 1}, {2099, 12, 31}};
    for (size_t r = 0; r < sizeof refs / sizeof refs[0]; r++) {
        const unika_date *ref = &refs[r];
        for (int yy = 0; yy < 100; yy += 7) {
            for (int m = 1; m <= 12; m++) {
                for (int d = 1; d <= 28; d += 9) {
                    uint8_t dig[9] = {(uint8_t)(yy / 10), (uint8_t)(yy % 10), (uint8_t)(m / 10),
                                      (uint8_t)(m % 10), (uint8_t)(d / 10), (uint8_t)(d % 10),
                                      1, 2, 3};
                    int sum = 0;
                    for (int i = 0; i < 9; i++) {
                        int v = dig[i] * (i % 2 == 0 ? 2 : 1);
                        sum += v / 10 + v % 10;
                    }
                    char in[12];
                    for (int i = 0; i < 6; i++) in[i] = (char)('0' + dig[i]);
                    for (int i = 6; i < 9; i++) in[i + 1] = (char)('0' + dig[i]);
                    in[10] = (char)('0' + (10 - sum % 10) % 10);
                    for (int plus = 0; plus <= 1; plus++) {
                        in[6] = plus ? '+' : '-';
                        char out[UNIKA_PERSONNUMMER_BYTES];
                        int rc = unika_personnummer_normalize(out, NULL, in, 11, ref, NULL);
                        if (rc != 0) {
                            /* only when '+' would leave centuries 18..20 */
                            ck_assert_int_eq(rc, UNIKA_EPERSONNUMMER);
                            ck_assert(plus);
                            continue;
                        }
                        int year = (out[0] - '0') * 1000 + (out[1] - '0') * 100 + yy;
                        ck_assert_int_eq((out[2] - '0') * 10 + (out[3] - '0'), yy);
                        int age = ref->year - year -
                                  (m > ref->month || (m == ref->month && d > ref->day));
                        ck_assert_msg(plus ? (age >= 100 && age < 200) : (age >= 0 && age < 100),
                                      "ref %d, %.11s -> age %d", ref->year, in, age);
                    }
                }
            }
        }
    }
}
END_TEST

typedef struct {
    const char *in;
    int code;
    const char *out;
    uint64_t position;
} id_case;

static const id_case DOSSIERS[] = {
    {"12-345678", 0, "12345678", 0},
    {"12345678", 0, "12345678", 0},
    {"12-345678/1", 0, "12345678", 0},   /* digital LMA card serial */
    {"12-345678/12", 0, "12345678", 0},
    {"12345678/1", 0, "12345678", 0},
    {"12 345678", 0, "12345678", 0},
    {" 12-345678 ", 0, "12345678", 0},
    {"00-000001", 0, "00000001", 0},     /* leading zeros are digits */
    {"1234567", UNIKA_EDOSSIER, "", 0},
    {"123456789", UNIKA_EDOSSIER, "", 9},
    {"12-345678/", UNIKA_EDOSSIER, "", 10},
    {"12-345678/12345", UNIKA_EDOSSIER, "", 10},
    {"12-345678/1a", UNIKA_EDOSSIER, "", 12},
    {"12-345678/1/2", UNIKA_EDOSSIER, "", 12},
    {"12/345678", UNIKA_EDOSSIER, "", 3},
    {"12-3456a8", UNIKA_EDOSSIER, "", 8},
    {"12\xe2\x80\x93" "345678", UNIKA_EDOSSIER, "", 3}, /* en dash */
    {"/1", UNIKA_EDOSSIER, "", 0},
    {"", UNIKA_EEMPTY, "", 0},
    {"   ", UNIKA_EEMPTY, "", 0},
    {"12\xc0\xaf", UNIKA_EUTF8, "", 3},
    {"12\x80", UNIKA_EUTF8, "", 3},
};

START_TEST(dossier_cases)
{
    const id_case *c = &DOSSIERS[_i];
    char out[UNIKA_DOSSIER_BYTES] = "junk";
    unika_error e = {0};
    int rc = unika_dossier_normalize(out, c->in, strlen(c->in), &e);
    ck_assert_msg(rc == c->code, "case %d: got %s, want %s", _i, unika_err_name(rc),
                  unika_err_name(c->code));
    ck_assert_str_eq(out, c->out);
    if (rc) {
        ck_assert_str_eq(e.field, "dossier");
        ck_assert_msg(e.position == c->position, "case %d: position %llu", _i,
                      (unsigned long long)e.position);
        ck_assert_ptr_null(strstr(e.message, "345"));
    }
}
END_TEST

static const id_case DIGITS[] = {
    {"0012 345-67.8/9", 0, "00123456789", 0},
    {"7", 0, "7", 0},
    {" 55 ", 0, "55", 0},
    {"12a", UNIKA_EDIGITS, "", 3},
    {"+46", UNIKA_EDIGITS, "", 1},
    {"--", UNIKA_EDIGITS, "", 0},
    {"1_2", UNIKA_EDIGITS, "", 2},
    {"\xd9\xa1\xd9\xa2", UNIKA_EDIGITS, "", 1},  /* Arabic-Indic digits */
    {"1\xc3\xa4" "2", UNIKA_EDIGITS, "", 2},
    {"", UNIKA_EEMPTY, "", 0},
    {"1\xed\xa0\x80", UNIKA_EUTF8, "", 2},
};

START_TEST(digits_cases)
{
    const id_case *c = &DIGITS[_i];
    char out[UNIKA_DIGITS_MAX_BYTES] = "junk";
    size_t len = 99;
    unika_error e = {0};
    int rc = unika_digits_normalize(out, sizeof out, &len, c->in, strlen(c->in), &e);
    ck_assert_msg(rc == c->code, "case %d: got %s, want %s", _i, unika_err_name(rc),
                  unika_err_name(c->code));
    ck_assert_str_eq(out, c->out);
    ck_assert_uint_eq(len, strlen(c->out));
    if (rc) {
        ck_assert_str_eq(e.field, "digits");
        ck_assert_msg(e.position == c->position, "case %d: position %llu", _i,
                      (unsigned long long)e.position);
    }
}
END_TEST

START_TEST(id_bounds_and_arguments)
{
    char out[UNIKA_DIGITS_MAX_BYTES], in[300];
    size_t len;
    unika_error e = {0};
    memset(in, '9', 65);
    ck_assert_int_eq(unika_digits_normalize(out, sizeof out, &len, in, 64, &e), 0);
    ck_assert_uint_eq(len, 64);
    ck_assert_int_eq(unika_digits_normalize(out, sizeof out, &len, in, 65, &e), UNIKA_ETOOLONG);
    ck_assert_str_eq(e.field, "digits");
    memset(in, '-', sizeof in);
    in[0] = '1';
    ck_assert_int_eq(unika_digits_normalize(out, sizeof out, &len, in, 256, &e), 0);
    ck_assert_str_eq(out, "1");
    ck_assert_int_eq(unika_digits_normalize(out, sizeof out, &len, in, 257, &e), UNIKA_ETOOLONG);
    /* "123" needs 4 bytes */
    ck_assert_int_eq(unika_digits_normalize(out, 3, &len, "123", 3, &e), UNIKA_EBUFFER);
    ck_assert_str_eq(out, "");
    ck_assert_uint_eq(len, 0);
    ck_assert_int_eq(unika_digits_normalize(out, 4, NULL, "123", 3, &e), 0);
    ck_assert_str_eq(out, "123");
    ck_assert_int_eq(unika_digits_normalize(NULL, 4, &len, "123", 3, &e), UNIKA_EINVAL);
    ck_assert_int_eq(unika_digits_normalize(out, 0, &len, "123", 3, &e), UNIKA_EINVAL);
    ck_assert_int_eq(unika_digits_normalize(out, 4, &len, NULL, 3, NULL), UNIKA_EINVAL);

    /* size macros and their function twins (for bindings) agree */
    ck_assert_uint_eq(unika_personnummer_bytes(), UNIKA_PERSONNUMMER_BYTES);
    ck_assert_uint_eq(unika_dossier_bytes(), UNIKA_DOSSIER_BYTES);
    ck_assert_uint_eq(unika_digits_max_bytes(), UNIKA_DIGITS_MAX_BYTES);

    char dossier[UNIKA_DOSSIER_BYTES];
    ck_assert_int_eq(unika_dossier_normalize(NULL, "12345678", 8, &e), UNIKA_EINVAL);
    ck_assert_int_eq(unika_dossier_normalize(dossier, NULL, 8, &e), UNIKA_EINVAL);
    memset(in, ' ', sizeof in);
    memcpy(in, "12345678", 8);
    ck_assert_int_eq(unika_dossier_normalize(dossier, in, 64, &e), 0);
    ck_assert_int_eq(unika_dossier_normalize(dossier, in, 65, &e), UNIKA_ETOOLONG);
    ck_assert_str_eq(e.field, "dossier");
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("normalize_id");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, personnummer_accepts, 0, (int)(sizeof ACCEPT / sizeof ACCEPT[0]));
    tcase_add_loop_test(tc, personnummer_rejects, 0, (int)(sizeof REJECT / sizeof REJECT[0]));
    tcase_add_test(tc, personnummer_arguments);
    tcase_add_test(tc, century_inference_is_consistent);
    tcase_add_loop_test(tc, dossier_cases, 0, (int)(sizeof DOSSIERS / sizeof DOSSIERS[0]));
    tcase_add_loop_test(tc, digits_cases, 0, (int)(sizeof DIGITS / sizeof DIGITS[0]));
    tcase_add_test(tc, id_bounds_and_arguments);
    suite_add_tcase(s, tc);
    return s;
}
