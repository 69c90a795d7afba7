/*
 * test_compact.c - payload encoding 2, the compact dense form (sketch_compact.c,
 * docs/format.md §7.1): lossless round trips of every sketch in the test
 * corpus and of random sketches at every p, byte-identical output, damaged
 * files refused with their error, merges of compact and plain inputs, and
 * the model's constants regenerated from their definition.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "common/common.h"
#include "sketch/sketch_compact.h"
#include "sketch/sketch_private.h"
#include "testutil.h"
#include "unika.h"

/* The file of s in `encoding`, in a buffer of exactly its size. */
static uint8_t *bytes_of(const unika_sketch *s, unsigned encoding, size_t *n)
{
    unika_error e = {0};
    ck_assert_int_eq(unika_sketch_serialize_as(NULL, 0, n, s, encoding, &e), UNIKA_EBUFFER);
    uint8_t *b = malloc(*n);
    ck_assert_ptr_nonnull(b);
    size_t written = 0;
    ck_assert_msg(unika_sketch_serialize_as(b, *n, &written, s, encoding, &e) == 0, "%s",
                  e.message);
    ck_assert_uint_eq(written, *n);
    return b;
}

/* s written in encoding is exactly the n bytes b. */
static void assert_writes(const unika_sketch *s, unsigned encoding, const uint8_t *b, size_t n)
{
    size_t n2;
    uint8_t *again = bytes_of(s, encoding, &n2);
    ck_assert_uint_eq(n2, n);
    ck_assert_mem_eq(again, b, n);
    free(again);
}

/* Compact bytes of s parse back to an equal sketch, re-serialise to the same
 * bytes, and are no longer than the plain file. Returns the compact size. */
static size_t check_round_trip(const unika_sketch *s, const char *what)
{
    size_t nc, np;
    uint8_t *c = bytes_of(s, UNIKA_ENCODING_COMPACT, &nc);
    uint8_t *plain = bytes_of(s, UNIKA_ENCODING_PLAIN, &np);
    ck_assert_msg(nc <= np, "%s: compact %zu > plain %zu", what, nc, np);
    ck_assert_int_eq(c[12], unika_sketch_is_sparse(s) || nc == np ? 1 : 2);
    unika_error e = {0};
    unika_sketch *t = NULL;
    ck_assert_msg(unika_sketch_parse(&t, c, nc, &e) == 0, "%s: %s (%s at %llu)", what,
                  e.message, e.field, (unsigned long long)e.position);
    ck_assert_msg(unika_sketch_equal(s, t) == 1, "%s: registers differ after decoding", what);
    assert_writes(t, UNIKA_ENCODING_COMPACT, c, nc);
    assert_writes(t, UNIKA_ENCODING_PLAIN, plain, np);
    unika_sketch_free(t);
    free(c);
    free(plain);
    return nc;
}

/* ---- round trips ------------------------------------------------------------ */

/* Random sketches at every p and a spread of n, sparse and dense. */
START_TEST(random_sketches_every_p)
{
    unsigned p = (unsigned)_i;
    static const size_t ns[] = {0, 1, 5, 17, 100, 700, 3000, 20000, 300000};
    for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
        if (p == 18 && ns[k] > 20000) continue; /* the dense p = 18 case is below */
        unika_sketch *s = unika_test_sketch(p, ns[k], 1000 * p + k);
        char what[64];
        snprintf(what, sizeof what, "p=%u n=%zu", p, ns[k]);
        check_round_trip(s, what);
        unika_sketch_free(s);
    }
    if (p == 18) {
        unika_sketch *s = unika_test_sketch(18, 200000, 18);
        check_round_trip(s, "p=18 n=200000");
        unika_sketch_free(s);
    }
}
END_TEST

/* Registers no hashing would make (every rank, every history, the top
 * rank), which the model thinks unlikely: still lossless, or plain. */
START_TEST(unlikely_registers)
{
    for (unsigned p = 4; p <= 18; p += 2) {
        size_t m = (size_t)1 << p;
        unika_sketch *s = unika_test_sketch(p, m, p); /* dense */
        uint64_t seed = p;
        for (size_t i = 0; i < m; i++) {
            uint8_t r;
            do r = (uint8_t)unika_test_splitmix64(&seed);
            while (!unika_sketch_register_valid(r, p));
            s->registers[i] = r;
        }
        s->registers[0] = (uint8_t)(4 * (65 - p) + 3); /* the top rank with its history */
        char what[32];
        snprintf(what, sizeof what, "uniform p=%u", p);
        check_round_trip(s, what);
        memset(s->registers, 0, m);
        s->registers[m - 1] = 4; /* one register of rank 1 */
        snprintf(what, sizeof what, "one register p=%u", p);
        check_round_trip(s, what);
        unika_sketch_free(s);
    }
}
END_TEST

static void round_trip_file(const char *path)
{
    size_t n;
    uint8_t *b = unika_test_read_file(path, &n);
    ck_assert_msg(b != NULL, "cannot read %s", path);
    unika_sketch *s = NULL;
    if (unika_sketch_parse(&s, b, n, NULL) == 0) { /* the corpus has bad files too */
        if (unika_sketch_provenance(s, NULL, NULL, NULL, NULL) == 0) check_round_trip(s, path);
        unika_sketch_free(s);
    }
    free(b);
}

static size_t round_trip_dir(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    struct dirent *ent;
    size_t files = 0;
    while ((ent = readdir(d)) != NULL) {
        if (ent->d_name[0] == '.' || strstr(ent->d_name, ".prov")) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
        round_trip_file(path);
        files++;
    }
    closedir(d);
    return files;
}

/* Every sketch of the test corpus: golden files and the fuzzers' corpus. */
START_TEST(every_sketch_of_the_corpus)
{
    size_t files = round_trip_dir(UNIKA_SOURCE_DIR "/tests/golden/good") +
                   round_trip_dir(UNIKA_SOURCE_DIR "/tests/golden/origin") +
                   round_trip_dir(UNIKA_SOURCE_DIR "/tests/fuzz/corpus/sketch_parse");
    ck_assert_uint_gt(files, 50);
}
END_TEST

/* Labels and a version 2 commitment around a compact payload. */
START_TEST(labels_and_provenance)
{
    unika_error e = {0};
    unika_sketch *s = unika_test_sketch(12, 5000, 7);
    ck_assert_int_eq(unika_sketch_set_label(s, "org", "Röda Korset", &e), 0);
    ck_assert_int_eq(unika_sketch_set_label(s, "period", "2024-H1", &e), 0);
    check_round_trip(s, "labels");
    uint8_t d[32] = {1};
    ck_assert_int_eq(unika_sketch_add_source(s, d, "org=a", "signer", &e), 0);
    size_t n;
    uint8_t *c = bytes_of(s, UNIKA_ENCODING_COMPACT, &n);
    ck_assert_uint_eq(c[8], 2); /* version 2, encoding 2 */
    ck_assert_uint_eq(c[12], 2);
    unika_sketch *t = NULL;
    ck_assert_msg(unika_sketch_parse(&t, c, n, &e) == 0, "%s", e.message);
    uint64_t count, count2;
    uint8_t root[32], root2[32];
    ck_assert_int_eq(unika_sketch_provenance(t, &count, root, NULL, &e), 0);
    ck_assert_int_eq(unika_sketch_provenance(s, &count2, root2, NULL, &e), 0);
    ck_assert_uint_eq(count, 1);
    ck_assert_mem_eq(root, root2, 32);
    assert_writes(t, UNIKA_ENCODING_COMPACT, c, n);
    free(c);
    unika_sketch_free(t);
    unika_sketch_free(s);
}
END_TEST

/* ---- determinism, sizes, merges ------------------------------------------------ */

START_TEST(same_sketch_same_bytes)
{
    unika_sketch *a = unika_test_sketch(12, 50000, 3), *b = unika_test_sketch(12, 0, 0);
    uint64_t seed = 3;
    uint64_t *h = malloc(50000 * sizeof *h);
    for (size_t i = 0; i < 50000; i++) h[i] = unika_test_splitmix64(&seed);
    for (size_t i = 50000; i-- > 0;) ck_assert_int_eq(unika_sketch_add_hash(b, h[i], NULL), 0);
    size_t na, nb;
    uint8_t *ba = bytes_of(a, UNIKA_ENCODING_COMPACT, &na), *bb = bytes_of(b, UNIKA_ENCODING_COMPACT, &nb);
    ck_assert_uint_eq(na, nb);
    ck_assert_mem_eq(ba, bb, na);
    /* Known answer: a change of the coder or model changes these bytes. */
    ck_assert_uint_eq(na, 2144);
    ck_assert_uint_eq(XXH64(ba, na, 0), XXH64(bb, nb, 0));
    free(h);
    free(ba);
    free(bb);
    unika_sketch_free(a);
    unika_sketch_free(b);
}
END_TEST

/* The targets at p = 12 hold for these seeds with room to spare. */
START_TEST(sizes_at_p12)
{
    unika_sketch *s = unika_test_sketch(12, 3000, 30);
    ck_assert_uint_le(check_round_trip(s, "n=3000"), 1700);
    unika_sketch_free(s);
    s = unika_test_sketch(12, 1000000, 31);
    ck_assert_uint_le(check_round_trip(s, "n=10^6"), 2300);
    unika_sketch_free(s);
}
END_TEST

/* Merging compact and plain files gives what merging plain files gives. */
START_TEST(merge_compact_and_plain)
{
    unika_error e = {0};
    unika_sketch *in[4] = {unika_test_sketch(12, 4000, 41), unika_test_sketch(12, 30000, 42),
                           unika_test_sketch(10, 900, 43), unika_test_sketch(12, 50, 44)};
    unika_sketch *plain = NULL, *mixed = NULL;
    for (int i = 0; i < 4; i++) {
        size_t np, nc;
        uint8_t *bp = bytes_of(in[i], UNIKA_ENCODING_PLAIN, &np);
        uint8_t *bc = bytes_of(in[i], i % 2 ? UNIKA_ENCODING_COMPACT : UNIKA_ENCODING_PLAIN, &nc);
        unika_sketch *tp = NULL, *tc = NULL;
        ck_assert_int_eq(unika_sketch_parse(&tp, bp, np, &e), 0);
        ck_assert_int_eq(unika_sketch_parse(&tc, bc, nc, &e), 0);
        if (!plain) {
            plain = tp, mixed = tc;
        } else {
            ck_assert_int_eq(unika_sketch_merge(plain, tp, &e), 0);
            ck_assert_int_eq(unika_sketch_merge(mixed, tc, &e), 0);
            unika_sketch_free(tp);
            unika_sketch_free(tc);
        }
        free(bp);
        free(bc);
    }
    ck_assert_int_eq(unika_sketch_equal(plain, mixed), 1);
    size_t n1, n2;
    uint8_t *b1 = bytes_of(plain, UNIKA_ENCODING_PLAIN, &n1), *b2 = bytes_of(mixed, UNIKA_ENCODING_PLAIN, &n2);
    ck_assert_uint_eq(n1, n2);
    ck_assert_mem_eq(b1, b2, n1);
    free(b1);
    free(b2);
    unika_sketch_free(plain);
    unika_sketch_free(mixed);
    for (int i = 0; i < 4; i++) unika_sketch_free(in[i]);
}
END_TEST

/* ---- damage ------------------------------------------------------------------- */

static void refix(uint8_t *b, size_t n)
{
    for (int i = 0; i < 4; i++) b[16 + i] = (uint8_t)(n >> (8 * i));
    uint64_t h = XXH64(b, n - 8, 0);
    for (size_t i = 0; i < 8; i++) b[n - 8 + i] = (uint8_t)(h >> (8 * i));
}

/* Every cut of the compact payload, and every single-byte change in it,
 * with total_size and checksum repaired: refused with a named field, or (a
 * change that happens to decode) a valid sketch that re-serialises to those
 * very bytes. Never a read outside the buffer (the sanitizer run). */
START_TEST(damaged_payloads)
{
    unika_sketch *s = unika_test_sketch(8, 400, 8);
    size_t n;
    uint8_t *c = bytes_of(s, UNIKA_ENCODING_COMPACT, &n);
    ck_assert_uint_eq(c[12], 2);
    size_t at = 64, end = n - 8;
    uint8_t *b = malloc(n + 1);
    for (size_t cut = at; cut < end; cut++) { /* payload shortened to cut - at bytes */
        size_t m = cut + 8;
        memcpy(b, c, cut);
        refix(b, m);
        unika_error e = {0};
        unika_sketch *t = NULL;
        int rc = unika_sketch_parse(&t, b, m, &e);
        unika_sketch_free(t);
        ck_assert_msg(rc == UNIKA_EFORMAT, "cut at %zu: %d", cut, rc);
        ck_assert_uint_le(e.position, m);
    }
    size_t accepted = 0;
    for (size_t i = at; i < end; i++) {
        for (unsigned v = 0; v < 256; v += 37) {
            memcpy(b, c, n);
            if (b[i] == (uint8_t)v) continue;
            b[i] = (uint8_t)v;
            refix(b, n);
            unika_error e = {0};
            unika_sketch *t = NULL;
            if (unika_sketch_parse(&t, b, n, &e) == 0) {
                assert_writes(t, UNIKA_ENCODING_COMPACT, b, n);
                unika_sketch_free(t);
                accepted++;
            } else {
                ck_assert_int_eq(e.code, UNIKA_EFORMAT);
                ck_assert_uint_ge(e.position, 1);
            }
        }
    }
    ck_assert_uint_lt(accepted, (end - at) * 7 / 4);
    free(b);
    free(c);
    unika_sketch_free(s);
}
END_TEST

START_TEST(arguments)
{
    unika_sketch *s = unika_test_sketch(12, 3000, 1);
    size_t n;
    unika_error e = {0};
    ck_assert_int_eq(unika_sketch_serialize_as(NULL, 0, &n, s, 3, &e), UNIKA_EINVAL);
    ck_assert_int_eq(unika_sketch_serialize_as(NULL, 0, &n, s, 0, &e), UNIKA_EINVAL);
    ck_assert_int_eq(unika_sketch_serialize_as(NULL, 0, &n, s, 2, &e), UNIKA_EBUFFER);
    uint8_t small[100];
    ck_assert_int_eq(unika_sketch_serialize_as(small, sizeof small, &n, s, 2, &e), UNIKA_EBUFFER);
    ck_assert_uint_gt(n, 1000);
    unika_sketch_free(s);
}
END_TEST

/* ---- the model's constants ------------------------------------------------------- */

/* CHAIN is its seeds squared over and over (docs/format.md §7.1). */
START_TEST(chain_table_is_its_definition)
{
    for (unsigned f = 0; f < 8; f++) {
        uint64_t seed_deficit = (uint64_t)llround(exp2(39.0 + (double)f / 8.0));
        uint64_t e = ((uint64_t)1 << 63) - seed_deficit;
        for (unsigned i = 0; i < 32; i++) {
            ck_assert_msg(unika_compact_chain(f, i) == e, "CHAIN[%u][%u]", f, i);
            e = unika_compact_mulq(e, e);
        }
    }
    /* the 32-bit-limb product agrees with exact arithmetic on a few values */
    ck_assert_uint_eq(unika_compact_mulq((uint64_t)1 << 63, 12345), 12345);
    /* (2^64 - 1)^2 >> 63 = 2^65 - 4, which is 2^64 - 4 in 64 bits */
    ck_assert_uint_eq(unika_compact_mulq(0xffffffffffffffffu, 0xffffffffffffffffu),
                      0xfffffffffffffffcu);
    ck_assert_uint_eq(unika_compact_mulq(0x8000000100000003u, 0x7fffffff00000005u),
                      0x8000000000000006u);
}
END_TEST

/* Every table sums to 2^15, codes exactly the valid register bytes, and the
 * expected statistic decreases strictly in the lambda byte (which the
 * reader's three-point check of the lambda byte relies on). */
START_TEST(tables_valid_and_monotone)
{
    unsigned p = (unsigned)_i;
    uint64_t prev = 0;
    for (unsigned b = 0; b < 256; b++) {
        uint32_t freq[256], sum = 0;
        unika_compact_freqs(freq, p, b);
        for (unsigned r = 0; r < 256; r++) {
            sum += freq[r];
            ck_assert_msg((freq[r] > 0) == (unika_sketch_register_valid((uint8_t)r, p) != 0),
                          "p=%u b=%u r=%u freq %u", p, b, r, freq[r]);
        }
        ck_assert_uint_eq(sum, 1u << 15);
        uint64_t t = unika_compact_expected_z(p, b);
        if (b > 0) ck_assert_msg(t < prev, "p=%u: expected z not decreasing at b=%u", p, b);
        prev = t;
    }
    /* The lambda byte of the search is the one the reader's check accepts. */
    for (unsigned b = 0; b < 256; b += 5) {
        uint64_t z = (unika_compact_expected_z(p, b) >> 18) << p;
        unsigned got = unika_compact_lambda(z, p);
        ck_assert_msg(got == b, "p=%u: z of b=%u gives %u", p, b, got);
    }
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("compact");
    TCase *tc = tcase_create("compact");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, random_sketches_every_p, 4, 19);
    tcase_add_test(tc, unlikely_registers);
    tcase_add_test(tc, every_sketch_of_the_corpus);
    tcase_add_test(tc, labels_and_provenance);
    tcase_add_test(tc, same_sketch_same_bytes);
    tcase_add_test(tc, sizes_at_p12);
    tcase_add_test(tc, merge_compact_and_plain);
    tcase_add_test(tc, damaged_payloads);
    tcase_add_test(tc, arguments);
    tcase_add_test(tc, chain_table_is_its_definition);
    tcase_add_loop_test(tc, tables_valid_and_monotone, 4, 19);
    suite_add_tcase(s, tc);
    return s;
}
