/*
 * ingest.h - shared by `unika ingest` and `unika pseudonymize`: reading a
 * partner CSV through a profile, and turning a row into a pseudonym record.
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
void cli_input_close(cli_input *in);

/* The profile values a recipe needs (mask of 1u << UNIKA_VALUE_*), or -1
 * with the offending field's name in *missing when a field cannot come from
 * a profile at all (digits). */
long cli_recipe_needs(const unika_recipe *recipe, const char **missing);

/* Checks that the profile provides `need`; prints which value is missing
 * (naming `why`) and returns CLI_INPUT if not. */
int cli_profile_check(const unika_profile *profile, const char *profile_path, unsigned need,
                      const char *why);

/* Fills a pseudonym record from a profile record: every value the profile
 * provides is set ("" for an empty cell, so the pseudonym step reports it as
 * empty rather than absent). */
void cli_record_from_profile(unika_record *rec, const unika_profile_record *pr,
                             unsigned provided);

/* Sets the record's personnummer and dossier from a separate extraction. */
void cli_record_ids(unika_record *rec, const unika_profile_record *ids, unsigned provided);

/* The profile column that best explains a pseudonym error's field name,
 * as a 1-based CSV column (0 when unknown). */
uint64_t cli_column_of_field(const unika_profile *profile, const char *field);

/* Loads a key file (refusing open permissions) and, when expect_hex is not
 * NULL, checks its fingerprint; prints and returns CLI_INPUT on failure. */
int cli_load_key(unika_key **key, const char *path, const char *expect_hex);

/* A progress line on stderr, only when stderr is a terminal. */
typedef struct cli_progress {
    int on;
    double last;
    uint64_t total;
} cli_progress;
void cli_progress_start(cli_progress *p, uint64_t total_bytes);
void cli_progress_tick(cli_progress *p, uint64_t rows, uint64_t bytes);
void cli_progress_end(cli_progress *p);

/* Rejected rows, grouped by (recipe, code, field) for the summary, with the
 * details streamed to an optional --rejects file. */
typedef struct cli_reason {
    char recipe[64];
    int code;
    char field[UNIKA_ERROR_FIELD_BYTES];
    uint64_t count;
    uint64_t lines[5];
} cli_reason;

typedef struct cli_rejects {
    cli_reason *reasons;
    size_t n, cap;
    uint64_t total; /* rejections (a row rejected by two recipes counts twice) */
    FILE *detail;   /* NULL without --rejects */
} cli_rejects;

void cli_rejects_add(cli_rejects *r, const char *recipe, uint64_t line, uint64_t column,
                     const unika_error *err);
void cli_rejects_print(const cli_rejects *r, FILE *f);
void cli_rejects_json(const cli_rejects *r, cli_json *j);
void cli_rejects_free(cli_rejects *r);

#endif
