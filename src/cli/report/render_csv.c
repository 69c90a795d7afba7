/*
 * render_csv.c - `unika report` as CSV, one row per figure (docs/report.md).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/model.h"


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


static void csv_row(FILE *o, const report *r, const table *t, const figure *f, const char *row,
                    const char *col)
{
    csv_field(o, t->id);
    fputc(',', o);
    csv_field(o, f->id);
    fputc(',', o);
    csv_field(o, t->rlabel ? rm_label_title(t->rlabel, t->grain) : "");
    fputc(',', o);
    csv_field(o, row);
    fputc(',', o);
    csv_field(o, t->clabel ? rm_label_title(t->clabel, t->grain) : "");
    fputc(',', o);
    csv_field(o, col);
    fputc(',', o);
    csv_field(o, f->r.shown);
    if (f->suppressed || !rm_raw_published(r)) fputs(",,,,", o);
    else fprintf(o, ",%.6f,%.6f,%.6f,%.6f", f->r.estimate.estimate, f->r.estimate.std_error, f->r.estimate.ci_low, f->r.estimate.ci_high);
    fprintf(o, ",%s,%s,%s", f->r.estimate.exact ? "true" : "false", f->suppressed ? "true" : "false",
            rm_state_names[f->r.state]);
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
            r->secondary ? "on" : "off", rm_rounding_names[r->rounding], rm_noise_names[r->noise]);
    if (r->noise == UNIKA_NOISE_GEOMETRIC) fprintf(o, " epsilon=%g", r->epsilon);
    if (r->noise_key) fprintf(o, " noise_key_fingerprint=%s", r->noise_fp);
    fprintf(o, " release_id=%s secondary_withheld=%zu\n", r->release_id, r->n_secondary);
    fprintf(o, "# recipe=%s recipe_fingerprint=%s key_fingerprint=%s estimator=ml confidence=0.95\n",
            r->recipe_name ? r->recipe_name : "unlabelled", rfp, kfp);
    fputs("# linkage error is not in the intervals: see docs/linkage.md\n", o);
    fprintf(o, "# manifest=%s inputs=%zu\n", r->manifest, r->n);
    size_t *at = rm_inputs_by_digest(r);
    for (size_t i = 0; i < r->n; i++) fprintf(o, "# input %s\n", r->in[at[i]].digest_hex);
    free(at);
}

void rm_write_csv(FILE *o, const report *r)
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

