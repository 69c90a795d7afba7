/*
 * cmd_report.c - `unika report`: tables of unique individuals from cell
 * sketches (docs/report.md).
 *
 * The command only reads its options, loads the files and picks the
 * tables; the figure model (report/model.c: unions, never sums), the
 * release step (the library's unika_release_apply(), which `unika verify`
 * re-applies) and one renderer per format (report/render_*.c) do the rest.
 * An estimate below --min-count is shown as "<N", secondary suppression
 * withholds more (".."), then optional keyed noise and rounding; withheld
 * numbers are absent from every format.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/board.h"
#include "report/compare.h"
#include "report/linkest.h"
#include "report/model.h"
#include "report/render.h"

static const cli_opt options[] = {
    {"rows", 0, "LABEL", 'r', "One row per value of LABEL (org, period, gender, ...).", NULL, 0},
    {"cols", 0, "LABEL", 'c', "One column per value of LABEL.", NULL, 0},
    {"overlap", 0, "LABEL", 'O', "Pairwise overlaps between the values of LABEL.", NULL, 0},
    {"period-grain", 0, "G", 'g', "half-year (the default), year, month or all: periods are "
     "rolled up to G by merging cells.", "half-year year month all", 0},
    {"recipe", 0, "NAME", 'R', "Use only files made with this recipe (otherwise files of "
     "different recipes are refused).", NULL, 0},
    {"min-count", 0, "N", 'm', "Show estimates below N as <N (default 5; 0 = off).", NULL, 0},
    {"secondary", 0, "on|off", 'S', "Secondary suppression (default on): where a row, column, "
     "table or overlap would let a withheld figure be recovered, withhold more (shown as ..).",
     "on off", 0},
    {"round", 0, "R", 'U', "none (the default), base5, base10 or sdc (counts below 100 to 5, "
     "others and whole-period totals to 10).", "none base5 base10 sdc", 0},
    {"noise", 0, "M", 'N', "none (the default), ckm (-2..+2) or geometric:EPS: deterministic "
     "noise drawn with the release key.", "none ckm geometric:", 0},
    {"release-key", 0, "FILE", 'K', "The release key (a 0600 key from 'unika keygen', never the "
     "partnership key; the aggregator keeps it and gives it to the auditor): keys the "
     "commitment to the input files, which a report publishes instead of their digests, and "
     "the noise. Without it the report cannot be audited.", CLI_FILE, 0},
    {"noise-key", 0, "FILE", 'K', "An older name for --release-key.", CLI_FILE, 0},
    {"release-id", 0, "ID", 'I', "Names the publication; part of every noise draw (default: "
     "from the commitment to the input files).", NULL, 0},
    {"release", 0, NULL, 'P', "Preset for publication: needs --release-key; --secondary on "
     "and, unless given, --min-count 5 and --round sdc.", NULL, 0},
    {"compare-recipes", 0, NULL, 'C', "Instead of tables: the total, per org and per gender, "
     "for each recipe among the files, side by side.", NULL, 0},
    {"format", 0, "F", 'F', "markdown (the default), csv or json (docs/report.md); for the "
     "board: html, xlsx or csv-sv (Swedish Excel's dialect, with a .stamp.csv beside it). "
     "Every format but json is rendered from the report's JSON.",
     "markdown csv json html xlsx csv-sv", 0},
    {"lang", 0, "L", 'L', "The board's formats in sv or en (default: the partnership file's "
     "language, else sv).", "sv en", 0},
    {"partnership", 0, "FILE", 'A', "Display names and the language of the board's formats "
     "(docs/partnership.md).", CLI_FILE, 0},
    {"from", 0, "REPORT.json", 'M', "Render an existing report's JSON (the audited one) instead "
     "of reading sketch files.", CLI_FILE, 0},
    {"estimates", 0, "FILE", 'E', "The linker's estimates.json (unika link; docs/linkage.md "
     "15): over the linker's cells, every figure's estimate and interval become the ones "
     "corrected for linkage error, the cells' own count staying beside them as "
     "'deterministic'. A figure the estimates do not cover is refused.", CLI_FILE, 0},
    {"roster", 0, "R", 'X', "Refuse any input that is not signed by a key the roster R lets "
     "sign for its organisations (with --coordinator).", CLI_FILE, 0},
    CLI_COORDINATOR_OPT('Y'),
    {"output", 'o', "FILE", 'o', "Write to FILE (atomically) instead of stdout.", CLI_FILE, 0},
    {"force", 0, NULL, 'f', "Replace an existing FILE.", NULL, 0},
    {NULL, 0, NULL, 0, NULL, NULL, 0},
};

const cli_spec cli_spec_report = {
    "report", "tables of unique people by label, with unions as totals, and overlaps",
    "[options] FILE...|DIR...\n"
    "--from REPORT.json --format markdown|csv|html|xlsx|csv-sv [--lang sv|en] "
    "[--partnership FILE] [-o FILE [--force]]",
    "Tables of unique individuals from cell sketches (the files 'unika ingest' writes, or "
    "merged files), with row, column and grand totals computed as unions, never sums. "
    "Without --rows/--cols/--overlap it prints the partnership's standard set: whole period, "
    "by half-year, by year, by org, by gender (and any other category label), half-year x "
    "org, org overlaps. No key is needed.\n\n"
    "Every release parameter, the recipe, the key fingerprint and the commitment to the inputs "
    "are stamped on the output (docs/report.md, \"Release step\"); markdown and CSV end with "
    "the digest of the JSON they were rendered from.",
    options, CLI_FILE, 0, NULL, NULL};

/* ---- the command ------------------------------------------------------------------------ */


static int valid_label(const char *s)
{
    size_t n = strlen(s);
    if (!n || n > UNIKA_LABEL_KEY_MAX) return 0;
    return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

static int rounding_from_name(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (!strcmp(s, rm_rounding_names[i])) return i;
    return -1;
}

static int parse_noise(int *mech, double *eps, const char *s)
{
    *eps = 0;
    if (!strcmp(s, "none")) *mech = UNIKA_NOISE_NONE;
    else if (!strcmp(s, "ckm")) *mech = UNIKA_NOISE_CKM;
    else if (!strncmp(s, "geometric:", 10)) {
        char *end;
        *eps = strtod(s + 10, &end);
        if (end == s + 10 || *end || !(*eps >= 0.01 && *eps <= 20)) return -1;
        *mech = UNIKA_NOISE_GEOMETRIC;
    } else return -1;
    return 0;
}


typedef struct report_opts {
    const char *rows, *cols, *overlap, *recipe, *out_path, *release_key_path, *release_id, *from;
    const char *roster, *pin, *estimates;
    const char *board, *partnership; /* a board format (report/board.h), its names */
    int fmt, grain, force, secondary, rounding, preset, min_count_given, compare, noise, lang;
    double epsilon;
    unsigned long min_count;
    char *const *args; /* the sketch files and directories */
    size_t nargs;
} report_opts;

/* One option; 0, or the usage error's code. */
static int parse_option(report_opts *o, int c)
{
    switch (c) {
    case 'r': o->rows = optarg; break;
    case 'c': o->cols = optarg; break;
    case 'O': o->overlap = optarg; break;
    case 'R': o->recipe = optarg; break;
    case 'o': o->out_path = optarg; break;
    case 'f': o->force = 1; break;
    case 'g':
        if ((o->grain = rp_grain_from_name(optarg)) < 0)
            return cli_usage_error("--period-grain must be half-year, year, month or all");
        break;
    case 'm':
        if (cli_parse_uint(&o->min_count, optarg, 0, 1000000) < 0)
            return cli_usage_error("--min-count must be a whole number from 0 to 1000000");
        o->min_count_given = 1;
        break;
    case 'S':
        if (!strcmp(optarg, "on")) o->secondary = 1;
        else if (!strcmp(optarg, "off")) o->secondary = 0;
        else return cli_usage_error("--secondary must be on or off");
        break;
    case 'U':
        if ((o->rounding = rounding_from_name(optarg)) < 0)
            return cli_usage_error("--round must be none, base5, base10 or sdc");
        break;
    case 'N':
        if (parse_noise(&o->noise, &o->epsilon, optarg) < 0)
            return cli_usage_error("--noise must be none, ckm or geometric:EPS with EPS from "
                                   "0.01 to 20");
        break;
    case 'K': o->release_key_path = optarg; break;
    case 'M': o->from = optarg; break;
    case 'X': o->roster = optarg; break;
    case 'Y': o->pin = optarg; break;
    case 'E': o->estimates = optarg; break;
    case 'I':
        if (!*optarg || strlen(optarg) > UNIKA_RELEASE_ID_MAX || strpbrk(optarg, "\r\n"))
            return cli_usage_error("--release-id must be 1 to %d bytes on one line",
                                   UNIKA_RELEASE_ID_MAX);
        o->release_id = optarg;
        break;
    case 'P': o->preset = 1; break;
    case 'C': o->compare = 1; break;
    case 'F':
        if (!strcmp(optarg, "markdown")) o->fmt = FMT_MARKDOWN;
        else if (!strcmp(optarg, "csv")) o->fmt = FMT_CSV;
        else if (!strcmp(optarg, "json")) o->fmt = FMT_JSON;
        else if (bd_format_known(optarg)) o->fmt = FMT_MARKDOWN, o->board = optarg;
        else return cli_usage_error("--format must be markdown, csv, json, html, xlsx or csv-sv");
        break;
    case 'L':
        if ((o->lang = bd_lang_from_name(optarg)) < 0)
            return cli_usage_error("--lang: unknown language '%s' (sv or en)", optarg);
        break;
    case 'A': o->partnership = optarg; break;
    default: return cli_usage_error("unknown option or missing value: %s", optarg ? optarg : "");
    }
    return 0;
}

/* The options and what they must agree on; CLI_DONE after --help (printed). */
static int parse_args(report_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->fmt = FMT_MARKDOWN;
    o->grain = RP_HALF;
    o->secondary = 1;
    o->rounding = -1;
    o->noise = UNIKA_NOISE_NONE;
    o->min_count = 5;
    o->lang = -1;
    int c, rc;
    while ((c = cli_getopt(&cli_spec_report, argc, argv)) != -1) {
        if (c < 0) return cli_opt_exit(c);
        if ((rc = parse_option(o, c))) return rc;
    }
    if (o->pin && !o->roster) return cli_usage_error("--coordinator goes with --roster");
    if ((o->lang >= 0 || o->partnership) && !o->board)
        return cli_usage_error("--lang and --partnership go with --format html, xlsx or csv-sv");
    if (o->board && !o->out_path && strcmp(o->board, "html"))
        return cli_usage_error("--format %s needs -o FILE", o->board);
    if (o->from) {
        if (optind < argc)
            return cli_usage_error("--from renders an existing report: no sketch files");
        if (o->fmt == FMT_JSON)
            return cli_usage_error("--from renders a report's JSON as markdown, csv, html, "
                                   "xlsx or csv-sv");
        if (o->rows || o->cols || o->overlap || o->recipe || o->preset || o->rounding >= 0 ||
            o->release_key_path || o->noise != UNIKA_NOISE_NONE || o->release_id || o->compare ||
            o->min_count_given || o->roster)
            return cli_usage_error("--from takes only --format, --lang, --partnership, -o and "
                                   "--force: the report's JSON fixes everything else");
        return 0;
    }
    if (optind >= argc) return cli_usage_error("no sketch files or directories");
    o->args = argv + optind;
    o->nargs = (size_t)(argc - optind);
    if (o->compare) {
        if (o->rows || o->cols || o->overlap || o->recipe || o->preset || o->rounding >= 0 ||
            o->release_key_path || o->noise != UNIKA_NOISE_NONE || o->release_id || o->roster ||
            o->board)
            return cli_usage_error("--compare-recipes takes only --min-count, --format, -o and "
                                   "--force");
        return 0;
    }
    if (o->cols && !o->rows) return cli_usage_error("--cols needs --rows");
    const char *labels[3] = {o->rows, o->cols, o->overlap};
    for (int k = 0; k < 3; k++)
        if (labels[k] && !valid_label(labels[k]))
            return cli_usage_error("'%s' is not a label name ([a-z0-9_.-], 1 to 64 bytes)",
                                   labels[k]);
    if (o->rows && o->cols && !strcmp(o->rows, o->cols))
        return cli_usage_error("--rows and --cols name the same label");
    if (o->preset) {
        if (!o->release_key_path)
            return cli_usage_error("--release needs --release-key FILE: a published report "
                                   "commits to its inputs under it, so that it can be audited");
        o->secondary = 1;
        if (!o->min_count_given) o->min_count = 5;
        if (o->rounding < 0) o->rounding = UNIKA_ROUND_SDC;
    }
    if (o->rounding < 0) o->rounding = UNIKA_ROUND_NONE;
    if (o->noise != UNIKA_NOISE_NONE && !o->release_key_path)
        return cli_usage_error("--noise needs --release-key FILE");
    if (o->release_id && !o->release_key_path)
        return cli_usage_error("--release-id needs --release-key FILE");
    return 0;
}

/* The input files (those of --recipe only, when given), checked to share
 * one key and recipe, and never the release key's. */
static int load_inputs(report *r, const report_opts *o, unika_recipe **want)
{
    unika_error err = {0};
    char **paths = NULL;
    size_t np = 0, skipped = 0;
    int rc = rp_collect(&paths, &np, o->args, o->nargs);
    if (rc) return rc;
    r->in = cli_xrealloc(NULL, np * sizeof *r->in);
    if (o->recipe && unika_recipe_parse(want, o->recipe, strlen(o->recipe), &err) < 0) {
        cli_errorf("--recipe %s: %s", o->recipe, err.message);
        rc = CLI_USAGE;
    }
    for (size_t i = 0; i < np && !rc; i++) {
        rp_input in;
        if ((rc = rp_load(&in, paths[i]))) break;
        if (*want && memcmp(unika_sketch_recipe_fingerprint(in.sketch),
                            unika_recipe_fingerprint_ptr(*want), UNIKA_FINGERPRINT_BYTES)) {
            skipped++;
            rp_input_free(&in);
            continue;
        }
        r->in[r->n++] = in;
    }
    for (size_t i = 0; i < np; i++) free(paths[i]);
    free(paths);
    if (!rc && !r->n) {
        cli_errorf("no sketch file made with recipe %s among the %zu given", o->recipe, np);
        rc = CLI_INPUT;
    }
    /* The analyst's note, not the report's: a count of files is a count of cells. */
    if (!rc && skipped) cli_errorf("note: %zu file(s) of other recipes left out", skipped);
    if (!rc) rc = rp_check_origin(r->in, r->n);
    if (rc == CLI_INPUT && !o->recipe && r->n > 1 &&
        memcmp(unika_sketch_recipe_fingerprint(r->in[0].sketch),
               unika_sketch_recipe_fingerprint(r->in[r->n - 1].sketch), UNIKA_FINGERPRINT_BYTES))
        cli_errorf("hint: choose one recipe with --recipe NAME");
    if (!rc && r->release_key &&
        !memcmp(unika_key_fingerprint_ptr(r->release_key),
                unika_sketch_key_fingerprint(r->in[0].sketch), UNIKA_FINGERPRINT_BYTES)) {
        cli_errorf("%s: refusing the partnership key as the release key: every partner holds "
                   "it, and with it could recompute the noise and test guesses against the "
                   "commitment (make a release key with unika keygen)", o->release_key_path);
        rc = CLI_INPUT;
    }
    return rc;
}

/* With --roster: every input signed, unchanged, by a key the roster lets
 * sign for the input's organisations, under the roster's partnership key. */
static int check_signed(const report *r, const report_opts *o)
{
    unika_roster *roster = NULL;
    int rc = cli_roster_load(&roster, o->roster, o->pin);
    for (size_t i = 0; !rc && i < r->n; i++) {
        const unika_sign_public *who = NULL;
        unika_error err = {0};
        const rp_input *in = &r->in[i];
        if (unika_roster_verify_file(&who, roster, in->path, NULL, &err) < 0)
            rc = cli_fail(strncmp(err.message, in->path, strlen(in->path)) ? in->path : NULL, &err);
        else if (unika_roster_authorize_sketch(roster, who, in->sketch, &err) < 0 ||
                 unika_roster_check_key_fingerprint(roster, unika_sketch_key_fingerprint(in->sketch),
                                                    &err) < 0)
            rc = cli_fail(in->path, &err);
    }
    unika_roster_free(roster);
    return rc;
}

/* `bytes` (a report's JSON) in the format asked for, to stdout or atomically
 * to -o: JSON as it is, anything else rendered from exactly these bytes. */
static int emit(const char *bytes, size_t n, const report_opts *o)
{
    if (o->board) { /* the board's formats (report/board.h) */
        bd_request q = {o->board, o->lang, o->partnership, o->out_path, o->force,
                        o->from ? o->from : "the report's JSON"};
        return bd_render_json(&q, bytes, n);
    }
    unika_error err = {0};
    char *out = NULL;
    size_t out_n = n;
    const char *data = bytes;
    if (o->fmt != FMT_JSON) {
        unika_json *root = NULL;
        rd_doc d;
        memset(&d, 0, sizeof d);
        int rc = unika_json_parse(&root, bytes, n, &err);
        if (rc == 0) rc = rd_open(&d, root, (const uint8_t *)bytes, n, &err);
        if (rc == 0) {
            const rm_renderer *r = rm_renderer_find(o->fmt == FMT_CSV ? "csv" : "markdown");
            rm_source src = {&d, "", NULL};
            rc = rm_render(&out, &out_n, NULL, NULL, r, &src, &err);
        }
        rd_close(&d);
        unika_json_free(root);
        if (rc < 0) {
            free(out);
            return cli_fail(o->from, &err);
        }
        data = out;
    }
    int rc = CLI_OK;
    if (o->out_path) {
        if (unika_write_file_atomic(o->out_path, data, out_n, 0644, o->force, &err) < 0)
            rc = cli_fail(NULL, &err);
    } else if (fwrite(data, 1, out_n, stdout) != out_n || fflush(stdout) != 0) {
        rc = CLI_INPUT;
    }
    free(out);
    return rc;
}

/* --from: an existing report's JSON, rendered. */
static int run_from(const report_opts *o)
{
    unika_error err = {0};
    char *bytes = NULL;
    size_t n = 0;
    if (cli_read_file(&bytes, &n, o->from, RP_REPORT_MAX, &err) < 0) return cli_fail(NULL, &err);
    int rc = emit(bytes, n, o);
    free(bytes);
    return rc;
}

static int run(const report_opts *o)
{
    if (o->compare)
        return rp_compare_recipes(o->args, o->nargs,
                                  o->fmt == FMT_CSV ? RP_CMP_CSV
                                  : o->fmt == FMT_JSON ? RP_CMP_JSON : RP_CMP_MARKDOWN,
                                  o->out_path, o->force, o->min_count);
    if (!o->force && o->out_path && cli_exists(o->out_path)) {
        cli_errorf("%s: already exists (use --force to replace it)", o->out_path);
        return CLI_INPUT;
    }
    if (o->from) return run_from(o);
    unika_error err = {0};
    unika_key *release_key = NULL;
    if (o->release_key_path && unika_key_load(&release_key, o->release_key_path, 0, &err) < 0)
        return cli_fail(o->release_key_path, &err);
    rp_linkest est;
    memset(&est, 0, sizeof est);
    if (o->estimates && rp_linkest_load(&est, o->estimates) != CLI_OK) {
        unika_key_free(release_key);
        return CLI_INPUT;
    }
    report r;
    memset(&r, 0, sizeof r);
    r.linkest = o->estimates ? &est : NULL;
    r.req = (rm_request){o->rows, o->cols, o->overlap, (rp_grain)o->grain};
    r.min_count = o->min_count;
    r.secondary = o->secondary;
    r.rounding = (unika_rounding)o->rounding;
    r.noise = (unika_noise)o->noise;
    r.epsilon = o->epsilon;
    r.release_key = release_key;
    if (o->release_id) snprintf(r.release_id, sizeof r.release_id, "%s", o->release_id);
    unika_recipe *want = NULL;
    int rc = load_inputs(&r, o, &want);
    if (!rc && o->roster) rc = check_signed(&r, o);
    if (!rc && r.linkest) rc = rp_linkest_check_cells(r.linkest, r.in, r.n, o->estimates);
    if (!rc) {
        r.recipe_name = unika_sketch_get_label(r.in[0].sketch, "recipe");
        rc = rm_commit(&r);
    }
    if (!rc) rc = rm_build(&r);
    if (!rc) rc = rm_release_apply(&r);
    char *json = NULL;
    size_t n = 0;
    if (!rc) {
        json = rm_json_text(&r, &n);
        rc = emit(json, n, o);
    }
    free(json);
    unika_recipe_free(want);
    rm_report_free(&r);
    rp_linkest_free(&est);
    unika_key_free(release_key);
    return rc;
}

int cmd_report(int argc, char **argv)
{
    report_opts o;
    int rc = parse_args(&o, argc, argv);
    if (rc) return rc < 0 ? CLI_OK : rc;
    return run(&o);
}
