/*
 * testutil.h - what every Check suite shares: a main() runner and helpers.
 *
 * A suite file defines `Suite *unika_test_suite(void)` and links testutil.c,
 * which provides main(): it initialises the library, runs the suite and
 * exits non-zero on any failure.
 */
#ifndef UNIKA_TESTUTIL_H
#define UNIKA_TESTUTIL_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include "unika.h"

Suite *unika_test_suite(void);

/* Decodes lowercase/uppercase hex into dst; returns the byte count or -1. */
int unika_test_hex_decode(uint8_t *dst, size_t dst_capacity, const char *hex);

/* Reads a whole file into a malloc'd buffer; returns NULL on failure. */
uint8_t *unika_test_read_file(const char *path, size_t *size);

/* Deterministic 64-bit generator (SplitMix64) for statistical tests. */
uint64_t unika_test_splitmix64(uint64_t *state);

/* The key and recipe fingerprints the sketch tests stamp on their sketches. */
extern const uint8_t UNIKA_TEST_KEY_FP[16], UNIKA_TEST_RECIPE_FP[16];

/* A sketch of precision p holding n SplitMix64 hashes from seed, stamped
 * with those fingerprints (the test fails if it cannot be made). */
unika_sketch *unika_test_sketch(unsigned p, size_t n, uint64_t seed);

#endif
