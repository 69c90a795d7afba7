/*
 * render_xlsx.c - the report as an Excel workbook (docs/report.md, "The
 * board's formats"), written with Debian's libxlsxwriter, from the report's
 * JSON only (board.h).
 *
 * One sheet per table, then a sheet with the release parameters and the
 * stamp. Numbers are numeric cells (format `#,##0`, which Excel shows with
 * the reader's own thousands separator); a withheld figure is the text
 * `<5` or `..` with a note on the cell and in the note column; intervals,
 * linkage ranges and deterministic counts have their own columns. The
 * header row and the first column are frozen and every column is as wide
 * as its longest text.
 *
 * Byte for byte the same for the same document: the document properties
 * carry a fixed creation time (1980-01-01, the zip format's epoch, which
 * libxlsxwriter also gives every member), no user or clock, and the stamp
 * is the zip archive's comment, where `unika verify` finds it without
 * unpacking. Built only when CMake finds libxlsxwriter (UNIKA_HAVE_XLSXWRITER).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/board.h"

#ifdef UNIKA_HAVE_XLSXWRITER
#include <xlsxwriter.h>

#define FIXED_CREATED ((time_t)315532800) /* 1980-01-01T00:00:00Z */
#define MAXCOLS 64

typedef struct sheet {
    lxw_worksheet *ws;
    double width[MAXCOLS];
} sheet;

typedef struct book {
    const bd_ctx *c;
    lxw_workbook *wb;
    lxw_format *bold, *num, *text, *wrap;
    char **names;
    size_t nnames;
} book;

static double chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return (double)n;
}

static void fit(sheet *s, lxw_col_t col, double w)
{
    if (col < MAXCOLS && w + 2 > s->width[col]) s->width[col] = w + 2;
}

static void put_text(sheet *s, lxw_row_t r, lxw_col_t col, const char *v, lxw_format *f)
{
    worksheet_write_string(s->ws, r, col, v, f);
    fit(s, col, chars(v));
}

static void put_num(book *b, sheet *s, lxw_row_t r, lxw_col_t col, double v)
{
    char txt[64];
    worksheet_write_number(s->ws, r, col, v, b->num);
    bd_fmt_int(txt, sizeof txt, BD_EN, (long long)v, 1);
    fit(s, col, chars(txt));
}

/* A figure's value cell: a number, or its `<5` / `..` with a note. */
static void put_value(book *b, sheet *s, lxw_row_t r, lxw_col_t col, const bd_fig *f)
{
    if (f->has_value) {
        put_num(b, s, r, col, (double)f->value);
        return;
    }
    put_text(s, r, col, f->shown, b->text);
    const char *why = bd_msg_text(b->c->lang, strcmp(f->state, "primary") ? M_SUPP_SECONDARY : M_SUPP_PRIMARY);
    lxw_comment_options opt = {.author = "unika", .width = 260, .height = 50};
    worksheet_write_comment_opt(s->ws, r, col, (char *)why, &opt);
}

/* Value, interval, exact and note (and linkage) from column `col` on. */
static void put_detail(book *b, sheet *s, lxw_row_t r, lxw_col_t col, size_t fi, int linkage)
{
    const bd_fig *f = &b->c->d->f[fi];
    int sv = b->c->lang == BD_SV;
    put_value(b, s, r, col, f);
    if (f->has_ci) put_num(b, s, r, col + 1, f->ci_low), put_num(b, s, r, col + 2, f->ci_high);
    if (!f->suppressed) put_text(s, r, col + 3, f->exact ? (sv ? "ja" : "yes") : (sv ? "nej" : "no"), NULL);
    else put_text(s, r, col + 4, bd_msg_text(b->c->lang, strcmp(f->state, "primary") ? M_SUPP_SECONDARY : M_SUPP_PRIMARY), NULL);
    if (!linkage) return;
    if (f->has_link) put_num(b, s, r, col + 5, f->link_low), put_num(b, s, r, col + 6, f->link_high);
    if (f->has_det) put_num(b, s, r, col + 7, f->deterministic);
}

static void head_detail(book *b, sheet *s, lxw_col_t col, int linkage)
{
    bd_lang l = b->c->lang;
    const bd_msg m[] = {M_UNIQUE, M_LOW, M_HIGH, M_EXACT, M_NOTE, M_LINK_LOW, M_LINK_HIGH, M_DETERMINISTIC};
    for (size_t i = 0; i < (linkage ? 8u : 5u); i++) {
        const char *t = bd_msg_text(l, m[i]);
        char cap[64];
        snprintf(cap, sizeof cap, "%s", t);
        if (m[i] == M_EXACT) snprintf(cap, sizeof cap, "%s", l == BD_SV ? "Exakt" : "Exact");
        put_text(s, 0, (lxw_col_t)(col + i), cap, b->bold);
    }
}

/* A sheet name: at most 31 characters (Excel's limit), none of []:*?/\, unique. */
static char *sheet_name(book *b, const char *title)
{
    char base[128];
    size_t o = 0, n = 0;
    for (const char *p = title; *p && o + 4 < sizeof base; p++) {
        if (((unsigned char)*p & 0xC0) != 0x80 && ++n > 31) break;
        base[o++] = strchr("[]:*?/\\", *p) ? '-' : *p;
    }
    base[o] = '\0';
    char *name = cli_xstrdup(base);
    for (int k = 2; ; k++) {
        int clash = 0;
        for (size_t i = 0; i < b->nnames && !clash; i++) clash = !strcmp(b->names[i], name);
        if (!clash) break;
        free(name);
        name = cli_xprintf("%s %d", base, k);
    }
    b->names = cli_xrealloc(b->names, (b->nnames + 1) * sizeof *b->names);
    b->names[b->nnames++] = name;
    return name;
}

static void finish(sheet *s, lxw_col_t ncols)
{
    for (lxw_col_t j = 0; j < ncols && j < MAXCOLS; j++)
        worksheet_set_column(s->ws, j, j, s->width[j] < 8 ? 8 : s->width[j], NULL);
    worksheet_freeze_panes(s->ws, 1, 1);
}

static void sheet_oneway(book *b, sheet *s, const bd_table *t, int linkage)
{
    const bd_ctx *c = b->c;
    char *lab = t->rows_label ? bd_label_header(c, t->rows_label, t->grain) : cli_xstrdup("");
    put_text(s, 0, 0, lab, b->bold);
    free(lab);
    head_detail(b, s, 1, linkage);
    lxw_row_t r = 1;
    for (size_t i = 0; t->cell && i < t->nr; i++, r++) {
        char *nm = bd_value_name(c, t->rows_label, t->rows[i], 0);
        put_text(s, r, 0, nm, NULL);
        put_detail(b, s, r, 1, t->cell[i], linkage);
        free(nm);
    }
    if (t->total != BD_NONE) {
        put_text(s, r, 0, bd_msg_text(c->lang, t->cell ? M_TOTAL : M_WHOLE), b->bold);
        put_detail(b, s, r, 1, t->total, linkage);
    }
    finish(s, linkage ? 9 : 6);
}

static void sheet_overlap(book *b, sheet *s, const bd_table *t, int linkage)
{
    const bd_ctx *c = b->c;
    char *lab = bd_label_header(c, t->rows_label, t->grain);
    put_text(s, 0, 0, lab, b->bold);
    put_text(s, 0, 1, lab, b->bold);
    free(lab);
    head_detail(b, s, 2, linkage);
    put_text(s, 0, 2, bd_msg_text(c->lang, M_BOTH), b->bold);
    for (size_t k = 0; k < t->np; k++) {
        const bd_fig *f = &c->d->f[t->pairs[k]];
        char *na = bd_value_name(c, t->rows_label, f->oa ? f->oa : "", 0);
        char *nb = bd_value_name(c, t->rows_label, f->ob ? f->ob : "", 0);
        put_text(s, (lxw_row_t)(k + 1), 0, na, NULL);
        put_text(s, (lxw_row_t)(k + 1), 1, nb, NULL);
        put_detail(b, s, (lxw_row_t)(k + 1), 2, t->pairs[k], linkage);
        free(na), free(nb);
    }
    finish(s, linkage ? 10 : 7);
}

/* Two-way: per column (and the total) its value and interval, side by side. */
static void sheet_twoway(book *b, sheet *s, const bd_table *t)
{
    const bd_ctx *c = b->c;
    char *lab = bd_label_header(c, t->rows_label, t->grain);
    put_text(s, 0, 0, lab, b->bold);
    free(lab);
    for (size_t j = 0; j <= t->nc; j++) {
        char *nm = j < t->nc ? bd_value_name(c, t->cols_label, t->cols[j], 0)
                             : cli_xstrdup(bd_msg_text(c->lang, M_TOTAL));
        char *lo = cli_xprintf("%s, %s", nm, bd_msg_text(c->lang, M_LOW));
        char *hi = cli_xprintf("%s, %s", nm, bd_msg_text(c->lang, M_HIGH));
        put_text(s, 0, (lxw_col_t)(1 + 3 * j), nm, b->bold);
        put_text(s, 0, (lxw_col_t)(2 + 3 * j), lo, b->bold);
        put_text(s, 0, (lxw_col_t)(3 + 3 * j), hi, b->bold);
        free(nm), free(lo), free(hi);
    }
    for (size_t i = 0; i <= t->nr; i++) {
        int tot = i == t->nr;
        char *nm = tot ? cli_xstrdup(bd_msg_text(c->lang, M_TOTAL)) : bd_value_name(c, t->rows_label, t->rows[i], 0);
        put_text(s, (lxw_row_t)(i + 1), 0, nm, tot ? b->bold : NULL);
        free(nm);
        for (size_t j = 0; j <= t->nc; j++) {
            size_t fi = tot ? (j < t->nc ? t->ctot[j] : t->total) : (j < t->nc ? t->cell[i * t->nc + j] : t->rtot[i]);
            if (fi == BD_NONE) continue;
            const bd_fig *f = &c->d->f[fi];
            put_value(b, s, (lxw_row_t)(i + 1), (lxw_col_t)(1 + 3 * j), f);
            if (f->has_ci) {
                put_num(b, s, (lxw_row_t)(i + 1), (lxw_col_t)(2 + 3 * j), f->ci_low);
                put_num(b, s, (lxw_row_t)(i + 1), (lxw_col_t)(3 + 3 * j), f->ci_high);
            }
        }
    }
    finish(s, (lxw_col_t)(1 + 3 * (t->nc + 1)));
}

static void release_row(book *b, sheet *s, lxw_row_t *r, const char *k, const char *v)
{
    put_text(s, *r, 0, k, b->bold);
    put_text(s, *r, 1, v ? v : "", NULL);
    (*r)++;
}

static void sheet_release(book *b)
{
    const bd_ctx *c = b->c;
    int sv = c->lang == BD_SV;
    sheet s;
    memset(&s, 0, sizeof s);
    s.ws = workbook_add_worksheet(b->wb, sheet_name(b, sv ? "Utgivning" : "Release"));
    lxw_row_t r = 0;
    release_row(b, &s, &r, bd_msg_text(c->lang, M_PARAMETER), bd_msg_text(c->lang, M_VALUE));
    if (c->p && c->p->name) release_row(b, &s, &r, sv ? "Partnerskap" : "Partnership", c->p->name);
    char th[64];
    snprintf(th, sizeof th, "%lld", c->d->threshold);
    release_row(b, &s, &r, sv ? "<N: färre än N personer, visas inte; N =" : "<N: fewer than N people, not shown; N =", th);
    release_row(b, &s, &r, "..", bd_msg_text(c->lang, M_SUPP_SECONDARY));
    release_row(b, &s, &r, sv ? "Rapportens JSON (BLAKE2b-256)" : "Report JSON (BLAKE2b-256)", c->d->source);
    release_row(b, &s, &r, sv ? "Recept" : "Recipe", c->d->recipe);
    release_row(b, &s, &r, sv ? "Nyckelns fingeravtryck" : "Key fingerprint", c->d->key_fp);
    release_row(b, &s, &r, sv ? "Receptets fingeravtryck" : "Recipe fingerprint", c->d->recipe_fp);
    for (size_t i = 0; i < c->d->release->n; i++) {
        const char *v = bd_scalar_text(c->d->release->items[i]);
        char *k = cli_xprintf("release.%s", c->d->release->keys[i]);
        if (v) release_row(b, &s, &r, k, v);
        free(k);
    }
    release_row(b, &s, &r, sv ? "Stämpel" : "Stamp", c->stamp);
    if (s.width[1] > 100) s.width[1] = 100;
    finish(&s, 2);
}

static void build(book *b)
{
    const bd_ctx *c = b->c;
    int linkage = bd_doc_has_linkage(c->d);
    b->bold = workbook_add_format(b->wb);
    format_set_bold(b->bold);
    b->num = workbook_add_format(b->wb);
    format_set_num_format(b->num, "#,##0");
    b->text = workbook_add_format(b->wb);
    format_set_align(b->text, LXW_ALIGN_RIGHT);
    for (size_t i = 0; i < c->d->nt; i++) {
        const bd_table *t = &c->d->t[i];
        char *title = bd_table_title(c, t);
        sheet s;
        memset(&s, 0, sizeof s);
        s.ws = workbook_add_worksheet(b->wb, sheet_name(b, title));
        free(title);
        if (!strcmp(t->kind, "overlap")) sheet_overlap(b, &s, t, linkage);
        else if (!strcmp(t->kind, "two-way")) sheet_twoway(b, &s, t);
        else sheet_oneway(b, &s, t, linkage);
    }
    sheet_release(b);
}

/* Appends the stamp as the zip archive's comment (its last 22 bytes are
 * the end-of-central-directory record, whose comment length is 0). */
static int add_comment(char **bytes, size_t *n, const char *stamp)
{
    size_t sl = strlen(stamp);
    if (*n < 22 || memcmp(*bytes + *n - 22, "PK\x05\x06", 4) || (*bytes)[*n - 1] || (*bytes)[*n - 2] ||
        sl > 0xffff)
        return -1;
    *bytes = cli_xrealloc(*bytes, *n + sl);
    (*bytes)[*n - 2] = (char)(sl & 0xff);
    (*bytes)[*n - 1] = (char)(sl >> 8);
    memcpy(*bytes + *n, stamp, sl);
    *n += sl;
    return 0;
}

static int write_book(const bd_ctx *c, const char *path, unika_error *err)
{
    book b = {c, NULL, NULL, NULL, NULL, NULL, NULL, 0};
    b.wb = workbook_new(path);
    if (!b.wb) return cli_set_error(err, UNIKA_EIO, "", "libxlsxwriter could not start a workbook");
    char *title = cli_xprintf("%s \xE2\x80\x93 %s", c->p && c->p->name ? c->p->name : "unika",
                              bd_msg_text(c->lang, M_TITLE));
    lxw_doc_properties props = {.title = title, .author = "unika", .comments = (char *)c->stamp,
                                .created = FIXED_CREATED};
    workbook_set_properties(b.wb, &props);
    build(&b);
    lxw_error e = workbook_close(b.wb);
    free(title);
    for (size_t i = 0; i < b.nnames; i++) free(b.names[i]);
    free(b.names);
    if (e != LXW_NO_ERROR)
        return cli_set_error(err, UNIKA_EIO, "", "libxlsxwriter: %s", lxw_strerror(e));
    return 0;
}

int bd_write_xlsx(FILE *o, const bd_ctx *c, unika_error *err)
{
    const char *tmp = getenv("TMPDIR");
    char *path = cli_xprintf("%s/unika-xlsx-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        free(path);
        return cli_set_error(err, UNIKA_EIO, "", "cannot create a temporary file for the workbook");
    }
    close(fd);
    int rc = write_book(c, path, err);
    char *bytes = NULL;
    size_t n = 0;
    if (!rc) rc = cli_read_file(&bytes, &n, path, (size_t)1 << 30, err);
    unlink(path);
    free(path);
    if (!rc && add_comment(&bytes, &n, c->stamp) < 0)
        rc = cli_set_error(err, UNIKA_EINTERNAL, "", "libxlsxwriter wrote an unexpected zip ending");
    if (!rc && fwrite(bytes, 1, n, o) != n) rc = cli_set_error(err, UNIKA_EIO, "", "write failed");
    free(bytes);
    return rc;
}

int bd_xlsx_available(void)
{
    return 1;
}

#else /* no libxlsxwriter in this build */

int bd_write_xlsx(FILE *o, const bd_ctx *c, unika_error *err)
{
    (void)o, (void)c;
    return cli_set_error(err, UNIKA_EINVAL, "format",
                         "this unika was built without libxlsxwriter: no xlsx (install "
                         "libxlsxwriter-dev and build again)");
}

int bd_xlsx_available(void)
{
    return 0;
}

#endif
