/*
 * link/link.c - inputs and outputs of a resolution (link/link.h).
 */
#include <stdlib.h>
#include <string.h>

#include "link/link.h"

/* ---- inputs ------------------------------------------------------------------- */

/* The file's own checks: it reads, its signature, its signer, its key. */
static int check_one(const unika_roster *roster, const char *path, unika_mkreader **r,
                     cli_link_input *in)
{
    unika_error err = {0};
    if (unika_mkreader_open(r, path, &err) < 0) return cli_fail(path, &err);
    const unika_mkfile_header *h = unika_mkreader_header(*r);
    snprintf(in->org, sizeof in->org, "%s", h->org);
    const unika_sign_public *who = NULL;
    if (unika_roster_verify_file(&who, roster, path, NULL, &err) < 0) {
        cli_errorf("%s: %s", path, err.message);
        return CLI_INPUT;
    }
    snprintf(in->signer, sizeof in->signer, "%s", who->name);
    /* a partner signs its own organisation's file, as the roster allows it; never the
     * linker, though the roster lets it sign the cells of every organisation */
    const char *org = h->org;
    if (who == unika_roster_linker(roster) || unika_roster_authorize(roster, who, &org, 1, &err) < 0) {
        cli_errorf("%s: signed by \"%s\", who may not sign for organisation %s (a partner "
                   "signs its own match-key file)", path, who->name, h->org);
        return CLI_INPUT;
    }
    if (unika_roster_check_key_fingerprint(roster, h->key_fp, &err) < 0) {
        cli_errorf("%s: %s", path, err.message);
        return CLI_INPUT;
    }
    if (cli_file_digest(in->digest, path, &err) < 0) return cli_fail(path, &err);
    return 0;
}

int cli_link_add_inputs(unika_linkage *lk, const unika_roster *roster, char *const *paths,
                        size_t n, cli_link_input *info)
{
    for (size_t i = 0; i < n; i++) {
        cli_link_input *in = &info[i];
        memset(in, 0, sizeof *in);
        in->path = paths[i];
        unika_mkreader *r = NULL;
        int rc = check_one(roster, paths[i], &r, in);
        for (size_t k = 0; rc == 0 && k < i; k++) {
            if (!memcmp(info[k].digest, in->digest, sizeof in->digest)) {
                cli_errorf("%s: the same file as %s (given twice)", paths[i], paths[k]);
                rc = CLI_INPUT;
            } else if (!strcmp(info[k].org, in->org)) {
                cli_errorf("%s: a second match-key file of organisation %s (the other is %s): "
                           "one file per organisation", paths[i], in->org, paths[k]);
                rc = CLI_INPUT;
            }
        }
        unika_error err = {0};
        if (rc == 0 && unika_linkage_add(lk, r, in->digest, in->signer, &err) < 0)
            rc = cli_fail(paths[i], &err);
        unika_mkreader_free(r);
        if (rc) return rc;
    }
    return CLI_OK;
}

/* ---- outputs ------------------------------------------------------------------ */

static char *cell_name(const unika_sketch *s, const unika_link_params *p)
{
    char buf[2048], part[600];
    size_t o = 0;
    cli_slug(part, sizeof part, unika_sketch_get_label(s, "org"));
    o += (size_t)snprintf(buf + o, sizeof buf - o, "%s", part);
    cli_slug(part, sizeof part, unika_sketch_get_label(s, "period"));
    o += (size_t)snprintf(buf + o, sizeof buf - o, "_%s", part);
    for (size_t i = 0; i < p->by_count && o < sizeof buf; i++) {
        cli_slug(part, sizeof part, unika_sketch_get_label(s, p->by[i]));
        o += (size_t)snprintf(buf + o, sizeof buf - o, "_%s-%s", p->by[i], part);
    }
    if (o < sizeof buf) snprintf(buf + o, sizeof buf - o, "_draw-%s.uks",
                                 unika_sketch_get_label(s, "draw"));
    return cli_xstrdup(buf);
}

static int serialize(uint8_t **bytes, size_t *size, const unika_sketch *s, unika_error *err)
{
    int rc = unika_sketch_serialized_size(size, s);
    if (rc < 0) return cli_set_error(err, rc, NULL, "a cell exceeds the sketch format's bounds");
    *bytes = cli_xmalloc(*size);
    return unika_sketch_serialize(*bytes, *size, size, s, err);
}

typedef struct named {
    char *name;
    uint8_t *bytes;
    size_t size;
} named;

static int named_cmp(const void *a, const void *b)
{
    return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

int cli_link_make_outputs(cli_link_outputs *o, const unika_linkage *lk,
                          const unika_link_params *params)
{
    memset(o, 0, sizeof *o);
    unika_error err = {0};
    unika_sketch **cells = NULL;
    size_t n = 0;
    if (unika_linkage_cells(lk, 0, &cells, &n, &err) < 0) return cli_fail(NULL, &err);
    named *v = cli_xcalloc(n ? n : 1, sizeof *v);
    int rc = CLI_OK;
    for (size_t i = 0; i < n; i++) {
        v[i].name = cell_name(cells[i], params);
        if (rc == CLI_OK && serialize(&v[i].bytes, &v[i].size, cells[i], &err) < 0)
            rc = cli_fail(v[i].name, &err);
    }
    unika_link_cells_free(cells, n);
    /* the estimates (docs/linkage.md, "The estimator"), listed and signed like a cell */
    v = cli_xrealloc(v, (n + 1) * sizeof *v);
    memset(&v[n], 0, sizeof v[n]);
    v[n].name = cli_xstrdup(CLI_LINK_ESTIMATES);
    if (rc == CLI_OK) {
        char *json = NULL;
        size_t size = 0;
        if (unika_linkage_estimates(lk, &json, &size, &err) < 0)
            rc = cli_fail(CLI_LINK_ESTIMATES, &err);
        v[n].bytes = cli_xmalloc(size ? size : 1);
        if (json) memcpy(v[n].bytes, json, size);
        v[n].size = size;
        unika_linkage_estimates_free(json);
    }
    n++;
    qsort(v, n, sizeof *v, named_cmp);
    for (size_t i = 1; rc == CLI_OK && i < n; i++)
        if (!strcmp(v[i].name, v[i - 1].name)) {
            cli_errorf("two cells map to the same file name %s", v[i].name);
            rc = CLI_INPUT;
        }
    o->n = n;
    o->name = cli_xcalloc(n ? n : 1, sizeof *o->name);
    o->bytes = cli_xcalloc(n ? n : 1, sizeof *o->bytes);
    o->size = cli_xcalloc(n ? n : 1, sizeof *o->size);
    o->out = cli_xcalloc(n ? n : 1, sizeof *o->out);
    for (size_t i = 0; i < n; i++) {
        o->name[i] = v[i].name;
        o->bytes[i] = v[i].bytes;
        o->size[i] = v[i].size;
        o->out[i].file = v[i].name;
        if (v[i].bytes) unika_file_digest(o->out[i].digest, v[i].bytes, v[i].size);
    }
    free(v);
    if (rc == CLI_OK &&
        unika_linkage_manifest(lk, o->out, n, &o->manifest, &o->manifest_size, &err) < 0)
        rc = cli_fail(CLI_LINK_MANIFEST, &err);
    return rc;
}

void cli_link_outputs_free(cli_link_outputs *o)
{
    for (size_t i = 0; i < o->n; i++) {
        free(o->name[i]);
        free(o->bytes[i]);
    }
    free(o->name);
    free(o->bytes);
    free(o->size);
    free(o->out);
    unika_link_manifest_free(o->manifest);
    memset(o, 0, sizeof *o);
}
