/*
 * compare.h - `unika report --compare-recipes`: the same totals under each
 * identity recipe, side by side (docs/report.md, "Comparing recipes").
 */
#ifndef UNIKA_CLI_COMPARE_H
#define UNIKA_CLI_COMPARE_H

#include "report/report.h"

enum { RP_CMP_MARKDOWN, RP_CMP_CSV, RP_CMP_JSON };

/* Reads the sketch files and directories in args[0..nargs), groups them by
 * recipe fingerprint (all must share one key), and writes, for each recipe,
 * the whole-period total and the totals per org and per gender, each the
 * union of that recipe's files with the label value, with its 95%
 * interval. Estimates below min_count (if not 0) are shown as "<N".
 * `format` is one of RP_CMP_*; out_path NULL writes to stdout, otherwise
 * atomically to the file (replaced only with force). Prints its own errors;
 * returns CLI_OK, CLI_INPUT or CLI_USAGE. */
int rp_compare_recipes(char *const *args, size_t nargs, int format, const char *out_path,
                       int force, unsigned long min_count);

#endif /* UNIKA_CLI_COMPARE_H */
