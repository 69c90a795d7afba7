/*
 * linkage/linkage_private.h - the linker's state, for the modules of
 * src/linkage/ (loading, the cascade, frequencies, weak units, cells, the
 * manifest) and for the estimator of counts under linkage error, which
 * draws complete person assignments from the same state
 * (src/linkage/estimate*.c). Never installed.
 *
 * After unika_linkage_resolve() everything here is CANONICAL: files are in
 * order of organisation, profiles in file order (each file's profiles are
 * sorted by their bytes), and every keyed value is a dense u32 id numbered
 * by first appearance in that order. Nothing depends on the order the
 * files were given in, or on any hash table's iteration order.
 *
 * The state, and who fills it:
 *   load.c     files, profiles, their ids, tokens, deletions and cells
 *   cascade.c  the union-find clusters and the passes (lk_find, lk_join)
 *   freq.c     the frequency tables of the evidence passes
 *   weak.c     strong-cluster summaries, weak units, the deterministic
 *              person of every profile, the counts and their range
 *   cells.c    "persons of draw d -> cell sketches"
 */
#ifndef UNIKA_INTERNAL_LINKAGE_PRIVATE_H
#define UNIKA_INTERNAL_LINKAGE_PRIVATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unika/linkage.h"

#define LK_NONE UINT32_MAX        /* an absent id, root or candidate */

/* qsort and memcpy that accept an empty (possibly NULL) array, which the
 * C library's may not. */
static inline void lk_qsort(void *base, size_t n, size_t size,
                            int (*cmp)(const void *, const void *))
{
    if (n > 1) qsort(base, n, size, cmp);
}
static inline void lk_copy(void *dst, const void *src, size_t bytes)
{
    if (bytes) memcpy(dst, src, bytes);
}
#define LK_SPAN_NONE UINT16_MAX   /* lo of a profile without dated visits */

/* ---- values ------------------------------------------------------------- */

/* Keyed 16-byte values interned into dense ids (load.c). Values of
 * different domains never collide (independent subkeys), and types of one
 * domain compare equal on purpose, so one table serves every type:
 * BIRTH_YEAR_SHIFTED_1 of 2001 gets the id of BIRTH_YEAR 2002. */
typedef struct lk_intern {
    uint8_t *values;       /* 16 bytes per id */
    uint32_t count, cap;
    uint32_t *slot;        /* open addressing: id + 1, 0 = empty */
    size_t size;
} lk_intern;

/* ---- profiles ------------------------------------------------------------- */

/* A deletion key and the index, in the profile's token list, of its word. */
typedef struct lk_del {
    uint32_t id;
    uint32_t word;
} lk_del;

typedef struct lk_profile {
    uint32_t pnr, snr, dos;       /* identifier ids, or LK_NONE */
    uint32_t name;                /* the loose name key, or LK_NONE */
    uint32_t year, year1, year2;  /* birth year and its shifts, or LK_NONE */
    uint32_t md, mds;             /* month-day, swapped month-day (real dates only) */
    uint32_t country;
    uint32_t tok, del, cell;      /* offsets into lk->tokens, ->dels, ->cells_of */
    uint32_t ncell;               /* distinct cells of its visits, sorted */
    uint16_t ntok, ndel;          /* tokens in file order (a multiset) */
    uint16_t lo, hi;              /* half-year indexes of the first and last dated
                                     visit (year * 2 + half); lo LK_SPAN_NONE: none */
    uint16_t file;                /* index into lk->files */
    uint8_t gender, flags;        /* as in the file */
    uint64_t rows;
    uint8_t id_digest[16];        /* unika_mkprofile_id_digest() of its identity */
} lk_profile;

/* A real birth date: a full date that is not 1 January. */
static inline int lk_real_date(const lk_profile *p) { return p->md != LK_NONE; }
/* Strong: an identifier or a real date; weak profiles are never joined. */
static inline int lk_strong(const lk_profile *p)
{
    return p->pnr != LK_NONE || p->snr != LK_NONE || p->dos != LK_NONE || lk_real_date(p);
}

typedef struct lk_file {
    char org[UNIKA_MK_ORG_MAX + 1];
    char signer[UNIKA_MK_ORG_MAX + 1];
    uint8_t digest[UNIKA_DIGEST_BYTES];
    uint64_t profiles, rows;
    uint64_t first;               /* canonical index of its first profile */
    unika_mk_period period;       /* the partner's --period (informative) */
} lk_file;

/* A cell: organisation, period code and --by value ids (strings in
 * lk->strings). Period codes: half-year y * 2 + h - 1, year y, month
 * y * 12 + m - 1, all 0. */
typedef struct lk_cell {
    uint16_t file;
    uint32_t period;
    uint32_t value[UNIKA_MK_MAX_BY];
    uint64_t hash;
} lk_cell;

/* ---- clusters -------------------------------------------------------------- */

/* Union-find over profiles; a root carries its cluster's state. Members
 * form a circular list through `next`. The root is the smallest canonical
 * index of the cluster. */
typedef struct lk_clusters {
    uint32_t *parent, *next;
    uint64_t *rows;               /* at roots */
    uint32_t *size;               /* profiles, at roots */
    uint32_t *pnr, *snr, *dos;    /* at roots: the cluster's one identifier of each kind */
    uint8_t *gender;              /* at roots: the known gender, 0 if none */
    uint16_t *lo, *hi;            /* at roots: the visit span */
} lk_clusters;

/* ---- frequencies (freq.c) ---------------------------------------------------- */

/* Counts of keyed values over the strong clusters after the full-date
 * pass, each cluster counted once per distinct value: what a keyless
 * linker can know of how common a name, a token pair or a year is. */
typedef struct lk_count {
    uint32_t k[3];                /* the key; unused parts 0 */
    uint32_t n;
} lk_count;

typedef struct lk_count_table {
    lk_count *e;                  /* sorted by k */
    size_t n;
} lk_count_table;

typedef struct lk_fcount {
    uint32_t k[2];
    double n;
} lk_fcount;

typedef struct lk_freq {
    double n_g[4];                /* strong clusters per gender */
    double n_real;                /* strong clusters with a real date */
    lk_count_table pair;          /* (token a, token b or LK_NONE, gender) */
    lk_count_table name;          /* (name, gender) */
    lk_count_table typo;          /* (rest multiset id, token or deletion, gender) */
    lk_fcount *year; size_t nyear;  /* (year, gender): fractional cluster counts */
    lk_fcount *md; size_t nmd;      /* (month-day, 0) */
    double cty_agree;             /* sum of squared country shares */
} lk_freq;

/* ---- weak units and persons (weak.c) ------------------------------------------ */

enum { LK_UNIT_LINKED = 1, LK_UNIT_AMBIGUOUS = 2, LK_UNIT_JOINED = 3, LK_UNIT_ALONE = 4 };

/* A (name, birth year) a strong cluster holds through one of its profiles,
 * under the cluster's gender; sorted by (name, year, gender, root), distinct:
 * the index weak units find their candidates in (lk_held_cmp). */
typedef struct lk_held {
    uint32_t name, year, gender, root;
} lk_held;
int lk_held_cmp(const void *a, const void *b);

/* Summary of a strong cluster. */
typedef struct lk_strong_cluster {
    uint32_t root;
    uint8_t gender;
    uint16_t lo, hi;
    uint32_t size;
    uint64_t rows;
} lk_strong_cluster;

/* A weak unit: the weak profiles of one organisation sharing (name, birth
 * year, gender). `cand`: the strong clusters holding that key whose visits
 * overlap the unit's (within a half-year): ncand of them, the first
 * (smallest root) in cand. */
typedef struct lk_unit {
    uint16_t file;
    uint8_t gender, kind;
    uint32_t name, year;
    uint32_t first, n;            /* its profiles: lk->unit_members[first .. first + n) */
    uint16_t lo, hi;
    uint64_t rows;
    uint32_t ncand, cand;
    uint32_t person;              /* its person in the deterministic resolution */
} lk_unit;

/* Name-token multisets (sorted id lists) interned into ids (cascade.c):
 * the "rest of the name" of the typo keys. Ids by first appearance. */
typedef struct lk_rest {
    uint32_t *pool; size_t npool, cap_pool;
    uint32_t *off, *len; size_t count, cap;
    uint32_t *slot; size_t size;
} lk_rest;

/* ---- the linkage ------------------------------------------------------------- */

struct unika_linkage {
    unika_link_params params;
    char *by[UNIKA_MK_MAX_BY];
    uint8_t key_fp[UNIKA_FINGERPRINT_BYTES];
    int has_key_fp, resolved;
    lk_file *files; size_t nfiles;
    lk_profile *profiles; size_t nprofiles, cap_profiles;
    uint32_t *tokens; size_t ntokens, cap_tokens;
    lk_del *dels; size_t ndels, cap_dels;
    uint32_t *cells_of; size_t ncells_of, cap_cells_of;
    lk_intern values;
    lk_cell *cells; size_t ncells, cap_cells;
    uint32_t *cell_slot; size_t cell_slots;
    char **strings; size_t nstrings, cap_strings;   /* --by values, interned */
    uint32_t *string_slot; size_t string_slots;
    /* after resolve */
    lk_clusters c;
    lk_freq freq;
    lk_rest rest;
    lk_strong_cluster *strong; size_t nstrong;
    lk_held *held; size_t nheld;
    lk_unit *units; size_t nunits;
    uint32_t *unit_members;
    uint32_t *unit_of;            /* per profile: its unit, or LK_NONE (strong) */
    uint32_t *person;             /* per profile: draw 0's person */
    uint32_t *without_ids;        /* per profile with a real date: its cluster's root
                                   * when the identifiers are hidden (the estimator's
                                   * measure of the strong clusters' splits), else LK_NONE */
    unika_link_stats stats;
    unika_key *reskey;            /* the resolution key */
    uint8_t reskey_bytes[32];
};

/* ---- shared functions ---------------------------------------------------------- */

/* load.c: canonical order (files by org, ids by first appearance). */
int lk_canonical(unika_linkage *lk, unika_error *err);
void lk_load_free(unika_linkage *lk);

/* cascade.c */
uint32_t lk_find(lk_clusters *c, uint32_t a);
int lk_clusters_init(unika_linkage *lk, unika_error *err);
void lk_clusters_free(lk_clusters *c);
int lk_cascade(unika_linkage *lk, unika_error *err);
int lk_cascade_without_ids(unika_linkage *lk, uint32_t **roots, unika_error *err);
/* 1 when the two roots' spans overlap within one half-year (undated: yes). */
int lk_overlap(uint16_t alo, uint16_t ahi, uint16_t blo, uint16_t bhi);

/* freq.c: the tables from the clusters as they stand; lookups. */
int lk_freq_build(unika_linkage *lk, unika_error *err);
void lk_freq_free(lk_freq *f);
uint32_t lk_freq_count(const lk_count_table *t, uint32_t a, uint32_t b, uint32_t c);
double lk_p_year(const lk_freq *f, uint32_t year, unsigned g);
double lk_p_md(const lk_freq *f, uint32_t md);
/* The token pairs of a profile: sorted distinct (a, b) with a <= b, or
 * (t, LK_NONE) for a one-token name; returns how many (<= n(n-1)/2 or 1). */
size_t lk_pairs_of(const unika_linkage *lk, const lk_profile *p, uint32_t (*out)[2], size_t cap);
/* Its typo keys: (rest multiset id, token or deletion); see cascade.c. */
typedef struct lk_typo { uint32_t rest, d; } lk_typo;
int lk_typos_of(unika_linkage *lk, const lk_profile *p, lk_typo **out, size_t *n, size_t *cap,
                unika_error *err);
void lk_rest_free(unika_linkage *lk);

/* weak.c: strong clusters, weak units, draw 0's persons, the counts. */
int lk_weak(unika_linkage *lk, unika_error *err);
void lk_weak_free(unika_linkage *lk);

/* cells.c: one draw's persons (person[p] for every canonical profile p, a
 * canonical profile index naming the person) -> the cell sketches, sorted
 * by labels, each labelled draw=<draw>. */
int lk_cells_of_draw(const unika_linkage *lk, const uint32_t *person, unsigned draw,
                     unika_sketch ***cells, size_t *count, unika_error *err);
/* The person's pseudonym (BLAKE2b-256 under the resolution key). */
void lk_person_pseudonym(const unika_linkage *lk, uint32_t person, uint8_t out[32]);
/* The period label of a cell's period code ("2019H1", "2019", "2019-03", "all"). */
void lk_period_label(char dst[16], unika_mk_period period, uint32_t code);

/* manifest.c: the shortest decimal that reads back as v exactly. */
void lk_format_double(char dst[32], double v);

/* seed.c: the resolution key from the seed, the parameters and the inputs. */
int lk_resolution_key(unika_linkage *lk, const unika_link_seed *seed, unika_error *err);

/* Grows *p (of *cap elements of elem bytes) to hold at least need
 * elements, doubling: 0, or -1 out of memory (*p unchanged). load.c. */
int lk_grow(void **p, size_t *cap, size_t need, size_t elem);

/* ---- text.c: the growing text of the manifest and the estimates -------------- */

typedef struct lk_text {
    char *s; /* unika_malloc'd, NUL-terminated once anything is put */
    size_t n, cap;
    int failed; /* out of memory, or a format error: s is unusable */
} lk_text;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void lk_text_put(lk_text *t, const char *fmt, ...);
/* s as a JSON string (quotes, backslashes and control characters escaped). */
void lk_text_string(lk_text *t, const char *s);

#endif
