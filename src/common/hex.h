/*
 * common/hex.h - the one hex codec (over libsodium's sodium_bin2hex and
 * sodium_hex2bin, which do not branch on the data). Never installed; the
 * command uses it too.
 */
#ifndef UNIKA_COMMON_HEX_H
#define UNIKA_COMMON_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Lowercase hex of `n` bytes into `dst` (2n+1 bytes, NUL-terminated). */
void unika_hex_encode(char *dst, const uint8_t *src, size_t n);

/* Exactly 2n hex digits (either case), nothing else, into dst[0..n).
 * Returns 0, or -1 (dst may then hold some decoded bytes). */
int unika_hex_decode(uint8_t *dst, size_t n, const char *src, size_t src_size);

#endif
