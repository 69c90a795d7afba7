/*
 * test_sketch.c - the sketch state and its algebra: encoding against an
 * independent reference model, sparse <-> dense equivalence, merge laws
 * (byte for byte, across phases and precisions), reduction, hash quality
 * (register-index and rank distribution under SipHash), refusals.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "sketch/sketch_private.h"
#include "testutil.h"
#include "unika.h"

static const uint8_t FP_A[UNIKA_FINGERPRINT_BYTES] = {1, 2, 3};
static const uint8_t FP_B[UNIKA_FINGERPRINT_BYTES] = {9, 9, 9};

static unika_sketch *new_sketch(unsigned p)
{
    unika_sketch *s = NULL;
    ck_assert_int_eq(unika_sketch_new(&s, p, FP_A, FP_A, NULL), 0);
    return s;
}

/* Hash i of a fixed universe: distinct for distinct i (SplitMix64 is a
 * bijection of its state), so overlapping ranges give overlapping sets. */
static uint64_t item(uint64_t i)
{
    uint64_t st = i * 0x9e3779b97f4a7c15ULL;
    return unika_test_splitmix64(&st);
}

/* Check records every passing ck_assert; inside hot loops test plainly. */
static void add_ok(unika_sketch *s, uint64_t h)
{
    if (unika_sketch_add_hash(s, h, NULL) != 0) ck_abort_msg("unika_sketch_add_hash failed");
}

static unika_sketch *sketch_of_range(unsigned p, uint64_t lo, uint64_t hi)
{
    unika_sketch *s = new_sketch(p);
    for (uint64_t i = lo; i < hi; i++) add_ok(s, item(i));
    return s;
}

/* ---- reference model, written from the spec in docs/sketch.md only ------ */

static unsigned ref_rank(uint64_t h, unsigned p)
{
    uint64_t w = h >> p;
    unsigned r = 1;
    if (w == 0) return 65 - p;
    while (!(w & 1)) { w >>= 1; r++; }
    return r;
}

/* Expected dense registers of a hash range: per register the set of ranks
 * seen, then 4*max + 2*[max-1 seen] + [max-2 seen]. */
static void ref_dense(uint8_t *out, unsigned p, uint64_t lo, uint64_t hi)
{
    size_t m = (size_t)1 << p;
    uint64_t *seen = calloc(m, sizeof *seen);
    for (uint64_t i = lo; i < hi; i++) {
        uint64_t h = item(i);
        seen[h & (m - 1)] |= (uint64_t)1 << ref_rank(h, p);
    }
    for (size_t i = 0; i < m; i++) {
        if (!seen[i]) { out[i] = 0; continue; }
        unsigned u = 63;
        while (!(seen[i] >> u & 1)) u--;
        unsigned s1 = u >= 2 && (seen[i] >> (u - 1) & 1);
        unsigned s2 = u >= 3 && (seen[i] >> (u - 2) & 1);
        out[i] = (uint8_t)(4 * u + 2 * s1 + s2);
    }
    free(seen);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static size_t ref_tokens(uint32_t *out, uint64_t lo, uint64_t hi)
{
    size_t n = 0;
    for (uint64_t i = lo; i < hi; i++) {
        uint64_t h = item(i);
        out[n++] = (uint32_t)((h & 0x3ffffff) << 6) | ref_rank(h, 26);
    }
    qsort(out, n, sizeof *out, cmp_u32);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || out[i] != out[k - 1]) out[k++] = out[i];
    return k;
}

static void assert_matches_reference(const unika_sketch *s, unsigned p, uint64_t lo, uint64_t hi)
{
    uint32_t *toks = malloc((hi - lo + 1) * sizeof *toks);
    size_t nt = ref_tokens(toks, lo, hi);
    ck_assert_uint_eq(unika_sketch_precision(s), p);
    if (nt <= UNIKA_SKETCH_SPARSE_MAX(p)) {
        ck_assert_int_eq(unika_sketch_is_sparse(s), 1);
        ck_assert_uint_eq(s->n_tokens, nt);
        ck_assert(nt == 0 || memcmp(s->tokens, toks, nt * sizeof *toks) == 0);
    } else {
        ck_assert_int_eq(unika_sketch_is_sparse(s), 0);
        uint8_t *regs = malloc((size_t)1 << p);
        ref_dense(regs, p, lo, hi);
        ck_assert(memcmp(s->registers, regs, (size_t)1 << p) == 0);
        free(regs);
    }
    ck_assert_int_eq(unika_sketch_check_state(s, NULL), 0);
    free(toks);
}

/* The same reference for an arbitrary set of items (in[i] != 0). */
static void assert_matches_set(const unika_sketch *s, unsigned p, const uint8_t *in, size_t U)
{
    uint32_t *toks = malloc((U + 1) * sizeof *toks);
    size_t nt = 0;
    for (size_t i = 0; i < U; i++) {
        if (!in[i]) continue;
        uint64_t h = item(i);
        toks[nt++] = (uint32_t)((h & 0x3ffffff) << 6) | ref_rank(h, 26);
    }
    qsort(toks, nt, sizeof *toks, cmp_u32);
    size_t k = 0;
    for (size_t i = 0; i < nt; i++)
        if (k == 0 || toks[i] != toks[k - 1]) toks[k++] = toks[i];
    nt = k;
    if (unika_sketch_precision(s) != p) ck_abort_msg("p %u, want %u", unika_sketch_precision(s), p);
    if (nt <= UNIKA_SKETCH_SPARSE_MAX(p)) {
        if (!unika_sketch_is_sparse(s) || s->n_tokens != nt ||
            (nt && memcmp(s->tokens, toks, nt * sizeof *toks)))
            ck_abort_msg("sparse state differs from the model (%zu tokens)", nt);
    } else {
        size_t m = (size_t)1 << p;
        uint64_t *seen = calloc(m, sizeof *seen);
        for (size_t i = 0; i < U; i++) {
            if (!in[i]) continue;
            uint64_t h = item(i);
            seen[h & (m - 1)] |= (uint64_t)1 << ref_rank(h, p);
        }
        if (unika_sketch_is_sparse(s)) ck_abort_msg("sparse, model dense");
        for (size_t i = 0; i < m; i++) {
            uint8_t want = 0;
            if (seen[i]) {
                unsigned u = 63;
                while (!(seen[i] >> u & 1)) u--;
                want = (uint8_t)(4 * u + 2 * (unsigned)(u >= 2 && (seen[i] >> (u - 1) & 1)) +
                                 (unsigned)(u >= 3 && (seen[i] >> (u - 2) & 1)));
            }
            if (s->registers[i] != want) ck_abort_msg("register %zu: %u, want %u", i, s->registers[i], want);
        }
        free(seen);
    }
    free(toks);
}

/* ---- state ------------------------------------------------------------- */

START_TEST(new_refuses_bad_arguments)
{
    unika_sketch *s = (unika_sketch *)1;
    unika_error e = {0};
    ck_assert_int_eq(unika_sketch_new(&s, 3, FP_A, FP_A, &e), UNIKA_EPRECISION);
    ck_assert_ptr_null(s);
    ck_assert_str_eq(e.field, "p");
    ck_assert_int_eq(unika_sketch_new(&s, 19, FP_A, FP_A, NULL), UNIKA_EPRECISION);
    ck_assert_int_eq(unika_sketch_new(NULL, 12, FP_A, FP_A, NULL), UNIKA_EINVAL);
    ck_assert_int_eq(unika_sketch_new(&s, 12, NULL, FP_A, NULL), UNIKA_EINVAL);
    ck_assert_int_eq(unika_sketch_new(&s, 12, FP_A, NULL, NULL), UNIKA_EINVAL);
    for (unsigned p = UNIKA_SKETCH_P_MIN; p <= UNIKA_SKETCH_P_MAX; p++) {
        ck_assert_int_eq(unika_sketch_new(&s, p, FP_A, FP_B, NULL), 0);
        ck_assert_uint_eq(unika_sketch_precision(s), p);
        ck_assert_int_eq(unika_sketch_is_sparse(s), 1);
        ck_assert(memcmp(unika_sketch_key_fingerprint(s), FP_A, UNIKA_FINGERPRINT_BYTES) == 0);
        ck_assert(memcmp(unika_sketch_recipe_fingerprint(s), FP_B, UNIKA_FINGERPRINT_BYTES) == 0);
        unika_sketch_free(s);
    }
    unika_sketch_free(NULL);
    ck_assert_int_eq(unika_sketch_add_hash(NULL, 1, NULL), UNIKA_EINVAL);
    ck_assert_int_eq(unika_sketch_merge(NULL, NULL, NULL), UNIKA_EINVAL);
    ck_assert_int_eq(unika_sketch_reduce(NULL, 10, NULL), UNIKA_EINVAL);
    ck_assert_int_eq(unika_sketch_copy(NULL, NULL, NULL), UNIKA_EINVAL);
    ck_assert_int_eq(unika_sketch_equal(NULL, NULL), 0);
    ck_assert_uint_eq(unika_sketch_p_min(), UNIKA_SKETCH_P_MIN);
    ck_assert_uint_eq(unika_sketch_p_max(), UNIKA_SKETCH_P_MAX);
    ck_assert_uint_eq(unika_sketch_p_default(), UNIKA_SKETCH_P_DEFAULT);
}
END_TEST

/* Sizes around each phase boundary: p = 12 switches after 1,024 tokens. */
static const struct { unsigned p; uint64_t n; } STATES[] = {
    {4, 0}, {4, 3}, {4, 5}, {4, 100000}, {8, 64}, {8, 65}, {12, 1}, {12, 1024}, {12, 1025},
    {12, 50000}, {14, 3000}, {18, 70000},
};

START_TEST(state_matches_reference_model)
{
    for (size_t k = 0; k < UNIKA_ARRAY_LEN(STATES); k++) {
        unika_sketch *s = sketch_of_range(STATES[k].p, 0, STATES[k].n);
        assert_matches_reference(s, STATES[k].p, 0, STATES[k].n);
        /* Adding everything again changes nothing. */
        unika_sketch *again = NULL;
        ck_assert_int_eq(unika_sketch_copy(&again, s, NULL), 0);
        for (uint64_t i = 0; i < STATES[k].n; i++) add_ok(again, item(i));
        ck_assert_int_eq(unika_sketch_equal(s, again), 1);
        unika_sketch_free(again);
        unika_sketch_free(s);
    }
}
END_TEST

START_TEST(largest_rank_fits_a_byte)
{
    /* Hash with w == 0 at p = 4: rank 61, register 4*61 = 244; with the
     * history bits set, 247. */
    unika_sketch *s = new_sketch(4);
    for (uint64_t i = 0; i < 5; i++) ck_assert_int_eq(unika_sketch_add_hash(s, 16 + i, NULL), 0);
    ck_assert_int_eq(unika_sketch_is_sparse(s), 0);
    ck_assert_int_eq(unika_sketch_add_hash(s, 0x7, NULL), 0);                   /* rank 61 */
    ck_assert_int_eq(unika_sketch_add_hash(s, 0x7 | (1ULL << 63), NULL), 0);    /* rank 60 */
    ck_assert_int_eq(unika_sketch_add_hash(s, 0x7 | (1ULL << 62), NULL), 0);    /* rank 59 */
    ck_assert_uint_eq(s->registers[7], 247);
    uint8_t hll[16];
    ck_assert_int_eq(unika_sketch_hll_registers(hll, sizeof hll, s, NULL), 0);
    ck_assert_uint_eq(hll[7], 61);
    ck_assert_uint_eq(hll[0], 1); /* hash 16 = 1 << 4: index 0, w = 1, rank 1 */
    ck_assert_int_eq(unika_sketch_check_state(s, NULL), 0);
    unika_sketch_free(s);
}
END_TEST

START_TEST(worked_example_from_the_docs)
{
    /* docs/sketch.md §3: three hashes into register 615 at p = 12. */
    static const struct { uint64_t h; uint32_t token; uint8_t reg; } steps[] = {
        {0x68267, 0x1a099e7, 0x10}, {0x02267, 0x00899e7, 0x11}, {0x10267, 0x04099e7, 0x16}};
    unika_sketch *s = new_sketch(12);
    uint8_t regs[4096], hll[4096];
    for (size_t k = 0; k < UNIKA_ARRAY_LEN(steps); k++) {
        ck_assert_uint_eq(unika_sketch_token_of_hash(steps[k].h), steps[k].token);
        ck_assert_int_eq(unika_sketch_add_hash(s, steps[k].h, NULL), 0);
        unika_sketch_registers_at(regs, 12, s);
        ck_assert_uint_eq(regs[615], steps[k].reg);
    }
    ck_assert_uint_eq(s->n_tokens, 3);
    ck_assert_uint_eq(s->tokens[0], 0x00899e7); /* sorted */
    ck_assert_int_eq(unika_sketch_hll_registers(hll, sizeof hll, s, NULL), 0);
    ck_assert_uint_eq(hll[615], 5);
    /* The dense path gives the same bytes: fill every other register first
     * (distinct hashes, so dense after 1,025), then replay the steps. */
    unika_sketch *d = new_sketch(12);
    for (uint64_t i = 0; i < 2000; i++) {
        uint64_t idx = i % 4096 == 615 ? 616 : i % 4096;
        add_ok(d, (i + 1) << 16 | idx);
    }
    ck_assert_int_eq(unika_sketch_is_sparse(d), 0);
    ck_assert_uint_eq(d->registers[615], 0);
    for (size_t k = 0; k < UNIKA_ARRAY_LEN(steps); k++) {
        add_ok(d, steps[k].h);
        ck_assert_uint_eq(d->registers[615], steps[k].reg);
    }
    unika_sketch_free(d);
    unika_sketch_free(s);
}
END_TEST

START_TEST(register_validity)
{
    for (unsigned p = UNIKA_SKETCH_P_MIN; p <= UNIKA_SKETCH_P_MAX; p++) {
        ck_assert(unika_sketch_register_valid(0, p));
        ck_assert(unika_sketch_register_valid(4, p));
        ck_assert(!unika_sketch_register_valid(5, p));  /* u = 1 with history */
        ck_assert(!unika_sketch_register_valid(6, p));
        ck_assert(unika_sketch_register_valid(10, p));  /* u = 2, rank 1 seen */
        ck_assert(!unika_sketch_register_valid(9, p));  /* "rank 0 seen" */
        ck_assert(unika_sketch_register_valid((uint8_t)(4 * (65 - p) + 3), p));
        ck_assert(!unika_sketch_register_valid((uint8_t)(4 * (66 - p)), p));
        ck_assert(!unika_sketch_register_valid(1, p));
    }
    ck_assert(!unika_sketch_token_valid(0));
    ck_assert(unika_sketch_token_valid(39));
    ck_assert(!unika_sketch_token_valid(40));
    /* Hand-built states: the checks the parser relies on. */
    unika_sketch *s = sketch_of_range(8, 0, 10);
    s->tokens[3] = s->tokens[2];
    unika_error e = {0};
    ck_assert_int_eq(unika_sketch_check_state(s, &e), UNIKA_EFORMAT);
    ck_assert_uint_eq(e.position, 4);
    unika_sketch_free(s);
    s = sketch_of_range(8, 0, 1000);
    s->registers[17] = 5;
    ck_assert_int_eq(unika_sketch_check_state(s, &e), UNIKA_EFORMAT);
    ck_assert_uint_eq(e.position, 18);
    unika_sketch_free(s);
}
END_TEST

START_TEST(hll_registers_are_max_rank)
{
    /* postgresql-hll mapping: index = low p bits, rank = ctz(h >> p) + 1. */
    for (unsigned p = 10; p <= 14; p += 4) {
        for (uint64_t n = 200; n <= 40000; n *= 200) {
            unika_sketch *s = sketch_of_range(p, 0, n);
            size_t m = (size_t)1 << p;
            uint8_t *got = malloc(m), *want = calloc(m, 1);
            for (uint64_t i = 0; i < n; i++) {
                uint64_t h = item(i);
                unsigned r = ref_rank(h, p);
                if (want[h & (m - 1)] < r) want[h & (m - 1)] = (uint8_t)r;
            }
            ck_assert_int_eq(unika_sketch_hll_registers(got, m - 1, s, NULL), UNIKA_EBUFFER);
            ck_assert_int_eq(unika_sketch_hll_registers(got, m, s, NULL), 0);
            ck_assert(memcmp(got, want, m) == 0);
            free(got);
            free(want);
            unika_sketch_free(s);
        }
    }
}
END_TEST

START_TEST(sparse_converts_to_dense_at_the_threshold)
{
    for (unsigned p = 4; p <= 16; p += 3) {
        size_t max = UNIKA_SKETCH_SPARSE_MAX(p);
        unika_sketch *s = new_sketch(p);
        uint64_t i = 0;
        while (s->registers == NULL) {
            if (s->n_tokens > max) ck_abort_msg("sparse beyond 2^p/4 tokens");
            add_ok(s, item(i++));
        }
        /* Dense exactly when the distinct tokens first exceed 2^p / 4 (at
         * p = 16 two of the 16,385 items may share a token: expected
         * collisions n^2 / (6 * 2^26) = 0.67). */
        uint32_t *toks = malloc(i * sizeof *toks);
        ck_assert_uint_eq(ref_tokens(toks, 0, i), max + 1);
        ck_assert_uint_eq(ref_tokens(toks, 0, i - 1), max);
        free(toks);
        assert_matches_reference(s, p, 0, i);
        unika_sketch_free(s);
    }
}
END_TEST

START_TEST(batch_equals_single_adds)
{
    unika_key *key = NULL;
    uint8_t kb[32] = {42};
    ck_assert_int_eq(unika_key_from_bytes(&key, kb, NULL), 0);
    const uint8_t *kfp = unika_key_fingerprint_ptr(key);
    size_t n = 5000;
    uint8_t *ps = malloc(n * UNIKA_PSEUDONYM_BYTES);
    for (size_t i = 0; i < n * UNIKA_PSEUDONYM_BYTES; i++) ps[i] = (uint8_t)(i * 7 + i / 97);
    const size_t counts[] = {0, 1, 100, 1024, 1025, 5000};
    for (size_t c = 0; c < UNIKA_ARRAY_LEN(counts); c++) {
        unika_sketch *a = NULL, *b = NULL;
        ck_assert_int_eq(unika_sketch_new(&a, 12, kfp, FP_A, NULL), 0);
        ck_assert_int_eq(unika_sketch_new(&b, 12, kfp, FP_A, NULL), 0);
        for (size_t i = 0; i < counts[c]; i++)
            if (unika_sketch_add(a, key, ps + i * UNIKA_PSEUDONYM_BYTES, NULL) != 0) ck_abort();
        /* In two uneven halves, the second with repeats of the first. */
        size_t half = counts[c] / 3;
        ck_assert_int_eq(unika_sketch_add_batch(b, key, ps, half, NULL), 0);
        ck_assert_int_eq(unika_sketch_add_batch(b, key, ps, counts[c], NULL), 0);
        ck_assert_int_eq(unika_sketch_equal(a, b), 1);
        /* Single adds after a batch keep growing the same token array (a
         * capacity slip here once let them write past it; ASan watches). */
        for (uint64_t i = 0; i < 600; i++) {
            add_ok(a, item(i));
            add_ok(b, item(i));
        }
        ck_assert_int_eq(unika_sketch_equal(a, b), 1);
        uint64_t h;
        ck_assert_int_eq(unika_sketch_hash(&h, key, ps), 0);
        unika_sketch_free(a);
        unika_sketch_free(b);
    }
    ck_assert_int_eq(unika_sketch_add_batch(NULL, key, ps, 1, NULL), UNIKA_EINVAL);
    free(ps);
    unika_key_free(key);
}
END_TEST

START_TEST(add_hashes_equals_single_adds)
{
    const size_t counts[] = {0, 5, 1024, 1025, 3000, 100000};
    uint64_t *hs = malloc(100000 * sizeof *hs);
    for (size_t i = 0; i < 100000; i++) hs[i] = item(i % 70000); /* with repeats */
    for (size_t c = 0; c < UNIKA_ARRAY_LEN(counts); c++) {
        unika_sketch *a = new_sketch(12), *b = new_sketch(12);
        for (size_t i = 0; i < counts[c]; i++) add_ok(a, hs[i]);
        ck_assert_int_eq(unika_sketch_add_hashes(b, hs, counts[c], NULL), 0);
        ck_assert_int_eq(unika_sketch_equal(a, b), 1);
        unika_sketch_free(a);
        unika_sketch_free(b);
    }
    ck_assert_int_eq(unika_sketch_add_hashes(NULL, hs, 1, NULL), UNIKA_EINVAL);
    unika_sketch *s = new_sketch(12);
    ck_assert_int_eq(unika_sketch_add_hashes(s, NULL, 1, NULL), UNIKA_EINVAL);
    ck_assert_int_eq(unika_sketch_add_hashes(s, NULL, 0, NULL), 0);
    unika_sketch_free(s);
    free(hs);
}
END_TEST

START_TEST(add_refuses_another_key)
{
    unika_key *key = NULL;
    uint8_t kb[32] = {7};
    ck_assert_int_eq(unika_key_from_bytes(&key, kb, NULL), 0);
    unika_sketch *s = new_sketch(12); /* made for FP_A, not this key */
    uint8_t ps[UNIKA_PSEUDONYM_BYTES] = {0};
    unika_error e = {0};
    ck_assert_int_eq(unika_sketch_add(s, key, ps, &e), UNIKA_EKEYMISMATCH);
    char hex[2 * UNIKA_FINGERPRINT_BYTES + 1];
    unika_hex_encode(hex, FP_A, UNIKA_FINGERPRINT_BYTES);
    ck_assert_ptr_nonnull(strstr(e.message, hex));
    unika_hex_encode(hex, unika_key_fingerprint_ptr(key), UNIKA_FINGERPRINT_BYTES);
    ck_assert_ptr_nonnull(strstr(e.message, hex));
    ck_assert_int_eq(unika_sketch_add_batch(s, key, ps, 1, NULL), UNIKA_EKEYMISMATCH);
    ck_assert_uint_eq(unika_sketch_token_count(s), 0);
    ck_assert_int_eq(unika_sketch_add(s, NULL, ps, NULL), UNIKA_EINVAL);
    ck_assert_int_eq(unika_sketch_add(s, key, NULL, NULL), UNIKA_EINVAL);
    uint64_t h;
    ck_assert_int_eq(unika_sketch_hash(&h, NULL, ps), UNIKA_EINVAL);
    unika_sketch_free(s);
    unika_key_free(key);
}
END_TEST

START_TEST(copy_clear_equal)
{
    unika_sketch *s = sketch_of_range(12, 0, 3000), *c = NULL;
    ck_assert_int_eq(unika_sketch_copy(&c, s, NULL), 0);
    ck_assert_int_eq(unika_sketch_equal(s, c), 1);
    ck_assert_int_eq(unika_sketch_add_hash(c, item(999999), NULL), 0);
    ck_assert_int_eq(unika_sketch_equal(s, c), 0);
    unika_sketch_clear(c);
    ck_assert_int_eq(unika_sketch_is_sparse(c), 1);
    ck_assert_uint_eq(unika_sketch_token_count(c), 0);
    unika_sketch *empty = new_sketch(12);
    ck_assert_int_eq(unika_sketch_equal(c, empty), 1);
    unika_sketch *other_recipe = NULL;
    ck_assert_int_eq(unika_sketch_new(&other_recipe, 12, FP_A, FP_B, NULL), 0);
    ck_assert_int_eq(unika_sketch_equal(empty, other_recipe), 0);
    unika_sketch *other_p = new_sketch(11);
    ck_assert_int_eq(unika_sketch_equal(empty, other_p), 0);
    unika_sketch_clear(NULL);
    unika_sketch_free(s);
    unika_sketch_free(c);
    unika_sketch_free(empty);
    unika_sketch_free(other_recipe);
    unika_sketch_free(other_p);
}
END_TEST

/* ---- merge laws ------------------------------------------------------- */

/* Three overlapping ranges per case, phases and precisions mixed. */
static const struct { unsigned pa, pb, pc; uint64_t a0, a1, b0, b1, c0, c1; } MERGES[] = {
    {12, 12, 12, 0, 100, 50, 300, 250, 400},           /* all sparse, union sparse */
    {12, 12, 12, 0, 700, 500, 1100, 0, 10},            /* sparse + sparse -> dense */
    {12, 12, 12, 0, 5000, 4000, 4100, 100, 20000},     /* dense + sparse + dense */
    {14, 12, 10, 0, 3000, 2000, 9000, 8000, 8500},     /* three precisions */
    {10, 14, 12, 0, 100, 0, 5000, 90000, 90010},       /* sparse low p + dense high p */
    {16, 8, 12, 0, 40, 30, 60, 10, 20},                /* sparse everywhere, reductions */
    {12, 12, 12, 0, 200000, 100000, 300000, 0, 1},     /* large */
};

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
    unsigned m = a < b ? a : b;
    return m < c ? m : c;
}

static unika_sketch *merged(const unika_sketch *x, const unika_sketch *y)
{
    unika_sketch *r = NULL;
    ck_assert_int_eq(unika_sketch_copy(&r, x, NULL), 0);
    ck_assert_int_eq(unika_sketch_merge(r, y, NULL), 0);
    return r;
}

START_TEST(merge_laws_hold_byte_for_byte)
{
    for (size_t k = 0; k < UNIKA_ARRAY_LEN(MERGES); k++) {
        unika_sketch *a = sketch_of_range(MERGES[k].pa, MERGES[k].a0, MERGES[k].a1);
        unika_sketch *b = sketch_of_range(MERGES[k].pb, MERGES[k].b0, MERGES[k].b1);
        unika_sketch *c = sketch_of_range(MERGES[k].pc, MERGES[k].c0, MERGES[k].c1);
        unika_sketch *ab = merged(a, b), *ba = merged(b, a);
        ck_assert_msg(unika_sketch_equal(ab, ba), "case %zu: not commutative", k);
        unika_sketch *ab_c = merged(ab, c), *bc = merged(b, c), *a_bc = merged(a, bc);
        ck_assert_msg(unika_sketch_equal(ab_c, a_bc), "case %zu: not associative", k);
        unika_sketch *aa = merged(a, a);
        ck_assert_msg(unika_sketch_equal(aa, a), "case %zu: not idempotent", k);
        ck_assert_int_eq(unika_sketch_merge(aa, aa, NULL), 0); /* dst == src */
        ck_assert(unika_sketch_equal(aa, a));
        /* Equal to the sketch of the union built directly at the lowest p. */
        unsigned p = min3(MERGES[k].pa, MERGES[k].pb, MERGES[k].pc);
        unika_sketch *direct = new_sketch(p);
        uint64_t r[3][2] = {{MERGES[k].a0, MERGES[k].a1}, {MERGES[k].b0, MERGES[k].b1},
                            {MERGES[k].c0, MERGES[k].c1}};
        for (int j = 0; j < 3; j++)
            for (uint64_t i = r[j][0]; i < r[j][1]; i++)
                add_ok(direct, item(i));
        ck_assert_msg(unika_sketch_equal(ab_c, direct), "case %zu: merge != union's sketch", k);
        ck_assert_int_eq(unika_sketch_check_state(ab_c, NULL), 0);
        unika_sketch *all[] = {a, b, c, ab, ba, ab_c, bc, a_bc, aa, direct};
        for (size_t j = 0; j < UNIKA_ARRAY_LEN(all); j++) unika_sketch_free(all[j]);
    }
}
END_TEST

START_TEST(merge_refuses_other_key_or_recipe)
{
    unika_sketch *a = sketch_of_range(12, 0, 10), *b = NULL, *c = NULL;
    ck_assert_int_eq(unika_sketch_new(&b, 12, FP_B, FP_A, NULL), 0);
    ck_assert_int_eq(unika_sketch_new(&c, 12, FP_A, FP_B, NULL), 0);
    unika_error e = {0};
    char ha[2 * UNIKA_FINGERPRINT_BYTES + 1], hb[2 * UNIKA_FINGERPRINT_BYTES + 1];
    unika_hex_encode(ha, FP_A, UNIKA_FINGERPRINT_BYTES);
    unika_hex_encode(hb, FP_B, UNIKA_FINGERPRINT_BYTES);
    ck_assert_int_eq(unika_sketch_merge(a, b, &e), UNIKA_EKEYMISMATCH);
    ck_assert_ptr_nonnull(strstr(e.message, ha));
    ck_assert_ptr_nonnull(strstr(e.message, hb));
    ck_assert_int_eq(unika_sketch_merge(a, c, &e), UNIKA_ERECIPEMISMATCH);
    ck_assert_ptr_nonnull(strstr(e.message, ha));
    ck_assert_ptr_nonnull(strstr(e.message, hb));
    ck_assert_uint_eq(unika_sketch_token_count(a), 10); /* unchanged */
    unika_sketch_free(a);
    unika_sketch_free(b);
    unika_sketch_free(c);
}
END_TEST

START_TEST(random_operation_sequences_match_the_model)
{
    /* Three sketches under 3,000 random operations (add, add_hashes, merge,
     * reduce, copy, clear) over a universe of 3,000 items, p from 6 to 12 so
     * both phases and every crossing occur; after each operation the state
     * must equal the reference model of the item set it stands for. */
    enum { S = 3, U = 3000 };
    static uint8_t in[S][U];
    unsigned ps[S];
    unika_sketch *sk[S];
    memset(in, 0, sizeof in);
    uint64_t rng = 4242;
    for (int i = 0; i < S; i++) {
        ps[i] = 6 + 3 * (unsigned)i; /* 6, 9, 12 */
        sk[i] = new_sketch(ps[i]);
    }
    uint64_t batch[64];
    for (int op = 0; op < 3000; op++) {
        uint64_t r = unika_test_splitmix64(&rng);
        int i = (int)(r % S), j = (int)((r >> 8) % S), kind = (int)((r >> 16) % 100);
        if (kind < 55) {
            size_t it = (r >> 24) % U;
            add_ok(sk[i], item(it));
            in[i][it] = 1;
        } else if (kind < 75) {
            size_t n = (r >> 24) % 64;
            for (size_t k = 0; k < n; k++) {
                size_t it = unika_test_splitmix64(&rng) % U;
                batch[k] = item(it);
                in[i][it] = 1;
            }
            if (unika_sketch_add_hashes(sk[i], batch, n, NULL) != 0) ck_abort();
        } else if (kind < 88) {
            if (unika_sketch_merge(sk[i], sk[j], NULL) != 0) ck_abort();
            if (i != j)
                for (size_t k = 0; k < U; k++) in[i][k] |= in[j][k];
            if (ps[j] < ps[i]) ps[i] = ps[j];
        } else if (kind < 93) {
            unsigned to = 4 + (unsigned)((r >> 24) % (ps[i] - 3));
            if (unika_sketch_reduce(sk[i], to, NULL) != 0) ck_abort();
            ps[i] = to;
        } else if (kind < 97) {
            if (i != j) {
                unika_sketch *c = NULL;
                if (unika_sketch_copy(&c, sk[j], NULL) != 0) ck_abort();
                unika_sketch_free(sk[i]);
                sk[i] = c;
                memcpy(in[i], in[j], U);
                ps[i] = ps[j];
            }
        } else {
            unika_sketch_clear(sk[i]);
            memset(in[i], 0, U);
            /* refill precision now and then so reductions keep happening */
            if ((r >> 40) % 2) {
                unika_sketch_free(sk[i]);
                ps[i] = 6 + (unsigned)((r >> 48) % 7);
                sk[i] = new_sketch(ps[i]);
            }
        }
        assert_matches_set(sk[i], ps[i], in[i], U);
    }
    for (int i = 0; i < S; i++) {
        assert_matches_set(sk[i], ps[i], in[i], U);
        if (unika_sketch_check_state(sk[i], NULL) != 0) ck_abort();
        unika_sketch_free(sk[i]);
    }
}
END_TEST

/* ---- reduction --------------------------------------------------------- */

START_TEST(reduce_equals_sketch_built_at_lower_p)
{
    const uint64_t ns[] = {0, 30, 300, 5000, 100000};
    for (size_t k = 0; k < UNIKA_ARRAY_LEN(ns); k++) {
        for (unsigned to = 4; to <= 14; to += 2) {
            unika_sketch *s = sketch_of_range(14, 0, ns[k]);
            ck_assert_int_eq(unika_sketch_reduce(s, to, NULL), 0);
            assert_matches_reference(s, to, 0, ns[k]);
            unika_sketch_free(s);
        }
    }
    unika_sketch *s = new_sketch(10);
    unika_error e = {0};
    ck_assert_int_eq(unika_sketch_reduce(s, 11, &e), UNIKA_EPRECISION);
    ck_assert_int_eq(unika_sketch_reduce(s, 3, &e), UNIKA_EPRECISION);
    unika_sketch_free(s);
}
END_TEST

/* ---- hash quality ------------------------------------------------------ */

START_TEST(register_index_is_uniform_under_siphash)
{
    /* Sequential pseudonyms (a counter in the first 8 bytes) through the
     * keyed SipHash: the register index must be uniform over m = 4096
     * registers. With N = 409,600 hashes, chi-square has 4095 degrees of
     * freedom: mean 4095, sd sqrt(2 * 4095) = 90.5; we allow mean + 6 sd =
     * 4638 (a fixed key and inputs make the test deterministic; a hash
     * that only fills even registers gives chi-square ~ N = 409,600). */
    unika_key *key = NULL;
    uint8_t kb[32] = {1, 2, 3, 4};
    ck_assert_int_eq(unika_key_from_bytes(&key, kb, NULL), 0);
    const size_t m = 4096, N = 100 * 4096;
    uint32_t *count = calloc(m, sizeof *count);
    uint32_t ranks[66] = {0};
    uint8_t ps[UNIKA_PSEUDONYM_BYTES] = {0};
    for (size_t i = 0; i < N; i++) {
        for (int b = 0; b < 8; b++) ps[b] = (uint8_t)(i >> (8 * b));
        uint64_t h;
        if (unika_sketch_hash(&h, key, ps) != 0) ck_abort();
        count[h & (m - 1)]++;
        ranks[ref_rank(h, 12)]++;
    }
    double chi = 0, expected = (double)N / (double)m;
    size_t even = 0;
    for (size_t i = 0; i < m; i++) {
        chi += (count[i] - expected) * (count[i] - expected) / expected;
        if (!(i & 1)) even += count[i];
    }
    ck_assert_msg(chi < 4095 + 6 * 90.5, "index chi-square %.1f", chi);
    ck_assert_msg(chi > 4095 - 6 * 90.5, "index chi-square %.1f too good", chi);
    /* Even share: binomial sd sqrt(N)/2 = 320; allow 6 sd. */
    ck_assert(fabs((double)even - (double)N / 2.0) < 6 * 320);
    /* Rank distribution: P(rank = k) = 2^-k. Classes 1..12 and ">= 13":
     * chi-square with 12 degrees of freedom, mean 12, sd 4.9; allow 45. */
    double chr = 0, tail = 0;
    for (int k = 1; k <= 65; k++) {
        if (k <= 12) {
            double e = (double)N * ldexp(1.0, -k);
            chr += (ranks[k] - e) * (ranks[k] - e) / e;
        } else {
            tail += ranks[k];
        }
    }
    double et = (double)N * ldexp(1.0, -12);
    chr += (tail - et) * (tail - et) / et;
    ck_assert_msg(chr < 45, "rank chi-square %.1f", chr);
    free(count);
    unika_key_free(key);
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("sketch");
    TCase *tc = tcase_create("state");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, new_refuses_bad_arguments);
    tcase_add_test(tc, state_matches_reference_model);
    tcase_add_test(tc, largest_rank_fits_a_byte);
    tcase_add_test(tc, worked_example_from_the_docs);
    tcase_add_test(tc, register_validity);
    tcase_add_test(tc, hll_registers_are_max_rank);
    tcase_add_test(tc, sparse_converts_to_dense_at_the_threshold);
    tcase_add_test(tc, batch_equals_single_adds);
    tcase_add_test(tc, add_hashes_equals_single_adds);
    tcase_add_test(tc, add_refuses_another_key);
    tcase_add_test(tc, copy_clear_equal);
    suite_add_tcase(s, tc);
    TCase *tm = tcase_create("algebra");
    tcase_set_timeout(tm, 120);
    tcase_add_test(tm, merge_laws_hold_byte_for_byte);
    tcase_add_test(tm, merge_refuses_other_key_or_recipe);
    tcase_add_test(tm, random_operation_sequences_match_the_model);
    tcase_add_test(tm, reduce_equals_sketch_built_at_lower_p);
    tcase_add_test(tm, register_index_is_uniform_under_siphash);
    suite_add_tcase(s, tm);
    return s;
}
