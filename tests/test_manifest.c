/*
 * test_manifest.c - a partner's signed manifest (unika/manifest.h): the
 * canonical text round trip, every refusal with its line, and loading
 * against the roster (a changed manifest, one signed by another partner,
 * or by someone not on the roster, is refused).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"
#include "testutil.h"
#include "unika.h"

static const uint8_t RFP[UNIKA_FINGERPRINT_BYTES] = {0x93, 0x8c, 0x23};

static void digest_of(uint8_t d[32], int i)
{
    memset(d, 0, 32);
    d[0] = (uint8_t)i;
    d[31] = (uint8_t)(0xf0 ^ i);
}

START_TEST(round_trip_in_digest_order)
{
    unika_manifest *m = NULL;
    unika_error e = {0};
    ck_assert_int_eq(unika_manifest_new(&m, "rodakorset", "2019", RFP, 2, &e), 0);
    uint8_t d[32];
    digest_of(d, 9);
    ck_assert_int_eq(unika_manifest_add(m, d, "2019H2", "rk_2019H2_gender-F.uks", &e), 0);
    digest_of(d, 3);
    ck_assert_int_eq(unika_manifest_add(m, d, "2019H1", "rk_2019H1_gender-F.uks", &e), 0);
    ck_assert_int_eq(unika_manifest_add(m, d, "2019H1", "again.uks", &e), UNIKA_EMANIFEST);
    ck_assert_int_eq(unika_manifest_add(m, d, "2019H1", "a b.uks", &e), UNIKA_EMANIFEST);
    ck_assert_int_eq(unika_manifest_add(m, d, "2019 H1", "x.uks", &e), UNIKA_EMANIFEST);
    char *text = malloc(unika_manifest_text_bytes(m));
    size_t n = 0;
    ck_assert_int_eq(unika_manifest_format(text, 20, &n, m, &e), UNIKA_EBUFFER);
    ck_assert_int_eq(unika_manifest_format(text, unika_manifest_text_bytes(m), &n, m, &e), 0);
    const char *want = "unika-manifest v1\nsigner: rodakorset\nperiod: 2019\n"
                       "recipe: 938c2300000000000000000000000000\nsequence: 2\nfile: 03";
    ck_assert_int_eq(strncmp(text, want, strlen(want)), 0);
    unika_manifest *back = NULL;
    ck_assert_msg(unika_manifest_parse(&back, text, n, &e) == 0, "%s", e.message);
    ck_assert_str_eq(unika_manifest_signer(back), "rodakorset");
    ck_assert_str_eq(unika_manifest_period(back), "2019");
    ck_assert_uint_eq(unika_manifest_sequence(back), 2);
    ck_assert_uint_eq(unika_manifest_count(back), 2);
    ck_assert_str_eq(unika_manifest_file_at(back, 0)->name, "rk_2019H1_gender-F.uks");
    ck_assert_ptr_nonnull(unika_manifest_find(back, d));
    digest_of(d, 4);
    ck_assert_ptr_null(unika_manifest_find(back, d));
    char *again = malloc(unika_manifest_text_bytes(back));
    size_t n2 = 0;
    ck_assert_int_eq(unika_manifest_format(again, unika_manifest_text_bytes(back), &n2, back, &e), 0);
    ck_assert_uint_eq(n, n2);
    ck_assert_int_eq(memcmp(text, again, n), 0);
    free(text);
    free(again);
    unika_manifest_free(back);
    unika_manifest_free(m);
}
END_TEST

START_TEST(parse_errors_name_their_line)
{
    const char *z = "0000000000000000000000000000000000000000000000000000000000000000";
    const char *one = "0100000000000000000000000000000000000000000000000000000000000000";
    char ok_head[] = "unika-manifest v1\nsigner: a\nperiod: all\n"
                     "recipe: 938c2300000000000000000000000000\nsequence: 1\n";
    char unsorted[640], twice[640], short_hex[320];
    snprintf(unsorted, sizeof unsorted, "%sfile: %s 2019 b.uks\nfile: %s 2019 a.uks\n", ok_head,
             one, z);
    snprintf(twice, sizeof twice, "%sfile: %s 2019 b.uks\nfile: %s 2019 a.uks\n", ok_head, z, z);
    snprintf(short_hex, sizeof short_hex, "%sfile: 0102 2019 a.uks\n", ok_head);
    struct { const char *text; int rc; uint64_t line; const char *says; } cases[] = {
        {"", UNIKA_EMANIFEST, 0, "empty"},
        {"unika-manifest v2\n", UNIKA_EVERSION, 1, "only v1"},
        {"unika-manifest v1\nsigner: a b\nperiod: all\nrecipe: 938c2300000000000000000000000000\n"
         "sequence: 1\n", UNIKA_ENAME, 0, "character"},
        {"unika-manifest v1\nsigner: a\nsequence: 1\n", UNIKA_EMANIFEST, 3, "period"},
        {"unika-manifest v1\nsigner: a\nperiod: all\nsequence: 1\n", UNIKA_EMANIFEST, 4, "recipe"},
        {"unika-manifest v1\nsigner: a\nperiod: all\nrecipe: 938c2300000000000000000000000000\n"
         "sequence: 0\n", UNIKA_EMANIFEST, 5, "sequence"},
        {"unika-manifest v1\nsigner: a\nperiod: all\nrecipe: 938c2300000000000000000000000000\n"
         "sequence: 1\nextra\n", UNIKA_EMANIFEST, 6, "expected \"file: ...\""},
        {unsorted, UNIKA_EMANIFEST, 7, "digest order"},
        {twice, UNIKA_EMANIFEST, 7, "digest order"},
        {short_hex, UNIKA_EMANIFEST, 6, "64 hex digits"},
    };
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(cases); i++) {
        unika_manifest *m = NULL;
        unika_error e = {0};
        int rc = unika_manifest_parse(&m, cases[i].text, strlen(cases[i].text), &e);
        ck_assert_msg(rc == cases[i].rc, "case %zu: %d %s", i, rc, e.message);
        ck_assert_ptr_null(m);
        if (cases[i].line) ck_assert_msg(e.line == cases[i].line, "case %zu: line %llu", i,
                                         (unsigned long long)e.line);
        ck_assert_msg(strstr(e.message, cases[i].says), "case %zu: %s", i, e.message);
    }
}
END_TEST

START_TEST(load_checks_the_signature_against_the_roster)
{
    char dir[] = "/tmp/unika-test-manifest-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    unika_error e = {0};
    unika_sign_key *rk = NULL, *rb = NULL, *outsider = NULL, *coord = NULL;
    ck_assert_int_eq(unika_sign_key_generate(&rk, "rodakorset", &e), 0);
    ck_assert_int_eq(unika_sign_key_generate(&rb, "raddabarnen", &e), 0);
    ck_assert_int_eq(unika_sign_key_generate(&outsider, "barnrattsbyran", &e), 0);
    ck_assert_int_eq(unika_sign_key_generate(&coord, "steering", &e), 0);
    uint8_t fp[UNIKA_FINGERPRINT_BYTES] = {7};
    unika_roster *r = NULL;
    unika_sign_public pub;
    ck_assert_int_eq(unika_roster_new(&r, fp, &e), 0);
    unika_sign_key_public(&pub, coord);
    ck_assert_int_eq(unika_roster_set_coordinator(r, &pub, &e), 0);
    unika_sign_key_public(&pub, rk);
    ck_assert_int_eq(unika_roster_add_partner(r, &pub, &e), 0);
    unika_sign_key_public(&pub, rb);
    ck_assert_int_eq(unika_roster_add_partner(r, &pub, &e), 0);

    char path[128], sig[160];
    snprintf(path, sizeof path, "%s/rk.manifest", dir);
    snprintf(sig, sizeof sig, "%s/rk.manifest.sig", dir);
    unika_manifest *m = NULL, *back = NULL;
    uint8_t d[32];
    digest_of(d, 1);
    ck_assert_int_eq(unika_manifest_new(&m, "rodakorset", "all", RFP, 1, &e), 0);
    ck_assert_int_eq(unika_manifest_add(m, d, "2019H1", "a.uks", &e), 0);
    ck_assert_int_eq(unika_manifest_save(m, path, rb, 0, &e), UNIKA_EINVAL); /* not its key */
    ck_assert_int_eq(unika_manifest_save(m, path, rk, 0, &e), 0);
    ck_assert_msg(unika_manifest_load(&back, path, r, &e) == 0, "%s", e.message);
    ck_assert_uint_eq(unika_manifest_count(back), 1);
    unika_manifest_free(back);
    back = NULL;
    /* The signature is written first, so that a manifest is never on disk
     * without one; when the manifest cannot be written (a file in its place,
     * no overwrite asked for), the new signature is removed again and the
     * file in the way is left as it was. */
    char taken[128], taken_sig[160], text[64] = {0};
    snprintf(taken, sizeof taken, "%s/taken.manifest", dir);
    snprintf(taken_sig, sizeof taken_sig, "%s/taken.manifest.sig", dir);
    FILE *in_way = fopen(taken, "w");
    fputs("in the way\n", in_way);
    fclose(in_way);
    ck_assert_int_eq(unika_manifest_save(m, taken, rk, 0, &e), UNIKA_EEXIST);
    ck_assert_int_ne(access(taken_sig, F_OK), 0);
    in_way = fopen(taken, "r");
    ck_assert_ptr_nonnull(fgets(text, sizeof text, in_way));
    fclose(in_way);
    ck_assert_str_eq(text, "in the way\n");

    /* Signed by another partner on the roster: refused by name. */
    ck_assert_int_eq(unika_sign_file(rb, path, NULL, UNIKA_SIGN_OVERWRITE, &e), 0);
    ck_assert_int_eq(unika_manifest_load(&back, path, r, &e), UNIKA_ESIGNER);
    ck_assert_ptr_nonnull(strstr(e.message, "a manifest of \"rodakorset\" signed by \"raddabarnen\""));
    /* By someone not on the roster. */
    ck_assert_int_eq(unika_sign_file(outsider, path, NULL, UNIKA_SIGN_OVERWRITE, &e), 0);
    ck_assert_int_eq(unika_manifest_load(&back, path, r, &e), UNIKA_ESIGNER);
    /* Changed after signing: a file dropped from the list. */
    ck_assert_int_eq(unika_sign_file(rk, path, NULL, UNIKA_SIGN_OVERWRITE, &e), 0);
    FILE *fh = fopen(path, "ab");
    fputs("file: ffff000000000000000000000000000000000000000000000000000000000000 2019H1 b.uks\n", fh);
    fclose(fh);
    ck_assert_int_eq(unika_manifest_load(&back, path, r, &e), UNIKA_ESIGNATURE);
    /* Unsigned. */
    ck_assert_int_eq(unlink(sig), 0);
    ck_assert_int_eq(unika_manifest_load(&back, path, r, &e), UNIKA_ENOENT);
    ck_assert_ptr_null(back);
    unika_manifest_free(m);
    unika_roster_free(r);
    unika_sign_key_free(rk);
    unika_sign_key_free(rb);
    unika_sign_key_free(outsider);
    unika_sign_key_free(coord);
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("manifest");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, round_trip_in_digest_order);
    tcase_add_test(tc, parse_errors_name_their_line);
    tcase_add_test(tc, load_checks_the_signature_against_the_roster);
    suite_add_tcase(s, tc);
    return s;
}
