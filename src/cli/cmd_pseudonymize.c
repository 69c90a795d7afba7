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
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest.h"

static const char help[] =
    "usage: unika pseudonymize --key K [--recipe R] --profile P INPUT.csv -o OUT.csv\n"
    "\n"
    "Writes INPUT.csv's rows to OUT.csv with the columns the profile maps to\n"
    "name, given_name, surname, birth_date, personnummer, dossier or id_auto\n"
    "replaced by one column 'pseudonym' (64 hex digits: the keyed pseudonym of\n"
    "the recipe's fields). Other columns are copied unchanged.\n"
    "\n"
    "  -k, --key K          the partnership key file\n"
    "      --key-fingerprint HEX  refuse unless the key has this fingerprint\n"
    "  -r, --recipe R       recipe name or field list (default " UNIKA_RECIPE_DEFAULT ")\n"
    "  -p, --profile P      the partner profile\n"
    "  -o, --output FILE    the CSV to write (mode 0600; same delimiter, CRLF)\n"
    "      --column NAME    name of the pseudonym column (default pseudonym)\n"
    "      --rejects FILE   line, column, field and reason of rows without a pseudonym\n"
    "      --force          replace existing output files\n"
    "\n"
    "A row whose pseudonym cannot be computed is kept with an empty pseudonym\n"
    "and reported by line. Malformed input is refused and nothing is written.\n"
    "Exit codes: 0 ok, 1 input problem or refusal, 2 usage.\n";

static const unika_profile_column identifying[] = {
    UNIKA_COLUMN_NAME, UNIKA_COLUMN_GIVEN_NAME, UNIKA_COLUMN_SURNAME, UNIKA_COLUMN_BIRTH_DATE,
    UNIKA_COLUMN_PERSONNUMMER, UNIKA_COLUMN_DOSSIER, UNIKA_COLUMN_ID_AUTO,
};

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

int cmd_pseudonymize(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return CLI_OK;
    }
    static const struct option opts[] = {
        {"key", required_argument, NULL, 'k'},
        {"recipe", required_argument, NULL, 'r'},
        {"profile", required_argument, NULL, 'p'},
        {"output", required_argument, NULL, 'o'},
        {"column", required_argument, NULL, 'c'},
        {"rejects", required_argument, NULL, 'R'},
        {"force", no_argument, NULL, 'f'},
        {"key-fingerprint", required_argument, NULL, 'K'},
        {NULL, 0, NULL, 0},
    };
    const char *key_path = NULL, *recipe_text = UNIKA_RECIPE_DEFAULT, *profile_path = NULL;
    const char *key_fp = NULL, *out_path = NULL, *column = "pseudonym", *rejects_path = NULL;
    int force = 0, c, recipes = 0;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":k:r:p:o:", opts, NULL)) != -1) {
        switch (c) {
        case 'k': key_path = optarg; break;
        case 'r': recipe_text = optarg; recipes++; break;
        case 'p': profile_path = optarg; break;
        case 'o': out_path = optarg; break;
        case 'c': column = optarg; break;
        case 'R': rejects_path = optarg; break;
        case 'f': force = 1; break;
        case 'K': key_fp = optarg; break;
        case ':': return cli_usage_error("option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind != 1) return cli_usage_error("expected exactly one INPUT.csv");
    if (!key_path) return cli_usage_error("--key K is required");
    if (!profile_path) return cli_usage_error("--profile P is required");
    if (!out_path) return cli_usage_error("-o OUT.csv is required");
    if (recipes > 1) return cli_usage_error("one --recipe only: a file gets one pseudonym column");
    if (!*column) return cli_usage_error("--column must not be empty");
    const char *input = argv[optind];

    unika_error err = {0};
    unika_recipe *recipe = NULL;
    if (unika_recipe_parse(&recipe, recipe_text, strlen(recipe_text), &err) < 0) {
        cli_errorf("--recipe %s: %s", recipe_text, err.message);
        return CLI_USAGE;
    }
    int rc = CLI_OK;
    unika_key *key = NULL;
    unika_profile *profile = NULL;
    cli_input in = {0};
    cli_out out = {0}, rej = {0};
    cli_rejects rejects = {0};
    long *keep = NULL;
    const char *missing = NULL;
    long need = cli_recipe_needs(recipe, &missing);

    if (!force && (cli_exists(out_path) || (rejects_path && cli_exists(rejects_path)))) {
        cli_errorf("%s: already exists (use --force to replace it)",
                   cli_exists(out_path) ? out_path : rejects_path);
        rc = CLI_INPUT;
        goto done;
    }
    if (need < 0) {
        cli_errorf("recipe %s uses '%s', which no profile column provides",
                   unika_recipe_name(recipe), missing);
        rc = CLI_INPUT;
        goto done;
    }
    if ((rc = cli_load_key(&key, key_path, key_fp))) goto done;
    if (unika_profile_load(&profile, profile_path, &err) < 0) {
        rc = cli_fail(NULL, &err);
        goto done;
    }
    char why[128];
    snprintf(why, sizeof why, "recipe %s", unika_recipe_name(recipe));
    if ((rc = cli_profile_check(profile, profile_path, (unsigned)need, why))) goto done;
    unsigned provided = unika_profile_provides(profile);
    unsigned need_row = (unsigned)need | (provided & (1u << UNIKA_VALUE_DATE));
    if ((rc = cli_input_open(&in, input, profile))) goto done;
    cli_catch_interrupts();

    /* Which input columns survive, and where the pseudonym goes. */
    size_t nf = unika_csv_field_count(in.csv);
    keep = calloc(nf, sizeof *keep);
    if (!keep) {
        cli_errorf("out of memory");
        rc = CLI_NOMEM;
        goto done;
    }
    size_t first_dropped = nf;
    for (size_t i = 0; i < nf; i++) keep[i] = 1;
    for (size_t k = 0; k < sizeof identifying / sizeof *identifying; k++) {
        long ix = unika_profile_column_index(profile, identifying[k]);
        if (ix < 0) continue;
        keep[ix] = 0;
        if ((size_t)ix < first_dropped) first_dropped = (size_t)ix;
    }
    if (cli_out_open(&out, out_path, force, 0600, &err) < 0 ||
        (rejects_path && cli_out_open(&rej, rejects_path, force, 0600, &err) < 0)) {
        rc = cli_fail(NULL, &err);
        goto done;
    }
    if (rejects_path) {
        rejects.detail = rej.fp;
        fputs("line,column,field,recipe,code,message\n", rej.fp);
    }
    char delim = unika_profile_delimiter(profile);

    /* The header, then the rows, through the same column plan. */
    uint64_t rows = 0, rejected = 0;
    unika_profile_record pr;
    unika_record rec;
    uint8_t ps[UNIKA_PSEUDONYM_BYTES];
    char hex[UNIKA_PSEUDONYM_HEX_BYTES];
    cli_progress prog;
    cli_progress_start(&prog, in.size);
    for (int header = 1;; header = 0) {
        const char *pcell = column;
        if (!header) {
            if (cli_interrupted) {
                cli_errorf("interrupted");
                rc = CLI_INPUT;
                break;
            }
            int r = unika_csv_next(in.csv, &err);
            if (r == 0) break;
            if (r < 0) { rc = cli_fail(in.path, &err); break; }
            rows++;
            if ((rows & 0xffff) == 0) cli_progress_tick(&prog, rows, unika_csv_bytes_consumed(in.csv));
            uint64_t line = unika_csv_line(in.csv);
            int bad = unika_profile_extract(&pr, profile, in.csv, need_row, &err);
            if (bad == UNIKA_ECSV) { rc = cli_fail(in.path, &err); break; }
            if (!bad) {
                cli_record_from_profile(&rec, &pr, provided & need_row);
                bad = unika_pseudonym_from_record(ps, key, recipe, &rec, &err);
                if (bad) {
                    err.column = cli_column_of_field(profile, err.field);
                    cli_error_prefix(&err, "line %llu (%s): ", (unsigned long long)line, err.field);
                }
            }
            if (bad) {
                rejected++;
                cli_rejects_add(&rejects, unika_recipe_name(recipe), line, err.column, &err);
                pcell = "";
            } else {
                unika_pseudonym_to_hex(hex, ps);
                pcell = hex;
            }
        }
        int first = 1;
        for (size_t i = 0; i < nf; i++) {
            if (i == first_dropped) {
                if (!first) fputc(delim, out.fp);
                put_field(out.fp, pcell, strlen(pcell), delim);
                first = 0;
            }
            if (!keep[i]) continue;
            size_t n;
            const char *s = unika_csv_field(in.csv, i, &n);
            if (!first) fputc(delim, out.fp);
            put_field(out.fp, s, n, delim);
            first = 0;
        }
        if (first_dropped == nf) { /* nothing identifying mapped: append */
            if (!first) fputc(delim, out.fp);
            put_field(out.fp, pcell, strlen(pcell), delim);
        }
        fputs("\r\n", out.fp);
    }
    cli_progress_end(&prog);
    if (rc == CLI_OK && cli_out_commit(&out, &err) < 0) rc = cli_fail(NULL, &err);
    if (rc == CLI_OK && rejects_path && cli_out_commit(&rej, &err) < 0) rc = cli_fail(NULL, &err);
    if (rc == CLI_OK) {
        fprintf(stderr, "unika pseudonymize: %s: %llu rows read, %llu pseudonymised, %llu rejected\n",
                in.path, (unsigned long long)rows, (unsigned long long)(rows - rejected),
                (unsigned long long)rejected);
        cli_rejects_print(&rejects, stderr);
        fprintf(stderr, "unika pseudonymize: wrote %s\n", out_path);
    } else {
        cli_errorf("nothing written");
    }

done:
    if (out.tmp) cli_out_abort(&out);
    if (rej.tmp) cli_out_abort(&rej);
    cli_input_close(&in);
    free(keep);
    cli_rejects_free(&rejects);
    unika_profile_free(profile);
    unika_recipe_free(recipe);
    unika_key_free(key);
    return rc;
}
