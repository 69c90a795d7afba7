/*
 * compare.c - `unika report --compare-recipes`: how much the count depends
 * on the identity key.
 *
 * A count of unique people is only as good as the recipe that decides when
 * two records are one person (docs/linkage.md): on the example data the
 * recipe `strict` counts 30% more people than `loose`, twenty times the
 * sketch's own error. `unika ingest` can write sketches for several recipes
 * in one pass (-r loose -r strict); this puts their totals side by side:
 * the whole period, each org and each gender, each figure the union of that
 * recipe's files carrying the label value, with its 95% interval. The
 * figures of one recipe are never combined with another's (their
 * pseudonyms are unrelated by construction), so each column is a report of
 * its own; only the key must be common to all files.
 *
 * It is a diagnostic for analysts, not a publication: primary suppression
 * (--min-count) applies, the release step (secondary suppression, rounding,
 * noise) does not; `unika report --release` publishes.
 */
#include "report/compare.h"

#include <stdlib.h>
#include <string.h>

/* The labels a comparison breaks the total down by, in this order. */
static const char *const BREAKDOWN[] = {"org", "gender"};

typedef struct {
    char *name; /* the files' "recipe" label, or "unlabelled-<fingerprint prefix>" */
    char fp_hex[UNIKA_FINGERPRINT_HEX_BYTES];
    const uint8_t *fp;
    size_t *idx; /* the group's files */
    size_t n;
} group;

typedef struct {
    const char *label; /* NULL for the whole-period total */
    const char *value;
    char *id;          /* "total", "org=rodakorset", ... */
} figure;

typedef struct {
    int present; /* some file of the recipe carries the label value */
    int suppressed;
    unika_estimate e;
} cell;

typedef struct {
    rp_input *in;
    size_t n;
    group *g;
    size_t ng;
    figure *f;
    size_t nf;
    cell *c; /* nf x ng */
    unsigned long min_count;
} comparison;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const group *)a)->name, ((const group *)b)->name);
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Groups the inputs by recipe fingerprint, named and sorted by name. Two
 * groups claiming one name (a relabelled file) are told apart by their
 * fingerprint. */
static void group_inputs(comparison *c)
{
    c->g = cli_xmalloc(c->n * sizeof *c->g);
    c->ng = 0;
    for (size_t i = 0; i < c->n; i++) {
        const uint8_t *fp = unika_sketch_recipe_fingerprint(c->in[i].sketch);
        size_t k = 0;
        while (k < c->ng && memcmp(c->g[k].fp, fp, UNIKA_FINGERPRINT_BYTES)) k++;
        if (k == c->ng) {
            group *g = &c->g[c->ng++];
            memset(g, 0, sizeof *g);
            g->fp = fp;
            unika_fingerprint_to_hex(g->fp_hex, fp);
            g->idx = cli_xmalloc(c->n * sizeof *g->idx);
            const char *label = unika_sketch_get_label(c->in[i].sketch, "recipe");
            char buf[64];
            if (!label) snprintf(buf, sizeof buf, "unlabelled-%.8s", g->fp_hex);
            g->name = cli_xstrdup(label ? label : buf);
        }
        c->g[k].idx[c->g[k].n++] = i;
    }
    for (size_t a = 0; a < c->ng; a++)
        for (size_t b = a + 1; b < c->ng; b++)
            if (!strcmp(c->g[a].name, c->g[b].name)) {
                for (size_t k = a; k <= b; k += b - a) {
                    char *named = cli_xmalloc(strlen(c->g[k].name) + 12);
                    sprintf(named, "%s-%.8s", c->g[k].name, c->g[k].fp_hex);
                    free(c->g[k].name);
                    c->g[k].name = named;
                }
            }
    qsort(c->g, c->ng, sizeof *c->g, by_name);
}

/* The figures: the total, then each value of each breakdown label found in
 * any input, in byte order. */
static void list_figures(comparison *c)
{
    size_t cap = 1 + c->n * (sizeof BREAKDOWN / sizeof BREAKDOWN[0]);
    c->f = cli_xmalloc(cap * sizeof *c->f);
    c->nf = 0;
    c->f[c->nf++] = (figure){NULL, NULL, cli_xstrdup("total")};
    const char **values = cli_xmalloc(c->n * sizeof *values);
    for (size_t b = 0; b < (sizeof BREAKDOWN / sizeof BREAKDOWN[0]); b++) {
        size_t nv = 0;
        for (size_t i = 0; i < c->n; i++) {
            const char *v = unika_sketch_get_label(c->in[i].sketch, BREAKDOWN[b]);
            if (v) values[nv++] = v;
        }
        qsort(values, nv, sizeof *values, by_string);
        for (size_t i = 0; i < nv; i++) {
            if (i && !strcmp(values[i], values[i - 1])) continue;
            char *id = cli_xmalloc(strlen(BREAKDOWN[b]) + strlen(values[i]) + 2);
            sprintf(id, "%s=%s", BREAKDOWN[b], values[i]);
            c->f[c->nf++] = (figure){BREAKDOWN[b], values[i], id};
        }
    }
    free(values);
}

/* Every (figure, recipe) estimate: the union of the recipe's files that
 * carry the figure's label value. */
static int estimate_all(comparison *c)
{
    c->c = cli_xmalloc(c->nf * c->ng * sizeof *c->c);
    size_t *sel = cli_xmalloc(c->n * sizeof *sel);
    int rc = CLI_OK;
    for (size_t fi = 0; fi < c->nf && !rc; fi++) {
        const figure *f = &c->f[fi];
        for (size_t gi = 0; gi < c->ng && !rc; gi++) {
            const group *g = &c->g[gi];
            cell *x = &c->c[fi * c->ng + gi];
            memset(x, 0, sizeof *x);
            size_t ns = 0;
            for (size_t k = 0; k < g->n; k++) {
                const char *v = f->label ? unika_sketch_get_label(c->in[g->idx[k]].sketch, f->label)
                                         : NULL;
                if (!f->label || (v && !strcmp(v, f->value))) sel[ns++] = g->idx[k];
            }
            if (!ns) continue;
            unika_error err = {0};
            unika_sketch *u = NULL;
            if (rp_union(&u, c->in, sel, ns, &err) < 0 ||
                unika_sketch_estimate(&x->e, u, UNIKA_ESTIMATOR_ML, &err) < 0)
                rc = cli_fail(NULL, &err);
            unika_sketch_free(u);
            x->present = 1;
            x->suppressed = c->min_count && x->e.estimate < (double)c->min_count;
        }
    }
    free(sel);
    return rc;
}

/* ---- output ------------------------------------------------------------------------ */

static void md_text(FILE *o, const char *v)
{
    for (; *v; v++) {
        if (*v == '|' || *v == '\\') fputc('\\', o);
        fputc(*v, o);
    }
}

static void write_markdown(FILE *o, const comparison *c)
{
    char kfp[UNIKA_FINGERPRINT_HEX_BYTES];
    unika_fingerprint_to_hex(kfp, unika_sketch_key_fingerprint(c->in[0].sketch));
    fputs("## Totals by recipe\n\n", o);
    fprintf(o, "%zu sketch file%s; key %s; %zu recipe%s; maximum-likelihood estimates with "
               "95%% intervals.\n\n",
            c->n, c->n == 1 ? "" : "s", kfp, c->ng, c->ng == 1 ? "" : "s");
    fputs("| figure |", o);
    for (size_t gi = 0; gi < c->ng; gi++) {
        fputc(' ', o);
        md_text(o, c->g[gi].name);
        fputs(" | 95% interval |", o);
    }
    if (c->ng > 1) fputs(" spread |", o);
    fputs("\n|---|", o);
    for (size_t gi = 0; gi < c->ng; gi++) fputs("---:|---|", o);
    if (c->ng > 1) fputs("---:|", o);
    fputc('\n', o);
    for (size_t fi = 0; fi < c->nf; fi++) {
        const figure *f = &c->f[fi];
        if (f->label) {
            fprintf(o, "| %s ", f->label);
            md_text(o, f->value);
            fputs(" |", o);
        } else {
            fputs("| **total** |", o);
        }
        double lo = 0, hi = 0;
        int spread = c->ng > 1;
        for (size_t gi = 0; gi < c->ng; gi++) {
            const cell *x = &c->c[fi * c->ng + gi];
            if (!x->present) {
                fputs(" – | not labelled |", o);
                spread = 0;
            } else if (x->suppressed) {
                fprintf(o, " <%lu | – |", c->min_count);
                spread = 0;
            } else {
                fprintf(o, " %.0f | ", x->e.estimate);
                if (x->e.exact) fputs("exact |", o);
                else fprintf(o, "%.0f–%.0f |", x->e.ci_low, x->e.ci_high);
                if (!gi || x->e.estimate < lo) lo = x->e.estimate;
                if (!gi || x->e.estimate > hi) hi = x->e.estimate;
            }
        }
        if (c->ng > 1) {
            if (spread && lo > 0) fprintf(o, " %+.1f%% |", 100.0 * (hi - lo) / lo);
            else fputs(" – |", o);
        }
        fputc('\n', o);
    }
    fputs("\nRecipes:", o);
    for (size_t gi = 0; gi < c->ng; gi++) {
        fprintf(o, "%s ", gi ? "," : "");
        md_text(o, c->g[gi].name);
        fprintf(o, " `%s` (%zu file%s)", c->g[gi].fp_hex, c->g[gi].n, c->g[gi].n == 1 ? "" : "s");
    }
    fputs(".\n", o);
    if (c->ng > 1)
        fputs("Spread: (largest - smallest) / smallest estimate of the row.\n", o);
    fputs("Each interval is the sketch's own error. The difference between recipes is record\n"
          "linkage, which no interval covers: docs/linkage.md gives each recipe's measured bias.\n",
          o);
    if (c->min_count)
        fprintf(o, "Estimates below %lu are shown as <%lu. Primary suppression only: this is an\n"
                   "analyst's comparison, not a release (publish with `unika report --release`).\n",
                c->min_count, c->min_count);
    else
        fputs("No suppression (--min-count 0): this is an analyst's comparison, not a release.\n",
              o);
}

/* A CSV field: quoted when it holds a comma, quote or line break. */
static void csv_text(FILE *o, const char *v)
{
    if (!v) return;
    if (!strpbrk(v, ",\"\r\n")) {
        fputs(v, o);
        return;
    }
    fputc('"', o);
    for (; *v; v++) {
        if (*v == '"') fputc('"', o);
        fputc(*v, o);
    }
    fputc('"', o);
}

static void write_csv(FILE *o, const comparison *c)
{
    fputs("figure,label,value,recipe,recipe_fingerprint,files,shown,estimate,std_error,ci_low,"
          "ci_high,exact,suppressed\n",
          o);
    for (size_t fi = 0; fi < c->nf; fi++) {
        const figure *f = &c->f[fi];
        for (size_t gi = 0; gi < c->ng; gi++) {
            const cell *x = &c->c[fi * c->ng + gi];
            csv_text(o, f->id);
            fputc(',', o);
            csv_text(o, f->label);
            fputc(',', o);
            csv_text(o, f->value);
            fputc(',', o);
            csv_text(o, c->g[gi].name);
            fprintf(o, ",%s,%zu,", c->g[gi].fp_hex, c->g[gi].n);
            if (!x->present) fputs(",,,,,,\n", o);
            else if (x->suppressed) fprintf(o, "<%lu,,,,,,true\n", c->min_count);
            else
                fprintf(o, "%.0f,%.6f,%.6f,%.6f,%.6f,%s,false\n", x->e.estimate, x->e.estimate,
                        x->e.std_error, x->e.ci_low, x->e.ci_high, x->e.exact ? "true" : "false");
        }
    }
    char kfp[UNIKA_FINGERPRINT_HEX_BYTES];
    unika_fingerprint_to_hex(kfp, unika_sketch_key_fingerprint(c->in[0].sketch));
    fprintf(o, "# compare-recipes key_fingerprint=%s estimator=ml confidence=0.95 min_count=%lu "
               "inputs=%zu\n",
            kfp, c->min_count, c->n);
    fputs("# linkage error is not in the intervals: see docs/linkage.md\n", o);
}

static void write_json(FILE *o, const comparison *c)
{
    char kfp[UNIKA_FINGERPRINT_HEX_BYTES];
    unika_fingerprint_to_hex(kfp, unika_sketch_key_fingerprint(c->in[0].sketch));
    cli_json j;
    cj_init(&j, o);
    cj_obj(&j, NULL);
    cj_str(&j, "schema", "unika-compare-recipes");
    cj_int(&j, "version", 1);
    cj_str(&j, "generator", "unika");
    cj_str(&j, "generator_version", unika_version_string());
    cj_str(&j, "key_fingerprint", kfp);
    cj_str(&j, "estimator", "ml");
    cj_num(&j, "confidence", 0.95);
    cj_int(&j, "min_count", (long long)c->min_count);
    cj_int(&j, "inputs", (long long)c->n);
    cj_str(&j, "linkage", "not in the intervals; docs/linkage.md gives each recipe's measured "
                          "bias");
    cj_arr(&j, "recipes");
    for (size_t gi = 0; gi < c->ng; gi++) {
        cj_obj(&j, NULL);
        cj_str(&j, "name", c->g[gi].name);
        cj_str(&j, "fingerprint", c->g[gi].fp_hex);
        cj_int(&j, "files", (long long)c->g[gi].n);
        cj_obj_end(&j);
    }
    cj_arr_end(&j);
    cj_arr(&j, "figures");
    for (size_t fi = 0; fi < c->nf; fi++) {
        const figure *f = &c->f[fi];
        cj_obj(&j, NULL);
        cj_str(&j, "id", f->id);
        if (f->label) cj_str(&j, "label", f->label);
        else cj_null(&j, "label");
        if (f->value) cj_str(&j, "value", f->value);
        else cj_null(&j, "value");
        cj_obj(&j, "recipes");
        for (size_t gi = 0; gi < c->ng; gi++) {
            const cell *x = &c->c[fi * c->ng + gi];
            if (!x->present) {
                cj_null(&j, c->g[gi].name);
                continue;
            }
            cj_obj(&j, c->g[gi].name);
            if (x->suppressed) {
                char shown[32];
                snprintf(shown, sizeof shown, "<%lu", c->min_count);
                cj_str(&j, "shown", shown);
                cj_null(&j, "estimate");
                cj_null(&j, "std_error");
                cj_null(&j, "ci_low");
                cj_null(&j, "ci_high");
                cj_null(&j, "exact");
            } else {
                char shown[32];
                snprintf(shown, sizeof shown, "%.0f", x->e.estimate);
                cj_str(&j, "shown", shown);
                rp_json_num(&j, "estimate", x->e.estimate);
                rp_json_num(&j, "std_error", x->e.std_error);
                rp_json_num(&j, "ci_low", x->e.ci_low);
                rp_json_num(&j, "ci_high", x->e.ci_high);
                cj_bool(&j, "exact", x->e.exact);
            }
            cj_bool(&j, "suppressed", x->suppressed);
            cj_obj_end(&j);
        }
        cj_obj_end(&j);
        cj_obj_end(&j);
    }
    cj_arr_end(&j);
    cj_obj_end(&j);
    cj_end(&j);
}

/* ---- the command ----------------------------------------------------------------- */

/* All files must come from one key: pseudonyms of different keys are
 * unrelated, so nothing could be compared. */
static int check_key(const comparison *c)
{
    const uint8_t *k0 = unika_sketch_key_fingerprint(c->in[0].sketch);
    for (size_t i = 1; i < c->n; i++) {
        const uint8_t *ki = unika_sketch_key_fingerprint(c->in[i].sketch);
        if (memcmp(k0, ki, UNIKA_FINGERPRINT_BYTES)) {
            char a[UNIKA_FINGERPRINT_HEX_BYTES], b[UNIKA_FINGERPRINT_HEX_BYTES];
            unika_fingerprint_to_hex(a, k0);
            unika_fingerprint_to_hex(b, ki);
            cli_errorf("refusing to compare sketches made under different keys: %s has key "
                       "fingerprint %s, %s has %s",
                       c->in[0].path, a, c->in[i].path, b);
            return CLI_INPUT;
        }
    }
    return CLI_OK;
}

static void comparison_free(comparison *c)
{
    rp_inputs_free(c->in, c->n);
    for (size_t i = 0; i < c->ng; i++) {
        free(c->g[i].name);
        free(c->g[i].idx);
    }
    free(c->g);
    for (size_t i = 0; i < c->nf; i++) free(c->f[i].id);
    free(c->f);
    free(c->c);
}

int rp_compare_recipes(char *const *args, size_t nargs, int format, const char *out_path,
                       int force, unsigned long min_count)
{
    if (!force && out_path && cli_exists(out_path)) {
        cli_errorf("%s: already exists (use --force to replace it)", out_path);
        return CLI_INPUT;
    }
    char **paths = NULL;
    size_t np = 0;
    int rc = rp_collect(&paths, &np, args, nargs);
    if (rc) return rc;
    comparison c;
    memset(&c, 0, sizeof c);
    c.min_count = min_count;
    c.in = cli_xmalloc(np * sizeof *c.in);
    for (size_t i = 0; i < np && !rc; i++) {
        rc = rp_load(&c.in[c.n], paths[i]);
        if (!rc) c.n++;
    }
    for (size_t i = 0; i < np; i++) free(paths[i]);
    free(paths);
    if (!rc) rc = check_key(&c);
    if (!rc) {
        group_inputs(&c);
        list_figures(&c);
        rc = estimate_all(&c);
    }
    if (!rc) {
        unika_error err = {0};
        cli_out o;
        FILE *f = stdout;
        if (out_path) {
            if (cli_out_open(&o, out_path, force, 0644, &err) < 0) {
                rc = cli_fail(NULL, &err);
                comparison_free(&c);
                return rc;
            }
            f = o.fp;
        }
        if (format == RP_CMP_CSV) write_csv(f, &c);
        else if (format == RP_CMP_JSON) write_json(f, &c);
        else write_markdown(f, &c);
        if (out_path && cli_out_commit(&o, &err) < 0) rc = cli_fail(NULL, &err);
        else if (!out_path && fflush(stdout) != 0) rc = CLI_INPUT;
    }
    comparison_free(&c);
    return rc;
}
