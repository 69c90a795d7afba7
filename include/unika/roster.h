/*
 * unika/roster.h - the partnership roster: who may sign, under which key.
 *
 * A roster is a small text file the partners agree on and every party
 * keeps a copy of. It names the partnership key (by fingerprint only), each
 * partner with its Ed25519 public key, and optionally the aggregator with
 * its sealing (X25519) public key (docs/security.md, "Roster"):
 *
 *   unika-roster v1
 *   # Stockholm IOP 2017-2024
 *   partnership-key: 3f0c...                      (32 hex digits)
 *   partner: raddabarnen ed25519:8a1f...          (64 hex digits)
 *   partner: rodakorset ed25519:03a1...
 *   linker: linker ed25519:77c0...                (optional, at most one)
 *   aggregator: analyst x25519:5b2e...            (optional, at most one)
 *
 * The linker (`unika link`) signs the cells and the manifest of a
 * resolution with its own Ed25519 key; its name is no partner's, so a file
 * it signed verifies as the linker's, never as a partner's.
 *
 * Verifying a signed file against the roster says which partner signed it,
 * or exactly why not: the signer is not on the roster, the signature was
 * made with a key other than the roster's for that partner, the file
 * changed after signing, or the signature itself was altered.
 *
 *   unika_roster *r = NULL;
 *   if (unika_roster_load(&r, "partnership.roster", &err) < 0) report err (with err.line)
 *   const unika_sign_public *who = NULL;
 *   if (unika_roster_verify_file(&who, r, "cell.uks", NULL, &err) == 0)
 *       printf("signed by %s\n", who->name);
 *   unika_roster_free(r);
 */
#ifndef UNIKA_ROSTER_H
#define UNIKA_ROSTER_H

#include "common.h"
#include "error.h"
#include "sign.h"

#define UNIKA_ROSTER_MAX_PARTNERS 256     /* bound on partner lines */
#define UNIKA_ROSTER_MAX_BYTES 65536      /* bound on the file */
#define UNIKA_BOX_PUBLIC_KEY_BYTES 32     /* X25519 public key (also in seal.h) */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct unika_roster unika_roster;

/*! unika_roster_new() :
 *  An empty roster for the partnership key with fingerprint `key_fp`, to be
 *  filled with unika_roster_add_partner() and written with _save().
 *  @return 0 and *out set; UNIKA_EINVAL; UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_roster_new(unika_roster **out,
                                               const uint8_t key_fp[UNIKA_FINGERPRINT_BYTES],
                                               unika_error *err);

/*! unika_roster_add_partner() :
 *  Adds a partner (name and public key, copied).
 *  @return 0; UNIKA_EINVAL; UNIKA_ENAME; UNIKA_EROSTER if the name or the
 *          key is already on the roster, or the roster is full. */
UNIKA_API int unika_roster_add_partner(unika_roster *roster, const unika_sign_public *pub,
                                       unika_error *err);

/*! unika_roster_set_aggregator() :
 *  Names the aggregator and its sealing public key (replacing any before).
 *  @return 0; UNIKA_EINVAL; UNIKA_ENAME. */
UNIKA_API int unika_roster_set_aggregator(unika_roster *roster, const char *name,
                                          const uint8_t key[UNIKA_BOX_PUBLIC_KEY_BYTES],
                                          unika_error *err);

/*! unika_roster_set_linker() :
 *  Names the linker and its signing public key (replacing any before).
 *  @return 0; UNIKA_EINVAL; UNIKA_ENAME; UNIKA_EROSTER (a partner's name or
 *          key). */
UNIKA_API int unika_roster_set_linker(unika_roster *roster, const unika_sign_public *pub,
                                      unika_error *err);

/*! unika_roster_linker() : the linker's entry, or NULL when the roster
 *  names none (or roster is NULL). Signatures by it verify through
 *  unika_roster_verify() like a partner's. */
UNIKA_API const unika_sign_public *unika_roster_linker(const unika_roster *roster);

/*! unika_roster_parse() :
 *  Parses roster text. Blank lines and lines starting with '#' are ignored;
 *  the first other line must be "unika-roster v1"; exactly one
 *  "partnership-key:" line; at least one partner; names and keys unique.
 *  On failure err->line is the 1-based line at fault (0 for "missing").
 *  @return 0 and *out set; UNIKA_EINVAL; UNIKA_EVERSION (another version);
 *          UNIKA_EROSTER (malformed, duplicate, missing or too many);
 *          UNIKA_ENAME (bad partner name, with its line); UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_roster_parse(unika_roster **out, const char *src,
                                                 size_t src_size, unika_error *err);

/*! unika_roster_load() :
 *  Reads and parses the roster file at `path` (messages name the path).
 *  @return as unika_roster_parse(), plus UNIKA_ENOENT and UNIKA_EIO. */
UNIKA_API UNIKA_NODISCARD int unika_roster_load(unika_roster **out, const char *path,
                                                unika_error *err);

/*! unika_roster_format() :
 *  Writes the roster's canonical text (header, partnership key, partners
 *  in the order added, linker, aggregator) into dst, NUL-terminated; *written (may
 *  be NULL) gets its length. Parsing the text gives the same roster.
 *  @return 0; UNIKA_EINVAL; UNIKA_EBUFFER (UNIKA_ROSTER_MAX_BYTES suffices). */
UNIKA_API int unika_roster_format(char *dst, size_t dst_capacity, size_t *written,
                                  const unika_roster *roster, unika_error *err);

/*! unika_roster_save() : the canonical text, atomically, mode 0644.
 *  flags: UNIKA_SIGN_OVERWRITE. @return 0; UNIKA_EINVAL; UNIKA_EEXIST; UNIKA_EIO. */
UNIKA_API int unika_roster_save(const unika_roster *roster, const char *path, unsigned flags,
                                unika_error *err);

/*! unika_roster_free() : NULL is accepted. */
UNIKA_API void unika_roster_free(unika_roster *roster);

/*! unika_roster_key_fingerprint() :
 *  @return the partnership key fingerprint (UNIKA_FINGERPRINT_BYTES), valid
 *          while the roster lives; NULL if roster is NULL. */
UNIKA_API const uint8_t *unika_roster_key_fingerprint(const unika_roster *roster);

/*! unika_roster_check_key_fingerprint() :
 *  Checks that `key_fp` (say, of a sketch) is the roster's partnership key.
 *  @return 0; UNIKA_EINVAL; UNIKA_EKEYMISMATCH naming both fingerprints. */
UNIKA_API int unika_roster_check_key_fingerprint(const unika_roster *roster,
                                                 const uint8_t key_fp[UNIKA_FINGERPRINT_BYTES],
                                                 unika_error *err);

/*! unika_roster_partner_count() / unika_roster_partner_at() :
 *  Partners in file order. _at returns NULL when i is out of range. */
UNIKA_API size_t unika_roster_partner_count(const unika_roster *roster);
UNIKA_API const unika_sign_public *unika_roster_partner_at(const unika_roster *roster,
                                                           size_t i);

/*! unika_roster_find() :
 *  @return the partner named `name`, or NULL when none (or NULL arguments). */
UNIKA_API const unika_sign_public *unika_roster_find(const unika_roster *roster,
                                                     const char *name);

/*! unika_roster_aggregator() :
 *  Copies the aggregator's sealing public key into key_dst and returns its
 *  name through *name_out (valid while the roster lives); either output may
 *  be NULL. @return 0; UNIKA_EINVAL; UNIKA_ENOENT if the roster names none. */
UNIKA_API int unika_roster_aggregator(const char **name_out,
                                      uint8_t key_dst[UNIKA_BOX_PUBLIC_KEY_BYTES],
                                      const unika_roster *roster, unika_error *err);

/*! unika_roster_verify() :
 *  Verifies `sig` over src/src_size against the roster. On success *signer
 *  (may be NULL) points to the roster entry that signed.
 *  @return 0;
 *          UNIKA_ESIGNER if the signature's signer is not on the roster;
 *          UNIKA_ESIGNKEY if it was made with another key than the roster's
 *            for that partner (key ids of both in the message);
 *          UNIKA_ESIGNATURE if the bytes changed after signing, or the
 *            signature was altered;
 *          UNIKA_EINVAL on NULL arguments. */
UNIKA_API UNIKA_NODISCARD int unika_roster_verify(const unika_sign_public **signer,
                                                  const unika_roster *roster,
                                                  const unika_signature *sig,
                                                  const uint8_t *src, size_t src_size,
                                                  unika_error *err);

/*! unika_roster_verify_file() :
 *  Loads the signature at sig_path (or "<path>.sig" when NULL) and verifies
 *  the file at `path` against the roster; messages name the file.
 *  @return as unika_roster_verify(), plus UNIKA_ENOENT (file or signature
 *          missing: "not signed"), UNIKA_ESIGFILE, UNIKA_EVERSION, UNIKA_EIO. */
UNIKA_API UNIKA_NODISCARD int unika_roster_verify_file(const unika_sign_public **signer,
                                                       const unika_roster *roster,
                                                       const char *path, const char *sig_path,
                                                       unika_error *err);

#ifdef __cplusplus
}
#endif
#endif /* UNIKA_ROSTER_H */
