/*
 * unika/sketch.h - mergeable distinct-count sketches (UltraLogLog class)
 * and their estimators.
 *
 * A sketch counts distinct pseudonyms. Each pseudonym is hashed with a keyed
 * PRF (SipHash-2-4 under the key's sketch subkey) to 64 bits; the sketch keeps
 *   - while small, the sorted set of distinct 32-bit tokens of those hashes
 *     (exact in practice: 4 bytes per person), and
 *   - beyond 2^p / 4 tokens, 2^p UltraLogLog byte registers (docs/sketch.md).
 * The state is a function of the SET of hashes added only, so merging is
 * exact: merge(a, b) equals, byte for byte, the sketch of the union, in any
 * order and grouping, and sketches of different precision merge at the lower.
 *
 *     unika_sketch *s = NULL;
 *     if (unika_sketch_new(&s, UNIKA_SKETCH_P_DEFAULT, key_fp, recipe_fp, &err) < 0) ...;
 *     if (unika_sketch_add(s, key, pseudonym, &err) < 0) ...;
 *     if (unika_sketch_merge(s, other, &err) < 0) ...;     // refuses other keys/recipes
 *     unika_estimate e;
 *     if (unika_sketch_estimate(&e, s, UNIKA_ESTIMATOR_ML, &err) < 0) ...;
 *     printf("%.0f (95%%: %.0f..%.0f)\n", e.estimate, e.ci_low, e.ci_high);
 *     unika_sketch_free(s);
 *
 * Precision and error (ML estimator, large n; docs/sketch.md has every p):
 *   p = 10: 1 KiB, 2.38%   p = 12: 4 KiB, 1.19%   p = 14: 16 KiB, 0.59%
 * Counts are exact up to 2^p / 4 distinct people (1,024 at p = 12).
 *
 * Thread safety: a sketch is not locked; concurrent reads are safe, a write
 * needs exclusive access.
 */
#ifndef UNIKA_SKETCH_H
#define UNIKA_SKETCH_H

#include "common.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define UNIKA_SKETCH_P_MIN 4
#define UNIKA_SKETCH_P_MAX 18
#define UNIKA_SKETCH_P_DEFAULT 12
/* Sparse tokens: 26-bit register index (low 26 bits of the hash) in the high
 * bits, 6-bit rank relative to p = 26 in the low bits (docs/sketch.md). */
#define UNIKA_SKETCH_TOKEN_INDEX_BITS 26
/* A sketch of precision p stays sparse while it holds at most
 * UNIKA_SKETCH_SPARSE_MAX(p) = 2^p / 4 tokens (then the token list would
 * outgrow the 2^p dense bytes). */
#define UNIKA_SKETCH_SPARSE_MAX(p) ((size_t)1 << ((p) - 2))

/*! unika_sketch_p_min() / _p_max() / _p_default() : function twins. */
UNIKA_API unsigned unika_sketch_p_min(void);
UNIKA_API unsigned unika_sketch_p_max(void);
UNIKA_API unsigned unika_sketch_p_default(void);

/*! unika_sketch_new() :
 *  Creates an empty sketch of precision `p` (UNIKA_SKETCH_P_MIN..MAX) for
 *  pseudonyms made under the key with fingerprint `key_fp` by the recipe with
 *  fingerprint `recipe_fp` (both UNIKA_FINGERPRINT_BYTES, copied).
 *  @return 0 and *out (free with unika_sketch_free), or
 *          UNIKA_EINVAL      a NULL pointer,
 *          UNIKA_EPRECISION  p out of range,
 *          UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_sketch_new(unika_sketch **out, unsigned p,
                                               const uint8_t key_fp[UNIKA_FINGERPRINT_BYTES],
                                               const uint8_t recipe_fp[UNIKA_FINGERPRINT_BYTES],
                                               unika_error *err);

/*! unika_sketch_free() : frees `s`; NULL is accepted. */
UNIKA_API void unika_sketch_free(unika_sketch *s);

/*! unika_sketch_hash() :
 *  The 64-bit sketch hash of a pseudonym: SipHash-2-4 (crypto_shorthash) of
 *  the UNIKA_PSEUDONYM_BYTES bytes under `key`'s sketch subkey, its 8 output
 *  bytes read as a little-endian integer.
 *  @return 0, or UNIKA_EINVAL on a NULL pointer. */
UNIKA_API UNIKA_NODISCARD int unika_sketch_hash(uint64_t *out, const unika_key *key,
                                                const uint8_t pseudonym[UNIKA_PSEUDONYM_BYTES]);

/*! unika_sketch_add() :
 *  Adds one pseudonym. Adding a pseudonym twice changes nothing.
 *  @return 0, or
 *          UNIKA_EINVAL        a NULL pointer,
 *          UNIKA_EKEYMISMATCH  `key`'s fingerprint is not the sketch's
 *                              (message names both in hex),
 *          UNIKA_ENOMEM        (the sketch is unchanged). */
UNIKA_API UNIKA_NODISCARD int unika_sketch_add(unika_sketch *s, const unika_key *key,
                                               const uint8_t pseudonym[UNIKA_PSEUDONYM_BYTES],
                                               unika_error *err);

/*! unika_sketch_add_batch() :
 *  Adds `count` pseudonyms stored back to back (count * UNIKA_PSEUDONYM_BYTES
 *  bytes); same result as `count` calls of unika_sketch_add, faster while the
 *  sketch is sparse. `pseudonyms` may be NULL when count is 0.
 *  @return as unika_sketch_add; on UNIKA_ENOMEM a prefix may have been added. */
UNIKA_API UNIKA_NODISCARD int unika_sketch_add_batch(unika_sketch *s, const unika_key *key,
                                                     const uint8_t *pseudonyms, size_t count,
                                                     unika_error *err);

/*! unika_sketch_add_hash() :
 *  Adds a precomputed 64-bit sketch hash (unika_sketch_hash). Meant for tests,
 *  benchmarks and importers: no key check is possible here.
 *  @return 0, UNIKA_EINVAL (NULL sketch) or UNIKA_ENOMEM (sketch unchanged). */
UNIKA_API UNIKA_NODISCARD int unika_sketch_add_hash(unika_sketch *s, uint64_t hash,
                                                    unika_error *err);

/*! unika_sketch_add_hashes() :
 *  Adds `count` precomputed sketch hashes; the same result as `count` calls
 *  of unika_sketch_add_hash, without the per-call overhead (importers,
 *  benchmarks). `hashes` may be NULL when count is 0.
 *  @return 0, UNIKA_EINVAL or UNIKA_ENOMEM (a prefix may have been added). */
UNIKA_API UNIKA_NODISCARD int unika_sketch_add_hashes(unika_sketch *s, const uint64_t *hashes,
                                                      size_t count, unika_error *err);

/*! unika_sketch_merge() :
 *  dst := dst UNION src. When src has the lower precision, dst is first
 *  reduced to it (unika_sketch_reduce); when src has the higher one, src's
 *  registers are reduced on the fly (src is not changed). Labels: dst keeps
 *  those common to both and gains src's provenance (docs/format.md).
 *  `dst == src` is allowed (nothing changes).
 *  @return 0, or
 *          UNIKA_EINVAL           a NULL pointer,
 *          UNIKA_EKEYMISMATCH     different key fingerprints (both in hex in
 *                                 the message),
 *          UNIKA_ERECIPEMISMATCH  different recipe fingerprints (likewise),
 *          UNIKA_ENOMEM           (dst unchanged). */
UNIKA_API UNIKA_NODISCARD int unika_sketch_merge(unika_sketch *dst, const unika_sketch *src,
                                                 unika_error *err);

/*! unika_sketch_reduce() :
 *  Lowers the precision of `s` to `p` (<= its current precision); the result
 *  equals the sketch built at `p` from the same pseudonyms, byte for byte.
 *  @return 0, or UNIKA_EINVAL (NULL), UNIKA_EPRECISION (p out of range or
 *          above the current precision), UNIKA_ENOMEM (s unchanged). */
UNIKA_API UNIKA_NODISCARD int unika_sketch_reduce(unika_sketch *s, unsigned p,
                                                  unika_error *err);

/*! unika_sketch_copy() : a deep copy, labels included.
 *  @return 0 and *out (free with unika_sketch_free), UNIKA_EINVAL or UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_sketch_copy(unika_sketch **out, const unika_sketch *s,
                                                unika_error *err);

/*! unika_sketch_clear() : empties `s` (back to sparse, no tokens), keeping
 *  its precision, fingerprints and labels. NULL is accepted. */
UNIKA_API void unika_sketch_clear(unika_sketch *s);

/*! unika_sketch_equal() :
 *  @return 1 when both sketches have the same precision, state (tokens or
 *          registers), fingerprints and labels/provenance; 0 otherwise
 *          (also when either is NULL). */
UNIKA_API int unika_sketch_equal(const unika_sketch *a, const unika_sketch *b);

/*! unika_sketch_precision() : p of the sketch (0 for NULL). */
UNIKA_API unsigned unika_sketch_precision(const unika_sketch *s);
/*! unika_sketch_is_sparse() : 1 while the sketch keeps tokens, 0 when dense or NULL. */
UNIKA_API int unika_sketch_is_sparse(const unika_sketch *s);
/*! unika_sketch_token_count() : distinct tokens held (0 when dense or NULL). */
UNIKA_API size_t unika_sketch_token_count(const unika_sketch *s);
/*! unika_sketch_key_fingerprint() / _recipe_fingerprint() :
 *  UNIKA_FINGERPRINT_BYTES owned by the sketch (NULL for NULL). */
UNIKA_API const uint8_t *unika_sketch_key_fingerprint(const unika_sketch *s);
UNIKA_API const uint8_t *unika_sketch_recipe_fingerprint(const unika_sketch *s);

/*! unika_sketch_hll_registers() :
 *  Writes the 2^p classic HyperLogLog registers (maximum rank per register,
 *  PostgreSQL `hll` bit mapping: index = low p bits of the hash, rank =
 *  trailing zeros of the rest + 1) to dst. Works for sparse sketches too.
 *  @return 0, UNIKA_EINVAL (NULL) or UNIKA_EBUFFER (dst_capacity < 2^p). */
UNIKA_API UNIKA_NODISCARD int unika_sketch_hll_registers(uint8_t *dst, size_t dst_capacity,
                                                         const unika_sketch *s,
                                                         unika_error *err);

/* ---- estimators ------------------------------------------------------- */

typedef enum unika_estimator {
    UNIKA_ESTIMATOR_ML = 0,   /* maximum likelihood: the default, most accurate */
    UNIKA_ESTIMATOR_FGRA = 1  /* UltraLogLog's closed form: faster, ~6% more variance */
} unika_estimator;

typedef struct unika_estimate {
    double estimate;   /* number of distinct pseudonyms (not rounded) */
    double std_error;  /* its standard error, in people */
    double ci_low;     /* 95% interval */
    double ci_high;
    int exact;         /* 1: counted from the token set (sparse). The only
                          error left is two people sharing a token: the
                          estimate adds the expected number lost
                          (n^2 / (6 * 2^26), 0.0025 at n = 1,000), std_error
                          is its square root and the interval its Poisson
                          range, widened to hold the estimate ([n, n + 0.01]
                          up to n ~ 3,000) */
} unika_estimate;

/*! unika_sketch_estimate() :
 *  Estimates the number of distinct pseudonyms added. Sparse sketches are
 *  counted from their tokens whatever `which` says (exact = 1). A dense
 *  sketch whose every register is saturated (only possible beyond ~2^64
 *  items) gives +infinity with ML.
 *  @return 0, UNIKA_EINVAL (NULL, or unknown estimator). */
UNIKA_API UNIKA_NODISCARD int unika_sketch_estimate(unika_estimate *out, const unika_sketch *s,
                                                    unika_estimator which, unika_error *err);

/*! unika_sketch_intersection() :
 *  Estimates |A ∩ B|. Exact (token-set intersection, exact = 1) when both
 *  sketches are sparse. Otherwise a joint maximum-likelihood estimate from
 *  both register arrays at the lower precision (docs/sketch.md §5.5): far
 *  better than inclusion-exclusion |A| + |B| - |A ∪ B|, whose error is that
 *  of the union whatever the overlap (p = 12, |A| = |B| = 50,000: RMSE ~450
 *  people at overlap 20,000 and ~330 at overlap 500, against ~620 and ~860;
 *  docs/accuracy.md). The
 *  standard error is the inverse observed information less the Poisson
 *  variance of the count; the 95% interval is estimate +- 1.96 SE, clamped
 *  to [0, upper bound of min(|A|, |B|)].
 *  @return 0, or UNIKA_EINVAL (NULL), UNIKA_EKEYMISMATCH, UNIKA_ERECIPEMISMATCH
 *          (the sketches could not be merged), UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_sketch_intersection(unika_estimate *out,
                                                        const unika_sketch *a,
                                                        const unika_sketch *b,
                                                        unika_error *err);

/*! unika_sketch_difference() :
 *  Estimates |A \ B| (in A, not in B): exact when both are sparse, else
 *  |A| (ML) minus the joint estimate of |A ∩ B|, with the joint model's
 *  standard error; interval clamped to [0, upper bound of |A|].
 *  @return as unika_sketch_intersection. */
UNIKA_API UNIKA_NODISCARD int unika_sketch_difference(unika_estimate *out,
                                                      const unika_sketch *a,
                                                      const unika_sketch *b,
                                                      unika_error *err);

/*! unika_sketch_rse() :
 *  Theoretical asymptotic relative standard error of a dense sketch of
 *  precision p: sqrt(MVP / (8 * 2^p)), MVP = 4.631 (ML) or 4.895 (FGRA).
 *  @return the RSE (a fraction), or 0 for p out of range / unknown estimator. */
UNIKA_API double unika_sketch_rse(unsigned p, unika_estimator which);

#ifdef __cplusplus
}
#endif
#endif /* UNIKA_SKETCH_H */
