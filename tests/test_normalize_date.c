/*
 * test_normalize_date.c - unika_date_parse() and unika_date_format():
 * automatic shapes, explicit formats, impossible dates, year range,
 * reduction to year and year-month, buffers and arguments.
 */
#include <string.h>

#include "testutil.h"
#include "unika.h"

typedef struct {
    const char *in;
    const char *format; /* NULL: automatic */
    int year, month, day;
} date_case;

static const date_case ACCEPT[] = {
    {"2005-01-04", NULL, 2005, 1, 4},
    {"20050104", NULL, 2005, 1, 4},
    {"04/01/2005", NULL, 2005, 1, 4},
    {"4/1/2005", NULL, 2005, 1, 4},          /* one-digit day and month before a '/' */
    {"2005-1-4", NULL, 2005, 1, 4},
    {"2005-06", NULL, 2005, 6, 0},           /* year-month */
    {"2005", NULL, 2005, 0, 0},              /* bare year */
    {"  1997-12-02 ", NULL, 1997, 12, 2},    /* trimmed */
    {"2000-02-29", NULL, 2000, 2, 29},       /* divisible by 400: leap */
    {"2024-02-29", NULL, 2024, 2, 29},
    {"1800-01-01", NULL, 1800, 1, 1},        /* range ends */
    {"2199-12-31", NULL, 2199, 12, 31},
    {"04.01.2005", "DD.MM.YYYY", 2005, 1, 4},
    {"4.1.2005", "DD.MM.YYYY", 2005, 1, 4},
    {"01/04/2005", "MM/DD/YYYY", 2005, 1, 4},
    {"2005 01 04", "YYYY MM DD", 2005, 1, 4},
    {"05012005", "MMDDYYYY", 2005, 5, 1},
    {"2005/06", "YYYY/MM", 2005, 6, 0},
    {"1999", "YYYY", 1999, 0, 0},
    {"[2005-01-04]", "[YYYY-MM-DD]", 2005, 1, 4},
};

typedef struct {
    const char *in;
    size_t size; /* 0: strlen */
    const char *format;
    int code;
    uint64_t position;
} date_reject;

static const date_reject REJECT[] = {
    /* impossible dates */
    {"2005-02-30", 0, NULL, UNIKA_EDATE, 9},
    {"2001-02-29", 0, NULL, UNIKA_EDATE, 9},   /* not a leap year */
    {"1900-02-29", 0, NULL, UNIKA_EDATE, 9},   /* divisible by 100 only */
    {"2005-13-01", 0, NULL, UNIKA_EDATE, 6},
    {"2005-00-10", 0, NULL, UNIKA_EDATE, 6},
    {"2005-04-31", 0, NULL, UNIKA_EDATE, 9},
    {"2005-04-00", 0, NULL, UNIKA_EDATE, 9},
    {"31/04/2005", 0, NULL, UNIKA_EDATE, 1},
    {"20051301", 0, NULL, UNIKA_EDATE, 5},
    {"2005-00", 0, NULL, UNIKA_EDATE, 6},
    /* year range */
    {"1799-12-31", 0, NULL, UNIKA_EDATE, 1},
    {"2200-01-01", 0, NULL, UNIKA_EDATE, 1},
    {"0201", 0, NULL, UNIKA_EDATE, 1},
    /* shapes */
    {"05-01-04", 0, NULL, UNIKA_EDATE, 3},
    {"2005/01/04", 0, NULL, UNIKA_EDATE, 5},
    {"2005-01-04T10:00", 0, NULL, UNIKA_EDATE, 11},
    {"2005-01-004", 0, NULL, UNIKA_EDATE, 11},
    {"200501045", 0, NULL, UNIKA_EDATE, 9},
    {"12345", 0, NULL, UNIKA_EDATE, 6},      /* one past the end: missing */
    {"abcd", 0, NULL, UNIKA_EDATE, 1},
    {"2005-01-0\xc3\xa4", 0, NULL, UNIKA_EDATE, 10},
    {"04.01.2005", 0, "DD/MM/YYYY", UNIKA_EDATE, 3},
    {"040105", 0, "DDMMYYYY", UNIKA_EDATE, 7},
    {"1-1-2005", 0, "MMDD-YYYY", UNIKA_EDATE, 2},
    /* empty, UTF-8, length */
    {"", 0, NULL, UNIKA_EEMPTY, 0},
    {"  ", 0, NULL, UNIKA_EEMPTY, 0},
    {"2005\xc0\xaf", 0, NULL, UNIKA_EUTF8, 5},
    {"2005-01-0\xed\xa0\x80", 0, NULL, UNIKA_EUTF8, 10},
    {"2005\0", 5, NULL, UNIKA_EDATE, 5},
    /* bad format strings */
    {"2005", 0, "YY", UNIKA_EDATEFORMAT, 1},
    {"2005", 0, "YYYY-M", UNIKA_EDATEFORMAT, 6},
    {"01.2005", 0, "MM.YYYY.MM", UNIKA_EDATEFORMAT, 9},
    {"01.01", 0, "DD.MM", UNIKA_EDATEFORMAT, 0},
    {"01.2005", 0, "DD.YYYY", UNIKA_EDATEFORMAT, 0},
    {"2005x", 0, "YYYYx", UNIKA_EDATEFORMAT, 5},
    {"20051", 0, "YYYY1", UNIKA_EDATEFORMAT, 5},
    {"2005", 0, "", UNIKA_EDATEFORMAT, 0},
    {"2005", 0, "YYYY\xc3\xa4", UNIKA_EDATEFORMAT, 5},
    /* alternatives: each pattern checked, positions in the whole format */
    {"2005", 0, "YYYY-MM-DD | ", UNIKA_EDATEFORMAT, 13},
    {"2005", 0, "| YYYY", UNIKA_EDATEFORMAT, 1},
    {"2005", 0, "YYYY || YYYYMMDD", UNIKA_EDATEFORMAT, 7},
    {"2005", 0, "YYYY | DD.YYYY", UNIKA_EDATEFORMAT, 0},
    {"2005", 0, "YYYY | MM-YY", UNIKA_EDATEFORMAT, 11},
    {"2005", 0, "YYYY|YYYY|YYYY|YYYY|YYYY|YYYY|YYYY|YYYY|YYYY", UNIKA_EDATEFORMAT, 41},
    {"2005-13", 0, "YYYY-MM-DD | YYYY-MM | YYYY", UNIKA_EDATE, 6},
    {"05/2005", 0, "YYYY-MM-DD | YYYY", UNIKA_EDATE, 3},
    /* the first pattern whose shape fits decides: never reinterpreted */
    {"13/04/2005", 0, "MM/DD/YYYY | DD/MM/YYYY", UNIKA_EDATE, 1},
};

/* Several patterns per column: the first whose shape fits. */
START_TEST(alternatives)
{
    static const struct {
        const char *in, *format;
        int y, m, d;
    } cases[] = {
        {"2005-03-14", "YYYY-MM-DD | YYYY", 2005, 3, 14},
        {"2005", "YYYY-MM-DD | YYYY", 2005, 0, 0},
        {" 2005 ", "YYYY-MM-DD|YYYY", 2005, 0, 0},
        {"2005-03", "YYYY-MM-DD | YYYY-MM | YYYY", 2005, 3, 0},
        {"14.03.2005", "YYYY-MM-DD | DD.MM.YYYY | YYYY", 2005, 3, 14},
        {"04/03/2005", "DD/MM/YYYY | MM/DD/YYYY", 2005, 3, 4},
        {"14 03 2005", "DD MM YYYY | YYYY", 2005, 3, 14}, /* a space inside a pattern */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        unika_date d;
        unika_error e = {0};
        int rc = unika_date_parse(&d, cases[i].in, strlen(cases[i].in), cases[i].format, &e);
        ck_assert_msg(rc == 0, "%s with %s: %s", cases[i].in, cases[i].format, e.message);
        ck_assert_int_eq(d.year, cases[i].y);
        ck_assert_int_eq(d.month, cases[i].m);
        ck_assert_int_eq(d.day, cases[i].d);
    }
    unika_date d;
    unika_error e = {0};
    ck_assert_int_eq(unika_date_parse(&d, "2005x", 5, "YYYY-MM-DD | YYYY", &e), UNIKA_EDATE);
    ck_assert_str_eq(e.message, "birth_date: expected YYYY-MM-DD or YYYY (no match at character 5)");
    ck_assert_int_eq(unika_date_parse(&d, "05/03/2005", 10, "YYYY-MM-DD", &e), UNIKA_EDATE);
    ck_assert_str_eq(e.message, "birth_date: expected YYYY-MM-DD (no match at character 3)");
    ck_assert_int_eq(unika_date_parse(&d, "5 mars 2005", 11, NULL, &e), UNIKA_EDATE);
    ck_assert_str_eq(e.message, "birth_date: expected YYYY-MM-DD, YYYYMMDD, DD/MM/YYYY, "
                                "YYYY-MM or YYYY (no match at character 2)");
}
END_TEST

START_TEST(accepts)
{
    const date_case *c = &ACCEPT[_i];
    unika_date d = {-1, -1, -1};
    unika_error e = {0};
    int rc = unika_date_parse(&d, c->in, strlen(c->in), c->format, &e);
    ck_assert_msg(rc == 0, "case %d: %s (%s)", _i, unika_err_name(rc), e.message);
    ck_assert_int_eq(d.year, c->year);
    ck_assert_int_eq(d.month, c->month);
    ck_assert_int_eq(d.day, c->day);
    ck_assert(unika_date_valid(&d));
}
END_TEST

START_TEST(rejects)
{
    const date_reject *c = &REJECT[_i];
    unika_date d = {1, 2, 3};
    unika_error e = {0};
    int rc = unika_date_parse(&d, c->in, c->size ? c->size : strlen(c->in), c->format, &e);
    ck_assert_msg(rc == c->code, "case %d: got %s, want %s", _i, unika_err_name(rc),
                  unika_err_name(c->code));
    ck_assert_str_eq(e.field, "birth_date");
    ck_assert_msg(e.position == c->position, "case %d: position %llu, want %llu", _i,
                  (unsigned long long)e.position, (unsigned long long)c->position);
    ck_assert_int_eq(d.year, 0);
    ck_assert_int_eq(d.month, 0);
    ck_assert_int_eq(d.day, 0);
    ck_assert_ptr_null(strstr(e.message, "2005"));
}
END_TEST

START_TEST(formats_to_precision)
{
    static const struct {
        unika_date d;
        unika_date_precision p;
        int code;
        const char *out;
    } cases[] = {
        {{2005, 1, 4}, UNIKA_DATE_DAY, 0, "2005-01-04"},
        {{2005, 1, 4}, UNIKA_DATE_MONTH, 0, "2005-01"},
        {{2005, 1, 4}, UNIKA_DATE_YEAR, 0, "2005"},
        {{2005, 11, 0}, UNIKA_DATE_MONTH, 0, "2005-11"},
        {{2005, 11, 0}, UNIKA_DATE_DAY, UNIKA_EDATE, ""},
        {{2005, 0, 0}, UNIKA_DATE_YEAR, 0, "2005"},
        {{2005, 0, 0}, UNIKA_DATE_MONTH, UNIKA_EDATE, ""},
        {{1800, 12, 31}, UNIKA_DATE_DAY, 0, "1800-12-31"},
        {{2005, 2, 29}, UNIKA_DATE_YEAR, UNIKA_EDATE, ""},  /* invalid even if reduced */
        {{2005, 0, 4}, UNIKA_DATE_YEAR, UNIKA_EDATE, ""},   /* day without month */
        {{2005, 13, 1}, UNIKA_DATE_YEAR, UNIKA_EDATE, ""},
        {{1799, 1, 1}, UNIKA_DATE_YEAR, UNIKA_EDATE, ""},
        {{2005, 1, 4}, (unika_date_precision)0, UNIKA_EINVAL, ""},
        {{2005, 1, 4}, (unika_date_precision)4, UNIKA_EINVAL, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[UNIKA_DATE_TEXT_BYTES] = "junk";
        unika_error e = {0};
        int rc = unika_date_format(out, sizeof out, &cases[i].d, cases[i].p, &e);
        ck_assert_msg(rc == cases[i].code, "case %zu: %s", i, unika_err_name(rc));
        ck_assert_str_eq(out, cases[i].out);
        if (rc) ck_assert_str_eq(e.field, "birth_date");
    }
}
END_TEST

START_TEST(parse_format_round_trip)
{
    /* every day of a leap and a common year, through all three shapes */
    for (int y = 2023; y <= 2024; y++) {
        for (int m = 1; m <= 12; m++) {
            for (int d = 1; d <= 31; d++) {
                unika_date in = {y, m, d}, out;
                char iso[UNIKA_DATE_TEXT_BYTES];
                int valid = unika_date_valid(&in);
                int rc = unika_date_format(iso, sizeof iso, &in, UNIKA_DATE_DAY, NULL);
                ck_assert_int_eq(rc, valid ? 0 : UNIKA_EDATE);
                if (!valid) continue;
                ck_assert_int_eq(unika_date_parse(&out, iso, 10, NULL, NULL), 0);
                ck_assert(out.year == y && out.month == m && out.day == d);
                char compact[9] = {iso[0], iso[1], iso[2], iso[3], iso[5], iso[6], iso[8], iso[9]};
                ck_assert_int_eq(unika_date_parse(&out, compact, 8, NULL, NULL), 0);
                ck_assert(out.year == y && out.month == m && out.day == d);
                char dmy[11] = {iso[8], iso[9], '/', iso[5], iso[6], '/',
                                iso[0], iso[1], iso[2], iso[3]};
                ck_assert_int_eq(unika_date_parse(&out, dmy, 10, NULL, NULL), 0);
                ck_assert(out.year == y && out.month == m && out.day == d);
            }
        }
    }
}
END_TEST

START_TEST(buffers_and_arguments)
{
    unika_date d = {2005, 1, 4};
    char out[UNIKA_DATE_TEXT_BYTES];
    unika_error e = {0};
    ck_assert_int_eq(unika_date_format(out, 10, &d, UNIKA_DATE_DAY, &e), UNIKA_EBUFFER);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(unika_date_format(out, 11, &d, UNIKA_DATE_DAY, &e), 0);
    ck_assert_int_eq(unika_date_format(out, 7, &d, UNIKA_DATE_MONTH, &e), UNIKA_EBUFFER);
    ck_assert_int_eq(unika_date_format(out, 8, &d, UNIKA_DATE_MONTH, &e), 0);
    ck_assert_int_eq(unika_date_format(out, 4, &d, UNIKA_DATE_YEAR, &e), UNIKA_EBUFFER);
    ck_assert_int_eq(unika_date_format(out, 5, &d, UNIKA_DATE_YEAR, &e), 0);
    ck_assert_str_eq(out, "2005");
    ck_assert_int_eq(unika_date_format(NULL, 11, &d, UNIKA_DATE_DAY, &e), UNIKA_EINVAL);
    ck_assert_int_eq(unika_date_format(out, 0, &d, UNIKA_DATE_DAY, &e), UNIKA_EINVAL);
    ck_assert_int_eq(unika_date_format(out, 11, NULL, UNIKA_DATE_DAY, &e), UNIKA_EINVAL);
    ck_assert_int_eq(unika_date_parse(NULL, "2005", 4, NULL, &e), UNIKA_EINVAL);
    ck_assert_int_eq(unika_date_parse(&d, NULL, 4, NULL, &e), UNIKA_EINVAL);
    ck_assert_int_eq(unika_date_parse(&d, NULL, 0, NULL, NULL), UNIKA_EINVAL);
    ck_assert_int_eq(unika_date_valid(NULL), 0);
    ck_assert_uint_eq(unika_date_text_bytes(), UNIKA_DATE_TEXT_BYTES);

    char longer[80];
    memset(longer, ' ', sizeof longer);
    memcpy(longer, "2005", 4);
    ck_assert_int_eq(unika_date_parse(&d, longer, 64, NULL, &e), 0);
    ck_assert_int_eq(unika_date_parse(&d, longer, 65, NULL, &e), UNIKA_ETOOLONG);
    char fmt[80];
    memset(fmt, '-', sizeof fmt);
    memcpy(fmt, "YYYY", 4);
    fmt[64] = '\0';
    ck_assert_int_eq(unika_date_parse(&d, "2005", 4, fmt, &e), UNIKA_EDATE); /* fits */
    fmt[64] = '-';
    fmt[65] = '\0';
    ck_assert_int_eq(unika_date_parse(&d, "2005", 4, fmt, &e), UNIKA_EDATEFORMAT);
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("normalize_date");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, accepts, 0, (int)(sizeof ACCEPT / sizeof ACCEPT[0]));
    tcase_add_loop_test(tc, rejects, 0, (int)(sizeof REJECT / sizeof REJECT[0]));
    tcase_add_test(tc, alternatives);
    tcase_add_test(tc, formats_to_precision);
    tcase_add_test(tc, parse_format_round_trip);
    tcase_add_test(tc, buffers_and_arguments);
    suite_add_tcase(s, tc);
    return s;
}
