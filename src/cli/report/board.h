/*
 * board.h - the board's formats (HTML with charts, xlsx, the Swedish CSV):
 * what they share. docs/report.md, "The board's formats"; the partnership
 * file: docs/partnership.md.
 *
 * The board reads what the auditor checked, so these formats are rendered
 * from the report's JSON and from nothing else: bd_doc_open() reads the
 * document (never a sketch), and every renderer is a function of the
 * document, the language and the partnership file. No clock, no random
 * id, no locale and no environment enters a rendering: the same three
 * inputs give the same bytes, which is how `unika verify` can render a
 * rendering again and compare it byte for byte.
 */
#ifndef UNIKA_CLI_REPORT_BOARD_H
#define UNIKA_CLI_REPORT_BOARD_H

#include <stddef.h>
#include <stdio.h>

#include "common/json.h"
#include "report/doc.h"
#include "report/report.h"

#define BD_NONE ((size_t)-1)

/* ---- the partnership file (partnership.c, docs/partnership.md) ---------------- */

typedef enum bd_lang { BD_SV = 0, BD_EN = 1 } bd_lang;

typedef struct bd_name {
    char *label;   /* as in the report's labels ("raddabarnen", "2017H2") */
    char *display; /* as the board reads it ("Rädda Barnen") */
} bd_name;

typedef struct bd_partnership {
    char *name;                 /* the partnership's name, or NULL */
    int lang;                   /* BD_SV, BD_EN, or -1 when the file sets none */
    bd_name *orgs, *periods;
    size_t norgs, nperiods;
    char digest[RP_DIGEST_HEX_BYTES]; /* BLAKE2b-256 of the file's bytes (the stamp) */
} bd_partnership;

/* Parses a partnership file's bytes; `source` names it in messages. Returns
 * 0, or a UNIKA_E* code with err naming the line and the key (a repeated
 * organisation, an unknown language, a bad version ...). */
int bd_partnership_parse(bd_partnership *p, const char *src, size_t n, const char *source,
                         unika_error *err);
int bd_partnership_load(bd_partnership *p, const char *path, unika_error *err);
void bd_partnership_free(bd_partnership *p);
/* "sv" -> BD_SV, "en" -> BD_EN, else -1. */
int bd_lang_from_name(const char *name);
const char *bd_lang_name(bd_lang lang);

/* ---- the report's JSON, as the board's formats read it (board_doc.c) ----------- */

typedef struct bd_fig {
    const char *id, *shown, *state; /* state: none, primary, secondary */
    int suppressed, exact;
    int has_value;
    long long value;        /* the published number */
    int has_ci;
    double ci_low, ci_high; /* its published 95% interval (not for exact figures) */
    /* Counts under linkage error (docs/linkage.md), when the figure has them. */
    int has_link;
    double link_low, link_high; /* the range between linking every unsure pair and none */
    int has_det;
    double deterministic;       /* the resolution's deterministic count */
    const char *mode;           /* how the figure was counted, in words, or NULL */
    int m_assumed; /* its mode says the partners' agreement was not measured */
    /* overlaps: the two values of the label */
    const char *oa, *ob;
} bd_fig;

typedef struct bd_table {
    const char *id, *kind, *rows_label, *cols_label, *grain;
    const char **rows, **cols;
    size_t nr, nc;
    size_t *cell;         /* nr x nc figure indices (nc = 1 for one-way) */
    size_t *rtot, *ctot;  /* two-way */
    size_t total;         /* figure index or BD_NONE */
    size_t *pairs, np;    /* overlap */
    const char *note;
} bd_table;

typedef struct bd_doc {
    const unika_json *root;   /* the document report/doc.c checked (rd_open) */
    unika_json *own_root;     /* bd_doc_open's own parse, else NULL */
    rd_doc *own_rd;
    const unika_json *release;
    bd_fig *f;
    size_t nf;
    size_t *order;        /* figure indices sorted by id */
    bd_table *t;
    size_t nt;
    const char *recipe, *key_fp, *recipe_fp, *version;
    long long threshold;
    const char *rounding, *noise, *release_id, *manifest;
    int secondary, raw;
    size_t ninputs;
    char source[RP_DIGEST_HEX_BYTES]; /* BLAKE2b-256 of the JSON's bytes */
} bd_doc;

/* Reads a report's JSON (bytes[0..n), schema unika-report) into d: parsed
 * by the strict reader (common/json.h), checked by rd_open (report/doc.h).
 * Returns 0, or the reader's or the check's code with err naming the line
 * or the member. */
int bd_doc_open(bd_doc *d, const char *bytes, size_t n, unika_error *err);
/* The same from a document already checked (the audit's); borrows it. */
int bd_doc_from(bd_doc *d, const rd_doc *checked, unika_error *err);
void bd_doc_close(bd_doc *d);
/* The figure index with this id, or BD_NONE. */
size_t bd_doc_figure(const bd_doc *d, const char *id);
/* 1 when any figure carries a linkage range or a deterministic count. */
int bd_doc_has_linkage(const bd_doc *d);

/* ---- what every board format needs (board_text.c) -------------------------------- */

typedef struct bd_ctx {
    const bd_doc *d;
    const bd_partnership *p; /* may be NULL: labels are shown as they are */
    bd_lang lang;
    const char *stamp;       /* unika-rendering v1 format=... source=... */
} bd_ctx;

/* Checks the partnership file against the document: every organisation and
 * period it names occurs in the report, and every organisation of the
 * report has a display name. 0, or UNIKA_EINVAL with err naming the label. */
int bd_check_partnership(const bd_partnership *p, const bd_doc *d, unika_error *err);

/* A message in the context's language: the Swedish and English texts of
 * every fixed string live in one table in board_text.c. */
typedef enum bd_msg {
    M_TITLE, M_UNIQUE, M_INTERVAL, M_LOW, M_HIGH, M_TOTAL, M_EXACT, M_NOTE,
    M_SUPP_PRIMARY, M_SUPP_SECONDARY, M_WHOLE, M_BOTH, M_ONLY_OTHERS,
    M_LINK_LOW, M_LINK_HIGH, M_DETERMINISTIC, M_MODE, M_PARAMETER, M_VALUE,
    M_READING, M_RELEASE, M_APPENDIX, M_PERSONS, M_CHART_OF, M_SUPPRESSED_WORD,
    M_COUNT
} bd_msg;
const char *bd_msg_text(bd_lang lang, bd_msg m);

/* Display texts (malloc'd): an organisation, a period (short "2017 H2" or
 * long "andra halvåret 2017"), a label's value in general (genders
 * "flickor", "pojkar", "annat"), a label's name ("organisation", "halvår"),
 * a table's title. */
char *bd_org_name(const bd_ctx *c, const char *label);
char *bd_period_name(const bd_ctx *c, const char *label, int longform);
char *bd_value_name(const bd_ctx *c, const char *label_key, const char *value, int longform);
char *bd_label_name(const bd_ctx *c, const char *label_key, const char *grain);
char *bd_table_title(const bd_ctx *c, const bd_table *t);
/* A label's name as a column heading: capitalised ("Halvår", "Kön"). */
char *bd_label_header(const bd_ctx *c, const char *label_key, const char *grain);

/* Numbers as the language writes them: Swedish "2 927" with U+00A0 as the
 * thousands separator (`nbsp` 1) or none (0, for cells a spreadsheet reads
 * as numbers), decimal comma; English "2,927" (or none), decimal point.
 * Integers are written exactly; decimals with `decimals` digits. */
void bd_fmt_int(char *dst, size_t cap, bd_lang lang, long long v, int grouped);
void bd_fmt_dec(char *dst, size_t cap, bd_lang lang, double v, int decimals, int grouped);
/* A figure's published interval "2 881–2 974" (grouped), or "" without one. */
void bd_fmt_interval(char *dst, size_t cap, bd_lang lang, double lo, double hi);
/* The text shown for a figure: its formatted value, or "<5" / "..". */
void bd_fmt_figure(char *dst, size_t cap, const bd_ctx *c, const bd_fig *f);
/* "2017 H2 – 2024 H1": the first and last period of the report (long form
 * with longform), or NULL when no table is by period. malloc'd. */
char *bd_period_span(const bd_ctx *c, int longform);

/* ---- the renderers ------------------------------------------------------------------ */

/* HTML with inline SVG charts (render_html.c, board_svg.c). */
void bd_write_html(FILE *o, const bd_ctx *c);
/* The Swedish CSV dialect (render_csv_sv.c): the table, and its stamp file. */
void bd_write_csv_sv(FILE *o, const bd_ctx *c);
void bd_write_csv_sv_stamp(FILE *o, const bd_ctx *c, const char table_digest[RP_DIGEST_HEX_BYTES]);
/* xlsx (render_xlsx.c): 0, or a UNIKA_E* code with err (no libxlsxwriter in
 * this build: UNIKA_EINVAL naming it). Writes the workbook's bytes to o. */
int bd_write_xlsx(FILE *o, const bd_ctx *c, unika_error *err);
/* 1 when this build can write xlsx. */
int bd_xlsx_available(void);

/* ---- the command's side (board_render.c) ---------------------------------------------- */

typedef struct bd_request {
    const char *format;      /* html, xlsx or csv-sv */
    int lang;                /* BD_SV, BD_EN, or -1: the partnership file's, else Swedish */
    const char *partnership; /* a partnership file, or NULL */
    const char *out_path;    /* NULL: stdout (csv-sv and xlsx need a file) */
    int force;
    const char *json_name;   /* the JSON's name in messages */
} bd_request;

/* 1 for html, xlsx, csv-sv. */
int bd_format_known(const char *format);
/* Reads the partnership file, renders the JSON bytes and writes the result
 * (and a Swedish CSV's stamp file) atomically. Prints errors; returns a
 * CLI_* exit code. */
int bd_render_json(const bd_request *q, const char *json, size_t n);


/* The charts (board_svg.c): one inline <svg> per table, drawn from the
 * document only. */
void bd_svg_table(FILE *o, const bd_ctx *c, const bd_table *t);

/* The HTML page's prose (board_prose.c): how to read the figures and their
 * two kinds of error, the release in a few words, the auditor's appendix. */
void bd_reading_html(FILE *o, const bd_ctx *c, int linkage);
void bd_release_html(FILE *o, const bd_ctx *c);
void bd_appendix_html(FILE *o, const bd_ctx *c);

/* A scalar JSON value as the release parameters are listed ("5", "true",
 * "null", a string as it is); NULL for an array or object. */
const char *bd_scalar_text(const unika_json *v);

/* HTML/XML text with & < > " escaped. */
void bd_xml_text(FILE *o, const char *s);

#endif /* UNIKA_CLI_REPORT_BOARD_H */
