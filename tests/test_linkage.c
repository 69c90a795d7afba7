/*
 * test_linkage.c - the resolution's rules (unika/linkage.h, docs/linkage.md):
 * order independence, no over-chaining, conflicting identifiers, the
 * similarity guard of the identifier passes, the evidence passes, weak
 * units and the count's range, empty input.
 */
#include <stdio.h>

#include "linkage_testutil.h"

static unika_link_seed *seed;

static void setup(void) { seed = lt_seed(); }
static void teardown(void) { unika_link_seed_free(seed); }

#define N_ORGS(a) (sizeof(a) / sizeof *(a))

/* ---- order independence ------------------------------------------------------ */

static const char *const WORDS[] = {"mhmd", "ali", "hasan", "karimi", "ahmadi", "rahimi", "omar",
                                    "yusuf", "fatima", "zahra", "abdi", "jama", "tesfay", "haile",
                                    "nur", "sultani", "hosseini", "farah", "warsame", "amiri"};

/* A population of about 300 people at three partners: identifiers at some,
 * full dates, 1 January dates and bare years, one-edit typos and revised
 * years, unknown genders. */
static lt_row *population(size_t *n, char (*text)[3][32])
{
    size_t cap = 2000, k = 0;
    lt_row *rows = calloc(cap, sizeof *rows);
    uint64_t st = 42;
    static const char *const ORGS[] = {"radda", "roda", "stads"};
    for (size_t p = 0; p < 300; p++) {
        uint64_t r = unika_test_splitmix64(&st);
        char *name = text[p][0], *pnr = text[p][1], *dos = text[p][2];
        snprintf(name, 32, "%s %s", WORDS[r % 20], WORDS[(r >> 8) % 20]);
        int y = 1997 + (int)((r >> 16) % 10), m = 1 + (int)((r >> 20) % 12),
            d = 1 + (int)((r >> 24) % 28);
        snprintf(pnr, 32, "%04d%02d%02d%04u", y, m, d + ((r >> 30) % 5 == 0 ? 60 : 0),
                 (unsigned)(p % 10000));
        snprintf(dos, 32, "%08u", (unsigned)(30000000 + p));
        for (int v = 0; v < 1 + (int)((r >> 33) % 4); v++) {
            uint64_t q = unika_test_splitmix64(&st);
            lt_row *w = &rows[k++];
            w->org = ORGS[q % 3];
            w->name = name;
            w->pnr = (r >> 36) % 4 == 0 && q % 2 ? pnr : NULL;
            w->dossier = (r >> 38) % 2 && (q >> 4) % 3 ? dos : NULL;
            int jan1 = (q >> 8) % 4 == 0, bare = (q >> 10) % 5 == 0;
            w->y = y + ((q >> 12) % 6 == 0);
            w->m = bare ? 0 : jan1 ? 1 : m;
            w->d = bare ? 0 : jan1 ? 1 : d;
            w->g = (q >> 14) % 9 == 0 ? UNIKA_GENDER_UNKNOWN
                 : r % 7 == 0       ? UNIKA_GENDER_FEMALE : UNIKA_GENDER_MALE;
            w->vy = 2018 + (int)((q >> 16) % 4);
            w->vm = 1 + (int)((q >> 20) % 12);
        }
        if ((r >> 40) % 6 == 0) { /* a typo'd variant: one letter dropped in a word */
            lt_row *w = &rows[k++];
            *w = rows[k - 2];
            char *t = text[p][0] + 16; /* the name fits in the first 16 bytes */
            memcpy(t, name, 16);
            t[15] = '\0';
            size_t len = strlen(t);
            if (len > 4) memmove(t + 1, t + 2, len - 1);
            w->name = t;
        }
    }
    *n = k;
    return rows;
}

/* Cells and manifest of a linkage, as bytes, for comparison. */
static char *outputs_of(const unika_linkage *lk, size_t *size)
{
    unika_sketch **cells = NULL;
    size_t n = 0, total = 0;
    ck_assert_int_eq(unika_linkage_cells(lk, 0, &cells, &n, NULL), 0);
    unika_link_output *out = calloc(n + 1, sizeof *out);
    char **names = calloc(n + 1, sizeof *names);
    char *all = malloc(1);
    for (size_t i = 0; i < n; i++) {
        size_t s;
        ck_assert_int_eq(unika_sketch_serialized_size(&s, cells[i]), 0);
        char *grown = realloc(all, total + s + 1);
        ck_assert_ptr_nonnull(grown);
        all = grown;
        ck_assert_int_eq(unika_sketch_serialize((uint8_t *)all + total, s, &s, cells[i], NULL), 0);
        unika_file_digest(out[i].digest, (uint8_t *)all + total, s);
        total += s;
        names[i] = malloc(32);
        snprintf(names[i], 32, "cell%zu.uks", i);
        out[i].file = names[i];
    }
    unika_link_cells_free(cells, n);
    char *json = NULL;
    size_t js;
    ck_assert_int_eq(unika_linkage_manifest(lk, out, n, &json, &js, NULL), 0);
    char *grown = realloc(all, total + js + 1);
    ck_assert_ptr_nonnull(grown);
    all = grown;
    memcpy(all + total, json, js);
    *size = total + js;
    unika_link_manifest_free(json);
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    free(out);
    return all;
}

START_TEST(order_independent)
{
    size_t n;
    char (*text)[3][32] = calloc(300, sizeof *text);
    lt_row *rows = population(&n, text);
    size_t *perm = malloc(n * sizeof *perm);
    for (size_t i = 0; i < n; i++) perm[i] = i;
    static const char *const A[] = {"radda", "roda", "stads"}, *const B[] = {"stads", "radda",
                                                                            "roda"};
    unika_linkage *a = lt_link(rows, n, A, 3, NULL, seed, NULL);
    uint64_t st = 9;
    for (size_t i = n - 1; i > 0; i--) { /* rows shuffled, files in another order */
        size_t j = unika_test_splitmix64(&st) % (i + 1), t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    unika_linkage *b = lt_link(rows, n, B, 3, NULL, seed, perm);
    const unika_link_stats *sa = unika_linkage_stats(a), *sb = unika_linkage_stats(b);
    ck_assert_mem_eq(sa, sb, sizeof *sa);
    ck_assert_uint_gt(sa->persons, 250);
    ck_assert_uint_gt(sa->pass[UNIKA_LINK_PASS_FULL].made, 0);
    ck_assert_uint_gt(sa->weak_units, 0);
    size_t na, nb;
    char *oa = outputs_of(a, &na), *ob = outputs_of(b, &nb);
    ck_assert_uint_eq(na, nb);
    ck_assert_mem_eq(oa, ob, na);
    ck_assert_mem_eq(unika_linkage_fingerprint(a), unika_linkage_fingerprint(b), 16);
    free(oa);
    free(ob);
    unika_linkage_free(a);
    unika_linkage_free(b);
    free(perm);
    free(rows);
    free(text);
}
END_TEST

/* ---- identifiers -------------------------------------------------------------- */

/* Two different personnummer never join, whatever else agrees; one
 * personnummer and one samordningsnummer may (many get a personnummer
 * later). */
START_TEST(conflicting_identifiers)
{
    static const lt_row rows[] = {
        {"a", "ali karimi", "200105052384", NULL, 2001, 5, 5, UNIKA_GENDER_MALE, 2019, 3},
        {"b", "ali karimi", "200105059876", NULL, 2001, 5, 5, UNIKA_GENDER_MALE, 2019, 4},
        {"c", "ali karimi", "200105652383", NULL, 2001, 5, 5, UNIKA_GENDER_MALE, 2019, 5},
        {"c", "ali karimi", "200105052384", "12345678", 2001, 5, 5, UNIKA_GENDER_MALE, 2020, 1},
    };
    static const char *const orgs[] = {"a", "b", "c"};
    unika_linkage *lk = lt_link(rows, 4, orgs, 3, NULL, seed, NULL);
    const unika_link_stats *st = unika_linkage_stats(lk);
    /* a's number and c's second record are one person; c's samordningsnummer
     * joins them by name and full date; b's other personnummer does not. */
    ck_assert_uint_eq(st->strong_clusters, 2);
    ck_assert_uint_eq(st->persons, 2);
    ck_assert_uint_ge(st->pass[UNIKA_LINK_PASS_FULL].refused_conflict, 1);
    ck_assert_uint_eq(lt_person(lk, "a", 0), lt_person(lk, "c", 0));
    ck_assert_uint_ne(lt_person(lk, "a", 0), lt_person(lk, "b", 0));
    unika_linkage_free(lk);
}
END_TEST

/* A number shared by two people (the generator gives some to two) joins
 * only records with similar names: a shared word, or one edit in a word. */
START_TEST(identifier_needs_similar_names)
{
    static const lt_row rows[] = {
        {"a", "fatima karimi", "200203032384", NULL, 2002, 3, 3, UNIKA_GENDER_FEMALE, 2019, 3},
        {"b", "omar jama", "200203032384", NULL, 2002, 3, 3, UNIKA_GENDER_MALE, 2019, 4},
        {"c", "fatma karimi", NULL, "87654321", 0, 0, 0, UNIKA_GENDER_FEMALE, 2019, 5},
        {"d", "fatim krimi", NULL, "87654321", 0, 0, 0, UNIKA_GENDER_FEMALE, 2019, 6},
        {"e", NULL, NULL, "87654321", 0, 0, 0, UNIKA_GENDER_UNKNOWN, 2019, 7},
    };
    static const char *const orgs[] = {"a", "b", "c", "d", "e"};
    unika_linkage *lk = lt_link(rows, 5, orgs, 5, NULL, seed, NULL);
    const unika_link_stats *st = unika_linkage_stats(lk);
    ck_assert_uint_eq(st->pass[UNIKA_LINK_PASS_PERSONNUMMER].made, 0);
    ck_assert_uint_ge(st->pass[UNIKA_LINK_PASS_PERSONNUMMER].refused_evidence +
                      st->pass[UNIKA_LINK_PASS_PERSONNUMMER].refused_conflict, 1);
    ck_assert_uint_ne(lt_person(lk, "a", 0), lt_person(lk, "b", 0));
    /* fatma/fatim (one edit of ftm) and karimi/krimi (equal skeleton) meet;
     * a record with the number alone has no name to speak against it. */
    ck_assert_uint_eq(st->pass[UNIKA_LINK_PASS_DOSSIER].made, 2);
    ck_assert_uint_eq(lt_person(lk, "c", 0), lt_person(lk, "d", 0));
    ck_assert_uint_eq(lt_person(lk, "c", 0), lt_person(lk, "e", 0));
    unika_linkage_free(lk);
}
END_TEST

/* ---- no over-chaining --------------------------------------------------------- */

/* A chain of records, each sharing an identifier with the next, in blocks
 * {P_i}, {P_i, D_i}, {D_i, S_i}, {S_i, E_i}, {E_i, P_i+1} (P personnummer,
 * S samordningsnummer, D and E dossier numbers): joined link by link it
 * would be one cluster of 100 records. A cluster holds at most one number
 * of each kind, so every chain is cut where a second one would enter. */
START_TEST(no_chain_through_identifiers)
{
    enum { BLOCKS = 20 };
    static lt_row rows[5 * BLOCKS];
    static char pnr[BLOCKS + 1][13], snr[BLOCKS][13], d1[BLOCKS][9], d2[BLOCKS][9];
    static const char *const orgs[] = {"a", "b", "c", "d", "e"};
    for (int i = 0; i <= BLOCKS; i++)
        snprintf(pnr[i], 13, "2000%02d%02d%04d", 1 + i % 12, 1 + i, i);
    for (int i = 0; i < BLOCKS; i++) {
        snprintf(snr[i], 13, "2000%02d%02d%04d", 1 + i % 12, 61 + i, i);
        snprintf(d1[i], 9, "%08d", 40000000 + i);
        snprintf(d2[i], 9, "%08d", 50000000 + i);
        const char *ids[5][2] = {{pnr[i], NULL}, {pnr[i], d1[i]}, {snr[i], d1[i]},
                                 {snr[i], d2[i]}, {pnr[i + 1], d2[i]}};
        for (int k = 0; k < 5; k++)
            rows[5 * i + k] = (lt_row){orgs[k], "ali karimi", ids[k][0], ids[k][1], 2000, 0, 0,
                                       UNIKA_GENDER_MALE, 2019, 1};
    }
    unika_linkage *lk = lt_link(rows, 5 * BLOCKS, orgs, 5, NULL, seed, NULL);
    const unika_link_stats *st = unika_linkage_stats(lk);
    uint64_t biggest = 0, size[5 * BLOCKS] = {0}, conflicts = 0;
    for (uint64_t i = 0; i < st->profiles; i++) {
        unika_link_profile_info pi;
        unika_linkage_profile(lk, i, &pi);
        if (++size[pi.cluster] > biggest) biggest = size[pi.cluster];
    }
    for (unsigned p = 0; p < UNIKA_LINK_PASSES; p++) conflicts += st->pass[p].refused_conflict;
    ck_assert_uint_le(biggest, 4);
    ck_assert_uint_ge(conflicts, BLOCKS);
    ck_assert_uint_ge(st->strong_clusters, 2 * BLOCKS);
    unika_linkage_free(lk);
}
END_TEST

/* Revised years chain: one name and month-day in 12 consecutive years.
 * Every pair of a cluster's dates must agree (a year revised by at most
 * two), so no cluster spans more than three years. */
START_TEST(no_chain_through_revised_years)
{
    static lt_row rows[12];
    static char org[12][8];
    for (int i = 0; i < 12; i++) {
        snprintf(org[i], 8, "o%02d", i);
        rows[i] = (lt_row){org[i], "samir haidari", NULL, NULL, 1995 + i, 6, 16,
                           UNIKA_GENDER_MALE, 2019, 1};
    }
    const char *orgs[12];
    for (int i = 0; i < 12; i++) orgs[i] = org[i];
    unika_link_params p;
    unika_link_params_init(&p);
    p.tau = 1; /* every evidence accepted: only the rules remain */
    unika_linkage *lk = lt_link(rows, 12, orgs, 12, &p, seed, NULL);
    const unika_link_stats *st = unika_linkage_stats(lk);
    ck_assert_uint_ge(st->strong_clusters, 4);
    ck_assert_uint_gt(st->pass[UNIKA_LINK_PASS_MD].refused_conflict, 0);
    uint64_t size[12] = {0};
    for (uint64_t i = 0; i < st->profiles; i++) {
        unika_link_profile_info pi;
        unika_linkage_profile(lk, i, &pi);
        ck_assert_uint_le(++size[pi.cluster], 3);
    }
    unika_linkage_free(lk);
}
END_TEST

/* The cap: records sharing one number and a name never make a cluster of
 * more than max_cluster profiles. */
START_TEST(cluster_cap)
{
    static lt_row rows[10];
    static char org[10][8];
    for (int i = 0; i < 10; i++) {
        snprintf(org[i], 8, "o%02d", i);
        rows[i] = (lt_row){org[i], "ali karimi", "199901012384", NULL, 1999, 1, 1,
                           UNIKA_GENDER_MALE, 2019, 1};
    }
    const char *orgs[10];
    for (int i = 0; i < 10; i++) orgs[i] = org[i];
    unika_link_params p;
    unika_link_params_init(&p);
    p.max_cluster = 4;
    unika_linkage *lk = lt_link(rows, 10, orgs, 10, &p, seed, NULL);
    const unika_link_stats *st = unika_linkage_stats(lk);
    /* each is joined into the first until it is full; the rest stay apart */
    ck_assert_uint_eq(st->pass[UNIKA_LINK_PASS_PERSONNUMMER].made, 3);
    ck_assert_uint_eq(st->pass[UNIKA_LINK_PASS_PERSONNUMMER].refused_cap, 6);
    ck_assert_uint_eq(lt_clusters(lk), 7);
    unika_linkage_free(lk);
}
END_TEST

/* ---- the evidence passes --------------------------------------------------------- */

/* A patronymic chain recorded to two lengths, a typo, a revised year: each
 * joined by its pass where the agreement is rare among 400 other people. */
START_TEST(evidence_passes_join_rare_agreements)
{
    static const lt_row base[] = {
        {"a", "abdirahman jama warsame", NULL, NULL, 2003, 4, 17, UNIKA_GENDER_MALE, 2019, 2},
        {"b", "abdirahman jama", NULL, NULL, 2003, 4, 17, UNIKA_GENDER_MALE, 2019, 3},
        {"a", "hosseini nasir", NULL, NULL, 2000, 9, 21, UNIKA_GENDER_MALE, 2020, 2},
        {"b", "hosseini nazir", NULL, NULL, 2000, 9, 21, UNIKA_GENDER_MALE, 2020, 3},
        {"a", "tesfay semere", NULL, NULL, 2001, 11, 3, UNIKA_GENDER_MALE, 2021, 2},
        {"b", "tesfay semere", NULL, NULL, 2002, 11, 3, UNIKA_GENDER_MALE, 2021, 3},
        {"a", "sultani sakina", NULL, NULL, 1999, 3, 8, UNIKA_GENDER_FEMALE, 2021, 2},
        {"b", "sultani sakina", NULL, NULL, 1999, 8, 3, UNIKA_GENDER_FEMALE, 2021, 3},
    };
    /* 400 other people, so that the frequencies know what is common */
    enum { OTHERS = 400 };
    static lt_row rows[8 + OTHERS];
    static char names[OTHERS][40];
    memcpy(rows, base, sizeof base);
    uint64_t s = 5;
    for (int i = 0; i < OTHERS; i++) {
        uint64_t r = unika_test_splitmix64(&s);
        snprintf(names[i], 40, "%s %s x%c%c", WORDS[r % 20], WORDS[(r >> 8) % 20],
                 'a' + (int)(i % 26), 'a' + (int)(i / 26 % 26));
        rows[8 + i] = (lt_row){i % 2 ? "a" : "b", names[i], NULL, NULL, 1997 + (int)(r % 10),
                               1 + (int)((r >> 16) % 12), 1 + (int)((r >> 24) % 28),
                               UNIKA_GENDER_MALE, 2019, 1 + i % 12};
    }
    static const char *const orgs[] = {"a", "b"};
    unika_linkage *lk = lt_link(rows, 8 + OTHERS, orgs, 2, NULL, seed, NULL);
    const unika_link_stats *st = unika_linkage_stats(lk);
    ck_assert_uint_ge(st->pass[UNIKA_LINK_PASS_PAIR].made, 1);
    ck_assert_uint_ge(st->pass[UNIKA_LINK_PASS_TYPO].made, 1);
    ck_assert_uint_ge(st->pass[UNIKA_LINK_PASS_MD].made, 1);
    /* the three pairs joined; day and month swapped is only a compatible
     * date, no pass groups by it, so Sakina's two records stay apart */
    for (int i = 0; i < 3; i++)
        ck_assert_uint_eq(lt_person_of(lk, &base[2 * i]), lt_person_of(lk, &base[2 * i + 1]));
    ck_assert_uint_ne(lt_person_of(lk, &base[6]), lt_person_of(lk, &base[7]));
    unika_linkage_free(lk);
}
END_TEST

/* ---- weak units ------------------------------------------------------------------ */

START_TEST(weak_units_and_the_range)
{
    static const lt_row rows[] = {
        /* linked: one strong cluster holds (name, year, gender), visits overlap */
        {"a", "omar hassan", "200105052384", NULL, 2001, 5, 5, UNIKA_GENDER_MALE, 2019, 3},
        {"b", "omar hassan", NULL, NULL, 2001, 0, 0, UNIKA_GENDER_MALE, 2019, 9},
        /* ambiguous: two strong clusters hold it */
        {"a", "ali karimi", "200002022384", NULL, 2000, 2, 2, UNIKA_GENDER_MALE, 2019, 3},
        {"a", "ali karimi", "200003039876", NULL, 2000, 3, 3, UNIKA_GENDER_MALE, 2019, 4},
        {"c", "ali karimi", NULL, NULL, 2000, 1, 1, UNIKA_GENDER_MALE, 2019, 5},
        /* joined: weak at two partners, no strong cluster holds the key */
        {"b", "sara ahmadi", NULL, NULL, 1999, 0, 0, UNIKA_GENDER_FEMALE, 2020, 1},
        {"c", "sara ahmadi", NULL, NULL, 1999, 0, 0, UNIKA_GENDER_FEMALE, 2020, 8},
        /* alone: the strong holder came years later */
        {"a", "zahra nur", NULL, "55555555", 1998, 0, 0, UNIKA_GENDER_FEMALE, 2023, 1},
        {"b", "zahra nur", NULL, NULL, 1998, 0, 0, UNIKA_GENDER_FEMALE, 2018, 1},
        /* two weak rows of one partner, same key: one unit */
        {"c", "yusuf farah", NULL, NULL, 2002, 0, 0, UNIKA_GENDER_MALE, 2021, 1},
        {"c", "yusuf farah", NULL, NULL, 2002, 1, 1, UNIKA_GENDER_MALE, 2021, 2},
    };
    static const char *const orgs[] = {"a", "b", "c"};
    unika_linkage *lk = lt_link(rows, 11, orgs, 3, NULL, seed, NULL);
    const unika_link_stats *st = unika_linkage_stats(lk);
    ck_assert_uint_eq(st->strong_clusters, 4);
    ck_assert_uint_eq(st->weak_units, 6);
    ck_assert_uint_eq(st->units_linked, 1);
    ck_assert_uint_eq(st->units_ambiguous, 1);
    ck_assert_uint_eq(st->units_joined, 2);
    ck_assert_uint_eq(st->units_alone, 2);
    /* 4 strong + ambiguous + 2 alone + one joined pair */
    ck_assert_uint_eq(st->persons, 8);
    ck_assert_uint_eq(st->persons_low, 7);
    ck_assert_uint_eq(st->persons_high, 10);
    ck_assert_uint_eq(lt_person(lk, "a", 0) == lt_person(lk, "b", 0) ||
                      lt_person(lk, "a", 1) == lt_person(lk, "b", 0) ||
                      lt_person(lk, "a", 2) == lt_person(lk, "b", 0) ||
                      lt_person(lk, "a", 3) == lt_person(lk, "b", 0), 1);
    unika_linkage_free(lk);
}
END_TEST

/* ---- edges ------------------------------------------------------------------------ */

START_TEST(empty_input)
{
    unika_link_params p;
    unika_link_params_init(&p);
    unika_linkage *lk = NULL;
    unika_error e = {0};
    ck_assert_int_eq(unika_linkage_new(&lk, &p, NULL), 0);
    ck_assert_int_eq(unika_linkage_resolve(lk, seed, &e), UNIKA_ELINKAGE);
    unika_key *key = lt_key();
    size_t size;
    uint8_t *b = lt_file(key, NULL, 0, "nobody", NULL, &size);
    ck_assert_int_eq(lt_add(lk, b, size, &e), 0);
    ck_assert_int_eq(unika_linkage_resolve(lk, seed, &e), 0);
    const unika_link_stats *st = unika_linkage_stats(lk);
    ck_assert_uint_eq(st->profiles, 0);
    ck_assert_uint_eq(st->persons, 0);
    unika_sketch **cells = NULL;
    size_t n = 9;
    ck_assert_int_eq(unika_linkage_cells(lk, 0, &cells, &n, NULL), 0);
    ck_assert_uint_eq(n, 0);
    unika_link_cells_free(cells, n);
    char *json = NULL;
    ck_assert_int_eq(unika_linkage_manifest(lk, NULL, 0, &json, NULL, NULL), 0);
    ck_assert_ptr_nonnull(strstr(json, "\"persons\": 0"));
    unika_link_manifest_free(json);
    free(b);
    unika_key_free(key);
    unika_linkage_free(lk);
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("linkage");
    TCase *tc = tcase_create("rules");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, order_independent);
    tcase_add_test(tc, conflicting_identifiers);
    tcase_add_test(tc, identifier_needs_similar_names);
    tcase_add_test(tc, no_chain_through_identifiers);
    tcase_add_test(tc, no_chain_through_revised_years);
    tcase_add_test(tc, cluster_cap);
    tcase_add_test(tc, evidence_passes_join_rare_agreements);
    tcase_add_test(tc, weak_units_and_the_range);
    tcase_add_test(tc, empty_input);
    suite_add_tcase(s, tc);
    return s;
}
