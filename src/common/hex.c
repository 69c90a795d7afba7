/*
 * hex.c - the one hex codec (common/hex.h).
 */
#include <sodium.h>

#include "common/hex.h"

void unika_hex_encode(char *dst, const uint8_t *src, size_t n)
{
    sodium_bin2hex(dst, 2 * n + 1, src, n);
}

int unika_hex_decode(uint8_t *dst, size_t n, const char *src, size_t src_size)
{
    size_t bin_len = 0;
    const char *end = NULL;
    if (!src || src_size != 2 * n) return -1;
    if (sodium_hex2bin(dst, n, src, src_size, NULL, &bin_len, &end) != 0) return -1;
    return bin_len == n && end == src + src_size ? 0 : -1;
}
