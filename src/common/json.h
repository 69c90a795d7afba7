/*
 * common/json.h - the one JSON reader: strict, bounded, for documents that
 * someone else may have written. Never installed.
 *
 * `unika verify` audits a report that the analyst it audits wrote, and
 * `unika report --from` renders the audited report for the board. If this
 * reader and another (Python, jq, a spreadsheet's importer) could see two
 * different documents in the same bytes, an audit could pass on one and
 * the reader be shown the other. So the reader accepts only text about
 * whose meaning no JSON reader can disagree, and refuses, naming the line
 * and column:
 *   - anything outside RFC 8259 (comments, trailing commas, NaN, single
 *     quotes, leading zeros, a value after the document);
 *   - invalid UTF-8 (RFC 3629, common/utf8.h), a byte order mark, a lone
 *     surrogate escape, and U+0000 in a string (a C reader would cut the
 *     string there, others would not);
 *   - an object with the same key twice (readers keep the first or the
 *     last: RFC 8259 leaves it open);
 *   - a number that does not fit a double (1e400, 1e-400), or a literal
 *     longer than UNIKA_JSON_NUMBER_MAX characters;
 *   - nesting deeper than UNIKA_JSON_DEPTH_MAX, more than
 *     UNIKA_JSON_NODES_MAX values (a bound on memory whatever the text).
 * What a document means (a schema, its version, the domain of each value)
 * is the caller's to check; unika_json_member_check() helps refuse members
 * a schema does not know.
 */
#ifndef UNIKA_COMMON_JSON_H
#define UNIKA_COMMON_JSON_H

#include <stddef.h>

#include "unika/error.h"

#define UNIKA_JSON_DEPTH_MAX 32         /* arrays and objects inside each other */
#define UNIKA_JSON_NODES_MAX (1u << 22) /* values in one document (about 4 million) */
#define UNIKA_JSON_NUMBER_MAX 40        /* characters of one number literal */

typedef enum unika_json_type {
    UNIKA_JSON_NULL,
    UNIKA_JSON_FALSE,
    UNIKA_JSON_TRUE,
    UNIKA_JSON_NUMBER,
    UNIKA_JSON_STRING,
    UNIKA_JSON_ARRAY,
    UNIKA_JSON_OBJECT
} unika_json_type;

typedef struct unika_json {
    unika_json_type type;
    double number;             /* UNIKA_JSON_NUMBER */
    char *text;                /* STRING: decoded UTF-8, no NUL inside; NUMBER: the literal */
    size_t n;                  /* members of an object, elements of an array */
    char **keys;               /* OBJECT: n keys, unique */
    struct unika_json **items; /* ARRAY, OBJECT: n values */
    size_t line, column;       /* where the value starts (1-based), for messages */
} unika_json;

/* Parses src[0..size) (need not be NUL-terminated). On failure *out is NULL
 * and err says what and where: UNIKA_EFORMAT ("JSON line L, column C: ..."
 * with err->line and err->column set), UNIKA_EUTF8, UNIKA_ENOMEM or
 * UNIKA_EINVAL. */
int unika_json_parse(unika_json **out, const char *src, size_t size, unika_error *err);
void unika_json_free(unika_json *node);

/* The member `key` of an object, or NULL (also when obj is not an object). */
const unika_json *unika_json_get(const unika_json *obj, const char *key);
/* The member as a string / a number: NULL, or 0 with *ok = 0, when it is
 * absent or of another type (ok may be NULL). */
const char *unika_json_str(const unika_json *obj, const char *key);
double unika_json_num(const unika_json *obj, const char *key, int *ok);

/* Checks that every member of `obj` is named in known[0..nknown). Returns
 * NULL, or the first unknown key (valid while obj lives). */
const char *unika_json_member_check(const unika_json *obj, const char *const *known,
                                    size_t nknown);

#endif
