/*
 * bench_membership.c - how well can someone tell whether a given person is
 * in a sketch? Membership-inference advantage, measured.
 *
 * Setting (docs/security.md, "Membership inference"). A sketch holds n
 * people. The adversary picks a target person, learns the target's
 * pseudonym somehow (the worst case), looks at the raw sketch, and answers
 * "in" or "out". Its advantage is TPR - FPR: the rate of "in" for members
 * minus the rate of "in" for non-members (0 = no better than a coin,
 * 1 = perfect).
 *
 * The test measured is the best one a single register (or, while the
 * sketch is sparse, a single token) allows: "in" iff adding the target's
 * sketch hash would leave the sketch unchanged. A member always passes it
 * (TPR = 1); a non-member passes only when other people happen to explain
 * the register already. Every state the test calls "out" is impossible for
 * a member, and for the other states the likelihood ratio is >= 1, so no
 * other test on that register has a larger TPR - FPR.
 *
 *   (a) with the partnership key: the adversary computes the target's real
 *       sketch hash (SipHash-2-4 of the pseudonym under the sketch subkey);
 *   (b) without it: the adversary must guess the subkey; its hash is SipHash
 *       under a different random key, i.e. a random 64-bit value unrelated
 *       to where the target actually landed.
 *
 * Column "dense" repeats (a) on the dense UltraLogLog registers of the same
 * people (the state a sketch would have without the sparse phase), so the
 * figures compare with the 0.99 / 0.90 / 0.74 at 4,096 registers.
 *
 * Trials: for each (n, p), SKETCHES independent sketches; in each, TESTS
 * members and TESTS fresh non-members are tested, so each rate rests on
 * SKETCHES * TESTS = 20,000 trials. 95% intervals: Wilson score for each
 * rate, Newcombe's hybrid score interval for the difference (it stays
 * valid at rates of 0 or 1, where the normal approximation collapses).
 * With 20,000 trials per arm the interval half-width is at most
 * 1.96 * sqrt(2 * 0.25 / 20000) = 0.0098, so a keyless advantage within
 * +-0.02 of zero is a measured statement, not a claim.
 *
 * Fixed seeds: the same build prints the same table. Figures only.
 *
 *   bench_membership [sketches_per_point]   (default 400)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "unika.h"
#include "unika/sketch.h"
#include "benchutil.h"

#define TESTS 50 /* members and non-members tested per sketch */

/* Pseudonym of person `i` of trial `t`: 32 bytes from a seeded generator.
 * Members are i < n, non-members i >= n, so they never coincide. */
static void pseudonym(uint8_t out[UNIKA_PSEUDONYM_BYTES], uint64_t t, uint64_t i)
{
    uint64_t st = 0x756e696b61ULL ^ (t * 0x100000001b3ULL) ^ (i << 20) ^ i;
    for (int k = 0; k < 4; k++) {
        uint64_t v = bench_splitmix64(&st);
        for (int b = 0; b < 8; b++) out[8 * k + b] = (uint8_t)(v >> (8 * b));
    }
}

static uint64_t siphash(const uint8_t pseudo[UNIKA_PSEUDONYM_BYTES],
                        const uint8_t key[crypto_shorthash_KEYBYTES])
{
    uint8_t h[crypto_shorthash_BYTES];
    crypto_shorthash(h, pseudo, UNIKA_PSEUDONYM_BYTES, key);
    uint64_t v = 0;
    for (int b = 7; b >= 0; b--) v = (v << 8) | h[b];
    return v;
}

/* ---- dense UltraLogLog registers, for the "dense" column ------------------
 * A register byte holds u = the largest rank seen (high 6 bits) and whether
 * ranks u-1 and u-2 were seen (low 2 bits), as in src/sketch/sketch.c. */
static uint64_t reg_ranks(uint8_t r)
{
    return (((uint64_t)(4u | (r & 3u)) << (r >> 2)) >> 2) & ~(uint64_t)1;
}

static uint8_t reg_of_ranks(uint64_t mask)
{
    unsigned u = 63u - (unsigned)__builtin_clzll(mask);
    return (uint8_t)((u << 2) | (((mask << 2) >> u) & 3u));
}

static void dense_slot(uint64_t hash, unsigned p, size_t *idx, uint64_t *bit)
{
    uint64_t w = hash >> p;
    unsigned rank = w ? (unsigned)__builtin_ctzll(w) + 1u : 65u - p;
    *idx = (size_t)(hash & (((uint64_t)1 << p) - 1));
    *bit = (uint64_t)1 << rank;
}

static void dense_add(uint8_t *regs, unsigned p, uint64_t hash)
{
    size_t i;
    uint64_t bit;
    dense_slot(hash, p, &i, &bit);
    regs[i] = reg_of_ranks(reg_ranks(regs[i]) | bit);
}

static int dense_consistent(const uint8_t *regs, unsigned p, uint64_t hash)
{
    size_t i;
    uint64_t bit;
    dense_slot(hash, p, &i, &bit);
    return reg_of_ranks(reg_ranks(regs[i]) | bit) == regs[i];
}

/* ---- the sketch test --------------------------------------------------- */

/* 1 iff adding `hash` leaves the sketch byte-for-byte unchanged. */
static int sketch_consistent(const unika_sketch *s, uint64_t hash)
{
    unika_sketch *c = NULL;
    if (unika_sketch_copy(&c, s, NULL) < 0 || unika_sketch_add_hash(c, hash, NULL) < 0) {
        fprintf(stderr, "bench_membership: out of memory\n");
        exit(1);
    }
    int same = unika_sketch_equal(c, s);
    unika_sketch_free(c);
    return same;
}

/* ---- intervals ------------------------------------------------------------ */

static void wilson(double k, double n, double *lo, double *hi)
{
    const double z = 1.959963984540054;
    double ph = k / n, z2 = z * z;
    double centre = (ph + z2 / (2 * n)) / (1 + z2 / n);
    double half = z * sqrt(ph * (1 - ph) / n + z2 / (4 * n * n)) / (1 + z2 / n);
    *lo = centre - half;
    *hi = centre + half;
}

typedef struct {
    long in_members, in_nonmembers, trials; /* trials per arm */
} counts;

typedef struct {
    double tpr, fpr, adv, lo, hi;
} advantage;

/* Newcombe (1998), method 10: difference of two independent proportions. */
static advantage advantage_of(const counts *c)
{
    advantage a;
    double n = (double)c->trials, l1, u1, l0, u0;
    a.tpr = (double)c->in_members / n;
    a.fpr = (double)c->in_nonmembers / n;
    a.adv = a.tpr - a.fpr;
    wilson((double)c->in_members, n, &l1, &u1);
    wilson((double)c->in_nonmembers, n, &l0, &u0);
    a.lo = a.adv - sqrt((a.tpr - l1) * (a.tpr - l1) + (u0 - a.fpr) * (u0 - a.fpr));
    a.hi = a.adv + sqrt((u1 - a.tpr) * (u1 - a.tpr) + (a.fpr - l0) * (a.fpr - l0));
    return a;
}

int main(int argc, char **argv)
{
    long sketches = argc > 1 ? strtol(argv[1], NULL, 10) : 400;
    if (sketches < 1) sketches = 400;
    if (unika_init() < 0) {
        fprintf(stderr, "bench_membership: unika_init failed\n");
        return 1;
    }
    uint8_t key[crypto_shorthash_KEYBYTES], wrong_key[crypto_shorthash_KEYBYTES];
    uint64_t st = 2017;
    for (size_t i = 0; i < sizeof key; i++) key[i] = (uint8_t)i;            /* fixed */
    for (size_t i = 0; i < sizeof wrong_key; i++) wrong_key[i] = (uint8_t)bench_splitmix64(&st);
    static const uint8_t key_fp[UNIKA_FINGERPRINT_BYTES] = {1},
                         recipe_fp[UNIKA_FINGERPRINT_BYTES] = {2};
    static const long sizes[] = {100, 1000, 3000};
    static const unsigned precisions[] = {10, 12, 14};

    printf("membership inference: advantage = TPR - FPR of the best single-register test\n");
    printf("%ld sketches per point, %d members + %d non-members tested in each "
           "(%ld trials per arm); 95%% intervals (Newcombe/Wilson)\n\n",
           sketches, TESTS, TESTS, sketches * TESTS);
    printf("%6s %3s %7s | %-33s | %-24s | %-24s | %6s\n", "n", "p", "phase",
           "with key: TPR  FPR  advantage", "with key, dense registers", "without key: advantage",
           "s");
    for (size_t ni = 0; ni < sizeof sizes / sizeof sizes[0]; ni++) {
        for (size_t pi = 0; pi < sizeof precisions / sizeof precisions[0]; pi++) {
            long n = sizes[ni];
            unsigned p = precisions[pi];
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            counts keyed = {0, 0, 0}, dense = {0, 0, 0}, keyless = {0, 0, 0};
            long sparse_count = 0;
            uint8_t *regs = malloc((size_t)1 << p);
            for (long t = 0; t < sketches; t++) {
                uint64_t trial = ((uint64_t)ni << 40) ^ ((uint64_t)p << 32) ^ (uint64_t)t;
                unika_sketch *s = NULL;
                if (unika_sketch_new(&s, p, key_fp, recipe_fp, NULL) < 0 || !regs) {
                    fprintf(stderr, "bench_membership: out of memory\n");
                    return 1;
                }
                memset(regs, 0, (size_t)1 << p);
                uint8_t ps[UNIKA_PSEUDONYM_BYTES];
                for (long i = 0; i < n; i++) {
                    pseudonym(ps, trial, (uint64_t)i);
                    uint64_t h = siphash(ps, key);
                    if (unika_sketch_add_hash(s, h, NULL) < 0) return 1;
                    dense_add(regs, p, h);
                }
                sparse_count += unika_sketch_is_sparse(s);
                for (int k = 0; k < TESTS; k++) {
                    /* Members: evenly spread over the n people; non-members fresh. */
                    uint64_t member = (uint64_t)((long)k * n / TESTS);
                    uint64_t outsider = (uint64_t)n + (uint64_t)k;
                    uint8_t pm[UNIKA_PSEUDONYM_BYTES], po[UNIKA_PSEUDONYM_BYTES];
                    pseudonym(pm, trial, member);
                    pseudonym(po, trial, outsider);
                    uint64_t hm = siphash(pm, key), ho = siphash(po, key);
                    keyed.in_members += sketch_consistent(s, hm);
                    keyed.in_nonmembers += sketch_consistent(s, ho);
                    dense.in_members += dense_consistent(regs, p, hm);
                    dense.in_nonmembers += dense_consistent(regs, p, ho);
                    keyless.in_members += sketch_consistent(s, siphash(pm, wrong_key));
                    keyless.in_nonmembers += sketch_consistent(s, siphash(po, wrong_key));
                }
                keyed.trials += TESTS;
                dense.trials += TESTS;
                keyless.trials += TESTS;
                unika_sketch_free(s);
            }
            free(regs);
            clock_gettime(CLOCK_MONOTONIC, &t1);
            advantage a = advantage_of(&keyed), d = advantage_of(&dense),
                      b = advantage_of(&keyless);
            const char *phase = sparse_count == sketches ? "sparse"
                                : sparse_count == 0      ? "dense"
                                                         : "mixed";
            printf("%6ld %3u %7s | %.3f %.4f %.4f [%.4f,%.4f] | %.4f [%.4f,%.4f] | "
                   "%+.4f [%+.4f,%+.4f] | %6.2f\n",
                   n, p, phase, a.tpr, a.fpr, a.adv, a.lo, a.hi, d.adv, d.lo, d.hi, b.adv,
                   b.lo, b.hi,
                   (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
            fflush(stdout);
        }
    }
    return 0;
}
