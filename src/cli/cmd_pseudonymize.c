/*
 * cmd_pseudonymize.c - `unika pseudonymize`: the same CSV rows with the
 * identifying columns replaced by one pseudonym column.
 *
 * For partners whose own case systems should keep pseudonymous records:
 * the row stays, its direct identifiers go. Dropped are the columns the
 * profile maps to name, given_name, surname, birth_date, personnummer,
 * dossier and id_auto; the visit date, gender, country, birth year and
 * unmapped columns stay (a table by age or gender still needs them). The
 * pseudonym column takes the place of the first dropped column.
 */
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest.h"

static const cli_opt options[] = {
    {"key", 'k', "K", 'k', "The partnership key file.", CLI_FILE, 0},
    {"key-fingerprint", 0, "HEX", 'K', "Refuse (exit 1) unless the key has this fingerprint.",
     NULL, 0},
    {"recipe", 'r', "R", 'r', "A recipe name or field list (default " UNIKA_RECIPE_DEFAULT
     "); one only: a file gets one pseudonym column.", "loose strict dob pnr dossier", 0},
    {"profile", 'p', "P", 'p', "The partner profile (docs/profiles.md).", CLI_FILE, 0},
    {"output", 'o', "OUT.csv", 'o', "The CSV to write: mode 0600, UTF-8, the input's "
     "delimiter, CRLF line ends.", CLI_FILE, 0},
    {"column", 0, "NAME", 'c', "The pseudonym column's name (default pseudonym).", NULL, 0},
    {"rejects", 0, "FILE", 'R', "Write the line, column, field and reason of each row "
     "without a pseudonym to FILE (CSV, never a value).", CLI_FILE, 0},
    {"max-rejected", 0, "N|P%", 'M', "Fail with exit status 4, writing no OUT.csv, when more "
     "than N rows, or more than P percent of the rows read, get no pseudonym.", NULL, 0},
    {"force", 0, NULL, 'f', "Replace existing output files.", NULL, 0},
    {NULL, 0, NULL, 0, NULL, NULL, 0},
};

const cli_spec cli_spec_pseudonymize = {
    "pseudonymize", "replace a CSV's identifying columns by one pseudonym column",
    "--key K [--recipe R] --profile P [options] INPUT.csv -o OUT.csv",
    "Writes INPUT.csv's rows to OUT.csv with the columns the profile maps to name, "
    "given_name, surname, birth_date, personnummer, dossier or id_auto replaced by one "
    "column 'pseudonym' (64 hex digits: the keyed pseudonym of the recipe's fields). Other "
    "columns are copied unchanged.\n\n"
    "A row whose pseudonym cannot be computed is kept with an empty pseudonym and reported "
    "by line. Malformed input is refused and nothing is written. The last line on stderr is "
    "a summary for scripts, as for ingest.",
    options, CLI_FILE, CLI_PROGRESS,
    "4 more rows without a pseudonym than --max-rejected allows (nothing written)", NULL};

static const unika_column identifying[] = {
    UNIKA_COLUMN_NAME, UNIKA_COLUMN_GIVEN_NAME, UNIKA_COLUMN_SURNAME, UNIKA_COLUMN_BIRTH_DATE,
    UNIKA_COLUMN_PERSONNUMMER, UNIKA_COLUMN_DOSSIER, UNIKA_COLUMN_ID_AUTO,
};

typedef struct pseudonymize {
    /* options */
    const char *key_path, *recipe_text, *profile_path, *key_fp, *out_path, *column;
    const char *rejects_path, *input;
    int force;
    /* state */
    unika_recipe *recipe;
    unika_key *key;
    unika_profile *profile;
    cli_input in;
    cli_out out, rej;
    cli_rejects rejects;
    cli_limit limit; /* --max-rejected */
    unsigned need_row;
    unika_values values;
    long *keep;           /* per input column: copied (1) or dropped (0) */
    size_t nf, first_dropped;
    char delim;
    uint64_t rows, rejected;
} pseudonymize;

/* Writes one CSV field, quoted when it holds the delimiter, a quote or a
 * line break (RFC 4180). */
static void put_field(FILE *f, const char *s, size_t n, char delim)
{
    int quote = 0;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == delim || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        fwrite(s, 1, n, f);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') fputc('"', f);
        fputc(s[i], f);
    }
    fputc('"', f);
}

/* The current CSV record through the column plan: kept columns as they are,
 * `pcell` in the place of the first dropped one (or at the end). */
static void write_row(pseudonymize *ps, const char *pcell)
{
    FILE *f = ps->out.fp;
    int first = 1;
    for (size_t i = 0; i < ps->nf; i++) {
        if (i == ps->first_dropped) {
            if (!first) fputc(ps->delim, f);
            put_field(f, pcell, strlen(pcell), ps->delim);
            first = 0;
        }
        if (!ps->keep[i]) continue;
        size_t n;
        const char *s = unika_csv_field(ps->in.csv, i, &n);
        if (!first) fputc(ps->delim, f);
        put_field(f, s, n, ps->delim);
        first = 0;
    }
    if (ps->first_dropped == ps->nf) { /* nothing identifying mapped: append */
        if (!first) fputc(ps->delim, f);
        put_field(f, pcell, strlen(pcell), ps->delim);
    }
    fputs("\r\n", f);
}

static int parse_args(pseudonymize *ps, int argc, char **argv)
{
    ps->recipe_text = UNIKA_RECIPE_DEFAULT;
    ps->column = "pseudonym";
    int c, recipes = 0;
    while ((c = cli_getopt(&cli_spec_pseudonymize, argc, argv)) != -1) {
        switch (c) {
        case 'k': ps->key_path = optarg; break;
        case 'r': ps->recipe_text = optarg; recipes++; break;
        case 'p': ps->profile_path = optarg; break;
        case 'o': ps->out_path = optarg; break;
        case 'c': ps->column = optarg; break;
        case 'R': ps->rejects_path = optarg; break;
        case 'f': ps->force = 1; break;
        case 'K': ps->key_fp = optarg; break;
        case 'M':
            if (cli_limit_parse(&ps->limit, optarg) < 0) return CLI_USAGE;
            break;
        default: return cli_opt_exit(c);
        }
    }
    if (argc - optind != 1) return cli_usage_error("expected exactly one INPUT.csv");
    if (!ps->key_path) return cli_usage_error("--key K is required");
    if (!ps->profile_path) return cli_usage_error("--profile P is required");
    if (!ps->out_path) return cli_usage_error("-o OUT.csv is required");
    if (recipes > 1) return cli_usage_error("one --recipe only: a file gets one pseudonym column");
    if (!*ps->column) return cli_usage_error("--column must not be empty");
    ps->input = argv[optind];
    return 0;
}

/* Recipe, outputs, key, profile and input, checked before any row is read. */
static int prepare(pseudonymize *ps)
{
    unika_error err = {0};
    if (unika_recipe_parse(&ps->recipe, ps->recipe_text, strlen(ps->recipe_text), &err) < 0) {
        cli_errorf("--recipe %s: %s", ps->recipe_text, err.message);
        return CLI_USAGE;
    }
    if (!ps->force &&
        (cli_exists(ps->out_path) || (ps->rejects_path && cli_exists(ps->rejects_path)))) {
        cli_errorf("%s: already exists (use --force to replace it)",
                   cli_exists(ps->out_path) ? ps->out_path : ps->rejects_path);
        return CLI_INPUT;
    }
    unsigned need;
    int rc = cli_recipe_needs(&need, ps->recipe);
    if (!rc) rc = cli_load_key(&ps->key, ps->key_path, ps->key_fp);
    if (rc) return rc;
    if (unika_profile_load(&ps->profile, ps->profile_path, &err) < 0) return cli_fail(NULL, &err);
    char why[128];
    snprintf(why, sizeof why, "recipe %s", unika_recipe_name(ps->recipe));
    if ((rc = cli_profile_check(ps->profile, ps->profile_path, need, why))) return rc;
    ps->need_row = need | (unika_profile_provides(ps->profile) &
                           UNIKA_COLUMN_BIT(UNIKA_COLUMN_DATE));
    if ((rc = cli_input_open(&ps->in, ps->input, ps->profile))) return rc;

    /* Which input columns survive, and where the pseudonym goes. */
    ps->nf = unika_csv_field_count(ps->in.csv);
    ps->keep = cli_xcalloc(ps->nf, sizeof *ps->keep);
    ps->first_dropped = ps->nf;
    for (size_t i = 0; i < ps->nf; i++) ps->keep[i] = 1;
    for (size_t k = 0; k < sizeof identifying / sizeof *identifying; k++) {
        long ix = unika_profile_column_index(ps->profile, identifying[k]);
        if (ix < 0) continue;
        ps->keep[ix] = 0;
        if ((size_t)ix < ps->first_dropped) ps->first_dropped = (size_t)ix;
    }
    if (cli_out_open(&ps->out, ps->out_path, ps->force, 0600, &err) < 0 ||
        (ps->rejects_path && cli_out_open(&ps->rej, ps->rejects_path, ps->force, 0600, &err) < 0))
        return cli_fail(NULL, &err);
    if (ps->rejects_path) {
        ps->rejects.detail = ps->rej.fp;
        fputs("line,column,field,recipe,code,message\n", ps->rej.fp);
    }
    ps->delim = unika_profile_delimiter(ps->profile);
    return 0;
}

/* One row: its values and pseudonym (the library's two calls), then the
 * row through the column plan; a row without a pseudonym keeps an empty one. */
static int pseudonymize_row(void *ctx, uint64_t line)
{
    pseudonymize *ps = ctx;
    unika_error err = {0};
    uint8_t p[UNIKA_PSEUDONYM_BYTES];
    char hex[UNIKA_PSEUDONYM_HEX_BYTES];
    int bad = unika_profile_read(&ps->values, ps->profile, ps->in.csv, ps->need_row, &err);
    if (bad == UNIKA_ECSV) return cli_fail(ps->in.path, &err);
    if (!bad) {
        bad = unika_pseudonym_from_values(p, ps->key, ps->recipe, &ps->values, &err);
        if (bad) cli_error_prefix(&err, "line %llu (%s): ", (unsigned long long)line, err.field);
    }
    const char *pcell = hex;
    if (bad) {
        ps->rejected++;
        cli_rejects_add(&ps->rejects, unika_recipe_name(ps->recipe), line, err.column, &err);
        pcell = "";
    } else {
        unika_pseudonym_to_hex(hex, p);
    }
    write_row(ps, pcell);
    return CLI_OK;
}

static int run(pseudonymize *ps)
{
    int rc = prepare(ps);
    if (rc) return rc;
    write_row(ps, ps->column); /* the header, through the same column plan */
    rc = cli_rows_each(&ps->in, pseudonymize_row, ps, &ps->rows);
    unika_error err = {0};
    int over = rc == CLI_OK && cli_limit_exceeded(&ps->limit, ps->rejected, ps->rows);
    if (over) cli_out_abort(&ps->out); /* no OUT.csv; the rejects file says why */
    if (rc == CLI_OK && !over && cli_out_commit(&ps->out, &err) < 0) rc = cli_fail(NULL, &err);
    if (rc == CLI_OK && ps->rejects_path && cli_out_commit(&ps->rej, &err) < 0)
        rc = cli_fail(NULL, &err);
    if (rc != CLI_OK) {
        cli_errorf("nothing written");
        return rc;
    }
    rc = over ? CLI_REJECTED : CLI_OK;
    if (!cli_quiet) {
        fprintf(stderr, "unika pseudonymize: %s: %llu rows read, %llu pseudonymised, %llu "
                "rejected\n", ps->in.path, (unsigned long long)ps->rows,
                (unsigned long long)(ps->rows - ps->rejected), (unsigned long long)ps->rejected);
        cli_rejects_print(&ps->rejects, stderr);
        if (!over) fprintf(stderr, "unika pseudonymize: wrote %s\n", ps->out_path);
    }
    if (over) {
        char what[1024];
        snprintf(what, sizeof what, "%s not written", ps->out_path);
        cli_limit_refusal(&ps->limit, ps->in.path, ps->rejected, ps->rows, what);
    }
    cli_summary_line(ps->rows, ps->rows - ps->rejected, ps->rejected, NULL, &ps->limit, rc);
    return rc;
}

int cmd_pseudonymize(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        cli_print_help(&cli_spec_pseudonymize, stdout);
        return CLI_DONE;
    }
    pseudonymize ps;
    memset(&ps, 0, sizeof ps);
    int rc = parse_args(&ps, argc, argv);
    if (rc) return rc;
    rc = run(&ps);
    if (ps.out.tmp) cli_out_abort(&ps.out);
    if (ps.rej.tmp) cli_out_abort(&ps.rej);
    cli_input_close(&ps.in);
    free(ps.keep);
    cli_rejects_free(&ps.rejects);
    unika_profile_free(ps.profile);
    unika_recipe_free(ps.recipe);
    unika_key_free(ps.key);
    return rc;
}
