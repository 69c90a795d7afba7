/*
 * render_md.c - `unika report` as markdown (docs/report.md).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/model.h"


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
    else if (rm_raw_published(r)) fprintf(o, "%.0f–%.0f", f->r.estimate.ci_low, f->r.estimate.ci_high);
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



/* The footer: every parameter of the release step and the manifest. */
static void md_release(FILE *o, const report *r)
{
    fputs("\n## Release\n\n", o);
    if (r->min_count) fprintf(o, "- Threshold: figures below %lu shown as <%lu.\n", r->min_count,
                              r->min_count);
    else fputs("- Threshold: none.\n", o);
    fprintf(o, "- Secondary suppression: %s (%zu figure%s withheld as ..).\n",
            r->secondary ? "on" : "off", r->n_secondary, r->n_secondary == 1 ? "" : "s");
    fprintf(o, "- Rounding: %s.\n", rm_rounding_text(r->rounding));
    if (r->noise == UNIKA_NOISE_NONE) fputs("- Noise: none.\n", o);
    else if (r->noise == UNIKA_NOISE_CKM)
        fprintf(o, "- Noise: ckm (-2..+2 with probabilities .05 .20 .50 .20 .05), noise key %s.\n",
                r->noise_fp);
    else
        fprintf(o, "- Noise: geometric, epsilon %g per figure, noise key %s.\n", r->epsilon,
                r->noise_fp);
    fprintf(o, "- Release id: %s.\n", r->release_id);
    if (!rm_raw_published(r))
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
    size_t *at = rm_inputs_by_digest(r);
    for (size_t i = 0; i < r->n; i++) {
        fprintf(o, "  - %s ", r->in[at[i]].digest_hex);
        md_text(o, r->in[at[i]].path);
        fputc('\n', o);
    }
    free(at);
}

void rm_write_markdown(FILE *o, const report *r)
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
                const char *lt = rm_label_title(t->rlabel, t->grain);
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
                    rm_label_title(t->rlabel, t->grain));
            for (size_t i = 0; i <= t->nr; i++) {
                const figure *f = &r->f[i < t->nr ? t->cell[i] : t->total];
                fputs("| ", o);
                md_text(o, i < t->nr ? t->rows[i] : "**total**");
                fprintf(o, " | %s | ", f->r.shown);
                md_interval(o, r, f);
                fputs(" |\n", o);
            }
        } else {
            fprintf(o, "| %s |", rm_label_title(t->rlabel, t->grain));
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

