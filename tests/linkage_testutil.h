/*
 * linkage_testutil.h - building partners' match-key files from rows and
 * linking them, for tests/test_linkage*.c (through the public API only).
 */
#ifndef UNIKA_LINKAGE_TESTUTIL_H
#define UNIKA_LINKAGE_TESTUTIL_H

#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "unika.h"

/* One visit row of a partner: what matchkeys would read from a CSV. */
typedef struct lt_row {
    const char *org;
    const char *name;      /* normalised (unika_normalize_name form), or NULL */
    const char *pnr;       /* 12 digits (day + 60: samordningsnummer), or NULL */
    const char *dossier;   /* 8 digits, or NULL */
    int y, m, d;           /* birth date: y 0 none, m 0 year only */
    unika_gender g;
    int vy, vm;            /* visit month */
} lt_row;

static const uint8_t LT_KEY[32] = {7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                                   16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31};

static inline unika_key *lt_key(void)
{
    unika_key *k = NULL;
    ck_assert_int_eq(unika_key_from_bytes(&k, LT_KEY, NULL), 0);
    return k;
}

static inline void lt_keys_of(unika_matchkeys *mk, const unika_key *key, const lt_row *r)
{
    unika_matchkey_input in;
    memset(&in, 0, sizeof in);
    in.name = r->name;
    in.name_size = r->name ? strlen(r->name) : 0;
    in.personnummer = r->pnr;
    in.dossier = r->dossier;
    in.birth = (unika_date){r->y, r->m, r->d};
    in.gender = r->g;
    unika_error e = {0};
    ck_assert_msg(unika_matchkeys_derive(mk, key, &in, &e) == 0, "%s", e.message);
}

/* The rows' age bands (of LT_AGE_BANDS), beside the rows given to
 * lt_link(), or NULL: the files have no age_group field. */
static const char *const *lt_ages;
#define LT_AGE_BANDS "0-17,18-20,21-24,25-"

/* The match-key file of `org`'s rows (by gender, and by age_group with
 * lt_ages), in the order of perm (or as given); *size set. */
static inline uint8_t *lt_file(const unika_key *key, const lt_row *rows, size_t n,
                               const char *org, const size_t *perm, size_t *size)
{
    unika_mkfile_options o;
    memset(&o, 0, sizeof o);
    o.org = org;
    o.period = UNIKA_MK_PERIOD_HALF_YEAR;
    o.by_count = 1;
    o.by[0] = "gender";
    if (lt_ages) {
        o.by[o.by_count++] = "age_group";
        o.age_bands = LT_AGE_BANDS;
    }
    unika_mkwriter *w = NULL;
    ck_assert_int_eq(unika_mkwriter_new(&w, unika_key_fingerprint_ptr(key), &o, NULL), 0);
    unika_matchkeys *mk = malloc(sizeof *mk);
    for (size_t k = 0; k < n; k++) {
        size_t at = perm ? perm[k] : k;
        const lt_row *r = &rows[at];
        if (strcmp(r->org, org)) continue;
        lt_keys_of(mk, key, r);
        unika_mkvisit v = {r->vy, r->vm, {unika_gender_code(unika_gender_fold(r->g))}, 1};
        if (lt_ages) v.value[1] = lt_ages[at];
        unika_error e = {0};
        ck_assert_msg(unika_mkwriter_add(w, mk, &v, &e) == 0, "%s", e.message);
    }
    free(mk);
    ck_assert_int_eq(unika_mkwriter_serialize(NULL, 0, size, w, NULL), 0);
    uint8_t *b = malloc(*size);
    ck_assert_int_eq(unika_mkwriter_serialize(b, *size, size, w, NULL), 0);
    unika_mkwriter_free(w);
    return b;
}

/* Adds one file's bytes; returns the code. */
static inline int lt_add(unika_linkage *lk, const uint8_t *b, size_t size, unika_error *e)
{
    unika_mkreader *r = NULL;
    ck_assert_int_eq(unika_mkreader_open_memory(&r, b, size, NULL), 0);
    uint8_t digest[UNIKA_DIGEST_BYTES];
    unika_file_digest(digest, b, size);
    int rc = unika_linkage_add(lk, r, digest, unika_mkreader_header(r)->org, e);
    unika_mkreader_free(r);
    return rc;
}

/* Links the rows of the organisations orgs[0..norgs) (files added in that
 * order), resolved with `seed`. */
static inline unika_linkage *lt_link(const lt_row *rows, size_t n, const char *const *orgs,
                                     size_t norgs, const unika_link_params *p,
                                     const unika_link_seed *seed, const size_t *perm)
{
    unika_key *key = lt_key();
    unika_link_params def;
    unika_link_params_init(&def);
    unika_linkage *lk = NULL;
    ck_assert_int_eq(unika_linkage_new(&lk, p ? p : &def, NULL), 0);
    for (size_t i = 0; i < norgs; i++) {
        size_t size;
        uint8_t *b = lt_file(key, rows, n, orgs[i], perm, &size);
        unika_error e = {0};
        ck_assert_msg(lt_add(lk, b, size, &e) == 0, "%s", e.message);
        free(b);
    }
    unika_error e = {0};
    ck_assert_msg(unika_linkage_resolve(lk, seed, &e) == 0, "%s", e.message);
    unika_key_free(key);
    return lk;
}

static inline unika_link_seed *lt_seed(void)
{
    unika_link_seed *s = NULL;
    ck_assert_int_eq(unika_link_seed_generate(&s, NULL), 0);
    return s;
}

/* The person of the first profile of `org` whose index is `index`. */
static inline uint64_t lt_person(const unika_linkage *lk, const char *org, uint64_t index)
{
    const unika_link_stats *st = unika_linkage_stats(lk);
    for (uint64_t i = 0; i < st->profiles; i++) {
        unika_link_profile_info p;
        ck_assert_int_eq(unika_linkage_profile(lk, i, &p), 0);
        if (!strcmp(p.org, org) && p.index == index) return p.person;
    }
    ck_abort_msg("no profile %s/%llu", org, (unsigned long long)index);
    return 0;
}

/* The person of the profile row r became. */
static inline uint64_t lt_person_of(const unika_linkage *lk, const lt_row *r)
{
    unika_key *key = lt_key();
    unika_matchkeys *mk = malloc(sizeof *mk);
    lt_keys_of(mk, key, r);
    uint8_t d[16];
    ck_assert_int_eq(unika_mkprofile_id_digest(d, mk), 0);
    free(mk);
    unika_key_free(key);
    const unika_link_stats *st = unika_linkage_stats(lk);
    for (uint64_t i = 0; i < st->profiles; i++) {
        unika_link_profile_info p;
        ck_assert_int_eq(unika_linkage_profile(lk, i, &p), 0);
        if (!strcmp(p.org, r->org) && !memcmp(p.id_digest, d, 16)) return p.person;
    }
    ck_abort_msg("no profile of row %s/%s", r->org, r->name ? r->name : "");
    return 0;
}

/* Number of distinct clusters among the profiles. */
static inline uint64_t lt_clusters(const unika_linkage *lk)
{
    const unika_link_stats *st = unika_linkage_stats(lk);
    uint64_t n = 0;
    for (uint64_t i = 0; i < st->profiles; i++) {
        unika_link_profile_info p;
        ck_assert_int_eq(unika_linkage_profile(lk, i, &p), 0);
        n += p.cluster == i;
    }
    return n;
}

#endif
