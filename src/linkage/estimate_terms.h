/*
 * linkage/estimate_terms.h - what a figure's terms are computed over: its
 * scope (when, and for a figure by age group, which band), who is in it,
 * and the caches of the fits that figures share: the occupancy
 * (estimate_occupancy.c) and the patterns (estimate_patterns.c), which
 * depend only on which units are present, so the jackknife replicates,
 * which change only the measured rates, cost a few sums each. Private to
 * src/linkage/; its includers define LK_EST_INTERNAL.
 */
#ifndef UNIKA_LINKAGE_ESTIMATE_TERMS_H
#define UNIKA_LINKAGE_ESTIMATE_TERMS_H

#include <stddef.h>
#include <stdint.h>

#include "linkage/estimate.h"
#include "linkage/estimate_fit.h"

/* When (kind, code: the whole span, a year or a period) and, for a
 * figure by one more --by field, its value (by LK_EST_BY_NONE: none). */
typedef struct scope {
    uint8_t kind, by;
    uint32_t code, value;
} scope;

static inline int scope_eq(scope a, scope b)
{
    return a.kind == b.kind && a.code == b.code && a.by == b.by && a.value == b.value;
}

/* The scope without its --by value. */
static inline scope when(scope s) { return (scope){s.kind, LK_EST_BY_NONE, s.code, 0}; }

static inline scope scope_of(const lk_est_figure *f)
{
    return (scope){f->scope, f->by, f->code, f->value};
}

static inline int in_scope(const unika_linkage *lk, scope s, uint32_t period)
{
    switch (s.kind) {
    case LK_SCOPE_ALL: return 1;
    case LK_SCOPE_YEAR: return lk_est_year_of(lk, period) == s.code;
    default: return period == s.code;
    }
}

static inline int gran_of_scope(scope s)
{
    return s.kind == LK_SCOPE_ALL    ? LK_GRAN_ALL
           : s.kind == LK_SCOPE_YEAR ? LK_GRAN_YEAR
                                     : LK_GRAN_PERIOD;
}

/* A cell (an index into lk->cells) in s, its --by value included. */
static inline int cell_in(const unika_linkage *lk, uint32_t cell, scope s)
{
    const lk_cell *c = &lk->cells[cell];
    return in_scope(lk, s, c->period) && (s.by == LK_EST_BY_NONE || c->value[s.by] == s.value);
}

static inline int unit_in(const lk_est *e, size_t i, scope s)
{
    const lk_est_unit *u = &e->un[i];
    if (s.by != LK_EST_BY_NONE) {
        for (uint32_t k = 0; k < u->ncell; k++)
            if (cell_in(e->lk, e->ucell[u->cell + k], s)) return 1;
        return 0;
    }
    for (uint32_t k = 0; k < u->nper; k++)
        if (in_scope(e->lk, s, e->uper[u->per + k])) return 1;
    return 0;
}

/* Whether any of the cells v[0 .. n) is one of orgs' in s. */
static inline int cells_in(const unika_linkage *lk, const lk_est_cell *v, uint32_t n, uint64_t orgs,
                           scope s)
{
    for (uint32_t k = 0; k < n; k++) {
        const lk_est_cell *x = &v[k];
        if (!(orgs >> x->file & 1) || !in_scope(lk, s, x->period)) continue;
        if (s.by == LK_EST_BY_NONE || lk->cells[x->cell].value[s.by] == s.value) return 1;
    }
    return 0;
}

static inline int cluster_in(const lk_est *e, const lk_est_cluster *c, uint64_t orgs, scope s)
{
    return cells_in(e->lk, e->ccell + c->cell, c->ncell, orgs, s);
}

/* estimate_excess.c: of the strong clusters cl[0 .. n) in (orgs, s), how
 * many are a person's second cluster, less the namesakes they joined (so
 * negative where joins are more), and the variance of that. -1: out of
 * memory. */
int lk_est_excess(lk_est *e, const uint32_t *cl, size_t n, uint64_t orgs, scope s,
                  double *excess, double *var);

/* estimate_presence.c: for a figure by a --by value (an age band) of the strong
 * clusters cl[0 .. n), their records' shares of it share[], how often
 * their weak records show the value against those shares: kappa[0] from
 * everything, kappa[1 + g] leaving out the clusters of name group g; 1
 * where too few rare clusters measure it. A strong person's weak records
 * need not show the band its own records do (an outreach unit meets a
 * person at its first contact, younger than at its later visits), and a
 * band's people do not have weak records as often as everyone (version
 * 14, docs/linkage.md 15). Measured on the rare
 * clusters, as r is: those of the figure, each partner of it where it is
 * not strong, a weak unit of its key there showing the value, over its
 * share times the partner's rate of weak units in the figure's period, as
 * X's own rate counts it (lk_est_rates.hit). Chance is not removed: a namesake's
 * unit has the same birth year and shows the band about as often. -1 when
 * out of memory. */
int lk_est_value_rate(const lk_est *e, const uint32_t *cl, const double *share, size_t n,
                      uint64_t orgs, scope s, double kappa[LK_EST_GROUPS + 1]);

/* X's rate of weak records at each partner o of a figure, for its strong
 * people not strong at o, measured on the figure's own people: the rare
 * clusters with a record at another of its partners (version 18). The
 * people of one partner are not everyone: which partners a person meets,
 * and which of them write its identifier or copy its 1 January date, go
 * together, so a partner's people have weak records at another more or
 * less often than all the strong people do (docs/linkage.md 15, measured
 * with the truth ids: 0.4 to 1.4 times as often). r[k][o] and span[k][o] as
 * lk_est_rates.r and r_span of replicate k (0: everything, 1 + g: without
 * name group g); n[o], the clusters behind r[0][o] with chance removed, 0
 * where they are LK_EST_OWN_RATE_MIN or fewer and the pooled rate stands.
 * A figure of every partner has the pooled rates themselves. */
#define LK_EST_OWN_RATE_MIN 50
typedef struct own_rates {
    uint64_t orgs;
    double r[LK_EST_REPLICATES][LK_EST_MAX_ORGS], span[LK_EST_REPLICATES][LK_EST_MAX_ORGS];
    double n[LK_EST_MAX_ORGS];
} own_rates;

/* estimate_presence.c: the own rates of a figure of partners orgs. -1 when
 * out of memory. */
int lk_est_presence_of(const lk_est *e, uint64_t orgs, own_rates *out);

static inline double sum_of_genders(const double total[4], uint8_t genders)
{
    double l = 0;
    for (unsigned g = 0; g < 4; g++)
        if (genders >> g & 1) l += total[g];
    return l;
}

/* ---- the caches ----------------------------------------------------------------------------- */

/* The people behind the weak units of one partner in a scope, of genders. */
typedef struct occ {
    uint16_t file;
    scope s;
    uint8_t genders;
    double mean, var, span; /* span: half the distance of the two name counts' means */
    double naive; /* by a --by value: the mean as if every person of its units showed it */
} occ;

/* The patterns' fit of a set of partners in a scope; the arrays per name
 * count (0 per partner record, 1 per person: estimate.c). */
typedef struct pat {
    uint64_t orgs;
    scope s;
    /* sum (|S| - 1) gamma_S over the S of |S| = j + 1 (D: times Lambda_j) */
    double agree_level[2][LK_EST_LEVELS];
    double unseen[2][4];        /* unseen-name keys seen at several partners: extra, per gender */
    double dups[2][4];          /* per gender but lk_est.major_gender, its keys' duplicates */
    uint64_t *pats;             /* the patterns, and their fitted gamma (per name count) */
    size_t npat;
    double *gamma[2];
} pat;

/* The split rates of the records showing one --by value. */
typedef struct by_eps {
    uint8_t by;
    uint32_t value;
    lk_est_eps *r;
} by_eps;

typedef struct cache {
    occ *o;
    size_t no, co;
    struct pat *p;
    size_t np, cp;
    by_eps *b; /* the split rates of the --by values asked for */
    size_t nb, cb;
    own_rates *own; /* X's rates of the sets of partners asked for */
    size_t nown, cown;
} cache;

/* estimate_occupancy.c: the people behind partner f's weak units in s, of
 * genders (cached). -1 when out of memory. */
int lk_est_occupancy(const lk_est *e, cache *c, unsigned f, scope s, uint8_t genders, occ *out);

/* estimate_patterns.c: the patterns' fit of orgs in s (cached), with each
 * gender's D numerator (pat.dups); D's numerator of a figure by a --by
 * value from that fit. -1 when out of memory. */
int lk_est_pattern_fit(const lk_est *e, cache *c, uint64_t orgs, scope s, const pat **out);
int lk_est_label_dups(const lk_est *e, const pat *pt, uint64_t orgs, scope s, uint8_t genders,
                      double thin, double d[2]);
void lk_est_pat_free(pat *r);

#endif
