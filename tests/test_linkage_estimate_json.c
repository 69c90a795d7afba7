/*
 * test_linkage_estimate_json.c - the estimates file as the estimator writes
 * it (docs/linkage.md 16): a figure that is not a finite number is an
 * estimator's fault, refused with an error and never written as "nan", which
 * no JSON reader takes for a number; and a partnership too small to measure
 * a rate gets finite figures all the same.
 */
#include <math.h>
#include <stdlib.h>

#define LK_EST_INTERNAL
#include "common/common.h"
#include "linkage/estimate.h"
#include "linkage_estimate_testutil.h"

enum { PEOPLE = 60 };

/* PEOPLE identified people at two partners, and as many at the third
 * known by a name and a birth year: every kind of figure has a value. */
static unika_linkage *small_partnership(unika_link_seed **ls, lt_row **rows, char (**text)[2][24])
{
    *rows = malloc(3 * PEOPLE * sizeof **rows);
    *text = malloc(2 * PEOPLE * sizeof **text);
    rng_state = 11;
    size_t k = 0;
    for (unsigned p = 0; p < 2 * PEOPLE; p++) own_person((*text)[p][0], (*text)[p][1], p, 30000000);
    for (unsigned p = 0; p < PEOPLE; p++) {
        int y = 1998 + (int)(p % 8), m = 1 + (int)(p % 12), d = 1 + (int)(p % 28);
        (*rows)[k++] = visit(ORGS[0], (*text)[p][0], (*text)[p][1], y, m, d);
        (*rows)[k++] = visit(ORGS[1], (*text)[p][0], (*text)[p][1], y, m, d);
        (*rows)[k++] = visit(ORGS[2], (*text)[PEOPLE + p][0], NULL, y, 0, 0);
    }
    *ls = lt_seed();
    return lt_link(*rows, k, ORGS, 3, NULL, *ls, NULL);
}

START_TEST(non_finite_figure_refused)
{
    unika_link_seed *ls;
    lt_row *rows;
    char(*text)[2][24];
    unika_linkage *lk = small_partnership(&ls, &rows, &text);
    lk_est *e;
    lk_est_figure *fig;
    size_t n;
    unika_error err = {0};
    ck_assert_msg(lk_est_new(&e, lk, &err) == 0, "%s", err.message);
    ck_assert_int_eq(lk_est_default_figures(e, &fig, &n, &err), 0);
    ck_assert_int_eq(lk_est_run(e, fig, n, &err), 0);
    char *json = NULL;
    size_t size = 0;
    ck_assert_int_eq(lk_est_json(e, fig, n, &json, &size, &err), 0); /* as computed: written */
    ck_assert_ptr_nonnull(json);
    free(json);
    /* one figure's standard error gone wrong, then an overlap's estimate */
    double se = fig[n - 1].se;
    fig[n - 1].se = NAN;
    json = NULL;
    ck_assert_int_eq(lk_est_json(e, fig, n, &json, &size, &err), UNIKA_EINTERNAL);
    ck_assert_ptr_null(json);
    ck_assert_msg(strstr(err.message, "not a finite number"), "%s", err.message);
    fig[n - 1].se = se;
    size_t pair = n;
    for (size_t i = 0; i < n && pair == n; i++)
        if (fig[i].overlap.present) pair = i;
    ck_assert_msg(pair < n, "no figure of two partners with an overlap");
    fig[pair].overlap.estimate = INFINITY;
    ck_assert_int_eq(lk_est_json(e, fig, n, &json, &size, &err), UNIKA_EINTERNAL);
    ck_assert_ptr_null(json);
    unika_free(fig);
    lk_est_free(e);
    unika_linkage_free(lk);
    unika_link_seed_free(ls);
    free(rows);
    free(text);
}
END_TEST

/* A partnership too small to measure how often duplicates keep a key: the
 * one person at both partners is written two ways, so no pair of its
 * records agrees (m_pair nil, floored at 1). D divides by m_dup, which
 * fell back to m_pair before the floor and was nil: 0 / 0, and `unika
 * link` refused the estimates as not finite. Every figure is a number. */
START_TEST(tiny_partnership_without_agreement)
{
    lt_row rows[4] = {
        {"aaa", "bafok dolem", NULL, "10000001", 2001, 5, 3, UNIKA_GENDER_MALE, 2019, 2},
        {"bbb", "bafok dolem kapor", NULL, "10000001", 2001, 5, 3, UNIKA_GENDER_MALE, 2019, 8},
        {"bbb", "nador ripek", NULL, NULL, 2000, 0, 0, UNIKA_GENDER_MALE, 2020, 3},
        {"aaa", "mafot zebik", NULL, NULL, 1999, 0, 0, UNIKA_GENDER_MALE, 2021, 9},
    };
    char *json;
    link_two_partners(rows, 4, &json); /* written: every figure is finite */
    ck_assert(number_after(json, "\"m_dup\"") > 0);
    double est, se;
    uint64_t res;
    figure_of(json, "\"aaa\", \"bbb\"", &est, &se, &res);
    ck_assert_msg(res == 3 && est >= 3 - 1e-9, "resolved %llu, estimate %g", (unsigned long long)res, est);
    free(json);
}
END_TEST

/* Every rate is measured on the strong clusters. A linkage of records
 * with a name and a birth year alone has none: its figures came out as
 * its units with an interval of nothing, where namesakes and one person's
 * spellings make the truth anything. Refused by name. */
START_TEST(no_strong_cluster_refused)
{
    lt_row rows[3] = {
        {"aaa", "bafok dolem", NULL, NULL, 2001, 0, 0, UNIKA_GENDER_MALE, 2019, 2},
        {"bbb", "bafok dolem", NULL, NULL, 2001, 0, 0, UNIKA_GENDER_MALE, 2019, 8},
        {"bbb", "nador ripek", NULL, NULL, 2000, 0, 0, UNIKA_GENDER_MALE, 2020, 3},
    };
    unika_link_seed *ls = lt_seed();
    unika_linkage *lk = lt_link(rows, 3, ORGS, 2, NULL, ls, NULL);
    char *json = NULL;
    size_t size = 0;
    unika_error err = {0};
    ck_assert_int_eq(unika_linkage_estimates(lk, &json, &size, &err), UNIKA_ELINKAGE);
    ck_assert_msg(json == NULL && strstr(err.message, "no strong cluster") != NULL, "%s",
                  err.message);
    unika_linkage_free(lk);
    unika_link_seed_free(ls);
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("linkage_estimate_json");
    TCase *tc = tcase_create("json");
    tcase_add_test(tc, non_finite_figure_refused);
    tcase_add_test(tc, tiny_partnership_without_agreement);
    tcase_add_test(tc, no_strong_cluster_refused);
    suite_add_tcase(s, tc);
    return s;
}
