/*
 * cmd_profile.c - `unika profile check PROFILE FILE`: does a partner's
 * profile fit its export? Without the partnership key.
 *
 * Whoever sets unika up at a partner is often not a key holder, and the
 * only other way to try a profile, `ingest`, needs the key. This reads the
 * file as ingest would (the same reader, encoding and header binding) and
 * then parses each mapped value of the first rows on its own, so one
 * wrong date format shows as one field failing rather than as every row
 * rejected. It prints column names (from the profile, and the header's
 * unless the header looks like data) and counts, never a value.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest.h"

#define BIT(c) UNIKA_COLUMN_BIT(UNIKA_COLUMN_##c)

/* The report on stdout; with --quiet only its last line, the verdict. */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static void say(const char *fmt, ...)
{
    if (cli_quiet) return;
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

static const cli_opt options[] = {
    {"rows", 0, "N", 'n', "Check the values of the first N rows (default 1000; 0 for every "
     "row).", NULL, 0},
    {NULL, 0, NULL, 0, NULL, NULL, 0},
};

static const cli_spec check_spec = {
    "profile check", "check a profile against a partner's file, without the key",
    "[--rows N] PROFILE FILE",
    "Reads FILE (or - for stdin) as 'unika ingest' would, through PROFILE: its delimiter and "
    "encoding, the header, every mapped column. Prints where each of the profile's columns "
    "is in the header, or that it is missing, with the closest header name when one is "
    "close (\"did you mean\") and the header's columns; then, for each value the profile "
    "yields, how many of the first N rows parse, how many are empty, and why the others do "
    "not, with their first lines. It never prints a value. No key is needed.\\n\\n"
    "Empty cells are counted apart and do not make the profile fail: whether a recipe can do "
    "without the value is for 'unika ingest' to say. With --quiet only the verdict, the last "
    "line, is printed.",
    options, CLI_FILE, CLI_PROGRESS,
    "4 the columns are all there but some values of the rows checked do not parse", NULL};

static const cli_spec *const profile_operations[] = {&check_spec, NULL};

const cli_spec cli_spec_profile = {
    "profile", "check a partner profile against its file, without the key", "",
    "Partner profiles say where the identifying fields are in a partner's export "
    "(docs/profiles.md).",
    NULL, NULL, 0, NULL, profile_operations};

/* The values a profile yields, in the order they are shown. */
static const struct value {
    unika_column column;
    const char *label;
} VALUES[] = {
    {UNIKA_COLUMN_DATE, "date"},         {UNIKA_COLUMN_NAME, "name"},
    {UNIKA_COLUMN_BIRTH_DATE, "birth_date"}, {UNIKA_COLUMN_GENDER, "gender"},
    {UNIKA_COLUMN_COUNTRY, "country"},   {UNIKA_COLUMN_PERSONNUMMER, "personnummer"},
    {UNIKA_COLUMN_DOSSIER, "dossier"},
};
#define NVALUES (sizeof VALUES / sizeof VALUES[0])

/* The columns a profile maps, by their profile key. */
static const struct mapped {
    unika_column column;
    const char *key;
} MAPPED[] = {
    {UNIKA_COLUMN_DATE, "date"},           {UNIKA_COLUMN_NAME, "name"},
    {UNIKA_COLUMN_GIVEN_NAME, "given_name"}, {UNIKA_COLUMN_SURNAME, "surname"},
    {UNIKA_COLUMN_BIRTH_DATE, "birth_date"}, {UNIKA_COLUMN_BIRTH_YEAR, "birth_year"},
    {UNIKA_COLUMN_GENDER, "gender"},       {UNIKA_COLUMN_COUNTRY, "country"},
    {UNIKA_COLUMN_PERSONNUMMER, "personnummer"}, {UNIKA_COLUMN_DOSSIER, "dossier"},
    {UNIKA_COLUMN_ID_AUTO, "id_auto"},
};

typedef struct check {
    const char *profile_path, *file;
    unsigned long max_rows;
    unika_profile *profile;
    cli_input in;
    uint64_t rows, bad_rows, ok[NVALUES], empty[NVALUES], bad[NVALUES], question_marks;
    uint64_t other_kind[NVALUES]; /* id_auto: the number is the other identifier */
    cli_rejects reasons; /* by field and reason */
    unika_values v;
} check;

static int parse_args(check *k, int argc, char **argv)
{
    int c;
    k->max_rows = 1000;
    while ((c = cli_getopt(&check_spec, argc, argv)) != -1) {
        switch (c) {
        case 'n':
            if (cli_parse_uint(&k->max_rows, optarg, 0, ~0ul) < 0)
                return cli_usage_error("--rows must be a whole number (0 for every row)");
            break;
        default: return cli_opt_exit(c);
        }
    }
    if (argc - optind != 2) return cli_usage_error("expected PROFILE and FILE");
    k->profile_path = argv[optind];
    k->file = argv[optind + 1];
    return 0;
}

/* ---- columns ----------------------------------------------------------------- */

/* One line per mapped column; the number missing. */
static int show_columns(const check *k, int header_is_data)
{
    const unika_csv *csv = k->in.csv;
    int missing = 0;
    say("columns:\n");
    for (size_t i = 0; i < sizeof MAPPED / sizeof MAPPED[0]; i++) {
        const char *want = unika_profile_header(k->profile, MAPPED[i].column);
        if (!want) continue;
        long near = -1, at = unika_profile_find_column(k->profile, csv, MAPPED[i].column, &near);
        say("  %-13s '%s'  ", MAPPED[i].key, want);
        if (at >= 0) {
            say("column %ld\n", at + 1);
        } else if (at == -3) {
            say("appears twice in the header (again in column %ld)\n", near + 1);
            missing++;
        } else {
            missing++;
            if (near >= 0 && !header_is_data)
                say("MISSING; did you mean '%s' (column %ld)?\n",
                       unika_csv_header_name(csv, (size_t)near), near + 1);
            else
                say("MISSING\n");
        }
    }
    return missing;
}

static void show_header(const unika_csv *csv, const unika_profile *profile, int header_is_data)
{
    size_t nf = unika_csv_field_count(csv);
    if (header_is_data) {
        say("the first line holds numbers, as data does: the file needs its header line "
               "(its cells are not shown)\n");
        return;
    }
    say("the header has %zu column%s: ", nf, nf == 1 ? "" : "s");
    for (size_t i = 0; i < nf; i++) say("%s%s", i ? ", " : "", unika_csv_header_name(csv, i));
    say("\n");
    char d = unika_profile_delimiter(profile);
    if (nf == 1)
        say("a single column: the file's delimiter is probably not the profile's '%s%c'\n",
            d == '\t' ? "\\" : "", d == '\t' ? 't' : d);
}

/* ---- values ------------------------------------------------------------------ */

static void note_bad(check *k, size_t i, const unika_error *e, uint64_t line)
{
    unika_error x = *e;
    snprintf(x.field, sizeof x.field, "%s", VALUES[i].label);
    k->bad[i]++;
    cli_rejects_add(&k->reasons, "", line, e->column, &x);
}

/* A name must normalise (the recipes' first step); an identifier must be a
 * valid number. The text is wiped after. */
static int deeper(check *k, unika_column c, uint64_t line, int date_ok, unika_error *e)
{
    const char *t = k->v.text[c];
    size_t n = k->v.size[c];
    int rc = 0;
    if (c == UNIKA_COLUMN_NAME) {
        static char buf[UNIKA_NAME_MAX_BYTES];
        rc = unika_normalize_name(buf, sizeof buf, NULL, t, n, e);
        cli_wipe(buf, sizeof buf);
        if (memchr(t, '?', n)) k->question_marks++;
    } else if (c == UNIKA_COLUMN_PERSONNUMMER && !(k->v.normalised & BIT(PERSONNUMMER))) {
        char buf[UNIKA_PERSONNUMMER_BYTES];
        unika_pnr_kind kind;
        rc = unika_personnummer_normalize(buf, &kind, t, n, date_ok ? &k->v.visit : NULL, e);
        cli_wipe(buf, sizeof buf);
    } else if (c == UNIKA_COLUMN_DOSSIER && !(k->v.normalised & BIT(DOSSIER))) {
        char buf[UNIKA_DOSSIER_BYTES];
        rc = unika_dossier_normalize(buf, t, n, e);
        cli_wipe(buf, sizeof buf);
    }
    if (rc < 0) {
        uint64_t col = k->v.column[c];
        cli_error_prefix(e, "line %llu, column %llu (%s): ", (unsigned long long)line,
                         (unsigned long long)col, e->field[0] ? e->field : "value");
        e->column = col;
    }
    return rc;
}

/* An id_auto cell that holds the other identifier reads as an empty one. */
static int is_other_kind(const check *k, unika_column c)
{
    if (c != UNIKA_COLUMN_PERSONNUMMER && c != UNIKA_COLUMN_DOSSIER) return 0;
    long ix = unika_profile_column_index(k->profile, UNIKA_COLUMN_ID_AUTO);
    if (ix < 0) return 0;
    size_t n;
    const char *cell = unika_csv_field(k->in.csv, (size_t)ix, &n);
    while (n && (cell[n - 1] == ' ' || cell[n - 1] == '\t')) n--;
    while (n && (*cell == ' ' || *cell == '\t')) cell++, n--;
    return n > 0;
}

static int check_row(void *ctx, uint64_t line)
{
    check *k = ctx;
    if (k->max_rows && k->rows > k->max_rows) return CLI_DONE; /* enough */
    unsigned provides = unika_profile_provides(k->profile);
    int date_ok = 0, row_bad = 0;
    memset(&k->v, 0, sizeof k->v);
    for (size_t i = 0; i < NVALUES; i++) {
        unsigned bit = UNIKA_COLUMN_BIT(VALUES[i].column);
        if (!(provides & bit)) continue;
        unika_error e = {0};
        int rc = unika_profile_read(&k->v, k->profile, k->in.csv, bit, &e);
        if (rc == UNIKA_ECSV) return cli_fail(k->in.path, &e);
        if (rc == 0 && (k->v.empty & bit)) {
            if (is_other_kind(k, VALUES[i].column)) k->other_kind[i]++;
            else k->empty[i]++;
            continue;
        }
        if (rc == 0) rc = deeper(k, VALUES[i].column, line, date_ok, &e);
        if (rc < 0) {
            note_bad(k, i, &e, line);
            row_bad = 1;
            continue;
        }
        k->ok[i]++;
        if (VALUES[i].column == UNIKA_COLUMN_DATE) date_ok = 1;
    }
    k->bad_rows += (uint64_t)row_bad;
    return CLI_OK;
}

static void show_values(check *k)
{
    unsigned provides = unika_profile_provides(k->profile);
    if (k->max_rows && k->rows > k->max_rows) k->rows = k->max_rows;
    say("values of the first %llu row%s:\n", (unsigned long long)k->rows,
           k->rows == 1 ? "" : "s");
    for (size_t i = 0; i < NVALUES; i++) {
        if (!(provides & UNIKA_COLUMN_BIT(VALUES[i].column))) continue;
        say("  %-13s %llu parse", VALUES[i].label, (unsigned long long)k->ok[i]);
        if (k->empty[i]) say(", %llu empty", (unsigned long long)k->empty[i]);
        if (k->other_kind[i])
            say(", %llu %s (id_auto)", (unsigned long long)k->other_kind[i],
                VALUES[i].column == UNIKA_COLUMN_DOSSIER ? "a personnummer" : "a dossier number");
        if (k->bad[i]) say(", %llu do not", (unsigned long long)k->bad[i]);
        say("\n");
        for (size_t r = 0; r < k->reasons.n; r++) {
            const cli_reason *x = &k->reasons.reasons[r];
            if (strcmp(x->field, VALUES[i].label) != 0) continue;
            say("      %llu: %s [%s], line%s", (unsigned long long)x->count, x->detail,
                   unika_err_name(x->code), x->count > 1 ? "s" : "");
            for (uint64_t l = 0; l < x->count && l < 5; l++)
                say("%s %llu", l ? "," : "", (unsigned long long)x->lines[l]);
            say("%s\n", x->count > 5 ? ", ..." : "");
        }
    }
    if (k->question_marks)
        say("note: %llu name%s hold '?', which a spreadsheet writes for letters its "
               "encoding lacks (Excel's \"CSV (semikolonavgränsad)\" for Ḥ, ʿ, ā, ...): "
               "export \"CSV UTF-8\" instead (docs/csv.md)\n",
               (unsigned long long)k->question_marks, k->question_marks == 1 ? "" : "s");
}

/* ---- the run -------------------------------------------------------------------- */

static int verdict(const check *k, int rc, int missing)
{
    const char *file = k->in.path ? k->in.path : k->file;
    if (missing)
        printf("unika profile check: %s does not fit %s: %d column%s missing\n",
               k->profile_path, file, missing, missing == 1 ? "" : "s");
    else if (rc == CLI_REJECTED)
        printf("unika profile check: %s fits the columns of %s, but values of %llu row%s do "
               "not parse\n", k->profile_path, file, (unsigned long long)k->bad_rows,
               k->bad_rows == 1 ? "" : "s");
    else
        printf("unika profile check: %s fits %s\n", k->profile_path, file);
    return rc;
}

static int run(check *k)
{
    unika_error err = {0};
    if (unika_profile_load(&k->profile, k->profile_path, &err) < 0) return cli_fail(NULL, &err);
    int rc = cli_input_open_header(&k->in, k->file, k->profile);
    if (rc) return rc;
    const char *name = unika_profile_name(k->profile);
    char delim = unika_profile_delimiter(k->profile);
    say("profile %s%s%s%s: delimiter '%s%c', encoding %s\n", k->profile_path,
           name[0] ? " (" : "", name, name[0] ? ")" : "", delim == '\t' ? "\\" : "",
           delim == '\t' ? 't' : delim, unika_encoding_name(unika_profile_encoding(k->profile)));
    say("file %s: read as %s, %zu column%s in the header\n", k->in.path,
           unika_encoding_name(unika_csv_encoding(k->in.csv)), unika_csv_field_count(k->in.csv),
           unika_csv_field_count(k->in.csv) == 1 ? "" : "s");
    int is_data = unika_profile_header_is_data(k->in.csv);
    int missing = show_columns(k, is_data);
    if (missing) {
        show_header(k->in.csv, k->profile, is_data);
        cli_input_close(&k->in);
        return verdict(k, CLI_INPUT, missing);
    }
    if (unika_profile_bind(k->profile, k->in.csv, &err) < 0) {
        cli_input_close(&k->in);
        return cli_fail(k->file, &err);
    }
    rc = cli_rows_each(&k->in, check_row, k, &k->rows);
    cli_input_close(&k->in);
    if (rc == CLI_DONE) rc = CLI_OK;
    if (rc != CLI_OK) return rc;
    show_values(k);
    return verdict(k, k->bad_rows ? CLI_REJECTED : CLI_OK, 0);
}

int cmd_profile(int argc, char **argv)
{
    int is_check = argc >= 2 && !strcmp(argv[1], "check");
    if (is_check && cli_wants_help(argc - 1, argv + 1)) {
        cli_print_help(&check_spec, stdout);
        return CLI_DONE;
    }
    if (argc < 2 || cli_wants_help(argc, argv)) {
        cli_print_help(&cli_spec_profile, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_DONE;
    }
    if (!is_check)
        return cli_usage_error("unknown profile operation '%s' (expected 'check')", argv[1]);
    cli_prog = "profile check";
    check k;
    memset(&k, 0, sizeof k);
    k.reasons.no_recipe = 1;
    int rc = parse_args(&k, argc - 1, argv + 1);
    if (!rc) rc = run(&k);
    cli_rejects_free(&k.reasons);
    unika_profile_free(k.profile);
    cli_wipe(&k.v, sizeof k.v);
    return rc;
}
