/*
 * record.c - a record's cells become its values, each parsed once
 * (unika/record.h).
 *
 * Every way into a pseudonym passes here: a binding's raw record
 * (unika_pseudonym_from_record()) and a CSV row read through a profile
 * (unika_profile_read()). So a date, a gender code or an id_auto number is
 * parsed by one function, under one set of rules, whatever the source; the
 * pseudonym step then only normalises names and formats what was parsed.
 */
#include <stdio.h>
#include <string.h>

#include "common/common.h"
#include "identity/normalize_private.h"
#include "unika/record.h"

#define BIT(c) UNIKA_COLUMN_BIT(UNIKA_COLUMN_##c)

static const char *const column_names[UNIKA_COLUMN_COUNT] = {
    "visit_date", "name", "given_name", "surname", "birth_date", "birth_year",
    "gender", "country", "personnummer", "dossier", "digits", "id_auto",
};

size_t unika_record_column_count(void) { return UNIKA_COLUMN_COUNT; }

const char *unika_column_name(unika_column c)
{
    return (unsigned)c < UNIKA_COLUMN_COUNT ? column_names[c] : NULL;
}

int unika_record_set(unika_record *record, unika_column c, const char *src, size_t src_size)
{
    if (!record || (unsigned)c >= UNIKA_COLUMN_COUNT)
        return unika_fail(NULL, UNIKA_EINVAL, "record: NULL or unknown column");
    record->cell[c] = src;
    record->size[c] = src_size;
    return UNIKA_OK;
}

unsigned unika_recipe_needs(const unika_recipe *recipe)
{
    unsigned need = 0;
    for (size_t i = 0; i < unika_recipe_field_count(recipe); i++) {
        switch (unika_recipe_field_at(recipe, i)) {
        case UNIKA_FIELD_NAME:
        case UNIKA_FIELD_NAME_LOOSE: need |= BIT(NAME); break;
        case UNIKA_FIELD_BIRTH_DATE:
        case UNIKA_FIELD_BIRTH_YEAR:
        case UNIKA_FIELD_BIRTH_MONTH: need |= BIT(BIRTH_DATE); break;
        case UNIKA_FIELD_GENDER: need |= BIT(GENDER); break;
        case UNIKA_FIELD_COUNTRY: need |= BIT(COUNTRY); break;
        case UNIKA_FIELD_PERSONNUMMER: need |= BIT(PERSONNUMMER); break;
        case UNIKA_FIELD_DOSSIER: need |= BIT(DOSSIER); break;
        case UNIKA_FIELD_DIGITS: need |= BIT(DIGITS); break;
        }
    }
    return need;
}

/* ---- parsing ------------------------------------------------------------------ */

static int digits_at(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Whether pattern `pat` is the first of format `fmt` ("A | B ..."), or,
 * with `any`, one of them. */
static int has_pattern(const char *fmt, const char *pat, int any)
{
    size_t n = strlen(pat);
    for (const char *f = fmt;;) {
        while (*f == ' ') f++;
        const char *bar = strchr(f, '|'), *end = bar ? bar : f + strlen(f);
        while (end > f && end[-1] == ' ') end--;
        if ((size_t)(end - f) == n && !memcmp(f, pat, n)) return 1;
        if (!bar || !any) return 0;
        f = bar + 1;
    }
}

/* Fast path for the two shapes nearly every export uses, ISO dates and bare
 * years: 1 and *d set when `s` has the shape and is a valid date, else 0 and
 * the general parser decides (and words any error). This runs for every
 * row: a general parse costs more than the rest of the cell. An ISO date
 * is what the format means when its first pattern is YYYY-MM-DD; four
 * digits fit only a pattern that is YYYY alone (any other needs more). */
static int quick_date(unika_date *d, const char *s, size_t n, const char *fmt)
{
    if (n == 10 && s[4] == '-' && s[7] == '-' && (!fmt || has_pattern(fmt, "YYYY-MM-DD", 0))) {
        d->year = digits_at(s, 4);
        d->month = digits_at(s + 5, 2);
        d->day = digits_at(s + 8, 2);
    } else if (n == 4 && (!fmt || has_pattern(fmt, "YYYY", 1))) {
        d->year = digits_at(s, 4);
        d->month = d->day = 0;
    } else {
        return 0;
    }
    return d->year >= 0 && d->month >= 0 && d->day >= 0 && unika_date_valid(d);
}

static int parse_date(unika_date *d, const char *s, size_t n, const char *fmt, unika_error *err)
{
    return quick_date(d, s, n, fmt) ? UNIKA_OK : unika_date_parse(d, s, n, fmt, err);
}

/* Marks value column c as present (and empty when its cell is). */
static void have(unika_values *v, unika_column c, const char *label, int empty)
{
    v->has |= UNIKA_COLUMN_BIT(c);
    if (empty) v->empty |= UNIKA_COLUMN_BIT(c);
    v->label[c] = label;
}

static void forget(unika_values *v, unsigned columns)
{
    v->has &= ~columns;
    v->empty &= ~columns;
    v->normalised &= ~columns;
}

static int read_visit(unika_values *v, const unika_record *r, unika_error *err)
{
    const char *s = r->cell[UNIKA_COLUMN_DATE];
    size_t n = r->size[UNIKA_COLUMN_DATE];
    if (!s) return UNIKA_OK;
    have(v, UNIKA_COLUMN_DATE, "visit_date", n == 0);
    if (n == 0) return UNIKA_OK;
    int rc = parse_date(&v->visit, s, n, r->visit_date_format, err);
    if (rc == UNIKA_OK && !v->visit.day)
        rc = unika_fail(err, UNIKA_EDATE, "a visit date needs year, month and day");
    return rc;
}

/* NAME, or "GIVEN_NAME SURNAME" joined (token order is normalised away, so
 * the join order does not matter; an empty part is left out). */
static int read_name(unika_values *v, const unika_record *r, unika_error *err)
{
    const char *whole = r->cell[UNIKA_COLUMN_NAME];
    if (whole) {
        have(v, UNIKA_COLUMN_NAME, "name", r->size[UNIKA_COLUMN_NAME] == 0);
        v->text[UNIKA_COLUMN_NAME] = whole;
        v->size[UNIKA_COLUMN_NAME] = r->size[UNIKA_COLUMN_NAME];
        return UNIKA_OK;
    }
    const char *g = r->cell[UNIKA_COLUMN_GIVEN_NAME], *s = r->cell[UNIKA_COLUMN_SURNAME];
    if (!g && !s) return UNIKA_OK;
    size_t gs = g ? r->size[UNIKA_COLUMN_GIVEN_NAME] : 0, ss = s ? r->size[UNIKA_COLUMN_SURNAME] : 0;
    /* Each size is checked alone first, so the sum cannot wrap around. */
    if (gs > UNIKA_NAME_MAX_INPUT_BYTES || ss > UNIKA_NAME_MAX_INPUT_BYTES ||
        gs + 1 + ss > UNIKA_NAME_MAX_INPUT_BYTES)
        return unika_fail_at(err, UNIKA_ETOOLONG, "given_name+surname", 0,
                             "given_name+surname: expected at most %d bytes together",
                             UNIKA_NAME_MAX_INPUT_BYTES);
    size_t o = 0;
    if (gs) {
        memcpy(v->name_buf, g, gs);
        o = gs;
    }
    if (ss) {
        if (o) v->name_buf[o++] = ' ';
        memcpy(v->name_buf + o, s, ss);
        o += ss;
    }
    v->name_buf[o] = '\0';
    have(v, UNIKA_COLUMN_NAME, g && s ? "given_name+surname" : g ? "given_name" : "surname",
         o == 0);
    v->text[UNIKA_COLUMN_NAME] = v->name_buf;
    v->size[UNIKA_COLUMN_NAME] = o;
    return UNIKA_OK;
}

/* BIRTH_DATE, or BIRTH_YEAR when that is absent or empty. */
static int read_birth(unika_values *v, const unika_record *r, unika_column *failed,
                      unika_error *err)
{
    const char *d = r->cell[UNIKA_COLUMN_BIRTH_DATE], *y = r->cell[UNIKA_COLUMN_BIRTH_YEAR];
    size_t dn = d ? r->size[UNIKA_COLUMN_BIRTH_DATE] : 0, yn = y ? r->size[UNIKA_COLUMN_BIRTH_YEAR] : 0;
    if (!d && !y) return UNIKA_OK;
    if (dn) {
        have(v, UNIKA_COLUMN_BIRTH_DATE, "birth_date", 0);
        *failed = UNIKA_COLUMN_BIRTH_DATE;
        return parse_date(&v->birth, d, dn, r->birth_date_format, err);
    }
    if (yn) {
        have(v, UNIKA_COLUMN_BIRTH_DATE, "birth_year", 0);
        *failed = UNIKA_COLUMN_BIRTH_YEAR;
        return parse_date(&v->birth, y, yn, "YYYY", err);
    }
    have(v, UNIKA_COLUMN_BIRTH_DATE, d ? "birth_date" : "birth_year", 1);
    return UNIKA_OK;
}

static int equal_nocase(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn) return 0;
    for (size_t i = 0; i < an; i++) {
        int x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z') x += 32;
        if (y >= 'A' && y <= 'Z') y += 32;
        if (x != y) return 0;
    }
    return 1;
}

/* The source's own codes first, then the built-in ones; empty is unknown. */
static int read_gender(unika_values *v, const unika_record *r, unika_error *err)
{
    const char *s = r->cell[UNIKA_COLUMN_GENDER];
    size_t n = r->size[UNIKA_COLUMN_GENDER];
    if (!s) return UNIKA_OK;
    have(v, UNIKA_COLUMN_GENDER, "gender", n == 0);
    size_t b = 0, e = n;
    unika_trim((const uint8_t *)s, n, &b, &e);
    for (size_t i = 0; e > b && i < r->n_gender_codes; i++) {
        const char *code = r->gender_codes[i].code;
        if (code && equal_nocase(s + b, e - b, code, strlen(code))) {
            v->gender = r->gender_codes[i].gender;
            return UNIKA_OK;
        }
    }
    int rc = unika_gender_parse(&v->gender, s, n, err);
    if (rc == UNIKA_EGENDER && r->n_gender_codes) {
        /* Name the codes the partner's profile expects (its own text,
         * never the cell's), as a date error names its pattern. */
        char codes[160];
        size_t o = 0;
        for (size_t i = 0; i < r->n_gender_codes && o + 8 < sizeof codes; i++) {
            const char *code = r->gender_codes[i].code ? r->gender_codes[i].code : "";
            int w = snprintf(codes + o, sizeof codes - o, "%s%s", i ? ", " : "", code);
            if (w < 0 || (size_t)w >= sizeof codes - o) {
                snprintf(codes + o, sizeof codes - o, ", ...");
                break;
            }
            o += (size_t)w;
        }
        return unika_fail_at(err, UNIKA_EGENDER, "gender", 0,
                             "gender: expected %s (the profile's codes) or a built-in code",
                             codes);
    }
    return rc;
}

static size_t count_digits(const char *s, size_t n)
{
    size_t d = 0;
    for (size_t i = 0; i < n; i++) d += s[i] >= '0' && s[i] <= '9';
    return d;
}

/* One column, two kinds of number: the digit count decides, so the
 * classification never depends on whether a check digit happens to pass. */
static int read_id_auto(unika_values *v, const char *s, size_t n, unika_error *err)
{
    have(v, UNIKA_COLUMN_PERSONNUMMER, "personnummer", 1);
    have(v, UNIKA_COLUMN_DOSSIER, "dossier", 1);
    if (n == 0) return UNIKA_OK;
    size_t d = count_digits(s, n);
    int rc;
    if (d == 10 || d == 12) {
        const unika_date *ref = v->reference.year ? &v->reference
                              : (v->has & ~v->empty & BIT(DATE)) ? &v->visit : NULL;
        rc = unika_personnummer_normalize(v->pnr_buf, NULL, s, n, ref, err);
        if (rc < 0) return rc;
        v->empty &= ~BIT(PERSONNUMMER);
        v->normalised |= BIT(PERSONNUMMER);
        v->text[UNIKA_COLUMN_PERSONNUMMER] = v->pnr_buf;
        v->size[UNIKA_COLUMN_PERSONNUMMER] = strlen(v->pnr_buf);
        return UNIKA_OK;
    }
    if (d == 8) {
        rc = unika_dossier_normalize(v->dossier_buf, s, n, err);
        if (rc < 0) return rc;
        v->empty &= ~BIT(DOSSIER);
        v->normalised |= BIT(DOSSIER);
        v->text[UNIKA_COLUMN_DOSSIER] = v->dossier_buf;
        v->size[UNIKA_COLUMN_DOSSIER] = strlen(v->dossier_buf);
        return UNIKA_OK;
    }
    return unika_fail_at(err, UNIKA_EDIGITS, "id_auto", 0,
                         "neither a personnummer (10 or 12 digits) nor a dossier number "
                         "(8 digits)");
}

/* A value kept as written (normalised by the pseudonym step, per recipe). */
static void read_text(unika_values *v, const unika_record *r, unika_column c, const char *label)
{
    if (!r->cell[c]) return;
    have(v, c, label, r->size[c] == 0);
    v->text[c] = r->cell[c];
    v->size[c] = r->size[c];
}

int unika_values_from_record(unika_values *v, const unika_record *r, unsigned need,
                             unika_column *failed, unika_error *err)
{
    unika_column dummy;
    if (!failed) failed = &dummy;
    if (!v || !r) return unika_fail(err, UNIKA_EINVAL, "values: NULL argument");
    forget(v, need);
    v->reference = r->reference;
    int rc = UNIKA_OK;
    /* In the order of the columns, so the first bad cell is the one named. */
    if (need & BIT(DATE)) {
        *failed = UNIKA_COLUMN_DATE;
        rc = read_visit(v, r, err);
    }
    if (rc == UNIKA_OK && (need & BIT(NAME))) {
        *failed = UNIKA_COLUMN_GIVEN_NAME;
        rc = read_name(v, r, err);
    }
    if (rc == UNIKA_OK && (need & BIT(BIRTH_DATE))) rc = read_birth(v, r, failed, err);
    if (rc == UNIKA_OK && (need & BIT(GENDER))) {
        *failed = UNIKA_COLUMN_GENDER;
        rc = read_gender(v, r, err);
    }
    if (rc == UNIKA_OK && (need & BIT(COUNTRY))) read_text(v, r, UNIKA_COLUMN_COUNTRY, "country");
    if (rc == UNIKA_OK && (need & UNIKA_COLUMNS_ID)) {
        if (r->cell[UNIKA_COLUMN_ID_AUTO]) {
            *failed = UNIKA_COLUMN_ID_AUTO;
            rc = read_id_auto(v, r->cell[UNIKA_COLUMN_ID_AUTO], r->size[UNIKA_COLUMN_ID_AUTO], err);
        } else {
            read_text(v, r, UNIKA_COLUMN_PERSONNUMMER, "personnummer");
            read_text(v, r, UNIKA_COLUMN_DOSSIER, "dossier");
        }
    }
    if (rc == UNIKA_OK && (need & BIT(DIGITS))) read_text(v, r, UNIKA_COLUMN_DIGITS, "digits");
    return rc;
}
