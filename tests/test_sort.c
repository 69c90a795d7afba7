/*
 * test_sort.c - the stable sort of records by their leading words
 * (src/common/sort.c) that orders the linker's passes, its frequency
 * tables and the match-key file's visit cells: ascending by the words,
 * equal records in the order they came (the frequency tables sum doubles
 * in that order), short arrays and long, and nothing lost when memory
 * runs out; and records of ids alone, sorted even then.
 */
#include <stdlib.h>
#include <string.h>

#include "common/sort.h"
#include "testutil.h"
#include "unika.h"

typedef struct rec {
    uint32_t k[3];
    uint32_t seq; /* where it came: not a sort word */
    double payload;
} rec;

static uint64_t rng = 88172645463325252ULL;
static uint32_t next32(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* The reference order: by the words, then by where each came. */
static int ref_cmp(const void *a, const void *b)
{
    const rec *x = a, *y = b;
    for (int i = 0; i < 3; i++)
        if (x->k[i] != y->k[i]) return x->k[i] < y->k[i] ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* n records whose words take `range` values (few: many ties), or any
 * value when range is 0, with the high bits of word 1 all alike. */
static rec *make(size_t n, uint32_t range)
{
    rec *v = malloc((n ? n : 1) * sizeof *v);
    ck_assert_ptr_nonnull(v);
    for (size_t i = 0; i < n; i++) {
        for (int w = 0; w < 3; w++) v[i].k[w] = range ? next32() % range : next32();
        v[i].k[1] = 0xAB000000u | (v[i].k[1] & 0xFFFF);
        v[i].seq = (uint32_t)i;
        v[i].payload = (double)i / 7;
    }
    return v;
}

static void check_sorted(size_t n, uint32_t range)
{
    rec *v = make(n, range), *want = malloc((n ? n : 1) * sizeof *want);
    ck_assert_ptr_nonnull(want);
    memcpy(want, v, n * sizeof *v);
    qsort(want, n, sizeof *want, ref_cmp);
    ck_assert_int_eq(unika_sort_words(v, n, sizeof *v, 3), 0);
    ck_assert_msg(!memcmp(v, want, n * sizeof *v), "n %zu range %u: not the stable order", n,
                  (unsigned)range);
    free(v);
    free(want);
}

START_TEST(orders_by_the_words_and_keeps_ties_in_order)
{
    static const size_t sizes[] = {0, 1, 2, 3, 31, 32, 33, 100, 1000, 65537};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        check_sorted(sizes[i], 3);     /* ties everywhere */
        check_sorted(sizes[i], 70000); /* more than one byte of each word */
        check_sorted(sizes[i], 0);     /* every bit */
    }
}
END_TEST

START_TEST(fewer_words_leave_the_rest_in_order)
{
    rec *v = make(5000, 4);
    ck_assert_int_eq(unika_sort_words(v, 5000, sizeof *v, 1), 0);
    for (size_t i = 1; i < 5000; i++) {
        ck_assert_uint_le(v[i - 1].k[0], v[i].k[0]);
        if (v[i - 1].k[0] == v[i].k[0]) ck_assert_uint_lt(v[i - 1].seq, v[i].seq);
    }
    free(v);
}
END_TEST

static void *fail_alloc(void *opaque, size_t size)
{
    (void)opaque;
    (void)size;
    return NULL;
}

static void plain_free(void *opaque, void *p)
{
    (void)opaque;
    free(p);
}

START_TEST(out_of_memory_changes_nothing)
{
    rec *v = make(1000, 50), *was = malloc(1000 * sizeof *was);
    ck_assert_ptr_nonnull(was);
    memcpy(was, v, 1000 * sizeof *v);
    unika_allocator a = {fail_alloc, plain_free, NULL};
    ck_assert_int_eq(unika_set_allocator(&a), 0);
    int rc = unika_sort_words(v, 1000, sizeof *v, 3);
    ck_assert_int_eq(unika_set_allocator(NULL), 0);
    ck_assert_int_eq(rc, -1);
    ck_assert(!memcmp(v, was, 1000 * sizeof *v));
    /* short arrays need no memory */
    ck_assert_int_eq(unika_set_allocator(&a), 0);
    rc = unika_sort_words(v, 20, sizeof *v, 3);
    ck_assert_int_eq(unika_set_allocator(NULL), 0);
    ck_assert_int_eq(rc, 0);
    free(v);
    free(was);
}
END_TEST

static int pair_cmp(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
    return (x[1] > y[1]) - (x[1] < y[1]);
}

/* Records that are only ids: the order qsort gives, with memory or, by
 * insertion, without. */
START_TEST(ids_sort_with_or_without_memory)
{
    static const size_t sizes[] = {0, 1, 2, 32, 33, 700};
    unika_allocator a = {fail_alloc, plain_free, NULL};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
        for (int starve = 0; starve < 2; starve++) {
            size_t n = sizes[i];
            uint32_t(*v)[2] = malloc((n ? n : 1) * sizeof *v);
            uint32_t(*want)[2] = malloc((n ? n : 1) * sizeof *want);
            ck_assert(v && want);
            for (size_t j = 0; j < n; j++) {
                v[j][0] = next32() % 5;
                v[j][1] = next32();
            }
            memcpy(want, v, n * sizeof *v);
            qsort(want, n, sizeof *want, pair_cmp);
            if (starve) ck_assert_int_eq(unika_set_allocator(&a), 0);
            unika_sort_ids(v, n, 2);
            if (starve) ck_assert_int_eq(unika_set_allocator(NULL), 0);
            ck_assert_msg(!memcmp(v, want, n * sizeof *v), "n %zu, starved %d: not sorted", n,
                          starve);
            free(v);
            free(want);
        }
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("sort");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, orders_by_the_words_and_keeps_ties_in_order);
    tcase_add_test(tc, fewer_words_leave_the_rest_in_order);
    tcase_add_test(tc, out_of_memory_changes_nothing);
    tcase_add_test(tc, ids_sort_with_or_without_memory);
    suite_add_tcase(s, tc);
    return s;
}
