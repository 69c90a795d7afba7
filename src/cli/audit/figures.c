/*
 * figures.c - step 5 of the audit (audit.h): every figure of the report
 * recomputed from the signed files and released again.
 *
 * The selection and the estimates are written here again, from the report
 * format (docs/report.md), rather than by calling `unika report`'s code:
 * the audit takes no number from the report. The release rules are the
 * library's, the ones `unika report` ran (unika_release_apply()).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audit/checks.h"
#include "report/linkest.h"
#include "unika/key.h"
#include "unika/release.h"

#define REL_TOL 1e-9 /* floats are printed with 17 digits; allow for a libm ulp */

/* ---- 4: the figures ------------------------------------------------------------------ */

/* Does input v match the filter at `grain`? "*" means "has the label". */
static int matches(const vinput *v, const unika_json *filter, rp_grain grain)
{
    for (size_t k = 0; filter && k < filter->n; k++) {
        const char *key = filter->keys[k];
        const char *want = filter->items[k]->type == UNIKA_JSON_STRING ? filter->items[k]->text : NULL;
        const char *have = unika_sketch_get_label(v->sketch, key);
        char rolled[UNIKA_LABEL_VALUE_MAX + 1];
        if (!want || !have) return 0;
        if (!strcmp(key, "period")) {
            if (rp_period_at(rolled, sizeof rolled, have, grain) < 0) return 0;
            have = rolled;
        }
        if (strcmp(want, "*") && strcmp(want, have)) return 0;
    }
    return 1;
}

typedef struct selection {
    size_t *idx, n;
} selection;

/* Candidates by one label: the files that have `key`, sorted by its value
 * (a period rolled up to `grain`). Only prunes: every candidate is still
 * tested by matches() above, so the audit's selection rule stays the one
 * written here, apart from `unika report`'s code (report/index.c). Without
 * it a report of F figures over n files costs F x n label look-ups.
 *
 * Each distinct value is stored once, with the range of its files in
 * `file` (8 bytes per file: a string per file was 48 bytes, 29 MB for the
 * six look-ups of a default report at 10^5 files). */
typedef struct by_value {
    const char *key;
    rp_grain grain;
    size_t nv;        /* distinct values */
    char **value;     /* sorted */
    size_t *first;    /* value k's files: file[first[k] .. first[k + 1]) */
    size_t *file;     /* by value, then in file order */
    /* Per value, built once when first asked for: the union of its files
     * and the selection of its side of an overlap (an overlap table of v
     * values asks for each side v - 1 times). */
    unika_sketch **u;
    uint8_t *have;
    selection *side;
} by_value;

struct audit_index {
    by_value *v;
    size_t n;
};

struct vent {
    char *value;
    size_t at;
};

static int vent_cmp(const void *x, const void *y)
{
    const struct vent *a = x, *b = y;
    int c = strcmp(a->value, b->value);
    return c ? c : (a->at > b->at) - (a->at < b->at);
}

/* The (value, file) pairs of b's label, sorted; *n of them. */
static struct vent *label_values(const audit *a, const by_value *b, size_t *n)
{
    struct vent *e = cli_xmalloc((a->n ? a->n : 1) * sizeof *e);
    *n = 0;
    for (size_t i = 0; i < a->n; i++) {
        char rolled[UNIKA_LABEL_VALUE_MAX + 1];
        const char *v = a->in[i].sketch ? unika_sketch_get_label(a->in[i].sketch, b->key) : NULL;
        if (v && b->grain != RP_ALL)
            v = rp_period_at(rolled, sizeof rolled, v, b->grain) < 0 ? NULL : rolled;
        if (v) e[(*n)++] = (struct vent){cli_xstrdup(v), i};
    }
    qsort(e, *n, sizeof *e, vent_cmp);
    return e;
}

/* b's values and files from the sorted pairs e[0..n) (their strings taken
 * over: one kept per value, the others freed). */
static void group_values(by_value *b, struct vent *e, size_t n)
{
    b->file = cli_xmalloc((n ? n : 1) * sizeof *b->file);
    b->value = cli_xmalloc((n ? n : 1) * sizeof *b->value);
    b->first = cli_xmalloc((n + 1) * sizeof *b->first);
    for (size_t i = 0; i < n; i++) {
        b->file[i] = e[i].at;
        if (b->nv && !strcmp(b->value[b->nv - 1], e[i].value)) {
            free(e[i].value);
            continue;
        }
        b->first[b->nv] = i;
        b->value[b->nv++] = e[i].value;
    }
    b->first[b->nv] = n;
    size_t m = b->nv ? b->nv : 1;
    b->u = cli_xcalloc(m, sizeof *b->u);
    b->have = cli_xcalloc(m, 1);
    b->side = cli_xcalloc(m, sizeof *b->side);
}

static const by_value *by_value_of(const audit *a, const char *key, rp_grain grain)
{
    struct audit_index *x = a->index;
    if (strcmp(key, "period")) grain = RP_ALL; /* only periods roll up */
    for (size_t k = 0; k < x->n; k++)
        if (!strcmp(x->v[k].key, key) && x->v[k].grain == grain) return &x->v[k];
    x->v = cli_xrealloc(x->v, (x->n + 1) * sizeof *x->v);
    by_value *b = &x->v[x->n++];
    memset(b, 0, sizeof *b);
    b->key = key;
    b->grain = grain;
    size_t n = 0;
    struct vent *e = label_values(a, b, &n);
    group_values(b, e, n);
    free(e);
    return b;
}

static void audit_index_free(audit *a)
{
    struct audit_index *x = a->index;
    for (size_t k = 0; x && k < x->n; k++) {
        by_value *b = &x->v[k];
        for (size_t i = 0; i < b->nv; i++) {
            free(b->value[i]);
            unika_sketch_free(b->u[i]);
            free(b->side[i].idx);
        }
        free(b->value);
        free(b->first);
        free(b->file);
        free(b->u);
        free(b->have);
        free(b->side);
    }
    if (x) free(x->v);
    free(x);
    a->index = NULL;
}

/* The position of `want` among b's values, or b->nv when none has it. */
static size_t value_at(const by_value *b, const char *want)
{
    size_t lo = 0, hi = b->nv;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(b->value[mid], want) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo < b->nv && !strcmp(b->value[lo], want) ? lo : b->nv;
}

static void select_inputs(selection *s, const audit *a, const unika_json *filter, rp_grain grain)
{
    s->n = 0;
    const char *key = NULL, *want = NULL; /* the first label the filter fixes */
    for (size_t k = 0; filter && k < filter->n && !key; k++)
        if (filter->items[k]->type == UNIKA_JSON_STRING && strcmp(filter->items[k]->text, "*"))
            key = filter->keys[k], want = filter->items[k]->text;
    if (!key || !a->index) {
        s->idx = cli_xmalloc((a->n ? a->n : 1) * sizeof *s->idx);
        for (size_t i = 0; i < a->n; i++)
            if (a->in[i].sketch && matches(&a->in[i], filter, grain)) s->idx[s->n++] = i;
    } else {
        const by_value *b = by_value_of(a, key, grain);
        size_t v = value_at(b, want);
        size_t lo = v < b->nv ? b->first[v] : 0, hi = v < b->nv ? b->first[v + 1] : 0;
        s->idx = cli_xmalloc((hi > lo ? hi - lo : 1) * sizeof *s->idx);
        /* A value's files are in file order: so are the candidates. */
        for (; lo < hi; lo++) {
            size_t i = b->file[lo];
            if (matches(&a->in[i], filter, grain)) s->idx[s->n++] = i;
        }
    }
    /* Held until every figure is released: only what was selected (a cell
     * of a two-way table keeps 90 of its 5,400 candidates). */
    s->idx = cli_xrealloc(s->idx, (s->n ? s->n : 1) * sizeof *s->idx);
}

/* The union of the selected sketches; NULL (an empty union) when none. */
static int union_of(unika_sketch **out, const audit *a, const selection *s, unika_error *err)
{
    *out = NULL;
    for (size_t k = 0; k < s->n; k++) {
        const unika_sketch *src = a->in[s->idx[k]].sketch;
        int rc = *out ? unika_sketch_merge(*out, src, err) : unika_sketch_copy(out, src, err);
        if (rc < 0) {
            unika_sketch_free(*out);
            *out = NULL;
            return rc;
        }
    }
    return 0;
}

/* (During audit_figures, which holds a->index.) One side of an overlap: the
 * files with label = value that `filter` (that one label) selects, selected
 * once per value and lent to every pair of that value (*lent = 1); a value
 * no file has is selected (empty) and owned (*lent = 0). */
static void side_select(selection *s, int *lent, const audit *a, const unika_json *filter,
                        const char *label, const char *value, rp_grain grain)
{
    by_value *b = (by_value *)by_value_of(a, label, grain);
    size_t at = value_at(b, value);
    *lent = at < b->nv;
    if (*lent && b->side[at].idx) {
        *s = b->side[at];
        return;
    }
    select_inputs(s, a, filter, grain);
    if (*lent) b->side[at] = *s;
}

/* The union of one side of an overlap (the files with label = value, as
 * selected in s), kept in the index for the other pairs of that value;
 * *out is borrowed (NULL: an empty side). */
static int side_union(const unika_sketch **out, const audit *a, const char *label,
                     const char *value, rp_grain grain, const selection *s, unika_error *err)
{
    by_value *b = (by_value *)by_value_of(a, label, grain);
    size_t at = value_at(b, value);
    if (at < b->nv && b->have[at]) {
        *out = b->u[at];
        return 0;
    }
    unika_sketch *u = NULL;
    int rc = union_of(&u, a, s, err);
    if (rc < 0) return rc;
    if (at < b->nv) {
        b->u[at] = u;
        b->have[at] = 1;
    } else {
        unika_sketch_free(u); /* an empty selection: no sketch was made */
        u = NULL;
    }
    *out = u;
    return 0;
}

/* Compares the digests the figure cites with those the filter selects. */
static int close_enough(double want, double got)
{
    return fabs(want - got) <= REL_TOL * fmax(1.0, fabs(want));
}

/* Untrusted inputs (bad signature, other key) make a figure unverifiable. */
static int all_trusted(audit *a, const char *id, const selection *s)
{
    for (size_t k = 0; k < s->n; k++) {
        const vinput *v = &a->in[s->idx[k]];
        if (!v->trusted) {
            audit_fail(a, "%s: rests on %s, which failed verification", id, v->path);
            return 0;
        }
    }
    return 1;
}

typedef struct name_at {
    const char *name;
    size_t k;
} name_at;

static int by_name(const void *x, const void *y)
{
    const name_at *a = x, *b = y;
    int c = strcmp(a->name, b->name);
    return c ? c : (a->k > b->k) - (a->k < b->k);
}

static int by_position(const void *x, const void *y)
{
    const name_at *a = x, *b = y;
    return (a->k > b->k) - (a->k < b->k);
}

/* "name, name, ..." of the distinct signers of the selected files, in the
 * order they first appear. Distinct by sorting once (a figure over 10^5
 * files has 10^5 names; comparing each with those before was quadratic). */
static void signers_of(char *dst, size_t cap, const audit *a, const selection *s)
{
    size_t off = 0, m = 0;
    dst[0] = '\0';
    name_at *v = cli_xmalloc((s->n ? s->n : 1) * sizeof *v);
    for (size_t k = 0; k < s->n; k++) v[k] = (name_at){a->in[s->idx[k]].signer, k};
    qsort(v, s->n, sizeof *v, by_name);
    for (size_t k = 0; k < s->n; k++) /* the first of each name, unverified ("") left out */
        if (v[k].name[0] && (!k || strcmp(v[k - 1].name, v[k].name))) v[m++] = v[k];
    qsort(v, m, sizeof *v, by_position);
    for (size_t k = 0; k < m; k++) {
        int w = snprintf(dst + off, cap - off, "%s%s", off ? ", " : "", v[k].name);
        if (w < 0 || (size_t)w >= cap - off) break;
        off += (size_t)w;
    }
    free(v);
}

/* One figure of the report, recomputed (phase 1), then released (phase 2). */
typedef struct vfig {
    const unika_json *json;
    const char *id;
    int ok;              /* recomputed; compared in phase 2 */
    selection sa, sb;    /* inputs of the union (A), of B */
    int lent_a, lent_b;  /* sa, sb belong to the index (an overlap's sides) */
    char who[300];       /* signers, for the log */
    /* The recomputed estimate and content id, then what the library's
     * release step makes of them (unika_release_apply()). */
    unika_release_figure r;
    double deterministic; /* with the linker's estimates: the cells' own estimate */
} vfig;

/* Phase 1 for |union|: the files the filter selects, all trusted, merged
 * and estimated again. Returns 1, or 0 after logging why not. */
static int recompute_union(audit *a, vfig *v, rp_grain grain, int noise)
{
    const unika_json *filter = unika_json_get(v->json, "filter");
    unika_sketch *u = NULL;
    unika_error err = {0};
    v->r.whole = 1;
    for (size_t k = 0; k < filter->n; k++) v->r.whole &= !strcmp(filter->items[k]->text, "*");
    select_inputs(&v->sa, a, filter, grain);
    signers_of(v->who, sizeof v->who, a, &v->sa);
    int ok = all_trusted(a, v->id, &v->sa);
    if (ok && union_of(&u, a, &v->sa, &err) < 0) {
        audit_fail(a, "%s: cannot merge its inputs: %s", v->id, err.message);
        ok = 0;
    }
    if (ok && u && unika_sketch_estimate(&v->r.estimate, u, UNIKA_ESTIMATOR_ML, &err) < 0) {
        audit_fail(a, "%s: cannot estimate: %s", v->id, err.message);
        ok = 0;
    }
    if (ok && noise && unika_release_cell_union(&v->r, u, &err) < 0) {
        audit_fail(a, "%s: %s", v->id, err.message);
        ok = 0;
    }
    unika_sketch_free(u);
    return ok;
}

/* Phase 1 for |A ∩ B|: A = files with label = a, B = label = b. */
static int recompute_overlap(audit *a, vfig *v, rp_grain grain, int noise)
{
    const unika_json *ov = unika_json_get(v->json, "overlap");
    const char *label = rd_str(ov, "label"), *va = rd_str(ov, "a"), *vb = rd_str(ov, "b");
    /* The two sides as filters of one key. */
    unika_json sva = {.type = UNIKA_JSON_STRING, .text = (char *)va};
    unika_json svb = {.type = UNIKA_JSON_STRING, .text = (char *)vb};
    char *keys[1] = {(char *)label};
    unika_json *ia[1] = {&sva}, *ib[1] = {&svb};
    unika_json fa = {.type = UNIKA_JSON_OBJECT, .n = 1, .keys = keys, .items = ia};
    unika_json fb = {.type = UNIKA_JSON_OBJECT, .n = 1, .keys = keys, .items = ib};
    side_select(&v->sa, &v->lent_a, a, &fa, label, va, grain);
    side_select(&v->sb, &v->lent_b, a, &fb, label, vb, grain);
    char wa[128], wb[128];
    signers_of(wa, sizeof wa, a, &v->sa);
    signers_of(wb, sizeof wb, a, &v->sb);
    snprintf(v->who, sizeof v->who, "%s | %s", wa, wb);
    const unika_sketch *ua = NULL, *ub = NULL;
    unika_error err = {0};
    int ok = all_trusted(a, v->id, &v->sa) && all_trusted(a, v->id, &v->sb);
    if (ok && (side_union(&ua, a, label, va, grain, &v->sa, &err) < 0 ||
               side_union(&ub, a, label, vb, grain, &v->sb, &err) < 0)) {
        audit_fail(a, "%s: cannot merge its inputs: %s", v->id, err.message);
        ok = 0;
    }
    if (ok && ua && ub && unika_sketch_intersection(&v->r.estimate, ua, ub, &err) < 0) {
        audit_fail(a, "%s: cannot estimate the overlap: %s", v->id, err.message);
        ok = 0;
    }
    if (ok && noise && unika_release_cell_intersection(&v->r, ua, ub, &err) < 0) {
        audit_fail(a, "%s: %s", v->id, err.message);
        ok = 0;
    }
    return ok;
}

/* With the linker's estimates: the corrected estimate replaces the cells'
 * (report/linkest.h, the rule `unika report --estimates` applied). */
static int correct(audit *a, vfig *v, rp_grain grain)
{
    const unika_json *filter = unika_json_get(v->json, "filter");
    const char *fk[8], *fv[8];
    size_t nf = 0;
    for (size_t k = 0; k < filter->n && nf < 8; k++, nf++) {
        fk[nf] = filter->keys[k];
        fv[nf] = filter->items[k]->text;
    }
    const unika_json *ov = unika_json_get(v->json, "overlap");
    char why[256];
    unika_estimate c;
    if (rp_linkest_figure(a->linkest, nf, fk, fv, grain, ov ? rd_str(ov, "label") : NULL,
                          ov ? rd_str(ov, "a") : NULL, ov ? rd_str(ov, "b") : NULL,
                          &v->r.estimate, &c, why, sizeof why) < 0) {
        audit_fail(a, "%s: %s", v->id, why);
        return 0;
    }
    v->deterministic = v->r.estimate.estimate;
    v->r.estimate = c;
    return 1;
}

/* Phase 1: the files the figure's filter selects (all trusted), and their
 * union, or the intersection of two unions, estimated again. Failures are
 * logged here; numbers are compared in phase 2. The document is checked
 * already (report/doc.h): every member is there and of its type. */
static void recompute_figure(audit *a, vfig *v, int noise)
{
    rp_grain grain = (rp_grain)rp_grain_from_name(rd_str(v->json, "period_grain"));
    v->r.overlap = !strcmp(rd_str(v->json, "kind"), "intersection");
    memset(&v->r.estimate, 0, sizeof v->r.estimate);
    v->r.estimate.exact = 1;
    v->ok = v->r.overlap ? recompute_overlap(a, v, grain, noise) : recompute_union(a, v, grain, noise);
    if (v->ok && a->linkest) v->ok = correct(a, v, grain);
    v->r.inputs_a = v->sa.idx;
    v->r.n_a = v->sa.n;
    v->r.inputs_b = v->sb.idx;
    v->r.n_b = v->sb.n;
}

/* ---- phase 2: the release step, re-applied -------------------------------------------- */

/* A figure's JSON node and its position among the report's figures. */
typedef struct node_at {
    const unika_json *node;
    size_t at;
} node_at;

/* The release parameters the report states (checked by report/doc.c). */
typedef struct release {
    int secondary;           /* secondary suppression on */
    int raw;                 /* raw estimates published */
    unika_rounding rounding;
    unika_noise noise;
    double epsilon;
    const char *release_id;
    const unika_key *release_key;
    const rd_doc *doc;
    node_at *by_node;        /* the figures by node address, for figure_index() */
    size_t nfig;
} release;

static int by_address(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const node_at *)a)->node;
    uintptr_t y = (uintptr_t)((const node_at *)b)->node;
    return (x > y) - (x < y);
}

/* The position among the report's figures of the figure an id names, or
 * SIZE_MAX: the id found through the document's index, its node's position
 * through rel->by_node (no quadratic cost whatever the report's size). */
static size_t figure_index(const release *rel, const unika_json *id)
{
    if (!id || id->type != UNIKA_JSON_STRING) return SIZE_MAX;
    node_at key = {rd_figure(rel->doc, id->text), 0};
    if (!key.node) return SIZE_MAX;
    const node_at *hit = bsearch(&key, rel->by_node, rel->nfig, sizeof key, by_address);
    return hit ? hit->at : SIZE_MAX;
}

/* The report's tables (docs/report.md) as the release step sees them,
 * with every figure id resolved; `bad` when a table names a figure that
 * does not exist or is malformed. */
typedef struct vtables {
    unika_release_table *t;
    size_t n;
    size_t **owned;
    size_t nowned;
    int bad;
} vtables;

static size_t *vt_array(vtables *vt, size_t n)
{
    size_t *p = cli_xmalloc((n ? n : 1) * sizeof *p);
    vt->owned = cli_xrealloc(vt->owned, (vt->nowned + 1) * sizeof *vt->owned);
    vt->owned[vt->nowned++] = p;
    return p;
}

/* The figure indices of a JSON array of ids into dst; 0 if any is unknown. */
static int vt_ids(size_t *dst, const unika_json *ids, size_t n, const release *rel)
{
    int ok = ids && ids->type == UNIKA_JSON_ARRAY && ids->n == n;
    for (size_t i = 0; ok && i < n; i++) ok = (dst[i] = figure_index(rel, ids->items[i])) != SIZE_MAX;
    return ok;
}

static void vt_table(vtables *vt, const unika_json *t, const release *rel)
{
    const char *kind = unika_json_str(t, "kind");
    if (!kind) return;
    unika_release_table x = {UNIKA_RELEASE_ONE_WAY, 0, 1, NULL, NULL, NULL, SIZE_MAX};
    if (!strcmp(kind, "overlap")) {
        const unika_json *pairs = unika_json_get(t, "pairs");
        if (!pairs || pairs->type != UNIKA_JSON_ARRAY) return;
        x.kind = UNIKA_RELEASE_OVERLAP;
        x.rows = pairs->n;
        size_t *cells = vt_array(vt, x.rows);
        if (!vt_ids(cells, pairs, x.rows, rel)) vt->bad = 1;
        x.cells = cells;
    } else {
        int two = !strcmp(kind, "two-way");
        const unika_json *rows = unika_json_get(t, "cells");
        if ((!two && strcmp(kind, "one-way")) || !rows || rows->type != UNIKA_JSON_ARRAY || !rows->n)
            return;
        x.kind = two ? UNIKA_RELEASE_TWO_WAY : UNIKA_RELEASE_ONE_WAY;
        x.rows = rows->n;
        x.cols = rows->items[0]->type == UNIKA_JSON_ARRAY ? rows->items[0]->n : 0;
        size_t *cells = vt_array(vt, x.rows * (two ? x.cols : 1));
        for (size_t i = 0; i < x.rows; i++) {
            size_t *row = two ? cells + i * x.cols : vt_array(vt, x.cols);
            if (!x.cols || !vt_ids(row, rows->items[i], x.cols, rel)) vt->bad = 1;
            else if (!two) cells[i] = row[0];
        }
        x.cells = cells;
        x.total = figure_index(rel, unika_json_get(t, "total"));
        if (two) {
            size_t *rt = vt_array(vt, x.rows), *ct = vt_array(vt, x.cols);
            if (!vt_ids(rt, unika_json_get(t, "row_totals"), x.rows, rel) ||
                !vt_ids(ct, unika_json_get(t, "col_totals"), x.cols, rel))
                vt->bad = 1;
            x.row_totals = rt;
            x.col_totals = ct;
        }
    }
    vt->t = cli_xrealloc(vt->t, (vt->n + 1) * sizeof *vt->t);
    vt->t[vt->n++] = x;
}

static void vt_free(vtables *vt)
{
    for (size_t i = 0; i < vt->nowned; i++) free(vt->owned[i]);
    free(vt->owned);
    free(vt->t);
}

static const char *state_name(uint8_t s)
{
    return s == UNIKA_RELEASE_PRIMARY ? "primary" : s == UNIKA_RELEASE_SECONDARY ? "secondary"
                                                                                 : "none";
}

/* Compares a JSON integer field (or null) with what it should be. */
static int int_field(audit *a, const vfig *v, const char *key, int want_null, long long want)
{
    const unika_json *node = unika_json_get(v->json, key);
    if (!node) return 1; /* older reports lack the release fields */
    if (want_null) {
        if (node->type == UNIKA_JSON_NULL) return 1;
        audit_fail(a, "%s: %s is %s in the report, but the figure is not published", v->id, key,
                  node->type == UNIKA_JSON_NUMBER ? node->text : "set");
        return 0;
    }
    if (node->type == UNIKA_JSON_NUMBER && node->number == (double)want) return 1;
    audit_fail(a, "%s: %s is %s in the report, the signed files give %lld", v->id, key,
              node->type == UNIKA_JSON_NUMBER ? node->text : "missing", want);
    return 0;
}

/* The raw estimate, its error and interval: published exactly when the
 * release rules publish raw estimates. */
static int raw_fields(audit *a, const vfig *v, int withheld, const release *rel)
{
    static const char *const fields[] = {"estimate", "std_error", "ci_low", "ci_high"};
    const unika_estimate *e = &v->r.estimate;
    const double got[] = {e->estimate, e->std_error, e->ci_low, e->ci_high};
    for (size_t k = 0; k < 4; k++) {
        const unika_json *node = unika_json_get(v->json, fields[k]);
        if (withheld || !rel->raw) {
            if (!node || node->type == UNIKA_JSON_NULL) continue;
            audit_fail(a, "%s: the report publishes the raw %s, which its release rules withhold",
                      v->id, fields[k]);
            return 0;
        }
        if (!node || node->type != UNIKA_JSON_NUMBER || !close_enough(node->number, got[k])) {
            audit_fail(a, "%s: %s is %s in the report, the signed files give %.17g", v->id,
                      fields[k], node && node->type == UNIKA_JSON_NUMBER ? node->text : "missing",
                      got[k]);
            return 0;
        }
    }
    return 1;
}

/* With the linker's estimates, the cells' own count beside the corrected
 * figure (withheld with it); without them, none. */
static int deterministic_field(audit *a, const vfig *v, int withheld)
{
    const unika_json *node = unika_json_get(v->json, "deterministic");
    int has = node && node->type == UNIKA_JSON_NUMBER;
    if (!a->linkest || withheld) {
        if (!has) return 1;
        audit_fail(a, "%s: the report publishes a deterministic count it %s", v->id,
                   a->linkest ? "withholds" : "has no linker's estimates for");
        return 0;
    }
    if (has && close_enough(node->number, v->deterministic)) return 1;
    audit_fail(a, "%s: deterministic is %s in the report, the signed cells give %.17g", v->id,
               has ? node->text : "missing", v->deterministic);
    return 0;
}

/* Phase 2 for one figure: what the release step made of the recomputed
 * estimate, against what the report shows. */
static void compare_figure(audit *a, const vfig *v, const release *rel)
{
    const unika_json *f = v->json;
    const unika_release_figure *r = &v->r;
    int suppressed = r->state != UNIKA_RELEASE_SHOWN;
    long long vlo = (long long)r->value_ci_low, vhi = (long long)r->value_ci_high;
    const char *shown = unika_json_str(f, "shown");
    const unika_json *supp = unika_json_get(f, "suppressed");
    const char *state = unika_json_str(f, "suppression");
    int is_suppressed = supp && supp->type == UNIKA_JSON_TRUE;
    if (is_suppressed != suppressed || strcmp(shown, r->shown) ||
        (state && strcmp(state, state_name(r->state)))) {
        audit_fail(a, "%s: the report shows \"%s\"%s%s, the signed files give \"%s\"%s%s "
                  "(estimate %.2f)", v->id, shown, is_suppressed ? ", withheld as " : "",
                  is_suppressed ? (state ? state : "suppressed") : "", r->shown,
                  suppressed ? ", withheld as " : "", suppressed ? state_name(r->state) : "",
                  r->estimate.estimate);
        return;
    }
    if (!int_field(a, v, "value", suppressed, (long long)r->value) ||
        !int_field(a, v, "rounding_base", suppressed, r->base) ||
        !int_field(a, v, "value_ci_low", suppressed || r->estimate.exact, vlo) ||
        !int_field(a, v, "value_ci_high", suppressed || r->estimate.exact, vhi) ||
        !raw_fields(a, v, suppressed, rel) || !deterministic_field(a, v, suppressed))
        return;
    const unika_json *exact = unika_json_get(f, "exact");
    if (exact && (exact->type == UNIKA_JSON_TRUE) != (r->estimate.exact != 0)) {
        audit_fail(a, "%s: the report calls it %s, the signed files give an %s count", v->id,
                  exact->type == UNIKA_JSON_TRUE ? "exact" : "estimated",
                  r->estimate.exact ? "exact" : "estimated");
        return;
    }
    size_t n_files = v->sa.n + v->sb.n;
    if (r->state == UNIKA_RELEASE_PRIMARY)
        audit_ok(a, "%s: %s (below %lu) from %zu signed file(s) [%s]", v->id, shown, a->min_count,
                n_files, v->who);
    else if (r->state == UNIKA_RELEASE_SECONDARY)
        audit_ok(a, "%s: %s (withheld: secondary suppression) from %zu signed file(s) [%s]", v->id,
                shown, n_files, v->who);
    else if (r->estimate.exact)
        audit_ok(a, "%s: %s (exact) from %zu signed file(s) [%s]", v->id, shown, n_files, v->who);
    else if (rel->raw)
        audit_ok(a, "%s: %s (95%% %.0f-%.0f) from %zu signed file(s) [%s]", v->id, shown,
                r->estimate.ci_low, r->estimate.ci_high, n_files, v->who);
    else
        audit_ok(a, "%s: %s (95%% %lld-%lld) from %zu signed file(s) [%s]", v->id, shown, vlo, vhi,
                n_files, v->who);
}

/* Phase 2: the library's release step (the one `unika report` ran) over the
 * recomputed figures. Secondary suppression needs every figure; when some
 * could not be recomputed, or the tables are malformed, the others are
 * released without it (and the audit has failed already). Returns 0, or -1
 * when the step cannot run at all. */
static int release_figures(audit *a, vfig *v, size_t n, const unika_json *tables,
                           const release *rel)
{
    unika_release_params p = {a->min_count, rel->secondary, rel->rounding, rel->noise,
                              rel->epsilon, rel->release_key, rel->release_id, rel->raw};
    size_t nok = 0;
    for (size_t i = 0; i < n; i++) nok += v[i].ok != 0;
    vtables vt = {0};
    if (p.secondary && n && nok < n) {
        audit_fail(a, "secondary suppression cannot be re-applied: some figures could not be "
                  "recomputed");
        p.secondary = 0;
    } else if (p.secondary && n) {
        for (size_t ti = 0; tables && ti < tables->n; ti++) vt_table(&vt, tables->items[ti], rel);
        if (vt.bad) {
            audit_fail(a, "the report's tables name figures it does not contain");
            p.secondary = 0;
        }
    }
    unika_release_figure *rf = cli_xmalloc((nok ? nok : 1) * sizeof *rf);
    for (size_t i = 0, k = 0; i < n; i++)
        if (v[i].ok) rf[k++] = v[i].r;
    unika_error err = {0};
    int rc = unika_release_apply(rf, nok, p.secondary ? vt.t : NULL, p.secondary ? vt.n : 0, &p,
                                 &err);
    if (rc < 0) audit_fail(a, "the release step cannot be re-applied: %s", err.message);
    for (size_t i = 0, k = 0; rc == 0 && i < n; i++)
        if (v[i].ok) v[i].r = rf[k++];
    free(rf);
    vt_free(&vt);
    return rc < 0 ? -1 : 0;
}

/* Phases 1 and 2 over every figure; returns how many failed. */
static size_t check_figures(audit *a, const unika_json *figures, const unika_json *tables,
                            const release *rel)
{
    size_t n = figures->n, failed = 0;
    vfig *v = cli_xcalloc(n ? n : 1, sizeof *v);
    size_t *own = cli_xcalloc(n ? n : 1, sizeof *own); /* failures logged per figure */
    for (size_t i = 0; i < n; i++) {
        v[i].json = figures->items[i];
        v[i].id = rd_str(v[i].json, "id");
        size_t before = a->failures;
        recompute_figure(a, &v[i], rel->noise != UNIKA_NOISE_NONE);
        own[i] = a->failures - before;
    }
    int released = release_figures(a, v, n, tables, rel) == 0;
    for (size_t i = 0; i < n; i++) {
        size_t before = a->failures;
        if (v[i].ok && released) compare_figure(a, &v[i], rel);
        if (own[i] || a->failures != before || !released) failed++;
        if (!v[i].lent_a) free(v[i].sa.idx);
        if (!v[i].lent_b) free(v[i].sb.idx);
    }
    free(v);
    free(own);
    return failed;
}

static int name_index(const char *s, const char *const *names, int n)
{
    for (int k = 0; k < n; k++)
        if (!strcmp(s, names[k])) return k;
    return 0;
}

size_t audit_figures(audit *a, const unika_key *release_key)
{
    static const char *const rounding[] = {"none", "base5", "base10", "sdc"};
    static const char *const noise[] = {"none", "ckm", "geometric"};
    const rd_doc *d = a->doc;
    const unika_json *r = d->release;
    release rel = {rd_true(r, "secondary"), rd_true(r, "raw_estimates"),
                   (unika_rounding)name_index(rd_str(r, "rounding"), rounding, 4),
                   (unika_noise)name_index(rd_str(r, "noise"), noise, 3),
                   rd_null(r, "epsilon") ? 0 : rd_num(r, "epsilon"),
                   unika_json_str(r, "release_id"), release_key, d, NULL, d->figures->n};
    rel.by_node = cli_xmalloc((rel.nfig ? rel.nfig : 1) * sizeof *rel.by_node);
    for (size_t i = 0; i < rel.nfig; i++) rel.by_node[i] = (node_at){d->figures->items[i], i};
    qsort(rel.by_node, rel.nfig, sizeof *rel.by_node, by_address);
    a->index = cli_xcalloc(1, sizeof(struct audit_index));
    size_t failed = check_figures(a, d->figures, d->tables, &rel);
    audit_index_free(a);
    free(rel.by_node);
    return failed;
}
