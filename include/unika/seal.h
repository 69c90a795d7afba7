/*
 * unika/seal.h - sealed transfer of files to the aggregator (libsodium
 * sealed boxes: X25519 + XSalsa20-Poly1305 with an ephemeral sender key).
 *
 * The aggregator makes a box key pair and publishes the public half (also
 * in the roster). A partner seals each sketch file to that public key
 * before it leaves the partner; only the holder of the aggregator's secret
 * key can open it. Other partners, who hold the partnership key and could
 * run membership tests on a raw sketch (docs/security.md), cannot read it
 * in transit or at rest in a shared folder.
 *
 * Envelope v2 (all integers little-endian; docs/security.md, "Sealed envelope"):
 *
 *   offset size  field
 *   0      8     magic 8F 55 4E 4B 53 45 41 4C  ("\x8FUNKSEAL")
 *   8      2     version = 2
 *   10     2     reserved, must be 0
 *   12     16    recipient fingerprint: BLAKE2b-128("unika-box-v1" || public key)
 *   28     8     s = padded plaintext size (a power of two, UNIKA_SEAL_PAD_MIN..MAX)
 *   36     s+48  crypto_box_seal(u64le(n) || file (n bytes) || zeros, recipient pk)
 *
 * The padding hides the file's length: s is the smallest power of two that
 * holds n + 8 bytes and is at least 2^(p+1) for a sketch file of precision p
 * (at least UNIKA_SEAL_PAD_MIN for any file). Every sketch of precision p
 * whose labels and provenance take under about 2^p bytes seals to the same
 * size, whatever its count; what remains visible is p and, beyond that,
 * the power of two of the label/provenance volume. A match-key file
 * (unika/matchkey_file.h) is padded to at least UNIKA_SEAL_PAD_MATCHKEYS,
 * then to powers of two: a size class per doubling, the first holding the
 * file of a partner of several thousand people (docs/security.md, "Size
 * classes"). Version 1 (unpadded) envelopes are refused with a message
 * saying so.
 *
 *   uint8_t pk[UNIKA_BOX_PUBLIC_KEY_BYTES];
 *   unika_box_public_load(pk, "aggregator.pub", &err);
 *   unika_seal_file(pk, "cell.uks", "out/cell.uks.sealed", 0, &err);
 *   ... at the aggregator:
 *   unika_box_key *bk; unika_box_key_load(&bk, "aggregator.sec", 0, &err);
 *   unika_open_file(bk, "in/cell.uks.sealed", "cell.uks", 0, &err);
 *
 * Sealed boxes are anonymous: opening proves nothing about who sealed.
 * Authenticity comes from the partner's signature (unika/sign.h), which
 * travels with the file (seal FILE.sig too, or send it in clear).
 */
#ifndef UNIKA_SEAL_H
#define UNIKA_SEAL_H

#include "common.h"
#include "error.h"

#define UNIKA_BOX_PUBLIC_KEY_BYTES 32  /* X25519 public key */
#define UNIKA_SEAL_HEADER_BYTES 36
#define UNIKA_SEAL_OVERHEAD (UNIKA_SEAL_HEADER_BYTES + 48) /* header + crypto_box_SEALBYTES */
#define UNIKA_SEAL_PAD_MIN 4096                               /* smallest padded size */
#define UNIKA_SEAL_PAD_MATCHKEYS ((size_t)1 << 22)            /* smallest class of a
                                                                 match-key file: 4 MiB */
#define UNIKA_SEAL_PAD_MAX ((size_t)1 << 30)                  /* largest padded size */
#define UNIKA_SEAL_MAX_FILE (UNIKA_SEAL_PAD_MAX - 8)          /* ~1 GiB: sketches are small */

/* Flags for save/load/seal/open functions of this header. */
#define UNIKA_SEAL_OVERWRITE 1u               /* replace an existing output */
#define UNIKA_SEAL_ALLOW_OPEN_PERMISSIONS 2u  /* load: accept a group/other-readable secret */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct unika_box_key unika_box_key; /* the aggregator's secret; opaque */

UNIKA_API size_t unika_box_public_key_bytes(void);
UNIKA_API size_t unika_seal_overhead(void);

/*! unika_seal_size() :
 *  The exact size of the envelope unika_seal() makes of src/src_size:
 *  UNIKA_SEAL_OVERHEAD plus the padded size (above). It depends on src only
 *  through src_size and, for a sketch file, its precision byte.
 *  @return the size; 0 if src is NULL with a non-zero size or src_size is
 *          larger than UNIKA_SEAL_MAX_FILE. */
UNIKA_API size_t unika_seal_size(const uint8_t *src, size_t src_size);

/*! unika_box_key_generate() :
 *  Makes a new X25519 key pair (crypto_box_keypair). unika_init() first.
 *  @return 0 and *out set (free with unika_box_key_free()); UNIKA_EINVAL;
 *          UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_box_key_generate(unika_box_key **out, unika_error *err);

/*! unika_box_key_save() :
 *  Writes "unika-box-secret-key v1" / secret / public, mode 0600,
 *  atomically (temporary file, fsync, rename). flags: UNIKA_SEAL_OVERWRITE.
 *  @return 0; UNIKA_EINVAL; UNIKA_EEXIST; UNIKA_EIO. */
UNIKA_API UNIKA_NODISCARD int unika_box_key_save(const unika_box_key *key, const char *path,
                                                 unsigned flags, unika_error *err);

/*! unika_box_key_load() :
 *  Reads a secret box key and checks its public half against the secret.
 *  A group/other-accessible file is refused unless
 *  UNIKA_SEAL_ALLOW_OPEN_PERMISSIONS.
 *  @return 0 and *out set; UNIKA_EINVAL; UNIKA_ENOENT; UNIKA_EKEYPERM;
 *          UNIKA_EKEYVERSION; UNIKA_EKEYFILE (with err->line); UNIKA_EIO;
 *          UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_box_key_load(unika_box_key **out, const char *path,
                                                 unsigned flags, unika_error *err);

/*! unika_box_key_free() : wipes and frees; NULL is accepted. */
UNIKA_API void unika_box_key_free(unika_box_key *key);

/*! unika_box_key_public() : copies the public half. @return 0; UNIKA_EINVAL. */
UNIKA_API int unika_box_key_public(uint8_t dst[UNIKA_BOX_PUBLIC_KEY_BYTES],
                                   const unika_box_key *key);

/*! unika_box_fingerprint() :
 *  BLAKE2b-128 of "unika-box-v1" followed by the public key: names a
 *  recipient in envelopes and messages. */
UNIKA_API void unika_box_fingerprint(uint8_t dst[UNIKA_FINGERPRINT_BYTES],
                                     const uint8_t pk[UNIKA_BOX_PUBLIC_KEY_BYTES]);

/*! unika_box_public_save() / unika_box_public_load() :
 *  The public key file "unika-box-public-key v1" / "x25519: HEX" (0644).
 *  @return 0; UNIKA_EINVAL; UNIKA_EEXIST; UNIKA_ENOENT; UNIKA_EIO;
 *          UNIKA_EKEYVERSION; UNIKA_EKEYFILE (with err->line). */
UNIKA_API int unika_box_public_save(const uint8_t pk[UNIKA_BOX_PUBLIC_KEY_BYTES],
                                    const char *path, unsigned flags, unika_error *err);
UNIKA_API int unika_box_public_load(uint8_t dst[UNIKA_BOX_PUBLIC_KEY_BYTES], const char *path,
                                    unika_error *err);

/*! unika_seal() :
 *  Seals src/src_size, padded, for the holder of `pk` into the envelope
 *  above. dst_capacity must be at least unika_seal_size(src, src_size).
 *  Not deterministic: each call uses a fresh ephemeral key.
 *  @return 0 and *written set; UNIKA_EINVAL; UNIKA_EBUFFER;
 *          UNIKA_ERANGE (src larger than UNIKA_SEAL_MAX_FILE);
 *          UNIKA_ENOMEM; UNIKA_ESEAL if pk is not a usable public key. */
UNIKA_API UNIKA_NODISCARD int unika_seal(uint8_t *dst, size_t dst_capacity, size_t *written,
                                         const uint8_t pk[UNIKA_BOX_PUBLIC_KEY_BYTES],
                                         const uint8_t *src, size_t src_size, unika_error *err);

/*! unika_open() :
 *  Opens an envelope made by unika_seal() for `key`'s public key and
 *  removes the padding. dst_capacity must be at least the content's length;
 *  src_size - UNIKA_SEAL_OVERHEAD - 8 always suffices.
 *  @return 0 and *written set;
 *          UNIKA_ETRUNCATED (shorter than the header or than its stated length);
 *          UNIKA_EMAGIC (not an envelope); UNIKA_EVERSION (including v1);
 *          UNIKA_EFORMAT (reserved bits set, a stated size that is not an
 *          allowed power of two, bytes after the sealed data; inside the
 *          authenticated plaintext: a length larger than the padding, padding
 *          that is not zero, or padding of another size than the rule gives);
 *          UNIKA_ESEAL (sealed for another recipient: both fingerprints named);
 *          UNIKA_ESEALAUTH (the sealed bytes were altered or damaged);
 *          UNIKA_EBUFFER; UNIKA_ENOMEM; UNIKA_EINVAL. On failure nothing is
 *          written to dst. */
UNIKA_API UNIKA_NODISCARD int unika_open(uint8_t *dst, size_t dst_capacity, size_t *written,
                                         const unika_box_key *key, const uint8_t *src,
                                         size_t src_size, unika_error *err);

/*! unika_seal_file() / unika_open_file() :
 *  The same from file to file, written atomically; the sealed envelope is
 *  0644, an opened file 0600 (it is a raw sketch: only the aggregator
 *  should read it). flags: UNIKA_SEAL_OVERWRITE. Messages name the file.
 *  @return as unika_seal()/unika_open(), plus UNIKA_ENOENT, UNIKA_EEXIST,
 *          UNIKA_EIO, UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_seal_file(const uint8_t pk[UNIKA_BOX_PUBLIC_KEY_BYTES],
                                              const char *src_path, const char *dst_path,
                                              unsigned flags, unika_error *err);
UNIKA_API UNIKA_NODISCARD int unika_open_file(const unika_box_key *key, const char *src_path,
                                              const char *dst_path, unsigned flags,
                                              unika_error *err);

#ifdef __cplusplus
}
#endif
#endif /* UNIKA_SEAL_H */
