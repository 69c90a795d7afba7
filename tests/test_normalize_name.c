/*
 * test_normalize_name.c - unika_normalize_name(): accepted names and their
 * canonical form, rejected input with the right code and position, buffer
 * and argument handling, and the properties the pseudonyms rely on
 * (idempotent, word-order free, ASCII fast path == utf8proc path).
 */
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "unika.h"

typedef struct {
    const char *in;
    const char *out;
} name_case;

static const name_case ACCEPT[] = {
    /* word order, "Surname, Given", case, hyphens, spacing */
    {"Samir Al-Khalil", "al khalil samir"},
    {"Al-Khalil, Samir", "al khalil samir"},
    {"SAMIR AL KHALIL", "al khalil samir"},
    {"  Reza   Mohammadi  ", "mohammadi reza"},
    {"Mohammadi,Reza", "mohammadi reza"},
    {"Qasim Jawad Mohammadi", "jawad mohammadi qasim"},
    {"Reza\tMohammadi\n", "mohammadi reza"},
    {"b A", "a b"},
    {"Ali Ali", "ali ali"},          /* repeated tokens are kept */
    {"Ali 2", "2 ali"},              /* digits are token characters */
    {"Jean-Luc", "jean luc"},
    {"O'Brien", "brien o"},          /* apostrophes separate */
    {"Ben--Ali..", "ali ben"},
    {"a", "a"},
    /* accents and other marks stripped */
    {"Jos\xc3\xa9 M\xc3\xbcller", "jose muller"},
    {"\xc3\x85ngstr\xc3\xb6m, \xc3\x85sa", "angstrom asa"},
    {"Jose\xcc\x81", "jose"},                                 /* decomposed accent */
    {"Stra\xc3\x9f" "e", "strasse"},                          /* full case folding */
    {"\xc4\xb0smail", "ismail"},                              /* dotted capital I */
    /* typographic punctuation and spaces separate */
    {"O\xe2\x80\x99" "Brien", "brien o"},                     /* U+2019 */
    {"Jean\xe2\x80\x90Luc", "jean luc"},                      /* U+2010 hyphen */
    {"Reza\xc2\xa0Mohammadi", "mohammadi reza"},              /* no-break space */
    {"Sa\xca\xbfid", "id sa"},                                /* U+02BF ayn mark */
    /* compatibility forms (NFKC) */
    {"\xef\xbc\xa1\xef\xbc\xac\xef\xbc\xa9", "ali"},          /* fullwidth ALI */
    {"\xef\xac\x81rooz", "firooz"},                           /* fi ligature */
    /* ignorables removed, joining the word */
    {"Mo\xc2\xad" "hammad", "mohammad"},                      /* soft hyphen */
    /* non-Latin scripts kept, folded, not transliterated */
    {"\xd9\x85\xd8\xad\xd9\x85\xd8\xaf", "\xd9\x85\xd8\xad\xd9\x85\xd8\xaf"},
    {"\xd9\x85\xd9\x8f\xd8\xad\xd9\x8e\xd9\x85\xd9\x91\xd9\x8e\xd8\xaf",
     "\xd9\x85\xd8\xad\xd9\x85\xd8\xaf"},                     /* harakat stripped */
    {"\xd9\x85\xd8\xad\xd9\x80\xd9\x80\xd9\x85\xd8\xaf",
     "\xd9\x85\xd8\xad\xd9\x85\xd8\xaf"},                     /* tatweel dropped */
    {"\xd8\xb9\xd8\xa8\xd8\xaf\xe2\x80\x8c\xd8\xa7\xd9\x84\xd9\x84\xd9\x87",
     "\xd8\xb9\xd8\xa8\xd8\xaf\xd8\xa7\xd9\x84\xd9\x84\xd9\x87"}, /* ZWNJ removed */
    {"\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd", "\xd0\xb8\xd0\xb2\xd0\xb0\xd0\xbd"}, /* Cyrillic */
    {"\xe1\x88\xb0\xe1\x88\x98\xe1\x88\xa8", "\xe1\x88\xb0\xe1\x88\x98\xe1\x88\xa8"}, /* Ge'ez */
    {"\xce\xa3\xce\xbf\xcf\x86\xce\xaf\xce\xb1", "\xcf\x83\xce\xbf\xcf\x86\xce\xb9\xce\xb1"},
};

typedef struct {
    const char *in;
    size_t size; /* 0: strlen */
    int code;
    uint64_t position;
} name_reject;

static const name_reject REJECT[] = {
    {"", 0, UNIKA_EEMPTY, 0},
    {"   \t ", 0, UNIKA_EEMPTY, 0},
    {"\xc2\xa0", 0, UNIKA_EEMPTY, 0},               /* only a no-break space */
    {"\xe2\x80\x8b", 0, UNIKA_EEMPTY, 0},           /* only a zero-width space */
    {"---", 0, UNIKA_ENAME, 0},
    {"'", 0, UNIKA_ENAME, 0},
    {"\xcc\x81", 0, UNIKA_ENAME, 0},                /* a lone combining accent */
    {"Ali\x01Reza", 0, UNIKA_ENAME, 4},
    {"Ali\0Reza", 8, UNIKA_ENAME, 4},
    {"Ali\x7f", 0, UNIKA_ENAME, 4},
    {"\xc3\xa9" "a\x01", 0, UNIKA_ENAME, 3},        /* character, not byte, position */
    {"Ali \xee\x80\x80", 0, UNIKA_ENAME, 5},        /* private use U+E000 */
    {"Ali \xcd\xb8", 0, UNIKA_ENAME, 5},            /* unassigned U+0378 */
    {"Ali \xc2\x80", 0, UNIKA_ENAME, 5},            /* C1 control */
    /* invalid UTF-8: byte position of the bad sequence */
    {"\xc0\xaf", 0, UNIKA_EUTF8, 1},                /* overlong '/' */
    {"ab\xe0\x80\xaf", 0, UNIKA_EUTF8, 3},          /* overlong, 3 bytes */
    {"\xf0\x80\x80\xaf", 0, UNIKA_EUTF8, 1},        /* overlong, 4 bytes */
    {"ab\x80", 0, UNIKA_EUTF8, 3},                  /* lone continuation */
    {"ab\xc3", 0, UNIKA_EUTF8, 3},                  /* truncated */
    {"ab\xe2\x82", 0, UNIKA_EUTF8, 3},              /* truncated */
    {"\xe2\x82" "ab", 0, UNIKA_EUTF8, 1},           /* continuation missing */
    {"\xed\xa0\x80", 0, UNIKA_EUTF8, 1},            /* surrogate U+D800 */
    {"x\xf4\x90\x80\x80", 0, UNIKA_EUTF8, 2},       /* above U+10FFFF */
    {"\xff", 0, UNIKA_EUTF8, 1},
    {"Ali\x01\xff", 0, UNIKA_EUTF8, 5},             /* UTF-8 is checked first */
};

static int norm(char *dst, size_t cap, const char *s, size_t n, unika_error *e)
{
    size_t len = 12345;
    int rc = unika_normalize_name(dst, cap, &len, s, n, e);
    if (rc == 0) ck_assert_uint_eq(len, strlen(dst));
    else ck_assert_uint_eq(len, 0);
    return rc;
}

START_TEST(accepts)
{
    const name_case *c = &ACCEPT[_i];
    char out[UNIKA_NAME_MAX_BYTES];
    unika_error e = {0};
    int rc = norm(out, sizeof out, c->in, strlen(c->in), &e);
    ck_assert_msg(rc == 0, "case %d: %s (%s)", _i, unika_err_name(rc), e.message);
    ck_assert_msg(strcmp(out, c->out) == 0, "case %d: got '%s', want '%s'", _i, out, c->out);
    /* idempotent: the canonical form is a fixed point */
    char again[UNIKA_NAME_MAX_BYTES];
    ck_assert_int_eq(norm(again, sizeof again, out, strlen(out), NULL), 0);
    ck_assert_str_eq(again, out);
}
END_TEST

START_TEST(rejects)
{
    const name_reject *c = &REJECT[_i];
    size_t n = c->size ? c->size : strlen(c->in);
    char out[UNIKA_NAME_MAX_BYTES];
    unika_error e = {0};
    int rc = norm(out, sizeof out, c->in, n, &e);
    ck_assert_msg(rc == c->code, "case %d: got %s, want %s", _i, unika_err_name(rc),
                  unika_err_name(c->code));
    ck_assert_int_eq(e.code, c->code);
    ck_assert_str_eq(e.field, "name");
    ck_assert_msg(e.position == c->position, "case %d: position %llu, want %llu", _i,
                  (unsigned long long)e.position, (unsigned long long)c->position);
    ck_assert_str_eq(out, "");
    ck_assert_ptr_null(strstr(e.message, "Ali"));
    ck_assert_ptr_null(strstr(e.message, "Reza"));
    /* the same verdict without a detail record */
    ck_assert_int_eq(norm(out, sizeof out, c->in, n, NULL), c->code);
}
END_TEST

START_TEST(word_order_does_not_matter)
{
    static const char *const forms[] = {
        "Qasim Jawad Mohammadi", "Mohammadi, Qasim Jawad", "Jawad Qasim Mohammadi",
        "MOHAMMADI JAWAD QASIM", "mohammadi-jawad-qasim", "Jawad, Mohammadi  Qasim",
    };
    char first[UNIKA_NAME_MAX_BYTES], out[UNIKA_NAME_MAX_BYTES];
    ck_assert_int_eq(norm(first, sizeof first, forms[0], strlen(forms[0]), NULL), 0);
    for (size_t i = 1; i < sizeof forms / sizeof forms[0]; i++) {
        ck_assert_int_eq(norm(out, sizeof out, forms[i], strlen(forms[i]), NULL), 0);
        ck_assert_str_eq(out, first);
    }
    /* but a different spelling stays different: that is the loose key's job */
    ck_assert_int_eq(norm(out, sizeof out, "Qasim Javad Mohammadi", 21, NULL), 0);
    ck_assert_str_ne(out, first);
}
END_TEST

START_TEST(length_bounds)
{
    char in[UNIKA_NAME_MAX_INPUT_BYTES + 8];
    char out[UNIKA_NAME_MAX_BYTES];
    unika_error e = {0};

    /* the longest normalised name fits exactly in UNIKA_NAME_MAX_BYTES */
    memset(in, 'a', UNIKA_NAME_MAX_BYTES);
    ck_assert_int_eq(norm(out, sizeof out, in, UNIKA_NAME_MAX_BYTES - 1, &e), 0);
    ck_assert_uint_eq(strlen(out), UNIKA_NAME_MAX_BYTES - 1);
    ck_assert_int_eq(norm(out, sizeof out, in, UNIKA_NAME_MAX_BYTES, &e), UNIKA_ETOOLONG);
    ck_assert_str_eq(e.field, "name");

    /* 128 one-letter tokens need 255 bytes; 129 need 257 */
    for (int i = 0; i < 129; i++) { in[2 * i] = 'b'; in[2 * i + 1] = ' '; }
    ck_assert_int_eq(norm(out, sizeof out, in, 2 * 128, NULL), 0);
    ck_assert_uint_eq(strlen(out), 255);
    ck_assert_int_eq(norm(out, sizeof out, in, 2 * 129, NULL), UNIKA_ETOOLONG);

    /* separators do not count: 1024 bytes of mostly spaces are fine */
    memset(in, ' ', UNIKA_NAME_MAX_INPUT_BYTES);
    memcpy(in + 500, "Ali", 3);
    ck_assert_int_eq(norm(out, sizeof out, in, UNIKA_NAME_MAX_INPUT_BYTES, NULL), 0);
    ck_assert_str_eq(out, "ali");
    ck_assert_int_eq(norm(out, sizeof out, in, UNIKA_NAME_MAX_INPUT_BYTES + 1, &e),
                     UNIKA_ETOOLONG);

    /* expansion by NFKC counts: U+FDFA becomes 18 letters */
    static const char fdfa[] = "\xef\xb7\xba";
    char big[15 * 3 + 1];
    for (int i = 0; i < 15; i++) memcpy(big + 3 * i, fdfa, 3);
    ck_assert_int_eq(norm(out, sizeof out, big, 3, NULL), 0);
    ck_assert_int_eq(norm(out, sizeof out, big, 45, &e), UNIKA_ETOOLONG);
    /* ... and so many that the decomposition leaves the stack buffer */
    char huge[UNIKA_NAME_MAX_INPUT_BYTES];
    for (int i = 0; i < UNIKA_NAME_MAX_INPUT_BYTES / 3; i++) memcpy(huge + 3 * i, fdfa, 3);
    ck_assert_int_eq(norm(out, sizeof out, huge, UNIKA_NAME_MAX_INPUT_BYTES / 3 * 3, &e),
                     UNIKA_ETOOLONG);
    ck_assert_uint_eq(unika_name_max_bytes(), UNIKA_NAME_MAX_BYTES);
}
END_TEST

START_TEST(buffers_and_arguments)
{
    char out[UNIKA_NAME_MAX_BYTES];
    size_t len = 99;
    unika_error e = {0};
    /* "samir" needs 6 bytes */
    ck_assert_int_eq(unika_normalize_name(out, 5, &len, "Samir", 5, &e), UNIKA_EBUFFER);
    ck_assert_int_eq(e.code, UNIKA_EBUFFER);
    ck_assert_str_eq(out, "");
    ck_assert_uint_eq(len, 0);
    ck_assert_int_eq(unika_normalize_name(out, 6, &len, "Samir", 5, &e), 0);
    ck_assert_str_eq(out, "samir");
    ck_assert_uint_eq(len, 5);
    /* non-ASCII path too: "ali reza" needs 9 */
    ck_assert_int_eq(unika_normalize_name(out, 8, NULL, "Reza \xc3\x81li", 9, &e),
                     UNIKA_EBUFFER);
    ck_assert_int_eq(unika_normalize_name(out, 9, NULL, "Reza \xc3\x81li", 9, &e), 0);
    ck_assert_str_eq(out, "ali reza");

    ck_assert_int_eq(unika_normalize_name(NULL, 10, &len, "Samir", 5, &e), UNIKA_EINVAL);
    ck_assert_int_eq(unika_normalize_name(out, 0, &len, "Samir", 5, &e), UNIKA_EINVAL);
    ck_assert_int_eq(unika_normalize_name(out, sizeof out, &len, NULL, 5, &e), UNIKA_EINVAL);
    ck_assert_int_eq(unika_normalize_name(out, sizeof out, &len, NULL, 0, NULL), UNIKA_EINVAL);
    ck_assert_str_eq(e.field, "name");
    /* src need not be NUL-terminated: only src_size bytes are read */
    static const char unterminated[5] = {'S', 'a', 'm', 'i', 'r'};
    ck_assert_int_eq(unika_normalize_name(out, sizeof out, NULL, unterminated, 3, NULL), 0);
    ck_assert_str_eq(out, "sam");
}
END_TEST

/* The fast path must agree with utf8proc's path. Appending a no-break
 * space (a separator) forces the Unicode path without changing the name. */
START_TEST(ascii_path_matches_unicode_path)
{
    static const char *const names[] = {
        "Samir Al-Khalil", "O'Brien, Mary-Ann", "ZAKARIYYA  el amrani", "A.B.C", "x_y+z=w",
        "Jean{Luc}[2]", "Ali|Reza~Noori", "tab\there", "##Hamza##", "9 to 5",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char a[UNIKA_NAME_MAX_BYTES], u[UNIKA_NAME_MAX_BYTES], in[128];
        size_t n = strlen(names[i]);
        memcpy(in, names[i], n);
        memcpy(in + n, "\xc2\xa0", 2);
        ck_assert_int_eq(norm(a, sizeof a, names[i], n, NULL), 0);
        ck_assert_int_eq(norm(u, sizeof u, in, n + 2, NULL), 0);
        ck_assert_str_eq(a, u);
    }
    /* every printable ASCII character, alone between two letters */
    for (int c = 0x20; c < 0x7f; c++) {
        char in[8] = {'p', (char)c, 'q', '\xc2', '\xa0'};
        char a[UNIKA_NAME_MAX_BYTES], u[UNIKA_NAME_MAX_BYTES];
        ck_assert_int_eq(norm(a, sizeof a, in, 3, NULL), 0);
        ck_assert_int_eq(norm(u, sizeof u, in, 5, NULL), 0);
        ck_assert_msg(strcmp(a, u) == 0, "0x%02x: '%s' vs '%s'", c, a, u);
    }
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("normalize_name");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, accepts, 0, (int)(sizeof ACCEPT / sizeof ACCEPT[0]));
    tcase_add_loop_test(tc, rejects, 0, (int)(sizeof REJECT / sizeof REJECT[0]));
    tcase_add_test(tc, word_order_does_not_matter);
    tcase_add_test(tc, length_bounds);
    tcase_add_test(tc, buffers_and_arguments);
    tcase_add_test(tc, ascii_path_matches_unicode_path);
    suite_add_tcase(s, tc);
    return s;
}
