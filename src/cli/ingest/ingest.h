/*
 * ingest.h - shared by `unika ingest` and `unika pseudonymize`: reading a
 * partner CSV through a profile, the one row loop, what a recipe needs from
 * a profile, rejected-row bookkeeping, the progress line.
 *
 * A row's values and pseudonyms come from the library in one call each
 * (unika_profile_read(), unika_pseudonym_from_values()); nothing here
 * parses a cell.
 */
#ifndef UNIKA_CLI_INGEST_H
#define UNIKA_CLI_INGEST_H

#include "cli.h"
#include "unika/csv.h"
#include "unika/profile.h"
#include "unika/pseudonym.h"
#include "unika/recipe.h"

/* An input CSV opened through a profile, header read and bound. */
typedef struct cli_input {
    const char *path; /* "-" for stdin */
    FILE *fp;
    unika_csv *csv;
    uint64_t size;    /* bytes, 0 when unknown (a pipe) */
} cli_input;

/* Opens `path` ("-" = stdin), reads the header and binds the profile.
 * Prints the error and returns CLI_INPUT on failure. */
int cli_input_open(cli_input *in, const char *path, unika_profile *profile);
/* The same without binding: the header record is read (unika profile check). */
int cli_input_open_header(cli_input *in, const char *path, const unika_profile *profile);
void cli_input_close(cli_input *in);

/* The value columns (UNIKA_COLUMN_BIT mask) a recipe needs from a profile;
 * prints why and returns CLI_INPUT when no profile can provide one (digits),
 * 0 otherwise. */
int cli_recipe_needs(unsigned *need, const unika_recipe *recipe);

/* Checks that the profile provides `need`; prints which value is missing
 * (naming `why`) and returns CLI_INPUT if not. */
int cli_profile_check(const unika_profile *profile, const char *profile_path, unsigned need,
                      const char *why);

/* The one row loop: for each data row of `in` (until the end, an error, or
 * an interrupt), counts it in *rows, ticks the progress line and calls
 * fn(ctx, line). Returns CLI_OK, fn's non-zero code, or the code of a CSV
 * error (printed, naming the file). */
typedef int (*cli_row_fn)(void *ctx, uint64_t line);
int cli_rows_each(cli_input *in, cli_row_fn fn, void *ctx, uint64_t *rows);

/* Loads a key file (refusing open permissions) and, when expect_hex is not
 * NULL, checks its fingerprint; prints and returns CLI_INPUT on failure. */
int cli_load_key(unika_key **key, const char *path, const char *expect_hex);

/* A progress line on stderr while rows are read: rows, rate and, for a
 * file, percent and time left. Only when stderr is a terminal, and neither
 * --quiet nor --no-progress was given. */
typedef struct cli_progress {
    int on, shown;
    double start, last;
    uint64_t total;
} cli_progress;
void cli_progress_start(cli_progress *p, uint64_t total_bytes);
void cli_progress_tick(cli_progress *p, uint64_t rows, uint64_t bytes);
void cli_progress_end(cli_progress *p);

/* --max-rejected N|P%: how many rejected rows, or which share of the rows
 * read, a run may have before it fails with CLI_REJECTED and writes
 * nothing (its rejects file apart). */
typedef struct cli_limit {
    const char *text; /* as given; NULL when there is no limit */
    int percent;
    uint64_t n;       /* rows */
    double p;         /* percent of the rows read */
} cli_limit;

/* Parses N or P% (0 <= P <= 100); prints a usage error and returns -1 if bad. */
int cli_limit_parse(cli_limit *l, const char *text);

/* 1 when `rejected` of `read` rows is over the limit. */
int cli_limit_exceeded(const cli_limit *l, uint64_t rejected, uint64_t read);

/* The refusal: "FILE: R of N rows rejected (P%), more than --max-rejected L
 * allows: nothing written (OUTPUT)". */
void cli_limit_refusal(const cli_limit *l, const char *file, uint64_t rejected, uint64_t read,
                       const char *nothing);

/* The last line on stderr, for scripts (not with --quiet):
 * "unika CMD: summary rows_read=N rows_used=N rows_rejected=N[ EXTRA]
 * max_rejected=LIMIT exit=CODE". `extra` is NULL or " key=value...". */
void cli_summary_line(uint64_t read, uint64_t used, uint64_t rejected, const char *extra,
                      const cli_limit *l, int exit_code);

/* Rejected rows, grouped by (recipe, field, code, detail) for the summary,
 * with each row streamed to an optional --rejects file. */
typedef struct cli_reason {
    char recipe[64];
    int code;
    char field[UNIKA_ERROR_FIELD_BYTES];
    /* The library's message without its place (line, column, character):
     * "expected YYYY-MM-DD", "no such day in that month". */
    char detail[UNIKA_ERROR_MESSAGE_BYTES];
    uint64_t count;
    uint64_t lines[5];
} cli_reason;

typedef struct cli_rejects {
    cli_reason *reasons;
    size_t n, cap;
    uint64_t total; /* rejections (a row rejected by two recipes counts twice) */
    /* How the summary words them: "rejected 2 (recipe loose): ..." by default;
     * with `verb` "dropped" and no_recipe, "dropped 2: ..." (unika matchkeys). */
    const char *verb;
    int no_recipe;
    FILE *detail;   /* NULL without --rejects */
} cli_rejects;

void cli_rejects_add(cli_rejects *r, const char *recipe, uint64_t line, uint64_t column,
                     const unika_error *err);
void cli_rejects_print(const cli_rejects *r, FILE *f);
void cli_rejects_json(const cli_rejects *r, cli_json *j); /* under "rejects" */
void cli_rejects_json_as(const cli_rejects *r, cli_json *j, const char *key);
void cli_rejects_free(cli_rejects *r);

#endif
