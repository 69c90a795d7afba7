/*
 * common/sort.h - a stable sort of records by their leading 32-bit words.
 * Never installed.
 */
#ifndef UNIKA_INTERNAL_SORT_H
#define UNIKA_INTERNAL_SORT_H

#include <stddef.h>

/* Sorts n records of size bytes, each beginning with `words` uint32_t
 * (host order; size >= 4 * words), ascending by those words (the first
 * the most significant). Stable: records with equal words keep their
 * order.
 * Returns 0, or -1 when out of memory (the array unchanged). */
int unika_sort_words(void *base, size_t n, size_t size, size_t words);

#endif
