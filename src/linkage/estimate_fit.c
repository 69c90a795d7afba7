/*
 * estimate_fit.c - the two fits of the estimator (estimate.h).
 *
 * Occupancy. At one partner, the people with key k are Poisson(alpha *
 * lambda_k); a key is present when at least one is there. The likelihood
 * of which keys are present,
 *     L(alpha) = sum_present log(1 - exp(-alpha lambda_k)) - alpha * absent_mass,
 * has its maximum where sum_present lambda_k / (exp(alpha lambda_k) - 1)
 * equals the absent mass (the lambdas of the keys not present): a
 * decreasing function of alpha, solved in log(alpha) (lk_est_alpha()). A
 * present unit then holds, on average, ztp_mean(alpha lambda) people.
 *
 * Patterns. Across partners, the key-persons (a person under one key)
 * with partner set S are Poisson(r_S = gamma_S * lambda_k * w_k^(|S|-1)),
 * independently for every S, where w_k is how often a person's key at
 * one partner is its key at another (the agreement curve at lambda_k,
 * estimate_rates.c): a person seen at |S| partners under one key agrees
 * at |S| - 1 of them. A key is seen at exactly the partners P; only
 * patterns inside P are possible (`allowed`). The
 * E-step needs E[n_S | the union of the patterns is exactly P], by
 * inclusion-exclusion over the subsets J of P:
 *     Pr(union inside J) = exp(-(R - sum_{S allowed, S in J} r_S)), R = sum_S r_S
 *     Z    = sum_J (-1)^{|P - J|} Pr(union inside J)
 *     E_S  = r_S sum_{J contains S} (-1)^{|P - J|} Pr(union inside J) / Z
 * and the M-step sets gamma_S = sum_keys E_S / Lambda_(|S|-1), Lambda_j the
 * sum of lambda w^j over every key (estimate.c).
 * The E-step's cost is the keys times the subsets: the keys seen at one
 * set P share its subsets and allowed patterns, keys of one P and one
 * lambda are summed once, and squared extrapolation (squarem()) cuts the
 * steps (estimator version 5: the fits took half of `unika link` on
 * realistic records, docs/linkage.md 13).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LK_EST_INTERNAL
#include "common/common.h"
#include "linkage/estimate.h"
#include "linkage/estimate_fit.h"

double lk_est_ztp_mean(double mu)
{
    if (mu < 1e-12) return 1.0;
    return mu / -expm1(-mu);
}

double lk_est_ztp_var(double mu)
{
    if (mu < 1e-12) return 0.0;
    double z = -expm1(-mu), m = mu / z;
    double v = mu * (1 + mu) / z - m * m;
    return v > 0 ? v : 0.0;
}

double lk_est_ztp_slope(double mu)
{
    if (mu < 1e-6) return 0.5;
    double z = -expm1(-mu);
    return (z - mu * exp(-mu)) / (z * z);
}

/* d/dalpha of the log-likelihood, without the constant absent mass, and
 * alpha times its own derivative (the slope in log alpha). */
static double score(const double *lam, size_t n, double alpha, double *slope)
{
    double s = 0, d = 0;
    for (size_t i = 0; i < n; i++) {
        double x = alpha * lam[i];
        if (x < 1e-12) {
            s += 1.0 / alpha;
            d -= 1.0 / alpha;
            continue;
        }
        double z = expm1(x);
        s += lam[i] / z;
        d -= x * lam[i] * (1 + z) / (z * z);
    }
    *slope = d;
    return s;
}

/* The root in t = log alpha, in [log 1e-6, log 100], by Newton's steps
 * kept inside a bracket that each evaluation narrows (a step leaving it
 * halves it instead): the score is decreasing in t, so the bracket always
 * holds the root. Newton's steps reach it to the last bits in a few passes
 * over the units; bisection took 64, most of the occupancy's time. */
double lk_est_alpha(const double *lam, size_t n, double absent_mass)
{
    if (!n) return 0.0;
    if (absent_mass <= 0) return 100.0; /* every key present: as many as the data allow */
    double lo = log(1e-6), hi = log(100.0), slope;
    if (score(lam, n, 100.0, &slope) >= absent_mass) return 100.0;
    if (score(lam, n, 1e-6, &slope) <= absent_mass) return 1e-6;
    double t = 0.5 * (lo + hi);
    for (int it = 0; it < 100 && hi - lo > 1e-14; it++) {
        double f = score(lam, n, exp(t), &slope) - absent_mass;
        if (f > 0) lo = t;
        else hi = t;
        double next = slope < 0 ? t - f / slope : 0.5 * (lo + hi);
        if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
        if (fabs(next - t) < 1e-15 * (1 + fabs(t))) break;
        t = next;
    }
    return exp(t);
}

/* ---- patterns ------------------------------------------------------------------------- */

/* A key seen at more partners than LK_EST_MAX_PRESENT: the highest of them. */
static uint64_t kept(uint64_t pres)
{
    while (popcount(pres) > LK_EST_MAX_PRESENT) pres &= pres - 1;
    return pres;
}

static int key_cmp(const void *a, const void *b)
{
    const lk_pat_key *x = a, *y = b;
    if (x->pres != y->pres) return x->pres < y->pres ? -1 : 1;
    if (x->lam != y->lam) return (x->lam > y->lam) - (x->lam < y->lam);
    return (x->w > y->w) - (x->w < y->w);
}

/* The keys seen at one set of partners P share everything but lambda: the
 * patterns allowed inside P, and the subsets J of P the E-step sums over. */
typedef struct pclass {
    uint64_t pres;
    uint32_t np;                /* partners in P */
    uint32_t allowed, nallowed; /* patterns inside P: fit.allowed[allowed ..] */
    uint32_t key, nkey;         /* its keys: fit.lam[key ..], fit.weight[key ..] */
} pclass;

#define LEVELS LK_EST_LEVELS /* |S| - 1 of a pattern */
_Static_assert(LK_EST_LEVELS == LK_EST_MAX_PRESENT, "a level per partner a key is kept at");

typedef struct fit {
    const uint64_t *pats;
    size_t npat;
    double *lam, *weight, *w; /* distinct (lambda, agreement) per class, and how many keys */
    pclass *cls;
    size_t ncls;
    uint32_t *allowed;
    double all[LEVELS], absent[LEVELS]; /* sum lambda w^j of every key, of those not present */
    double *acc, *sub, *zero;
    uint64_t *mask;
    uint16_t *inside;    /* of a class: the subsets holding each allowed pattern, */
    uint32_t *inside_at; /* from inside_at[a] to inside_at[a + 1] */
    uint8_t *level; /* per pattern: |S| - 1 */
    int nlev;       /* levels with a pattern: 1 + the largest */
} fit;

/* The subsets of P (bit b of idx: the b-th lowest partner of P). */
static void subsets(uint64_t pres, uint32_t np, uint64_t *mask)
{
    uint8_t bit[64];
    unsigned k = 0;
    for (unsigned b = 0; b < 64 && k < np; b++)
        if (pres >> b & 1) bit[k++] = (uint8_t)b;
    for (uint32_t idx = 0; idx < 1u << np; idx++) {
        uint64_t j = 0;
        for (unsigned b = 0; b < np; b++)
            if (idx >> b & 1) j |= 1ull << bit[b];
        mask[idx] = j;
    }
}

/* The E-step of the class's keys at gamma, into f->acc; returns their
 * log-likelihood when want_ll (else 0: the steps SQUAREM does not compare
 * skip the logs). A pattern S has rate lambda gamma_S w^(|S|-1) at a key
 * of agreement w. sub[j][J]: the gamma of the allowed patterns of level j
 * inside J; the terms are scaled by exp(lambda (G(w) - sub(w)[P])) (no
 * underflow for common keys). Gl[j]: every pattern's gamma of level j. */
static double estep_class(fit *f, const pclass *c, const double *gamma, const double *Gl,
                          int want_ll)
{
    const uint32_t *al = f->allowed + c->allowed;
    uint32_t nsub = 1u << c->np;
    double ll = 0;
    if (c->np == 1) {
        double g = gamma[al[0]];
        for (uint32_t k = c->key; k < c->key + c->nkey; k++) {
            double x = f->lam[k] * g, z = -expm1(-x);
            if (!(z > 1e-300)) continue;
            f->acc[al[0]] += f->weight[k] * x / z;
            if (!want_ll) continue;
            double G = 0, wj = 1;
            for (int j = 0; j < f->nlev; j++, wj *= f->w[k]) G += Gl[j] * wj;
            ll += f->weight[k] * (log(z) - f->lam[k] * (G - g));
        }
        return ll;
    }
    subsets(c->pres, c->np, f->mask);
    double *subl = f->sub; /* [c->np][nsub] */
    for (uint32_t j = 0; j < c->np; j++)
        for (uint32_t idx = 0; idx < nsub; idx++) subl[j * nsub + idx] = 0;
    for (uint32_t idx = 0; idx < nsub; idx++)
        for (uint32_t a = 0; a < c->nallowed; a++)
            if ((f->pats[al[a]] & f->mask[idx]) == f->pats[al[a]])
                subl[f->level[al[a]] * nsub + idx] += gamma[al[a]];
    /* the subsets J holding each allowed pattern, listed once for the class's keys */
    uint32_t w = 0;
    for (uint32_t a = 0; a < c->nallowed; a++) {
        f->inside_at[a] = w;
        for (uint32_t idx = 0; idx < nsub; idx++)
            if ((f->pats[al[a]] & f->mask[idx]) == f->pats[al[a]]) f->inside[w++] = (uint16_t)idx;
    }
    f->inside_at[c->nallowed] = w;
    double *sub = f->zero + nsub; /* the key's: sum_j subl[j] w^j */
    for (uint32_t k = c->key; k < c->key + c->nkey; k++) {
        double lam = f->lam[k], wpow[LEVELS], Z = 0, G = 0;
        wpow[0] = 1;
        for (int j = 1; j < f->nlev; j++) wpow[j] = wpow[j - 1] * f->w[k];
        for (uint32_t idx = 0; idx < nsub; idx++) {
            double s = 0;
            for (uint32_t j = 0; j < c->np; j++) s += subl[j * nsub + idx] * wpow[j];
            sub[idx] = s;
        }
        double full = sub[nsub - 1];
        for (uint32_t idx = 0; idx + 1 < nsub; idx++) {
            double z = exp(-lam * (full - sub[idx]));
            f->zero[idx] = ((c->np - popcount(f->mask[idx])) & 1) ? -z : z;
            Z += f->zero[idx];
        }
        f->zero[nsub - 1] = 1; /* J = P: exp(-lam * 0), with its sign + */
        Z += 1;
        if (!(Z > 1e-300)) continue;
        for (uint32_t a = 0; a < c->nallowed; a++) {
            double s = 0;
            for (uint32_t t = f->inside_at[a]; t < f->inside_at[a + 1]; t++)
                s += f->zero[f->inside[t]];
            f->acc[al[a]] += f->weight[k] * lam * wpow[f->level[al[a]]] * gamma[al[a]] * s / Z;
        }
        if (!want_ll) continue;
        for (int j = 0; j < f->nlev; j++) G += Gl[j] * wpow[j];
        ll += f->weight[k] * (log(Z) - lam * (G - full));
    }
    return ll;
}

/* One EM step from gamma into next; returns the log-likelihood at gamma
 * when want_ll. */
static double em_step(fit *f, const double *gamma, double *next, int want_ll)
{
    double Gl[LEVELS] = {0}, ll = 0;
    for (size_t a = 0; a < f->npat; a++) Gl[f->level[a]] += gamma[a];
    memset(f->acc, 0, f->npat * sizeof *f->acc);
    for (size_t i = 0; i < f->ncls; i++) ll += estep_class(f, &f->cls[i], gamma, Gl, want_ll);
    for (size_t a = 0; a < f->npat; a++) {
        double g = f->acc[a] / f->all[f->level[a]];
        next[a] = g < 1e-12 ? 1e-12 : g;
    }
    for (int j = 0; j < LEVELS; j++) ll -= f->absent[j] * Gl[j];
    return ll;
}

/* The largest relative change of a pattern's gamma. */
static double change(const double *a, const double *b, size_t n)
{
    double delta = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs(b[i] - a[i]) / (a[i] > 1e-9 ? a[i] : 1e-9);
        if (d > delta) delta = d;
    }
    return delta;
}

/* Group the keys into classes of one partner set, and their equal lambdas. */
static int classes(fit *f, lk_pat_key *keys, size_t n)
{
    qsort(keys, n, sizeof *keys, key_cmp);
    size_t na = 0, ca = 0;
    for (size_t i = 0; i < n; i++) {
        int new_class = !f->ncls || keys[i].pres != f->cls[f->ncls - 1].pres;
        if (new_class) {
            pclass c = {keys[i].pres, popcount(keys[i].pres), (uint32_t)na, 0, 0, 0};
            c.key = f->ncls ? f->cls[f->ncls - 1].key + f->cls[f->ncls - 1].nkey : 0;
            for (uint32_t a = 0; a < f->npat; a++)
                if ((f->pats[a] & c.pres) == f->pats[a] &&
                    lk_est_push((void **)&f->allowed, &na, &ca, sizeof a, &a))
                    return -1;
            c.nallowed = (uint32_t)(na - c.allowed);
            f->cls[f->ncls++] = c;
        }
        pclass *c = &f->cls[f->ncls - 1];
        if (!new_class && f->lam[c->key + c->nkey - 1] == keys[i].lam &&
            f->w[c->key + c->nkey - 1] == keys[i].w) {
            f->weight[c->key + c->nkey - 1] += 1;
            continue;
        }
        f->lam[c->key + c->nkey] = keys[i].lam;
        f->w[c->key + c->nkey] = keys[i].w;
        f->weight[c->key + c->nkey] = 1;
        c->nkey++;
    }
    return 0;
}

/* Squared extrapolation (SQUAREM, Varadhan and Roland 2008): from g0, two
 * EM steps g1, g2 give the step r = g1 - g0 and its change v = g2 - 2 g1
 * + g0; g0 - 2 a r + a^2 v with a = -|r| / |v| (at most -1, where it is
 * g2) jumps along EM's path, and one EM step from there keeps it feasible.
 * A jump that lowers the likelihood below g1's is dropped for g2, so the
 * fit climbs as EM does, to the same maximum, in a few times fewer steps. */
static void squarem(fit *f, double *g0, double *g1, double *g2, double *g3)
{
    size_t n = f->npat;
    for (int steps = 0; steps < LK_EST_EM_STEPS;) {
        em_step(f, g0, g1, 0);
        if (change(g0, g1, n) < 1e-7) {
            memcpy(g0, g1, n * sizeof *g0);
            return;
        }
        double ll1 = em_step(f, g1, g2, 1), rr = 0, vv = 0;
        steps += 2;
        for (size_t a = 0; a < n; a++) {
            double r = g1[a] - g0[a], v = g2[a] - 2 * g1[a] + g0[a];
            rr += r * r;
            vv += v * v;
        }
        double alpha = vv > 0 ? -sqrt(rr / vv) : -1;
        if (alpha > -1) alpha = -1;
        for (size_t a = 0; a < n; a++) {
            double r = g1[a] - g0[a], v = g2[a] - 2 * g1[a] + g0[a];
            double x = g0[a] - 2 * alpha * r + alpha * alpha * v;
            g0[a] = x < 1e-12 ? 1e-12 : x;
        }
        double ll = em_step(f, g0, g3, 1);
        steps++;
        double delta = change(g0, g3, n);
        memcpy(g0, ll >= ll1 ? g3 : g2, n * sizeof *g0);
        if (ll >= ll1 && delta < 1e-7) return;
    }
}

int lk_est_gamma(lk_pat_key *keys, size_t n, const uint64_t *pats, size_t npat,
                 const double *all_level, double *gamma)
{
    fit f;
    memset(&f, 0, sizeof f);
    f.pats = pats;
    f.npat = npat;
    for (int j = 0; j < LEVELS; j++) f.all[j] = f.absent[j] = all_level[j];
    unsigned np = 0; /* the most partners a key is seen at: the subsets' room */
    for (size_t i = 0; i < n; i++) {
        keys[i].pres = kept(keys[i].pres);
        if (popcount(keys[i].pres) > np) np = popcount(keys[i].pres);
    }
    size_t nsub = (size_t)1 << np;
    int rc = -1;
    f.lam = unika_malloc((n ? n : 1) * 3 * sizeof *f.lam);
    f.cls = unika_malloc((n ? n : 1) * sizeof *f.cls);
    f.acc = unika_malloc((npat ? npat : 1) * 4 * sizeof *f.acc);
    f.sub = unika_malloc(nsub * (np + 2) * sizeof *f.sub); /* by level, zero, a key's */
    f.mask = unika_malloc(nsub * sizeof *f.mask);
    f.level = unika_malloc(npat ? npat : 1);
    f.inside = unika_malloc((npat ? npat : 1) * nsub * sizeof *f.inside);
    f.inside_at = unika_malloc((npat + 1) * sizeof *f.inside_at);
    if (!f.lam || !f.cls || !f.acc || !f.sub || !f.mask || !f.level || !f.inside || !f.inside_at)
        goto done;
    f.weight = f.lam + n;
    f.w = f.lam + 2 * n;
    f.zero = f.sub + nsub * np;
    for (size_t a = 0; a < npat; a++) {
        f.level[a] = (uint8_t)(popcount(pats[a]) - 1);
        if (f.level[a] + 1 > f.nlev) f.nlev = f.level[a] + 1;
    }
    if (classes(&f, keys, n)) goto done;
    for (size_t i = 0; i < n; i++) {
        double wj = 1;
        for (int j = 0; j < LEVELS; j++, wj *= keys[i].w) f.absent[j] -= keys[i].lam * wj;
    }
    double *g = f.acc + npat; /* acc, then three more gammas */
    for (size_t a = 0; a < npat; a++) gamma[a] = 0.01;
    squarem(&f, gamma, g, g + npat, g + 2 * npat);
    rc = 0;
done:
    unika_free(f.lam);
    unika_free(f.cls);
    unika_free(f.allowed);
    unika_free(f.acc);
    unika_free(f.sub);
    unika_free(f.mask);
    unika_free(f.level);
    unika_free(f.inside);
    unika_free(f.inside_at);
    return rc;
}

int lk_est_key_dups(double lam, double w, uint64_t pres, uint64_t mask, const uint64_t *pats,
                    size_t npat, const double *gamma, double *dups)
{
    *dups = 0;
    pres = kept(pres);
    mask &= pres;
    uint32_t np = popcount(pres);
    if (popcount(mask) < 2) return 0;
    uint32_t nsub = 1u << np;
    /* most keys are seen at a few partners: their subsets fit on the stack */
    uint64_t sub_mask_small[64];
    double z_small[2 * 64];
    int small = nsub <= 64;
    uint64_t *sub_mask = small ? sub_mask_small : unika_malloc(nsub * sizeof *sub_mask);
    double *z = small ? z_small : unika_malloc(nsub * 2 * sizeof *z);
    if (!sub_mask || !z) {
        if (!small) {
            unika_free(sub_mask);
            unika_free(z);
        }
        return -1;
    }
    double *sub = z + nsub, wpow[LEVELS];
    wpow[0] = 1;
    for (int j = 1; j < LEVELS; j++) wpow[j] = wpow[j - 1] * w;
    subsets(pres, np, sub_mask);
    for (uint32_t idx = 0; idx < nsub; idx++) {
        sub[idx] = 0;
        for (size_t a = 0; a < npat; a++)
            if ((pats[a] & sub_mask[idx]) == pats[a])
                sub[idx] += gamma[a] * wpow[popcount(pats[a]) - 1];
    }
    double Z = 0;
    for (uint32_t idx = 0; idx < nsub; idx++) {
        double x = exp(-lam * (sub[nsub - 1] - sub[idx]));
        z[idx] = ((np - popcount(sub_mask[idx])) & 1) ? -x : x;
        Z += z[idx];
    }
    for (size_t a = 0; Z > 1e-300 && a < npat; a++) {
        unsigned in = popcount(pats[a] & mask);
        if ((pats[a] & pres) != pats[a] || in < 2) continue;
        double t = 0;
        for (uint32_t idx = 0; idx < nsub; idx++)
            if ((pats[a] & sub_mask[idx]) == pats[a]) t += z[idx];
        *dups += (in - 1) * lam * gamma[a] * wpow[popcount(pats[a]) - 1] * t / Z;
    }
    if (!small) {
        unika_free(sub_mask);
        unika_free(z);
    }
    return 0;
}
