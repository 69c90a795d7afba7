/*
 * audit.h - what `unika verify` checks, in order (cmd_verify.c prints the
 * usage and reads the files; docs/security.md, "The audit"):
 *
 *   1. every sketch file is signed by a partner on the roster, unchanged;
 *   2. every sketch was made under the roster's partnership key, and all
 *      share the report's recipe; for a report over a linker's cells (the
 *      resolution fingerprint of a manifest the linker signed), every cell
 *      is the linker's, under that resolution's key;
 *   3. every input the report cites was supplied, and every file supplied
 *      is cited (a report that silently leaves out a partner's file fails);
 *   4. every figure: the files its filter selects are exactly the files it
 *      cites; their union (or, for overlaps, the intersection of two unions)
 *      is estimated again;
 *   5. the release step is re-applied to those estimates with the library's
 *      unika_release_apply(), the one `unika report` ran: primary and
 *      secondary suppression over the relations the report's tables define,
 *      keyed noise (with the release noise key), rounding; every published
 *      number must come out the same.
 *
 * The selection and recomputation are written here again, from the report
 * format (docs/report.md) and the signed files, rather than calling the
 * report command's code: the audit takes no number from the report.
 */
#ifndef UNIKA_CLI_AUDIT_H
#define UNIKA_CLI_AUDIT_H

#include "cli.h"
#include "jread.h"

typedef struct audit_options {
    const char *report_path, *roster_path; /* for the log */
    int quiet;                             /* failures and the summary only */
    unika_key *noise_key;                  /* NULL without --noise-key */
    const uint8_t *resolution_fp;          /* --link-manifest's, or NULL */
} audit_options;

/* Audits the parsed report `root` against the roster and the sketch files
 * paths[0..np) (taken over: freed here), printing one line per check and
 * the summary to stdout. Returns the number of problems found. */
size_t audit_run(const jr_node *root, const unika_roster *roster, char **paths, size_t np,
                 const audit_options *o);

#endif
