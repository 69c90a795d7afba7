/*
 * board_doc.c - a report's JSON as the board's formats read it (board.h).
 *
 * The board's formats are rendered from the audited JSON only, so this is
 * their one door to the data: the document checked member by member by
 * report/doc.c (rd_open), arranged for rendering: tables with figure
 * indices, figures with what is shown. It reads the optional members of
 * counts under linkage error (docs/linkage.md) when a figure has them:
 * `linkage_low`, `linkage_high`, `deterministic` and `mode`.
 */
#include <stdlib.h>
#include <string.h>

#include "report/board.h"


typedef struct rd {
    bd_doc *d;
    unika_error *err;
} rd;

static int bad(rd *r, const char *path, const char *what)
{
    return cli_set_error(r->err, UNIKA_EFORMAT, "", "report JSON: %s: %s", path, what);
}

static const unika_json *member(rd *r, const unika_json *obj, const char *key, unika_json_type type,
                             const char *path, int *rc)
{
    const unika_json *v = unika_json_get(obj, key);
    if (*rc) return NULL;
    if (!v || v->type != type) {
        char *p = cli_xprintf("%s.%s", path, key);
        *rc = bad(r, p, v ? "of the wrong type" : "missing");
        free(p);
        return NULL;
    }
    return v;
}

/* A number, or has = 0 for null or absent. */
static double opt_num(const unika_json *obj, const char *key, int *has)
{
    const unika_json *v = unika_json_get(obj, key);
    *has = v && v->type == UNIKA_JSON_NUMBER;
    return *has ? v->number : 0;
}

static const char *opt_str(const unika_json *obj, const char *key)
{
    const unika_json *v = unika_json_get(obj, key);
    return v && v->type == UNIKA_JSON_STRING ? v->text : NULL;
}

static int is_true(const unika_json *obj, const char *key)
{
    const unika_json *v = unika_json_get(obj, key);
    return v && v->type == UNIKA_JSON_TRUE;
}

/* `mode` is a string, or an object whose `kind`/`name` and `version` say it. */
static const char *mode_text(const unika_json *f)
{
    const unika_json *m = unika_json_get(f, "mode");
    if (!m) return NULL;
    if (m->type == UNIKA_JSON_STRING) return m->text;
    if (m->type != UNIKA_JSON_OBJECT) return NULL;
    const char *k = opt_str(m, "kind");
    return k ? k : opt_str(m, "name");
}

static int read_figure(rd *r, bd_fig *f, const unika_json *n)
{
    int rc = 0, has;
    if (n->type != UNIKA_JSON_OBJECT) return bad(r, "figures[]", "not an object");
    const unika_json *id = member(r, n, "id", UNIKA_JSON_STRING, "figure", &rc);
    const unika_json *shown = member(r, n, "shown", UNIKA_JSON_STRING, id ? id->text : "figure", &rc);
    if (rc) return rc;
    f->id = id->text;
    f->shown = shown->text;
    f->suppressed = is_true(n, "suppressed");
    f->state = opt_str(n, "suppression");
    if (!f->state) f->state = f->suppressed ? "primary" : "none";
    f->exact = is_true(n, "exact");
    double v = opt_num(n, "value", &f->has_value);
    if (!f->has_value) v = opt_num(n, "estimate", &f->has_value);
    f->value = (long long)(v < 0 ? v - 0.5 : v + 0.5);
    int hl, hh;
    f->ci_low = opt_num(n, "value_ci_low", &hl);
    f->ci_high = opt_num(n, "value_ci_high", &hh);
    if (!(hl && hh)) {
        f->ci_low = opt_num(n, "ci_low", &hl);
        f->ci_high = opt_num(n, "ci_high", &hh);
    }
    f->has_ci = hl && hh && !f->exact && !f->suppressed;
    f->link_low = opt_num(n, "linkage_low", &hl);
    f->link_high = opt_num(n, "linkage_high", &hh);
    f->has_link = hl && hh && !f->suppressed;
    f->deterministic = opt_num(n, "deterministic", &has);
    f->has_det = has && !f->suppressed;
    f->mode = mode_text(n);
    const unika_json *m = unika_json_get(unika_json_get(n, "mode"), "m_measured");
    f->m_assumed = m && m->type == UNIKA_JSON_FALSE;
    const unika_json *o = unika_json_get(n, "overlap");
    if (o && o->type == UNIKA_JSON_OBJECT) f->oa = opt_str(o, "a"), f->ob = opt_str(o, "b");
    if (f->suppressed) f->has_value = 0; /* never shown, whatever the file holds */
    return 0;
}

static size_t *ids(rd *r, const unika_json *arr, size_t want, const char *path, int *rc)
{
    if (*rc) return NULL;
    if (!arr || arr->type != UNIKA_JSON_ARRAY || arr->n != want) {
        *rc = bad(r, path, "missing, or not an array of the table's size");
        return NULL;
    }
    size_t *out = cli_xcalloc(want ? want : 1, sizeof *out);
    for (size_t i = 0; i < want && !*rc; i++) {
        const unika_json *s = arr->items[i];
        out[i] = s->type == UNIKA_JSON_STRING ? bd_doc_figure(r->d, s->text) : BD_NONE;
        if (out[i] == BD_NONE) *rc = bad(r, path, "names a figure the report does not have");
    }
    return out;
}

static const char **strings(rd *r, const unika_json *arr, size_t *n, const char *path, int *rc)
{
    *n = 0;
    if (*rc) return NULL;
    if (!arr || arr->type != UNIKA_JSON_ARRAY) {
        *rc = bad(r, path, "missing, or not an array");
        return NULL;
    }
    const char **out = cli_xcalloc(arr->n ? arr->n : 1, sizeof *out);
    for (size_t i = 0; i < arr->n && !*rc; i++) {
        if (arr->items[i]->type != UNIKA_JSON_STRING) *rc = bad(r, path, "holds a non-string");
        else out[i] = arr->items[i]->text;
    }
    *n = arr->n;
    return out;
}

/* The figure ids of a two-way table's cells, row by row. */
static size_t *cells(rd *r, const unika_json *arr, size_t nr, size_t nc, const char *path, int *rc)
{
    if (*rc) return NULL;
    if (!arr || arr->type != UNIKA_JSON_ARRAY || arr->n != nr) {
        *rc = bad(r, path, "missing, or not one array per row");
        return NULL;
    }
    size_t *out = cli_xcalloc(nr * nc > 0 ? nr * nc : 1, sizeof *out);
    for (size_t i = 0; i < nr && !*rc; i++) {
        size_t *row = ids(r, arr->items[i], nc, path, rc);
        if (row) memcpy(out + i * nc, row, nc * sizeof *out);
        free(row);
    }
    return out;
}

static int read_table(rd *r, bd_table *t, const unika_json *n)
{
    int rc = 0;
    if (n->type != UNIKA_JSON_OBJECT) return bad(r, "tables[]", "not an object");
    const unika_json *id = member(r, n, "id", UNIKA_JSON_STRING, "table", &rc);
    const unika_json *kind = member(r, n, "kind", UNIKA_JSON_STRING, id ? id->text : "table", &rc);
    if (rc) return rc;
    char *path = cli_xprintf("tables[%s]", id->text);
    t->id = id->text;
    t->kind = kind->text;
    t->rows_label = opt_str(n, "rows_label");
    t->cols_label = opt_str(n, "cols_label");
    t->grain = opt_str(n, "period_grain");
    t->note = opt_str(n, "note");
    t->total = BD_NONE;
    const char *tot = opt_str(n, "total");
    if (tot && (t->total = bd_doc_figure(r->d, tot)) == BD_NONE)
        rc = bad(r, path, "its total is not a figure of the report");
    if (!strcmp(t->kind, "overlap")) {
        t->rows = strings(r, unika_json_get(n, "values"), &t->nr, path, &rc);
        const unika_json *pairs = unika_json_get(n, "pairs");
        t->np = pairs && pairs->type == UNIKA_JSON_ARRAY ? pairs->n : 0;
        t->pairs = ids(r, pairs, t->np, path, &rc);
    } else if (!strcmp(t->kind, "one-way") || !strcmp(t->kind, "two-way")) {
        int two = !strcmp(t->kind, "two-way");
        t->rows = strings(r, unika_json_get(n, "rows"), &t->nr, path, &rc);
        if (two) t->cols = strings(r, unika_json_get(n, "cols"), &t->nc, path, &rc);
        else t->nc = 1;
        t->cell = cells(r, unika_json_get(n, "cells"), t->nr, t->nc, path, &rc);
        if (two) t->rtot = ids(r, unika_json_get(n, "row_totals"), t->nr, path, &rc);
        if (two) t->ctot = ids(r, unika_json_get(n, "col_totals"), t->nc, path, &rc);
        if (!rc && (!t->rows_label || (two && !t->cols_label)))
            rc = bad(r, path, "has no rows_label or cols_label");
    } else if (strcmp(t->kind, "total") || t->total == BD_NONE) {
        rc = rc ? rc : bad(r, path, "an unknown kind of table");
    }
    free(path);
    return rc;
}

/* The figures' indices sorted by id, for bd_doc_figure()'s binary search. */
static const bd_fig *sort_base;

static int by_id(const void *a, const void *b)
{
    return strcmp(sort_base[*(const size_t *)a].id, sort_base[*(const size_t *)b].id);
}

size_t bd_doc_figure(const bd_doc *d, const char *id)
{
    size_t lo = 0, hi = d->nf;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(d->f[d->order[mid]].id, id);
        if (!c) return d->order[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return BD_NONE;
}

static int read_release(rd *r, bd_doc *d)
{
    int rc = 0, has;
    const unika_json *root = d->root;
    d->release = member(r, root, "release", UNIKA_JSON_OBJECT, "report", &rc);
    if (rc) return rc;
    d->threshold = (long long)opt_num(d->release, "threshold", &has);
    if (!has) return bad(r, "release.threshold", "missing");
    d->secondary = is_true(d->release, "secondary");
    d->raw = is_true(d->release, "raw_estimates");
    d->rounding = opt_str(d->release, "rounding");
    d->noise = opt_str(d->release, "noise");
    d->release_id = opt_str(d->release, "release_id");
    d->manifest = opt_str(d->release, "manifest");
    d->recipe = opt_str(root, "recipe");
    d->key_fp = opt_str(root, "key_fingerprint");
    d->recipe_fp = opt_str(root, "recipe_fingerprint");
    d->version = opt_str(root, "generator_version");
    const unika_json *in = unika_json_get(root, "inputs");
    d->ninputs = in && in->type == UNIKA_JSON_ARRAY ? in->n : 0;
    return 0;
}

static int read_doc(rd *r, bd_doc *d)
{
    int rc = 0;
    const char *schema = unika_json_str(d->root, "schema");
    if (!schema || strcmp(schema, "unika-report"))
        return bad(r, "schema", "not a unika-report document");
    if ((rc = read_release(r, d))) return rc;
    const unika_json *figs = member(r, d->root, "figures", UNIKA_JSON_ARRAY, "report", &rc);
    const unika_json *tabs = member(r, d->root, "tables", UNIKA_JSON_ARRAY, "report", &rc);
    if (rc) return rc;
    d->f = cli_xcalloc(figs->n ? figs->n : 1, sizeof *d->f);
    for (size_t i = 0; i < figs->n && !rc; i++, d->nf++) rc = read_figure(r, &d->f[i], figs->items[i]);
    if (rc) return rc;
    d->order = cli_xcalloc(d->nf ? d->nf : 1, sizeof *d->order);
    for (size_t i = 0; i < d->nf; i++) d->order[i] = i;
    sort_base = d->f; /* qsort has no context argument in C11 */
    qsort(d->order, d->nf, sizeof *d->order, by_id);
    for (size_t i = 1; i < d->nf && !rc; i++)
        if (!strcmp(d->f[d->order[i - 1]].id, d->f[d->order[i]].id))
            rc = bad(r, d->f[d->order[i]].id, "a figure id twice");
    d->t = cli_xcalloc(tabs->n ? tabs->n : 1, sizeof *d->t);
    for (size_t i = 0; i < tabs->n && !rc; i++, d->nt++) rc = read_table(r, &d->t[i], tabs->items[i]);
    return rc;
}

int bd_doc_from(bd_doc *d, const rd_doc *checked, unika_error *err)
{
    memset(d, 0, sizeof *d);
    d->root = checked->root;
    memcpy(d->source, checked->source, sizeof d->source);
    rd r = {d, err};
    int rc = read_doc(&r, d);
    if (rc) bd_doc_close(d);
    return rc;
}

int bd_doc_open(bd_doc *d, const char *bytes, size_t n, unika_error *err)
{
    unika_json *root = NULL;
    rd_doc *checked = cli_xcalloc(1, sizeof *checked);
    int rc = unika_json_parse(&root, bytes, n, err);
    if (rc == 0) rc = rd_open(checked, root, (const uint8_t *)bytes, n, err);
    if (rc == 0) rc = bd_doc_from(d, checked, err);
    if (rc) {
        rd_close(checked);
        free(checked);
        unika_json_free(root);
        memset(d, 0, sizeof *d);
        return rc;
    }
    d->own_root = root;
    d->own_rd = checked;
    return 0;
}

void bd_doc_close(bd_doc *d)
{
    for (size_t i = 0; i < d->nt; i++) {
        bd_table *t = &d->t[i];
        free(t->rows), free(t->cols), free(t->cell), free(t->rtot), free(t->ctot), free(t->pairs);
    }
    /* a table that failed half-way is the last one: free what it holds too */
    free(d->t);
    free(d->f);
    free(d->order);
    if (d->own_rd) rd_close(d->own_rd);
    free(d->own_rd);
    unika_json_free(d->own_root);
    memset(d, 0, sizeof *d);
}

int bd_doc_has_linkage(const bd_doc *d)
{
    for (size_t i = 0; i < d->nf; i++)
        if (d->f[i].has_link || d->f[i].has_det) return 1;
    return 0;
}
