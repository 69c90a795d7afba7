/*
 * sign.c - partner signing keys (Ed25519) and detached file signatures.
 *
 * Why: public money follows the partnership's figures, so an auditor must be
 * able to trace each figure to sketches that named partners vouched for.
 * A partner signs every file it hands over; the signature binds the file's
 * BLAKE2b-512 digest and the partner's name under a domain-separation tag,
 * so it cannot be replayed on another file, re-attributed to another name,
 * or confused with a signature made by some other protocol using the key.
 *
 * Files (docs/security.md gives the grammar):
 *   secret key  "unika-sign-secret-key v1" / name / seed / public   (0600)
 *   public key  "unika-sign-public-key v1" / name / ed25519
 *   signature   "unika-signature v1" / signer / algorithm / public-key /
 *               blake2b-512 / signature
 * Each is line-oriented "field: value" text in a fixed order, so a person
 * can read it and a parser has nothing to guess.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/common.h"
#include "common/fileio.h"
#include "governance/govio.h"
#include "unika/sign.h"

#define DOMAIN_TAG "unika-signature-v1"
#define SECRET_HEADER "unika-sign-secret-key"
#define PUBLIC_HEADER "unika-sign-public-key"
#define SIGNATURE_HEADER "unika-signature"

struct unika_sign_key {
    uint8_t seed[crypto_sign_SEEDBYTES];
    uint8_t sk[crypto_sign_SECRETKEYBYTES];
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];
    char name[UNIKA_SIGNER_NAME_MAX + 1];
};

size_t unika_sign_public_key_bytes(void) { return UNIKA_SIGN_PUBLIC_KEY_BYTES; }
size_t unika_sign_bytes(void) { return UNIKA_SIGN_BYTES; }
size_t unika_sign_digest_bytes(void) { return UNIKA_SIGN_DIGEST_BYTES; }
size_t unika_signer_name_max(void) { return UNIKA_SIGNER_NAME_MAX; }

static int name_char_ok(char c, int first)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return 1;
    return !first && (c == '.' || c == '_' || c == '-');
}

/* Checks name[0..n) (not necessarily NUL-terminated). */
static int name_check_n(const char *name, size_t n, unika_error *err)
{
    if (n == 0) return unika_fail_at(err, UNIKA_ENAME, "signer", 0, "signer name is empty");
    if (n > UNIKA_SIGNER_NAME_MAX)
        return unika_fail_at(err, UNIKA_ENAME, "signer", 0,
                             "signer name is %zu bytes, more than the %d allowed", n,
                             UNIKA_SIGNER_NAME_MAX);
    for (size_t i = 0; i < n; i++)
        if (!name_char_ok(name[i], i == 0))
            return unika_fail_at(err, UNIKA_ENAME, "signer", i + 1,
                                 "signer name: character %zu is not allowed (letters, digits, "
                                 "'.', '_', '-'; first a letter or digit)", i + 1);
    return 0;
}

int unika_signer_name_check(const char *name, unika_error *err)
{
    if (!name) return unika_fail(err, UNIKA_EINVAL, "NULL signer name");
    size_t n = strnlen(name, UNIKA_SIGNER_NAME_MAX + 1);
    return name_check_n(name, n, err);
}

void unika_sign_key_id(char dst[UNIKA_SIGN_KEY_ID_HEX_BYTES],
                       const uint8_t key[UNIKA_SIGN_PUBLIC_KEY_BYTES])
{
    unika_hex_encode(dst, key, 8);
}

static unika_sign_key *key_alloc(void)
{
    unika_sign_key *k = sodium_malloc(sizeof *k);
    if (k) sodium_memzero(k, sizeof *k);
    return k;
}

void unika_sign_key_free(unika_sign_key *key)
{
    if (key) sodium_free(key); /* sodium_free wipes before releasing */
}

int unika_sign_key_generate(unika_sign_key **out, const char *name, unika_error *err)
{
    if (!out) return unika_fail(err, UNIKA_EINVAL, "NULL output");
    *out = NULL;
    int rc = unika_signer_name_check(name, err);
    if (rc < 0) return rc;
    unika_sign_key *k = key_alloc();
    if (!k) return unika_fail(err, UNIKA_ENOMEM, "out of memory for a signing key");
    randombytes_buf(k->seed, sizeof k->seed);
    if (crypto_sign_seed_keypair(k->pk, k->sk, k->seed) != 0) {
        unika_sign_key_free(k);
        return unika_fail(err, UNIKA_EINTERNAL, "Ed25519 key generation failed");
    }
    snprintf(k->name, sizeof k->name, "%s", name);
    sodium_mprotect_readonly(k); /* a finished key never changes; catch stray writes */
    *out = k;
    return 0;
}

const char *unika_sign_key_name(const unika_sign_key *key) { return key ? key->name : NULL; }

int unika_sign_key_public(unika_sign_public *dst, const unika_sign_key *key)
{
    if (!dst || !key) return UNIKA_EINVAL;
    memset(dst, 0, sizeof *dst);
    memcpy(dst->name, key->name, sizeof dst->name);
    memcpy(dst->key, key->pk, sizeof dst->key);
    return 0;
}

/* ---- text fields -------------------------------------------------------- */

static int read_name_field(unika_govio_reader *r, const char *field,
                           char dst[UNIKA_SIGNER_NAME_MAX + 1],
                           unika_error *err)
{
    const char *v;
    size_t vn;
    int rc = unika_govio_read_field(r, field, &v, &vn, err);
    if (rc < 0) return rc;
    rc = name_check_n(v, vn, err);
    if (rc < 0) {
        if (err) err->line = r->line_no;
        return rc;
    }
    memcpy(dst, v, vn);
    dst[vn] = '\0';
    return 0;
}

/* ---- secret key file ---------------------------------------------------- */

int unika_sign_key_save(const unika_sign_key *key, const char *path, unsigned flags,
                        unika_error *err)
{
    if (!key || !path) return unika_fail(err, UNIKA_EINVAL, "NULL key or path");
    if (flags & ~UNIKA_SIGN_OVERWRITE) return unika_fail(err, UNIKA_EINVAL, "unknown flags");
    char *text = sodium_malloc(UNIKA_SIGN_TEXT_MAX);
    if (!text) return unika_fail(err, UNIKA_ENOMEM, "out of memory");
    char seed_hex[2 * crypto_sign_SEEDBYTES + 1], pk_hex[2 * crypto_sign_PUBLICKEYBYTES + 1];
    unika_hex_encode(seed_hex, key->seed, sizeof key->seed);
    unika_hex_encode(pk_hex, key->pk, sizeof key->pk);
    int n = snprintf(text, UNIKA_SIGN_TEXT_MAX,
                     SECRET_HEADER " v1\nname: %s\nseed: %s\npublic: %s\n",
                     key->name, seed_hex, pk_hex);
    sodium_memzero(seed_hex, sizeof seed_hex);
    int rc = unika_write_file_atomic(path, text, (size_t)n, 0600,
                               (flags & UNIKA_SIGN_OVERWRITE) != 0, err);
    sodium_free(text);
    return rc;
}

int unika_sign_key_load(unika_sign_key **out, const char *path, unsigned flags, unika_error *err)
{
    if (!out || !path) return unika_fail(err, UNIKA_EINVAL, "NULL output or path");
    *out = NULL;
    if (flags & ~UNIKA_SIGN_ALLOW_OPEN_PERMISSIONS)
        return unika_fail(err, UNIKA_EINVAL, "unknown flags");
    uint8_t *buf;
    size_t size;
    int rc = unika_govio_read(&buf, &size, path, UNIKA_SIGN_TEXT_MAX,
                              !(flags & UNIKA_SIGN_ALLOW_OPEN_PERMISSIONS), err);
    if (rc == UNIKA_ERANGE)
        return unika_fail(err, UNIKA_EKEYFILE, "%s is too large to be a signing key", path);
    if (rc < 0) return rc;
    unika_sign_key *k = key_alloc();
    if (!k) {
        unika_govio_free(buf, size);
        return unika_fail(err, UNIKA_ENOMEM, "out of memory for a signing key");
    }
    unika_govio_reader r = {(const char *)buf, size, 0, 0, "secret signing key file",
                            UNIKA_EKEYFILE};
    uint8_t pk_file[crypto_sign_PUBLICKEYBYTES];
    if ((rc = unika_govio_reject_nul(r.src, size, r.what, UNIKA_EKEYFILE, err)) < 0 ||
        (rc = unika_govio_read_header(&r, SECRET_HEADER, UNIKA_EKEYVERSION, err)) < 0 ||
        (rc = read_name_field(&r, "name", k->name, err)) < 0 ||
        (rc = unika_govio_read_hex_field(&r, "seed", k->seed, sizeof k->seed, err)) < 0 ||
        (rc = unika_govio_read_hex_field(&r, "public", pk_file, sizeof pk_file, err)) < 0 ||
        (rc = unika_govio_read_end(&r, err)) < 0)
        goto fail;
    if (crypto_sign_seed_keypair(k->pk, k->sk, k->seed) != 0) {
        rc = unika_fail(err, UNIKA_EINTERNAL, "Ed25519 key derivation failed");
        goto fail;
    }
    if (sodium_memcmp(pk_file, k->pk, sizeof pk_file) != 0) {
        rc = unika_fail(err, UNIKA_EKEYFILE,
                        "%s: the public key does not belong to the seed (damaged file)", path);
        goto fail;
    }
    unika_govio_free(buf, size);
    sodium_mprotect_readonly(k); /* a finished key never changes; catch stray writes */
    *out = k;
    return 0;
fail:
    unika_govio_free(buf, size);
    unika_sign_key_free(k);
    return rc;
}

/* ---- public key file -------------------------------------------------------- */

int unika_sign_public_format(char *dst, size_t dst_capacity, size_t *written,
                             const unika_sign_public *pub, unika_error *err)
{
    if (!dst || !pub) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    int rc = unika_signer_name_check(pub->name, err);
    if (rc < 0) return rc;
    char hex[2 * UNIKA_SIGN_PUBLIC_KEY_BYTES + 1];
    unika_hex_encode(hex, pub->key, sizeof pub->key);
    int n = snprintf(dst, dst_capacity, PUBLIC_HEADER " v1\nname: %s\ned25519: %s\n", pub->name,
                     hex);
    if (n < 0 || (size_t)n >= dst_capacity)
        return unika_fail(err, UNIKA_EBUFFER, "public key text needs %d bytes", n + 1);
    if (written) *written = (size_t)n;
    return 0;
}

int unika_sign_public_parse(unika_sign_public *dst, const char *src, size_t src_size,
                            unika_error *err)
{
    if (!dst || !src) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    memset(dst, 0, sizeof *dst);
    unika_govio_reader r = {src, src_size, 0, 0, "public signing key file", UNIKA_EKEYFILE};
    int rc;
    if ((rc = unika_govio_reject_nul(src, src_size, r.what, UNIKA_EKEYFILE, err)) < 0 ||
        (rc = unika_govio_read_header(&r, PUBLIC_HEADER, UNIKA_EKEYVERSION, err)) < 0 ||
        (rc = read_name_field(&r, "name", dst->name, err)) < 0 ||
        (rc = unika_govio_read_hex_field(&r, "ed25519", dst->key, sizeof dst->key, err)) < 0 ||
        (rc = unika_govio_read_end(&r, err)) < 0) {
        memset(dst, 0, sizeof *dst);
        return rc;
    }
    return 0;
}

int unika_sign_public_save(const unika_sign_public *pub, const char *path, unsigned flags,
                           unika_error *err)
{
    if (!pub || !path) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    if (flags & ~UNIKA_SIGN_OVERWRITE) return unika_fail(err, UNIKA_EINVAL, "unknown flags");
    char text[UNIKA_SIGN_TEXT_MAX];
    size_t n;
    int rc = unika_sign_public_format(text, sizeof text, &n, pub, err);
    if (rc < 0) return rc;
    return unika_write_file_atomic(path, text, n, 0644,
                             (flags & UNIKA_SIGN_OVERWRITE) != 0, err);
}

int unika_sign_public_load(unika_sign_public *dst, const char *path, unika_error *err)
{
    if (!dst || !path) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    uint8_t *buf;
    size_t size;
    int rc = unika_govio_read(&buf, &size, path, UNIKA_SIGN_TEXT_MAX, 0, err);
    if (rc == UNIKA_ERANGE)
        return unika_fail(err, UNIKA_EKEYFILE, "%s is too large to be a public key", path);
    if (rc < 0) return rc;
    rc = unika_sign_public_parse(dst, (const char *)buf, size, err);
    if (rc < 0) unika_prefix_path(err, path);
    unika_govio_free(buf, size);
    return rc;
}

int unika_sign_public_fingerprint(uint8_t out[UNIKA_FINGERPRINT_BYTES],
                                  const unika_sign_public *pub)
{
    if (!out || !pub) return UNIKA_EINVAL;
    static const uint8_t personal[crypto_generichash_blake2b_PERSONALBYTES] = "unika-signkey-v1";
    return crypto_generichash_blake2b_salt_personal(out, UNIKA_FINGERPRINT_BYTES, pub->key,
                                                    sizeof pub->key, NULL, 0, NULL, personal) == 0
               ? 0
               : UNIKA_EINTERNAL;
}

/* ---- the signed message ---------------------------------------------------- */

/* message = DOMAIN_TAG || u32le(len(name)) || name || digest */
static size_t build_message(uint8_t *msg, const char *name, const uint8_t *digest)
{
    size_t tag = sizeof DOMAIN_TAG - 1, n = strlen(name), off = 0;
    memcpy(msg, DOMAIN_TAG, tag);
    off += tag;
    unika_store32_le(msg + off, (uint32_t)n);
    off += 4;
    memcpy(msg + off, name, n);
    off += n;
    memcpy(msg + off, digest, UNIKA_SIGN_DIGEST_BYTES);
    return off + UNIKA_SIGN_DIGEST_BYTES;
}

#define MESSAGE_MAX (sizeof DOMAIN_TAG - 1 + 4 + UNIKA_SIGNER_NAME_MAX + UNIKA_SIGN_DIGEST_BYTES)

static int sign_digest(unika_signature *dst, const unika_sign_key *key, unika_error *err)
{
    uint8_t msg[MESSAGE_MAX];
    size_t n = build_message(msg, key->name, dst->digest);
    memcpy(dst->signer, key->name, sizeof dst->signer);
    memcpy(dst->key, key->pk, sizeof dst->key);
    if (crypto_sign_detached(dst->sig, NULL, msg, n, key->sk) != 0)
        return unika_fail(err, UNIKA_EINTERNAL, "Ed25519 signing failed");
    return 0;
}

static int digest_file(uint8_t digest[UNIKA_SIGN_DIGEST_BYTES], const char *path,
                       unika_error *err)
{
    /* A FIFO or device would block the digest forever: regular files only. */
    int fd = unika_open_regular(path);
    if (fd == -2) return unika_fail(err, UNIKA_EIO, "%s is not a regular file", path);
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (!f) {
        int e = errno;
        if (fd >= 0) close(fd);
        if (e == ENOENT) return unika_fail(err, UNIKA_ENOENT, "%s does not exist", path);
        return unika_fail(err, UNIKA_EIO, "cannot open %s: %s", path, strerror(e));
    }
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, UNIKA_SIGN_DIGEST_BYTES);
    uint8_t buf[16384];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) crypto_generichash_update(&st, buf, got);
    int bad = ferror(f);
    fclose(f);
    if (bad) return unika_fail(err, UNIKA_EIO, "cannot read %s", path);
    crypto_generichash_final(&st, digest, UNIKA_SIGN_DIGEST_BYTES);
    return 0;
}

int unika_signature_create(unika_signature *dst, const unika_sign_key *key, const uint8_t *src,
                           size_t src_size, unika_error *err)
{
    if (!dst || !key || (!src && src_size)) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    memset(dst, 0, sizeof *dst);
    crypto_generichash(dst->digest, sizeof dst->digest, src, src_size, NULL, 0);
    return sign_digest(dst, key, err);
}

int unika_signature_create_file(unika_signature *dst, const unika_sign_key *key,
                                const char *path, unika_error *err)
{
    if (!dst || !key || !path) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    memset(dst, 0, sizeof *dst);
    int rc = digest_file(dst->digest, path, err);
    if (rc < 0) return rc;
    return sign_digest(dst, key, err);
}

static int verify_digest(const unika_signature *sig, const unika_sign_public *pub,
                         const uint8_t digest[UNIKA_SIGN_DIGEST_BYTES], unika_error *err)
{
    if (strcmp(sig->signer, pub->name) != 0)
        return unika_fail(err, UNIKA_ESIGNER, "signed by \"%s\", not by \"%s\"", sig->signer,
                          pub->name);
    if (sodium_memcmp(sig->key, pub->key, sizeof pub->key) != 0) {
        char got[UNIKA_SIGN_KEY_ID_HEX_BYTES], want[UNIKA_SIGN_KEY_ID_HEX_BYTES];
        unika_sign_key_id(got, sig->key);
        unika_sign_key_id(want, pub->key);
        return unika_fail(err, UNIKA_ESIGNKEY,
                          "signed as \"%s\" with key %s, but \"%s\"'s key is %s", sig->signer, got,
                          pub->name, want);
    }
    if (sodium_memcmp(sig->digest, digest, UNIKA_SIGN_DIGEST_BYTES) != 0)
        return unika_fail(err, UNIKA_ESIGNATURE,
                          "the file changed after \"%s\" signed it (its BLAKE2b-512 digest "
                          "differs from the signed one)", sig->signer);
    uint8_t msg[MESSAGE_MAX];
    size_t n = build_message(msg, sig->signer, sig->digest);
    if (crypto_sign_verify_detached(sig->sig, msg, n, pub->key) != 0)
        return unika_fail(err, UNIKA_ESIGNATURE,
                          "the signature bytes do not verify under \"%s\"'s key (the "
                          "signature file was altered)", pub->name);
    return 0;
}

int unika_signature_verify(const unika_signature *sig, const unika_sign_public *pub,
                           const uint8_t *src, size_t src_size, unika_error *err)
{
    if (!sig || !pub || (!src && src_size)) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    uint8_t digest[UNIKA_SIGN_DIGEST_BYTES];
    crypto_generichash(digest, sizeof digest, src, src_size, NULL, 0);
    return verify_digest(sig, pub, digest, err);
}

int unika_signature_verify_file(const unika_signature *sig, const unika_sign_public *pub,
                                const char *path, unika_error *err)
{
    if (!sig || !pub || !path) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    uint8_t digest[UNIKA_SIGN_DIGEST_BYTES];
    int rc = digest_file(digest, path, err);
    if (rc < 0) return rc;
    return verify_digest(sig, pub, digest, err);
}

/* ---- signature file ----------------------------------------------------------- */

int unika_signature_format(char *dst, size_t dst_capacity, size_t *written,
                           const unika_signature *sig, unika_error *err)
{
    if (!dst || !sig) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    int rc = unika_signer_name_check(sig->signer, err);
    if (rc < 0) return rc;
    char pk[2 * UNIKA_SIGN_PUBLIC_KEY_BYTES + 1], dg[2 * UNIKA_SIGN_DIGEST_BYTES + 1],
        sg[2 * UNIKA_SIGN_BYTES + 1];
    unika_hex_encode(pk, sig->key, sizeof sig->key);
    unika_hex_encode(dg, sig->digest, sizeof sig->digest);
    unika_hex_encode(sg, sig->sig, sizeof sig->sig);
    int n = snprintf(dst, dst_capacity,
                     SIGNATURE_HEADER " v1\nsigner: %s\nalgorithm: ed25519\npublic-key: %s\n"
                     "blake2b-512: %s\nsignature: %s\n",
                     sig->signer, pk, dg, sg);
    if (n < 0 || (size_t)n >= dst_capacity)
        return unika_fail(err, UNIKA_EBUFFER, "signature text needs %d bytes", n + 1);
    if (written) *written = (size_t)n;
    return 0;
}

int unika_signature_parse(unika_signature *dst, const char *src, size_t src_size,
                          unika_error *err)
{
    if (!dst || !src) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    memset(dst, 0, sizeof *dst);
    unika_govio_reader r = {src, src_size, 0, 0, "signature file", UNIKA_ESIGFILE};
    const char *alg;
    size_t alg_n;
    int rc;
    if ((rc = unika_govio_reject_nul(src, src_size, r.what, UNIKA_ESIGFILE, err)) < 0 ||
        (rc = unika_govio_read_header(&r, SIGNATURE_HEADER, UNIKA_EVERSION, err)) < 0 ||
        (rc = read_name_field(&r, "signer", dst->signer, err)) < 0 ||
        (rc = unika_govio_read_field(&r, "algorithm", &alg, &alg_n, err)) < 0)
        goto fail;
    if (alg_n != 7 || memcmp(alg, "ed25519", 7) != 0) {
        if (err) err->line = r.line_no;
        rc = unika_fail_at(err, UNIKA_ESIGFILE, "algorithm", 0,
                           "signature file: line %llu: algorithm must be ed25519",
                           (unsigned long long)r.line_no);
        goto fail;
    }
    if ((rc = unika_govio_read_hex_field(&r, "public-key", dst->key, sizeof dst->key, err)) < 0 ||
        (rc = unika_govio_read_hex_field(&r, "blake2b-512", dst->digest, sizeof dst->digest,
                                         err)) < 0 ||
        (rc = unika_govio_read_hex_field(&r, "signature", dst->sig, sizeof dst->sig, err)) < 0 ||
        (rc = unika_govio_read_end(&r, err)) < 0)
        goto fail;
    return 0;
fail:
    memset(dst, 0, sizeof *dst);
    return rc;
}

int unika_signature_save(const unika_signature *sig, const char *path, unsigned flags,
                         unika_error *err)
{
    if (!sig || !path) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    if (flags & ~UNIKA_SIGN_OVERWRITE) return unika_fail(err, UNIKA_EINVAL, "unknown flags");
    char text[UNIKA_SIGN_TEXT_MAX];
    size_t n;
    int rc = unika_signature_format(text, sizeof text, &n, sig, err);
    if (rc < 0) return rc;
    return unika_write_file_atomic(path, text, n, 0644,
                             (flags & UNIKA_SIGN_OVERWRITE) != 0, err);
}

int unika_signature_load(unika_signature *dst, const char *path, unika_error *err)
{
    if (!dst || !path) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    uint8_t *buf;
    size_t size;
    int rc = unika_govio_read(&buf, &size, path, UNIKA_SIGN_TEXT_MAX, 0, err);
    if (rc == UNIKA_ENOENT)
        return unika_fail(err, UNIKA_ENOENT, "not signed: %s does not exist", path);
    if (rc == UNIKA_ERANGE)
        return unika_fail(err, UNIKA_ESIGFILE, "%s is too large to be a signature file", path);
    if (rc < 0) return rc;
    rc = unika_signature_parse(dst, (const char *)buf, size, err);
    if (rc < 0) unika_prefix_path(err, path);
    unika_govio_free(buf, size);
    return rc;
}

int unika_signature_path(char *dst, size_t dst_capacity, const char *path)
{
    if (!dst || !path) return UNIKA_EINVAL;
    int n = snprintf(dst, dst_capacity, "%s.sig", path);
    if (n < 0 || (size_t)n >= dst_capacity) return UNIKA_EBUFFER;
    return 0;
}

int unika_sign_file(const unika_sign_key *key, const char *path, const char *sig_path,
                    unsigned flags, unika_error *err)
{
    if (!key || !path) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    char def[4096];
    if (!sig_path) {
        if (unika_signature_path(def, sizeof def, path) != 0)
            return unika_fail(err, UNIKA_EINVAL, "path too long");
        sig_path = def;
    }
    unika_signature sig;
    int rc = unika_signature_create_file(&sig, key, path, err);
    if (rc < 0) return rc;
    return unika_signature_save(&sig, sig_path, flags, err);
}
