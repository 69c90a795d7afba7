/*
 * board_text.c - the words and numbers of the board's formats (board.h):
 * every fixed text in Swedish and English, display names from the
 * partnership file, period and gender labels, and numbers as each language
 * writes them. One place, so the HTML, the workbook and the Swedish CSV
 * can never call one thing by two names.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/board.h"

#define NBSP "\xC2\xA0" /* U+00A0: the thousands separator that never breaks a line */

static const char *const msgs[M_COUNT][2] = {
    [M_TITLE] = {"Unika personer", "Unique people"},
    [M_UNIQUE] = {"Unika personer", "Unique people"},
    [M_INTERVAL] = {"95" NBSP "% intervall", "95% interval"},
    [M_LOW] = {"95" NBSP "% nedre", "95% low"},
    [M_HIGH] = {"95" NBSP "% övre", "95% high"},
    [M_TOTAL] = {"Totalt", "Total"},
    [M_EXACT] = {"exakt", "exact"},
    [M_NOTE] = {"Anmärkning", "Note"},
    [M_SUPP_PRIMARY] = {"färre än tröskeln: visas inte", "below the threshold: not shown"},
    [M_SUPP_SECONDARY] = {"undertryckt för att skydda ett annat värde",
                          "withheld to protect another figure"},
    [M_WHOLE] = {"Hela perioden", "Whole period"},
    [M_BOTH] = {"I båda", "In both"},
    [M_ONLY_OTHERS] = {"även de som mötts av andra", "including people seen by others too"},
    [M_LINK_LOW] = {"Länkning, lägst", "Linkage, low"},
    [M_LINK_HIGH] = {"Länkning, högst", "Linkage, high"},
    [M_DETERMINISTIC] = {"Deterministisk länkning", "Deterministic linkage"},
    [M_MODE] = {"Metod", "Method"},
    [M_PARAMETER] = {"Uppgift", "Item"},
    [M_VALUE] = {"Värde", "Value"},
    [M_READING] = {"Så läser du siffrorna", "How to read these figures"},
    [M_RELEASE] = {"Om utgivningen", "About this release"},
    [M_APPENDIX] = {"Bilaga: uppgifter för granskning", "Appendix: details for auditors"},
    [M_PERSONS] = {"personer", "people"},
    [M_CHART_OF] = {"Diagram", "Chart"},
    [M_SUPPRESSED_WORD] = {"undertryckt", "suppressed"},
};

const char *bd_msg_text(bd_lang lang, bd_msg m)
{
    return msgs[m][lang];
}

/* ---- numbers ------------------------------------------------------------------- */

static void group(char *dst, size_t cap, const char *digits, const char *sep)
{
    size_t n = strlen(digits), o = 0, sl = strlen(sep);
    for (size_t i = 0; i < n && o + sl + 1 < cap; i++) {
        if (i && (n - i) % 3 == 0) memcpy(dst + o, sep, sl), o += sl;
        dst[o++] = digits[i];
    }
    dst[o] = '\0';
}

void bd_fmt_int(char *dst, size_t cap, bd_lang lang, long long v, int grouped)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%llu", v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v);
    char body[64];
    group(body, sizeof body, digits, grouped ? (lang == BD_SV ? NBSP : ",") : "");
    snprintf(dst, cap, "%s%s", v < 0 ? "-" : "", body);
}

void bd_fmt_dec(char *dst, size_t cap, bd_lang lang, double v, int decimals, int grouped)
{
    if (decimals <= 0) {
        bd_fmt_int(dst, cap, lang, llround(v), grouped);
        return;
    }
    char txt[64];
    snprintf(txt, sizeof txt, "%.*f", decimals, fabs(v));
    char *dot = strchr(txt, '.');
    *dot = '\0';
    char body[64];
    group(body, sizeof body, txt, grouped ? (lang == BD_SV ? NBSP : ",") : "");
    snprintf(dst, cap, "%s%s%s%s", v < 0 ? "-" : "", body, lang == BD_SV ? "," : ".", dot + 1);
}

void bd_fmt_interval(char *dst, size_t cap, bd_lang lang, double lo, double hi)
{
    char a[64], b[64];
    bd_fmt_int(a, sizeof a, lang, llround(lo), 1);
    bd_fmt_int(b, sizeof b, lang, llround(hi), 1);
    snprintf(dst, cap, "%s\xE2\x80\x93%s", a, b); /* en dash */
}

void bd_fmt_figure(char *dst, size_t cap, const bd_ctx *c, const bd_fig *f)
{
    if (f->suppressed || !f->has_value) snprintf(dst, cap, "%s", f->shown);
    else bd_fmt_int(dst, cap, c->lang, f->value, 1);
}

/* ---- names ------------------------------------------------------------------------ */

static const char *lookup(const bd_name *v, size_t n, const char *label)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].label, label)) return v[i].display;
    return NULL;
}

char *bd_org_name(const bd_ctx *c, const char *label)
{
    const char *d = c->p ? lookup(c->p->orgs, c->p->norgs, label) : NULL;
    return cli_xstrdup(d ? d : label);
}

static const char *const months[2][12] = {
    {"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
     "oktober", "november", "december"},
    {"January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"},
};

char *bd_period_name(const bd_ctx *c, const char *label, int longform)
{
    const char *d = c->p ? lookup(c->p->periods, c->p->nperiods, label) : NULL;
    if (d) return cli_xstrdup(d);
    int g = rp_period_grain(label), sv = c->lang == BD_SV;
    if (g == RP_HALF) {
        int second = label[5] == '2';
        if (!longform) return cli_xprintf("%.4s H%c", label, label[5]);
        if (sv) return cli_xprintf("%s halvåret %.4s", second ? "andra" : "första", label);
        return cli_xprintf("%s half of %.4s", second ? "second" : "first", label);
    }
    if (g == RP_MONTH) {
        int m = atoi(label + 5);
        return cli_xprintf("%s %.4s", months[sv ? 0 : 1][m - 1], label);
    }
    if (g == RP_ALL) return cli_xstrdup(sv ? "hela perioden" : "whole period");
    return cli_xstrdup(label);
}

static const char *const genders[][3] = {
    {"F", "flickor", "girls"},
    {"M", "pojkar", "boys"},
    {"X", "annat", "other"},
    {"U", "okänt", "unknown"},
};

char *bd_value_name(const bd_ctx *c, const char *key, const char *value, int longform)
{
    if (!strcmp(key, "org")) return bd_org_name(c, value);
    if (!strcmp(key, "period")) return bd_period_name(c, value, longform);
    if (!strcmp(key, "gender"))
        for (size_t i = 0; i < sizeof genders / sizeof genders[0]; i++)
            if (!strcmp(value, genders[i][0])) return cli_xstrdup(genders[i][1 + c->lang]);
    return cli_xstrdup(value);
}

static const char *const label_names[][3] = {
    {"org", "organisation", "organisation"},
    {"gender", "kön", "gender"},
    {"age_group", "åldersgrupp", "age group"},
    {"country", "land", "country"},
};

static const char *const grain_names[][3] = {
    {"month", "månad", "month"},
    {"half-year", "halvår", "half-year"},
    {"year", "år", "year"},
    {"all", "period", "period"},
};

char *bd_label_name(const bd_ctx *c, const char *key, const char *grain)
{
    if (!strcmp(key, "period"))
        for (size_t i = 0; i < 4; i++)
            if (grain && !strcmp(grain, grain_names[i][0])) return cli_xstrdup(grain_names[i][1 + c->lang]);
    for (size_t i = 0; i < sizeof label_names / sizeof label_names[0]; i++)
        if (!strcmp(key, label_names[i][0])) return cli_xstrdup(label_names[i][1 + c->lang]);
    return cli_xstrdup(key);
}

char *bd_label_header(const bd_ctx *c, const char *key, const char *grain)
{
    char *s = bd_label_name(c, key, grain);
    unsigned char *u = (unsigned char *)s;
    if (u[0] >= 'a' && u[0] <= 'z') u[0] = (unsigned char)(u[0] - 'a' + 'A');
    else if (u[0] == 0xC3 && u[1] >= 0xA0 && u[1] <= 0xBE) u[1] = (unsigned char)(u[1] - 0x20);
    return s; /* Latin-1 letters: å -> Å, ä -> Ä, ö -> Ö, é -> É */
}

char *bd_table_title(const bd_ctx *c, const bd_table *t)
{
    int sv = c->lang == BD_SV;
    if (!strcmp(t->kind, "total")) return cli_xstrdup(bd_msg_text(c->lang, M_WHOLE));
    char *r = bd_label_name(c, t->rows_label, t->grain), *out;
    if (!strcmp(t->kind, "overlap")) {
        if (!strcmp(t->rows_label, "org"))
            out = cli_xstrdup(sv ? "Överlapp mellan organisationer" : "Overlaps between organisations");
        else out = cli_xprintf(sv ? "Överlapp per %s" : "Overlaps by %s", r);
    } else if (t->cols_label) {
        char *k = bd_label_name(c, t->cols_label, t->grain);
        out = cli_xprintf(sv ? "Per %s och %s" : "By %s and %s", r, k);
        free(k);
    } else {
        out = cli_xprintf(sv ? "Per %s" : "By %s", r);
    }
    free(r);
    return out;
}

char *bd_period_span(const bd_ctx *c, int longform)
{
    for (size_t i = 0; i < c->d->nt; i++) {
        const bd_table *t = &c->d->t[i];
        if (!t->rows_label || strcmp(t->rows_label, "period") || !t->nr || !t->cell) continue;
        char *a = bd_period_name(c, t->rows[0], longform);
        char *b = bd_period_name(c, t->rows[t->nr - 1], longform);
        char *out = t->nr == 1 ? cli_xstrdup(a) : cli_xprintf("%s \xE2\x80\x93 %s", a, b);
        free(a);
        free(b);
        return out;
    }
    return NULL;
}

/* ---- the partnership file against the document --------------------------------------- */

/* 1 when some table shows `value` of `label`. */
static int shows(const bd_doc *d, const char *label, const char *value, int *any)
{
    for (size_t i = 0; i < d->nt; i++) {
        const bd_table *t = &d->t[i];
        int r = t->rows_label && !strcmp(t->rows_label, label);
        int k = t->cols_label && !strcmp(t->cols_label, label);
        if (r || k) *any = 1;
        for (size_t j = 0; r && j < t->nr; j++)
            if (!strcmp(t->rows[j], value)) return 1;
        for (size_t j = 0; k && j < t->nc; j++)
            if (!strcmp(t->cols[j], value)) return 1;
    }
    return 0;
}

static int check_names(const bd_name *v, size_t n, const bd_doc *d, const char *label,
                       const char *kind, unika_error *err)
{
    int any = 0;
    for (size_t i = 0; i < n; i++)
        if (!shows(d, label, v[i].label, &any) && any)
            return cli_set_error(err, UNIKA_EINVAL, label,
                                 "the partnership file names %s '%s', which is not in the report",
                                 kind, v[i].label);
    return 0;
}

int bd_check_partnership(const bd_partnership *p, const bd_doc *d, unika_error *err)
{
    if (!p) return 0;
    int rc = check_names(p->orgs, p->norgs, d, "org", "organisation", err);
    if (!rc) rc = check_names(p->periods, p->nperiods, d, "period", "period", err);
    for (size_t i = 0; i < d->nt && !rc; i++) {
        const bd_table *t = &d->t[i];
        int r = t->rows_label && !strcmp(t->rows_label, "org");
        int k = t->cols_label && !strcmp(t->cols_label, "org");
        size_t n = r ? t->nr : k ? t->nc : 0;
        for (size_t j = 0; j < n && !rc; j++) {
            const char *v = r ? t->rows[j] : t->cols[j];
            if (!lookup(p->orgs, p->norgs, v))
                rc = cli_set_error(err, UNIKA_EINVAL, "org",
                                   "organisation '%s' of the report has no display name in the "
                                   "partnership file (add org.%s = ...)", v, v);
        }
    }
    return rc;
}

const char *bd_scalar_text(const unika_json *v)
{
    switch (v->type) {
    case UNIKA_JSON_STRING:
    case UNIKA_JSON_NUMBER: return v->text;
    case UNIKA_JSON_TRUE: return "true";
    case UNIKA_JSON_FALSE: return "false";
    case UNIKA_JSON_NULL: return "null";
    default: return NULL;
    }
}

void bd_xml_text(FILE *o, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", o); break;
        case '<': fputs("&lt;", o); break;
        case '>': fputs("&gt;", o); break;
        case '"': fputs("&quot;", o); break;
        default: fputc(*s, o);
        }
    }
}
