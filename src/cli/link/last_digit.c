/*
 * link/last_digit.c - the estimates of a re-run against the linker's, to
 * their last printed digit (link/link.h).
 *
 * The estimator's sums are fixed in order, but exp, expm1 and log come from
 * the platform's libm, and another libm may return another last bit. Printed
 * with %.3f and %.6f such a bit almost never shows; when a value lies on a
 * rounding boundary it moves one printed digit by one (bench/bench_libm.py:
 * up to 3 of 10,298 numbers at 30,000 people, under a libm moved by 1 to 256
 * units in the last place, each by one unit of its last digit). An auditor on
 * another machine would then fail an honest linker. So the texts must be the
 * same token for token, every string, integer and number format the same, and
 * a decimal may differ by one unit of its last printed digit, no more: the
 * figures a report shows are whole people, so a thousandth moves one only
 * when it lies within a thousandth of a rounding boundary, and then by one
 * step, as the platforms themselves may.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "link/link.h"

/* The end of the JSON string that starts at s[i] (its opening quote). */
static size_t string_end(const char *s, size_t i, size_t n)
{
    for (i++; i < n && s[i] != '"'; i++)
        if (s[i] == '\\') i++;
    return i < n ? i + 1 : n;
}

static size_t number_end(const char *s, size_t i, size_t n)
{
    while (i < n && s[i] && strchr("+-.0123456789eE", s[i])) i++;
    return i;
}

/* Digits after the decimal point of a plain decimal, or -1 for a number
 * without one (an integer is a count, which no libm computes) or with an
 * exponent. */
static int decimals(const char *s, size_t len)
{
    const char *dot = memchr(s, '.', len);
    if (!dot || memchr(s, 'e', len) || memchr(s, 'E', len)) return -1;
    return (int)(len - (size_t)(dot + 1 - s));
}

/* Two number tokens equal, or printed to the same decimals and within one
 * unit of the last; *moved counts the latter. */
static int numbers_near(const char *a, size_t la, const char *b, size_t lb, size_t *moved)
{
    if (la == lb && !memcmp(a, b, la)) return 1;
    int d = decimals(a, la);
    char x[64], y[64];
    if (d < 0 || d != decimals(b, lb) || la >= sizeof x || lb >= sizeof y) return 0;
    memcpy(x, a, la);
    memcpy(y, b, lb);
    x[la] = y[lb] = '\0';
    /* one unit is 10^-d; half a unit more absorbs the decimal-to-binary
     * rounding of the two texts, far below the next unit */
    if (!(fabs(strtod(x, NULL) - strtod(y, NULL)) <= 1.5 * pow(10, -d))) return 0;
    (*moved)++;
    return 1;
}

int cli_json_to_last_digit(const char *a, size_t na, const char *b, size_t nb, size_t *moved,
                           size_t *line)
{
    size_t i = 0, j = 0;
    *moved = 0;
    *line = 1;
    while (i < na && j < nb) {
        size_t ei = i + 1, ej = j + 1;
        if (a[i] == '"') {
            ei = string_end(a, i, na);
            ej = b[j] == '"' ? string_end(b, j, nb) : j;
            if (ei - i != ej - j || memcmp(a + i, b + j, ei - i)) return 0;
        } else if (a[i] == '-' || (a[i] >= '0' && a[i] <= '9')) {
            ei = number_end(a, i, na);
            ej = number_end(b, j, nb);
            if (!numbers_near(a + i, ei - i, b + j, ej - j, moved)) return 0;
        } else if (a[i] != b[j]) {
            return 0;
        } else if (a[i] == '\n') {
            (*line)++;
        }
        i = ei;
        j = ej;
    }
    return i == na && j == nb;
}
