/*
 * audit.h - what `unika verify` checks, in order (cmd_verify.c prints the
 * usage and reads the files; docs/security.md, "unika verify"):
 *
 *   1. the report's JSON is a unika-report version 2 document whose every
 *      member and stamped parameter is in its domain (report/doc.h), made
 *      under the roster's partnership key by this version of unika;
 *   2. every sketch file is signed, unchanged, by a key the roster lets
 *      sign for the file's organisations, was made under the roster's
 *      partnership key and with the report's recipe;
 *   3. the partners' signed manifests: each lists exactly the files of its
 *      signer and periods that were given, and is the latest one (a file
 *      left out, superseded or replayed is named);
 *   4. the files given open the report's commitment to its inputs, keyed
 *      with the release key (so the report rests on exactly these files);
 *   5. every figure: its filter selects files again, their union (or, for
 *      an overlap, the intersection of two unions) is estimated again, and
 *      the release step is re-applied with the library's
 *      unika_release_apply(), the one `unika report` ran; every published
 *      number must come out the same;
 *   6. the whole JSON is, byte for byte, the one the signed files give with
 *      the report's recorded request and release parameters (so nothing a
 *      reader sees, a title, a label, a note, is unaudited);
 *   7. every rendering given (markdown, CSV, and the board's HTML, xlsx and
 *      Swedish CSV) is, byte for byte, the audited JSON rendered again with
 *      the options its stamp records (report/render.h, report/board.h).
 *
 * The selection and recomputation of step 5 are written here again, from
 * the report format (docs/report.md) and the signed files, rather than
 * calling the report command's code: the audit takes no number from the
 * report. Step 6 then builds the report with that code, as a second,
 * complete comparison.
 */
#ifndef UNIKA_CLI_AUDIT_H
#define UNIKA_CLI_AUDIT_H

#include "cli.h"
#include "common/json.h"

typedef struct audit_options {
    const char *report_path, *roster_path; /* for the log */
    int quiet;                             /* failures and the summary only */
    const unika_key *release_key;          /* NULL without --release-key */
    char *const *renderings;               /* --rendering FILE, in order */
    size_t nrenderings;
    char *const *manifests;                /* the partners' manifests (--manifest, or found) */
    size_t nmanifests;
    int without_manifests;                 /* --without-manifests: completeness unchecked */
    const struct bd_partnership *partnership; /* --partnership: a board rendering's names */
    const uint8_t *resolution_fp;          /* --link-manifest's, or NULL */
    const struct rp_linkest *linkest;      /* --estimates, or NULL */
} audit_options;

/* The report: its parsed JSON and the bytes it was parsed from. */
typedef struct audit_report {
    const unika_json *root;
    const char *bytes;
    size_t n;
} audit_report;

/* Audits the report against the roster and the sketch files paths[0..np)
 * (taken over: freed here), printing one line per check and the summary to
 * stdout. Returns the number of problems found. */
size_t audit_run(const audit_report *rep, const unika_roster *roster, char **paths, size_t np,
                 const audit_options *o);

#endif
