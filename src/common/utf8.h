/*
 * common/utf8.h - the one strict UTF-8 decoder. Never installed.
 *
 * Strict means RFC 3629: no overlong forms, no surrogates (U+D800..DFFF),
 * nothing above U+10FFFF, no lone continuation bytes. The CSV reader, the
 * profile parser, the name normalisers and the label checks all use it (the
 * public entry point is unika_utf8_valid(), unika/common.h), so a byte
 * sequence is valid or not the same way everywhere.
 */
#ifndef UNIKA_COMMON_UTF8_H
#define UNIKA_COMMON_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one sequence at s[0..len) (len >= 1): its length (1..4) with *cp
 * set, or 0 when it is not a strict UTF-8 sequence. */
size_t unika_utf8_decode(const uint8_t *s, size_t len, uint32_t *cp);

/* Encodes code point cp (at most U+10FFFF, not a surrogate) into dst:
 * its length, 1..4. */
size_t unika_utf8_encode(uint8_t dst[4], uint32_t cp);

#endif
