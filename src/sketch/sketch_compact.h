/*
 * sketch/sketch_compact.h - payload encoding 2 (docs/format.md §7.1): the
 * dense registers rANS-coded under a one-parameter model. Used by the file
 * format (sketch_format.c); the model functions are exposed for the tests
 * that pin the constants. Never installed.
 */
#ifndef UNIKA_INTERNAL_SKETCH_COMPACT_H
#define UNIKA_INTERNAL_SKETCH_COMPACT_H

#include <stddef.h>
#include <stdint.h>

#include "unika/error.h"

/* Largest payload unika_compact_encode can write at precision p. */
size_t unika_compact_bound(unsigned p);

/* Encodes the 2^p registers (each valid at p, docs/format.md §7) into
 * dst[0..cap), cap >= unika_compact_bound(p). Returns the payload's bytes
 * (lambda byte, states, stream), or 0 when cap is too small. Deterministic. */
size_t unika_compact_encode(uint8_t *dst, size_t cap, const uint8_t *regs, unsigned p);

/* The same with lambda byte b instead of the canonical one: only for
 * making test files that a reader must refuse. */
size_t unika_compact_encode_lambda(uint8_t *dst, size_t cap, const uint8_t *regs, unsigned p,
                                   unsigned b);

/* Decodes a compact payload src[0..n) into the 2^p registers with every
 * check of docs/format.md §9 step 22; errors name offsets base + i (the
 * payload's offset in the file). Never reads outside src[0..n).
 * Returns 0 or UNIKA_EFORMAT / UNIKA_ENOMEM. */
int unika_compact_decode(uint8_t *regs, unsigned p, const uint8_t *src, size_t n, size_t base,
                         unika_error *err);

/* The model, for tests and the benchmark: the lambda byte of statistic z
 * (the sum of 2^(45 - u) over the registers, unika_compact_z), the frequency
 * table of (p, b), its expected z per register in Q63, the constants. */
uint64_t unika_compact_z(const uint8_t *regs, unsigned p);
unsigned unika_compact_lambda(uint64_t z, unsigned p);
void unika_compact_freqs(uint32_t freq[256], unsigned p, unsigned b);
uint64_t unika_compact_expected_z(unsigned p, unsigned b);
uint64_t unika_compact_chain(unsigned f, unsigned i);
uint64_t unika_compact_mulq(uint64_t a, uint64_t b);

#endif
