/*
 * normalize_name.c - the strict canonical form of a personal name, and the
 * strict UTF-8 check every normaliser shares.
 *
 * Partners write one person's name with different case, accents, hyphens,
 * spacing and word order ("Al-Khalil, Samir", "SAMIR AL KHALIL"). A keyed
 * pseudonym of the raw text would split that person; this module removes
 * exactly those differences and nothing that changes the name itself:
 *
 *   raw UTF-8 --(NFKC, case fold, strip marks, drop ignorables: utf8proc)-->
 *   code points --(letters/digits = token characters, all else separates)-->
 *   tokens --(sort by bytes, join with ' ')--> "al khalil samir"
 *
 * Spelling variants of transliteration (Mohammad/Muhammad) are deliberately
 * NOT merged here: that is the loose key's job (name_loose.c), built on this
 * output. docs/normalisation.md is the specification.
 *
 * Speed: most names are short plain ASCII, and the pseudonym benchmark
 * budget is a few hundred nanoseconds per record in total. ASCII input takes
 * a table-driven path with no allocation and no utf8proc call, which by
 * construction gives the same output utf8proc would (ASCII letters fold to
 * lowercase, ASCII punctuation and symbols are separators). The tests check
 * that equivalence on every name of the example data.
 */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "common/common.h"
#include "identity/normalize_private.h"
#include "unika/normalize.h"

static const char FIELD[] = "name";

int unika_field_prepare(const char *field, const char *src, size_t src_size,
                        size_t max_size, size_t *begin, size_t *end, unika_error *err)
{
    if (!src) return unika_fail_at(err, UNIKA_EINVAL, field, 0, "%s: source is NULL", field);
    if (src_size > max_size)
        return unika_fail_at(err, UNIKA_ETOOLONG, field, 0,
                             "%s: longer than %zu bytes", field, max_size);
    const uint8_t *s = (const uint8_t *)src;
    size_t bad = unika_utf8_valid(s, src_size);
    if (bad)
        return unika_fail_at(err, UNIKA_EUTF8, field, bad, "%s: invalid UTF-8 at byte %zu",
                             field, bad);
    unika_trim(s, src_size, begin, end);
    if (*begin == *end)
        return unika_fail_at(err, UNIKA_EEMPTY, field, 0, "%s: empty", field);
    return 0;
}

/* ---- token builder ----------------------------------------------------- */

/*
 * Tokens are collected back to back (no separators) in `buf`. The final
 * text needs used + (ntok - 1) bytes; once that would exceed the bound the
 * builder stops storing but the caller keeps scanning, so an invalid
 * character later in the input is still reported the same way on both paths.
 */
#define NAME_TEXT_MAX (UNIKA_NAME_MAX_BYTES - 1)
#define NAME_TOKENS_MAX ((NAME_TEXT_MAX + 1) / 2) /* "a b c ..." */

typedef struct name_builder {
    uint8_t buf[NAME_TEXT_MAX];
    uint16_t off[NAME_TOKENS_MAX];
    uint16_t len[NAME_TOKENS_MAX];
    size_t used;
    size_t ntok;
    int in_token;
    int overflow;
} name_builder;

static inline void nb_append(name_builder *b, const uint8_t *bytes, size_t n)
{
    if (b->overflow) return;
    size_t seps = b->in_token ? b->ntok - 1 : b->ntok; /* separators once stored */
    if (b->used + n + seps > NAME_TEXT_MAX) { b->overflow = 1; return; }
    if (!b->in_token) {
        b->off[b->ntok] = (uint16_t)b->used;
        b->len[b->ntok] = 0;
        b->ntok++;
        b->in_token = 1;
    }
    memcpy(b->buf + b->used, bytes, n);
    b->used += n;
    b->len[b->ntok - 1] = (uint16_t)(b->len[b->ntok - 1] + n);
}

/* Byte order, a prefix first. Open-coded: tokens are a few bytes long and
 * a libc call per comparison costs more than the comparison. */
static inline int token_less(const name_builder *b, size_t x, size_t y)
{
    size_t lx = b->len[x], ly = b->len[y], m = lx < ly ? lx : ly;
    const uint8_t *px = b->buf + b->off[x], *py = b->buf + b->off[y];
    for (size_t i = 0; i < m; i++)
        if (px[i] != py[i]) return px[i] < py[i];
    return lx < ly;
}

/* Sorts the tokens (insertion sort: names have a handful) and writes them. */
static int nb_emit(name_builder *b, char *dst, size_t dst_capacity, size_t *dst_len,
                   int saw_visible, unika_error *err)
{
    if (b->overflow)
        return unika_fail_at(err, UNIKA_ETOOLONG, FIELD, 0,
                             "name: normalised form exceeds %d bytes", NAME_TEXT_MAX);
    if (b->ntok == 0) {
        if (!saw_visible) return unika_fail_at(err, UNIKA_EEMPTY, FIELD, 0, "name: empty");
        return unika_fail_at(err, UNIKA_ENAME, FIELD, 0, "name: no letter or digit");
    }
    size_t total = b->used + b->ntok - 1;
    if (total + 1 > dst_capacity)
        return unika_fail_at(err, UNIKA_EBUFFER, FIELD, 0,
                             "name: output needs %zu bytes, capacity %zu", total + 1,
                             dst_capacity);
    uint16_t order[NAME_TOKENS_MAX];
    for (size_t i = 0; i < b->ntok; i++) {
        size_t j = i;
        while (j > 0 && token_less(b, i, order[j - 1])) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = (uint16_t)i;
    }
    size_t w = 0;
    for (size_t i = 0; i < b->ntok; i++) {
        if (i) dst[w++] = ' ';
        const uint8_t *t = b->buf + b->off[order[i]];
        for (size_t k = 0, n = b->len[order[i]]; k < n; k++) dst[w++] = (char)t[k];
    }
    dst[w] = '\0';
    if (dst_len) *dst_len = w;
    return 0;
}

/* ---- ASCII path -------------------------------------------------------- */

static inline int ascii_alnum(uint8_t c)
{
    return (uint8_t)((c | 0x20) - 'a') < 26 || (uint8_t)(c - '0') < 10;
}

/* Stores one whole token of ASCII letters and digits, lowercased. */
static inline void nb_token_ascii(name_builder *b, const uint8_t *t, size_t n)
{
    if (b->overflow) return;
    if (b->used + n + b->ntok > NAME_TEXT_MAX) { b->overflow = 1; return; }
    uint8_t *o = b->buf + b->used;
    for (size_t k = 0; k < n; k++) {
        uint8_t c = t[k];
        o[k] = (uint8_t)(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
    }
    b->off[b->ntok] = (uint16_t)b->used;
    b->len[b->ntok] = (uint16_t)n;
    b->ntok++;
    b->used += n;
}

/*
 * Plain ASCII: letters and digits form tokens, whitespace and printable
 * punctuation separate, other controls are invalid. Returns 1 as soon as a
 * byte >= 0x80 appears (the caller restarts on the Unicode path), else 0 or
 * an error code.
 */
static int name_ascii(name_builder *b, const uint8_t *s, size_t begin, size_t end,
                      int *saw_visible, unika_error *err)
{
    size_t i = begin;
    while (i < end) {
        uint8_t c = s[i];
        if (ascii_alnum(c)) {
            size_t j = i + 1;
            while (j < end && ascii_alnum(s[j])) j++;
            *saw_visible = 1;
            nb_token_ascii(b, s + i, j - i);
            i = j;
            continue;
        }
        if (c >= 0x80) return 1;
        if (c > ' ' && c < 0x7F) {
            *saw_visible = 1;
        } else if (!unika_is_ascii_space(c)) {
            /* invalid UTF-8 anywhere takes precedence, as on the Unicode path */
            size_t bad = unika_utf8_valid(s + i, end - i);
            if (bad)
                return unika_fail_at(err, UNIKA_EUTF8, FIELD, i + bad,
                                     "name: invalid UTF-8 at byte %zu", i + bad);
            return unika_fail_at(err, UNIKA_ENAME, FIELD, i + 1,
                                 "name: control character at position %zu", i + 1);
        }
        i++;
    }
    return 0;
}

/* ---- Unicode path ------------------------------------------------------ */

/* NFKC (COMPAT + COMPOSE), full case folding, combining marks stripped,
 * default-ignorable code points (soft hyphen, ZWJ, ZWNJ, ...) removed. */
#define NAME_UTF8PROC_OPTIONS                                                   \
    (UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | \
     UTF8PROC_STRIPMARK | UTF8PROC_IGNORE)

static int is_unicode_space(utf8proc_int32_t cp, utf8proc_category_t cat)
{
    return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
           cat == UTF8PROC_CATEGORY_ZP || (cp < 0x80 && unika_is_ascii_space((uint8_t)cp)) ||
           cp == 0x85;
}

/* Pass 1 over the raw input: refuse what has no stable meaning in a name
 * (controls, private use, unassigned), naming its character position. */
static int name_check_raw(const uint8_t *s, size_t begin, size_t end, int *saw_visible,
                          unika_error *err)
{
    uint64_t pos = unika_char_position(s, begin) - 1;
    for (size_t i = begin; i < end;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(s + i, (utf8proc_ssize_t)(end - i), &cp);
        if (n <= 0) /* cannot happen after unika_utf8_valid() */
            return unika_fail_at(err, UNIKA_EUTF8, FIELD, i + 1,
                                 "name: invalid UTF-8 at byte %zu", i + 1);
        pos++;
        utf8proc_category_t cat = utf8proc_category(cp);
        if (is_unicode_space(cp, cat)) {
            /* separator */
        } else if (cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CO ||
                   cat == UTF8PROC_CATEGORY_CN || cat == UTF8PROC_CATEGORY_CS) {
            return unika_fail_at(err, UNIKA_ENAME, FIELD, pos,
                                 "name: control, private-use or unassigned character at "
                                 "position %llu",
                                 (unsigned long long)pos);
        } else if (cat != UTF8PROC_CATEGORY_CF) {
            *saw_visible = 1;
        }
        i += (size_t)n;
    }
    return 0;
}

/* Is this (already normalised) code point part of a token? */
static int is_token_char(utf8proc_int32_t cp)
{
    /* Spacing modifier letters left after NFKC (U+02B9..U+02FF: prime, the
     * transliteration marks for hamza and ayn such as U+02BC and U+02BF,
     * stress marks) act as apostrophes, so they separate like "'" does. */
    if (cp >= 0x02B9 && cp <= 0x02FF) return 0;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
    /* marks survive STRIPMARK only if utf8proc ever keeps one; keep them in
     * the token rather than splitting a word */
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
        return 1;
    default:
        return 0;
    }
}

#define NAME_STACK_CODEPOINTS 512

static int name_unicode(name_builder *b, const uint8_t *s, size_t begin, size_t end,
                        int *saw_visible, unika_error *err)
{
    int rc = name_check_raw(s, begin, end, saw_visible, err);
    if (rc) return rc;

    utf8proc_int32_t stack[NAME_STACK_CODEPOINTS];
    utf8proc_int32_t *cps = stack;
    utf8proc_ssize_t n = utf8proc_decompose(s + begin, (utf8proc_ssize_t)(end - begin), stack,
                                            NAME_STACK_CODEPOINTS, NAME_UTF8PROC_OPTIONS);
    if (n > NAME_STACK_CODEPOINTS) {
        /* Only pathological inputs decompose this far (the raw input is at
         * most 1024 bytes): fall back to the heap. */
        cps = unika_malloc((size_t)n * sizeof *cps);
        if (!cps) return unika_fail_at(err, UNIKA_ENOMEM, FIELD, 0, "name: out of memory");
        utf8proc_ssize_t again = utf8proc_decompose(s + begin, (utf8proc_ssize_t)(end - begin),
                                                    cps, n, NAME_UTF8PROC_OPTIONS);
        if (again != n) n = again < 0 ? again : UTF8PROC_ERROR_OVERFLOW;
    }
    if (n >= 0) n = utf8proc_normalize_utf32(cps, n, NAME_UTF8PROC_OPTIONS);
    if (n < 0) {
        if (cps != stack) unika_free(cps);
        return unika_fail_at(err, UNIKA_EINTERNAL, FIELD, 0, "name: utf8proc: %s",
                             utf8proc_errmsg(n));
    }
    b->in_token = 0;
    for (utf8proc_ssize_t i = 0; i < n; i++) {
        utf8proc_int32_t cp = cps[i];
        if (cp == 0x0640) continue; /* ARABIC TATWEEL: typographic stretching only */
        if (is_token_char(cp)) {
            uint8_t enc[4];
            utf8proc_ssize_t k = utf8proc_encode_char(cp, enc);
            nb_append(b, enc, (size_t)k);
        } else {
            b->in_token = 0;
        }
    }
    if (cps != stack) unika_free(cps);
    return 0;
}

/* ---- public ------------------------------------------------------------ */

size_t unika_name_max_bytes(void)
{
    return UNIKA_NAME_MAX_BYTES;
}

int unika_normalize_name(char *dst, size_t dst_capacity, size_t *dst_len, const char *src,
                         size_t src_size, unika_error *err)
{
    if (dst_len) *dst_len = 0;
    if (!dst || dst_capacity == 0)
        return unika_fail_at(err, UNIKA_EINVAL, FIELD, 0, "name: no output buffer");
    dst[0] = '\0';
    if (!src) return unika_fail_at(err, UNIKA_EINVAL, FIELD, 0, "name: source is NULL");
    if (src_size > UNIKA_NAME_MAX_INPUT_BYTES)
        return unika_fail_at(err, UNIKA_ETOOLONG, FIELD, 0, "name: longer than %d bytes",
                             UNIKA_NAME_MAX_INPUT_BYTES);

    const uint8_t *s = (const uint8_t *)src;
    size_t begin, end;
    unika_trim(s, src_size, &begin, &end);
    if (begin == end) return unika_fail_at(err, UNIKA_EEMPTY, FIELD, 0, "name: empty");

    name_builder b;
    b.used = b.ntok = 0;
    b.in_token = b.overflow = 0;
    int saw_visible = 0;
    int rc = name_ascii(&b, s, begin, end, &saw_visible, err);
    if (rc == 1) {
        size_t bad = unika_utf8_valid(s, src_size);
        if (bad)
            return unika_fail_at(err, UNIKA_EUTF8, FIELD, bad, "name: invalid UTF-8 at byte %zu",
                                 bad);
        b.used = b.ntok = 0;
        b.in_token = b.overflow = 0;
        saw_visible = 0;
        rc = name_unicode(&b, s, begin, end, &saw_visible, err);
    }
    if (rc) return rc;
    return nb_emit(&b, dst, dst_capacity, dst_len, saw_visible, err);
}
