/*
 * values.c - a record's values to normalised text (values_private.h), for
 * pseudonyms and match keys alike.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "common/common.h"
#include "identity/values_private.h"

#define BIT(c) UNIKA_COLUMN_BIT(UNIKA_COLUMN_##c)

static int relabel(int rc, unika_error *err, const char *column)
{
    if (rc < 0 && err) snprintf(err->field, sizeof err->field, "%s", column);
    return rc;
}

/* The value's text, "" for an empty cell (the normaliser then says "empty"). */
static const char *text_of(const unika_values *v, unika_column c, size_t *n)
{
    int set = !(v->empty & UNIKA_COLUMN_BIT(c)) && v->text[c];
    *n = set ? v->size[c] : 0;
    return set ? v->text[c] : "";
}

int unika_values_name(char *dst, size_t cap, size_t *len, const unika_values *v,
                      unika_error *err)
{
    size_t n;
    const char *s = text_of(v, UNIKA_COLUMN_NAME, &n);
    return relabel(unika_normalize_name(dst, cap, len, s, n, err), err,
                   v->label[UNIKA_COLUMN_NAME] ? v->label[UNIKA_COLUMN_NAME] : "name");
}

int unika_values_country(char *dst, size_t cap, size_t *len, const unika_values *v,
                         unika_error *err)
{
    size_t n;
    const char *s = text_of(v, UNIKA_COLUMN_COUNTRY, &n);
    return relabel(unika_normalize_name(dst, cap, len, s, n, err), err, "country");
}

int unika_values_personnummer(char dst[UNIKA_PERSONNUMMER_BYTES], const unika_values *v,
                              unika_column *where, unika_error *err)
{
    size_t n;
    const char *s = text_of(v, UNIKA_COLUMN_PERSONNUMMER, &n);
    if (v->normalised & BIT(PERSONNUMMER)) { /* an id_auto number, normalised when read */
        memcpy(dst, s, 12);
        dst[12] = '\0';
        return UNIKA_OK;
    }
    /* The reference date decides the century of 10-digit forms: the
     * record's own, else the visit date, which must then be there. */
    const unika_date *ref = NULL;
    if (v->reference.year != 0) {
        ref = &v->reference;
    } else if (v->has & BIT(DATE)) {
        if (v->empty & BIT(DATE)) {
            if (where) *where = UNIKA_COLUMN_DATE;
            unika_date d;
            return relabel(unika_date_parse(&d, "", 0, NULL, err), err, "visit_date");
        }
        ref = &v->visit;
    }
    return relabel(unika_personnummer_normalize(dst, NULL, s, n, ref, err), err, "personnummer");
}

int unika_values_dossier(char dst[UNIKA_DOSSIER_BYTES], const unika_values *v, unika_error *err)
{
    size_t n;
    const char *s = text_of(v, UNIKA_COLUMN_DOSSIER, &n);
    if (v->normalised & BIT(DOSSIER)) {
        memcpy(dst, s, 8);
        dst[8] = '\0';
        return UNIKA_OK;
    }
    return relabel(unika_dossier_normalize(dst, s, n, err), err, "dossier");
}

int unika_values_digits(char *dst, size_t cap, size_t *len, const unika_values *v,
                        unika_error *err)
{
    size_t n;
    const char *s = text_of(v, UNIKA_COLUMN_DIGITS, &n);
    return relabel(unika_digits_normalize(dst, cap, len, s, n, err), err, "digits");
}

int unika_values_read(unika_values *v, const unika_record *r, unsigned need, unika_error *err)
{
    v->has = v->empty = v->normalised = 0;
    memset(v->column, 0, sizeof v->column);
    v->line = 0;
    unika_column failed = UNIKA_COLUMN_COUNT;
    int rc = unika_values_from_record(v, r, need, &failed, err);
    /* A parser names its own field ("birth_date"); the error names the
     * column the cell came from ("birth_year", "visit_date"). The joined
     * name and an id_auto number name themselves. */
    if (rc < 0 && failed != UNIKA_COLUMN_GIVEN_NAME && failed != UNIKA_COLUMN_ID_AUTO)
        relabel(rc, err, v->label[failed == UNIKA_COLUMN_BIRTH_YEAR ? UNIKA_COLUMN_BIRTH_DATE
                                                                    : failed]);
    return rc;
}

void unika_values_wipe(unika_values *v)
{
    if ((v->has & BIT(NAME)) && v->text[UNIKA_COLUMN_NAME] == v->name_buf)
        sodium_memzero(v->name_buf, v->size[UNIKA_COLUMN_NAME] + 1);
    if (v->normalised & BIT(PERSONNUMMER)) sodium_memzero(v->pnr_buf, sizeof v->pnr_buf);
    if (v->normalised & BIT(DOSSIER)) sodium_memzero(v->dossier_buf, sizeof v->dossier_buf);
}

void unika_values_locate(unika_error *err, const unika_values *v, unika_column value)
{
    if (!err) return;
    err->line = v->line;
    err->column = v->column[value];
}
