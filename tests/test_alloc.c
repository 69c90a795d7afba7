/*
 * test_alloc.c - the host allocator (unika/alloc.h): every heap allocation
 * of the library goes through it and comes back to it, nothing is freed
 * that it did not make, a failing allocator gives UNIKA_ENOMEM and leaves
 * nothing behind, and misuse is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "unika.h"

/* A counting allocator: a header before each block holds its size and a
 * mark, so a free of a block it did not make is caught at once. */
#define MARK 0x756e696b61616c6cULL
typedef struct counter {
    size_t live_blocks, live_bytes, total_blocks;
    long fail_after; /* < 0: never fail */
} counter;

static void *count_alloc(void *opaque, size_t size)
{
    counter *c = opaque;
    if (c->fail_after == 0) return NULL;
    if (c->fail_after > 0) c->fail_after--;
    uint64_t *h = malloc(16 + size);
    if (!h) return NULL;
    h[0] = MARK;
    h[1] = size;
    c->live_blocks++;
    c->live_bytes += size;
    c->total_blocks++;
    return h + 2;
}

static void count_free(void *opaque, void *address)
{
    counter *c = opaque;
    if (!address) return;
    uint64_t *h = (uint64_t *)address - 2;
    if (h[0] != MARK) ck_abort_msg("freed a block the allocator did not make");
    h[0] = 0;
    c->live_blocks--;
    c->live_bytes -= h[1];
    free(h);
}

static counter cnt;

static void use_counter(long fail_after)
{
    memset(&cnt, 0, sizeof cnt);
    cnt.fail_after = fail_after;
    unika_allocator a = {count_alloc, count_free, &cnt};
    ck_assert_int_eq(unika_set_allocator(&a), 0);
}

static void restore(void)
{
    ck_assert_int_eq(unika_set_allocator(NULL), 0);
}

static const uint8_t FP[UNIKA_FINGERPRINT_BYTES] = {7};

/* Sketches in every phase, merged, labelled, with provenance, serialised,
 * parsed and estimated: the paths a database extension uses. */
static int sketch_workload(void)
{
    unika_sketch *a = NULL, *b = NULL, *c = NULL;
    uint8_t *bytes = NULL;
    unika_estimate e;
    size_t n = 0;
    uint8_t digest[UNIKA_DIGEST_BYTES] = {1};
    int rc = unika_sketch_new(&a, 12, FP, FP, NULL);
    if (!rc) rc = unika_sketch_new(&b, 12, FP, FP, NULL);
    for (uint64_t i = 1; !rc && i <= 3000; i++)
        rc = unika_sketch_add_hash(i < 200 ? a : b, i * 0x9e3779b97f4a7c15ULL, NULL);
    if (!rc) rc = unika_sketch_set_label(a, "org", "a", NULL);
    if (!rc) rc = unika_sketch_set_label(b, "org", "b", NULL);
    if (!rc) rc = unika_sketch_add_source(b, digest, "org=b", "b", NULL);
    if (!rc) rc = unika_sketch_copy(&c, a, NULL);
    if (!rc) rc = unika_sketch_merge(c, b, NULL);
    if (!rc) rc = unika_sketch_intersection(&e, a, b, NULL);
    if (!rc) rc = unika_sketch_serialized_size(&n, c);
    if (!rc && !(bytes = malloc(n))) rc = UNIKA_ENOMEM;
    if (!rc) rc = unika_sketch_serialize(bytes, n, NULL, c, NULL);
    unika_sketch_free(c);
    c = NULL;
    if (!rc) rc = unika_sketch_parse(&c, bytes, n, NULL);
    if (!rc) rc = unika_sketch_estimate(&e, c, UNIKA_ESTIMATOR_ML, NULL);
    free(bytes);
    unika_sketch_free(a);
    unika_sketch_free(b);
    unika_sketch_free(c);
    return rc;
}

START_TEST(every_allocation_goes_through_the_hook_and_back)
{
    use_counter(-1);
    ck_assert_int_eq(sketch_workload(), 0);
    unika_recipe *r = NULL;
    ck_assert_int_eq(unika_recipe_parse(&r, "loose", SIZE_MAX, NULL), 0);
    unika_recipe_free(r);
    /* A long non-ASCII name takes the normaliser's heap path. */
    char name[900], out[UNIKA_NAME_MAX_BYTES];
    size_t o = 0;
    for (int i = 0; i < 120; i++) { memcpy(name + o, "\xc3\xa9\xc3\xa5 ", 5); o += 5; }
    int nrc = unika_normalize_name(out, sizeof out, NULL, name, o, NULL);
    ck_assert(nrc == 0 || nrc == UNIKA_ETOOLONG);
    /* A CSV record longer than the reader's first buffer, and more fields
     * than its first field table: both grow through unika_realloc. */
    static char csv[20000];
    size_t k = 0;
    for (int i = 0; i < 100; i++) k += (size_t)snprintf(csv + k, sizeof csv - k, "f%d,", i);
    memset(csv + k, 'x', 9000);
    k += 9000;
    csv[k++] = '\n';
    unika_csv *reader = NULL;
    ck_assert_int_eq(unika_csv_new_memory(&reader, csv, k, NULL, NULL), 0);
    ck_assert_int_eq(unika_csv_next(reader, NULL), 1);
    unika_csv_free(reader);
    ck_assert_uint_gt(cnt.total_blocks, 10);
    ck_assert_uint_eq(cnt.live_blocks, 0);
    ck_assert_uint_eq(cnt.live_bytes, 0);
    restore();
}
END_TEST

START_TEST(a_failing_allocator_gives_enomem_and_leaks_nothing)
{
    /* Fail at every position in turn: each run ends in success or ENOMEM,
     * and every block made is given back. */
    int successes = 0;
    for (long k = 0; k < 400; k++) {
        use_counter(k);
        int rc = sketch_workload();
        ck_assert_msg(rc == 0 || rc == UNIKA_ENOMEM, "allocation %ld: rc %d", k, rc);
        ck_assert_msg(cnt.live_blocks == 0, "allocation %ld failed: %zu blocks left", k,
                      cnt.live_blocks);
        successes += rc == 0;
        restore();
    }
    ck_assert_int_gt(successes, 0); /* the workload needs fewer than 400 */
}
END_TEST

START_TEST(half_an_allocator_is_refused)
{
    unika_allocator a = {count_alloc, NULL, &cnt};
    ck_assert_int_eq(unika_set_allocator(&a), UNIKA_EINVAL);
    unika_allocator b = {NULL, count_free, &cnt};
    ck_assert_int_eq(unika_set_allocator(&b), UNIKA_EINVAL);
    /* Still the C library's: a sketch made now is freed by free(). */
    memset(&cnt, 0, sizeof cnt);
    ck_assert_int_eq(sketch_workload(), 0);
    ck_assert_uint_eq(cnt.total_blocks, 0);
    unika_allocator none = {NULL, NULL, NULL};
    ck_assert_int_eq(unika_set_allocator(&none), 0);
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("alloc");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, every_allocation_goes_through_the_hook_and_back);
    tcase_add_test(tc, a_failing_allocator_gives_enomem_and_leaks_nothing);
    tcase_add_test(tc, half_an_allocator_is_refused);
    suite_add_tcase(s, tc);
    return s;
}
