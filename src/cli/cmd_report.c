/*
 * cmd_report.c - `unika report`: tables of unique individuals from cell
 * sketches (docs/report.md).
 *
 * Partners ingest once, at the finest grain they need, into cells labelled
 * org, period and categories. Every figure of a report is the estimate of a
 * UNION of the cells a label filter selects: a row total is the union of the
 * row's cells, a yearly figure the union of its half-years. Distinct counts
 * do not add up (a person seen in two half-years is one person in the
 * year), so a sum would overcount; that is why nothing here is ever summed.
 *
 * Each figure keeps its filter and the digests of the input files it was
 * computed from, and the JSON output carries both, so that an auditor
 * (`unika verify`) can recompute every figure from the partners' files.
 *
 * Disclosure control (the release step, docs/report.md) runs once every
 * figure exists: an estimate below --min-count is shown as "<N"; secondary
 * suppression withholds more ("..") wherever a table, row, column or
 * overlap would let a withheld figure be recovered; then optional keyed
 * noise and rounding. The rules are in the library (unika/release.h); this
 * file finds the relations and figure classes and stamps every parameter.
 * Withheld numbers are absent from every format.
 */
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/compare.h"
#include "report/report.h"

static const char usage_text[] =
    "usage: unika report [options] FILE...|DIR...\n"
    "\n"
    "Tables of unique individuals from cell sketches (the files `unika ingest`\n"
    "writes, or merged files), with row, column and grand totals computed as\n"
    "unions, never sums. Without --rows/--cols/--overlap it prints the\n"
    "partnership's standard set: whole period, by half-year, by year, by org,\n"
    "by gender (and any other category label), half-year x org, org overlaps.\n"
    "No key is needed.\n"
    "\n"
    "      --rows LABEL        one row per value of LABEL (org, period, gender, ...)\n"
    "      --cols LABEL        one column per value of LABEL\n"
    "      --overlap LABEL     pairwise overlaps between the values of LABEL\n"
    "      --period-grain G    half-year (default), year, month or all: periods are\n"
    "                          rolled up to G by merging cells\n"
    "      --recipe NAME       use only files made with this recipe (otherwise\n"
    "                          files of different recipes are refused)\n"
    "      --min-count N       show estimates below N as <N (default 5; 0 = off)\n"
    "      --secondary on|off  secondary suppression (default on): where a row,\n"
    "                          column, table or overlap would let a withheld\n"
    "                          figure be recovered, withhold more (shown as ..)\n"
    "      --round R           none (default), base5, base10 or sdc (counts below\n"
    "                          100 to 5, others and whole-period totals to 10)\n"
    "      --noise M           none (default), ckm (-2..+2) or geometric:EPS:\n"
    "                          deterministic noise drawn with --noise-key\n"
    "      --noise-key FILE    the release noise key (a 0600 key from `unika\n"
    "                          keygen`, never the partnership key)\n"
    "      --release-id ID     names the publication; part of every noise draw\n"
    "                          (default: derived from the input files' digests)\n"
    "      --release           preset for publication: --secondary on and, unless\n"
    "                          given, --min-count 5 and --round sdc\n"
    "      --compare-recipes   instead of tables: the total, per org and per gender,\n"
    "                          for each recipe among the files, side by side\n"
    "      --format F          markdown (default), csv or json (docs/report.md)\n"
    "  -o, --output FILE       write to FILE (atomically) instead of stdout\n"
    "      --force             replace an existing FILE\n"
    "\n"
    "Every release parameter, the recipe, the key fingerprint and the input\n"
    "digests are stamped on the output (docs/report.md, \"Release step\").\n"
    "\n"
    "Exit codes: 0 ok, 1 an unreadable, invalid or incompatible file, 2 usage.\n";

enum { FMT_MARKDOWN, FMT_CSV, FMT_JSON };
#define NONE SIZE_MAX
#define MAXF 2
#define ANY "*" /* filter value: the input has the label (period: at this grain) */

typedef struct figure {
    char *id;
    const char *table;
    int inter;                  /* 0: |union|, 1: |A ∩ B| */
    size_t nf;
    const char *fk[MAXF];       /* filter keys (static or owned by a table) */
    char *fv[MAXF];             /* filter values, or ANY */
    rp_grain grain;
    const char *olabel;         /* intersections: A = olabel=oa, B = olabel=ob */
    char *oa, *ob;
    size_t *ia, na, *ib, nb;    /* inputs of the union (A), of B */
    int sparse;                 /* intersections: both operands sparse (exact) */
    int suppressed;             /* withheld: state is primary or secondary */
    /* What the release step sees and sets (unika/release.h): the estimate,
     * whether it is a whole-period total, the content id for the noise;
     * the state, published value, interval and shown text. */
    unika_release_figure r;
} figure;

typedef struct table {
    char *id;
    char *title;
    const char *rlabel, *clabel; /* clabel NULL: one column of figures */
    rp_grain grain;
    char **rows, **cols;
    size_t nr, nc;
    size_t *cell;                /* nr x nc figure indices (nr for one column) */
    size_t *rtot, *ctot;         /* two-way tables only */
    size_t total;
    int overlap;
    size_t *pairs, np;
    char *note;
} table;

typedef struct report {
    rp_input *in;
    size_t n;
    figure *f;
    size_t nf, capf;
    table *t;
    size_t nt, capt;
    unsigned long min_count;
    size_t skipped_recipe;
    const char *recipe_name;
    /* the release step (docs/report.md, "Release step") */
    int secondary;
    unika_rounding rounding;
    unika_noise noise;
    double epsilon;
    unika_key *noise_key;
    char noise_fp[UNIKA_FINGERPRINT_HEX_BYTES];
    char release_id[UNIKA_RELEASE_ID_MAX + 1];
    char manifest[RP_DIGEST_HEX_BYTES];
    size_t n_secondary;
} report;

/* ---- selecting inputs ------------------------------------------------------------ */

/* The value of `label` for input i at `grain` (periods rolled up), or NULL. */
static const char *value_of(const report *r, size_t i, const char *label, rp_grain grain,
                            char *buf, size_t cap)
{
    const char *v = unika_sketch_get_label(r->in[i].sketch, label);
    if (!v || strcmp(label, "period")) return v;
    return rp_period_at(buf, cap, v, grain) == 0 ? buf : NULL;
}

static int matches(const report *r, size_t i, size_t nf, const char *const *fk,
                   char *const *fv, rp_grain grain)
{
    char buf[UNIKA_LABEL_VALUE_MAX + 1];
    for (size_t k = 0; k < nf; k++) {
        const char *v = value_of(r, i, fk[k], grain, buf, sizeof buf);
        if (!v || (strcmp(fv[k], ANY) && strcmp(fv[k], v))) return 0;
    }
    return 1;
}

static size_t *select_inputs(const report *r, size_t nf, const char *const *fk, char *const *fv,
                             rp_grain grain, size_t *count)
{
    size_t *idx = cli_xrealloc(NULL, r->n * sizeof *idx), n = 0;
    for (size_t i = 0; i < r->n; i++)
        if (matches(r, i, nf, fk, fv, grain)) idx[n++] = i;
    *count = n;
    return idx;
}

/* Sorted distinct values of `label` among the inputs that match the filter. */
static char **distinct_values(const report *r, const char *label, rp_grain grain, size_t *count)
{
    char **v = NULL, buf[UNIKA_LABEL_VALUE_MAX + 1];
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++) {
        const char *x = value_of(r, i, label, grain, buf, sizeof buf);
        if (!x) continue;
        size_t k = 0;
        while (k < n && strcmp(v[k], x)) k++;
        if (k < n) continue;
        v = cli_xrealloc(v, (n + 1) * sizeof *v);
        v[n++] = cli_xstrdup(x);
    }
    for (size_t a = 1; a < n; a++) /* insertion sort: a few dozen values */
        for (size_t b = a; b > 0 && strcmp(v[b - 1], v[b]) > 0; b--) {
            char *t = v[b];
            v[b] = v[b - 1];
            v[b - 1] = t;
        }
    *count = n;
    return v;
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
    if (!rc && r->noise != UNIKA_NOISE_NONE) {
        unika_error err = {0};
        if (unika_release_cell_union(&f->r, u, &err) < 0) rc = cli_fail(NULL, &err);
    }
    unika_sketch_free(u);
    return rc;
}

/* Adds |A ∩ B|, A = inputs with label=a, B = label=b (whole period). */
static int add_intersection(report *r, size_t *at, const char *table_id, const char *label,
                            const char *a, const char *b, rp_grain grain)
{
    figure *f = new_figure(r, at);
    f->table = table_id;
    f->r.overlap = 1;
    f->grain = grain;
    f->olabel = label;
    f->oa = cli_xstrdup(a);
    f->ob = cli_xstrdup(b);
    f->id = cli_xprintf("%s/%s=%s&%s=%s", table_id, label, a, label, b);
    const char *fk[1] = {label};
    char *fa[1] = {f->oa}, *fb[1] = {f->ob};
    f->ia = select_inputs(r, 1, fk, fa, grain, &f->na);
    f->ib = select_inputs(r, 1, fk, fb, grain, &f->nb);
    unika_sketch *ua = NULL, *ub = NULL;
    int rc = union_of(&ua, r, f->ia, f->na);
    if (!rc) rc = union_of(&ub, r, f->ib, f->nb);
    if (!rc) {
        if (!ua || !ub) {
            zero(&f->r.estimate);
        } else {
            unika_error err = {0};
            if (unika_sketch_intersection(&f->r.estimate, ua, ub, &err) < 0) rc = cli_fail(NULL, &err);
            f->sparse = unika_sketch_is_sparse(ua) && unika_sketch_is_sparse(ub);
        }
    }
    if (!rc && r->noise != UNIKA_NOISE_NONE) {
        unika_error err = {0};
        if (unika_release_cell_intersection(&f->r, ua, ub, &err) < 0) rc = cli_fail(NULL, &err);
    }
    unika_sketch_free(ua);
    unika_sketch_free(ub);
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

static const char *label_title(const char *label, rp_grain g)
{
    if (strcmp(label, "period")) return label;
    return g == RP_HALF ? "half-year" : g == RP_YEAR ? "year" : g == RP_MONTH ? "month" : "period";
}

/* Inputs a table leaves out: those lacking one of its labels. */
static void note_excluded(report *r, table *t)
{
    size_t nf = t->clabel ? 2 : 1, out = 0;
    const char *fk[2] = {t->rlabel, t->clabel};
    char *fv[2] = {ANY, ANY};
    for (size_t i = 0; i < r->n; i++)
        if (!matches(r, i, nf, fk, fv, t->grain)) out++;
    if (!out) return;
    int period = !strcmp(t->rlabel, "period") || (t->clabel && !strcmp(t->clabel, "period"));
    t->note = cli_xprintf("%zu of %zu input files are left out of this table: they lack the %s%s%s "
                      "label%s%s.",
                      out, r->n, t->rlabel, t->clabel ? " or the " : "", t->clabel ? t->clabel : "",
                      period && t->grain != RP_ALL ? ", or their period is coarser than " : "",
                      period && t->grain != RP_ALL ? rp_grain_name(t->grain) : "");
}

/* A table of rows (x cols), with totals as unions. */
static int build_table(report *r, const char *id, const char *title, const char *rlabel,
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

static int build_total(report *r)
{
    table *t = new_table(r, "total", "Whole period");
    t->grain = RP_ALL;
    return add_union(r, &t->total, t->id, 0, NULL, NULL, RP_ALL);
}

/* Overlaps between the values of `label`: for org or gender over the whole
 * period; between periods (people seen in both) at `grain`. */
static int build_overlap(report *r, const char *label, rp_grain grain)
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
    int rc = 0;
    for (size_t a = 0; a < t->nr && !rc; a++)
        for (size_t b = a + 1; b < t->nr && !rc; b++)
            rc = add_intersection(r, &t->pairs[t->np++], t->id, label, t->rows[a], t->rows[b],
                                  grain);
    return rc;
}

static int has_label(const report *r, const char *label)
{
    for (size_t i = 0; i < r->n; i++)
        if (unika_sketch_get_label(r->in[i].sketch, label)) return 1;
    return 0;
}

/* The partnership's standard set (docs/report.md, "Default report"). */
static int build_default(report *r, rp_grain grain)
{
    int rc = build_total(r);
    for (int g = grain; g <= RP_YEAR && !rc; g++) {
        char *id = cli_xprintf("by_%s", rp_grain_name((rp_grain)g));
        char *title = cli_xprintf("By %s", label_title("period", (rp_grain)g));
        rc = build_table(r, id, title, "period", NULL, (rp_grain)g);
        free(id);
        free(title);
    }
    if (!rc && has_label(r, "org")) rc = build_table(r, "by_org", "By organisation", "org", NULL, RP_ALL);
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
        rc = build_table(r, id, title, cats[c], NULL, RP_ALL);
        free(id);
        free(title);
    }
    if (!rc && grain != RP_ALL && has_label(r, "org")) {
        char *id = cli_xprintf("%s_x_org", rp_grain_name(grain));
        char *title = cli_xprintf("By %s and organisation", label_title("period", grain));
        rc = build_table(r, id, title, "period", "org", grain);
        free(id);
        free(title);
    }
    if (!rc && has_label(r, "org")) rc = build_overlap(r, "org", RP_ALL);
    return rc;
}

/* ---- the release step ------------------------------------------------------------- */

static unika_release_params release_params(const report *r)
{
    unika_release_params p = {r->min_count, r->secondary, r->rounding, r->noise, r->epsilon,
                              r->noise_key, r->release_id, 0};
    p.raw_estimates = unika_release_publishes_raw(&p);
    return p;
}

/* Raw estimates are published only when nothing perturbs or rounds them. */
static int raw_published(const report *r)
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
static int release_apply(report *r)
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

/* ---- output: markdown --------------------------------------------------------------- */

/* A label value in a markdown table: '|' would end the cell. */
static void md_text(FILE *o, const char *v)
{
    for (; *v; v++) {
        if (*v == '|' || *v == '\\') fputc('\\', o);
        fputc(*v, o);
    }
}

static void md_interval(FILE *o, const report *r, const figure *f)
{
    if (f->suppressed) fputs("–", o);
    else if (f->r.estimate.exact) fputs("exact", o);
    else if (raw_published(r)) fprintf(o, "%.0f–%.0f", f->r.estimate.ci_low, f->r.estimate.ci_high);
    else fprintf(o, "%.0f–%.0f", f->r.value_ci_low, f->r.value_ci_high);
}

static void md_note(FILE *o, const report *r, const table *t)
{
    int empty = t->total == NONE && !t->np;
    if (t->note) fprintf(o, empty ? "%s\n" : "\n%s\n", t->note);
    if (r->min_count && !empty)
        fprintf(o, "\nFigures below %lu are shown as <%lu (primary suppression, also applied to "
                   "totals and overlaps).\n",
                r->min_count, r->min_count);
    int secondary = 0;
    for (size_t i = 0; i < r->nf && !secondary; i++)
        secondary = r->f[i].table == t->id && r->f[i].r.state == UNIKA_RELEASE_SECONDARY;
    if (secondary)
        fputs("Figures shown as .. are withheld so that a figure below the threshold cannot be\n"
              "recovered from its row, column, total or overlap (secondary suppression).\n",
              o);
}

static const char *const noise_names[] = {"none", "ckm", "geometric"};
static const char *const rounding_names[] = {"none", "base5", "base10", "sdc"};

static const char *rounding_text(unika_rounding g)
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

/* The footer: every parameter of the release step and the manifest. */
static void md_release(FILE *o, const report *r)
{
    fputs("\n## Release\n\n", o);
    if (r->min_count) fprintf(o, "- Threshold: figures below %lu shown as <%lu.\n", r->min_count,
                              r->min_count);
    else fputs("- Threshold: none.\n", o);
    fprintf(o, "- Secondary suppression: %s (%zu figure%s withheld as ..).\n",
            r->secondary ? "on" : "off", r->n_secondary, r->n_secondary == 1 ? "" : "s");
    fprintf(o, "- Rounding: %s.\n", rounding_text(r->rounding));
    if (r->noise == UNIKA_NOISE_NONE) fputs("- Noise: none.\n", o);
    else if (r->noise == UNIKA_NOISE_CKM)
        fprintf(o, "- Noise: ckm (-2..+2 with probabilities .05 .20 .50 .20 .05), noise key %s.\n",
                r->noise_fp);
    else
        fprintf(o, "- Noise: geometric, epsilon %g per figure, noise key %s.\n", r->epsilon,
                r->noise_fp);
    fprintf(o, "- Release id: %s.\n", r->release_id);
    if (!raw_published(r))
        fputs("- Intervals: 95% intervals of the sketch error, moved with the noise and widened\n"
              "  to the rounding base; unrounded estimates are not published.\n",
              o);
    fprintf(o, "- Linkage: figures count distinct pseudonyms of recipe %s; people whose records\n"
               "  differ in the recipe's fields are counted twice, and different people with the\n"
               "  same fields once. That error is not in the intervals: docs/linkage.md gives\n"
               "  its measured size per recipe.\n",
            r->recipe_name ? r->recipe_name : "unlabelled");
    fprintf(o, "- Inputs: %zu sketch file%s, manifest %s (BLAKE2b-256 of their digests in byte "
               "order):\n\n",
            r->n, r->n == 1 ? "" : "s", r->manifest);
    size_t *at = cli_xrealloc(NULL, r->n * sizeof *at);
    for (size_t i = 0; i < r->n; i++) at[i] = i;
    for (size_t a = 1; a < r->n; a++)
        for (size_t b = a; b > 0 && strcmp(r->in[at[b - 1]].digest_hex, r->in[at[b]].digest_hex) > 0; b--) {
            size_t t = at[b];
            at[b] = at[b - 1];
            at[b - 1] = t;
        }
    for (size_t i = 0; i < r->n; i++) {
        fprintf(o, "  - %s ", r->in[at[i]].digest_hex);
        md_text(o, r->in[at[i]].path);
        fputc('\n', o);
    }
    free(at);
}

static void write_markdown(FILE *o, const report *r)
{
    char kfp[UNIKA_FINGERPRINT_HEX_BYTES], rfp[UNIKA_FINGERPRINT_HEX_BYTES];
    unika_fingerprint_to_hex(kfp, unika_sketch_key_fingerprint(r->in[0].sketch));
    unika_fingerprint_to_hex(rfp, unika_sketch_recipe_fingerprint(r->in[0].sketch));
    fprintf(o, "# Unique individuals\n\n");
    fprintf(o, "%zu sketch file%s; key %s; recipe %s (%s); maximum-likelihood estimates.\n",
            r->n, r->n == 1 ? "" : "s", kfp, r->recipe_name ? r->recipe_name : "unlabelled", rfp);
    if (r->skipped_recipe)
        fprintf(o, "%zu files of other recipes were left out.\n", r->skipped_recipe);
    fprintf(o, "Totals are unions of the cells' sketches, never sums: people seen in several\n"
               "cells are counted once, so the cells of a row or column need not add up to\n"
               "its total. Intervals are 95%% intervals of the sketch error only (not of\n"
               "record linkage); \"exact\" figures are counted, not estimated.\n");
    for (size_t ti = 0; ti < r->nt; ti++) {
        const table *t = &r->t[ti];
        fprintf(o, "\n## %s\n\n", t->title);
        if (t->overlap) {
            if (t->np) {
                const char *lt = label_title(t->rlabel, t->grain);
                fprintf(o, "| %s | %s | in both | 95%% interval |\n|---|---|---:|---|\n", lt, lt);
                for (size_t k = 0; k < t->np; k++) {
                    const figure *f = &r->f[t->pairs[k]];
                    fputs("| ", o);
                    md_text(o, f->oa);
                    fputs(" | ", o);
                    md_text(o, f->ob);
                    fprintf(o, " | %s | ", f->r.shown);
                    md_interval(o, r, f);
                    fputs(" |\n", o);
                }
            }
            md_note(o, r, t);
            continue;
        }
        if (!t->rlabel) { /* the whole-period total */
            const figure *f = &r->f[t->total];
            fprintf(o, "| | unique | 95%% interval |\n|---|---:|---|\n| total | %s | ", f->r.shown);
            md_interval(o, r, f);
            fputs(" |\n", o);
            md_note(o, r, t);
            continue;
        }
        if (t->total == NONE) {
            md_note(o, r, t);
            continue;
        }
        if (!t->clabel) {
            fprintf(o, "| %s | unique | 95%% interval |\n|---|---:|---|\n",
                    label_title(t->rlabel, t->grain));
            for (size_t i = 0; i <= t->nr; i++) {
                const figure *f = &r->f[i < t->nr ? t->cell[i] : t->total];
                fputs("| ", o);
                md_text(o, i < t->nr ? t->rows[i] : "**total**");
                fprintf(o, " | %s | ", f->r.shown);
                md_interval(o, r, f);
                fputs(" |\n", o);
            }
        } else {
            fprintf(o, "| %s |", label_title(t->rlabel, t->grain));
            for (size_t j = 0; j < t->nc; j++) {
                fputc(' ', o);
                md_text(o, t->cols[j]);
                fputs(" |", o);
            }
            fputs(" **total** |\n|---|", o);
            for (size_t j = 0; j <= t->nc; j++) fputs("---:|", o);
            fputc('\n', o);
            for (size_t i = 0; i <= t->nr; i++) {
                fputs("| ", o);
                md_text(o, i < t->nr ? t->rows[i] : "**total**");
                fputs(" |", o);
                for (size_t j = 0; j <= t->nc; j++) {
                    size_t k = i < t->nr ? (j < t->nc ? t->cell[i * t->nc + j] : t->rtot[i])
                                         : (j < t->nc ? t->ctot[j] : t->total);
                    fprintf(o, " %s |", r->f[k].r.shown);
                }
                fputc('\n', o);
            }
            fputs("\nIntervals of every figure are in the CSV and JSON formats.\n", o);
        }
        md_note(o, r, t);
    }
    md_release(o, r);
}

/* ---- output: CSV --------------------------------------------------------------------- */

static void csv_field(FILE *o, const char *s)
{
    if (!s) return;
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, o);
        return;
    }
    fputc('"', o);
    for (; *s; s++) {
        if (*s == '"') fputc('"', o);
        fputc(*s, o);
    }
    fputc('"', o);
}

static const char *const state_names[] = {"none", "primary", "secondary"};

static void csv_row(FILE *o, const report *r, const table *t, const figure *f, const char *row,
                    const char *col)
{
    csv_field(o, t->id);
    fputc(',', o);
    csv_field(o, f->id);
    fputc(',', o);
    csv_field(o, t->rlabel ? label_title(t->rlabel, t->grain) : "");
    fputc(',', o);
    csv_field(o, row);
    fputc(',', o);
    csv_field(o, t->clabel ? label_title(t->clabel, t->grain) : "");
    fputc(',', o);
    csv_field(o, col);
    fputc(',', o);
    csv_field(o, f->r.shown);
    if (f->suppressed || !raw_published(r)) fputs(",,,,", o);
    else fprintf(o, ",%.6f,%.6f,%.6f,%.6f", f->r.estimate.estimate, f->r.estimate.std_error, f->r.estimate.ci_low, f->r.estimate.ci_high);
    fprintf(o, ",%s,%s,%s", f->r.estimate.exact ? "true" : "false", f->suppressed ? "true" : "false",
            state_names[f->r.state]);
    if (f->suppressed) fputs(",,,,\n", o);
    else if (f->r.estimate.exact) fprintf(o, ",%lld,%u,,\n", (long long)f->r.value, f->r.base);
    else fprintf(o, ",%lld,%u,%.0f,%.0f\n", (long long)f->r.value, f->r.base, f->r.value_ci_low, f->r.value_ci_high);
}

/* Trailing comment lines: the header stays the first line, and readers
 * that skip '#' lines (R, pandas comment='#') read the table as it is. */
static void csv_release(FILE *o, const report *r)
{
    char kfp[UNIKA_FINGERPRINT_HEX_BYTES], rfp[UNIKA_FINGERPRINT_HEX_BYTES];
    unika_fingerprint_to_hex(kfp, unika_sketch_key_fingerprint(r->in[0].sketch));
    unika_fingerprint_to_hex(rfp, unika_sketch_recipe_fingerprint(r->in[0].sketch));
    fprintf(o, "# release: threshold=%lu secondary=%s rounding=%s noise=%s", r->min_count,
            r->secondary ? "on" : "off", rounding_names[r->rounding], noise_names[r->noise]);
    if (r->noise == UNIKA_NOISE_GEOMETRIC) fprintf(o, " epsilon=%g", r->epsilon);
    if (r->noise_key) fprintf(o, " noise_key_fingerprint=%s", r->noise_fp);
    fprintf(o, " release_id=%s secondary_withheld=%zu\n", r->release_id, r->n_secondary);
    fprintf(o, "# recipe=%s recipe_fingerprint=%s key_fingerprint=%s estimator=ml confidence=0.95\n",
            r->recipe_name ? r->recipe_name : "unlabelled", rfp, kfp);
    fputs("# linkage error is not in the intervals: see docs/linkage.md\n", o);
    fprintf(o, "# manifest=%s inputs=%zu\n", r->manifest, r->n);
    size_t *at = cli_xrealloc(NULL, r->n * sizeof *at);
    for (size_t i = 0; i < r->n; i++) at[i] = i;
    for (size_t a = 1; a < r->n; a++)
        for (size_t b = a; b > 0 && strcmp(r->in[at[b - 1]].digest_hex, r->in[at[b]].digest_hex) > 0; b--) {
            size_t t = at[b];
            at[b] = at[b - 1];
            at[b - 1] = t;
        }
    for (size_t i = 0; i < r->n; i++) fprintf(o, "# input %s\n", r->in[at[i]].digest_hex);
    free(at);
}

static void write_csv(FILE *o, const report *r)
{
    fputs("table,figure,row_label,row,col_label,col,shown,estimate,std_error,ci_low,ci_high,"
          "exact,suppressed,suppression,value,rounding_base,value_ci_low,value_ci_high\n",
          o);
    for (size_t ti = 0; ti < r->nt; ti++) {
        const table *t = &r->t[ti];
        if (t->overlap) {
            for (size_t k = 0; k < t->np; k++) {
                const figure *f = &r->f[t->pairs[k]];
                csv_row(o, r, t, f, f->oa, f->ob);
            }
            continue;
        }
        size_t ncol = t->clabel ? t->nc : 1;
        if (t->cell)
            for (size_t i = 0; i < t->nr; i++)
                for (size_t j = 0; j < ncol; j++)
                    csv_row(o, r, t, &r->f[t->cell[i * ncol + j]], t->rows[i],
                            t->clabel ? t->cols[j] : "");
        if (t->rtot)
            for (size_t i = 0; i < t->nr; i++) csv_row(o, r, t, &r->f[t->rtot[i]], t->rows[i], "total");
        if (t->ctot)
            for (size_t j = 0; j < t->nc; j++) csv_row(o, r, t, &r->f[t->ctot[j]], "total", t->cols[j]);
        if (t->total != NONE) csv_row(o, r, t, &r->f[t->total], "total", t->clabel ? "total" : "");
    }
    csv_release(o, r);
}

/* ---- output: JSON -------------------------------------------------------------------- */

static void json_inputs(cli_json *j, const char *key, const report *r, const size_t *idx, size_t n)
{
    /* Digests in byte order, so the same files give the same JSON. */
    const char **d = cli_xrealloc(NULL, (n ? n : 1) * sizeof *d);
    for (size_t i = 0; i < n; i++) d[i] = r->in[idx[i]].digest_hex;
    for (size_t a = 1; a < n; a++)
        for (size_t b = a; b > 0 && strcmp(d[b - 1], d[b]) > 0; b--) {
            const char *t = d[b];
            d[b] = d[b - 1];
            d[b - 1] = t;
        }
    cj_arr(j, key);
    for (size_t i = 0; i < n; i++)
        if (!i || strcmp(d[i], d[i - 1])) cj_str(j, NULL, d[i]);
    cj_arr_end(j);
    free(d);
}

static void json_figure(cli_json *j, const report *r, const figure *f)
{
    cj_obj(j, NULL);
    cj_str(j, "id", f->id);
    cj_str(j, "table", f->table);
    cj_str(j, "kind", f->r.overlap ? "intersection" : "union");
    cj_obj(j, "filter");
    for (size_t k = 0; k < f->nf; k++) cj_str(j, f->fk[k], f->fv[k]);
    cj_obj_end(j);
    cj_str(j, "period_grain", rp_grain_name(f->grain));
    if (f->r.overlap) {
        cj_obj(j, "overlap");
        cj_str(j, "label", f->olabel);
        cj_str(j, "a", f->oa);
        cj_str(j, "b", f->ob);
        cj_obj_end(j);
    }
    cj_str(j, "shown", f->r.shown);
    cj_bool(j, "suppressed", f->suppressed);
    cj_str(j, "suppression", state_names[f->r.state]);
    if (f->suppressed) {
        cj_null(j, "value");
        cj_null(j, "rounding_base");
    } else {
        cj_int(j, "value", f->r.value);
        cj_int(j, "rounding_base", f->r.base);
    }
    if (f->suppressed || f->r.estimate.exact) {
        cj_null(j, "value_ci_low");
        cj_null(j, "value_ci_high");
    } else {
        cj_int(j, "value_ci_low", (long long)f->r.value_ci_low);
        cj_int(j, "value_ci_high", (long long)f->r.value_ci_high);
    }
    if (f->suppressed || !raw_published(r)) {
        cj_null(j, "estimate");
        cj_null(j, "std_error");
        cj_null(j, "ci_low");
        cj_null(j, "ci_high");
    } else {
        rp_json_num(j, "estimate", f->r.estimate.estimate);
        rp_json_num(j, "std_error", f->r.estimate.std_error);
        rp_json_num(j, "ci_low", f->r.estimate.ci_low);
        rp_json_num(j, "ci_high", f->r.estimate.ci_high);
    }
    cj_bool(j, "exact", f->r.estimate.exact);
    if (f->r.overlap) {
        json_inputs(j, "inputs_a", r, f->ia, f->na);
        json_inputs(j, "inputs_b", r, f->ib, f->nb);
        size_t *all = cli_xrealloc(NULL, (f->na + f->nb + 1) * sizeof *all);
        memcpy(all, f->ia, f->na * sizeof *all);
        memcpy(all + f->na, f->ib, f->nb * sizeof *all);
        json_inputs(j, "inputs", r, all, f->na + f->nb);
        free(all);
    } else {
        json_inputs(j, "inputs", r, f->ia, f->na);
    }
    cj_obj_end(j);
}

static void json_ids(cli_json *j, const char *key, const report *r, const size_t *idx, size_t n)
{
    cj_arr(j, key);
    for (size_t i = 0; i < n; i++) cj_str(j, NULL, r->f[idx[i]].id);
    cj_arr_end(j);
}

static void json_strings(cli_json *j, const char *key, char *const *v, size_t n)
{
    cj_arr(j, key);
    for (size_t i = 0; i < n; i++) cj_str(j, NULL, v[i]);
    cj_arr_end(j);
}

static void write_json(FILE *o, const report *r)
{
    char hex[UNIKA_FINGERPRINT_HEX_BYTES];
    cli_json j;
    cj_init(&j, o);
    cj_obj(&j, NULL);
    cj_str(&j, "schema", "unika-report");
    cj_int(&j, "version", 1);
    cj_str(&j, "generator", "unika");
    cj_str(&j, "generator_version", unika_version_string());
    unika_fingerprint_to_hex(hex, unika_sketch_key_fingerprint(r->in[0].sketch));
    cj_str(&j, "key_fingerprint", hex);
    unika_fingerprint_to_hex(hex, unika_sketch_recipe_fingerprint(r->in[0].sketch));
    cj_str(&j, "recipe_fingerprint", hex);
    cj_str(&j, "recipe", r->recipe_name);
    cj_str(&j, "estimator", "ml");
    cj_num(&j, "confidence", 0.95);
    cj_obj(&j, "suppression");
    cj_str(&j, "method", "threshold");
    cj_int(&j, "min_count", (long long)r->min_count);
    cj_str(&j, "shown_as", r->min_count ? "<N" : "none");
    cj_str(&j, "applies_to", "every figure: cells, totals and overlaps");
    cj_bool(&j, "secondary", r->secondary);
    cj_str(&j, "rounding", rounding_names[r->rounding]);
    cj_obj_end(&j);
    cj_obj(&j, "release");
    cj_int(&j, "threshold", (long long)r->min_count);
    cj_bool(&j, "secondary", r->secondary);
    cj_int(&j, "secondary_withheld", (long long)r->n_secondary);
    cj_str(&j, "rounding", rounding_names[r->rounding]);
    cj_str(&j, "noise", noise_names[r->noise]);
    if (r->noise == UNIKA_NOISE_GEOMETRIC) rp_json_num(&j, "epsilon", r->epsilon);
    else cj_null(&j, "epsilon");
    if (r->noise_key) cj_str(&j, "noise_key_fingerprint", r->noise_fp);
    else cj_null(&j, "noise_key_fingerprint");
    cj_str(&j, "release_id", r->release_id);
    cj_bool(&j, "raw_estimates", raw_published(r));
    cj_str(&j, "manifest", r->manifest);
    cj_str(&j, "linkage", "not in the intervals; docs/linkage.md gives the recipe's measured "
                          "split and false-merge rates");
    cj_obj_end(&j);
    cj_arr(&j, "inputs");
    for (size_t i = 0; i < r->n; i++) {
        cj_obj(&j, NULL);
        cj_str(&j, "digest", r->in[i].digest_hex);
        cj_str(&j, "path", r->in[i].path);
        cj_int(&j, "precision", unika_sketch_precision(r->in[i].sketch));
        rp_json_labels(&j, "labels", r->in[i].sketch);
        cj_obj_end(&j);
    }
    cj_arr_end(&j);
    cj_arr(&j, "tables");
    for (size_t ti = 0; ti < r->nt; ti++) {
        const table *t = &r->t[ti];
        cj_obj(&j, NULL);
        cj_str(&j, "id", t->id);
        cj_str(&j, "title", t->title);
        cj_str(&j, "kind", t->overlap ? "overlap" : t->clabel ? "two-way" : t->rlabel ? "one-way"
                                                                                  : "total");
        if (t->rlabel) cj_str(&j, "rows_label", t->rlabel);
        if (t->clabel && !t->overlap) cj_str(&j, "cols_label", t->clabel);
        cj_str(&j, "period_grain", rp_grain_name(t->grain));
        if (t->rlabel) json_strings(&j, t->overlap ? "values" : "rows", t->rows, t->nr);
        if (t->clabel && !t->overlap) json_strings(&j, "cols", t->cols, t->nc);
        if (t->overlap) {
            json_ids(&j, "pairs", r, t->pairs, t->np);
        } else if (t->cell) {
            size_t ncol = t->clabel ? t->nc : 1;
            cj_arr(&j, "cells");
            for (size_t i = 0; i < t->nr; i++) json_ids(&j, NULL, r, t->cell + i * ncol, ncol);
            cj_arr_end(&j);
            if (t->rtot) json_ids(&j, "row_totals", r, t->rtot, t->nr);
            if (t->ctot) json_ids(&j, "col_totals", r, t->ctot, t->nc);
        }
        if (t->total != NONE) cj_str(&j, "total", r->f[t->total].id);
        if (t->note) cj_str(&j, "note", t->note);
        cj_obj_end(&j);
    }
    cj_arr_end(&j);
    cj_arr(&j, "figures");
    for (size_t i = 0; i < r->nf; i++) json_figure(&j, r, &r->f[i]);
    cj_arr_end(&j);
    cj_obj_end(&j);
    cj_end(&j);
}

/* ---- the command ------------------------------------------------------------------------ */

static void report_free(report *r)
{
    for (size_t i = 0; i < r->nf; i++) {
        figure *f = &r->f[i];
        free(f->id);
        for (size_t k = 0; k < f->nf; k++) free(f->fv[k]);
        free(f->oa);
        free(f->ob);
        free(f->ia);
        free(f->ib);
    }
    free(r->f);
    for (size_t i = 0; i < r->nt; i++) {
        table *t = &r->t[i];
        for (size_t k = 0; k < t->nr; k++) free(t->rows[k]);
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
    rp_inputs_free(r->in, r->n);
    unika_key_free(r->noise_key);
}

static int valid_label(const char *s)
{
    size_t n = strlen(s);
    if (!n || n > UNIKA_LABEL_KEY_MAX) return 0;
    return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

static int rounding_from_name(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (!strcmp(s, rounding_names[i])) return i;
    return -1;
}

static int parse_noise(int *mech, double *eps, const char *s)
{
    *eps = 0;
    if (!strcmp(s, "none")) *mech = UNIKA_NOISE_NONE;
    else if (!strcmp(s, "ckm")) *mech = UNIKA_NOISE_CKM;
    else if (!strncmp(s, "geometric:", 10)) {
        char *end;
        *eps = strtod(s + 10, &end);
        if (end == s + 10 || *end || !(*eps >= 0.01 && *eps <= 20)) return -1;
        *mech = UNIKA_NOISE_GEOMETRIC;
    } else return -1;
    return 0;
}

/* The manifest: BLAKE2b-256 of the inputs' digests, in byte order, so the
 * same files name the same release whatever order they were given in. */
static void manifest_digest(report *r)
{
    uint8_t *buf = cli_xrealloc(NULL, r->n * UNIKA_DIGEST_BYTES), d[UNIKA_DIGEST_BYTES];
    const char **hex = cli_xrealloc(NULL, r->n * sizeof *hex);
    for (size_t i = 0; i < r->n; i++) hex[i] = r->in[i].digest_hex;
    for (size_t a = 1; a < r->n; a++)
        for (size_t b = a; b > 0 && strcmp(hex[b - 1], hex[b]) > 0; b--) {
            const char *t = hex[b];
            hex[b] = hex[b - 1];
            hex[b - 1] = t;
        }
    for (size_t i = 0; i < r->n; i++)
        for (size_t k = 0; k < UNIKA_DIGEST_BYTES; k++) {
            unsigned v;
            sscanf(hex[i] + 2 * k, "%2x", &v);
            buf[i * UNIKA_DIGEST_BYTES + k] = (uint8_t)v;
        }
    (void)unika_file_digest(d, buf, r->n * UNIKA_DIGEST_BYTES);
    unika_hex_encode(r->manifest, d, UNIKA_DIGEST_BYTES);
    free(buf);
    free(hex);
}

int cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {
        {"rows", required_argument, NULL, 'r'},
        {"cols", required_argument, NULL, 'c'},
        {"overlap", required_argument, NULL, 'O'},
        {"period-grain", required_argument, NULL, 'g'},
        {"recipe", required_argument, NULL, 'R'},
        {"min-count", required_argument, NULL, 'm'},
        {"secondary", required_argument, NULL, 'S'},
        {"round", required_argument, NULL, 'U'},
        {"noise", required_argument, NULL, 'N'},
        {"noise-key", required_argument, NULL, 'K'},
        {"release-id", required_argument, NULL, 'I'},
        {"release", no_argument, NULL, 'P'},
        {"compare-recipes", no_argument, NULL, 'C'},
        {"format", required_argument, NULL, 'F'},
        {"output", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *rows = NULL, *cols = NULL, *overlap = NULL, *recipe = NULL, *out_path = NULL;
    const char *noise_key_path = NULL, *release_id = NULL;
    int fmt = FMT_MARKDOWN, grain = RP_HALF, force = 0, c;
    int secondary = 1, rounding = -1, preset = 0, min_count_given = 0, compare = 0;
    int noise = UNIKA_NOISE_NONE;
    double epsilon = 0;
    unsigned long min_count = 5;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'r': rows = optarg; break;
        case 'c': cols = optarg; break;
        case 'O': overlap = optarg; break;
        case 'R': recipe = optarg; break;
        case 'o': out_path = optarg; break;
        case 'f': force = 1; break;
        case 'g':
            if ((grain = rp_grain_from_name(optarg)) < 0)
                return cli_usage_error("--period-grain must be half-year, year, month or all");
            break;
        case 'm':
            if (cli_parse_uint(&min_count, optarg, 0, 1000000) < 0)
                return cli_usage_error("--min-count must be a whole number from 0 to 1000000");
            min_count_given = 1;
            break;
        case 'S':
            if (!strcmp(optarg, "on")) secondary = 1;
            else if (!strcmp(optarg, "off")) secondary = 0;
            else return cli_usage_error("--secondary must be on or off");
            break;
        case 'U':
            if ((rounding = rounding_from_name(optarg)) < 0)
                return cli_usage_error("--round must be none, base5, base10 or sdc");
            break;
        case 'N':
            if (parse_noise(&noise, &epsilon, optarg) < 0)
                return cli_usage_error("--noise must be none, ckm or geometric:EPS with EPS from "
                                       "0.01 to 20");
            break;
        case 'K': noise_key_path = optarg; break;
        case 'I':
            if (!*optarg || strlen(optarg) > UNIKA_RELEASE_ID_MAX || strpbrk(optarg, "\r\n"))
                return cli_usage_error("--release-id must be 1 to %d bytes on one line",
                                       UNIKA_RELEASE_ID_MAX);
            release_id = optarg;
            break;
        case 'P': preset = 1; break;
        case 'C': compare = 1; break;
        case 'F':
            if (!strcmp(optarg, "markdown")) fmt = FMT_MARKDOWN;
            else if (!strcmp(optarg, "csv")) fmt = FMT_CSV;
            else if (!strcmp(optarg, "json")) fmt = FMT_JSON;
            else return cli_usage_error("--format must be markdown, csv or json");
            break;
        case 'h': fputs(usage_text, stdout); return CLI_OK;
        default: return cli_usage_error("unknown option or missing value: %s", argv[optind - 1]);
        }
    }
    if (optind >= argc) return cli_usage_error("no sketch files or directories");
    if (compare) {
        if (rows || cols || overlap || recipe || preset || rounding >= 0 || noise_key_path ||
            noise != UNIKA_NOISE_NONE || release_id)
            return cli_usage_error("--compare-recipes takes only --min-count, --format, -o and "
                                   "--force");
        return rp_compare_recipes(argv + optind, (size_t)(argc - optind),
                                  fmt == FMT_CSV ? RP_CMP_CSV
                                  : fmt == FMT_JSON ? RP_CMP_JSON : RP_CMP_MARKDOWN,
                                  out_path, force, min_count);
    }
    if (cols && !rows) return cli_usage_error("--cols needs --rows");
    const char *labels[3] = {rows, cols, overlap};
    for (int k = 0; k < 3; k++)
        if (labels[k] && !valid_label(labels[k]))
            return cli_usage_error("'%s' is not a label name ([a-z0-9_.-], 1 to 64 bytes)",
                                   labels[k]);
    if (rows && cols && !strcmp(rows, cols))
        return cli_usage_error("--rows and --cols name the same label");
    if (preset) {
        secondary = 1;
        if (!min_count_given) min_count = 5;
        if (rounding < 0) rounding = UNIKA_ROUND_SDC;
    }
    if (rounding < 0) rounding = UNIKA_ROUND_NONE;
    if (noise != UNIKA_NOISE_NONE && !noise_key_path)
        return cli_usage_error("--noise needs --noise-key FILE");
    if (noise == UNIKA_NOISE_NONE && noise_key_path)
        return cli_usage_error("--noise-key is only used with --noise ckm or geometric:EPS");
    if (!force && out_path && cli_exists(out_path)) {
        cli_errorf("%s: already exists (use --force to replace it)", out_path);
        return CLI_INPUT;
    }

    unika_error err = {0};
    report r;
    memset(&r, 0, sizeof r);
    r.min_count = min_count;
    r.secondary = secondary;
    r.rounding = (unika_rounding)rounding;
    r.noise = (unika_noise)noise;
    r.epsilon = epsilon;
    if (noise_key_path && unika_key_load(&r.noise_key, noise_key_path, 0, &err) < 0)
        return cli_fail(noise_key_path, &err);
    if (r.noise_key) unika_fingerprint_to_hex(r.noise_fp, unika_key_fingerprint_ptr(r.noise_key));
    char **paths = NULL;
    size_t np = 0;
    int rc = rp_collect(&paths, &np, argv + optind, (size_t)(argc - optind));
    if (rc) return rc;
    r.in = cli_xrealloc(NULL, np * sizeof *r.in);
    unika_recipe *want = NULL;
    if (recipe && unika_recipe_parse(&want, recipe, strlen(recipe), &err) < 0) {
        cli_errorf("--recipe %s: %s", recipe, err.message);
        rc = CLI_USAGE;
    }
    for (size_t i = 0; i < np && !rc; i++) {
        rp_input in;
        if ((rc = rp_load(&in, paths[i]))) break;
        if (want && memcmp(unika_sketch_recipe_fingerprint(in.sketch),
                           unika_recipe_fingerprint_ptr(want), UNIKA_FINGERPRINT_BYTES)) {
            r.skipped_recipe++;
            rp_input_free(&in);
            continue;
        }
        r.in[r.n++] = in;
    }
    for (size_t i = 0; i < np; i++) free(paths[i]);
    free(paths);
    if (!rc && !r.n) {
        cli_errorf("no sketch file made with recipe %s among the %zu given", recipe, np);
        rc = CLI_INPUT;
    }
    if (!rc) rc = rp_check_origin(r.in, r.n);
    if (rc == CLI_INPUT && !recipe && r.n > 1 &&
        memcmp(unika_sketch_recipe_fingerprint(r.in[0].sketch),
               unika_sketch_recipe_fingerprint(r.in[r.n - 1].sketch), UNIKA_FINGERPRINT_BYTES))
        cli_errorf("hint: choose one recipe with --recipe NAME");
    if (!rc && r.noise_key &&
        !memcmp(unika_key_fingerprint_ptr(r.noise_key), unika_sketch_key_fingerprint(r.in[0].sketch),
                UNIKA_FINGERPRINT_BYTES)) {
        cli_errorf("%s: refusing the partnership key as the noise key: whoever holds it could "
                   "recompute the noise (make a release key with unika keygen)", noise_key_path);
        rc = CLI_INPUT;
    }
    if (!rc) {
        manifest_digest(&r);
        snprintf(r.release_id, sizeof r.release_id, "%s%.16s", release_id ? "" : "inputs-",
                 release_id ? release_id : r.manifest);
    }
    if (!rc) {
        r.recipe_name = want ? unika_recipe_name(want) : unika_sketch_get_label(r.in[0].sketch, "recipe");
        if (!rows && !overlap) {
            rc = build_default(&r, (rp_grain)grain);
        } else {
            rc = build_total(&r);
            if (!rc && rows) {
                char *id = cols ? cli_xprintf("%s_x_%s", rows, cols) : cli_xprintf("by_%s", rows);
                char *title = cols ? cli_xprintf("By %s and %s", label_title(rows, (rp_grain)grain),
                                             label_title(cols, (rp_grain)grain))
                                   : cli_xprintf("By %s", label_title(rows, (rp_grain)grain));
                rc = build_table(&r, id, title, rows, cols, (rp_grain)grain);
                free(id);
                free(title);
            }
            if (!rc && overlap) rc = build_overlap(&r, overlap, (rp_grain)grain);
        }
    }
    if (!rc) rc = release_apply(&r);
    if (!rc) {
        cli_out o;
        FILE *f = stdout;
        if (out_path) {
            if (cli_out_open(&o, out_path, force, 0644, &err) < 0) {
                rc = cli_fail(NULL, &err);
                goto done;
            }
            f = o.fp;
        }
        if (fmt == FMT_MARKDOWN) write_markdown(f, &r);
        else if (fmt == FMT_CSV) write_csv(f, &r);
        else write_json(f, &r);
        if (out_path && cli_out_commit(&o, &err) < 0) rc = cli_fail(NULL, &err);
        else if (!out_path && fflush(stdout) != 0) rc = CLI_INPUT;
    }
done:
    unika_recipe_free(want);
    report_free(&r);
    return rc;
}
