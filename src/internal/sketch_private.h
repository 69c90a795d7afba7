/*
 * internal/sketch_private.h - the sketch object, shared by the sketch,
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

#endif
