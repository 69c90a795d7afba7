/*
 * test_labels.c - labels and provenance records of a sketch: validation,
 * canonical order, and what a merge keeps (sketch_meta.c), through the
 * public API (unika_sketch_merge calls the meta merge).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "testutil.h"
#include "unika.h"

static const uint8_t FP[UNIKA_FINGERPRINT_BYTES] = {7, 7, 7, 7, 7, 7, 7, 7,
                                                    7, 7, 7, 7, 7, 7, 7, 7};

static unika_sketch *bare_new(void)
{
    unika_sketch *s = NULL;
    ck_assert_int_eq(unika_sketch_new(&s, 12, FP, FP, NULL), 0);
    return s;
}

static void bare_free(unika_sketch *s) { unika_sketch_free(s); }

static void digest_of(uint8_t d[32], const char *text)
{
    ck_assert_int_eq(unika_file_digest(d, (const uint8_t *)text, strlen(text)), 0);
}

START_TEST(labels_sorted_replaced_removed)
{
    unika_sketch *s = bare_new();
    unika_error e = {0};
    ck_assert_int_eq(unika_sketch_set_label(s, "period", "2024-H1", &e), 0);
    ck_assert_int_eq(unika_sketch_set_label(s, "org", "Röda Korset", &e), 0);
    ck_assert_int_eq(unika_sketch_set_label(s, "gender", "f", &e), 0);
    ck_assert_int_eq(unika_sketch_set_label(s, "period", "2024-H2", &e), 0); /* replaces */
    ck_assert_uint_eq(unika_sketch_label_count(s), 3);
    const char *k, *v;
    static const char *order[] = {"gender", "org", "period"};
    for (size_t i = 0; i < 3; i++) {
        ck_assert_int_eq(unika_sketch_label_at(s, i, &k, &v), 0);
        ck_assert_str_eq(k, order[i]);
    }
    ck_assert_int_eq(unika_sketch_label_at(s, 3, &k, &v), UNIKA_ERANGE);
    ck_assert_str_eq(unika_sketch_get_label(s, "period"), "2024-H2");
    ck_assert_str_eq(unika_sketch_get_label(s, "org"), "Röda Korset");
    ck_assert_ptr_null(unika_sketch_get_label(s, "age_group"));

    char buf[128];
    size_t n;
    ck_assert_int_eq(unika_sketch_labels_canonical(buf, sizeof buf, &n, s, &e), 0);
    ck_assert_str_eq(buf, "gender=f\norg=Röda Korset\nperiod=2024-H2");
    ck_assert_uint_eq(n, strlen(buf));
    ck_assert_int_eq(unika_sketch_labels_canonical(buf, n, &n, s, &e), UNIKA_EBUFFER);
    ck_assert_uint_eq(n, strlen("gender=f\norg=Röda Korset\nperiod=2024-H2"));

    ck_assert_int_eq(unika_sketch_remove_label(s, "org", &e), 0);
    ck_assert_int_eq(unika_sketch_remove_label(s, "org", &e), UNIKA_ENOENT);
    ck_assert_uint_eq(unika_sketch_label_count(s), 2);
    ck_assert_int_eq(unika_sketch_label_at(s, 1, &k, &v), 0);
    ck_assert_str_eq(k, "period");
    bare_free(s);
}
END_TEST

/* Each invalid label with the field and 1-based byte the error must name. */
static const struct {
    const char *key, *value, *field;
    uint64_t position;
} bad_labels[] = {
    {"", "x", "label key", 1},
    {"Org", "x", "label key", 1},            /* upper case */
    {"org name", "x", "label key", 4},       /* space */
    {"org=", "x", "label key", 4},           /* '=' would break the canonical form */
    {"örg", "x", "label key", 1},            /* non-ASCII key */
    {"org", "a\nb", "label value", 2},       /* newline */
    {"org", "tab\there", "label value", 4},  /* C0 control */
    {"org", "del\x7f", "label value", 4},    /* DEL */
    {"org", "c1\xc2\x85", "label value", 3}, /* U+0085, a C1 control */
    {"org", "ab\xff", "label value", 3},     /* not UTF-8 */
    {"org", "\xc3", "label value", 1},       /* truncated sequence */
    {"org", "\xc0\xaf", "label value", 1},   /* overlong '/' */
    {"org", "\xed\xa0\x80", "label value", 1}, /* UTF-16 surrogate */
    {"org", "\xf4\x90\x80\x80", "label value", 1}, /* above U+10FFFF */
};

START_TEST(invalid_labels_are_named)
{
    unika_sketch *s = bare_new();
    unika_error e = {0};
    ck_assert_int_eq(unika_sketch_set_label(s, bad_labels[_i].key, bad_labels[_i].value, &e),
                     UNIKA_ELABEL);
    ck_assert_str_eq(e.field, bad_labels[_i].field);
    ck_assert_uint_eq(e.position, bad_labels[_i].position);
    ck_assert_uint_eq(unika_sketch_label_count(s), 0);
    bare_free(s);
}
END_TEST

START_TEST(label_bounds)
{
    unika_sketch *s = bare_new();
    unika_error e = {0};
    char key[UNIKA_LABEL_KEY_MAX + 2], value[UNIKA_LABEL_VALUE_MAX + 2];
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    memset(value, 'v', sizeof value - 1);
    value[sizeof value - 1] = '\0';
    ck_assert_int_eq(unika_sketch_set_label(s, key, "x", &e), UNIKA_ELABEL); /* 65 bytes */
    ck_assert_uint_eq(e.position, UNIKA_LABEL_KEY_MAX + 1);
    key[UNIKA_LABEL_KEY_MAX] = '\0';
    ck_assert_int_eq(unika_sketch_set_label(s, key, "x", &e), 0); /* 64 bytes */
    ck_assert_int_eq(unika_sketch_set_label(s, "v", value, &e), UNIKA_ELABEL); /* 257 */
    value[UNIKA_LABEL_VALUE_MAX] = '\0';
    ck_assert_int_eq(unika_sketch_set_label(s, "v", value, &e), 0);
    ck_assert_int_eq(unika_sketch_set_label(s, "empty", "", &e), 0); /* empty value ok */
    ck_assert_uint_eq(unika_sketch_label_count(s), 3);
    for (int i = 0; unika_sketch_label_count(s) < UNIKA_LABELS_MAX; i++) {
        char k[16];
        snprintf(k, sizeof k, "l%02d", i);
        ck_assert_int_eq(unika_sketch_set_label(s, k, "1", &e), 0);
    }
    ck_assert_int_eq(unika_sketch_set_label(s, "one-too-many", "1", &e), UNIKA_ELABEL);
    ck_assert_ptr_nonnull(strstr(e.message, "too many labels"));
    ck_assert_int_eq(unika_sketch_set_label(s, "l00", "2", &e), 0); /* replacing is fine */
    ck_assert_uint_eq(unika_sketch_label_count(s), UNIKA_LABELS_MAX);
    ck_assert_int_eq(unika_sketch_set_label(NULL, "a", "b", &e), UNIKA_EINVAL);
    ck_assert_int_eq(unika_sketch_set_label(s, NULL, "b", &e), UNIKA_EINVAL);
    bare_free(s);
}
END_TEST

START_TEST(sources_sorted_and_deduplicated)
{
    unika_sketch *s = bare_new();
    unika_error e = {0};
    uint8_t d[3][32];
    digest_of(d[0], "file a");
    digest_of(d[1], "file b");
    digest_of(d[2], "file c");
    /* Added in an order unrelated to the digests; one repeated. */
    ck_assert_int_eq(unika_sketch_add_source(s, d[2], "org=c", "c", &e), 0);
    ck_assert_int_eq(unika_sketch_add_source(s, d[0], "org=a\nperiod=2024-H1", "a", &e), 0);
    ck_assert_int_eq(unika_sketch_add_source(s, d[1], "", NULL, &e), 0);
    ck_assert_int_eq(unika_sketch_add_source(s, d[2], "org=c", "c", &e), 0);
    ck_assert_uint_eq(unika_sketch_source_count(s), 3);
    const uint8_t *prev = NULL;
    for (size_t i = 0; i < 3; i++) {
        const uint8_t *dg;
        const char *labels, *signer;
        ck_assert_int_eq(unika_sketch_source_at(s, i, &dg, &labels, &signer), 0);
        if (prev) ck_assert_int_lt(memcmp(prev, dg, 32), 0);
        prev = dg;
        if (!memcmp(dg, d[1], 32)) {
            ck_assert_str_eq(labels, "");
            ck_assert_str_eq(signer, "");
        }
        if (!memcmp(dg, d[0], 32)) ck_assert_str_eq(labels, "org=a\nperiod=2024-H1");
    }
    ck_assert_int_eq(unika_sketch_source_at(s, 3, NULL, NULL, NULL), UNIKA_ERANGE);
    /* Same digest, another signer: a distinct record, kept. */
    ck_assert_int_eq(unika_sketch_add_source(s, d[2], "org=c", "auditor", &e), 0);
    ck_assert_uint_eq(unika_sketch_source_count(s), 4);
    bare_free(s);
}
END_TEST

static const struct {
    const char *labels;
    uint64_t position;
} bad_source_labels[] = {
    {"org", 1},                   /* no '=' */
    {"period=1\norg=a", 10},      /* out of order */
    {"org=a\norg=b", 7},          /* repeated key */
    {"org=a\n", 6},               /* trailing newline */
    {"\norg=a", 1},               /* empty line */
    {"Org=a", 1},                 /* bad key */
    {"org=\xff", 5},              /* bad value */
    {"org=a\tb", 6},              /* control in value */
};

START_TEST(invalid_source_labels_are_named)
{
    unika_sketch *s = bare_new();
    unika_error e = {0};
    uint8_t d[32];
    digest_of(d, "x");
    ck_assert_int_eq(unika_sketch_add_source(s, d, bad_source_labels[_i].labels, "", &e),
                     UNIKA_ELABEL);
    ck_assert_str_eq(e.field, "source labels");
    ck_assert_uint_eq(e.position, bad_source_labels[_i].position);
    ck_assert_uint_eq(unika_sketch_source_count(s), 0);
    bare_free(s);
}
END_TEST

START_TEST(source_bounds)
{
    unika_sketch *s = bare_new();
    unika_error e = {0};
    uint8_t d[32] = {0};
    char big[UNIKA_SOURCE_LABELS_MAX + 2] = "v=";
    memset(big + 2, 'x', UNIKA_SOURCE_LABELS_MAX - 1);
    big[UNIKA_SOURCE_LABELS_MAX + 1] = '\0'; /* 1025 bytes; the value alone is too long too */
    ck_assert_int_eq(unika_sketch_add_source(s, d, big, "", &e), UNIKA_ELABEL);
    char signer[UNIKA_SIGNER_MAX + 2];
    memset(signer, 's', sizeof signer - 1);
    signer[sizeof signer - 1] = '\0';
    ck_assert_int_eq(unika_sketch_add_source(s, d, "", signer, &e), UNIKA_ELABEL);
    ck_assert_str_eq(e.field, "source signer");
    signer[UNIKA_SIGNER_MAX] = '\0';
    ck_assert_int_eq(unika_sketch_add_source(s, d, "", signer, &e), 0);
    for (unsigned i = 1; i < UNIKA_SOURCES_MAX; i++) {
        unika_store32_le(d, i);
        ck_assert_int_eq(unika_sketch_add_source(s, d, "", "", &e), 0);
    }
    /* No cap beyond version 1's 4,096: a version 2 file stores a commitment. */
    unika_store32_le(d, UNIKA_SOURCES_MAX);
    ck_assert_int_eq(unika_sketch_add_source(s, d, "", "", &e), 0);
    ck_assert_uint_eq(unika_sketch_source_count(s), UNIKA_SOURCES_MAX + 1);
    bare_free(s);
}
END_TEST

START_TEST(source_of_takes_the_inputs_labels)
{
    unika_sketch *in = bare_new(), *out = bare_new();
    unika_error e = {0};
    uint8_t d[32];
    digest_of(d, "input");
    ck_assert_int_eq(unika_sketch_set_label(in, "period", "2024-H1", &e), 0);
    ck_assert_int_eq(unika_sketch_set_label(in, "org", "a", &e), 0);
    ck_assert_int_eq(unika_sketch_add_source_of(out, d, in, "a", &e), 0);
    const char *labels, *signer;
    ck_assert_int_eq(unika_sketch_source_at(out, 0, NULL, &labels, &signer), 0);
    ck_assert_str_eq(labels, "org=a\nperiod=2024-H1");
    ck_assert_str_eq(signer, "a");
    /* Five 256-byte values: over 1024 bytes in canonical form, refused. */
    char value[UNIKA_LABEL_VALUE_MAX + 1];
    memset(value, 'v', UNIKA_LABEL_VALUE_MAX);
    value[UNIKA_LABEL_VALUE_MAX] = '\0';
    for (int i = 0; i < 5; i++) {
        char k[8];
        snprintf(k, sizeof k, "k%d", i);
        ck_assert_int_eq(unika_sketch_set_label(in, k, value, &e), 0);
    }
    ck_assert_int_eq(unika_sketch_add_source_of(out, d, in, "a", &e), UNIKA_ELABEL);
    ck_assert_str_eq(e.field, "source labels");
    ck_assert_uint_eq(unika_sketch_source_count(out), 1);
    ck_assert_int_eq(unika_sketch_add_source_of(out, d, NULL, "a", &e), UNIKA_EINVAL);
    bare_free(in);
    bare_free(out);
}
END_TEST

/* Three labelled sketches with overlapping provenance. */
static unika_sketch *fixture(int which)
{
    static const char *orgs[] = {"a", "b", "c"};
    unika_sketch *s = bare_new();
    ck_assert_int_eq(unika_sketch_set_label(s, "org", orgs[which], NULL), 0);
    ck_assert_int_eq(unika_sketch_set_label(s, "period", "2024-H1", NULL), 0);
    ck_assert_int_eq(unika_sketch_set_label(s, "gender", which == 2 ? "m" : "f", NULL), 0);
    for (int i = which; i < which + 2; i++) {
        uint8_t d[32];
        char name[16];
        snprintf(name, sizeof name, "input %d", i);
        digest_of(d, name);
        ck_assert_int_eq(unika_sketch_add_source(s, d, "org=x", name, NULL), 0);
    }
    return s;
}

static unika_sketch *copy_of(const unika_sketch *s)
{
    unika_sketch *c = NULL;
    ck_assert_int_eq(unika_sketch_copy(&c, s, NULL), 0);
    ck_assert(unika_sketch_equal(c, s));
    return c;
}

#define MERGE(dst, src) ck_assert_int_eq(unika_sketch_merge((dst), (src), NULL), 0)
#define SAME(a, b) ck_assert(unika_sketch_equal((a), (b)))

START_TEST(merge_keeps_common_labels_and_unions_sources)
{
    unika_sketch *a = fixture(0), *b = fixture(1), *c = fixture(2);
    unika_sketch *ab = copy_of(a);
    MERGE(ab, b);
    ck_assert_uint_eq(unika_sketch_label_count(ab), 2); /* gender=f, period */
    ck_assert_str_eq(unika_sketch_get_label(ab, "gender"), "f");
    ck_assert_ptr_null(unika_sketch_get_label(ab, "org"));
    ck_assert_uint_eq(unika_sketch_source_count(ab), 3); /* inputs 0,1 + 1,2 */

    /* Commutative. */
    unika_sketch *ba = copy_of(b);
    MERGE(ba, a);
    SAME(ab, ba);
    /* Associative: (ab)c == a(bc). */
    unika_sketch *bc = copy_of(b);
    MERGE(bc, c);
    MERGE(ab, c);
    unika_sketch *a_bc = copy_of(a);
    MERGE(a_bc, bc);
    SAME(ab, a_bc);
    ck_assert_uint_eq(unika_sketch_label_count(ab), 1); /* period only */
    ck_assert_uint_eq(unika_sketch_source_count(ab), 4);
    /* Idempotent, and merging a meta into itself changes nothing. */
    unika_sketch *aa = copy_of(a);
    MERGE(aa, a);
    SAME(aa, a);
    MERGE(aa, aa);
    SAME(aa, a);
    ck_assert(!unika_sketch_equal(a, b));

    unika_sketch *all[] = {a, b, c, ab, ba, bc, a_bc, aa};
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(all); i++) bare_free(all[i]);
}
END_TEST

START_TEST(file_digest_is_blake2b_256)
{
    /* Known answers: BLAKE2b with a 32-byte output (parameter block digest
     * length 32, so not a truncated BLAKE2b-512) of "" and "abc", computed
     * independently with Python's hashlib.blake2b(digest_size=32) and
     * coreutils' b2sum -l 256. */
    uint8_t d[32], want[32];
    ck_assert_int_eq(unika_file_digest(d, NULL, 0), 0);
    ck_assert_int_eq(unika_test_hex_decode(want, sizeof want,
        "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"), 32);
    ck_assert_mem_eq(d, want, 32);
    ck_assert_int_eq(unika_file_digest(d, (const uint8_t *)"abc", 3), 0);
    ck_assert_int_eq(unika_test_hex_decode(want, sizeof want,
        "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319"), 32);
    ck_assert_mem_eq(d, want, 32);
    ck_assert_int_eq(unika_file_digest(NULL, d, 1), UNIKA_EINVAL);
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("labels");
    TCase *tc = tcase_create("labels");
    tcase_add_test(tc, labels_sorted_replaced_removed);
    tcase_add_loop_test(tc, invalid_labels_are_named, 0, (int)UNIKA_ARRAY_LEN(bad_labels));
    tcase_add_test(tc, label_bounds);
    suite_add_tcase(s, tc);
    tc = tcase_create("provenance");
    tcase_add_test(tc, sources_sorted_and_deduplicated);
    tcase_add_loop_test(tc, invalid_source_labels_are_named, 0,
                        (int)UNIKA_ARRAY_LEN(bad_source_labels));
    tcase_add_test(tc, source_bounds);
    tcase_add_test(tc, source_of_takes_the_inputs_labels);
    tcase_add_test(tc, file_digest_is_blake2b_256);
    suite_add_tcase(s, tc);
    tc = tcase_create("merge");
    tcase_add_test(tc, merge_keeps_common_labels_and_unions_sources);
    suite_add_tcase(s, tc);
    return s;
}
