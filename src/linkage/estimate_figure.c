/*
 * estimate_figure.c - one figure's estimate, count = A + sum_o P_o - D - X
 * (estimate.h), its standard error, and the figures a report makes. P_o
 * and D come from estimate_occupancy.c and estimate_patterns.c, through
 * the caches of estimate_terms.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LK_EST_INTERNAL
#include "common/common.h"
#include "linkage/estimate.h"
#include "linkage/estimate_fit.h"
#include "linkage/estimate_terms.h"

/* ---- the split rates of an age band ------------------------------------------------------- */

/* The split rates of the records showing a --by value: a person split by a
 * revised birth year is split across age bands, not within one. */
static const lk_est_eps *eps_by(const lk_est *e, cache *c, uint8_t by, uint32_t value)
{
    for (size_t i = 0; i < c->nb; i++)
        if (c->b[i].by == by && c->b[i].value == value) return c->b[i].r;
    by_eps x = {by, value, unika_malloc(sizeof *x.r)};
    if (!x.r || lk_est_split_rates_by(e, by, value, x.r)) {
        unika_free(x.r);
        return NULL;
    }
    if (lk_est_push((void **)&c->b, &c->nb, &c->cb, sizeof x, &x)) {
        lk_est_eps_free(x.r);
        unika_free(x.r);
        return NULL;
    }
    return x.r;
}

/* ---- one figure ---------------------------------------------------------------------------- */

/* Of cluster c's records in (orgs, s without its value), the share showing
 * s's value: a person whose age band changes within the figure, or whose
 * partners record two birth years, is in it by some records and not
 * others, and its weak records elsewhere are too, in proportion: X weighs
 * it by its share times kappa, how often the figure's rare people's weak
 * records show the value against their shares (lk_est_value_rate(),
 * version 14). (Taking 1 - (1 - share)^k, k its weak records' periods, put
 * the bands by year 1% low, docs/linkage.md 18.) */
static double value_share(const lk_est *e, const lk_est_cluster *c, uint64_t orgs, scope s)
{
    double all = 0, in = 0;
    for (uint32_t k = 0; k < c->ncell; k++) {
        const lk_est_cell *x = &e->ccell[c->cell + k];
        if (!(orgs >> x->file & 1) || !in_scope(e->lk, s, x->period)) continue;
        all++;
        in += e->lk->cells[x->cell].value[s.by] == s.value;
    }
    return all > 0 ? in / all : 0.0;
}

typedef struct parts {
    uint64_t A;
    double excess, excess_var; /* of A, second clusters less joins (estimate_excess.c) */
    double occ_mean[LK_EST_MAX_ORGS], var;
    double agree; /* D's numerator: the patterns' agreements and the unseen names' extra */
    double dvar;  /* D's own part of var */
    uint32_t *inA;
    size_t nA;   /* the clusters of A, for X */
    uint64_t *atA; /* of each: bit k, a strong record at the figure's k-th partner */
    uint8_t *idA;  /* of each: lk_est_id_class(), read once for every draw */
    double *wA;  /* by a --by value: the share of each one's records in F that show it */
    double kappa[LK_EST_GROUPS + 1]; /* ... and how often weak records show it, against wA */
    const own_rates *own; /* X's rates measured on the figure's people, or NULL: pooled */
    /* the split rates in the figure's period, [0] from everything, [1 + g] leaving out
     * group g; the borrowed spread */
    double eps[LK_EST_GROUPS + 1][LK_EST_MAX_ORGS], eps_var[LK_EST_MAX_ORGS];
    double span;          /* half the two name counts' distance in P - D */
    double people, naive; /* by a --by value: P, and P as if not thinned */
} parts;

/* A rate of weak records in a period, r psi: at most 1 (a period's own psi
 * over the whole span's share may exceed it). Below nil only in a
 * jackknife replicate (estimate_rates.c, share_of()): X's estimate is
 * linear there, and the replicates spread as the rate's error does. */
static double rate(double r, double psi)
{
    double x = r * psi;
    return x > 1 ? 1 : x;
}

/* X's rate at partner o for the figure's people not strong there, in
 * replicate k, and half its span between m_eq0's two ends: the figure's
 * own (version 18) where its people measure one, else every partner's.
 * Returns the rare clusters behind the figure's own rate, 0 for the
 * pooled one. */
static double out_rate(const parts *p, const lk_est_rates *r, int k, unsigned o, double *ro,
                       double *span)
{
    double n = p->own ? p->own->n[o] : 0;
    *ro = n > 0 ? p->own->r[k][o] : r->r[o];
    *span = n > 0 ? p->own->span[k][o] : r->r_span[o];
    return n;
}

/* Of a strong person, the chance of no weak record at partner o in the
 * figure's period: where its cluster is (in), and where it is not, at r
 * and at r's two ends. */
typedef struct miss {
    double in, out, out_lo, out_hi;
} miss;

/* Of a strong person whose cluster is at the figure's partners `at` (bit
 * k: its k-th), the chance of no weak record at any of the n: q[0] at r,
 * q[1] and q[2] at r's low and high ends, multiplied in the partners'
 * order. */
static void no_weak(const miss *m, unsigned n, uint64_t at, double q[3])
{
    q[0] = q[1] = q[2] = 1;
    for (unsigned k = 0; k < n; k++) {
        if (at >> k & 1) {
            q[0] *= m[k].in, q[1] *= m[k].in, q[2] *= m[k].in;
        } else {
            q[0] *= m[k].out;
            q[1] *= m[k].out_lo;
            q[2] *= m[k].out_hi;
        }
    }
}

/* X's rate at partner o for the clusters of class cls (lk_est_id_class())
 * and its span: where every partner's rate stands, the class's own
 * (version 23). A figure's own rate (version 18) is measured on its people
 * as their classes mix there, and stays whole: every partner's classes
 * applied to it took the overlaps one to two points off (docs/linkage.md
 * 15). Returns as out_rate(). */
static double class_rate(const parts *p, const lk_est_rates *r, int k, unsigned o, int cls,
                         double *ro, double *span)
{
    double n = out_rate(p, r, k, o, ro, span);
    if (n <= 0) *ro *= r->by_id[cls][o], *span *= r->by_id[cls][o];
    return n;
}

/* The chances of no weak record at each of the figure's partners, in its
 * partners' order, from replicate k's rates for the clusters of class
 * cls; returns how many partners. */
static unsigned misses(const lk_est *e, const lk_est_figure *f, const parts *p, int k, int cls,
                       miss m[LK_EST_MAX_ORGS])
{
    const lk_est_rates *r = k ? &e->rep[k - 1] : &e->rates;
    int gran = gran_of_scope(scope_of(f));
    unsigned n = 0;
    for (unsigned o = 0; o < e->nfiles; o++) {
        if (!(f->orgs >> o & 1)) continue;
        double psi = lk_est_psi(e, r, gran, f->code, o, 0), ro, span;
        class_rate(p, r, k, o, cls, &ro, &span);
        m[n++] = (miss){1 - rate(r->r_in[o], lk_est_psi(e, r, gran, f->code, o, 1)),
                        1 - rate(ro, psi), 1 - rate(ro - span, psi), 1 - rate(ro + span, psi)};
    }
    return n;
}

/* How far D moves over m's two ends where agreement is unmeasured (version
 * 24): D at its low end less D at 1, X's way (both rise as m falls), so
 * that the two spread together. m_dup's 1/m is the middle of the two ends'
 * (estimate_rates.c, unmeasured()), so the distance is 2 (1 / m_dup - 1). */
static double dedup_width(const lk_est *e, const parts *p)
{
    return e->rates.m_unmeasured ? 2.0 * p->agree * (1.0 / e->rates.m_dup - 1.0) : 0.0;
}

/* A cluster's chances depend only on which of the figure's partners it is
 * at: up to 2^TABLE_ORGS patterns, each one's product made once per
 * combine() (the same product, bit for bit, as made per cluster), and
 * looked up for each of A's clusters (11 combines a figure, and X once
 * took a tenth of `unika link`). */
#define TABLE_ORGS 8

/* The estimate from replicate k's rates (0: everything, 1 + g: without
 * name group g). */
static double combine(const lk_est *e, const lk_est_figure *f, const parts *p, int k,
                      double shared_var[2], double *weak, double *dedup, double *shared)
{
    const lk_est_rates *r = k ? &e->rep[k - 1] : &e->rates;
    const double *eps = p->eps[k];
    double kappa = p->kappa[k];
    double w = 0;
    for (unsigned o = 0; o < e->nfiles; o++)
        if (f->orgs >> o & 1) w += p->occ_mean[o] / (1 + eps[o]);
    double d = p->agree / r->m_dup;
    double x = 0, xv = 0, x_lo = 0, x_hi = 0;
    miss m[2][LK_EST_MAX_ORGS];
    unsigned n = misses(e, f, p, k, 0, m[0]);
    misses(e, f, p, k, 1, m[1]);
    double table[2][1u << TABLE_ORGS][3];
    for (int cls = 0; cls < 2; cls++)
        for (uint64_t at = 0; n <= TABLE_ORGS && at < 1u << n; at++)
            no_weak(m[cls], n, at, table[cls][at]);
    for (size_t i = 0; i < p->nA; i++) {
        double own[3], *t = own;
        int cls = p->idA[i];
        if (n <= TABLE_ORGS) t = table[cls][p->atA[i]];
        else no_weak(m[cls], n, p->atA[i], own);
        double q = t[0], q_lo = t[1], q_hi = t[2];
        if (p->wA) { /* its weak records show the value in proportion to its own */
            double share = p->wA[i] * kappa < 1 ? p->wA[i] * kappa : 1;
            x += share * (1 - q);
            x_lo += share * (1 - q_hi);
            x_hi += share * (1 - q_lo);
            xv += share * (1 - q) * (1 - share * (1 - q));
            continue;
        }
        x += 1 - q;
        x_lo += 1 - q_hi;
        x_hi += 1 - q_lo;
        xv += q * (1 - q);
    }
    /* X's part of the model's error: its draws, and r anywhere between its two
     * ends, uniformly (with D, where m is unmeasured) */
    double ends = x_hi - x_lo + dedup_width(e, p);
    if (shared_var) shared_var[0] = xv, shared_var[1] = ends * ends / 12;
    if (weak) *weak = w;
    if (dedup) *dedup = d;
    if (shared) *shared = x;
    return (double)p->A - p->excess + w - d - x;
}

/* How far X's estimate moves with X itself (version 15). The error's
 * variance is var(estimate) + var(X) - 2 cov: the jackknife holds the
 * first, X's Bernoulli variance the second, and the rare clusters that
 * measure the rate rho of weak records at a partner where they are not
 * strong are among the people X counts, so the rate moves with their
 * draws. A rare cluster of the figure with chance q of no weak record
 * moves rho by rho q / n, n the rare clusters behind rho (its weak record
 * there shows one of its own keys as often as the rate is divided for,
 * m_eq0); X moves by s q / (1 - rho) for each cluster not strong where rho
 * holds, s its share of an age band. Where the granularity's psi scales
 * the span's rate, rho moves by psi times as much. One partner, every
 * cluster rare: cov = N rho (1 - rho), var(X), counted once and not twice,
 * as a sample that is most of its population. Where the rates of the
 * clusters with an identifier and without are measured apart (version
 * 23), each class's rate moves with its own rare clusters' draws.
 *
 * r_in, the rate at a partner where the person is strong, counts the hits
 * of its exact keys as the weak records themselves: the hits are those
 * records under the person's own keys, a share of them no measurement
 * gives, so no covariance is taken for it. And the clusters that measured
 * no rate are their own draw whatever the rates: their Bernoulli variance
 * (*unmeasured) is a floor under X's part of the error, which the
 * jackknife's own noise, less the covariance, could otherwise take below
 * it. */
static double shared_cov(const lk_est *e, const lk_est_figure *f, const parts *p,
                         double *unmeasured)
{
    const lk_est_rates *r = &e->rates;
    double kappa = p->kappa[0];
    int gran = gran_of_scope(scope_of(f));
    /* [class][k]: per class where the classes' rates are measured apart
     * (version 23), else both classes' sums are the partner's */
    double rho[2][LK_EST_MAX_ORGS], w[2][LK_EST_MAX_ORGS];
    double moves[2][LK_EST_MAX_ORGS] = {{0}}, rare[2][LK_EST_MAX_ORGS] = {{0}};
    int apart[LK_EST_MAX_ORGS];
    miss m[2][LK_EST_MAX_ORGS];
    unsigned n = 0;
    for (unsigned o = 0; o < e->nfiles; o++) {
        if (!(f->orgs >> o & 1)) continue;
        int own;
        double psi = lk_est_psi(e, r, gran, f->code, o, 0), ro, span;
        double sample = lk_est_rate_sample(e, r, gran, f->code, o, &own);
        double own_sample = out_rate(p, r, 0, o, &ro, &span);
        if (gran == LK_GRAN_ALL && own_sample > 0) sample = own_sample;
        apart[n] = own_sample <= 0 && r->n_id[0][o] > 0;
        double in = 1 - rate(r->r_in[o], lk_est_psi(e, r, gran, f->code, o, 1));
        for (int cls = 0; cls < 2; cls++) {
            /* a class's sample: its share of the partner's */
            double s = apart[n] && r->n[o] > 0 ? sample * r->n_id[cls][o] / r->n[o] : sample;
            class_rate(p, r, 0, o, cls, &ro, &span);
            rho[cls][n] = rate(ro, psi);
            w[cls][n] = s > 0 ? (own ? 1 : psi) * rho[cls][n] / s : 0;
            m[cls][n] = (miss){in, 1 - rho[cls][n], 1 - rho[cls][n], 1 - rho[cls][n]};
        }
        n++;
    }
    *unmeasured = 0;
    for (size_t i = 0; i < p->nA; i++) {
        const lk_est_cluster *c = &e->cl[p->inA[i]];
        int cls = lk_est_id_class(c);
        double q[3], s = 1;
        if (p->wA) s = p->wA[i] * kappa < 1 ? p->wA[i] * kappa : 1;
        no_weak(m[cls], n, p->atA[i], q);
        if (!c->rare) *unmeasured += s * (1 - q[0]) * (1 - s * (1 - q[0]));
        for (unsigned k = 0; k < n; k++) {
            if (p->atA[i] >> k & 1) continue;
            if (rho[cls][k] < 1) moves[cls][k] += s * q[0] / (1 - rho[cls][k]);
            if (c->rare) rare[cls][k] += s * q[0];
        }
    }
    double cov = 0;
    for (unsigned k = 0; k < n; k++) {
        if (apart[k])
            for (int cls = 0; cls < 2; cls++) cov += w[cls][k] * moves[cls][k] * rare[cls][k];
        else cov += w[0][k] * (moves[0][k] + moves[1][k]) * (rare[0][k] + rare[1][k]);
    }
    return cov;
}

/* ---- who is in the figures of one (organisations, scope) ---------------------------------- */

/* The profiles and strong clusters with a record in one scope, whatever
 * the organisation: found once per scope, as every set of organisations
 * asks again. */
typedef struct in_scope_list {
    scope s;
    uint32_t *prof, *cl;
    size_t nprof, ncl;
    uint32_t *file_at; /* prof[file_at[o] .. file_at[o + 1]): file o's, in order */
} in_scope_list;

/* The figures of one set of organisations and one scope differ only by
 * genders: their strong clusters and the resolution's persons are found
 * once, with their genders. */
typedef struct members {
    in_scope_list *lists;
    size_t nlists, clists;
    uint32_t *cl;      /* strong clusters in (orgs, scope) */
    size_t ncl;
    uint8_t *genders;  /* per person: the genders of its profiles in (orgs, scope) */
    uint32_t *persons; /* the persons with a profile there */
    size_t npersons;
} members;

/* Whether a profile has a visit in s's period (its --by value aside). */
static int profile_in(const unika_linkage *lk, const lk_profile *p, scope s)
{
    for (uint32_t k = 0; k < p->ncell; k++)
        if (in_scope(lk, s, lk->cells[lk->cells_of[p->cell + k]].period)) return 1;
    return 0;
}

static const in_scope_list *list_of(const lk_est *e, members *m, scope s)
{
    const unika_linkage *lk = e->lk;
    for (size_t i = 0; i < m->nlists; i++)
        if (scope_eq(m->lists[i].s, s)) return &m->lists[i];
    size_t np = lk->nprofiles ? lk->nprofiles : 1, nc = e->ncl ? e->ncl : 1;
    in_scope_list x = {.s = s,
                       .prof = unika_malloc(np * sizeof *x.prof),
                       .cl = unika_malloc(nc * sizeof *x.cl),
                       .file_at = unika_calloc(e->nfiles + 1, sizeof *x.file_at)};
    if (!x.prof || !x.cl || !x.file_at ||
        lk_est_push((void **)&m->lists, &m->nlists, &m->clists, sizeof x, &x)) {
        unika_free(x.prof);
        unika_free(x.cl);
        unika_free(x.file_at);
        return NULL;
    }
    in_scope_list *l = &m->lists[m->nlists - 1];
    /* the profiles in s, file by file (a counting sort): a figure of some
     * organisations reads theirs alone */
    for (size_t i = 0; i < lk->nprofiles; i++)
        if (profile_in(lk, &lk->profiles[i], s)) l->file_at[lk->profiles[i].file + 1]++;
    for (unsigned o = 0; o < e->nfiles; o++) l->file_at[o + 1] += l->file_at[o];
    l->nprof = l->file_at[e->nfiles];
    size_t at[LK_EST_MAX_ORGS] = {0};
    for (size_t i = 0; i < lk->nprofiles; i++) {
        const lk_profile *p = &lk->profiles[i];
        if (profile_in(lk, p, s)) l->prof[l->file_at[p->file] + at[p->file]++] = (uint32_t)i;
    }
    for (size_t i = 0; i < e->ncl; i++)
        if (cluster_in(e, &e->cl[i], UINT64_MAX, s)) l->cl[l->ncl++] = (uint32_t)i;
    /* kept for every scope: no more than they hold */
    uint32_t *p = unika_realloc(l->prof, np * sizeof *p, (l->nprof ? l->nprof : 1) * sizeof *p);
    uint32_t *c = unika_realloc(l->cl, nc * sizeof *c, (l->ncl ? l->ncl : 1) * sizeof *c);
    if (p) l->prof = p;
    if (c) l->cl = c;
    return l;
}

static int members_of(const lk_est *e, members *m, uint64_t orgs, scope s)
{
    const unika_linkage *lk = e->lk;
    if (!m->cl) {
        m->cl = unika_malloc((e->ncl ? e->ncl : 1) * sizeof *m->cl);
        m->genders = unika_calloc(lk->nprofiles ? lk->nprofiles : 1, 1);
        m->persons = unika_malloc((lk->nprofiles ? lk->nprofiles : 1) * sizeof *m->persons);
        if (!m->cl || !m->genders || !m->persons) return -1;
    }
    const in_scope_list *l = list_of(e, m, when(s));
    if (!l) return -1;
    m->ncl = 0;
    for (size_t i = 0; i < l->ncl; i++) {
        const lk_est_cluster *c = &e->cl[l->cl[i]];
        if ((c->files & orgs) && cluster_in(e, c, orgs, s)) m->cl[m->ncl++] = l->cl[i];
    }
    for (size_t i = 0; i < m->npersons; i++) m->genders[m->persons[i]] = 0;
    m->npersons = 0;
    for (unsigned o = 0; o < e->nfiles; o++) {
        if (!(orgs >> o & 1)) continue;
        for (size_t i = l->file_at[o]; i < l->file_at[o + 1]; i++) {
            const lk_profile *p = &lk->profiles[l->prof[i]];
            int in = s.by == LK_EST_BY_NONE;
            for (uint32_t k = 0; k < p->ncell && !in; k++)
                in = cell_in(lk, lk->cells_of[p->cell + k], s);
            if (!in) continue;
            uint32_t who = lk->person[l->prof[i]];
            if (!m->genders[who]) m->persons[m->npersons++] = who;
            m->genders[who] |= (uint8_t)(1u << p->gender);
        }
    }
    return 0;
}

static void members_free(members *m)
{
    for (size_t i = 0; i < m->nlists; i++) {
        unika_free(m->lists[i].prof);
        unika_free(m->lists[i].cl);
        unika_free(m->lists[i].file_at);
    }
    unika_free(m->lists);
    unika_free(m->cl);
    unika_free(m->genders);
    unika_free(m->persons);
}

/* Draw 0's persons in the figure: the resolution's own count. */
static void resolved(const members *m, lk_est_figure *f)
{
    uint64_t n = 0;
    for (size_t i = 0; i < m->npersons; i++) n += (m->genders[m->persons[i]] & f->genders) != 0;
    f->resolved = n;
}

/* ---- one figure, continued ---------------------------------------------------------------- */

/* A and, for X, its clusters (and by an age band, the share of each one's
 * records that show it). */
static int strong_part(lk_est *e, const members *in, const lk_est_figure *f, scope s,
                       parts *p)
{
    size_t most = in->ncl ? in->ncl : 1;
    p->inA = unika_malloc(most * sizeof *p->inA);
    p->atA = unika_malloc(most * sizeof *p->atA);
    p->idA = unika_malloc(most * sizeof *p->idA);
    if (s.by != LK_EST_BY_NONE) p->wA = unika_malloc(most * sizeof *p->wA);
    if (!p->inA || !p->atA || !p->idA || (s.by != LK_EST_BY_NONE && !p->wA)) return -1;
    for (size_t i = 0; i < in->ncl; i++) {
        const lk_est_cluster *c = &e->cl[in->cl[i]];
        if (!(f->genders >> c->gender & 1)) continue;
        if (p->wA) p->wA[p->nA] = value_share(e, c, f->orgs, s);
        uint64_t at = 0;
        unsigned k = 0;
        for (unsigned o = 0; o < e->nfiles; o++)
            if (f->orgs >> o & 1) at |= (c->at >> o & 1) << k++;
        p->atA[p->nA] = at;
        p->idA[p->nA] = (uint8_t)lk_est_id_class(c);
        p->inA[p->nA++] = in->cl[i];
    }
    p->A = p->nA;
    for (int g = 0; g <= LK_EST_GROUPS; g++) p->kappa[g] = 1;
    if (p->wA && lk_est_value_rate(e, p->inA, p->wA, p->nA, f->orgs, s, p->kappa)) return -1;
    return lk_est_excess(e, p->inA, p->nA, f->orgs, s, &p->excess, &p->excess_var);
}

/* The split rates of the figure's records in its period (everything, then
 * each replicate's). */
static int split_part(const lk_est *e, cache *c, scope s, parts *p)
{
    const lk_est_eps *split = s.by == LK_EST_BY_NONE ? &e->split : eps_by(e, c, s.by, s.value);
    if (!split) return -1;
    for (int g = 0; g <= LK_EST_GROUPS; g++)
        lk_est_split_of(e, split, g, gran_of_scope(s), s.code, p->eps[g], g ? NULL : p->eps_var);
    return 0;
}

/* P per partner, its variance, and half the two name counts' distance. */
static int weak_part(const lk_est *e, cache *c, const lk_est_figure *f, scope s, parts *p)
{
    double borrowed = 0; /* d P / d eps, summed over the partners that borrow eps */
    for (unsigned o = 0; o < e->nfiles; o++) {
        if (!(f->orgs >> o & 1)) continue;
        occ x;
        if (lk_est_occupancy(e, c, o, s, f->genders, &x)) return -1;
        p->people += x.mean;
        p->naive += x.naive;
        double m = x.mean, eps = p->eps[0][o];
        p->occ_mean[o] = m;
        /* the occupancy's own variance, and the split units: Poisson around eps per person */
        p->var += (x.var + m * eps) / ((1 + eps) * (1 + eps));
        if (p->eps_var[o] > 0) borrowed += m / ((1 + eps) * (1 + eps));
        p->span += x.span / (1 + eps);
    }
    /* one pooled rate for every partner that borrows it: their errors add, then square */
    for (unsigned o = 0; o < e->nfiles; o++)
        if (f->orgs >> o & 1 && p->eps_var[o] > 0) {
            p->var += borrowed * borrowed * p->eps_var[o];
            break;
        }
    return 0;
}

/* D's numerator of a figure of genders without a --by value, name count
 * k: the fit's closed form for all genders, else each gender's own
 * (pat.dups), the commonest one's being the rest of the closed form. */
static double dups_of_genders(const lk_est *e, const pat *pt, uint8_t genders, int k)
{
    double all = 0, minor = 0, own = 0;
    for (int j = 1; j < LK_EST_LEVELS; j++)
        all += pt->agree_level[k][j] * sum_of_genders(e->lam_level[k][j], LK_EST_ALL_GENDERS);
    for (unsigned g = 0; g < 4; g++) {
        all += pt->unseen[k][g];
        if (g == e->major_gender) continue;
        minor += pt->dups[k][g];
        if (genders >> g & 1) own += pt->dups[k][g];
    }
    if (genders == LK_EST_ALL_GENDERS) return all;
    if (genders >> e->major_gender & 1) own += all > minor ? all - minor : 0;
    return own;
}

/* D's numerator of a figure by a --by value (an age band), per name count.
 * A person at two partners is a duplicate of the band's figure when both
 * show the band, which lies between two assumptions (version 14): each of
 * the key's duplicates shows it as often as one of its people does (the
 * duplicates of all its people, thinned as P is, t: up to version 13), or
 * the band's people of the key are a Poisson process thinned by t and show
 * it at every partner of their pattern (the fit's E-step at lambda t over
 * the partners where the key shows it). A person's records at two partners
 * lie closer in time than two draws but not always in one band: measured
 * with the truth ids, the first end put the bands' D 7% to 18% low over the
 * whole span, the second 3% low to 12% high (docs/linkage.md 18). The
 * middle of the two, and their distance as a uniform spread in the error. */
static int value_dups(const lk_est *e, const pat *pt, const lk_est_figure *f, scope s, parts *p,
                      double d[2])
{
    double t = p->naive > 0 ? p->people / p->naive : 1.0, hi[2];
    if (lk_est_label_dups(e, pt, f->orgs, s, f->genders, 0, d) ||
        lk_est_label_dups(e, pt, f->orgs, s, f->genders, t, hi))
        return -1;
    double lo = (d[0] + d[1]) / 2 * t, spread = ((hi[0] + hi[1]) / 2 - lo) / e->rates.m_dup;
    for (int k = 0; k < 2; k++) d[k] = (d[k] * t + hi[k]) / 2;
    p->var += spread * spread / 12;
    return 0;
}

/* D's numerator at each end of the name counts: their middle, and half
 * their distance in the span. The fit pools every gender's keys; the
 * figure of some genders sums its own keys' duplicates, given where each
 * is seen (version 11). Given its share of the pooled rates by lambda
 * instead, the gender X, few and its names poorly measured, was taken to
 * be at two partners as often as everyone (D 45% high at 10,000 people:
 * docs/linkage.md 15). For all genders the closed form is that sum, at
 * EM's fixed point, and the commonest gender's the rest of it
 * (estimate_patterns.c, gender_dups()). */
static int dedup_part(const lk_est *e, cache *c, const lk_est_figure *f, scope s, parts *p)
{
    if (popcount(f->orgs) < 2) return 0;
    const pat *pt;
    if (lk_est_pattern_fit(e, c, f->orgs, when(s), &pt)) return -1;
    double d[2];
    if (s.by != LK_EST_BY_NONE) {
        if (value_dups(e, pt, f, s, p, d)) return -1;
    } else {
        for (int k = 0; k < 2; k++) d[k] = dups_of_genders(e, pt, f->genders, k);
    }
    p->agree = (d[0] + d[1]) / 2;
    p->span -= (d[0] - d[1]) / 2 / e->rates.m_dup;
    p->dvar = p->agree / (e->rates.m_dup * e->rates.m_dup);
    p->var += p->dvar;
    return 0;
}

/* The estimate, its standard error (the model's variances and a
 * jackknife of the measured rates) and its 95% interval. Returns X's
 * covariance with its rates (shared_cov()), which an overlap takes too. */
static double error_part(const lk_est *e, lk_est_figure *f, const parts *p)
{
    /* the count known between the two name counts' ends (P and D move
     * together): uniform over them, variance (2 span)^2 / 12 */
    double var = p->var + p->span * p->span / 3 + p->excess_var, xv[2];
    f->estimate = combine(e, f, p, 0, xv, &f->weak, &f->dedup, &f->shared);
    f->strong = p->A;
    f->excess = p->excess;
    /* the weak people add to the strong clusters' people, never take from them: no
     * estimate below those, and no interval below their own low end */
    double floor = (double)p->A - p->excess;
    if (f->estimate < floor) f->estimate = floor;
    double rep[LK_EST_GROUPS], mean = 0;
    for (int g = 0; g < LK_EST_GROUPS; g++) {
        rep[g] = combine(e, f, p, 1 + g, NULL, NULL, NULL, NULL);
        mean += rep[g] / LK_EST_GROUPS;
        f->rep[g] = rep[g];
    }
    f->span = p->span;
    double jk = 0;
    for (int g = 0; g < LK_EST_GROUPS; g++) jk += (rep[g] - mean) * (rep[g] - mean);
    jk *= (double)(LK_EST_GROUPS - 1) / LK_EST_GROUPS;
    double unmeasured, cov = shared_cov(e, f, p, &unmeasured);
    double all = var + (xv[0] + xv[1]) + jk - 2 * cov, least = var + xv[1] + unmeasured;
    f->se = sqrt(all > least ? all : least);
    f->ci_low = f->estimate - 1.959964 * f->se;
    f->ci_high = f->estimate + 1.959964 * f->se;
    double low = floor - 1.959964 * sqrt(p->excess_var);
    if (f->ci_low < low) f->ci_low = low;
    return cov;
}

/* Of a strong person, the chance of no weak record at a partner: in,
 * where it is strong, else out at r (end 0) or at its low (-1) or high
 * (1) end. */
static double miss_at(const miss *m, int strong, int end)
{
    return strong ? m->in : end < 0 ? m->out_lo : end > 0 ? m->out_hi : m->out;
}

/* Of a figure of partners a and b over the whole span, the variance of
 * what their overlap, |a| + |b| - |a u b| (estimate_overlap.c), holds of
 * its own (version 21), as error_part() takes a figure's: all of it, and
 * the least it can be. P_a and P_b are the same in the three figures and
 * cancel, their variances with them; D is the pair's own; S is that of
 * the clusters at both. Of X, a cluster at both is counted by the overlap
 * once when it has weak records at both partners, and a cluster at a
 * alone is counted when it has them at b and none at a: each a draw of its
 * own at the pair's rates, and r's span between m_eq0's two ends moves
 * them together (as in combine(), uniformly). The draws that measured a
 * rate move it as they move the pair's X (a person at a alone is in X and
 * in the overlap by the same weak records at b, given none at a), so the
 * covariance is the pair's, cov (error_part()). */
static int both_part(lk_est *e, lk_est_figure *f, const parts *p, double cov)
{
    miss m[2][LK_EST_MAX_ORGS];
    if (misses(e, f, p, 0, 0, m[0]) != 2) return 0;
    misses(e, f, p, 0, 1, m[1]);
    uint64_t a = f->orgs & (~f->orgs + 1), b = f->orgs & ~a; /* a: the first partner */
    uint32_t *both = unika_malloc((p->nA ? p->nA : 1) * sizeof *both);
    if (!both) return -1;
    size_t nboth = 0;
    double draws = 0, unmeasured = 0, x[2] = {0, 0}; /* x at r's low and high ends */
    for (size_t i = 0; i < p->nA; i++) {
        const lk_est_cluster *c = &e->cl[p->inA[i]];
        int in_a = (c->files & a) != 0, in_b = (c->files & b) != 0;
        if (in_a && in_b) both[nboth++] = p->inA[i];
        for (int end = -1; end <= 1; end++) {
            const miss *mc = m[lk_est_id_class(c)];
            double ma = miss_at(&mc[0], p->atA[i] & 1, end);
            double mb = miss_at(&mc[1], p->atA[i] >> 1 & 1, end);
            double q = fabs(in_a * (1 - ma) + in_b * (1 - mb) - (1 - ma * mb)); /* its chance */
            if (end) x[end > 0] += q;
            else draws += q * (1 - q), unmeasured += c->rare ? 0 : q * (1 - q);
        }
    }
    double excess, excess_var;
    int rc = lk_est_excess(e, both, nboth, f->orgs, scope_of(f), &excess, &excess_var);
    unika_free(both);
    double ends = x[1] - x[0] + dedup_width(e, p);
    double fixed = p->dvar + excess_var, spread = ends * ends / 12;
    f->both_var = fixed + draws + spread - 2 * cov;
    f->both_least = fixed + spread + unmeasured;
    return rc;
}

/* X's rates of the figure's partners, measured on their own people
 * (cached); none for one partner, whose people at another are none, or
 * for every partner, whose people are everyone's. */
static int own_part(const lk_est *e, cache *c, const lk_est_figure *f, parts *p)
{
    uint64_t all = e->nfiles == 64 ? UINT64_MAX : (1ull << e->nfiles) - 1;
    if (popcount(f->orgs) < 2 || (f->orgs & all) == all) return 0;
    for (size_t i = 0; i < c->nown && !p->own; i++)
        if (c->own[i].orgs == f->orgs) p->own = &c->own[i];
    if (p->own) return 0;
    own_rates *x = unika_malloc(sizeof *x);
    int rc = !x || lk_est_presence_of(e, f->orgs, x) ||
             lk_est_push((void **)&c->own, &c->nown, &c->cown, sizeof *x, x);
    unika_free(x);
    if (!rc) p->own = &c->own[c->nown - 1];
    return rc ? -1 : 0;
}

static int figure(lk_est *e, cache *c, const members *in, lk_est_figure *f)
{
    scope s = scope_of(f);
    parts p;
    memset(&p, 0, sizeof p);
    int rc = strong_part(e, in, f, s, &p) || own_part(e, c, f, &p) || split_part(e, c, s, &p) ||
                     weak_part(e, c, f, s, &p) || dedup_part(e, c, f, s, &p)
                 ? -1
                 : 0;
    double cov = rc ? 0 : error_part(e, f, &p);
    if (!rc && popcount(f->orgs) == 2 && s.kind == LK_SCOPE_ALL && s.by == LK_EST_BY_NONE)
        rc = both_part(e, f, &p, cov);
    unika_free(p.inA);
    unika_free(p.atA);
    unika_free(p.idA);
    unika_free(p.wA);
    return rc;
}

int lk_est_run(lk_est *e, lk_est_figure *fig, size_t n, unika_error *err)
{
    cache c = {0};
    members m = {0};
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const lk_est_figure *f = &fig[i], *prev = i ? &fig[i - 1] : NULL;
        if (!prev || prev->orgs != f->orgs || !scope_eq(scope_of(prev), scope_of(f)))
            rc = members_of(e, &m, f->orgs, scope_of(f));
        if (!rc) rc = figure(e, &c, &m, &fig[i]);
        if (!rc) resolved(&m, &fig[i]);
    }
    members_free(&m);
    if (!rc) rc = lk_est_overlaps(fig, n);
    for (size_t i = 0; i < c.np; i++) lk_est_pat_free(&c.p[i]);
    for (size_t i = 0; i < c.nb; i++) {
        lk_est_eps_free(c.b[i].r);
        unika_free(c.b[i].r);
    }
    unika_free(c.b);
    unika_free(c.own);
    unika_free(c.o);
    unika_free(c.p);
    return rc ? unika_fail(err, UNIKA_ENOMEM, "out of memory for the estimates") : 0;
}

/* ---- the default figures ----------------------------------------------------------------- */

/* The values of the age_group field that the cells show, each as field <<
 * 24 | value id, by value (ids are canonical: the same for the same
 * inputs). SIZE_MAX when out of memory. The rule (thinning by birth year,
 * occupancy_by_year()) is the age band's: a country or a birth year would
 * need its own model and measurement, and is not estimated. */
static size_t by_values(const lk_est *e, uint32_t **out)
{
    const unika_linkage *lk = e->lk;
    uint32_t *v = unika_malloc((lk->ncells * UNIKA_MK_MAX_BY + 1) * sizeof *v);
    if (!v) return SIZE_MAX;
    size_t n = 0;
    for (size_t b = 0; b < lk->params.by_count; b++) {
        if (strcmp(lk->by[b], "age_group")) continue;
        for (size_t i = 0; i < lk->ncells; i++)
            if (lk->cells[i].value[b] < 0xFFFFFF) v[n++] = (uint32_t)b << 24 | lk->cells[i].value[b];
    }
    *out = v;
    return lk_est_distinct(v, n);
}

int lk_est_default_figures(const lk_est *e, lk_est_figure **out, size_t *n, unika_error *err)
{
    const unika_linkage *lk = e->lk;
    /* the periods present, and their years */
    uint32_t *per = unika_malloc((lk->ncells ? lk->ncells : 1) * sizeof *per);
    if (!per) return unika_fail(err, UNIKA_ENOMEM, "out of memory for the figures");
    size_t np = 0;
    for (size_t i = 0; i < lk->ncells; i++) per[np++] = lk->cells[i].period;
    np = lk_est_distinct(per, np);
    scope sc[1 + 2 * 4096];
    size_t ns = 0;
    sc[ns++] = (scope){LK_SCOPE_ALL, LK_EST_BY_NONE, 0, 0};
    if (lk->params.period != UNIKA_MK_PERIOD_ALL) {
        uint32_t last = UINT32_MAX;
        for (size_t i = 0; i < np && ns < 4096; i++) {
            uint32_t y = lk_est_year_of(lk, per[i]);
            if (y != last) sc[ns++] = (scope){LK_SCOPE_YEAR, LK_EST_BY_NONE, y, 0};
            last = y;
        }
        if (lk->params.period != UNIKA_MK_PERIOD_YEAR)
            for (size_t i = 0; i < np && ns < 2 * 4096; i++)
                sc[ns++] = (scope){LK_SCOPE_PERIOD, LK_EST_BY_NONE, per[i], 0};
    }
    unika_free(per);
    uint64_t all = e->nfiles == 64 ? UINT64_MAX : (1ull << e->nfiles) - 1;
    size_t norgs = 1 + e->nfiles + (size_t)e->nfiles * (e->nfiles - 1) / 2;
    uint32_t *vals = NULL;
    size_t nv = by_values(e, &vals);
    uint64_t *orgs = unika_malloc(norgs * sizeof *orgs);
    static const uint8_t genders[] = {LK_EST_ALL_GENDERS, 1u << UNIKA_GENDER_MALE,
                                      1u << UNIKA_GENDER_FEMALE,
                                      1u << UNIKA_GENDER_OTHER | 1u << UNIKA_GENDER_UNKNOWN};
    lk_est_figure *f = unika_malloc((norgs * ns * 4 + (1 + e->nfiles) * ns * nv) * sizeof *f);
    if (!orgs || !f || nv == SIZE_MAX) {
        unika_free(orgs);
        unika_free(f);
        unika_free(vals);
        return unika_fail(err, UNIKA_ENOMEM, "out of memory for the figures");
    }
    size_t k = 0, m = 0;
    orgs[k++] = all;
    for (unsigned a = 0; a < e->nfiles; a++) orgs[k++] = 1ull << a;
    for (unsigned a = 0; a < e->nfiles; a++)
        for (unsigned b = a + 1; b < e->nfiles; b++) orgs[k++] = 1ull << a | 1ull << b;
    for (size_t o = 0; o < k; o++)
        for (size_t s = 0; s < ns; s++) {
            for (size_t g = 0; g < 4; g++)
                f[m++] = (lk_est_figure){.orgs = orgs[o], .scope = sc[s].kind,
                                         .genders = genders[g], .code = sc[s].code,
                                         .by = LK_EST_BY_NONE};
            /* by another --by value: all genders, all or one organisation */
            for (size_t v = 0; o <= e->nfiles && v < nv; v++)
                f[m++] = (lk_est_figure){.orgs = orgs[o],
                                         .scope = sc[s].kind,
                                         .genders = LK_EST_ALL_GENDERS,
                                         .code = sc[s].code,
                                         .by = (uint8_t)(vals[v] >> 24),
                                         .value = vals[v] & 0xFFFFFF};
        }
    unika_free(orgs);
    unika_free(vals);
    *out = f;
    *n = m;
    return 0;
}
