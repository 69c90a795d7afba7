/*
 * model.h - the figure model of `unika report` (docs/report.md): every
 * figure is the estimate of a union (or of an intersection of two unions)
 * of the input files a label filter selects; tables arrange figures; the
 * release step (the library's unika_release_apply()) decides what is shown.
 * model.c builds it; one renderer per format writes it (render_*.c).
 */
#ifndef UNIKA_CLI_REPORT_MODEL_H
#define UNIKA_CLI_REPORT_MODEL_H

#include "report/report.h"

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


/* ---- building (model.c) ---------------------------------------------------------- */

/* The partnership's standard set (docs/report.md, "Default report"). */
int rm_build_default(report *r, rp_grain grain);
/* The whole-period total. */
int rm_build_total(report *r);
/* A table of rows (x cols), with totals as unions. */
int rm_build_table(report *r, const char *id, const char *title, const char *rlabel,
                   const char *clabel, rp_grain grain);
/* Pairwise overlaps between the values of `label`. */
int rm_build_overlap(report *r, const char *label, rp_grain grain);
/* "half-year", "year", "month" for period at that grain, else the label. */
const char *rm_label_title(const char *label, rp_grain g);
/* The inputs' indices in byte order of their digests (free() it). */
size_t *rm_inputs_by_digest(const report *r);
/* The manifest: BLAKE2b-256 of the inputs' digests in byte order, so the
 * same files name the same release whatever order they were given in. */
void rm_manifest(report *r);
void rm_report_free(report *r);

/* ---- the release step (model.c) -------------------------------------------------- */

/* The library's release step over every figure, once all exist. */
int rm_release_apply(report *r);
/* 1 when nothing perturbs or rounds the figures (raw estimates published). */
int rm_raw_published(const report *r);
extern const char *const rm_noise_names[];    /* by unika_noise */
extern const char *const rm_rounding_names[]; /* by unika_rounding */
extern const char *const rm_state_names[];    /* by UNIKA_RELEASE_* state */
/* The rounding rule in words, for the markdown footer. */
const char *rm_rounding_text(unika_rounding g);

/* ---- renderers (render_*.c) ------------------------------------------------------ */

void rm_write_markdown(FILE *o, const report *r);
void rm_write_csv(FILE *o, const report *r);
void rm_write_json(FILE *o, const report *r);

#endif /* UNIKA_CLI_REPORT_MODEL_H */
