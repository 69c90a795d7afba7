/*
 * key.c - the partnership key, its subkeys, its fingerprint and its file.
 *
 * One 32-byte master key per partnership. Nothing is ever computed with the
 * master key directly except the subkeys and the fingerprint, each under its
 * own BLAKE2b parameter block, so no output of one purpose says anything
 * about another purpose's key (docs/keys.md):
 *
 *   pseudonym subkey (32 B) = crypto_kdf_derive_from_key(id 1, ctx "unika-v1")
 *   sketch subkey    (16 B) = crypto_kdf_derive_from_key(id 2, ctx "unika-v1")
 *   match-key subkeys (32 B each) = crypto_kdf_derive_from_key(id 3..10,
 *                                   ctx "unika-v1"), one per match-key domain
 *   fingerprint      (16 B) = BLAKE2b-128(key = master, personal "unika-key-fp-v1",
 *                                         message "unika-fingerprint")
 *
 * crypto_kdf (BLAKE2b with the subkey id as salt and the context as
 * personalisation) gives independent subkeys per id; the fingerprint's
 * distinct personalisation keeps it out of that family. Ids 11 and up are
 * free for future purposes.
 *
 * Everything derived from the key lives in one sodium_malloc() block, made
 * read-only once filled, and wiped by sodium_free(). Stack copies of secret
 * bytes are wiped with sodium_memzero() before returning.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "common/common.h"
#include "common/fileio.h"
#include "identity/key_private.h"
#include "unika/key.h"

#define KDF_CONTEXT "unika-v1"                 /* 8 bytes, crypto_kdf_CONTEXTBYTES */
#define SUBKEY_ID_PSEUDONYM 1
#define SUBKEY_ID_SKETCH 2
#define SKETCH_SUBKEY_BYTES 16                 /* crypto_shorthash_KEYBYTES */
#define SUBKEY_ID_MATCHKEY_FIRST 3             /* domain d has id 3 + d - 1 */
#define FINGERPRINT_PERSONAL "unika-key-fp-v1" /* 15 chars + NUL = 16 bytes */
#define FINGERPRINT_MESSAGE "unika-fingerprint"
#define SALT_PERSONAL "unika-pw-salt-v1"       /* exactly 16 bytes, no NUL needed */

/* Key file: three LF-terminated lines, 127 bytes in all (docs/keys.md). */
#define KEYFILE_MAGIC "unika-key v"
#define KEYFILE_VERSION 1
#define KEYFILE_MAX 512 /* anything longer is not a key file */

struct unika_key {
    uint8_t master[UNIKA_KEY_BYTES];
    uint8_t pseudonym[32];
    uint8_t sketch[SKETCH_SUBKEY_BYTES];
    uint8_t matchkey[UNIKA_KEY_MATCHKEY_DOMAINS][UNIKA_KEY_MATCHKEY_SUBKEY_BYTES];
    uint8_t fingerprint[UNIKA_FINGERPRINT_BYTES];
};

_Static_assert(crypto_kdf_CONTEXTBYTES == sizeof KDF_CONTEXT - 1, "kdf context is 8 bytes");
_Static_assert(crypto_shorthash_KEYBYTES == SKETCH_SUBKEY_BYTES, "SipHash key is 16 bytes");
_Static_assert(crypto_generichash_blake2b_PERSONALBYTES == sizeof FINGERPRINT_PERSONAL,
               "personalisation is 16 bytes");
_Static_assert(crypto_generichash_blake2b_PERSONALBYTES == sizeof SALT_PERSONAL - 1,
               "personalisation is 16 bytes");
_Static_assert(crypto_pwhash_SALTBYTES == 16, "Argon2id salt is 16 bytes");

size_t unika_key_bytes(void) { return UNIKA_KEY_BYTES; }
size_t unika_fingerprint_hex_bytes(void) { return UNIKA_FINGERPRINT_HEX_BYTES; }

/* ---- making a key object ------------------------------------------------ */

/* Fills everything derived from key->master, then seals the block read-only. */
static int key_finish(unika_key *key, unika_error *err)
{
    for (unsigned d = 0; d < UNIKA_KEY_MATCHKEY_DOMAINS; d++)
        if (crypto_kdf_derive_from_key(key->matchkey[d], sizeof key->matchkey[d],
                                       SUBKEY_ID_MATCHKEY_FIRST + d, KDF_CONTEXT,
                                       key->master) != 0)
            return unika_fail(err, UNIKA_EINTERNAL, "subkey derivation failed");
    if (crypto_kdf_derive_from_key(key->pseudonym, sizeof key->pseudonym,
                                   SUBKEY_ID_PSEUDONYM, KDF_CONTEXT, key->master) != 0 ||
        crypto_kdf_derive_from_key(key->sketch, sizeof key->sketch,
                                   SUBKEY_ID_SKETCH, KDF_CONTEXT, key->master) != 0 ||
        crypto_generichash_blake2b_salt_personal(
            key->fingerprint, sizeof key->fingerprint,
            (const unsigned char *)FINGERPRINT_MESSAGE, sizeof FINGERPRINT_MESSAGE - 1,
            key->master, sizeof key->master, NULL,
            (const unsigned char *)FINGERPRINT_PERSONAL) != 0) {
        return unika_fail(err, UNIKA_EINTERNAL, "subkey derivation failed");
    }
    /* Read-only from here on: a stray write through a bad pointer faults
     * instead of silently changing the key. Failure to protect is harmless. */
    (void)sodium_mprotect_readonly(key);
    return UNIKA_OK;
}

/* sodium_malloc() locks the block in RAM where the system allows (mlock),
 * adds guard pages and a canary; sodium_free() wipes it. */
static int key_alloc(unika_key **out, unika_error *err)
{
    *out = NULL;
    if (sodium_init() < 0) /* cheap after unika_init(); sodium_malloc needs it */
        return unika_fail(err, UNIKA_ESODIUM, "libsodium could not be initialised");
    *out = sodium_malloc(sizeof **out);
    if (!*out) return unika_fail(err, UNIKA_ENOMEM, "cannot allocate protected memory for a key");
    return UNIKA_OK;
}

int unika_key_generate(unika_key **out, unika_error *err)
{
    if (!out) return unika_fail(err, UNIKA_EINVAL, "unika_key_generate: out is NULL");
    *out = NULL;
    unika_key *key;
    int arc = key_alloc(&key, err);
    if (arc < 0) return arc;
    randombytes_buf(key->master, sizeof key->master);
    int rc = key_finish(key, err);
    if (rc < 0) { sodium_free(key); return rc; }
    *out = key;
    return UNIKA_OK;
}

int unika_key_from_bytes(unika_key **out, const uint8_t bytes[UNIKA_KEY_BYTES],
                         unika_error *err)
{
    if (!out) return unika_fail(err, UNIKA_EINVAL, "unika_key_from_bytes: out is NULL");
    *out = NULL;
    if (!bytes) return unika_fail(err, UNIKA_EINVAL, "unika_key_from_bytes: bytes is NULL");
    unika_key *key;
    int arc = key_alloc(&key, err);
    if (arc < 0) return arc;
    memcpy(key->master, bytes, sizeof key->master);
    int rc = key_finish(key, err);
    if (rc < 0) { sodium_free(key); return rc; }
    *out = key;
    return UNIKA_OK;
}

int unika_key_derive(unika_key **out, const char *passphrase, size_t passphrase_size,
                     const char *salt, size_t salt_size, unika_error *err)
{
    if (!out) return unika_fail(err, UNIKA_EINVAL, "unika_key_derive: out is NULL");
    *out = NULL;
    if (!passphrase || !salt)
        return unika_fail(err, UNIKA_EINVAL, "unika_key_derive: passphrase or salt is NULL");
    if (passphrase_size < UNIKA_KEY_PASSPHRASE_MIN || passphrase_size > UNIKA_KEY_PASSPHRASE_MAX)
        return unika_fail_at(err, UNIKA_EPASSPHRASE, "passphrase", 0,
                             "passphrase: expected %d to %d bytes, got %zu",
                             UNIKA_KEY_PASSPHRASE_MIN, UNIKA_KEY_PASSPHRASE_MAX,
                             passphrase_size);
    if (salt_size < UNIKA_KEY_SALT_MIN || salt_size > UNIKA_KEY_SALT_MAX)
        return unika_fail_at(err, UNIKA_EPASSPHRASE, "salt", 0,
                             "partnership salt: expected %d to %d bytes, got %zu",
                             UNIKA_KEY_SALT_MIN, UNIKA_KEY_SALT_MAX, salt_size);

    unika_key *key;
    int arc = key_alloc(&key, err);
    if (arc < 0) return arc;

    /* The salt is public, any length: hash it to Argon2id's 16 bytes under
     * its own personalisation so it cannot collide with any other hash use. */
    uint8_t pw_salt[crypto_pwhash_SALTBYTES];
    crypto_generichash_blake2b_salt_personal(pw_salt, sizeof pw_salt,
                                             (const unsigned char *)salt, salt_size,
                                             NULL, 0, NULL,
                                             (const unsigned char *)SALT_PERSONAL);
    if (crypto_pwhash(key->master, sizeof key->master, passphrase, passphrase_size, pw_salt,
                      UNIKA_KEY_PWHASH_OPSLIMIT, (size_t)UNIKA_KEY_PWHASH_MEMLIMIT,
                      crypto_pwhash_ALG_ARGON2ID13) != 0) {
        sodium_free(key);
        return unika_fail(err, UNIKA_EKEYDERIVE,
                          "Argon2id failed (it needs %llu MiB of memory)",
                          UNIKA_KEY_PWHASH_MEMLIMIT >> 20);
    }
    int rc = key_finish(key, err);
    if (rc < 0) { sodium_free(key); return rc; }
    *out = key;
    return UNIKA_OK;
}

void unika_key_free(unika_key *key)
{
    if (key) sodium_free(key); /* restores write access, wipes, unmaps */
}

/* ---- what others may see ------------------------------------------------ */

int unika_key_fingerprint(uint8_t dst[UNIKA_FINGERPRINT_BYTES], const unika_key *key)
{
    if (!dst || !key) return UNIKA_EINVAL;
    memcpy(dst, key->fingerprint, UNIKA_FINGERPRINT_BYTES);
    return UNIKA_OK;
}

const uint8_t *unika_key_fingerprint_ptr(const unika_key *key)
{
    return key ? key->fingerprint : NULL;
}

int unika_key_equal(const unika_key *a, const unika_key *b)
{
    if (!a || !b) return 0;
    return sodium_memcmp(a->master, b->master, UNIKA_KEY_BYTES) == 0;
}

const uint8_t *unika_key_pseudonym_subkey(const struct unika_key *key) { return key->pseudonym; }
const uint8_t *unika_key_sketch_subkey(const struct unika_key *key) { return key->sketch; }
const uint8_t *unika_key_fingerprint_bytes(const struct unika_key *key) { return key->fingerprint; }

const uint8_t *unika_key_matchkey_subkey(const struct unika_key *key, unsigned domain)
{
    return domain >= 1 && domain <= UNIKA_KEY_MATCHKEY_DOMAINS ? key->matchkey[domain - 1] : NULL;
}

void unika_fingerprint_to_hex(char dst[UNIKA_FINGERPRINT_HEX_BYTES],
                              const uint8_t fp[UNIKA_FINGERPRINT_BYTES])
{
    unika_hex_encode(dst, fp, UNIKA_FINGERPRINT_BYTES);
}


int unika_fingerprint_from_hex(uint8_t dst[UNIKA_FINGERPRINT_BYTES], const char *src,
                               size_t src_size, unika_error *err)
{
    if (!dst || !src) return unika_fail(err, UNIKA_EINVAL, "fingerprint: NULL argument");
    uint8_t tmp[UNIKA_FINGERPRINT_BYTES];
    if (unika_hex_decode(tmp, sizeof tmp, src, src_size) != 0)
        return unika_fail(err, UNIKA_EINVAL, "fingerprint: expected %d hex digits",
                          2 * UNIKA_FINGERPRINT_BYTES);
    memcpy(dst, tmp, sizeof tmp);
    return UNIKA_OK;
}

/* ---- the key file ---------------------------------------------------------
 *
 *   unika-key v1\n
 *   key <64 lowercase hex digits>\n
 *   fingerprint <32 lowercase hex digits>\n
 */

#define KEYFILE_SIZE (sizeof KEYFILE_MAGIC - 1 + 2 + 4 + 2 * UNIKA_KEY_BYTES + 1 + 12 + \
                      2 * UNIKA_FINGERPRINT_BYTES + 1)

int unika_key_save(const unika_key *key, const char *path, unsigned flags, unika_error *err)
{
    if (!key || !path || !*path)
        return unika_fail(err, UNIKA_EINVAL, "unika_key_save: key or path missing");
    if (flags & ~UNIKA_KEY_OVERWRITE)
        return unika_fail(err, UNIKA_EINVAL, "unika_key_save: unknown flags 0x%x", flags);

    struct stat st;
    if (!(flags & UNIKA_KEY_OVERWRITE) && lstat(path, &st) == 0)
        return unika_fail(err, UNIKA_EEXIST, "key file already exists (not overwritten)");

    /* The file's text holds the key in hex: build it in protected memory. */
    char *text = sodium_malloc(KEYFILE_SIZE + 1);
    if (!text) return unika_fail(err, UNIKA_ENOMEM, "cannot allocate protected memory");
    char fp_hex[UNIKA_FINGERPRINT_HEX_BYTES];
    unika_fingerprint_to_hex(fp_hex, key->fingerprint);
    size_t pos = 0;
    memcpy(text, KEYFILE_MAGIC "1\nkey ", sizeof KEYFILE_MAGIC - 1 + 6);
    pos += sizeof KEYFILE_MAGIC - 1 + 6;
    unika_hex_encode(text + pos, key->master, UNIKA_KEY_BYTES);
    pos += 2 * UNIKA_KEY_BYTES;
    memcpy(text + pos, "\nfingerprint ", 13);
    pos += 13;
    memcpy(text + pos, fp_hex, 2 * UNIKA_FINGERPRINT_BYTES);
    pos += 2 * UNIKA_FINGERPRINT_BYTES;
    text[pos++] = '\n';

    int rc = unika_write_file_atomic(path, text, pos, 0600,
                                     (flags & UNIKA_KEY_OVERWRITE) != 0, err);
    sodium_free(text); /* wipes the hex copy of the key */
    sodium_memzero(fp_hex, sizeof fp_hex);
    return rc;
}

/* Checks that text[*pos..] starts with `lit`, advances past it. */
static int expect(const char *text, size_t n, size_t *pos, const char *lit)
{
    size_t l = strlen(lit);
    if (*pos + l > n || memcmp(text + *pos, lit, l) != 0) return -1;
    *pos += l;
    return 0;
}

static int parse_keyfile(unika_key *key, const char *text, size_t n, unika_error *err)
{
    size_t pos = 0;
    if (expect(text, n, &pos, KEYFILE_MAGIC) != 0)
        return unika_fail_at(err, UNIKA_EKEYFILE, "key file", 1,
                             "not a unika key file (line 1 must be \"unika-key v1\")");
    /* Version: digits up to the end of line 1. */
    unsigned long version = 0;
    size_t digits = 0;
    while (pos < n && text[pos] >= '0' && text[pos] <= '9' && digits < 9) {
        version = version * 10 + (unsigned long)(text[pos] - '0');
        pos++;
        digits++;
    }
    if (digits == 0 || pos >= n || text[pos] != '\n')
        return unika_fail_at(err, UNIKA_EKEYFILE, "key file", 1,
                             "key file line 1: malformed version");
    if (version != KEYFILE_VERSION)
        return unika_fail_at(err, UNIKA_EKEYVERSION, "key file", 1,
                             "key file version: expected %d, got %lu", KEYFILE_VERSION,
                             version);
    pos++;
    size_t key_hex_end = 0;
    if (expect(text, n, &pos, "key ") != 0 || pos + 2 * UNIKA_KEY_BYTES >= n ||
        text[pos + 2 * UNIKA_KEY_BYTES] != '\n' ||
        unika_hex_decode(key->master, UNIKA_KEY_BYTES, text + pos, 2 * UNIKA_KEY_BYTES) != 0)
        return unika_fail_at(err, UNIKA_EKEYFILE, "key file", 2,
                             "key file line 2: expected \"key \" and %d hex digits",
                             2 * UNIKA_KEY_BYTES);
    key_hex_end = pos + 2 * UNIKA_KEY_BYTES + 1;
    pos = key_hex_end;
    uint8_t stored_fp[UNIKA_FINGERPRINT_BYTES];
    if (expect(text, n, &pos, "fingerprint ") != 0 || pos + 2 * UNIKA_FINGERPRINT_BYTES >= n ||
        text[pos + 2 * UNIKA_FINGERPRINT_BYTES] != '\n' ||
        unika_hex_decode(stored_fp, sizeof stored_fp, text + pos,
                         2 * UNIKA_FINGERPRINT_BYTES) != 0)
        return unika_fail_at(err, UNIKA_EKEYFILE, "key file", 3,
                             "key file line 3: expected \"fingerprint \" and %d hex digits",
                             2 * UNIKA_FINGERPRINT_BYTES);
    pos += 2 * UNIKA_FINGERPRINT_BYTES + 1;
    if (pos != n)
        return unika_fail_at(err, UNIKA_EKEYFILE, "key file", 4,
                             "key file: unexpected text after line 3");
    int rc = key_finish(key, err);
    if (rc < 0) return rc;
    if (sodium_memcmp(stored_fp, key->fingerprint, sizeof stored_fp) != 0)
        return unika_fail_at(err, UNIKA_EKEYFILE, "key file", 3,
                             "key file is damaged: its fingerprint does not match its key");
    return UNIKA_OK;
}

int unika_key_load(unika_key **out, const char *path, unsigned flags, unika_error *err)
{
    if (!out) return unika_fail(err, UNIKA_EINVAL, "unika_key_load: out is NULL");
    *out = NULL;
    if (!path) return unika_fail(err, UNIKA_EINVAL, "unika_key_load: path is NULL");
    if (flags & ~UNIKA_KEY_ALLOW_OPEN_PERMISSIONS)
        return unika_fail(err, UNIKA_EINVAL, "unika_key_load: unknown flags 0x%x", flags);

    int fd = unika_open_regular(path);
    if (fd == -2) return unika_fail(err, UNIKA_EKEYFILE, "key file is not a regular file");
    if (fd < 0) {
        int e = errno;
        return unika_fail(err, e == ENOENT ? UNIKA_ENOENT : UNIKA_EIO,
                          "cannot open the key file: %s", strerror(e));
    }
    /* fstat the open file, not the path, so the checked file is the read one. */
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return unika_fail(err, UNIKA_EIO, "cannot stat the key file: %s", strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return unika_fail(err, UNIKA_EKEYFILE, "key file is not a regular file");
    }
    if ((st.st_mode & (S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH)) &&
        !(flags & UNIKA_KEY_ALLOW_OPEN_PERMISSIONS)) {
        close(fd);
        return unika_fail(err, UNIKA_EKEYPERM,
                          "key file mode is %04o: group or others may read or write it "
                          "(chmod 600 it)", (unsigned)(st.st_mode & 07777));
    }

    char *text = sodium_malloc(KEYFILE_MAX + 1);
    if (!text) {
        close(fd);
        return unika_fail(err, UNIKA_ENOMEM, "cannot allocate protected memory");
    }
    size_t n = 0;
    int rc = UNIKA_OK;
    for (;;) {
        ssize_t r = read(fd, text + n, KEYFILE_MAX + 1 - n);
        if (r < 0) {
            if (errno == EINTR) continue;
            rc = unika_fail(err, UNIKA_EIO, "cannot read the key file: %s", strerror(errno));
            break;
        }
        if (r == 0) break;
        n += (size_t)r;
        if (n > KEYFILE_MAX) {
            rc = unika_fail(err, UNIKA_EKEYFILE, "key file is too large (over %d bytes)",
                            KEYFILE_MAX);
            break;
        }
    }
    close(fd);

    unika_key *key = NULL;
    if (rc == UNIKA_OK) rc = key_alloc(&key, err);
    if (rc == UNIKA_OK) rc = parse_keyfile(key, text, n, err);
    sodium_free(text);
    if (rc < 0) {
        unika_key_free(key);
        return rc;
    }
    *out = key;
    return UNIKA_OK;
}
