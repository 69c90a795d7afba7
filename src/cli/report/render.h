/*
 * render.h - every format a reader sees, rendered from the one audited JSON.
 *
 * The board reads markdown, a spreadsheet reads CSV (and later HTML, xlsx,
 * a Swedish CSV); the auditor checks the JSON. So no format is made from
 * anything but the JSON document (doc.h): `unika report` writes the JSON
 * and renders the format asked for from those very bytes, `unika report
 * --from REPORT.json` renders an existing one, and `unika verify
 * --rendering FILE` renders the audited JSON again and compares byte for
 * byte. Each rendering carries a stamp in its own comment syntax,
 *
 *   unika-rendering v1 format=NAME [KEY=VALUE ...] source=<64 hex>
 *
 * naming its format, its options (none yet) and the BLAKE2b-256 of the JSON
 * it was rendered from, which is how verify knows how to render it again.
 *
 * A new format is one renderer: a write function over the document and a
 * function that finds its stamp, and one line in render.c's table.
 */
#ifndef UNIKA_CLI_REPORT_RENDER_H
#define UNIKA_CLI_REPORT_RENDER_H

#include <stdio.h>

#include "report/doc.h"

#define RM_STAMP_MAX 512

typedef struct rm_renderer {
    const char *format; /* --format value; format= in the stamp */
    /* Writes the rendering of d; `stamp` is the stamp text to embed. */
    void (*write)(FILE *o, const rd_doc *d, const char *options, const char *stamp);
    /* Copies the stamp text found in a rendering's bytes into dst: 0, or -1
     * when these bytes carry none in this format's syntax. */
    int (*find_stamp)(const char *bytes, size_t n, char *dst, size_t cap);
} rm_renderer;

/* The renderer of `format` (markdown, csv), or NULL. */
const rm_renderer *rm_renderer_find(const char *format);
/* All renderers, for verify's search: NULL past the last. */
const rm_renderer *rm_renderer_at(size_t i);

/* Renders d in r's format into a malloc'd buffer (*n bytes). 0, or CLI_NOMEM. */
int rm_render(char **out, size_t *n, const rm_renderer *r, const rd_doc *d, const char *options);

/* A stamp's parts: format and options (dst buffers), source digest (hex).
 * 0, or -1 when the text is not a unika-rendering v1 stamp. */
int rm_stamp_parse(const char *stamp, char *format, size_t fcap, char *options, size_t ocap,
                   char source[RP_DIGEST_HEX_BYTES]);

/* For text formats: the stamp of the last line of bytes, between `prefix`
 * and `suffix` (e.g. "<!-- " and " -->"). 0, or -1. */
int rm_text_stamp(const char *bytes, size_t n, const char *prefix, const char *suffix,
                  char *dst, size_t cap);

/* The renderers (render_md.c, render_csv.c). */
void rm_write_markdown(FILE *o, const rd_doc *d, const char *options, const char *stamp);
int rm_markdown_stamp(const char *bytes, size_t n, char *dst, size_t cap);
void rm_write_csv(FILE *o, const rd_doc *d, const char *options, const char *stamp);
int rm_csv_stamp(const char *bytes, size_t n, char *dst, size_t cap);

/* Shared wording: "half-year", "year", "month" for period at a grain, else
 * the label; the rounding rule in words. */
const char *rm_doc_label_title(const char *label, const char *grain);
const char *rm_doc_rounding_text(const char *rounding);

#endif
