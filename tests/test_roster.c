/*
 * test_roster.c - the partnership roster: canonical text round trip,
 * line-numbered parse errors, lookups, verification that names the signer
 * or says exactly why not, the coordinator's signature against a pinned
 * fingerprint (unsigned, edited and re-signed rosters refused), and the
 * organisations a key may sign for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"
#include "testutil.h"
#include "unika.h"

static const uint8_t FP[UNIKA_FINGERPRINT_BYTES] = {0x3f, 0x0c, 1, 2, 3, 4, 5, 6,
                                                    7, 8, 9, 10, 11, 12, 13, 14};
static const char *FP_HEX = "3f0c0102030405060708090a0b0c0d0e";
static const char *KEY_A =
    "ed25519:8a1f000000000000000000000000000000000000000000000000000000000001";
static const char *KEY_B =
    "ed25519:8a1f000000000000000000000000000000000000000000000000000000000002";

typedef struct {
    unika_sign_key *sk[3];
    unika_sign_key *coordinator;
    uint8_t pin[UNIKA_FINGERPRINT_BYTES]; /* the coordinator's key fingerprint */
    unika_roster *roster;
} fixture;

static void fixture_make(fixture *f)
{
    static const char *names[] = {"raddabarnen", "rodakorset", "stadsmissionen"};
    unika_error e = {0};
    ck_assert_int_eq(unika_roster_new(&f->roster, FP, &e), 0);
    ck_assert_int_eq(unika_sign_key_generate(&f->coordinator, "steering", &e), 0);
    unika_sign_public cpub;
    unika_sign_key_public(&cpub, f->coordinator);
    ck_assert_int_eq(unika_sign_public_fingerprint(f->pin, &cpub), 0);
    ck_assert_int_eq(unika_roster_set_coordinator(f->roster, &cpub, &e), 0);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(unika_sign_key_generate(&f->sk[i], names[i], &e), 0);
        unika_sign_public pub;
        unika_sign_key_public(&pub, f->sk[i]);
        ck_assert_int_eq(unika_roster_add_partner(f->roster, &pub, &e), 0);
    }
}

static void fixture_free(fixture *f)
{
    for (int i = 0; i < 3; i++) unika_sign_key_free(f->sk[i]);
    unika_sign_key_free(f->coordinator);
    unika_roster_free(f->roster);
}

START_TEST(build_format_parse_round_trip)
{
    fixture f;
    fixture_make(&f);
    unika_error e = {0};
    uint8_t box[UNIKA_BOX_PUBLIC_KEY_BYTES];
    for (size_t i = 0; i < sizeof box; i++) box[i] = (uint8_t)(0xa0 + i);
    ck_assert_int_eq(unika_roster_aggregator(NULL, NULL, f.roster, &e), UNIKA_ENOENT);
    ck_assert_int_eq(unika_roster_set_aggregator(f.roster, "analyst", box, &e), 0);

    char text[UNIKA_ROSTER_MAX_BYTES], again[UNIKA_ROSTER_MAX_BYTES];
    size_t n, n2;
    ck_assert_int_eq(unika_roster_format(text, sizeof text, &n, f.roster, &e), 0);
    ck_assert_int_eq(unika_roster_format(text, 40, NULL, f.roster, &e), UNIKA_EBUFFER);
    ck_assert_int_eq(unika_roster_format(text, sizeof text, &n, f.roster, &e), 0);
    ck_assert_int_eq(strncmp(text, "unika-roster v2\nserial: 1\npartnership-key: 3f0c0102", 51), 0);
    ck_assert_ptr_nonnull(strstr(text, "\ncoordinator: steering ed25519:"));

    unika_roster *back = NULL;
    ck_assert_msg(unika_roster_parse(&back, text, n, &e) == 0, "%s", e.message);
    ck_assert_int_eq(unika_roster_format(again, sizeof again, &n2, back, &e), 0);
    ck_assert_uint_eq(n, n2);
    ck_assert_int_eq(memcmp(text, again, n), 0);

    ck_assert_uint_eq(unika_roster_partner_count(back), 3);
    ck_assert_str_eq(unika_roster_partner_at(back, 1)->name, "rodakorset");
    ck_assert_ptr_null(unika_roster_partner_at(back, 3));
    const unika_sign_public *p = unika_roster_find(back, "stadsmissionen");
    ck_assert_ptr_nonnull(p);
    unika_sign_public want;
    unika_sign_key_public(&want, f.sk[2]);
    ck_assert_int_eq(memcmp(p->key, want.key, sizeof want.key), 0);
    ck_assert_ptr_null(unika_roster_find(back, "nobody"));
    ck_assert_int_eq(memcmp(unika_roster_key_fingerprint(back), FP, sizeof FP), 0);
    const char *agg = NULL;
    uint8_t box_back[UNIKA_BOX_PUBLIC_KEY_BYTES];
    ck_assert_int_eq(unika_roster_aggregator(&agg, box_back, back, &e), 0);
    ck_assert_str_eq(agg, "analyst");
    ck_assert_int_eq(memcmp(box, box_back, sizeof box), 0);

    /* Comments, blank lines, CRLF and trailing blanks are tolerated. */
    char loose[UNIKA_ROSTER_MAX_BYTES];
    snprintf(loose, sizeof loose,
             "# agreed at the steering group\r\n\r\nunika-roster v2  \r\nserial: 7\r\n"
             "partnership-key: %s\r\ncoordinator: c %s\r\n# partners\r\npartner: a %s\r\n",
             FP_HEX, KEY_B, KEY_A);
    unika_roster *r2 = NULL;
    ck_assert_msg(unika_roster_parse(&r2, loose, strlen(loose), &e) == 0, "%s", e.message);
    ck_assert_uint_eq(unika_roster_partner_count(r2), 1);
    ck_assert_uint_eq(unika_roster_serial(r2), 7);
    ck_assert_str_eq(unika_roster_coordinator(r2)->name, "c");
    ck_assert_str_eq(unika_roster_signer_role(r2, 0), "partner");
    ck_assert_str_eq(unika_roster_signer_orgs(r2, 0), "a"); /* a partner signs for itself */
    unika_roster_free(r2);
    unika_roster_free(back);
    fixture_free(&f);
}
END_TEST

START_TEST(parse_errors_name_their_line)
{
    char head[160];
    snprintf(head, sizeof head, "unika-roster v2\nserial: 1\npartnership-key: %s\n", FP_HEX);
    char c[128], a[128], a_again[128], b_named_a[128], c_as_partner[128];
    snprintf(c, sizeof c, "coordinator: c %s\n", KEY_B);
    snprintf(a, sizeof a, "partner: a %s\n", KEY_A);
    snprintf(a_again, sizeof a_again, "partner: a %s\n", KEY_B);
    snprintf(b_named_a, sizeof b_named_a, "partner: b %s\n", KEY_A);
    snprintf(c_as_partner, sizeof c_as_partner, "partner: c %s\n",
             "ed25519:8a1f000000000000000000000000000000000000000000000000000000000003");
    char fp_only[96];
    snprintf(fp_only, sizeof fp_only, "unika-roster v2\npartnership-key: %s\n", FP_HEX);
    struct { const char *parts[5]; int rc; uint64_t line; const char *says; } cases[] = {
        {{""}, UNIKA_EROSTER, 0, "empty"},
        {{"unika-roster v1\n"}, UNIKA_EVERSION, 1, "unsigned v1 roster is no longer read"},
        {{"unika-roster v3\n"}, UNIKA_EVERSION, 1, "only v2"},
        {{"# c\nroster\n"}, UNIKA_EROSTER, 2, "unika-roster v2"},
        {{fp_only, c, a}, UNIKA_EROSTER, 0, "no serial"},
        {{"unika-roster v2\nserial: 1\n", c, a}, UNIKA_EROSTER, 0, "partnership-key"},
        {{head, a}, UNIKA_EROSTER, 0, "no coordinator"},
        {{head, c}, UNIKA_EROSTER, 0, "no signing key"},
        {{head, "serial: 2\n", c, a}, UNIKA_EROSTER, 4, "second serial"},
        {{"unika-roster v2\nserial: 0\n"}, UNIKA_EROSTER, 2, "serial must be"},
        {{head, c, c}, UNIKA_EROSTER, 5, "second coordinator"},
        {{"unika-roster v2\nserial: 1\npartnership-key: 3f0c\n"}, UNIKA_EROSTER, 3, "32 hex"},
        {{head, c, a, a_again}, UNIKA_EROSTER, 6, "already"},
        {{head, c, a, b_named_a}, UNIKA_EROSTER, 6, "same public key"},
        {{head, c, c_as_partner}, UNIKA_EROSTER, 5, "already on the roster"},
        {{head, c, "partner: a\n"}, UNIKA_EROSTER, 5, "NAME"},
        {{head, c, "partner: r\xc3\xa4 x\n"}, UNIKA_ENAME, 5, "character 2"},
        {{head, c, "partner: a rsa:00\n"}, UNIKA_EROSTER, 5, "ed25519:"},
        {{head, c, "partner: a ed25519:00\n"}, UNIKA_EROSTER, 5, "64 hex"},
        {{head, c, a, "member: b\n"}, UNIKA_EROSTER, 6, "unknown line"},
        {{head, c, a, "aggregator: x ed25519:00\n"}, UNIKA_EROSTER, 6, "x25519:"},
    };
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(cases); i++) {
        char text[1024] = "";
        for (int j = 0; j < 5 && cases[i].parts[j]; j++) strcat(text, cases[i].parts[j]);
        unika_roster *r = NULL;
        unika_error e = {0};
        int rc = unika_roster_parse(&r, text, strlen(text), &e);
        ck_assert_msg(rc == cases[i].rc, "case %zu: got %d (%s)", i, rc, e.message);
        ck_assert_ptr_null(r);
        ck_assert_msg(e.line == cases[i].line, "case %zu: line %llu", i,
                      (unsigned long long)e.line);
        ck_assert_msg(strstr(e.message, cases[i].says), "case %zu: %s", i, e.message);
        if (cases[i].line) {
            char where[32];
            snprintf(where, sizeof where, "line %llu", (unsigned long long)cases[i].line);
            ck_assert_msg(strstr(e.message, where), "case %zu: %s", i, e.message);
        }
    }
    /* orgs= */
    struct { const char *orgs; int rc; const char *says; } o[] = {
        {" orgs=a,b", 0, NULL},
        {" orgs=", UNIKA_EROSTER, "orgs= must list"},
        {" orgs=a,,b", UNIKA_EROSTER, "empty or overlong"},
        {" orgs=a,b,", UNIKA_EROSTER, "ends with a comma"},
        {" orgs=a,a", UNIKA_EROSTER, "twice"},
        {" orgs=a b", UNIKA_EROSTER, "separated by commas"},
        {" orgs=.a", UNIKA_ENAME, "character 1"},
        {" members=a", UNIKA_EROSTER, "expected orgs="},
    };
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(o); i++) {
        char text[1024];
        snprintf(text, sizeof text, "%s%spartner: a %s%s\n", head, c, KEY_A, o[i].orgs);
        unika_roster *r = NULL;
        unika_error e = {0};
        int rc = unika_roster_parse(&r, text, strlen(text), &e);
        ck_assert_msg(rc == o[i].rc, "orgs case %zu: %d %s", i, rc, e.message);
        if (!rc) ck_assert_str_eq(unika_roster_signer_orgs(r, 0), "a,b");
        else ck_assert_msg(strstr(e.message, o[i].says), "orgs case %zu: %s", i, e.message);
        unika_roster_free(r);
    }
}
END_TEST

START_TEST(verify_names_the_signer_or_the_reason)
{
    fixture f;
    fixture_make(&f);
    unika_error e = {0};
    const uint8_t data[] = "a sketch file's bytes";
    unika_signature sig;
    const unika_sign_public *who = NULL;

    ck_assert_int_eq(unika_signature_create(&sig, f.sk[1], data, sizeof data, &e), 0);
    ck_assert_int_eq(unika_roster_verify(&who, f.roster, &sig, data, sizeof data, &e), 0);
    ck_assert_str_eq(who->name, "rodakorset");

    uint8_t changed[sizeof data];
    memcpy(changed, data, sizeof data);
    changed[3] ^= 0x20;
    ck_assert_int_eq(unika_roster_verify(&who, f.roster, &sig, changed, sizeof data, &e),
                     UNIKA_ESIGNATURE);
    ck_assert_ptr_null(who);

    /* A partner not on the roster. */
    unika_sign_key *outsider = NULL, *impostor = NULL;
    ck_assert_int_eq(unika_sign_key_generate(&outsider, "barnrattsbyran", &e), 0);
    ck_assert_int_eq(unika_signature_create(&sig, outsider, data, sizeof data, &e), 0);
    ck_assert_int_eq(unika_roster_verify(&who, f.roster, &sig, data, sizeof data, &e),
                     UNIKA_ESIGNER);
    ck_assert_ptr_nonnull(strstr(e.message, "\"barnrattsbyran\" is not on the roster"));
    ck_assert_ptr_nonnull(strstr(e.message, "raddabarnen, rodakorset, stadsmissionen"));

    /* A partner's name with another key: a key mismatch. */
    ck_assert_int_eq(unika_sign_key_generate(&impostor, "rodakorset", &e), 0);
    ck_assert_int_eq(unika_signature_create(&sig, impostor, data, sizeof data, &e), 0);
    ck_assert_int_eq(unika_roster_verify(&who, f.roster, &sig, data, sizeof data, &e),
                     UNIKA_ESIGNKEY);

    /* Fingerprint check. */
    ck_assert_int_eq(unika_roster_check_key_fingerprint(f.roster, FP, &e), 0);
    uint8_t other[UNIKA_FINGERPRINT_BYTES];
    memcpy(other, FP, sizeof other);
    other[15] ^= 0xff;
    ck_assert_int_eq(unika_roster_check_key_fingerprint(f.roster, other, &e),
                     UNIKA_EKEYMISMATCH);
    ck_assert_ptr_nonnull(strstr(e.message, FP_HEX));
    ck_assert_ptr_nonnull(strstr(e.message, "3f0c0102030405060708090a0b0c0df1"));

    /* Duplicates refused by the builder too. */
    unika_sign_public pub;
    unika_sign_key_public(&pub, impostor);
    ck_assert_int_eq(unika_roster_add_partner(f.roster, &pub, &e), UNIKA_EROSTER);
    unika_sign_key_free(outsider);
    unika_sign_key_free(impostor);
    fixture_free(&f);
}
END_TEST

START_TEST(verify_files_and_save_load)
{
    char dir[] = "/tmp/unika-test-roster-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    fixture f;
    fixture_make(&f);
    unika_error e = {0};
    char rpath[128], data[128], sigpath[160];
    snprintf(rpath, sizeof rpath, "%s/partnership.roster", dir);
    snprintf(data, sizeof data, "%s/cell.uks", dir);
    snprintf(sigpath, sizeof sigpath, "%s/cell.uks.sig", dir);
    /* Only the coordinator's key signs it. */
    ck_assert_int_eq(unika_roster_save(f.roster, rpath, f.sk[0], 0, &e), UNIKA_EINVAL);
    ck_assert_int_eq(unika_roster_save(f.roster, rpath, f.coordinator, 0, &e), 0);
    ck_assert_int_eq(unika_roster_save(f.roster, rpath, f.coordinator, 0, &e), UNIKA_EEXIST);
    unika_roster *r = NULL;
    ck_assert_msg(unika_roster_load(&r, rpath, f.pin, &e) == 0, "%s", e.message);

    FILE *fh = fopen(data, "wb");
    fputs("sketch", fh);
    fclose(fh);
    const unika_sign_public *who = NULL;
    ck_assert_int_eq(unika_roster_verify_file(&who, r, data, NULL, &e), UNIKA_ENOENT);
    ck_assert_ptr_nonnull(strstr(e.message, "not signed"));
    ck_assert_int_eq(unika_sign_file(f.sk[0], data, NULL, 0, &e), 0);
    ck_assert_int_eq(unika_roster_verify_file(&who, r, data, NULL, &e), 0);
    ck_assert_str_eq(who->name, "raddabarnen");
    ck_assert_int_eq(unika_roster_verify_file(&who, r, data, sigpath, &e), 0);
    fh = fopen(data, "ab");
    fputs("!", fh);
    fclose(fh);
    ck_assert_int_eq(unika_roster_verify_file(&who, r, data, NULL, &e), UNIKA_ESIGNATURE);
    ck_assert_ptr_nonnull(strstr(e.message, data)); /* names the file */
    /* Over bytes read already: the same verdicts and messages, whatever the
     * file holds now (the bytes given are the ones checked). */
    char file_msg[sizeof e.message];
    snprintf(file_msg, sizeof file_msg, "%s", e.message);
    ck_assert_int_eq(unika_roster_verify_read(&who, r, data, NULL, (const uint8_t *)"sketch!", 7,
                                              &e), UNIKA_ESIGNATURE);
    ck_assert_str_eq(e.message, file_msg);
    ck_assert_int_eq(unika_roster_verify_read(&who, r, data, NULL, (const uint8_t *)"sketch", 6,
                                              &e), 0);
    ck_assert_str_eq(who->name, "raddabarnen");
    ck_assert_int_eq(unika_roster_verify_read(&who, r, data, NULL, NULL, 6, &e), UNIKA_EINVAL);
    unika_roster_free(r);
    unika_roster_free(NULL);
    fixture_free(&f);
}
END_TEST

/* The attacks on the roster itself: each is refused by unika_roster_load(). */
START_TEST(only_the_pinned_coordinator_makes_a_roster)
{
    char dir[] = "/tmp/unika-test-roster-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    fixture f;
    fixture_make(&f);
    unika_error e = {0};
    char rpath[128], sigpath[160];
    snprintf(rpath, sizeof rpath, "%s/r.roster", dir);
    snprintf(sigpath, sizeof sigpath, "%s/r.roster.sig", dir);
    ck_assert_int_eq(unika_roster_save(f.roster, rpath, f.coordinator, 0, &e), 0);
    unika_roster *r = NULL;

    /* Unsigned: refused, by name. */
    ck_assert_int_eq(rename(sigpath, "/tmp/unika-test-roster-sig-aside"), 0);
    ck_assert_int_eq(unika_roster_load(&r, rpath, f.pin, &e), UNIKA_ECOORDINATOR);
    ck_assert_ptr_nonnull(strstr(e.message, "not signed"));
    ck_assert_int_eq(rename("/tmp/unika-test-roster-sig-aside", sigpath), 0);

    /* Edited after signing: an aggregator adds its key as a partner. */
    FILE *fh = fopen(rpath, "ab");
    fputs("partner: intruder ed25519:8a1f000000000000000000000000000000000000000000000000000000000009\n",
          fh);
    fclose(fh);
    ck_assert_int_eq(unika_roster_load(&r, rpath, f.pin, &e), UNIKA_ESIGNATURE);
    ck_assert_ptr_nonnull(strstr(e.message, "changed after \"steering\" signed it"));

    /* Re-signed: made again by someone with a coordinator key of their own. */
    unika_sign_key *forger = NULL;
    unika_sign_public fpub;
    ck_assert_int_eq(unika_sign_key_generate(&forger, "steering", &e), 0);
    unika_sign_key_public(&fpub, forger);
    ck_assert_int_eq(unika_roster_set_coordinator(f.roster, &fpub, &e), 0);
    ck_assert_int_eq(unika_roster_save(f.roster, rpath, forger, UNIKA_SIGN_OVERWRITE, &e), 0);
    ck_assert_int_eq(unika_roster_load(&r, rpath, f.pin, &e), UNIKA_ECOORDINATOR);
    ck_assert_ptr_nonnull(strstr(e.message, "but the pinned coordinator is"));
    /* ... which its maker's own pin would accept: the pin is what decides. */
    uint8_t forger_pin[UNIKA_FINGERPRINT_BYTES];
    ck_assert_int_eq(unika_sign_public_fingerprint(forger_pin, &fpub), 0);
    ck_assert_int_eq(unika_roster_load(&r, rpath, forger_pin, &e), 0);
    unika_roster_free(r);
    r = NULL;

    /* Signed by a partner instead of the roster's coordinator. */
    ck_assert_int_eq(unika_sign_file(f.sk[1], rpath, NULL, UNIKA_SIGN_OVERWRITE, &e), 0);
    ck_assert_int_eq(unika_roster_load(&r, rpath, forger_pin, &e), UNIKA_ECOORDINATOR);
    ck_assert_ptr_nonnull(strstr(e.message, "not by its coordinator"));
    ck_assert_ptr_null(r);
    unika_sign_key_free(forger);
    fixture_free(&f);
}
END_TEST

/* Issue 13: Rädda Barnen's key signed a sketch labelled org=rodakorset. */
START_TEST(a_key_signs_for_its_organisations_only)
{
    fixture f;
    fixture_make(&f);
    unika_error e = {0};
    const unika_sign_public *rb = unika_roster_find(f.roster, "raddabarnen");
    const char *own[] = {"raddabarnen"}, *other[] = {"rodakorset"}, *both[] = {"raddabarnen",
                                                                             "rodakorset"};
    ck_assert_int_eq(unika_roster_authorize(f.roster, rb, own, 1, &e), 0);
    ck_assert_int_eq(unika_roster_authorize(f.roster, rb, other, 1, &e), UNIKA_ESIGNSCOPE);
    ck_assert_ptr_nonnull(strstr(e.message, "\"raddabarnen\", whose key may sign for org "
                                            "raddabarnen only, but the file is labelled "
                                            "org=rodakorset"));
    ck_assert_int_eq(unika_roster_authorize(f.roster, rb, both, 2, &e), UNIKA_ESIGNSCOPE);
    ck_assert_int_eq(unika_roster_authorize(f.roster, rb, NULL, 0, &e), UNIKA_ESIGNSCOPE);
    ck_assert_ptr_nonnull(strstr(e.message, "names no organisation"));
    /* A key listed for several organisations signs for each. */
    unika_sign_key *sm = NULL;
    unika_sign_public pub;
    ck_assert_int_eq(unika_sign_key_generate(&sm, "stockholm", &e), 0);
    unika_sign_key_public(&pub, sm);
    ck_assert_int_eq(unika_roster_add_signer(f.roster, "partner", &pub, "stadsmissionen,uppsok", &e), 0);
    ck_assert_int_eq(unika_roster_add_signer(f.roster, "linker", &pub, "x", &e), UNIKA_EROSTER);
    const unika_sign_public *s = unika_roster_find(f.roster, "stockholm");
    const char *up[] = {"uppsok", "stadsmissionen"};
    ck_assert_int_eq(unika_roster_authorize(f.roster, s, up, 2, &e), 0);
    ck_assert_int_eq(unika_roster_authorize(f.roster, s, own, 1, &e), UNIKA_ESIGNSCOPE);

    /* A sketch: its org label and its provenance records' orgs count. */
    uint8_t kfp[UNIKA_FINGERPRINT_BYTES] = {1}, rfp[UNIKA_FINGERPRINT_BYTES] = {2};
    unika_sketch *sk = NULL;
    ck_assert_int_eq(unika_sketch_new(&sk, 12, kfp, rfp, &e), 0);
    ck_assert_int_eq(unika_roster_authorize_sketch(f.roster, rb, sk, &e), UNIKA_ESIGNSCOPE);
    ck_assert_int_eq(unika_sketch_set_label(sk, "org", "raddabarnen", &e), 0);
    ck_assert_int_eq(unika_roster_authorize_sketch(f.roster, rb, sk, &e), 0);
    uint8_t d[UNIKA_DIGEST_BYTES] = {1};
    ck_assert_int_eq(unika_sketch_add_source(sk, d, "org=rodakorset\nperiod=2019H1", "", &e), 0);
    ck_assert_int_eq(unika_roster_authorize_sketch(f.roster, rb, sk, &e), UNIKA_ESIGNSCOPE);
    ck_assert_ptr_nonnull(strstr(e.message, "org=rodakorset"));
    unika_sketch_free(sk);
    unika_sign_key_free(sm);
    fixture_free(&f);
}
END_TEST

/* Random damage (seeded): any mix of flipped, deleted and inserted bytes is
 * either refused with a documented code or parses to a roster whose
 * canonical text parses back to itself. Never a crash or an overread (the
 * sanitizer build runs this too). */
START_TEST(random_damage_is_refused_or_canonical)
{
    fixture f;
    fixture_make(&f);
    char text[UNIKA_ROSTER_MAX_BYTES];
    size_t n;
    ck_assert_int_eq(unika_roster_format(text, sizeof text, &n, f.roster, NULL), 0);
    uint64_t st = 20240601;
    size_t parsed = 0;
    for (int round = 0; round < 3000; round++) {
        char buf[UNIKA_ROSTER_MAX_BYTES + 64];
        size_t m = n;
        memcpy(buf, text, n);
        int edits = 1 + (int)(unika_test_splitmix64(&st) % 3);
        for (int k = 0; k < edits; k++) {
            size_t at = (size_t)(unika_test_splitmix64(&st) % (m ? m : 1));
            switch (unika_test_splitmix64(&st) % 3) {
            case 0: if (m) buf[at] ^= (char)(1u << (unika_test_splitmix64(&st) % 8)); break;
            case 1: if (m) { memmove(buf + at, buf + at + 1, m - at - 1); m--; } break;
            default:
                memmove(buf + at + 1, buf + at, m - at);
                buf[at] = (char)unika_test_splitmix64(&st);
                m++;
            }
        }
        unika_roster *r = NULL;
        unika_error e = {0};
        int rc = unika_roster_parse(&r, buf, m, &e);
        if (rc == 0) {
            parsed++;
            char canon[UNIKA_ROSTER_MAX_BYTES], again[UNIKA_ROSTER_MAX_BYTES];
            size_t cn, an;
            unika_roster *r2 = NULL;
            ck_assert_int_eq(unika_roster_format(canon, sizeof canon, &cn, r, NULL), 0);
            ck_assert_int_eq(unika_roster_parse(&r2, canon, cn, NULL), 0);
            ck_assert_int_eq(unika_roster_format(again, sizeof again, &an, r2, NULL), 0);
            ck_assert_uint_eq(cn, an);
            ck_assert_int_eq(memcmp(canon, again, cn), 0);
            unika_roster_free(r2);
            unika_roster_free(r);
        } else {
            ck_assert_msg(rc == UNIKA_EROSTER || rc == UNIKA_ENAME || rc == UNIKA_EVERSION,
                          "round %d: %s", round, unika_err_name(rc));
            ck_assert_ptr_null(r);
            ck_assert(e.message[0] != '\0');
        }
    }
    /* Some damage is harmless (a flipped comment byte, a changed hex digit). */
    ck_assert_uint_gt(parsed, 0);
    fixture_free(&f);
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("roster");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, build_format_parse_round_trip);
    tcase_add_test(tc, parse_errors_name_their_line);
    tcase_add_test(tc, verify_names_the_signer_or_the_reason);
    tcase_add_test(tc, verify_files_and_save_load);
    tcase_add_test(tc, only_the_pinned_coordinator_makes_a_roster);
    tcase_add_test(tc, a_key_signs_for_its_organisations_only);
    tcase_add_test(tc, random_damage_is_refused_or_canonical);
    suite_add_tcase(s, tc);
    return s;
}
