/*
 * common/common.h - helpers shared by the library's modules. Never installed.
 *
 * Byte order: every multi-byte field in a unika file is little-endian and is
 * read and written byte by byte with these helpers, never by overlaying a
 * struct, so the code is the same on every host.
 */
#ifndef UNIKA_INTERNAL_COMMON_H
#define UNIKA_INTERNAL_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "unika/error.h"

#define UNIKA_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static inline void unika_store16_le(uint8_t *dst, uint16_t v)
{
    dst[0] = (uint8_t)v;
    dst[1] = (uint8_t)(v >> 8);
}

static inline void unika_store32_le(uint8_t *dst, uint32_t v)
{
    for (int i = 0; i < 4; i++) dst[i] = (uint8_t)(v >> (8 * i));
}

static inline void unika_store64_le(uint8_t *dst, uint64_t v)
{
    for (int i = 0; i < 8; i++) dst[i] = (uint8_t)(v >> (8 * i));
}

static inline uint16_t unika_load16_le(const uint8_t *src)
{
    return (uint16_t)(src[0] | (src[1] << 8));
}

static inline uint32_t unika_load32_le(const uint8_t *src)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--) v = (v << 8) | src[i];
    return v;
}

static inline uint64_t unika_load64_le(const uint8_t *src)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | src[i];
    return v;
}

/*
 * unika_fail() : records `code` and a printf-style message in `err` (when
 * not NULL) and returns `code`, so a check is one line:
 *
 *     if (len == 0) return unika_fail(err, UNIKA_EEMPTY, "name is empty");
 *
 * Messages must never contain an identifier's value.
 */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
int unika_fail(unika_error *err, int code, const char *fmt, ...);

/* unika_fail_at() : as unika_fail(), also naming the field and the 1-based
 * character position inside the value (0 when not applicable). */
#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
int unika_fail_at(unika_error *err, int code, const char *field, uint64_t position,
                  const char *fmt, ...);

/* Prefixes err->message with "<path>: " (truncating the end if needed). */
void unika_prefix_path(unika_error *err, const char *path);

/* Hex: common/hex.h. */
#include "common/hex.h"

/*
 * The heap, through the host's allocator when it set one (unika/alloc.h,
 * common/alloc.c). Every module uses these, never malloc/free directly,
 * except for sodium_malloc() key memory and buffers utf8proc allocates
 * itself. unika_realloc needs the old size: a host allocator has no realloc.
 */
void *unika_malloc(size_t size);
void *unika_calloc(size_t n, size_t size);
void *unika_realloc(void *p, size_t old_size, size_t new_size);
void unika_free(void *p);
char *unika_strndup(const char *s, size_t n);

#endif /* UNIKA_INTERNAL_COMMON_H */
