/*
 * suggest.c - "did you mean" (common/suggest.h): Levenshtein distance over
 * characters, not bytes, so "fodelsedatum" is one edit from "födelsedatum".
 */
#include <string.h>

#include "common/suggest.h"
#include "common/utf8.h"

/* Decodes s[0..n) into at most UNIKA_SUGGEST_MAX_CHARS code points, ASCII
 * letters lowered; the count, or (size_t)-1. */
static size_t chars(uint32_t *out, const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = unika_utf8_decode((const uint8_t *)s + i, n - i, &cp);
        if (!len || k == UNIKA_SUGGEST_MAX_CHARS) return (size_t)-1;
        out[k++] = cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
        i += len;
    }
    return k;
}

size_t unika_edit_distance(const char *a, size_t an, const char *b, size_t bn)
{
    uint32_t x[UNIKA_SUGGEST_MAX_CHARS], y[UNIKA_SUGGEST_MAX_CHARS];
    size_t m = chars(x, a, an), n = chars(y, b, bn);
    if (m == (size_t)-1 || n == (size_t)-1) return (size_t)-1;
    size_t row[UNIKA_SUGGEST_MAX_CHARS + 1];
    for (size_t j = 0; j <= n; j++) row[j] = j;
    for (size_t i = 1; i <= m; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= n; j++) {
            size_t up = row[j];
            size_t best = diag + (x[i - 1] != y[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[n];
}

int unika_suggest_close(const char *want, size_t want_size, size_t distance)
{
    uint32_t x[UNIKA_SUGGEST_MAX_CHARS];
    size_t k = chars(x, want, want_size);
    if (k == (size_t)-1 || distance == (size_t)-1 || distance >= k) return 0;
    return distance <= (k <= 4 ? 1u : k <= 8 ? 2u : 3u);
}

size_t unika_suggest(const char *want, const char *const *candidates, size_t n)
{
    size_t best = n, best_d = (size_t)-1, wn = strlen(want);
    for (size_t i = 0; i < n; i++) {
        size_t d = unika_edit_distance(want, wn, candidates[i], strlen(candidates[i]));
        if (d < best_d && unika_suggest_close(want, wn, d)) {
            best = i;
            best_d = d;
        }
    }
    return best;
}
