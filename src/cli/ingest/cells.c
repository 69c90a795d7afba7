/*
 * cells.c - `unika ingest`'s cells (cells.h).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest/cells.h"

static uint64_t fnv1a(uint64_t h, const char *s)
{
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return (h ^ 0x1f) * 0x100000001b3ULL; /* separator, so ("ab","c") != ("a","bc") */
}

static uint64_t cell_hash(size_t recipe, const char *period, char *const *values, size_t nby)
{
    uint64_t h = 0xcbf29ce484222325ULL ^ recipe;
    h = fnv1a(h, period);
    for (size_t i = 0; i < nby; i++) h = fnv1a(h, values[i]);
    return h;
}

static int cell_matches(const cli_cell *c, size_t recipe, const char *period, char *const *values,
                        size_t nby)
{
    if (c->recipe != recipe || strcmp(c->period, period)) return 0;
    for (size_t i = 0; i < nby; i++)
        if (strcmp(c->values[i], values[i])) return 0;
    return 1;
}

static int table_grow(cli_cells *g)
{
    size_t size = g->table_size ? g->table_size * 2 : 256;
    size_t *t = calloc(size, sizeof *t);
    if (!t) return -1;
    for (size_t i = 0; i < g->ncells; i++) {
        size_t k = g->cells[i].hash & (size - 1);
        while (t[k]) k = (k + 1) & (size - 1);
        t[k] = i + 1;
    }
    free(g->table);
    g->table = t;
    g->table_size = size;
    return 0;
}

static char *cell_file_name(const cli_cells *g, const cli_cell *c)
{
    char buf[2048], part[600];
    size_t o = (size_t)snprintf(buf, sizeof buf, "%s", g->org);
    if (g->nrecipes > 1) {
        cli_slug(part, sizeof part, unika_recipe_name(g->recipes[c->recipe]));
        o += (size_t)snprintf(buf + o, sizeof buf - o, "_%s", part);
    }
    o += (size_t)snprintf(buf + o, sizeof buf - o, "_%s", c->period);
    for (size_t i = 0; i < g->nby && o < sizeof buf; i++) {
        cli_slug(part, sizeof part, c->values[i]);
        o += (size_t)snprintf(buf + o, sizeof buf - o, "_%s-%s", g->by_names[i], part);
    }
    if (o < sizeof buf) snprintf(buf + o, sizeof buf - o, ".uks");
    return strdup(buf);
}

/* Finds or creates the cell; NULL with err set on failure. */
cli_cell *cli_cell_get(cli_cells *g, size_t recipe, const char *period, char *const *values,
                      unika_error *err)
{
    uint64_t h = cell_hash(recipe, period, values, g->nby);
    if (g->table_size) {
        size_t k = h & (g->table_size - 1);
        while (g->table[k]) {
            cli_cell *c = &g->cells[g->table[k] - 1];
            if (c->hash == h && cell_matches(c, recipe, period, values, g->nby)) return c;
            k = (k + 1) & (g->table_size - 1);
        }
    }
    if (g->ncells == CLI_MAX_CELLS) {
        cli_set_error(err, UNIKA_ERANGE, NULL,
                      "more than %d cells (recipe x period x --by values): use a coarser "
                      "--period or fewer --by fields", CLI_MAX_CELLS);
        return NULL;
    }
    if ((g->ncells + 1) * 2 > g->table_size && table_grow(g) < 0) goto nomem;
    if (g->ncells == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 64;
        cli_cell *p = realloc(g->cells, cap * sizeof *p);
        if (!p) goto nomem;
        g->cells = p;
        g->cap = cap;
    }
    cli_cell *c = &g->cells[g->ncells];
    memset(c, 0, sizeof *c);
    c->recipe = recipe;
    c->hash = h;
    c->period = strdup(period);
    int bad = !c->period;
    for (size_t i = 0; i < g->nby; i++) bad |= !(c->values[i] = strdup(values[i]));
    if (bad) goto nomem_cell;
    int rc = unika_sketch_new(&c->sketch, g->precision, unika_key_fingerprint_ptr(g->key),
                              unika_recipe_fingerprint_ptr(g->recipes[recipe]), err);
    if (rc < 0) goto fail_cell;
    if ((rc = unika_sketch_set_label(c->sketch, "org", g->org, err)) < 0 ||
        (rc = unika_sketch_set_label(c->sketch, "period", period, err)) < 0 ||
        (rc = unika_sketch_set_label(c->sketch, "recipe", unika_recipe_name(g->recipes[recipe]),
                                     err)) < 0)
        goto fail_cell;
    for (size_t i = 0; i < g->nby; i++)
        if ((rc = unika_sketch_set_label(c->sketch, g->by_names[i], values[i], err)) < 0)
            goto fail_cell;
    if (!(c->file = cell_file_name(g, c))) goto nomem_cell;
    g->ncells++;
    size_t k = h & (g->table_size - 1);
    while (g->table[k]) k = (k + 1) & (g->table_size - 1);
    g->table[k] = g->ncells;
    return c;

nomem_cell:
    cli_set_error(err, UNIKA_ENOMEM, NULL, "out of memory");
fail_cell:
    free(c->period);
    for (size_t i = 0; i < g->nby; i++) free(c->values[i]);
    unika_sketch_free(c->sketch);
    free(c->file);
    return NULL;
nomem:
    cli_set_error(err, UNIKA_ENOMEM, NULL, "out of memory");
    return NULL;
}

void cli_cells_free(cli_cells *g)
{
    for (size_t i = 0; i < g->ncells; i++) {
        cli_cell *c = &g->cells[i];
        free(c->period);
        for (size_t k = 0; k < g->nby; k++) free(c->values[k]);
        free(c->file);
        unika_sketch_free(c->sketch);
    }
    free(g->cells);
    free(g->table);
}

/* Refuses early, before any row is read, when DIR cannot be the output. */
int cli_cells_check_dir(const char *out_dir, int force)
{
    static const char *const kinds[] = {".uks", ".uks.sig", NULL};
    return cli_stage_check_dir(out_dir, force, kinds, ".uks sketches and their .sig files");
}

static int cell_file_cmp(const void *a, const void *b)
{
    return strcmp(((const cli_cell *)a)->file, ((const cli_cell *)b)->file);
}

/* One cell's sketch file, signed inside the staging directory: DIR appears
 * signed or not at all. */
static int put_cell(const char *stage, const cli_cell *c, unsigned encoding,
                    const unika_sign_key *signer)
{
    unika_error err = {0};
    size_t size = 0; /* sizing: UNIKA_EBUFFER, or the bound of the format it exceeds */
    if (unika_sketch_serialize(NULL, 0, &size, c->sketch, &err) != UNIKA_EBUFFER)
        return cli_fail(c->file, &err);
    uint8_t *buf = cli_xmalloc(size); /* the plain size bounds the compact one */
    int rc = unika_sketch_serialize_as(buf, size, &size, c->sketch, encoding, &err) < 0
           ? cli_fail(c->file, &err)
           : cli_stage_put(stage, c->file, buf, size, signer);
    free(buf);
    return rc;
}

int cli_cells_write(cli_cells *g, const char *out_dir, unika_sign_key *signer,
                    unsigned save_flags)
{
    /* Sorted by file name: the summary is stable and equal names are adjacent.
     * A file of a header only has no cell (and no array: qsort(NULL, 0) is
     * undefined behaviour). */
    if (g->ncells > 1) qsort(g->cells, g->ncells, sizeof *g->cells, cell_file_cmp);
    for (size_t i = 1; i < g->ncells; i++)
        if (!strcmp(g->cells[i].file, g->cells[i - 1].file)) {
            cli_errorf("two categories map to the same file name %s; nothing written",
                       g->cells[i].file);
            return CLI_INPUT;
        }

    char stage[PATH_MAX];
    if (cli_stage_begin(stage, out_dir) < 0) return CLI_INPUT;
    unsigned encoding = save_flags & UNIKA_SAVE_COMPACT ? UNIKA_ENCODING_COMPACT
                                                        : UNIKA_ENCODING_PLAIN;
    for (size_t i = 0; i < g->ncells; i++) {
        int rc = cli_interrupted ? (cli_errorf("interrupted"), CLI_INPUT)
                                 : put_cell(stage, &g->cells[i], encoding, signer);
        if (rc) {
            cli_stage_abort(stage);
            return rc;
        }
    }
    return cli_stage_commit(stage, out_dir, "sketches");
}

