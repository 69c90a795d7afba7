/*
 * linkage_estimate_testutil.h - what tests/test_linkage_estimate*.c share:
 * a fixed random stream, names whose loose keys are known by construction,
 * visits, and reading a figure or a rate out of estimates.json.
 */
#ifndef UNIKA_LINKAGE_ESTIMATE_TESTUTIL_H
#define UNIKA_LINKAGE_ESTIMATE_TESTUTIL_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "linkage_testutil.h"

#define WORDS 30

static uint64_t rng_state;
static inline uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static inline double unif(void) { return (double)(rnd() >> 11) / 9007199254740992.0; }

/* Word i of a list: consonant-vowel-consonant-vowel-consonant, three
 * distinct consonants, so its loose skeleton is the three consonants. */
static inline void word(char out[8], unsigned list, unsigned i)
{
    static const char C[] = "bdfklmnprstz";
    unsigned a = (i * 7 + list) % 12, b = (i * 5 + 3 + list * 2) % 12, c = (i + 7 + list * 5) % 12;
    if (b == a) b = (b + 1) % 12;
    if (c == b || c == a) c = (c + 2) % 12;
    if (c == b || c == a) c = (c + 3) % 12;
    snprintf(out, 8, "%ca%co%c", C[a], C[b], C[c]);
}

/* A name's words in sorted order, as normalised names are. */
static inline void two_words(char out[24], const char *a, const char *b)
{
    if (strcmp(a, b) < 0) snprintf(out, 24, "%s %s", a, b);
    else snprintf(out, 24, "%s %s", b, a);
}

/* A word of its own for person p: three distinct Cyrillic letters (one
 * symbol each to the loose key, never dropped or mapped), a different set
 * for every p < C(32, 3) = 4,960, so no other person's name has its key. */
static inline void own_word(char out[8], unsigned p)
{
    unsigned n = 0, l[3] = {0, 0, 0};
    for (unsigned a = 0; a < 32; a++) /* the p-th 3-subset of 32, in order */
        for (unsigned b = a + 1; b < 32; b++)
            for (unsigned c = b + 1; c < 32; c++)
                if (n++ == p) l[0] = a, l[1] = b, l[2] = c;
    for (int i = 0; i < 3; i++) {
        unsigned cp = 0x430 + l[i];
        out[2 * i] = (char)(0xC0 | cp >> 6);
        out[2 * i + 1] = (char)(0x80 | (cp & 0x3F));
    }
    out[6] = 0;
}

/* Person p's name, a given name of the common list and a word of its own,
 * and an identifier of its own, base + p. */
static inline void own_person(char name[24], char id[24], unsigned p, unsigned base)
{
    char g[8], own[8];
    word(g, 0, p % WORDS);
    own_word(own, p);
    two_words(name, g, own);
    snprintf(id, 24, "%08u", base + p);
}

static const char *const ORGS[3] = {"aaa", "bbb", "ccc"};

/* A visitor's visit to partner org in 2019, on a random month. */
static inline lt_row visit_of(const char *org, const char *name, const char *dossier, int y, int m,
                              int d, unika_gender g)
{
    return (lt_row){org, name, NULL, dossier, y, m, d, g, 2019, 1 + (int)(rnd() % 12)};
}

/* The same, of a male visitor. */
static inline lt_row visit(const char *org, const char *name, const char *dossier, int y, int m,
                           int d)
{
    return visit_of(org, name, dossier, y, m, d, UNIKA_GENDER_MALE);
}

/* The estimates file of partners "aaa" and "bbb", linked from rows[0 .. n),
 * into *json (the caller's to free: a pointer of the caller's own, which
 * GCC's dangling-pointer analysis does not take for a local returned). */
static inline void link_two_partners(const lt_row *rows, size_t n, char **json)
{
    unika_link_seed *ls = lt_seed();
    unika_linkage *lk = lt_link(rows, n, ORGS, 2, NULL, ls, NULL);
    size_t size;
    ck_assert_int_eq(unika_linkage_estimates(lk, json, &size, NULL), 0);
    unika_linkage_free(lk);
    unika_link_seed_free(ls);
}

/* The figure of orgs, period ("all", a year) and gender ("all", "M", "F",
 * "X") in the estimates file, of an age band or none (NULL): where it
 * starts, and with est its estimate and standard error. */
static inline const char *figure_at(const char *json, const char *orgs, const char *period,
                                    const char *gender, const char *band, double *est, double *se)
{
    char pattern[256];
    int n =
        snprintf(pattern, sizeof pattern, "{\"orgs\": [%s], \"period\": \"%s\", \"gender\": \"%s\"",
                 orgs, period, gender);
    snprintf(pattern + n, sizeof pattern - (size_t)n,
             band ? ", \"by\": \"age_group\", \"value\": \"%s\"," : ",", band);
    const char *at = strstr(json, pattern);
    ck_assert_msg(at != NULL, "no figure %s", pattern);
    if (est)
        ck_assert_int_eq(
            sscanf(strstr(at, "\"estimate\""), "\"estimate\": %lf, \"se\": %lf", est, se), 2);
    return at;
}

static inline const char *whole_span(const char *json, const char *orgs, const char *gender)
{
    return figure_at(json, orgs, "all", gender, NULL, NULL, NULL);
}

/* The whole-span figure's estimate and standard error (and resolved count)
 * from the estimates file, of orgs and gender ("all", "M", "F", "X"). */
static inline void gender_figure_of(const char *json, const char *orgs, const char *gender,
                                    double *est, double *se, uint64_t *resolved)
{
    const char *at = figure_at(json, orgs, "all", gender, NULL, est, se);
    unsigned long long r;
    ck_assert_int_eq(sscanf(strstr(at, "\"resolved\""), "\"resolved\": %llu", &r), 1);
    *resolved = r;
}

/* The same of all genders. */
static inline void figure_of(const char *json, const char *orgs, double *est, double *se,
                             uint64_t *resolved)
{
    gender_figure_of(json, orgs, "all", est, se, resolved);
}

/* The number after "name": in text, from its first occurrence at or after
 * from. */
static inline double number_after(const char *from, const char *name)
{
    const char *at = strstr(from, name);
    ck_assert_msg(at != NULL, "no %s", name);
    double x;
    ck_assert_int_eq(sscanf(at + strlen(name), ": %lf", &x), 1);
    return x;
}

#endif
