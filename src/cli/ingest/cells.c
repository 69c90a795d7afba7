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

/* Keeps [A-Za-z0-9.+-] and writes '-' for anything else, so a file name
 * never holds a separator, a space or a path character. */
static void slug(char *dst, size_t cap, const char *src)
{
    size_t o = 0;
    for (; *src && o + 1 < cap; src++) {
        char ch = *src;
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                 ch == '.' || ch == '+' || ch == '-';
        dst[o++] = ok ? ch : '-';
    }
    dst[o] = '\0';
}

static char *cell_file_name(const cli_cells *g, const cli_cell *c)
{
    char buf[2048], part[600];
    size_t o = (size_t)snprintf(buf, sizeof buf, "%s", g->org);
    if (g->nrecipes > 1) {
        slug(part, sizeof part, unika_recipe_name(g->recipes[c->recipe]));
        o += (size_t)snprintf(buf + o, sizeof buf - o, "_%s", part);
    }
    o += (size_t)snprintf(buf + o, sizeof buf - o, "_%s", c->period);
    for (size_t i = 0; i < g->nby && o < sizeof buf; i++) {
        slug(part, sizeof part, c->values[i]);
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

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && !strcmp(s + n - k, suffix);
}

/* 1 if `dir` holds anything but regular *.uks files and their *.uks.sig
 * signatures (or cannot be read): what an earlier run may have written. */
static int dir_has_foreign(const char *dir, int *empty)
{
    DIR *d = opendir(dir);
    if (!d) return 1;
    struct dirent *e;
    int foreign = 0;
    *empty = 1;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        *empty = 0;
        char path[PATH_MAX];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (!(ends_with(e->d_name, ".uks") || ends_with(e->d_name, ".uks.sig")) ||
            lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
            foreign = 1;
    }
    closedir(d);
    return foreign;
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char path[PATH_MAX];
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* Refuses early, before any row is read, when DIR cannot be the output. */
int cli_cells_check_dir(const char *out_dir, int force)
{
    struct stat st;
    if (stat(out_dir, &st) < 0) return 0;
    if (!S_ISDIR(st.st_mode)) {
        cli_errorf("%s: exists and is not a directory", out_dir);
        return CLI_INPUT;
    }
    int empty = 0;
    int foreign = dir_has_foreign(out_dir, &empty);
    if (empty) return 0;
    if (!force) {
        cli_errorf("%s: exists and is not empty (use --force to replace its sketches)",
                   out_dir);
        return CLI_INPUT;
    }
    if (foreign) {
        cli_errorf("%s: holds files other than .uks sketches and their .sig files; refusing "
                   "to replace it even with --force", out_dir);
        return CLI_INPUT;
    }
    return 0;
}

static int cell_file_cmp(const void *a, const void *b)
{
    return strcmp(((const cli_cell *)a)->file, ((const cli_cell *)b)->file);
}

int cli_cells_write(cli_cells *g, const char *out_dir, unika_sign_key *signer)
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

    size_t n = strlen(out_dir);
    while (n > 1 && out_dir[n - 1] == '/') n--;
    char final[PATH_MAX], stage[PATH_MAX], old[PATH_MAX];
    snprintf(final, sizeof final, "%.*s", (int)n, out_dir);
    if (cli_path_join(stage, sizeof stage, final, ".unika-tmp-", "XXXXXX") < 0 || !mkdtemp(stage)) {
        cli_errorf("%s: cannot create a staging directory beside it: %s", final, strerror(errno));
        return CLI_INPUT;
    }
    unika_error err = {0};
    char path[PATH_MAX];
    for (size_t i = 0; i < g->ncells; i++) {
        if (cli_interrupted) {
            cli_errorf("interrupted");
            remove_tree(stage);
            return CLI_INPUT;
        }
        if (cli_path_join(path, sizeof path, stage, "/", g->cells[i].file) < 0) {
            cli_errorf("%s: path too long", g->cells[i].file);
            remove_tree(stage);
            return CLI_INPUT;
        }
        if (unika_sketch_save(g->cells[i].sketch, path, 0, &err) < 0) {
            remove_tree(stage);
            return cli_fail(NULL, &err);
        }
        /* Signed inside the staging directory: DIR appears signed or not at all. */
        if (signer && unika_sign_file(signer, path, NULL, 0, &err) < 0) {
            cli_errorf("%s: cannot sign: %s", g->cells[i].file, err.message);
            remove_tree(stage);
            return CLI_INPUT;
        }
    }
    if (cli_fsync_dir(stage, &err) < 0) {
        remove_tree(stage);
        return cli_fail(NULL, &err);
    }
    /* Swap into place. An empty or absent DIR is replaced atomically; a DIR
     * of old sketches (--force) is first moved aside, then removed. */
    old[0] = '\0';
    if (rename(stage, final) < 0) {
        if (errno != ENOTEMPTY && errno != EEXIST) {
            cli_errorf("%s: cannot move the sketches into place: %s", final, strerror(errno));
            remove_tree(stage);
            return CLI_INPUT;
        }
        if (cli_path_join(old, sizeof old, final, ".unika-old-", "XXXXXX") < 0 || !mkdtemp(old) || rename(final, old) < 0 || rename(stage, final) < 0) {
            cli_errorf("%s: cannot replace the old sketches: %s", final, strerror(errno));
            remove_tree(stage);
            return CLI_INPUT;
        }
        remove_tree(old);
    }
    char *parent = cli_dirname(final);
    if (parent) {
        cli_fsync_dir(parent, NULL);
        free(parent);
    }
    return 0;
}

