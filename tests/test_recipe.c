/*
 * test_recipe.c - recipes: parsing, canonical text, names, fingerprints.
 */
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "common/common.h"
#include "testutil.h"
#include "unika.h"
#include "unika/recipe.h"

START_TEST(field_names_round_trip)
{
    ck_assert_uint_eq(unika_recipe_max_fields(), UNIKA_RECIPE_MAX_FIELDS);
    /* The pinned numbers enter every pseudonym (docs/pseudonyms.md). */
    ck_assert_int_eq(UNIKA_FIELD_NAME, 1);
    ck_assert_int_eq(UNIKA_FIELD_GENDER, 6);
    ck_assert_int_eq(UNIKA_FIELD_DIGITS, 10);
    for (int f = 1; f <= UNIKA_FIELD_MAX; f++) {
        const char *name = unika_field_name((unika_field)f);
        ck_assert_ptr_nonnull(name);
        unika_field back = 0;
        ck_assert_int_eq(unika_field_from_name(&back, name, strlen(name), NULL), 0);
        ck_assert_int_eq(back, f);
    }
    ck_assert_ptr_null(unika_field_name((unika_field)0));
    ck_assert_ptr_null(unika_field_name((unika_field)(UNIKA_FIELD_MAX + 1)));
    unika_field f;
    ck_assert_int_eq(unika_field_from_name(&f, "Name", 4, NULL), UNIKA_EFIELD);
    ck_assert_int_eq(unika_field_from_name(&f, "nam", 3, NULL), UNIKA_EFIELD);
    ck_assert_int_eq(unika_field_from_name(NULL, "name", 4, NULL), UNIKA_EINVAL);
}
END_TEST

/* Every way of writing a recipe gives the one canonical text and name. */
START_TEST(texts_parse_to_their_canonical_form)
{
    static const struct {
        const char *text, *canonical, *name;
    } cases[] = {
        {"strict", "unika-recipe-v1:name,birth_year,gender", "strict"},
        {"STRICT", "unika-recipe-v1:name,birth_year,gender", "strict"},
        {"name+birth_year+gender", "unika-recipe-v1:name,birth_year,gender", "strict"},
        {" name , birth_year , gender ", "unika-recipe-v1:name,birth_year,gender", "strict"},
        {"unika-recipe-v1:name,birth_year,gender", "unika-recipe-v1:name,birth_year,gender",
         "strict"},
        {"loose", "unika-recipe-v1:name_loose,birth_year,gender", "loose"},
        {"dob", "unika-recipe-v1:name,birth_date,gender", "dob"},
        {"pnr", "unika-recipe-v1:personnummer", "pnr"},
        {"personnummer", "unika-recipe-v1:personnummer", "pnr"},
        {"dossier", "unika-recipe-v1:dossier", "dossier"},
        {"name+birth_month+country", "unika-recipe-v1:name,birth_month,country",
         "name+birth_month+country"},
        {"gender+birth_year+name", "unika-recipe-v1:gender,birth_year,name",
         "gender+birth_year+name"},
        {"digits", "unika-recipe-v1:digits", "digits"},
    };
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(cases); i++) {
        unika_recipe *r = NULL;
        unika_error e = {0};
        ck_assert_msg(unika_recipe_parse(&r, cases[i].text, SIZE_MAX, &e) == 0, "%s: %s",
                      cases[i].text, e.message);
        ck_assert_str_eq(unika_recipe_canonical(r), cases[i].canonical);
        ck_assert_str_eq(unika_recipe_name(r), cases[i].name);
        /* The canonical text parses back to the same recipe. */
        unika_recipe *again = NULL;
        ck_assert_int_eq(unika_recipe_parse(&again, unika_recipe_canonical(r), SIZE_MAX, &e), 0);
        ck_assert_int_eq(unika_recipe_equal(r, again), 1);
        ck_assert_mem_eq(unika_recipe_fingerprint_ptr(r), unika_recipe_fingerprint_ptr(again),
                         UNIKA_FINGERPRINT_BYTES);
        unika_recipe_free(again);
        unika_recipe_free(r);
    }
}
END_TEST

START_TEST(bad_recipe_texts_are_refused)
{
    static const struct {
        const char *text;
        int code;
        uint64_t position;
    } cases[] = {
        {"", UNIKA_ERECIPE, 0},
        {"   ", UNIKA_ERECIPE, 0},
        {"name+", UNIKA_ERECIPE, 6},
        {"+name", UNIKA_ERECIPE, 1},
        {"name++gender", UNIKA_ERECIPE, 6},
        {"name+surname", UNIKA_EFIELD, 6},
        {"strict+gender", UNIKA_EFIELD, 1},
        {"name+gender+name", UNIKA_ERECIPE, 0},
        {"unika-recipe-v2:name", UNIKA_ERECIPE, 15},
        {"unika-recipe-v1:", UNIKA_ERECIPE, 17},
        {"unika-recipe-v1:name, gender", UNIKA_ERECIPE, 23},
        {"name+birth_year+birth_date+birth_month+gender+country+personnummer+dossier+digits",
         UNIKA_ERECIPE, 76},
    };
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(cases); i++) {
        unika_recipe *r = (unika_recipe *)&r; /* must be reset to NULL */
        unika_error e = {0};
        int rc = unika_recipe_parse(&r, cases[i].text, SIZE_MAX, &e);
        ck_assert_msg(rc == cases[i].code, "%s: got %d", cases[i].text, rc);
        ck_assert_int_eq(e.code, cases[i].code);
        ck_assert_str_eq(e.field, "recipe");
        ck_assert_msg(e.position == cases[i].position, "%s: position %llu", cases[i].text,
                      (unsigned long long)e.position);
        ck_assert_ptr_null(r);
    }
    unika_recipe *r = NULL;
    ck_assert_int_eq(unika_recipe_parse(&r, NULL, 0, NULL), UNIKA_EINVAL);
    ck_assert_int_eq(unika_recipe_parse(NULL, "strict", 6, NULL), UNIKA_EINVAL);
    ck_assert_int_eq(unika_recipe_parse(&r, "name\0gender", 11, NULL), UNIKA_ERECIPE);
    char big[UNIKA_RECIPE_TEXT_MAX + 2];
    memset(big, ' ', sizeof big);
    big[sizeof big - 1] = '\0';
    ck_assert_int_eq(unika_recipe_parse(&r, big, SIZE_MAX, NULL), UNIKA_ERECIPE);
    /* Not NUL-terminated: only src_size bytes are read. */
    ck_assert_int_eq(unika_recipe_parse(&r, "pnrXYZ", 3, NULL), 0);
    ck_assert_str_eq(unika_recipe_name(r), "pnr");
    unika_recipe_free(r);
    unika_recipe_free(NULL);
}
END_TEST

START_TEST(from_fields_matches_parse)
{
    unika_field f[] = {UNIKA_FIELD_NAME_LOOSE, UNIKA_FIELD_BIRTH_YEAR, UNIKA_FIELD_GENDER};
    unika_recipe *a = NULL, *b = NULL;
    ck_assert_int_eq(unika_recipe_from_fields(&a, f, 3, NULL), 0);
    ck_assert_int_eq(unika_recipe_parse(&b, "loose", SIZE_MAX, NULL), 0);
    ck_assert_int_eq(unika_recipe_equal(a, b), 1);
    ck_assert_str_eq(unika_recipe_name(a), "loose");
    ck_assert_uint_eq(unika_recipe_field_count(a), 3);
    ck_assert_int_eq(unika_recipe_field_at(a, 0), UNIKA_FIELD_NAME_LOOSE);
    ck_assert_int_eq(unika_recipe_field_at(a, 2), UNIKA_FIELD_GENDER);
    ck_assert_int_eq(unika_recipe_field_at(a, 3), 0);
    ck_assert_int_eq(unika_recipe_field_at(NULL, 0), 0);
    ck_assert_uint_eq(unika_recipe_field_count(NULL), 0);
    ck_assert_str_eq(unika_recipe_name(NULL), "");
    ck_assert_str_eq(unika_recipe_canonical(NULL), "");
    unika_recipe_free(a);
    unika_recipe_free(b);

    unika_field bad[] = {UNIKA_FIELD_NAME, (unika_field)99};
    ck_assert_int_eq(unika_recipe_from_fields(&a, bad, 2, NULL), UNIKA_EFIELD);
    ck_assert_int_eq(unika_recipe_from_fields(&a, f, 0, NULL), UNIKA_ERECIPE);
    unika_field dup[] = {UNIKA_FIELD_GENDER, UNIKA_FIELD_GENDER};
    ck_assert_int_eq(unika_recipe_from_fields(&a, dup, 2, NULL), UNIKA_ERECIPE);
    ck_assert_int_eq(unika_recipe_from_fields(&a, NULL, 2, NULL), UNIKA_EINVAL);
}
END_TEST

/* The fingerprint is BLAKE2b-128 of the canonical text, personalisation
 * "unika-recipe-v1": recomputed here so docs and code cannot drift apart. */
START_TEST(fingerprints_follow_the_spec_and_differ)
{
    static const char *names[] = {"strict", "loose", "dob", "pnr", "dossier",
                                  "name+birth_month+gender", "gender+birth_year+name"};
    uint8_t fps[UNIKA_ARRAY_LEN(names)][UNIKA_FINGERPRINT_BYTES];
    static const unsigned char personal[16] = "unika-recipe-v1";
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(names); i++) {
        unika_recipe *r = NULL;
        ck_assert_int_eq(unika_recipe_parse(&r, names[i], SIZE_MAX, NULL), 0);
        ck_assert_int_eq(unika_recipe_fingerprint(fps[i], r), 0);
        uint8_t want[16];
        const char *c = unika_recipe_canonical(r);
        crypto_generichash_blake2b_salt_personal(want, 16, (const unsigned char *)c,
                                                 strlen(c), NULL, 0, NULL, personal);
        ck_assert_mem_eq(fps[i], want, 16);
        for (size_t j = 0; j < i; j++) ck_assert_mem_ne(fps[i], fps[j], 16);
        unika_recipe_free(r);
    }
    ck_assert_int_eq(unika_recipe_fingerprint(fps[0], NULL), UNIKA_EINVAL);
    ck_assert_ptr_null(unika_recipe_fingerprint_ptr(NULL));
}
END_TEST

START_TEST(default_recipe_is_one_constant)
{
    ck_assert_str_eq(unika_recipe_default_name(), UNIKA_RECIPE_DEFAULT);
    unika_recipe *r = NULL;
    ck_assert_int_eq(unika_recipe_default(&r, NULL), 0);
    ck_assert_str_eq(unika_recipe_name(r), UNIKA_RECIPE_DEFAULT);
    unika_recipe_free(r);
}
END_TEST

/* Arbitrary text never crashes the parser; failures carry a code and the
 * field "recipe"; successes round-trip through the canonical text. */
START_TEST(random_texts_parse_or_fail_cleanly)
{
    static const char *pieces[] = {"name", "birth_year", "gender", "+", ",", " ", "country",
                                   "unika-recipe-v1:", "x", "\xff", "strict", "dossier"};
    uint64_t seed = 7;
    size_t ok = 0;
    for (int iter = 0; iter < 20000; iter++) {
        char text[128];
        size_t len = 0;
        int k = (int)(unika_test_splitmix64(&seed) % 8);
        for (int j = 0; j < k; j++) {
            const char *p = pieces[unika_test_splitmix64(&seed) % UNIKA_ARRAY_LEN(pieces)];
            size_t pl = strlen(p);
            memcpy(text + len, p, pl);
            len += pl;
        }
        unika_recipe *r = NULL;
        unika_error e = {0};
        int rc = unika_recipe_parse(&r, text, len, &e);
        if (rc < 0) {
            ck_assert_int_eq(e.code, rc);
            ck_assert_str_eq(e.field, "recipe");
            ck_assert_ptr_null(r);
            continue;
        }
        ok++;
        unika_recipe *back = NULL;
        ck_assert_int_eq(unika_recipe_parse(&back, unika_recipe_canonical(r), SIZE_MAX, NULL), 0);
        ck_assert_int_eq(unika_recipe_equal(r, back), 1);
        unika_recipe_free(back);
        unika_recipe_free(r);
    }
    ck_assert_uint_gt(ok, 100); /* the generator does reach valid recipes */
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("recipe");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, field_names_round_trip);
    tcase_add_test(tc, texts_parse_to_their_canonical_form);
    tcase_add_test(tc, bad_recipe_texts_are_refused);
    tcase_add_test(tc, from_fields_matches_parse);
    tcase_add_test(tc, fingerprints_follow_the_spec_and_differ);
    tcase_add_test(tc, default_recipe_is_one_constant);
    tcase_add_test(tc, random_texts_parse_or_fail_cleanly);
    suite_add_tcase(s, tc);
    return s;
}
