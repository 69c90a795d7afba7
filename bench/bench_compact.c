/*
 * bench_compact.c - the compact encoding of dense sketches (payload
 * encoding 2, docs/format.md §7.1): file bytes beside PostgreSQL `hll` and
 * Redis at equal error, the aggregator's parse + merge of 1,000 compact
 * p = 12 files, and the cost of serialising one. Prints figures; asserts
 * nothing.
 *
 *     bench_compact [sketches per n (100)] [rounds (11)]
 *
 * Bytes. For each n, `sketches` independent sets of n random 64-bit hashes
 * go into a unika p = 12 sketch and, in the same pass, into simulated
 * registers of pg `hll` 11/5 and 12/5 and of Redis (p = 14, 6-bit). A
 * peer's bytes are computed from its documented storage format, not read
 * from a server (docs/peers.md has servers measured):
 *   - pg `hll` (postgresql-hll STORAGE.md, defaults expthresh -1, sparseon):
 *     3 header bytes, then EXPLICIT 8 bytes a hash while that is at most
 *     the FULL size, else SPARSE (log2m + regwidth) bits a non-zero
 *     register while shorter than FULL, else FULL regwidth bits a register;
 *   - Redis (hyperloglog.c): 16 header bytes, then the sparse opcodes
 *     (ZERO, XZERO, VAL) while at most hll-sparse-max-bytes (3,000) and no
 *     register above 32, else 12,288 dense bytes.
 * Errors: each system's estimate of each set against n, RSE = sqrt(mean
 * squared relative error): unika's ML estimator; pg `hll`'s estimator
 * (exact in EXPLICIT mode, else HyperLogLog with linear counting below 5m/2);
 * Redis' (Ertl's improved raw estimator, hllCount since Redis 5).
 *
 * Equal error: RSE falls as 1/sqrt(registers), so a sketch of B bytes with
 * error r needs B * (r / r_unika)^2 bytes to reach unika's error r_unika (the
 * same register width, more registers). "bytes at unika's error" is that,
 * from the measured RSEs; "err x sqrt(B)" is the size-free figure of merit
 * it comes from (smaller is better). Both need unika's error above zero: at
 * n <= 2^p / 4 = 1,024 unika is sparse and exact, and they show "-".
 *
 * The lambda byte: how many bytes the canonical lambda byte (a moment
 * estimate a reader can check) costs against the best of all 256 for the
 * same registers (docs/format.md §7.1).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sketch/sketch_compact.h"
#include "sketch/sketch_private.h"
#include "unika.h"
#include "benchutil.h"

enum { P = 12, REDIS_P = 14, REDIS_Q = 64 - REDIS_P };

static const uint8_t FP[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

/* ---- peers' registers, bytes and estimates -------------------------------------- */

/* An HLL register array: index = low log2m bits, value = rank of the rest
 * (ctz + 1), capped at cap (pg `hll` 5-bit: 31; Redis: q + 1 = 51). */
typedef struct hll {
    unsigned log2m, cap;
    uint8_t *reg;
} hll;

static void hll_add(hll *h, uint64_t x)
{
    uint64_t w = x >> h->log2m;
    unsigned r = w ? (unsigned)__builtin_ctzll(w) + 1 : 64 - h->log2m + 1;
    if (r > h->cap) r = h->cap;
    uint8_t *slot = &h->reg[x & ((1u << h->log2m) - 1)];
    if (r > *slot) *slot = (uint8_t)r;
}

static size_t nonzero(const hll *h)
{
    size_t k = 0;
    for (size_t i = 0; i < (size_t)1 << h->log2m; i++) k += h->reg[i] != 0;
    return k;
}

/* pg `hll` storage bytes at regwidth 5 with the default (auto) cut-offs. */
static size_t pg_bytes(const hll *h, size_t n)
{
    size_t m = (size_t)1 << h->log2m, full = (m * 5 + 7) / 8;
    if (n == 0) return 3;
    if (8 * n <= full) return 3 + 8 * n;                       /* EXPLICIT */
    size_t k = nonzero(h), sparse = (k * (h->log2m + 5) + 7) / 8;
    return 3 + (sparse < full ? sparse : full);                /* SPARSE or FULL */
}

static double pg_estimate(const hll *h, size_t n)
{
    size_t m = (size_t)1 << h->log2m;
    if (8 * n <= (m * 5 + 7) / 8) return (double)n; /* EXPLICIT: the hashes themselves */
    double sum = 0, alpha = 0.7213 / (1.0 + 1.079 / (double)m);
    size_t zeros = 0;
    for (size_t i = 0; i < m; i++) sum += ldexp(1.0, -h->reg[i]), zeros += h->reg[i] == 0;
    double e = alpha * (double)m * (double)m / sum;
    if (e <= 2.5 * (double)m && zeros) e = (double)m * log((double)m / (double)zeros);
    return e;
}

/* Redis: the sparse opcodes' bytes, or dense when too long or a value > 32. */
static size_t redis_bytes(const hll *h)
{
    size_t m = (size_t)1 << h->log2m, bytes = 16;
    for (size_t i = 0; i < m;) {
        uint8_t v = h->reg[i];
        size_t run = 1;
        while (i + run < m && h->reg[i + run] == v) run++;
        if (v > 32) return 16 + 12288;
        if (v == 0) bytes += run > 64 ? 2 * ((run + 16383) / 16384) : 1; /* XZERO / ZERO */
        else bytes += (run + 3) / 4;                                      /* VAL */
        i += run;
    }
    return bytes > 16 + 3000 ? 16 + 12288 : bytes;
}

static double redis_tau(double x)
{
    if (x == 0.0 || x == 1.0) return 0.0;
    double y = 1.0, z = 1 - x, zp;
    do {
        x = sqrt(x);
        zp = z;
        y *= 0.5;
        z -= pow(1 - x, 2) * y;
    } while (zp != z);
    return z / 3;
}

static double redis_sigma(double x)
{
    if (x == 1.0) return INFINITY;
    double y = 1, z = x, zp;
    do {
        x *= x;
        zp = z;
        z += x * y;
        y += y;
    } while (zp != z);
    return z;
}

static double redis_estimate(const hll *h)
{
    double m = (double)(1u << h->log2m), c[REDIS_Q + 2] = {0};
    for (size_t i = 0; i < (size_t)1 << h->log2m; i++) c[h->reg[i]] += 1;
    double z = m * redis_tau((m - c[REDIS_Q + 1]) / m);
    for (int k = REDIS_Q; k >= 1; k--) z = (z + c[k]) * 0.5;
    z += m * redis_sigma(c[0] / m);
    return round(0.721347520444481703680 * m * m / z);
}

/* ---- one n ---------------------------------------------------------------------- */

typedef struct stat {
    double sum, min, max, sq_err; /* bytes: sum, min, max; squared relative error */
} stat;

/* Canonical payload bytes minus the fewest any lambda byte gives. */
static double lambda_loss(const unika_sketch *s)
{
    size_t cap = unika_compact_bound(P), best = SIZE_MAX;
    uint8_t *buf = malloc(cap);
    if (!buf) exit(1);
    size_t canonical = unika_compact_encode(buf, cap, s->registers, P);
    for (unsigned b = 0; b < 256; b++) {
        size_t n = unika_compact_encode_lambda(buf, cap, s->registers, P, b);
        if (n < best) best = n;
    }
    free(buf);
    return (double)(canonical - best);
}

static double loss_sum, loss_max;
static int loss_count;

static void stat_add(stat *s, double bytes, double est, double n, int first)
{
    s->sum += bytes;
    s->min = first || bytes < s->min ? bytes : s->min;
    s->max = first || bytes > s->max ? bytes : s->max;
    s->sq_err += (est - n) * (est - n) / (n * n);
}

enum { SYS_PLAIN, SYS_COMPACT, SYS_PG11, SYS_PG12, SYS_REDIS, SYS_N };
static const char *const SYS_NAME[SYS_N] = {"unika p12 plain", "unika p12 compact",
                                            "pg hll 11/5", "pg hll 12/5", "Redis p14"};

static size_t file_bytes(const unika_sketch *s, unsigned encoding)
{
    size_t n = 0;
    if (unika_sketch_serialize_as(NULL, 0, &n, s, encoding, NULL) != UNIKA_EBUFFER) exit(1);
    return n;
}

/* One trial: n hashes into every system; adds to the stats. */
static void trial(stat st[SYS_N], size_t n, uint64_t seed, int first)
{
    unika_sketch *s = NULL;
    if (unika_sketch_new(&s, P, FP, FP, NULL) < 0) exit(1);
    hll pg11 = {11, 31, calloc(1u << 11, 1)}, pg12 = {12, 31, calloc(1u << 12, 1)},
        redis = {REDIS_P, REDIS_Q + 1, calloc(1u << REDIS_P, 1)};
    if (!pg11.reg || !pg12.reg || !redis.reg) exit(1);
    for (size_t i = 0; i < n; i++) {
        uint64_t x = bench_splitmix64(&seed);
        if (unika_sketch_add_hash(s, x, NULL) < 0) exit(1);
        hll_add(&pg11, x), hll_add(&pg12, x), hll_add(&redis, x);
    }
    unika_estimate e;
    if (unika_sketch_estimate(&e, s, UNIKA_ESTIMATOR_ML, NULL) < 0) exit(1);
    double dn = (double)n;
    stat_add(&st[SYS_PLAIN], (double)file_bytes(s, UNIKA_ENCODING_PLAIN), e.estimate, dn, first);
    stat_add(&st[SYS_COMPACT], (double)file_bytes(s, UNIKA_ENCODING_COMPACT), e.estimate, dn,
             first);
    stat_add(&st[SYS_PG11], (double)pg_bytes(&pg11, n), pg_estimate(&pg11, n), dn, first);
    stat_add(&st[SYS_PG12], (double)pg_bytes(&pg12, n), pg_estimate(&pg12, n), dn, first);
    stat_add(&st[SYS_REDIS], (double)redis_bytes(&redis), redis_estimate(&redis), dn, first);
    if (s->registers) {
        double loss = lambda_loss(s);
        loss_sum += loss, loss_count++;
        if (loss > loss_max) loss_max = loss;
    }
    free(pg11.reg), free(pg12.reg), free(redis.reg);
    unika_sketch_free(s);
}

static void bytes_for_n(size_t n, int trials)
{
    stat st[SYS_N];
    memset(st, 0, sizeof st);
    for (int t = 0; t < trials; t++) trial(st, n, 1000003u * n + (uint64_t)t, t == 0);
    double rse[SYS_N];
    for (int k = 0; k < SYS_N; k++) rse[k] = sqrt(st[k].sq_err / trials);
    double r_unika = rse[SYS_COMPACT];
    for (int k = 0; k < SYS_N; k++) {
        double mean = st[k].sum / trials;
        printf("| %zu | %s | %.0f | %.0f | %.0f | %.3f%% |", n, SYS_NAME[k], mean, st[k].min,
               st[k].max, 100 * rse[k]);
        if (r_unika > 1e-4 && rse[k] > 1e-4)
            printf(" %.1f | %.0f |\n", 100 * rse[k] * sqrt(mean),
                   mean * (rse[k] / r_unika) * (rse[k] / r_unika));
        else
            printf(" - | - |\n");
    }
}

/* ---- parse + merge of 1,000 files -------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Median over rounds of: parse every file (all checks) and merge it into one
 * union, as `unika merge` does after reading; the files are in memory. */
static void parse_merge(size_t n, unsigned encoding, int rounds)
{
    enum { FILES = 1000 };
    uint8_t **bytes = malloc(FILES * sizeof *bytes);
    size_t *len = malloc(FILES * sizeof *len), total = 0;
    double *ms = malloc((size_t)rounds * sizeof *ms);
    if (!bytes || !len || !ms) exit(1);
    for (int f = 0; f < FILES; f++) {
        unika_sketch *s = NULL;
        uint64_t seed = 77u * (uint64_t)f + n;
        if (unika_sketch_new(&s, P, FP, FP, NULL) < 0) exit(1);
        for (size_t i = 0; i < n; i++)
            if (unika_sketch_add_hash(s, bench_splitmix64(&seed), NULL) < 0) exit(1);
        len[f] = file_bytes(s, encoding);
        bytes[f] = malloc(len[f]);
        if (!bytes[f] || unika_sketch_serialize_as(bytes[f], len[f], &len[f], s, encoding, NULL))
            exit(1);
        total += len[f];
        unika_sketch_free(s);
    }
    for (int r = 0; r < rounds; r++) {
        double t0 = bench_wall_ns();
        unika_sketch *u = NULL;
        for (int f = 0; f < FILES; f++) {
            unika_sketch *t = NULL;
            if (unika_sketch_parse(&t, bytes[f], len[f], NULL) < 0) exit(1);
            if (!u) u = t;
            else if (unika_sketch_merge(u, t, NULL) < 0) exit(1);
            if (t != u) unika_sketch_free(t);
        }
        ms[r] = (bench_wall_ns() - t0) / 1e6;
        unika_sketch_free(u);
    }
    qsort(ms, (size_t)rounds, sizeof *ms, cmp_double);
    printf("| %s | %zu | %.0f | %.2f | %.2f | %.2f |\n",
           encoding == UNIKA_ENCODING_COMPACT ? "compact" : "plain", n,
           (double)total / FILES, ms[rounds / 2], ms[0], ms[rounds - 1]);
    for (int f = 0; f < FILES; f++) free(bytes[f]);
    free(bytes), free(len), free(ms);
}

/* Serialising one dense p = 12 sketch (n = 10^6), best of rounds of 1,000. */
static void serialise_cost(int rounds)
{
    unika_sketch *s = NULL;
    uint64_t seed = 99;
    if (unika_sketch_new(&s, P, FP, FP, NULL) < 0) exit(1);
    for (size_t i = 0; i < 1000000; i++)
        if (unika_sketch_add_hash(s, bench_splitmix64(&seed), NULL) < 0) exit(1);
    uint8_t buf[8192];
    for (unsigned enc = UNIKA_ENCODING_PLAIN; enc <= UNIKA_ENCODING_COMPACT; enc++) {
        double best = 1e300;
        size_t n = 0;
        for (int r = 0; r < rounds; r++) {
            double t0 = bench_wall_ns();
            for (int k = 0; k < 1000; k++)
                if (unika_sketch_serialize_as(buf, sizeof buf, &n, s, enc, NULL) < 0) exit(1);
            double t = (bench_wall_ns() - t0) / 1000;
            if (t < best) best = t;
        }
        printf("Serialise a dense p = 12 sketch, encoding %u: %.2f us (%zu bytes; best of %d "
               "rounds of 1,000).\n", enc, best / 1000, n, rounds);
    }
    unika_sketch_free(s);
}

int main(int argc, char **argv)
{
    int trials = argc > 1 ? atoi(argv[1]) : 100, rounds = argc > 2 ? atoi(argv[2]) : 11;
    if (trials < 2 || rounds < 1 || unika_init() < 0) return 2;
    static const size_t ns[] = {1000, 3000, 10000, 100000, 1000000};
    printf("Bytes over %d sketches per n (p = 12 for unika); RSE over the same sketches.\n\n",
           trials);
    printf("| n | system | mean B | min B | max B | RSE | err x sqrt(B) | B at unika's error |\n"
           "|---|---|---:|---:|---:|---:|---:|---:|\n");
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) bytes_for_n(ns[i], trials);
    printf("\nThe canonical lambda byte against the best of 256, over the %d dense sketches: "
           "%.2f bytes more on average, %.0f at most.\n", loss_count,
           loss_count ? loss_sum / loss_count : 0.0, loss_max);
    printf("\nParse (every check) + merge of 1,000 p = 12 files in memory, %d rounds (ms).\n\n",
           rounds);
    printf("| encoding | n per file | bytes per file | median | min | max |\n"
           "|---|---:|---:|---:|---:|---:|\n");
    static const size_t pn[] = {3000, 1000000};
    for (size_t i = 0; i < 2; i++) {
        parse_merge(pn[i], UNIKA_ENCODING_PLAIN, rounds);
        parse_merge(pn[i], UNIKA_ENCODING_COMPACT, rounds);
    }
    printf("\n");
    serialise_cost(rounds);
    return 0;
}
