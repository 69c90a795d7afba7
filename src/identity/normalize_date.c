/*
 * normalize_date.c - calendar dates as partners write them, to one form.
 *
 * Birth dates arrive as 2005-01-04, 20050104, 04/01/2005, a bare year, or in
 * whatever pattern a partner's system exports. A recipe then asks for the
 * year, the year-month or the whole date. Parsing goes through a tiny
 * compiled pattern (YYYY, MM, DD and literal characters), so the automatic
 * shapes and caller-given formats share one matcher and one set of checks.
 * Impossible dates are refused rather than corrected: a pseudonym of a
 * wrong date is worse than a visible error.
 */
#include <stdio.h>
#include <string.h>

#include "common/common.h"
#include "identity/normalize_private.h"
#include "unika/normalize.h"

static const char FIELD[] = "birth_date";

#define DATE_MAX_INPUT_BYTES 64
#define DATE_MAX_ELEMENTS UNIKA_DATE_FORMAT_MAX_BYTES

enum { EL_YEAR, EL_MONTH, EL_DAY, EL_LIT };

typedef struct date_pattern {
    uint8_t kind[DATE_MAX_ELEMENTS];
    uint8_t lit[DATE_MAX_ELEMENTS];
    size_t n;
} date_pattern;

size_t unika_date_text_bytes(void)
{
    return UNIKA_DATE_TEXT_BYTES;
}

int unika_date_valid(const unika_date *d)
{
    if (!d) return 0;
    if (d->year < UNIKA_DATE_YEAR_MIN || d->year > UNIKA_DATE_YEAR_MAX) return 0;
    if (d->month < 0 || d->month > 12) return 0;
    if (d->month == 0) return d->day == 0;
    return d->day >= 0 && d->day <= unika_days_in_month(d->year, d->month);
}

/* Compiles one pattern, format[from, len); returns 0 or UNIKA_EDATEFORMAT
 * naming the 1-based position in the whole format string. */
static int compile(date_pattern *p, const char *format, size_t from, size_t len,
                   unika_error *err)
{
    int seen[3] = {0, 0, 0};
    p->n = 0;
    for (size_t i = from; i < len;) {
        int kind;
        size_t width;
        if (strncmp(format + i, "YYYY", 4) == 0) kind = EL_YEAR, width = 4;
        else if (strncmp(format + i, "MM", 2) == 0) kind = EL_MONTH, width = 2;
        else if (strncmp(format + i, "DD", 2) == 0) kind = EL_DAY, width = 2;
        else {
            uint8_t c = (uint8_t)format[i];
            /* letters and digits would be ambiguous (a half token, a digit
             * literal inside a number); controls and non-ASCII are mistakes */
            if (c <= ' ' ? c != ' ' : (c >= 0x7F || c == '|' || (c >= '0' && c <= '9') ||
                                       ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')))
                return unika_fail_at(err, UNIKA_EDATEFORMAT, FIELD, i + 1,
                                     "date format: unexpected character at position %zu "
                                     "(expected YYYY, MM, DD or punctuation)",
                                     i + 1);
            p->kind[p->n] = EL_LIT;
            p->lit[p->n++] = c;
            i++;
            continue;
        }
        if (seen[kind])
            return unika_fail_at(err, UNIKA_EDATEFORMAT, FIELD, i + 1,
                                 "date format: repeated field at position %zu", i + 1);
        seen[kind] = 1;
        p->kind[p->n] = (uint8_t)kind;
        p->lit[p->n++] = 0;
        i += width;
    }
    if (!seen[EL_YEAR])
        return unika_fail_at(err, UNIKA_EDATEFORMAT, FIELD, 0, "date format: no YYYY");
    if (seen[EL_DAY] && !seen[EL_MONTH])
        return unika_fail_at(err, UNIKA_EDATEFORMAT, FIELD, 0, "date format: DD without MM");
    return 0;
}

/* Patterns of one format string: "A", or alternatives "A | B | ..." tried in
 * order (spaces around each '|' are not part of a pattern). */
#define DATE_MAX_PATTERNS 8
typedef struct date_patterns {
    date_pattern p[DATE_MAX_PATTERNS];
    size_t n;
} date_patterns;

static int compile_all(date_patterns *ps, const char *format, unika_error *err)
{
    size_t len = strnlen(format, UNIKA_DATE_FORMAT_MAX_BYTES + 1);
    if (len > UNIKA_DATE_FORMAT_MAX_BYTES)
        return unika_fail_at(err, UNIKA_EDATEFORMAT, FIELD, 0,
                             "date format longer than %d bytes", UNIKA_DATE_FORMAT_MAX_BYTES);
    ps->n = 0;
    for (size_t start = 0;;) {
        const char *bar = memchr(format + start, '|', len - start);
        size_t stop = bar ? (size_t)(bar - format) : len, a = start, b = stop;
        if (bar || start) { /* trim the spaces that set the alternatives apart */
            while (a < b && format[a] == ' ') a++;
            while (b > a && format[b - 1] == ' ') b--;
            if (a == b)
                return unika_fail_at(err, UNIKA_EDATEFORMAT, FIELD, start + 1,
                                     "date format: an empty pattern at position %zu", start + 1);
        }
        if (ps->n == DATE_MAX_PATTERNS)
            return unika_fail_at(err, UNIKA_EDATEFORMAT, FIELD, start + 1,
                                 "date format: more than %d patterns", DATE_MAX_PATTERNS);
        int rc = compile(&ps->p[ps->n++], format, a, b, err);
        if (rc) return rc;
        if (!bar) return 0;
        start = stop + 1;
    }
}

/*
 * Matches s[begin, end) against `p`. On a syntax mismatch returns -1 and
 * sets *fail_at to the byte index of the first character that does not fit;
 * on success fills *out (unchecked values) and the byte index where the
 * month and day fields started (for error positions).
 */
static int match(const date_pattern *p, const uint8_t *s, size_t begin, size_t end,
                 unika_date *out, size_t where[3], size_t *fail_at)
{
    size_t i = begin;
    int val[3] = {0, 0, 0};
    for (size_t k = 0; k < p->n; k++) {
        if (p->kind[k] == EL_LIT) {
            if (i >= end || s[i] != p->lit[k]) { *fail_at = i; return -1; }
            i++;
            continue;
        }
        size_t min = 2, max = 2;
        if (p->kind[k] == EL_YEAR) min = max = 4;
        else if (k + 1 == p->n || p->kind[k + 1] == EL_LIT) min = 1;
        size_t got = 0;
        int v = 0;
        where[p->kind[k]] = i;
        while (got < max && i < end && unika_is_digit(s[i])) {
            v = v * 10 + (s[i] - '0');
            i++;
            got++;
        }
        if (got < min) { *fail_at = i; return -1; }
        val[p->kind[k]] = v;
    }
    if (i != end) { *fail_at = i; return -1; }
    out->year = val[EL_YEAR];
    out->month = val[EL_MONTH];
    out->day = val[EL_DAY];
    return 0;
}

/* The automatic shapes, in the order they are tried (their shapes are
 * disjoint, so the order only decides which mismatch is reported), written
 * out compiled so the common case costs no pattern compilation:
 * "YYYY-MM-DD", "YYYYMMDD", "DD/MM/YYYY", "YYYY-MM", "YYYY". */
static const date_pattern AUTO_PATTERNS[] = {
    {{EL_YEAR, EL_LIT, EL_MONTH, EL_LIT, EL_DAY}, {0, '-', 0, '-', 0}, 5},
    {{EL_YEAR, EL_MONTH, EL_DAY}, {0, 0, 0}, 3},
    {{EL_DAY, EL_LIT, EL_MONTH, EL_LIT, EL_YEAR}, {0, '/', 0, '/', 0}, 5},
    {{EL_YEAR, EL_LIT, EL_MONTH}, {0, '-', 0}, 3},
    {{EL_YEAR}, {0}, 1},
};

/* "YYYY-MM-DD or YYYY" from "YYYY-MM-DD | YYYY"; the automatic shapes'
 * names without a format. */
static void expected_patterns(char *dst, size_t cap, const char *format)
{
    if (!format) {
        snprintf(dst, cap, "YYYY-MM-DD, YYYYMMDD, DD/MM/YYYY, YYYY-MM or YYYY");
        return;
    }
    size_t o = 0;
    for (const char *f = format; *f && o + 5 < cap;) {
        const char *bar = strchr(f, '|'), *e = bar ? bar : f + strlen(f);
        while (f < e && *f == ' ') f++;
        while (e > f && e[-1] == ' ') e--;
        if (o) o += (size_t)snprintf(dst + o, cap - o, " or ");
        o += (size_t)snprintf(dst + o, cap - o, "%.*s", (int)(e - f), f);
        if (!bar) break;
        f = bar + 1;
    }
    if (o >= cap) dst[cap - 1] = '\0';
}

int unika_date_parse(unika_date *out, const char *src, size_t src_size, const char *format,
                     unika_error *err)
{
    if (!out) return unika_fail_at(err, UNIKA_EINVAL, FIELD, 0, "birth_date: output is NULL");
    out->year = out->month = out->day = 0;
    size_t begin, end;
    date_patterns ps;
    int rc;
    if (format && (rc = compile_all(&ps, format, err)) != 0) return rc;
    rc = unika_field_prepare(FIELD, src, src_size, DATE_MAX_INPUT_BYTES, &begin, &end, err);
    if (rc) return rc;
    const uint8_t *s = (const uint8_t *)src;

    /* The first pattern whose shape fits decides; its checks below are not
     * retried with the next (a date is never reinterpreted to make it valid). */
    const date_pattern *pats = format ? ps.p : AUTO_PATTERNS, *pat = NULL;
    size_t npats = format ? ps.n : UNIKA_ARRAY_LEN(AUTO_PATTERNS);
    unika_date d = {0, 0, 0};
    size_t where[3] = {begin, begin, begin};
    size_t fail_at = begin;
    for (size_t f = 0; f < npats && !pat; f++) {
        size_t at = begin;
        if (match(&pats[f], s, begin, end, &d, where, &at) == 0) pat = &pats[f];
        else if (at > fail_at) fail_at = at;
    }
    if (!pat) {
        uint64_t pos = fail_at < end ? unika_char_position(s, fail_at)
                                     : unika_char_position(s, end - 1) + 1;
        /* Name the pattern(s) expected, so the partner sees what to fix;
         * a format is the profile's text, never a value. */
        char expected[2 * UNIKA_DATE_FORMAT_MAX_BYTES + 64];
        expected_patterns(expected, sizeof expected, format);
        return unika_fail_at(err, UNIKA_EDATE, FIELD, pos,
                             "birth_date: expected %s (no match at character %llu)", expected,
                             (unsigned long long)pos);
    }
    if (d.year < UNIKA_DATE_YEAR_MIN || d.year > UNIKA_DATE_YEAR_MAX)
        return unika_fail_at(err, UNIKA_EDATE, FIELD, unika_char_position(s, where[EL_YEAR]),
                             "birth_date: year outside %d..%d", UNIKA_DATE_YEAR_MIN,
                             UNIKA_DATE_YEAR_MAX);
    if (memchr(pat->kind, EL_MONTH, pat->n) && (d.month < 1 || d.month > 12))
        return unika_fail_at(err, UNIKA_EDATE, FIELD, unika_char_position(s, where[EL_MONTH]),
                             "birth_date: month outside 1..12");
    if (memchr(pat->kind, EL_DAY, pat->n) &&
        (d.day < 1 || d.day > unika_days_in_month(d.year, d.month)))
        return unika_fail_at(err, UNIKA_EDATE, FIELD, unika_char_position(s, where[EL_DAY]),
                             "birth_date: no such day in that month");
    *out = d;
    return 0;
}

int unika_date_format(char *dst, size_t dst_capacity, const unika_date *date,
                      unika_date_precision precision, unika_error *err)
{
    if (!dst || dst_capacity == 0)
        return unika_fail_at(err, UNIKA_EINVAL, FIELD, 0, "birth_date: no output buffer");
    dst[0] = '\0';
    if (!date) return unika_fail_at(err, UNIKA_EINVAL, FIELD, 0, "birth_date: date is NULL");
    if (precision < UNIKA_DATE_YEAR || precision > UNIKA_DATE_DAY)
        return unika_fail_at(err, UNIKA_EINVAL, FIELD, 0, "birth_date: unknown precision");
    if (!unika_date_valid(date))
        return unika_fail_at(err, UNIKA_EDATE, FIELD, 0, "birth_date: not a valid date");
    if (precision >= UNIKA_DATE_MONTH && date->month == 0)
        return unika_fail_at(err, UNIKA_EDATE, FIELD, 0, "birth_date: month unknown");
    if (precision == UNIKA_DATE_DAY && date->day == 0)
        return unika_fail_at(err, UNIKA_EDATE, FIELD, 0, "birth_date: day unknown");
    size_t need = precision == UNIKA_DATE_YEAR ? 5 : precision == UNIKA_DATE_MONTH ? 8 : 11;
    if (dst_capacity < need)
        return unika_fail_at(err, UNIKA_EBUFFER, FIELD, 0,
                             "birth_date: output needs %zu bytes, capacity %zu", need,
                             dst_capacity);
    /* digits by hand: the year is 1800..2199, so four digits always */
    char buf[UNIKA_DATE_TEXT_BYTES];
    int y = date->year;
    buf[0] = (char)('0' + y / 1000);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + date->month / 10);
    buf[6] = (char)('0' + date->month % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + date->day / 10);
    buf[9] = (char)('0' + date->day % 10);
    memcpy(dst, buf, need - 1);
    dst[need - 1] = '\0';
    return 0;
}
