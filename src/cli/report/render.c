/*
 * render.c - the table of renderers and their stamps (render.h).
 */
#include <stdlib.h>
#include <string.h>

#include "report/render.h"

static const rm_renderer renderers[] = {
    {"markdown", rm_write_markdown, rm_markdown_stamp},
    {"csv", rm_write_csv, rm_csv_stamp},
};

#define STAMP_HEAD "unika-rendering v1 format="

const rm_renderer *rm_renderer_find(const char *format)
{
    for (size_t i = 0; i < sizeof renderers / sizeof renderers[0]; i++)
        if (!strcmp(renderers[i].format, format)) return &renderers[i];
    return NULL;
}

const rm_renderer *rm_renderer_at(size_t i)
{
    return i < sizeof renderers / sizeof renderers[0] ? &renderers[i] : NULL;
}

int rm_render(char **out, size_t *n, const rm_renderer *r, const rd_doc *d, const char *options)
{
    char stamp[RM_STAMP_MAX];
    snprintf(stamp, sizeof stamp, STAMP_HEAD "%s%s%s source=%s", r->format,
             options && *options ? " " : "", options ? options : "", d->source);
    *out = NULL;
    *n = 0;
    FILE *f = open_memstream(out, n);
    if (!f) return CLI_NOMEM;
    r->write(f, d, options ? options : "", stamp);
    if (fclose(f) != 0) {
        free(*out);
        *out = NULL;
        return CLI_NOMEM;
    }
    return 0;
}

int rm_stamp_parse(const char *stamp, char *format, size_t fcap, char *options, size_t ocap,
                   char source[RP_DIGEST_HEX_BYTES])
{
    size_t h = strlen(STAMP_HEAD), n = strlen(stamp);
    if (n < h || memcmp(stamp, STAMP_HEAD, h)) return -1;
    const char *src = strstr(stamp, " source=");
    if (!src || strlen(src + 8) != 64 || strspn(src + 8, "0123456789abcdef") != 64) return -1;
    const char *f = stamp + h;
    size_t fl = strcspn(f, " ");
    if (!fl || fl >= fcap) return -1;
    memcpy(format, f, fl);
    format[fl] = '\0';
    const char *opt = f + fl;
    size_t ol = (size_t)(src - opt);
    if (ol) opt++, ol--; /* the space before the options */
    if (ol >= ocap) return -1;
    memcpy(options, opt, ol);
    options[ol] = '\0';
    memcpy(source, src + 8, 64);
    source[64] = '\0';
    return 0;
}

int rm_text_stamp(const char *bytes, size_t n, const char *prefix, const char *suffix,
                  char *dst, size_t cap)
{
    if (n < 2 || bytes[n - 1] != '\n') return -1;
    size_t end = n - 1, start = end;
    while (start > 0 && bytes[start - 1] != '\n') start--;
    size_t pl = strlen(prefix), sl = strlen(suffix), len = end - start;
    if (len < pl + sl || memcmp(bytes + start, prefix, pl) ||
        memcmp(bytes + end - sl, suffix, sl))
        return -1;
    size_t m = len - pl - sl;
    if (m >= cap || memchr(bytes + start + pl, '\0', m)) return -1;
    memcpy(dst, bytes + start + pl, m);
    dst[m] = '\0';
    return 0;
}

const char *rm_doc_label_title(const char *label, const char *grain)
{
    if (strcmp(label, "period")) return label;
    if (!strcmp(grain, "half-year") || !strcmp(grain, "year") || !strcmp(grain, "month"))
        return grain;
    return "period";
}

const char *rm_doc_rounding_text(const char *rounding)
{
    if (!strcmp(rounding, "base5")) return "every figure to the nearest 5 (ties up)";
    if (!strcmp(rounding, "base10")) return "every figure to the nearest 10 (ties up)";
    if (!strcmp(rounding, "sdc"))
        return "figures below 100 to the nearest 5, others and whole-period totals to the "
               "nearest 10 (ties up)";
    return "none";
}
