/*
 * unika/key.h - the partnership key: create, derive, save, load, fingerprint.
 *
 * Every partner of a partnership holds the same 32-byte key. Pseudonyms are
 * keyed hashes under it, so without the key nobody can test a guessed name
 * against a pseudonym; with it, the same person gets the same pseudonym at
 * every partner. docs/keys.md specifies every derivation byte by byte.
 *
 *   unika_key *key = NULL;
 *   unika_error err = {0};
 *   if (unika_key_load(&key, "partnership.key", 0, &err) < 0) { report err.message }
 *   char fp[UNIKA_FINGERPRINT_HEX_BYTES];
 *   unika_fingerprint_to_hex(fp, unika_key_fingerprint_ptr(key));  (safe to show)
 *   ...
 *   unika_key_free(key);
 *
 * WARNING: a key's bytes never leave the key object except through
 * unika_key_save(). Only the fingerprint may be shown, logged or shared.
 * Key objects live in sodium_malloc() memory (guard pages, locked in RAM
 * where the system allows, read-only once made) and are wiped when freed.
 */
#ifndef UNIKA_KEY_H
#define UNIKA_KEY_H

#include "common.h"
#include "error.h"

#define UNIKA_KEY_BYTES 32                 /* partnership key */
#define UNIKA_FINGERPRINT_HEX_BYTES (2 * UNIKA_FINGERPRINT_BYTES + 1) /* with NUL */

/* Passphrase derivation (Argon2id v1.3). These numbers are part of the
 * derivation: changing one changes every derived key, so they are fixed. */
#define UNIKA_KEY_PWHASH_OPSLIMIT 3ULL           /* passes over memory */
#define UNIKA_KEY_PWHASH_MEMLIMIT 268435456ULL   /* 256 MiB */
#define UNIKA_KEY_PASSPHRASE_MIN 20  /* bytes; docs/keys.md: >= 80 bits of entropy */
#define UNIKA_KEY_PASSPHRASE_MAX 1024
#define UNIKA_KEY_SALT_MIN 8         /* bytes of partnership salt text */
#define UNIKA_KEY_SALT_MAX 1024

/* Flags for unika_key_save() and unika_key_load(). */
#define UNIKA_KEY_OVERWRITE 1u                 /* save: replace an existing file */
#define UNIKA_KEY_ALLOW_OPEN_PERMISSIONS 2u    /* load: accept group/other access */

#ifdef __cplusplus
extern "C" {
#endif

UNIKA_API size_t unika_key_bytes(void);
UNIKA_API size_t unika_fingerprint_hex_bytes(void);

/*! unika_key_generate() :
 *  Makes a new partnership key of UNIKA_KEY_BYTES random bytes
 *  (randombytes_buf, the system's CSPRNG). unika_init() must have succeeded.
 *  @return 0 and *out set (free with unika_key_free());
 *          UNIKA_EINVAL if out is NULL; UNIKA_ENOMEM. On failure *out is NULL. */
UNIKA_API UNIKA_NODISCARD int unika_key_generate(unika_key **out, unika_error *err);

/*! unika_key_from_bytes() :
 *  Makes a key object from UNIKA_KEY_BYTES raw bytes (for example from a
 *  secrets manager). The caller should wipe its copy afterwards.
 *  @return 0 and *out set; UNIKA_EINVAL if out or bytes is NULL; UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_key_from_bytes(unika_key **out,
                                                   const uint8_t bytes[UNIKA_KEY_BYTES],
                                                   unika_error *err);

/*! unika_key_derive() :
 *  Derives the key from a passphrase shared by the partners and a partnership
 *  salt (a public text naming the partnership, e.g. "stockholm-iop-2017"),
 *  with Argon2id v1.3 at UNIKA_KEY_PWHASH_OPSLIMIT / _MEMLIMIT (docs/keys.md).
 *  Takes about a second and 256 MiB of memory.
 *  WARNING: the key fingerprint is public and lets anyone test passphrase
 *  guesses offline; the passphrase needs at least 80 bits of entropy (for
 *  example 7 random diceware words). Length alone cannot check that.
 *  @return 0 and *out set;
 *          UNIKA_EINVAL on NULL arguments;
 *          UNIKA_EPASSPHRASE if the passphrase is shorter than
 *            UNIKA_KEY_PASSPHRASE_MIN or longer than _MAX bytes, or the salt is
 *            shorter than UNIKA_KEY_SALT_MIN or longer than _MAX bytes;
 *          UNIKA_EKEYDERIVE if Argon2id fails (usually: not enough memory);
 *          UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_key_derive(unika_key **out,
                                               const char *passphrase, size_t passphrase_size,
                                               const char *salt, size_t salt_size,
                                               unika_error *err);

/*! unika_key_save() :
 *  Writes the key file (docs/keys.md: "unika-key v1", key hex, fingerprint
 *  hex) with mode 0600: a temporary file in the same directory is written,
 *  fsync'ed and moved into place, and the directory is fsync'ed, so `path`
 *  either does not exist or holds the complete file, whatever happens.
 *  flags: UNIKA_KEY_OVERWRITE replaces an existing file; without it an
 *  existing `path` is never touched.
 *  @return 0; UNIKA_EINVAL on NULL arguments or unknown flags;
 *          UNIKA_EEXIST if `path` exists and UNIKA_KEY_OVERWRITE is not set;
 *          UNIKA_EIO if the file could not be written (err says which step). */
UNIKA_API UNIKA_NODISCARD int unika_key_save(const unika_key *key, const char *path,
                                             unsigned flags, unika_error *err);

/*! unika_key_load() :
 *  Reads a key file written by unika_key_save() and checks that the stored
 *  fingerprint matches the key, so a damaged file is never used.
 *  flags: UNIKA_KEY_ALLOW_OPEN_PERMISSIONS accepts a file that group or
 *  others may read or write (by default such a file is refused).
 *  @return 0 and *out set;
 *          UNIKA_EINVAL on NULL arguments or unknown flags;
 *          UNIKA_ENOENT if the file does not exist;
 *          UNIKA_EKEYPERM if group or others may read or write it;
 *          UNIKA_EKEYVERSION if it is a key file of another version;
 *          UNIKA_EKEYFILE if it is malformed, truncated or its fingerprint
 *            does not match its key;
 *          UNIKA_EIO, UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_key_load(unika_key **out, const char *path,
                                             unsigned flags, unika_error *err);

/*! unika_key_free() : wipes and frees the key; NULL is accepted. */
UNIKA_API void unika_key_free(unika_key *key);

/*! unika_key_fingerprint() :
 *  Copies the key's fingerprint: the first 16 bytes of keyed BLAKE2b of a
 *  fixed string under the key (docs/keys.md). Safe to show and to share.
 *  @return 0; UNIKA_EINVAL if an argument is NULL. */
UNIKA_API int unika_key_fingerprint(uint8_t dst[UNIKA_FINGERPRINT_BYTES],
                                    const unika_key *key);

/*! unika_key_fingerprint_ptr() :
 *  @return a pointer to the key's UNIKA_FINGERPRINT_BYTES fingerprint, valid
 *          until the key is freed; NULL if key is NULL. */
UNIKA_API const uint8_t *unika_key_fingerprint_ptr(const unika_key *key);

/*! unika_key_equal() :
 *  Compares two keys in constant time (sodium_memcmp).
 *  @return 1 if equal, 0 if not or if either is NULL. */
UNIKA_API int unika_key_equal(const unika_key *a, const unika_key *b);

/*! unika_fingerprint_to_hex() :
 *  Writes 32 lowercase hex digits and a NUL into dst
 *  (UNIKA_FINGERPRINT_HEX_BYTES bytes). */
UNIKA_API void unika_fingerprint_to_hex(char dst[UNIKA_FINGERPRINT_HEX_BYTES],
                                        const uint8_t fp[UNIKA_FINGERPRINT_BYTES]);

/*! unika_fingerprint_from_hex() :
 *  Parses exactly 32 hex digits (either case) from src/src_size.
 *  @return 0; UNIKA_EINVAL on NULL arguments or if src is not 32 hex digits. */
UNIKA_API int unika_fingerprint_from_hex(uint8_t dst[UNIKA_FINGERPRINT_BYTES],
                                         const char *src, size_t src_size,
                                         unika_error *err);

#ifdef __cplusplus
}
#endif
#endif /* UNIKA_KEY_H */
