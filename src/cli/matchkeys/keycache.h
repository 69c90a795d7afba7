/*
 * keycache.h - `unika matchkeys` derives the keys of each distinct record
 * once. A partner's log repeats the same record at every visit (the
 * example partners: 3 to 7 rows per distinct record), and a record's keys
 * cost 10 to 30 keyed hashes, so the command remembers, per normalised
 * record, the keys it got (docs/benchmarks.md gives the effect).
 *
 * The remembered records are normalised identities: personal data held in
 * the partner's own process, as its CSV rows are. They never leave it and
 * are overwritten with zeros when the cache is freed.
 */
#ifndef UNIKA_CLI_KEYCACHE_H
#define UNIKA_CLI_KEYCACHE_H

#include "unika/matchkey.h"
#include "unika/matchkey_file.h"

/* Distinct records remembered at most; beyond it, keys are derived anew.
 * The writer holds every distinct profile until the file is written, so
 * remembering every distinct record as well keeps memory linear in them
 * (a record's keys cost about what its profile does, docs/resources.md);
 * a smaller bound (2^18 until 2026-12) made 10^6 distinct records derive
 * most rows' keys again, at 2.6 times the CPU (docs/benchmarks.md). The
 * bound is there for the hash table's 32-bit slots. */
#define CLI_KEYCACHE_MAX ((size_t)1 << 24)

typedef struct cli_keycache cli_keycache;

/* NULL when out of memory (the command then works without a cache). */
cli_keycache *cli_keycache_new(void);

/* 1 and *out filled (key_fp, gender, flags, keys) when `in` was seen; 0 if not. */
int cli_keycache_get(cli_keycache *c, const unika_matchkey_input *in, unika_matchkeys *out);

/* Remembers the keys of `in` (nothing when full or out of memory). */
void cli_keycache_put(cli_keycache *c, const unika_matchkey_input *in,
                      const unika_matchkeys *keys);

/* Hits and misses so far, for the summary. */
void cli_keycache_counts(const cli_keycache *c, unsigned long long *hits,
                         unsigned long long *misses);

/* Wipes and frees; NULL is accepted. */
void cli_keycache_free(cli_keycache *c);

#endif
