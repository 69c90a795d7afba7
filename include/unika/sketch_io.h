/*
 * unika/sketch_io.h - what a sketch says about itself, and its file format.
 *
 * A sketch carries, besides its registers:
 *   - labels: UTF-8 key=value pairs such as org=rodakorset, period=2024-H1,
 *     gender=f, kept sorted by key;
 *   - provenance: for a merged sketch, one record per input file with the
 *     file's BLAKE2b-256 digest, that input's labels and its signer's name,
 *     kept sorted, so that an auditor can tell what a figure was made from.
 * Both travel in the sketch file (format v1, docs/format.md), which this
 * header reads and writes. Merging keeps the labels common to both sides and
 * unions the provenance records (unika_sketch_merge, unika/sketch.h).
 *
 * Writing and reading a file:
 *
 *     if (unika_sketch_set_label(s, "org", "rodakorset", &err) < 0) ...;
 *     if (unika_sketch_save(s, "cells/2024-H1.uks", 0, &err) < 0) ...;
 *     ...
 *     unika_sketch *t = NULL;
 *     if (unika_sketch_load(&t, "cells/2024-H1.uks", &err) < 0) ...;   // err names field and byte
 *     if (unika_sketch_check_origin(t, my_key_fp, my_recipe_fp, &err) < 0) ...;
 *
 * A sketch file is pseudonymised personal data for as long as the key exists
 * (docs/format.md, "Privacy"): anyone holding the key can test whether a named
 * person is counted in it. Store and send it accordingly.
 */
#ifndef UNIKA_SKETCH_IO_H
#define UNIKA_SKETCH_IO_H

#include "common.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- bounds (docs/format.md, "Bounds"); each has a function twin ------- */
#define UNIKA_SKETCH_FORMAT_VERSION 2   /* the newest version this library reads and
                                           writes (1 without provenance, 2 with) */
#define UNIKA_LABELS_MAX 64             /* labels per sketch */
#define UNIKA_LABEL_KEY_MAX 64          /* bytes in a label key, at least 1 */
#define UNIKA_LABEL_VALUE_MAX 256       /* bytes in a label value, may be 0 */
#define UNIKA_SOURCES_MAX 4096          /* provenance records of a version 1 file */
#define UNIKA_SOURCE_LABELS_MAX 1024    /* bytes of one record's canonical labels */
#define UNIKA_SIGNER_MAX 64             /* bytes of one record's signer name */
#define UNIKA_DIGEST_BYTES 32           /* BLAKE2b-256 of an input file */

/* Largest possible file of precision p (4..18): header, the most labels and
 * provenance records the format allows, the largest payload (2^p register
 * bytes, or at most 2^p / 4 tokens of 4 bytes: the same), checksum:
 *   header 64; labels 64 * (3 + 64 + 256); records 4096 * (36 + 1024 + 64);
 *   payload 2^p; checksum 8. */
#define UNIKA_SKETCH_BOUND(p)                                                  \
    ((size_t)64 + (size_t)UNIKA_LABELS_MAX * (3 + UNIKA_LABEL_KEY_MAX + UNIKA_LABEL_VALUE_MAX) \
     + (size_t)UNIKA_SOURCES_MAX * (36 + UNIKA_SOURCE_LABELS_MAX + UNIKA_SIGNER_MAX)        \
     + ((size_t)1 << (p)) + 8)
/* No valid sketch file is larger: unika_sketch_load refuses bigger files
 * before reading them. */
#define UNIKA_SKETCH_FILE_MAX UNIKA_SKETCH_BOUND(18)

/*! unika_sketch_bound() : function twin of UNIKA_SKETCH_BOUND(p).
 *  @return the bound, or 0 when p is outside 4..18. */
UNIKA_API size_t unika_sketch_bound(unsigned p);
/*! unika_sketch_file_max() : function twin of UNIKA_SKETCH_FILE_MAX. */
UNIKA_API size_t unika_sketch_file_max(void);
/*! unika_digest_bytes() : function twin of UNIKA_DIGEST_BYTES. */
UNIKA_API size_t unika_digest_bytes(void);

/* ---- labels ----------------------------------------------------------- */

/*! unika_sketch_set_label() :
 *  Sets label `key` to `value`, replacing an earlier value of the same key.
 *  `key`: 1..64 bytes of [a-z0-9_.-]. `value`: 0..256 bytes of valid UTF-8
 *  without control characters (U+0000..U+001F, U+007F), so a label never
 *  breaks a line of a report or of the canonical form below.
 *  @return 0, or
 *          UNIKA_ELABEL  key or value invalid (err->field "label key" or
 *                        "label value", err->position the 1-based byte), or a
 *                        65th distinct key,
 *          UNIKA_EINVAL  s, key or value NULL,
 *          UNIKA_ENOMEM  (the sketch is unchanged).
 *  The sketch copies both strings. */
UNIKA_API UNIKA_NODISCARD int unika_sketch_set_label(unika_sketch *s, const char *key,
                                                     const char *value, unika_error *err);

/*! unika_sketch_get_label() :
 *  @return the value of label `key` (owned by the sketch, valid until the
 *          label is changed or the sketch freed), or NULL if absent. */
UNIKA_API const char *unika_sketch_get_label(const unika_sketch *s, const char *key);

/*! unika_sketch_remove_label() :
 *  @return 0 when removed, UNIKA_ENOENT when absent, UNIKA_EINVAL on NULL. */
UNIKA_API int unika_sketch_remove_label(unika_sketch *s, const char *key, unika_error *err);

/*! unika_sketch_label_count() : @return the number of labels (0 for NULL). */
UNIKA_API size_t unika_sketch_label_count(const unika_sketch *s);

/*! unika_sketch_label_at() :
 *  The i-th label in key order (bytewise). Pointers are owned by the sketch.
 *  @return 0, or UNIKA_ERANGE when i >= count, UNIKA_EINVAL on NULL. */
UNIKA_API int unika_sketch_label_at(const unika_sketch *s, size_t i, const char **key,
                                    const char **value);

/*! unika_sketch_labels_canonical() :
 *  Writes the labels in canonical form: "key=value" per label in key order,
 *  joined by "\n", no trailing newline, NUL-terminated ("" without labels).
 *  This is the form a provenance record stores (unika_sketch_add_source).
 *  `*written` (may be NULL) gets the length without the NUL.
 *  @return 0, or UNIKA_EBUFFER when dst_capacity < length + 1 (`*written`
 *          then holds the length needed), UNIKA_EINVAL on NULL. */
UNIKA_API UNIKA_NODISCARD int unika_sketch_labels_canonical(char *dst, size_t dst_capacity,
                                                            size_t *written,
                                                            const unika_sketch *s,
                                                            unika_error *err);

/* ---- provenance --------------------------------------------------------- */

/*! unika_file_digest() :
 *  BLAKE2b-256 (unkeyed, libsodium crypto_generichash) of a whole file's
 *  bytes: the digest a provenance record stores.
 *  @return 0, or UNIKA_EINVAL when out is NULL or src is NULL with src_size > 0. */
UNIKA_API int unika_file_digest(uint8_t out[UNIKA_DIGEST_BYTES], const uint8_t *src,
                                size_t src_size);

/*! unika_sketch_add_source() :
 *  Records that `s` was made from an input file with BLAKE2b-256 `digest`,
 *  whose labels were `labels` (canonical form, see
 *  unika_sketch_labels_canonical; at most 1024 bytes) and which `signer`
 *  signed ("" or NULL when unsigned; at most 64 bytes of UTF-8 without
 *  control characters). Records are kept sorted by (digest, labels, signer)
 *  and an identical record is stored once, so the order of calls never
 *  changes the file.
 *  @return 0, or
 *          UNIKA_ELABEL  labels not canonical (unsorted, duplicate key,
 *                        invalid key or value, too long; err->position is
 *                        the 1-based byte in `labels`) or signer invalid,
 *          UNIKA_ERANGE  a 4097th record,
 *          UNIKA_EINVAL  s, digest or labels NULL,
 *          UNIKA_ENOMEM  (the sketch is unchanged). */
UNIKA_API UNIKA_NODISCARD int unika_sketch_add_source(unika_sketch *s,
                                                      const uint8_t digest[UNIKA_DIGEST_BYTES],
                                                      const char *labels, const char *signer,
                                                      unika_error *err);

/*! unika_sketch_add_source_of() :
 *  As unika_sketch_add_source, with the labels taken from `input` (the
 *  sketch read from the file whose digest is `digest`), for a merge:
 *
 *      unika_sketch_load_digest(&in, digest, path, &err);
 *      unika_sketch_merge(out, in, &err);
 *      unika_sketch_add_source_of(out, digest, in, signer, &err);
 *
 *  @return as unika_sketch_add_source; UNIKA_ELABEL also when the input's
 *          canonical labels exceed 1024 bytes. */
UNIKA_API UNIKA_NODISCARD int unika_sketch_add_source_of(unika_sketch *s,
                                                         const uint8_t digest[UNIKA_DIGEST_BYTES],
                                                         const unika_sketch *input,
                                                         const char *signer, unika_error *err);

/*! unika_sketch_source_count() :
 *  @return the number of provenance records in memory: all of them, unless
 *          the sketch was read from a version 2 file and its provenance file
 *          is not attached (then 0; unika_sketch_provenance has the count). */
UNIKA_API size_t unika_sketch_source_count(const unika_sketch *s);

/*! unika_sketch_source_at() :
 *  The i-th record in sorted order; each out-pointer may be NULL. Pointers
 *  are owned by the sketch (signer is "" when unsigned).
 *  @return 0, or UNIKA_ERANGE when i >= count, UNIKA_EINVAL when s is NULL. */
UNIKA_API int unika_sketch_source_at(const unika_sketch *s, size_t i, const uint8_t **digest,
                                     const char **labels, const char **signer);

/* ---- provenance commitment and provenance file (docs/format.md §6) ------ */

#define UNIKA_PROVENANCE_FORMAT_VERSION 1
/* A provenance file larger than this is refused before it is read (about
 * 10^6 records of the most labels a cell file has). */
#define UNIKA_PROVENANCE_FILE_MAX ((size_t)1 << 30)

/*! unika_sketch_provenance() :
 *  The commitment a version 2 sketch file stores instead of its records:
 *  their number and Merkle root (BLAKE2b-256, RFC 6962 tree shape,
 *  docs/format.md §6.1). Computed from the records when they are in memory;
 *  for a sketch read from a version 2 file whose provenance file is not
 *  attached, the stored one. `*in_memory` (may be NULL) is 1 when every
 *  record is in memory. Without provenance: count 0, root 32 zero bytes.
 *  @return 0; UNIKA_EPROVENANCE when incomplete (a sketch read from a
 *          merged file was merged in without its provenance file);
 *          UNIKA_ENOMEM; UNIKA_EINVAL. */
UNIKA_API UNIKA_NODISCARD int unika_sketch_provenance(const unika_sketch *s, uint64_t *count,
                                                      uint8_t root[UNIKA_DIGEST_BYTES],
                                                      int *in_memory, unika_error *err);

/*! unika_provenance_serialize() :
 *  Writes the provenance file of `s` (every record, with the commitment;
 *  docs/format.md §6.2): what travels beside a merged sketch. `*written`
 *  (may be NULL) gets the byte count, or on UNIKA_EBUFFER the count needed.
 *  @return 0; UNIKA_EBUFFER; UNIKA_EPROVENANCE when the records are not all
 *          in memory or there is none; UNIKA_ENOMEM; UNIKA_EINVAL. */
UNIKA_API UNIKA_NODISCARD int unika_provenance_serialize(uint8_t *dst, size_t dst_capacity,
                                                         size_t *written, const unika_sketch *s,
                                                         unika_error *err);

/*! unika_sketch_provenance_attach() :
 *  Parses provenance file bytes (every check of docs/format.md §6.2) and
 *  checks them against `s`'s commitment: the count and the Merkle root
 *  recomputed from the records must both match. Then the records are `s`'s,
 *  and `s` can be merged and written again with its provenance. Attaching
 *  to a sketch whose records are in memory checks and changes nothing.
 *  @return 0; UNIKA_EMAGIC, UNIKA_EVERSION, UNIKA_ETRUNCATED, UNIKA_ECHECKSUM,
 *          UNIKA_EFORMAT, UNIKA_ELABEL (a malformed file, field and byte
 *          named); UNIKA_EPROVENANCE (well formed but another sketch's:
 *          "provenance root: expected <hex>, got <hex>", or the count);
 *          UNIKA_ENOMEM; UNIKA_EINVAL. `s` is unchanged on failure. */
UNIKA_API UNIKA_NODISCARD int unika_sketch_provenance_attach(unika_sketch *s,
                                                             const uint8_t *src,
                                                             size_t src_size, unika_error *err);

/*! unika_provenance_save() : unika_provenance_serialize() into `path`,
 *  atomically as unika_sketch_save (flags: UNIKA_SAVE_OVERWRITE). */
UNIKA_API UNIKA_NODISCARD int unika_provenance_save(const unika_sketch *s, const char *path,
                                                    unsigned flags, unika_error *err);

/*! unika_sketch_provenance_load() : reads `path` (at most
 *  UNIKA_PROVENANCE_FILE_MAX bytes) and attaches it; errors name the path. */
UNIKA_API UNIKA_NODISCARD int unika_sketch_provenance_load(unika_sketch *s, const char *path,
                                                           unika_error *err);

/* ---- origin ------------------------------------------------------------- */

/*! unika_sketch_check_origin() :
 *  Checks a (parsed) sketch against the key and recipe fingerprints the
 *  caller expects; either may be NULL to skip it. The file format cannot do
 *  this itself, as a parser does not know which key the caller uses.
 *  @return 0, or
 *          UNIKA_EKEYMISMATCH    "sketch key fingerprint: expected <hex>, got <hex>",
 *          UNIKA_ERECIPEMISMATCH "sketch recipe fingerprint: expected <hex>, got <hex>",
 *          UNIKA_EINVAL          s NULL. */
UNIKA_API UNIKA_NODISCARD int unika_sketch_check_origin(const unika_sketch *s,
                                                        const uint8_t *key_fp,
                                                        const uint8_t *recipe_fp,
                                                        unika_error *err);

/* ---- serialise and parse ------------------------------------------------ */

/*! unika_sketch_serialized_size() :
 *  @return 0 with the exact size of `s`'s file in `*out`, or UNIKA_ERANGE
 *          when the sketch exceeds a bound of the format (more than 4096
 *          provenance records after merges, or more than 2^p/4 sparse tokens),
 *          UNIKA_EINVAL on NULL. */
UNIKA_API UNIKA_NODISCARD int unika_sketch_serialized_size(size_t *out, const unika_sketch *s);

/*! unika_sketch_serialize() :
 *  Writes `s` (format version 1, or 2 with provenance; payload encoding 1)
 *  into dst. Equal sketches give equal bytes.
 *  `*written` (may be NULL) gets the byte count, or on UNIKA_EBUFFER the
 *  count needed (so `unika_sketch_serialize(NULL, 0, &n, s, NULL)` sizes).
 *  @return 0, or UNIKA_EBUFFER when dst_capacity is smaller than
 *          unika_sketch_serialized_size(), UNIKA_ERANGE as that function,
 *          UNIKA_EINVAL on NULL. */
UNIKA_API UNIKA_NODISCARD int unika_sketch_serialize(uint8_t *dst, size_t dst_capacity,
                                                     size_t *written, const unika_sketch *s,
                                                     unika_error *err);

/* Payload encodings (docs/format.md §7): the `encoding` byte of a file. */
#define UNIKA_ENCODING_PLAIN 1   /* dense registers as 2^p bytes; sparse tokens */
#define UNIKA_ENCODING_COMPACT 2 /* dense registers rANS-coded (§7.1): about 2.1 KB
                                    instead of 4 KB at p = 12; sparse stays plain */

/*! unika_sketch_serialize_as() :
 *  As unika_sketch_serialize(), in payload encoding `encoding`:
 *  UNIKA_ENCODING_PLAIN (what unika_sketch_serialize writes) or
 *  UNIKA_ENCODING_COMPACT. With COMPACT a dense sketch's registers are
 *  entropy-coded, losslessly; a sparse sketch, or registers that would not
 *  get shorter, are written in encoding 1 all the same (one file per sketch
 *  and encoding). Equal sketches give equal bytes. The compact size is only
 *  known by encoding, so sizing (`dst` NULL, capacity 0) runs the coder.
 *  @return as unika_sketch_serialize; UNIKA_EINVAL for another encoding. */
UNIKA_API UNIKA_NODISCARD int unika_sketch_serialize_as(uint8_t *dst, size_t dst_capacity,
                                                        size_t *written, const unika_sketch *s,
                                                        unsigned encoding, unika_error *err);

/*! unika_sketch_parse() :
 *  Reads one sketch file, in either payload encoding, from untrusted bytes.
 *  Never reads outside
 *  src[0..src_size) and never allocates more than the format's bounds allow.
 *  On failure err->field names the field and err->position is its byte
 *  offset + 1 in the file.
 *  @return 0 with a new sketch in `*out` (free with unika_sketch_free), or
 *          UNIKA_EMAGIC      not a sketch file,
 *          UNIKA_EVERSION    "expected <= 1, got N",
 *          UNIKA_ETRUNCATED  fewer bytes than the header's total_size says,
 *          UNIKA_ECHECKSUM   XXH64 mismatch,
 *          UNIKA_EPRECISION  p outside 4..18,
 *          UNIKA_ELABEL      a label or provenance record invalid,
 *          UNIKA_EFORMAT     anything else malformed (reserved bits, kind,
 *                            lengths, order of tokens/labels/records,
 *                            trailing bytes),
 *          UNIKA_EINVAL, UNIKA_ENOMEM. `*out` is untouched on failure. */
UNIKA_API UNIKA_NODISCARD int unika_sketch_parse(unika_sketch **out, const uint8_t *src,
                                                 size_t src_size, unika_error *err);

/* ---- files --------------------------------------------------------------- */

#define UNIKA_SAVE_OVERWRITE 1u /* replace an existing file */
#define UNIKA_SAVE_COMPACT 2u   /* payload encoding 2 (unika_sketch_serialize_as) */

/*! unika_sketch_save() :
 *  Writes `s` to `path` atomically: a temporary file in the same directory
 *  (mode 0644: a sketch is not secret, but see the note at the top), fsync,
 *  then link (or rename with UNIKA_SAVE_OVERWRITE) into place and fsync the
 *  directory. With UNIKA_SAVE_COMPACT the payload is encoding 2. A reader never sees a partial file and a failure leaves no
 *  temporary file behind.
 *  @return 0, or UNIKA_EEXIST (path exists and flags lack
 *          UNIKA_SAVE_OVERWRITE, or path is not a regular file: a device,
 *          FIFO, directory or symbolic link is never replaced), UNIKA_EIO (message names the step and the
 *          system error), UNIKA_ERANGE, UNIKA_EINVAL, UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_sketch_save(const unika_sketch *s, const char *path,
                                                unsigned flags, unika_error *err);

/*! unika_sketch_load() :
 *  Reads and parses a sketch file. Files larger than UNIKA_SKETCH_FILE_MAX
 *  are refused (UNIKA_EFORMAT) before they are read.
 *  @return as unika_sketch_parse, plus UNIKA_ENOENT (no such file) and
 *          UNIKA_EIO. */
UNIKA_API UNIKA_NODISCARD int unika_sketch_load(unika_sketch **out, const char *path,
                                                unika_error *err);

/* What a sketch file's fixed header says (docs/format.md, section 4), for
 * tools that show it (`unika inspect`), with the file's size and digest:
 * read through the library, so no caller decodes header bytes itself. */
typedef struct unika_sketch_file {
    size_t size;                          /* bytes */
    uint8_t digest[UNIKA_DIGEST_BYTES];   /* BLAKE2b-256 of those bytes */
    unsigned format_version;              /* `version` */
    unsigned kind;                        /* 1 sparse, 2 dense */
    unsigned encoding;                    /* 1 plain, 2 compact (UNIKA_ENCODING_*) */
    uint32_t payload_count;               /* tokens (sparse) or registers (dense) */
    size_t payload_bytes;                 /* the payload's bytes: 4 per token, 1 per
                                             register, or the compact stream (§7.1) */
} unika_sketch_file;

/*! unika_sketch_file_info() :
 *  The fixed header fields of sketch file bytes that unika_sketch_parse()
 *  accepted, with their size and digest.
 *  @return 0; UNIKA_EINVAL (NULL, or fewer bytes than a header). */
UNIKA_API int unika_sketch_file_info(unika_sketch_file *info, const uint8_t *src,
                                     size_t src_size, unika_error *err);

/*! unika_sketch_load_file() :
 *  As unika_sketch_load(), also filling `info` (may be NULL) from the same
 *  read. Messages start with the path ("<path>: ...").
 *  @return as unika_sketch_load. */
UNIKA_API UNIKA_NODISCARD int unika_sketch_load_file(unika_sketch **out, unika_sketch_file *info,
                                                     const char *path, unika_error *err);

/*! unika_sketch_load_digest() :
 *  As unika_sketch_load, also giving the BLAKE2b-256 digest of the file's
 *  bytes (`digest` may be NULL), computed from the same read, so the digest
 *  a provenance record stores is that of exactly the bytes parsed.
 *  @return as unika_sketch_load. */
UNIKA_API UNIKA_NODISCARD int unika_sketch_load_digest(unika_sketch **out,
                                                       uint8_t digest[UNIKA_DIGEST_BYTES],
                                                       const char *path, unika_error *err);

#ifdef __cplusplus
}
#endif
#endif /* UNIKA_SKETCH_IO_H */
