/*
 * unika/roster.h - the partnership roster: who may sign, for which
 * organisations, under which key; itself signed by the partnership's
 * coordinator.
 *
 * A roster is a small text file the partners agree on and every party
 * keeps a copy of (docs/security.md, "Roster"):
 *
 *   unika-roster v2
 *   # Stockholm IOP 2017-2024
 *   serial: 3                                     (a newer roster has a larger serial)
 *   partnership-key: 3f0c...                      (32 hex digits)
 *   coordinator: steering ed25519:77b0...         (64 hex digits; signs the roster)
 *   partner: raddabarnen ed25519:8a1f...          (signs for org raddabarnen)
 *   partner: stadsmissionen ed25519:03a1... orgs=stadsmissionen,uppsok
 *   linker: linker ed25519:77c0... orgs=raddabarnen,stadsmissionen,uppsok
 *                                                 (optional, at most one)
 *   aggregator: analyst x25519:5b2e...            (optional, at most one)
 *
 * and ROSTER.sig, the coordinator's signature over it (unika/sign.h).
 * Whoever hands a roster over is not trusted: it is loaded only against the
 * fingerprint of the coordinator's key, which every partner and auditor
 * pins (received once, out of band). A roster that is unsigned, changed
 * after signing or signed by another key is refused.
 *
 * Each signing-key line has a role (the line's keyword: `partner` or
 * `linker`; see ROLES in roster.c) and the organisations it may sign for
 * (`orgs=`, by default a partner's own name; the linker's always listed:
 * it signs the cells of a resolution, labelled with the partners'
 * organisations, with its own key). Verifying a signed file says which key
 * signed it, or exactly why not; unika_roster_authorize() then says
 * whether that key may speak for the organisations the file is labelled
 * with.
 *
 *   unika_roster *r = NULL;
 *   if (unika_roster_load(&r, "partnership.roster", pinned_fp, &err) < 0) report err
 *   const unika_sign_public *who = NULL;
 *   if (unika_roster_verify_file(&who, r, "cell.uks", NULL, &err) == 0 &&
 *       unika_roster_authorize_sketch(r, who, sketch, &err) == 0)
 *       printf("signed by %s, who may sign for it\n", who->name);
 *   unika_roster_free(r);
 */
#ifndef UNIKA_ROSTER_H
#define UNIKA_ROSTER_H

#include "common.h"
#include "error.h"
#include "sign.h"
#include "sketch.h"

#define UNIKA_ROSTER_MAX_PARTNERS 256     /* bound on signing-key lines */
#define UNIKA_ROSTER_MAX_ORGS 64          /* organisations one key may sign for */
#define UNIKA_ROSTER_MAX_BYTES 65536      /* bound on the file */
#define UNIKA_BOX_PUBLIC_KEY_BYTES 32     /* X25519 public key (also in seal.h) */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct unika_roster unika_roster;

/*! unika_roster_new() :
 *  An empty roster (serial 1) for the partnership key with fingerprint
 *  `key_fp`, to be filled with unika_roster_set_coordinator() and
 *  unika_roster_add_signer() / _add_partner(), and written with _save().
 *  @return 0 and *out set; UNIKA_EINVAL; UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_roster_new(unika_roster **out,
                                               const uint8_t key_fp[UNIKA_FINGERPRINT_BYTES],
                                               unika_error *err);

/*! unika_roster_set_serial() : the roster's serial number, 1 to 2^53.
 *  @return 0; UNIKA_EINVAL; UNIKA_ERANGE. */
UNIKA_API int unika_roster_set_serial(unika_roster *roster, uint64_t serial, unika_error *err);
UNIKA_API uint64_t unika_roster_serial(const unika_roster *roster);

/*! unika_roster_set_coordinator() :
 *  The coordinator: the one key whose signature makes the roster valid.
 *  Its name must differ from every signer's, its key from every key.
 *  @return 0; UNIKA_EINVAL; UNIKA_ENAME; UNIKA_EROSTER (name or key taken). */
UNIKA_API int unika_roster_set_coordinator(unika_roster *roster, const unika_sign_public *pub,
                                           unika_error *err);
/*! unika_roster_coordinator() : the coordinator, or NULL when none is set. */
UNIKA_API const unika_sign_public *unika_roster_coordinator(const unika_roster *roster);

/*! unika_roster_add_signer() :
 *  Adds a signing key with a role ("partner") and the organisations it may
 *  sign for: `orgs` is a comma-separated list of organisation names (each
 *  as a signer name, unika_signer_name_check()), or NULL for the role's
 *  default (a partner signs for the organisation of its own name).
 *  @return 0; UNIKA_EINVAL; UNIKA_ENAME; UNIKA_EROSTER (an unknown role,
 *          an empty or repeated organisation, more than
 *          UNIKA_ROSTER_MAX_ORGS, a name or key already on the roster, or
 *          the roster full). */
UNIKA_API int unika_roster_add_signer(unika_roster *roster, const char *role,
                                      const unika_sign_public *pub, const char *orgs,
                                      unika_error *err);

/*! unika_roster_add_partner() : unika_roster_add_signer(roster, "partner", pub, NULL). */
UNIKA_API int unika_roster_add_partner(unika_roster *roster, const unika_sign_public *pub,
                                       unika_error *err);

/*! unika_roster_set_aggregator() :
 *  Names the aggregator and its sealing public key (replacing any before).
 *  @return 0; UNIKA_EINVAL; UNIKA_ENAME. */
UNIKA_API int unika_roster_set_aggregator(unika_roster *roster, const char *name,
                                          const uint8_t key[UNIKA_BOX_PUBLIC_KEY_BYTES],
                                          unika_error *err);

/*! unika_roster_set_linker() :
 *  Adds the linker (`unika link`) with its signing public key, signing for
 *  every organisation the partners added so far sign for (add them first).
 *  Same as unika_roster_add_signer(roster, "linker", pub, ORGS, err).
 *  @return 0; UNIKA_EINVAL; UNIKA_ENAME; UNIKA_EROSTER (no partner yet, a
 *          second linker, a name or key already on the roster). */
UNIKA_API int unika_roster_set_linker(unika_roster *roster, const unika_sign_public *pub,
                                      unika_error *err);

/*! unika_roster_linker() : the linker's entry, or NULL when the roster
 *  names none (or roster is NULL). Signatures by it verify through
 *  unika_roster_verify() like a partner's. */
UNIKA_API const unika_sign_public *unika_roster_linker(const unika_roster *roster);

/*! unika_roster_parse() :
 *  Parses roster text; it says nothing about who made it (that is
 *  unika_roster_load()'s check). Blank lines and lines starting with '#'
 *  are ignored; the first other line must be "unika-roster v2"; exactly
 *  one "serial:", "partnership-key:" and "coordinator:" line; at least one
 *  signing key; names and keys unique. On failure err->line is the 1-based
 *  line at fault (0 for "missing").
 *  @return 0 and *out set; UNIKA_EINVAL; UNIKA_EVERSION (another version:
 *          the unsigned v1 rosters are no longer read);
 *          UNIKA_EROSTER (malformed, duplicate, missing or too many);
 *          UNIKA_ENAME (a bad name, with its line); UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_roster_parse(unika_roster **out, const char *src,
                                                 size_t src_size, unika_error *err);

/*! unika_roster_load() :
 *  Reads the roster at `path` and its signature "<path>.sig", and accepts
 *  the roster only if the signature is the coordinator's (the
 *  "coordinator:" line) over exactly these bytes, and the coordinator's key
 *  has the fingerprint `coordinator_fp` that the caller pinned
 *  (unika_sign_public_fingerprint()). Messages name the path.
 *  @return as unika_roster_parse(), plus UNIKA_ENOENT, UNIKA_EIO;
 *          UNIKA_ECOORDINATOR (not signed, signed by another key than the
 *            roster's coordinator, or a coordinator other than the pinned
 *            one: both fingerprints named);
 *          UNIKA_ESIGNATURE (the roster changed after it was signed, or the
 *            signature was altered). */
UNIKA_API UNIKA_NODISCARD int unika_roster_load(unika_roster **out, const char *path,
                                                const uint8_t coordinator_fp[UNIKA_FINGERPRINT_BYTES],
                                                unika_error *err);

/*! unika_roster_format() :
 *  Writes the roster's canonical text (header, serial, partnership key,
 *  coordinator, signing keys in the order added — partners, then the
 *  linker —, aggregator) into dst, NUL-terminated; *written (may be NULL)
 *  gets its length. Parsing the text gives the same roster.
 *  @return 0; UNIKA_EINVAL (no coordinator); UNIKA_EBUFFER
 *          (UNIKA_ROSTER_MAX_BYTES suffices). */
UNIKA_API int unika_roster_format(char *dst, size_t dst_capacity, size_t *written,
                                  const unika_roster *roster, unika_error *err);

/*! unika_roster_save() :
 *  The canonical text, atomically, mode 0644, and with `coordinator` (the
 *  secret key of the roster's coordinator) its signature "<path>.sig":
 *  both written or neither. flags: UNIKA_SIGN_OVERWRITE.
 *  @return 0; UNIKA_EINVAL (also a key that is not the coordinator's);
 *          UNIKA_EEXIST; UNIKA_EIO. */
UNIKA_API int unika_roster_save(const unika_roster *roster, const char *path,
                                const unika_sign_key *coordinator, unsigned flags,
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
 *  The signing keys (every role but the coordinator) in file order. _at
 *  returns NULL when i is out of range. */
UNIKA_API size_t unika_roster_partner_count(const unika_roster *roster);
UNIKA_API const unika_sign_public *unika_roster_partner_at(const unika_roster *roster,
                                                           size_t i);

/*! unika_roster_signer_role() / unika_roster_signer_orgs() :
 *  The role ("partner") and the organisations (comma-separated, in the
 *  roster's order) of the i-th signing key; NULL when i is out of range. */
UNIKA_API const char *unika_roster_signer_role(const unika_roster *roster, size_t i);
UNIKA_API const char *unika_roster_signer_orgs(const unika_roster *roster, size_t i);

/*! unika_roster_find() :
 *  @return the signing key named `name`, or NULL when none (or NULL arguments). */
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
 *  (may be NULL) points to the roster entry that signed. It says who signed,
 *  not for whom they may sign: see unika_roster_authorize().
 *  @return 0;
 *          UNIKA_ESIGNER if the signature's signer is not on the roster;
 *          UNIKA_ESIGNKEY if it was made with another key than the roster's
 *            for that signer (key ids of both in the message);
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

/*! unika_roster_verify_read() :
 *  As unika_roster_verify_file(), over src[0..src_size), the bytes of `path`
 *  the caller has read already (same checks, same messages): the signature
 *  then covers the very bytes the caller parses, and the file is not read
 *  a second time (an audit of 10^5 files reads each once).
 *  @return as unika_roster_verify_file(). */
UNIKA_API UNIKA_NODISCARD int unika_roster_verify_read(const unika_sign_public **signer,
                                                       const unika_roster *roster,
                                                       const char *path, const char *sig_path,
                                                       const uint8_t *src, size_t src_size,
                                                       unika_error *err);

/*! unika_roster_authorize() :
 *  Checks that `signer` (an entry of this roster) may sign for every one of
 *  the n organisations `orgs` (a file's `org` labels). A file that names no
 *  organisation (n == 0) cannot be vouched for and is refused.
 *  @return 0; UNIKA_EINVAL; UNIKA_ESIGNER (signer not on the roster);
 *          UNIKA_ESIGNSCOPE naming the signer, the organisation and the
 *            organisations it may sign for. */
UNIKA_API int unika_roster_authorize(const unika_roster *roster, const unika_sign_public *signer,
                                     const char *const *orgs, size_t n, unika_error *err);

/*! unika_roster_authorize_sketch() :
 *  unika_roster_authorize() over the organisations a sketch speaks for: its
 *  `org` label and the `org` label of every provenance record (a merge
 *  carries its inputs' labels), each once.
 *  @return as unika_roster_authorize(). */
UNIKA_API int unika_roster_authorize_sketch(const unika_roster *roster,
                                            const unika_sign_public *signer,
                                            const unika_sketch *sketch, unika_error *err);

#ifdef __cplusplus
}
#endif
#endif /* UNIKA_ROSTER_H */
