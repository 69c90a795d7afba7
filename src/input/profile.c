/*
 * profile.c - partner profiles: parse the profile text, bind it to a CSV
 * header, and read each CSV record into its values (through
 * unika_values_from_record(), src/identity/record.c, which parses them).
 *
 * Why: the recipe is the partnership's agreement on what identifies a
 * person; the profile is each partner's statement of where those fields sit
 * in its own export and how it writes them. Keeping the two apart means a
 * partner can change export systems without touching the agreement, and the
 * mapping is a reviewable file rather than code. docs/profiles.md specifies
 * the format; every error names the profile line or the CSV line and column.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "common/suggest.h"
#include "unika/profile.h"

#define BIT(c) UNIKA_COLUMN_BIT(UNIKA_COLUMN_##c)

struct unika_profile {
    char *source;
    char *name;
    char delimiter;
    unsigned encoding;                     /* unika_encoding of the CSV */
    int encoding_set;
    char *header[UNIKA_COLUMN_COUNT];      /* mapped CSV header names, or NULL */
    char *date_format[2];                  /* for date, birth_date; NULL = by shape */
    unika_gender_map genders[UNIKA_PROFILE_MAX_GENDER_CODES]; /* codes trimmed */
    size_t ngenders;
    long index[UNIKA_COLUMN_COUNT];        /* bound CSV positions, -1 if none */
    uint64_t value_column[UNIKA_COLUMN_COUNT]; /* 1-based CSV column of each value */
    size_t header_fields;                  /* field count of the bound header */
    int bound;
};

/* The profile file's names for the columns (`column.<name>`): the record's
 * names, except that profiles call the visit date `date`; digits cannot be
 * mapped (NULL). */
static const char *column_key(int c)
{
    if (c == UNIKA_COLUMN_DATE) return "date";
    if (c == UNIKA_COLUMN_DIGITS) return NULL;
    return unika_column_name((unika_column)c);
}

const char *unika_profile_value_name(unika_column c)
{
    switch (c) {
    case UNIKA_COLUMN_DATE: return "date";
    case UNIKA_COLUMN_NAME: return "name";
    case UNIKA_COLUMN_BIRTH_DATE: return "birth";
    case UNIKA_COLUMN_GENDER:
    case UNIKA_COLUMN_COUNTRY:
    case UNIKA_COLUMN_PERSONNUMMER:
    case UNIKA_COLUMN_DOSSIER: return unika_column_name(c);
    default: return NULL;
    }
}

/* ---- small text helpers ------------------------------------------------ */

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static void trim(const char **s, size_t *n)
{
    while (*n && is_space(**s)) { (*s)++; (*n)--; }
    while (*n && is_space((*s)[*n - 1])) (*n)--;
}

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int equal_nocase(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn) return 0;
    for (size_t i = 0; i < an; i++)
        if (ascii_lower((unsigned char)a[i]) != ascii_lower((unsigned char)b[i])) return 0;
    return 1;
}

static char *dup_n(const char *s, size_t n)
{
    char *d = unika_malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* ---- parsing ------------------------------------------------------------ */

void unika_profile_free(unika_profile *p)
{
    if (!p) return;
    unika_free(p->source);
    unika_free(p->name);
    for (int i = 0; i < UNIKA_COLUMN_COUNT; i++) unika_free(p->header[i]);
    unika_free(p->date_format[0]);
    unika_free(p->date_format[1]);
    for (size_t i = 0; i < p->ngenders; i++) unika_free((char *)p->genders[i].code);
    unika_free(p);
}

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static int profile_fail(unika_error *err, int code, const char *source, size_t line,
                        const char *fmt, ...)
{
    char what[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (err) {
        err->line = line;
        err->column = 0;
    }
    return unika_fail(err, code, "%s:%zu: %s", source ? source : "profile", line, what);
}

static int parse_delimiter(char *out, const char *v, size_t n)
{
    static const struct { const char *word; char c; } words[] = {
        {"comma", ','}, {"semicolon", ';'}, {"tab", '\t'}, {"pipe", '|'}, {"\\t", '\t'},
    };
    if (n == 1 && unika_csv_delimiter_valid(v[0]) && !is_space(v[0])) {
        *out = v[0];
        return 0;
    }
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(words); i++)
        if (equal_nocase(v, n, words[i].word, strlen(words[i].word))) {
            *out = words[i].c;
            return 0;
        }
    return -1;
}

static int parse_gender_target(unika_gender *out, const char *v, size_t n)
{
    static const struct { const char *word; unika_gender g; } words[] = {
        {"M", UNIKA_GENDER_MALE},   {"male", UNIKA_GENDER_MALE},
        {"F", UNIKA_GENDER_FEMALE}, {"female", UNIKA_GENDER_FEMALE},
        {"X", UNIKA_GENDER_OTHER},  {"other", UNIKA_GENDER_OTHER},
        {"U", UNIKA_GENDER_UNKNOWN}, {"unknown", UNIKA_GENDER_UNKNOWN},
    };
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(words); i++)
        if (equal_nocase(v, n, words[i].word, strlen(words[i].word))) {
            *out = words[i].g;
            return 0;
        }
    return -1;
}

/* A date format is checked by formatting a known date with each of its
 * patterns ("A | B": unika_date_parse()) and parsing that back with the
 * whole format: the date parser is the one authority on what a format
 * means. Each pattern must read its own sample as 2001-02-03 (to its
 * precision), so no pattern takes dates another one means otherwise
 * ("MM/DD/YYYY | DD/MM/YYYY" is refused), and a visit date pattern must
 * have a day. */
static int check_date_format(const char *fmt, int full_date)
{
    for (const char *f = fmt;;) {
        const char *bar = strchr(f, '|'), *end = bar ? bar : f + strlen(f);
        char sample[UNIKA_DATE_FORMAT_MAX_BYTES * 2];
        size_t o = 0;
        int want_month = 0, want_day = 0;
        while (f < end && *f == ' ') f++;
        while (f < end && o + 5 < sizeof sample) {
            if (strncmp(f, "YYYY", 4) == 0) { memcpy(sample + o, "2001", 4); o += 4; f += 4; }
            else if (strncmp(f, "MM", 2) == 0) { memcpy(sample + o, "02", 2); o += 2; f += 2; want_month = 1; }
            else if (strncmp(f, "DD", 2) == 0) { memcpy(sample + o, "03", 2); o += 2; f += 2; want_day = 1; }
            else sample[o++] = *f++;
        }
        unika_date d;
        if (unika_date_parse(&d, sample, o, fmt, NULL) < 0 || d.year != 2001 ||
            d.month != (want_month ? 2 : 0) || d.day != (want_day ? 3 : 0) ||
            (full_date && !want_day))
            return -1;
        if (!bar) return 0;
        f = bar + 1;
    }
}

/* column.FIELD = the header of FIELD's column */
static int set_column(unika_profile *p, const char *field, size_t fn, const char *v, size_t vn,
                      size_t line, unika_error *err)
{
    const char *src = p->source;
    for (int c = 0; c < UNIKA_COLUMN_COUNT; c++) {
        const char *name = column_key(c);
        if (!name || !equal_nocase(field, fn, name, strlen(name))) continue;
        if (p->header[c])
            return profile_fail(err, UNIKA_EPROFILE, src, line, "column.%s repeated", name);
        return (p->header[c] = dup_n(v, vn)) ? 0 : unika_fail(err, UNIKA_ENOMEM, "out of memory");
    }
    return profile_fail(err, UNIKA_EPROFILE, src, line,
                        "unknown field '%.*s' (docs/profiles.md lists them)",
                        (int)(fn > 32 ? 32 : fn), field);
}

/* date_format.date or date_format.birth_date = patterns joined by '|' */
static int set_date_format(unika_profile *p, const char *key, size_t kn, const char *v, size_t vn,
                           size_t line, unika_error *err)
{
    const char *src = p->source, *field = key + 12;
    size_t fn = kn - 12;
    int which = -1;
    if (equal_nocase(field, fn, "date", 4)) which = 0;
    else if (equal_nocase(field, fn, "birth_date", 10)) which = 1;
    if (which < 0)
        return profile_fail(err, UNIKA_EPROFILE, src, line,
                            "date_format applies to date or birth_date only");
    if (p->date_format[which])
        return profile_fail(err, UNIKA_EPROFILE, src, line, "%.*s repeated", (int)kn, key);
    if (vn >= UNIKA_DATE_FORMAT_MAX_BYTES)
        return profile_fail(err, UNIKA_EPROFILE, src, line, "date format too long");
    p->date_format[which] = dup_n(v, vn);
    if (!p->date_format[which]) return unika_fail(err, UNIKA_ENOMEM, "out of memory");
    if (check_date_format(p->date_format[which], which == 0) < 0)
        return profile_fail(err, UNIKA_EPROFILE, src, line,
                            which == 0 ? "invalid date format for the visit date (use "
                                         "YYYY, MM, DD and punctuation; patterns "
                                         "separated by '|', each a full date, none "
                                         "taking another's dates)"
                                       : "invalid date format (use YYYY, MM, DD and "
                                         "punctuation; patterns separated by '|', none "
                                         "taking another's dates)");
    return 0;
}

/* gender.CODE = M, F, X or U */
static int set_gender_code(unika_profile *p, const char *field, size_t fn, const char *v, size_t vn,
                           size_t line, unika_error *err)
{
    const char *src = p->source;
    unika_gender g;
    if (parse_gender_target(&g, v, vn) < 0)
        return profile_fail(err, UNIKA_EPROFILE, src, line, "gender code must map to M, F, X or U");
    for (size_t i = 0; i < p->ngenders; i++)
        if (equal_nocase(p->genders[i].code, strlen(p->genders[i].code), field, fn))
            return profile_fail(err, UNIKA_EPROFILE, src, line, "gender code repeated");
    if (p->ngenders == UNIKA_PROFILE_MAX_GENDER_CODES)
        return profile_fail(err, UNIKA_EPROFILE, src, line, "more than %d gender codes",
                            UNIKA_PROFILE_MAX_GENDER_CODES);
    unika_gender_map *gc = &p->genders[p->ngenders];
    if (!(gc->code = dup_n(field, fn))) return unika_fail(err, UNIKA_ENOMEM, "out of memory");
    gc->gender = g;
    p->ngenders++;
    return 0;
}

static int set_key(unika_profile *p, const char *key, size_t kn, const char *v, size_t vn,
                   size_t line, unika_error *err)
{
    const char *src = p->source;
    if (vn == 0)
        return profile_fail(err, UNIKA_EPROFILE, src, line, "key '%.*s' has no value",
                            (int)kn, key);
    if (equal_nocase(key, kn, "name", 4)) {
        if (p->name) return profile_fail(err, UNIKA_EPROFILE, src, line, "'name' repeated");
        return (p->name = dup_n(v, vn)) ? 0 : unika_fail(err, UNIKA_ENOMEM, "out of memory");
    }
    if (equal_nocase(key, kn, "encoding", 8)) {
        if (p->encoding_set) return profile_fail(err, UNIKA_EPROFILE, src, line, "'encoding' repeated");
        if (unika_encoding_from_name(&p->encoding, v, vn) < 0)
            return profile_fail(err, UNIKA_EPROFILE, src, line,
                                "encoding must be utf-8, windows-1252, utf-16, utf-16le or "
                                "utf-16be");
        p->encoding_set = 1;
        return 0;
    }
    if (equal_nocase(key, kn, "delimiter", 9)) {
        if (parse_delimiter(&p->delimiter, v, vn) < 0)
            return profile_fail(err, UNIKA_EPROFILE, src, line,
                                "delimiter must be one ASCII character other than quote "
                                "or space, or comma, semicolon, tab, pipe");
        return 0;
    }
    if (kn > 7 && equal_nocase(key, 7, "column.", 7))
        return set_column(p, key + 7, kn - 7, v, vn, line, err);
    if (kn > 12 && equal_nocase(key, 12, "date_format.", 12))
        return set_date_format(p, key, kn, v, vn, line, err);
    if (kn > 7 && equal_nocase(key, 7, "gender.", 7))
        return set_gender_code(p, key + 7, kn - 7, v, vn, line, err);
    return profile_fail(err, UNIKA_EPROFILE, src, line, "unknown key '%.*s'",
                        (int)(kn > 40 ? 40 : kn), key);
}

/* Every 'key = value' line of the profile's text, a UTF-8 BOM skipped,
 * blank lines and '#' comments ignored. */
static int parse_lines(unika_profile *p, const char *src, size_t n, unika_error *err)
{
    size_t line = 0;
    const char *s = src, *end = src + n;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3;
    while (s < end) {
        line++;
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *e = nl ? nl : end;
        const char *l = s;
        size_t ln = (size_t)(e - s);
        s = nl ? nl + 1 : end;
        trim(&l, &ln);
        if (ln == 0 || l[0] == '#') continue;
        if (memchr(l, '\0', ln))
            return profile_fail(err, UNIKA_EPROFILE, p->source, line, "NUL byte");
        const char *eq = memchr(l, '=', ln);
        if (!eq)
            return profile_fail(err, UNIKA_EPROFILE, p->source, line, "expected 'key = value'");
        const char *k = l, *v = eq + 1;
        size_t kn = (size_t)(eq - l), vn = ln - kn - 1;
        trim(&k, &kn);
        trim(&v, &vn);
        /* `delimiter = "` style quoting is not supported; a value in double
         * quotes is taken without them so column names may keep spaces. */
        if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"') { v++; vn -= 2; }
        int rc = set_key(p, k, kn, v, vn, line, err);
        if (rc < 0) return rc;
    }
    return 0;
}

/* Why the keys, each valid alone, do not make a profile together; NULL
 * when they do. */
static const char *incoherence(const unika_profile *p)
{
    int any = 0;
    for (int i = 0; i < UNIKA_COLUMN_COUNT; i++) any |= p->header[i] != NULL;
    if (!any) return "maps no column";
    if (p->header[UNIKA_COLUMN_NAME] &&
        (p->header[UNIKA_COLUMN_GIVEN_NAME] || p->header[UNIKA_COLUMN_SURNAME]))
        return "maps both column.name and a split name (given_name/surname)";
    if (p->header[UNIKA_COLUMN_ID_AUTO] &&
        (p->header[UNIKA_COLUMN_PERSONNUMMER] || p->header[UNIKA_COLUMN_DOSSIER]))
        return "maps column.id_auto together with column.personnummer or column.dossier";
    if (p->date_format[0] && !p->header[UNIKA_COLUMN_DATE])
        return "has date_format.date but no column.date";
    if (p->date_format[1] && !p->header[UNIKA_COLUMN_BIRTH_DATE])
        return "has date_format.birth_date but no column.birth_date";
    if (p->ngenders && !p->header[UNIKA_COLUMN_GENDER])
        return "maps gender codes but no column.gender";
    return NULL;
}

int unika_profile_parse(unika_profile **out, const char *src, size_t n, const char *source,
                        unika_error *err)
{
    if (!out || (!src && n)) return unika_fail(err, UNIKA_EINVAL, "profile: NULL argument");
    *out = NULL;
    if (n > UNIKA_PROFILE_MAX_BYTES)
        return unika_fail(err, UNIKA_EPROFILE, "%s: larger than %u bytes",
                          source ? source : "profile", UNIKA_PROFILE_MAX_BYTES);
    size_t bad = unika_utf8_valid(src, n);
    if (bad)
        return unika_fail(err, UNIKA_EUTF8, "%s: invalid UTF-8 at byte %zu",
                          source ? source : "profile", bad);
    unika_profile *p = unika_calloc(1, sizeof *p);
    if (!p) return unika_fail(err, UNIKA_ENOMEM, "out of memory");
    p->delimiter = ',';
    for (int i = 0; i < UNIKA_COLUMN_COUNT; i++) p->index[i] = -1;
    if (source && !(p->source = dup_n(source, strlen(source)))) {
        unika_profile_free(p);
        return unika_fail(err, UNIKA_ENOMEM, "out of memory");
    }

    int rc = parse_lines(p, src, n, err);
    if (rc < 0) {
        unika_profile_free(p);
        return rc;
    }
    const char *why = incoherence(p);
    if (why) {
        rc = unika_fail(err, UNIKA_EPROFILE, "%s: profile %s", source ? source : "profile", why);
        if (err) err->line = 0;
        unika_profile_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

int unika_profile_load(unika_profile **out, const char *path, unika_error *err)
{
    if (!out || !path) return unika_fail(err, UNIKA_EINVAL, "profile: NULL argument");
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return unika_fail(err, errno == ENOENT ? UNIKA_ENOENT : UNIKA_EIO, "%s: %s", path,
                          strerror(errno));
    char *buf = unika_malloc(UNIKA_PROFILE_MAX_BYTES + 1);
    if (!buf) {
        fclose(f);
        return unika_fail(err, UNIKA_ENOMEM, "out of memory");
    }
    size_t n = fread(buf, 1, UNIKA_PROFILE_MAX_BYTES + 1, f);
    int bad = ferror(f);
    fclose(f);
    int rc;
    if (bad) rc = unika_fail(err, UNIKA_EIO, "%s: read failed", path);
    else rc = unika_profile_parse(out, buf, n, path, err);
    unika_free(buf);
    return rc;
}

char unika_profile_delimiter(const unika_profile *p)
{
    return p ? p->delimiter : ',';
}

unsigned unika_profile_encoding(const unika_profile *p)
{
    return p ? p->encoding : UNIKA_ENCODING_UTF8;
}

const char *unika_profile_name(const unika_profile *p)
{
    return p && p->name ? p->name : "";
}

const char *unika_profile_header(const unika_profile *p, unika_column c)
{
    return p && (unsigned)c < UNIKA_COLUMN_COUNT ? p->header[c] : NULL;
}

unsigned unika_profile_provides(const unika_profile *p)
{
    if (!p) return 0;
    unsigned m = 0;
    char *const *h = p->header;
    if (h[UNIKA_COLUMN_DATE]) m |= BIT(DATE);
    if (h[UNIKA_COLUMN_NAME] || h[UNIKA_COLUMN_GIVEN_NAME] || h[UNIKA_COLUMN_SURNAME])
        m |= BIT(NAME);
    if (h[UNIKA_COLUMN_BIRTH_DATE] || h[UNIKA_COLUMN_BIRTH_YEAR]) m |= BIT(BIRTH_DATE);
    if (h[UNIKA_COLUMN_GENDER]) m |= BIT(GENDER);
    if (h[UNIKA_COLUMN_COUNTRY]) m |= BIT(COUNTRY);
    if (h[UNIKA_COLUMN_PERSONNUMMER] || h[UNIKA_COLUMN_ID_AUTO]) m |= BIT(PERSONNUMMER);
    if (h[UNIKA_COLUMN_DOSSIER] || h[UNIKA_COLUMN_ID_AUTO]) m |= BIT(DOSSIER);
    return m;
}

/* ---- binding -------------------------------------------------------------- */

/* The first of the columns (-1 ends the list) the profile maps, 1-based; 0 if none. */
static uint64_t first_mapped(const unika_profile *p, const int *columns)
{
    for (; *columns >= 0; columns++)
        if (p->index[*columns] >= 0) return (uint64_t)p->index[*columns] + 1;
    return 0;
}

/* Where each value comes from in the bound file, for messages. */
static void value_columns(unika_profile *p)
{
    static const int name[] = {UNIKA_COLUMN_NAME, UNIKA_COLUMN_GIVEN_NAME, UNIKA_COLUMN_SURNAME, -1};
    static const int birth[] = {UNIKA_COLUMN_BIRTH_DATE, UNIKA_COLUMN_BIRTH_YEAR, -1};
    static const int pnr[] = {UNIKA_COLUMN_PERSONNUMMER, UNIKA_COLUMN_ID_AUTO, -1};
    static const int dossier[] = {UNIKA_COLUMN_DOSSIER, UNIKA_COLUMN_ID_AUTO, -1};
    for (int c = 0; c < UNIKA_COLUMN_COUNT; c++)
        p->value_column[c] = p->index[c] >= 0 ? (uint64_t)p->index[c] + 1 : 0;
    p->value_column[UNIKA_COLUMN_NAME] = first_mapped(p, name);
    p->value_column[UNIKA_COLUMN_BIRTH_DATE] = first_mapped(p, birth);
    p->value_column[UNIKA_COLUMN_PERSONNUMMER] = first_mapped(p, pnr);
    p->value_column[UNIKA_COLUMN_DOSSIER] = first_mapped(p, dossier);
}

/* Header cell i, trimmed. */
static const char *header_cell(const unika_csv *csv, size_t i, size_t *len)
{
    const char *h = unika_csv_field(csv, i, len);
    trim(&h, len);
    return h;
}

long unika_profile_find_column(const unika_profile *p, const unika_csv *csv, unika_column c,
                               long *near)
{
    if (near) *near = -1;
    if (!p || !csv || (unsigned)c >= UNIKA_COLUMN_COUNT || !p->header[c]) return -1;
    const char *want = p->header[c];
    size_t nf = unika_csv_field_count(csv), wn = strlen(want), best_d = (size_t)-1;
    long found = -2;
    for (size_t i = 0; i < nf; i++) {
        size_t len;
        const char *h = header_cell(csv, i, &len);
        if (equal_nocase(h, len, want, wn)) {
            if (found >= 0) {
                if (near) *near = (long)i;
                return -3;
            }
            found = (long)i;
            continue;
        }
        size_t d = unika_edit_distance(want, wn, h, len);
        if (d < best_d && unika_suggest_close(want, wn, d)) {
            best_d = d;
            if (near) *near = (long)i;
        }
    }
    if (found >= 0 && near) *near = -1;
    return found;
}

int unika_profile_header_is_data(const unika_csv *csv)
{
    size_t nf = unika_csv_field_count(csv);
    for (size_t i = 0; i < nf; i++) {
        size_t len, run = 0;
        const char *h = unika_csv_field(csv, i, &len);
        for (size_t k = 0; k < len; k++) {
            run = h[k] >= '0' && h[k] <= '9' ? run + 1 : 0;
            if (run == 4) return 1;
        }
    }
    return 0;
}

/* Appends the header's names to msg (", "-separated, "..." when they do
 * not all fit). Only for a header that does not look like data. */
static void append_header(char *msg, size_t cap, const unika_csv *csv, int sentence)
{
    size_t nf = unika_csv_field_count(csv), o = strlen(msg);
    int n = snprintf(msg + o, cap - o, "%s header has %zu column%s: ",
                     sentence ? " The" : "; the", nf, nf == 1 ? "" : "s");
    if (n < 0 || (size_t)n >= cap - o) return;
    o += (size_t)n;
    for (size_t i = 0; i < nf; i++) {
        size_t len;
        const char *h = header_cell(csv, i, &len);
        const char *sep = i ? ", " : "";
        if (o + strlen(sep) + len + 5 >= cap) { /* room for ", ..." */
            snprintf(msg + o, cap - o, "%s...", sep);
            return;
        }
        o += (size_t)snprintf(msg + o, cap - o, "%s%.*s", sep, (int)len, h);
    }
}

/* The message for a column the header lacks: the delimiter hint for a
 * single-field header, else a suggestion and the header's names, unless
 * the first line looks like data (its cells may be identifiers). */
static int missing_column(const unika_profile *p, const unika_csv *csv, int c, long near,
                          unika_error *err)
{
    const char *want = p->header[c];
    unsigned long long line = (unsigned long long)unika_csv_line(csv);
    size_t nf = unika_csv_field_count(csv);
    if (err) { err->line = line; err->column = 0; }
    if (nf == 1)
        return unika_fail_at(err, UNIKA_ECOLUMN, want, 0,
                             "header line %llu: missing column '%s' (%s); the header has a "
                             "single field, so the file's delimiter is probably not the "
                             "profile's '%c'", line, want, column_key(c),
                             p->delimiter == '\t' ? 'T' : p->delimiter);
    char msg[UNIKA_ERROR_MESSAGE_BYTES];
    snprintf(msg, sizeof msg, "header line %llu: missing column '%s' (%s)", line, want,
             column_key(c));
    size_t n = strlen(msg); /* not snprintf's count: a long name is cut */
    if (unika_profile_header_is_data(csv)) {
        snprintf(msg + n, sizeof msg - n, "; the first line holds numbers, as data does: the "
                 "file needs its header line");
    } else {
        if (near >= 0) {
            size_t len;
            const char *h = header_cell(csv, (size_t)near, &len);
            snprintf(msg + n, sizeof msg - n, "; did you mean '%.*s'?", (int)len, h);
        }
        append_header(msg, sizeof msg, csv, near >= 0);
    }
    return unika_fail_at(err, UNIKA_ECOLUMN, want, 0, "%s", msg);
}

int unika_profile_bind(unika_profile *p, const unika_csv *csv, unika_error *err)
{
    if (!p || !csv) return unika_fail(err, UNIKA_EINVAL, "profile: NULL argument");
    size_t nf = unika_csv_field_count(csv);
    if (nf == 0) return unika_fail(err, UNIKA_EINVAL, "profile: no header record to bind to");
    p->bound = 0;
    for (int c = 0; c < UNIKA_COLUMN_COUNT; c++) {
        long near;
        p->index[c] = unika_profile_find_column(p, csv, (unika_column)c, &near);
        if (p->index[c] == -2) return missing_column(p, csv, c, near, err);
        if (p->index[c] == -3) {
            if (err) { err->line = unika_csv_line(csv); err->column = (uint64_t)near + 1; }
            return unika_fail_at(err, UNIKA_ECOLUMN, p->header[c], 0,
                                 "header line %llu: column '%s' (%s) appears twice",
                                 (unsigned long long)unika_csv_line(csv), p->header[c],
                                 column_key(c));
        }
    }
    p->header_fields = nf;
    p->bound = 1;
    value_columns(p);
    return 0;
}

long unika_profile_column_index(const unika_profile *p, unika_column c)
{
    if (!p || !p->bound || (unsigned)c >= UNIKA_COLUMN_COUNT) return -1;
    return p->index[c];
}

/* ---- extraction ------------------------------------------------------------ */

/* Rewrites a normaliser's failure so it says where: CSV line, column, header
 * name and canonical field. The normaliser's message never holds the value. */
static int cell_fail(unika_error *err, int rc, const unika_csv *csv, long col,
                     const char *field)
{
    if (!err) return rc;
    char inner[UNIKA_ERROR_MESSAGE_BYTES];
    /* Normalisers open with their own field name ("birth_date: ..."); the
     * wrapper names the field itself, and a date parser's name would be
     * wrong for a visit date. */
    const char *m = err->message;
    size_t fl = strlen(err->field);
    if (fl && strncmp(m, err->field, fl) == 0 && m[fl] == ':' && m[fl + 1] == ' ') m += fl + 2;
    snprintf(inner, sizeof inner, "%s", m);
    uint64_t pos = err->position;
    const char *hdr = unika_csv_header_name(csv, (size_t)col);
    err->line = unika_csv_line(csv);
    err->column = (uint64_t)col + 1;
    if (hdr)
        return unika_fail_at(err, rc, field, pos, "line %llu, column %ld (%s, %s): %s",
                             (unsigned long long)err->line, col + 1, hdr, field, inner);
    return unika_fail_at(err, rc, field, pos, "line %llu, column %ld (%s): %s",
                         (unsigned long long)err->line, col + 1, field, inner);
}

/* A cell, trimmed; "" (not NULL) when empty. */
static const char *cell(const unika_csv *csv, long col, size_t *n)
{
    const char *s = unika_csv_field(csv, (size_t)col, n);
    trim(&s, n);
    return s ? s : "";
}

/* The profile's name for the field whose cell failed. */
static const char *failed_field(unika_column c, const unika_error *err)
{
    switch (c) {
    case UNIKA_COLUMN_DATE: return "date";
    case UNIKA_COLUMN_GIVEN_NAME: return "name";
    case UNIKA_COLUMN_ID_AUTO: return err ? err->field : "id_auto"; /* as its parser says */
    default: return unika_column_name(c);
    }
}

int unika_profile_read(unika_values *v, const unika_profile *p, const unika_csv *csv,
                       unsigned need, unika_error *err)
{
    if (!v || !p || !csv) return unika_fail(err, UNIKA_EINVAL, "profile: NULL argument");
    if (!p->bound) return unika_fail(err, UNIKA_EINVAL, "profile: not bound to a header");
    size_t nf = unika_csv_field_count(csv);
    if (nf != p->header_fields) {
        if (err) {
            err->line = unika_csv_line(csv);
            err->column = (nf < p->header_fields ? nf : p->header_fields) + 1;
        }
        return unika_fail_at(err, UNIKA_ECSV, "", 0,
                             "line %llu: record has %zu fields, the header has %zu",
                             (unsigned long long)unika_csv_line(csv), nf, p->header_fields);
    }
    unika_record rec;
    memset(&rec, 0, sizeof rec);
    for (int c = 0; c < UNIKA_COLUMN_COUNT; c++)
        if (p->index[c] >= 0) rec.cell[c] = cell(csv, p->index[c], &rec.size[c]);
    rec.visit_date_format = p->date_format[0];
    rec.birth_date_format = p->date_format[1];
    rec.gender_codes = p->genders;
    rec.n_gender_codes = p->ngenders;
    unika_column failed = UNIKA_COLUMN_COUNT;
    int rc = unika_values_from_record(v, &rec, need, &failed, err);
    /* Where each value sits, and the profile's names for them: a name is
     * "name" however it is split, a birth "birth_date" whatever its column. */
    v->line = unika_csv_line(csv);
    memcpy(v->column, p->value_column, sizeof v->column);
    v->label[UNIKA_COLUMN_NAME] = "name";
    v->label[UNIKA_COLUMN_BIRTH_DATE] = "birth_date";
    if (rc < 0) {
        char field[UNIKA_ERROR_FIELD_BYTES];
        snprintf(field, sizeof field, "%s", failed_field(failed, err));
        return cell_fail(err, rc, csv, p->index[failed], field);
    }
    return 0;
}
