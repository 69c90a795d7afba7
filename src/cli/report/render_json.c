/*
 * render_json.c - `unika report` as JSON, the one document `unika verify`
 * audits and every other format is rendered from (docs/report.md, schema
 * unika-report version 2).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/linkest.h"
#include "report/model.h"


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
    if (f->corrected) { /* counts under linkage error (docs/linkage.md 15) */
        if (f->suppressed) cj_null(j, "deterministic");
        else rp_json_num(j, "deterministic", f->deterministic);
        cj_obj(j, "mode");
        cj_str(j, "kind", "corrected");
        cj_str(j, "estimator", r->linkest->estimator);
        cj_int(j, "version", r->linkest->version);
        if (r->linkest->m_measured >= 0) cj_bool(j, "m_measured", r->linkest->m_measured);
        cj_obj_end(j);
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

/* The options that chose the tables (model.h, rm_request). */
static void json_request(cli_json *j, const report *r)
{
    cj_obj(j, "request");
    cj_str(j, "rows", r->req.rows);
    cj_str(j, "cols", r->req.cols);
    cj_str(j, "overlap", r->req.overlap);
    cj_str(j, "period_grain", rp_grain_name(r->req.grain));
    cj_obj_end(j);
}

/* Every parameter of the release step; the inputs only as a commitment
 * keyed with the release key (docs/security.md, "What a published report
 * shows"): never their digests, paths or labels. */
static void json_release(cli_json *j, const report *r)
{
    cj_obj(j, "release");
    cj_int(j, "threshold", (long long)r->min_count);
    cj_bool(j, "secondary", r->secondary);
    cj_int(j, "secondary_withheld", (long long)r->n_secondary);
    cj_str(j, "rounding", rm_rounding_names[r->rounding]);
    cj_str(j, "noise", rm_noise_names[r->noise]);
    if (r->noise == UNIKA_NOISE_GEOMETRIC) rp_json_num(j, "epsilon", r->epsilon);
    else cj_null(j, "epsilon");
    cj_str(j, "release_key_fingerprint", r->release_key ? r->release_fp : NULL);
    cj_str(j, "release_id", r->release_id[0] ? r->release_id : NULL);
    cj_bool(j, "raw_estimates", rm_raw_published(r));
    cj_str(j, "inputs_commitment", r->commitment[0] ? r->commitment : NULL);
    if (r->linkest) {
        char *assumed = r->linkest->m_measured
                            ? cli_xprintf("%s", "")
                            : cli_xprintf(", with the partners' agreement m not measured but "
                                          "taken anywhere from %.2f to 1 (section 15, "
                                          "\"Agreement not measured\")",
                                          r->linkest->m_low);
        char *text = cli_xprintf("in the intervals: every figure is corrected for linkage error "
                                 "by the linker's estimates (docs/linkage.md 15)%s; "
                                 "`deterministic` is the resolution's own count",
                                 assumed);
        cj_str(j, "linkage", text);
        free(text);
        free(assumed);
        cj_str(j, "linkage_estimates", r->linkest->digest_hex);
        cj_str(j, "linkage_resolution", r->linkest->resolution);
    } else {
        cj_str(j, "linkage", "not in the intervals; docs/linkage.md gives the recipe's measured "
                             "split and false-merge rates");
    }
    cj_obj_end(j);
}

static void json_table(cli_json *j, const report *r, const table *t)
{
    cj_obj(j, NULL);
    cj_str(j, "id", t->id);
    cj_str(j, "title", t->title);
    cj_str(j, "kind", t->overlap ? "overlap" : t->clabel ? "two-way" : t->rlabel ? "one-way"
                                                                              : "total");
    if (t->rlabel) cj_str(j, "rows_label", t->rlabel);
    if (t->clabel && !t->overlap) cj_str(j, "cols_label", t->clabel);
    cj_str(j, "period_grain", rp_grain_name(t->grain));
    if (t->rlabel) json_strings(j, t->overlap ? "values" : "rows", t->rows, t->nr);
    if (t->clabel && !t->overlap) json_strings(j, "cols", t->cols, t->nc);
    if (t->overlap) {
        json_ids(j, "pairs", r, t->pairs, t->np);
    } else if (t->cell) {
        size_t ncol = t->clabel ? t->nc : 1;
        cj_arr(j, "cells");
        for (size_t i = 0; i < t->nr; i++) json_ids(j, NULL, r, t->cell + i * ncol, ncol);
        cj_arr_end(j);
        if (t->rtot) json_ids(j, "row_totals", r, t->rtot, t->nr);
        if (t->ctot) json_ids(j, "col_totals", r, t->ctot, t->nc);
    }
    if (t->total != NONE) cj_str(j, "total", r->f[t->total].id);
    if (t->note) cj_str(j, "note", t->note);
    cj_obj_end(j);
}

void rm_write_json(FILE *o, const report *r)
{
    char hex[UNIKA_FINGERPRINT_HEX_BYTES];
    cli_json j;
    cj_init(&j, o);
    cj_obj(&j, NULL);
    cj_str(&j, "schema", "unika-report");
    cj_int(&j, "version", 2);
    cj_str(&j, "generator", "unika");
    cj_str(&j, "generator_version", unika_version_string());
    unika_fingerprint_to_hex(hex, unika_sketch_key_fingerprint(r->in[0].sketch));
    cj_str(&j, "key_fingerprint", hex);
    unika_fingerprint_to_hex(hex, unika_sketch_recipe_fingerprint(r->in[0].sketch));
    cj_str(&j, "recipe_fingerprint", hex);
    cj_str(&j, "recipe", r->recipe_name);
    cj_str(&j, "estimator", "ml");
    cj_num(&j, "confidence", 0.95);
    json_request(&j, r);
    json_release(&j, r);
    cj_arr(&j, "tables");
    for (size_t ti = 0; ti < r->nt; ti++) json_table(&j, r, &r->t[ti]);
    cj_arr_end(&j);
    cj_arr(&j, "figures");
    for (size_t i = 0; i < r->nf; i++) json_figure(&j, r, &r->f[i]);
    cj_arr_end(&j);
    cj_obj_end(&j);
    cj_end(&j);
}

char *rm_json_text(const report *r, size_t *n)
{
    char *json = NULL;
    *n = 0;
    FILE *f = open_memstream(&json, n);
    if (!f) {
        cli_out_of_memory();
    } else {
        rm_write_json(f, r);
        if (fclose(f) != 0) cli_out_of_memory();
    }
    return json;
}
