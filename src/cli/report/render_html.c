/*
 * render_html.c - the board's report as one self-contained HTML page
 * (docs/report.md, "The board's formats"): no script, no stylesheet or
 * font from elsewhere, charts as inline SVG (board_svg.c), readable as it
 * is and printable to PDF. Rendered from the report's JSON only (board.h);
 * the fingerprints, digests and release parameters an auditor needs are in
 * an appendix after a page break, not on the board's pages. The last line
 * is the rendering's stamp, in an HTML comment.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/board.h"

static const char style[] =
    "body{font-family:'DejaVu Sans',sans-serif;font-size:14px;color:#1a1a1a;max-width:760px;"
    "margin:24px auto;padding:0 16px;line-height:1.45}\n"
    "h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px;"
    "border-bottom:1px solid #ccc}\n"
    ".subtitle{color:#4d4d4d;margin:0 0 18px}\n"
    ".headline{font-size:18px;background:#f3f6f9;padding:10px 14px;border-left:4px solid #0072B2}\n"
    ".headline .v{font-size:30px;font-weight:bold}\n"
    "table{border-collapse:collapse;margin:10px 0;font-size:13px}\n"
    "th,td{padding:3px 8px;border-bottom:1px solid #e3e3e3;text-align:left;vertical-align:top}\n"
    "tbody th{white-space:nowrap}table.wide{font-size:12px}\n"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "tr.total td,tr.total th{font-weight:bold;border-top:1px solid #999}\n"
    ".ci{display:block;color:#666;font-size:11px}\n"
    ".suppressed{color:#666}\n"
    ".note{color:#4d4d4d;font-size:12px}\n"
    "svg.chart{display:block;margin:8px 0;max-width:100%;height:auto}\n"
    ".appendix{page-break-before:always;break-before:page;font-size:12px}\n"
    ".appendix code{font-size:11px;word-break:break-all}\n"
    "section{break-inside:avoid-page}\n"
    "@page{size:A4;margin:16mm}\n";

static const char *msg(const bd_ctx *c, bd_msg m)
{
    return bd_msg_text(c->lang, m);
}

/* A figure's cell: <td class="num" data-figure="ID">2 927</td>, with the
 * interval below it when `ci_inside`. */
static void td_figure(FILE *o, const bd_ctx *c, size_t fi, int ci_inside)
{
    const bd_fig *f = &c->d->f[fi];
    char v[64], iv[128];
    bd_fmt_figure(v, sizeof v, c, f);
    fprintf(o, "<td class=\"num%s\" data-figure=\"", f->suppressed ? " suppressed" : "");
    bd_xml_text(o, f->id);
    fputs("\"><span class=\"v\">", o);
    bd_xml_text(o, v);
    fputs("</span>", o);
    if (ci_inside && f->has_ci) {
        bd_fmt_interval(iv, sizeof iv, c->lang, f->ci_low, f->ci_high);
        fprintf(o, "<span class=\"ci\">%s</span>", iv);
    }
    if (ci_inside && f->has_link) {
        bd_fmt_interval(iv, sizeof iv, c->lang, f->link_low, f->link_high);
        fprintf(o, "<span class=\"ci link\">%s %s</span>", c->lang == BD_SV ? "länkning" : "linkage", iv);
    }
    fputs("</td>", o);
}

/* The interval (and linkage) cells of a one-column table. */
static void td_detail(FILE *o, const bd_ctx *c, size_t fi, int linkage)
{
    const bd_fig *f = &c->d->f[fi];
    char iv[128];
    if (f->has_ci) bd_fmt_interval(iv, sizeof iv, c->lang, f->ci_low, f->ci_high);
    else snprintf(iv, sizeof iv, "%s", f->suppressed ? "\xE2\x80\x93" : msg(c, M_EXACT));
    fprintf(o, "<td class=\"num\">%s</td>", iv);
    if (!linkage) return;
    if (f->has_link) bd_fmt_interval(iv, sizeof iv, c->lang, f->link_low, f->link_high);
    else snprintf(iv, sizeof iv, "\xE2\x80\x93");
    fprintf(o, "<td class=\"num\">%s</td>", iv);
    if (f->has_det) bd_fmt_int(iv, sizeof iv, c->lang, llround(f->deterministic), 1);
    else snprintf(iv, sizeof iv, "\xE2\x80\x93");
    fprintf(o, "<td class=\"num\">%s</td>", iv);
}

static void th_text(FILE *o, const char *cls, const char *s)
{
    fprintf(o, "<th%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
    bd_xml_text(o, s);
    fputs("</th>", o);
}

static void head_detail(FILE *o, const bd_ctx *c, int linkage)
{
    th_text(o, "num", msg(c, M_UNIQUE));
    th_text(o, "num", msg(c, M_INTERVAL));
    if (linkage) {
        th_text(o, "num", c->lang == BD_SV ? "Länkningsintervall" : "Linkage range");
        th_text(o, "num", msg(c, M_DETERMINISTIC));
    }
}

static void table_oneway(FILE *o, const bd_ctx *c, const bd_table *t, int linkage)
{
    fputs("<table><thead><tr>", o);
    char *lab = t->rows_label ? bd_label_header(c, t->rows_label, t->grain) : cli_xstrdup("");
    th_text(o, NULL, lab);
    free(lab);
    head_detail(o, c, linkage);
    fputs("</tr></thead><tbody>\n", o);
    for (size_t i = 0; t->cell && i < t->nr; i++) {
        char *nm = bd_value_name(c, t->rows_label, t->rows[i], 0);
        fputs("<tr>", o);
        th_text(o, NULL, nm);
        td_figure(o, c, t->cell[i], 0);
        td_detail(o, c, t->cell[i], linkage);
        fputs("</tr>\n", o);
        free(nm);
    }
    if (t->total != BD_NONE) {
        fputs("<tr class=\"total\">", o);
        th_text(o, NULL, t->cell ? msg(c, M_TOTAL) : msg(c, M_WHOLE));
        td_figure(o, c, t->total, 0);
        td_detail(o, c, t->total, linkage);
        fputs("</tr>\n", o);
    }
    fputs("</tbody></table>\n", o);
}

static void table_twoway(FILE *o, const bd_ctx *c, const bd_table *t)
{
    fputs("<table class=\"wide\"><thead><tr>", o);
    char *lab = bd_label_header(c, t->rows_label, t->grain);
    th_text(o, NULL, lab);
    free(lab);
    for (size_t j = 0; j < t->nc; j++) {
        char *nm = bd_value_name(c, t->cols_label, t->cols[j], 0);
        th_text(o, "num", nm);
        free(nm);
    }
    th_text(o, "num", msg(c, M_TOTAL));
    fputs("</tr></thead><tbody>\n", o);
    for (size_t i = 0; i <= t->nr; i++) {
        int tot = i == t->nr;
        char *nm = tot ? cli_xstrdup(msg(c, M_TOTAL)) : bd_value_name(c, t->rows_label, t->rows[i], 0);
        fputs(tot ? "<tr class=\"total\">" : "<tr>", o);
        th_text(o, NULL, nm);
        for (size_t j = 0; j < t->nc; j++) td_figure(o, c, tot ? t->ctot[j] : t->cell[i * t->nc + j], 1);
        if (tot && t->total != BD_NONE) td_figure(o, c, t->total, 1);
        else if (!tot) td_figure(o, c, t->rtot[i], 1);
        fputs("</tr>\n", o);
        free(nm);
    }
    fputs("</tbody></table>\n", o);
}

static void table_overlap(FILE *o, const bd_ctx *c, const bd_table *t, int linkage)
{
    char *lab = bd_label_header(c, t->rows_label, t->grain);
    fputs("<table><thead><tr>", o);
    th_text(o, NULL, lab);
    th_text(o, NULL, lab);
    free(lab);
    th_text(o, "num", msg(c, M_BOTH));
    th_text(o, "num", msg(c, M_INTERVAL));
    if (linkage) {
        th_text(o, "num", c->lang == BD_SV ? "Länkningsintervall" : "Linkage range");
        th_text(o, "num", msg(c, M_DETERMINISTIC));
    }
    fputs("</tr></thead><tbody>\n", o);
    for (size_t k = 0; k < t->np; k++) {
        const bd_fig *f = &c->d->f[t->pairs[k]];
        char *a = bd_value_name(c, t->rows_label, f->oa ? f->oa : "", 0);
        char *b = bd_value_name(c, t->rows_label, f->ob ? f->ob : "", 0);
        fputs("<tr>", o);
        th_text(o, NULL, a);
        th_text(o, NULL, b);
        td_figure(o, c, t->pairs[k], 0);
        td_detail(o, c, t->pairs[k], linkage);
        fputs("</tr>\n", o);
        free(a), free(b);
    }
    fputs("</tbody></table>\n", o);
}

/* What `<5` and `..` mean, under a table that shows them. */
static void table_notes(FILE *o, const bd_ctx *c, const bd_table *t)
{
    int prim = 0, sec = 0;
    for (size_t i = 0; i < c->d->nf; i++) {
        const bd_fig *f = &c->d->f[i];
        if (strncmp(f->id, t->id, strlen(t->id)) || (f->id[strlen(t->id)] && f->id[strlen(t->id)] != '/'))
            continue;
        prim |= f->suppressed && !strcmp(f->state, "primary");
        sec |= f->suppressed && strcmp(f->state, "primary");
    }
    int sv = c->lang == BD_SV;
    if (prim)
        fprintf(o, sv ? "<p class=\"note\">&lt;%lld: färre än %lld personer; antalet visas inte, "
                        "inte heller dess intervall.</p>\n"
                      : "<p class=\"note\">&lt;%lld: fewer than %lld people; neither the number "
                        "nor its interval is shown.</p>\n",
                c->d->threshold, c->d->threshold);
    if (sec)
        fputs(sv ? "<p class=\"note\">..: visas inte, eftersom ett värde under tröskeln annars "
                   "kunde räknas fram ur raden, kolumnen eller totalen.</p>\n"
                 : "<p class=\"note\">..: withheld, because a figure below the threshold could "
                   "otherwise be worked out from its row, column or total.</p>\n",
              o);
    if (t->note) {
        fputs("<p class=\"note\">", o);
        bd_xml_text(o, t->note);
        fputs("</p>\n", o);
    }
}

static void section_table(FILE *o, const bd_ctx *c, const bd_table *t, int linkage)
{
    char *title = bd_table_title(c, t);
    fputs("<section class=\"report-table\" id=\"t-", o);
    bd_xml_text(o, t->id);
    fputs("\"><h2>", o);
    bd_xml_text(o, title);
    fputs("</h2>\n", o);
    free(title);
    bd_svg_table(o, c, t);
    if (!strcmp(t->kind, "overlap")) {
        fprintf(o, "<p class=\"note\">%s (%s).</p>\n",
                c->lang == BD_SV ? "Personer som mötts av båda" : "People seen by both",
                msg(c, M_ONLY_OTHERS));
        table_overlap(o, c, t, linkage);
    } else if (!strcmp(t->kind, "two-way")) {
        table_twoway(o, c, t);
    } else {
        table_oneway(o, c, t, linkage);
    }
    table_notes(o, c, t);
    fputs("</section>\n", o);
}

/* The headline: the whole period's figure, in words. */
static void headline(FILE *o, const bd_ctx *c)
{
    size_t fi = bd_doc_figure(c->d, "total");
    if (fi == BD_NONE) return;
    const bd_fig *f = &c->d->f[fi];
    char v[64], iv[128];
    bd_fmt_figure(v, sizeof v, c, f);
    fprintf(o, "<p class=\"headline\" data-figure=\"total\">%s: <span class=\"v\">", msg(c, M_WHOLE));
    bd_xml_text(o, v);
    fprintf(o, "</span> %s", msg(c, M_PERSONS));
    if (f->has_ci) {
        bd_fmt_interval(iv, sizeof iv, c->lang, f->ci_low, f->ci_high);
        fprintf(o, " (%s %s)", msg(c, M_INTERVAL), iv);
    }
    fputs("</p>\n", o);
}

void bd_write_html(FILE *o, const bd_ctx *c)
{
    const char *name = c->p && c->p->name ? c->p->name : msg(c, M_TITLE);
    int linkage = bd_doc_has_linkage(c->d);
    fprintf(o, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
            bd_lang_name(c->lang));
    bd_xml_text(o, name);
    fprintf(o, " \xE2\x80\x93 %s</title>\n<meta name=\"generator\" content=\"unika ", msg(c, M_TITLE));
    bd_xml_text(o, c->d->version ? c->d->version : "");
    fprintf(o, "\">\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>", style);
    bd_xml_text(o, name);
    fputs("</h1>\n<p class=\"subtitle\">", o);
    char *span = bd_period_span(c, 1);
    bd_xml_text(o, msg(c, M_TITLE));
    if (span) fputs(", ", o), bd_xml_text(o, span);
    free(span);
    fputs("</p>\n</header>\n", o);
    headline(o, c);
    bd_reading_html(o, c, linkage);
    for (size_t i = 0; i < c->d->nt; i++) section_table(o, c, &c->d->t[i], linkage);
    bd_release_html(o, c);
    bd_appendix_html(o, c);
    fputs("</body>\n</html>\n<!-- ", o);
    fputs(c->stamp, o);
    fputs(" -->\n", o);
}
