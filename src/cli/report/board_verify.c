/*
 * board_verify.c - is this page, workbook or CSV the rendering of the audited
 * JSON? (board.h; step 7 of `unika verify`, audit/rebuild.c, for the
 * board's formats; docs/report.md, "The board's formats").
 *
 * A rendering names, in its stamp, its format, language, partnership file
 * and the BLAKE2b-256 of the JSON it was rendered from. The check renders
 * the audited JSON again with exactly those options and compares byte for
 * byte: an edited figure, name, note or chart anywhere fails, and so does a
 * rendering of another JSON. A Swedish CSV is checked with its stamp file.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "report/board.h"

#define RENDERING_MAX ((size_t)64 << 20)

/* The stamp text of a rendering's bytes, by its format's place for it. */
static int find_stamp(const char *b, size_t n, char *dst, size_t cap)
{
    size_t len = 0;
    const char *s = NULL;
    if (n > 22 && !memcmp(b, "PK\x03\x04", 4)) {
        /* xlsx: the zip archive's comment, after the end record */
        for (size_t i = n - 22 + 1; i-- > 0 && n - i <= 22 + 0xffff;)
            if (!memcmp(b + i, "PK\x05\x06", 4) &&
                (size_t)((unsigned char)b[i + 20] | (unsigned char)b[i + 21] << 8) == n - i - 22) {
                s = b + i + 22, len = n - i - 22;
                break;
            }
    } else if (n > 2 && b[n - 1] == '\n') {
        size_t end = n - 1, start = end;
        while (start > 0 && b[start - 1] != '\n') start--;
        if (end > start && b[end - 1] == '\r') end--;
        const char *line = b + start;
        size_t ln = end - start;
        const char *semi = memchr(line, ';', ln);
        if (ln > 9 && !memcmp(line, "<!-- ", 5) && !memcmp(line + ln - 4, " -->", 4))
            s = line + 5, len = ln - 9; /* HTML: a comment on the last line */
        else if (semi) /* a Swedish CSV's stamp file: the last row's value */
            s = semi + 1, len = ln - (size_t)(semi + 1 - line);
    }
    if (!s || len >= cap || len < 20 || memcmp(s, "unika-rendering v1 ", 19)) return -1;
    memcpy(dst, s, len);
    dst[len] = '\0';
    return 0;
}

/* The value of " key=" in the stamp (copied into dst), or "" when absent. */
static void stamp_value(const char *stamp, const char *key, char *dst, size_t cap)
{
    char pat[32];
    snprintf(pat, sizeof pat, " %s=", key);
    const char *at = strstr(stamp, pat);
    dst[0] = '\0';
    if (!at) return;
    at += strlen(pat);
    size_t len = strcspn(at, " ");
    if (len < cap) memcpy(dst, at, len), dst[len] = '\0';
}

static int differs(const char *a, size_t an, const char *b, size_t bn, size_t *at)
{
    size_t i = 0;
    while (i < an && i < bn && a[i] == b[i]) i++;
    *at = i;
    return i < an || i < bn;
}

/* The outcome of a check: ok or not, and what to say (malloc'd). */
typedef struct vr {
    int ok;
    char *msg;
} vr;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int verdict(vr *v, int ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    free(v->msg);
    v->msg = cli_xstrdup(buf);
    v->ok = ok;
    return ok ? 0 : 1;
}

/* Renders again what the stamp says and compares; for csv-sv both files. */
static int compare(vr *v, const bd_ctx *c, const char *format, const char *bytes, size_t n,
                   const char *table, size_t tn)
{
    unika_error err = {0};
    char *out = NULL, *st = NULL;
    size_t on = 0, sn = 0, at = 0;
    int rc = bd_render(&out, &on, format, c, &err);
    if (!rc && table) rc = bd_render_csv_sv_stamp(&st, &sn, c, out, on, &err);
    int bad = 1;
    if (rc) verdict(v, 0, "cannot render it again: %s", err.message);
    else if (table && differs(table, tn, out, on, &at))
        verdict(v, 0, "its table file differs from the audited JSON's rendering at byte %zu", at);
    else if (differs(bytes, n, table ? st : out, table ? sn : on, &at))
        verdict(v, 0, "differs from the audited JSON's rendering at byte %zu", at);
    else {
        bad = verdict(v, 1, "the audited JSON's %s rendering, byte for byte", format);
    }
    free(out);
    free(st);
    return bad;
}

static int check(vr *v, const bd_doc *d, const bd_partnership *p, const char *bytes, size_t n,
                 const char *table, size_t tn)
{
    char stamp[1024], format[16], lang[8], src[RP_DIGEST_HEX_BYTES + 1], pd[RP_DIGEST_HEX_BYTES + 1];
    if (find_stamp(bytes, n, stamp, sizeof stamp) < 0) return -1; /* not a board rendering */
    stamp_value(stamp, "format", format, sizeof format);
    stamp_value(stamp, "lang", lang, sizeof lang);
    stamp_value(stamp, "source", src, sizeof src);
    stamp_value(stamp, "partnership", pd, sizeof pd);
    if (!bd_format_known(format)) return -1; /* markdown, CSV: the generic check's */
    if (bd_lang_from_name(lang) < 0)
        return verdict(v, 0, "its stamp names language \"%s\", which this unika does not write", lang);
    if (strcmp(src, d->source))
        return verdict(v, 0, "rendered from another JSON (source=%.16s...), not the audited one", src);
    if (pd[0] && (!p || strcmp(pd, p->digest)))
        return verdict(v, 0, "needs the partnership file whose BLAKE2b-256 is %s (--partnership)", pd);
    if (!strcmp(format, "csv-sv") && !table)
        return verdict(v, 0, "%s", "a Swedish CSV is checked with its table file beside it");
    bd_ctx c = {d, pd[0] ? p : NULL, (bd_lang)bd_lang_from_name(lang), NULL};
    char *st = bd_stamp(format, &c);
    c.stamp = st;
    int rc = strcmp(st, stamp) ? verdict(v, 0, "%s", "its stamp is not in the form unika writes")
                               : compare(v, &c, format, bytes, n, table, tn);
    free(st);
    return rc;
}

/* The two files of a Swedish CSV, whichever of them `path` names: the
 * table file (no stamp of its own) or its stamp file (X.stamp.csv). */
static int csv_pair(vr *v, const char *path, char **bytes, size_t *n, char **table,
                    size_t *tn)
{
    unika_error err = {0};
    char stamp[1024];
    size_t pl = strlen(path);
    int is_stamp = pl > 10 && !strcmp(path + pl - 10, ".stamp.csv");
    if (!is_stamp && (*n < 3 || memcmp(*bytes, "\xEF\xBB\xBF", 3) || !find_stamp(*bytes, *n, stamp, sizeof stamp)))
        return 0; /* not a Swedish CSV's table file */
    char *other = is_stamp ? cli_xprintf("%.*s.csv", (int)(pl - 10), path) : bd_stamp_path(path);
    char *ob = NULL;
    size_t on = 0;
    int rc = cli_read_file(&ob, &on, other, RENDERING_MAX, &err) < 0;
    if (rc) verdict(v, 0, "%s (the other file of a Swedish CSV)", err.message);
    else if (is_stamp) {
        *table = ob, *tn = on;
    } else {
        *table = *bytes, *tn = *n, *bytes = ob, *n = on;
    }
    free(other);
    return rc;
}

int bd_check_rendering(const char *path, const char *bytes, size_t n, const rd_doc *audited,
                       const bd_partnership *p, char **msg)
{
    vr v = {0, NULL};
    char *own = cli_xmalloc(n ? n : 1), *table = NULL;
    size_t on = n, tn = 0;
    memcpy(own, bytes, n);
    int rc = csv_pair(&v, path, &own, &on, &table, &tn);
    bd_doc d;
    unika_error err = {0};
    if (rc == 0) {
        memset(&d, 0, sizeof d);
        rc = bd_doc_from(&d, audited, &err) < 0 ? verdict(&v, 0, "%s", err.message)
                                                 : check(&v, &d, p, own, on, table, tn);
        bd_doc_close(&d);
    }
    free(own), free(table);
    *msg = v.msg;
    return rc < 0 ? -1 : v.ok;
}
