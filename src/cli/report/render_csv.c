/*
 * render_csv.c - `unika report` as CSV, one row per figure, rendered from
 * the report's JSON (render.h; docs/report.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/render.h"

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

static void csv_row(FILE *o, const rd_doc *d, const unika_json *t, const unika_json *f,
                    const char *row, const char *col)
{
    const char *grain = rd_str(t, "period_grain");
    const char *rl = unika_json_str(t, "rows_label");
    const char *cl = unika_json_str(t, "cols_label");
    if (!strcmp(rd_str(t, "kind"), "overlap")) cl = rl;
    int suppressed = rd_true(f, "suppressed");
    csv_field(o, rd_str(t, "id"));
    fputc(',', o);
    csv_field(o, rd_str(f, "id"));
    fputc(',', o);
    csv_field(o, rl ? rm_doc_label_title(rl, grain) : "");
    fputc(',', o);
    csv_field(o, row);
    fputc(',', o);
    csv_field(o, cl ? rm_doc_label_title(cl, grain) : "");
    fputc(',', o);
    csv_field(o, col);
    fputc(',', o);
    csv_field(o, rd_str(f, "shown"));
    if (suppressed || !rd_true(d->release, "raw_estimates")) fputs(",,,,", o);
    else fprintf(o, ",%.6f,%.6f,%.6f,%.6f", rd_num(f, "estimate"), rd_num(f, "std_error"),
                 rd_num(f, "ci_low"), rd_num(f, "ci_high"));
    fprintf(o, ",%s,%s,%s", rd_true(f, "exact") ? "true" : "false",
            suppressed ? "true" : "false", rd_str(f, "suppression"));
    long long value = (long long)rd_num(f, "value");
    unsigned base = (unsigned)rd_num(f, "rounding_base");
    if (suppressed) fputs(",,,,\n", o);
    else if (rd_true(f, "exact")) fprintf(o, ",%lld,%u,,\n", value, base);
    else fprintf(o, ",%lld,%u,%.0f,%.0f\n", value, base, rd_num(f, "value_ci_low"),
                 rd_num(f, "value_ci_high"));
}

/* Trailing comment lines: the header stays the first line, and readers
 * that skip '#' lines (R, pandas comment='#') read the table as it is. */
static void csv_release(FILE *o, const rd_doc *d)
{
    const unika_json *rel = d->release;
    const char *recipe = unika_json_str(d->root, "recipe");
    const char *key = unika_json_str(rel, "release_key_fingerprint");
    fprintf(o, "# release: threshold=%lu secondary=%s rounding=%s noise=%s",
            (unsigned long)rd_num(rel, "threshold"), rd_true(rel, "secondary") ? "on" : "off",
            rd_str(rel, "rounding"), rd_str(rel, "noise"));
    if (!rd_null(rel, "epsilon")) fprintf(o, " epsilon=%g", rd_num(rel, "epsilon"));
    if (key) fprintf(o, " release_key_fingerprint=%s", key);
    if (unika_json_str(rel, "release_id")) fprintf(o, " release_id=%s", rd_str(rel, "release_id"));
    fprintf(o, " secondary_withheld=%zu\n", (size_t)rd_num(rel, "secondary_withheld"));
    fprintf(o, "# recipe=%s recipe_fingerprint=%s key_fingerprint=%s estimator=ml confidence=0.95\n",
            recipe ? recipe : "unlabelled", rd_str(d->root, "recipe_fingerprint"),
            rd_str(d->root, "key_fingerprint"));
    if (unika_json_str(rel, "linkage_estimates"))
        fprintf(o, "# linkage error is in the intervals: figures corrected by the linker's "
                   "estimates %s (docs/linkage.md 15)\n", rd_str(rel, "linkage_estimates"));
    else
        fputs("# linkage error is not in the intervals: see docs/linkage.md\n", o);
    if (key) fprintf(o, "# inputs_commitment=%s\n", rd_str(rel, "inputs_commitment"));
    else fputs("# inputs: not committed (made without a release key): cannot be audited\n", o);
}

static void csv_table(FILE *o, const rd_doc *d, const unika_json *t)
{
    const char *kind = rd_str(t, "kind");
    if (!strcmp(kind, "overlap")) {
        const unika_json *pairs = unika_json_get(t, "pairs");
        for (size_t k = 0; k < pairs->n; k++) {
            const unika_json *f = rd_figure(d, pairs->items[k]->text);
            const unika_json *ov = unika_json_get(f, "overlap");
            csv_row(o, d, t, f, rd_str(ov, "a"), rd_str(ov, "b"));
        }
        return;
    }
    const unika_json *total = unika_json_get(t, "total");
    if (!strcmp(kind, "total")) {
        csv_row(o, d, t, rd_figure(d, total->text), "total", "");
        return;
    }
    if (!total) return;
    int two = !strcmp(kind, "two-way");
    const unika_json *rows = unika_json_get(t, "rows"), *cols = unika_json_get(t, "cols");
    const unika_json *cells = unika_json_get(t, "cells");
    size_t nc = two ? cols->n : 1;
    for (size_t i = 0; i < rows->n; i++)
        for (size_t j = 0; j < nc; j++)
            csv_row(o, d, t, rd_figure(d, cells->items[i]->items[j]->text),
                    rows->items[i]->text, two ? cols->items[j]->text : "");
    if (two) {
        const unika_json *rt = unika_json_get(t, "row_totals"), *ct = unika_json_get(t, "col_totals");
        for (size_t i = 0; i < rows->n; i++)
            csv_row(o, d, t, rd_figure(d, rt->items[i]->text), rows->items[i]->text, "total");
        for (size_t j = 0; j < cols->n; j++)
            csv_row(o, d, t, rd_figure(d, ct->items[j]->text), "total", cols->items[j]->text);
    }
    csv_row(o, d, t, rd_figure(d, total->text), "total", two ? "total" : "");
}

int rm_write_csv(FILE *o, const rm_source *s, const char *stamp, unika_error *err)
{
    if (s->options[0])
        return cli_set_error(err, UNIKA_EFORMAT, "", "the csv format takes no options, not \"%s\"",
                             s->options);
    const rd_doc *d = s->d;
    fputs("table,figure,row_label,row,col_label,col,shown,estimate,std_error,ci_low,ci_high,"
          "exact,suppressed,suppression,value,rounding_base,value_ci_low,value_ci_high\n",
          o);
    for (size_t ti = 0; ti < d->tables->n; ti++) csv_table(o, d, d->tables->items[ti]);
    csv_release(o, d);
    fprintf(o, "# %s\n", stamp);
    return 0;
}

int rm_csv_stamp(const char *bytes, size_t n, char *dst, size_t cap)
{
    return rm_text_stamp(bytes, n, "# ", "", dst, cap);
}
