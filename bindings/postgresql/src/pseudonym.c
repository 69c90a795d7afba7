/*
 * pseudonym.c - pseudonymisation in SQL, under the partnership key named by
 * unika.key_file (module.c): the same 32 bytes `unika pseudonymize` and
 * `unika ingest` derive from the same record.
 *
 *   unika_pseudonym(recipe, name, birth_date, gender, given_name, surname,
 *                   birth_year, country, personnummer, dossier, digits,
 *                   visit_date, birth_date_format, visit_date_format, id_auto)
 *       normalises the record as the recipe asks; raises on unusable values
 *   unika_try_pseudonym(... the same ...)
 *       NULL instead of an error for unusable values (a row `unika ingest`
 *       would reject), still raising for a missing key or a bad recipe
 *   unika_pseudonym_normalised(recipe, VARIADIC values)
 *       of values already normalised, one per recipe field
 *   unika_hash(pseudonym)
 *       the 64-bit sketch hash, e.g. for hll_add_agg(unika_hash(p)::hll_hashval)
 *
 * A NULL argument is a column the record does not have; '' is an empty
 * cell (for gender: unknown, as ingest reads an empty gender cell).
 * Messages name the field and the position, never the value.
 */
#include "unika_pg.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(unika_pseudonym_fn);
PG_FUNCTION_INFO_V1(unika_try_pseudonym_fn);
PG_FUNCTION_INFO_V1(unika_pseudonym_normalised_fn);
PG_FUNCTION_INFO_V1(unika_hash_fn);
PG_FUNCTION_INFO_V1(unika_gender_fn);

/* SQL argument order after the recipe (argument 0). */
static const unika_column ARG_FIELD[] = {
    UNIKA_COLUMN_NAME,       UNIKA_COLUMN_BIRTH_DATE,   UNIKA_COLUMN_GENDER,
    UNIKA_COLUMN_GIVEN_NAME, UNIKA_COLUMN_SURNAME,      UNIKA_COLUMN_BIRTH_YEAR,
    UNIKA_COLUMN_COUNTRY,    UNIKA_COLUMN_PERSONNUMMER, UNIKA_COLUMN_DOSSIER,
    UNIKA_COLUMN_DIGITS,     UNIKA_COLUMN_DATE,
};
#define N_FIELDS ((int)(sizeof ARG_FIELD / sizeof ARG_FIELD[0]))
#define ARG_BIRTH_FORMAT (1 + N_FIELDS)
#define ARG_VISIT_FORMAT (2 + N_FIELDS)
#define ARG_ID_AUTO (3 + N_FIELDS) /* appended last, so earlier calls keep their meaning */

static const unika_recipe *recipe_arg(FunctionCallInfo fcinfo, const char *name)
{
    if (PG_ARGISNULL(0))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("%s: the recipe is NULL", name)));
    return upg_recipe(fcinfo, PG_GETARG_TEXT_PP(0));
}

static const char *cstring_arg(FunctionCallInfo fcinfo, int i)
{
    return PG_ARGISNULL(i) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(i));
}

/* 0 and the pseudonym in `dst`, or the library's error code in `err`. */
static int pseudonym_of(uint8_t dst[UNIKA_PSEUDONYM_BYTES], FunctionCallInfo fcinfo,
                        const char *name, unika_error *err)
{
    const unika_recipe *recipe = recipe_arg(fcinfo, name);
    const unika_key *key = upg_key();
    unika_record rec;

    memset(&rec, 0, sizeof rec);
    for (int i = 0; i < N_FIELDS; i++) {
        text *t;
        if (PG_ARGISNULL(1 + i)) continue;
        t = PG_GETARG_TEXT_PP(1 + i);
        rec.cell[ARG_FIELD[i]] = VARDATA_ANY(t);
        rec.size[ARG_FIELD[i]] = VARSIZE_ANY_EXHDR(t);
    }
    if (PG_NARGS() > ARG_ID_AUTO && !PG_ARGISNULL(ARG_ID_AUTO)) {
        text *t = PG_GETARG_TEXT_PP(ARG_ID_AUTO);
        rec.cell[UNIKA_COLUMN_ID_AUTO] = VARDATA_ANY(t);
        rec.size[UNIKA_COLUMN_ID_AUTO] = VARSIZE_ANY_EXHDR(t);
    }
    rec.birth_date_format = cstring_arg(fcinfo, ARG_BIRTH_FORMAT);
    rec.visit_date_format = cstring_arg(fcinfo, ARG_VISIT_FORMAT);
    return unika_pseudonym_from_record(dst, key, recipe, &rec, err);
}

static bytea *bytea_of(const uint8_t *bytes, size_t n)
{
    bytea *b = palloc(VARHDRSZ + n);
    SET_VARSIZE(b, VARHDRSZ + n);
    memcpy(VARDATA(b), bytes, n);
    return b;
}

Datum unika_pseudonym_fn(PG_FUNCTION_ARGS)
{
    uint8_t p[UNIKA_PSEUDONYM_BYTES];
    unika_error err; /* filled on failure: not 320 bytes zeroed per row */
    int rc;
    err.message[0] = '\0';
    rc = pseudonym_of(p, fcinfo, "unika_pseudonym", &err);
    if (rc < 0) upg_raise(rc, &err, "unika_pseudonym");
    PG_RETURN_BYTEA_P(bytea_of(p, sizeof p));
}

/* A record's own values are at fault (a row ingest rejects): normaliser
 * errors, an empty or missing field. Anything else is the caller's setup. */
static int value_error(int code)
{
    return code <= UNIKA_EUTF8 && code >= UNIKA_EFIELD && code != UNIKA_ERECIPE &&
           code != UNIKA_EDATEFORMAT;
}

Datum unika_try_pseudonym_fn(PG_FUNCTION_ARGS)
{
    uint8_t p[UNIKA_PSEUDONYM_BYTES];
    unika_error err; /* as above */
    int rc;
    err.message[0] = '\0';
    rc = pseudonym_of(p, fcinfo, "unika_try_pseudonym", &err);
    if (rc < 0 && value_error(rc)) PG_RETURN_NULL();
    if (rc < 0) upg_raise(rc, &err, "unika_try_pseudonym");
    PG_RETURN_BYTEA_P(bytea_of(p, sizeof p));
}

Datum unika_pseudonym_normalised_fn(PG_FUNCTION_ARGS)
{
    const unika_recipe *recipe = recipe_arg(fcinfo, "unika_pseudonym_normalised");
    const unika_key *key = upg_key();
    ArrayType *arr;
    Datum *elems;
    bool *nulls;
    int n;
    const char **values;
    size_t *sizes;
    uint8_t p[UNIKA_PSEUDONYM_BYTES];
    unika_error err = {0};
    int rc;

    if (PG_ARGISNULL(1))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("unika_pseudonym_normalised: the values are NULL")));
    arr = PG_GETARG_ARRAYTYPE_P(1);
    deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
    values = palloc(sizeof *values * (size_t)(n ? n : 1));
    sizes = palloc(sizeof *sizes * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        text *t;
        if (nulls[i])
            ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                            errmsg("unika_pseudonym_normalised: value %d is NULL", i + 1)));
        t = DatumGetTextPP(elems[i]);
        values[i] = VARDATA_ANY(t);
        sizes[i] = VARSIZE_ANY_EXHDR(t);
    }
    rc = unika_pseudonym_from_fields(p, key, recipe, values, sizes, (size_t)n, &err);
    if (rc < 0) upg_raise(rc, &err, "unika_pseudonym_normalised");
    PG_RETURN_BYTEA_P(bytea_of(p, sizeof p));
}

Datum unika_hash_fn(PG_FUNCTION_ARGS)
{
    bytea *pseudonym = PG_GETARG_BYTEA_PP(0);
    uint64_t h = 0;
    if (VARSIZE_ANY_EXHDR(pseudonym) != UNIKA_PSEUDONYM_BYTES)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("unika_hash: a pseudonym is %d bytes, not %d",
                               UNIKA_PSEUDONYM_BYTES, (int)VARSIZE_ANY_EXHDR(pseudonym))));
    if (unika_sketch_hash(&h, upg_key(), (const uint8_t *)VARDATA_ANY(pseudonym)) < 0)
        upg_raise(UNIKA_EINVAL, NULL, "unika_hash");
    PG_RETURN_INT64((int64)h);
}

/* unika_gender(code): the gender as recipes and `ingest --by gender` use it,
 * "M", "F" or "X" (other and unknown are one, unika_gender_fold); '' is
 * unknown, so "X". An unrecognised code is refused (UK049), not guessed. */
Datum unika_gender_fn(PG_FUNCTION_ARGS)
{
    text *t = PG_GETARG_TEXT_PP(0);
    unika_gender g;
    unika_error err = {0};
    int rc = unika_gender_parse(&g, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &err);
    if (rc < 0) upg_raise(rc, &err, "gender");
    PG_RETURN_TEXT_P(cstring_to_text(unika_gender_code(unika_gender_fold(g))));
}
