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
 * function that finds its stamp, and one line in render.c's table. The
 * board's formats (board.h: HTML, xlsx, the Swedish CSV) are entries of the
 * same table, with options "lang=sv|en [partnership=<64 hex>]": the one
 * mechanism by which `report` renders and `verify` re-renders and compares
 * every format. A format whose file cannot carry its stamp (the Swedish CSV,
 * which Excel would read as a row of data) writes a companion file beside
 * it (X.stamp.csv) that carries the stamp and the rendering's digest.
 */
#ifndef UNIKA_CLI_REPORT_RENDER_H
#define UNIKA_CLI_REPORT_RENDER_H

#include <stdio.h>

#include "report/doc.h"

#define RM_STAMP_MAX 512

struct bd_partnership;

/* What a rendering is made from: the document, the stamp's options, and
 * the partnership file the options name (board formats; else NULL). */
typedef struct rm_source {
    const rd_doc *d;
    const char *options;                      /* "" or "KEY=VALUE ..." */
    const struct bd_partnership *partnership; /* may be NULL */
} rm_source;

typedef struct rm_renderer {
    const char *format; /* --format value; format= in the stamp */
    /* Writes the rendering of s; `stamp` is the stamp text to embed. 0, or
     * a UNIKA_E* code with err (options this format does not take, a
     * partnership file the options name but s lacks, no xlsx writer ...). */
    int (*write)(FILE *o, const rm_source *s, const char *stamp, unika_error *err);
    /* Copies the stamp text found in a rendering's bytes into dst: 0, or -1
     * when these bytes carry none in this format's syntax. */
    int (*find_stamp)(const char *bytes, size_t n, char *dst, size_t cap);
    /* A companion file (NULL for most): the suffix that replaces ".csv"
     * ("stamp.csv": X.csv -> X.stamp.csv), and its bytes, written from the
     * rendering's bytes main[0..mn); the stamp is found in the companion. */
    const char *companion_suffix;
    int (*companion)(FILE *o, const rm_source *s, const char *stamp, const char *main, size_t mn,
                     unika_error *err);
} rm_renderer;

/* The renderer of `format` (markdown, csv, html, xlsx, csv-sv), or NULL. */
const rm_renderer *rm_renderer_find(const char *format);
/* All renderers, for verify's search: NULL past the last. */
const rm_renderer *rm_renderer_at(size_t i);

/* Renders s in r's format into a malloc'd buffer (*n bytes), and, for a
 * format with a companion and `comp` not NULL, the companion into *comp
 * (*cn bytes). 0, or a UNIKA_E* code with err. */
int rm_render(char **out, size_t *n, char **comp, size_t *cn, const rm_renderer *r,
              const rm_source *s, unika_error *err);

/* The companion's path of a rendering at `path` (malloc'd), or of the
 * rendering whose companion is at `path` (is_companion 1). */
char *rm_companion_path(const rm_renderer *r, const char *path, int is_companion);

/* A stamp's parts: format and options (dst buffers), source digest (hex).
 * 0, or -1 when the text is not a unika-rendering v1 stamp. */
int rm_stamp_parse(const char *stamp, char *format, size_t fcap, char *options, size_t ocap,
                   char source[RP_DIGEST_HEX_BYTES]);
/* The value of KEY in options "K=V K=V" (copied into dst), or "" (0 / -1). */
int rm_option(const char *options, const char *key, char *dst, size_t cap);

/* For text formats: the stamp of the last line of bytes, between `prefix`
 * and `suffix` (e.g. "<!-- " and " -->"). 0, or -1. */
int rm_text_stamp(const char *bytes, size_t n, const char *prefix, const char *suffix,
                  char *dst, size_t cap);

/* The renderers (render_md.c, render_csv.c; the board's: board_render.c). */
int rm_write_markdown(FILE *o, const rm_source *s, const char *stamp, unika_error *err);
int rm_markdown_stamp(const char *bytes, size_t n, char *dst, size_t cap);
int rm_write_csv(FILE *o, const rm_source *s, const char *stamp, unika_error *err);
int rm_csv_stamp(const char *bytes, size_t n, char *dst, size_t cap);
int bd_write_html_for(FILE *o, const rm_source *s, const char *stamp, unika_error *err);
int bd_html_stamp(const char *bytes, size_t n, char *dst, size_t cap);
int bd_write_xlsx_for(FILE *o, const rm_source *s, const char *stamp, unika_error *err);
int bd_xlsx_stamp(const char *bytes, size_t n, char *dst, size_t cap);
int bd_write_csv_sv_for(FILE *o, const rm_source *s, const char *stamp, unika_error *err);
int bd_write_csv_sv_companion(FILE *o, const rm_source *s, const char *stamp, const char *main,
                              size_t mn, unika_error *err);
int bd_csv_sv_stamp(const char *bytes, size_t n, char *dst, size_t cap);

/* Shared wording: "half-year", "year", "month" for period at a grain, else
 * the label; the rounding rule in words. */
const char *rm_doc_label_title(const char *label, const char *grain);
const char *rm_doc_rounding_text(const char *rounding);

#endif
