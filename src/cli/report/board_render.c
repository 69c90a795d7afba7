/*
 * board_render.c - the board's formats as entries of the one table of
 * renderers (report/render.h): what `report --format html|xlsx|csv-sv`
 * writes and what `verify --rendering` renders again and compares.
 *
 * A board rendering is a function of the JSON, the language and the
 * partnership file, which its stamp names as the options "lang=sv|en
 * [partnership=<BLAKE2b-256 of the file>]". Each adapter below turns a
 * renderer's source (render.h) into the board's context (board.h): the
 * language from the options, and the partnership file only when the options
 * name it and it is that file, so a rendering can be made again only from
 * exactly what it was made from.
 */
#include <stdlib.h>
#include <string.h>

#include "report/board.h"
#include "report/render.h"

static const char *const formats[] = {"html", "xlsx", "csv-sv"};

int bd_format_known(const char *format)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (!strcmp(format, formats[i])) return 1;
    return 0;
}

/* The board's context of a renderer's source; bd_doc_close(bd) after. */
static int board_ctx(bd_ctx *c, bd_doc *bd, const rm_source *s, const char *stamp,
                     unika_error *err)
{
    char lang[8], pd[RP_DIGEST_HEX_BYTES];
    memset(bd, 0, sizeof *bd);
    if (rm_option(s->options, "lang", lang, sizeof lang) < 0 || bd_lang_from_name(lang) < 0)
        return cli_set_error(err, UNIKA_EFORMAT, "", "its stamp names no language this unika "
                             "writes (lang=sv or lang=en)");
    int named = rm_option(s->options, "partnership", pd, sizeof pd) == 0;
    if (named && (!s->partnership || strcmp(pd, s->partnership->digest)))
        return cli_set_error(err, UNIKA_EINVAL, "", "needs the partnership file whose "
                             "BLAKE2b-256 is %s (--partnership)", pd);
    int rc = bd_doc_from(bd, s->d, err);
    *c = (bd_ctx){bd, named ? s->partnership : NULL, (bd_lang)bd_lang_from_name(lang), stamp};
    return rc < 0 ? rc : 0;
}

int bd_write_html_for(FILE *o, const rm_source *s, const char *stamp, unika_error *err)
{
    bd_ctx c;
    bd_doc bd;
    int rc = board_ctx(&c, &bd, s, stamp, err);
    if (!rc) bd_write_html(o, &c);
    bd_doc_close(&bd);
    return rc;
}

int bd_write_xlsx_for(FILE *o, const rm_source *s, const char *stamp, unika_error *err)
{
    bd_ctx c;
    bd_doc bd;
    int rc = board_ctx(&c, &bd, s, stamp, err);
    if (!rc) rc = bd_write_xlsx(o, &c, err);
    bd_doc_close(&bd);
    return rc;
}

int bd_write_csv_sv_for(FILE *o, const rm_source *s, const char *stamp, unika_error *err)
{
    bd_ctx c;
    bd_doc bd;
    int rc = board_ctx(&c, &bd, s, stamp, err);
    if (!rc) bd_write_csv_sv(o, &c);
    bd_doc_close(&bd);
    return rc;
}

/* The Swedish CSV's stamp file: the parameters, the stamp and the digest of
 * the table file main[0..mn), which cannot carry a stamp of its own. */
int bd_write_csv_sv_companion(FILE *o, const rm_source *s, const char *stamp, const char *main,
                              size_t mn, unika_error *err)
{
    bd_ctx c;
    bd_doc bd;
    int rc = board_ctx(&c, &bd, s, stamp, err);
    if (!rc) {
        uint8_t dg[UNIKA_DIGEST_BYTES];
        char hex[RP_DIGEST_HEX_BYTES];
        unika_file_digest(dg, (const uint8_t *)main, mn);
        unika_hex_encode(hex, dg, sizeof dg);
        bd_write_csv_sv_stamp(o, &c, hex);
    }
    bd_doc_close(&bd);
    return rc;
}

/* ---- where each format keeps its stamp ------------------------------------------------- */

static int copy_stamp(const char *s, size_t len, char *dst, size_t cap)
{
    if (len >= cap || len < 20 || memcmp(s, "unika-rendering v1 ", 19) || memchr(s, '\0', len))
        return -1;
    memcpy(dst, s, len);
    dst[len] = '\0';
    return 0;
}

int bd_html_stamp(const char *bytes, size_t n, char *dst, size_t cap)
{
    if (n < 15 || memcmp(bytes, "<!DOCTYPE html>", 15)) return -1;
    return rm_text_stamp(bytes, n, "<!-- ", " -->", dst, cap);
}

/* xlsx: the zip archive's comment, after the end-of-central-directory record. */
int bd_xlsx_stamp(const char *b, size_t n, char *dst, size_t cap)
{
    if (n <= 22 || memcmp(b, "PK\x03\x04", 4)) return -1;
    for (size_t i = n - 22 + 1; i-- > 0 && n - i <= 22 + 0xffff;)
        if (!memcmp(b + i, "PK\x05\x06", 4) &&
            (size_t)((unsigned char)b[i + 20] | (unsigned char)b[i + 21] << 8) == n - i - 22)
            return copy_stamp(b + i + 22, n - i - 22, dst, cap);
    return -1;
}

/* The Swedish CSV's stamp file: the last row's value ("Stämpel;<stamp>\r\n"). */
int bd_csv_sv_stamp(const char *b, size_t n, char *dst, size_t cap)
{
    if (n < 3 || memcmp(b, "\xEF\xBB\xBF", 3) || b[n - 1] != '\n') return -1;
    size_t end = n - 1, start = end;
    while (start > 0 && b[start - 1] != '\n') start--;
    if (end > start && b[end - 1] == '\r') end--;
    const char *semi = memchr(b + start, ';', end - start);
    if (!semi) return -1;
    return copy_stamp(semi + 1, (size_t)(b + end - (semi + 1)), dst, cap);
}

/* ---- the command's side ---------------------------------------------------------------- */

/* Writes `bytes` to path atomically. */
static int put(const char *path, const char *bytes, size_t n, int force, unika_error *err)
{
    return unika_write_file_atomic(path, bytes, n, 0644, force, err) < 0 ? err->code : 0;
}

static int write_outputs(const bd_request *q, const rm_source *s, unika_error *err)
{
    const rm_renderer *r = rm_renderer_find(q->format);
    char *out = NULL, *comp = NULL;
    size_t n = 0, cn = 0;
    int rc = rm_render(&out, &n, &comp, &cn, r, s, err);
    if (!rc && !q->out_path) {
        if (fwrite(out, 1, n, stdout) != n || fflush(stdout) != 0)
            rc = cli_set_error(err, UNIKA_EIO, "", "cannot write to standard output");
    } else if (!rc) {
        char *cpath = comp ? rm_companion_path(r, q->out_path, 0) : NULL;
        if (cpath && !q->force && cli_exists(cpath))
            rc = cli_set_error(err, UNIKA_EEXIST, "", "%s: already exists (use --force to replace it)", cpath);
        if (!rc) rc = put(q->out_path, out, n, q->force, err);
        if (!rc && cpath && (rc = put(cpath, comp, cn, q->force, err))) remove(q->out_path);
        free(cpath);
    }
    free(out);
    free(comp);
    return rc;
}

/* The document of the JSON bytes, checked as every renderer reads it. */
static int open_doc(rd_doc *d, unika_json **root, const char *json, size_t n, unika_error *err)
{
    memset(d, 0, sizeof *d);
    *root = NULL;
    int rc = unika_json_parse(root, json, n, err);
    if (rc == 0) rc = rd_open(d, *root, (const uint8_t *)json, n, err);
    return rc;
}

int bd_render_json(const bd_request *q, const char *json, size_t n)
{
    unika_error err = {0};
    bd_partnership p;
    bd_doc bd;
    rd_doc d;
    unika_json *root = NULL;
    int rc;
    memset(&p, 0, sizeof p);
    memset(&bd, 0, sizeof bd);
    if (q->partnership && bd_partnership_load(&p, q->partnership, &err) < 0)
        return cli_fail(NULL, &err);
    if ((rc = open_doc(&d, &root, json, n, &err)) < 0 || (rc = bd_doc_from(&bd, &d, &err)) < 0) {
        rc = cli_fail(q->json_name, &err);
    } else if (bd_check_partnership(q->partnership ? &p : NULL, &bd, &err) < 0) {
        rc = cli_fail(q->partnership, &err);
    } else {
        bd_lang lang = q->lang >= 0                       ? (bd_lang)q->lang
                       : q->partnership && p.lang >= 0 ? (bd_lang)p.lang
                                                         : BD_SV;
        char *options = cli_xprintf("lang=%s%s%s", bd_lang_name(lang),
                                    q->partnership ? " partnership=" : "",
                                    q->partnership ? p.digest : "");
        rm_source s = {&d, options, q->partnership ? &p : NULL};
        rc = write_outputs(q, &s, &err) < 0 ? cli_fail(NULL, &err) : CLI_OK;
        free(options);
    }
    bd_doc_close(&bd);
    rd_close(&d);
    unika_json_free(root);
    bd_partnership_free(&p);
    return rc;
}
