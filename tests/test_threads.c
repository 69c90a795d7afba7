/*
 * test_threads.c - using unika from several threads (docs/concurrency.md).
 *
 * The supported way to count from N threads is one sketch per thread,
 * merged at the end: a union of sketches is exact (register-wise maximum,
 * token-set union), so the result must equal a single-threaded build byte
 * for byte, whatever the split and the overlap between threads. One key and
 * one recipe are shared read-only by every thread. Also checked: concurrent
 * readers of one sketch, normalisers and CSV readers in parallel, and
 * unika_init() racing with itself. Run under ThreadSanitizer with
 *   cmake -DUNIKA_SANITIZE=thread ... && ctest -R test_threads
 * which reports any data race in these paths.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "unika.h"

enum { THREADS = 4, P = 12 };

static unika_key *shared_key;
static unika_recipe *shared_recipe;

static void setup(void)
{
    uint8_t bytes[UNIKA_KEY_BYTES];
    for (size_t i = 0; i < sizeof bytes; i++) bytes[i] = (uint8_t)(7 * i + 1);
    ck_assert_int_eq(unika_key_from_bytes(&shared_key, bytes, NULL), 0);
    ck_assert_int_eq(unika_recipe_parse(&shared_recipe, "strict", 6, NULL), 0);
}

static void teardown(void)
{
    unika_recipe_free(shared_recipe);
    unika_key_free(shared_key);
    shared_recipe = NULL;
    shared_key = NULL;
}

static unika_sketch *new_sketch(void)
{
    unika_sketch *s = NULL;
    ck_assert_int_eq(unika_sketch_new(&s, P, unika_key_fingerprint_ptr(shared_key),
                                      unika_recipe_fingerprint_ptr(shared_recipe), NULL),
                     0);
    return s;
}

/* Person i's already normalised strict fields: name, birth date, gender.
 * Returns 0, or -1 when a library call failed. */
static int add_person(unika_sketch *s, uint64_t i)
{
    char name[64], birth[16];
    snprintf(name, sizeof name, "person %llu", (unsigned long long)i);
    snprintf(birth, sizeof birth, "%04u-%02u-%02u", 1990 + (unsigned)(i % 20),
             1 + (unsigned)(i / 20 % 12), 1 + (unsigned)(i / 240 % 28));
    const char *values[3] = {name, birth, (i & 1) ? "M" : "F"};
    size_t sizes[3] = {strlen(name), strlen(birth), 1};
    uint8_t p[UNIKA_PSEUDONYM_BYTES];
    if (unika_pseudonym_from_fields(p, shared_key, shared_recipe, values, sizes, 3, NULL) < 0)
        return -1;
    return unika_sketch_add(s, shared_key, p, NULL) < 0 ? -1 : 0;
}

typedef struct {
    uint64_t from, to; /* people [from, to) */
    unika_sketch *sketch;
    int failed;
} worker;

static void *add_range(void *arg)
{
    worker *w = arg;
    for (uint64_t i = w->from; i < w->to && !w->failed; i++)
        if (add_person(w->sketch, i) < 0) w->failed = 1;
    return NULL;
}

/* Builds the sketch of people [0, n) single-threaded and from THREADS
 * threads whose ranges overlap by `overlap` people (so that the same person
 * reaches several threads' sketches), merges, and compares the bytes. */
static void check_split(uint64_t n, uint64_t overlap)
{
    unika_sketch *single = new_sketch();
    for (uint64_t i = 0; i < n; i++) ck_assert_int_eq(add_person(single, i), 0);

    worker w[THREADS];
    pthread_t t[THREADS];
    for (int k = 0; k < THREADS; k++) {
        uint64_t from = n * (uint64_t)k / THREADS, to = n * (uint64_t)(k + 1) / THREADS;
        w[k].from = from > overlap ? from - overlap : 0;
        w[k].to = to;
        w[k].sketch = new_sketch();
        w[k].failed = 0;
        ck_assert_int_eq(pthread_create(&t[k], NULL, add_range, &w[k]), 0);
    }
    unika_sketch *merged = new_sketch();
    for (int k = 0; k < THREADS; k++) {
        ck_assert_int_eq(pthread_join(t[k], NULL), 0);
        ck_assert_int_eq(w[k].failed, 0);
        ck_assert_int_eq(unika_sketch_merge(merged, w[k].sketch, NULL), 0);
        unika_sketch_free(w[k].sketch);
    }
    ck_assert_int_eq(unika_sketch_equal(merged, single), 1);
    size_t na = 0, nb = 0;
    ck_assert_int_eq(unika_sketch_serialized_size(&na, single), 0);
    ck_assert_int_eq(unika_sketch_serialized_size(&nb, merged), 0);
    ck_assert_uint_eq(na, nb);
    uint8_t *a = malloc(na), *b = malloc(nb);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(unika_sketch_serialize(a, na, NULL, single, NULL), 0);
    ck_assert_int_eq(unika_sketch_serialize(b, nb, NULL, merged, NULL), 0);
    ck_assert_mem_eq(a, b, na);
    free(a);
    free(b);
    unika_sketch_free(merged);
    unika_sketch_free(single);
}

/* 600 people at p = 12 stay sparse (at most 1,024 tokens): exact token union. */
START_TEST(per_thread_sparse_sketches_merge_to_the_single_thread_bytes)
{
    check_split(600, 0);
    check_split(600, 100);
}
END_TEST

/* 30,000 people make every sketch dense: register-wise maximum. */
START_TEST(per_thread_dense_sketches_merge_to_the_single_thread_bytes)
{
    check_split(30000, 0);
    check_split(30000, 5000);
}
END_TEST

/* Threads whose own sketches stay sparse while the union is dense. */
START_TEST(sparse_thread_sketches_merge_into_a_dense_union)
{
    check_split(3000, 0);
}
END_TEST

typedef struct {
    const unika_sketch *sketch;
    unika_estimate est;
    int failed;
} reader;

static void *estimate_many(void *arg)
{
    reader *r = arg;
    for (int i = 0; i < 50 && !r->failed; i++) {
        unika_estimate e;
        if (unika_sketch_estimate(&e, r->sketch, UNIKA_ESTIMATOR_ML, NULL) < 0) r->failed = 1;
        else r->est = e;
    }
    return NULL;
}

/* A sketch nobody writes to may be read by many threads at once. */
START_TEST(concurrent_readers_of_one_sketch_agree)
{
    unika_sketch *s = new_sketch();
    for (uint64_t i = 0; i < 20000; i++) ck_assert_int_eq(add_person(s, i), 0);
    unika_estimate want;
    ck_assert_int_eq(unika_sketch_estimate(&want, s, UNIKA_ESTIMATOR_ML, NULL), 0);
    reader r[THREADS];
    pthread_t t[THREADS];
    for (int k = 0; k < THREADS; k++) {
        r[k].sketch = s;
        r[k].failed = 0;
        ck_assert_int_eq(pthread_create(&t[k], NULL, estimate_many, &r[k]), 0);
    }
    for (int k = 0; k < THREADS; k++) {
        ck_assert_int_eq(pthread_join(t[k], NULL), 0);
        ck_assert_int_eq(r[k].failed, 0);
        ck_assert(r[k].est.estimate == want.estimate);
        ck_assert(r[k].est.std_error == want.std_error);
    }
    unika_sketch_free(s);
}
END_TEST

/* Normalisers and a CSV reader per thread: each thread parses the same
 * bytes; every thread must get what a single thread gets. */
static const char csv_text[] =
    "name,birth,gender\r\n"
    "\"Al-Khalil, Samir\",1999-05-10,pojke\r\n"
    "Åsa Öberg-Nyström,20010304,kvinna\r\n"
    "SAMIR AL KHALIL,10/05/1999,M\r\n"
    "Мухаммад Рахими,2003-01-01,man\r\n";

typedef struct {
    char out[4][UNIKA_NAME_MAX_BYTES + 32];
    int failed;
} parser;

static void parse_all(parser *p)
{
    unika_csv_options opt;
    unika_csv_options_init(&opt);
    unika_csv *csv = NULL;
    if (unika_csv_new_memory(&csv, csv_text, sizeof csv_text - 1, &opt, NULL) < 0) {
        p->failed = 1;
        return;
    }
    int row = 0, rc = unika_csv_next(csv, NULL); /* the header record */
    while (rc == 1 && (rc = unika_csv_next(csv, NULL)) == 1 && row < 4) {
        size_t nn, nb, ng, len;
        const char *name = unika_csv_field(csv, 0, &nn);
        const char *birth = unika_csv_field(csv, 1, &nb);
        const char *gender = unika_csv_field(csv, 2, &ng);
        char norm[UNIKA_NAME_MAX_BYTES];
        unika_date d;
        unika_gender g;
        if (unika_normalize_name(norm, sizeof norm, &len, name, nn, NULL) < 0 ||
            unika_date_parse(&d, birth, nb, NULL, NULL) < 0 ||
            unika_gender_parse(&g, gender, ng, NULL) < 0) {
            p->failed = 1;
            break;
        }
        snprintf(p->out[row], sizeof p->out[row], "%s|%04d-%02d-%02d|%s", norm, d.year, d.month,
                 d.day, unika_gender_code(g));
        row++;
    }
    if (rc < 0 || row != 4) p->failed = 1;
    unika_csv_free(csv);
}

static void *parse_many(void *arg)
{
    parser *p = arg;
    for (int i = 0; i < 200 && !p->failed; i++) parse_all(p);
    return NULL;
}

START_TEST(normalisers_and_csv_readers_in_parallel)
{
    parser want = {0};
    parse_all(&want);
    ck_assert_int_eq(want.failed, 0);
    ck_assert_str_eq(want.out[0], want.out[2]); /* the same person written two ways */
    static parser got[THREADS];
    pthread_t t[THREADS];
    for (int k = 0; k < THREADS; k++) {
        memset(&got[k], 0, sizeof got[k]);
        ck_assert_int_eq(pthread_create(&t[k], NULL, parse_many, &got[k]), 0);
    }
    for (int k = 0; k < THREADS; k++) {
        ck_assert_int_eq(pthread_join(t[k], NULL), 0);
        ck_assert_int_eq(got[k].failed, 0);
        for (int r = 0; r < 4; r++) ck_assert_str_eq(got[k].out[r], want.out[r]);
    }
}
END_TEST

static void *init_once(void *arg)
{
    *(int *)arg = unika_init();
    return NULL;
}

/* unika_init() may race with itself: every caller sees success. */
START_TEST(init_from_many_threads)
{
    int rc[THREADS];
    pthread_t t[THREADS];
    for (int k = 0; k < THREADS; k++)
        ck_assert_int_eq(pthread_create(&t[k], NULL, init_once, &rc[k]), 0);
    for (int k = 0; k < THREADS; k++) {
        ck_assert_int_eq(pthread_join(t[k], NULL), 0);
        ck_assert_int_ge(rc[k], 0);
    }
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("threads");
    TCase *tc = tcase_create("threads");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, per_thread_sparse_sketches_merge_to_the_single_thread_bytes);
    tcase_add_test(tc, per_thread_dense_sketches_merge_to_the_single_thread_bytes);
    tcase_add_test(tc, sparse_thread_sketches_merge_into_a_dense_union);
    tcase_add_test(tc, concurrent_readers_of_one_sketch_agree);
    tcase_add_test(tc, normalisers_and_csv_readers_in_parallel);
    tcase_add_test(tc, init_from_many_threads);
    suite_add_tcase(s, tc);
    return s;
}
