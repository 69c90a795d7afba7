/*
 * unika/linkage.h - the linker: partners' match-key files resolved into
 * persons, and the persons counted in cell sketches (docs/linkage.md).
 *
 * The linker holds no partnership key. It reads every partner's match-key
 * file (unika/matchkey_file.h) of a reporting span, resolves the profiles
 * into persons with a deterministic cascade of keyed-value equalities
 * (identifiers, name + full birth date, then evidence-weighted passes on
 * name tokens), keeps records that carry only a name and a birth year
 * ("weak" profiles) apart as weak units, and writes one sketch per cell
 * (organisation, period, --by values) exactly like `unika ingest`, with a
 * person pseudonym per resolved person in place of a recipe pseudonym.
 *
 *   unika_link_params p;
 *   unika_link_params_init(&p);                   // tau 0.05, half-year, p = 14
 *   unika_linkage *lk = NULL;
 *   unika_linkage_new(&lk, &p, &err);
 *   for each partner file (any order):
 *       unika_mkreader_open(&r, path, &err);
 *       unika_linkage_add(lk, r, digest, signer, &err);  // reads every profile
 *   unika_link_seed *seed; unika_link_seed_load(&seed, "linker.seed", 0, &err);
 *   unika_linkage_resolve(lk, seed, &err);        // the cascade, the weak units
 *   unika_linkage_cells(lk, 0, &cells, &n, &err); // draw 0: the resolution's own
 *   unika_linkage_manifest(lk, ..., &json, &size, &err);
 *   unika_linkage_free(lk);
 *
 * Determinism: the same files, in any order, with the same parameters and
 * seed give the same persons, cells and manifest, byte for byte.
 *
 * The RESOLUTION KEY. Person pseudonyms and their sketch hashes are keyed
 * by a unika_key derived from the linker's secret SEED (unika_link_seed,
 * disclosed to auditors, never to partners), the algorithm version, the
 * parameters and the digests of the inputs. Its fingerprint, the
 * RESOLUTION FINGERPRINT, is the key fingerprint of every cell sketch: cell
 * files of two resolutions (or a partner's own `ingest`) never merge, and a
 * partner holding the partnership key cannot test a guessed identity
 * against the linker's cells (docs/security.md, "The linkage step").
 */
#ifndef UNIKA_LINKAGE_H
#define UNIKA_LINKAGE_H

#include "common.h"
#include "error.h"
#include "key.h"
#include "matchkey_file.h"
#include "sketch.h"
#include "sketch_io.h"

#define UNIKA_LINK_ALGORITHM_VERSION 1  /* the cascade of docs/linkage.md */
#define UNIKA_LINK_MANIFEST_VERSION 1   /* the manifest's JSON schema */
#define UNIKA_LINK_SEED_BYTES 32
#define UNIKA_LINK_MAX_FILES 256        /* one per organisation, as roster partners */
#define UNIKA_LINK_MAX_CELLS 16384      /* as `ingest` */
#define UNIKA_LINK_TAU_DEFAULT 0.05
/* A cluster never grows past this many profiles: a person has a few dozen
 * record variants at most, and a cap stops any chain of joins (or a
 * hostile file) from growing one cluster without bound. */
#define UNIKA_LINK_MAX_CLUSTER_DEFAULT 256

/* The passes, in order (docs/linkage.md, "The cascade"). Pinned: the
 * manifest names them. */
typedef enum unika_link_pass {
    UNIKA_LINK_PASS_PERSONNUMMER = 0,
    UNIKA_LINK_PASS_SAMORDNINGSNUMMER = 1,
    UNIKA_LINK_PASS_DOSSIER = 2,
    UNIKA_LINK_PASS_FULL = 3,      /* name + full birth date + gender */
    UNIKA_LINK_PASS_PAIR = 4,      /* a token pair + full date, evidence-weighted */
    UNIKA_LINK_PASS_TYPO = 5,      /* one edit in one word + full date, evidence */
    UNIKA_LINK_PASS_MD = 6,        /* name + month-day (year revised), evidence */
    UNIKA_LINK_PASS_PAIRMD = 7     /* a token pair + month-day, evidence */
} unika_link_pass;
#define UNIKA_LINK_PASSES 8

typedef struct unika_link_params {
    double tau;                         /* evidence threshold, (0, 1] */
    unsigned max_cluster;               /* profiles per cluster, >= 2 */
    unika_mk_period period;             /* the cells' period */
    size_t by_count;                    /* 0..UNIKA_MK_MAX_BY */
    const char *by[UNIKA_MK_MAX_BY];    /* --by fields every file must have */
    unsigned precision;                 /* the cells' sketch precision */
} unika_link_params;

typedef struct unika_linkage unika_linkage;
typedef struct unika_link_seed unika_link_seed;

/* What one pass did: joins made, and refused because the clusters
 * conflicted (two identifiers, genders, birth dates), the evidence was not
 * strong enough (or, in the identifier passes, the names were not
 * similar), or a cluster was full. */
typedef struct unika_link_pass_stats {
    uint64_t made, refused_conflict, refused_evidence, refused_cap;
} unika_link_pass_stats;

/* The resolution's counts (docs/linkage.md, "The count and its range"). */
typedef struct unika_link_stats {
    uint64_t files, profiles, rows;
    uint64_t strong_profiles, weak_profiles;
    unika_link_pass_stats pass[UNIKA_LINK_PASSES];
    uint64_t strong_clusters;     /* clusters holding an identifier or a real date */
    uint64_t weak_units;          /* (org, name, birth year, gender) groups of weak profiles */
    uint64_t units_linked;        /* unsure: to the one strong cluster holding their key */
    uint64_t units_ambiguous;     /* two or more strong candidates: left alone */
    uint64_t units_joined;        /* unsure: joined with another partner's unit */
    uint64_t units_alone;         /* no candidate: a person of their own */
    uint64_t persons;             /* the deterministic count */
    uint64_t persons_low;         /* every unsure link made, ambiguous ones too */
    uint64_t persons_high;        /* no unsure link made */
    uint64_t cells;
} unika_link_stats;

#ifdef __cplusplus
extern "C" {
#endif

UNIKA_API const char *unika_link_pass_name(unsigned pass); /* "personnummer", ... */

/*! unika_link_params_init() : tau 0.05, max_cluster 256, half-year, no
 *  --by, precision 14 (exact up to 4,096 persons per cell or union). */
UNIKA_API void unika_link_params_init(unika_link_params *p);

/* ---- the linker's seed ---------------------------------------------------- */

/*! unika_link_seed_generate() : 32 random bytes.
 *  @return 0; UNIKA_EINVAL; UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_link_seed_generate(unika_link_seed **out, unika_error *err);

/*! unika_link_seed_save() / unika_link_seed_load() :
 *  The seed file ("unika-link-seed v1", the seed in hex, its fingerprint;
 *  docs/security.md), mode 0600, written atomically; loading refuses a file
 *  group or others may access unless flags has UNIKA_KEY_ALLOW_OPEN_PERMISSIONS.
 *  flags of save: UNIKA_KEY_OVERWRITE.
 *  @return 0; UNIKA_EINVAL; UNIKA_EEXIST; UNIKA_ENOENT; UNIKA_EIO;
 *          UNIKA_EKEYPERM; UNIKA_EKEYVERSION; UNIKA_EKEYFILE; UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_link_seed_save(const unika_link_seed *seed, const char *path,
                                                   unsigned flags, unika_error *err);
UNIKA_API UNIKA_NODISCARD int unika_link_seed_load(unika_link_seed **out, const char *path,
                                                   unsigned flags, unika_error *err);

/*! unika_link_seed_fingerprint() : 16 bytes naming the seed, never
 *  revealing it; NULL for NULL. */
UNIKA_API const uint8_t *unika_link_seed_fingerprint(const unika_link_seed *seed);

/*! unika_link_seed_free() : wipes and frees; NULL is accepted. */
UNIKA_API void unika_link_seed_free(unika_link_seed *seed);

/* ---- resolving ---------------------------------------------------------- */

/*! unika_linkage_new() :
 *  @return 0 and *out; UNIKA_EINVAL (tau outside (0, 1], max_cluster < 2,
 *          a bad period, precision or --by field); UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_linkage_new(unika_linkage **out, const unika_link_params *p,
                                                unika_error *err);

/*! unika_linkage_add() :
 *  Reads every profile of an opened match-key file (from its first
 *  profile; the reader is left at its end). `digest` is the BLAKE2b-256 of
 *  the file's bytes (unika_file_digest(): the manifest names the input by
 *  it), `signer` the roster name that signed it ("" if unsigned).
 *  @return 0;
 *          UNIKA_ELINKAGE  a file of an organisation already added, the
 *                          same digest twice, another partnership key than
 *                          the first file's, a --by field the file lacks,
 *                          undated visits when the period is not "all",
 *                          more than UNIKA_LINK_MAX_FILES files or
 *                          UNIKA_LINK_MAX_CELLS cells, a resolved linkage;
 *          the reader's error for a damaged file (UNIKA_EFORMAT, ...);
 *          UNIKA_EINVAL; UNIKA_ENOMEM.
 *  On failure the linkage is unchanged. */
UNIKA_API UNIKA_NODISCARD int unika_linkage_add(unika_linkage *lk, unika_mkreader *r,
                                                const uint8_t digest[UNIKA_DIGEST_BYTES],
                                                const char *signer, unika_error *err);

/*! unika_linkage_resolve() :
 *  Puts the inputs in canonical order (organisation, then profile), runs
 *  the cascade, forms and places the weak units, and derives the
 *  resolution key from the seed. Once only.
 *  @return 0; UNIKA_EINVAL; UNIKA_ELINKAGE (no input, or already resolved);
 *          UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_linkage_resolve(unika_linkage *lk, const unika_link_seed *seed,
                                                    unika_error *err);

/*! unika_linkage_stats() : the counts (after resolve); NULL before. */
UNIKA_API const unika_link_stats *unika_linkage_stats(const unika_linkage *lk);

/*! unika_linkage_fingerprint() : the resolution fingerprint (16 bytes; the
 *  key fingerprint of every cell sketch), after resolve; NULL before. */
UNIKA_API const uint8_t *unika_linkage_fingerprint(const unika_linkage *lk);

/*! unika_linkage_key_fingerprint() : the partnership key's fingerprint the
 *  inputs were made under; NULL before the first file. */
UNIKA_API const uint8_t *unika_linkage_key_fingerprint(const unika_linkage *lk);

/*! unika_link_recipe_fingerprint() : the "recipe" fingerprint of linked
 *  cells: BLAKE2b-128, personalisation "unika-recipe-v1", of
 *  "unika-link-v1:cascade-<algorithm version>" (docs/linkage.md). */
UNIKA_API const uint8_t *unika_link_recipe_fingerprint(void);
UNIKA_API const char *unika_link_recipe_name(void); /* "link-v1" */

/*! unika_linkage_cells() :
 *  The cell sketches of the resolution's own persons (draw 0): one per
 *  (org, period, --by values) any visit falls in, sorted by their labels,
 *  labelled org, period, recipe, the --by fields and draw=0, made under
 *  the resolution key. Free them with unika_link_cells_free().
 *  @return 0; UNIKA_EINVAL (before resolve; a draw other than 0: the
 *          estimator's draws come through the library's private API);
 *          UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_linkage_cells(const unika_linkage *lk, unsigned draw,
                                                  unika_sketch ***cells, size_t *count,
                                                  unika_error *err);

/*! unika_link_cells_free() : frees the sketches and the array of
 *  unika_linkage_cells(); NULL is accepted. */
UNIKA_API void unika_link_cells_free(unika_sketch **cells, size_t count);

/* One output file the manifest lists, by name and digest. */
typedef struct unika_link_output {
    const char *file;                            /* a name inside the output directory */
    uint8_t digest[UNIKA_DIGEST_BYTES];          /* BLAKE2b-256 of its bytes */
} unika_link_output;

/*! unika_linkage_manifest() :
 *  The linkage manifest (docs/linkage.md, "The manifest"): canonical JSON,
 *  the same bytes for the same inputs, naming the inputs by digest,
 *  organisation and signer, the algorithm and its parameters, the counts
 *  of every pass, the weak units, the deterministic count and its range,
 *  the resolution fingerprint and the `outputs` (name and digest, sorted
 *  by name). *json is NUL-terminated; free it with unika_link_manifest_free().
 *  @return 0; UNIKA_EINVAL (before resolve); UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_linkage_manifest(const unika_linkage *lk,
                                                     const unika_link_output *outputs,
                                                     size_t output_count, char **json,
                                                     size_t *size, unika_error *err);

/*! unika_link_manifest_free() : frees the text of unika_linkage_manifest(). */
UNIKA_API void unika_link_manifest_free(char *json);
/*! unika_linkage_estimates() :
 *  Counts under linkage error (docs/linkage.md, "The estimator"): for every
 *  organisation, pair of organisations and all of them, over the whole
 *  span, each year and each period, for every gender and all, the number
 *  of distinct people estimated from the resolution (its certain persons
 *  plus the estimated people behind the records only a name and a birth
 *  year identify), with a standard error and a 95% interval, beside the
 *  resolution's own count. Canonical JSON, the same bytes for the same
 *  resolved linkage on the same platform; *json (NUL-terminated) is freed
 *  with unika_linkage_estimates_free().
 *  @return 0; UNIKA_EINVAL (NULL, or not resolved); UNIKA_ELINKAGE (more
 *          than 64 organisations, or weak units without one strong cluster
 *          to measure the rates on); UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_linkage_estimates(const unika_linkage *lk, char **json,
                                                      size_t *size, unika_error *err);

/*! unika_linkage_estimates_free() : frees the text of unika_linkage_estimates(). */
UNIKA_API void unika_linkage_estimates_free(char *json);

/* Where one input profile went, for evaluation (`unika link
 * --debug-clusters`): indexes only, no key and no personal data. */
typedef struct unika_link_profile_info {
    const char *org;
    uint64_t index;          /* the profile's position in its file */
    uint64_t rows;
    uint64_t cluster;        /* canonical index of its cluster's first profile */
    uint64_t person;         /* canonical index of its person's representative */
    int strong;              /* 1: an identifier or a real birth date */
    int unit_kind;           /* weak profiles: 1 linked, 2 ambiguous, 3 joined, 4 alone */
    uint8_t id_digest[16];   /* BLAKE2b-128 of the profile's identity bytes */
} unika_link_profile_info;

/*! unika_linkage_profile() : profile i (canonical order, < stats->profiles).
 *  @return 0; UNIKA_EINVAL. */
UNIKA_API int unika_linkage_profile(const unika_linkage *lk, uint64_t i,
                                    unika_link_profile_info *out);

/*! unika_mkprofile_id_digest() : BLAKE2b-128 (personalisation
 *  "unika-mkprof-v1") of a profile's identity bytes (gender, flags,
 *  key_count, keys: docs/matchkeys.md), as unika_link_profile_info has it;
 *  from a partner's unika_matchkeys, so an evaluation can join its rows to
 *  the linker's profiles. @return 0; UNIKA_EINVAL. */
UNIKA_API int unika_mkprofile_id_digest(uint8_t dst[16], const unika_matchkeys *keys);

/*! unika_linkage_free() : NULL is accepted. */
UNIKA_API void unika_linkage_free(unika_linkage *lk);

#ifdef __cplusplus
}
#endif
#endif /* UNIKA_LINKAGE_H */
