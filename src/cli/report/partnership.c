/*
 * partnership.c - the partnership file: the names a board reads
 * (docs/partnership.md).
 *
 * Sketch labels are short ASCII words chosen once ("raddabarnen"); the
 * board reads "Rädda Barnen". The file maps one to the other, in the
 * line format of partner profiles (docs/profiles.md): `key = value`, `#`
 * comments, a version line first. It is strict, because a typo here puts
 * a wrong name on a page that decides money: a repeated organisation, two
 * organisations under one display name, an unknown key or language are
 * refused with the line and the key.
 */
#include <stdlib.h>
#include <string.h>

#include "report/board.h"

#define PARTNERSHIP_MAX (64u << 10)
#define DISPLAY_MAX 200
#define FORMAT_LINE "unika-partnership 1"

static const char *const lang_names[] = {"sv", "en"};

int bd_lang_from_name(const char *name)
{
    for (int i = 0; i < 2; i++)
        if (!strcmp(name, lang_names[i])) return i;
    return -1;
}

const char *bd_lang_name(bd_lang lang)
{
    return lang_names[lang];
}

void bd_partnership_free(bd_partnership *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->norgs; i++) free(p->orgs[i].label), free(p->orgs[i].display);
    for (size_t i = 0; i < p->nperiods; i++)
        free(p->periods[i].label), free(p->periods[i].display);
    free(p->orgs);
    free(p->periods);
    free(p->name);
    memset(p, 0, sizeof *p);
}

typedef struct line_ctx {
    const char *source;
    size_t line;
    unika_error *err;
    int seen_format, seen_name, seen_lang;
} line_ctx;

static int bad(line_ctx *l, const char *field, const char *what, const char *arg)
{
    return cli_set_error(l->err, UNIKA_EINVAL, field, "%s line %zu: %s%s%s%s", l->source, l->line,
                         what, arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r')) (*n)--;
}

static int prefix_nocase(const char *k, size_t kn, const char *p)
{
    size_t pn = strlen(p);
    if (kn < pn) return 0;
    for (size_t i = 0; i < pn; i++) {
        char c = k[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != p[i]) return 0;
    }
    return 1;
}

/* A display text: non-empty, at most DISPLAY_MAX bytes, no control character. */
static int check_display(line_ctx *l, const char *key, const char *v, size_t n)
{
    if (!n) return bad(l, key, "empty value for", key);
    if (n > DISPLAY_MAX) return bad(l, key, "value longer than 200 bytes for", key);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
            return bad(l, key, "a control character in the value of", key);
    return 0;
}

/* A label as sketches carry it: printable ASCII without spaces or '='. */
static int check_label(line_ctx *l, const char *kind, const char *s, size_t n)
{
    if (!n) return bad(l, kind, "a key without a label: expected", kind);
    for (size_t i = 0; i < n; i++)
        if (s[i] <= ' ' || s[i] > '~' || s[i] == '=')
            return bad(l, kind, "not a label (printable ASCII, no space) after", kind);
    return 0;
}

static int add_name(line_ctx *l, bd_name **v, size_t *nv, const char *kind, const char *label,
                    size_t ln, const char *disp, size_t dn)
{
    char *lab = cli_xprintf("%.*s", (int)ln, label);
    char *dsp = cli_xprintf("%.*s", (int)dn, disp);
    const char *what = NULL, *arg = lab;
    for (size_t i = 0; i < *nv && !what; i++) {
        if (!strcmp((*v)[i].label, lab)) what = "named twice:";
        else if (!strcmp((*v)[i].display, dsp)) what = "a display name given twice:", arg = dsp;
    }
    if (what) {
        char *msg = cli_xprintf("%s %s", kind, what);
        int rc = bad(l, kind, msg, arg);
        free(msg);
        free(lab);
        free(dsp);
        return rc;
    }
    *v = cli_xrealloc(*v, (*nv + 1) * sizeof **v);
    (*v)[*nv].label = lab;
    (*v)[*nv].display = dsp;
    (*nv)++;
    return 0;
}

static int set_once(line_ctx *l, int *seen, const char *key)
{
    if (*seen) return bad(l, key, "repeated key", key);
    *seen = 1;
    return 0;
}

static int set_key(bd_partnership *p, line_ctx *l, const char *k, size_t kn, const char *v,
                   size_t vn)
{
    if (kn == 6 && prefix_nocase(k, kn, "format")) {
        if (set_once(l, &l->seen_format, "format")) return l->err->code;
        if (vn != strlen(FORMAT_LINE) || memcmp(v, FORMAT_LINE, vn)) {
            return cli_set_error(l->err, UNIKA_EVERSION, "format",
                                 "%s line %zu: unknown format '%.*s' (this unika reads "
                                 "'" FORMAT_LINE "')", l->source, l->line, (int)vn, v);
        }
        return 0;
    }
    if (!l->seen_format) return bad(l, "format", "the first key must be", "format");
    if (kn == 4 && prefix_nocase(k, kn, "name")) {
        if (set_once(l, &l->seen_name, "name") || check_display(l, "name", v, vn)) return l->err->code;
        p->name = cli_xprintf("%.*s", (int)vn, v);
        return 0;
    }
    if (kn == 8 && prefix_nocase(k, kn, "language")) {
        if (set_once(l, &l->seen_lang, "language")) return l->err->code;
        char *lang = cli_xprintf("%.*s", (int)vn, v);
        p->lang = bd_lang_from_name(lang);
        int rc = p->lang < 0 ? bad(l, "language", "unknown language (sv or en):", lang) : 0;
        free(lang);
        return rc;
    }
    int org = prefix_nocase(k, kn, "org."), period = prefix_nocase(k, kn, "period.");
    if (org || period) {
        size_t pl = org ? 4 : 7;
        const char *kind = org ? "organisation" : "period";
        if (check_label(l, org ? "org." : "period.", k + pl, kn - pl) ||
            check_display(l, kind, v, vn))
            return l->err->code;
        return org ? add_name(l, &p->orgs, &p->norgs, kind, k + pl, kn - pl, v, vn)
                   : add_name(l, &p->periods, &p->nperiods, kind, k + pl, kn - pl, v, vn);
    }
    char *key = cli_xprintf("%.*s", (int)kn, k);
    int rc = bad(l, "key", "unknown key (format, name, language, org.LABEL, period.LABEL):", key);
    free(key);
    return rc;
}

/* One non-comment line "key = value". */
static int parse_line(bd_partnership *p, line_ctx *l, const char *s, size_t n)
{
    const char *eq = memchr(s, '=', n);
    if (!eq) return bad(l, "line", "expected key = value", NULL);
    const char *k = s, *v = eq + 1;
    size_t kn = (size_t)(eq - s), vn = n - kn - 1;
    trim(&k, &kn);
    trim(&v, &vn);
    if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"') v++, vn -= 2;
    if (!kn) return bad(l, "line", "a value without a key", NULL);
    return set_key(p, l, k, kn, v, vn);
}

int bd_partnership_parse(bd_partnership *p, const char *src, size_t n, const char *source,
                         unika_error *err)
{
    memset(p, 0, sizeof *p);
    p->lang = -1;
    line_ctx l = {source, 0, err, 0, 0, 0};
    uint8_t dg[UNIKA_DIGEST_BYTES];
    unika_file_digest(dg, (const uint8_t *)src, n);
    unika_hex_encode(p->digest, dg, sizeof dg);
    size_t bad_at = unika_utf8_valid(src, n);
    if (bad_at)
        return cli_set_error(err, UNIKA_EUTF8, "", "%s: invalid UTF-8 at byte %zu", source, bad_at);
    if (n >= 3 && !memcmp(src, "\xEF\xBB\xBF", 3)) src += 3, n -= 3;
    int rc = 0;
    for (size_t i = 0; i < n && !rc;) {
        const char *nl = memchr(src + i, '\n', n - i);
        size_t len = nl ? (size_t)(nl - (src + i)) : n - i;
        const char *s = src + i;
        size_t sn = len;
        l.line++;
        trim(&s, &sn);
        if (sn && *s != '#') rc = parse_line(p, &l, s, sn);
        i += len + 1;
    }
    if (!rc && !l.seen_format)
        rc = cli_set_error(err, UNIKA_EVERSION, "format",
                           "%s: no 'format = unika-partnership 1' line: not a partnership file",
                           source);
    if (rc) bd_partnership_free(p);
    return rc;
}

int bd_partnership_load(bd_partnership *p, const char *path, unika_error *err)
{
    char *text = NULL;
    size_t n = 0;
    memset(p, 0, sizeof *p);
    int rc = cli_read_file(&text, &n, path, PARTNERSHIP_MAX, err);
    if (rc < 0) return rc;
    rc = bd_partnership_parse(p, text, n, path, err);
    free(text);
    return rc;
}
