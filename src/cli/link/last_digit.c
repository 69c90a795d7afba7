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
 * another machine would then fail an honest linker. So the two documents, as
 * the one JSON reader reads them, must be the same value for value, every
 * key, string, integer and number format the same, and a decimal may differ
 * by one unit of its last printed digit, no more: the figures a report shows
 * are whole people, so a thousandth moves one only when it lies within a
 * thousandth of a rounding boundary, and then by one step, as the platforms
 * themselves may.
 */
#include <math.h>
#include <string.h>

#include "common/json.h"
#include "link/link.h"

/* Digits after the decimal point of a number literal, or -1 for one
 * without them (an integer is a count, which no libm computes) or with an
 * exponent. */
static int decimals(const char *s)
{
    const char *dot = strchr(s, '.');
    if (!dot || strpbrk(s, "eE")) return -1;
    return (int)strlen(dot + 1);
}

/* Two numbers equal, or printed to the same decimals and within one unit of
 * the last; *moved counts the latter. */
static int numbers_near(const unika_json *a, const unika_json *b, size_t *moved)
{
    if (!strcmp(a->text, b->text)) return 1;
    int d = decimals(a->text);
    /* one unit is 10^-d; half a unit more absorbs the decimal-to-binary
     * rounding of the two literals, far below the next unit */
    if (d < 0 || d != decimals(b->text) || !(fabs(a->number - b->number) <= 1.5 * pow(10, -d)))
        return 0;
    (*moved)++;
    return 1;
}

/* a and b alike, value for value; *at: the first of a's values that is not. */
static int alike(const unika_json *a, const unika_json *b, size_t *moved, const unika_json **at)
{
    *at = a;
    if (a->type != b->type) return 0;
    if (a->type == UNIKA_JSON_NUMBER) return numbers_near(a, b, moved);
    if (a->type == UNIKA_JSON_STRING) return !strcmp(a->text, b->text);
    if (a->type != UNIKA_JSON_ARRAY && a->type != UNIKA_JSON_OBJECT) return 1;
    if (a->n != b->n) return 0;
    for (size_t i = 0; i < a->n; i++) {
        if (a->type == UNIKA_JSON_OBJECT && strcmp(a->keys[i], b->keys[i])) return 0;
        if (!alike(a->items[i], b->items[i], moved, at)) return 0;
    }
    return 1;
}

int cli_json_to_last_digit(const char *a, size_t na, const char *b, size_t nb, size_t *moved,
                           size_t *line)
{
    unika_json *x = NULL, *y = NULL;
    unika_error err = {0};
    const unika_json *at = NULL;
    *moved = 0;
    *line = 1;
    int same = unika_json_parse(&x, a, na, &err) == 0 && unika_json_parse(&y, b, nb, &err) == 0 &&
               alike(x, y, moved, &at);
    if (!same) *line = at ? at->line : err.line ? err.line : 1;
    unika_json_free(x);
    unika_json_free(y);
    return same;
}
