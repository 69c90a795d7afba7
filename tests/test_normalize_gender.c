/*
 * test_normalize_gender.c - gender codes to the canonical set, the empty
 * cell, the one-letter codes and the three-way fold used by recipes.
 */
#include <string.h>

#include "testutil.h"
#include "unika.h"

typedef struct {
    const char *in;
    unika_gender g;
} gender_case;

#define M UNIKA_GENDER_MALE
#define F UNIKA_GENDER_FEMALE
#define X UNIKA_GENDER_OTHER
#define U UNIKA_GENDER_UNKNOWN

static const gender_case ACCEPT[] = {
    /* the four partners of the example data */
    {"man", M}, {"kvinna", F}, {"annat", X},
    {"M", M}, {"F", F}, {"X", X},
    {"male", M}, {"female", F}, {"", U},
    {"pojke", M}, {"flicka", F}, {"ok\xc3\xa4nt", U},
    /* the rest of the vocabulary */
    {"m", M}, {"boy", M}, {"kille", M},
    {"f", F}, {"woman", F}, {"girl", F}, {"k", F}, {"tjej", F},
    {"x", X}, {"other", X}, {"annan", X}, {"ickebin\xc3\xa4r", X}, {"icke-bin\xc3\xa4r", X},
    {"icke bin\xc3\xa4r", X}, {"ickebinar", X}, {"non-binary", X}, {"nonbinary", X},
    {"non binary", X}, {"nb", X},
    {"u", U}, {"unknown", U}, {"ok\xc3\xa4nd", U}, {"okant", U},
    /* case, spacing, Unicode forms */
    {"MAN", M}, {" Kvinna ", F}, {"Female\r\n", F}, {"OK\xc3\x84NT", U},
    {"oka\xcc\x88nt", U},                       /* decomposed a + diaeresis */
    {"\xef\xbc\xad\xef\xbc\xa1\xef\xbc\xae", M}, /* fullwidth MAN */
    {"ICKEBIN\xc3\x84R", X}, {"   ", U}, {"\t", U},
};

typedef struct {
    const char *in;
    size_t size;
    int code;
    uint64_t position;
} gender_reject;

static const gender_reject REJECT[] = {
    {"mm", 0, UNIKA_EGENDER, 0},
    {"2", 0, UNIKA_EGENDER, 0},
    {"male female", 0, UNIKA_EGENDER, 0},
    {"ok\xc3\xa4", 0, UNIKA_EGENDER, 0},
    {"\xc3\xa4", 0, UNIKA_EGENDER, 0},
    {"kvinna.", 0, UNIKA_EGENDER, 0},
    {"m\0", 2, UNIKA_EGENDER, 0},
    {"\xff", 0, UNIKA_EUTF8, 1},
    {"ok\xc3", 0, UNIKA_EUTF8, 3},
    {"\xed\xa0\x80", 0, UNIKA_EUTF8, 1},
};

START_TEST(accepts)
{
    const gender_case *c = &ACCEPT[_i];
    unika_gender g = (unika_gender)99;
    unika_error e = {0};
    e.line = 7; /* a caller's record position survives a success */
    int rc = unika_gender_parse(&g, c->in, strlen(c->in), &e);
    ck_assert_msg(rc == 0, "case %d: %s", _i, unika_err_name(rc));
    ck_assert_int_eq(g, c->g);
    ck_assert_int_eq(e.code, 0);
    ck_assert_uint_eq(e.line, 7);
}
END_TEST

START_TEST(rejects)
{
    const gender_reject *c = &REJECT[_i];
    unika_gender g = M;
    unika_error e = {0};
    int rc = unika_gender_parse(&g, c->in, c->size ? c->size : strlen(c->in), &e);
    ck_assert_msg(rc == c->code, "case %d: got %s", _i, unika_err_name(rc));
    ck_assert_int_eq(e.code, c->code);
    ck_assert_str_eq(e.field, "gender");
    ck_assert_uint_eq(e.position, c->position);
    ck_assert_int_eq(g, U);
}
END_TEST

START_TEST(codes_and_fold)
{
    ck_assert_str_eq(unika_gender_code(M), "M");
    ck_assert_str_eq(unika_gender_code(F), "F");
    ck_assert_str_eq(unika_gender_code(X), "X");
    ck_assert_str_eq(unika_gender_code(U), "U");
    ck_assert_str_eq(unika_gender_code((unika_gender)42), "U");
    ck_assert_int_eq(unika_gender_fold(M), M);
    ck_assert_int_eq(unika_gender_fold(F), F);
    ck_assert_int_eq(unika_gender_fold(X), X);
    ck_assert_int_eq(unika_gender_fold(U), X);
    ck_assert_int_eq(unika_gender_fold((unika_gender)-3), X);
    /* every canonical code parses back to itself */
    static const unika_gender all[] = {M, F, X, U};
    for (size_t i = 0; i < 4; i++) {
        unika_gender g;
        const char *code = unika_gender_code(all[i]);
        ck_assert_int_eq(unika_gender_parse(&g, code, strlen(code), NULL), 0);
        ck_assert_int_eq(g, all[i]);
    }
}
END_TEST

START_TEST(arguments_and_bounds)
{
    unika_gender g;
    unika_error e = {0};
    ck_assert_int_eq(unika_gender_parse(NULL, "m", 1, &e), UNIKA_EINVAL);
    ck_assert_int_eq(unika_gender_parse(&g, NULL, 1, &e), UNIKA_EINVAL);
    ck_assert_int_eq(unika_gender_parse(&g, NULL, 0, NULL), UNIKA_EINVAL);
    char in[80];
    memset(in, ' ', sizeof in);
    in[0] = 'f';
    ck_assert_int_eq(unika_gender_parse(&g, in, 64, &e), 0);
    ck_assert_int_eq(g, F);
    ck_assert_int_eq(unika_gender_parse(&g, in, 65, &e), UNIKA_ETOOLONG);
    ck_assert_str_eq(e.field, "gender");
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("normalize_gender");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, accepts, 0, (int)(sizeof ACCEPT / sizeof ACCEPT[0]));
    tcase_add_loop_test(tc, rejects, 0, (int)(sizeof REJECT / sizeof REJECT[0]));
    tcase_add_test(tc, codes_and_fold);
    tcase_add_test(tc, arguments_and_bounds);
    suite_add_tcase(s, tc);
    return s;
}
