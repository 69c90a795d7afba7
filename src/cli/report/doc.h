/*
 * doc.h - a report's JSON (schema unika-report, version 2) as the renderers
 * and the audit read it.
 *
 * Every format a reader sees is rendered from this one document (render.h),
 * and `unika verify` audits it, so it is read one way only: parsed by the
 * strict reader (common/json.h), then checked here member by member, by
 * name: every member known and of its type, every stamped parameter within
 * the domain the release rules accept (a negative threshold, an unknown
 * rounding rule, epsilon without geometric noise, noise without a release
 * key ...), every figure a table names present and named by one table only.
 * What the document says is true (that the figures are the signed files'
 * figures) is the audit's part (audit/audit.h).
 */
#ifndef UNIKA_CLI_REPORT_DOC_H
#define UNIKA_CLI_REPORT_DOC_H

#include "common/json.h"
#include "report/report.h"

#define RD_SCHEMA "unika-report"
#define RD_VERSION 2

typedef struct rd_doc {
    const unika_json *root, *request, *release, *tables, *figures;
    const unika_json **index;          /* the figures sorted by id, for rd_figure() */
    size_t nfig;
    char source[RP_DIGEST_HEX_BYTES];  /* BLAKE2b-256 of the document's bytes */
} rd_doc;

/* Checks `root` (parsed from bytes[0..n)) as above. Returns 0, or
 * UNIKA_EVERSION (another schema version, named), UNIKA_EFORMAT (the first
 * problem, named by its path: "release.threshold: ...") or UNIKA_ENOMEM,
 * with err filled; rd_close() either way. */
int rd_open(rd_doc *d, const unika_json *root, const uint8_t *bytes, size_t n, unika_error *err);
void rd_close(rd_doc *d);

/* The figure with this id, or NULL. */
const unika_json *rd_figure(const rd_doc *d, const char *id);

/* A member known to be present (rd_open checked it): its string, number or
 * truth. */
const char *rd_str(const unika_json *obj, const char *key);
double rd_num(const unika_json *obj, const char *key);
int rd_true(const unika_json *obj, const char *key);
/* 1 when the member is null (or absent). */
int rd_null(const unika_json *obj, const char *key);

#endif
