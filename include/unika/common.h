/*
 * unika/common.h - version, export macros and library initialisation.
 *
 * Version policy: UNIKA_VERSION_MAJOR changes when the ABI or a file format
 * changes incompatibly; MINOR adds functions; PATCH fixes. The shared
 * library's SOVERSION is the major version. File formats carry their own
 * version numbers, independent of this one (docs/format.md).
 */
#ifndef UNIKA_COMMON_H
#define UNIKA_COMMON_H

#include <stddef.h>
#include <stdint.h>

#define UNIKA_VERSION_MAJOR 0
#define UNIKA_VERSION_MINOR 1
#define UNIKA_VERSION_PATCH 0
#define UNIKA_VERSION_NUMBER \
    (UNIKA_VERSION_MAJOR * 10000 + UNIKA_VERSION_MINOR * 100 + UNIKA_VERSION_PATCH)

#if defined(UNIKA_BUILDING) && defined(__GNUC__)
#  define UNIKA_API __attribute__((visibility("default")))
#else
#  define UNIKA_API
#endif

#if defined(__GNUC__)
#  define UNIKA_NODISCARD __attribute__((warn_unused_result))
#else
#  define UNIKA_NODISCARD
#endif

/* Sizes shared by several modules; each has a function twin for bindings. */
#define UNIKA_FINGERPRINT_BYTES 16 /* key and recipe fingerprints: 128 bits,
                                      so an accidental match never happens */
#define UNIKA_PSEUDONYM_BYTES 32   /* keyed BLAKE2b-256 output */

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque types that several headers take, declared once here: C99 and
 * C++ forbid repeating a typedef that C11 would allow. */
typedef struct unika_key unika_key;       /* unika/key.h */
typedef struct unika_sketch unika_sketch; /* unika/sketch.h */

UNIKA_API size_t unika_fingerprint_bytes(void);
UNIKA_API size_t unika_pseudonym_bytes(void);

/*! unika_version_number() :
 *  @return UNIKA_VERSION_NUMBER of the library actually linked. */
UNIKA_API unsigned unika_version_number(void);

/*! unika_version_string() :
 *  @return "MAJOR.MINOR.PATCH" of the library actually linked (static string). */
UNIKA_API const char *unika_version_string(void);

/*! unika_utf8_valid() :
 *  Checks that src/src_size is well-formed UTF-8 (no overlong forms, no
 *  surrogates, nothing above U+10FFFF): the one validator every module uses.
 *  @return 0 if valid; otherwise the 1-based byte offset of the first byte
 *          of the first invalid sequence. */
UNIKA_API size_t unika_utf8_valid(const void *src, size_t src_size);

/*! unika_init() :
 *  Initialises libsodium and unika's own state. Call it once before any other
 *  function; further calls are cheap. Thread-safe.
 *  @return 0 on the first successful call, 1 if already initialised,
 *          UNIKA_ESODIUM if libsodium could not be initialised. */
UNIKA_API UNIKA_NODISCARD int unika_init(void);

#ifdef __cplusplus
}
#endif
#endif /* UNIKA_COMMON_H */
