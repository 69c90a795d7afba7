/*
 * matchkey_values.c - the match keys of a record's values
 * (unika_matchkeys_from_values(), unika/matchkey.h).
 *
 * The values a profile row or a program gives (unika/record.h) are
 * normalised by the same rules as a pseudonym's fields (values.c), then
 * matchkey.c derives the keys. Every identifying value is optional here: a
 * match key file holds whatever a record has, and the resolver decides
 * what agrees. The personal text lives in stack buffers, wiped on return.
 */
#include <sodium.h>
#include <string.h>

#include "common/common.h"
#include "identity/values_private.h"
#include "unika/matchkey.h"

#define BIT(c) UNIKA_COLUMN_BIT(UNIKA_COLUMN_##c)

/* The values in `use` into in (pointing into nb); on a value's error its
 * column in *failed. */
static int normalise(unika_matchkey_input *in, unika_matchkey_text *nb, const unika_values *v,
                     unsigned use, unika_column *failed, unika_error *err)
{
    int rc = UNIKA_OK;
    size_t n;
    if (use & BIT(NAME)) {
        *failed = UNIKA_COLUMN_NAME;
        if ((rc = unika_values_name(nb->name, sizeof nb->name, &n, v, err)) < 0) return rc;
        in->name = nb->name;
        in->name_size = n;
    }
    if (use & BIT(BIRTH_DATE)) in->birth = v->birth;
    if (use & BIT(COUNTRY)) {
        *failed = UNIKA_COLUMN_COUNTRY;
        if ((rc = unika_values_country(nb->country, sizeof nb->country, &n, v, err)) < 0)
            return rc;
        in->country = nb->country;
        in->country_size = n;
    }
    if (use & BIT(PERSONNUMMER)) {
        *failed = UNIKA_COLUMN_PERSONNUMMER;
        if ((rc = unika_values_personnummer(nb->personnummer, v, failed, err)) < 0) return rc;
        in->personnummer = nb->personnummer;
    }
    if (use & BIT(DOSSIER)) {
        *failed = UNIKA_COLUMN_DOSSIER;
        if ((rc = unika_values_dossier(nb->dossier, v, err)) < 0) return rc;
        in->dossier = nb->dossier;
    }
    return rc;
}

int unika_matchkey_input_from_values(unika_matchkey_input *in, unika_matchkey_text *text,
                                     const unika_values *values, unsigned skip,
                                     unika_column *failed, unika_error *err)
{
    unika_column dummy;
    if (!failed) failed = &dummy;
    if (!in || !text || !values) return unika_fail(err, UNIKA_EINVAL, "match keys: NULL argument");
    memset(in, 0, sizeof *in);
    unsigned use = values->has & ~values->empty & ~skip & UNIKA_MATCHKEY_COLUMNS;
    in->gender = (use & BIT(GENDER)) ? values->gender : UNIKA_GENDER_UNKNOWN;
    int rc = normalise(in, text, values, use, failed, err);
    if (rc < 0) unika_values_locate(err, values, *failed);
    return rc;
}

int unika_matchkeys_from_values(unika_matchkeys *out, const unika_key *key,
                                const unika_values *values, unsigned skip, unika_column *failed,
                                unika_error *err)
{
    unika_column dummy;
    if (!failed) failed = &dummy;
    if (!out) return unika_fail(err, UNIKA_EINVAL, "match keys: out is NULL");
    out->count = 0;
    if (!key || !values) return unika_fail(err, UNIKA_EINVAL, "match keys: NULL argument");
    unika_matchkey_input in;
    unika_matchkey_text text;
    int rc = unika_matchkey_input_from_values(&in, &text, values, skip, failed, err);
    if (rc == UNIKA_OK) {
        rc = unika_matchkeys_derive(out, key, &in, err);
        /* derivation checks the birth date; no identity is about the name */
        *failed = rc == UNIKA_EFIELD ? UNIKA_COLUMN_NAME : UNIKA_COLUMN_BIRTH_DATE;
        if (rc < 0) unika_values_locate(err, values, *failed);
    }
    sodium_memzero(&text, sizeof text);
    return rc;
}

int unika_matchkeys_from_record(unika_matchkeys *out, const unika_key *key,
                                const unika_record *record, unika_error *err)
{
    if (!out) return unika_fail(err, UNIKA_EINVAL, "match keys: out is NULL");
    out->count = 0;
    if (!key || !record) return unika_fail(err, UNIKA_EINVAL, "match keys: NULL argument");
    unsigned need = UNIKA_MATCHKEY_COLUMNS;
    if (record->cell[UNIKA_COLUMN_PERSONNUMMER] || record->cell[UNIKA_COLUMN_ID_AUTO])
        need |= BIT(DATE); /* the century of 10-digit forms */
    unika_values v;
    int rc = unika_values_read(&v, record, need, err);
    if (rc == UNIKA_OK) rc = unika_matchkeys_from_values(out, key, &v, 0, NULL, err);
    unika_values_wipe(&v);
    return rc;
}

size_t unika_matchkeys_size(void) { return sizeof(unika_matchkeys); }
