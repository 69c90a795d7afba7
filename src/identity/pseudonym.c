/*
 * pseudonym.c - keyed pseudonyms of normalised identities.
 *
 * pseudonym = BLAKE2b-256(key = pseudonym subkey, message = encoding), with
 *
 *   encoding = "unika-pseudonym"        15 bytes, ASCII, no NUL
 *              version                   1 byte, 0x01
 *              recipe fingerprint       16 bytes
 *              field count n             1 byte
 *              n times: field id         1 byte (pinned unika_field number)
 *                       value length     4 bytes, little-endian
 *                       value            the normalised bytes (UTF-8)
 *
 * Why each part: the length prefixes make the encoding injective, so
 * ("ab","c") and ("a","bc") never hash the same input; the recipe
 * fingerprint and field ids put the recipe in the domain, so two recipes
 * never share a pseudonym even when their values happen to be equal; the
 * constant prefix and version byte let a future encoding coexist. The key is
 * the pseudonym subkey, never the partnership key itself (docs/keys.md).
 *
 * A record's values (unika/record.h: parsed once, in record.c) become the
 * recipe's normalised fields here; the table `field_normalisers` says, per
 * recipe field, which value is read and how. Everything personal is held
 * only in stack buffers that are wiped.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "common/common.h"
#include "identity/key_private.h"
#include "identity/values_private.h"
#include "unika/name_loose.h"
#include "unika/pseudonym.h"

#define ENC_PREFIX "unika-pseudonym"
#define ENC_PREFIX_BYTES (sizeof ENC_PREFIX - 1)
#define ENC_HEADER_BYTES (ENC_PREFIX_BYTES + 1 + UNIKA_FINGERPRINT_BYTES + 1) /* 33 */
#define ENC_FIELD_OVERHEAD 5 /* id + u32 length */
/* +1: normalisers write a NUL after the value; the next field overwrites it. */
#define ENC_MAX (ENC_HEADER_BYTES + UNIKA_RECIPE_MAX_FIELDS * \
                 (ENC_FIELD_OVERHEAD + UNIKA_PSEUDONYM_VALUE_MAX) + 1)

_Static_assert(UNIKA_NAME_MAX_BYTES <= UNIKA_PSEUDONYM_VALUE_MAX + 1,
               "a normalised name fits a field value");
_Static_assert(UNIKA_NAME_LOOSE_MAX_BYTES <= UNIKA_PSEUDONYM_VALUE_MAX + 1,
               "a loose name key fits a field value");
_Static_assert(UNIKA_DIGITS_MAX_BYTES <= UNIKA_PSEUDONYM_VALUE_MAX + 1,
               "digits fit a field value");
_Static_assert(UNIKA_RECIPE_MAX_FIELDS <= 255, "field count is one byte");

size_t unika_pseudonym_hex_bytes(void) { return UNIKA_PSEUDONYM_HEX_BYTES; }

/* ---- the encoding and the hash ------------------------------------------- */

static size_t enc_header(uint8_t *enc, const unika_recipe *recipe)
{
    memcpy(enc, ENC_PREFIX, ENC_PREFIX_BYTES);
    enc[ENC_PREFIX_BYTES] = UNIKA_PSEUDONYM_VERSION;
    memcpy(enc + ENC_PREFIX_BYTES + 1, unika_recipe_fingerprint_ptr(recipe),
           UNIKA_FINGERPRINT_BYTES);
    enc[ENC_HEADER_BYTES - 1] = (uint8_t)unika_recipe_field_count(recipe);
    return ENC_HEADER_BYTES;
}

static void enc_hash(uint8_t dst[UNIKA_PSEUDONYM_BYTES], const uint8_t *enc, size_t len,
                     const unika_key *key)
{
    crypto_generichash(dst, UNIKA_PSEUDONYM_BYTES, enc, len,
                       unika_key_pseudonym_subkey(key), 32);
}

int unika_pseudonym_from_fields(uint8_t dst[UNIKA_PSEUDONYM_BYTES], const unika_key *key,
                                const unika_recipe *recipe, const char *const *values,
                                const size_t *sizes, size_t n, unika_error *err)
{
    if (!dst) return unika_fail(err, UNIKA_EINVAL, "pseudonym: dst is NULL");
    memset(dst, 0, UNIKA_PSEUDONYM_BYTES);
    if (!key || !recipe || (n && (!values || !sizes)))
        return unika_fail(err, UNIKA_EINVAL, "pseudonym: NULL argument");
    if (n != unika_recipe_field_count(recipe))
        return unika_fail(err, UNIKA_ERECIPE, "pseudonym: recipe %s has %zu fields, got %zu",
                          unika_recipe_name(recipe), unika_recipe_field_count(recipe), n);
    uint8_t enc[ENC_MAX];
    size_t pos = enc_header(enc, recipe);
    int rc = UNIKA_OK;
    for (size_t i = 0; i < n; i++) {
        unika_field f = unika_recipe_field_at(recipe, i);
        const char *fname = unika_field_name(f);
        if (sizes[i] == 0) {
            rc = unika_fail_at(err, UNIKA_EEMPTY, fname, 0, "%s: empty value", fname);
            break;
        }
        if (!values[i]) {
            rc = unika_fail_at(err, UNIKA_EINVAL, fname, 0, "%s: value is NULL", fname);
            break;
        }
        if (sizes[i] > UNIKA_PSEUDONYM_VALUE_MAX) {
            rc = unika_fail_at(err, UNIKA_ETOOLONG, fname, 0,
                               "%s: expected at most %d bytes, got %zu", fname,
                               UNIKA_PSEUDONYM_VALUE_MAX, sizes[i]);
            break;
        }
        enc[pos] = (uint8_t)f;
        unika_store32_le(enc + pos + 1, (uint32_t)sizes[i]);
        memcpy(enc + pos + ENC_FIELD_OVERHEAD, values[i], sizes[i]);
        pos += ENC_FIELD_OVERHEAD + sizes[i];
    }
    if (rc == UNIKA_OK) enc_hash(dst, enc, pos, key);
    sodium_memzero(enc, pos);
    return rc;
}

/* ---- normalising a record's cells ------------------------------------------
 * Each normaliser writes one field's canonical bytes to dst (capacity
 * UNIKA_PSEUDONYM_VALUE_MAX + 1, a NUL may follow) and sets *len. On failure
 * err->field names the record column that failed. */

/* Writes a field's normalised value; on failure *where names the value the
 * error is about, when it is not the field's own (the visit date). */
typedef int (*field_normaliser)(uint8_t *dst, size_t *len, const unika_values *v,
                                unika_column *where, unika_error *err);

#define DST_CAP (UNIKA_PSEUDONYM_VALUE_MAX + 1)
#define BIT(c) UNIKA_COLUMN_BIT(UNIKA_COLUMN_##c)

static int relabel(int rc, unika_error *err, const char *column)
{
    if (rc < 0 && err) snprintf(err->field, sizeof err->field, "%s", column);
    return rc;
}

static int missing(unika_error *err, const char *field, const char *columns)
{
    return unika_fail_at(err, UNIKA_EFIELD, field, 0,
                         "%s: the record has no %s column", field, columns);
}

static int normalise_name(char *dst, size_t cap, size_t *len, const unika_values *v,
                          unika_error *err)
{
    if (!(v->has & BIT(NAME))) return missing(err, "name", "name, given_name or surname");
    return unika_values_name(dst, cap, len, v, err);
}

static int norm_name(uint8_t *dst, size_t *len, const unika_values *v,
                     unika_column *where, unika_error *err)
{
    return normalise_name((char *)dst, DST_CAP, len, v, err);
}

/* The loose key (src/identity/name_loose.c) of the normalised whole name. */
static int norm_name_loose(uint8_t *dst, size_t *len, const unika_values *v,
                           unika_column *where, unika_error *err)
{
    char name[UNIKA_NAME_MAX_BYTES];
    size_t name_len = 0;
    int rc = normalise_name(name, sizeof name, &name_len, v, err);
    if (rc == UNIKA_OK)
        rc = relabel(unika_name_loose_key((char *)dst, DST_CAP, len, name, name_len, err), err,
                     v->label[UNIKA_COLUMN_NAME]);
    sodium_memzero(name, sizeof name);
    return rc;
}

static int norm_country(uint8_t *dst, size_t *len, const unika_values *v,
                        unika_column *where, unika_error *err)
{
    if (!(v->has & BIT(COUNTRY))) return missing(err, "country", "country");
    return unika_values_country((char *)dst, DST_CAP, len, v, err);
}

/* An empty cell's error, worded as its parser words it. */
static int empty_date(unika_error *err, const char *label)
{
    unika_date d;
    return relabel(unika_date_parse(&d, "", 0, NULL, err), err, label);
}

/* The birth date at `precision`, formatted from the parsed date. */
static int norm_birth(uint8_t *dst, size_t *len, const unika_values *v,
                      unika_date_precision precision, unika_error *err)
{
    if (!(v->has & BIT(BIRTH_DATE))) {
        const char *field = precision == UNIKA_DATE_YEAR ? "birth_year"
                          : precision == UNIKA_DATE_MONTH ? "birth_month" : "birth_date";
        return missing(err, field, precision == UNIKA_DATE_YEAR ? "birth_date or birth_year"
                                                                : "birth_date");
    }
    const char *label = v->label[UNIKA_COLUMN_BIRTH_DATE];
    if (v->empty & BIT(BIRTH_DATE)) return empty_date(err, label);
    int rc = unika_date_format((char *)dst, DST_CAP, &v->birth, precision, err);
    if (rc == UNIKA_OK) *len = strlen((const char *)dst);
    return relabel(rc, err, label);
}

static int norm_birth_date(uint8_t *dst, size_t *len, const unika_values *v,
                           unika_column *where, unika_error *err)
{
    return norm_birth(dst, len, v, UNIKA_DATE_DAY, err);
}

static int norm_birth_year(uint8_t *dst, size_t *len, const unika_values *v,
                           unika_column *where, unika_error *err)
{
    return norm_birth(dst, len, v, UNIKA_DATE_YEAR, err);
}

static int norm_birth_month(uint8_t *dst, size_t *len, const unika_values *v,
                            unika_column *where, unika_error *err)
{
    return norm_birth(dst, len, v, UNIKA_DATE_MONTH, err);
}

static int norm_gender(uint8_t *dst, size_t *len, const unika_values *v,
                       unika_column *where, unika_error *err)
{
    if (!(v->has & BIT(GENDER))) return missing(err, "gender", "gender");
    dst[0] = (uint8_t)unika_gender_code(unika_gender_fold(v->gender))[0];
    *len = 1;
    return UNIKA_OK;
}

static int norm_personnummer(uint8_t *dst, size_t *len, const unika_values *v,
                             unika_column *where, unika_error *err)
{
    if (!(v->has & BIT(PERSONNUMMER))) return missing(err, "personnummer", "personnummer");
    int rc = unika_values_personnummer((char *)dst, v, where, err);
    if (rc == UNIKA_OK) *len = 12;
    return rc;
}

static int norm_dossier(uint8_t *dst, size_t *len, const unika_values *v,
                        unika_column *where, unika_error *err)
{
    if (!(v->has & BIT(DOSSIER))) return missing(err, "dossier", "dossier");
    int rc = unika_values_dossier((char *)dst, v, err);
    if (rc == UNIKA_OK) *len = 8;
    return rc;
}

static int norm_digits(uint8_t *dst, size_t *len, const unika_values *v,
                       unika_column *where, unika_error *err)
{
    if (!(v->has & BIT(DIGITS))) return missing(err, "digits", "digits");
    return unika_values_digits((char *)dst, DST_CAP, len, v, err);
}

/* Recipe field -> how to get it from a record's values, and which value it
 * reads (for the CSV column an error names). A new field is one function
 * and one entry here (NULL would mean "not computable from a record"). */
static const struct {
    field_normaliser fn;
    unika_column value;
} field_normalisers[UNIKA_FIELD_MAX + 1] = {
    [UNIKA_FIELD_NAME] = {norm_name, UNIKA_COLUMN_NAME},
    [UNIKA_FIELD_NAME_LOOSE] = {norm_name_loose, UNIKA_COLUMN_NAME},
    [UNIKA_FIELD_BIRTH_DATE] = {norm_birth_date, UNIKA_COLUMN_BIRTH_DATE},
    [UNIKA_FIELD_BIRTH_YEAR] = {norm_birth_year, UNIKA_COLUMN_BIRTH_DATE},
    [UNIKA_FIELD_BIRTH_MONTH] = {norm_birth_month, UNIKA_COLUMN_BIRTH_DATE},
    [UNIKA_FIELD_GENDER] = {norm_gender, UNIKA_COLUMN_GENDER},
    [UNIKA_FIELD_COUNTRY] = {norm_country, UNIKA_COLUMN_COUNTRY},
    [UNIKA_FIELD_PERSONNUMMER] = {norm_personnummer, UNIKA_COLUMN_PERSONNUMMER},
    [UNIKA_FIELD_DOSSIER] = {norm_dossier, UNIKA_COLUMN_DOSSIER},
    [UNIKA_FIELD_DIGITS] = {norm_digits, UNIKA_COLUMN_DIGITS},
};

int unika_pseudonym_from_values(uint8_t dst[UNIKA_PSEUDONYM_BYTES], const unika_key *key,
                                const unika_recipe *recipe, const unika_values *values,
                                unika_error *err)
{
    if (!dst) return unika_fail(err, UNIKA_EINVAL, "pseudonym: dst is NULL");
    memset(dst, 0, UNIKA_PSEUDONYM_BYTES);
    if (!key || !recipe || !values)
        return unika_fail(err, UNIKA_EINVAL, "pseudonym: NULL argument");
    uint8_t enc[ENC_MAX];
    size_t pos = enc_header(enc, recipe);
    size_t n = unika_recipe_field_count(recipe);
    int rc = UNIKA_OK;
    for (size_t i = 0; i < n && rc == UNIKA_OK; i++) {
        unika_field f = unika_recipe_field_at(recipe, i);
        field_normaliser fn = field_normalisers[f].fn;
        if (!fn) {
            rc = unika_fail_at(err, UNIKA_EFIELD, unika_field_name(f), 0,
                               "%s: this build cannot compute the field from a record",
                               unika_field_name(f));
            break;
        }
        size_t len = 0;
        unika_column where = field_normalisers[f].value;
        rc = fn(enc + pos + ENC_FIELD_OVERHEAD, &len, values, &where, err);
        if (rc < 0) {
            unika_values_locate(err, values, where);
            break;
        }
        if (len == 0 || len > UNIKA_PSEUDONYM_VALUE_MAX) { /* normalisers promise otherwise */
            rc = unika_fail_at(err, UNIKA_EINTERNAL, unika_field_name(f), 0,
                               "%s: normalised value has an unexpected length",
                               unika_field_name(f));
            break;
        }
        enc[pos] = (uint8_t)f;
        unika_store32_le(enc + pos + 1, (uint32_t)len);
        pos += ENC_FIELD_OVERHEAD + len;
    }
    if (rc == UNIKA_OK) enc_hash(dst, enc, pos, key);
    /* Wipe what was written, including a failed field's partial bytes. */
    sodium_memzero(enc, rc == UNIKA_OK ? pos : sizeof enc);
    return rc;
}

int unika_pseudonym_from_record(uint8_t dst[UNIKA_PSEUDONYM_BYTES], const unika_key *key,
                                const unika_recipe *recipe, const unika_record *record,
                                unika_error *err)
{
    if (!dst) return unika_fail(err, UNIKA_EINVAL, "pseudonym: dst is NULL");
    memset(dst, 0, UNIKA_PSEUDONYM_BYTES);
    if (!key || !recipe || !record)
        return unika_fail(err, UNIKA_EINVAL, "pseudonym: NULL argument");
    unsigned need = unika_recipe_needs(recipe);
    if (need & BIT(PERSONNUMMER)) need |= BIT(DATE); /* the century of 10-digit forms */
    unika_values v;
    int rc = unika_values_read(&v, record, need, err);
    if (rc == UNIKA_OK) rc = unika_pseudonym_from_values(dst, key, recipe, &v, err);
    unika_values_wipe(&v);
    return rc;
}

int unika_pseudonym_batch(uint8_t *dst, int *status, size_t *n_failed, const unika_key *key,
                          const unika_recipe *recipe, const unika_record *records, size_t n,
                          unika_error *err)
{
    if (n_failed) *n_failed = 0;
    if (!key || !recipe || (n && (!dst || !records)))
        return unika_fail(err, UNIKA_EINVAL, "pseudonym batch: NULL argument");
    int first = UNIKA_OK;
    size_t failed = 0;
    unika_error one = {0};
    for (size_t i = 0; i < n; i++) {
        int rc = unika_pseudonym_from_record(dst + i * UNIKA_PSEUDONYM_BYTES, key, recipe,
                                             &records[i], first == UNIKA_OK ? &one : NULL);
        if (status) status[i] = rc;
        if (rc == UNIKA_OK) continue;
        failed++;
        if (first == UNIKA_OK) {
            first = rc;
            if (err) {
                uint64_t line = err->line, column = err->column;
                *err = one;
                err->line = line;
                err->column = column;
                /* Keep the prefix whole; the detail may lose its tail. */
                snprintf(err->message, sizeof err->message, "record %zu: %.200s", i,
                         one.message);
            }
        }
    }
    if (n_failed) *n_failed = failed;
    return first;
}

/* ---- text form --------------------------------------------------------- */

void unika_pseudonym_to_hex(char dst[UNIKA_PSEUDONYM_HEX_BYTES],
                            const uint8_t pseudonym[UNIKA_PSEUDONYM_BYTES])
{
    unika_hex_encode(dst, pseudonym, UNIKA_PSEUDONYM_BYTES);
}

int unika_pseudonym_from_hex(uint8_t dst[UNIKA_PSEUDONYM_BYTES], const char *src,
                             size_t src_size, unika_error *err)
{
    if (!dst || !src) return unika_fail(err, UNIKA_EINVAL, "pseudonym hex: NULL argument");
    uint8_t tmp[UNIKA_PSEUDONYM_BYTES];
    if (unika_hex_decode(tmp, sizeof tmp, src, src_size) != 0)
        return unika_fail(err, UNIKA_EINVAL, "pseudonym: expected %d hex digits",
                          2 * UNIKA_PSEUDONYM_BYTES);
    memcpy(dst, tmp, sizeof tmp);
    return UNIKA_OK;
}
