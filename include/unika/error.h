/*
 * unika/error.h - one list of error codes, with names and messages.
 *
 * Every public function that can fail returns int: 0 (UNIKA_OK) on success,
 * a negative UNIKA_E* code on failure. Functions that take an `unika_error *`
 * fill it, when it is not NULL, with a message that names what failed and
 * where (field, line, column, byte position), never the offending identifier
 * itself: identifiers are personal data and must not reach logs.
 *
 * The numbers are pinned: a code keeps its number for as long as the major
 * version lasts, and numbers are never reused. docs/errors.md lists them.
 * Blocks: general -1..-29, keys -30..-39, normalisers -40..-59,
 * recipes and pseudonyms -60..-69, sketches and files -70..-99,
 * CSV and profiles -100..-119, signatures and governance -120..-139.
 */
#ifndef UNIKA_ERROR_H
#define UNIKA_ERROR_H

#include "common.h"

#define UNIKA_ERRNO_MAP(X)                                                            \
    X(EINVAL,        -1, "invalid argument")                                          \
    X(ENOMEM,        -2, "out of memory")                                             \
    X(EIO,           -3, "input/output error")                                        \
    X(ESODIUM,       -4, "libsodium could not be initialised")                        \
    X(ERANGE,        -5, "value out of range")                                        \
    X(EBUFFER,       -6, "output buffer too small")                                   \
    X(EEXIST,        -7, "output already exists")                                     \
    X(ENOENT,        -8, "no such file or entry")                                     \
    X(EINTERNAL,     -9, "internal error")                                            \
    X(EKEYFILE,     -30, "malformed key file")                                        \
    X(EKEYVERSION,  -31, "unsupported key file version")                              \
    X(EKEYPERM,     -32, "key file is readable by group or others")                   \
    X(EPASSPHRASE,  -33, "passphrase or salt unacceptable")                           \
    X(EKEYDERIVE,   -34, "key derivation failed")                                     \
    X(EUTF8,        -40, "invalid UTF-8")                                             \
    X(EEMPTY,       -41, "empty value")                                               \
    X(ENAME,        -42, "invalid name")                                              \
    X(EDATE,        -43, "invalid date")                                              \
    X(EDATEFORMAT,  -44, "invalid date format string")                                \
    X(EPERSONNUMMER,-45, "invalid personnummer or samordningsnummer")                 \
    X(ECHECKDIGIT,  -46, "check digit does not match")                                \
    X(EDOSSIER,     -47, "invalid Migration Agency dossier number")                   \
    X(EDIGITS,      -48, "invalid digit identifier")                                  \
    X(EGENDER,      -49, "unknown gender code")                                       \
    X(ETOOLONG,     -50, "value too long")                                            \
    X(ERECIPE,      -60, "invalid recipe")                                            \
    X(EFIELD,       -61, "missing or unknown field")                                  \
    X(EPRECISION,   -70, "precision out of range")                                    \
    X(EKEYMISMATCH, -71, "sketches made under different keys")                        \
    X(ERECIPEMISMATCH, -72, "sketches made with different recipes")                   \
    X(EMAGIC,       -73, "not a unika file (bad magic)")                              \
    X(EVERSION,     -74, "unsupported file format version")                           \
    X(ETRUNCATED,   -75, "file truncated")                                            \
    X(ECHECKSUM,    -76, "checksum mismatch")                                         \
    X(EFORMAT,      -77, "malformed file")                                            \
    X(ELABEL,       -78, "invalid label")                                             \
    X(ELINKAGE,     -79, "match-key files that cannot be linked together")            \
    X(EPROVENANCE,  -80, "provenance incomplete or not matching its commitment")      \
    X(ECSV,        -100, "malformed CSV")                                             \
    X(EPROFILE,    -101, "invalid profile")                                           \
    X(ECOLUMN,     -102, "missing column")                                            \
    X(EENCODING,   -103, "not text in the expected encoding")                         \
    X(ESIGNATURE,  -120, "signature invalid")                                         \
    X(EROSTER,     -121, "invalid roster")                                            \
    X(ESIGNER,     -122, "signer not on roster")                                      \
    X(ESEAL,       -123, "sealed box could not be opened")                           \
    X(ESIGNKEY,    -124, "signature made with a key other than the roster's")         \
    X(ESIGFILE,    -125, "malformed signature file")                                  \
    X(ESEALAUTH,   -126, "sealed envelope altered or damaged")                        \
    X(ESIGNSCOPE,  -127, "signer may not sign for this organisation")                 \
    X(ECOORDINATOR,-128, "roster not signed by the pinned coordinator")               \
    X(EMANIFEST,   -129, "malformed or conflicting partner manifest")

#ifdef __cplusplus
extern "C" {
#endif

typedef enum unika_status {
    UNIKA_OK = 0,
#define UNIKA_ERRNO_ENUM_(name, value, msg) UNIKA_##name = (value),
    UNIKA_ERRNO_MAP(UNIKA_ERRNO_ENUM_)
#undef UNIKA_ERRNO_ENUM_
} unika_status;

#define UNIKA_ERROR_MESSAGE_BYTES 256
#define UNIKA_ERROR_FIELD_BYTES 32

/*
 * Detail of the last failure, filled by functions that take one.
 * Zero-initialise it (`unika_error e = {0};`). `line` and `column` are
 * 1-based and 0 when they do not apply; `position` is a 1-based character
 * position inside the offending value, 0 when it does not apply.
 */
typedef struct unika_error {
    int code;                                   /* UNIKA_E*, or 0 */
    char message[UNIKA_ERROR_MESSAGE_BYTES];    /* complete, readable sentence */
    char field[UNIKA_ERROR_FIELD_BYTES];        /* e.g. "birth_date", or "" */
    uint64_t line;
    uint64_t column;
    uint64_t position;
} unika_error;

/*! unika_strerror() :
 *  @return a static, readable message for `code` (never NULL). */
UNIKA_API const char *unika_strerror(int code);

/*! unika_err_name() :
 *  @return the code's name, e.g. "UNIKA_EDATE", or "UNIKA_UNKNOWN". */
UNIKA_API const char *unika_err_name(int code);

/*! unika_error_clear() : resets `err` to "no error"; NULL is accepted. */
UNIKA_API void unika_error_clear(unika_error *err);

#ifdef __cplusplus
}
#endif
#endif /* UNIKA_ERROR_H */
