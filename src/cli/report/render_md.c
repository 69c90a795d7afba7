/*
 * render_md.c - `unika report` as markdown, rendered from the report's JSON
 * (render.h; docs/report.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/render.h"

/* A label value in a markdown table: '|' would end the cell. */
static void md_text(FILE *o, const char *v)
{
    for (; *v; v++) {
        if (*v == '|' || *v == '\\') fputc('\\', o);
        fputc(*v, o);
    }
}

/* The i-th id of an array of ids, as its figure (rd_open checked both). */
static const unika_json *fig_at(const rd_doc *d, const unika_json *ids, size_t i)
{
    return rd_figure(d, ids->items[i]->text);
}

static void md_interval(FILE *o, const rd_doc *d, const unika_json *f)
{
    if (rd_true(f, "suppressed")) fputs("–", o);
    else if (rd_true(f, "exact")) fputs("exact", o);
    else if (rd_true(d->release, "raw_estimates"))
        fprintf(o, "%.0f–%.0f", rd_num(f, "ci_low"), rd_num(f, "ci_high"));
    else fprintf(o, "%.0f–%.0f", rd_num(f, "value_ci_low"), rd_num(f, "value_ci_high"));
}

static void md_note(FILE *o, const rd_doc *d, const unika_json *t)
{
    const unika_json *pairs = unika_json_get(t, "pairs");
    int empty = !unika_json_get(t, "total") && !(pairs && pairs->n);
    const char *note = unika_json_str(t, "note");
    if (note) fprintf(o, empty ? "%s\n" : "\n%s\n", note);
    unsigned long n = (unsigned long)rd_num(d->release, "threshold");
    if (n && !empty)
        fprintf(o, "\nFigures below %lu are shown as <%lu (primary suppression, also applied to "
                   "totals and overlaps).\n", n, n);
    int secondary = 0;
    for (size_t i = 0; i < d->figures->n && !secondary; i++) {
        const unika_json *f = d->figures->items[i];
        secondary = !strcmp(rd_str(f, "table"), rd_str(t, "id")) &&
                    !strcmp(rd_str(f, "suppression"), "secondary");
    }
    if (secondary)
        fputs("Figures shown as .. are withheld so that a figure below the threshold cannot be\n"
              "recovered from its row, column, total or overlap (secondary suppression).\n",
              o);
}

/* Whether a figure's mode says the partners' agreement m was assumed, not
 * measured (docs/linkage.md 15, "Agreement not measured"). */
static int m_assumed(const rd_doc *d)
{
    for (size_t i = 0; i < d->figures->n; i++) {
        const unika_json *mode = unika_json_get(d->figures->items[i], "mode");
        const unika_json *m = unika_json_get(mode, "m_measured");
        if (m && m->type == UNIKA_JSON_FALSE) return 1;
    }
    return 0;
}

/* The footer: every parameter of the release step, and the commitment to
 * the inputs (never the inputs themselves: docs/security.md). */
static void md_release(FILE *o, const rd_doc *d)
{
    const unika_json *rel = d->release;
    unsigned long n = (unsigned long)rd_num(rel, "threshold");
    size_t withheld = (size_t)rd_num(rel, "secondary_withheld");
    const char *noise = rd_str(rel, "noise"), *key = unika_json_str(rel, "release_key_fingerprint");
    fputs("\n## Release\n\n", o);
    if (n) fprintf(o, "- Threshold: figures below %lu shown as <%lu.\n", n, n);
    else fputs("- Threshold: none.\n", o);
    fprintf(o, "- Secondary suppression: %s (%zu figure%s withheld as ..).\n",
            rd_true(rel, "secondary") ? "on" : "off", withheld, withheld == 1 ? "" : "s");
    fprintf(o, "- Rounding: %s.\n", rm_doc_rounding_text(rd_str(rel, "rounding")));
    if (!strcmp(noise, "ckm"))
        fprintf(o, "- Noise: ckm (-2..+2 with probabilities .05 .20 .50 .20 .05), release key "
                   "%s.\n", key);
    else if (!strcmp(noise, "geometric"))
        fprintf(o, "- Noise: geometric, epsilon %g per figure, release key %s.\n",
                rd_num(rel, "epsilon"), key);
    else fputs("- Noise: none.\n", o);
    if (unika_json_str(rel, "release_id"))
        fprintf(o, "- Release id: %s.\n", rd_str(rel, "release_id"));
    int corrected = unika_json_str(rel, "linkage_estimates") != NULL;
    if (!rd_true(rel, "raw_estimates"))
        fprintf(o, "- Intervals: 95%% intervals of the %s error, moved with the noise and\n"
                   "  widened to the rounding base; unrounded estimates are not published.\n",
                corrected ? "linkage and the sketch" : "sketch");
    const char *recipe = unika_json_str(d->root, "recipe");
    if (corrected) {
        fputs("- Linkage: in the intervals. Every figure is corrected for linkage error by the\n"
              "  linker's estimates (docs/linkage.md 15). An overlap is |a| + |b| - |a u b| of\n"
              "  three corrected figures; from estimator version 21 on, its interval takes the\n"
              "  error the three share once (before, it added their variances: wider than its\n"
              "  error needs).\n",
              o);
        if (m_assumed(d))
            fputs("- Agreement: too few people have an identity number or a full birth date at\n"
                  "  two partners to measure how often partners write a person's name and birth\n"
                  "  year alike; the estimates take it anywhere in an assumed range (the JSON's\n"
                  "  release text gives it), and the intervals are wider for it (docs/linkage.md\n"
                  "  15, \"Agreement not measured\").\n",
                  o);
    } else
        fprintf(o, "- Linkage: figures count distinct pseudonyms of recipe %s; people whose records\n"
                   "  differ in the recipe's fields are counted twice, and different people with the\n"
                   "  same fields once. That error is not in the intervals: docs/linkage.md gives\n"
                   "  its measured size per recipe.\n", recipe ? recipe : "unlabelled");
    if (key)
        fprintf(o, "- Inputs: committed to under release key %s, as the keyed BLAKE2b-256 of\n"
                   "  the input files' digests (an auditor who holds the release key checks it\n"
                   "  against the partners' signed files with unika verify):\n"
                   "  %s.\n",
                key, rd_str(rel, "inputs_commitment"));
    else
        fputs("- Inputs: not committed (the report was made without a release key), so it\n"
              "  cannot be audited.\n", o);
}

static void md_overlap(FILE *o, const rd_doc *d, const unika_json *t)
{
    const unika_json *pairs = unika_json_get(t, "pairs");
    if (!pairs->n) return;
    const char *lt = rm_doc_label_title(rd_str(t, "rows_label"), rd_str(t, "period_grain"));
    fprintf(o, "| %s | %s | in both | 95%% interval |\n|---|---|---:|---|\n", lt, lt);
    for (size_t k = 0; k < pairs->n; k++) {
        const unika_json *f = fig_at(d, pairs, k), *ov = unika_json_get(f, "overlap");
        fputs("| ", o);
        md_text(o, rd_str(ov, "a"));
        fputs(" | ", o);
        md_text(o, rd_str(ov, "b"));
        fprintf(o, " | %s | ", rd_str(f, "shown"));
        md_interval(o, d, f);
        fputs(" |\n", o);
    }
}

static void md_one_way(FILE *o, const rd_doc *d, const unika_json *t)
{
    const unika_json *rows = unika_json_get(t, "rows"), *cells = unika_json_get(t, "cells");
    fprintf(o, "| %s | unique | 95%% interval |\n|---|---:|---|\n",
            rm_doc_label_title(rd_str(t, "rows_label"), rd_str(t, "period_grain")));
    for (size_t i = 0; i <= rows->n; i++) {
        const unika_json *f = i < rows->n ? fig_at(d, cells->items[i], 0)
                                          : rd_figure(d, rd_str(t, "total"));
        fputs("| ", o);
        md_text(o, i < rows->n ? rows->items[i]->text : "**total**");
        fprintf(o, " | %s | ", rd_str(f, "shown"));
        md_interval(o, d, f);
        fputs(" |\n", o);
    }
}

static void md_two_way(FILE *o, const rd_doc *d, const unika_json *t)
{
    const unika_json *rows = unika_json_get(t, "rows"), *cols = unika_json_get(t, "cols");
    const unika_json *cells = unika_json_get(t, "cells");
    const unika_json *rt = unika_json_get(t, "row_totals"), *ct = unika_json_get(t, "col_totals");
    fprintf(o, "| %s |", rm_doc_label_title(rd_str(t, "rows_label"), rd_str(t, "period_grain")));
    for (size_t j = 0; j < cols->n; j++) {
        fputc(' ', o);
        md_text(o, cols->items[j]->text);
        fputs(" |", o);
    }
    fputs(" **total** |\n|---|", o);
    for (size_t j = 0; j <= cols->n; j++) fputs("---:|", o);
    fputc('\n', o);
    for (size_t i = 0; i <= rows->n; i++) {
        fputs("| ", o);
        md_text(o, i < rows->n ? rows->items[i]->text : "**total**");
        fputs(" |", o);
        for (size_t j = 0; j <= cols->n; j++) {
            const unika_json *f = i < rows->n ? (j < cols->n ? fig_at(d, cells->items[i], j)
                                                             : fig_at(d, rt, i))
                                              : (j < cols->n ? fig_at(d, ct, j)
                                                             : rd_figure(d, rd_str(t, "total")));
            fprintf(o, " %s |", rd_str(f, "shown"));
        }
        fputc('\n', o);
    }
    fputs("\nIntervals of every figure are in the CSV and JSON formats.\n", o);
}

int rm_write_markdown(FILE *o, const rm_source *s, const char *stamp, unika_error *err)
{
    if (s->options[0])
        return cli_set_error(err, UNIKA_EFORMAT, "", "the markdown format takes no options, not \"%s\"",
                             s->options);
    const rd_doc *d = s->d;
    const char *recipe = unika_json_str(d->root, "recipe");
    fprintf(o, "# Unique individuals\n\n");
    fprintf(o, "Key %s; recipe %s (%s); maximum-likelihood estimates.\n",
            rd_str(d->root, "key_fingerprint"), recipe ? recipe : "unlabelled",
            rd_str(d->root, "recipe_fingerprint"));
    fprintf(o, "Totals are unions of the cells' sketches, never sums: people seen in several\n"
               "cells are counted once, so the cells of a row or column need not add up to\n"
               "its total. ");
    if (unika_json_str(d->release, "linkage_estimates"))
        fprintf(o, "Every figure is corrected for linkage error by the linker's estimates\n"
                   "(%.16s..., docs/linkage.md 15): its 95%% interval holds both the linkage\n"
                   "and the sketch error; the JSON keeps the resolution's own count beside it.\n",
                rd_str(d->release, "linkage_estimates"));
    else
        fprintf(o, "Intervals are 95%% intervals of the sketch error only (not of\n"
                   "record linkage); \"exact\" figures are counted, not estimated.\n");
    for (size_t ti = 0; ti < d->tables->n; ti++) {
        const unika_json *t = d->tables->items[ti];
        const char *kind = rd_str(t, "kind");
        fprintf(o, "\n## %s\n\n", rd_str(t, "title"));
        if (!strcmp(kind, "overlap")) {
            md_overlap(o, d, t);
        } else if (!strcmp(kind, "total")) {
            const unika_json *f = rd_figure(d, rd_str(t, "total"));
            fprintf(o, "| | unique | 95%% interval |\n|---|---:|---|\n| total | %s | ",
                    rd_str(f, "shown"));
            md_interval(o, d, f);
            fputs(" |\n", o);
        } else if (unika_json_get(t, "total")) {
            if (!strcmp(kind, "one-way")) md_one_way(o, d, t);
            else md_two_way(o, d, t);
        }
        md_note(o, d, t);
    }
    md_release(o, d);
    fprintf(o, "\n<!-- %s -->\n", stamp);
    return 0;
}

int rm_markdown_stamp(const char *bytes, size_t n, char *dst, size_t cap)
{
    return rm_text_stamp(bytes, n, "<!-- ", " -->", dst, cap);
}
