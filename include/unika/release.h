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
 *   int64_t v = 97;
 *   unsigned b = unika_release_base(UNIKA_ROUND_SDC, v, 0);    (5)
 *   int64_t shown = unika_release_round(v, b);                 (95)
 */
#ifndef UNIKA_RELEASE_H
#define UNIKA_RELEASE_H

#include "common.h"
#include "error.h"
#include "key.h"

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

#ifdef __cplusplus
}
#endif

#endif /* UNIKA_RELEASE_H */
