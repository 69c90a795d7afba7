/*
 * board_svg.c - the charts of the HTML report, drawn as inline SVG by unika
 * itself (board.h): no script, no network, no font measured at run time.
 *
 * One chart per table: periods as columns over time, other one-way tables
 * as horizontal bars, a two-way table as grouped columns, overlaps as an
 * UpSet-style chart (bars for each pair over a matrix of dots: clearer than
 * a Venn diagram for four sets). Every bar carries its 95% interval as a
 * whisker and, when the figure has one, its linkage range as a pale band
 * behind it. A withheld figure is drawn as a hatched stub with its `<5` or
 * `..`: its value is not in the document, so no length can reveal it.
 * Sizes are fixed and text widths estimated from character counts, so the
 * same document gives the same bytes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/board.h"

#define W 720              /* every chart's width */
#define CHAR_W 7.0         /* estimated width of a 12px DejaVu Sans character */
#define GREY "#4d4d4d"

/* Okabe-Ito: told apart with every common colour vision deficiency. */
static const char *const palette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                      "#56B4E9", "#D55E00", "#F0E442", "#000000"};

static double text_w(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return (double)n * CHAR_W;
}

static void svg_open(FILE *o, const bd_ctx *c, const bd_table *t, int h)
{
    char *title = bd_table_title(c, t);
    fprintf(o, "<svg class=\"chart\" data-table=\"");
    bd_xml_text(o, t->id);
    fprintf(o, "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
               "viewBox=\"0 0 %d %d\" role=\"img\" font-family=\"DejaVu Sans, sans-serif\" "
               "font-size=\"12\"><title>%s: ", W, h, W, h, bd_msg_text(c->lang, M_CHART_OF));
    bd_xml_text(o, title);
    fputs("</title>\n<defs><pattern id=\"hatch-", o);
    bd_xml_text(o, t->id);
    fputs("\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
          "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fff\"/>"
          "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#999\" stroke-width=\"2\"/>"
          "</pattern></defs>\n",
          o);
    free(title);
}

/* The largest number a chart of these figures must reach. */
static double top_of(const bd_doc *d, const size_t *idx, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++) {
        const bd_fig *f = &d->f[idx[i]];
        if (!f->has_value) continue;
        m = fmax(m, (double)f->value);
        if (f->has_ci) m = fmax(m, f->ci_high);
        if (f->has_link) m = fmax(m, f->link_high);
        if (f->has_det) m = fmax(m, f->deterministic);
    }
    return m;
}

/* A round step (1, 2 or 5 times a power of ten) giving about five ticks. */
static double nice_step(double top)
{
    double raw = top / 5, p = pow(10, floor(log10(raw > 0 ? raw : 1)));
    double s = raw / p;
    return (s <= 1 ? 1 : s <= 2 ? 2 : s <= 5 ? 5 : 10) * p;
}

static double axis_max(double top)
{
    if (top <= 0) top = 1;
    double step = nice_step(top);
    return ceil(top / step) * step;
}

/* Gridlines and numbers: vertical axis (horizontal == 0) or horizontal. */
static void axis(FILE *o, const bd_ctx *c, double max, int horizontal, double x0, double y0,
                 double len, double span)
{
    double step = nice_step(max);
    for (double v = 0; v <= max + step / 2; v += step) {
        char num[64];
        bd_fmt_int(num, sizeof num, c->lang, llround(v), 1);
        double at = len * v / max;
        if (horizontal)
            fprintf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                       "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"" GREY "\">%s</text>\n",
                    x0 + at, y0, x0 + at, y0 + span, x0 + at, y0 + span + 14, num);
        else
            fprintf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                       "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"" GREY "\">%s</text>\n",
                    x0, y0 - at, x0 + span, y0 - at, x0 - 6, y0 - at + 4, num);
    }
}

/* The tooltip of a figure: "name: 2 927 (95 % intervall 2 881–2 974)". */
static void fig_title(FILE *o, const bd_ctx *c, const bd_fig *f, const char *name)
{
    char v[64], iv[128];
    bd_fmt_figure(v, sizeof v, c, f);
    fputs("<title>", o);
    bd_xml_text(o, name);
    fprintf(o, ": %s", v);
    if (f->has_ci) {
        bd_fmt_interval(iv, sizeof iv, c->lang, f->ci_low, f->ci_high);
        fprintf(o, " (%s %s)", bd_msg_text(c->lang, M_INTERVAL), iv);
    } else if (!f->suppressed) {
        fprintf(o, " (%s)", bd_msg_text(c->lang, M_EXACT));
    }
    if (f->has_link) {
        bd_fmt_interval(iv, sizeof iv, c->lang, f->link_low, f->link_high);
        fprintf(o, c->lang == BD_SV ? "; länkning %s" : "; linkage %s", iv);
    }
    fputs("</title>", o);
}

/* One bar. Along the value axis a figure spans [base, base -/+ len*v/max];
 * `vertical` bars grow upwards from y = base, others rightwards from x = base. */
typedef struct bar {
    int vertical;
    double base, len, max;  /* value axis */
    double at, thick;       /* the other axis: start and thickness */
    const char *color;
    const char *hatch;      /* the table id, for the pattern */
} bar;

static void rect(FILE *o, const bar *b, double v0, double v1, double a0, double th,
                 const char *attrs)
{
    double p0 = b->len * v0 / b->max, p1 = b->len * v1 / b->max;
    if (b->vertical)
        fprintf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" %s/>", a0,
                b->base - p1, th, p1 - p0, attrs);
    else
        fprintf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" %s/>", b->base + p0,
                a0, p1 - p0, th, attrs);
}

static void whisker(FILE *o, const bar *b, double lo, double hi)
{
    double p0 = b->len * lo / b->max, p1 = b->len * hi / b->max, mid = b->at + b->thick / 2;
    double cap = fmin(b->thick / 2, 5);
    if (b->vertical)
        fprintf(o, "<path class=\"ci\" d=\"M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f %.1fH%.1f\" "
                   "stroke=\"#000\" fill=\"none\"/>",
                mid, b->base - p0, b->base - p1, mid - cap, b->base - p0, mid + cap, mid - cap,
                b->base - p1, mid + cap);
    else
        fprintf(o, "<path class=\"ci\" d=\"M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f\" "
                   "stroke=\"#000\" fill=\"none\"/>",
                b->base + p0, mid, b->base + p1, b->base + p0, mid - cap, mid + cap, b->base + p1,
                mid - cap, mid + cap);
}

static void draw_bar(FILE *o, const bd_ctx *c, const bar *b, size_t fi, const char *name)
{
    const bd_fig *f = &c->d->f[fi];
    fputs("<g class=\"", o);
    fputs(f->suppressed || !f->has_value ? "figure suppressed" : "figure", o);
    fputs("\" data-figure=\"", o);
    bd_xml_text(o, f->id);
    fputs("\">", o);
    fig_title(o, c, f, name);
    if (f->suppressed || !f->has_value) {
        /* a stub of fixed size: the figure is withheld, its size unknown here */
        char *fill = cli_xprintf("class=\"stub\" fill=\"url(#hatch-%s)\" stroke=\"#999\"", b->hatch);
        bar stub = *b;
        stub.max = stub.len;
        rect(o, &stub, 0, 14, b->at, b->thick, fill);
        free(fill);
        double tx = b->vertical ? b->at + b->thick / 2 : b->base + 18;
        double ty = b->vertical ? b->base - 18 : b->at + b->thick / 2 + 4;
        fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"" GREY "\">", tx, ty,
                b->vertical ? "middle" : "start");
        bd_xml_text(o, f->shown);
        fputs("</text></g>\n", o);
        return;
    }
    if (f->has_link)
        rect(o, b, f->link_low, f->link_high, b->at - 2, b->thick + 4,
             "class=\"linkage\" fill=\"#f2d6a2\" fill-opacity=\"0.8\"");
    char *fill = cli_xprintf("class=\"bar\" fill=\"%s\"", b->color);
    rect(o, b, 0, (double)f->value, b->at + (f->has_link ? 2 : 0),
         b->thick - (f->has_link ? 4 : 0), fill);
    free(fill);
    if (f->has_ci) whisker(o, b, f->ci_low, f->ci_high);
    if (!b->vertical) {
        /* the number beside a horizontal bar, past its whisker */
        char v[64];
        double end = fmax((double)f->value, f->has_ci ? f->ci_high : 0);
        end = fmax(end, fmax(f->has_link ? f->link_high : 0, f->has_det ? f->deterministic : 0));
        bd_fmt_int(v, sizeof v, c->lang, f->value, 1);
        fprintf(o, "<text class=\"value\" x=\"%.1f\" y=\"%.1f\" fill=\"" GREY "\">%s</text>",
                b->base + b->len * end / b->max + 6, b->at + b->thick / 2 + 4, v);
    }
    if (f->has_det) {
        double p = b->len * f->deterministic / b->max, mid = b->at + b->thick / 2;
        if (b->vertical)
            fprintf(o, "<circle class=\"deterministic\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
                       "fill=\"#fff\" stroke=\"#000\"/>", mid, b->base - p);
        else
            fprintf(o, "<circle class=\"deterministic\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
                       "fill=\"#fff\" stroke=\"#000\"/>", b->base + p, mid);
    }
    fputs("</g>\n", o);
}

/* Horizontal bars, one per row (one-way tables, the total). */
static void chart_hbars(FILE *o, const bd_ctx *c, const bd_table *t)
{
    size_t n = t->cell ? t->nr : 0, total = t->total != BD_NONE;
    size_t *idx = cli_xcalloc(n + 1, sizeof *idx);
    char **names = cli_xcalloc(n + 1, sizeof *names);
    double lw = 0;
    for (size_t i = 0; i < n; i++) {
        idx[i] = t->cell[i];
        names[i] = bd_value_name(c, t->rows_label, t->rows[i], 0);
        lw = fmax(lw, text_w(names[i]));
    }
    if (total) idx[n] = t->total, names[n] = cli_xstrdup(bd_msg_text(c->lang, M_TOTAL));
    size_t m = n + total;
    if (total) lw = fmax(lw, text_w(names[n]));
    lw += 12;
    int h = (int)((double)m * 26 + 40);
    svg_open(o, c, t, h);
    double max = axis_max(top_of(c->d, idx, m)), x0 = lw, len = W - x0 - 70;
    axis(o, c, max, 1, x0, 10, len, (double)m * 26.0);
    for (size_t i = 0; i < m; i++) {
        bar b = {0, x0, len, max, 14 + 26.0 * (double)i, 18, i == n ? GREY : palette[0], t->id};
        fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", x0 - 6, b.at + 13);
        bd_xml_text(o, names[i]);
        fputs("</text>", o);
        draw_bar(o, c, &b, idx[i], names[i]);
        free(names[i]);
    }
    fputs("</svg>\n", o);
    free(names);
    free(idx);
}

/* Labels under columns: level, or at 45 degrees when they would collide. */
static void col_label(FILE *o, double x, double y, const char *s, int slanted)
{
    if (slanted)
        fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
                   "transform=\"rotate(-45 %.1f %.1f)\">", x, y, x, y);
    else
        fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", x, y);
    bd_xml_text(o, s);
    fputs("</text>\n", o);
}

static void legend(FILE *o, const bd_ctx *c, const bd_table *t, double y)
{
    double x = 60;
    for (size_t j = 0; j < t->nc; j++) {
        char *name = bd_value_name(c, t->cols_label, t->cols[j], 0);
        fprintf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                   "<text x=\"%.1f\" y=\"%.1f\">", x, y, palette[j % 8], x + 16, y + 10);
        bd_xml_text(o, name);
        fputs("</text>\n", o);
        x += text_w(name) + 36;
        free(name);
    }
}

/* Columns over the rows (periods; with cols: grouped, one colour per column). */
static void chart_columns(FILE *o, const bd_ctx *c, const bd_table *t)
{
    size_t ns = t->cols_label ? t->nc : 1, n = t->nr * ns;
    double slot = (W - 70.0) / (double)(t->nr ? t->nr : 1), lmax = 0;
    char **names = cli_xcalloc(t->nr ? t->nr : 1, sizeof *names);
    for (size_t i = 0; i < t->nr; i++) {
        names[i] = bd_value_name(c, t->rows_label, t->rows[i], 0);
        lmax = fmax(lmax, text_w(names[i]));
    }
    int slanted = lmax + 6 > slot;
    double below = slanted ? lmax * 0.72 + 20 : 24, plot = 220;
    int h = (int)(plot + below + 20 + (ns > 1 ? 24 : 0));
    svg_open(o, c, t, h);
    double max = axis_max(top_of(c->d, t->cell, n)), x0 = 60, y0 = 10 + plot;
    axis(o, c, max, 0, x0, y0, plot, W - x0 - 10);
    double th = (slot * 0.8) / (double)ns;
    for (size_t i = 0; i < t->nr; i++) {
        double sx = x0 + slot * (double)i + slot * 0.1;
        for (size_t j = 0; j < ns; j++) {
            bar b = {1, y0, plot, max, sx + th * (double)j, th, palette[j % 8], t->id};
            char *nm = ns > 1 ? bd_value_name(c, t->cols_label, t->cols[j], 0) : NULL;
            char *full = nm ? cli_xprintf("%s, %s", names[i], nm) : cli_xstrdup(names[i]);
            draw_bar(o, c, &b, t->cell[i * ns + j], full);
            free(full);
            free(nm);
        }
        col_label(o, sx + slot * 0.4, y0 + 16, names[i], slanted);
        free(names[i]);
    }
    if (ns > 1) legend(o, c, t, (double)h - 20);
    fputs("</svg>\n", o);
    free(names);
}

/* The one-way table of the overlap's label (the set sizes), or NULL. */
static const bd_table *set_sizes(const bd_doc *d, const char *label)
{
    for (size_t i = 0; i < d->nt; i++)
        if (!strcmp(d->t[i].kind, "one-way") && !strcmp(d->t[i].rows_label, label)) return &d->t[i];
    return NULL;
}

static size_t value_index(const bd_table *t, const char *v)
{
    for (size_t i = 0; v && i < t->nr; i++)
        if (!strcmp(t->rows[i], v)) return i;
    return BD_NONE;
}

/* Set sizes as bars in the left panel (x 10 to lw), when the report has them. */
static void upset_sets(FILE *o, const bd_ctx *c, const bd_table *t, double y0, double lw)
{
    const bd_table *s = set_sizes(c->d, t->rows_label);
    if (!s) return;
    size_t *idx = cli_xcalloc(t->nr + 1, sizeof *idx), m = 0;
    for (size_t i = 0; i < t->nr; i++) {
        size_t k = value_index(s, t->rows[i]);
        if (k != BD_NONE) idx[m++] = s->cell[k];
    }
    double max = axis_max(top_of(c->d, idx, m));
    for (size_t i = 0; i < t->nr; i++) {
        size_t k = value_index(s, t->rows[i]);
        if (k == BD_NONE) continue;
        char *nm = bd_value_name(c, t->rows_label, t->rows[i], 0);
        bar b = {0, 10, lw - 80, max, y0 + 24.0 * (double)i + 4, 16, "#999", t->id};
        draw_bar(o, c, &b, s->cell[k], nm);
        free(nm);
    }
    free(idx);
}

/* UpSet: a column per pair, its dots below joined by a line. */
static void chart_upset(FILE *o, const bd_ctx *c, const bd_table *t)
{
    double plot = 180, lw = 230, rowh = 24;
    int h = (int)(plot + 30 + rowh * (double)t->nr + 20);
    svg_open(o, c, t, h);
    double max = axis_max(top_of(c->d, t->pairs, t->np)), x0 = lw + 170, y0 = 10 + plot;
    double slot = (W - x0 - 10) / (double)(t->np ? t->np : 1), my = y0 + 20;
    axis(o, c, max, 0, x0, y0, plot, W - x0 - 10);
    for (size_t i = 0; i < t->nr; i++) {
        char *nm = bd_value_name(c, t->rows_label, t->rows[i], 0);
        fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", x0 - 8, my + rowh * (double)i + 16);
        bd_xml_text(o, nm);
        fputs("</text>\n", o);
        free(nm);
    }
    upset_sets(o, c, t, my, lw);
    for (size_t k = 0; k < t->np; k++) {
        const bd_fig *f = &c->d->f[t->pairs[k]];
        double sx = x0 + slot * (double)k + slot * 0.2, mid = sx + slot * 0.3;
        size_t a = value_index(t, f->oa), b2 = value_index(t, f->ob);
        char *na = bd_value_name(c, t->rows_label, f->oa ? f->oa : "", 0);
        char *nb = bd_value_name(c, t->rows_label, f->ob ? f->ob : "", 0);
        char *name = cli_xprintf("%s & %s", na, nb);
        bar b = {1, y0, plot, max, sx, slot * 0.6, palette[0], t->id};
        draw_bar(o, c, &b, t->pairs[k], name);
        for (size_t i = 0; i < t->nr; i++)
            fprintf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"%s\"/>", mid,
                    my + rowh * (double)i + 12, i == a || i == b2 ? "#222" : "#ddd");
        if (a != BD_NONE && b2 != BD_NONE)
            fprintf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\" "
                       "stroke-width=\"2\"/>\n", mid, my + rowh * (double)a + 12, mid,
                    my + rowh * (double)b2 + 12);
        free(na), free(nb), free(name);
    }
    fputs("</svg>\n", o);
}

void bd_svg_table(FILE *o, const bd_ctx *c, const bd_table *t)
{
    if (!strcmp(t->kind, "overlap")) chart_upset(o, c, t);
    else if (!strcmp(t->kind, "two-way") || (t->rows_label && !strcmp(t->rows_label, "period")))
        chart_columns(o, c, t);
    else chart_hbars(o, c, t);
}
