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

/* Sorts n records that are `words` uint32_t and nothing more (words <= 16),
 * as unika_sort_words() does. Never fails: out of memory, it sorts them by
 * insertion in place, into the same order. For the ids of one name or one
 * group, few and sorted often. */
void unika_sort_ids(void *base, size_t n, size_t words);

#endif
