/*
 * identity/normalize_private.h - helpers shared by the normaliser modules
 * (normalize_name.c, normalize_date.c, normalize_id.c, normalize_gender.c).
 * Never installed.
 */
#ifndef UNIKA_INTERNAL_NORMALIZE_PRIVATE_H
#define UNIKA_INTERNAL_NORMALIZE_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "unika/error.h"

/* 1-based character (code point) position of the byte at `byte_index` in
 * valid UTF-8 `src`: the number of non-continuation bytes up to and
 * including it. */
static inline uint64_t unika_char_position(const uint8_t *src, size_t byte_index)
{
    uint64_t n = 0;
    for (size_t i = 0; i <= byte_index; i++) n += (src[i] & 0xC0) != 0x80;
    return n;
}

static inline int unika_is_ascii_space(uint8_t c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static inline int unika_is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

/* Trims ASCII whitespace at both ends: on return src[*begin .. *end) is the
 * trimmed value (possibly empty). */
static inline void unika_trim(const uint8_t *src, size_t src_size, size_t *begin, size_t *end)
{
    size_t b = 0, e = src_size;
    while (b < e && unika_is_ascii_space(src[b])) b++;
    while (e > b && unika_is_ascii_space(src[e - 1])) e--;
    *begin = b;
    *end = e;
}

/* Gregorian calendar; m is 1..12. */
static inline int unika_days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dim[m - 1];
}

/* The checks every ASCII-shaped field starts with: NULL src, size bound,
 * UTF-8, emptiness. Returns 0 and the trimmed bounds, or the error. */
int unika_field_prepare(const char *field, const char *src, size_t src_size,
                        size_t max_size, size_t *begin, size_t *end, unika_error *err);

#endif /* UNIKA_INTERNAL_NORMALIZE_PRIVATE_H */
