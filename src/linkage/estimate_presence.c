/*
 * estimate_presence.c - how often the strong people have weak records
 * (estimate.h), measured on the RARE strong clusters, whose keys no other
 * strong cluster holds: a weak unit of such a key is the person's own or a
 * namesake's met by chance, never another strong person's.
 *
 *   r_o      among the rare clusters without a strong record at o, the
 *            share with a weak unit of one of their keys at o, visits
 *            overlapping, over m_eq0 (estimate_rates.c): the rate at which
 *            a strong person also has weak records at o;
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
#include "linkage/estimate_terms.h"

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

/* 1 when a strong cluster whose gender agrees with gender holds (name, year). */
static int held_agreeing(const unika_linkage *lk, uint32_t name, uint32_t year, unsigned gender)
{
    for (unsigned g = UNIKA_GENDER_UNKNOWN; g <= UNIKA_GENDER_OTHER; g++)
        if (lk_est_gender_agrees(g, gender) && held(lk, name, year, g)) return 1;
    return 0;
}

/* A decoy for rare cluster c: its main name under the birth year of another
 * cluster whose gender agrees with c's (taken in a fixed order), a year none
 * of c's keys has and a key no strong cluster of an agreeing gender holds,
 * as rareness is judged (mark_rare()): chosen as c's own keys were
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
        if (!lk_est_gender_agrees(d->gender, c->gender) || has_year(e, c, year) ||
            held_agreeing(e->lk, x.name, year, c->gender))
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
            if (lk_est_gran_of(e->lk, gran, e->uper[x->per + k]) == t) return 1;
    }
    return 0;
}

/* The distinct periods (at gran) of a cluster's cells: at most cap. */
static size_t distinct_periods(const lk_est *e, const lk_est_cluster *c, int gran, uint32_t *t,
                               size_t cap)
{
    size_t n = 0;
    for (uint32_t k = 0; k < c->ncell && n < cap; k++)
        t[n++] = lk_est_gran_of(e->lk, gran, e->ccell[c->cell + k].period);
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
    double m[2][LK_EST_MAX_ORGS]; /* m_eq0's two ends at each eligible cluster, summed */
    double lam_own[LK_EST_MAX_ORGS], lam_decoy[LK_EST_MAX_ORGS]; /* of the decoys' clusters */
    side own, chance;
    per_period at;
    /* the same by the clusters' class (lk_est_id_class()): the rare
     * clusters, those with a hit, their decoys' hits, m's rare end summed */
    double id_elig[2][LK_EST_MAX_ORGS], id_hit[2][LK_EST_MAX_ORGS];
    double id_chance[2][LK_EST_MAX_ORGS], id_m[2][LK_EST_MAX_ORGS];
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
            p->index[gran][k] = lk_est_period_index(e, gran, p->code[gran][k]);
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

/* The partners other than f whose records gave c its keys: a weak unit at
 * f is looked up among all of them. */
static unsigned others_of(const lk_est *e, const lk_est_cluster *c, unsigned f)
{
    unsigned n = 0;
    for (uint32_t a = 0; a < c->nmain; a++) n += e->cmain[c->main + a].file != f;
    return n;
}

/* Cluster c at f in tally t, as replicate r measures m_eq0. */
static void count_one(const lk_est *e, const lk_est_cluster *c, const lk_est_rates *r,
                      const cluster_periods *p, const decoy *d, const found_units *fu, unsigned f,
                      int skip, tally *t)
{
    uint32_t u[32];
    const uint32_t *own = fu->u + fu->own[f], *dec = fu->u + fu->decoy[f];
    unsigned others = others_of(e, c, f);
    int cls = lk_est_id_class(c);
    t->elig[f]++;
    t->m[0][f] += r->m_by[0][others];
    t->m[1][f] += r->m_by[1][others];
    t->id_elig[cls][f]++;
    t->id_m[cls][f] += r->m_by[1][others];
    size_t nown = units_outside(e, own, fu->decoy[f] - fu->own[f], skip, u);
    t->id_hit[cls][f] += nown > 0;
    count_hit(e, p, f, u, nown, &t->own, t->at.el, t->at.own);
    if (!d->found) return;
    t->lam_own[f] += d->lam_own;
    t->lam_decoy[f] += d->lam;
    size_t ndec = units_outside(e, dec, fu->own[f + 1] - fu->decoy[f], skip, u);
    t->id_chance[cls][f] += ndec > 0;
    count_hit(e, p, f, u, ndec, &t->chance, NULL, t->at.chance);
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
    size_t i = gran == LK_GRAN_ALL ? SIZE_MAX : lk_est_period_index(e, gran, code);
    if (i == SIZE_MAX || !r->psi_at[gran]) return in ? r->psi_in[gran][o] : r->psi[gran][o];
    return (in ? r->psi_in_at : r->psi_at)[gran][i * e->nfiles + o];
}

double lk_est_rate_sample(const lk_est *e, const lk_est_rates *r, int gran, uint32_t code,
                          unsigned o, int *own)
{
    size_t i = gran == LK_GRAN_ALL ? SIZE_MAX : lk_est_period_index(e, gran, code);
    double at = i == SIZE_MAX || !r->n_at[gran] ? 0 : r->n_at[gran][i * e->nfiles + o];
    *own = gran == LK_GRAN_ALL || at > 0;
    return at > 0 ? at : r->n[o];
}

/* The rate of weak records at another partner from the share of rare
 * clusters whose key it shows: that partner's weak record shows one of the
 * person's keys as often as m_eq0 says (agreement()), for the partners
 * each cluster's keys came from, averaged over the clusters (version 22).
 * Of m_eq0's two ends, the one measured on the rare clusters, r's own
 * selection; the other end says how far m could be off at a partner
 * without strong records to measure it, and half the distance to it is
 * r's span (docs/linkage.md 15, "The shared term"). Where m is not
 * measured, both ends are assumptions and r takes their middle (version
 * 24). Returns r at the rare end. */
static double rate_and_span(const tally *t, unsigned f, double share, int unmeasured, double *r,
                            double *span)
{
    double m_all = t->elig[f] > 0 ? t->m[0][f] / t->elig[f] : 1.0;
    double m_rare = t->elig[f] > 0 ? t->m[1][f] / t->elig[f] : 1.0;
    double all = fmin(1.0, m_all > 0 ? share / m_all : share);
    double rare = fmin(1.0, m_rare > 0 ? share / m_rare : share);
    *span = fabs(rare - all) / 2;
    *r = unmeasured ? rare - *span : rare;
    return rare;
}

/* r of the rare clusters that hold an identifier and of those that hold
 * none, each over r, and the clusters behind each with chance removed
 * (version 23). Whether a person's identifier is written decides where its
 * records are weak: a person without one is weak wherever no full birth
 * date is written for it, at several partners together, and one with an
 * identifier seldom at a partner that writes it. At one r, X took the two
 * as mixed at random and its union over a cluster's partners was too large
 * (docs/linkage.md 15, "X's rates by whether a person holds an
 * identifier"). Both classes measured, or neither: with
 * LK_EST_OWN_RATE_MIN clusters or fewer in one, both stay at r. Each class
 * is over r at the rare end, where its own m is taken. */
static void by_identifier(const tally *t, unsigned f, int free, double rare, lk_est_rates *r)
{
    double ratio = chance_ratio(t, f), own[2], n[2];
    int measured = rare > 0;
    for (int cls = 0; cls < 2; cls++) {
        double chance = t->id_chance[cls][f] * ratio, elig = t->id_elig[cls][f];
        double m = elig > 0 && t->id_m[cls][f] > 0 ? t->id_m[cls][f] / elig : 1.0;
        n[cls] = elig - chance;
        own[cls] = fmin(1.0, share_of(t->id_hit[cls][f] - chance, n[cls], free) / m);
        measured &= n[cls] > LK_EST_OWN_RATE_MIN;
    }
    for (int cls = 0; cls < 2; cls++) {
        r->by_id[cls][f] = measured ? own[cls] / rare : 1.0;
        r->n_id[cls][f] = measured ? n[cls] : 0.0;
    }
}

/* Where m is not measured (version 25): no partner's people have weak
 * records at another more often than all of them, so r = h / m <= 1 bounds
 * m below by the share of hits h at every partner where r is measured, and
 * above the floor that bound is m's low end. r's far end is capped at 1
 * already (rate_and_span()); D takes the same range of m. */
static void agreement_bound(const lk_est *e, const double *share, lk_est_rates *r)
{
    double low = LK_EST_M_FLOOR;
    for (unsigned f = 0; f < e->nfiles; f++)
        if (r->n[f] > 0 && share[f] > low) low = share[f];
    r->m_eq0_rare = low;
    double dup = fmax(LK_EST_M_DUP_FLOOR, low);
    r->m_dup = 2.0 / (1.0 + 1.0 / dup);
    for (unsigned j = 1; j < LK_EST_MAX_ORGS; j++) r->m_by[1][j] = low;
}

/* Replicate k's rates from its tallies (out: the rare clusters not strong
 * at the partner, in: strong there); free: a jackknife replicate's. The
 * same partner's weak record is found by its exact key (it spells the
 * person as before). */
static void presence_rates(const lk_est *e, const tally *out, const tally *in, int free,
                           lk_est_rates *r)
{
    double share[LK_EST_MAX_ORGS];
    for (unsigned f = 0; f < e->nfiles; f++) {
        double psi[3], psi_in[3];
        rates_of(out, f, free, &share[f], &r->n[f], psi);
        double rare = rate_and_span(out, f, share[f], r->m_unmeasured, &r->r[f], &r->r_span[f]);
        by_identifier(out, f, free, rare, r);
        rates_of(in, f, free, &r->r_in[f], NULL, psi_in);
        for (int g = 0; g < 3; g++) r->psi[g][f] = psi[g], r->psi_in[g][f] = psi_in[g];
        period_rates(e, out, f, free, share[f], psi, r->psi_at, r->n_at);
        period_rates(e, in, f, free, r->r_in[f], psi_in, r->psi_in_at, NULL);
        hit_rates(e, out, f, r);
    }
    if (r->m_unmeasured) agreement_bound(e, share, r);
}

/* X's rates of every replicate r[k] (agreement() measured first). A rare
 * cluster's periods, decoy and units do not depend on the replicate: found
 * once, each replicate counts those outside its group. One without a decoy
 * (a common name) measures no r_in: most of its hits where it is strong are
 * namesakes' that nothing subtracts (version 16). In r, its chance offsets
 * m_eq0's bias (docs/linkage.md 15, "r_in where its chance is measured"). */
int lk_est_presence(const lk_est *e, lk_est_rates *r[LK_EST_REPLICATES])
{
    /* [k]: the rare clusters not strong at the partner, [LK_EST_REPLICATES + k]: strong */
    tally *t = unika_calloc(2 * LK_EST_REPLICATES, sizeof *t);
    double *block[LK_EST_REPLICATES] = {NULL};
    found_units fu = {unika_malloc(64 * sizeof *fu.u), 0, 64, {0}, {0}};
    int rc = -1;
    if (!t || !fu.u) goto done;
    for (int k = 0; k < LK_EST_REPLICATES; k++) {
        tally *out = &t[k], *in = &t[LK_EST_REPLICATES + k];
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
        for (int k = 0; k < LK_EST_REPLICATES; k++) {
            int skip = k - 1;
            if (c->group == skip) continue;
            r[k]->rare++;
            for (unsigned f = 0; f < e->nfiles; f++) {
                int in = c->at >> f & 1;
                if (in && !d.found) continue; /* no r_in without its chance */
                count_one(e, c, r[k], &p, &d, &fu, f, skip,
                          in ? &t[LK_EST_REPLICATES + k] : &t[k]);
            }
        }
    }
    for (int k = 0; k < LK_EST_REPLICATES; k++)
        presence_rates(e, &t[k], &t[LK_EST_REPLICATES + k], k > 0, r[k]);
    rc = 0;
done:
    for (int k = 0; k < LK_EST_REPLICATES; k++) unika_free(block[k]);
    unika_free(fu.u);
    unika_free(t);
    return rc;
}

/* ---- X's rates measured on a figure's own people (version 18) ----------------------------- */

/* The rates r of lk_est_presence() at each partner f of orgs, measured on
 * the rare clusters with a record at another partner of orgs: the people
 * X counts at f in a figure of those partners. Not on those with a record
 * at f alone: the resolution joined their records there under the keys it
 * would look for, and what is left of them at f shows their key less often
 * than m_eq0 says (with them, the X of one partner's figure, already low,
 * fell from 0.47 to 0.23 of its truth: 30,000 people, generator names). */
int lk_est_presence_of(const lk_est *e, uint64_t orgs, own_rates *out)
{
    tally *t = unika_calloc(LK_EST_REPLICATES, sizeof *t);
    cluster_periods *none = unika_calloc(1, sizeof *none); /* whole span only: psi is pooled */
    found_units fu = {unika_malloc(64 * sizeof *fu.u), 0, 64, {0}, {0}};
    int rc = -1;
    if (!t || !none || !fu.u) goto done;
    size_t stride = decoy_stride(e->ncl);
    for (size_t i = 0; i < e->ncl; i++) {
        const lk_est_cluster *c = &e->cl[i];
        if (!c->rare || !(c->files & orgs)) continue;
        decoy d = decoy_of(e, i, stride);
        if (find_cluster_units(e, c, &d, &fu)) goto done;
        for (int k = 0; k < LK_EST_REPLICATES; k++) {
            if (c->group == k - 1) continue;
            for (unsigned f = 0; f < e->nfiles; f++)
                if (orgs >> f & 1 && !(c->at >> f & 1) && c->files & orgs & ~(1ull << f))
                    count_one(e, c, k ? &e->rep[k - 1] : &e->rates, none, &d, &fu, f, k - 1,
                              &t[k]);
        }
    }
    memset(out, 0, sizeof *out);
    out->orgs = orgs;
    for (int k = 0; k < LK_EST_REPLICATES; k++)
        for (unsigned f = 0; f < e->nfiles; f++) {
            if (!(orgs >> f & 1)) continue;
            double share, sample, psi[3];
            rates_of(&t[k], f, k > 0, &share, &sample, psi);
            rate_and_span(&t[k], f, share, e->rates.m_unmeasured, &out->r[k][f],
                          &out->span[k][f]);
            if (!k) out->n[f] = sample > LK_EST_OWN_RATE_MIN ? sample : 0;
        }
    rc = 0;
done:
    unika_free(fu.u);
    unika_free(none);
    unika_free(t);
    return rc;
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
 * of weak units in the figure's period (r->hit, as lk_est_presence() counted it
 * for X's rate) would show; 1 with 50 pairs or fewer to measure it on. */
static double kappa_of(const lk_est *e, const value_tally *t, const lk_est_rates *r, scope s,
                       int skip)
{
    int gran = gran_of_scope(s);
    size_t i = gran == LK_GRAN_ALL ? SIZE_MAX : lk_est_period_index(e, gran, s.code);
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
