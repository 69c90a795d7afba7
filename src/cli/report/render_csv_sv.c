/*
 * render_csv_sv.c - the report in the CSV dialect Swedish Excel opens on a
 * double-click (docs/report.md, "The board's formats"): UTF-8 with a byte
 * order mark (else Excel reads the bytes as Windows-1252 and "Rädda"
 * becomes "RÃ¤dda"), `;` between fields (Excel's list separator in a
 * Swedish locale, where `,` is the decimal sign), CRLF line ends, a decimal
 * comma and no thousands separator, so every number lands in its own
 * column as a number. Withheld figures are the text `<5` or `..`. Nothing
 * else is in the file: the release parameters and the stamp, which would
 * be rows of data to Excel, are in a stamp file of the same dialect that
 * also holds this file's BLAKE2b-256. The plain CSV (render_csv.c) stays
 * for programs.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/board.h"

static void field(FILE *o, const char *s)
{
    if (!strpbrk(s, ";\"\r\n")) {
        fputs(s, o);
        return;
    }
    fputc('"', o);
    for (; *s; s++) {
        if (*s == '"') fputc('"', o);
        fputc(*s, o);
    }
    fputc('"', o);
}

/* A number as Swedish Excel reads one: 2927, or 12,5 when not whole. */
static void number(FILE *o, double v)
{
    char b[64];
    if (v == floor(v)) bd_fmt_int(b, sizeof b, BD_SV, (long long)v, 0);
    else bd_fmt_dec(b, sizeof b, BD_SV, v, 1, 0);
    fputs(b, o);
}

static void line(FILE *o, const bd_ctx *c, const char *table, const char *row, const char *col,
                 size_t fi, int linkage)
{
    const bd_fig *f = &c->d->f[fi];
    field(o, table);
    fputc(';', o);
    field(o, row);
    fputc(';', o);
    field(o, col);
    fputc(';', o);
    if (f->has_value) number(o, (double)f->value);
    else field(o, f->shown);
    fputc(';', o);
    if (f->has_ci) number(o, f->ci_low);
    fputc(';', o);
    if (f->has_ci) number(o, f->ci_high);
    fputc(';', o);
    if (!f->suppressed) fputs(f->exact ? (c->lang == BD_SV ? "ja" : "yes") : (c->lang == BD_SV ? "nej" : "no"), o);
    fputc(';', o);
    if (f->suppressed)
        field(o, bd_msg_text(c->lang, strcmp(f->state, "primary") ? M_SUPP_SECONDARY : M_SUPP_PRIMARY));
    if (linkage) {
        fputc(';', o);
        if (f->has_link) number(o, f->link_low);
        fputc(';', o);
        if (f->has_link) number(o, f->link_high);
        fputc(';', o);
        if (f->has_det) number(o, f->deterministic);
    }
    fputs("\r\n", o);
}

static void table_lines(FILE *o, const bd_ctx *c, const bd_table *t, int linkage)
{
    char *title = bd_table_title(c, t);
    const char *tot = bd_msg_text(c->lang, M_TOTAL);
    if (!strcmp(t->kind, "overlap")) {
        for (size_t k = 0; k < t->np; k++) {
            const bd_fig *f = &c->d->f[t->pairs[k]];
            char *a = bd_value_name(c, t->rows_label, f->oa ? f->oa : "", 0);
            char *b = bd_value_name(c, t->rows_label, f->ob ? f->ob : "", 0);
            line(o, c, title, a, b, t->pairs[k], linkage);
            free(a), free(b);
        }
    }
    for (size_t i = 0; t->cell && i < t->nr; i++) {
        char *r = bd_value_name(c, t->rows_label, t->rows[i], 0);
        for (size_t j = 0; j < t->nc; j++) {
            char *k = t->cols_label ? bd_value_name(c, t->cols_label, t->cols[j], 0) : cli_xstrdup("");
            line(o, c, title, r, k, t->cell[i * t->nc + j], linkage);
            free(k);
        }
        if (t->rtot) line(o, c, title, r, tot, t->rtot[i], linkage);
        free(r);
    }
    for (size_t j = 0; t->ctot && j < t->nc; j++) {
        char *k = bd_value_name(c, t->cols_label, t->cols[j], 0);
        line(o, c, title, tot, k, t->ctot[j], linkage);
        free(k);
    }
    if (t->total != BD_NONE)
        line(o, c, title, tot, t->cols_label ? tot : "", t->total, linkage);
    free(title);
}

void bd_write_csv_sv(FILE *o, const bd_ctx *c)
{
    int sv = c->lang == BD_SV, linkage = bd_doc_has_linkage(c->d);
    fputs("\xEF\xBB\xBF", o);
    fprintf(o, "%s;%s;%s;%s;%s;%s;%s;%s", sv ? "Tabell" : "Table", sv ? "Rad" : "Row",
            sv ? "Kolumn" : "Column", bd_msg_text(c->lang, M_UNIQUE),
            bd_msg_text(c->lang, M_LOW), bd_msg_text(c->lang, M_HIGH), sv ? "Exakt" : "Exact",
            bd_msg_text(c->lang, M_NOTE));
    if (linkage)
        fprintf(o, ";%s;%s;%s", bd_msg_text(c->lang, M_LINK_LOW), bd_msg_text(c->lang, M_LINK_HIGH),
                bd_msg_text(c->lang, M_DETERMINISTIC));
    fputs("\r\n", o);
    for (size_t i = 0; i < c->d->nt; i++) table_lines(o, c, &c->d->t[i], linkage);
}

static void pair(FILE *o, const char *k, const char *v)
{
    field(o, k);
    fputc(';', o);
    field(o, v ? v : "");
    fputs("\r\n", o);
}

void bd_write_csv_sv_stamp(FILE *o, const bd_ctx *c, const char table_digest[RP_DIGEST_HEX_BYTES])
{
    int sv = c->lang == BD_SV;
    fputs("\xEF\xBB\xBF", o);
    pair(o, bd_msg_text(c->lang, M_PARAMETER), bd_msg_text(c->lang, M_VALUE));
    if (c->p && c->p->name) pair(o, sv ? "Partnerskap" : "Partnership", c->p->name);
    pair(o, sv ? "Tabellfilens BLAKE2b-256" : "Table file BLAKE2b-256", table_digest);
    pair(o, sv ? "Rapportens JSON (BLAKE2b-256)" : "Report JSON (BLAKE2b-256)", c->d->source);
    pair(o, sv ? "Recept" : "Recipe", c->d->recipe);
    pair(o, sv ? "Nyckelns fingeravtryck" : "Key fingerprint", c->d->key_fp);
    pair(o, sv ? "Receptets fingeravtryck" : "Recipe fingerprint", c->d->recipe_fp);
    for (size_t i = 0; i < c->d->release->n; i++) {
        const char *v = bd_scalar_text(c->d->release->items[i]);
        char *k = cli_xprintf("release.%s", c->d->release->keys[i]);
        if (v) pair(o, k, v);
        free(k);
    }
    pair(o, sv ? "Stämpel" : "Stamp", c->stamp);
}
