/*
 * index.h - the report's inputs grouped by label values, so that a figure
 * finds its files by binary search instead of testing every file.
 *
 * A report of F figures over n files used to test every file against every
 * figure's filter: F x n label look-ups (10^4 files and a few thousand
 * figures: tens of seconds). An index sorts the files once by the tuple of
 * their values for some labels (periods rolled up to a grain), O(n log n);
 * a figure whose filter fixes some of those labels and leaves the others at
 * ANY is then one prefix range of the sorted tuples. Figures of one table
 * share their few indexes (rows, columns, both, none), kept in a cache.
 */
#ifndef UNIKA_CLI_REPORT_INDEX_H
#define UNIKA_CLI_REPORT_INDEX_H

#include "report/report.h"

typedef struct rp_index rp_index;
typedef struct rp_index_cache rp_index_cache;

rp_index_cache *rp_index_cache_new(void);
void rp_index_cache_free(rp_index_cache *c);

/* The files in[0..n) whose labels keys[0..nk) are all present (period: at
 * `grain`) and equal vals[k] where vals[k] is not NULL (NULL: any value).
 * Returns a malloc'd array of file indices in increasing order (free() it;
 * never NULL, even when *count is 0). The index for this combination of keys is built
 * on first use and kept in the cache. */
size_t *rp_index_select(rp_index_cache *c, const rp_input *in, size_t n, size_t nk,
                        const char *const *keys, const char *const *vals, rp_grain grain,
                        size_t *count);

/* The distinct values of `key` at `grain` among in[0..n), sorted bytewise
 * (strdup'd into a malloc'd array; free each, then the array). */
char **rp_index_distinct(rp_index_cache *c, const rp_input *in, size_t n, const char *key,
                         rp_grain grain, size_t *count);

#endif
