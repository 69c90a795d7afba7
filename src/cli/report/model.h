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
    int lent;                   /* ia, ib belong to the table (an overlap's sides) */
    int sparse;                 /* intersections: both operands sparse (exact) */
    int suppressed;             /* withheld: state is primary or secondary */
    /* What the release step sees and sets (unika/release.h): the estimate,
     * whether it is a whole-period total, the content id for the noise;
     * the state, published value, interval and shown text. */
    unika_release_figure r;
    /* With the linker's estimates (report/linkest.h): r.estimate is the
     * corrected one, and this the figure's estimate from the cells. */
    int corrected;
    double deterministic;
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
    /* An overlap table's sides: the inputs of each row value, selected once
     * and lent to its v - 1 pairs (a copy per pair was 47 MB at 10^5 cells
     * of 60 organisations). */
    size_t **side, *nside;
    char *note;
} table;

/* What chose the tables, recorded in the JSON as "request" so that `unika
 * verify` can build the same report again from the signed files. */
typedef struct rm_request {
    const char *rows, *cols, *overlap; /* NULL: not asked (all NULL: the standard set) */
    rp_grain grain;                    /* --period-grain */
} rm_request;

typedef struct report {
    rp_input *in;
    size_t n;
    const struct rp_linkest *linkest; /* the linker's estimates (--estimates), or NULL */
    figure *f;
    size_t nf, capf;
    table *t;
    size_t nt, capt;
    rm_request req;
    unsigned long min_count;
    const char *recipe_name; /* the inputs' recipe label, or NULL */
    /* the release step (docs/report.md, "Release step") */
    int secondary;
    unika_rounding rounding;
    unika_noise noise;
    double epsilon;
    /* The release key (the caller's: not freed here) keys the commitment to
     * the inputs and the noise; NULL without one (no commitment, no noise). */
    const unika_key *release_key;
    char release_fp[UNIKA_FINGERPRINT_HEX_BYTES];  /* "" without a release key */
    char release_id[UNIKA_RELEASE_ID_MAX + 1];      /* "" when there is none */
    char commitment[RP_DIGEST_HEX_BYTES];           /* "" without a release key */
    size_t n_secondary;
    struct rp_index_cache *index; /* figures' input look-ups (report/index.h), or NULL */
} report;


/* ---- building (model.c) ---------------------------------------------------------- */

/* The tables r->req asks for: the partnership's standard set (docs/report.md,
 * "Default report"), or the total and the --rows/--cols/--overlap tables. */
int rm_build(report *r);
/* The partnership's standard set. */
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
/* With a release key: the keyed commitment to the inputs
 * (unika_release_commitment()) and, unless one was given, the release id
 * "inputs-" + its first 16 hex digits. Without one: nothing. */
int rm_commit(report *r);
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

/* The report's JSON (schema unika-report, version 2): the one document that
 * is audited, and from which every other format is rendered (render.h). */
void rm_write_json(FILE *o, const report *r);
/* The same into a malloc'd buffer of *n bytes (exits when out of memory). */
char *rm_json_text(const report *r, size_t *n);

#endif /* UNIKA_CLI_REPORT_MODEL_H */
