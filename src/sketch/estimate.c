/*
 * estimate.c - how many distinct people a sketch holds, with a standard
 * error and a 95% interval; overlaps (intersection, difference) of two.
 *
 * Sparse sketches are counted from their tokens. Dense sketches use one of
 * UltraLogLog's two estimators [1]:
 *
 *   ML   maximum likelihood over the register histogram (default). Under the
 *        Poisson model (each register sees Poisson(lambda = n/m) hashes), rank
 *        level k of a register is "seen" independently with probability
 *        1 - exp(-lambda * rho_k), rho_k = 2^-k (the top level K = 65 - p has
 *        rho_K = 2^-(K-1), the probability that w == 0). A register reveals:
 *        every level above u unseen, u seen, and levels u-1, u-2 seen or not.
 *        So  log L(lambda) = -lambda * a + sum_j b_j * log(1 - exp(-lambda 2^-j)),
 *        a = sum of rho over revealed unseen levels, b_j = number of revealed
 *        seen levels with rho = 2^-j. The score
 *            f(lambda) = sum_j b_j 2^-j / (exp(lambda 2^-j) - 1) - a
 *        is convex and decreasing, so Newton's method started left of the
 *        root converges monotonically; 1/(e^y - 1) >= 1/y - 1/2 gives such a
 *        start, lambda_0 = B / (a + sum_j b_j 2^-(j+1)), B = sum_j b_j.
 *        Its asymptotic RSE is 1/sqrt(m * I), the Fisher information per
 *        register I * lambda^2 -> zeta(2, 5/4) / ln 2, i.e.
 *        RSE = sqrt(ln 2 / zeta(2, 5/4)) / sqrt(m) = 0.7609 / sqrt(m),
 *        MVP = 8 * 0.5789 = 4.631 [1]. The ML estimate is biased by a factor
 *        1 + c/m to first order, c = 3/2 ln 2 zeta(3, 5/4) / zeta(2, 5/4)^2
 *        = 0.48147 [1]; we divide it out.
 *   FGRA "further generalised remaining area" [1]: n = m^(1+1/tau) S^(-1/tau)
 *        / (1 + (1+tau) v / (2m)), S = sum over registers of g(r),
 *        g(4u + h) = eta_h 2^(-tau u) for u >= 3. The four lowest register
 *        states (empty, u = 1, u = 2) lack history bits for ranks below 1;
 *        their g is the expectation over imagined ranks 0, -1, -2, ...
 *        (seen with probability 1 - z^(2^j), z = e^-lambda) with z fitted by
 *        maximum likelihood from those four states (a quadratic, see
 *        fgra_small_range_y). tau, eta_h and v = 0.61189 (RSE^2 * m) are the
 *        paper's optimised constants [1]; the last factor removes the bias
 *        of S^(-1/tau) to first order (delta method: E[S^-1/tau] =
 *        E[S]^-1/tau (1 + (1/tau)(1/tau + 1)/2 * tau^2 v/m)).
 *        The paper's large-range correction (registers at the top rank
 *        65 - p) is left out: it matters only from n ~ 2^60.
 *
 * Why ML by default: it is the most accurate (MVP 4.631 vs 4.895, and at
 * n ~ m the gap is larger: 0.79% vs 0.98% RSE at p = 12 [1]), it gives the
 * standard error from the same likelihood, and its cost (a histogram pass
 * and a few Newton steps) is a few microseconds, negligible for reports.
 *
 * Standard errors at every n. The asymptotic RSE over-states the error for
 * n up to ~10 m, so intervals built on it would over-cover. We use:
 *   Var_Poisson(n_hat) from theory at the estimate (ML: m / I(lambda), the
 *   inverse expected Fisher information; FGRA: the delta method on S with
 *   the exact register distribution at lambda), then
 *   Var(n_hat | n) = Var_Poisson(n_hat) - n,
 *   by the law of total variance (an unbiased estimator under a Poisson(n)
 *   number of items has Var_Poisson = E[Var(. | N)] + Var(N)). For linear
 *   counting this reproduces Whang et al.'s m (e^t - t - 1).
 * The 95% interval is estimate +- 1.96 SE (the estimators are close to
 * normal at >= 2^p/4 items; measured coverage in docs/accuracy.md).
 *
 * Overlaps: exact from the token sets when both sketches are sparse; else a
 * joint maximum-likelihood fit of |A \ B|, |B \ A| and |A ∩ B| to the rank
 * levels of both register arrays (Ertl's joint HLL estimator [2], carried
 * over to UltraLogLog's history bits; see joint_ml below).
 *
 * [1] O. Ertl, "UltraLogLog: A Practical and More Space-Efficient
 *     Alternative to HyperLogLog for Approximate Distinct Counting",
 *     PVLDB 17(7), 2024, arXiv:2308.16862 (estimators, constants).
 * [2] O. Ertl, "New cardinality estimation algorithms for HyperLogLog
 *     sketches", arXiv:1702.01284 (ML for HLL, the Newton start).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "sketch/sketch_private.h"
#include "unika/sketch.h"

#define Z95 1.959963984540054 /* standard normal 97.5% quantile */
/* Lower guard on Var(n | fixed n) / Var_Poisson, see ml_estimate. */
#define VAR_FLOOR 0.02

/* MVP constants [1]: ML 8 ln2 / zeta(2, 5/4); FGRA 8 v. */
#define ML_VARIANCE_FACTOR 0.5789111356311080 /* ln 2 / zeta(2, 5/4) = 0.760862^2 */
#define ML_BIAS_CONSTANT 0.48147376527720066 /* 3/2 ln2 zeta(3,5/4) / zeta(2,5/4)^2 */
#define FGRA_V 0.6118931496978426
#define FGRA_TAU 0.8194911850376387
static const double FGRA_ETA[4] = {4.663135749698441, 2.137850286535751, 2.7811447941454626,
                                   0.9824082439220764};

/* 2^(-tau u) for u = 0..63 by repeated multiplication (error ~ 64 ulp,
 * far below anything the estimate can resolve; saves 250 exp2 calls). */
static void fgra_powers(double t[64])
{
    const double step = 0.5666417526962749; /* 2^-tau */
    t[0] = 1;
    for (int u = 1; u < 64; u++) t[u] = t[u - 1] * step;
}

double unika_sketch_rse(unsigned p, unika_estimator which)
{
    if (p < UNIKA_SKETCH_P_MIN || p > UNIKA_SKETCH_P_MAX) return 0;
    double m = (double)((size_t)1 << p);
    if (which == UNIKA_ESTIMATOR_ML) return sqrt(ML_VARIANCE_FACTOR / m);
    if (which == UNIKA_ESTIMATOR_FGRA) return sqrt(FGRA_V / m);
    return 0;
}

/* Histogram of register bytes: the only thing both estimators look at. */
static void histogram(uint32_t c[256], const uint8_t *regs, size_t m)
{
    /* Four sub-histograms break the store-to-load dependency on runs of
     * equal bytes. */
    uint32_t h[4][256];
    memset(h, 0, sizeof h);
    size_t i = 0;
    for (; i + 4 <= m; i += 4) {
        h[0][regs[i]]++;
        h[1][regs[i + 1]]++;
        h[2][regs[i + 2]]++;
        h[3][regs[i + 3]]++;
    }
    for (; i < m; i++) h[0][regs[i]]++;
    for (int v = 0; v < 256; v++) c[v] = h[0][v] + h[1][v] + h[2][v] + h[3][v];
}

/* Probability of a hash landing at rank level k (1..K) within a register. */
static inline double rho(int k, int K)
{
    return ldexp(1.0, k < K ? -k : -(K - 1));
}

/* ---- ML ------------------------------------------------------------------ */

/* Expected Fisher information per register about lambda (see banner):
 * sum over levels k of P(k revealed and seen) * rho^2 e^y / (e^y - 1)^2,
 * y = lambda rho. Level k is revealed when seen and every level >= k + 3 is
 * unseen (probability exp(-lambda 2^-(k+2)) for k + 3 <= K); the product
 * simplifies to rho^2 exp(-lambda 2^-(k+2)) / (e^y - 1). */
static double ml_fisher(double lambda, int K)
{
    double sum = 0;
    for (int k = 1; k <= K; k++) {
        double r = rho(k, K), y = lambda * r;
        /* Levels hit almost surely add < e^-40 of the total: skip; levels
         * hit almost never add r / lambda * (1 - O(y)): series, no exp. */
        if (y > 40) continue;
        double ya = lambda * ldexp(1.0, -(k + 2)), above, em1;
        if (y < 1e-4) {
            em1 = y * (1 + y * (0.5 + y / 6));
            above = k + 3 <= K ? 1 - ya * (1 - ya * 0.5) : 1.0;
        } else {
            em1 = expm1(y);
            above = k + 3 <= K ? exp(-ya) : 1.0;
        }
        sum += r * r * above / em1;
    }
    return sum;
}

static void ml_estimate(double *n_hat, double *var, const uint32_t c[256], unsigned p)
{
    const int K = 65 - (int)p;
    const double m = (double)((size_t)1 << p);
    double a = 0, b[64] = {0};
    a += c[0];
    for (int v = 4; v < 256; v++) {
        if (!c[v]) continue;
        int u = v >> 2, h = v & 3;
        if (u > K) continue; /* impossible value: the parser refuses it */
        double cv = c[v];
        if (u < K) a += cv * ldexp(1.0, -u);
        b[u < K ? u : K - 1] += cv;
        if (u - 1 >= 1) {
            if (h & 2) b[u - 1] += cv;
            else a += cv * ldexp(1.0, -(u - 1));
        }
        if (u - 2 >= 1) {
            if (h & 1) b[u - 2] += cv;
            else a += cv * ldexp(1.0, -(u - 2));
        }
    }
    double B = 0, half = 0;
    for (int j = 1; j < 64; j++) {
        B += b[j];
        half += b[j] * ldexp(1.0, -(j + 1));
    }
    if (B == 0) { *n_hat = 0; *var = 0; return; }
    if (a <= 0) { *n_hat = INFINITY; *var = INFINITY; return; }

    double x = B / (a + half);
    for (int it = 0; it < 100; it++) {
        double f = -a, df = 0;
        for (int j = 1; j < 64; j++) {
            if (b[j] == 0) continue;
            double r = ldexp(1.0, -j), y = x * r, em1 = expm1(y);
            f += b[j] * r / em1;
            df -= b[j] * r * r * (em1 + 1) / (em1 * em1);
        }
        double step = f / df;
        x -= step;
        if (!(fabs(step) > 1e-13 * x)) break;
    }
    double scale = 1.0 / (1.0 + ML_BIAS_CONSTANT / m);
    double n = m * x * scale;
    double var_pois = m / ml_fisher(x, K) * scale * scale;
    *n_hat = n;
    *var = var_pois - n;
    /* Guard the subtraction: never below 2% of the Poisson variance. The
     * true ratio is smallest right after the sketch turns dense (lambda =
     * 1/4: 6.5% at p = 12), so the guard never binds for a valid sketch. */
    if (*var < VAR_FLOOR * var_pois) *var = VAR_FLOOR * var_pois;
}

/* ---- FGRA ------------------------------------------------------------- */

/* Expected eta over two imagined levels seen with probabilities 1 - q and
 * 1 - q^2 (levels u-1, u-2 below a register's u):
 * eta0 q^3 + eta1 q (1-q^2) + eta2 (1-q) q^2 + eta3 (1-q)(1-q^2). */
static inline double eta_mix(double q)
{
    const double *e = FGRA_ETA;
    double ex = e[0] - e[1] - e[2] + e[3];
    return ((ex * q + (e[2] - e[3])) * q + (e[1] - e[3])) * q + e[3];
}

/* Contribution of an empty register: expected g over the imagined top rank
 * -k (k >= 0) below rank 1: P(top = -k | empty) = (z^(2^k) - z^(2^(k+1))) / z,
 * g = 2^(tau k) * eta_mix(z^(2^(k+1))). */
static double fgra_sigma(double z)
{
    if (z <= 0) return FGRA_ETA[3];
    double zk = z, s = 0, w = 1, two_tau = exp2(FGRA_TAU);
    for (int k = 0; k < 200; k++) {
        double zk1 = zk * zk;
        double term = w * (zk - zk1) * eta_mix(zk1);
        s += term;
        if (term <= 1e-17 * s) break;
        zk = zk1;
        w *= two_tau;
    }
    return s / z;
}

/* y = z^(1/4) = exp(-lambda/4), the probability that no hash of a register
 * reaches rank >= 3 (also rank 2 unseen), maximising the likelihood of the
 * states with u <= 2 against "u >= 3": with y^2 for rank 1 unseen and y for
 * rank 2 unseen, log L = gamma log y + (m - c0 + c10) log(1-y)
 * + (c4 + c10) log(1+y), whose score is the quadratic
 * alpha y^2 + beta y - gamma = 0 solved here. */
static double fgra_small_range_y(double c0, double c4, double c8, double c10, double m)
{
    double alpha = m + 3 * (c0 + c4 + c8 + c10);
    double beta = m - c0 - c4;
    double gamma = 4 * c0 + 2 * c4 + 3 * c8 + c10;
    return (sqrt(beta * beta + 4 * alpha * gamma) - beta) / (2 * alpha);
}

/* g of register value v (u >= 1) given z for the low states. */
static double fgra_g(int v, double z, double t1, double t2)
{
    int u = v >> 2, h = v & 3;
    if (u >= 3) return FGRA_ETA[h] * exp2(-FGRA_TAU * u);
    if (u == 1) return t1 * eta_mix(z);
    /* u == 2: bit 1 (rank 1) known; rank 0 imagined, unseen with prob z */
    if (h & 2) return t2 * (z * FGRA_ETA[2] + (1 - z) * FGRA_ETA[3]);
    return t2 * (z * FGRA_ETA[0] + (1 - z) * FGRA_ETA[1]);
}

static double fgra_factor(double m)
{
    return pow(m, 1 + 1 / FGRA_TAU) / (1 + (1 + FGRA_TAU) * FGRA_V / (2 * m));
}

/* S of the four small-range counts at a given z, per unit count. */
static void fgra_small_g(double g[4], double z)
{
    double t1 = exp2(-FGRA_TAU), t2 = exp2(-2 * FGRA_TAU);
    g[0] = fgra_sigma(z);
    g[1] = fgra_g(4, z, t1, t2);
    g[2] = fgra_g(8, z, t1, t2);
    g[3] = fgra_g(10, z, t1, t2);
}

/* Poisson-model relative variance of n_hat at lambda, by the delta method.
 * Registers are independent, so the register-value counts N_v are
 * multinomial(m, pi_v) and S = sum_v N_v g_v(z(N_0, N_4, N_8, N_10)).
 * Linearised, S moves by sum_v w_v dN_v with w_v = g_v for v >= 12 and
 * w_v = g_v + (dS/dz)(dz/dN_v) for the four small states (z is itself
 * estimated from them; ignoring that under-states the error at n ~ m by
 * a factor 5). Then Var S = m (sum pi w^2 - (sum pi w)^2), and
 * n ~ S^(-1/tau) gives RSE^2 = Var S / (tau E[S])^2. */
static double fgra_rel_var(double lambda, unsigned p)
{
    const int K = 65 - (int)p;
    const double m = (double)((size_t)1 << p);
    double pi[256] = {0};
    pi[0] = exp(-lambda);
    for (int u = 1; u <= K; u++) {
        /* Skip maxima no register ever has: all higher ranks unseen has
         * probability < e^-45, or rank u itself is seen with < 1e-18. */
        if (u < K && lambda * ldexp(1.0, -u) > 45) continue;
        if (lambda * rho(u, K) < 1e-18) break;
        double pu = -expm1(-lambda * rho(u, K));
        double above = u < K ? exp(-lambda * ldexp(1.0, -u)) : 1.0;
        double pmax = pu * above;
        double s1 = u - 1 >= 1 ? -expm1(-lambda * rho(u - 1, K)) : 0;
        double s2 = u - 2 >= 1 ? -expm1(-lambda * rho(u - 2, K)) : 0;
        for (int h = 0; h < 4; h++)
            pi[4 * u + h] += pmax * ((h & 2) ? s1 : 1 - s1) * ((h & 1) ? s2 : 1 - s2);
    }
    static const int small[4] = {0, 4, 8, 10};
    double cnt[4], w[256] = {0};
    for (int k = 0; k < 4; k++) cnt[k] = m * pi[small[k]];
    double y = fgra_small_range_y(cnt[0], cnt[1], cnt[2], cnt[3], m);
    double z = y * y * y * y, g[4];
    fgra_small_g(g, z);
    double tp[64];
    fgra_powers(tp);
    for (int v = 12; v < 256; v++) w[v] = FGRA_ETA[v & 3] * tp[v >> 2];
    if (z > 1e-300) {
        /* Central differences: dS/dz = sum_k cnt_k dg_k/dz, dz/dN_k. */
        double hz = 1e-6 * (z < 0.5 ? z : 1 - z), gp[4], gm[4];
        fgra_small_g(gp, z + hz);
        fgra_small_g(gm, z - hz);
        double dSdz = 0;
        for (int k = 0; k < 4; k++) dSdz += cnt[k] * (gp[k] - gm[k]) / (2 * hz);
        for (int k = 0; k < 4; k++) {
            double hc = 1e-4 * (cnt[k] > 1 ? cnt[k] : 1), c1[4], c2[4];
            memcpy(c1, cnt, sizeof c1);
            memcpy(c2, cnt, sizeof c2);
            c1[k] += hc;
            c2[k] -= hc;
            double y1 = fgra_small_range_y(c1[0], c1[1], c1[2], c1[3], m);
            double y2 = fgra_small_range_y(c2[0], c2[1], c2[2], c2[3], m);
            double dz = (y1 * y1 * y1 * y1 - y2 * y2 * y2 * y2) / (2 * hc);
            w[small[k]] = g[k] + dSdz * dz;
        }
    } else {
        for (int k = 0; k < 4; k++) w[small[k]] = g[k];
    }
    double e1 = 0, e2 = 0, es = 0;
    for (int v = 0; v < 256; v++) {
        if (pi[v] == 0) continue;
        e1 += pi[v] * w[v];
        e2 += pi[v] * w[v] * w[v];
    }
    for (int v = 12; v < 256; v++) es += pi[v] * w[v];
    for (int k = 0; k < 4; k++) es += pi[small[k]] * g[k];
    return (e2 - e1 * e1) / (m * FGRA_TAU * FGRA_TAU * es * es);
}

static void fgra_estimate(double *n_hat, double *var, const uint32_t c[256], unsigned p)
{
    const double m = (double)((size_t)1 << p);
    double c0 = c[0], c4 = c[4], c8 = c[8], c10 = c[10];
    double s = 0, tp[64];
    fgra_powers(tp);
    for (int v = 12; v < 256; v++)
        if (c[v]) s += c[v] * FGRA_ETA[v & 3] * tp[v >> 2];
    if (c0 + c4 + c8 + c10 > 0) {
        double y = fgra_small_range_y(c0, c4, c8, c10, m);
        double z = y * y * y * y;
        double t1 = exp2(-FGRA_TAU), t2 = exp2(-2 * FGRA_TAU);
        if (c0 != 0) s += c0 * fgra_sigma(z);
        if (c4 != 0) s += c4 * fgra_g(4, z, t1, t2);
        if (c8 != 0) s += c8 * fgra_g(8, z, t1, t2);
        if (c10 != 0) s += c10 * fgra_g(10, z, t1, t2);
    }
    if (c0 == m) { *n_hat = 0; *var = 0; return; }
    double n = fgra_factor(m) * pow(s, -1 / FGRA_TAU);
    double var_pois = n * n * fgra_rel_var(n / m, p);
    *n_hat = n;
    *var = var_pois - n;
    if (*var < VAR_FLOOR * var_pois) *var = VAR_FLOOR * var_pois;
}

/* ---- sparse ---------------------------------------------------------------- */

/* Expected number of distinct tokens from n distinct hashes: 39 rank classes
 * of 2^26 cells each, class r hit by a hash with probability pi_r = 2^-r
 * (r < 39), 2^-38 (r = 39), spread uniformly over its cells:
 *   E[D](n) = sum_r 2^26 (1 - (1 - pi_r / 2^26)^n).
 * Collisions are rare (about n^2 / (6 * 2^26) in all), so n_hat solving
 * E[D](n_hat) = D is D plus a tiny correction, and the number of collisions
 * n - D is close to Poisson(mu = n_hat - D). */
static double sparse_expected(double n, double *deriv)
{
    const double cells = 67108864.0; /* 2^26 */
    double e = 0, d = 0;
    for (int r = 1; r <= 39; r++) {
        double q = ldexp(1.0, -(r < 39 ? r : 38)) / cells;
        double l = log1p(-q);
        e += -cells * expm1(n * l);
        d += -cells * exp(n * l) * l;
    }
    *deriv = d;
    return e;
}

/* Smallest k with P(Poisson(mu) <= k) >= prob. */
static double poisson_quantile(double mu, double prob)
{
    double term = exp(-mu), cdf = term;
    int k = 0;
    while (cdf < prob && k < 100000) {
        k++;
        term *= mu / k;
        cdf += term;
    }
    return k;
}

static void sparse_estimate(unika_estimate *out, size_t tokens)
{
    double D = (double)tokens, n = D;
    for (int it = 0; it < 50 && D > 0; it++) {
        double deriv, e = sparse_expected(n, &deriv);
        double step = (e - D) / deriv;
        n -= step;
        if (!(fabs(step) > 1e-12 * (n + 1))) break;
    }
    double mu = n - D > 0 ? n - D : 0;
    out->estimate = n;
    out->std_error = sqrt(mu);
    out->ci_low = D + poisson_quantile(mu, 0.025);
    out->ci_high = D + poisson_quantile(mu, 0.975);
    /* The point estimate (D + mu) lies inside, even when the range is [D, D]. */
    if (out->ci_high < n) out->ci_high = n;
    if (out->ci_low > n) out->ci_low = n;
    out->exact = 1;
}

/* ---- public ---------------------------------------------------------------- */

static void fill_interval(unika_estimate *out, double n, double var)
{
    double se = var > 0 ? sqrt(var) : 0;
    out->estimate = n;
    out->std_error = se;
    out->ci_low = n - Z95 * se > 0 ? n - Z95 * se : 0;
    out->ci_high = n + Z95 * se;
    out->exact = 0;
}

int unika_sketch_estimate(unika_estimate *out, const unika_sketch *s, unika_estimator which,
                          unika_error *err)
{
    if (!out || !s) return unika_fail(err, UNIKA_EINVAL, "unika_sketch_estimate: NULL argument");
    if (which != UNIKA_ESTIMATOR_ML && which != UNIKA_ESTIMATOR_FGRA)
        return unika_fail_at(err, UNIKA_EINVAL, "estimator", 0,
                             "estimator: expected 0 (ML) or 1 (FGRA), got %d", (int)which);
    memset(out, 0, sizeof *out);
    if (!s->registers) {
        sparse_estimate(out, s->n_tokens);
        return 0;
    }
    uint32_t c[256];
    histogram(c, s->registers, (size_t)1 << s->p);
    double n, var;
    if (which == UNIKA_ESTIMATOR_ML) ml_estimate(&n, &var, c, s->p);
    else fgra_estimate(&n, &var, c, s->p);
    fill_interval(out, n, var);
    return 0;
}

/* Sizes of A ∩ B and A \ B of two sorted token sets. */
static void token_overlap(size_t *common, const uint32_t *a, size_t na, const uint32_t *b,
                          size_t nb)
{
    size_t i = 0, j = 0, k = 0;
    while (i < na && j < nb) {
        if (a[i] < b[j]) i++;
        else if (b[j] < a[i]) j++;
        else { k++; i++; j++; }
    }
    *common = k;
}

/* |A|, |B|, |A ∪ B| with their variances (ML); also checks fingerprints. */
static int three_estimates(unika_estimate e[3], const unika_sketch *a, const unika_sketch *b,
                           unika_error *err)
{
    unika_sketch *u = NULL;
    int rc = unika_sketch_copy(&u, a, err);
    if (rc < 0) return rc;
    rc = unika_sketch_merge(u, b, err);
    if (rc == 0) rc = unika_sketch_estimate(&e[0], a, UNIKA_ESTIMATOR_ML, err);
    if (rc == 0) rc = unika_sketch_estimate(&e[1], b, UNIKA_ESTIMATOR_ML, err);
    if (rc == 0) rc = unika_sketch_estimate(&e[2], u, UNIKA_ESTIMATOR_ML, err);
    unika_sketch_free(u);
    return rc;
}

static void exact_count(unika_estimate *out, double k)
{
    out->estimate = out->ci_low = out->ci_high = k;
    out->std_error = 0;
    out->exact = 1;
}

static void clamp_interval(unika_estimate *out, double v, double var, double hi)
{
    double se = sqrt(var > 0 ? var : 0);
    double lo_v = v - Z95 * se, hi_v = v + Z95 * se;
    out->estimate = v < 0 ? 0 : (v > hi ? hi : v);
    out->std_error = se;
    out->ci_low = lo_v < 0 ? 0 : (lo_v > hi ? hi : lo_v);
    out->ci_high = hi_v < 0 ? 0 : (hi_v > hi ? hi : hi_v);
    out->exact = 0;
}

/* ---- joint maximum likelihood for two sketches ----------------------------
 *
 * Ertl [2] estimates the sizes of A \ B, B \ A and A ∩ B jointly from two
 * HyperLogLog sketches by maximum likelihood; here the same idea is applied
 * to the UltraLogLog rank levels. Poisson model per register: three
 * independent streams, A only (rate a), B only (rate b) and both (rate x).
 * Rank level k of A's register is seen iff the A-only or the shared stream
 * hits it, and likewise for B, so per level (rho = rho_k)
 *     P(neither)   = e^-(a+b+x)rho        P(A, not B) = e^-(b+x)rho (1 - e^-a rho)
 *     P(B, not A)  = e^-(a+x)rho (1 - e^-b rho)
 *     P(both)      = dX + (1 - dX) dA dB,  dY = 1 - e^-(y rho)
 * and when a level is revealed by only one register (the other's history
 * does not reach down to it), its marginal: P(A seen) = 1 - e^-(a+x)rho.
 * Levels are independent, so the likelihood is a product over (level,
 * category) of these, raised to the number of registers in that category:
 * a 64 x 8 histogram suffices. We maximise it over x with the marginals
 * pinned (joint_ml); the covariance is the inverse observed information
 * (analytic gradient, Hessian by differences of it), less the Poisson
 * variance of the count itself (as for single estimates, see the banner). */
enum { J00, J10, J01, J11, JA0, JA1, JB0, JB1, NCAT };

/* The lowest rank level a register reveals (its u - 2, at least 1; an empty
 * register reveals every level as unseen); *u gets its u (0 when empty). */
static int reg_levels(uint8_t r, int *u)
{
    if (r == 0) { *u = 0; return 1; }
    *u = r >> 2;
    return *u - 2 > 1 ? *u - 2 : 1;
}

static int level_seen(uint8_t r, int u, int k)
{
    if (r == 0 || k > u) return 0;
    if (k == u) return 1;
    if (k == u - 1) return (r >> 1) & 1;
    return r & 1; /* k == u - 2 */
}

static void joint_histogram(double N[65][NCAT], const uint8_t *ra, const uint8_t *rb, size_t m,
                            int K)
{
    /* Levels above both maxima are "neither seen" in every register: count
     * them with a difference array instead of level by level. */
    double above[67] = {0};
    memset(N, 0, sizeof(double) * 65 * NCAT);
    for (size_t i = 0; i < m; i++) {
        int ua, ub, la = reg_levels(ra[i], &ua), lb = reg_levels(rb[i], &ub);
        int top = ua > ub ? ua : ub, lo = la < lb ? la : lb;
        for (int k = lo; k <= top && k <= K; k++) {
            int inA = k >= la, inB = k >= lb;
            int sa = inA && level_seen(ra[i], ua, k), sb = inB && level_seen(rb[i], ub, k);
            if (inA && inB) N[k][sa ? (sb ? J11 : J10) : (sb ? J01 : J00)] += 1;
            else if (inA) N[k][sa ? JA1 : JA0] += 1;
            else if (inB) N[k][sb ? JB1 : JB0] += 1;
        }
        above[top + 1 <= K + 1 ? top + 1 : K + 1] += 1;
    }
    double run = 0;
    for (int k = 1; k <= K; k++) {
        run += above[k];
        N[k][J00] += run;
    }
}

typedef struct joint_ctx {
    double N[65][NCAT];
    int K;
} joint_ctx;

/* Log-likelihood and gradient at t = (a, b, x) (per-register rates). */
static double joint_loglik(const joint_ctx *c, const double t[3], double g[3])
{
    double L = 0;
    if (g) g[0] = g[1] = g[2] = 0;
    for (int k = 1; k <= c->K; k++) {
        const double *n = c->N[k];
        double r = rho(k, c->K);
        double dA = -expm1(-t[0] * r), dB = -expm1(-t[1] * r), dX = -expm1(-t[2] * r);
        double eA = 1 - dA, eB = 1 - dB, eX = 1 - dX;
        /* unseen parts are linear in the rates */
        double ua = n[J00] + n[J01] + n[JA0], ub = n[J00] + n[J10] + n[JB0];
        double ux = n[J00] + n[J10] + n[J01] + n[JA0] + n[JB0];
        L -= r * (t[0] * ua + t[1] * ub + t[2] * ux);
        double p11 = dX + eX * dA * dB;
        double pA1 = dA + dX - dA * dX, pB1 = dB + dX - dB * dX;
        if (n[J10] > 0) L += n[J10] * log(dA);
        if (n[J01] > 0) L += n[J01] * log(dB);
        if (n[J11] > 0) L += n[J11] * log(p11);
        if (n[JA1] > 0) L += n[JA1] * log(pA1);
        if (n[JB1] > 0) L += n[JB1] * log(pB1);
        if (!g) continue;
        g[0] -= r * ua;
        g[1] -= r * ub;
        g[2] -= r * ux;
        if (n[J10] > 0) g[0] += n[J10] * r * eA / dA;
        if (n[J01] > 0) g[1] += n[J01] * r * eB / dB;
        if (n[J11] > 0) {
            g[0] += n[J11] * r * eA * eX * dB / p11;
            g[1] += n[J11] * r * eB * eX * dA / p11;
            g[2] += n[J11] * r * eX * (1 - dA * dB) / p11;
        }
        if (n[JA1] > 0) {
            double q = n[JA1] * r * eA * eX / pA1;
            g[0] += q;
            g[2] += q;
        }
        if (n[JB1] > 0) {
            double q = n[JB1] * r * eB * eX / pB1;
            g[1] += q;
            g[2] += q;
        }
    }
    return L;
}

/* Negative Hessian by central differences of the analytic gradient. */
static void joint_info(const joint_ctx *c, const double t[3], double H[3][3])
{
    for (int j = 0; j < 3; j++) {
        double h = 1e-5 * t[j] + 1e-12, tp[3], tm[3], gp[3], gm[3];
        memcpy(tp, t, sizeof tp);
        memcpy(tm, t, sizeof tm);
        tp[j] += h;
        tm[j] = tm[j] - h > 0 ? tm[j] - h : tm[j] / 2;
        double span = tp[j] - tm[j];
        (void)joint_loglik(c, tp, gp);
        (void)joint_loglik(c, tm, gm);
        for (int i = 0; i < 3; i++) H[i][j] = -(gp[i] - gm[i]) / span;
    }
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++) H[i][j] = H[j][i] = (H[i][j] + H[j][i]) / 2;
}

/* Inverse of a symmetric positive-definite 3x3 matrix; 0 if singular. */
static int inv3(double out[3][3], double M[3][3])
{
    double det = M[0][0] * (M[1][1] * M[2][2] - M[1][2] * M[2][1]) -
                 M[0][1] * (M[1][0] * M[2][2] - M[1][2] * M[2][0]) +
                 M[0][2] * (M[1][0] * M[2][1] - M[1][1] * M[2][0]);
    if (!(fabs(det) > 0) || !isfinite(det)) return 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            int i1 = (j + 1) % 3, i2 = (j + 2) % 3, j1 = (i + 1) % 3, j2 = (i + 2) % 3;
            out[i][j] = (M[i1][j1] * M[i2][j2] - M[i1][j2] * M[i2][j1]) / det;
        }
    return 1;
}

/* Joint estimate: est = (|A \ B|, |B \ A|, |A ∩ B|) and their covariance
 * (people^2, Poisson model). The marginal rates are pinned to the single
 * ML estimates, lambda_A = a + x and lambda_B = b + x, and the likelihood is
 * maximised over the shared rate x in [0, min(lambda_A, lambda_B)] only
 * (bisection on the sign of its derivative): an unconstrained 3-parameter
 * fit that ends on the boundary x = 0 inflates a and b instead (measured:
 * +0.5% bias of |A \ B| when the overlap is tiny). The covariance is the
 * inverse of the full 3 x 3 observed information at that point.
 * Returns 0, -1 when the information is singular, -2 on ENOMEM. */
static int joint_ml(double est[3], double cov[3][3], const uint8_t *ra, const uint8_t *rb,
                    unsigned p)
{
    const double m = (double)((size_t)1 << p);
    joint_ctx *c = unika_malloc(sizeof *c);
    if (!c) return -2;
    c->K = 65 - (int)p;
    joint_histogram(c->N, ra, rb, (size_t)m, c->K);
    uint32_t ha[256], hb[256];
    histogram(ha, ra, (size_t)m);
    histogram(hb, rb, (size_t)m);
    double na, nb, var_unused;
    ml_estimate(&na, &var_unused, ha, p);
    ml_estimate(&nb, &var_unused, hb, p);
    double la = na / m, lb = nb / m, hi = la < lb ? la : lb;
    double tiny = 1e-12 * (la + lb) + 1e-300;
    /* d/dx L(la - x, lb - x, x) = g_x - g_a - g_b */
    double lo_x = tiny, hi_x = hi - tiny, x;
    double t[3], g[3];
#define JOINT_SLOPE(xv) (t[0] = la - (xv), t[1] = lb - (xv), t[2] = (xv), \
                         (void)joint_loglik(c, t, g), g[2] - g[0] - g[1])
    if (!(hi_x > lo_x)) x = hi > 0 ? hi / 2 : 0;
    else if (JOINT_SLOPE(lo_x) <= 0) x = lo_x;
    else if (JOINT_SLOPE(hi_x) >= 0) x = hi_x;
    else {
        for (int it = 0; it < 80 && hi_x - lo_x > 1e-10 * hi; it++) {
            double mid = 0.5 * (lo_x + hi_x);
            if (JOINT_SLOPE(mid) > 0) lo_x = mid;
            else hi_x = mid;
        }
        x = 0.5 * (lo_x + hi_x);
    }
#undef JOINT_SLOPE
    double tt[3] = {la - x > tiny ? la - x : tiny, lb - x > tiny ? lb - x : tiny,
                    x > tiny ? x : tiny};
    double H[3][3], Hi[3][3];
    joint_info(c, tt, H);
    int ok = inv3(Hi, H);
    unika_free(c);
    if (!ok) return -1;
    /* On a boundary report it exactly (A = B gives |A \ B| = 0, not 1e-7). */
    double xe = x <= tiny ? 0 : (x >= hi - tiny ? hi : x);
    est[0] = na - m * xe;
    est[1] = nb - m * xe;
    est[2] = m * xe;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) cov[i][j] = m * m * Hi[i][j];
    return 0;
}

static int overlap_common(unika_estimate *out, const unika_sketch *a, const unika_sketch *b,
                          int difference, unika_error *err)
{
    if (!out || !a || !b) return unika_fail(err, UNIKA_EINVAL, "overlap estimate: NULL argument");
    memset(out, 0, sizeof *out);
    unika_estimate e[3];
    int rc = three_estimates(e, a, b, err); /* also refuses other keys/recipes */
    if (rc < 0) return rc;
    if (!a->registers && !b->registers) {
        size_t k;
        token_overlap(&k, a->tokens, a->n_tokens, b->tokens, b->n_tokens);
        exact_count(out, difference ? (double)(a->n_tokens - k) : (double)k);
        return 0;
    }
    double na = e[0].estimate, nb = e[1].estimate, nu = e[2].estimate;
    unsigned p = a->p < b->p ? a->p : b->p;
    size_t m = (size_t)1 << p;
    uint8_t *ra = unika_malloc(m), *rb = unika_malloc(m);
    if (!ra || !rb) {
        unika_free(ra);
        unika_free(rb);
        return unika_fail(err, UNIKA_ENOMEM, "out of memory for an overlap estimate");
    }
    unika_sketch_registers_at(ra, p, a);
    unika_sketch_registers_at(rb, p, b);
    double est[3], cov[3][3];
    int jr = joint_ml(est, cov, ra, rb, p);
    unika_free(ra);
    unika_free(rb);
    if (jr == -2) return unika_fail(err, UNIKA_ENOMEM, "out of memory for an overlap estimate");
    int i = difference ? 0 : 2;
    double va = e[0].std_error * e[0].std_error, vb = e[1].std_error * e[1].std_error,
           vu = e[2].std_error * e[2].std_error;
    if (jr == 0) {
        /* Fixed-n variance: less the Poisson variance of the count itself,
         * floored as for single estimates. On the boundary (e.g.
         * A = B, so |A \ B| = 0) the information can degenerate; then the
         * conservative inclusion-exclusion variance stands in. */
        double var = cov[i][i] - est[i];
        if (var < VAR_FLOOR * cov[i][i]) var = VAR_FLOOR * cov[i][i];
        if (!(var > 0) || !isfinite(var)) var = difference ? vu + vb : va + vb + vu;
        /* The interval may not exceed what |A| (and |B|) could be. */
        double hi = difference ? e[0].ci_high
                               : (e[0].ci_high < e[1].ci_high ? e[0].ci_high : e[1].ci_high);
        clamp_interval(out, est[i], var, hi > est[i] ? hi : est[i]);
        return 0;
    }
    /* Fallback, inclusion-exclusion with a conservative SE (ignoring the
     * covariances bounds the variance for disjoint and for equal sets). */
    if (difference) clamp_interval(out, nu - nb, vu + vb, na);
    else clamp_interval(out, na + nb - nu, va + vb + vu, na < nb ? na : nb);
    return 0;
}

int unika_sketch_intersection(unika_estimate *out, const unika_sketch *a, const unika_sketch *b,
                              unika_error *err)
{
    return overlap_common(out, a, b, 0, err);
}

int unika_sketch_difference(unika_estimate *out, const unika_sketch *a, const unika_sketch *b,
                            unika_error *err)
{
    return overlap_common(out, a, b, 1, err);
}
