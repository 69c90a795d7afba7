/*
 * common/suggest.h - "did you mean": the closest of some names to a name
 * that was not found. Never installed; the command uses it too (for
 * commands and options), so a near miss is judged the same way for a
 * profile's column as for a mistyped option.
 */
#ifndef UNIKA_COMMON_SUGGEST_H
#define UNIKA_COMMON_SUGGEST_H

#include <stddef.h>

/* Characters compared at most; longer names are never suggested. */
#define UNIKA_SUGGEST_MAX_CHARS 64

/* The edit distance (insertions, deletions and substitutions of one
 * character) between UTF-8 strings a[0..an) and b[0..bn), with ASCII
 * letters compared case-insensitively; (size_t)-1 when either is longer
 * than UNIKA_SUGGEST_MAX_CHARS characters or not valid UTF-8. */
size_t unika_edit_distance(const char *a, size_t an, const char *b, size_t bn);

/* 1 when a name at `distance` from `want` is close enough to suggest: at
 * most 1 for a name of up to 4 characters, 2 up to 8, 3 beyond, and never
 * the whole name. */
int unika_suggest_close(const char *want, size_t want_size, size_t distance);

/* The index of the candidate closest to `want` (the first of equals) if it
 * is close enough, else n. */
size_t unika_suggest(const char *want, const char *const *candidates, size_t n);

#endif
