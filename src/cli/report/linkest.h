/*
 * linkest.h - the linker's estimates of counts under linkage error
 * (estimates.json, docs/linkage.md 15-16) as `unika report --estimates`
 * applies them and `unika verify --estimates` applies them again: one rule,
 * here, for both.
 *
 * A report over a linker's cells estimates each figure from the cells: the
 * resolution's deterministic count, which errs where records could not be
 * placed. With the estimates, the figure's published estimate and interval
 * are the corrected ones; its sketch estimate stays beside them as
 * `deterministic`. A figure is found in the estimates by its
 * organisations (one, or all), period (the whole span, a year or a period
 * of the linkage's grain), gender and, for a figure by age group, its band
 * (estimates schema 3); an overlap of two organisations is the one the
 * estimates give (schema 5), else |a| + |b| - |a u b|. A figure the estimates do not cover (another label, a month, an
 * age band by gender) is refused by name: a report is corrected whole or
 * not at all.
 */
#ifndef UNIKA_CLI_REPORT_LINKEST_H
#define UNIKA_CLI_REPORT_LINKEST_H

#include "common/json.h"
#include "report/report.h"

#define RP_LINKEST_MAX ((size_t)64 << 20) /* an estimates file: 64 MiB at most */

typedef struct rp_linkest {
    char *bytes; /* the file */
    size_t n;
    unika_json *root;
    const unika_json *figures;
    char digest_hex[RP_DIGEST_HEX_BYTES]; /* BLAKE2b-256 of the bytes */
    const char *resolution;               /* the resolution fingerprint (hex) */
    const char *estimator;                /* its name */
    int version;                          /* its version */
    int m_measured; /* 1: the partners' agreement m was measured; 0: too few records
                     * to measure it, taken anywhere from m_low to 1 (docs/linkage.md
                     * 15, "Agreement not measured"); -1: not said (schema 2 to 5) */
    double m_low;   /* where not measured, its low end: the rates' m_eq0_rare */
    size_t norgs;                         /* organisations of the partnership figures */
} rp_linkest;

/* Reads and checks `path` (schema unika-link-estimates versions 2 to 6). Prints
 * the reason and returns CLI_INPUT (CLI_NOMEM) on failure. */
int rp_linkest_load(rp_linkest *e, const char *path);
void rp_linkest_free(rp_linkest *e);

/* The cells must be the resolution's the estimates are of (their key
 * fingerprint). Prints and returns CLI_INPUT otherwise; `path` names the
 * estimates in the message. */
int rp_linkest_check_cells(const rp_linkest *e, const rp_input *in, size_t n, const char *path);

/* The corrected estimate of a figure: the union of the cells its filter
 * selects (keys fk, values fv, "*" for any, periods at `grain`), or, with
 * olabel, |A n B| for A = olabel=oa and B = olabel=ob over the whole span.
 * `sketch` is the figure's estimate from the cells (its error is combined
 * with the linkage error's). Returns 0 and *out, or -1 with the reason in
 * why[cap]. */
int rp_linkest_figure(const rp_linkest *e, size_t nf, const char *const *fk, const char *const *fv,
                      rp_grain grain, const char *olabel, const char *oa, const char *ob,
                      const unika_estimate *sketch, unika_estimate *out, char *why, size_t cap);

#endif
