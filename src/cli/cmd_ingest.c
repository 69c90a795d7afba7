/*
 * cmd_ingest.c - `unika ingest`: a partner's CSV in, one sketch per cell out.
 *
 * A cell is (recipe, period, category values). Each row is read through the
 * partner's profile, pseudonymised once per recipe, and added to its cell's
 * sketch; memory grows with the number of cells, never with the rows. All
 * sketches are written into a fresh staging directory beside DIR, which
 * then takes DIR's place by rename, so DIR holds exactly the sketches of one
 * complete run, or is left as it was. With --sign, each sketch's signature
 * (FILE.uks.sig) is written into the staging directory too, so a DIR that
 * exists is complete and signed. docs/cli.md specifies names and labels.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest/categories.h"
#include "ingest/cells.h"
#include "ingest/ingest.h"
#include "unika/sign.h"
#include "unika/sketch.h"
#include "unika/sketch_io.h"

static const cli_opt options[] = {
    {"key", 'k', "K", 'k', "The partnership key file (keys are never given on the command "
     "line).", CLI_FILE, 0},
    {"key-fingerprint", 0, "HEX", 'K', "Refuse (exit 1) unless the key has this fingerprint, "
     "32 hex digits: the guard against another key.", NULL, 0},
    {"profile", 'p', "P", 'p', "The partner profile: columns, delimiter, encoding, date formats "
     "(docs/profiles.md). 'unika profile check' tests one without the key.", CLI_FILE, 0},
    {"org", 0, "NAME", 'O', "The organisation's label and file-name prefix: 1 to 64 letters, "
     "digits, '.', '-' or '_', not starting with '.'.", NULL, 0},
    {"recipe", 'r', "R", 'r', "A recipe name or field list (docs/pseudonyms.md). Repeatable, "
     "up to 8; default " UNIKA_RECIPE_DEFAULT ".", "loose strict dob pnr dossier", CLI_REPEAT},
    {"period", 0, "G", 'P', "Cells by half-year (the default), year, month, or all.",
     "half-year year month all", 0},
    {"by", 0, "FIELD", 'b', "Split cells by gender, age_group, country or birth_year. "
     "Repeatable, up to 4, in the order given.", "gender age_group country birth_year",
     CLI_REPEAT},
    {"age-bands", 0, "B", 'a', "The bands of age_group, from 0, contiguous, ending open; "
     "default 0-17,18-20,21-24,25-.", NULL, 0},
    {"precision", 0, "P", 'x', "Sketch precision 4 to 18 (default 12).", NULL, 0},
    {"rejects", 0, "FILE", 'R', "Write each rejected row's line, column, field, recipe and "
     "reason to FILE (CSV, mode 0600, never a value).", CLI_FILE, 0},
    {"max-rejected", 0, "N|P%", 'M', "Fail with exit status 4, writing no sketch, when more "
     "than N rows, or more than P percent of the rows read, are rejected (by any recipe). "
     "The rejects file is still written.", NULL, 0},
    {"sign", 0, "PARTNER.sec", 'S', "Sign each sketch with the partner's signing key: "
     "FILE.uks.sig beside each FILE.uks.", CLI_FILE, 0},
    {"compact", 0, NULL, 'C', "Write dense sketches in the compact encoding (docs/format.md §7.1): the same "
     "registers in about half the bytes (2.1 KB instead of 4.2 KB at p=12). Every unika "
     "command, the library and the bindings read both encodings.", NULL, 0},
    {"json", 0, NULL, 'j', "Print the summary as JSON on stdout (docs/cli.md).", NULL, 0},
    {"force", 0, NULL, 'f', "Replace an existing DIR that holds only .uks and .uks.sig files, "
     "and an existing rejects file.", NULL, 0},
    {"output", 'o', "DIR", 'o', "The output directory: created, or empty.", CLI_DIR, 0},
    {NULL, 0, NULL, 0, NULL, NULL, 0},
};

const cli_spec cli_spec_ingest = {
    "ingest", "turn a partner's CSV into sketches, one per period and category",
    "--key K --profile P --org NAME [options] INPUT.csv -o DIR",
    "Reads a partner's visit log (INPUT.csv, or - for stdin) through its profile, "
    "pseudonymises each row under the partnership key, and writes one sketch per (recipe, "
    "period, category) cell into DIR as <org>[_<recipe>]_<period>[_<by>-<value>...].uks.\n\n"
    "A malformed file is refused whole and nothing is written: bad CSV, a spreadsheet or a "
    "file in another encoding than the profile's, a missing column, a row with another "
    "number of fields than the header. A row whose values cannot be used is rejected and "
    "reported by line and reason on stderr, never with its values. The last line on stderr "
    "is a summary for scripts: 'unika ingest: summary rows_read=N rows_used=N "
    "rows_rejected=N max_rejected=LIMIT exit=CODE'.",
    options, CLI_FILE, CLI_PROGRESS,
    "4 more rows rejected than --max-rejected allows (nothing written)", NULL};

#define MAX_BY CLI_MAX_BY
#define MAX_RECIPES 8
#define BIT(c) UNIKA_COLUMN_BIT(UNIKA_COLUMN_##c)

typedef struct ingest {
    /* options */
    const char *key_path, *key_fp, *profile_path, *org, *out_dir, *rejects_path, *input;
    const char *sign_path;
    const char *recipe_text[MAX_RECIPES];
    size_t nrecipes;
    cli_categories cat;
    unsigned precision;
    int json, force, compact;
    /* state */
    unika_key *key;
    unika_sign_key *signer; /* --sign, else NULL */
    unika_recipe *recipes[MAX_RECIPES];
    unika_profile *profile;
    cli_cells cells;
    /* per row */
    unsigned need_row, need_recipe[MAX_RECIPES];
    cli_input in;
    unika_values values;
    char period[16], by_value[MAX_BY][CLI_VALUE_BYTES];
    char *by_ptr[MAX_BY];
    uint64_t rows_read, rows_rejected;
    uint64_t used[MAX_RECIPES], rejected[MAX_RECIPES];
    cli_rejects rejects;
    cli_limit limit; /* --max-rejected */
} ingest;

/* ---- option parsing -------------------------------------------------------- */

static int parse_args(ingest *g, int argc, char **argv)
{
    g->precision = UNIKA_SKETCH_P_DEFAULT;
    cli_categories_init(&g->cat);
    int c;
    while ((c = cli_getopt(&cli_spec_ingest, argc, argv)) != -1) {
        switch (c) {
        case 'k': g->key_path = optarg; break;
        case 'r':
            if (g->nrecipes == MAX_RECIPES) return cli_usage_error("at most %d recipes", MAX_RECIPES);
            g->recipe_text[g->nrecipes++] = optarg;
            break;
        case 'p': g->profile_path = optarg; break;
        case 'O': g->org = optarg; break;
        case 'P':
            if (cli_categories_period(&g->cat, optarg)) return CLI_USAGE;
            break;
        case 'b':
            if (cli_categories_by(&g->cat, optarg)) return CLI_USAGE;
            break;
        case 'a': g->cat.bands_text = optarg; break;
        case 'x': {
            unsigned long p;
            if (cli_parse_uint(&p, optarg, UNIKA_SKETCH_P_MIN, UNIKA_SKETCH_P_MAX) < 0)
                return cli_usage_error("--precision must be %d..%d", UNIKA_SKETCH_P_MIN,
                                       UNIKA_SKETCH_P_MAX);
            g->precision = (unsigned)p;
            break;
        }
        case 'R': g->rejects_path = optarg; break;
        case 'j': g->json = 1; break;
        case 'C': g->compact = 1; break;
        case 'f': g->force = 1; break;
        case 'o': g->out_dir = optarg; break;
        case 'K': g->key_fp = optarg; break;
        case 'S': g->sign_path = optarg; break;
        case 'M':
            if (cli_limit_parse(&g->limit, optarg) < 0) return CLI_USAGE;
            break;
        default: return cli_opt_exit(c);
        }
    }
    int rc = cli_partner_args(&g->input, argc, argv, g->key_path, g->profile_path, g->org);
    if (rc) return rc;
    if (!g->out_dir) return cli_usage_error("-o DIR is required");
    if (cli_categories_bands(&g->cat)) return CLI_USAGE;
    if (!g->nrecipes) g->recipe_text[g->nrecipes++] = UNIKA_RECIPE_DEFAULT;
    return 0;
}

/* ---- the run ------------------------------------------------------------------ */

/* Rows no recipe rejected. */
static uint64_t rows_used(const ingest *g)
{
    return g->rows_read - g->rows_rejected;
}

static void summary(ingest *g, const cli_input *in, int over)
{
    FILE *f = stderr;
    fprintf(f, "unika ingest: %s: %llu rows read", in->path, (unsigned long long)g->rows_read);
    if (g->nrecipes == 1)
        fprintf(f, ", %llu used, %llu rejected\n", (unsigned long long)g->used[0],
                (unsigned long long)g->rejected[0]);
    else {
        fputc('\n', f);
        for (size_t r = 0; r < g->nrecipes; r++)
            fprintf(f, "  recipe %s: %llu used, %llu rejected\n", unika_recipe_name(g->recipes[r]),
                    (unsigned long long)g->used[r], (unsigned long long)g->rejected[r]);
    }
    cli_rejects_print(&g->rejects, f);
    if (over) return; /* nothing was written */
    for (size_t i = 0; i < g->cells.ncells; i++)
        fprintf(f, "  %s: %llu row%s\n", g->cells.cells[i].file, (unsigned long long)g->cells.cells[i].rows,
                g->cells.cells[i].rows == 1 ? "" : "s");
    fprintf(f, "unika ingest: wrote %zu sketch%s to %s", g->cells.ncells, g->cells.ncells == 1 ? "" : "es",
            g->out_dir);
    if (g->signer) fprintf(f, ", signed by %s", unika_sign_key_name(g->signer));
    fputc('\n', f);
}

static void summary_json(ingest *g, const cli_input *in, int over)
{
    char hex[UNIKA_FINGERPRINT_HEX_BYTES];
    cli_json j;
    cj_init(&j, stdout);
    cj_obj(&j, NULL);
    cj_int(&j, "version", CLI_JSON_VERSION);
    cj_str(&j, "command", "ingest");
    cj_str(&j, "input", in->path);
    cj_str(&j, "output", g->out_dir);
    cj_str(&j, "org", g->org);
    cj_str(&j, "period", cli_grain_names[g->cat.grain]);
    cj_arr(&j, "by");
    for (size_t i = 0; i < g->cat.nby; i++) cj_str(&j, NULL, cli_by_names[g->cat.by[i]]);
    cj_arr_end(&j);
    cj_int(&j, "precision", g->precision);
    if (g->signer) cj_str(&j, "signer", unika_sign_key_name(g->signer));
    else cj_null(&j, "signer");
    unika_fingerprint_to_hex(hex, unika_key_fingerprint_ptr(g->key));
    cj_str(&j, "key_fingerprint", hex);
    cj_int(&j, "rows_read", (long long)g->rows_read);
    cj_int(&j, "rows_rejected", (long long)g->rows_rejected);
    if (g->limit.text) cj_str(&j, "max_rejected", g->limit.text);
    else cj_null(&j, "max_rejected");
    cj_bool(&j, "written", !over);
    cj_arr(&j, "recipes");
    for (size_t r = 0; r < g->nrecipes; r++) {
        cj_obj(&j, NULL);
        cj_str(&j, "name", unika_recipe_name(g->recipes[r]));
        cj_str(&j, "canonical", unika_recipe_canonical(g->recipes[r]));
        unika_fingerprint_to_hex(hex, unika_recipe_fingerprint_ptr(g->recipes[r]));
        cj_str(&j, "fingerprint", hex);
        cj_int(&j, "rows_used", (long long)g->used[r]);
        cj_int(&j, "rows_rejected", (long long)g->rejected[r]);
        cj_obj_end(&j);
    }
    cj_arr_end(&j);
    cli_rejects_json(&g->rejects, &j);
    cj_arr(&j, "cells");
    for (size_t i = 0; i < (over ? 0 : g->cells.ncells); i++) {
        const cli_cell *c = &g->cells.cells[i];
        cj_obj(&j, NULL);
        cj_str(&j, "file", c->file);
        cj_str(&j, "recipe", unika_recipe_name(g->recipes[c->recipe]));
        cj_obj(&j, "labels");
        for (size_t k = 0; k < unika_sketch_label_count(c->sketch); k++) {
            const char *key, *value;
            if (unika_sketch_label_at(c->sketch, k, &key, &value) == 0) cj_str(&j, key, value);
        }
        cj_obj_end(&j);
        cj_int(&j, "rows", (long long)c->rows);
        unika_estimate e;
        if (unika_sketch_estimate(&e, c->sketch, UNIKA_ESTIMATOR_ML, NULL) == 0) {
            cj_num(&j, "estimate", e.estimate);
            cj_num(&j, "std_error", e.std_error);
            cj_num(&j, "ci_low", e.ci_low);
            cj_num(&j, "ci_high", e.ci_high);
        }
        cj_obj_end(&j);
    }
    cj_arr_end(&j);
    cj_obj_end(&j);
    cj_end(&j);
}

/* Recipes, output place, keys and profile, and what a row must yield: all
 * checked before the first row is read. */
static int prepare(ingest *g)
{
    unika_error err = {0};
    int rc;
    for (size_t r = 0; r < g->nrecipes; r++) {
        if (unika_recipe_parse(&g->recipes[r], g->recipe_text[r], strlen(g->recipe_text[r]),
                               &err) < 0) {
            cli_errorf("--recipe %s: %s", g->recipe_text[r], err.message);
            return CLI_USAGE;
        }
        for (size_t q = 0; q < r; q++)
            if (unika_recipe_equal(g->recipes[q], g->recipes[r]))
                return cli_usage_error("recipe %s given twice", unika_recipe_name(g->recipes[r]));
    }
    if ((rc = cli_cells_check_dir(g->out_dir, g->force))) return rc;
    if (g->rejects_path) {
        /* DIR is replaced as a whole, so the rejects file cannot live in it. */
        char *rdir = cli_dirname(g->rejects_path);
        char a[PATH_MAX], b[PATH_MAX];
        int inside = rdir && realpath(rdir, a) && realpath(g->out_dir, b) && !strcmp(a, b);
        free(rdir);
        if (inside) {
            cli_errorf("--rejects %s: must not be inside the output directory %s",
                       g->rejects_path, g->out_dir);
            return CLI_USAGE;
        }
    }
    if (g->rejects_path && !g->force && cli_exists(g->rejects_path)) {
        cli_errorf("%s: already exists (use --force to replace it)", g->rejects_path);
        return CLI_INPUT;
    }
    if ((rc = cli_load_key(&g->key, g->key_path, g->key_fp))) return rc;
    /* The signing key is loaded before any row is read, so a refused key
     * costs nothing and cannot leave an unsigned DIR behind. */
    if (g->sign_path && unika_sign_key_load(&g->signer, g->sign_path, 0, &err) < 0)
        return cli_fail(g->sign_path, &err);
    if (unika_profile_load(&g->profile, g->profile_path, &err) < 0) return cli_fail(NULL, &err);

    /* What each recipe, the period and the categories need from a row. */
    for (size_t r = 0; r < g->nrecipes; r++) {
        unsigned need;
        if ((rc = cli_recipe_needs(&need, g->recipes[r]))) return rc;
        char why[128];
        snprintf(why, sizeof why, "recipe %s", unika_recipe_name(g->recipes[r]));
        if ((rc = cli_profile_check(g->profile, g->profile_path, need, why))) return rc;
        g->need_recipe[r] = need;
        g->need_row |= need;
    }
    if ((rc = cli_categories_need(&g->cat, g->profile, g->profile_path, &g->need_row)))
        return rc;
    /* A visit date, when the profile has one, lets 10-digit numbers find their century. */
    if (g->need_row & BIT(PERSONNUMMER))
        g->need_row |= unika_profile_provides(g->profile) & BIT(DATE);
    return 0;
}

static void reject(ingest *g, size_t q, uint64_t line, const unika_error *err)
{
    g->rejected[q]++;
    cli_rejects_add(&g->rejects, unika_recipe_name(g->recipes[q]), line, err->column, err);
}

/* One row: its values (identifiers apart: a bad personnummer must reject
 * the row only for the recipes that use it), its cell, and per recipe its
 * pseudonym into the cell's sketch. */
static int ingest_row(void *ctx, uint64_t line)
{
    ingest *g = ctx;
    unika_error err = {0}, id_err = {0};
    int bad = unika_profile_read(&g->values, g->profile, g->in.csv,
                                 g->need_row & ~UNIKA_COLUMNS_ID, &err);
    if (bad == UNIKA_ECSV) return cli_fail(g->in.path, &err);
    int id_bad = !bad && (g->need_row & UNIKA_COLUMNS_ID)
                     ? unika_profile_read(&g->values, g->profile, g->in.csv,
                                          g->need_row & UNIKA_COLUMNS_ID, &id_err)
                     : 0;
    if (!bad) bad = cli_categories_of(&g->cat, &g->values, line, g->period, g->by_value, &err);
    if (bad) {
        /* The message already names line, column and field. */
        g->rows_rejected++;
        for (size_t q = 0; q < g->nrecipes; q++) reject(g, q, line, &err);
        return CLI_OK;
    }
    int row_rejected = 0;
    uint8_t pseudonym[UNIKA_PSEUDONYM_BYTES];
    for (size_t q = 0; q < g->nrecipes; q++) {
        if (id_bad && (g->need_recipe[q] & UNIKA_COLUMNS_ID)) {
            row_rejected = 1;
            reject(g, q, line, &id_err);
            continue;
        }
        if (unika_pseudonym_from_values(pseudonym, g->key, g->recipes[q], &g->values, &err) < 0) {
            /* The pseudonym step names the field and its column: add the line. */
            if (err.column)
                cli_error_prefix(&err, "line %llu, column %llu (%s): ", (unsigned long long)line,
                                 (unsigned long long)err.column, err.field);
            else
                cli_error_prefix(&err, "line %llu (%s): ", (unsigned long long)line, err.field);
            row_rejected = 1;
            reject(g, q, line, &err);
            continue;
        }
        cli_cell *c = cli_cell_get(&g->cells, q, g->period, g->by_ptr, &err);
        if (!c || unika_sketch_add(c->sketch, g->key, pseudonym, &err) < 0)
            return cli_fail(NULL, &err);
        c->rows++;
        g->used[q]++;
    }
    g->rows_rejected += (uint64_t)row_rejected;
    return CLI_OK;
}

static int run(ingest *g)
{
    int rc = prepare(g);
    if (rc) return rc;
    cli_cells *cs = &g->cells;
    cs->org = g->org;
    cs->precision = g->precision;
    cs->key = g->key;
    cs->recipes = g->recipes;
    cs->nrecipes = g->nrecipes;
    cs->nby = g->cat.nby;
    for (size_t i = 0; i < g->cat.nby; i++) {
        cs->by_names[i] = cli_by_names[g->cat.by[i]];
        g->by_ptr[i] = g->by_value[i];
    }
    cli_input *in = &g->in;
    if ((rc = cli_input_open(in, g->input, g->profile))) return rc;
    unika_error err = {0};
    cli_out rej = {0};
    if (g->rejects_path) {
        if (cli_out_open(&rej, g->rejects_path, g->force, 0600, &err) < 0) {
            cli_input_close(in);
            return cli_fail(NULL, &err);
        }
        g->rejects.detail = rej.fp;
        fputs("line,column,field,recipe,code,message\n", rej.fp);
    }
    rc = cli_rows_each(in, ingest_row, g, &g->rows_read);
    cli_input_close(in);
    /* Too many rejected rows: no sketch, so a scheduled job cannot ship a
     * count of the few rows that passed; the rejects file says why. */
    int over = rc == CLI_OK && cli_limit_exceeded(&g->limit, g->rows_rejected, g->rows_read);
    if (rc == CLI_OK && !over) rc = cli_cells_write(cs, g->out_dir, g->signer,
                                                  g->compact ? UNIKA_SAVE_COMPACT : 0);
    if (rc == CLI_OK && g->rejects_path && cli_out_commit(&rej, &err) < 0) rc = cli_fail(NULL, &err);
    if (rc != CLI_OK) {
        if (rej.tmp) cli_out_abort(&rej);
        cli_errorf("nothing written");
        return rc;
    }
    rc = over ? CLI_REJECTED : CLI_OK;
    if (!cli_quiet) summary(g, in, over);
    if (over) cli_limit_refusal(&g->limit, in->path, g->rows_rejected, g->rows_read,
                                "no sketch written");
    cli_summary_line(g->rows_read, rows_used(g), g->rows_rejected, NULL, &g->limit, rc);
    if (g->json) summary_json(g, in, over);
    return rc;
}

int cmd_ingest(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        cli_print_help(&cli_spec_ingest, stdout);
        return CLI_DONE;
    }
    ingest g;
    memset(&g, 0, sizeof g);
    int rc = parse_args(&g, argc, argv);
    if (!rc) rc = run(&g);
    cli_cells_free(&g.cells);
    cli_rejects_free(&g.rejects);
    for (size_t r = 0; r < g.nrecipes; r++) unika_recipe_free(g.recipes[r]);
    unika_profile_free(g.profile);
    unika_key_free(g.key);
    unika_sign_key_free(g.signer);
    return rc;
}
