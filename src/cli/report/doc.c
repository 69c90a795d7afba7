/*
 * doc.c - checks a report's JSON member by member (doc.h says why).
 *
 * The schema is written down once, here, as tables of members per object,
 * each with its type and domain; docs/report.md describes the same.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "report/doc.h"

typedef enum {
    T_STRING,  /* any string without a control character */
    T_LABEL,   /* a label key: [a-z0-9_.-], 1..64 bytes */
    T_HEX32,   /* 32 lowercase hex digits */
    T_HEX64,   /* 64 lowercase hex digits */
    T_GRAIN,   /* month, half-year, year, all */
    T_ROUNDING,
    T_NOISE,
    T_STATE,   /* none, primary, secondary */
    T_BOOL,
    T_COUNT,   /* a whole number from 0 to 2^53 */
    T_NUMBER,  /* any finite number */
    T_BASE,    /* 1, 5 or 10 */
    T_OBJECT,
    T_ARRAY,
} mtype;

typedef struct member {
    const char *name;
    mtype type;
    int nullable;
    int required;
} member;

static const member TOP[] = {
    {"schema", T_STRING, 0, 1}, {"version", T_COUNT, 0, 1},
    {"generator", T_STRING, 0, 1}, {"generator_version", T_STRING, 0, 1},
    {"key_fingerprint", T_HEX32, 0, 1}, {"recipe_fingerprint", T_HEX32, 0, 1},
    {"recipe", T_STRING, 1, 1}, {"estimator", T_STRING, 0, 1},
    {"confidence", T_NUMBER, 0, 1}, {"request", T_OBJECT, 0, 1},
    {"release", T_OBJECT, 0, 1}, {"tables", T_ARRAY, 0, 1}, {"figures", T_ARRAY, 0, 1},
};
static const member REQUEST[] = {
    {"rows", T_LABEL, 1, 1}, {"cols", T_LABEL, 1, 1}, {"overlap", T_LABEL, 1, 1},
    {"period_grain", T_GRAIN, 0, 1},
};
static const member RELEASE[] = {
    {"threshold", T_COUNT, 0, 1}, {"secondary", T_BOOL, 0, 1},
    {"secondary_withheld", T_COUNT, 0, 1}, {"rounding", T_ROUNDING, 0, 1},
    {"noise", T_NOISE, 0, 1}, {"epsilon", T_NUMBER, 1, 1},
    {"release_key_fingerprint", T_HEX32, 1, 1}, {"release_id", T_STRING, 1, 1},
    {"raw_estimates", T_BOOL, 0, 1}, {"inputs_commitment", T_HEX64, 1, 1},
    {"linkage", T_STRING, 0, 1},
    /* a report corrected by the linker's estimates (docs/linkage.md 16): their digest
     * and the resolution they are of */
    {"linkage_estimates", T_HEX64, 0, 0}, {"linkage_resolution", T_HEX32, 0, 0},
};
static const member TABLE[] = {
    {"id", T_STRING, 0, 1}, {"title", T_STRING, 0, 1}, {"kind", T_STRING, 0, 1},
    {"rows_label", T_LABEL, 0, 0}, {"cols_label", T_LABEL, 0, 0},
    {"period_grain", T_GRAIN, 0, 1}, {"rows", T_ARRAY, 0, 0}, {"cols", T_ARRAY, 0, 0},
    {"values", T_ARRAY, 0, 0}, {"cells", T_ARRAY, 0, 0}, {"row_totals", T_ARRAY, 0, 0},
    {"col_totals", T_ARRAY, 0, 0}, {"pairs", T_ARRAY, 0, 0}, {"total", T_STRING, 0, 0},
    {"note", T_STRING, 0, 0},
};
static const member FIGURE[] = {
    {"id", T_STRING, 0, 1}, {"table", T_STRING, 0, 1}, {"kind", T_STRING, 0, 1},
    {"filter", T_OBJECT, 0, 1}, {"period_grain", T_GRAIN, 0, 1}, {"overlap", T_OBJECT, 0, 0},
    {"shown", T_STRING, 0, 1}, {"suppressed", T_BOOL, 0, 1}, {"suppression", T_STATE, 0, 1},
    {"value", T_COUNT, 1, 1}, {"rounding_base", T_BASE, 1, 1},
    {"value_ci_low", T_COUNT, 1, 1}, {"value_ci_high", T_COUNT, 1, 1},
    {"estimate", T_NUMBER, 1, 1}, {"std_error", T_NUMBER, 1, 1}, {"ci_low", T_NUMBER, 1, 1},
    {"ci_high", T_NUMBER, 1, 1}, {"exact", T_BOOL, 0, 1},
    /* counts under linkage error (docs/linkage.md), optional: the range between
     * making every unsure link and none, the resolution's deterministic count,
     * how the figure was counted (the board's formats show them) */
    {"linkage_low", T_NUMBER, 1, 0}, {"linkage_high", T_NUMBER, 1, 0},
    {"deterministic", T_NUMBER, 1, 0}, {"mode", T_OBJECT, 1, 0},
};
static const member OVERLAP[] = {
    {"label", T_LABEL, 0, 1}, {"a", T_STRING, 0, 1}, {"b", T_STRING, 0, 1},
};

static const char *const GRAINS[] = {"month", "half-year", "year", "all", NULL};
static const char *const ROUNDINGS[] = {"none", "base5", "base10", "sdc", NULL};
static const char *const NOISES[] = {"none", "ckm", "geometric", NULL};
static const char *const STATES[] = {"none", "primary", "secondary", NULL};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int bad(unika_error *err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int bad(unika_error *err, const char *path, const char *fmt, ...)
{
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return cli_set_error(err, UNIKA_EFORMAT, path, "%s: %s", path, what);
}

static int in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(s, list[i])) return 1;
    return 0;
}

static int is_hex(const char *s, size_t n)
{
    if (strlen(s) != n) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
    return 1;
}

static int is_label(const char *s)
{
    size_t n = strlen(s);
    return n >= 1 && n <= UNIKA_LABEL_KEY_MAX && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

/* A whole number written as one (no fraction, no exponent), 0..2^53. */
static int is_count(const unika_json *v)
{
    return v->type == UNIKA_JSON_NUMBER && strspn(v->text, "0123456789") == strlen(v->text) &&
           v->number <= 9007199254740992.0;
}

static int type_ok(const unika_json *v, mtype t)
{
    switch (t) {
    case T_STRING: return v->type == UNIKA_JSON_STRING;
    case T_LABEL: return v->type == UNIKA_JSON_STRING && is_label(v->text);
    case T_HEX32: return v->type == UNIKA_JSON_STRING && is_hex(v->text, 32);
    case T_HEX64: return v->type == UNIKA_JSON_STRING && is_hex(v->text, 64);
    case T_GRAIN: return v->type == UNIKA_JSON_STRING && in_list(v->text, GRAINS);
    case T_ROUNDING: return v->type == UNIKA_JSON_STRING && in_list(v->text, ROUNDINGS);
    case T_NOISE: return v->type == UNIKA_JSON_STRING && in_list(v->text, NOISES);
    case T_STATE: return v->type == UNIKA_JSON_STRING && in_list(v->text, STATES);
    case T_BOOL: return v->type == UNIKA_JSON_TRUE || v->type == UNIKA_JSON_FALSE;
    case T_COUNT: return is_count(v);
    case T_NUMBER: return v->type == UNIKA_JSON_NUMBER;
    case T_BASE: return is_count(v) && (v->number == 1 || v->number == 5 || v->number == 10);
    case T_OBJECT: return v->type == UNIKA_JSON_OBJECT;
    case T_ARRAY: return v->type == UNIKA_JSON_ARRAY;
    }
    return 0;
}

static const char *type_name(mtype t)
{
    static const char *const names[] = {
        "a string", "a label name ([a-z0-9_.-], 1 to 64 bytes)", "32 lowercase hex digits",
        "64 lowercase hex digits", "month, half-year, year or all",
        "none, base5, base10 or sdc", "none, ckm or geometric", "none, primary or secondary",
        "true or false", "a whole number from 0 to 2^53", "a number", "1, 5 or 10",
        "an object", "an array"};
    return names[t];
}

/* Every member of obj is in `schema`, of its type; the required ones are there. */
static int members(const unika_json *obj, const member *schema, size_t n, const char *path,
                   unika_error *err)
{
    char where[160];
    for (size_t k = 0; k < obj->n; k++) {
        size_t i = 0;
        while (i < n && strcmp(obj->keys[k], schema[i].name)) i++;
        snprintf(where, sizeof where, "%s%s%.60s", path, *path ? "." : "", obj->keys[k]);
        if (i == n) return bad(err, where, "a member the report schema does not have");
        const unika_json *v = obj->items[k];
        if (v->type == UNIKA_JSON_NULL && schema[i].nullable) continue;
        if (!type_ok(v, schema[i].type))
            return bad(err, where, "must be %s%s", type_name(schema[i].type),
                       schema[i].nullable ? " or null" : "");
    }
    for (size_t i = 0; i < n; i++)
        if (schema[i].required && !unika_json_get(obj, schema[i].name)) {
            snprintf(where, sizeof where, "%s%s%s", path, *path ? "." : "", schema[i].name);
            return bad(err, where, "missing");
        }
    return 0;
}

/* No string anywhere holds a control character: each is rendered into a
 * markdown table cell or a CSV field, where a line break would make a row. */
static int no_controls(const unika_json *v, unika_error *err)
{
    if (v->type == UNIKA_JSON_STRING)
        for (const unsigned char *p = (const unsigned char *)v->text; *p; p++)
            if (*p < 0x20 || *p == 0x7f)
                return cli_set_error(err, UNIKA_EFORMAT, NULL,
                                     "JSON line %zu, column %zu: a control character in a "
                                     "string of a report", v->line, v->column);
    for (size_t k = 0; k < v->n; k++) {
        if (v->keys) {
            unika_json key = {.type = UNIKA_JSON_STRING, .text = v->keys[k],
                              .line = v->items[k]->line, .column = v->items[k]->column};
            if (no_controls(&key, err) < 0) return UNIKA_EFORMAT;
        }
        if (no_controls(v->items[k], err) < 0) return UNIKA_EFORMAT;
    }
    return 0;
}

/* ---- the header and the release stamp --------------------------------------------- */

static int check_header(const unika_json *root, unika_error *err)
{
    const char *schema = unika_json_str(root, "schema");
    int ok;
    double version = unika_json_num(root, "version", &ok);
    if (!schema || strcmp(schema, RD_SCHEMA))
        return bad(err, "schema", "\"%.40s\" is not \"%s\"", schema ? schema : "", RD_SCHEMA);
    if (!ok || version != RD_VERSION)
        return cli_set_error(err, UNIKA_EVERSION, "version",
                             "version: this is %s version %s; this unika reads version %d "
                             "only (version 1 reports published unkeyed digests of their "
                             "input files: make the report again)",
                             RD_SCHEMA, ok ? unika_json_get(root, "version")->text : "?",
                             RD_VERSION);
    int rc = members(root, TOP, N(TOP), "", err);
    if (rc < 0) return rc;
    if (strcmp(rd_str(root, "estimator"), "ml"))
        return bad(err, "estimator", "\"%.40s\" is not ml, the one estimator reports use",
                   rd_str(root, "estimator"));
    if (rd_num(root, "confidence") != 0.95)
        return bad(err, "confidence", "%s is not 0.95", unika_json_get(root, "confidence")->text);
    return 0;
}

static int check_release(const unika_json *rel, unika_error *err)
{
    int rc = members(rel, RELEASE, N(RELEASE), "release", err);
    if (rc < 0) return rc;
    if (rd_num(rel, "threshold") > 1000000)
        return bad(err, "release.threshold", "%s is more than 1000000",
                   unika_json_get(rel, "threshold")->text);
    const char *noise = rd_str(rel, "noise"), *rounding = rd_str(rel, "rounding");
    int geometric = !strcmp(noise, "geometric");
    if (geometric == rd_null(rel, "epsilon"))
        return bad(err, "release.epsilon", geometric ? "missing for geometric noise"
                                                     : "set, but the noise is not geometric");
    double eps = geometric ? rd_num(rel, "epsilon") : 0;
    if (geometric && !(eps >= 0.01 && eps <= 20))
        return bad(err, "release.epsilon", "%s is outside [0.01, 20]",
                   unika_json_get(rel, "epsilon")->text);
    int keyed = !rd_null(rel, "release_key_fingerprint");
    if (strcmp(noise, "none") && (!keyed || rd_null(rel, "release_id")))
        return bad(err, "release.noise", "%s noise without a release key fingerprint and a "
                   "release id", noise);
    if (keyed == rd_null(rel, "inputs_commitment"))
        return bad(err, "release.inputs_commitment", keyed ? "missing, but a release key is "
                   "named" : "set, but no release key is named");
    if (!rd_null(rel, "release_id") && strlen(rd_str(rel, "release_id")) > UNIKA_RELEASE_ID_MAX)
        return bad(err, "release.release_id", "longer than %d bytes", UNIKA_RELEASE_ID_MAX);
    int raw = !strcmp(noise, "none") && !strcmp(rounding, "none");
    if (rd_true(rel, "raw_estimates") != raw)
        return bad(err, "release.raw_estimates", "must be %s with rounding %s and noise %s",
                   raw ? "true" : "false", rounding, noise);
    return 0;
}

/* The count the stamp gives agrees with the figures. */
static int check_withheld(const unika_json *rel, const unika_json *figures, unika_error *err)
{
    size_t secondary = 0;
    for (size_t i = 0; i < figures->n; i++)
        secondary += figures->items[i]->type == UNIKA_JSON_OBJECT &&
                     unika_json_str(figures->items[i], "suppression") &&
                     !strcmp(unika_json_str(figures->items[i], "suppression"), "secondary");
    if (rd_num(rel, "secondary_withheld") != (double)secondary)
        return bad(err, "release.secondary_withheld", "%s, but %zu figures say secondary",
                   unika_json_get(rel, "secondary_withheld")->text, secondary);
    return 0;
}

/* ---- figures ---------------------------------------------------------------------- */

static int by_id(const void *a, const void *b)
{
    return strcmp(rd_str(*(const unika_json *const *)a, "id"),
                  rd_str(*(const unika_json *const *)b, "id"));
}

/* A figure's members and the rules that tie them together. */
static int check_figure(const unika_json *f, size_t i, const unika_json *rel, unika_error *err)
{
    char path[48];
    snprintf(path, sizeof path, "figures[%zu]", i);
    if (f->type != UNIKA_JSON_OBJECT) return bad(err, path, "must be an object");
    int rc = members(f, FIGURE, N(FIGURE), path, err);
    if (rc < 0) return rc;
    const char *id = rd_str(f, "id"), *kind = rd_str(f, "kind");
    snprintf(path, sizeof path, "figure %.36s", id);
    int inter = !strcmp(kind, "intersection");
    if (!inter && strcmp(kind, "union")) return bad(err, path, "kind must be union or intersection");
    const unika_json *ov = unika_json_get(f, "overlap"), *filter = unika_json_get(f, "filter");
    if (inter != (ov != NULL)) return bad(err, path, "an overlap object belongs to intersections only");
    if (ov && (rc = members(ov, OVERLAP, N(OVERLAP), path, err)) < 0) return rc;
    for (size_t k = 0; k < filter->n; k++)
        if (!is_label(filter->keys[k]) || filter->items[k]->type != UNIKA_JSON_STRING)
            return bad(err, path, "its filter must map label names to strings");
    int suppressed = rd_true(f, "suppressed");
    const char *state = rd_str(f, "suppression"), *shown = rd_str(f, "shown");
    if (suppressed != (strcmp(state, "none") != 0))
        return bad(err, path, "suppressed is %s but suppression is %s",
                   suppressed ? "true" : "false", state);
    static const char *const numbers[] = {"value", "rounding_base", "value_ci_low",
                                          "value_ci_high", "estimate", "std_error", "ci_low",
                                          "ci_high"};
    char want[32];
    snprintf(want, sizeof want, "<%.0f", rd_num(rel, "threshold"));
    static const char *const linkage[] = {"linkage_low", "linkage_high", "deterministic"};
    if (suppressed) {
        for (size_t k = 0; k < N(numbers); k++)
            if (!rd_null(f, numbers[k]))
                return bad(err, path, "withheld, but its %s is published", numbers[k]);
        for (size_t k = 0; k < N(linkage); k++)
            if (!rd_null(f, linkage[k]))
                return bad(err, path, "withheld, but its %s is published", linkage[k]);
        if (strcmp(shown, strcmp(state, "primary") ? ".." : want))
            return bad(err, path, "withheld as %s, but shown as \"%.20s\"", state, shown);
        return 0;
    }
    if (rd_null(f, "value") || rd_null(f, "rounding_base"))
        return bad(err, path, "shown, but without value or rounding_base");
    if (!*shown || strspn(shown, "0123456789") != strlen(shown) || strlen(shown) > 16)
        return bad(err, path, "shown as \"%.20s\", which is not a count", shown);
    if (rd_null(f, "value_ci_low") != rd_null(f, "value_ci_high") ||
        rd_true(f, "exact") != rd_null(f, "value_ci_low"))
        return bad(err, path, "an exact figure has no published interval, an estimated one has");
    int raw = rd_true(rel, "raw_estimates");
    for (size_t k = 4; k < N(numbers); k++)
        if (rd_null(f, numbers[k]) == raw)
            return bad(err, path, "its %s must be %s when raw_estimates is %s", numbers[k],
                       raw ? "published" : "null", raw ? "true" : "false");
    return 0;
}

static int index_figures(rd_doc *d, unika_error *err)
{
    d->nfig = d->figures->n;
    d->index = malloc((d->nfig ? d->nfig : 1) * sizeof *d->index);
    if (!d->index) return cli_set_error(err, UNIKA_ENOMEM, NULL, "out of memory");
    for (size_t i = 0; i < d->nfig; i++) d->index[i] = d->figures->items[i];
    qsort(d->index, d->nfig, sizeof *d->index, by_id);
    for (size_t i = 1; i < d->nfig; i++)
        if (!strcmp(rd_str(d->index[i], "id"), rd_str(d->index[i - 1], "id")))
            return bad(err, "figures", "the id \"%.60s\" is given to two figures",
                       rd_str(d->index[i], "id"));
    return 0;
}

/* ---- tables ------------------------------------------------------------------------ */

/* The position in d->index of the figure with this id, or SIZE_MAX. */
static size_t find_at(const rd_doc *d, const char *id)
{
    size_t lo = 0, hi = d->nfig;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(rd_str(d->index[mid], "id"), id);
        if (!c) return mid;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return SIZE_MAX;
}

typedef struct refs {
    const rd_doc *d;
    unsigned char *seen; /* per entry of d->index: named by a table already */
} refs;

/* `ids` (n of them) name figures of table `tid`, each named once in the report. */
static int check_ids(refs *r, const unika_json *ids, size_t n, const char *tid,
                     const char *what, unika_error *err)
{
    char path[120];
    snprintf(path, sizeof path, "table %.40s: %s", tid, what);
    if (!ids || ids->type != UNIKA_JSON_ARRAY) return bad(err, path, "missing");
    if (ids->n != n) return bad(err, path, "%zu ids where the table has %zu", ids->n, n);
    for (size_t k = 0; k < n; k++) {
        const unika_json *v = ids->items[k];
        if (v->type != UNIKA_JSON_STRING) return bad(err, path, "must hold figure ids");
        size_t at = find_at(r->d, v->text);
        if (at == SIZE_MAX)
            return bad(err, path, "names figure \"%.60s\", which the report does not contain",
                       v->text);
        const unika_json *f = r->d->index[at];
        if (strcmp(rd_str(f, "table"), tid))
            return bad(err, path, "names figure \"%.60s\" of table \"%.40s\"", v->text,
                       rd_str(f, "table"));
        if (r->seen[at]) return bad(err, path, "names figure \"%.60s\" a second time", v->text);
        r->seen[at] = 1;
    }
    return 0;
}

/* An array of n strings, each a label value (at most 256 bytes). */
static int values(const unika_json *a, const char *tid, const char *what, unika_error *err)
{
    char path[120];
    snprintf(path, sizeof path, "table %.40s: %s", tid, what);
    if (!a) return bad(err, path, "missing");
    for (size_t k = 0; k < a->n; k++)
        if (a->items[k]->type != UNIKA_JSON_STRING || strlen(a->items[k]->text) > UNIKA_LABEL_VALUE_MAX)
            return bad(err, path, "must hold label values");
    return 0;
}

/* The first member that a kind of table does not have, or -1. */
static int only(const unika_json *t, const char *const *allowed)
{
    for (size_t k = 0; k < t->n; k++)
        if (!in_list(t->keys[k], allowed)) return (int)k;
    return -1;
}

static int check_cells(refs *r, const unika_json *t, const char *tid, size_t nr, size_t nc,
                       unika_error *err)
{
    const unika_json *cells = unika_json_get(t, "cells");
    if (!cells || cells->n != nr)
        return bad(err, tid, "cells must hold one array per row (%zu)", nr);
    for (size_t i = 0; i < nr; i++) {
        char what[48];
        snprintf(what, sizeof what, "cells[%zu]", i);
        int rc = check_ids(r, cells->items[i], nc, tid, what, err);
        if (rc < 0) return rc;
    }
    return 0;
}

static int check_table(refs *r, const unika_json *t, size_t i, unika_error *err)
{
    char path[48];
    snprintf(path, sizeof path, "tables[%zu]", i);
    if (t->type != UNIKA_JSON_OBJECT) return bad(err, path, "must be an object");
    int rc = members(t, TABLE, N(TABLE), path, err);
    if (rc < 0) return rc;
    const char *tid = rd_str(t, "id"), *kind = rd_str(t, "kind");
    static const char *const k_total[] = {"id", "title", "kind", "period_grain", "total", NULL};
    static const char *const k_one[] = {"id", "title", "kind", "rows_label", "period_grain",
                                        "rows", "cells", "total", "note", NULL};
    static const char *const k_two[] = {"id", "title", "kind", "rows_label", "cols_label",
                                        "period_grain", "rows", "cols", "cells", "row_totals",
                                        "col_totals", "total", "note", NULL};
    static const char *const k_overlap[] = {"id", "title", "kind", "rows_label",
                                            "period_grain", "values", "pairs", "note", NULL};
    const char *const *allowed = !strcmp(kind, "total")     ? k_total
                                 : !strcmp(kind, "one-way") ? k_one
                                 : !strcmp(kind, "two-way") ? k_two
                                 : !strcmp(kind, "overlap") ? k_overlap : NULL;
    char where[80];
    snprintf(where, sizeof where, "table %.40s", tid);
    if (!allowed) return bad(err, where, "kind \"%.20s\" is not total, one-way, two-way or overlap", kind);
    int extra = only(t, allowed);
    if (extra >= 0) return bad(err, where, "a %s table has no member \"%.40s\"", kind, t->keys[extra]);
    const unika_json *total = unika_json_get(t, "total");
    if (!strcmp(kind, "total")) {
        if (!total) return bad(err, where, "total missing");
        return check_ids(r, &(unika_json){.type = UNIKA_JSON_ARRAY, .n = 1,
                                          .items = (unika_json *[]){(unika_json *)total}},
                         1, tid, "total", err);
    }
    if (!unika_json_get(t, "rows_label")) return bad(err, where, "rows_label missing");
    if (!strcmp(kind, "overlap")) {
        const unika_json *v = unika_json_get(t, "values");
        if ((rc = values(v, tid, "values", err)) < 0) return rc;
        size_t np = v->n < 2 ? 0 : v->n * (v->n - 1) / 2;
        return check_ids(r, unika_json_get(t, "pairs"), np, tid, "pairs", err);
    }
    int two = !strcmp(kind, "two-way");
    const unika_json *rows = unika_json_get(t, "rows"), *cols = unika_json_get(t, "cols");
    if ((rc = values(rows, tid, "rows", err)) < 0) return rc;
    if (two && (!unika_json_get(t, "cols_label") || (rc = values(cols, tid, "cols", err)) < 0))
        return rc < 0 ? rc : bad(err, where, "cols_label missing");
    size_t nr = rows->n, nc = two ? cols->n : 1;
    if (!nr || !nc) { /* nothing to show: the note says why */
        if (unika_json_get(t, "cells") || total || unika_json_get(t, "row_totals"))
            return bad(err, where, "has no rows or columns, but figures");
        return 0;
    }
    if ((rc = check_cells(r, t, tid, nr, nc, err)) < 0) return rc;
    if (two && ((rc = check_ids(r, unika_json_get(t, "row_totals"), nr, tid, "row_totals", err)) < 0 ||
                (rc = check_ids(r, unika_json_get(t, "col_totals"), nc, tid, "col_totals", err)) < 0))
        return rc;
    if (!total) return bad(err, where, "total missing");
    return check_ids(r, &(unika_json){.type = UNIKA_JSON_ARRAY, .n = 1,
                                      .items = (unika_json *[]){(unika_json *)total}},
                     1, tid, "total", err);
}

static int by_table_id(const void *a, const void *b)
{
    return strcmp(rd_str(*(const unika_json *const *)a, "id"),
                  rd_str(*(const unika_json *const *)b, "id"));
}

/* Tables have distinct ids; between them they name every figure once. */
static int check_tables(const rd_doc *d, unika_error *err)
{
    refs r = {d, calloc(d->nfig ? d->nfig : 1, 1)};
    const unika_json **t = malloc((d->tables->n ? d->tables->n : 1) * sizeof *t);
    int rc = r.seen && t ? 0 : cli_set_error(err, UNIKA_ENOMEM, NULL, "out of memory");
    for (size_t i = 0; !rc && i < d->tables->n; i++) rc = check_table(&r, d->tables->items[i], i, err);
    if (!rc) {
        for (size_t i = 0; i < d->tables->n; i++) t[i] = d->tables->items[i];
        qsort(t, d->tables->n, sizeof *t, by_table_id);
        for (size_t i = 1; !rc && i < d->tables->n; i++)
            if (!strcmp(rd_str(t[i], "id"), rd_str(t[i - 1], "id")))
                rc = bad(err, "tables", "the id \"%.60s\" is given to two tables", rd_str(t[i], "id"));
    }
    for (size_t i = 0; !rc && i < d->nfig; i++)
        if (!r.seen[i])
            rc = bad(err, "figures", "figure \"%.60s\" is in no table", rd_str(d->index[i], "id"));
    free(r.seen);
    free(t);
    return rc;
}

/* ---- the document ---------------------------------------------------------------- */

int rd_open(rd_doc *d, const unika_json *root, const uint8_t *bytes, size_t n, unika_error *err)
{
    memset(d, 0, sizeof *d);
    uint8_t digest[UNIKA_DIGEST_BYTES];
    (void)unika_file_digest(digest, bytes, n);
    unika_hex_encode(d->source, digest, UNIKA_DIGEST_BYTES);
    if (!root || root->type != UNIKA_JSON_OBJECT) return bad(err, "report", "must be an object");
    int rc = check_header(root, err);
    if (rc < 0) return rc;
    d->root = root;
    d->request = unika_json_get(root, "request");
    d->release = unika_json_get(root, "release");
    d->tables = unika_json_get(root, "tables");
    d->figures = unika_json_get(root, "figures");
    if ((rc = members(d->request, REQUEST, N(REQUEST), "request", err)) < 0 ||
        (rc = check_release(d->release, err)) < 0 || (rc = no_controls(root, err)) < 0)
        return rc;
    for (size_t i = 0; i < d->figures->n; i++)
        if ((rc = check_figure(d->figures->items[i], i, d->release, err)) < 0) return rc;
    if ((rc = check_withheld(d->release, d->figures, err)) < 0 || (rc = index_figures(d, err)) < 0)
        return rc;
    return check_tables(d, err);
}

void rd_close(rd_doc *d)
{
    free(d->index);
    memset(d, 0, sizeof *d);
}

const unika_json *rd_figure(const rd_doc *d, const char *id)
{
    size_t at = find_at(d, id);
    return at == SIZE_MAX ? NULL : d->index[at];
}

const char *rd_str(const unika_json *obj, const char *key)
{
    const char *s = unika_json_str(obj, key);
    return s ? s : "";
}

double rd_num(const unika_json *obj, const char *key)
{
    return unika_json_num(obj, key, NULL);
}

int rd_true(const unika_json *obj, const char *key)
{
    const unika_json *v = unika_json_get(obj, key);
    return v && v->type == UNIKA_JSON_TRUE;
}

int rd_null(const unika_json *obj, const char *key)
{
    const unika_json *v = unika_json_get(obj, key);
    return !v || v->type == UNIKA_JSON_NULL;
}
