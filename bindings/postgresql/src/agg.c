/*
 * agg.c - the aggregates, with an internal transition state (the library's
 * sketch object, made in the aggregate's memory context) and every support
 * function a partial aggregation needs:
 *
 *   unika_sketch_agg(pseudonym bytea, recipe text [, p integer])
 *       the sketch of the pseudonyms, as `unika ingest` builds a cell
 *   unika_union_agg(unika_sketch)
 *       the union; labels common to all inputs, their provenance kept
 *   unika_merge_agg(unika_sketch)
 *       as unika_union_agg, also recording each input's digest and labels,
 *       as `unika merge` does for unsigned files (the same bytes)
 *
 * combine: the union of two partial states (exact: merging is a set union,
 * so any split of the rows among workers gives the same bytes);
 * serialise/deserialise: the sketch file format (docs/format.md), followed
 * by its provenance file when the state has records (a version 2 sketch
 * alone only commits to them): what a parallel worker hands the leader and
 * what a distributed planner sends between nodes.
 */
#include "unika_pg.h"

#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(unika_sketch_agg_trans);
PG_FUNCTION_INFO_V1(unika_sketch_agg_combine);
PG_FUNCTION_INFO_V1(unika_union_agg_trans);
PG_FUNCTION_INFO_V1(unika_merge_agg_trans);
PG_FUNCTION_INFO_V1(unika_union_agg_combine);
PG_FUNCTION_INFO_V1(unika_agg_serialize);
PG_FUNCTION_INFO_V1(unika_agg_deserialize);
PG_FUNCTION_INFO_V1(unika_agg_final);

static MemoryContext agg_context(FunctionCallInfo fcinfo, const char *name)
{
    MemoryContext ctx;
    if (!AggCheckCallContext(fcinfo, &ctx))
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("%s called outside an aggregate", name)));
    return ctx;
}

static unika_sketch *state_arg(FunctionCallInfo fcinfo, int i)
{
    return PG_ARGISNULL(i) ? NULL : (unika_sketch *)PG_GETARG_POINTER(i);
}

/* ---- building from pseudonyms ------------------------------------------------ */

static unika_sketch *new_state(MemoryContext ctx, int p, const unika_key *key,
                               const unika_recipe *recipe)
{
    unika_sketch *s = NULL;
    unika_error err = {0};
    MemoryContext old = MemoryContextSwitchTo(ctx);
    int rc = unika_sketch_new(&s, p < 0 ? 0u : (unsigned)p, unika_key_fingerprint_ptr(key),
                              unika_recipe_fingerprint_ptr(recipe), &err);
    MemoryContextSwitchTo(old);
    if (rc < 0) upg_raise(rc, &err, "unika_sketch_agg");
    return s;
}

/* One aggregate, one recipe and one precision: a row that changes either
 * is refused, as merging its pseudonyms would count something else. */
static void check_same(const unika_sketch *s, const unika_recipe *recipe, int p)
{
    const uint8_t *have = unika_sketch_recipe_fingerprint(s);
    const uint8_t *want = unika_recipe_fingerprint_ptr(recipe);
    if (memcmp(have, want, UNIKA_FINGERPRINT_BYTES) != 0) {
        unika_error err = {0};
        char a[UNIKA_FINGERPRINT_HEX_BYTES], b[UNIKA_FINGERPRINT_HEX_BYTES];
        unika_fingerprint_to_hex(a, have);
        unika_fingerprint_to_hex(b, want);
        snprintf(err.message, sizeof err.message,
                 "recipe %s (fingerprint %s) differs from the aggregate's earlier rows (%s)",
                 unika_recipe_name(recipe), b, a);
        upg_raise(UNIKA_ERECIPEMISMATCH, &err, "unika_sketch_agg");
    }
    if (p != (int)unika_sketch_precision(s)) {
        unika_error err = {0};
        snprintf(err.message, sizeof err.message,
                 "precision %d differs from the aggregate's earlier rows (%u)", p,
                 unika_sketch_precision(s));
        upg_raise(UNIKA_EPRECISION, &err, "unika_sketch_agg");
    }
}

/* (state, pseudonym bytea, recipe text [, p integer]); rows with a NULL
 * argument are skipped, as aggregates skip NULL inputs. */
Datum unika_sketch_agg_trans(PG_FUNCTION_ARGS)
{
    MemoryContext ctx = agg_context(fcinfo, "unika_sketch_agg");
    unika_sketch *s = state_arg(fcinfo, 0);
    int p = UNIKA_SKETCH_P_DEFAULT;
    const unika_recipe *recipe;
    const unika_key *key;
    bytea *pseudonym;
    unika_error err; /* not zeroed: 320 bytes per row; filled on failure */
    MemoryContext old;
    int rc;

    err.message[0] = '\0';
    if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || (PG_NARGS() > 3 && PG_ARGISNULL(3))) {
        if (!s) PG_RETURN_NULL();
        PG_RETURN_POINTER(s);
    }
    pseudonym = PG_GETARG_BYTEA_PP(1);
    if (VARSIZE_ANY_EXHDR(pseudonym) != UNIKA_PSEUDONYM_BYTES)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("unika_sketch_agg: a pseudonym is %d bytes, not %d",
                               UNIKA_PSEUDONYM_BYTES, (int)VARSIZE_ANY_EXHDR(pseudonym))));
    recipe = upg_recipe(fcinfo, PG_GETARG_TEXT_PP(2));
    if (PG_NARGS() > 3) p = PG_GETARG_INT32(3);
    key = upg_key();
    if (!s) s = new_state(ctx, p, key, recipe);
    else check_same(s, recipe, p);
    old = MemoryContextSwitchTo(ctx);
    rc = unika_sketch_add(s, key, (const uint8_t *)VARDATA_ANY(pseudonym), &err);
    MemoryContextSwitchTo(old);
    if (rc < 0) upg_raise(rc, &err, "unika_sketch_agg");
    PG_RETURN_POINTER(s);
}

/* ---- combining partial states -------------------------------------------------- */

static Datum combine(FunctionCallInfo fcinfo, const char *name, int same_precision)
{
    MemoryContext ctx = agg_context(fcinfo, name);
    unika_sketch *a = state_arg(fcinfo, 0), *b = state_arg(fcinfo, 1);
    unika_error err = {0};
    MemoryContext old;
    int rc;

    if (!b) {
        if (!a) PG_RETURN_NULL();
        PG_RETURN_POINTER(a);
    }
    if (same_precision && a && unika_sketch_precision(a) != unika_sketch_precision(b)) {
        snprintf(err.message, sizeof err.message, "partial sketches of precision %u and %u",
                 unika_sketch_precision(a), unika_sketch_precision(b));
        upg_raise(UNIKA_EPRECISION, &err, name);
    }
    old = MemoryContextSwitchTo(ctx);
    if (!a) rc = unika_sketch_copy(&a, b, &err); /* b may live in a shorter context */
    else rc = unika_sketch_merge(a, b, &err);
    MemoryContextSwitchTo(old);
    if (rc < 0) upg_raise(rc, &err, name);
    PG_RETURN_POINTER(a);
}

Datum unika_sketch_agg_combine(PG_FUNCTION_ARGS)
{
    return combine(fcinfo, "unika_sketch_agg", 1);
}

Datum unika_union_agg_combine(PG_FUNCTION_ARGS)
{
    return combine(fcinfo, "unika_union_agg", 0);
}

/* ---- unions of sketches ----------------------------------------------------------- */

/* Records `input` (its file bytes `v`) as a source of `s`, as `unika merge`
 * records an unsigned input file. */
static void add_source(unika_sketch *s, const unika_sketch *input, const struct varlena *v,
                       MemoryContext ctx)
{
    uint8_t digest[UNIKA_DIGEST_BYTES];
    char labels[UNIKA_SOURCE_LABELS_MAX + 1];
    unika_error err = {0};
    MemoryContext old;
    int rc = unika_file_digest(digest, (const uint8_t *)VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
    if (rc == 0) rc = unika_sketch_labels_canonical(labels, sizeof labels, NULL, input, &err);
    if (rc == UNIKA_EBUFFER) {
        rc = UNIKA_ELABEL;
        snprintf(err.message, sizeof err.message,
                 "an input's labels exceed the %d bytes a provenance record holds",
                 UNIKA_SOURCE_LABELS_MAX);
    }
    if (rc < 0) upg_raise(rc, &err, "unika_merge_agg");
    old = MemoryContextSwitchTo(ctx);
    rc = unika_sketch_add_source(s, digest, labels, "", &err);
    MemoryContextSwitchTo(old);
    if (rc < 0) upg_raise(rc, &err, "unika_merge_agg");
}

static Datum union_trans(FunctionCallInfo fcinfo, const char *name, int provenance)
{
    MemoryContext ctx = agg_context(fcinfo, name);
    unika_sketch *s = state_arg(fcinfo, 0), *in;
    struct varlena *v;
    unika_error err = {0};
    MemoryContext old;
    int rc = 0;

    if (PG_ARGISNULL(1)) {
        if (!s) PG_RETURN_NULL();
        PG_RETURN_POINTER(s);
    }
    v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(1));
    if (!s) {
        /* The first input becomes the state: parsed straight into it. */
        old = MemoryContextSwitchTo(ctx);
        in = s = upg_parse(v);
        MemoryContextSwitchTo(old);
    } else {
        in = upg_parse(v);
        old = MemoryContextSwitchTo(ctx);
        rc = unika_sketch_merge(s, in, &err);
        MemoryContextSwitchTo(old);
    }
    if (rc < 0) upg_raise(rc, &err, name);
    if (provenance) add_source(s, in, v, ctx);
    if (in != s) unika_sketch_free(in);
    PG_RETURN_POINTER(s);
}

Datum unika_union_agg_trans(PG_FUNCTION_ARGS)
{
    return union_trans(fcinfo, "unika_union_agg", 0);
}

Datum unika_merge_agg_trans(PG_FUNCTION_ARGS)
{
    return union_trans(fcinfo, "unika_merge_agg", 1);
}

/* ---- serialise, deserialise, final -------------------------------------------------- */

Datum unika_agg_serialize(PG_FUNCTION_ARGS)
{
    (void)agg_context(fcinfo, "unika_agg_serialize");
    PG_RETURN_BYTEA_P((bytea *)upg_state_serialize((unika_sketch *)PG_GETARG_POINTER(0)));
}

Datum unika_agg_deserialize(PG_FUNCTION_ARGS)
{
    (void)agg_context(fcinfo, "unika_agg_deserialize");
    /* In the current (per-call) context: combine copies it when it keeps it. */
    PG_RETURN_POINTER(upg_state_parse((struct varlena *)PG_GETARG_BYTEA_PP(0)));
}

Datum unika_agg_final(PG_FUNCTION_ARGS)
{
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    PG_RETURN_POINTER(upg_serialize((unika_sketch *)PG_GETARG_POINTER(0)));
}
