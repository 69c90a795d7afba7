/*
 * cells.h - `unika ingest`'s cells: one sketch per (recipe, period, --by
 * values), found by hash as rows arrive, and written together into a
 * staging directory that replaces DIR atomically (docs/cli.md).
 */
#ifndef UNIKA_CLI_CELLS_H
#define UNIKA_CLI_CELLS_H

#include "cli.h"
#include "ingest/categories.h"

/* Open cells, each a sketch held until the end (~2 KiB when small, 2^p when
 * dense): --by country on a dirty or hostile file would otherwise grow
 * memory and output files with the rows (docs/resources.md). */
#define CLI_MAX_CELLS 16384

typedef struct cli_cell {
    size_t recipe;
    char *period;
    char *values[CLI_MAX_BY];
    char *file;
    unika_sketch *sketch;
    uint64_t rows;
    uint64_t hash;
} cli_cell;

typedef struct cli_cells {
    /* what every cell carries, set by the caller */
    const char *org;
    unsigned precision;
    const unika_key *key;
    unika_recipe *const *recipes;
    size_t nrecipes;
    const char *by_names[CLI_MAX_BY]; /* label keys of the --by categories */
    size_t nby;
    /* the cells */
    cli_cell *cells;
    size_t ncells, cap;
    size_t *table; /* open addressing: index + 1, 0 = empty */
    size_t table_size;
} cli_cells;

/* Finds or creates the cell; NULL with err set on failure (UNIKA_ERANGE
 * past CLI_MAX_CELLS, UNIKA_ENOMEM, or the sketch's error). */
cli_cell *cli_cell_get(cli_cells *g, size_t recipe, const char *period, char *const *values,
                       unika_error *err);

/* Refuses early, before any row is read, when DIR cannot be the output
 * (not a directory; not empty without force; foreign files even with it). */
int cli_cells_check_dir(const char *out_dir, int force);

/* Writes every cell (signed with signer, if not NULL) into a staging
 * directory and moves it into place as out_dir, with unika_sketch_save's
 * save_flags (UNIKA_SAVE_COMPACT for --compact). Sorts the cells by file
 * name. Prints its errors; returns CLI_OK or CLI_INPUT. */
int cli_cells_write(cli_cells *g, const char *out_dir, unika_sign_key *signer,
                    unsigned save_flags);

void cli_cells_free(cli_cells *g);

#endif
