/*
 * funcs.c - reading sketches in SQL: estimate, standard error, interval,
 * exact flag, precision, intersection and difference, labels,
 * fingerprints, and the union of two sketches.
 */
#include "unika_pg.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"

PG_FUNCTION_INFO_V1(unika_sketch_estimate_fn);
PG_FUNCTION_INFO_V1(unika_sketch_std_error_fn);
PG_FUNCTION_INFO_V1(unika_sketch_interval_fn);
PG_FUNCTION_INFO_V1(unika_sketch_is_exact_fn);
PG_FUNCTION_INFO_V1(unika_sketch_precision_fn);
PG_FUNCTION_INFO_V1(unika_sketch_intersection_fn);
PG_FUNCTION_INFO_V1(unika_sketch_difference_fn);
PG_FUNCTION_INFO_V1(unika_sketch_union_fn);
PG_FUNCTION_INFO_V1(unika_sketch_labels_fn);
PG_FUNCTION_INFO_V1(unika_sketch_label_fn);
PG_FUNCTION_INFO_V1(unika_sketch_set_label_fn);
PG_FUNCTION_INFO_V1(unika_sketch_remove_label_fn);
PG_FUNCTION_INFO_V1(unika_sketch_key_fp_fn);
PG_FUNCTION_INFO_V1(unika_sketch_recipe_fp_fn);
PG_FUNCTION_INFO_V1(unika_server_key_fp_fn);
PG_FUNCTION_INFO_V1(unika_recipe_info_fn);

static unika_sketch *sketch_arg(FunctionCallInfo fcinfo, int i)
{
    return upg_parse(PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(i)));
}

static unika_estimate estimate_of(FunctionCallInfo fcinfo)
{
    unika_sketch *s = sketch_arg(fcinfo, 0);
    unika_estimate e;
    unika_error err = {0};
    int rc = unika_sketch_estimate(&e, s, UNIKA_ESTIMATOR_ML, &err);
    unika_sketch_free(s);
    if (rc < 0) upg_raise(rc, &err, "unika_estimate");
    return e;
}

Datum unika_sketch_estimate_fn(PG_FUNCTION_ARGS)
{
    PG_RETURN_FLOAT8(estimate_of(fcinfo).estimate);
}

Datum unika_sketch_std_error_fn(PG_FUNCTION_ARGS)
{
    PG_RETURN_FLOAT8(estimate_of(fcinfo).std_error);
}

Datum unika_sketch_is_exact_fn(PG_FUNCTION_ARGS)
{
    PG_RETURN_BOOL(estimate_of(fcinfo).exact != 0);
}

Datum unika_sketch_precision_fn(PG_FUNCTION_ARGS)
{
    unika_sketch *s = sketch_arg(fcinfo, 0);
    int p = (int)unika_sketch_precision(s);
    unika_sketch_free(s);
    PG_RETURN_INT32(p);
}

/* A record of the function's OUT columns from the first n values. */
static Datum record_of(FunctionCallInfo fcinfo, Datum *values, int n)
{
    TupleDesc desc;
    bool nulls[8] = {false};
    if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE || desc->natts != n)
        ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                        errmsg("unika: function declared with the wrong result columns")));
    desc = BlessTupleDesc(desc);
    return HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
}

Datum unika_sketch_interval_fn(PG_FUNCTION_ARGS)
{
    unika_estimate e = estimate_of(fcinfo);
    Datum v[2] = {Float8GetDatum(e.ci_low), Float8GetDatum(e.ci_high)};
    return record_of(fcinfo, v, 2);
}

typedef int (*pair_fn)(unika_estimate *, const unika_sketch *, const unika_sketch *,
                       unika_error *);

/* (estimate, std_error, ci_low, ci_high, exact) of a two-sketch estimate. */
static Datum pair_estimate(FunctionCallInfo fcinfo, pair_fn f, const char *name)
{
    unika_sketch *a = sketch_arg(fcinfo, 0), *b = sketch_arg(fcinfo, 1);
    unika_estimate e;
    unika_error err = {0};
    int rc = f(&e, a, b, &err);
    Datum v[5];
    unika_sketch_free(a);
    unika_sketch_free(b);
    if (rc < 0) upg_raise(rc, &err, name);
    v[0] = Float8GetDatum(e.estimate);
    v[1] = Float8GetDatum(e.std_error);
    v[2] = Float8GetDatum(e.ci_low);
    v[3] = Float8GetDatum(e.ci_high);
    v[4] = BoolGetDatum(e.exact != 0);
    return record_of(fcinfo, v, 5);
}

Datum unika_sketch_intersection_fn(PG_FUNCTION_ARGS)
{
    return pair_estimate(fcinfo, unika_sketch_intersection, "unika_intersection");
}

Datum unika_sketch_difference_fn(PG_FUNCTION_ARGS)
{
    return pair_estimate(fcinfo, unika_sketch_difference, "unika_difference");
}

Datum unika_sketch_union_fn(PG_FUNCTION_ARGS)
{
    unika_sketch *a = sketch_arg(fcinfo, 0), *b = sketch_arg(fcinfo, 1);
    unika_error err = {0};
    int rc = unika_sketch_merge(a, b, &err);
    struct varlena *v;
    if (rc < 0) upg_raise(rc, &err, "unika_union");
    v = upg_serialize(a);
    unika_sketch_free(a);
    unika_sketch_free(b);
    PG_RETURN_POINTER(v);
}

/* ---- labels --------------------------------------------------------------------- */

Datum unika_sketch_labels_fn(PG_FUNCTION_ARGS)
{
    unika_sketch *s = sketch_arg(fcinfo, 0);
    StringInfoData json;
    size_t n = unika_sketch_label_count(s);

    initStringInfo(&json);
    appendStringInfoChar(&json, '{');
    for (size_t i = 0; i < n; i++) {
        const char *k, *v;
        if (unika_sketch_label_at(s, i, &k, &v) < 0) break;
        if (i) appendStringInfoString(&json, ", ");
        escape_json(&json, k);
        appendStringInfoString(&json, ": ");
        escape_json(&json, v);
    }
    appendStringInfoChar(&json, '}');
    unika_sketch_free(s);
    return DirectFunctionCall1(jsonb_in, CStringGetDatum(json.data));
}

Datum unika_sketch_label_fn(PG_FUNCTION_ARGS)
{
    unika_sketch *s = sketch_arg(fcinfo, 0);
    char *key = text_to_cstring(PG_GETARG_TEXT_PP(1));
    const char *v = unika_sketch_get_label(s, key);
    text *t = v ? cstring_to_text(v) : NULL;
    unika_sketch_free(s);
    if (!t) PG_RETURN_NULL();
    PG_RETURN_TEXT_P(t);
}

Datum unika_sketch_set_label_fn(PG_FUNCTION_ARGS)
{
    unika_sketch *s = sketch_arg(fcinfo, 0);
    char *key = text_to_cstring(PG_GETARG_TEXT_PP(1));
    char *value = text_to_cstring(PG_GETARG_TEXT_PP(2));
    unika_error err = {0};
    int rc = unika_sketch_set_label(s, key, value, &err);
    struct varlena *v;
    if (rc < 0) upg_raise(rc, &err, "unika_set_label");
    v = upg_serialize(s);
    unika_sketch_free(s);
    PG_RETURN_POINTER(v);
}

Datum unika_sketch_remove_label_fn(PG_FUNCTION_ARGS)
{
    unika_sketch *s = sketch_arg(fcinfo, 0);
    char *key = text_to_cstring(PG_GETARG_TEXT_PP(1));
    struct varlena *v;
    (void)unika_sketch_remove_label(s, key, NULL); /* absent: nothing to remove */
    v = upg_serialize(s);
    unika_sketch_free(s);
    PG_RETURN_POINTER(v);
}

/* ---- fingerprints and recipes ----------------------------------------------------- */

Datum unika_sketch_key_fp_fn(PG_FUNCTION_ARGS)
{
    unika_sketch *s = sketch_arg(fcinfo, 0);
    text *t = upg_hex_text(unika_sketch_key_fingerprint(s), UNIKA_FINGERPRINT_BYTES);
    unika_sketch_free(s);
    PG_RETURN_TEXT_P(t);
}

Datum unika_sketch_recipe_fp_fn(PG_FUNCTION_ARGS)
{
    unika_sketch *s = sketch_arg(fcinfo, 0);
    text *t = upg_hex_text(unika_sketch_recipe_fingerprint(s), UNIKA_FINGERPRINT_BYTES);
    unika_sketch_free(s);
    PG_RETURN_TEXT_P(t);
}

Datum unika_server_key_fp_fn(PG_FUNCTION_ARGS)
{
    PG_RETURN_TEXT_P(upg_hex_text(unika_key_fingerprint_ptr(upg_key()), UNIKA_FINGERPRINT_BYTES));
}

/* (name, canonical, fingerprint) of a recipe given by name or field list. */
Datum unika_recipe_info_fn(PG_FUNCTION_ARGS)
{
    const unika_recipe *r = upg_recipe(fcinfo, PG_GETARG_TEXT_PP(0));
    Datum v[3];
    v[0] = CStringGetTextDatum(unika_recipe_name(r));
    v[1] = CStringGetTextDatum(unika_recipe_canonical(r));
    v[2] = PointerGetDatum(upg_hex_text(unika_recipe_fingerprint_ptr(r), UNIKA_FINGERPRINT_BYTES));
    return record_of(fcinfo, v, 3);
}
