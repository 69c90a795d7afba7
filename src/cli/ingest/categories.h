/*
 * categories.h - the cells a row is counted in, shared by `unika ingest`
 * (one sketch per cell) and `unika matchkeys` (visits per cell): the
 * options --period, --by, --age-bands and --org, what they need from a
 * profile, and a row's period and --by values (docs/cli.md).
 */
#ifndef UNIKA_CLI_CATEGORIES_H
#define UNIKA_CLI_CATEGORIES_H

#include "cli.h"
#include "unika/profile.h"

#define CLI_MAX_BY 4
#define CLI_MAX_BANDS 32
#define CLI_AGE_BANDS_DEFAULT "0-17,18-20,21-24,25-"

enum cli_grain { CLI_GRAIN_HALF, CLI_GRAIN_YEAR, CLI_GRAIN_MONTH, CLI_GRAIN_ALL };
enum cli_by { CLI_BY_GENDER, CLI_BY_AGE_GROUP, CLI_BY_COUNTRY, CLI_BY_BIRTH_YEAR };
extern const char *const cli_grain_names[4];
extern const char *const cli_by_names[4];

typedef struct cli_band {
    int lo, hi; /* hi < 0: open-ended */
    char label[24];
} cli_band;

typedef struct cli_categories {
    int grain;
    int by[CLI_MAX_BY];
    size_t nby;
    const char *bands_text; /* --age-bands as given */
    cli_band bands[CLI_MAX_BANDS];
    size_t nbands;
} cli_categories;

/* Defaults: half-year, no --by, the default bands. */
void cli_categories_init(cli_categories *c);

/* --period G and --by F: print a usage error and return CLI_USAGE when the
 * value is not allowed (an identifying --by is refused by name). */
int cli_categories_period(cli_categories *c, const char *value);
int cli_categories_by(cli_categories *c, const char *value);

/* Parses c->bands_text; prints a usage error and returns CLI_USAGE if bad. */
int cli_categories_bands(cli_categories *c);

/* 1 when `org` is a valid --org label. */
int cli_valid_org(const char *org);

/* What `ingest` and `matchkeys` both require after their options: exactly
 * one INPUT.csv (*input), --key, --profile and a valid --org. 0, or
 * CLI_USAGE with the usage error printed. */
int cli_partner_args(const char **input, int argc, char **argv, const char *key,
                     const char *profile, const char *org);

/* Checks that the profile provides what the period and --by values need
 * and adds those value columns to *need; prints and returns CLI_INPUT if not. */
int cli_categories_need(const cli_categories *c, const unika_profile *profile,
                        const char *profile_path, unsigned *need);

/* The row's period (at c->grain) and --by values (value[i], capacity
 * UNIKA_LABEL_VALUE_MAX + 1 each) from its values. A row that cannot have
 * them (no visit date with a period, born after the visit) is refused:
 * err set with its line and column, the error code returned. */
#define CLI_VALUE_BYTES 257
int cli_categories_of(const cli_categories *c, const unika_values *v, uint64_t line,
                      char period[16], char value[][CLI_VALUE_BYTES], unika_error *err);

#endif
