/*
 * estimate_rates.c - the rates the estimator measures on the strong
 * clusters (estimate.h), each from the records whose identity is known:
 *
 *   eps_o    split units per person at partner o: a strong cluster's
 *            distinct (name, year) keys at o, minus one, averaged over the
 *            clusters present at o; within a period too (a person's typo
 *            rows and revised year fall in fewer units per period), over
 *            all the periods of a granularity and in each one (version 13);
 *   m_eq0    the share of a person's main record at one partner whose
 *            (name, year) is exactly one of its records' at another partner
 *            with overlapping visits: how often a weak record of a known
 *            person shows the person's own key; and by the number of other
 *            partners its records are at, since the more partners wrote a
 *            person's keys, the more often a record shows one (version 22);
 *   m_pair   two partners' main records of one person agreeing on (name,
 *            year) with overlapping visits;
 *   m_dup    of a person's main records beyond its first, the share whose
 *            (name, year) an earlier one has: the duplicates D counts that
 *            share a key, per duplicate (a person at three partners written
 *            (a, a, b): one pair agrees in three, one duplicate in two);
 *   a(lam)   the agreement curve: how often a key of a person's main record
 *            is its key at another partner, by the key's lambda among the
 *            other clusters.
 *
 * How often strong people have weak records (r, psi, their chance, kappa)
 * is measured in estimate_presence.c. A jackknife replicate leaves out one
 * group of names: the clusters whose main name, and the units whose name,
 * fall in that group.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LK_EST_INTERNAL
#include "common/common.h"
#include "linkage/estimate.h"
#include "linkage/estimate_terms.h"

typedef struct tup {
    uint16_t file;
    uint32_t t, name, year;
} tup;

static int tup_cmp(const void *a, const void *b)
{
    const tup *x = a, *y = b;
    if (x->file != y->file) return x->file < y->file ? -1 : 1;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    if (x->name != y->name) return x->name < y->name ? -1 : 1;
    return (x->year > y->year) - (x->year < y->year);
}

uint32_t lk_est_gran_of(const unika_linkage *lk, int gran, uint32_t period)
{
    return gran == LK_GRAN_ALL ? 0 : gran == LK_GRAN_YEAR ? lk_est_year_of(lk, period) : period;
}

/* A partner with fewer strong clusters than this borrows the others' split
 * rate; a period with fewer over every partner keeps its granularity's. */
#define LK_EST_OWN_EPS_MIN 50

size_t lk_est_period_index(const lk_est *e, int gran, uint32_t code)
{
    const uint32_t *p = e->pcode[gran];
    size_t lo = 0, hi = e->npcode[gran];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p[mid] < code) lo = mid + 1;
        else hi = mid;
    }
    return lo < e->npcode[gran] && p[lo] == code ? lo : SIZE_MAX;
}

/* The periods of every granularity in one row: the years, then the
 * periods (the split rates' slots, lk_est_eps.at). */
static size_t nslots(const lk_est *e)
{
    return e->npcode[LK_GRAN_YEAR] + e->npcode[LK_GRAN_PERIOD];
}

static size_t slot_of(const lk_est *e, int gran, size_t i)
{
    return gran == LK_GRAN_YEAR ? i : e->npcode[LK_GRAN_YEAR] + i;
}

/* Split units per person and partner, by the cluster's jackknife group: ex,
 * the distinct (name, year) keys beyond the first of a cluster at a partner
 * in one period; nn, the (cluster, partner, period) triples. Counts, so a
 * replicate leaving a group out sums the others exactly: one pass serves
 * every replicate. */
typedef struct split_tally {
    double ex[LK_EST_GROUPS][LK_EST_MAX_ORGS], nn[LK_EST_GROUPS][LK_EST_MAX_ORGS];
} split_tally;

/* At each granularity over all its periods (all), and in each period
 * (at[slot]): a partner's split rate follows the calendar as its forms and
 * the visits do. A year of one half-year (the first or the last of a
 * partnership) holds a person's visits of half a year, fewer of its typo
 * rows and revised years than a whole year's rate says: with that rate
 * the first year ran 1% to 3% low (docs/linkage.md 15, version 13). */
typedef struct splits {
    split_tally all[3];
    split_tally *at;
} splits;

static void add_split(const lk_est *e, splits *s, const lk_est_cluster *c, int gran, const tup *t,
                      size_t distinct)
{
    split_tally *x[2] = {&s->all[gran], NULL};
    size_t i = gran == LK_GRAN_ALL ? SIZE_MAX : lk_est_period_index(e, gran, t->t);
    if (i != SIZE_MAX) x[1] = &s->at[slot_of(e, gran, i)];
    for (int k = 0; k < 2 && x[k]; k++) {
        x[k]->ex[c->group][t->file] += (double)distinct - 1;
        x[k]->nn[c->group][t->file] += 1;
    }
}

/* by, value: only the records showing that --by value (by LK_EST_BY_NONE: all). */
static int count_splits(const lk_est *e, uint8_t by, uint32_t value, splits *s)
{
    const unika_linkage *lk = e->lk;
    tup *t = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < e->ncl; i++) {
        const lk_est_cluster *c = &e->cl[i];
        for (int gran = 0; gran < 3; gran++) {
            size_t n = 0;
            uint32_t m = c->root;
            do {
                const lk_profile *p = &lk->profiles[m];
                for (uint32_t k = 0; k < p->ncell; k++) {
                    const lk_cell *cell = &lk->cells[lk->cells_of[p->cell + k]];
                    if (by != LK_EST_BY_NONE && cell->value[by] != value) continue;
                    tup x = {p->file, lk_est_gran_of(lk, gran, cell->period), p->name, p->year};
                    if (lk_est_push((void **)&t, &n, &cap, sizeof x, &x)) {
                        unika_free(t);
                        return -1;
                    }
                }
                m = lk->c.next[m];
            } while (m != c->root);
            if (n) qsort(t, n, sizeof *t, tup_cmp); /* none when no record shows the value */
            for (size_t a = 0; a < n;) {
                size_t b = a, distinct = 0;
                for (; b < n && t[b].file == t[a].file && t[b].t == t[a].t; b++)
                    if (b == a || t[b].name != t[b - 1].name || t[b].year != t[b - 1].year)
                        distinct++;
                add_split(e, s, c, gran, &t[a], distinct);
                a = b;
            }
        }
    }
    unika_free(t);
    return 0;
}

/* The split rate per partner from one tally, leaving out group `skip`; the
 * (cluster, partner, period) triples it was measured on. A partner that
 * borrows the pooled rate (an outreach unit with no strong records) is one
 * more partner whose own rate is unknown: as in a random-effects
 * prediction, its error is the spread between the partners that measure
 * theirs (borrowed_var, their sample variance). */
static double split_rates(const lk_est *e, const split_tally *t, int skip,
                          double eps[LK_EST_MAX_ORGS], double borrowed_var[LK_EST_MAX_ORGS])
{
    double ex[LK_EST_MAX_ORGS] = {0}, nn[LK_EST_MAX_ORGS] = {0};
    for (int g = 0; g < LK_EST_GROUPS; g++)
        if (g != skip)
            for (unsigned f = 0; f < e->nfiles; f++) {
                ex[f] += t->ex[g][f];
                nn[f] += t->nn[g][f];
            }
    double sex = 0, snn = 0, own = 0, own_sq = 0;
    unsigned nown = 0;
    for (unsigned f = 0; f < e->nfiles; f++) {
        sex += ex[f];
        snn += nn[f];
        if (nn[f] > LK_EST_OWN_EPS_MIN) {
            own += ex[f] / nn[f];
            own_sq += ex[f] / nn[f] * (ex[f] / nn[f]);
            nown++;
        }
    }
    double spread = nown > 1 ? (own_sq - own * own / nown) / (nown - 1) : 0.0;
    for (unsigned f = 0; f < e->nfiles; f++) {
        int borrows = nn[f] <= LK_EST_OWN_EPS_MIN;
        eps[f] = !borrows ? ex[f] / nn[f] : snn > 0 ? sex / snn : 0.0;
        borrowed_var[f] = borrows && spread > 0 ? spread : 0.0;
    }
    return snn;
}

/* Replicate skip's rates: per granularity, then in each period (its
 * granularity's where the period has too few triples). */
static void split_replicate(const lk_est *e, const splits *s, int skip, lk_est_eps *out)
{
    int g = skip + 1;
    for (int gran = 0; gran < 3; gran++)
        split_rates(e, &s->all[gran], skip, out->eps[g][gran], out->borrowed_var[g][gran]);
    for (int gran = LK_GRAN_YEAR; gran <= LK_GRAN_PERIOD; gran++)
        for (size_t i = 0; i < e->npcode[gran]; i++) {
            double eps[LK_EST_MAX_ORGS], var[LK_EST_MAX_ORGS];
            size_t slot = slot_of(e, gran, i);
            int own = split_rates(e, &s->at[slot], skip, eps, var) > LK_EST_OWN_EPS_MIN;
            double *at = out->at + ((size_t)g * nslots(e) + slot) * e->nfiles * 2;
            for (unsigned f = 0; f < e->nfiles; f++) {
                at[2 * f] = own ? eps[f] : out->eps[g][gran][f];
                at[2 * f + 1] = own ? var[f] : out->borrowed_var[g][gran][f];
            }
        }
}

int lk_est_split_rates_by(const lk_est *e, uint8_t by, uint32_t value, lk_est_eps *out)
{
    memset(out, 0, sizeof *out);
    splits *s = unika_calloc(1, sizeof *s);
    if (s) s->at = unika_calloc(nslots(e) + 1, sizeof *s->at);
    out->at = unika_calloc((LK_EST_GROUPS + 1) * nslots(e) * e->nfiles * 2 + 1, sizeof *out->at);
    int rc = !s || !s->at || !out->at || count_splits(e, by, value, s) ? -1 : 0;
    for (int g = -1; g < LK_EST_GROUPS && !rc; g++) split_replicate(e, s, g, out);
    if (s) unika_free(s->at);
    unika_free(s);
    if (rc) lk_est_eps_free(out);
    return rc;
}

void lk_est_eps_free(lk_est_eps *s)
{
    unika_free(s->at);
    s->at = NULL;
}

void lk_est_split_of(const lk_est *e, const lk_est_eps *s, int g, int gran, uint32_t code,
                     double eps[LK_EST_MAX_ORGS], double var[LK_EST_MAX_ORGS])
{
    size_t i = gran == LK_GRAN_ALL ? SIZE_MAX : lk_est_period_index(e, gran, code);
    const double *at = i == SIZE_MAX
                           ? NULL
                           : s->at + ((size_t)g * nslots(e) + slot_of(e, gran, i)) * e->nfiles * 2;
    for (unsigned f = 0; f < e->nfiles; f++) {
        eps[f] = at ? at[2 * f] : s->eps[g][gran][f];
        if (var) var[f] = at ? at[2 * f + 1] : s->borrowed_var[g][gran][f];
    }
}

/* 1 when a record of cluster c at a file other than f has (name, year). */
static int agrees_elsewhere(const unika_linkage *lk, const lk_est_cluster *c, unsigned f,
                            const lk_est_main *m)
{
    uint32_t x = c->root;
    do {
        const lk_profile *p = &lk->profiles[x];
        if (p->file != f && p->name == m->name && p->year == m->year &&
            lk_est_overlap(m->lo, m->hi, p->lo, p->hi))
            return 1;
        x = lk->c.next[x];
    } while (x != c->root);
    return 0;
}

/* 1 when cluster c's keys at files other than f are rare: no other strong
 * cluster holds one of them. */
static int rare_elsewhere(const lk_est *e, const lk_est_cluster *c, unsigned f)
{
    uint32_t x = c->root;
    do {
        const lk_profile *p = &e->lk->profiles[x];
        if (p->file != f && p->name != LK_NONE) {
            lk_est_key k = {p->name, p->year, 0};
            const lk_est_key *hit =
                bsearch(&k, e->ckey + c->key, c->nkey, sizeof k, lk_est_key_cmp);
            if (hit && hit->shared) return 0;
        }
        x = e->lk->c.next[x];
    } while (x != c->root);
    return 1;
}

/* m_dup's parts as the patterns count a duplicate (estimate_patterns.c):
 * per key of the cluster, the partners beyond the first whose strong
 * records have it, against the partners beyond the first it has strong
 * records at. A person with two keys both seen at two partners is two
 * same-key duplicates there, as the patterns see it; counted by one main
 * record per partner it was one, and m_dup read low (docs/linkage.md 15,
 * version 9). */
static void key_dups(const lk_est *e, const lk_est_cluster *c, double *same, double *dups)
{
    const unika_linkage *lk = e->lk;
    unsigned nf = popcount(c->at);
    if (nf < 2) return;
    *dups += nf - 1;
    for (uint32_t k = 0; k < c->nkey; k++) {
        const lk_est_key *key = &e->ckey[c->key + k];
        uint64_t files = 0;
        uint32_t m = c->root;
        do {
            const lk_profile *p = &lk->profiles[m];
            if (p->name == key->name && p->year == key->year) files |= 1ull << p->file;
            m = lk->c.next[m];
        } while (m != c->root);
        unsigned n = popcount(files & c->at);
        if (n > 1) *same += n - 1;
    }
}

/* Records of main records compared with j other partners, and those that
 * agree (m_eq0's measure), over every cluster ([0]) and the rare ones. */
typedef struct by_partners {
    uint64_t agree[2][LK_EST_MAX_ORGS], total[2][LK_EST_MAX_ORGS];
} by_partners;

/* m_by[end][j] from the records compared with j other partners. A level
 * with fewer than LK_EST_AGREE_MIN records is extrapolated from the one
 * below: of the misses against j - 1 partners, the share still missed
 * against j is the last one measured over every cluster (1 where none is),
 * for both ends. Below the first level measured, its share; none measured,
 * the pooled end. No partner, no key to show: 0. */
static void by_partners_levels(const by_partners *b, lk_est_rates *r)
{
    double left[LK_EST_MAX_ORGS]; /* every cluster's misses left by one more partner */
    const double pooled[2] = {r->m_eq0, r->m_eq0_rare};
    for (int end = 0; end < 2; end++) {
        double *m = r->m_by[end], q = 1.0;
        unsigned first = 0;
        for (unsigned j = LK_EST_MAX_ORGS - 1; j >= 1; j--)
            if (b->total[end][j] >= LK_EST_AGREE_MIN) first = j;
        m[0] = 0.0;
        for (unsigned j = 1; j < LK_EST_MAX_ORGS; j++) {
            int measured = b->total[end][j] >= LK_EST_AGREE_MIN;
            double own = measured ? (double)b->agree[end][j] / (double)b->total[end][j] : 0.0;
            if (!first) m[j] = pooled[end];
            else if (j < first) m[j] = (double)b->agree[end][first] / (double)b->total[end][first];
            else if (measured) {
                if (j > first && m[j - 1] < 1.0) q = fmin(1.0, (1.0 - own) / (1.0 - m[j - 1]));
                m[j] = own;
            } else m[j] = 1.0 - (1.0 - m[j - 1]) * (end ? left[j] : q);
            if (!end) left[j] = q;
            if (m[j] <= 0) m[j] = pooled[end];
        }
    }
}

/* m_eq0: how often a person's record at one partner shows one of the keys
 * its records at the others have, the factor that turns the rate of
 * exact-key hits (lk_est_presence()) into the rate of weak records. Measured twice,
 * and the truth lies between (docs/linkage.md 15, "The shared term"):
 *   over every cluster: too high for the rare clusters r is measured on,
 *     whose recorded names are unusual, often a variant (a typo, a chain of
 *     another length) their other records do not share;
 *   over the clusters whose keys at the other partners are rare (the
 *     selection of r): a strong record against strong records, where a
 *     partner that records a name and a year only may agree more often.
 * A partner without strong records cannot show which; the rate r takes the
 * middle of the two and the estimate's error the span (estimate_figure.c).
 * A weak record is looked up among the keys of every partner a person's
 * records are at, so each end is also measured by how many they are
 * (by_partners_levels()). */
static void agreement(const lk_est *e, int skip, lk_est_rates *r)
{
    uint64_t agree = 0, total = 0, agree_rare = 0, total_rare = 0, pa = 0, pt = 0;
    double same = 0, dups = 0; /* m_dup's */
    by_partners by;
    memset(&by, 0, sizeof by);
    for (size_t i = 0; i < e->ncl; i++) {
        const lk_est_cluster *c = &e->cl[i];
        if (c->group == skip || c->nmain < 2) continue;
        key_dups(e, c, &same, &dups);
        for (uint32_t a = 0; a < c->nmain; a++) {
            const lk_est_main *m = &e->cmain[c->main + a];
            if (!(c->at >> m->file & 1)) continue;
            int agrees = agrees_elsewhere(e->lk, c, m->file, m);
            int rare = rare_elsewhere(e, c, m->file);
            total++;
            agree += (uint64_t)agrees;
            total_rare += (uint64_t)rare;
            agree_rare += (uint64_t)(rare && agrees);
            for (int end = 0; end <= rare; end++) {
                by.total[end][c->nmain - 1]++;
                by.agree[end][c->nmain - 1] += (uint64_t)agrees;
            }
            for (uint32_t b = a + 1; b < c->nmain; b++) {
                const lk_est_main *o = &e->cmain[c->main + b];
                pt++;
                pa += m->name == o->name && m->year == o->year &&
                      lk_est_overlap(m->lo, m->hi, o->lo, o->hi);
            }
        }
    }
    r->m_eq0 = total ? (double)agree / (double)total : 1.0;
    r->m_eq0_rare = total_rare ? (double)agree_rare / (double)total_rare : r->m_eq0;
    r->m_pair = pt ? (double)pa / (double)pt : 1.0;
    r->eq0_pairs = total;
    r->pairs = pt;
    if (r->m_eq0 <= 0) r->m_eq0 = 1.0;
    if (r->m_eq0_rare <= 0) r->m_eq0_rare = r->m_eq0;
    if (r->m_pair <= 0) r->m_pair = 1.0;
    /* after m_pair's floor: D divides by it (a partnership whose only pair
     * of records disagreed had m_dup 0, and D 0 / 0) */
    r->m_dup = dups > 0 && same > 0 ? same / dups : r->m_pair;
    by_partners_levels(&by, r);
}

typedef struct lam_agree {
    double lam;
    int agree;
} lam_agree;

/* By lambda, then agreement: one order on every platform. */
static int lam_agree_cmp(const void *a, const void *b)
{
    const lam_agree *x = a, *y = b;
    if (x->lam != y->lam) return (x->lam > y->lam) - (x->lam < y->lam);
    return (x->agree > y->agree) - (x->agree < y->agree);
}

/* The lambda of a cluster's key as a weak unit of it sees it: a weak unit
 * is not among the strong clusters it is counted on, so the cluster's own
 * main records leave its name's count. Counted with them, a cluster's own
 * variant (a typo, a chain of another length) made a rare key of itself,
 * and the rare end of the curve was mostly people disagreeing with
 * themselves (version 10, docs/linkage.md 15). */
static double lambda_of_other_clusters(const lk_est *e, const lk_est_cluster *c,
                                       const lk_est_main *m)
{
    uint32_t own = 0;
    for (uint32_t k = 0; k < c->nmain; k++) own += e->cmain[c->main + k].name == m->name;
    return lk_est_lambda_without(e, m->name, m->year, c->gender, own);
}

/* The agreement curve a(lambda): every pair of a strong cluster's main
 * records, each side at its own key's lambda among the other clusters,
 * agreeing on (name, year) or not; sorted by lambda into at most
 * LK_EST_AGREE_BINS bins of about equal count (equal lambdas never split),
 * each bin's agreement (add-a-half) at its mean log lambda. A rare key is
 * more often one partner's variant of a name (a typo, a chain of another
 * length, a revised year) that the other partners do not write; a common
 * one is written alike: measured, from 0.45 in the rarest tenth to 0.71 in
 * the commonest (docs/linkage.md 15). Once for all replicates. */
static int agreement_curve(lk_est *e)
{
    e->nagree = 0;
    size_t n = 0, cap = 0;
    lam_agree *v = NULL;
    for (size_t i = 0; i < e->ncl; i++) {
        const lk_est_cluster *c = &e->cl[i];
        for (uint32_t a = 0; a < c->nmain; a++)
            for (uint32_t b = a + 1; b < c->nmain; b++) {
                const lk_est_main *m = &e->cmain[c->main + a], *o = &e->cmain[c->main + b];
                if (m->name == LK_NONE || o->name == LK_NONE) continue;
                int same = m->name == o->name && m->year == o->year;
                lam_agree x = {lambda_of_other_clusters(e, c, m), same};
                lam_agree y = {lambda_of_other_clusters(e, c, o), same};
                if ((x.lam > 0 && lk_est_push((void **)&v, &n, &cap, sizeof x, &x)) ||
                    (y.lam > 0 && lk_est_push((void **)&v, &n, &cap, sizeof y, &y))) {
                    unika_free(v);
                    return -1;
                }
            }
    }
    if (n >= LK_EST_AGREE_MIN) {
        qsort(v, n, sizeof *v, lam_agree_cmp);
        size_t lo = 0;
        for (unsigned q = 0; q < LK_EST_AGREE_BINS && lo < n; q++) {
            size_t hi = (q + 1) * n / LK_EST_AGREE_BINS, ag = 0;
            if (hi <= lo) continue;
            while (hi < n && v[hi].lam == v[hi - 1].lam) hi++; /* equal lambdas, one bin */
            double sx = 0;
            for (size_t i = lo; i < hi; i++) {
                ag += (size_t)v[i].agree;
                sx += log(v[i].lam);
            }
            e->agree_x[e->nagree] = sx / (double)(hi - lo);
            e->agree_y[e->nagree++] = ((double)ag + 0.5) / (double)(hi - lo + 1);
            lo = hi;
        }
    }
    unika_free(v);
    return 0;
}

/* The linkage's periods at each granularity, sorted (e->pcode). */
static int periods(lk_est *e)
{
    const unika_linkage *lk = e->lk;
    for (int gran = LK_GRAN_YEAR; gran <= LK_GRAN_PERIOD; gran++) {
        e->pcode[gran] = unika_malloc((lk->ncells ? lk->ncells : 1) * sizeof *e->pcode[gran]);
        if (!e->pcode[gran]) return -1;
        for (size_t i = 0; i < lk->ncells; i++)
            e->pcode[gran][i] = lk_est_gran_of(lk, gran, lk->cells[i].period);
        e->npcode[gran] = lk_est_distinct(e->pcode[gran], lk->ncells);
    }
    return 0;
}

/* Too few of a person's records compared between partners to measure how
 * often they agree: a partnership with one partner of strong records (the
 * others write a name and a year only) has none. Taken as 1 (every weak
 * record shows its person's key), r and D came out as low as they can be,
 * and the count 4-8% high, outside its interval (docs/linkage.md 15,
 * "Agreement not measured"). Both ends then are assumptions, a floor and 1:
 * r takes the middle of its values at LK_EST_M_FLOOR (the rare end,
 * raised where the hits bound it: estimate_presence.c) and at 1, D divides
 * by the m whose 1/m is the middle of 1 / LK_EST_M_DUP_FLOOR and 1, and
 * the error spreads uniformly over both (estimate_figure.c). */
static void unmeasured(lk_est_rates *r)
{
    r->m_unmeasured = 1;
    r->m_eq0 = 1.0;
    r->m_eq0_rare = LK_EST_M_FLOOR;
    r->m_dup = 2.0 / (1.0 + 1.0 / LK_EST_M_DUP_FLOOR);
    for (unsigned j = 1; j < LK_EST_MAX_ORGS; j++) {
        r->m_by[0][j] = 1.0;
        r->m_by[1][j] = LK_EST_M_FLOOR;
    }
}

int lk_est_measure(lk_est *e)
{
    if (agreement_curve(e)) return -1;
    lk_est_levels(e);
    if (periods(e) || lk_est_split_rates_by(e, LK_EST_BY_NONE, 0, &e->split)) return -1;
    lk_est_rates *r[LK_EST_REPLICATES];
    for (int k = 0; k < LK_EST_REPLICATES; k++) {
        r[k] = k ? &e->rep[k - 1] : &e->rates;
        memset(r[k], 0, sizeof *r[k]);
        agreement(e, k - 1, r[k]);
    }
    /* decided on every record, so that no replicate measures what the
     * estimate does not */
    if (e->rates.eq0_pairs <= LK_EST_M_MIN)
        for (int k = 0; k < LK_EST_REPLICATES; k++) unmeasured(r[k]);
    return lk_est_presence(e, r) ? -1 : 0;
}
