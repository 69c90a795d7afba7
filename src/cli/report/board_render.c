/*
 * board_render.c - the board's formats as `unika report` writes them
 * (board.h): a report's JSON bytes in, a rendering out, atomically.
 *
 * bd_render() is the whole rendering in memory, a function of the JSON
 * bytes, the format, the language and the partnership file: what `report
 * --format html|xlsx|csv-sv` writes and what an auditor's re-rendering
 * compares against.
 */
#include <stdlib.h>
#include <string.h>

#include "report/board.h"

static const char *const formats[] = {"html", "xlsx", "csv-sv"};

int bd_format_known(const char *format)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (!strcmp(format, formats[i])) return 1;
    return 0;
}

int bd_render(char **out, size_t *n, const char *format, const bd_ctx *c, unika_error *err)
{
    *out = NULL;
    *n = 0;
    FILE *f = open_memstream(out, n);
    if (!f) return cli_set_error(err, UNIKA_ENOMEM, "", "out of memory");
    int rc = 0;
    if (!strcmp(format, "html")) bd_write_html(f, c);
    else if (!strcmp(format, "csv-sv")) bd_write_csv_sv(f, c);
    else rc = bd_write_xlsx(f, c, err);
    if (fclose(f) != 0 && !rc) rc = cli_set_error(err, UNIKA_ENOMEM, "", "out of memory");
    if (rc) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

int bd_render_csv_sv_stamp(char **out, size_t *n, const bd_ctx *c, const char *table,
                           size_t table_n, unika_error *err)
{
    uint8_t dg[UNIKA_DIGEST_BYTES];
    char hex[RP_DIGEST_HEX_BYTES];
    unika_file_digest(dg, (const uint8_t *)table, table_n);
    unika_hex_encode(hex, dg, sizeof dg);
    FILE *f = open_memstream(out, n);
    if (!f) return cli_set_error(err, UNIKA_ENOMEM, "", "out of memory");
    bd_write_csv_sv_stamp(f, c, hex);
    if (fclose(f) != 0) return cli_set_error(err, UNIKA_ENOMEM, "", "out of memory");
    return 0;
}

char *bd_stamp_path(const char *table_path)
{
    size_t n = strlen(table_path);
    if (n > 4 && !strcmp(table_path + n - 4, ".csv"))
        return cli_xprintf("%.*s.stamp.csv", (int)(n - 4), table_path);
    return cli_xprintf("%s.stamp.csv", table_path);
}

/* Writes `bytes` to path atomically. */
static int put(const char *path, const char *bytes, size_t n, int force, unika_error *err)
{
    return unika_write_file_atomic(path, bytes, n, 0644, force, err) < 0 ? err->code : 0;
}

static int write_outputs(const bd_request *q, const bd_ctx *c, unika_error *err)
{
    char *out = NULL, *stamp = NULL;
    size_t n = 0, sn = 0;
    int rc = bd_render(&out, &n, q->format, c, err);
    if (!rc && !strcmp(q->format, "csv-sv")) rc = bd_render_csv_sv_stamp(&stamp, &sn, c, out, n, err);
    if (!rc && !q->out_path) {
        if (fwrite(out, 1, n, stdout) != n || fflush(stdout) != 0)
            rc = cli_set_error(err, UNIKA_EIO, "", "cannot write to standard output");
    } else if (!rc) {
        char *spath = stamp ? bd_stamp_path(q->out_path) : NULL;
        if (spath && !q->force && cli_exists(spath))
            rc = cli_set_error(err, UNIKA_EEXIST, "", "%s: already exists (use --force to replace it)", spath);
        if (!rc) rc = put(q->out_path, out, n, q->force, err);
        if (!rc && spath && (rc = put(spath, stamp, sn, q->force, err))) remove(q->out_path);
        free(spath);
    }
    free(out);
    free(stamp);
    return rc;
}

int bd_render_json(const bd_request *q, const char *json, size_t n)
{
    unika_error err = {0};
    bd_partnership p;
    bd_doc d;
    int have_p = 0, rc;
    memset(&p, 0, sizeof p);
    if (q->partnership) {
        if ((rc = bd_partnership_load(&p, q->partnership, &err)) < 0) return cli_fail(NULL, &err);
        have_p = 1;
    }
    if ((rc = bd_doc_open(&d, json, n, &err)) < 0) {
        bd_partnership_free(&p);
        return cli_fail(q->json_name, &err);
    }
    bd_ctx c = {&d, have_p ? &p : NULL, BD_SV, NULL};
    c.lang = q->lang >= 0 ? (bd_lang)q->lang : have_p && p.lang >= 0 ? (bd_lang)p.lang : BD_SV;
    rc = bd_check_partnership(c.p, &d, &err);
    if (rc < 0) {
        rc = cli_fail(q->partnership, &err);
    } else {
        char *stamp = bd_stamp(q->format, &c);
        c.stamp = stamp;
        rc = write_outputs(q, &c, &err) < 0 ? cli_fail(NULL, &err) : CLI_OK;
        free(stamp);
    }
    bd_doc_close(&d);
    bd_partnership_free(&p);
    return rc;
}
