/*
 * sort.c - a stable sort of records by their leading 32-bit words
 * (common/sort.h).
 *
 * The linker's passes and frequency tables sort hundreds of thousands of
 * small records (ids, then more ids) and sum the values of equal keys in
 * the order they meet them. The C library's qsort calls a comparison
 * and copies a record through memcpy at every step, and is stable only
 * where it happens to be a merge sort (glibc, given the memory): a sum of
 * doubles in another order has other bits. This one is a least
 * significant digit radix sort, stable by construction: 8-bit digits, and
 * a digit every record shares (the high bytes of small ids) costs one
 * look, not a pass. Short arrays are sorted by insertion.
 */
#include <string.h>

#include "common/common.h"
#include "common/sort.h"

#define DIGITS 4 /* bytes of a word */
#define BUCKETS 256
#define SHORT 32 /* at most this many records: insertion */
#define MAX_RECORD 64

static uint32_t word_at(const unsigned char *rec, size_t w)
{
    uint32_t v;
    memcpy(&v, rec + 4 * w, sizeof v);
    return v;
}

static int before(const unsigned char *a, const unsigned char *b, size_t words)
{
    for (size_t w = 0; w < words; w++) {
        uint32_t x = word_at(a, w), y = word_at(b, w);
        if (x != y) return x < y;
    }
    return 0;
}

static void insertion(unsigned char *b, size_t n, size_t size, size_t words)
{
    unsigned char r[MAX_RECORD];
    for (size_t i = 1; i < n; i++) {
        size_t j = i;
        if (!before(b + i * size, b + (j - 1) * size, words)) continue;
        memcpy(r, b + i * size, size);
        while (j > 0 && before(r, b + (j - 1) * size, words)) j--;
        memmove(b + (j + 1) * size, b + j * size, (i - j) * size);
        memcpy(b + j * size, r, size);
    }
}

int unika_sort_words(void *base, size_t n, size_t size, size_t words)
{
    if (n < 2 || !words) return 0;
    if (n <= SHORT && size <= MAX_RECORD) {
        insertion(base, n, size, words);
        return 0;
    }
    unsigned char *tmp = unika_malloc(n * size);
    size_t *count = unika_calloc(words * DIGITS * BUCKETS, sizeof *count);
    if (!tmp || !count) {
        unika_free(tmp);
        unika_free(count);
        return -1;
    }
    unsigned char *src = base, *dst = tmp;
    for (size_t i = 0; i < n; i++)
        for (size_t w = 0; w < words; w++) {
            uint32_t v = word_at(src + i * size, w);
            for (unsigned d = 0; d < DIGITS; d++)
                count[(w * DIGITS + d) * BUCKETS + (v >> 8 * d & 0xFF)]++;
        }
    for (size_t w = words; w-- > 0;) /* the last word is the least significant */
        for (unsigned d = 0; d < DIGITS; d++) {
            size_t *c = count + (w * DIGITS + d) * BUCKETS, at = 0;
            if (c[word_at(src, w) >> 8 * d & 0xFF] == n) continue; /* one digit for all */
            for (unsigned k = 0; k < BUCKETS; k++) {
                size_t m = c[k];
                c[k] = at;
                at += m;
            }
            for (size_t i = 0; i < n; i++)
                memcpy(dst + c[word_at(src + i * size, w) >> 8 * d & 0xFF]++ * size, src + i * size,
                       size);
            unsigned char *t = src;
            src = dst;
            dst = t;
        }
    if (src != base) memcpy(base, src, n * size);
    unika_free(tmp);
    unika_free(count);
    return 0;
}

void unika_sort_ids(void *base, size_t n, size_t words)
{
    size_t size = words * sizeof(uint32_t);
    if (unika_sort_words(base, n, size, words)) insertion(base, n, size, words);
}
