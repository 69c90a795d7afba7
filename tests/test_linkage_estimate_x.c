/*
 * test_linkage_estimate_x.c - X, the strong people who also have weak
 * records (docs/linkage.md 15): its rate at a partner measured on the rare
 * strong clusters, the chance part of it met through decoys, and its error
 * taken given the people the rate was measured on.
 */
#include <math.h>
#include <stdlib.h>

#define LK_EST_INTERNAL
#include "linkage/estimate.h"
#include "linkage_estimate_testutil.h"

/* A partnership where `strong` identified people are at A and B, and C
 * sees only other people, known by name and birth year: every hit of a
 * strong person's key at C is a namesake met by chance, so the true r is
 * 0, and the decoys must measure the chance. */
typedef struct chance_only {
    lt_row *rows;
    char (*text)[2][24];
    unika_link_seed *ls;
    unika_linkage *lk;
} chance_only;

static void chance_only_make(chance_only *c, unsigned strong, uint64_t seed)
{
    enum { WEAK = 2400 };
    c->rows = malloc((2 * strong + WEAK) * sizeof *c->rows);
    c->text = malloc((strong + WEAK) * sizeof *c->text);
    rng_state = seed;
    size_t k = 0;
    for (unsigned p = 0; p < strong + WEAK; p++) {
        /* two words of two random consonants: the loose key is their sorted
         * four, about 1,400 names, 11,000 keys with the birth years */
        static const char C[] = "bdfklmnprstz";
        char g[8], s[8];
        snprintf(g, sizeof g, "%ca%c", C[rnd() % 12], C[rnd() % 12]);
        snprintf(s, sizeof s, "%co%c", C[rnd() % 12], C[rnd() % 12]);
        two_words(c->text[p][0], g, s);
        snprintf(c->text[p][1], 24, "%08u", 10000000u + p);
        int y = 1998 + (int)(rnd() % 8), m = 1 + (int)(rnd() % 12), d = 1 + (int)(rnd() % 28);
        const char *name = c->text[p][0];
        for (unsigned o = 0; o < (p < strong ? 2u : 1u); o++) {
            lt_row r = {
                ORGS[p < strong ? o : 2], name, NULL, NULL, y, 0, 0, UNIKA_GENDER_MALE, 2019,
                1 + (int)(rnd() % 12)};
            if (p < strong) {
                r.dossier = c->text[p][1];
                r.m = m;
                r.d = d;
            }
            c->rows[k++] = r;
        }
    }
    c->ls = lt_seed();
    c->lk = lt_link(c->rows, k, ORGS, 3, NULL, c->ls, NULL);
}

static void chance_only_free(chance_only *c)
{
    unika_linkage_free(c->lk);
    unika_link_seed_free(c->ls);
    free(c->rows);
    free(c->text);
}

/* C's r there (estimates.json). */
static double chance_only_r(unsigned strong)
{
    chance_only c;
    chance_only_make(&c, strong, 0x5DEECE66Dull);
    char *json;
    size_t size;
    ck_assert_int_eq(unika_linkage_estimates(c.lk, &json, &size, NULL), 0);
    const char *at = strstr(json, "\"ccc\": {\"r\"");
    ck_assert_msg(at != NULL, "no rates of ccc");
    double r = number_after(at, "\"r\"");
    free(json);
    chance_only_free(&c);
    return r;
}

/* A test's partnership: its resolution, its linker's seed, its rows and
 * their text. */
static void partnership_free(unika_linkage *lk, unika_link_seed *ls, void *rows, void *text)
{
    unika_linkage_free(lk);
    unika_link_seed_free(ls);
    free(rows);
    free(text);
}

/* rows resolved by a linker of their own, and its estimates file. */
typedef struct estimated {
    unika_link_seed *ls;
    unika_linkage *lk;
    char *json;
} estimated;

static void estimate_rows(estimated *x, const lt_row *rows, size_t n, unsigned norgs)
{
    size_t size;
    x->ls = lt_seed();
    x->lk = lt_link(rows, n, ORGS, norgs, NULL, x->ls, NULL);
    ck_assert_int_eq(unika_linkage_estimates(x->lk, &x->json, &size, NULL), 0);
}

static void estimated_free(estimated *x)
{
    free(x->json);
    unika_linkage_free(x->lk);
    unika_link_seed_free(x->ls);
}

/* n identified people, first .. first + n - 1, each visiting A and B under
 * one name, identifier and birth date, appended to rows[*k ..): their
 * records agree, so that m_eq0 is measured (at LK_EST_M_MIN records or fewer
 * compared it is not: version 24). */
static void both_partners(lt_row *rows, size_t *k, char (*text)[2][24], unsigned n,
                          unsigned first, unsigned base)
{
    for (unsigned i = 0; i < n; i++) {
        own_person(text[i][0], text[i][1], first + i, base);
        int y = 1998 + (int)(rnd() % 8), m = 2 + (int)(rnd() % 11), d = 1 + (int)(rnd() % 28);
        for (unsigned o = 0; o < 2; o++)
            rows[(*k)++] = visit(ORGS[o], text[i][0], text[i][1], y, m, d);
    }
}

/* Each rare cluster looks for its decoy at a fixed stride through the
 * clusters; a stride that divided their number met the cluster itself at
 * every step (7,919 strong clusters: the generator's 10,000 people, seed
 * 1000), no decoy was found, chance was not subtracted and the total erred
 * -4.0% (version 7). With 7,919 clusters and with 7,918, C's r must be near
 * its true 0: measured 0.004 both, and 0.182 with version 7's stride at
 * 7,919 (the raw share of hits). What the decoys leave is their sampling
 * error, about sqrt(own hits + chance hits) / clusters = sqrt(1150) / 3150
 * = 0.011 here: the bound 0.05 is more than four of it. */
START_TEST(decoys_at_any_number_of_clusters)
{
    for (unsigned strong = 7918; strong <= 7919; strong++) {
        double r = chance_only_r(strong);
        ck_assert_msg(r < 0.05, "%u strong clusters: C's r %.3f, truth 0", strong, r);
    }
}
END_TEST

/* X's rate at C is measured on the rare strong clusters, and when every
 * strong person is rare they are the very people X counts: r's estimate
 * is their share with a weak record at C, so X's estimate is how many
 * have one, and its error is nil however they were drawn. Version 15
 * takes X's variance given that sample (estimate_figure.c, shared_cov());
 * up to version 14 the figure's variance held X's Bernoulli variance,
 * N r (1 - r), beside the jackknife of r, which holds it again, so its
 * standard error was never below sqrt(N r (1 - r)) (22 people here).
 * Here 2,000 identified people at A and B, each under a name of its own,
 * 40% of them also at C by name and birth year only, and 600 people at C
 * alone: the estimate must be within 2% of the 2,600 (measured: +0.8%,
 * the occupancy's mean of about 1.015 people per unit of a key this rare,
 * where each holds one), and over eight partnerships the mean of se^2 must
 * stay below 0.6 N r (1 - r). What is left of it is the jackknife's own noise (10
 * groups: a relative spread of sqrt(2 / 9) = 0.47, so jk - var(X)
 * averages to nil, and its positive part to about 0.19 var(X), with a
 * spread of 0.05 var(X) over eight means) and the occupancy's variance of
 * units of rare keys (about 21). Measured: 41 against var(X) 481; version
 * 14 gave 893. */
START_TEST(shared_variance_given_its_rates)
{
    enum { STRONG = 2000, ALONE = 600 };
    lt_row *rows = malloc((3 * STRONG + ALONE) * sizeof *rows);
    char(*text)[2][24] = malloc((STRONG + ALONE) * sizeof *text);
    double se2 = 0, bernoulli = 0;
    for (unsigned p = 0; p < STRONG + ALONE; p++) {
        char g[8], own[8];
        word(g, 0, p % WORDS);
        own_word(own, p);
        two_words(text[p][0], g, own);
        snprintf(text[p][1], 24, "%08u", 30000000u + p);
    }
    rng_state = 0x9E3779B97F4A7C15ull;
    for (int run = 0; run < 8; run++) {
        size_t k = 0, at_c = 0;
        for (unsigned p = 0; p < STRONG + ALONE; p++) {
            int y = 1998 + (int)(rnd() % 8), m = 1 + (int)(rnd() % 12), d = 1 + (int)(rnd() % 28);
            if (p < STRONG) {
                rows[k++] = visit(ORGS[0], text[p][0], text[p][1], y, m, d);
                rows[k++] = visit(ORGS[1], text[p][0], text[p][1], y, m, d);
                if (unif() >= 0.4) continue;
                at_c++;
            }
            rows[k++] = visit(ORGS[2], text[p][0], NULL, y, 0, 0);
        }
        estimated x;
        estimate_rows(&x, rows, k, 3);
        double est, se;
        uint64_t res;
        figure_of(x.json, "\"aaa\", \"bbb\", \"ccc\"", &est, &se, &res);
        ck_assert_msg(fabs(est / (STRONG + ALONE) - 1) < 0.02, "estimate %.1f, truth %d", est,
                      STRONG + ALONE);
        se2 += se * se / 8;
        bernoulli += (double)at_c * (double)(STRONG - at_c) / STRONG / 8;
        estimated_free(&x);
    }
    ck_assert_msg(se2 < 0.6 * bernoulli, "mean se^2 %.1f, X's Bernoulli variance %.1f", se2,
                  bernoulli);
    free(rows);
    free(text);
}
END_TEST

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The jackknife's standard deviation of C's r over the replicates. */
static double jackknife_sd(const lk_est *e, unsigned org)
{
    double mean = 0, ss = 0;
    for (int g = 0; g < LK_EST_GROUPS; g++) mean += e->rep[g].r[org] / LK_EST_GROUPS;
    for (int g = 0; g < LK_EST_GROUPS; g++)
        ss += (e->rep[g].r[org] - mean) * (e->rep[g].r[org] - mean);
    return sqrt(ss * (LK_EST_GROUPS - 1) / LK_EST_GROUPS);
}

/* A rate is its share of hits less the chance ones; where the decoys meet
 * more than the clusters' own keys do, it is nil. Held at nil in every
 * jackknife replicate too, it showed no error at all (up to version 14):
 * a replicate keeps the signed share (version 15). Over twelve
 * partnerships of the kind above (2,000 strong people, true r 0), C's r
 * comes out at nil in some (measured: 3 of 12) and clearly above it in
 * others (at least 0.01: 4 of 12); the jackknife's spread of r at nil must
 * be at least a third of its median where r is clear of nil. The share's
 * sampling error does not depend on which side of nil it falls, so the two
 * spreads are alike (measured: 0.014-0.021 against 0.020); held at nil,
 * the replicates spread by 0.0005 or less. */
START_TEST(rate_at_nil_keeps_its_error)
{
    double at_nil[12] = {0}, clear[12] = {0};
    size_t n_nil = 0, n_clear = 0;
    for (uint64_t seed = 1; seed <= 12; seed++) {
        chance_only c;
        chance_only_make(&c, 2000, seed * 0x9E3779B97F4A7C15ull);
        lk_est *e;
        unika_error err = {0};
        ck_assert_msg(lk_est_new(&e, c.lk, &err) == 0, "%s", err.message);
        if (e->rates.r[2] == 0) at_nil[n_nil++] = jackknife_sd(e, 2);
        if (e->rates.r[2] >= 0.01) clear[n_clear++] = jackknife_sd(e, 2);
        lk_est_free(e);
        chance_only_free(&c);
    }
    ck_assert_msg(n_nil > 0 && n_clear > 0, "%zu at nil, %zu clear of it", n_nil, n_clear);
    qsort(clear, n_clear, sizeof *clear, cmp_double);
    double median =
        n_clear % 2 ? clear[n_clear / 2] : (clear[n_clear / 2 - 1] + clear[n_clear / 2]) / 2;
    for (size_t i = 0; i < n_nil; i++)
        ck_assert_msg(at_nil[i] >= median / 3, "r at nil spreads by %.4f, clear of it by %.4f",
                      at_nil[i], median);
}
END_TEST

/* A rare cluster whose name some other cluster holds in every other year
 * finds no decoy, and the namesakes its own key meets cannot be counted.
 * Where it is strong they were taken for its own weak records (up to
 * version 15), and r_in ran high where names are few: with few made-up
 * names at 30,000 people, Röda Korset's X at twice its truth. Here 1,000
 * identified people at A and B under names of their own, and 30 common
 * names held at A and B by eight identified people each, one per birth
 * year 1998-2005: all 1,240 are rare, the 240 of common names without a
 * decoy. A also sees 240 people by the common names and a birth year
 * only. No strong person has a weak record: the true r_in is nil, and
 * the strong people X counts at A are none. About two thirds of the 240
 * clusters meet a namesake (eight draws into eight years hit
 * 8 (1 - (7/8)^8) = 5.3 of them, 158 of 240 in all); taken as hits they
 * made r_in 158 / 1,240 = 0.127 and X 158 (measured, version 15). The
 * clusters with a decoy have unique names, which no namesake meets, so
 * r_in must be below 0.01 and X below 1% of A's strong people: measured
 * 0 and 0. */
START_TEST(r_in_where_its_chance_is_measured)
{
    enum { UNIQUE = 1000, COMMON = 30, YEARS = 8, STRONG = UNIQUE + COMMON * YEARS };
    lt_row *rows = malloc((2 * STRONG + COMMON * YEARS) * sizeof *rows);
    char(*text)[2][24] = malloc(STRONG * sizeof *text);
    rng_state = 0x2545F4914F6CDD1Dull;
    size_t k = 0;
    for (unsigned p = 0; p < STRONG; p++) {
        char g[8], s[8];
        unsigned name = p < UNIQUE ? p : UNIQUE + (p - UNIQUE) / YEARS; /* a common one's */
        word(g, 0, name % WORDS);
        own_word(s, name);
        two_words(text[p][0], g, s);
        snprintf(text[p][1], 24, "%08u", 40000000u + p);
        int y = p < UNIQUE ? 1998 + (int)(rnd() % YEARS) : 1998 + (int)((p - UNIQUE) % YEARS);
        int m = 1 + (int)(rnd() % 12), d = 1 + (int)(rnd() % 28);
        rows[k++] = visit(ORGS[0], text[p][0], text[p][1], y, m, d);
        rows[k++] = visit(ORGS[1], text[p][0], text[p][1], y, m, d);
    }
    for (unsigned q = 0; q < COMMON * YEARS; q++)
        rows[k++] = visit(ORGS[0], text[UNIQUE + (q / YEARS) * YEARS][0], NULL,
                          1998 + (int)(rnd() % YEARS), 0, 0);
    unika_link_seed *ls = lt_seed();
    unika_linkage *lk = lt_link(rows, k, ORGS, 2, NULL, ls, NULL);
    lk_est *e;
    unika_error err = {0};
    ck_assert_msg(lk_est_new(&e, lk, &err) == 0, "%s", err.message);
    double r_in = e->rates.r_in[0];
    lk_est_free(e);
    char *json;
    size_t size;
    ck_assert_int_eq(unika_linkage_estimates(lk, &json, &size, NULL), 0);
    double shared = number_after(whole_span(json, "\"aaa\"", "all"), "\"shared\"");
    ck_assert_msg(r_in < 0.01, "A's r_in %.3f, truth 0", r_in);
    ck_assert_msg(shared < 0.01 * STRONG,
                  "A's strong people with weak records there: %.1f, truth 0", shared);
    free(json);
    partnership_free(lk, ls, rows, text);
}
END_TEST

/* X's rate at a partner is measured on the people of the figure it
 * corrects (version 18). Here 1,000 identified people at A and 1,000 at B,
 * each under a name of its own, and C, which records a name and a birth
 * year only: half of A's people visit it, a tenth of B's, and 400 people
 * are seen at C alone; 300 more identified people visit A and B alike and
 * never C, so that m_eq0 is measured (1; version 24). Every strong cluster
 * is rare and no name is shared, so no hit is a namesake's. One rate over
 * all the strong people is right for the total, but a figure of A and C
 * holds A's people, who visit C at 0.5, and one of B and C B's, at 0.1:
 * without the 300 (version 17), each figure's X at the rate of all, 0.3,
 * took A and C to 1,700 against the true 1,500 and B and C to 1,700
 * against 1,900. Measured on their own people, X is each pair's people at
 * C, exactly, and what is left is the occupancy's mean of about 1.015
 * people per unit of a key this rare (the test above): within 3% of both
 * (measured +0.5% and +0.4%; version 17, +13.8% and -9.7%), and the
 * overlap of A and C, |A| + |C| - |A u C|, within 5% of its 500 (measured
 * -0.0%; version 17, -39%). */
START_TEST(x_rate_of_a_figures_own_people)
{
    enum { EACH = 1000, ALONE = 400, BOTH = 300 };
    lt_row *rows = malloc((3 * EACH + ALONE + 2 * BOTH) * sizeof *rows);
    char(*text)[2][24] = malloc((2 * EACH + ALONE + BOTH) * sizeof *text);
    rng_state = 0xD1B54A32D192ED03ull;
    size_t k = 0;
    unsigned at_c[2] = {0, 0};
    for (unsigned p = 0; p < 2 * EACH + ALONE; p++) {
        own_person(text[p][0], text[p][1], p, 50000000u);
        int y = 1998 + (int)(rnd() % 8), m = 1 + (int)(rnd() % 12), d = 1 + (int)(rnd() % 28);
        if (p < 2 * EACH) {
            unsigned side = p >= EACH; /* 0: A's, 1: B's */
            rows[k++] = visit(ORGS[side], text[p][0], text[p][1], y, m, d);
            if (unif() >= (side ? 0.1 : 0.5)) continue;
            at_c[side]++;
        }
        rows[k++] = visit(ORGS[2], text[p][0], NULL, y, 0, 0);
    }
    both_partners(rows, &k, text + 2 * EACH + ALONE, BOTH, 2 * EACH + ALONE, 50000000u);
    estimated x;
    estimate_rows(&x, rows, k, 3);
    double ac, bc, a, c, all, se;
    uint64_t res;
    figure_of(x.json, "\"aaa\", \"ccc\"", &ac, &se, &res);
    figure_of(x.json, "\"bbb\", \"ccc\"", &bc, &se, &res);
    figure_of(x.json, "\"aaa\"", &a, &se, &res);
    figure_of(x.json, "\"ccc\"", &c, &se, &res);
    figure_of(x.json, "\"aaa\", \"bbb\", \"ccc\"", &all, &se, &res);
    double t_ac = EACH + BOTH + at_c[1] + ALONE, t_bc = EACH + BOTH + at_c[0] + ALONE;
    ck_assert_msg(fabs(ac / t_ac - 1) < 0.03, "A and C: %.1f, truth %.0f", ac, t_ac);
    ck_assert_msg(fabs(bc / t_bc - 1) < 0.03, "B and C: %.1f, truth %.0f", bc, t_bc);
    ck_assert_msg(fabs((a + c - ac) / at_c[0] - 1) < 0.05, "A and C's overlap: %.1f, truth %u",
                  a + c - ac, at_c[0]);
    ck_assert_msg(fabs(all / (2 * EACH + ALONE + BOTH) - 1) < 0.02, "all: %.1f, truth %d", all,
                  2 * EACH + ALONE + BOTH);
    estimated_free(&x);
    free(rows);
    free(text);
}
END_TEST

/* Person p's name spelled two ways (a given name of one list or the other,
 * and a word of its own) and an identifier, base + p. */
static void two_spellings(char text[3][24], unsigned p, unsigned base)
{
    char g[2][8], own[8];
    word(g[0], 0, p % WORDS);
    word(g[1], 2, p % WORDS);
    own_word(own, p);
    two_words(text[0], g[0], own);
    two_words(text[1], g[1], own);
    snprintf(text[2], 24, "%08u", base + p);
}

/* m_eq0 by the partners a person's keys come from (version 22). 4,000
 * identified people, each under a surname of its own, are at one, two or
 * three of the strong partners A, B and D (a third each); every partner,
 * and C, which records a name and a birth year only, writes a person's
 * given name one of two ways, each as often, and half the people also visit
 * C, with 600 people seen at C alone. A weak record at C shows one of the
 * person's keys when one of its strong partners wrote the name as C did:
 * against one partner 1/2, against two 3/4, against three 7/8. The strong
 * records measure the first two (a record at A against B's, against B's and
 * D's); the third takes the misses left by one more partner, 1/2 again. One
 * m_eq0 over every record, 0.65 (2,667 records against one partner, 4,000
 * against two), divides a share of hits of 0.354 into r = 0.545 where the
 * truth is 0.5. Tolerances: m's levels are shares of the 1,333 people at two
 * partners (their two records agree together) and of the 1,333 at three,
 * standard deviations 0.014 and 0.012, so within 0.045; X is r times the
 * people it is taken on, r a share of 4,000 clusters (2.1%), so within 5%;
 * the figure's error is X's over 4,600 people, within 2.5%. Measured: m
 * 0.530 and 0.749, X 2,001.4 against the true 1,990 (+0.6%), the figure
 * 4,611.8 (+0.3%); with one m_eq0 (version 21), X 2,163.2 (+8.7%) and the
 * figure 4,450.0 (-3.3%). */
START_TEST(agreement_by_partners)
{
    enum { PEOPLE = 4000, ALONE = 600 };
    static const char *const orgs[4] = {"aaa", "bbb", "ccc", "ddd"};
    static const unsigned strong[3] = {0, 1, 3};
    lt_row *rows = malloc((PEOPLE + ALONE) * 4 * sizeof *rows);
    char(*text)[3][24] = malloc((PEOPLE + ALONE) * sizeof *text);
    rng_state = 0x2545F4914F6CDD1Dull;
    size_t k = 0;
    unsigned at_c = 0;
    for (unsigned p = 0; p < PEOPLE + ALONE; p++) {
        two_spellings(text[p], p, 60000000u);
        int y = 1998 + (int)(rnd() % 8), m = 1 + (int)(rnd() % 12), d = 1 + (int)(rnd() % 28);
        if (p < PEOPLE) {
            unsigned first = (unsigned)(rnd() % 3), many = 1 + p % 3;
            for (unsigned i = 0; i < many; i++)
                rows[k++] = visit(orgs[strong[(first + i) % 3]], text[p][rnd() & 1], text[p][2],
                                  y, m, d);
            if (unif() >= 0.5) continue;
            at_c++;
        }
        rows[k++] = visit(orgs[2], text[p][rnd() & 1], NULL, y, 0, 0);
    }
    unika_link_seed *ls = lt_seed();
    unika_linkage *lk = lt_link(rows, k, orgs, 4, NULL, ls, NULL);
    char *json;
    size_t size;
    ck_assert_int_eq(unika_linkage_estimates(lk, &json, &size, NULL), 0);
    double m1, m2;
    const char *levels = strstr(json, "\"m_eq0_by_partners\": [[");
    ck_assert_msg(levels != NULL, "no m_eq0_by_partners");
    ck_assert_int_eq(sscanf(levels, "\"m_eq0_by_partners\": [[%lf, %*f], [%lf,", &m1, &m2), 2);
    ck_assert_msg(fabs(m1 - 0.5) < 0.045 && fabs(m2 - 0.75) < 0.045, "m %.3f and %.3f", m1, m2);
    const char *all = whole_span(json, "\"aaa\", \"bbb\", \"ccc\", \"ddd\"", "all");
    double shared = number_after(all, "\"shared\""), est = number_after(all, "\"estimate\"");
    ck_assert_msg(fabs(shared / at_c - 1) < 0.05, "X %.1f, truth %u", shared, at_c);
    ck_assert_msg(fabs(est / (PEOPLE + ALONE) - 1) < 0.025, "all: %.1f, truth %d", est,
                  PEOPLE + ALONE);
    free(json);
    partnership_free(lk, ls, rows, text);
}
END_TEST

/* A weak unit meets a strong cluster whose gender agrees with its own, and
 * an unknown gender agrees with any; so a key is shared, and a cluster not
 * rare, when a cluster of an agreeing gender holds it (version 22). Up to
 * version 21 only the same gender counted: a person of unknown gender whose
 * key a man's cluster also holds was rare, as was the man, and each met the
 * other's namesakes and weak records as its own (with few made-up names at
 * 30,000 people, 18% of the namesakes' hits at the rare clusters). Here
 * 1,000 identified men at A and B under names of their own, 30% of them
 * also at C by name and birth year only: r at C is 0.3. Beside them, 80
 * keys are each held by an identified man and by an identified person of
 * unknown gender, at A and B, and C sees two other men under each key, at
 * no strong partner. The 160 clusters must not be rare, and r, measured on
 * the rare ones, within 0.04 of 0.3 (a share of 1,000, standard deviation
 * 0.0145). Measured: 0.290; version 21 took the 160 as rare, each meeting
 * two namesakes, and gave 0.388. */
START_TEST(rare_by_gender_agreement)
{
    enum { UNIQUE = 1000, SHARED = 80, NAMESAKES = 2 };
    const size_t most = 3 * UNIQUE + 4 * SHARED + NAMESAKES * SHARED;
    lt_row *rows = malloc(most * sizeof *rows);
    char(*text)[2][24] = malloc((UNIQUE + 2 * SHARED) * sizeof *text);
    rng_state = 0x9E3779B97F4A7C15ull;
    size_t k = 0;
    for (unsigned p = 0; p < UNIQUE + SHARED; p++) {
        char g[8], s[8];
        word(g, 0, p % WORDS);
        own_word(s, p);
        two_words(text[p][0], g, s);
        int y = 1998 + (int)(rnd() % 8), m = 1 + (int)(rnd() % 12), d = 1 + (int)(rnd() % 28);
        for (unsigned twin = 0; twin < (p < UNIQUE ? 1u : 2u); twin++) {
            unsigned id = p < UNIQUE ? p : UNIQUE + 2 * (p - UNIQUE) + twin;
            unika_gender gender = twin ? UNIKA_GENDER_UNKNOWN : UNIKA_GENDER_MALE;
            snprintf(text[id][1], 24, "%08u", 70000000u + id);
            for (unsigned o = 0; o < 2; o++)
                rows[k++] = visit_of(ORGS[o], text[p][0], text[id][1], y, m, d, gender);
        }
        if (p < UNIQUE && unif() < 0.3) rows[k++] = visit(ORGS[2], text[p][0], NULL, y, 0, 0);
        if (p >= UNIQUE)
            for (unsigned n = 0; n < NAMESAKES; n++)
                rows[k++] = visit(ORGS[2], text[p][0], NULL, y, 0, 0);
    }
    unika_link_seed *ls = lt_seed();
    unika_linkage *lk = lt_link(rows, k, ORGS, 3, NULL, ls, NULL);
    lk_est *e;
    unika_error err = {0};
    ck_assert_msg(lk_est_new(&e, lk, &err) == 0, "%s", err.message);
    size_t rare = 0;
    for (size_t i = 0; i < e->ncl; i++) rare += e->cl[i].rare;
    double r = e->rates.r[2];
    lk_est_free(e);
    ck_assert_msg(rare == UNIQUE, "%zu rare clusters, truth %d", rare, UNIQUE);
    ck_assert_msg(fabs(r - 0.3) < 0.04, "C's r %.3f, truth 0.3", r);
    partnership_free(lk, ls, rows, text);
}
END_TEST

/* X's rate at a partner, taken apart for the strong clusters that hold an
 * identifier and those that hold none (version 23). Here 1,000 people with
 * a dossier number and 1,000 with a full birth date alone are at A, each
 * under a name of its own; B and C record a name and a birth year only,
 * and each person without an identifier visits each of them with chance
 * 1/2, apart: a person's weak records go where its identifier is not
 * written. 300 more identified people visit A and B alike (B writes their
 * dossier number), so that m_eq0 is measured (1; version 24). Every cluster
 * is rare and no name is shared, so nothing is met by chance. The truth: r
 * 0 and 1/2 at B and at C; X the 750 or so people without an identifier
 * seen at B or C; the total 2,300. At one r of 1/4 for everyone, X takes
 * 2,000 (1 - 3/4 * 3/4) = 875 (+17%) and the total 1,875, below the strong
 * clusters' own people, where it stops. Tolerances: a class's r is a share
 * of 1,000 clusters, standard deviation 0.016, so within 0.05; X is the
 * union over B and C at those rates, against the realised union, which
 * differs from it by how the two visits fell together (standard deviation
 * 14 people), so within 5%; the total errs by X's error and the
 * occupancy's mean of about 1.015 people per unit of a key this rare, so
 * within 2%. Measured: r 0.000 and 0.507 at B, X 735.7 against the true
 * 728 (+1.1%), the total 2,308.1 (+0.4%); with one r (version 22, without
 * the 300), r 0.253, X 853.2 (+17.2%), and the total held at the strong
 * clusters' 2,004.1. */
START_TEST(x_rate_by_identifier)
{
    enum { EACH = 1000, BOTH = 300 };
    lt_row *rows = malloc((2 * EACH * 3 + 2 * BOTH) * sizeof *rows);
    char(*text)[2][24] = malloc((2 * EACH + BOTH) * sizeof *text);
    rng_state = 0x94D049BB133111EBull;
    size_t k = 0;
    unsigned shared = 0;
    for (unsigned p = 0; p < 2 * EACH; p++) {
        own_person(text[p][0], text[p][1], p, 80000000u);
        /* never 1 January, which a partner takes for an assessed date */
        int y = 1998 + (int)(rnd() % 8), m = 2 + (int)(rnd() % 11), d = 1 + (int)(rnd() % 28);
        int identified = p < EACH;
        rows[k++] = visit(ORGS[0], text[p][0], identified ? text[p][1] : NULL, y, m, d);
        if (identified) continue;
        int seen = 0;
        for (unsigned o = 1; o < 3; o++)
            if (unif() < 0.5) rows[k++] = visit(ORGS[o], text[p][0], NULL, y, 0, 0), seen = 1;
        shared += (unsigned)seen;
    }
    both_partners(rows, &k, text + 2 * EACH, BOTH, 2 * EACH, 80000000u);
    estimated x;
    estimate_rows(&x, rows, k, 3);
    const char *b = strstr(x.json, "\"bbb\": {\"r\"");
    ck_assert_msg(b != NULL, "no rates of bbb");
    double with_id, without;
    const char *by = strstr(b, "\"r_by_identifier\": [");
    ck_assert_msg(by != NULL, "no r_by_identifier");
    ck_assert_int_eq(sscanf(by, "\"r_by_identifier\": [%lf, %lf]", &with_id, &without), 2);
    ck_assert_msg(with_id < 0.05 && fabs(without - 0.5) < 0.05, "B's r %.3f and %.3f", with_id,
                  without);
    const char *all = whole_span(x.json, "\"aaa\", \"bbb\", \"ccc\"", "all");
    double xs = number_after(all, "\"shared\""), est = number_after(all, "\"estimate\"");
    ck_assert_msg(fabs(xs / shared - 1) < 0.05, "X %.1f, truth %u", xs, shared);
    ck_assert_msg(fabs(est / (2 * EACH + BOTH) - 1) < 0.02, "all: %.1f, truth %d", est,
                  2 * EACH + BOTH);
    estimated_free(&x);
    free(rows);
    free(text);
}
END_TEST

/* The rows of a partnership whose one partner of strong records is A: 1,000
 * identified people there, each under a name of its own, a share at_b of
 * them also at B, which records a name and a birth year only and writes a
 * person's given name as A does with probability same (else its other
 * spelling), and 400 people at B alone. Returns the rows' count. */
static size_t one_strong_partner(lt_row *rows, char (*text)[3][24], double at_b, double same)
{
    size_t k = 0;
    for (unsigned p = 0; p < 1400; p++) {
        two_spellings(text[p], p, 90000000u);
        int y = 1998 + (int)(rnd() % 8), m = 2 + (int)(rnd() % 11), d = 1 + (int)(rnd() % 28);
        if (p < 1000) {
            rows[k++] = visit(ORGS[0], text[p][0], text[p][2], y, m, d);
            if (unif() >= at_b) continue;
        }
        rows[k++] = visit(ORGS[1], text[p][unif() < same ? 0 : 1], NULL, y, 0, 0);
    }
    return k;
}

/* The whole span's total of one_strong_partner()'s rows drawn under seed:
 * its estimate and interval, and estimates.json's m_eq0_rare and m_dup. */
typedef struct unmeasured_run {
    double est, lo, hi, low, dup;
} unmeasured_run;

static unmeasured_run run_one_strong_partner(uint64_t seed, double at_b, double same)
{
    lt_row *rows = malloc(2400 * sizeof *rows);
    char(*text)[3][24] = malloc(1400 * sizeof *text);
    rng_state = seed;
    estimated x;
    estimate_rows(&x, rows, one_strong_partner(rows, text, at_b, same), 2);
    ck_assert_msg(strstr(x.json, "\"m_measured\": false") != NULL, "m taken as measured");
    const char *all = whole_span(x.json, "\"aaa\", \"bbb\"", "all");
    unmeasured_run u = {number_after(all, "\"estimate\""), number_after(all, "\"ci_low\""),
                        number_after(all, "\"ci_high\""), number_after(x.json, "\"m_eq0_rare\""),
                        number_after(x.json, "\"m_dup\"")};
    estimated_free(&x);
    free(rows);
    free(text);
    return u;
}

/* A partnership whose one partner of strong records cannot show how often
 * another writes a person alike (version 24). 1,000 identified people at
 * A, each under a name of its own; half of them also visit B, which
 * records a name and a birth year only and writes the given name one of
 * two ways, each as often, where A writes the first: m is 1/2 by
 * construction, and nobody is strong at two partners to measure it. 400
 * more people are seen at B alone. The truth: 1,400 people, 500 of A's at
 * B. B shows the key of h = 1/4 of A's clusters (standard deviation 0.014),
 * and r lies between h / 1 and h / LK_EST_M_FLOOR (0.25 to 0.83; h is below
 * the floor, so it does not raise it): the middle, 0.54, puts X at 542
 * where 500 are true, and the occupancy's mean of about 1.015 people per
 * unit (900 units) adds 14: the estimate about 1,372 (-2.0%), within 10%
 * (the bias and three of X's standard deviations of 24 people, 1.7%). No
 * one is weak at two partners, so D and its floor play no part. X anywhere
 * between its ends, 250 and 833, spreads the estimate uniformly over
 * nearly 600 people: its 95% interval is about that wide, over 40% of the
 * truth (asserted: 20%), and holds the truth. Taken at m = 1 (version 23),
 * X is 250 and the total about 1,664 (+18.8%). Measured: the estimate
 * 1,409.5 (+0.7%), its interval 1,104.8 to 1,714.2; version 24 (floor
 * 0.4), 1,493.7 within 1,294.0 to 1,693.4, and version 23, 1,668.5
 * (+19.2%) within 1,664.8 to 1,672.1 (both on the rows of an earlier
 * draw, B's spelling taken from another random stream). */
START_TEST(agreement_unmeasured)
{
    unmeasured_run u = run_one_strong_partner(0xBF58476D1CE4E5B9ull, 0.5, 0.5);
    const double truth = 1400;
    ck_assert_msg(fabs(u.est / truth - 1) < 0.10, "all: %.1f, truth %.0f", u.est, truth);
    ck_assert_msg(u.lo <= truth && truth <= u.hi && u.hi - u.lo > 0.2 * truth,
                  "interval %.1f to %.1f, truth %.0f", u.lo, u.hi, truth);
}
END_TEST

/* The same partnership where B writes every person as A does and sees 90%
 * of A's people (version 25): B shows the key of h = 0.9 of A's clusters
 * (standard deviation 0.01), and since no more than all of them can have
 * records at B, m >= h. The low end of m, r's and D's, is h, not the
 * floors (0.3, 0.5): estimates.json's m_eq0_rare about 0.9 and m_dup about
 * 2 h / (1 + h) = 0.947, both asserted above 0.85 and 0.9 (five standard
 * deviations). X then lies between 900 and 1,000 (r from h to 1), a
 * uniform spread of at most 100 people, 7% of the truth: the estimate
 * within 5% and its interval holding the truth. Measured: m_eq0_rare
 * 0.908, m_dup 0.952, the estimate 1,410.1 (+0.7%) within 1,355.9 to
 * 1,464.4. */
START_TEST(agreement_bounded_by_hits)
{
    unmeasured_run u = run_one_strong_partner(0x94D049BB133111EBull, 0.9, 1.0);
    ck_assert_msg(u.low > 0.85 && u.dup > 0.9, "m's low end %.3f, m_dup %.3f", u.low, u.dup);
    const double truth = 1400;
    ck_assert_msg(fabs(u.est / truth - 1) < 0.05, "all: %.1f, truth %.0f", u.est, truth);
    ck_assert_msg(u.lo <= truth && truth <= u.hi, "interval %.1f to %.1f, truth %.0f", u.lo, u.hi,
                  truth);
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("linkage_estimate_x");
    TCase *tc = tcase_create("x");
    tcase_add_test(tc, decoys_at_any_number_of_clusters);
    tcase_add_test(tc, shared_variance_given_its_rates);
    tcase_add_test(tc, rate_at_nil_keeps_its_error);
    tcase_add_test(tc, r_in_where_its_chance_is_measured);
    tcase_add_test(tc, x_rate_of_a_figures_own_people);
    tcase_add_test(tc, agreement_by_partners);
    tcase_add_test(tc, rare_by_gender_agreement);
    tcase_add_test(tc, x_rate_by_identifier);
    tcase_add_test(tc, agreement_unmeasured);
    tcase_add_test(tc, agreement_bounded_by_hits);
    suite_add_tcase(s, tc);
    return s;
}
