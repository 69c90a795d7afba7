/*
 * model.c - building `unika report`'s figure model (model.h).
 *
 * Every figure of a report is the estimate of a UNION of the cells a label
 * filter selects: a row total is the union of the row's cells, a yearly
 * figure the union of its half-years. Distinct counts do not add up (a
 * person seen in two half-years is one person in the year), so a sum would
 * overcount; that is why nothing here is ever summed.
 *
 * Each figure keeps its filter and the digests of the input files it was
 * computed from, so that an auditor (`unika verify`) can recompute it. The
 * release step (docs/report.md) is the library's unika_release_apply(),
 * over the figures and the tables that relate them; this file only
 * describes them to it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/index.h"
#include "report/linkest.h"
#include "report/model.h"

const char *const rm_noise_names[] = {"none", "ckm", "geometric"};
const char *const rm_rounding_names[] = {"none", "base5", "base10", "sdc"};
const char *const rm_state_names[] = {"none", "primary", "secondary"};

/* ---- selecting inputs ------------------------------------------------------------ */

/* The inputs that have every filter label (period: at `grain`) with the
 * filter's value, ANY matching any value; in increasing input order. Found
 * through an index (report/index.h): O(log n + matches) per figure. */
static size_t *select_inputs(report *r, size_t nf, const char *const *fk, char *const *fv,
                             rp_grain grain, size_t *count)
{
    const char *vals[MAXF];
    for (size_t k = 0; k < nf; k++) vals[k] = strcmp(fv[k], ANY) ? fv[k] : NULL;
    if (!r->index) r->index = rp_index_cache_new();
    return rp_index_select(r->index, r->in, r->n, nf, fk, vals, grain, count);
}

/* Sorted distinct values of `label` (period: at `grain`) among the inputs. */
static char **distinct_values(report *r, const char *label, rp_grain grain, size_t *count)
{
    if (!r->index) r->index = rp_index_cache_new();
    return rp_index_distinct(r->index, r->in, r->n, label, grain, count);
}

/* ---- figures ---------------------------------------------------------------------- */

/* The union of the selected inputs' sketches (NULL when none: counts 0). */
static int union_of(unika_sketch **u, const report *r, const size_t *idx, size_t n)
{
    *u = NULL;
    if (!n) return 0;
    unika_error err = {0};
    if (rp_union(u, r->in, idx, n, &err) < 0) return cli_fail(NULL, &err);
    return 0;
}

static void zero(unika_estimate *e)
{
    memset(e, 0, sizeof *e);
    e->exact = 1;
}

static int estimate_of(unika_estimate *e, const unika_sketch *u)
{
    unika_error err = {0};
    if (!u) {
        zero(e);
        return 0;
    }
    if (unika_sketch_estimate(e, u, UNIKA_ESTIMATOR_ML, &err) < 0) return cli_fail(NULL, &err);
    return 0;
}

static char *filter_id(const char *table_id, size_t nf, const char *const *fk, char *const *fv)
{
    if (!nf) return cli_xstrdup(table_id);
    char *id = cli_xprintf("%s/%s=%s", table_id, fk[0], fv[0]);
    for (size_t k = 1; k < nf; k++) {
        char *t = cli_xprintf("%s,%s=%s", id, fk[k], fv[k]);
        free(id);
        id = t;
    }
    return id;
}

static figure *new_figure(report *r, size_t *at)
{
    if (r->nf == r->capf) {
        r->capf = r->capf ? 2 * r->capf : 64;
        r->f = cli_xrealloc(r->f, r->capf * sizeof *r->f);
    }
    figure *f = &r->f[r->nf];
    memset(f, 0, sizeof *f);
    *at = r->nf++;
    return f;
}

/* With the linker's estimates, the figure's estimate becomes the corrected
 * one (report/linkest.h); the cells' estimate stays as `deterministic`. */
static int correct(const report *r, figure *f)
{
    if (!r->linkest) return 0;
    char why[256];
    unika_estimate c;
    if (rp_linkest_figure(r->linkest, f->nf, f->fk, (const char *const *)f->fv, f->grain,
                          f->r.overlap ? f->olabel : NULL, f->oa, f->ob, &f->r.estimate, &c,
                          why, sizeof why) < 0) {
        cli_errorf("figure %s: %s", f->id, why);
        return CLI_INPUT;
    }
    f->corrected = 1;
    f->deterministic = f->r.estimate.estimate;
    f->r.estimate = c;
    return 0;
}

/* Adds the figure |union of the inputs matching the filter|. */
static int add_union(report *r, size_t *at, const char *table_id, size_t nf,
                     const char *const *fk, const char *const *fv, rp_grain grain)
{
    figure *f = new_figure(r, at);
    f->table = table_id;
    f->nf = nf;
    f->grain = grain;
    for (size_t k = 0; k < nf; k++) {
        f->fk[k] = fk[k];
        f->fv[k] = cli_xstrdup(fv[k]);
    }
    f->id = filter_id(table_id, nf, f->fk, f->fv);
    f->ia = select_inputs(r, nf, f->fk, f->fv, grain, &f->na);
    f->r.whole = 1;
    for (size_t k = 0; k < nf; k++) f->r.whole &= !strcmp(fv[k], ANY);
    unika_sketch *u = NULL;
    int rc = union_of(&u, r, f->ia, f->na);
    if (!rc) rc = estimate_of(&f->r.estimate, u);
    if (!rc) rc = correct(r, f);
    if (!rc && r->noise != UNIKA_NOISE_NONE) {
        unika_error err = {0};
        if (unika_release_cell_union(&f->r, u, &err) < 0) rc = cli_fail(NULL, &err);
    }
    unika_sketch_free(u);
    return rc;
}

/* Adds |A ∩ B| of row values a and b of overlap table t (A = inputs with
 * label=a, B = label=b); their inputs and unions (NULL when empty) are
 * built once per value by the caller rather than once per pair (v values
 * make v(v-1)/2 pairs), and lent to the figure. */
static int add_intersection(report *r, size_t *at, const table *t, size_t a, size_t b,
                            const unika_sketch *ua, const unika_sketch *ub)
{
    const char *table_id = t->id, *label = t->rlabel;
    rp_grain grain = t->grain;
    figure *f = new_figure(r, at);
    f->table = table_id;
    f->r.overlap = 1;
    f->grain = grain;
    f->olabel = label;
    f->oa = cli_xstrdup(t->rows[a]);
    f->ob = cli_xstrdup(t->rows[b]);
    f->id = cli_xprintf("%s/%s=%s&%s=%s", table_id, label, f->oa, label, f->ob);
    f->lent = 1;
    f->ia = t->side[a], f->na = t->nside[a];
    f->ib = t->side[b], f->nb = t->nside[b];
    int rc = 0;
    {
        if (!ua || !ub) {
            zero(&f->r.estimate);
        } else {
            unika_error err = {0};
            if (unika_sketch_intersection(&f->r.estimate, ua, ub, &err) < 0) rc = cli_fail(NULL, &err);
            f->sparse = unika_sketch_is_sparse(ua) && unika_sketch_is_sparse(ub);
        }
    }
    if (!rc) rc = correct(r, f);
    if (!rc && r->noise != UNIKA_NOISE_NONE) {
        unika_error err = {0};
        if (unika_release_cell_intersection(&f->r, ua, ub, &err) < 0) rc = cli_fail(NULL, &err);
    }
    return rc;
}

/* ---- tables ---------------------------------------------------------------------- */

static table *new_table(report *r, const char *id, const char *title)
{
    if (r->nt == r->capt) {
        r->capt = r->capt ? 2 * r->capt : 16;
        r->t = cli_xrealloc(r->t, r->capt * sizeof *r->t);
    }
    table *t = &r->t[r->nt++];
    memset(t, 0, sizeof *t);
    t->id = cli_xstrdup(id);
    t->title = cli_xstrdup(title);
    t->total = NONE;
    return t;
}

const char *rm_label_title(const char *label, rp_grain g)
{
    if (strcmp(label, "period")) return label;
    return g == RP_HALF ? "half-year" : g == RP_YEAR ? "year" : g == RP_MONTH ? "month" : "period";
}

/* Inputs a table leaves out: those lacking one of its labels. The note
 * says that some are, not how many: a count of input files is a count of
 * cells, finer than the tables a report releases. */
static void note_excluded(report *r, table *t)
{
    size_t nf = t->clabel ? 2 : 1, out = 0;
    const char *fk[2] = {t->rlabel, t->clabel};
    char *fv[2] = {ANY, ANY};
    size_t in = 0;
    free(select_inputs(r, nf, fk, fv, t->grain, &in));
    out = r->n - in;
    if (!out) return;
    int period = !strcmp(t->rlabel, "period") || (t->clabel && !strcmp(t->clabel, "period"));
    int coarse = period && t->grain != RP_ALL;
    t->note = cli_xprintf("Input files that lack the %s%s%s label%s%s%s are left out of this "
                          "table.",
                          t->rlabel, t->clabel ? " or the " : "", t->clabel ? t->clabel : "",
                          coarse ? ", or whose period is coarser than " : "",
                          coarse ? rp_grain_name(t->grain) : "", coarse ? "," : "");
}

/* A table of rows (x cols), with totals as unions. */
int rm_build_table(report *r, const char *id, const char *title, const char *rlabel,
                       const char *clabel, rp_grain grain)
{
    /* The grain only matters to a period filter; without one the figure
     * covers the whole period, and says so. */
    if (strcmp(rlabel, "period") && (!clabel || strcmp(clabel, "period"))) grain = RP_ALL;
    table *t = new_table(r, id, title);
    t->rlabel = rlabel;
    t->clabel = clabel;
    t->grain = grain;
    const char *tid = t->id;
    note_excluded(r, t);
    t->rows = distinct_values(r, rlabel, grain, &t->nr);
    if (clabel) t->cols = distinct_values(r, clabel, grain, &t->nc);
    if (!t->nr || (clabel && !t->nc)) return 0; /* nothing to show; the note says why */
    size_t ncol = clabel ? t->nc : 1;
    t->cell = cli_xrealloc(NULL, t->nr * ncol * sizeof *t->cell);
    const char *fk[2] = {rlabel, clabel};
    const char *fv[2];
    int rc = 0;
    for (size_t i = 0; i < t->nr && !rc; i++)
        for (size_t j = 0; j < ncol && !rc; j++) {
            fv[0] = t->rows[i];
            fv[1] = clabel ? t->cols[j] : NULL;
            rc = add_union(r, &t->cell[i * ncol + j], tid, clabel ? 2 : 1, fk, fv, grain);
        }
    if (clabel && !rc) {
        t->rtot = cli_xrealloc(NULL, t->nr * sizeof *t->rtot);
        t->ctot = cli_xrealloc(NULL, t->nc * sizeof *t->ctot);
        for (size_t i = 0; i < t->nr && !rc; i++) {
            fv[0] = t->rows[i];
            fv[1] = ANY;
            rc = add_union(r, &t->rtot[i], tid, 2, fk, fv, grain);
        }
        for (size_t j = 0; j < t->nc && !rc; j++) {
            fv[0] = ANY;
            fv[1] = t->cols[j];
            rc = add_union(r, &t->ctot[j], tid, 2, fk, fv, grain);
        }
    }
    if (!rc) {
        fv[0] = ANY;
        fv[1] = ANY;
        rc = add_union(r, &t->total, tid, clabel ? 2 : 1, fk, fv, grain);
    }
    return rc;
}

int rm_build_total(report *r)
{
    table *t = new_table(r, "total", "Whole period");
    t->grain = RP_ALL;
    return add_union(r, &t->total, t->id, 0, NULL, NULL, RP_ALL);
}

/* Overlaps between the values of `label`: for org or gender over the whole
 * period; between periods (people seen in both) at `grain`. */
int rm_build_overlap(report *r, const char *label, rp_grain grain)
{
    if (strcmp(label, "period")) grain = RP_ALL;
    char *id = cli_xprintf("overlap_%s", label), *title = cli_xprintf("Overlaps between %ss", label);
    table *t = new_table(r, id, title);
    free(id);
    free(title);
    t->overlap = 1;
    t->rlabel = t->clabel = label;
    t->grain = grain;
    t->rows = distinct_values(r, label, grain, &t->nr);
    if (t->nr < 2) {
        t->note = cli_xprintf("Fewer than two values of %s: no overlaps to show.", label);
        return 0;
    }
    t->pairs = cli_xrealloc(NULL, t->nr * (t->nr - 1) / 2 * sizeof *t->pairs);
    unika_sketch **u = cli_xcalloc(t->nr, sizeof *u);
    t->side = cli_xcalloc(t->nr, sizeof *t->side);
    t->nside = cli_xcalloc(t->nr, sizeof *t->nside);
    int rc = 0;
    for (size_t a = 0; a < t->nr && !rc; a++) {
        const char *fk[1] = {label};
        char *fv[1] = {t->rows[a]};
        t->side[a] = select_inputs(r, 1, fk, fv, grain, &t->nside[a]);
        rc = union_of(&u[a], r, t->side[a], t->nside[a]);
    }
    for (size_t a = 0; a < t->nr && !rc; a++)
        for (size_t b = a + 1; b < t->nr && !rc; b++)
            rc = add_intersection(r, &t->pairs[t->np++], t, a, b, u[a], u[b]);
    for (size_t a = 0; a < t->nr; a++) unika_sketch_free(u[a]);
    free(u);
    return rc;
}

static int has_label(const report *r, const char *label)
{
    for (size_t i = 0; i < r->n; i++)
        if (unika_sketch_get_label(r->in[i].sketch, label)) return 1;
    return 0;
}

/* The partnership's standard set (docs/report.md, "Default report"). */
int rm_build_default(report *r, rp_grain grain)
{
    int rc = rm_build_total(r);
    for (int g = (int)grain; g <= RP_YEAR && !rc; g++) {
        char *id = cli_xprintf("by_%s", rp_grain_name((rp_grain)g));
        char *title = cli_xprintf("By %s", rm_label_title("period", (rp_grain)g));
        rc = rm_build_table(r, id, title, "period", NULL, (rp_grain)g);
        free(id);
        free(title);
    }
    if (!rc && has_label(r, "org")) rc = rm_build_table(r, "by_org", "By organisation", "org", NULL, RP_ALL);
    /* Every category label the cells carry (gender, age_group, ...). */
    const char *cats[UNIKA_LABELS_MAX];
    size_t nc = 0;
    for (size_t i = 0; i < r->n; i++)
        for (size_t k = 0; k < unika_sketch_label_count(r->in[i].sketch); k++) {
            const char *key, *v;
            if (unika_sketch_label_at(r->in[i].sketch, k, &key, &v) < 0) continue;
            if (!strcmp(key, "org") || !strcmp(key, "period") || !strcmp(key, "recipe")) continue;
            size_t j = 0;
            while (j < nc && strcmp(cats[j], key)) j++;
            if (j == nc && nc < UNIKA_LABELS_MAX) cats[nc++] = key;
        }
    for (size_t a = 1; a < nc; a++)
        for (size_t b = a; b > 0 && strcmp(cats[b - 1], cats[b]) > 0; b--) {
            const char *t = cats[b];
            cats[b] = cats[b - 1];
            cats[b - 1] = t;
        }
    /* The keys point into the inputs' labels, which live as long as the report. */
    for (size_t c = 0; c < nc && !rc; c++) {
        char *id = cli_xprintf("by_%s", cats[c]), *title = cli_xprintf("By %s", cats[c]);
        rc = rm_build_table(r, id, title, cats[c], NULL, RP_ALL);
        free(id);
        free(title);
    }
    if (!rc && grain != RP_ALL && has_label(r, "org")) {
        char *id = cli_xprintf("%s_x_org", rp_grain_name(grain));
        char *title = cli_xprintf("By %s and organisation", rm_label_title("period", grain));
        rc = rm_build_table(r, id, title, "period", "org", grain);
        free(id);
        free(title);
    }
    if (!rc && has_label(r, "org")) rc = rm_build_overlap(r, "org", RP_ALL);
    return rc;
}

/* ---- the release step ------------------------------------------------------------- */

static unika_release_params release_params(const report *r)
{
    unika_release_params p = {r->min_count, r->secondary, r->rounding, r->noise, r->epsilon,
                              r->release_key, r->release_id, 0};
    p.raw_estimates = unika_release_publishes_raw(&p);
    return p;
}

/* Raw estimates are published only when nothing perturbs or rounds them. */
int rm_raw_published(const report *r)
{
    unika_release_params p = release_params(r);
    return p.raw_estimates;
}

/* The report's tables as the release step sees them: which figures each
 * shows (the "total" table has no relation to others). */
static unika_release_table *release_tables(const report *r, size_t *nt)
{
    unika_release_table *out = cli_xrealloc(NULL, (r->nt ? r->nt : 1) * sizeof *out);
    *nt = 0;
    for (size_t ti = 0; ti < r->nt; ti++) {
        const table *t = &r->t[ti];
        unika_release_table *x = &out[*nt];
        memset(x, 0, sizeof *x);
        x->total = t->total;
        if (t->overlap) {
            x->kind = UNIKA_RELEASE_OVERLAP;
            x->rows = t->np;
            x->cells = t->pairs;
        } else if (t->rlabel && t->cell) {
            x->kind = t->clabel ? UNIKA_RELEASE_TWO_WAY : UNIKA_RELEASE_ONE_WAY;
            x->rows = t->nr;
            x->cols = t->clabel ? t->nc : 1;
            x->cells = t->cell;
            x->row_totals = t->rtot;
            x->col_totals = t->ctot;
        } else {
            continue;
        }
        (*nt)++;
    }
    return out;
}

/* The library's release step (unika_release_apply(), the same that `unika
 * verify` re-applies) over every figure, once all exist. */
int rm_release_apply(report *r)
{
    unika_release_figure *rf = cli_xrealloc(NULL, (r->nf ? r->nf : 1) * sizeof *rf);
    for (size_t i = 0; i < r->nf; i++) {
        figure *f = &r->f[i];
        f->r.inputs_a = f->ia;
        f->r.n_a = f->na;
        f->r.inputs_b = f->ib;
        f->r.n_b = f->nb;
        rf[i] = f->r;
    }
    size_t nt;
    unika_release_table *tables = release_tables(r, &nt);
    unika_release_params p = release_params(r);
    unika_error err = {0};
    int rc = unika_release_apply(rf, r->nf, tables, nt, &p, &err);
    free(tables);
    for (size_t i = 0; rc == 0 && i < r->nf; i++) {
        figure *f = &r->f[i];
        f->r = rf[i];
        f->suppressed = f->r.state != UNIKA_RELEASE_SHOWN;
        if (f->r.state == UNIKA_RELEASE_SECONDARY) r->n_secondary++;
    }
    free(rf);
    return rc < 0 ? cli_fail(NULL, &err) : 0;
}


const char *rm_rounding_text(unika_rounding g)
{
    switch (g) {
    case UNIKA_ROUND_BASE5: return "every figure to the nearest 5 (ties up)";
    case UNIKA_ROUND_BASE10: return "every figure to the nearest 10 (ties up)";
    case UNIKA_ROUND_SDC:
        return "figures below 100 to the nearest 5, others and whole-period totals to the "
               "nearest 10 (ties up)";
    default: return "none";
    }
}

int rm_commit(report *r)
{
    r->commitment[0] = '\0';
    if (!r->release_key) return 0;
    unika_fingerprint_to_hex(r->release_fp, unika_key_fingerprint_ptr(r->release_key));
    uint8_t *d = cli_xrealloc(NULL, (r->n ? r->n : 1) * UNIKA_DIGEST_BYTES), c[UNIKA_DIGEST_BYTES];
    for (size_t i = 0; i < r->n; i++)
        memcpy(d + i * UNIKA_DIGEST_BYTES, r->in[i].digest, UNIKA_DIGEST_BYTES);
    unika_error err = {0};
    int rc = unika_release_commitment(c, r->release_key, d, r->n, &err);
    free(d);
    if (rc < 0) return cli_fail(NULL, &err);
    unika_hex_encode(r->commitment, c, UNIKA_DIGEST_BYTES);
    if (!r->release_id[0]) snprintf(r->release_id, sizeof r->release_id, "inputs-%.16s", r->commitment);
    return 0;
}

int rm_build(report *r)
{
    const rm_request *q = &r->req;
    if (!q->rows && !q->overlap) return rm_build_default(r, q->grain);
    int rc = rm_build_total(r);
    if (!rc && q->rows) {
        const char *rows = q->rows, *cols = q->cols;
        char *id = cols ? cli_xprintf("%s_x_%s", rows, cols) : cli_xprintf("by_%s", rows);
        char *title = cols ? cli_xprintf("By %s and %s", rm_label_title(rows, q->grain),
                                         rm_label_title(cols, q->grain))
                           : cli_xprintf("By %s", rm_label_title(rows, q->grain));
        rc = rm_build_table(r, id, title, rows, cols, q->grain);
        free(id);
        free(title);
    }
    if (!rc && q->overlap) rc = rm_build_overlap(r, q->overlap, q->grain);
    return rc;
}

void rm_report_free(report *r)
{
    for (size_t i = 0; i < r->nf; i++) {
        figure *f = &r->f[i];
        free(f->id);
        for (size_t k = 0; k < f->nf; k++) free(f->fv[k]);
        free(f->oa);
        free(f->ob);
        if (!f->lent) free(f->ia), free(f->ib);
    }
    free(r->f);
    for (size_t i = 0; i < r->nt; i++) {
        table *t = &r->t[i];
        for (size_t k = 0; k < t->nr; k++) free(t->rows[k]), free(t->side ? t->side[k] : NULL);
        free(t->side);
        free(t->nside);
        for (size_t k = 0; k < t->nc; k++) free(t->cols[k]);
        free(t->rows);
        free(t->cols);
        free(t->cell);
        free(t->rtot);
        free(t->ctot);
        free(t->pairs);
        free(t->note);
        free(t->id);
        free(t->title);
    }
    free(r->t);
    rp_index_cache_free(r->index);
    rp_inputs_free(r->in, r->n);
}
