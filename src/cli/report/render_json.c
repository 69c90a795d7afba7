/*
 * render_json.c - `unika report` as JSON, the format `unika verify` audits
 * (docs/report.md, schema unika-report v1).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/model.h"


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
    cj_str(j, "suppression", rm_state_names[f->r.state]);
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
    if (f->suppressed || !rm_raw_published(r)) {
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

void rm_write_json(FILE *o, const report *r)
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
    cj_str(&j, "rounding", rm_rounding_names[r->rounding]);
    cj_obj_end(&j);
    cj_obj(&j, "release");
    cj_int(&j, "threshold", (long long)r->min_count);
    cj_bool(&j, "secondary", r->secondary);
    cj_int(&j, "secondary_withheld", (long long)r->n_secondary);
    cj_str(&j, "rounding", rm_rounding_names[r->rounding]);
    cj_str(&j, "noise", rm_noise_names[r->noise]);
    if (r->noise == UNIKA_NOISE_GEOMETRIC) rp_json_num(&j, "epsilon", r->epsilon);
    else cj_null(&j, "epsilon");
    if (r->noise_key) cj_str(&j, "noise_key_fingerprint", r->noise_fp);
    else cj_null(&j, "noise_key_fingerprint");
    cj_str(&j, "release_id", r->release_id);
    cj_bool(&j, "raw_estimates", rm_raw_published(r));
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

