/*
 * categories.c - a row's cells: period and --by values (categories.h), the
 * options that choose them, and what they need from a profile. One place
 * for `ingest` and `matchkeys`, so both count a row in the same cell.
 */
#include <stdlib.h>
#include <string.h>

#include "ingest/categories.h"
#include "ingest/ingest.h"
#include "unika/sketch_io.h"

_Static_assert(CLI_VALUE_BYTES == UNIKA_LABEL_VALUE_MAX + 1, "a --by value is a label value");

#define BIT(c) UNIKA_COLUMN_BIT(UNIKA_COLUMN_##c)

const char *const cli_grain_names[4] = {"half-year", "year", "month", "all"};
const char *const cli_by_names[4] = {"gender", "age_group", "country", "birth_year"};

void cli_categories_init(cli_categories *c)
{
    memset(c, 0, sizeof *c);
    c->grain = CLI_GRAIN_HALF;
    c->bands_text = CLI_AGE_BANDS_DEFAULT;
}

int cli_categories_period(cli_categories *c, const char *value)
{
    int k;
    for (k = 0; k < 4 && strcmp(value, cli_grain_names[k]); k++) {}
    if (k == 4) return cli_usage_error("--period must be half-year, year, month or all");
    c->grain = k;
    return 0;
}

int cli_categories_by(cli_categories *c, const char *value)
{
    int k;
    for (k = 0; k < 4 && strcmp(value, cli_by_names[k]); k++) {}
    if (k == 4) {
        static const char *const identifying[] = {"name", "given_name", "surname",
            "birth_date", "personnummer", "dossier", "id_auto", "name_loose",
            "birth_month", "digits"};
        for (size_t i = 0; i < sizeof identifying / sizeof *identifying; i++)
            if (!strcmp(value, identifying[i]))
                return cli_usage_error("--by %s: refused, it identifies people "
                                       "(its values would become labels and file names)",
                                       value);
        return cli_usage_error("--by must be gender, age_group, country or birth_year");
    }
    for (size_t i = 0; i < c->nby; i++)
        if (c->by[i] == k) return cli_usage_error("--by %s given twice", value);
    if (c->nby == CLI_MAX_BY) return cli_usage_error("at most %d --by fields", CLI_MAX_BY);
    c->by[c->nby++] = k;
    return 0;
}

static int parse_bands(cli_categories *c, const char *spec)
{
    c->nbands = 0;
    int next = 0;
    const char *s = spec;
    while (*s) {
        if (c->nbands == CLI_MAX_BANDS) return -1;
        char *end;
        if (*s < '0' || *s > '9') return -1;
        long lo = strtol(s, &end, 10);
        if (lo != next || (*end != '-' && *end != '+')) return -1;
        cli_band *b = &c->bands[c->nbands++];
        b->lo = (int)lo;
        s = end + 1;
        if (*end == '+' || *s == ',' || *s == '\0') { /* "25-" or "25+": open */
            if (*end == '-' && *s >= '0' && *s <= '9') return -1;
            b->hi = -1;
            snprintf(b->label, sizeof b->label, "%d+", b->lo);
            return *s == '\0' ? 0 : -1; /* open band must be last */
        }
        long hi = strtol(s, &end, 10);
        if (end == s || hi < lo || hi > 150) return -1;
        b->hi = (int)hi;
        snprintf(b->label, sizeof b->label, "%d-%d", b->lo, b->hi);
        next = (int)hi + 1;
        s = end;
        if (*s == ',') s++;
        else if (*s) return -1;
    }
    return -1; /* the last band must be open-ended, so every age has one */
}

int cli_categories_bands(cli_categories *c)
{
    if (parse_bands(c, c->bands_text) < 0)
        return cli_usage_error("--age-bands must be ascending, contiguous bands from 0, the last "
                               "open-ended, e.g. 0-17,18-20,21-24,25-");
    return 0;
}

int cli_valid_org(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64 || s[0] == '.') return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '.' || *s == '-' || *s == '_'))
            return 0;
    return 1;
}

int cli_categories_need(const cli_categories *c, const unika_profile *profile,
                        const char *profile_path, unsigned *need)
{
    int rc;
    if (c->grain != CLI_GRAIN_ALL) {
        if ((rc = cli_profile_check(profile, profile_path, BIT(DATE), "--period"))) return rc;
        *need |= BIT(DATE);
    }
    for (size_t i = 0; i < c->nby; i++) {
        unsigned n = c->by[i] == CLI_BY_GENDER     ? BIT(GENDER)
                   : c->by[i] == CLI_BY_COUNTRY    ? BIT(COUNTRY)
                   : c->by[i] == CLI_BY_BIRTH_YEAR ? BIT(BIRTH_DATE)
                   : BIT(BIRTH_DATE) | BIT(DATE);
        char why[64];
        snprintf(why, sizeof why, "--by %s", cli_by_names[c->by[i]]);
        if ((rc = cli_profile_check(profile, profile_path, n, why))) return rc;
        *need |= n;
    }
    return 0;
}

/* ---- a row's categories ------------------------------------------------------ */

/* Hand-formatted: it runs for every row. */
static void put_digits(char *dst, int v, int width)
{
    for (int i = width - 1; i >= 0; i--, v /= 10) dst[i] = (char)('0' + v % 10);
}

/* The one rule for period labels (unika_mk_period_label); CLI_GRAIN_* are
 * the file's periods less one. */
static void period_of(char *dst, int grain, const unika_date *d)
{
    unika_mk_period_label(dst, (unika_mk_period)(grain + 1), d->year, d->month);
}

/* Copies a short constant category value (< 32 bytes) without printf. */
static void copy_value(char *dst, const char *src)
{
    size_t n = strlen(src);
    memcpy(dst, src, n + 1);
}

/* Age in whole years at the visit. A birth known only to the year is taken
 * as 1 July (the middle of the year); only to the month, as its 15th. */
static int age_at(const unika_date *visit, const unika_date *birth)
{
    int bm = birth->month ? birth->month : 7;
    int bd = birth->day ? birth->day : (birth->month ? 15 : 1);
    int age = visit->year - birth->year;
    if (visit->month < bm || (visit->month == bm && visit->day < bd)) age--;
    return age;
}

/* Country as a category: ASCII letters lowered, spaces, tabs and control
 * characters collapsed to single spaces, anything else kept, so
 * "Afghanistan" and " afghanistan" are one value. A label value has at most
 * cap - 1 bytes; a longer one is cut on a UTF-8 character boundary. */
static void country_value(char *dst, size_t cap, const char *src, size_t n)
{
    size_t o = 0;
    int space = 0, cut = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)src[i];
        if (ch <= ' ' || ch == 0x7f) { space = o > 0; continue; }
        if (o + (space ? 2 : 1) >= cap) { cut = 1; break; }
        if (space) dst[o++] = ' ';
        space = 0;
        dst[o++] = (char)((ch >= 'A' && ch <= 'Z') ? ch + 32 : ch);
    }
    if (cut) /* drop a partial multi-byte character */
        while (o && ((unsigned char)dst[o - 1] & 0xC0) == 0x80) o--;
    if (cut && o && (unsigned char)dst[o - 1] >= 0xC0) o--;
    dst[o] = '\0';
}

/* age_group: the band of the age at the visit, "unknown" without a birth
 * or a visit date; a birth after the visit refuses the row. */
static int age_group(const cli_categories *c, const unika_values *v, unsigned set,
                     uint64_t line, char *out, unika_error *err)
{
    if ((set & (BIT(BIRTH_DATE) | BIT(DATE))) != (BIT(BIRTH_DATE) | BIT(DATE))) {
        copy_value(out, "unknown");
        return 0;
    }
    int age = age_at(&v->visit, &v->birth);
    if (age < 0) {
        int rc = cli_set_error(err, UNIKA_EDATE, "birth_date",
                               "line %llu: born after the visit date", (unsigned long long)line);
        err->column = v->column[UNIKA_COLUMN_BIRTH_DATE];
        return rc;
    }
    size_t b = 0;
    while (b + 1 < c->nbands && c->bands[b].hi >= 0 && age > c->bands[b].hi) b++;
    copy_value(out, c->bands[b].label);
    return 0;
}

int cli_categories_of(const cli_categories *c, const unika_values *v, uint64_t line,
                      char period[16], char value[][CLI_VALUE_BYTES], unika_error *err)
{
    unsigned set = v->has & ~v->empty;
    if (c->grain != CLI_GRAIN_ALL && !(set & BIT(DATE))) {
        int rc = cli_set_error(err, UNIKA_EEMPTY, "date", "line %llu: the visit date is empty",
                               (unsigned long long)line);
        err->column = v->column[UNIKA_COLUMN_DATE];
        return rc;
    }
    period_of(period, c->grain, &v->visit);
    for (size_t i = 0; i < c->nby; i++) {
        char *out = value[i];
        switch (c->by[i]) {
        case CLI_BY_GENDER: copy_value(out, unika_gender_code(unika_gender_fold(v->gender))); break;
        case CLI_BY_COUNTRY:
            if (set & BIT(COUNTRY))
                country_value(out, CLI_VALUE_BYTES, v->text[UNIKA_COLUMN_COUNTRY],
                              v->size[UNIKA_COLUMN_COUNTRY]);
            else copy_value(out, "unknown");
            break;
        case CLI_BY_BIRTH_YEAR:
            if (set & BIT(BIRTH_DATE)) {
                put_digits(out, v->birth.year, 4);
                out[4] = '\0';
            } else {
                copy_value(out, "unknown");
            }
            break;
        default: {
            int rc = age_group(c, v, set, line, out, err);
            if (rc) return rc;
        }
        }
    }
    return 0;
}

int cli_partner_args(const char **input, int argc, char **argv, const char *key,
                     const char *profile, const char *org)
{
    if (argc - optind != 1) return cli_usage_error("expected exactly one INPUT.csv");
    *input = argv[optind];
    if (!key) return cli_usage_error("--key K is required");
    if (!profile) return cli_usage_error("--profile P is required");
    if (!org) return cli_usage_error("--org NAME is required");
    if (!cli_valid_org(org))
        return cli_usage_error("--org must be 1..64 letters, digits, '.', '-' or '_', not "
                               "starting with '.'");
    return 0;
}
