/*
 * unika/release.h - disclosure control for published counts: the rules
 * `unika report` applies before a figure leaves the analyst, written as
 * pure, deterministic functions so an auditor can re-apply them.
 *
 *   - secondary suppression: in every relation "total = union of cells"
 *     (a row, a column, a one-way table, an overlap with its two sides and
 *     their union), never leave exactly one figure suppressed;
 *   - rounding to base 5 or 10, or the "sdc" rule (counts < 100 to 5,
 *     others and whole-period totals to 10), ties upwards;
 *   - optional perturbation, cell-key style: noise = F^-1(u) with u drawn
 *     from a keyed BLAKE2b of the release id and the cell's content, so the
 *     same inputs always give the same noise and re-running cannot average
 *     it away; F is a fixed distribution on -2..+2 (CKM) or a two-sided
 *     geometric with parameter e^-eps (eps-DP for counts of sensitivity 1).
 *
 * docs/report.md ("Release step") specifies every rule byte by byte.
 *
 * The whole step, for `unika report` and for the auditor's `unika verify`
 * alike, is unika_release_apply() over a neutral description of the
 * figures (what each counts, its estimate) and of the tables that relate
 * them; the functions before it are its parts, public so that each rule
 * can be tested and re-applied on its own.
 *
 *   int64_t v = 97;
 *   unsigned b = unika_release_base(UNIKA_ROUND_SDC, v, 0);    (5)
 *   int64_t shown = unika_release_round(v, b);                 (95)
 */
#ifndef UNIKA_RELEASE_H
#define UNIKA_RELEASE_H

#include "common.h"
#include "error.h"
#include "key.h"
#include "sketch.h"
#include "sketch_io.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum unika_rounding {
    UNIKA_ROUND_NONE = 0,   /* publish the integer as it is */
    UNIKA_ROUND_BASE5 = 1,  /* nearest multiple of 5 */
    UNIKA_ROUND_BASE10 = 2, /* nearest multiple of 10 */
    UNIKA_ROUND_SDC = 3     /* < 100 to 5, otherwise (and whole-period totals) to 10 */
} unika_rounding;

typedef enum unika_noise {
    UNIKA_NOISE_NONE = 0,
    UNIKA_NOISE_CKM = 1,      /* -2..+2 with probabilities .05 .20 .50 .20 .05 */
    UNIKA_NOISE_GEOMETRIC = 2 /* P(k) = (1-a)/(1+a) a^|k|, a = e^-eps */
} unika_noise;

/* Figure states for unika_release_secondary(). */
#define UNIKA_RELEASE_SHOWN 0
#define UNIKA_RELEASE_PRIMARY 1   /* below the threshold */
#define UNIKA_RELEASE_SECONDARY 2 /* withheld so that a primary one cannot be recovered */

/* Longest release id unika_release_uniform() accepts, in bytes. */
#define UNIKA_RELEASE_ID_MAX 128

/*! unika_release_base() :
 *  The rounding base (1, 5 or 10) `rule` gives an integer `value`;
 *  `whole_period_total` is non-zero for a figure that is a whole-period
 *  total (the sdc rule rounds those to 10 whatever their size).
 *  @return 1 for UNIKA_ROUND_NONE and for an unknown rule. */
UNIKA_API unsigned unika_release_base(unika_rounding rule, int64_t value, int whole_period_total);

/*! unika_release_round() :
 *  `value` to the nearest multiple of `base` (>= 1), ties upwards:
 *  97 -> 95 and 98 -> 100 at base 5, 2995 -> 3000 at base 10. Negative
 *  values (never counts) are rounded the same way, towards +inf on ties.
 *  @return the rounded value; `value` itself when base is 0 or 1. */
UNIKA_API int64_t unika_release_round(int64_t value, unsigned base);

/*! unika_release_uniform() :
 *  The cell's uniform draw: the first 8 bytes, little-endian, of
 *  BLAKE2b-256 keyed with a subkey of `noise_key` (personalisation
 *  "unika-noise-v1"), over  u32le(len(release_id)) || release_id || cell.
 *  `cell` identifies the figure by content (docs/report.md); the same key,
 *  release id and cell always give the same draw.
 *  Preconditions: out, noise_key and release_id not NULL; release_id at
 *  most UNIKA_RELEASE_ID_MAX bytes; cell may be NULL when cell_size is 0.
 *  @return 0, UNIKA_EINVAL (NULL argument) or UNIKA_ETOOLONG (release id). */
UNIKA_API UNIKA_NODISCARD int unika_release_uniform(uint64_t *out, const unika_key *noise_key,
                                                    const char *release_id,
                                                    const uint8_t *cell, size_t cell_size,
                                                    unika_error *err);

/*! unika_release_commitment() :
 *  The published commitment to a report's input files: BLAKE2b-256 keyed
 *  with the release key's pseudonym subkey (personalisation
 *  "unika-inputs-v1", zero-padded to 16 bytes) over
 *      u32le(m) || d_1 || ... || d_m
 *  where d_1 < ... < d_m are the distinct BLAKE2b-256 digests of the input
 *  files in byte order (`digests` holds n of them, any order, repeats
 *  allowed). A report publishes this instead of the digests themselves: an
 *  unkeyed digest of a small cell's sketch lets anyone who holds the
 *  partnership key test guessed sets of people against it; without the
 *  release key the commitment tests nothing. An auditor who holds the
 *  release key recomputes it from the signed files (docs/security.md).
 *  @return 0 with out set; UNIKA_EINVAL (NULL argument); UNIKA_ERANGE (more
 *          than 2^27 inputs); UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_release_commitment(uint8_t out[UNIKA_DIGEST_BYTES],
                                                       const unika_key *release_key,
                                                       const uint8_t *digests, size_t n,
                                                       unika_error *err);

/*! unika_release_noise() :
 *  The noise F^-1(x) of the mechanism for the draw u, where x = (u >> 11)
 *  * 2^-53 in [0, 1) and F^-1(x) = min{k : F(k) > x}. `epsilon` is used by
 *  UNIKA_NOISE_GEOMETRIC only and must lie in [0.01, 20].
 *  @return 0 with *out set, or UNIKA_EINVAL (NULL out, unknown mechanism)
 *  or UNIKA_ERANGE (epsilon outside [0.01, 20]). */
UNIKA_API UNIKA_NODISCARD int unika_release_noise(int64_t *out, unika_noise mechanism,
                                                  double epsilon, uint64_t u, unika_error *err);

/*! unika_release_secondary() :
 *  Secondary suppression over n figures. state[i] comes in as
 *  UNIKA_RELEASE_SHOWN or UNIKA_RELEASE_PRIMARY and leaves with
 *  UNIKA_RELEASE_SECONDARY where more must be withheld. Relations r in
 *  [0, nrel) are members[offset[r] .. offset[r+1]) (figure indices;
 *  offset has nrel + 1 entries), of
 *  which total[r] (a figure index, or SIZE_MAX when the relation has no
 *  total) is the total. Rule, repeated in relation order until nothing
 *  changes: a relation with exactly one withheld member gets a second one,
 *  the shown non-total member with the smallest estimate[] (ties: the
 *  lowest figure index), or the total when no other member is shown.
 *  Figures with the same cls[] value are the same number shown in several
 *  places, so they are withheld together.
 *  @return the number of figures newly withheld (>= 0), or UNIKA_EINVAL
 *  (a NULL array with n or nrel > 0, a member or total index >= n, or
 *  decreasing offsets). */
UNIKA_API int unika_release_secondary(uint8_t *state, size_t n, const double *estimate,
                                      const size_t *cls, const size_t *offset,
                                      const size_t *members, const size_t *total, size_t nrel,
                                      unika_error *err);

/* ---- the whole release step over a table description ---------------------- */

/* A figure's content id for the noise draw: 'U' + a digest (a union) or
 * 'I' + two digests in byte order (an intersection). */
#define UNIKA_RELEASE_CELL_MAX (1 + 2 * UNIKA_DIGEST_BYTES)
/* Longest shown text ("<N", "..", or the number), with its NUL. */
#define UNIKA_RELEASE_SHOWN_BYTES 40

/* One published figure. The caller fills the first part; unika_release_apply()
 * fills the second. Input numbers are the caller's (e.g. positions in its
 * list of input files), ascending: two figures over the same inputs are the
 * same number shown twice and are released as one. */
typedef struct unika_release_figure {
    int overlap;                /* 0: |A| (a union of inputs), 1: |A ∩ B| */
    int whole;                  /* a whole-period total (sdc rounds it to 10) */
    const size_t *inputs_a;     /* the inputs of A, ascending */
    size_t n_a;
    const size_t *inputs_b;     /* overlaps: the inputs of B, ascending */
    size_t n_b;
    unika_estimate estimate;    /* of the union, or of the intersection */
    uint8_t cell[UNIKA_RELEASE_CELL_MAX]; /* content id; needed with noise only */
    size_t cell_size;
    /* set by unika_release_apply() */
    uint8_t state;              /* UNIKA_RELEASE_SHOWN, _PRIMARY or _SECONDARY */
    size_t cls;                 /* index of the first figure that is the same number */
    int64_t value;              /* the published number (noise, rounding); 0 if withheld */
    unsigned base;              /* its rounding base; 1 if withheld */
    double value_ci_low;        /* the published 95% interval: moved by the noise and */
    double value_ci_high;       /* widened outwards to the base; 0 if withheld */
    char shown[UNIKA_RELEASE_SHOWN_BYTES]; /* "<N", "..", or the number as shown */
} unika_release_figure;

typedef enum unika_release_table_kind {
    UNIKA_RELEASE_ONE_WAY = 0, /* rows cells, one column; total = their union */
    UNIKA_RELEASE_TWO_WAY = 1, /* rows x cols cells, row and column totals, total */
    UNIKA_RELEASE_OVERLAP = 2  /* rows overlap figures |A ∩ B| (no total) */
} unika_release_table_kind;

/* A table: which figures it shows (indices into the figure array). */
typedef struct unika_release_table {
    unika_release_table_kind kind;
    size_t rows, cols;          /* cols is ignored for one-way and overlap tables */
    const size_t *cells;        /* rows (x cols, row-major) figure indices */
    const size_t *row_totals;   /* two-way: rows figure indices */
    const size_t *col_totals;   /* two-way: cols figure indices */
    size_t total;               /* the table's total, or SIZE_MAX */
} unika_release_table;

/* The publication's parameters (docs/report.md, "Release step"). */
typedef struct unika_release_params {
    unsigned long min_count;    /* figures below it are withheld as "<N"; 0 = off */
    int secondary;              /* secondary suppression and the difference rule */
    unika_rounding rounding;
    unika_noise noise;
    double epsilon;             /* UNIKA_NOISE_GEOMETRIC only */
    const unika_key *noise_key; /* required with noise */
    const char *release_id;     /* required with noise */
    int raw_estimates;          /* shown text is the raw estimate, not the value:
                                   unika_release_publishes_raw() of the parameters */
} unika_release_params;

/*! unika_release_publishes_raw() :
 *  @return 1 when nothing perturbs or rounds the figures (rounding none,
 *  noise none): only then are raw estimates published, since otherwise the
 *  exact figure would sit next to its rounded one. */
UNIKA_API int unika_release_publishes_raw(const unika_release_params *params);

/*! unika_release_cell_union() / unika_release_cell_intersection() :
 *  A figure's content id for the noise: 'U' and the BLAKE2b-256 digest of
 *  the union's precision byte and classic HLL registers (of a single 0 byte
 *  for an empty union, u = NULL); for |A ∩ B|, 'I' and both digests in byte
 *  order (A ∩ B = B ∩ A). The same people give the same noise whichever
 *  files hold them.
 *  @return 0 with fig->cell and fig->cell_size set; UNIKA_EINVAL; UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_release_cell_union(unika_release_figure *fig,
                                                       const unika_sketch *u,
                                                       unika_error *err);
UNIKA_API UNIKA_NODISCARD int unika_release_cell_intersection(unika_release_figure *fig,
                                                              const unika_sketch *a,
                                                              const unika_sketch *b,
                                                              unika_error *err);

/*! unika_release_apply() :
 *  The release step, in order: figures that are the same number (same
 *  inputs) form one class; primary suppression (estimate < min_count);
 *  with `secondary`, the difference rule (an overlap shown beside a side
 *  |A| with |A| - |A ∩ B| < min_count is withheld) and secondary
 *  suppression (unika_release_secondary()) over every relation the tables
 *  define: a one-way table's cells and total; a two-way table's rows,
 *  columns and both margins; and, for each overlap whose sides |A|, |B| and
 *  union |A ∪ B| are figures too, {A ∩ B, A, B, A ∪ B}; then, for every
 *  figure still shown, noise (drawn from its cell), rounding (whole-period
 *  base if any figure of its class is whole) and the shown text.
 *  @return 0 with the second part of every figure set;
 *          UNIKA_EINVAL (NULL arrays with n or ntables > 0, a figure index
 *            out of range, noise without key or release id, an unknown rule);
 *          UNIKA_ETOOLONG (release id); UNIKA_ERANGE (epsilon);
 *          UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_release_apply(unika_release_figure *figures, size_t n,
                                                  const unika_release_table *tables,
                                                  size_t ntables,
                                                  const unika_release_params *params,
                                                  unika_error *err);

#ifdef __cplusplus
}
#endif

#endif /* UNIKA_RELEASE_H */
