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
 *            person shows the person's own key;
 *   r_o      among RARE strong clusters (no other cluster holds their keys)
 *            without a strong record at o, the share with a weak unit of one
 *            of their keys at o, visits overlapping, over m_eq0: the rate at
 *            which a strong person also has weak records at o;
 *   psi_o    for those rare clusters, the share of their periods in which
 *            their weak unit at o has records too; and per period, the
 *            share of the rare clusters present in it with a weak unit of
 *            their key at o in it, over the share anywhere: a partner's weak
 *            records follow the calendar (a form changed, a practice given
 *            up), and r psi in a period is its own rate (version 12);
 *   r_in_o, psi_in_o  the same over the rare clusters strong at o with a
 *            decoy (below), not over m_eq0 (o spells the person as before);
 *   chance   a rare cluster's key is also a namesake's, met at o by chance,
 *            more often as the population grows: each rate is measured
 *            again on a DECOY key per cluster (decoy_of()), and what the
 *            decoys meet is subtracted, hits and periods alike;
 *   m_pair   two partners' main records of one person agreeing on (name,
 *            year) with overlapping visits;
 *   m_dup    of a person's main records beyond its first, the share whose
 *            (name, year) an earlier one has: the duplicates D counts that
 *            share a key, per duplicate (a person at three partners written
 *            (a, a, b): one pair agrees in three, one duplicate in two);
 *   a(lam)   the agreement curve: how often a key of a person's main record
 *            is its key at another partner, by the key's lambda among the
 *            other clusters;
 *   kappa    for a figure by an age band, how often its rare people's weak
 *            records show the band, against their own records' share of it
 *            (version 14, lk_est_value_rate()).
 *
 * A jackknife replicate leaves out one group of names: the clusters whose
 * main name, and the units whose name, fall in that group.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LK_EST_INTERNAL
#include "common/common.h"
#include "linkage/estimate.h"
#include "linkage/estimate_fit.h"
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

static uint32_t gran_of(const unika_linkage *lk, int gran, uint32_t period)
{
    return gran == LK_GRAN_ALL ? 0 : gran == LK_GRAN_YEAR ? lk_est_year_of(lk, period) : period;
}

/* A partner with fewer strong clusters than this borrows the others' split
 * rate; a period with fewer over every partner keeps its granularity's. */
#define LK_EST_OWN_EPS_MIN 50

/* The index of code among e->pcode[gran], or SIZE_MAX. */
static size_t period_index(const lk_est *e, int gran, uint32_t code)
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
    size_t i = gran == LK_GRAN_ALL ? SIZE_MAX : period_index(e, gran, t->t);
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
                    tup x = {p->file, gran_of(lk, gran, cell->period), p->name, p->year};
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
    size_t i = gran == LK_GRAN_ALL ? SIZE_MAX : period_index(e, gran, code);
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

/* m_eq0: how often a person's record at one partner shows one of the keys
 * its records at the others have, the factor that turns the rate of
 * exact-key hits (presence()) into the rate of weak records. Measured twice,
 * and the truth lies between (docs/linkage.md 15, "The shared term"):
 *   over every cluster: too high for the rare clusters r is measured on,
 *     whose recorded names are unusual, often a variant (a typo, a chain of
 *     another length) their other records do not share;
 *   over the clusters whose keys at the other partners are rare (the
 *     selection of r): a strong record against strong records, where a
 *     partner that records a name and a year only may agree more often.
 * A partner without strong records cannot show which; the rate r takes the
 * middle of the two and the estimate's error the span (estimate_figure.c). */
static void agreement(const lk_est *e, int skip, lk_est_rates *r)
{
    uint64_t agree = 0, total = 0, agree_rare = 0, total_rare = 0, pa = 0, pt = 0;
    double same = 0, dups = 0; /* m_dup's */
    for (size_t i = 0; i < e->ncl; i++) {
        const lk_est_cluster *c = &e->cl[i];
        if (c->group == skip || c->nmain < 2) continue;
        key_dups(e, c, &same, &dups);
        for (uint32_t a = 0; a < c->nmain; a++) {
            const lk_est_main *m = &e->cmain[c->main + a];
            if (!(c->at >> m->file & 1)) continue;
            int agrees = agrees_elsewhere(e->lk, c, m->file, m);
            total++;
            agree += (uint64_t)agrees;
            if (rare_elsewhere(e, c, m->file)) {
                total_rare++;
                agree_rare += (uint64_t)agrees;
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
    r->m_dup = dups > 0 && same > 0 ? same / dups : r->m_pair;
    r->eq0_pairs = total;
    r->pairs = pt;
    if (r->m_eq0 <= 0) r->m_eq0 = 1.0;
    if (r->m_eq0_rare <= 0) r->m_eq0_rare = r->m_eq0;
    if (r->m_pair <= 0) r->m_pair = 1.0;
}

/* The weak units at file f with key (name, year) that could be cluster c's:
 * gender agreeing, visits overlapping (not in group skip); up to cap more. */
static size_t units_of_key(const lk_est *e, const lk_est_cluster *c, uint32_t name, uint32_t year,
                           unsigned f, int skip, uint32_t *out, size_t cap)
{
    size_t n = 0, i = lk_est_find_units(e, name, year);
    for (; i != SIZE_MAX && i < e->nun; i++) {
        uint32_t ui = e->by_key[i];
        const lk_unit *u = &e->lk->units[ui];
        if (u->name != name || u->year != year) break;
        if (u->file != f || e->un[ui].group == skip) continue;
        if (!lk_est_gender_agrees(u->gender, c->gender)) continue;
        if (!lk_est_overlap(u->lo, u->hi, c->lo, c->hi)) continue;
        if (n < cap && out) out[n] = ui;
        n++;
    }
    return n;
}

/* The weak units at file f holding one of cluster c's keys, agreeing in
 * gender and overlapping in time (not in group skip): up to cap of them. */
static size_t own_units(const lk_est *e, const lk_est_cluster *c, unsigned f, int skip,
                        uint32_t *out, size_t cap)
{
    size_t n = 0;
    for (uint32_t k = 0; k < c->nkey && n < cap; k++) {
        const lk_est_key *key = &e->ckey[c->key + k];
        size_t got = units_of_key(e, c, key->name, key->year, f, skip, out + n, cap - n);
        n += got < cap - n ? got : cap - n;
    }
    return n;
}

/* 1 when year is one of cluster c's keys' years. */
static int has_year(const lk_est *e, const lk_est_cluster *c, uint32_t year)
{
    for (uint32_t k = 0; k < c->nkey; k++)
        if (e->ckey[c->key + k].year == year) return 1;
    return 0;
}

/* 1 when a strong cluster of this gender holds (name, year) (lk->held). */
static int held(const unika_linkage *lk, uint32_t name, uint32_t year, unsigned gender)
{
    size_t lo = 0, hi = lk->nheld;
    while (lo < hi) { /* the first entry not below (name, year, gender) */
        size_t mid = lo + (hi - lo) / 2;
        const lk_held *h = &lk->held[mid];
        int below = h->name != name   ? h->name < name
                    : h->year != year ? h->year < year
                                      : h->gender < gender;
        if (below) lo = mid + 1;
        else hi = mid;
    }
    return lo < lk->nheld && lk->held[lo].name == name && lk->held[lo].year == year &&
           lk->held[lo].gender == gender;
}

/* A decoy for rare cluster c: its main name under the birth year of another
 * cluster of its gender (taken in a fixed order), a year none of c's keys
 * has and a key no strong cluster holds: chosen as c's own keys were
 * (rare), as common a year on average, and no person's own. The weak units
 * holding the decoy key are namesakes met by chance: how often, and in
 * which of c's periods, c's own key is met by chance too, which the rates
 * below subtract. Beside it, the lambda of c's keys and of the decoy's: a
 * key is met by chance in proportion to how common it is, and the decoy's
 * year cannot be one of c's, which are the common ones more often than not
 * (rates_of()). Chosen once per cluster: it depends on no partner. */
typedef struct decoy {
    int found;
    uint32_t name, year;
    double lam_own, lam;
} decoy;

static size_t gcd(size_t a, size_t b) { return b ? gcd(b, a % b) : a; }

/* The step between the clusters a decoy is looked for at: coprime with
 * their number, so that every step meets another cluster (a fixed prime
 * stride met the cluster itself at every step when it divided the number,
 * and no cluster found a decoy: version 8). */
static size_t decoy_stride(size_t ncl)
{
    size_t s = 7919;
    while (ncl > 1 && gcd(s, ncl) != 1) s++;
    return s;
}

static decoy decoy_of(const lk_est *e, size_t i, size_t stride)
{
    const lk_est_cluster *c = &e->cl[i];
    decoy x = {0, e->ckey[c->key].name, LK_NONE, 0, 0};
    for (size_t step = 1; step < e->ncl && step <= 64; step++) {
        const lk_est_cluster *d = &e->cl[(i + step * stride) % e->ncl];
        uint32_t year = e->ckey[d->key].year;
        if (d->gender != c->gender || has_year(e, c, year) || held(e->lk, x.name, year, c->gender))
            continue;
        x.found = 1;
        x.year = year;
        x.lam = lk_est_lambda(e, x.name, year, c->gender);
        for (uint32_t k = 0; k < c->nkey; k++)
            x.lam_own +=
                lk_est_lambda(e, e->ckey[c->key + k].name, e->ckey[c->key + k].year, c->gender);
        break;
    }
    return x;
}

/* 1 when one of the units has records in period t at granularity gran. */
static int units_in(const lk_est *e, const uint32_t *u, size_t n, int gran, uint32_t t)
{
    for (size_t i = 0; i < n; i++) {
        const lk_est_unit *x = &e->un[u[i]];
        for (uint32_t k = 0; k < x->nper; k++)
            if (gran_of(e->lk, gran, e->uper[x->per + k]) == t) return 1;
    }
    return 0;
}

/* The distinct periods (at gran) of a cluster's cells: at most cap. */
static size_t distinct_periods(const lk_est *e, const lk_est_cluster *c, int gran, uint32_t *t,
                               size_t cap)
{
    size_t n = 0;
    for (uint32_t k = 0; k < c->ncell && n < cap; k++)
        t[n++] = gran_of(e->lk, gran, e->ccell[c->cell + k].period);
    return lk_est_distinct(t, n);
}

/* How often rare clusters have a weak unit of their own key at f (hit), and
 * in how many of their periods (num of den), over the clusters not strong at
 * f or strong at f; the same for their decoys (chance). */
typedef struct side {
    double hit[LK_EST_MAX_ORGS];
    double num[3][LK_EST_MAX_ORGS], den[3][LK_EST_MAX_ORGS];
} side;

/* Per period i of e->pcode[gran] and partner f, at [i * nfiles + f]: the
 * rare clusters present (el), those with a weak unit of their key there
 * (own), their decoys' (chance). */
typedef struct per_period {
    double *el[3], *own[3], *chance[3];
} per_period;

typedef struct tally {
    double elig[LK_EST_MAX_ORGS];
    double lam_own[LK_EST_MAX_ORGS], lam_decoy[LK_EST_MAX_ORGS]; /* of the decoys' clusters */
    side own, chance;
    per_period at;
} tally;

/* A period measures its own rate from more than this many rare clusters
 * present in it; with fewer, the whole span's psi stands. */
#define LK_EST_PERIOD_MIN 50

/* A cluster's periods at each granularity: their codes and their indexes
 * among e->pcode, found once per cluster. */
typedef struct cluster_periods {
    uint32_t code[3][256];
    size_t index[3][256], n[3];
} cluster_periods;

static void periods_of(const lk_est *e, const lk_est_cluster *c, cluster_periods *p)
{
    for (int gran = LK_GRAN_YEAR; gran <= LK_GRAN_PERIOD; gran++) {
        p->n[gran] = distinct_periods(e, c, gran, p->code[gran], 256);
        for (size_t k = 0; k < p->n[gran]; k++)
            p->index[gran][k] = period_index(e, gran, p->code[gran][k]);
    }
}

/* A cluster of periods p at f and its units u[0..n) there (its own, or its
 * decoy's): a hit when there are any, with the periods they show; per
 * period, the cluster present (in el, when not NULL) and the hit in it (in
 * at). */
static void count_hit(const lk_est *e, const cluster_periods *p, unsigned f, const uint32_t *u,
                      size_t n, side *s, double *el[3], double *at[3])
{
    if (n) s->hit[f]++;
    for (int gran = LK_GRAN_YEAR; gran <= LK_GRAN_PERIOD; gran++)
        for (size_t k = 0; k < p->n[gran]; k++) {
            size_t i = p->index[gran][k];
            if (el && i != SIZE_MAX) el[gran][i * e->nfiles + f]++;
            if (!n) continue;
            int in = units_in(e, u, n, gran, p->code[gran][k]);
            s->den[gran][f]++;
            s->num[gran][f] += in;
            if (in && i != SIZE_MAX) at[gran][i * e->nfiles + f]++;
        }
}

/* A rare cluster's weak units at each partner, of its own keys and of its
 * decoy's key, whatever their jackknife group: looked up once per cluster
 * (units_of_key(), in its order), then kept for each replicate. */
typedef struct found_units {
    uint32_t *u;
    size_t n, cap;
    size_t own[LK_EST_MAX_ORGS + 1]; /* partner f's own units: u[own[f] .. decoy[f]) */
    size_t decoy[LK_EST_MAX_ORGS];   /* its decoy's: u[decoy[f] .. own[f + 1]) */
} found_units;

/* Appends the units of (name, year) at f that could be c's. -1: out of memory. */
static int find_units(const lk_est *e, const lk_est_cluster *c, uint32_t name, uint32_t year,
                      unsigned f, found_units *fu)
{
    size_t got = units_of_key(e, c, name, year, f, -1, fu->u + fu->n, fu->cap - fu->n);
    if (got > fu->cap - fu->n) {
        size_t cap = 2 * (fu->n + got);
        uint32_t *u = unika_realloc(fu->u, fu->cap * sizeof *u, cap * sizeof *u);
        if (!u) return -1;
        fu->u = u;
        fu->cap = cap;
        (void)units_of_key(e, c, name, year, f, -1, fu->u + fu->n, got);
    }
    fu->n += got;
    return 0;
}

static int find_cluster_units(const lk_est *e, const lk_est_cluster *c, const decoy *d,
                              found_units *fu)
{
    fu->n = 0;
    for (unsigned f = 0; f < e->nfiles; f++) {
        fu->own[f] = fu->n;
        for (uint32_t k = 0; k < c->nkey; k++)
            if (find_units(e, c, e->ckey[c->key + k].name, e->ckey[c->key + k].year, f, fu))
                return -1;
        fu->decoy[f] = fu->n;
        if (d->found && find_units(e, c, d->name, d->year, f, fu)) return -1;
    }
    fu->own[e->nfiles] = fu->n;
    return 0;
}

/* The first 32 of the units u[0 .. n) outside group skip, into out. */
static size_t units_outside(const lk_est *e, const uint32_t *u, size_t n, int skip,
                            uint32_t out[32])
{
    size_t m = 0;
    for (size_t i = 0; i < n && m < 32; i++)
        if (e->un[u[i]].group != skip) out[m++] = u[i];
    return m;
}

static void count_one(const lk_est *e, const cluster_periods *p, const decoy *d,
                      const found_units *fu, unsigned f, int skip, tally *t)
{
    uint32_t u[32];
    const uint32_t *own = fu->u + fu->own[f], *dec = fu->u + fu->decoy[f];
    t->elig[f]++;
    count_hit(e, p, f, u, units_outside(e, own, fu->decoy[f] - fu->own[f], skip, u), &t->own,
              t->at.el, t->at.own);
    if (!d->found) return;
    t->lam_own[f] += d->lam_own;
    t->lam_decoy[f] += d->lam;
    count_hit(e, p, f, u, units_outside(e, dec, fu->own[f + 1] - fu->decoy[f], skip, u), &t->chance,
              NULL, t->at.chance);
}

/* The decoys' hits at f are scaled by this to count the chance part of the
 * clusters' own: the ratio of their keys' lambda to the decoys'. */
static double chance_ratio(const tally *t, unsigned f)
{
    return t->lam_decoy[f] > 0 ? t->lam_own[f] / t->lam_decoy[f] : 1.0;
}

/* A hit is the person's own or a namesake's met by chance: as often as the
 * decoys' hits, times the ratio of the keys' lambda to the decoys' (a ratio
 * estimator over all the clusters: one rare decoy year does not weigh a hit
 * many times). The share of clusters with a hit and the period shares, with
 * the chance part removed, and (sample not NULL) the clusters behind the
 * share.
 *
 * A share below nil (more chance hits than hits) is nil, except in a
 * jackknife replicate (free): a rate measured at nil is nil give or take
 * its sampling error, and replicates held at nil would show none of it
 * (version 15). */
static double share_of(double h, double n, int free)
{
    return n > 0 && (h > 0 || free) ? h / n : 0.0;
}

static void rates_of(const tally *t, unsigned f, int free, double *share, double *sample,
                     double psi[3])
{
    const side *o = &t->own, *ch = &t->chance;
    double ratio = chance_ratio(t, f);
    double chance = ch->hit[f] * ratio;
    double h = o->hit[f] - chance, n = t->elig[f] - chance;
    double x = share_of(h, n, free);
    *share = x > 1 ? 1 : x;
    if (sample) *sample = n > 0 ? n : 0.0;
    psi[LK_GRAN_ALL] = 1.0;
    for (int gran = LK_GRAN_YEAR; gran <= LK_GRAN_PERIOD; gran++) {
        double num = o->num[gran][f] - ch->num[gran][f] * ratio;
        double den = o->den[gran][f] - ch->den[gran][f] * ratio;
        double v = den > 0 && num > 0 ? num / den : 0.5;
        psi[gran] = v > 1 ? 1 : v;
    }
}

/* psi per period of partner f (out[gran][i * nfiles + f]): the share of
 * the rare clusters present in the period with a hit there, the chance part
 * removed as in rates_of(), over the share anywhere; the whole span's psi
 * where the period has too few of them. sample (when not NULL): the
 * clusters behind a period's own psi, 0 where the span's stands. */
static void period_rates(const lk_est *e, const tally *t, unsigned f, int free, double share,
                         const double psi[3], double *out[3], double *sample[3])
{
    double ratio = chance_ratio(t, f);
    for (int gran = LK_GRAN_YEAR; gran <= LK_GRAN_PERIOD; gran++)
        for (size_t i = 0; i < e->npcode[gran]; i++) {
            size_t at = i * e->nfiles + f;
            double chance = t->at.chance[gran][at] * ratio, el = t->at.el[gran][at];
            double h = t->at.own[gran][at] - chance, n = el - chance;
            double x = share_of(h, n, free);
            int own = el > LK_EST_PERIOD_MIN && share > 0;
            out[gran][at] = own ? x / share : psi[gran];
            if (sample) sample[gran][at] = own && n > 0 ? n : 0.0;
        }
}

/* The raw share of the rare clusters with a weak unit of their key at f,
 * over the whole span and in each period (r->hit, r->hit_at). */
static void hit_rates(const lk_est *e, const tally *t, unsigned f, lk_est_rates *r)
{
    r->hit[f] = t->elig[f] > 0 ? t->own.hit[f] / t->elig[f] : 0.0;
    for (int gran = LK_GRAN_YEAR; gran <= LK_GRAN_PERIOD; gran++)
        for (size_t i = 0; i < e->npcode[gran]; i++) {
            size_t at = i * e->nfiles + f;
            double el = t->at.el[gran][at];
            r->hit_at[gran][at] = el > 0 ? t->at.own[gran][at] / el : 0.0;
        }
}

/* One block for ntables per-period tables (a tally's counts, or a rates'
 * psi), each [gran][i * nfiles + f] over the linkage's periods. */
static double *per_period_alloc(const lk_est *e, double **tables[], size_t ntables)
{
    size_t per = (e->npcode[LK_GRAN_YEAR] + e->npcode[LK_GRAN_PERIOD]) * e->nfiles;
    double *block = unika_calloc(ntables * per + 1, sizeof *block);
    if (!block) return NULL;
    for (size_t k = 0; k < ntables; k++) {
        double *at = block + k * per;
        tables[k][LK_GRAN_ALL] = NULL;
        tables[k][LK_GRAN_YEAR] = at;
        tables[k][LK_GRAN_PERIOD] = at + e->npcode[LK_GRAN_YEAR] * e->nfiles;
    }
    return block;
}

void lk_est_rates_free(lk_est_rates *r)
{
    unika_free(r->psi_at[LK_GRAN_YEAR]); /* the block (per_period_alloc()) */
    memset(r->psi_at, 0, sizeof r->psi_at);
    memset(r->psi_in_at, 0, sizeof r->psi_in_at);
    memset(r->hit_at, 0, sizeof r->hit_at);
    memset(r->n_at, 0, sizeof r->n_at);
}

double lk_est_psi(const lk_est *e, const lk_est_rates *r, int gran, uint32_t code, unsigned o,
                  int in)
{
    size_t i = gran == LK_GRAN_ALL ? SIZE_MAX : period_index(e, gran, code);
    if (i == SIZE_MAX || !r->psi_at[gran]) return in ? r->psi_in[gran][o] : r->psi[gran][o];
    return (in ? r->psi_in_at : r->psi_at)[gran][i * e->nfiles + o];
}

double lk_est_rate_sample(const lk_est *e, const lk_est_rates *r, int gran, uint32_t code,
                          unsigned o, int *own)
{
    size_t i = gran == LK_GRAN_ALL ? SIZE_MAX : period_index(e, gran, code);
    double at = i == SIZE_MAX || !r->n_at[gran] ? 0 : r->n_at[gran][i * e->nfiles + o];
    *own = gran == LK_GRAN_ALL || at > 0;
    return at > 0 ? at : r->n[o];
}

/* The replicates: 0 everything (skip -1), 1 + g the one without group g. */
#define REPLICATES (1 + LK_EST_GROUPS)

/* Replicate k's rates from its tallies (out: the rare clusters not strong
 * at the partner, in: strong there); free: a jackknife replicate's. */
static void presence_rates(const lk_est *e, const tally *out, const tally *in, int free,
                           lk_est_rates *r)
{
    for (unsigned f = 0; f < e->nfiles; f++) {
        double psi[3], psi_in[3], share;
        /* another partner's weak record shows one of the person's keys as often as
         * m_eq0 says, somewhere between its two measurements (agreement()); the same
         * partner's is found by its exact key (it spells the person as before) */
        rates_of(out, f, free, &share, &r->n[f], psi);
        double lo = share / r->m_eq0, hi = share / r->m_eq0_rare;
        if (lo > 1) lo = 1;
        if (hi > 1) hi = 1;
        r->r[f] = (lo + hi) / 2;
        r->r_span[f] = fabs(hi - lo) / 2;
        rates_of(in, f, free, &r->r_in[f], NULL, psi_in);
        for (int g = 0; g < 3; g++) r->psi[g][f] = psi[g], r->psi_in[g][f] = psi_in[g];
        period_rates(e, out, f, free, share, psi, r->psi_at, r->n_at);
        period_rates(e, in, f, free, r->r_in[f], psi_in, r->psi_in_at, NULL);
        hit_rates(e, out, f, r);
    }
}

/* X's rates of every replicate r[k] (agreement() measured first). A rare
 * cluster's periods, decoy and units do not depend on the replicate: found
 * once, each replicate counts those outside its group. One without a decoy
 * (a common name) measures no r_in: most of its hits where it is strong are
 * namesakes' that nothing subtracts (version 16). In r, its chance offsets
 * m_eq0's bias (docs/linkage.md 15, "r_in where its chance is measured"). */
static int presence(const lk_est *e, lk_est_rates *r[REPLICATES])
{
    tally *t = unika_calloc(2 * REPLICATES, sizeof *t); /* [k]: out, [REPLICATES + k]: in */
    double *block[REPLICATES] = {NULL};
    found_units fu = {unika_malloc(64 * sizeof *fu.u), 0, 64, {0}, {0}};
    int rc = -1;
    if (!t || !fu.u) goto done;
    for (int k = 0; k < REPLICATES; k++) {
        tally *out = &t[k], *in = &t[REPLICATES + k];
        double **tables[] = {out->at.el, out->at.own, out->at.chance,
                             in->at.el,  in->at.own,  in->at.chance};
        double **rtables[] = {r[k]->psi_at, r[k]->psi_in_at, r[k]->hit_at, r[k]->n_at};
        if (!(block[k] = per_period_alloc(e, tables, 6)) || !per_period_alloc(e, rtables, 4))
            goto done;
        r[k]->rare = 0;
    }
    size_t stride = decoy_stride(e->ncl);
    cluster_periods p;
    for (size_t i = 0; i < e->ncl; i++) {
        const lk_est_cluster *c = &e->cl[i];
        if (!c->rare) continue;
        decoy d = decoy_of(e, i, stride);
        periods_of(e, c, &p);
        if (find_cluster_units(e, c, &d, &fu)) goto done;
        for (int k = 0; k < REPLICATES; k++) {
            int skip = k - 1;
            if (c->group == skip) continue;
            r[k]->rare++;
            for (unsigned f = 0; f < e->nfiles; f++) {
                int in = c->at >> f & 1;
                if (in && !d.found) continue; /* no r_in without its chance */
                count_one(e, &p, &d, &fu, f, skip, in ? &t[REPLICATES + k] : &t[k]);
            }
        }
    }
    for (int k = 0; k < REPLICATES; k++) presence_rates(e, &t[k], &t[REPLICATES + k], k > 0, r[k]);
    rc = 0;
done:
    for (int k = 0; k < REPLICATES; k++) unika_free(block[k]);
    unika_free(fu.u);
    unika_free(t);
    return rc;
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
            e->pcode[gran][i] = gran_of(lk, gran, lk->cells[i].period);
        e->npcode[gran] = lk_est_distinct(e->pcode[gran], lk->ncells);
    }
    return 0;
}

int lk_est_measure(lk_est *e)
{
    if (agreement_curve(e)) return -1;
    lk_est_levels(e);
    if (periods(e) || lk_est_split_rates_by(e, LK_EST_BY_NONE, 0, &e->split)) return -1;
    lk_est_rates *r[REPLICATES];
    for (int k = 0; k < REPLICATES; k++) {
        r[k] = k ? &e->rep[k - 1] : &e->rates;
        memset(r[k], 0, sizeof *r[k]);
        agreement(e, k - 1, r[k]);
    }
    return presence(e, r) ? -1 : 0;
}

/* ---- how often a band's people have weak records showing it (version 14) ------------------ */

/* By the cluster's jackknife group and partner: the figure's rare clusters
 * (those with a record showing the value), their records' share of it,
 * summed, those whose weak unit shows it (shows), and the (cluster,
 * partner) pairs counted (pairs). */
typedef struct value_tally {
    double share[LK_EST_GROUPS][LK_EST_MAX_ORGS], shows[LK_EST_GROUPS][LK_EST_MAX_ORGS];
    double pairs[LK_EST_GROUPS];
} value_tally;

/* 1 when one of the units u[0 .. n) has a record in s. */
static int units_in_scope(const lk_est *e, const uint32_t *u, size_t n, scope s)
{
    for (size_t j = 0; j < n; j++)
        if (unit_in(e, u[j], s)) return 1;
    return 0;
}

/* kappa of replicate r (leaving out group skip): the weak units showing the
 * value, over as many as the clusters' shares of it at each partner's rate
 * of weak units in the figure's period (r->hit, as presence() counted it
 * for X's rate) would show; 1 with 50 pairs or fewer to measure it on. */
static double kappa_of(const lk_est *e, const value_tally *t, const lk_est_rates *r, scope s,
                       int skip)
{
    int gran = gran_of_scope(s);
    size_t i = gran == LK_GRAN_ALL ? SIZE_MAX : period_index(e, gran, s.code);
    double shows = 0, expected = 0, pairs = 0;
    for (int g = 0; g < LK_EST_GROUPS; g++)
        if (g != skip) pairs += t->pairs[g];
    for (unsigned o = 0; o < e->nfiles; o++) {
        double share = 0;
        for (int g = 0; g < LK_EST_GROUPS; g++) {
            if (g == skip) continue;
            share += t->share[g][o];
            shows += t->shows[g][o];
        }
        if (gran == LK_GRAN_ALL) expected += share * r->hit[o];
        else if (i != SIZE_MAX) expected += share * r->hit_at[gran][i * e->nfiles + o];
    }
    return pairs > LK_EST_PERIOD_MIN && expected > 0 ? shows / expected : 1.0;
}

int lk_est_value_rate(const lk_est *e, const uint32_t *cl, const double *share, size_t n,
                      uint64_t orgs, scope s, double kappa[LK_EST_GROUPS + 1])
{
    value_tally *t = unika_calloc(1, sizeof *t);
    if (!t) return -1;
    uint32_t u[32];
    for (size_t i = 0; i < n; i++) {
        const lk_est_cluster *c = &e->cl[cl[i]];
        if (!c->rare) continue;
        for (unsigned o = 0; o < e->nfiles; o++)
            if (orgs >> o & 1 && !(c->at >> o & 1)) {
                t->share[c->group][o] += share[i];
                t->shows[c->group][o] += units_in_scope(e, u, own_units(e, c, o, -1, u, 32), s);
                t->pairs[c->group]++;
            }
    }
    kappa[0] = kappa_of(e, t, &e->rates, s, -1);
    for (int g = 0; g < LK_EST_GROUPS; g++) kappa[1 + g] = kappa_of(e, t, &e->rep[g], s, g);
    unika_free(t);
    return 0;
}
