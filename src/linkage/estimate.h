/*
 * linkage/estimate.h - counts under linkage error (docs/linkage.md, "The
 * estimator"). Private to src/linkage/.
 *
 * The resolution is certain where identifiers or a full birth date tie
 * records together (strong clusters). What it cannot place are the WEAK
 * units: records with a name and a birth year only, where one unit may be
 * several people with the same name and year, or a person the strong
 * clusters already hold. No rule can link them; their NUMBER can be
 * estimated. For a figure F (organisations O, a period T, genders G):
 *
 *     count(F) = A + sum_o P_o - D - X
 *
 *   A    strong clusters with a record in F (certain);
 *   P_o  persons behind the weak units of organisation o in F: each present
 *        unit of key k holds ZTPoisson(alpha_o * lambda_k) people, lambda_k
 *        how often partners write the key for the strong clusters (Good-
 *        Turing smoothed name counts, per partner record and per person:
 *        P and D are taken at the middle of the two, estimate.c, x the
 *        birth-year share), alpha_o fitted by
 *        maximum likelihood to which keys are present in F at o (occupancy);
 *        divided by 1 + eps_o, the split units a person leaves at a partner
 *        (typos, a revised year), measured on the strong clusters (a
 *        partner without enough of them borrows the others' rate, and
 *        their spread joins its error);
 *   D    the same weak people counted at several partners: key-persons with
 *        partner pattern S are Poisson(gamma_S * lambda_k * a_k^(|S|-1)),
 *        gamma fitted by EM to the partners' presence patterns (time is no
 *        constraint: a person's visits to two partners can lie years
 *        apart); a_k, how often a person's key at one partner is its key
 *        at another, grows with how common the key is (the loose key holds
 *        the variants of common names better) and is measured on the strong
 *        clusters as a curve in lambda; the duplicates that share a key are
 *        a share m_dup of all (measured on the strong clusters), so
 *        D = sum_S (|S| - 1) gamma_S Lambda_(|S|-1) / m_dup, Lambda_j the
 *        sum of lambda_k a_k^j over every key;
 *   X    strong clusters of A that also have weak records in F (counted in
 *        P already): each with probability 1 - prod_o (1 - r_o psi_o), r_o the
 *        rate at which a strong person has weak records at o, measured on
 *        strong clusters whose keys no other cluster holds (their weak unit
 *        is theirs), divided by m_eq0 (the share of a person's records that
 *        agree exactly with its other records), psi_o the share of a
 *        person's periods in which its weak records at o fall; for a person
 *        strong at o itself (a visit the partner recorded without the
 *        identifier or the full date), r_in_o and psi_in_o, measured alike
 *        on the rare clusters strong at o (exact keys: a partner spells a
 *        person as it did before). Every rate is measured net of chance: a
 *        rare cluster's key can be a namesake's, met by chance, more often
 *        as the population grows; a decoy key per cluster measures how often
 *        (estimate_presence.c).
 *
 * Its standard error combines the model's own variance (the occupancy and
 * Bernoulli terms) with a delete-a-group jackknife of the measured rates
 * over LK_EST_GROUPS groups of names.
 */
#ifndef UNIKA_LINKAGE_ESTIMATE_H
#define UNIKA_LINKAGE_ESTIMATE_H

#include "linkage/linkage_private.h"

/* The estimator's version; 2: chance matches removed through decoys, and
 * the weak records of people strong at the same partner; 3: decoys weighed
 * by how common a key is, m_eq0 measured twice and r taken between; 4: a
 * name's frequency counted per partner record and per person, P and D
 * taken between the two, and a borrowed split rate's spread in the error
 * (docs/linkage.md 15); 5: the same model, its pattern fit accelerated
 * (estimate_fit.c), figures within 0.01 person of version 4's, and
 * figures by age band (estimate_occupancy.c); 6: D's agreement by how
 * common the key is, and same-key duplicates per duplicate (m_dup) in
 * place of the pairwise agreement m_pair; 7: a weak unit's unknown gender
 * read as other in its key (lk_est_gender()); 8: decoys looked for at a
 * stride coprime with the number of strong clusters (estimate_presence.c); 9:
 * the strong clusters' splits and joins measured with the identifiers
 * hidden (estimate_excess.c), and m_dup counted per key as the patterns
 * count duplicates; 10: the agreement curve at each key's lambda among the
 * other clusters (estimate_rates.c); 11: D of a figure of some genders
 * summed over its own keys (estimate_figure.c); 12: X's rate in a
 * period measured in that period (estimate_presence.c), the whole-span
 * figures as version 11's; 13: the split rate of a period measured in that
 * period, the whole-span figures as version 12's; 14: a figure by age
 * band's X weighed by how often its people's weak records show the band,
 * and its D between two assumptions (estimate_figure.c), the figures
 * without a band as version 13's; 15: X's error taken given the rare
 * clusters its rates were measured on, and a rate at nil left free in the
 * jackknife's replicates (estimate_figure.c, estimate_presence.c), the
 * estimates as version 14's, their standard errors mostly smaller; 16:
 * r_in measured only on the rare clusters with a decoy (estimate_presence.c);
 * 17: S's variance predicts its plain clusters' splits, and a split rate
 * measured as nought is not taken as certain (estimate_excess.c), the
 * estimates as version 16's; 18: X's rates of a figure of some partners
 * measured on their own people (estimate_presence.c), the figures of every
 * partner as version 17's; 19: the namesakes the name and date passes
 * joined, counted as pairs that meet (estimate_excess.c); 20: only pairs
 * of one gender and one birth date can meet; 21: the overlap of two
 * partners estimated with its error taken once (estimate_overlap.c), every
 * other figure as version 20's; 22: m_eq0 measured by the partners a
 * person's keys come from, r at the end measured on the rare clusters
 * (estimate_rates.c, estimate_presence.c), and a cluster rare, and its
 * decoy unheld, by the gender agreement weak units are matched with
 * (estimate.c, mark_rare()); 23: X's rate at a partner taken apart for the
 * clusters that hold an identifier and those that hold none, where every
 * partner's rate stands (estimate_presence.c, estimate_figure.c), the
 * figures of some partners as version 22's; 24: where LK_EST_M_MIN records
 * of a person or fewer are compared between partners (one partner with
 * strong records), m_eq0 and m_dup unmeasured, taken anywhere
 * between LK_EST_M_FLOOR and 1 (estimate_rates.c, unmeasured()), every other
 * partnership's figures as version 23's; 25: where m is not measured, r's
 * low end LK_EST_M_FLOOR 0.3 (was 0.4) and D's LK_EST_M_DUP_FLOOR apart,
 * each below every level of its own m measured, and m no lower than a
 * partner's share of hits, since no rate r exceeds 1 (estimate_presence.c,
 * agreement_bound()), every other partnership's figures as version 24's. */
#define LK_EST_VERSION 25
#define LK_EST_FILE_VERSION 6     /* of estimates.json's schema (docs/linkage.md 16) */
#define LK_EST_GROUPS 10          /* jackknife groups of names */
#define LK_EST_REPLICATES (1 + LK_EST_GROUPS) /* everything, and one without each group */
#define LK_EST_MAX_ORGS 64        /* organisations in one estimate (a bit mask) */
#define LK_EST_MAX_PATTERN_ORGS 6 /* beyond, patterns of at most two partners */
#define LK_EST_AGREE_BINS 10      /* the agreement curve's points */
#define LK_EST_AGREE_MIN 200      /* pairs of records below which a = 1 everywhere */
/* Where no agreement is measured, the least share of a rare person's
 * records at one partner taken to show its (name, year) as at another (r's
 * m): below every level of m_eq0's rare end measured, 0.32 at the least
 * (name lists with two or three spellings of every name, 100,000 people),
 * and the least share of a person's duplicates taken to keep one of its
 * keys (D's m_dup): below every m_dup measured, 0.55 at the least. A rare
 * person is mostly one written an unusual way, so its m runs lower
 * (docs/linkage.md 15, "Agreement not measured"). */
#define LK_EST_M_FLOOR 0.3
#define LK_EST_M_DUP_FLOOR 0.5
/* Records compared between partners at or below which m is not measured:
 * a share of 50 errs by about 0.07, less than half the spread of m taken
 * anywhere between LK_EST_M_FLOOR and 1 (0.20), so above it the measure
 * says more than the assumption (docs/linkage.md 15) */
#define LK_EST_M_MIN 50
#define LK_EST_LEVELS 12          /* |S| - 1 of a pattern: LK_EST_MAX_PRESENT of them */

enum { LK_SCOPE_ALL = 0, LK_SCOPE_YEAR = 1, LK_SCOPE_PERIOD = 2 };
#define LK_EST_BY_NONE 0xFF
#define LK_EST_ALL_GENDERS 0xF /* a figure's genders: every one (a bit per unika gender) */
enum { LK_GRAN_ALL = 0, LK_GRAN_YEAR = 1, LK_GRAN_PERIOD = 2 };

/* One figure and its estimate. Inputs: orgs (bit i = file i), scope and
 * code (a year, or a period code of the linkage's --period), genders
 * (bit g = gender g, 0 unknown .. 3 other). */
typedef struct lk_est_figure {
    uint64_t orgs;
    uint8_t scope, genders;
    uint32_t code;
    /* one more --by field (its index in the linkage's, not gender's) and
     * its value (a string id of lk->strings), or by LK_EST_BY_NONE */
    uint8_t by;
    uint32_t value;
    /* results */
    double estimate, se, ci_low, ci_high;
    uint64_t resolved;          /* draw 0's persons in the figure */
    uint64_t strong;            /* A */
    double excess;              /* of A, second clusters less namesakes joined */
    double weak, dedup, shared; /* sum_o P_o, D, X */
    /* what the overlap of two partners takes from its three figures
     * (estimate_overlap.c): each one's estimate in the jackknife's
     * replicates and half its two name counts' distance in P - D; of a
     * figure of two partners, the variance of what only their overlap
     * holds (and the least it can be, as a figure's own), and the overlap
     * itself (present 0: not estimated) */
    double rep[LK_EST_GROUPS], span, both_var, both_least;
    struct {
        int present;
        double estimate, se, ci_low, ci_high;
    } overlap;
} lk_est_figure;

/* The measured rates (a jackknife replicate has its own). */
typedef struct lk_est_rates {
    double m_eq0, m_eq0_rare, m_pair;
    /* m_eq0's two ends by the partners a record is compared with:
     * m_by[0][j] over every cluster, m_by[1][j] over the rare ones, j the
     * other partners whose records gave the person its keys (version 22) */
    double m_by[2][LK_EST_MAX_ORGS];
    double m_dup; /* a person's duplicates at other partners that share a key with it */
    double r[LK_EST_MAX_ORGS];      /* weak records at o of strong people not strong at o */
    double r_span[LK_EST_MAX_ORGS]; /* r is known to lie within r +- r_span (m_eq0's two) */
    /* r of the clusters of each class (lk_est_id_class()) over r, and the
     * rare clusters behind each, chance removed: 1 and 0 where r stands for
     * both (version 23, estimate_presence.c) */
    double by_id[2][LK_EST_MAX_ORGS], n_id[2][LK_EST_MAX_ORGS];
    double psi[3][LK_EST_MAX_ORGS];
    double r_in[LK_EST_MAX_ORGS]; /* ... of strong people strong at o too */
    double psi_in[3][LK_EST_MAX_ORGS];
    /* per period (version 12): psi_at[gran][i * nfiles + o], period i of
     * e->pcode[gran] (LK_GRAN_YEAR, LK_GRAN_PERIOD), so that r_o psi_at is
     * the rate in that period itself; psi_in_at alike (estimate_presence.c) */
    double *psi_at[3], *psi_in_at[3];
    /* of the rare clusters not strong at o, the share with a weak unit of
     * their key there, chance not removed: over the whole span (hit) and in
     * each period (hit_at, as psi_at); kappa's yardstick (version 14) */
    double hit[LK_EST_MAX_ORGS], *hit_at[3];
    /* the rare clusters r is measured on, chance removed: over the whole
     * span (n) and in each period that measures its own psi (n_at, as
     * psi_at; 0 where the span's psi stands): X's variance is taken given
     * what they showed (version 15) */
    double n[LK_EST_MAX_ORGS], *n_at[3];
    uint64_t rare, eq0_pairs, pairs; /* the sample sizes behind them */
    /* m_eq0 and m_dup not measured (version 24): r lies between its values
     * at m = 1 and at m_eq0_rare, LK_EST_M_FLOOR or more (version 25), and
     * takes the middle; D between m = 1 and its own low end, m_dup the m
     * whose 1/m is the middle */
    int m_unmeasured;
} lk_est_rates;

typedef struct lk_est lk_est;

/* Builds the estimator's view of a resolved linkage. */
int lk_est_new(lk_est **out, const unika_linkage *lk, unika_error *err);
void lk_est_free(lk_est *e);
/* The figures a report makes: every organisation, every pair of them and
 * all together; the whole span, each year, each period; every gender and
 * all. */
int lk_est_default_figures(const lk_est *e, lk_est_figure **out, size_t *n, unika_error *err);
/* Fills the results of n figures, and the overlap of each figure of two
 * partners over the whole span (the overlap a report publishes) whose
 * partners' own figures of its genders are among them. */
int lk_est_run(lk_est *e, lk_est_figure *fig, size_t n, unika_error *err);
/* estimate_overlap.c: the overlaps of the figures of two partners. -1
 * when out of memory. */
int lk_est_overlaps(lk_est_figure *fig, size_t n);
const lk_est_rates *lk_est_rates_of(const lk_est *e);
/* The estimates as canonical JSON (docs/linkage.md, "The estimates file"). */
int lk_est_json(const lk_est *e, const lk_est_figure *fig, size_t n, char **out, size_t *size,
                unika_error *err);

/* estimate_rates.c: the rates from everything (e->rates) and leaving out
 * each name group (e->rep[]), estimate_presence.c's among them. -1 when
 * out of memory. */
int lk_est_measure(lk_est *e);
/* The split rates eps of every record (by LK_EST_BY_NONE) or of the
 * records showing one --by value: [0] from everything, [1 + g] leaving out
 * name group g (as e->rates and e->rep), per granularity (LK_GRAN_*) over
 * all its periods, and in each period (at, version 13: lk_est_split_of()).
 * A partner with too few strong clusters of its own takes the others'
 * pooled rate; borrowed_var is the variance between their own rates (else
 * 0). -1 when out of memory. */
typedef struct lk_est_eps {
    double eps[LK_EST_GROUPS + 1][3][LK_EST_MAX_ORGS];
    double borrowed_var[LK_EST_GROUPS + 1][3][LK_EST_MAX_ORGS];
    double *at; /* [((g * periods) + period) * nfiles + f]: {eps, borrowed_var} */
} lk_est_eps;
int lk_est_split_rates_by(const lk_est *e, uint8_t by, uint32_t value, lk_est_eps *out);
void lk_est_eps_free(lk_est_eps *s);
/* The split rates (and, var not NULL, their borrowed variances) of every
 * partner in replicate g, in the period of code at gran: the period's own
 * where it has enough strong clusters, else its granularity's. */
void lk_est_split_of(const lk_est *e, const lk_est_eps *s, int g, int gran, uint32_t code,
                     double eps[LK_EST_MAX_ORGS], double var[LK_EST_MAX_ORGS]);
/* The rare clusters behind the rate of weak records r_o psi of a figure
 * in period (gran, code), and *own 1 when psi was measured on them too
 * (the period's own, or the whole span's: psi = 1) and 0 when the
 * granularity's psi scales the span's rate. */
double lk_est_rate_sample(const lk_est *e, const lk_est_rates *r, int gran, uint32_t code,
                          unsigned o, int *own);
/* estimate_fit.c */
double lk_est_alpha(const double *lam, size_t n, double absent_mass);
double lk_est_ztp_mean(double mu);
double lk_est_ztp_var(double mu);
double lk_est_ztp_slope(double mu); /* d ztp_mean / d mu */

/* ---- the estimator's view (shared by estimate*.c) ---------------------------- */
#ifdef LK_EST_INTERNAL

typedef struct lk_est_cell {
    uint16_t file;
    uint32_t period;
    uint32_t cell; /* index into lk->cells: its --by values */
} lk_est_cell;

/* A part of an identified strong cluster that the name and date passes
 * alone make (lk_cascade_without_ids()): its cells, e->fcell[cell .. cell +
 * ncell). */
typedef struct lk_est_frag {
    uint32_t cell, ncell;
    uint32_t root; /* its cluster's root without identifiers */
} lk_est_frag;

typedef struct lk_est_key {
    uint32_t name, year;
    uint8_t shared; /* another strong cluster of the gender holds it too */
} lk_est_key;

/* A strong cluster: its cells, its distinct (name, year) keys, and per file
 * the (name, year, span) of its record with most rows there. */
typedef struct lk_est_cluster {
    uint32_t root;
    uint8_t gender, group, rare;
    uint8_t identified;   /* has an identifier: its fragments measure the splits */
    uint8_t id_kinds;     /* which identifiers it holds: bit 0 personnummer, 1 samordning, 2 dossier */
    uint32_t frag, nfrag; /* e->frag[frag .. frag + nfrag): its parts, identifiers hidden */
    uint32_t strat, nstrat; /* e->cstrat[strat .. strat + nstrat): where it meets namesakes */
    uint16_t lo, hi;
    uint64_t at;          /* files where it has a strong record */
    uint64_t files;       /* files where it has any record */
    uint32_t cell, ncell; /* e->ccell[cell .. cell + ncell) */
    uint32_t key, nkey;   /* e->ckey[key .. key + nkey) */
    uint32_t main, nmain; /* e->cmain[main .. main + nmain): one per file */
} lk_est_cluster;

typedef struct lk_est_main {
    uint16_t file;
    uint32_t name, year;
    uint16_t lo, hi;
} lk_est_main;

/* A weak unit: its periods and frequency. */
typedef struct lk_est_unit {
    uint32_t u;         /* index into lk->units */
    uint32_t per, nper;   /* e->uper[per .. per + nper): its distinct period codes (its
                           * cells' periods, kept apart: the scans of every figure read them) */
    uint32_t cell, ncell; /* e->ucell[cell .. cell + ncell): its cells (lk->cells) */
    double lam;         /* how common its key is, its name counted per partner record */
    double lam_people;  /* the same, its name counted per person (estimate.c) */
    double agree;       /* the agreement curve at lam (lk_est_levels()) */
    uint32_t nname;     /* partner records of strong clusters with its name: lambda's sample size */
    uint8_t group;
    uint8_t gender; /* its key's: lk_est_gender() */
} lk_est_unit;

struct lk_est {
    const unika_linkage *lk;
    unsigned nfiles;
    lk_est_cluster *cl;
    size_t ncl;
    lk_est_cell *ccell;
    size_t nccell;
    lk_est_key *ckey;
    size_t nckey;
    lk_est_main *cmain;
    size_t ncmain;
    lk_est_frag *frag; /* estimate_excess.c */
    size_t nfrag;
    uint32_t *shared_root; /* the fragments of roots with two or more, by (root, index) */
    size_t nshared_root;
    /* How often two clusters' people meet as namesakes of one date: the
     * joins M among the C pairs of identified clusters whose identifiers
     * conflict and who share a stratum, a gender and a real birth date,
     * over every cluster (estimate_excess.c) */
    double meet_m, meet_pairs;
    uint32_t *cstrat; /* each cluster's strata */
    size_t nstrata;
    struct lk_est_tally *tally; /* per stratum, the clusters of one figure */
    uint32_t *touched;          /* the strata tallied */
    lk_est_cell *fcell;
    size_t nfcell;
    lk_est_unit *un;
    size_t nun;
    uint8_t major_gender; /* of most weak units */
    uint32_t *uper;
    size_t nuper;
    uint32_t *ucell;
    size_t nucell;
    uint32_t *by_key;         /* units sorted by (name, year, gender, file) */
    uint32_t *key_to;         /* per index into by_key: where its (name, year, gender) ends */
    struct lk_est_freq *freq; /* name counts and birth-year shares (estimate.c) */
    /* How often a person's key at one partner is its key at another, by the
     * key's lambda per record: LK_EST_AGREE_BINS points (mean log lambda,
     * agreement), none when the strong clusters are too few
     * (lk_est_agree_at()). */
    unsigned nagree;
    double agree_x[LK_EST_AGREE_BINS], agree_y[LK_EST_AGREE_BINS]; /* x rising */
    /* Lambda_j: sum over every key (every seen name x every birth year) of
     * lambda a^j, per name count (0 per record, 1 per person), level j =
     * |S| - 1 and gender; lam_level[k][0] is the lambda of every key */
    double lam_level[2][LK_EST_LEVELS][4];
    uint32_t *pcode[3]; /* the linkage's periods at each granularity, sorted */
    size_t npcode[3];
    lk_est_eps split;         /* the split rates of every record */
    lk_est_rates rates;       /* from everything */
    lk_est_rates rep[LK_EST_GROUPS];
};

uint8_t lk_est_group(const unika_linkage *lk, uint32_t name);
/* Appends item (size bytes) to the array *p of *n items, room for *cap. -1
 * when out of memory. */
int lk_est_push(void **p, size_t *n, size_t *cap, size_t size, const void *item);
/* Sorts v[0 .. n) and keeps each value once; returns how many. */
size_t lk_est_distinct(uint32_t *v, size_t n);
/* psi of partner o (outside it, or in: inside) in the period of code at
 * gran: the period's own where it was measured, else the whole span's. */
double lk_est_psi(const lk_est *e, const lk_est_rates *r, int gran, uint32_t code, unsigned o,
                  int in);
void lk_est_rates_free(lk_est_rates *r);
uint32_t lk_est_year_of(const unika_linkage *lk, uint32_t code);
/* The first index into e->by_key of the units whose key is (name, year),
 * or SIZE_MAX. */
size_t lk_est_find_units(const lk_est *e, uint32_t name, uint32_t year);
/* 1 when a weak unit of gender a could be a strong cluster of gender b's:
 * equal, or either unknown (as the resolution's rules read it). */
int lk_est_gender_agrees(unsigned a, unsigned b);
/* The gender of a weak unit's key: an unknown gender is read as other, as
 * the figure "X" counts both. A partner that writes no gender where the
 * others write "other" (a form with only male and female) then gives a
 * person one key at every partner, as the figure gives it one line; read
 * apart, D never sees that person at two partners, and a key of unknown
 * gender, the gender of few strong clusters (a person that partner alone
 * knows), has almost no lambda. Strong
 * clusters keep the resolution's gender; a weak unit is matched to them
 * as the resolution matches it (lk_est_gender_agrees()). */
static inline uint8_t lk_est_gender(unsigned g) { return (uint8_t)(g ? g : UNIKA_GENDER_OTHER); }
int lk_est_key_cmp(const void *a, const void *b); /* lk_est_key by (name, year) */
/* Sorts v[0 .. n) and keeps each cell once; returns how many. */
size_t lk_est_cells_distinct(lk_est_cell *v, size_t n);
/* estimate_excess.c: each identified strong cluster's fragments. -1: out
 * of memory. */
int lk_est_fragments(lk_est *e);
/* X's class of a strong cluster: 0 when it holds an identifier, 1 when a
 * full birth date alone ties it (lk_est_fragments() first; version 23). */
static inline int lk_est_id_class(const lk_est_cluster *c) { return !c->identified; }
/* How common the key (name, year) is among people of the gender, its name
 * counted per partner record: a weak unit's lambda with that key (0 for a
 * name no strong cluster's partner record shows). */
double lk_est_lambda(const lk_est *e, uint32_t name, uint32_t year, unsigned gender);
/* The same, without `own` of the name's partner records: the lambda a
 * cluster's key has as the other clusters show it. */
double lk_est_lambda_without(const lk_est *e, uint32_t name, uint32_t year, unsigned gender,
                             uint32_t own);
/* The agreement a at a key of per-record lambda lam: the curve's points
 * joined linearly in log lambda, flat beyond its ends; 1 without a curve. */
double lk_est_agree_at(const lk_est *e, double lam);
/* Fills e->lam_level and each unit's agree from the curve. */
void lk_est_levels(lk_est *e);
/* The lambda of every key of the birth year and gender (people: 0 the name
 * counted per partner record, 1 per person). */
double lk_est_year_mass(const lk_est *e, uint32_t year, unsigned gender, int people);
int lk_est_overlap(uint16_t alo, uint16_t ahi, uint16_t blo, uint16_t bhi);
/* A period's code at granularity gran (LK_GRAN_*): 0 for the whole span. */
uint32_t lk_est_gran_of(const unika_linkage *lk, int gran, uint32_t period);
/* The index of code among e->pcode[gran], or SIZE_MAX. */
size_t lk_est_period_index(const lk_est *e, int gran, uint32_t code);
/* estimate_presence.c: r, psi and r_in of every replicate, m_eq0 measured
 * first (lk_est_measure()). -1 when out of memory. */
int lk_est_presence(const lk_est *e, lk_est_rates *r[LK_EST_REPLICATES]);

#endif /* LK_EST_INTERNAL */
#endif /* UNIKA_LINKAGE_ESTIMATE_H */
