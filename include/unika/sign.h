/*
 * unika/sign.h - partner signing keys and detached signatures (Ed25519).
 *
 * Each partner holds its own Ed25519 signing key, named after the partner
 * ("rodakorset"). It signs the sketch files it hands over; the partnership
 * roster (unika/roster.h) lists every partner's public key, so an aggregator
 * or auditor can tell who made a file and that not a byte changed since.
 * A signature covers the whole file AND the signer's name: the signed
 * message is (docs/security.md, "Signatures")
 *
 *   "unika-signature-v1" || u32le(len(name)) || name || BLAKE2b-512(file)
 *
 * so a signature can neither be moved to another file nor re-attributed to
 * another partner name. Signatures are detached text files, `FILE.sig`.
 *
 *   unika_sign_key *sk = NULL;
 *   unika_error err = {0};
 *   if (unika_sign_key_generate(&sk, "rodakorset", &err) < 0) ...;
 *   if (unika_sign_key_save(sk, "rodakorset.sec", 0, &err) < 0) ...;   (0600)
 *   unika_sign_public pub;
 *   unika_sign_key_public(&pub, sk);
 *   unika_sign_public_save(&pub, "rodakorset.pub", 0, &err);           (0644)
 *   unika_sign_file(sk, "cell.uks", NULL, 0, &err);                    (cell.uks.sig)
 *   ...
 *   unika_signature sig;
 *   unika_signature_load(&sig, "cell.uks.sig", &err);
 *   if (unika_signature_verify_file(&sig, &pub, "cell.uks", &err) < 0) report err.message
 *   unika_sign_key_free(sk);
 *
 * Secret keys are opaque and live in sodium_malloc() memory (guard pages,
 * read-only once made), wiped when freed. Public keys and signatures hold nothing secret and are plain
 * structs, so rosters and callers can keep arrays of them without
 * allocating.
 */
#ifndef UNIKA_SIGN_H
#define UNIKA_SIGN_H

#include "common.h"
#include "error.h"

#define UNIKA_SIGN_PUBLIC_KEY_BYTES 32  /* Ed25519 public key */
#define UNIKA_SIGN_BYTES 64             /* Ed25519 signature */
#define UNIKA_SIGN_DIGEST_BYTES 64      /* BLAKE2b-512 of the signed file */
#define UNIKA_SIGNER_NAME_MAX 64        /* bytes; see unika_signer_name_check() */
#define UNIKA_SIGN_KEY_ID_HEX_BYTES 17  /* 16 hex digits and a NUL */
#define UNIKA_SIGN_TEXT_MAX 1024        /* bound on any key or signature text file */

/* Flags for the save and load functions of this header. */
#define UNIKA_SIGN_OVERWRITE 1u              /* save: replace an existing file */
#define UNIKA_SIGN_ALLOW_OPEN_PERMISSIONS 2u /* load: accept a group/other-readable secret */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct unika_sign_key unika_sign_key; /* secret; opaque */

/* A partner's public key and the name it signs under. */
typedef struct unika_sign_public {
    char name[UNIKA_SIGNER_NAME_MAX + 1];              /* NUL-terminated */
    uint8_t key[UNIKA_SIGN_PUBLIC_KEY_BYTES];
} unika_sign_public;

/* A detached signature, as stored in FILE.sig. `key` is the public key the
 * signer used: it is not trusted (verification uses the roster's key), but
 * it lets a failure say "made with another key" instead of only "invalid". */
typedef struct unika_signature {
    char signer[UNIKA_SIGNER_NAME_MAX + 1];
    uint8_t key[UNIKA_SIGN_PUBLIC_KEY_BYTES];
    uint8_t digest[UNIKA_SIGN_DIGEST_BYTES];           /* BLAKE2b-512 of the file */
    uint8_t sig[UNIKA_SIGN_BYTES];
} unika_signature;

UNIKA_API size_t unika_sign_public_key_bytes(void);
UNIKA_API size_t unika_sign_bytes(void);
UNIKA_API size_t unika_sign_digest_bytes(void);
UNIKA_API size_t unika_signer_name_max(void);

/*! unika_signer_name_check() :
 *  A signer (partner) name is 1 to UNIKA_SIGNER_NAME_MAX bytes of ASCII
 *  letters, digits, '.', '_' and '-', starting with a letter or digit. The
 *  rule keeps names safe in file names, roster lines and audit logs.
 *  @return 0; UNIKA_EINVAL if name is NULL; UNIKA_ENAME naming the position
 *          of the first bad character, or the length. */
UNIKA_API int unika_signer_name_check(const char *name, unika_error *err);

/*! unika_sign_key_id() :
 *  Writes a short id of a public key for messages and logs: the first 8
 *  bytes of the key as 16 lowercase hex digits (UNIKA_SIGN_KEY_ID_HEX_BYTES). */
UNIKA_API void unika_sign_key_id(char dst[UNIKA_SIGN_KEY_ID_HEX_BYTES],
                                 const uint8_t key[UNIKA_SIGN_PUBLIC_KEY_BYTES]);

/*! unika_sign_public_fingerprint() :
 *  The fingerprint of a public signing key, the short form partners and
 *  auditors pin (the coordinator's above all, unika/roster.h):
 *  BLAKE2b-128 (unkeyed, personalisation "unika-signkey-v1") of the 32-byte
 *  Ed25519 public key; 32 hex digits with unika_fingerprint_to_hex().
 *  @return 0; UNIKA_EINVAL on NULL. */
UNIKA_API int unika_sign_public_fingerprint(uint8_t out[UNIKA_FINGERPRINT_BYTES],
                                            const unika_sign_public *pub);

/*! unika_sign_key_generate() :
 *  Makes a new Ed25519 key pair from a random 32-byte seed, for the partner
 *  `name` (checked with unika_signer_name_check()). unika_init() first.
 *  @return 0 and *out set (free with unika_sign_key_free());
 *          UNIKA_EINVAL on NULL arguments; UNIKA_ENAME; UNIKA_ENOMEM.
 *          On failure *out is NULL. */
UNIKA_API UNIKA_NODISCARD int unika_sign_key_generate(unika_sign_key **out, const char *name,
                                                      unika_error *err);

/*! unika_sign_key_save() :
 *  Writes the secret key file (docs/security.md: "unika-sign-secret-key v1",
 *  name, seed, public key) with mode 0600, atomically (temporary file,
 *  fsync, rename, directory fsync): `path` either does not exist or holds
 *  the whole file. Without UNIKA_SIGN_OVERWRITE an existing path is kept.
 *  @return 0; UNIKA_EINVAL (NULL, unknown flags); UNIKA_EEXIST; UNIKA_EIO. */
UNIKA_API UNIKA_NODISCARD int unika_sign_key_save(const unika_sign_key *key, const char *path,
                                                  unsigned flags, unika_error *err);

/*! unika_sign_key_load() :
 *  Reads a secret key file and checks that the public key stored in it is
 *  the one its seed gives, so a damaged file is never used.
 *  By default a file that group or others may access is refused;
 *  UNIKA_SIGN_ALLOW_OPEN_PERMISSIONS accepts it.
 *  @return 0 and *out set; UNIKA_EINVAL; UNIKA_ENOENT; UNIKA_EKEYPERM;
 *          UNIKA_EKEYVERSION (a secret key file of another version);
 *          UNIKA_EKEYFILE (malformed, with the line; or seed and public key
 *          disagree); UNIKA_ENAME; UNIKA_EIO; UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_sign_key_load(unika_sign_key **out, const char *path,
                                                  unsigned flags, unika_error *err);

/*! unika_sign_key_free() : wipes and frees the key; NULL is accepted. */
UNIKA_API void unika_sign_key_free(unika_sign_key *key);

/*! unika_sign_key_name() :
 *  @return the partner name the key signs under, valid until the key is
 *          freed; NULL if key is NULL. */
UNIKA_API const char *unika_sign_key_name(const unika_sign_key *key);

/*! unika_sign_key_public() :
 *  Copies the key's public half and name into *dst.
 *  @return 0; UNIKA_EINVAL on NULL arguments. */
UNIKA_API int unika_sign_key_public(unika_sign_public *dst, const unika_sign_key *key);

/*! unika_sign_public_format() :
 *  Writes the public key file text ("unika-sign-public-key v1", name,
 *  ed25519 hex) into dst, NUL-terminated; *written (may be NULL) gets its
 *  length without the NUL.
 *  @return 0; UNIKA_EINVAL; UNIKA_EBUFFER if dst_capacity is too small
 *          (UNIKA_SIGN_TEXT_MAX always suffices). */
UNIKA_API int unika_sign_public_format(char *dst, size_t dst_capacity, size_t *written,
                                       const unika_sign_public *pub, unika_error *err);

/*! unika_sign_public_parse() :
 *  Parses public key file text. err->line names the offending line.
 *  @return 0; UNIKA_EINVAL; UNIKA_EKEYVERSION; UNIKA_EKEYFILE; UNIKA_ENAME. */
UNIKA_API int unika_sign_public_parse(unika_sign_public *dst, const char *src, size_t src_size,
                                      unika_error *err);

/*! unika_sign_public_save() / unika_sign_public_load() :
 *  The public key file, mode 0644, written atomically like the secret key.
 *  @return as unika_sign_public_format()/_parse(), plus UNIKA_EEXIST,
 *          UNIKA_ENOENT, UNIKA_EIO. */
UNIKA_API int unika_sign_public_save(const unika_sign_public *pub, const char *path,
                                     unsigned flags, unika_error *err);
UNIKA_API int unika_sign_public_load(unika_sign_public *dst, const char *path,
                                     unika_error *err);

/*! unika_signature_create() :
 *  Signs src/src_size as the key's partner: fills *dst with the signer name,
 *  the public key, the BLAKE2b-512 digest of the bytes and the Ed25519
 *  signature of the domain-separated message (see the top of this header).
 *  Deterministic: the same key and bytes give the same signature.
 *  @return 0; UNIKA_EINVAL on NULL arguments; UNIKA_EINTERNAL. */
UNIKA_API UNIKA_NODISCARD int unika_signature_create(unika_signature *dst,
                                                     const unika_sign_key *key,
                                                     const uint8_t *src, size_t src_size,
                                                     unika_error *err);

/*! unika_signature_create_file() :
 *  As unika_signature_create() over the bytes of the file at `path`,
 *  read in a stream (any size).
 *  @return 0; UNIKA_EINVAL; UNIKA_ENOENT; UNIKA_EIO; UNIKA_EINTERNAL. */
UNIKA_API UNIKA_NODISCARD int unika_signature_create_file(unika_signature *dst,
                                                          const unika_sign_key *key,
                                                          const char *path, unika_error *err);

/*! unika_signature_verify() :
 *  Checks that `sig` is `pub`'s signature over src/src_size. The checks run
 *  in this order and the first failure is reported:
 *   1. the signature's signer name equals pub->name, else UNIKA_ESIGNER;
 *   2. the key the signature says it was made with equals pub->key, else
 *      UNIKA_ESIGNKEY (both key ids in the message);
 *   3. BLAKE2b-512 of the bytes equals the signed digest, else
 *      UNIKA_ESIGNATURE "the file changed after it was signed";
 *   4. the Ed25519 signature verifies under pub->key, else UNIKA_ESIGNATURE
 *      "the signature itself was altered".
 *  @return 0 if all hold; the code above otherwise; UNIKA_EINVAL on NULL. */
UNIKA_API UNIKA_NODISCARD int unika_signature_verify(const unika_signature *sig,
                                                     const unika_sign_public *pub,
                                                     const uint8_t *src, size_t src_size,
                                                     unika_error *err);

/*! unika_signature_verify_file() :
 *  As unika_signature_verify() over the bytes of the file at `path`.
 *  @return as unika_signature_verify(), plus UNIKA_ENOENT and UNIKA_EIO. */
UNIKA_API UNIKA_NODISCARD int unika_signature_verify_file(const unika_signature *sig,
                                                          const unika_sign_public *pub,
                                                          const char *path, unika_error *err);

/*! unika_signature_format() / unika_signature_parse() :
 *  The signature file text ("unika-signature v1", signer, algorithm,
 *  public-key, blake2b-512, signature; docs/security.md). Parsing checks
 *  the structure only, never the signature; err->line names the bad line.
 *  @return 0; UNIKA_EINVAL; UNIKA_EBUFFER (format; UNIKA_SIGN_TEXT_MAX
 *          suffices); UNIKA_EVERSION or UNIKA_ESIGFILE (parse); UNIKA_ENAME. */
UNIKA_API int unika_signature_format(char *dst, size_t dst_capacity, size_t *written,
                                     const unika_signature *sig, unika_error *err);
UNIKA_API int unika_signature_parse(unika_signature *dst, const char *src, size_t src_size,
                                    unika_error *err);

/*! unika_signature_save() / unika_signature_load() :
 *  The signature file (mode 0644, atomic write).
 *  @return as _format()/_parse(), plus UNIKA_EEXIST, UNIKA_ENOENT
 *          ("not signed: no signature file"), UNIKA_EIO. */
UNIKA_API int unika_signature_save(const unika_signature *sig, const char *path,
                                   unsigned flags, unika_error *err);
UNIKA_API int unika_signature_load(unika_signature *dst, const char *path, unika_error *err);

/*! unika_signature_path() :
 *  Writes the conventional signature path of `path` ("<path>.sig").
 *  @return 0; UNIKA_EINVAL; UNIKA_EBUFFER if dst_capacity is too small. */
UNIKA_API int unika_signature_path(char *dst, size_t dst_capacity, const char *path);

/*! unika_sign_file() :
 *  Signs the file at `path` and saves the signature at `sig_path`, or at
 *  "<path>.sig" when sig_path is NULL. flags: UNIKA_SIGN_OVERWRITE.
 *  @return as unika_signature_create_file() and unika_signature_save(). */
UNIKA_API UNIKA_NODISCARD int unika_sign_file(const unika_sign_key *key, const char *path,
                                              const char *sig_path, unsigned flags,
                                              unika_error *err);

#ifdef __cplusplus
}
#endif
#endif /* UNIKA_SIGN_H */
