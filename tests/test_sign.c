/*
 * test_sign.c - partner signing keys and detached signatures: a known-answer
 * vector from an independent Ed25519/BLAKE2b implementation, round trips,
 * every single-byte tampering, wrong signers and keys, file permissions and
 * malformed files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "common/common.h"
#include "testutil.h"
#include "unika.h"

static char tmpdir[64];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/unika-test-sign-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void path_in(char *dst, size_t cap, const char *name)
{
    snprintf(dst, cap, "%s/%s", tmpdir, name);
}

static void write_text(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    ck_assert_int_eq(chmod(path, mode), 0);
}

/* Known answer, computed with Python's `cryptography` (OpenSSL Ed25519) and
 * hashlib.blake2b, following docs/security.md: seed = bytes 0..31, signer
 * "rodakorset", file = "unika test file\n". */
static const char *KAT_SECRET =
    "unika-sign-secret-key v1\n"
    "name: rodakorset\n"
    "seed: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
    "public: 03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8\n";
static const char *KAT_FILE = "unika test file\n";
static const char *KAT_DIGEST =
    "275ac460c3302325055f41a5e54f985148df948df0fc6be996b013f8321df6a2"
    "610b23813f5c94bf38d3ef029dc8fcd0e6c365338e9125974e0e13841d3b49dc";
static const char *KAT_SIG =
    "6b5fb49fe15e3220c82747ccc99b0930c2ab8b022bce40ce8ae386e08d9379f2"
    "b3180e73983a4e9db3b705f825a1578dbea56f5aa488ef06c6dfc54fa29ad00c";

static unika_sign_key *new_key(const char *name)
{
    unika_sign_key *k = NULL;
    unika_error e = {0};
    ck_assert_int_eq(unika_sign_key_generate(&k, name, &e), 0);
    ck_assert_ptr_nonnull(k);
    return k;
}

START_TEST(sizes_match_functions)
{
    ck_assert_uint_eq(unika_sign_public_key_bytes(), UNIKA_SIGN_PUBLIC_KEY_BYTES);
    ck_assert_uint_eq(unika_sign_bytes(), UNIKA_SIGN_BYTES);
    ck_assert_uint_eq(unika_sign_digest_bytes(), UNIKA_SIGN_DIGEST_BYTES);
    ck_assert_uint_eq(unika_signer_name_max(), UNIKA_SIGNER_NAME_MAX);
}
END_TEST

START_TEST(signer_names)
{
    static const struct { const char *name; int rc; uint64_t pos; } cases[] = {
        {"rodakorset", 0, 0},
        {"Radda-Barnen_2017.se", 0, 0},
        {"a", 0, 0},
        {"", UNIKA_ENAME, 0},
        {"-leading", UNIKA_ENAME, 1},
        {".hidden", UNIKA_ENAME, 1},
        {"two words", UNIKA_ENAME, 4},
        {"colon:name", UNIKA_ENAME, 6},
        {"r\xc3\xa4""dda", UNIKA_ENAME, 2}, /* non-ASCII is refused, by rule */
        {"new\nline", UNIKA_ENAME, 4},
    };
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(cases); i++) {
        unika_error e = {0};
        ck_assert_msg(unika_signer_name_check(cases[i].name, &e) == cases[i].rc, "case %zu", i);
        if (cases[i].rc) ck_assert_uint_eq(e.position, cases[i].pos);
    }
    char long_name[UNIKA_SIGNER_NAME_MAX + 2];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[UNIKA_SIGNER_NAME_MAX] = '\0';
    ck_assert_int_eq(unika_signer_name_check(long_name, NULL), 0);
    long_name[UNIKA_SIGNER_NAME_MAX] = 'a';
    long_name[UNIKA_SIGNER_NAME_MAX + 1] = '\0';
    ck_assert_int_eq(unika_signer_name_check(long_name, NULL), UNIKA_ENAME);
    unika_sign_key *k = NULL;
    ck_assert_int_eq(unika_sign_key_generate(&k, "bad name", NULL), UNIKA_ENAME);
    ck_assert_ptr_null(k);
}
END_TEST

START_TEST(known_answer)
{
    make_tmpdir();
    char sec[128];
    path_in(sec, sizeof sec, "kat.sec");
    write_text(sec, KAT_SECRET, 0600);
    unika_sign_key *k = NULL;
    unika_error e = {0};
    ck_assert_msg(unika_sign_key_load(&k, sec, 0, &e) == 0, "%s", e.message);
    ck_assert_str_eq(unika_sign_key_name(k), "rodakorset");

    unika_signature sig;
    ck_assert_int_eq(unika_signature_create(&sig, k, (const uint8_t *)KAT_FILE,
                                            strlen(KAT_FILE), &e), 0);
    char hex[2 * UNIKA_SIGN_DIGEST_BYTES + 1];
    unika_hex_encode(hex, sig.digest, sizeof sig.digest);
    ck_assert_str_eq(hex, KAT_DIGEST);
    unika_hex_encode(hex, sig.sig, sizeof sig.sig);
    ck_assert_str_eq(hex, KAT_SIG);
    ck_assert_str_eq(sig.signer, "rodakorset");

    /* The same through the file functions and the text form. */
    char data[128], sigpath[160];
    path_in(data, sizeof data, "kat.txt");
    write_text(data, KAT_FILE, 0644);
    ck_assert_int_eq(unika_sign_file(k, data, NULL, 0, &e), 0);
    ck_assert_int_eq(unika_signature_path(sigpath, sizeof sigpath, data), 0);
    size_t n;
    char *text = (char *)unika_test_read_file(sigpath, &n);
    ck_assert_ptr_nonnull(text);
    char expect[1024];
    snprintf(expect, sizeof expect,
             "unika-signature v1\nsigner: rodakorset\nalgorithm: ed25519\n"
             "public-key: 03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8\n"
             "blake2b-512: %s\nsignature: %s\n", KAT_DIGEST, KAT_SIG);
    ck_assert_uint_eq(n, strlen(expect));
    ck_assert_int_eq(memcmp(text, expect, n), 0);
    free(text);
    unika_sign_key_free(k);
}
END_TEST

START_TEST(round_trip_and_every_byte_tampered)
{
    unika_sign_key *k = new_key("stadsmissionen");
    unika_sign_public pub;
    ck_assert_int_eq(unika_sign_key_public(&pub, k), 0);
    uint8_t data[200];
    uint64_t st = 42;
    for (size_t i = 0; i < sizeof data; i++) data[i] = (uint8_t)unika_test_splitmix64(&st);
    unika_signature sig, again;
    unika_error e = {0};
    ck_assert_int_eq(unika_signature_create(&sig, k, data, sizeof data, &e), 0);
    ck_assert_int_eq(unika_signature_create(&again, k, data, sizeof data, &e), 0);
    ck_assert_int_eq(memcmp(&sig, &again, sizeof sig), 0); /* deterministic */
    ck_assert_msg(unika_signature_verify(&sig, &pub, data, sizeof data, &e) == 0, "%s",
                  e.message);
    for (size_t i = 0; i < sizeof data; i++) {
        data[i] ^= 0x01;
        ck_assert_int_eq(unika_signature_verify(&sig, &pub, data, sizeof data, &e),
                         UNIKA_ESIGNATURE);
        ck_assert_ptr_nonnull(strstr(e.message, "changed after"));
        data[i] ^= 0x01;
    }
    /* One byte more or less is a change too. */
    ck_assert_int_eq(unika_signature_verify(&sig, &pub, data, sizeof data - 1, &e),
                     UNIKA_ESIGNATURE);
    /* Every byte of the signature itself. */
    for (size_t i = 0; i < UNIKA_SIGN_BYTES; i++) {
        sig.sig[i] ^= 0x80;
        ck_assert_int_eq(unika_signature_verify(&sig, &pub, data, sizeof data, &e),
                         UNIKA_ESIGNATURE);
        ck_assert_ptr_nonnull(strstr(e.message, "signature bytes"));
        sig.sig[i] ^= 0x80;
    }
    /* A forger who edits file and digest together still fails at Ed25519. */
    data[0] ^= 1;
    crypto_generichash(sig.digest, sizeof sig.digest, data, sizeof data, NULL, 0);
    ck_assert_int_eq(unika_signature_verify(&sig, &pub, data, sizeof data, &e),
                     UNIKA_ESIGNATURE);
    /* Empty input is signable. */
    ck_assert_int_eq(unika_signature_create(&sig, k, NULL, 0, &e), 0);
    ck_assert_int_eq(unika_signature_verify(&sig, &pub, NULL, 0, &e), 0);
    unika_sign_key_free(k);
}
END_TEST

START_TEST(wrong_signer_and_wrong_key)
{
    unika_sign_key *a = new_key("raddabarnen"), *b = new_key("rodakorset"),
                   *a2 = new_key("raddabarnen");
    unika_sign_public pa, pb, pa2;
    unika_sign_key_public(&pa, a);
    unika_sign_key_public(&pb, b);
    unika_sign_key_public(&pa2, a2);
    const uint8_t data[] = "sketch bytes";
    unika_signature sig;
    unika_error e = {0};
    ck_assert_int_eq(unika_signature_create(&sig, a, data, sizeof data, &e), 0);

    ck_assert_int_eq(unika_signature_verify(&sig, &pb, data, sizeof data, &e), UNIKA_ESIGNER);
    ck_assert_ptr_nonnull(strstr(e.message, "\"raddabarnen\""));
    ck_assert_ptr_nonnull(strstr(e.message, "\"rodakorset\""));

    /* Same name, another key pair: a key mismatch, both key ids named. */
    ck_assert_int_eq(unika_signature_verify(&sig, &pa2, data, sizeof data, &e), UNIKA_ESIGNKEY);
    char id[UNIKA_SIGN_KEY_ID_HEX_BYTES];
    unika_sign_key_id(id, pa2.key);
    ck_assert_ptr_nonnull(strstr(e.message, id));

    /* Claiming the expected key in the file does not help: Ed25519 fails. */
    memcpy(sig.key, pa2.key, sizeof sig.key);
    ck_assert_int_eq(unika_signature_verify(&sig, &pa2, data, sizeof data, &e),
                     UNIKA_ESIGNATURE);

    /* The name is covered: re-attributing a's signature to another name with
     * a's own key fails, although name, key and digest all "match". */
    ck_assert_int_eq(unika_signature_create(&sig, a, data, sizeof data, &e), 0);
    unika_sign_public renamed = pa;
    snprintf(renamed.name, sizeof renamed.name, "rodakorset");
    snprintf(sig.signer, sizeof sig.signer, "rodakorset");
    ck_assert_int_eq(unika_signature_verify(&sig, &renamed, data, sizeof data, &e),
                     UNIKA_ESIGNATURE);
    unika_sign_key_free(a);
    unika_sign_key_free(b);
    unika_sign_key_free(a2);
}
END_TEST

START_TEST(secret_key_file_permissions_and_round_trip)
{
    make_tmpdir();
    char sec[128];
    path_in(sec, sizeof sec, "p.sec");
    unika_sign_key *k = new_key("rodakorset"), *back = NULL;
    unika_error e = {0};
    mode_t old = umask(0); /* the file must be 0600 whatever the umask */
    ck_assert_int_eq(unika_sign_key_save(k, sec, 0, &e), 0);
    umask(old);
    struct stat st;
    ck_assert_int_eq(stat(sec, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0600);

    ck_assert_int_eq(unika_sign_key_save(k, sec, 0, &e), UNIKA_EEXIST);
    ck_assert_int_eq(unika_sign_key_save(k, sec, UNIKA_SIGN_OVERWRITE, &e), 0);
    ck_assert_int_eq(unika_sign_key_save(k, sec, 8, &e), UNIKA_EINVAL);

    ck_assert_int_eq(unika_sign_key_load(&back, sec, 0, &e), 0);
    ck_assert_str_eq(unika_sign_key_name(back), "rodakorset");
    const uint8_t msg[] = "x";
    unika_signature s1, s2;
    ck_assert_int_eq(unika_signature_create(&s1, k, msg, 1, &e), 0);
    ck_assert_int_eq(unika_signature_create(&s2, back, msg, 1, &e), 0);
    ck_assert_int_eq(memcmp(&s1, &s2, sizeof s1), 0);
    unika_sign_key_free(back);
    back = NULL;

    static const mode_t open_modes[] = {0644, 0640, 0604, 0660, 0602};
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(open_modes); i++) {
        ck_assert_int_eq(chmod(sec, open_modes[i]), 0);
        ck_assert_int_eq(unika_sign_key_load(&back, sec, 0, &e), UNIKA_EKEYPERM);
        ck_assert_ptr_null(back);
        ck_assert_ptr_nonnull(strstr(e.message, "chmod 600"));
    }
    ck_assert_int_eq(unika_sign_key_load(&back, sec, UNIKA_SIGN_ALLOW_OPEN_PERMISSIONS, &e), 0);
    unika_sign_key_free(back);
    back = NULL;

    char missing[128];
    path_in(missing, sizeof missing, "nope.sec");
    ck_assert_int_eq(unika_sign_key_load(&back, missing, 0, &e), UNIKA_ENOENT);
    unika_sign_key_free(k);
    unika_sign_key_free(NULL);
}
END_TEST

START_TEST(malformed_secret_key_files)
{
    make_tmpdir();
    char sec[128];
    path_in(sec, sizeof sec, "bad.sec");
    static const struct { const char *text; int rc; uint64_t line; } cases[] = {
        {"", UNIKA_EKEYFILE, 0},
        {"unika-sign-secret-key v2\n", UNIKA_EKEYVERSION, 1},
        {"unika-key v1\n", UNIKA_EKEYFILE, 1},
        {"unika-sign-secret-key v1\n", UNIKA_EKEYFILE, 2},
        {"unika-sign-secret-key v1\nname: rodakorset\n", UNIKA_EKEYFILE, 3},
        {"unika-sign-secret-key v1\nname: roda korset\n", UNIKA_ENAME, 2},
        {"unika-sign-secret-key v1\nname: rodakorset\nseed: 0001\n", UNIKA_EKEYFILE, 3},
        /* seed and public key disagree (last digit of the public key changed) */
        {"unika-sign-secret-key v1\nname: rodakorset\n"
         "seed: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
         "public: 03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b9\n",
         UNIKA_EKEYFILE, 0},
        {"unika-sign-secret-key v1\nname: rodakorset\n"
         "seed: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
         "public: 03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8\nextra\n",
         UNIKA_EKEYFILE, 5},
    };
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(cases); i++) {
        write_text(sec, cases[i].text, 0600);
        unika_sign_key *k = NULL;
        unika_error e = {0};
        ck_assert_msg(unika_sign_key_load(&k, sec, 0, &e) == cases[i].rc, "case %zu: %s", i,
                      e.message);
        ck_assert_ptr_null(k);
        ck_assert_msg(e.line == cases[i].line, "case %zu: line %llu", i,
                      (unsigned long long)e.line);
    }
    /* The KAT file with CRLF line ends is accepted (edited on Windows). */
    write_text(sec,
               "unika-sign-secret-key v1\r\nname: rodakorset\r\n"
               "seed: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\r\n"
               "public: 03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8\r\n",
               0600);
    unika_sign_key *k = NULL;
    ck_assert_int_eq(unika_sign_key_load(&k, sec, 0, NULL), 0);
    unika_sign_key_free(k);
}
END_TEST

START_TEST(public_key_file)
{
    make_tmpdir();
    char pubpath[128];
    path_in(pubpath, sizeof pubpath, "p.pub");
    unika_sign_key *k = new_key("raddabarnen");
    unika_sign_public pub, back;
    unika_sign_key_public(&pub, k);
    unika_error e = {0};
    ck_assert_int_eq(unika_sign_public_save(&pub, pubpath, 0, &e), 0);
    struct stat st;
    ck_assert_int_eq(stat(pubpath, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0644);
    ck_assert_int_eq(unika_sign_public_load(&back, pubpath, &e), 0);
    ck_assert_int_eq(memcmp(&pub, &back, sizeof pub), 0);

    char text[UNIKA_SIGN_TEXT_MAX];
    size_t n;
    ck_assert_int_eq(unika_sign_public_format(text, sizeof text, &n, &pub, &e), 0);
    ck_assert_int_eq(unika_sign_public_format(text, n, NULL, &pub, &e), UNIKA_EBUFFER);
    ck_assert_int_eq(unika_sign_public_format(text, sizeof text, &n, &pub, &e), 0);
    /* Every proper prefix is refused (truncation), never read out of bounds. */
    for (size_t cut = 0; cut + 1 < n; cut++) {
        char *copy = malloc(cut ? cut : 1);
        memcpy(copy, text, cut);
        ck_assert_msg(unika_sign_public_parse(&back, copy, cut, &e) < 0, "cut %zu", cut);
        free(copy);
    }
    ck_assert_int_eq(unika_sign_public_parse(&back, text, n - 1, &e), 0); /* no final newline */
    text[n - 3] = 'g';
    ck_assert_int_eq(unika_sign_public_parse(&back, text, n, &e), UNIKA_EKEYFILE);
    ck_assert_uint_eq(e.line, 3);
    unika_sign_key_free(k);
}
END_TEST

START_TEST(signature_file_parse)
{
    unika_sign_key *k = new_key("rodakorset");
    unika_signature sig, back;
    unika_error e = {0};
    const uint8_t data[] = "abc";
    ck_assert_int_eq(unika_signature_create(&sig, k, data, 3, &e), 0);
    char text[UNIKA_SIGN_TEXT_MAX];
    size_t n;
    ck_assert_int_eq(unika_signature_format(text, sizeof text, &n, &sig, &e), 0);
    ck_assert_int_eq(unika_signature_parse(&back, text, n, &e), 0);
    ck_assert_int_eq(memcmp(&sig, &back, sizeof sig), 0);
    for (size_t cut = 0; cut + 1 < n; cut++) {
        char *copy = malloc(cut ? cut : 1);
        memcpy(copy, text, cut);
        int rc = unika_signature_parse(&back, copy, cut, &e);
        ck_assert_msg(rc == UNIKA_ESIGFILE || rc == UNIKA_EVERSION || rc == UNIKA_ENAME,
                      "cut %zu gave %d", cut, rc);
        free(copy);
    }
    static const struct { const char *from, *to; int rc; uint64_t line; } edits[] = {
        {"v1", "v7", UNIKA_EVERSION, 1},
        {"ed25519", "rsa2048", UNIKA_ESIGFILE, 3},
        {"signer: ", "signer:", UNIKA_ESIGFILE, 2},
        {"blake2b-512: ", "blake2b-256: ", UNIKA_ESIGFILE, 5},
    };
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(edits); i++) {
        char edited[UNIKA_SIGN_TEXT_MAX + 16];
        const char *at = strstr(text, edits[i].from);
        ck_assert_ptr_nonnull(at);
        size_t pre = (size_t)(at - text);
        snprintf(edited, sizeof edited, "%.*s%s%s", (int)pre, text, edits[i].to,
                 at + strlen(edits[i].from));
        e.line = 0;
        ck_assert_int_eq(unika_signature_parse(&back, edited, strlen(edited), &e), edits[i].rc);
        ck_assert_uint_eq(e.line, edits[i].line);
    }
    char with_nul[UNIKA_SIGN_TEXT_MAX];
    memcpy(with_nul, text, n);
    with_nul[30] = '\0';
    ck_assert_int_eq(unika_signature_parse(&back, with_nul, n, &e), UNIKA_ESIGFILE);
    unika_sign_key_free(k);
}
END_TEST

START_TEST(signature_files_on_disk)
{
    make_tmpdir();
    char data[128], sigpath[160];
    path_in(data, sizeof data, "cell.uks");
    write_text(data, "pretend sketch", 0644);
    unika_sign_key *k = new_key("rodakorset");
    unika_sign_public pub;
    unika_sign_key_public(&pub, k);
    unika_error e = {0};
    ck_assert_int_eq(unika_sign_file(k, data, NULL, 0, &e), 0);
    ck_assert_int_eq(unika_sign_file(k, data, NULL, 0, &e), UNIKA_EEXIST);
    ck_assert_int_eq(unika_sign_file(k, data, NULL, UNIKA_SIGN_OVERWRITE, &e), 0);
    unika_signature_path(sigpath, sizeof sigpath, data);
    unika_signature sig;
    ck_assert_int_eq(unika_signature_load(&sig, sigpath, &e), 0);
    ck_assert_int_eq(unika_signature_verify_file(&sig, &pub, data, &e), 0);
    write_text(data, "pretend sketcH", 0644);
    ck_assert_int_eq(unika_signature_verify_file(&sig, &pub, data, &e), UNIKA_ESIGNATURE);
    char missing[128];
    path_in(missing, sizeof missing, "missing.uks");
    ck_assert_int_eq(unika_signature_verify_file(&sig, &pub, missing, &e), UNIKA_ENOENT);
    ck_assert_int_eq(unika_sign_file(k, missing, NULL, 0, &e), UNIKA_ENOENT);
    char nosig[160];
    path_in(nosig, sizeof nosig, "missing.uks.sig");
    ck_assert_int_eq(unika_signature_load(&sig, nosig, &e), UNIKA_ENOENT);
    ck_assert_ptr_nonnull(strstr(e.message, "not signed"));
    char small[4];
    ck_assert_int_eq(unika_signature_path(small, sizeof small, data), UNIKA_EBUFFER);
    unika_sign_key_free(k);
}
END_TEST

/* Random damage (seeded) to a signature file and to a secret key file: each
 * damaged text is refused with a documented code, or (when the damage hits
 * only a hex digit) parses and then fails verification; never a crash. */
START_TEST(random_damage_is_refused)
{
    make_tmpdir();
    unika_sign_key *k = new_key("rodakorset");
    unika_sign_public pub;
    unika_sign_key_public(&pub, k);
    const uint8_t data[] = "sketch";
    unika_signature sig, back;
    ck_assert_int_eq(unika_signature_create(&sig, k, data, sizeof data, NULL), 0);
    char text[UNIKA_SIGN_TEXT_MAX];
    size_t n;
    ck_assert_int_eq(unika_signature_format(text, sizeof text, &n, &sig, NULL), 0);
    uint64_t st = 77;
    for (int round = 0; round < 3000; round++) {
        char buf[UNIKA_SIGN_TEXT_MAX + 8];
        memcpy(buf, text, n);
        size_t m = n;
        size_t at = (size_t)(unika_test_splitmix64(&st) % n);
        uint64_t op = unika_test_splitmix64(&st) % 3;
        if (op == 0) buf[at] ^= (char)(1u << (unika_test_splitmix64(&st) % 8));
        else if (op == 1) { memmove(buf + at, buf + at + 1, n - at - 1); m--; }
        else { memmove(buf + at + 1, buf + at, n - at); buf[at] = 'x'; m++; }
        unika_error e = {0};
        int rc = unika_signature_parse(&back, buf, m, &e);
        if (rc == 0) {
            if (memcmp(&back, &sig, sizeof sig) == 0) continue; /* e.g. hex case flipped */
            rc = unika_signature_verify(&back, &pub, data, sizeof data, &e);
            ck_assert_msg(rc == UNIKA_ESIGNATURE || rc == UNIKA_ESIGNER || rc == UNIKA_ESIGNKEY,
                          "round %d: %s", round, unika_err_name(rc));
        } else {
            ck_assert_msg(rc == UNIKA_ESIGFILE || rc == UNIKA_EVERSION || rc == UNIKA_ENAME,
                          "round %d: %s", round, unika_err_name(rc));
        }
    }
    char sec[128];
    path_in(sec, sizeof sec, "damaged.sec");
    size_t kn = strlen(KAT_SECRET);
    for (int round = 0; round < 500; round++) {
        char buf[512];
        memcpy(buf, KAT_SECRET, kn + 1);
        size_t at = (size_t)(unika_test_splitmix64(&st) % kn);
        buf[at] ^= (char)(1u << (unika_test_splitmix64(&st) % 8));
        FILE *fh = fopen(sec, "wb");
        fwrite(buf, 1, kn, fh);
        fclose(fh);
        chmod(sec, 0600);
        unika_sign_key *dk = NULL;
        unika_error e = {0};
        int rc = unika_sign_key_load(&dk, sec, 0, &e);
        if (rc == 0) { /* a hex letter's case flipped, or a name letter changed: still a key */
            unika_sign_key_free(dk);
            continue;
        }
        ck_assert_msg(rc == UNIKA_EKEYFILE || rc == UNIKA_EKEYVERSION || rc == UNIKA_ENAME,
                      "round %d: %s", round, unika_err_name(rc));
        ck_assert_ptr_null(dk);
    }
    unika_sign_key_free(k);
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("sign");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, sizes_match_functions);
    tcase_add_test(tc, signer_names);
    tcase_add_test(tc, known_answer);
    tcase_add_test(tc, round_trip_and_every_byte_tampered);
    tcase_add_test(tc, wrong_signer_and_wrong_key);
    tcase_add_test(tc, secret_key_file_permissions_and_round_trip);
    tcase_add_test(tc, malformed_secret_key_files);
    tcase_add_test(tc, public_key_file);
    tcase_add_test(tc, signature_file_parse);
    tcase_add_test(tc, signature_files_on_disk);
    tcase_add_test(tc, random_damage_is_refused);
    suite_add_tcase(s, tc);
    return s;
}
