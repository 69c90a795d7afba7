/*
 * unika/matchkey_file.h - the match-key file (.umk): what a partner sends
 * the linker, written once, read profile by profile.
 *
 * A partner's rows become PROFILES: one per distinct (gender, match keys,
 * birth flags) seen at the partner, with its VISITS: per visit month and
 * --by cell values, how many rows. The linker resolves profiles into
 * persons and rolls months up to the reporting period; it needs no name,
 * no date and no key. docs/matchkeys.md specifies the bytes.
 *
 * Writing (a partner):
 *
 *   unika_mkfile_options o = {0};
 *   o.org = "rodakorset"; o.period = UNIKA_MK_PERIOD_HALF_YEAR;
 *   o.by_count = 1; o.by[0] = "age_group"; o.age_bands = "0-17,18-20,21-24,25-";
 *   unika_mkwriter *w; unika_mkwriter_new(&w, unika_key_fingerprint_ptr(key), &o, &err);
 *   for each row:
 *       unika_matchkeys_derive(&mk, key, &in, &err);
 *       unika_mkvisit v = {2024, 3, {"18-20"}, 1};
 *       unika_mkwriter_add(w, &mk, &v, &err);
 *   unika_mkwriter_save(w, "rodakorset.umk", 0, &err);   // atomic
 *   unika_mkwriter_free(w);
 *
 * Reading (the linker), streaming: memory does not grow with the file.
 *
 *   unika_mkreader *r; unika_mkreader_open(&r, "rodakorset.umk", &err);
 *   const unika_mkfile_header *h = unika_mkreader_header(r);   // org, key_fp, ...
 *   unika_mkprofile p;
 *   while ((rc = unika_mkreader_next(r, &p, &err)) == 1) {
 *       for (size_t i = 0; i < p.key_count; i++) {
 *           unika_matchkey k; unika_mkprofile_key(&p, i, &k); ...
 *       }
 *       for (size_t i = 0; i < p.visit_count; i++) {
 *           unika_mkvisit v; unika_mkprofile_visit(r, &p, i, &v); ...
 *       }
 *   }
 *   if (rc < 0) ... err names the field and byte;   rc == 0: the end, checksum good
 *   unika_mkreader_free(r);
 *
 * The whole file's checksum is verified when it is opened, before the
 * first profile is returned, and again as the profiles are read (the file
 * could change in between): a damaged file is refused before anything of
 * it is used. Every field is checked as it is read.
 */
#ifndef UNIKA_MATCHKEY_FILE_H
#define UNIKA_MATCHKEY_FILE_H

#include "common.h"
#include "error.h"
#include "key.h"
#include "matchkey.h"

#define UNIKA_MKFILE_VERSION 2       /* of the layout in docs/matchkeys.md */
#define UNIKA_MK_MAX_BY 4            /* --by fields */
#define UNIKA_MK_BY_NAME_MAX 64      /* bytes of a --by field name, [a-z0-9_.-] */
#define UNIKA_MK_VALUE_MAX 256       /* bytes of a --by value (UTF-8, no controls) */
#define UNIKA_MK_VALUES_MAX 65535    /* distinct --by values in a file */
#define UNIKA_MK_ORG_MAX 64          /* bytes of the organisation label */
#define UNIKA_MK_AGE_BANDS_MAX 255   /* bytes of the age bands text */
#define UNIKA_MK_VISITS_MAX (1u << 20) /* visits (month x cell) of one profile */

/* The reporting period the partner chose (`--period`); visits are always
 * stored by month, so a linker can roll them up to this. Pinned. */
typedef enum unika_mk_period {
    UNIKA_MK_PERIOD_HALF_YEAR = 1,
    UNIKA_MK_PERIOD_YEAR = 2,
    UNIKA_MK_PERIOD_MONTH = 3,
    UNIKA_MK_PERIOD_ALL = 4
} unika_mk_period;

/* Options a writer is made with; all of it is stored in the header. */
typedef struct unika_mkfile_options {
    const char *org;                    /* 1..64 bytes: [A-Za-z0-9._-], not starting with '.' */
    unika_mk_period period;
    size_t by_count;                    /* 0..UNIKA_MK_MAX_BY */
    const char *by[UNIKA_MK_MAX_BY];    /* field names, distinct, [a-z0-9_.-] 1..64 */
    const char *age_bands;              /* the bands of an age_group field, or NULL */
} unika_mkfile_options;

/* One visit cell of a profile. */
typedef struct unika_mkvisit {
    int year, month;                        /* the visit's month; 0, 0 = no visit date */
    const char *value[UNIKA_MK_MAX_BY];     /* the --by values, in the order of `by` */
    uint64_t rows;                          /* rows behind the cell, >= 1 */
} unika_mkvisit;

typedef struct unika_mkwriter unika_mkwriter;
typedef struct unika_mkreader unika_mkreader;

/* The header of a file being read; strings are owned by the reader. */
typedef struct unika_mkfile_header {
    unsigned format_version;                 /* UNIKA_MKFILE_VERSION */
    unsigned matchkey_version;               /* UNIKA_MATCHKEY_VERSION */
    uint8_t key_fp[UNIKA_FINGERPRINT_BYTES]; /* the partnership key's fingerprint */
    const char *org;
    unika_mk_period period;
    size_t by_count;
    const char *by[UNIKA_MK_MAX_BY];
    const char *age_bands;                   /* "" when none */
    size_t value_count;                      /* distinct --by values */
    uint64_t profile_count;
    uint64_t row_count;                      /* sum of every visit's rows */
    uint64_t file_size;
    uint64_t checksum;                       /* the file's XXH64 */
} unika_mkfile_header;

/*
 * One profile, as unika_mkreader_next() returns it. `keys` points at
 * key_count entries of UNIKA_MKPROFILE_KEY_BYTES bytes (type, the 16 value
 * bytes, then the token index of a TOKEN_DELETE), sorted; `visits` at the visit records (docs/matchkeys.md).
 * Both point into the reader's buffer: valid until the next call on the
 * reader. Read them with the accessors below.
 */
typedef struct unika_mkprofile {
    unika_gender gender;
    unsigned flags;          /* UNIKA_MK_PRECISION_* | UNIKA_MK_JAN1 */
    size_t key_count;
    const uint8_t *keys;
    size_t visit_count;
    const uint8_t *visits;
    uint64_t rows;           /* sum of its visits' rows */
    uint64_t index;          /* 0-based position in the file */
} unika_mkprofile;
#define UNIKA_MKPROFILE_KEY_BYTES (2 + UNIKA_MATCHKEY_BYTES)

#ifdef __cplusplus
extern "C" {
#endif

/*! unika_mk_period_name() : "half-year", "year", "month", "all"; NULL otherwise. */
UNIKA_API const char *unika_mk_period_name(unika_mk_period period);

/*! unika_mk_period_label() :
 *  The label of the period a visit month falls in, as `ingest --period`
 *  names its cells and `link` its persons' cells: "2019H1" (half-year),
 *  "2019" (year), "2019-03" (month), "all". dst holds 16 bytes; an unknown
 *  period gives "". The one rule for period labels. */
UNIKA_API void unika_mk_period_label(char dst[16], unika_mk_period period, int year, int month);

/* ---- writing --------------------------------------------------------------- */

/*! unika_mkwriter_new() :
 *  A writer for match keys made under the partnership key whose fingerprint
 *  is key_fp (unika_key_fingerprint_ptr()): the writer needs no key, so a
 *  linker or a test can rewrite a file it has read. The options' strings
 *  are copied.
 *  @return 0 and *out set; UNIKA_EINVAL (NULL, a bad org, period, by name,
 *          a by name twice, age bands too long or with control characters);
 *          UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_mkwriter_new(unika_mkwriter **out,
                                                 const uint8_t key_fp[UNIKA_FINGERPRINT_BYTES],
                                                 const unika_mkfile_options *options,
                                                 unika_error *err);

/*! unika_mkwriter_add() :
 *  Adds visit->rows rows of the record whose match keys are `keys` in the
 *  visit's cell. Equal (gender, keys, flags) are one profile; equal cells
 *  of one profile add their rows.
 *  @return 0; UNIKA_EINVAL (NULL; a value missing for a by field; a month
 *          outside 1..12 or a year outside 1800..2199 with a month; rows 0);
 *          UNIKA_EKEYMISMATCH (keys made under another partnership key);
 *          UNIKA_EFORMAT (keys not as unika_matchkeys_derive() makes them:
 *          unsorted, a repeated key, no identifying key, flags that do not
 *          fit the keys); UNIKA_ELABEL (a value longer than 256 bytes, not
 *          UTF-8, or with a control character); UNIKA_ERANGE (more than
 *          UNIKA_MK_VALUES_MAX values or UNIKA_MK_VISITS_MAX visits of one
 *          profile); UNIKA_ENOMEM. On failure the writer is unchanged. */
UNIKA_API UNIKA_NODISCARD int unika_mkwriter_add(unika_mkwriter *w, const unika_matchkeys *keys,
                                                 const unika_mkvisit *visit, unika_error *err);

/*! unika_mkwriter_profile_count() / unika_mkwriter_row_count() : so far. */
UNIKA_API uint64_t unika_mkwriter_profile_count(const unika_mkwriter *w);
UNIKA_API uint64_t unika_mkwriter_row_count(const unika_mkwriter *w);

/*! unika_mkwriter_serialize() :
 *  The file, in canonical form (profiles sorted by their bytes, visits by
 *  month and cell, values sorted): the same rows in any order give the
 *  same bytes. With dst NULL, only *size is set (the exact size).
 *  @return 0; UNIKA_EINVAL; UNIKA_EBUFFER (dst_capacity < size);
 *          UNIKA_ERANGE (a cell of more than 2^32 - 1 rows); UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_mkwriter_serialize(uint8_t *dst, size_t dst_capacity,
                                                       size_t *size, unika_mkwriter *w,
                                                       unika_error *err);

/*! unika_mkwriter_save() :
 *  Writes the file to `path` atomically (the one atomic writer: a temporary
 *  file beside it, fsync, then link or, with UNIKA_MKFILE_OVERWRITE,
 *  rename), mode 0644. On failure nothing is left at `path`.
 *  @return 0; as unika_mkwriter_serialize(); UNIKA_EEXIST; UNIKA_ENOENT;
 *          UNIKA_EIO. */
#define UNIKA_MKFILE_OVERWRITE 1u
UNIKA_API UNIKA_NODISCARD int unika_mkwriter_save(unika_mkwriter *w, const char *path,
                                                  unsigned flags, unika_error *err);

/*! unika_mkwriter_free() : frees; NULL is accepted. */
UNIKA_API void unika_mkwriter_free(unika_mkwriter *w);

/* ---- reading --------------------------------------------------------------- */

/*! unika_mkreader_open() :
 *  Opens a match-key file for reading profile by profile: checks the
 *  framing and the header, and the checksum of the whole file in one
 *  streaming pass, before returning. Memory: the header, and one profile at
 *  a time.
 *  @return 0 and *out set;
 *          UNIKA_EINVAL; UNIKA_ENOENT; UNIKA_EIO (unreadable, not a regular
 *          file); UNIKA_EMAGIC (not a match-key file); UNIKA_EVERSION (a
 *          format or match-key version this library does not know);
 *          UNIKA_ETRUNCATED (shorter than its header or its stated size);
 *          UNIKA_EFORMAT (a header field out of its bounds, trailing
 *          bytes); UNIKA_ELABEL (a bad org, by name or value);
 *          UNIKA_ECHECKSUM; UNIKA_ENOMEM.
 *  err->field and err->position (byte offset + 1) say where. */
UNIKA_API UNIKA_NODISCARD int unika_mkreader_open(unika_mkreader **out, const char *path,
                                                  unika_error *err);

/*! unika_mkreader_open_memory() :
 *  The same over src[0..src_size), which is NOT copied: it must stay valid
 *  and unchanged until unika_mkreader_free(). */
UNIKA_API UNIKA_NODISCARD int unika_mkreader_open_memory(unika_mkreader **out,
                                                         const uint8_t *src, size_t src_size,
                                                         unika_error *err);

/*! unika_mkreader_header() : the header; valid until unika_mkreader_free(). */
UNIKA_API const unika_mkfile_header *unika_mkreader_header(const unika_mkreader *r);

/*! unika_mkreader_next() :
 *  The next profile, checked field by field (docs/matchkeys.md, "Reading").
 *  @return 1 and *profile set; 0 at the end, once the profile count, row
 *          count and checksum have been confirmed; or an error, after which
 *          the reader only fails: UNIKA_EFORMAT (a field out of bounds, keys
 *          or visits out of order, profiles out of order or repeated,
 *          counts that do not add up, a --by value no visit uses),
 *          UNIKA_ETRUNCATED, UNIKA_ECHECKSUM
 *          (the file changed since it was opened), UNIKA_EIO, UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_mkreader_next(unika_mkreader *r, unika_mkprofile *profile,
                                                  unika_error *err);

/*! unika_mkreader_rewind() :
 *  Back to the first profile, for a second pass (a resolver that counts
 *  key frequencies first). @return 0; UNIKA_EINVAL; UNIKA_EIO. */
UNIKA_API UNIKA_NODISCARD int unika_mkreader_rewind(unika_mkreader *r, unika_error *err);

/*! unika_mkreader_free() : closes and frees; NULL is accepted. */
UNIKA_API void unika_mkreader_free(unika_mkreader *r);

/*! unika_mkprofile_key() :
 *  Key i (0-based, < key_count) of a profile. @return 0; UNIKA_EINVAL. */
UNIKA_API int unika_mkprofile_key(const unika_mkprofile *p, size_t i, unika_matchkey *out);

/*! unika_mkprofile_visit() :
 *  Visit i (< visit_count) of a profile, its values resolved to the
 *  header's strings (valid until unika_mkreader_free()).
 *  @return 0; UNIKA_EINVAL. */
UNIKA_API int unika_mkprofile_visit(const unika_mkreader *r, const unika_mkprofile *p, size_t i,
                                    unika_mkvisit *out);

/*! unika_mkprofile_visit_value_index() :
 *  The index (into the header's sorted values, unika_mkreader_value()) of
 *  visit i's value of by field f: cheaper than strings for a linker that
 *  groups by cell. @return the index; UNIKA_MK_VALUES_MAX on bad arguments. */
UNIKA_API size_t unika_mkprofile_visit_value_index(const unika_mkreader *r,
                                                   const unika_mkprofile *p, size_t i,
                                                   size_t f);

/*! unika_mkreader_value() : the header's value i (sorted, distinct); NULL
 *  when i >= value_count. */
UNIKA_API const char *unika_mkreader_value(const unika_mkreader *r, size_t i);

#ifdef __cplusplus
}
#endif
#endif /* UNIKA_MATCHKEY_FILE_H */
