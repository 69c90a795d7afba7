/*
 * report.h - the analyst's side of the `unika` command: merge, estimate,
 * inspect and report, and what they share (loading sketch files with their
 * digests, checking that they come from one key and recipe, unions, period
 * roll-up). docs/report.md describes the report; docs/format.md the files.
 *
 * None of these commands needs the partnership key: merging and estimating
 * only read sketches, so the aggregator and the auditor never hold it.
 */
#ifndef UNIKA_CLI_REPORT_H
#define UNIKA_CLI_REPORT_H

#include "cli.h"

int cmd_merge(int argc, char **argv);
int cmd_estimate(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* ---- sketch files ------------------------------------------------------------ */

#define RP_DIGEST_HEX_BYTES (2 * UNIKA_DIGEST_BYTES + 1)
#define RP_REPORT_MAX ((size_t)64 << 20) /* a report's JSON: 64 MiB at most */

/* One sketch file as the library read it (unika_sketch_load_file()): its
 * bytes' BLAKE2b-256 digest (what provenance records and report figures
 * cite), the parsed sketch, and the header fields `inspect` shows. */
/* One per input file; report and verify hold 10^5 at once, so nothing here
 * that can be derived (the digest's hex: rp_digest_hex()). */
typedef struct rp_input {
    char *path;
    uint8_t digest[UNIKA_DIGEST_BYTES];
    unika_sketch *sketch;
    unika_sketch_file info;
} rp_input;

/* Reads and parses `path` with the library's loader. On failure prints
 * "unika <cmd>: <path>: <reason>" (the parser names the field and byte)
 * and returns CLI_INPUT (CLI_NOMEM when out of memory). */
int rp_load(rp_input *in, const char *path);
/* The hex of in's digest, into dst. */
void rp_digest_hex(char dst[RP_DIGEST_HEX_BYTES], const rp_input *in);
void rp_input_free(rp_input *in);
/* "<sketch_path>.prov": where a merged sketch's provenance file travels
 * (docs/format.md §6.2); rp_load() reads and checks it when present.
 * Prints and returns CLI_INPUT when the path is too long. */
int rp_provenance_path(char *dst, size_t cap, const char *sketch_path);
void rp_inputs_free(rp_input *in, size_t n);

/* Expands arguments into sketch file paths: a file is taken as it is, a
 * directory contributes every *.uks file below it (recursively, in byte
 * order of the path, so the same tree always gives the same list). Paths
 * are malloc'd into *out (free each, then the array). Prints and returns
 * CLI_INPUT when an argument does not exist or a directory holds no sketch. */
int rp_collect(char ***out, size_t *n, char *const *args, size_t nargs);

/* Checks that all inputs share the first one's key and recipe fingerprints.
 * On a mismatch prints both files and both fingerprints, and returns
 * CLI_INPUT; 0 otherwise. */
int rp_check_origin(const rp_input *in, size_t n);

/* The union of in[idx[0..n)] (n >= 1) as a new sketch: deterministic,
 * whatever the order of idx. */
int rp_union(unika_sketch **out, const rp_input *in, const size_t *idx, size_t n,
             unika_error *err);

/* ---- small shared output helpers ---------------------------------------------- */

/* A number with 17 significant digits, so the JSON round-trips the double
 * exactly (cj_num keeps 10, enough for display, not for an audit). */
void rp_json_num(cli_json *j, const char *key, double value);

/* "labels": {key: value, ...} of a sketch. */
void rp_json_labels(cli_json *j, const char *key, const unika_sketch *s);

/* "k=v k=v ..." on one line ("(none)" without labels). */
void rp_print_labels(FILE *f, const unika_sketch *s);

/* ---- periods ------------------------------------------------------------------ */

/* Period grains from the finest up; a label's grain is fixed by its form:
 * "2019-03" month, "2019H1" half-year, "2019" year, "all". */
typedef enum rp_grain { RP_MONTH = 0, RP_HALF = 1, RP_YEAR = 2, RP_ALL = 3 } rp_grain;

/* The grain of a period label, or -1 when it is none of the forms above. */
int rp_period_grain(const char *label);

/* Rolls the period label up to `grain` into dst ("2019-03" -> "2019H1",
 * "2019", "all"). Returns 0, or -1 when the label is coarser than `grain`
 * (a year cannot be split into half-years) or malformed. */
int rp_period_at(char *dst, size_t cap, const char *label, rp_grain grain);

/* "month", "half-year", "year", "all" (and the reverse, -1 when unknown). */
const char *rp_grain_name(rp_grain g);
int rp_grain_from_name(const char *name);

#endif /* UNIKA_CLI_REPORT_H */
