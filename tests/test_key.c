/*
 * test_key.c - partnership keys: making, deriving, saving, loading, fingerprints.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "identity/key_private.h"
#include "testutil.h"
#include "unika.h"

static char tmpdir[64];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/unika-test-key-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    DIR *d = opendir(tmpdir);
    if (!d) return;
    struct dirent *e;
    char p[512];
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(tmpdir);
}

static size_t count_entries(void)
{
    DIR *d = opendir(tmpdir);
    ck_assert_ptr_nonnull(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

static void write_text(const char *path, const char *text, size_t n, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq((int)write(fd, text, n), (int)n);
    ck_assert_int_eq(fchmod(fd, mode), 0);
    close(fd);
}

static const uint8_t kat_key[UNIKA_KEY_BYTES] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
    0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15,
    0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f};

START_TEST(sizes_match_macros)
{
    ck_assert_uint_eq(unika_key_bytes(), UNIKA_KEY_BYTES);
    ck_assert_uint_eq(unika_fingerprint_bytes(), UNIKA_FINGERPRINT_BYTES);
    ck_assert_uint_eq(unika_fingerprint_hex_bytes(), UNIKA_FINGERPRINT_HEX_BYTES);
}
END_TEST

START_TEST(generated_keys_differ)
{
    unika_key *a = NULL, *b = NULL;
    ck_assert_int_eq(unika_key_generate(&a, NULL), 0);
    ck_assert_int_eq(unika_key_generate(&b, NULL), 0);
    ck_assert_int_eq(unika_key_equal(a, a), 1);
    ck_assert_int_eq(unika_key_equal(a, b), 0);
    ck_assert_int_eq(unika_key_equal(a, NULL), 0);
    ck_assert_mem_ne(unika_key_fingerprint_ptr(a), unika_key_fingerprint_ptr(b),
                     UNIKA_FINGERPRINT_BYTES);
    unika_key_free(a);
    unika_key_free(b);
    unika_key_free(NULL);
    unika_error e = {0};
    ck_assert_int_eq(unika_key_generate(NULL, &e), UNIKA_EINVAL);
    ck_assert_int_eq(e.code, UNIKA_EINVAL);
}
END_TEST

/* The derivations docs/keys.md specifies, recomputed here with libsodium
 * directly, so the documentation and the code cannot drift apart. */
START_TEST(subkeys_and_fingerprint_follow_the_spec)
{
    unika_key *k = NULL;
    ck_assert_int_eq(unika_key_from_bytes(&k, kat_key, NULL), 0);
    uint8_t want32[32], want16[16];
    crypto_kdf_derive_from_key(want32, 32, 1, "unika-v1", kat_key);
    ck_assert_mem_eq(unika_key_pseudonym_subkey(k), want32, 32);
    crypto_kdf_derive_from_key(want16, 16, 2, "unika-v1", kat_key);
    ck_assert_mem_eq(unika_key_sketch_subkey(k), want16, 16);
    static const unsigned char personal[16] = "unika-key-fp-v1";
    crypto_generichash_blake2b_salt_personal(want16, 16,
                                             (const unsigned char *)"unika-fingerprint", 17,
                                             kat_key, 32, NULL, personal);
    uint8_t fp[UNIKA_FINGERPRINT_BYTES];
    ck_assert_int_eq(unika_key_fingerprint(fp, k), 0);
    ck_assert_mem_eq(fp, want16, 16);
    ck_assert_mem_eq(unika_key_fingerprint_bytes(k), want16, 16);
    /* Purposes never share bytes: no subkey equals the master key, the other
     * subkey or the fingerprint. */
    ck_assert_mem_ne(unika_key_pseudonym_subkey(k), kat_key, 32);
    ck_assert_mem_ne(unika_key_pseudonym_subkey(k), unika_key_sketch_subkey(k), 16);
    ck_assert_mem_ne(unika_key_sketch_subkey(k), fp, 16);
    ck_assert_mem_ne(unika_key_pseudonym_subkey(k), fp, 16);
    ck_assert_int_eq(unika_key_fingerprint(NULL, k), UNIKA_EINVAL);
    ck_assert_ptr_null(unika_key_fingerprint_ptr(NULL));

    unika_key *same = NULL;
    ck_assert_int_eq(unika_key_from_bytes(&same, kat_key, NULL), 0);
    ck_assert_int_eq(unika_key_equal(k, same), 1);
    unika_key_free(same);
    unika_key_free(k);
    ck_assert_int_eq(unika_key_from_bytes(&k, NULL, NULL), UNIKA_EINVAL);
    ck_assert_ptr_null(k);
}
END_TEST

START_TEST(fingerprint_hex_round_trip)
{
    uint8_t fp[16], back[16];
    for (int i = 0; i < 16; i++) fp[i] = (uint8_t)(0xf0 + i * 7);
    char hex[UNIKA_FINGERPRINT_HEX_BYTES];
    unika_fingerprint_to_hex(hex, fp);
    ck_assert_uint_eq(strlen(hex), 32);
    ck_assert_int_eq(unika_fingerprint_from_hex(back, hex, 32, NULL), 0);
    ck_assert_mem_eq(fp, back, 16);
    ck_assert_int_eq(unika_fingerprint_from_hex(back, "F0F7FEFF", 8, NULL), UNIKA_EINVAL);
    char upper[33];
    for (int i = 0; i < 32; i++) upper[i] = (char)(hex[i] >= 'a' ? hex[i] - 32 : hex[i]);
    ck_assert_int_eq(unika_fingerprint_from_hex(back, upper, 32, NULL), 0);
    ck_assert_mem_eq(fp, back, 16);
    upper[5] = 'g';
    unika_error e = {0};
    ck_assert_int_eq(unika_fingerprint_from_hex(back, upper, 32, &e), UNIKA_EINVAL);
    ck_assert_int_eq(e.code, UNIKA_EINVAL);
}
END_TEST

START_TEST(save_load_round_trip_with_mode_0600)
{
    make_tmpdir();
    char path[128];
    snprintf(path, sizeof path, "%s/partnership.key", tmpdir);
    unika_key *k = NULL, *back = NULL;
    ck_assert_int_eq(unika_key_generate(&k, NULL), 0);
    unika_error e = {0};
    ck_assert_int_eq(unika_key_save(k, path, 0, &e), 0);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0600);
    ck_assert_uint_eq((size_t)st.st_size, 127); /* docs/keys.md: always 127 bytes */
    ck_assert_uint_eq(count_entries(), 1);      /* no temporary file left behind */

    ck_assert_int_eq(unika_key_load(&back, path, 0, &e), 0);
    ck_assert_int_eq(unika_key_equal(k, back), 1);
    ck_assert_mem_eq(unika_key_fingerprint_ptr(k), unika_key_fingerprint_ptr(back), 16);

    /* The file is exactly the documented text. */
    size_t n = 0;
    uint8_t *text = unika_test_read_file(path, &n);
    ck_assert_ptr_nonnull(text);
    char fp_hex[UNIKA_FINGERPRINT_HEX_BYTES];
    unika_fingerprint_to_hex(fp_hex, unika_key_fingerprint_ptr(k));
    ck_assert_int_eq(memcmp(text, "unika-key v1\nkey ", 17), 0);
    ck_assert_int_eq(memcmp(text + 81, "\nfingerprint ", 13), 0);
    ck_assert_int_eq(memcmp(text + 94, fp_hex, 32), 0);
    ck_assert_int_eq(text[126], '\n');
    sodium_memzero(text, n);
    free(text);
    unika_key_free(back);
    unika_key_free(k);
    remove_tmpdir();
}
END_TEST

START_TEST(save_refuses_to_overwrite_unless_told)
{
    make_tmpdir();
    char path[128];
    snprintf(path, sizeof path, "%s/k", tmpdir);
    unika_key *a = NULL, *b = NULL, *back = NULL;
    ck_assert_int_eq(unika_key_generate(&a, NULL), 0);
    ck_assert_int_eq(unika_key_generate(&b, NULL), 0);
    ck_assert_int_eq(unika_key_save(a, path, 0, NULL), 0);
    unika_error e = {0};
    ck_assert_int_eq(unika_key_save(b, path, 0, &e), UNIKA_EEXIST);
    ck_assert_int_eq(e.code, UNIKA_EEXIST);
    ck_assert_uint_eq(count_entries(), 1);
    ck_assert_int_eq(unika_key_load(&back, path, 0, NULL), 0);
    ck_assert_int_eq(unika_key_equal(a, back), 1); /* untouched */
    unika_key_free(back);

    ck_assert_int_eq(unika_key_save(b, path, UNIKA_KEY_OVERWRITE, NULL), 0);
    ck_assert_uint_eq(count_entries(), 1);
    ck_assert_int_eq(unika_key_load(&back, path, 0, NULL), 0);
    ck_assert_int_eq(unika_key_equal(b, back), 1);
    unika_key_free(back);

    ck_assert_int_eq(unika_key_save(a, path, 0x80, NULL), UNIKA_EINVAL);
    ck_assert_int_eq(unika_key_save(NULL, path, 0, NULL), UNIKA_EINVAL);
    ck_assert_int_eq(unika_key_save(a, "", 0, NULL), UNIKA_EINVAL);
    char nodir[160];
    snprintf(nodir, sizeof nodir, "%s/no/such/dir/k", tmpdir);
    ck_assert_int_eq(unika_key_save(a, nodir, 0, NULL), UNIKA_ENOENT);
    unika_key_free(a);
    unika_key_free(b);
    remove_tmpdir();
}
END_TEST

START_TEST(load_refuses_open_permissions_unless_told)
{
    static const mode_t modes[] = {0644, 0640, 0604, 0620, 0602, 0660};
    make_tmpdir();
    char path[128];
    snprintf(path, sizeof path, "%s/k", tmpdir);
    unika_key *k = NULL, *back = NULL;
    ck_assert_int_eq(unika_key_generate(&k, NULL), 0);
    ck_assert_int_eq(unika_key_save(k, path, 0, NULL), 0);
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(modes); i++) {
        ck_assert_int_eq(chmod(path, modes[i]), 0);
        unika_error e = {0};
        ck_assert_int_eq(unika_key_load(&back, path, 0, &e), UNIKA_EKEYPERM);
        ck_assert_ptr_null(back);
        ck_assert_int_eq(e.code, UNIKA_EKEYPERM);
        ck_assert_int_eq(unika_key_load(&back, path, UNIKA_KEY_ALLOW_OPEN_PERMISSIONS, &e), 0);
        ck_assert_int_eq(unika_key_equal(k, back), 1);
        unika_key_free(back);
        back = NULL;
    }
    ck_assert_int_eq(chmod(path, 0400), 0); /* owner-only read is fine */
    ck_assert_int_eq(unika_key_load(&back, path, 0, NULL), 0);
    unika_key_free(back);
    ck_assert_int_eq(unika_key_load(&back, path, 0x40, NULL), UNIKA_EINVAL);
    unika_key_free(k);
    remove_tmpdir();
}
END_TEST

/* Every way a key file can be damaged is caught, with the named error. */
START_TEST(damaged_key_files_are_refused)
{
    make_tmpdir();
    char path[128];
    snprintf(path, sizeof path, "%s/k", tmpdir);
    unika_key *k = NULL, *back = NULL;
    ck_assert_int_eq(unika_key_from_bytes(&k, kat_key, NULL), 0);
    ck_assert_int_eq(unika_key_save(k, path, 0, NULL), 0);
    size_t n = 0;
    char *good = (char *)unika_test_read_file(path, &n);
    ck_assert_ptr_nonnull(good);
    ck_assert_uint_eq(n, 127);
    unika_error e = {0};

    /* Truncated anywhere: never accepted. */
    for (size_t cut = 0; cut < n; cut++) {
        write_text(path, good, cut, 0600);
        ck_assert_int_eq(unika_key_load(&back, path, 0, &e), UNIKA_EKEYFILE);
        ck_assert_ptr_null(back);
    }
    /* Any single changed character: caught (format or fingerprint check). */
    char bad[160];
    for (size_t i = 0; i < n; i++) {
        memcpy(bad, good, n);
        bad[i] = bad[i] == '0' ? '1' : '0';
        write_text(path, bad, n, 0600);
        int rc = unika_key_load(&back, path, 0, &e);
        ck_assert_msg(rc == UNIKA_EKEYFILE || rc == UNIKA_EKEYVERSION,
                      "changed byte %zu: got %d", i, rc);
        ck_assert_ptr_null(back);
    }
    struct {
        const char *text;
        int code;
    } cases[] = {
        {"unika-key v2\n", UNIKA_EKEYVERSION},
        {"unika-key v10\nkey 00\n", UNIKA_EKEYVERSION},
        {"unika-key vX\n", UNIKA_EKEYFILE},
        {"unika-key v\n", UNIKA_EKEYFILE},
        {"UNIKA-KEY V1\n", UNIKA_EKEYFILE},
        {"", UNIKA_EKEYFILE},
        {"name,birth_date\nAli,2001-01-01\n", UNIKA_EKEYFILE},
    };
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(cases); i++) {
        write_text(path, cases[i].text, strlen(cases[i].text), 0600);
        ck_assert_int_eq(unika_key_load(&back, path, 0, &e), cases[i].code);
    }
    /* Trailing text, CRLF line ends, a larger-than-any-key file. */
    memcpy(bad, good, n);
    memcpy(bad + n, "x\n", 2);
    write_text(path, bad, n + 2, 0600);
    ck_assert_int_eq(unika_key_load(&back, path, 0, &e), UNIKA_EKEYFILE);
    char big[1024];
    memset(big, 'a', sizeof big);
    write_text(path, big, sizeof big, 0600);
    ck_assert_int_eq(unika_key_load(&back, path, 0, &e), UNIKA_EKEYFILE);
    /* The right text with an upper-case key is still the same key. */
    memcpy(bad, good, n);
    for (size_t i = 17; i < 81; i++)
        if (bad[i] >= 'a' && bad[i] <= 'f') bad[i] = (char)(bad[i] - 32);
    write_text(path, bad, n, 0600);
    ck_assert_int_eq(unika_key_load(&back, path, 0, &e), 0);
    ck_assert_int_eq(unika_key_equal(k, back), 1);
    unika_key_free(back);
    back = NULL;

    /* Missing file, a directory, NULL arguments. */
    char missing[160];
    snprintf(missing, sizeof missing, "%s/missing", tmpdir);
    ck_assert_int_eq(unika_key_load(&back, missing, 0, &e), UNIKA_ENOENT);
    ck_assert_int_eq(unika_key_load(&back, tmpdir, UNIKA_KEY_ALLOW_OPEN_PERMISSIONS, &e),
                     UNIKA_EKEYFILE);
    ck_assert_int_eq(unika_key_load(NULL, path, 0, &e), UNIKA_EINVAL);
    ck_assert_int_eq(unika_key_load(&back, NULL, 0, &e), UNIKA_EINVAL);
    /* No message ever contains the key's hex. */
    ck_assert_ptr_null(strstr(e.message, "0001020304"));

    sodium_memzero(good, n);
    free(good);
    unika_key_free(k);
    remove_tmpdir();
}
END_TEST

START_TEST(passphrase_and_salt_limits)
{
    unika_key *k = NULL;
    unika_error e = {0};
    const char *salt = "stockholm-iop-2017";
    ck_assert_int_eq(unika_key_derive(&k, "short", 5, salt, strlen(salt), &e),
                     UNIKA_EPASSPHRASE);
    ck_assert_str_eq(e.field, "passphrase");
    const char *pass = "correct horse battery staple lamp";
    ck_assert_int_eq(unika_key_derive(&k, pass, UNIKA_KEY_PASSPHRASE_MIN - 1, salt,
                                      strlen(salt), &e), UNIKA_EPASSPHRASE);
    ck_assert_int_eq(unika_key_derive(&k, pass, strlen(pass), "iop", 3, &e),
                     UNIKA_EPASSPHRASE);
    ck_assert_str_eq(e.field, "salt");
    ck_assert_int_eq(unika_key_derive(&k, pass, UNIKA_KEY_PASSPHRASE_MAX + 1, salt,
                                      strlen(salt), &e), UNIKA_EPASSPHRASE);
    ck_assert_int_eq(unika_key_derive(&k, NULL, 30, salt, strlen(salt), &e), UNIKA_EINVAL);
    ck_assert_int_eq(unika_key_derive(NULL, pass, strlen(pass), salt, strlen(salt), &e),
                     UNIKA_EINVAL);
    ck_assert_ptr_null(k);
}
END_TEST

/* Three Argon2id runs at the fixed limits (about a second each here). */
START_TEST(derivation_is_deterministic_and_salted)
{
    const char *pass = "tulip anchor velvet orbit mango quartz ember";
    const char *salt1 = "stockholm-iop-2017", *salt2 = "malmo-iop-2019";
    unika_key *a = NULL, *b = NULL, *c = NULL;
    unika_error e = {0};
    ck_assert_int_eq(unika_key_derive(&a, pass, strlen(pass), salt1, strlen(salt1), &e), 0);
    ck_assert_int_eq(unika_key_derive(&b, pass, strlen(pass), salt1, strlen(salt1), &e), 0);
    ck_assert_int_eq(unika_key_derive(&c, pass, strlen(pass), salt2, strlen(salt2), &e), 0);
    ck_assert_int_eq(unika_key_equal(a, b), 1);
    ck_assert_int_eq(unika_key_equal(a, c), 0);
    ck_assert_mem_eq(unika_key_fingerprint_ptr(a), unika_key_fingerprint_ptr(b), 16);
    ck_assert_mem_ne(unika_key_fingerprint_ptr(a), unika_key_fingerprint_ptr(c), 16);
    unika_key_free(a);
    unika_key_free(b);
    unika_key_free(c);
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("key");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, sizes_match_macros);
    tcase_add_test(tc, generated_keys_differ);
    tcase_add_test(tc, subkeys_and_fingerprint_follow_the_spec);
    tcase_add_test(tc, fingerprint_hex_round_trip);
    tcase_add_test(tc, save_load_round_trip_with_mode_0600);
    tcase_add_test(tc, save_refuses_to_overwrite_unless_told);
    tcase_add_test(tc, load_refuses_open_permissions_unless_told);
    tcase_add_test(tc, damaged_key_files_are_refused);
    tcase_add_test(tc, passphrase_and_salt_limits);
    suite_add_tcase(s, tc);
    TCase *slow = tcase_create("argon2id");
    tcase_set_timeout(slow, 300);
    tcase_add_test(slow, derivation_is_deterministic_and_salted);
    suite_add_tcase(s, slow);
    return s;
}
