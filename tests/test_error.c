/*
 * test_error.c - the error list: pinned numbers, names, messages, details.
 */
#include <string.h>

#include "common/common.h"
#include "testutil.h"
#include "unika.h"

START_TEST(codes_are_pinned)
{
    /* Numbers are part of the ABI; bindings hard-code them. */
    ck_assert_int_eq(UNIKA_OK, 0);
    ck_assert_int_eq(UNIKA_EINVAL, -1);
    ck_assert_int_eq(UNIKA_ENOMEM, -2);
    ck_assert_int_eq(UNIKA_EKEYPERM, -32);
    ck_assert_int_eq(UNIKA_EDATE, -43);
    ck_assert_int_eq(UNIKA_ECHECKSUM, -76);
    ck_assert_int_eq(UNIKA_ECSV, -100);
}
END_TEST

START_TEST(every_code_has_a_distinct_name_and_message)
{
    static const int codes[] = {
#define CODE_(name, value, msg) value,
        UNIKA_ERRNO_MAP(CODE_)
#undef CODE_
    };
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(codes); i++) {
        ck_assert_str_ne(unika_strerror(codes[i]), "unknown error");
        ck_assert_str_ne(unika_err_name(codes[i]), "UNIKA_UNKNOWN");
        for (size_t j = i + 1; j < UNIKA_ARRAY_LEN(codes); j++)
            ck_assert_int_ne(codes[i], codes[j]);
    }
    ck_assert_str_eq(unika_err_name(UNIKA_EUTF8), "UNIKA_EUTF8");
    ck_assert_str_eq(unika_strerror(12345), "unknown error");
    ck_assert_str_eq(unika_err_name(-9999), "UNIKA_UNKNOWN");
}
END_TEST

START_TEST(fail_fills_the_detail)
{
    unika_error e = {0};
    e.line = 7; /* set by a reader before the normaliser fails */
    int rc = unika_fail_at(&e, UNIKA_EDATE, "birth_date", 5, "month %d out of range", 13);
    ck_assert_int_eq(rc, UNIKA_EDATE);
    ck_assert_int_eq(e.code, UNIKA_EDATE);
    ck_assert_str_eq(e.field, "birth_date");
    ck_assert_str_eq(e.message, "month 13 out of range");
    ck_assert_uint_eq(e.position, 5);
    ck_assert_uint_eq(e.line, 7);
    ck_assert_int_eq(unika_fail(NULL, UNIKA_EIO, "ignored"), UNIKA_EIO);
    unika_error_clear(&e);
    ck_assert_int_eq(e.code, 0);
    unika_error_clear(NULL);
}
END_TEST

START_TEST(version_matches_header)
{
    ck_assert_uint_eq(unika_version_number(), UNIKA_VERSION_NUMBER);
    ck_assert_int_eq(unika_init(), 1); /* main() already initialised */
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("error");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, codes_are_pinned);
    tcase_add_test(tc, every_code_has_a_distinct_name_and_message);
    tcase_add_test(tc, fail_fills_the_detail);
    tcase_add_test(tc, version_matches_header);
    suite_add_tcase(s, tc);
    return s;
}
