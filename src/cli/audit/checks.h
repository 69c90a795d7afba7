/*
 * checks.h - what the parts of the audit share (audit.c: the report's
 * header, the files and the commitment; figures.c: every figure recomputed;
 * rebuild.c: the whole JSON and the renderings compared byte for byte;
 * manifests.c: the partners' manifests). Never used outside audit/.
 */
#ifndef UNIKA_CLI_AUDIT_CHECKS_H
#define UNIKA_CLI_AUDIT_CHECKS_H

#include "audit/audit.h"
#include "report/doc.h"
#include "report/report.h"

/* One per file given, 10^5 at a time: no text that can be derived (the
 * digest's hex) or borrowed (the signer's name, the roster's). */
typedef struct vinput {
    char *path;
    uint8_t digest[UNIKA_DIGEST_BYTES]; /* of the bytes read, when `read` */
    unika_sketch *sketch; /* NULL when unreadable */
    const char *signer;   /* the roster's name of the key that signed it, or "" */
    int read;             /* the file's bytes were read (and digested) */
    int trusted;          /* signature, authority, key and recipe all verified */
} vinput;

typedef struct audit {
    vinput *in;
    size_t n;
    int quiet;
    size_t failures;
    const rd_doc *doc;
    uint8_t recipe_fp[UNIKA_FINGERPRINT_BYTES];
    unsigned long min_count;
    const struct bd_partnership *partnership; /* --partnership, for the board's renderings */
    const uint8_t *resolution_fp; /* a report over a linker's cells: its resolution */
    const struct rp_linkest *linkest; /* --estimates: the linker's (report/linkest.h) */
    struct audit_index *index; /* step 5's look-ups by label value (figures.c), or NULL */
} audit;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void audit_ok(const audit *a, const char *fmt, ...);
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void audit_fail(audit *a, const char *fmt, ...);

/* Step 5: every figure; returns how many failed. */
size_t audit_figures(audit *a, const unika_key *release_key);

/* Step 6: the report built again from the trusted files, compared byte for byte. */
void audit_rebuild(audit *a, const audit_report *rep, const unika_key *release_key);

/* Step 7: each rendering (markdown, CSV and the board's formats alike),
 * rendered again from the audited JSON with the partnership file the audit
 * was given (a->partnership) and compared byte for byte. */
void audit_renderings(audit *a, char *const *paths, size_t n);

/* Step 3: the partners' manifests against the files given. */
void audit_manifests(audit *a, const unika_roster *roster, char *const *paths, size_t n);

#endif
