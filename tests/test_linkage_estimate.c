/*
 * test_linkage_estimate.c - the estimator of counts under linkage error
 * (unika_linkage_estimates, docs/linkage.md "The estimator") on synthetic
 * partnerships where the number of people behind every ambiguous record is
 * known by construction.
 *
 * The population: people with a name drawn from 30 x 30 word lists with
 * Zipf (1/rank) frequencies, so that many share a name and a birth year;
 * 70% are identified (a dossier number and a real birth date), 30% are
 * known only by name, birth year and gender (1 January dates, no number).
 * Partners A and B record what they know; partner C (an outreach unit)
 * records name, birth year and gender only. Who is behind C's records, and
 * how many people share one of its records, is exactly what no rule can
 * know and the estimator must.
 */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "linkage_estimate_testutil.h"

#define LK_EST_INTERNAL
#include "linkage/estimate.h"
#include "linkage/estimate_fit.h"

#define N_PEOPLE 2400

static unsigned zipf(void)
{
    static double cum[WORDS];
    static int ready;
    if (!ready) {
        double s = 0;
        for (unsigned i = 0; i < WORDS; i++) cum[i] = (s += 1.0 / (i + 1));
        ready = 1;
    }
    double x = unif() * cum[WORDS - 1];
    for (unsigned i = 0; i < WORDS; i++)
        if (x < cum[i]) return i;
    return WORDS - 1;
}

typedef struct truth {
    uint64_t total, at[3];
    uint64_t both[3];       /* people at A and B, A and C, B and C */
    uint64_t year[8];       /* people with a row in 2018 + i */
    uint64_t at_year[3][8]; /* ... at partner o */
    uint64_t band[4];       /* people with a row in age band i (with_ages) */
} truth;

static const char *const BANDS[4] = {"0-17", "18-20", "21-24", "25+"};

/* The age band of a row: the age at the visit month, from the birth date
 * the partner writes (a bare year taken as 1 July). */
static unsigned band_of(int y, int m, int vy, int vm)
{
    int age = vy - y - (vm < (m ? m : 7));
    return age <= 17 ? 0 : age <= 20 ? 1 : age <= 24 ? 2 : 3;
}

/* How often a partner spells a person's given name the other way
 * (spelt_two_ways), how often partner B does on one visit
 * (borrowed_split_rate), the share of people of gender other, and whether
 * partner C writes them with no gender (unknown_gender_read_as_other). */
static double other_spelling, other_visit_at_b, other_gender;
static int other_unwritten;
/* The last year partner C writes rows in (rate_follows_the_calendar), and
 * the last year partner B spells a visit the other way
 * (split_rate_follows_the_calendar), or 0. */
static int c_until, b_other_until;
/* Rows carry their age band (with_ages), and partner C reaches the young
 * more than the others, at their first visits (band_follows_the_weak_records). */
static int with_ages, c_favours_young;
static const char *partnership_ages[N_PEOPLE * 40]; /* each row's band, for lt_ages */

/* Rows of the synthetic partnership; names and numbers point into text. */
static lt_row *partnership(uint64_t seed, size_t *n, char (**text)[3][24], truth *t)
{
    rng_state = seed * 0x9E3779B97F4A7C15ull + 1;
    lt_row *rows = malloc(N_PEOPLE * 40 * sizeof *rows);
    *text = malloc(N_PEOPLE * sizeof **text);
    memset(t, 0, sizeof *t);
    size_t k = 0;
    for (unsigned p = 0; p < N_PEOPLE; p++) {
        char g1[8], s1[8], g2[8];
        unsigned gi = zipf();
        word(g1, 0, gi);
        word(g2, 2, gi); /* the given name's other spelling */
        word(s1, 1, zipf());
        two_words((*text)[p][0], g1, s1);
        two_words((*text)[p][2], g2, s1);
        int identified = unif() < 0.7;
        snprintf((*text)[p][1], 24, "%08u", 10000000u + p);
        unika_gender g = unif() < 0.9 ? UNIKA_GENDER_MALE : UNIKA_GENDER_FEMALE;
        if (other_gender > 0 && unif() < other_gender) g = UNIKA_GENDER_OTHER;
        int y = 1998 + (int)(rnd() % 8), m = 2 + (int)(rnd() % 11), d = 1 + (int)(rnd() % 28);
        int start = 2018 * 2 + (int)(rnd() % 8), len = 1 + (int)(rnd() % 4);
        int at[3] = {unif() < 0.5, unif() < 0.4, unif() < 0.3};
        if (c_favours_young) at[2] = unif() < (y >= 2002 ? 0.6 : 0.1);
        if (!at[0] && !at[1] && !at[2]) at[0] = 1;
        unsigned bands = 0;                                      /* bit i: a row in band i */
        if (other_spelling > 0 && identified) at[0] = at[1] = 1; /* two spellings to compare */
        t->total++;
        t->both[0] += at[0] && at[1], t->both[1] += at[0] && at[2], t->both[2] += at[1] && at[2];
        unsigned years = 0; /* bit i: a row in 2018 + i */
        for (unsigned o = 0; o < 3; o++) {
            if (!at[o]) continue;
            t->at[o]++;
            unsigned years_at = 0;
            int other = other_spelling > 0 && unif() < other_spelling;
            unsigned visits = 1 + (unsigned)(rnd() % 5);
            for (unsigned v = 0; v < visits; v++) {
                int hy = start + (int)(rnd() % (unsigned)len);
                if (o == 2 && c_favours_young) hy = start; /* the first contact */
                if (o == 2 && c_until && hy / 2 > c_until) continue;
                years_at |= 1u << (hy / 2 - 2018);
                int visit = o == 1 && other_visit_at_b > 0 && unif() < other_visit_at_b &&
                            (!b_other_until || hy / 2 <= b_other_until);
                unika_gender sex = /* as the partner writes it */
                    o == 2 && g == UNIKA_GENDER_OTHER && other_unwritten ? UNIKA_GENDER_UNKNOWN : g;
                lt_row r = {ORGS[o], (*text)[p][other || visit ? 2 : 0], NULL, NULL, y, 1, 1, sex,
                            hy / 2, 1 + (hy % 2) * 6 + (int)(rnd() % 6)};
                if (o < 2 && identified) {
                    r.dossier = (*text)[p][1];
                    r.m = m;
                    r.d = d;
                } else if (o == 2) {
                    r.m = r.d = 0;   /* the outreach unit records the year only */
                }
                if (with_ages) {
                    unsigned b = band_of(r.y, r.m, r.vy, r.vm);
                    partnership_ages[k] = BANDS[b];
                    bands |= 1u << b;
                }
                rows[k++] = r;
            }
            years |= years_at;
            for (unsigned i = 0; i < 8; i++) t->at_year[o][i] += years_at >> i & 1;
        }
        for (unsigned i = 0; i < 8; i++) t->year[i] += years >> i & 1;
        for (unsigned i = 0; i < 4; i++) t->band[i] += bands >> i & 1;
    }
    *n = k;
    return rows;
}

/* The estimate est (standard error se) of a figure named what is within k
 * standard errors and within the share rel of its truth want. */
static void assert_near(const char *what, double est, double se, double want, double k, double rel)
{
    ck_assert_msg(fabs(est - want) < k * se && fabs(est / want - 1) < rel,
                  "%s: estimate %.1f (se %.1f), truth %.0f", what, est, se, want);
}

static char *estimates_of(uint64_t seed, truth *t, size_t *perm_n)
{
    size_t n;
    char(*text)[3][24];
    lt_row *rows = partnership(seed, &n, &text, t);
    unika_link_seed *ls = lt_seed();
    unika_link_params by_age;
    unika_link_params_init(&by_age);
    by_age.by_count = 2;
    by_age.by[0] = "gender";
    by_age.by[1] = "age_group";
    lt_ages = with_ages ? partnership_ages : NULL;
    unika_linkage *lk = lt_link(rows, n, ORGS, 3, with_ages ? &by_age : NULL, ls, NULL);
    lt_ages = NULL;
    char *json = NULL;
    size_t size = 0;
    unika_error e = {0};
    ck_assert_msg(unika_linkage_estimates(lk, &json, &size, &e) == 0, "%s", e.message);
    unika_linkage_free(lk);
    unika_link_seed_free(ls);
    free(rows);
    free(text);
    if (perm_n) *perm_n = n;
    return json;
}

/* Over eight independent partnerships (fixed seeds: the test is
 * deterministic), for partner C, the outreach unit that records only name,
 * birth year and gender:
 *   - the estimate is within 4 standard errors of the truth in every one
 *     (outreach_error());
 *   - it is closer to the truth than the resolution's own count (which takes
 *     every C record shared by namesakes for one person) in at least 7 of 8.
 * For the total: within 6% of the truth on average. Measured: -4.1% with
 * version 2 (version 1, without its decoys, gave about -8%). This
 * population is harsher than the generator's (30 x 30 Zipf names, 30% of
 * people never identified): chance namesakes make identified people look
 * as if they also had weak records, which the decoys measure only in part
 * here; on the generator's data the total is within 3% (docs/linkage.md
 * 17). The bound pins the bias below 6%. Version 3 (decoys weighed by
 * lambda, r between m_eq0's two measurements): -4.0%; version 4 (names
 * counted per partner record and per person, the middle): -4.4%. */
/* Partnership `seed`: C's estimate, checked within 4 standard errors of its
 * truth (unbiased with the standard error it states, that fails with
 * probability 6e-5 per figure: normal tails); returns C's relative error,
 * the total's in *total_err, and 1 in *closer when C's estimate is nearer
 * the truth than the resolution's count. */
static double outreach_error(uint64_t seed, double *total_err, int *closer)
{
    truth t;
    char *json = estimates_of(seed, &t, NULL);
    double est, se, total, total_se;
    uint64_t res, total_res;
    figure_of(json, "\"ccc\"", &est, &se, &res);
    figure_of(json, "\"aaa\", \"bbb\", \"ccc\"", &total, &total_se, &total_res);
    free(json);
    ck_assert_msg(fabs(est - (double)t.at[2]) <= 4 * se, "C: %.1f +- %.1f, truth %llu", est, se,
                  (unsigned long long)t.at[2]);
    *closer = fabs(est - (double)t.at[2]) < fabs((double)res - (double)t.at[2]);
    *total_err = total / (double)t.total - 1;
    return est / (double)t.at[2] - 1;
}

START_TEST(estimates_against_truth)
{
    int closer = 0;
    double total_err = 0;
    for (uint64_t s = 100; s < 108; s++) {
        int nearer;
        double total;
        (void)outreach_error(s, &total, &nearer);
        closer += nearer;
        total_err += total;
    }
    ck_assert_msg(closer >= 7, "closer than the resolution in %d of 8", closer);
    ck_assert_msg(fabs(total_err / 8) <= 0.06, "total off by %.1f%% on average", 100 * total_err / 8);
}
END_TEST

/* Every partner spells a person's given name the other way (as Muhammad
 * for Mohammad) for 20% of its people, each partner on its own, as clerks
 * do; identified people are at A and B both. C's units are one partner's
 * spelling of a person each, so how many people stand behind them follows
 * from how often partners write a name (estimator version 4: counted per
 * partner record and per person, estimate.c). Counting each name a cluster
 * holds as a whole person (version 3) counts a person spelt both ways
 * under both names: the other spelling looks more common against the usual
 * one than partners write it, and C's common keys hold too few people.
 * Over 16 partnerships (fixed seeds): C within 4 standard errors of the
 * truth in each (as in estimates_against_truth), and C's mean error within
 * 1%. One run errs by 3.2% (standard deviation), so the mean of 16 by
 * 0.8%: measured +0.4% (version 3: -1.6%, outside the bound). */
START_TEST(spelt_two_ways)
{
    double err = 0;
    other_spelling = 0.2;
    for (uint64_t s = 200; s < 216; s++) {
        int nearer;
        double total;
        err += outreach_error(s, &total, &nearer);
    }
    other_spelling = 0;
    ck_assert_msg(fabs(err / 16) <= 0.01, "C off by %.2f%% on average", 100 * err / 16);
}
END_TEST

/* The overlap of two partners in partnership `seed`, of pair k (A and B,
 * A and C, B and C): its error over its standard error in z[k], and in
 * wider[k] over the three figures' errors added as if independent (the
 * rule up to version 20, still a report's for older files). The overlap's
 * own must be the three figures' |a| + |b| - |a u b| and its error smaller
 * than theirs: the three share P and every rate. */
static void overlap_errors(uint64_t seed, double z[3], double wider[3])
{
    static const char *const pair[3][3] = {{"\"aaa\", \"bbb\"", "\"aaa\"", "\"bbb\""},
                                           {"\"aaa\", \"ccc\"", "\"aaa\"", "\"ccc\""},
                                           {"\"bbb\", \"ccc\"", "\"bbb\"", "\"ccc\""}};
    truth t;
    char *json = estimates_of(seed, &t, NULL);
    for (int k = 0; k < 3; k++) {
        double ab, sab, a, sa, b, sb, est, se;
        const char *at = figure_at(json, pair[k][0], "all", "all", NULL, &ab, &sab);
        figure_at(json, pair[k][1], "all", "all", NULL, &a, &sa);
        figure_at(json, pair[k][2], "all", "all", NULL, &b, &sb);
        const char *ov = strstr(at, "\"overlap\"");
        ck_assert_msg(ov && ov < strchr(at, '\n'), "no overlap of %s", pair[k][0]);
        ck_assert_int_eq(sscanf(ov, "\"overlap\": {\"estimate\": %lf, \"se\": %lf", &est, &se), 2);
        /* three numbers written to 0.001 each */
        ck_assert_msg(fabs(est - (a + b - ab)) <= 0.0031, "%s: %.3f, not %.3f", pair[k][0], est,
                      a + b - ab);
        double indep = sqrt(sa * sa + sb * sb + sab * sab);
        ck_assert_msg(se > 0 && se < indep, "%s: se %.2f against %.2f", pair[k][0], se, indep);
        z[k] = (est - (double)t.both[k]) / se;
        wider[k] = (est - (double)t.both[k]) / indep;
    }
    free(json);
}

/* The overlap's error taken once (version 21). Over 16 partnerships (fixed
 * seeds), the 48 overlaps of the three pairs:
 *   - each within 4 standard errors of its truth (normal tails: 6e-5 per
 *     figure; measured: at most 3.23);
 *   - the root mean square of error over standard error between 0.8 and
 *     1.8. An error stated right gives 1, and from 48 figures the root
 *     mean square spreads by about 1 / sqrt(96) = 0.1. The three errors
 *     added as if independent gave 0.63 here, twice the error there is,
 *     which the lower bound refuses. This population is harsher than the
 *     generator's (estimates_against_truth): its overlaps run high by 0.4
 *     to 1.1 standard errors on average, so the root mean square measured
 *     1.45 (on the generator's data, the main set's 360 overlaps with
 *     every phenomenon: 1.06, docs/linkage.md 17); the upper bound refuses
 *     an error understated by more than that bias explains. */
START_TEST(overlap_error_taken_once)
{
    double ss = 0, ss_wider = 0;
    for (uint64_t s = 300; s < 316; s++) {
        double z[3], wider[3];
        overlap_errors(s, z, wider);
        for (int k = 0; k < 3; k++) {
            ck_assert_msg(fabs(z[k]) < 4, "partnership %llu, pair %d: %.2f standard errors off",
                          (unsigned long long)s, k, z[k]);
            ss += z[k] * z[k], ss_wider += wider[k] * wider[k];
        }
    }
    double rms = sqrt(ss / 48), rms_wider = sqrt(ss_wider / 48);
    ck_assert_msg(rms > 0.8 && rms < 1.8, "error over its standard error: %.2f (three added: %.2f)",
                  rms, rms_wider);
}
END_TEST

/* The rate r of weak records at a partner is the exact-key share over
 * m_eq0 measured on the rare clusters, r's own selection, and r_span half
 * the distance to the share over m_eq0 of every cluster (estimate_rates.c,
 * agreement(); version 22; up to version 21 r was the middle of the two):
 * the two rates' ratio is the two measurements'. Here every person's keys
 * come from one other partner at most, so each end is its measurement of
 * one partner, the pooled one. Checked on partner C, which has no strong
 * records of its own (as an outreach unit): the case the span is for. The
 * tolerance is the printed precision (six decimals). */
START_TEST(rate_between_two_agreements)
{
    truth t;
    char *json = estimates_of(100, &t, NULL);
    double m_all = number_after(json, "\"m_eq0\""), m_rare = number_after(json, "\"m_eq0_rare\"");
    ck_assert(m_all > 0 && m_all <= 1 && m_rare > 0 && m_rare <= 1);
    const char *c = strstr(json, "\"ccc\": {\"r\"");
    ck_assert_msg(c != NULL, "no rates of ccc");
    double r = number_after(c, "\"r\""), span = number_after(c, "\"r_span\"");
    ck_assert_msg(r > 0 && span >= 0, "r %.6f +- %.6f", r, span);
    double levels[2];
    ck_assert_int_eq(sscanf(strstr(json, "\"m_eq0_by_partners\""),
                            "\"m_eq0_by_partners\": [[%lf, %lf]", &levels[0], &levels[1]), 2);
    ck_assert_msg(fabs(levels[0] - m_all) < 1e-6 && fabs(levels[1] - m_rare) < 1e-6,
                  "one partner's levels %.6f, %.6f; pooled %.6f, %.6f", levels[0], levels[1],
                  m_all, m_rare);
    double other = m_all > m_rare ? r - 2 * span : r + 2 * span; /* share / m_eq0 */
    ck_assert(other > 0 && other < 1);                            /* not clamped */
    ck_assert_msg(fabs(other / r - m_rare / m_all) < 1e-4, "rates' ratio %.6f, measurements %.6f",
                  other / r, m_rare / m_all);
    free(json);
}
END_TEST

/* A partner that stops recording: C, the outreach unit, writes nothing
 * after 2019 while A and B go on, so none of 2021's people has a weak
 * record at C. X's rate in a period is measured in that period (version
 * 12): no rare cluster present in 2021 meets C there, and X takes none of
 * 2021's strong people for C's. With one rate for every period (version
 * 11) it took r_C psi_C of each: 786.7 (se 17.0) against the true 829,
 * 5.1% low; version 12 finds 818.2 (se 27.7), 1.3% low (measured). The
 * check: within 4 standard errors, as outreach_error() allows, and within
 * 3%, about one standard error, which the single rate misses. */
START_TEST(rate_follows_the_calendar)
{
    truth t;
    c_until = 2019;
    char *json = estimates_of(500, &t, NULL);
    c_until = 0;
    double est, se;
    figure_at(json, "\"aaa\", \"bbb\", \"ccc\"", "2021", "all", NULL, &est, &se);
    double want = (double)t.year[2021 - 2018];
    assert_near("2021", est, se, want, 4, 0.03);
    free(json);
}
END_TEST

/* A partner's split rate that follows the calendar: B spells a visit the
 * other way (30% of them) up to 2019 and never after, so a person seen at
 * B from 2020 on leaves one key there, and two or more before. The split
 * rate of a period is measured in that period (version 13): B's figure of
 * each year divides its weak people by B's rate in that year. Version 12
 * divided them by the rate of all the years: 2018 and 2019 ran high, the
 * later years low (measured, estimate (se) against the truth):
 *
 *           2018         2019         2020         2021         2022
 *   v12  220.7 (4.1)  365.7 (5.1)  344.5 (10.9) 356.1 (7.7)  116.5 (2.3)
 *   v13  206.4 (5.1)  346.0 (6.8)  357.5 (10.5) 368.7 (7.1)  120.6 (1.4)
 *   truth    201          344          355          372          123
 *
 * The check: every year within 4 standard errors, as outreach_error()
 * allows, and within 5% (v12: 4.8 and 4.3 standard errors out in 2018 and
 * 2019, and 9.8% high in 2018). */
START_TEST(split_rate_follows_the_calendar)
{
    truth t;
    other_visit_at_b = 0.3;
    b_other_until = 2019;
    char *json = estimates_of(600, &t, NULL);
    other_visit_at_b = 0;
    b_other_until = 0;
    for (int y = 2018; y <= 2022; y++) {
        char year[8];
        double est, se;
        snprintf(year, sizeof year, "%d", y);
        figure_at(json, "\"bbb\"", year, "all", NULL, &est, &se);
        assert_near(year, est, se, (double)t.at_year[1][y - 2018], 4, 0.05);
    }
    free(json);
}
END_TEST

/* A band's people do not have weak records as often as everyone, nor in
 * the band their strong records show: partner C, the outreach unit,
 * reaches the young (60% of those born 2002 or later, 10% of the others)
 * and sees each once, at its first contact. Version 14 weighs X by how
 * often the rare people of a band's figure have weak units at C showing
 * it, against their records' share of it at C's rate of weak units
 * (lk_est_value_rate()), and takes D between two assumptions; version 13
 * took the share at the rate of everyone, too many of the older bands'
 * strong people for C's weak people, and their figures ran low. Measured,
 * whole span, all partners (estimate, se; truth):
 *
 *          0-17             18-20            21-24
 *   v13  1162.6 (26.0)    922.6 (21.0)     475.9 (14.0)
 *   v14  1152.1 (26.1)    961.4 (29.6)     529.2 (14.5)
 *   truth  1185             985              529
 *
 * The check, for the bands of 100 people or more: within 3 standard
 * errors, and within 5%, issue 19's bound for partners and genders (v13:
 * 18-20 6.3% and 3.0 standard errors low, 21-24 10.0% and 3.8). */
START_TEST(band_follows_the_weak_records)
{
    truth t;
    with_ages = 1;
    c_favours_young = 1;
    char *json = estimates_of(700, &t, NULL);
    with_ages = 0;
    c_favours_young = 0;
    for (unsigned b = 0; b < 4; b++) {
        double est, se;
        figure_at(json, "\"aaa\", \"bbb\", \"ccc\"", "all", "all", BANDS[b], &est, &se);
        if (t.band[b] >= 100) assert_near(BANDS[b], est, se, (double)t.band[b], 3, 0.05);
    }
    free(json);
}
END_TEST

/* The whole-span split rate eps of organisation org (estimates.json). */
static double eps_of(const char *json, const char *org)
{
    char key[64];
    snprintf(key, sizeof key, "\"%s\": {\"r\"", org);
    const char *at = strstr(json, key);
    ck_assert_msg(at != NULL, "no rates of %s", org);
    at = strstr(at, "\"eps\": [");
    ck_assert(at != NULL);
    double x;
    ck_assert_int_eq(sscanf(at + strlen("\"eps\": ["), "%lf", &x), 1);
    return x;
}

/* Partner C has no strong records, so its split rate eps is the pooled rate
 * of A and B (between theirs), and its own is unknown: its figure's
 * variance carries the partners' spread of eps, (eps_A - eps_B)^2 / 2 for
 * two, times (P_C / (1 + eps_C))^2, the square of P_C's derivative in eps
 * (estimate_figure.c). Partner B writes the other spelling on 30% of its
 * visits, so its eps is far above A's, and that term alone exceeds every
 * other in C's standard error: without it the check fails. */
START_TEST(borrowed_split_rate)
{
    truth t;
    other_visit_at_b = 0.3;
    char *json = estimates_of(300, &t, NULL);
    other_visit_at_b = 0;
    double ea = eps_of(json, "aaa"), eb = eps_of(json, "bbb"), ec = eps_of(json, "ccc");
    ck_assert_msg(eb > ea + 0.1, "eps: A %.3f, B %.3f", ea, eb);
    ck_assert_msg(ec > ea && ec < eb, "C's eps %.3f not between A's and B's", ec);
    double est, se;
    uint64_t res;
    figure_of(json, "\"ccc\"", &est, &se, &res);
    const char *fig = whole_span(json, "\"ccc\"", "all");
    double weak = number_after(fig, "\"weak\"");
    double floor = weak / (1 + ec) * fabs(ea - eb) / sqrt(2.0);
    ck_assert_msg(se >= floor * 0.999, "C's se %.1f below the borrowed rate's %.1f", se, floor);
    free(json);
}
END_TEST

/* A partner whose form has only male and female (Röda Korset's) writes no
 * gender for a person the others write as other; the figures count both
 * as "X", and so must the keys that count weak people: read apart, D never
 * meets such a person at two partners, and a key of unknown gender has no
 * lambda (C's records are all weak: no strong cluster is of unknown gender
 * here) and counts each unit as one person. A third of the people are of gender other here, and partner
 * C (whose records are all weak) writes them first as other, then with no
 * gender: every figure's P (weak) and D (dedup) must be the same. The X
 * term may move: a strong person's weak records are matched as the
 * resolution matches them, an unknown gender agreeing with any (up to
 * 1.3% of a figure over these seeds). Measured with the keys read apart:
 * the X figure over all partners moved by +2.3% to +3.7%, C's X by -20.7%
 * to -22.3%, and M over all partners by +8.0% to +9.6% (the pattern fit
 * pools every key's partners: C's presence, lost for a third of the keys,
 * made D smaller for every gender). */
START_TEST(unknown_gender_read_as_other)
{
    static const char *const orgs[] = {"\"aaa\", \"bbb\", \"ccc\"", "\"ccc\"", "\"aaa\", \"ccc\""};
    static const char *const genders[] = {"X", "all", "M"};
    static const char *const terms[] = {"\"strong\"", "\"weak\"", "\"dedup\""};
    other_gender = 1.0 / 3;
    for (uint64_t seed = 400; seed < 404; seed++) {
        truth t;
        char *written[2];
        for (int unwritten = 0; unwritten < 2; unwritten++) {
            other_unwritten = unwritten;
            written[unwritten] = estimates_of(seed, &t, NULL);
        }
        for (size_t o = 0; o < 3; o++)
            for (size_t g = 0; g < 3; g++)
                for (size_t k = 0; k < 3; k++) {
                    double x[2];
                    for (int w = 0; w < 2; w++)
                        x[w] = number_after(whole_span(written[w], orgs[o], genders[g]), terms[k]);
                    ck_assert_msg(x[0] == x[1], "[%s] %s %s: %.3f written other, %.3f unwritten",
                                  orgs[o], genders[g], terms[k], x[0], x[1]);
                }
        free(written[0]);
        free(written[1]);
    }
    other_gender = 0;
    other_unwritten = 0;
}
END_TEST

/* A person born on a random day visits A under name_a and B under name_b
 * (dossier or NULL): rows[k], rows[k + 1]; returns k + 2. */
static size_t visits_at_a_and_b(lt_row *rows, size_t k, const char *name_a, const char *name_b,
                                const char *dossier)
{
    int y = 1998 + (int)(rnd() % 8), m = 1 + (int)(rnd() % 12), d = 1 + (int)(rnd() % 28);
    rows[k++] = visit(ORGS[0], name_a, dossier, y, m, d);
    rows[k++] = visit(ORGS[1], name_b, dossier, y, m, d);
    return k;
}

/* Their whole-span figure: its estimate, standard error, resolved count
 * and excess. */
static void two_partners(const lt_row *rows, size_t n, double *est, double *se, uint64_t *res,
                         double *excess)
{
    char *json;
    link_two_partners(rows, n, &json);
    figure_of(json, "\"aaa\", \"bbb\"", est, se, res);
    const char *at = whole_span(json, "\"aaa\", \"bbb\"", "all");
    ck_assert_int_eq(sscanf(strstr(at, "\"excess\""), "\"excess\": %lf", excess), 1);
    free(json);
}

/* Surname i of three distinct consonants of set (an index into 6 x 5 x 4
 * orders). Words of two sets share no consonant, hence no one-edit form. */
static void surname(char out[8], const char *set, unsigned i)
{
    unsigned a = i % 6, b = (a + 1 + i / 6 % 5) % 6, c = (a + 1 + (b + 6 - a) % 6 + i / 30 % 4) % 6;
    if (c == a || c == b) c = (c + 1) % 6;
    if (c == a || c == b) c = (c + 1) % 6;
    snprintf(out, 8, "%ca%co%c", set[a], set[b], set[c]);
}

/* Person p's name (text[0]), the same under a surname of its own, which no
 * pass can meet (text[1]), and a dossier number from base (text[2]). */
static void names_of(char text[3][24], unsigned p, unsigned base)
{
    char g[8], s[8], v[8];
    word(g, 0, p % WORDS);
    surname(s, "bdfklm", p / WORDS);
    surname(v, "nprstz", p / WORDS);
    two_words(text[0], g, s);
    two_words(text[1], g, v);
    snprintf(text[2], 24, "%08u", base + p);
}

/* A person whom partner B writes under a surname of its own (a spelling
 * no pass can meet) is two strong clusters unless an identifier holds them
 * together, and A counts it twice. Version 9 measures how often on the
 * identified people, their numbers hidden (estimate_excess.c). Here half the
 * people have a dossier number and B writes one in five its own way: the
 * resolution finds about 2,000 + 0.2 x 1,000 = 2,200 people, and the
 * estimate must find the 2,000 within four of its standard errors (about
 * 13 from the rate's binomial error over some 1,200 identified fragments,
 * times the 1,200 clusters without a number, and since version 17 as much
 * again from which of those clusters are second ones, 1,200 x 0.17 x 0.83;
 * the spread of the namesakes joined by chance adds a little: 1,990.5,
 * se 19.6, version 16's 14.3). Version 8 gave the 2,200. */
START_TEST(strong_clusters_split_by_names)
{
    enum { PEOPLE = 2000 };
    lt_row *rows = malloc(2 * PEOPLE * sizeof *rows);
    char(*text)[3][24] = malloc(PEOPLE * sizeof *text);
    rng_state = 0x2545F4914F6CDD1Dull;
    size_t k = 0;
    for (unsigned p = 0; p < PEOPLE; p++) {
        names_of(text[p], p, 20000000u);
        int own = unif() < 0.2;
        k = visits_at_a_and_b(rows, k, text[p][0], text[p][own], p % 2 ? NULL : text[p][2]);
    }
    double est, se, excess;
    uint64_t res;
    two_partners(rows, k, &est, &se, &res, &excess);
    ck_assert_msg(res > PEOPLE + 150, "the resolution found %llu people", (unsigned long long)res);
    ck_assert_msg(fabs(est - PEOPLE) <= 4 * se, "estimate %.1f (se %.1f) against %d", est, se,
                  PEOPLE);
    free(rows);
    free(text);
}
END_TEST

/* The rows of namesakes_joined_by_names: 2,000 people, the first 200 in
 * pairs of one name and one birth date, a dossier number for half of them
 * whatever their pair. Women: the pairs' people from pairs_women on, the
 * others from women on. */
static lt_row *namesakes(char (*text)[2][24], unsigned pairs_women, unsigned women, size_t *n)
{
    enum { PEOPLE = 2000 };
    lt_row *rows = malloc(2 * PEOPLE * sizeof *rows);
    rng_state = 0x9E3779B97F4A7C15ull;
    size_t k = 0;
    int y = 0, m = 0, d = 0;
    for (unsigned p = 0; p < PEOPLE; p++) {
        char g[8], s[8];
        unsigned who = p < 200 ? p / 2 : p; /* the pairs share a name and a date */
        /* a pair's numbers by its index: both, the first, the second, neither */
        int numbered = p < 200 ? (p % 2 ? (p / 2) % 4 == 0 || (p / 2) % 4 == 2
                                        : (p / 2) % 4 < 2)
                               : p % 2 == 0;
        word(g, 0, who % WORDS);
        surname(s, "bdfklm", who / WORDS);
        two_words(text[p][0], g, s);
        snprintf(text[p][1], 24, "%08u", 30000000u + p);
        if (p >= 200 || p % 2 == 0)
            y = 1998 + (int)(rnd() % 8), m = 1 + (int)(rnd() % 12), d = 1 + (int)(rnd() % 28);
        int woman = p < 200 ? p >= pairs_women : p >= women;
        unika_gender gender = woman ? UNIKA_GENDER_FEMALE : UNIKA_GENDER_MALE;
        for (unsigned o = 0; o < 2; o++)
            rows[k++] = visit_of(ORGS[o], text[p][0], numbered ? text[p][1] : NULL, y, m, d,
                                 gender);
    }
    *n = k;
    return rows;
}

/* Two people of one name and one birth date are one cluster to the name
 * and date passes; an identifier each keeps them apart. Here 100 such pairs
 * among 2,000 people at two partners, a dossier number for half of them
 * whatever their pair: 25 pairs where both have one (the resolution keeps
 * them apart, the passes without identifiers join them: M = 25 among the
 * C ordered pairs of the 1,000 identified clusters whose numbers conflict),
 * 50 where one has, 25 where neither has (the resolution joins
 * these 75). With N = 925 clusters without a number, the joins are q (P -
 * C_F), P the ordered pairs of the figure's 1,925 clusters that could meet
 * and C_F those whose numbers conflict, q = M / C the rate at which such
 * pairs meet (over every cluster, here this figure's). Since version 20 a
 * pair can meet only within a gender and a birth date: the pairs built to
 * meet are then a large share of both P and C, and of chance pairs only
 * the few born on one day count (version 19 counted 1,925 x 1,924 - C over
 * 1,000 x 999, and took 2.71 M). A few other people meet by chance (a name
 * of the same consonants and a date, fixed by the seed), in the resolution
 * (11 here: it finds 1,914) and in M alike: the excess is -97.7, the
 * estimate 2,011.7 (se 34.5, most of it the joins' uniform spread, J /
 * sqrt 12; version 19: -104.2 and 2,018.2). So the test asks for the
 * excess between -130 and -60 and for the estimate within 1.96 standard
 * errors of the 2,000 (its interval holds it) and within 30. Up to version
 * 18 the joins were taken at the middle of none and M (N + H) / H: the
 * excess was -37.4 and the estimate about 49 short; without M (version 9
 * before it) it was the resolution's 1,914. */
START_TEST(namesakes_joined_by_names)
{
    enum { PEOPLE = 2000 };
    char(*text)[2][24] = malloc(PEOPLE * sizeof *text);
    size_t k;
    lt_row *rows = namesakes(text, 200, PEOPLE, &k);
    double est, se, excess;
    uint64_t res;
    two_partners(rows, k, &est, &se, &res, &excess);
    ck_assert_msg(res <= PEOPLE - 75, "the resolution found %llu people", (unsigned long long)res);
    ck_assert_msg(excess > -130 && excess < -60, "excess %.1f, built about -75", excess);
    ck_assert_msg(fabs(est - PEOPLE) < 1.96 * se && fabs(est - PEOPLE) < 30,
                  "estimate %.1f (se %.1f), found %llu", est, se, (unsigned long long)res);
    free(rows);
    free(text);
}
END_TEST

/* Namesakes meet only within a gender and a birth date: the passes
 * compare no two people of different genders. The same people, 1,200 men
 * and 800 women, the pairs of namesakes split as each gender's pairs are
 * (1,200^2 : 800^2): 69 pairs of men and 31 of women, of which the
 * resolution joins 51 and 24 (those not both numbered). Version 19 applied
 * one rate to every pair of a figure's clusters, measured over pairs of
 * one gender or two, so each gender's figure took its share of every
 * pair's joins: the men's excess -31.5 (1,176.5, se 12.4), the women's
 * -14.5 (786.5, se 6.5, 2.1 standard errors short). Since version 20 the
 * rate is measured on the pairs that share a gender and a birth date and
 * applied to each figure's such pairs: -52.5 (1,197.5, se 19.4) and -24.3
 * (796.3, se 9.8). The test asks the men's excess to be between -80 and
 * -40 (built -51, and a chance meeting or two) and each figure within 1.96
 * standard errors and 30 of its people. */
START_TEST(namesakes_meet_within_a_gender)
{
    enum { PEOPLE = 2000, MEN = 1200 };
    char(*text)[2][24] = malloc(PEOPLE * sizeof *text);
    size_t k;
    lt_row *rows = namesakes(text, 138, MEN + 62, &k); /* 69 pairs of men, 31 of women */
    char *json;
    link_two_partners(rows, k, &json);
    static const char *const GENDER[2] = {"M", "F"};
    for (int g = 0; g < 2; g++) {
        double est, se, excess, want = g ? PEOPLE - MEN : MEN;
        uint64_t res;
        gender_figure_of(json, "\"aaa\", \"bbb\"", GENDER[g], &est, &se, &res);
        const char *at = whole_span(json, "\"aaa\", \"bbb\"", GENDER[g]);
        ck_assert_int_eq(sscanf(strstr(at, "\"excess\""), "\"excess\": %lf", &excess), 1);
        if (!g) ck_assert_msg(excess > -80 && excess < -40, "men: excess %.1f", excess);
        ck_assert_msg(fabs(est - want) < 1.96 * se && fabs(est - want) < 30,
                      "%s: estimate %.1f (se %.1f) against %.0f", GENDER[g], est, se, want);
    }
    free(json);
    free(rows);
    free(text);
}
END_TEST

/* A split rate measured as nought is not known to be nought (version 17).
 * Here 40 people with a dossier number and 40 without, at two partners;
 * B writes the last of them under a surname of its own, so the resolution
 * finds 81 people, and the identified clusters, their numbers hidden, show
 * no split: S = 0. Version 16 took that rate as certain and gave 81 with a
 * standard error of nought, an interval that cannot hold the 80. The
 * variance now predicts the 41 plain clusters' second ones at the rate's
 * Jeffreys mean, 0.5 / 41: 41 x 0.0122 x 0.988 x (1 + 41 / 40) = 1.00.
 * Nor is a meeting rate of namesakes measured as nought (version 19).
 * Person p is born on date p mod 16, five people to a date (three numbered
 * at the first eight dates, two at the others; the last person's two
 * clusters make six at the sixteenth), and two clusters meet only within a
 * gender and a birth date (version 20): of the C = 8 x 3 x 2 + 8 x 2 x 1 =
 * 64 ordered pairs of numbered clusters sharing a date none met, and at the
 * rate's Jeffreys mean, 0.5 / 64, the 15 x 5 x 4 + 6 x 5 - 64 = 266 other
 * pairs that share one hold 2.08 joins, with the rate's own error 2.08^2 /
 * 0.5 = 8.64: a standard error of sqrt(1.00 + 2.08 + 8.64) = 3.42, and
 * the interval, 81 -+ 6.7, holds the 80. */
START_TEST(split_rate_measured_as_nought)
{
    enum { PEOPLE = 80 };
    lt_row rows[2 * PEOPLE];
    char text[PEOPLE][3][24];
    size_t k = 0;
    for (unsigned p = 0; p < PEOPLE; p++) {
        names_of(text[p], p, 40000000u);
        /* a real date each (never 1 January), so that every profile is strong */
        int y = 1998 + (int)(p % 16) / 4, m = 2 + (int)(p % 4) * 3, d = 2 + (int)(p % 16);
        const char *id = p < PEOPLE / 2 ? text[p][2] : NULL;
        rows[k++] = visit(ORGS[0], text[p][0], id, y, m, d);
        rows[k++] = visit(ORGS[1], text[p][p == PEOPLE - 1], id, y, m, d);
    }
    double est, se, excess;
    uint64_t res;
    two_partners(rows, k, &est, &se, &res, &excess);
    ck_assert_uint_eq(res, PEOPLE + 1);
    ck_assert_msg(fabs(excess) < 1e-9, "excess %.3f, built 0", excess);
    ck_assert_msg(se > 3.37 && se < 3.47, "se %.3f, derived 3.42", se);
    ck_assert_msg(est - 1.959964 * se <= PEOPLE, "estimate %.2f (se %.2f) against %d", est, se,
                  PEOPLE);
}
END_TEST

/* The agreement curve is measured at each key's lambda among the other
 * strong clusters, as a weak unit of the key sees it (version 10). Here
 * 2,000 identified people at two partners, of 300 names (Zipf given names,
 * ten surnames); A writes every person's name, B writes three in ten under
 * a word of their own that nobody else has. Counted with the cluster
 * itself, each such variant is a name seen once, the rarest keys of all,
 * and the curve's rare end fell to about 0 (version 9: 0.001). Left out, a
 * variant is no key a weak unit could have and drops out; what remains
 * agrees alike at every lambda: A's 2,000 sides agree in 70%, B's 1,400
 * sides under the common name always, 2,800 of 3,400 = 0.82. Each of the
 * ten bins holds about 340 sides: sd sqrt(0.82 x 0.18 / 340) = 0.021,
 * held to four of it. */
START_TEST(agreement_curve_without_own_variants)
{
    enum { PEOPLE = 2000 };
    lt_row *rows = malloc(2 * PEOPLE * sizeof *rows);
    char(*text)[3][24] = malloc(PEOPLE * sizeof *text);
    rng_state = 0xD1B54A32D192ED03ull;
    size_t k = 0;
    for (unsigned p = 0; p < PEOPLE; p++) {
        char g[8], s[8], v[8];
        word(g, 0, zipf());
        surname(s, "bdfklm", (unsigned)(rnd() % 10));
        two_words(text[p][0], g, s);
        own_word(v, p);
        two_words(text[p][1], g, v);
        snprintf(text[p][2], 24, "%08u", 40000000u + p);
        int own = unif() < 0.3;
        k = visits_at_a_and_b(rows, k, text[p][0], text[p][own], text[p][2]);
    }
    char *json;
    link_two_partners(rows, k, &json);
    const char *at = strstr(json, "\"agreement\": [");
    ck_assert_msg(at != NULL, "no agreement curve");
    at += strlen("\"agreement\": [");
    double x, y;
    int points = 0, used;
    while (sscanf(at, " [%lf, %lf]%n", &x, &y, &used) == 2) {
        ck_assert_msg(fabs(y - 0.82) <= 0.084, "point %d (log lambda %.2f): %.3f against 0.82",
                      points, x, y);
        points++;
        at += used;
        if (*at == ',') at++;
    }
    ck_assert_msg(points >= 5, "%d points", points);
    free(json);
    free(rows);
    free(text);
}
END_TEST

/* The pattern fit pools every gender's keys; a figure of one gender sums
 * its own keys' duplicates, given where each is seen (version 11). Here
 * 1,000 identified men and 1,000 identified women at two partners, of 900
 * names (30 x 30 words), 1,000 men known by name and birth year only at
 * both partners under those names, and 300 women known so at one partner
 * each under names of their own: 2,000 men, 1,300 women. The women's weak
 * records hold no duplicate, and each is a name no strong record has: one
 * person. Version 10 gave each gender its share of the pooled duplicates by
 * how common its names are, the women 384 of the men's, more than their 300
 * weak people: the estimate fell to its floor, the strong clusters' 1,001
 * (se 32.5). Version 11 finds 1,301.0 (se 25.8); held to four of its
 * standard errors. */
START_TEST(duplicates_of_one_gender)
{
    enum { STRONG = 1000, WEAK_MEN = 1000, WEAK_WOMEN = 300 };
    size_t people = 2 * STRONG + WEAK_MEN + WEAK_WOMEN;
    lt_row *rows = malloc(2 * people * sizeof *rows);
    char(*text)[2][24] = malloc(people * sizeof *text);
    rng_state = 0x94D049BB133111EBull;
    size_t k = 0;
    for (size_t p = 0; p < people; p++) {
        int woman = p >= STRONG && p < 2 * STRONG, weak = p >= 2 * STRONG;
        woman |= p >= 2 * STRONG + WEAK_MEN;
        char a[8], b[8];
        if (weak && woman) { /* a name of her own */
            unsigned w = (unsigned)(p - 2 * STRONG - WEAK_MEN);
            own_word(a, 2 * w);
            own_word(b, 2 * w + 1);
        } else {
            word(a, 0, (unsigned)(rnd() % WORDS));
            word(b, 1, (unsigned)(rnd() % WORDS));
        }
        two_words(text[p][0], a, b);
        snprintf(text[p][1], 24, "%08u", 60000000u + (unsigned)p);
        int y = 1998 + (int)(rnd() % 8), m = 1 + (int)(rnd() % 12), d = 1 + (int)(rnd() % 28);
        int only = weak && woman ? (int)(rnd() % 2) : -1; /* a weak woman's one partner */
        unika_gender g = woman ? UNIKA_GENDER_FEMALE : UNIKA_GENDER_MALE;
        for (int o = 0; o < 2; o++)
            if (only < 0 || only == o)
                rows[k++] = visit_of(ORGS[o], text[p][0], weak ? NULL : text[p][1], y, weak ? 0 : m,
                                     weak ? 0 : d, g);
    }
    char *json;
    link_two_partners(rows, k, &json);
    double est, se;
    uint64_t res;
    gender_figure_of(json, "\"aaa\", \"bbb\"", "F", &est, &se, &res);
    ck_assert_msg(fabs(est - (STRONG + WEAK_WOMEN)) <= 4 * se,
                  "women: estimate %.1f (se %.1f) against %d", est, se, STRONG + WEAK_WOMEN);
    free(json);
    free(rows);
    free(text);
}
END_TEST

/* The same partnership, files in another order: the same bytes. */
START_TEST(estimates_deterministic)
{
    truth t;
    size_t n;
    char(*text)[3][24];
    lt_row *rows = partnership(5, &n, &text, &t);
    size_t *perm = malloc(n * sizeof *perm);
    for (size_t i = 0; i < n; i++) perm[i] = n - 1 - i;
    unika_link_seed *ls = lt_seed();
    const char *rev[3] = {ORGS[2], ORGS[0], ORGS[1]};
    unika_linkage *a = lt_link(rows, n, ORGS, 3, NULL, ls, NULL);
    unika_linkage *b = lt_link(rows, n, rev, 3, NULL, ls, perm);
    char *ja, *jb;
    size_t sa, sb;
    ck_assert_int_eq(unika_linkage_estimates(a, &ja, &sa, NULL), 0);
    ck_assert_int_eq(unika_linkage_estimates(b, &jb, &sb, NULL), 0);
    ck_assert_uint_eq(sa, sb);
    ck_assert(!memcmp(ja, jb, sa));
    free(ja);
    free(jb);
    unika_linkage_free(a);
    unika_linkage_free(b);
    unika_link_seed_free(ls);
    free(perm);
    free(rows);
    free(text);
}
END_TEST

/* When every record identifies its person, nothing is uncertain: the
 * estimate is the resolution's count, with no error. */
START_TEST(identified_only)
{
    lt_row rows[6] = {
        {"aaa", "bafok dolem", NULL, "10000001", 2001, 5, 3, UNIKA_GENDER_MALE, 2019, 2},
        {"bbb", "bafok dolem", NULL, "10000001", 2001, 5, 3, UNIKA_GENDER_MALE, 2019, 8},
        {"aaa", "kapor sutem", NULL, "10000002", 2002, 6, 4, UNIKA_GENDER_FEMALE, 2020, 2},
        {"bbb", "nador ripek", NULL, "10000003", 2000, 7, 9, UNIKA_GENDER_MALE, 2020, 3},
        {"aaa", "nador ripek", NULL, "10000003", 2000, 7, 9, UNIKA_GENDER_MALE, 2021, 3},
        {"bbb", "mafot zebik", NULL, "10000004", 1999, 8, 1, UNIKA_GENDER_MALE, 2021, 9},
    };
    char *json;
    link_two_partners(rows, 6, &json);
    double est, se;
    uint64_t res;
    figure_of(json, "\"aaa\", \"bbb\"", &est, &se, &res);
    ck_assert_uint_eq(res, 4);
    ck_assert(fabs(est - 4) < 1e-9);
    ck_assert(se < 1e-9);
    free(json);
}
END_TEST

/* Identified people with no birth date: the identifiers hidden, none of
 * them has a cluster to fall into (no fragment at all). */
START_TEST(identified_without_dates)
{
    lt_row rows[3] = {
        {"aaa", "bafok dolem", NULL, "10000001", 0, 0, 0, UNIKA_GENDER_MALE, 2019, 2},
        {"bbb", "bafok dolem", NULL, "10000001", 0, 0, 0, UNIKA_GENDER_MALE, 2019, 8},
        {"aaa", "kapor sutem", NULL, "10000002", 0, 0, 0, UNIKA_GENDER_FEMALE, 2020, 2},
    };
    char *json;
    link_two_partners(rows, 3, &json); /* asserts the estimates are made */
    free(json);
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("linkage_estimate");
    TCase *tc = tcase_create("estimator");
    tcase_add_test(tc, estimates_against_truth);
    tcase_add_test(tc, rate_between_two_agreements);
    tcase_add_test(tc, rate_follows_the_calendar);
    tcase_add_test(tc, split_rate_follows_the_calendar);
    tcase_add_test(tc, band_follows_the_weak_records);
    tcase_add_test(tc, estimates_deterministic);
    tcase_add_test(tc, identified_only);
    tcase_add_test(tc, identified_without_dates);
    tcase_add_test(tc, spelt_two_ways);
    tcase_add_test(tc, borrowed_split_rate);
    tcase_add_test(tc, unknown_gender_read_as_other);
    tcase_add_test(tc, strong_clusters_split_by_names);
    tcase_add_test(tc, namesakes_joined_by_names);
    tcase_add_test(tc, namesakes_meet_within_a_gender);
    tcase_add_test(tc, split_rate_measured_as_nought);
    tcase_add_test(tc, agreement_curve_without_own_variants);
    tcase_add_test(tc, duplicates_of_one_gender);
    tcase_add_test(tc, overlap_error_taken_once);
    suite_add_tcase(s, tc);
    return s;
}
