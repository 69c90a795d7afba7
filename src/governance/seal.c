/*
 * seal.c - the aggregator's box key and sealed envelopes.
 *
 * Why: a raw sketch is safe only in the hands of someone without the
 * partnership key (docs/security.md: with the key, one register answers
 * "is this person in the file?"). Partners hold the key, so sketches must
 * not pass through a folder other partners can read. Sealing each file to
 * the aggregator's X25519 public key (libsodium crypto_box_seal) makes the
 * aggregator the only party who can read it. The envelope header names the
 * recipient by fingerprint so a wrong key is reported as such, not as
 * "damaged", and states the sealed length so truncation is reported as such.
 *
 * Padding: a sparse sketch's size is 72 bytes plus 4 per person, so an
 * envelope of the file's exact size would tell anyone who sees it in
 * transit the exact count of a small cell. The file is therefore sealed
 * with its true length inside, padded with zeros to a size that depends only
 * on its precision (for a sketch) or on its order of magnitude (any file),
 * so the length on the wire says nothing about how many people are counted.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/common.h"
#include "common/fileio.h"
#include "governance/govio.h"
#include "unika/seal.h"

#define SECRET_HEADER "unika-box-secret-key"
#define PUBLIC_HEADER "unika-box-public-key"
#define FP_DOMAIN "unika-box-v1"
#define KEY_TEXT_MAX 1024

static const uint8_t MAGIC[8] = {0x8F, 'U', 'N', 'K', 'S', 'E', 'A', 'L'};
/* The sketch file magic (docs/format.md): only used to find a sketch's
 * precision, which sets its padding floor. */
static const uint8_t SKETCH_MAGIC[8] = {0x81, 0x55, 0x4B, 0x53, 0x0D, 0x0A, 0x1A, 0x0A};
/* The match-key file magic (docs/matchkeys.md): its floor is a size class
 * that holds a whole partner's file. */
static const uint8_t MATCHKEY_MAGIC[8] = {0x81, 0x55, 0x4D, 0x4B, 0x0D, 0x0A, 0x1A, 0x0A};
#define ENVELOPE_VERSION 2
#define LENGTH_BYTES 8 /* the true length, first inside the sealed plaintext */

struct unika_box_key {
    uint8_t sk[crypto_box_SECRETKEYBYTES];
    uint8_t pk[crypto_box_PUBLICKEYBYTES];
};

size_t unika_box_public_key_bytes(void) { return UNIKA_BOX_PUBLIC_KEY_BYTES; }
size_t unika_seal_overhead(void) { return UNIKA_SEAL_OVERHEAD; }

void unika_box_fingerprint(uint8_t dst[UNIKA_FINGERPRINT_BYTES],
                           const uint8_t pk[UNIKA_BOX_PUBLIC_KEY_BYTES])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, UNIKA_FINGERPRINT_BYTES);
    crypto_generichash_update(&st, (const uint8_t *)FP_DOMAIN, sizeof FP_DOMAIN - 1);
    crypto_generichash_update(&st, pk, UNIKA_BOX_PUBLIC_KEY_BYTES);
    crypto_generichash_final(&st, dst, UNIKA_FINGERPRINT_BYTES);
}

static unika_box_key *key_alloc(void)
{
    unika_box_key *k = sodium_malloc(sizeof *k);
    if (k) sodium_memzero(k, sizeof *k);
    return k;
}

void unika_box_key_free(unika_box_key *key)
{
    if (key) sodium_free(key);
}

int unika_box_key_generate(unika_box_key **out, unika_error *err)
{
    if (!out) return unika_fail(err, UNIKA_EINVAL, "NULL output");
    *out = NULL;
    unika_box_key *k = key_alloc();
    if (!k) return unika_fail(err, UNIKA_ENOMEM, "out of memory for a box key");
    if (crypto_box_keypair(k->pk, k->sk) != 0) {
        unika_box_key_free(k);
        return unika_fail(err, UNIKA_EINTERNAL, "X25519 key generation failed");
    }
    sodium_mprotect_readonly(k); /* a finished key never changes; catch stray writes */
    *out = k;
    return 0;
}

int unika_box_key_public(uint8_t dst[UNIKA_BOX_PUBLIC_KEY_BYTES], const unika_box_key *key)
{
    if (!dst || !key) return UNIKA_EINVAL;
    memcpy(dst, key->pk, UNIKA_BOX_PUBLIC_KEY_BYTES);
    return 0;
}

int unika_box_key_save(const unika_box_key *key, const char *path, unsigned flags,
                       unika_error *err)
{
    if (!key || !path) return unika_fail(err, UNIKA_EINVAL, "NULL key or path");
    if (flags & ~UNIKA_SEAL_OVERWRITE) return unika_fail(err, UNIKA_EINVAL, "unknown flags");
    char *text = sodium_malloc(KEY_TEXT_MAX);
    if (!text) return unika_fail(err, UNIKA_ENOMEM, "out of memory");
    char sk_hex[2 * crypto_box_SECRETKEYBYTES + 1], pk_hex[2 * crypto_box_PUBLICKEYBYTES + 1];
    unika_hex_encode(sk_hex, key->sk, sizeof key->sk);
    unika_hex_encode(pk_hex, key->pk, sizeof key->pk);
    int n = snprintf(text, KEY_TEXT_MAX, SECRET_HEADER " v1\nsecret: %s\npublic: %s\n", sk_hex,
                     pk_hex);
    sodium_memzero(sk_hex, sizeof sk_hex);
    int rc = unika_write_file_atomic(path, text, (size_t)n, 0600,
                               (flags & UNIKA_SEAL_OVERWRITE) != 0, err);
    sodium_free(text);
    return rc;
}

int unika_box_key_load(unika_box_key **out, const char *path, unsigned flags, unika_error *err)
{
    if (!out || !path) return unika_fail(err, UNIKA_EINVAL, "NULL output or path");
    *out = NULL;
    if (flags & ~UNIKA_SEAL_ALLOW_OPEN_PERMISSIONS)
        return unika_fail(err, UNIKA_EINVAL, "unknown flags");
    uint8_t *buf;
    size_t size;
    int rc = unika_govio_read(&buf, &size, path, KEY_TEXT_MAX,
                              !(flags & UNIKA_SEAL_ALLOW_OPEN_PERMISSIONS), err);
    if (rc == UNIKA_ERANGE)
        return unika_fail(err, UNIKA_EKEYFILE, "%s is too large to be a box key", path);
    if (rc < 0) return rc;
    unika_box_key *k = key_alloc();
    if (!k) {
        unika_govio_free(buf, size);
        return unika_fail(err, UNIKA_ENOMEM, "out of memory for a box key");
    }
    unika_govio_reader r = {(const char *)buf, size, 0, 0, "secret box key file",
                            UNIKA_EKEYFILE};
    uint8_t pk[crypto_box_PUBLICKEYBYTES];
    if ((rc = unika_govio_reject_nul(r.src, size, r.what, UNIKA_EKEYFILE, err)) < 0 ||
        (rc = unika_govio_read_header(&r, SECRET_HEADER, UNIKA_EKEYVERSION, err)) < 0 ||
        (rc = unika_govio_read_hex_field(&r, "secret", k->sk, sizeof k->sk, err)) < 0 ||
        (rc = unika_govio_read_hex_field(&r, "public", k->pk, sizeof k->pk, err)) < 0 ||
        (rc = unika_govio_read_end(&r, err)) < 0)
        goto fail;
    if (crypto_scalarmult_base(pk, k->sk) != 0 || sodium_memcmp(pk, k->pk, sizeof pk) != 0) {
        rc = unika_fail(err, UNIKA_EKEYFILE,
                        "the public key does not belong to the secret key (damaged file)");
        goto fail;
    }
    unika_govio_free(buf, size);
    sodium_mprotect_readonly(k); /* a finished key never changes; catch stray writes */
    *out = k;
    return 0;
fail:
    unika_prefix_path(err, path);
    unika_govio_free(buf, size);
    unika_box_key_free(k);
    return rc;
}

int unika_box_public_save(const uint8_t pk[UNIKA_BOX_PUBLIC_KEY_BYTES], const char *path,
                          unsigned flags, unika_error *err)
{
    if (!pk || !path) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    if (flags & ~UNIKA_SEAL_OVERWRITE) return unika_fail(err, UNIKA_EINVAL, "unknown flags");
    char hex[2 * UNIKA_BOX_PUBLIC_KEY_BYTES + 1], text[256];
    unika_hex_encode(hex, pk, UNIKA_BOX_PUBLIC_KEY_BYTES);
    int n = snprintf(text, sizeof text, PUBLIC_HEADER " v1\nx25519: %s\n", hex);
    return unika_write_file_atomic(path, text, (size_t)n, 0644,
                             (flags & UNIKA_SEAL_OVERWRITE) != 0, err);
}

int unika_box_public_load(uint8_t dst[UNIKA_BOX_PUBLIC_KEY_BYTES], const char *path,
                          unika_error *err)
{
    if (!dst || !path) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    uint8_t *buf;
    size_t size;
    int rc = unika_govio_read(&buf, &size, path, KEY_TEXT_MAX, 0, err);
    if (rc == UNIKA_ERANGE)
        return unika_fail(err, UNIKA_EKEYFILE, "%s is too large to be a public box key", path);
    if (rc < 0) return rc;
    unika_govio_reader r = {(const char *)buf, size, 0, 0, "public box key file",
                            UNIKA_EKEYFILE};
    if ((rc = unika_govio_reject_nul(r.src, size, r.what, UNIKA_EKEYFILE, err)) < 0 ||
        (rc = unika_govio_read_header(&r, PUBLIC_HEADER, UNIKA_EKEYVERSION, err)) < 0 ||
        (rc = unika_govio_read_hex_field(&r, "x25519", dst, UNIKA_BOX_PUBLIC_KEY_BYTES, err)) < 0 ||
        (rc = unika_govio_read_end(&r, err)) < 0) {
        unika_prefix_path(err, path);
        memset(dst, 0, UNIKA_BOX_PUBLIC_KEY_BYTES);
    }
    unika_govio_free(buf, size);
    return rc;
}

/* ---- envelopes ------------------------------------------------------------------ */

/* The padding floor: 2^(p+1) for a sketch of precision p (its largest form,
 * 2^p payload bytes plus header and labels, fits with room to spare);
 * UNIKA_SEAL_PAD_MATCHKEYS for a match-key file, whose size grows with the
 * people a partner saw (docs/security.md, "Size classes"); never below
 * UNIKA_SEAL_PAD_MIN. */
static size_t pad_floor(const uint8_t *src, size_t n)
{
    size_t floor = UNIKA_SEAL_PAD_MIN;
    if (n >= sizeof MATCHKEY_MAGIC && memcmp(src, MATCHKEY_MAGIC, sizeof MATCHKEY_MAGIC) == 0)
        return UNIKA_SEAL_PAD_MATCHKEYS;
    if (n >= 12 && memcmp(src, SKETCH_MAGIC, sizeof SKETCH_MAGIC) == 0 && src[11] >= 4 &&
        src[11] <= 18 && ((size_t)2 << src[11]) > floor)
        floor = (size_t)2 << src[11];
    return floor;
}

/* The padded plaintext size for n content bytes: the smallest power of two
 * that holds the length field and the content, at least the floor. */
static size_t padded_size(const uint8_t *src, size_t n)
{
    size_t s = pad_floor(src, n);
    while (s < n + LENGTH_BYTES) s <<= 1;
    return s;
}

size_t unika_seal_size(const uint8_t *src, size_t src_size)
{
    if ((!src && src_size) || src_size > UNIKA_SEAL_MAX_FILE) return 0;
    return UNIKA_SEAL_OVERHEAD + padded_size(src, src_size);
}

int unika_seal(uint8_t *dst, size_t dst_capacity, size_t *written,
               const uint8_t pk[UNIKA_BOX_PUBLIC_KEY_BYTES], const uint8_t *src, size_t src_size,
               unika_error *err)
{
    if (written) *written = 0;
    if (!dst || !pk || (!src && src_size)) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    if (src_size > UNIKA_SEAL_MAX_FILE)
        return unika_fail(err, UNIKA_ERANGE, "%zu bytes is more than a sealed file may hold",
                          src_size);
    size_t padded = padded_size(src, src_size), need = padded + UNIKA_SEAL_OVERHEAD;
    if (dst_capacity < need)
        return unika_fail(err, UNIKA_EBUFFER, "a sealed envelope needs %zu bytes", need);
    /* The plaintext (length, content, zeros) is built in locked memory: it
     * is a raw sketch. */
    uint8_t *plain = sodium_malloc(padded);
    if (!plain) return unika_fail(err, UNIKA_ENOMEM, "out of memory sealing %zu bytes", src_size);
    unika_store64_le(plain, (uint64_t)src_size);
    if (src_size) memcpy(plain + LENGTH_BYTES, src, src_size);
    memset(plain + LENGTH_BYTES + src_size, 0, padded - LENGTH_BYTES - src_size);
    memcpy(dst, MAGIC, sizeof MAGIC);
    unika_store16_le(dst + 8, ENVELOPE_VERSION);
    unika_store16_le(dst + 10, 0);
    unika_box_fingerprint(dst + 12, pk);
    unika_store64_le(dst + 28, (uint64_t)padded);
    int rc = crypto_box_seal(dst + UNIKA_SEAL_HEADER_BYTES, plain, padded, pk);
    sodium_free(plain); /* wipes */
    if (rc != 0) {
        sodium_memzero(dst, need);
        return unika_fail(err, UNIKA_ESEAL, "the recipient's public key is not usable");
    }
    if (written) *written = need;
    return 0;
}

/* The envelope's header and size, before any decryption: the magic,
 * version and reserved field, the recipient, and the padded plaintext size
 * *padded, a power of two in [PAD_MIN, PAD_MAX] that the body must hold
 * exactly. */
static int open_header(const uint8_t *src, size_t src_size, const unika_box_key *key,
                       uint64_t *padded, unika_error *err)
{
    if (src_size < UNIKA_SEAL_HEADER_BYTES) {
        if (src_size >= sizeof MAGIC && memcmp(src, MAGIC, sizeof MAGIC) != 0)
            return unika_fail(err, UNIKA_EMAGIC, "not a sealed unika envelope (bad magic)");
        return unika_fail(err, UNIKA_ETRUNCATED,
                          "envelope truncated: %zu bytes, shorter than its %d-byte header",
                          src_size, UNIKA_SEAL_HEADER_BYTES);
    }
    if (memcmp(src, MAGIC, sizeof MAGIC) != 0)
        return unika_fail(err, UNIKA_EMAGIC, "not a sealed unika envelope (bad magic)");
    unsigned version = unika_load16_le(src + 8);
    if (version == 1)
        return unika_fail(err, UNIKA_EVERSION,
                          "envelope version 1 (unpadded, it shows the file's exact length) is "
                          "no longer accepted; seal the file again with this version (2)");
    if (version != ENVELOPE_VERSION)
        return unika_fail(err, UNIKA_EVERSION, "envelope version %u is not supported (only 2)",
                          version);
    if (unika_load16_le(src + 10) != 0)
        return unika_fail_at(err, UNIKA_EFORMAT, "reserved", 11,
                             "envelope reserved field (bytes 10-11) is not zero");
    uint8_t mine[UNIKA_FINGERPRINT_BYTES];
    unika_box_fingerprint(mine, key->pk);
    if (memcmp(mine, src + 12, UNIKA_FINGERPRINT_BYTES) != 0) {
        char want[2 * UNIKA_FINGERPRINT_BYTES + 1], have[2 * UNIKA_FINGERPRINT_BYTES + 1];
        unika_hex_encode(want, src + 12, UNIKA_FINGERPRINT_BYTES);
        unika_hex_encode(have, mine, UNIKA_FINGERPRINT_BYTES);
        return unika_fail(err, UNIKA_ESEAL,
                          "sealed for recipient %s, but this box key is %s", want, have);
    }
    uint64_t s = unika_load64_le(src + 28);
    size_t body = src_size - UNIKA_SEAL_HEADER_BYTES;
    if (s < UNIKA_SEAL_PAD_MIN || s > UNIKA_SEAL_PAD_MAX || (s & (s - 1)) != 0)
        return unika_fail_at(err, UNIKA_EFORMAT, "length", 28,
                             "envelope states a sealed length of %llu bytes, not a power of two "
                             "from %d to %zu", (unsigned long long)s, UNIKA_SEAL_PAD_MIN,
                             (size_t)UNIKA_SEAL_PAD_MAX);
    if (body < s + crypto_box_SEALBYTES)
        return unika_fail(err, UNIKA_ETRUNCATED,
                          "envelope truncated: %zu sealed bytes, %llu expected", body,
                          (unsigned long long)(s + crypto_box_SEALBYTES));
    if (body > s + crypto_box_SEALBYTES)
        return unika_fail(err, UNIKA_EFORMAT, "envelope has %llu bytes after the sealed data",
                          (unsigned long long)(body - s - crypto_box_SEALBYTES));
    *padded = s;
    return 0;
}

/* The opened plaintext's layout, its content's size *n. Authenticated, but
 * sealed boxes are anonymous: anyone with the public key can seal, so the
 * layout is still checked. One content has exactly one envelope size (the
 * padding is canonical). */
static int open_content(const uint8_t *plain, uint64_t s, uint64_t *n, unika_error *err)
{
    *n = unika_load64_le(plain);
    if (*n > s - LENGTH_BYTES)
        return unika_fail(err, UNIKA_EFORMAT,
                          "sealed content states %llu bytes, more than its %llu-byte padding holds",
                          (unsigned long long)*n, (unsigned long long)(s - LENGTH_BYTES));
    uint8_t nonzero = 0;
    for (size_t i = LENGTH_BYTES + (size_t)*n; i < (size_t)s; i++) nonzero |= plain[i];
    if (nonzero)
        return unika_fail(err, UNIKA_EFORMAT, "the padding after the sealed content is not zero");
    size_t want = padded_size(plain + LENGTH_BYTES, (size_t)*n);
    if (want != (size_t)s)
        return unika_fail(err, UNIKA_EFORMAT,
                          "sealed content of %llu bytes is padded to %llu, not to %zu",
                          (unsigned long long)*n, (unsigned long long)s, want);
    return 0;
}

int unika_open(uint8_t *dst, size_t dst_capacity, size_t *written, const unika_box_key *key,
               const uint8_t *src, size_t src_size, unika_error *err)
{
    if (written) *written = 0;
    if (!key || (!src && src_size) || (!dst && dst_capacity))
        return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    uint64_t s = 0, n = 0;
    int rc = open_header(src, src_size, key, &s, err);
    if (rc) return rc;
    uint8_t *plain = sodium_malloc((size_t)s);
    if (!plain) return unika_fail(err, UNIKA_ENOMEM, "out of memory opening an envelope");
    if (crypto_box_seal_open(plain, src + UNIKA_SEAL_HEADER_BYTES,
                             src_size - UNIKA_SEAL_HEADER_BYTES, key->pk, key->sk) != 0)
        rc = unika_fail(err, UNIKA_ESEALAUTH,
                        "the sealed bytes were altered or damaged (authentication failed)");
    else if (!(rc = open_content(plain, s, &n, err)) && dst_capacity < n)
        rc = unika_fail(err, UNIKA_EBUFFER, "opening needs %llu bytes", (unsigned long long)n);
    if (!rc) {
        if (n) memcpy(dst, plain + LENGTH_BYTES, (size_t)n);
        if (written) *written = (size_t)n;
    }
    sodium_free(plain); /* wipes */
    return rc;
}

int unika_seal_file(const uint8_t pk[UNIKA_BOX_PUBLIC_KEY_BYTES], const char *src_path,
                    const char *dst_path, unsigned flags, unika_error *err)
{
    if (!pk || !src_path || !dst_path) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    if (flags & ~UNIKA_SEAL_OVERWRITE) return unika_fail(err, UNIKA_EINVAL, "unknown flags");
    uint8_t *in;
    size_t in_size;
    int rc = unika_govio_read(&in, &in_size, src_path, UNIKA_SEAL_MAX_FILE, 0, err);
    if (rc < 0) return rc;
    size_t cap = unika_seal_size(in, in_size), n = 0;
    uint8_t *out = unika_malloc(cap ? cap : 1);
    if (!out) {
        unika_govio_free(in, in_size);
        return unika_fail(err, UNIKA_ENOMEM, "out of memory sealing %s", src_path);
    }
    rc = unika_seal(out, cap, &n, pk, in, in_size, err);
    unika_govio_free(in, in_size);
    if (rc == 0)
        rc = unika_write_file_atomic(dst_path, out, n, 0644,
                               (flags & UNIKA_SEAL_OVERWRITE) != 0, err);
    else
        unika_prefix_path(err, src_path);
    unika_free(out);
    return rc;
}

int unika_open_file(const unika_box_key *key, const char *src_path, const char *dst_path,
                    unsigned flags, unika_error *err)
{
    if (!key || !src_path || !dst_path) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    if (flags & ~UNIKA_SEAL_OVERWRITE) return unika_fail(err, UNIKA_EINVAL, "unknown flags");
    uint8_t *in;
    size_t in_size;
    int rc = unika_govio_read(&in, &in_size, src_path, UNIKA_SEAL_PAD_MAX + UNIKA_SEAL_OVERHEAD,
                              0, err);
    if (rc < 0) return rc;
    /* The content is at most the padded size less the length field. */
    size_t cap = in_size > UNIKA_SEAL_OVERHEAD + 8 ? in_size - UNIKA_SEAL_OVERHEAD - 8 : 1, n = 0;
    uint8_t *out = unika_malloc(cap);
    if (!out) {
        unika_govio_free(in, in_size);
        return unika_fail(err, UNIKA_ENOMEM, "out of memory opening %s", src_path);
    }
    rc = unika_open(out, cap, &n, key, in, in_size, err);
    unika_govio_free(in, in_size);
    if (rc == 0)
        rc = unika_write_file_atomic(dst_path, out, n, 0600,
                               (flags & UNIKA_SEAL_OVERWRITE) != 0, err);
    else
        unika_prefix_path(err, src_path);
    sodium_memzero(out, cap);
    unika_free(out);
    return rc;
}
