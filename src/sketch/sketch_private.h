/*
 * sketch/sketch_private.h - the sketch object, shared by the sketch,
 * estimator and file-format modules. Never installed.
 *
 * A sketch is in one of two phases:
 *   sparse: `tokens` holds a sorted set of distinct 32-bit hash tokens
 *           (docs/format.md: 26-bit register index + 6-bit rank), exact and
 *           convertible to a dense sketch of any precision p <= 26;
 *   dense:  `registers` holds 2^p UltraLogLog byte registers.
 * Exactly one of `tokens` / `registers` is in use; `registers` is NULL while sparse.
 */
#ifndef UNIKA_INTERNAL_SKETCH_PRIVATE_H
#define UNIKA_INTERNAL_SKETCH_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "unika/common.h"
#include "unika/error.h"

/* Labels, provenance and anything else that describes a sketch but is not
 * counted; owned by src/sketch_meta.c. */
typedef struct unika_sketch_meta unika_sketch_meta;

struct unika_sketch {
    unsigned p;                                  /* 4..18 */
    uint8_t key_fp[UNIKA_FINGERPRINT_BYTES];     /* key the hashes were made under */
    uint8_t recipe_fp[UNIKA_FINGERPRINT_BYTES];  /* recipe of the pseudonyms */
    uint32_t *tokens;                            /* sparse phase, sorted, distinct */
    size_t n_tokens, cap_tokens;
    uint8_t *registers;                          /* dense phase: 2^p bytes */
    unika_sketch_meta *meta;                     /* never NULL */
};

unika_sketch_meta *unika_sketch_meta_new(void);
void unika_sketch_meta_free(unika_sketch_meta *meta);
unika_sketch_meta *unika_sketch_meta_copy(const unika_sketch_meta *meta);
/* Bookkeeping of a merge: `dst` keeps only the labels it shares (same key
 * and value) with `src`, and gains `src`'s provenance records. Returns 0 or
 * UNIKA_ENOMEM (dst unchanged then). */
int unika_sketch_meta_merge(unika_sketch_meta *dst, const unika_sketch_meta *src);
/* 1 when equal, 0 otherwise. */
int unika_sketch_meta_equal(const unika_sketch_meta *a, const unika_sketch_meta *b);

/* ---- state helpers, src/sketch.c (docs/sketch.md "Register encoding") ----
 * For the file parser and the estimators. A register byte is 0 (empty) or
 * 4*u + h, u = maximum rank seen (1..65-p), h bit 1 = rank u-1 seen,
 * h bit 0 = rank u-2 seen (bits naming ranks below 1 are 0). */
/* 1 when byte `r` is a possible register value at precision p: 0, or
 * u = r >> 2 in 1..65-p, with no history bit naming a rank below 1 (so of
 * the values below 12 only 0, 4, 8 and 10). Inline: parsers call it on
 * every register. */
static inline int unika_sketch_register_valid(uint8_t r, unsigned p)
{
    if (r < 12) return r == 0 || r == 4 || r == 8 || r == 10;
    return (unsigned)(r >> 2) <= 65u - p;
}
/* 1 when `t` is a possible token (rank 1..39). */
int unika_sketch_token_valid(uint32_t t);
/* The token of a 64-bit sketch hash. */
uint32_t unika_sketch_token_of_hash(uint64_t hash);
/* Writes the 2^p dense registers of `s` at precision p <= s->p into dst,
 * whether s is sparse or dense (reduction rule of docs/sketch.md). */
void unika_sketch_registers_at(uint8_t *dst, unsigned p, const struct unika_sketch *s);
/* Checks the whole state of a sketch filled in by hand (e.g. by the parser):
 * p in range, exactly one of tokens/registers in use, tokens valid, strictly
 * increasing and at most UNIKA_SKETCH_SPARSE_MAX(p), every register valid
 * and at least one set. (Canonical form also needs a dense sketch to stem
 * from more than 2^p/4 tokens, which registers alone cannot prove.)
 * Returns 0 or UNIKA_EFORMAT with a message naming the offending position. */
int unika_sketch_check_state(const struct unika_sketch *s, unika_error *err);

#endif
