/*
 * render.c - the table of renderers and their stamps (render.h).
 */
#include <stdlib.h>
#include <string.h>

#include "report/render.h"

static const rm_renderer renderers[] = {
    {"markdown", rm_write_markdown, rm_markdown_stamp, NULL, NULL},
    {"csv", rm_write_csv, rm_csv_stamp, NULL, NULL},
    {"html", bd_write_html_for, bd_html_stamp, NULL, NULL},
    {"xlsx", bd_write_xlsx_for, bd_xlsx_stamp, NULL, NULL},
    {"csv-sv", bd_write_csv_sv_for, bd_csv_sv_stamp, "stamp.csv", bd_write_csv_sv_companion},
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

/* One write into a malloc'd buffer: 0, or the writer's code (err set). */
static int to_memory(char **out, size_t *n, const rm_renderer *r, const rm_source *s,
                     const char *stamp, const char *main, size_t mn, unika_error *err)
{
    *out = NULL;
    *n = 0;
    FILE *f = open_memstream(out, n);
    if (!f) return cli_set_error(err, UNIKA_ENOMEM, "", "out of memory");
    int rc = main ? r->companion(f, s, stamp, main, mn, err) : r->write(f, s, stamp, err);
    if (fclose(f) != 0 && !rc) rc = cli_set_error(err, UNIKA_ENOMEM, "", "out of memory");
    if (rc) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

int rm_render(char **out, size_t *n, char **comp, size_t *cn, const rm_renderer *r,
              const rm_source *s, unika_error *err)
{
    char stamp[RM_STAMP_MAX];
    snprintf(stamp, sizeof stamp, STAMP_HEAD "%s%s%s source=%s", r->format,
             s->options[0] ? " " : "", s->options, s->d->source);
    if (comp) *comp = NULL, *cn = 0;
    int rc = to_memory(out, n, r, s, stamp, NULL, 0, err);
    if (!rc && comp && r->companion) {
        rc = to_memory(comp, cn, r, s, stamp, *out, *n, err);
        if (rc) {
            free(*out);
            *out = NULL;
            *n = 0;
        }
    }
    return rc;
}

char *rm_companion_path(const rm_renderer *r, const char *path, int is_companion)
{
    size_t n = strlen(path), sl = strlen(r->companion_suffix);
    if (is_companion) /* X.stamp.csv -> X.csv */
        return cli_xprintf("%.*s.csv", (int)(n > sl + 1 ? n - sl - 1 : n), path);
    if (n > 4 && !strcmp(path + n - 4, ".csv"))
        return cli_xprintf("%.*s.%s", (int)(n - 4), path, r->companion_suffix);
    return cli_xprintf("%s.%s", path, r->companion_suffix);
}

int rm_option(const char *options, const char *key, char *dst, size_t cap)
{
    size_t kl = strlen(key);
    dst[0] = '\0';
    for (const char *p = options; *p;) {
        size_t len = strcspn(p, " ");
        if (len > kl && !memcmp(p, key, kl) && p[kl] == '=') {
            if (len - kl - 1 >= cap) return -1;
            memcpy(dst, p + kl + 1, len - kl - 1);
            dst[len - kl - 1] = '\0';
            return 0;
        }
        p += len + (p[len] == ' ');
    }
    return -1;
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
