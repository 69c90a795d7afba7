/*
 * test_json.c - the one JSON reader (src/common/json.c): what it accepts,
 * and every refusal by name, line and column (duplicate keys, invalid
 * UTF-8, a byte order mark, U+0000, lone surrogates, numbers out of range,
 * depth, trailing content).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "testutil.h"
#include "unika.h"

static unika_json *parse_ok(const char *src)
{
    unika_json *j = NULL;
    unika_error e = {0};
    int rc = unika_json_parse(&j, src, strlen(src), &e);
    ck_assert_msg(rc == 0, "refused %s: %s", src, e.message);
    ck_assert_ptr_nonnull(j);
    return j;
}

/* Parses src (n bytes) and expects a refusal with `code` whose message
 * holds `want` (line and column included). */
static void refused_n(const char *src, size_t n, int code, const char *want)
{
    unika_json *j = (unika_json *)1;
    unika_error e = {0};
    int rc = unika_json_parse(&j, src, n, &e);
    ck_assert_msg(rc == code, "%.*s: code %d, expected %d (%s)", (int)n, src, rc, code, e.message);
    ck_assert_int_eq(e.code, code);
    ck_assert_ptr_null(j);
    ck_assert_msg(strstr(e.message, want) != NULL, "message \"%s\" lacks \"%s\"", e.message, want);
}

static void refused(const char *src, int code, const char *want)
{
    refused_n(src, strlen(src), code, want);
}

START_TEST(accepts_rfc8259)
{
    unika_json *j = parse_ok(" {\"a\": [1, -2.5e3, true, false, null],\n \"b\": \"x\\u00e9\\ud83d\\ude00\\n\","
                             " \"c\": {}, \"d\": []} ");
    ck_assert_int_eq(j->type, UNIKA_JSON_OBJECT);
    ck_assert_uint_eq(j->n, 4);
    const unika_json *a = unika_json_get(j, "a");
    ck_assert_uint_eq(a->n, 5);
    ck_assert(a->items[1]->number == -2500.0);
    ck_assert_str_eq(a->items[1]->text, "-2.5e3");
    ck_assert_str_eq(unika_json_str(j, "b"), "x\xc3\xa9\xf0\x9f\x98\x80\n");
    ck_assert_uint_eq(unika_json_get(j, "b")->line, 2);
    ck_assert_uint_eq(unika_json_get(j, "b")->column, 7);
    int ok;
    ck_assert(unika_json_num(a, "x", &ok) == 0 && !ok);
    static const char *const known[] = {"a", "b", "c"};
    ck_assert_str_eq(unika_json_member_check(j, known, 3), "d");
    static const char *const all[] = {"d", "c", "b", "a"};
    ck_assert_ptr_null(unika_json_member_check(j, all, 4));
    unika_json_free(j);
    unika_json_free(parse_ok("0"));
    unika_json_free(parse_ok("\"\""));
}
END_TEST

START_TEST(refuses_duplicate_keys)
{
    /* The issue-13 attack: verify read the first "figures", Python and jq the last. */
    refused("{\"figures\": [1],\n \"figures\": [2]}", UNIKA_EFORMAT,
            "JSON line 2, column 13: the key \"figures\" appears twice in one object "
            "(first at line 1, column 13)");
    refused("{\"o\": {\"a\": 1, \"b\": 2, \"a\": 3}}", UNIKA_EFORMAT, "the key \"a\" appears twice");
    /* A large object is sorted, not compared pairwise: same answer. */
    char big[8192];
    size_t n = (size_t)snprintf(big, sizeof big, "{");
    for (int i = 0; i < 500; i++) n += (size_t)snprintf(big + n, sizeof big - n, "\"k%d\": %d, ", i, i);
    snprintf(big + n, sizeof big - n, "\"k250\": 0}");
    refused(big, UNIKA_EFORMAT, "the key \"k250\" appears twice");
    big[n] = '\0';
    snprintf(big + n, sizeof big - n, "\"k500\": 0}");
    unika_json_free(parse_ok(big));
}
END_TEST

START_TEST(refuses_bad_text)
{
    refused_n("{\"a\": \"\xc3\x28\"}", 11, UNIKA_EUTF8, "invalid UTF-8 (byte 8)");
    refused_n("{\"a\": \"\xed\xa0\x80\"}", 12, UNIKA_EUTF8, "invalid UTF-8");         /* surrogate */
    refused_n("{\"a\": \"\xc0\xaf\"}", 11, UNIKA_EUTF8, "invalid UTF-8");             /* overlong */
    refused("\xef\xbb\xbf{}", UNIKA_EFORMAT, "a byte order mark");
    refused("{\"a\": \"x\\u0000y\"}", UNIKA_EFORMAT, "\\u0000 in a string");
    refused("{\"a\": \"\\ud800\"}", UNIKA_EFORMAT, "a high surrogate escape without its low surrogate");
    refused("{\"a\": \"\\udc00\"}", UNIKA_EFORMAT, "a lone low surrogate escape");
    refused("{\"a\": \"x\ty\"}", UNIKA_EFORMAT, "a control character in a string");
    refused("{\"a\": \"\\x\"}", UNIKA_EFORMAT, "an invalid escape");
    refused("{\"a\": \"abc", UNIKA_EFORMAT, "an unterminated string");
    refused_n("{\"a\": 1}\0", 9, UNIKA_EFORMAT, "content after the end of the document");
}
END_TEST

START_TEST(refuses_bad_structure)
{
    refused("{\"a\": 1,}", UNIKA_EFORMAT, "JSON line 1, column 9: expected a string key");
    refused("[1, 2,]", UNIKA_EFORMAT, "an unexpected character");
    refused("{'a': 1}", UNIKA_EFORMAT, "expected a string key");
    refused("{\"a\" 1}", UNIKA_EFORMAT, "expected ':' after a key");
    refused("{\"a\": 1} {}", UNIKA_EFORMAT, "content after the end of the document");
    refused("[NaN]", UNIKA_EFORMAT, "an unexpected character");
    refused("// x\n{}", UNIKA_EFORMAT, "JSON line 1, column 1: an unexpected character");
    refused("", UNIKA_EFORMAT, "unexpected end of the document");
    refused("tru", UNIKA_EFORMAT, "an unexpected character");
}
END_TEST

START_TEST(refuses_numbers_out_of_range)
{
    refused("[1e400]", UNIKA_EFORMAT, "JSON line 1, column 2: a number out of the range of a double");
    refused("[-1e400]", UNIKA_EFORMAT, "a number out of the range of a double");
    refused("[1e-400]", UNIKA_EFORMAT, "a number out of the range of a double");
    refused("[01]", UNIKA_EFORMAT, "expected ',' or ']'");
    refused("[1.]", UNIKA_EFORMAT, "a malformed number");
    refused("[-]", UNIKA_EFORMAT, "a malformed number");
    refused("[+1]", UNIKA_EFORMAT, "an unexpected character");
    refused("[0.00000000000000000000000000000000000000001]", UNIKA_EFORMAT,
            "a number literal longer than 40 characters");
    unika_json *j = parse_ok("[1.7976931348623157e308, 5e-300, -0]");
    ck_assert(j->items[0]->number > 1e308);
    unika_json_free(j);
}
END_TEST

START_TEST(refuses_deep_nesting)
{
    char deep[80];
    memset(deep, '[', 33);
    memset(deep + 33, ']', 33);
    deep[66] = '\0';
    refused(deep, UNIKA_EFORMAT, "JSON line 1, column 33: nesting deeper than 32");
    /* 32 levels are fine. */
    deep[65] = '\0';
    unika_json_free(parse_ok(deep + 1));
}
END_TEST

START_TEST(misuse)
{
    unika_json *j = NULL;
    unika_error e = {0};
    ck_assert_int_eq(unika_json_parse(NULL, "{}", 2, &e), UNIKA_EINVAL);
    ck_assert_int_eq(unika_json_parse(&j, NULL, 2, &e), UNIKA_EINVAL);
    ck_assert_ptr_null(unika_json_get(NULL, "a"));
    unika_json_free(NULL);
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, accepts_rfc8259);
    tcase_add_test(tc, refuses_duplicate_keys);
    tcase_add_test(tc, refuses_bad_text);
    tcase_add_test(tc, refuses_bad_structure);
    tcase_add_test(tc, refuses_numbers_out_of_range);
    tcase_add_test(tc, refuses_deep_nesting);
    tcase_add_test(tc, misuse);
    suite_add_tcase(s, tc);
    return s;
}
