/*
 * unika/manifest.h - a partner's signed manifest of a delivery: the
 * complete set of files it signed for a period, with a sequence number.
 *
 * A signature proves who made a file, not that it is the current one, nor
 * that none of the partner's files is missing: a superseded file still
 * verifies, and an aggregator could leave a file out of a report (and give
 * the auditor the same short set). So with each delivery the partner signs
 * a manifest (docs/security.md, "Manifests"):
 *
 *   unika-manifest v1
 *   signer: rodakorset
 *   period: 2019                    (the delivery's period: all, YYYY, YYYYH1, YYYY-MM)
 *   recipe: 938c23d0...             (the files' recipe fingerprint, 32 hex digits)
 *   sequence: 2                     (a correction is delivered with a higher one)
 *   file: <64 hex> 2019H1 rodakorset_2019H1_gender-F.uks
 *   file: <64 hex> 2019H2 rodakorset_2019H2_gender-F.uks
 *
 * and MANIFEST.sig beside it. Each `file:` line is a file's BLAKE2b-256
 * digest, its period label and its name; lines are sorted by digest, each
 * digest once. One manifest covers one recipe: a partner that ingests with
 * two recipes signs two. `unika verify` then checks, per partner, period
 * and recipe, that the files it is given are exactly those of the latest
 * manifest (audit/manifests.c).
 */
#ifndef UNIKA_MANIFEST_H
#define UNIKA_MANIFEST_H

#include "common.h"
#include "error.h"
#include "roster.h"
#include "sign.h"

#define UNIKA_MANIFEST_MAX_FILES 65536
#define UNIKA_MANIFEST_PERIOD_MAX 15  /* bytes of a period label */
#define UNIKA_MANIFEST_NAME_MAX 255   /* bytes of a file name */
#define UNIKA_MANIFEST_MAX_BYTES (UNIKA_MANIFEST_MAX_FILES * 360 + 1024)

#ifdef __cplusplus
extern "C" {
#endif

typedef struct unika_manifest unika_manifest;

typedef struct unika_manifest_file {
    uint8_t digest[32];                          /* BLAKE2b-256 of the file */
    char period[UNIKA_MANIFEST_PERIOD_MAX + 1];  /* its period label */
    char name[UNIKA_MANIFEST_NAME_MAX + 1];      /* its file name (no directory) */
} unika_manifest_file;

/*! unika_manifest_new() :
 *  An empty manifest of `signer` (a signer name) for `period` (1 to 15
 *  bytes of ASCII letters, digits and '-') and the recipe with fingerprint
 *  `recipe_fp`, sequence 1 to 2^53.
 *  @return 0 and *out set; UNIKA_EINVAL; UNIKA_ENAME; UNIKA_EMANIFEST (a
 *          bad period or sequence); UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_manifest_new(unika_manifest **out, const char *signer,
                                                 const char *period,
                                                 const uint8_t recipe_fp[UNIKA_FINGERPRINT_BYTES],
                                                 uint64_t sequence, unika_error *err);

/*! unika_manifest_add() :
 *  Lists a file: its digest, period label (as for the manifest's period)
 *  and name (1 to 255 bytes of UTF-8 without spaces, control characters or
 *  '/'). Files are kept sorted by digest.
 *  @return 0; UNIKA_EINVAL; UNIKA_EMANIFEST (a bad period or name, the same
 *          digest twice, more than UNIKA_MANIFEST_MAX_FILES); UNIKA_ENOMEM. */
UNIKA_API int unika_manifest_add(unika_manifest *m, const uint8_t digest[32],
                                 const char *period, const char *name, unika_error *err);

/*! unika_manifest_parse() :
 *  Parses manifest text (the canonical form only: header, signer, period,
 *  sequence, then file lines in digest order). err->line names the line.
 *  @return 0 and *out set; UNIKA_EINVAL; UNIKA_EVERSION; UNIKA_EMANIFEST;
 *          UNIKA_ENAME; UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_manifest_parse(unika_manifest **out, const char *src,
                                                   size_t src_size, unika_error *err);

/*! unika_manifest_format() :
 *  The canonical text into dst, NUL-terminated; *written (may be NULL)
 *  gets its length. Parsing it gives the same manifest.
 *  unika_manifest_text_bytes() is a capacity that always suffices.
 *  @return 0; UNIKA_EINVAL; UNIKA_EBUFFER. */
UNIKA_API int unika_manifest_format(char *dst, size_t dst_capacity, size_t *written,
                                    const unika_manifest *m, unika_error *err);
UNIKA_API size_t unika_manifest_text_bytes(const unika_manifest *m);

/*! unika_manifest_save() :
 *  Writes the manifest (0644) and, signed with `key` (whose name must be
 *  the manifest's signer), "<path>.sig"; both or neither.
 *  flags: UNIKA_SIGN_OVERWRITE.
 *  @return 0; UNIKA_EINVAL; UNIKA_EEXIST; UNIKA_EIO; UNIKA_ENOMEM. */
UNIKA_API int unika_manifest_save(const unika_manifest *m, const char *path,
                                  const unika_sign_key *key, unsigned flags, unika_error *err);

/*! unika_manifest_load() :
 *  Reads the manifest at `path` and accepts it only if "<path>.sig" is the
 *  signature of its signer, on the roster. Messages name the path.
 *  @return 0 and *out set; as unika_manifest_parse(), plus UNIKA_ENOENT,
 *          UNIKA_EIO, and the codes of unika_roster_verify(); UNIKA_ESIGNER
 *          when the signature's signer is not the manifest's. */
UNIKA_API UNIKA_NODISCARD int unika_manifest_load(unika_manifest **out, const char *path,
                                                  const unika_roster *roster, unika_error *err);

/*! unika_manifest_free() : NULL is accepted. */
UNIKA_API void unika_manifest_free(unika_manifest *m);

UNIKA_API const char *unika_manifest_signer(const unika_manifest *m);
UNIKA_API const char *unika_manifest_period(const unika_manifest *m);
UNIKA_API const uint8_t *unika_manifest_recipe(const unika_manifest *m); /* 16 bytes */
UNIKA_API uint64_t unika_manifest_sequence(const unika_manifest *m);
UNIKA_API size_t unika_manifest_count(const unika_manifest *m);
/*! unika_manifest_file_at() : the i-th file in digest order, NULL past the end. */
UNIKA_API const unika_manifest_file *unika_manifest_file_at(const unika_manifest *m, size_t i);
/*! unika_manifest_find() : the file with this digest, or NULL. */
UNIKA_API const unika_manifest_file *unika_manifest_find(const unika_manifest *m,
                                                         const uint8_t digest[32]);

#ifdef __cplusplus
}
#endif
#endif /* UNIKA_MANIFEST_H */
