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

#include "report/compare.h"
#include "report/model.h"

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
     "noise drawn with --noise-key.", "none ckm geometric:", 0},
    {"noise-key", 0, "FILE", 'K', "The release noise key (a 0600 key from 'unika keygen', never "
     "the partnership key).", CLI_FILE, 0},
    {"release-id", 0, "ID", 'I', "Names the publication; part of every noise draw (default: "
     "derived from the input files' digests).", NULL, 0},
    {"release", 0, NULL, 'P', "Preset for publication: --secondary on and, unless given, "
     "--min-count 5 and --round sdc.", NULL, 0},
    {"compare-recipes", 0, NULL, 'C', "Instead of tables: the total, per org and per gender, "
     "for each recipe among the files, side by side.", NULL, 0},
    {"format", 0, "F", 'F', "markdown (the default), csv or json (docs/report.md).",
     "markdown csv json", 0},
    {"output", 'o', "FILE", 'o', "Write to FILE (atomically) instead of stdout.", CLI_FILE, 0},
    {"force", 0, NULL, 'f', "Replace an existing FILE.", NULL, 0},
    {NULL, 0, NULL, 0, NULL, NULL, 0},
};

const cli_spec cli_spec_report = {
    "report", "tables of unique people by label, with unions as totals, and overlaps",
    "[options] FILE...|DIR...",
    "Tables of unique individuals from cell sketches (the files 'unika ingest' writes, or "
    "merged files), with row, column and grand totals computed as unions, never sums. "
    "Without --rows/--cols/--overlap it prints the partnership's standard set: whole period, "
    "by half-year, by year, by org, by gender (and any other category label), half-year x "
    "org, org overlaps. No key is needed.\n\n"
    "Every release parameter, the recipe, the key fingerprint and the input digests are "
    "stamped on the output (docs/report.md, \"Release step\").",
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
    const char *rows, *cols, *overlap, *recipe, *out_path, *noise_key_path, *release_id;
    int fmt, grain, force, secondary, rounding, preset, min_count_given, compare, noise;
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
    case 'K': o->noise_key_path = optarg; break;
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
        else return cli_usage_error("--format must be markdown, csv or json");
        break;
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
    int c, rc;
    while ((c = cli_getopt(&cli_spec_report, argc, argv)) != -1) {
        if (c < 0) return cli_opt_exit(c);
        if ((rc = parse_option(o, c))) return rc;
    }
    if (optind >= argc) return cli_usage_error("no sketch files or directories");
    o->args = argv + optind;
    o->nargs = (size_t)(argc - optind);
    if (o->compare) {
        if (o->rows || o->cols || o->overlap || o->recipe || o->preset || o->rounding >= 0 ||
            o->noise_key_path || o->noise != UNIKA_NOISE_NONE || o->release_id)
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
        o->secondary = 1;
        if (!o->min_count_given) o->min_count = 5;
        if (o->rounding < 0) o->rounding = UNIKA_ROUND_SDC;
    }
    if (o->rounding < 0) o->rounding = UNIKA_ROUND_NONE;
    if (o->noise != UNIKA_NOISE_NONE && !o->noise_key_path)
        return cli_usage_error("--noise needs --noise-key FILE");
    if (o->noise == UNIKA_NOISE_NONE && o->noise_key_path)
        return cli_usage_error("--noise-key is only used with --noise ckm or geometric:EPS");
    return 0;
}

/* The input files (those of --recipe only, when given), checked to share
 * one key and recipe, and never the noise key's. */
static int load_inputs(report *r, const report_opts *o, unika_recipe **want)
{
    unika_error err = {0};
    char **paths = NULL;
    size_t np = 0;
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
            r->skipped_recipe++;
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
    if (!rc) rc = rp_check_origin(r->in, r->n);
    if (rc == CLI_INPUT && !o->recipe && r->n > 1 &&
        memcmp(unika_sketch_recipe_fingerprint(r->in[0].sketch),
               unika_sketch_recipe_fingerprint(r->in[r->n - 1].sketch), UNIKA_FINGERPRINT_BYTES))
        cli_errorf("hint: choose one recipe with --recipe NAME");
    if (!rc && r->noise_key &&
        !memcmp(unika_key_fingerprint_ptr(r->noise_key),
                unika_sketch_key_fingerprint(r->in[0].sketch), UNIKA_FINGERPRINT_BYTES)) {
        cli_errorf("%s: refusing the partnership key as the noise key: whoever holds it could "
                   "recompute the noise (make a release key with unika keygen)",
                   o->noise_key_path);
        rc = CLI_INPUT;
    }
    return rc;
}

/* The tables: the standard set, or the total and what --rows/--cols/--overlap ask. */
static int build(report *r, const report_opts *o)
{
    rp_grain grain = (rp_grain)o->grain;
    if (!o->rows && !o->overlap) return rm_build_default(r, grain);
    int rc = rm_build_total(r);
    if (!rc && o->rows) {
        const char *rows = o->rows, *cols = o->cols;
        char *id = cols ? cli_xprintf("%s_x_%s", rows, cols) : cli_xprintf("by_%s", rows);
        char *title = cols ? cli_xprintf("By %s and %s", rm_label_title(rows, grain),
                                         rm_label_title(cols, grain))
                           : cli_xprintf("By %s", rm_label_title(rows, grain));
        rc = rm_build_table(r, id, title, rows, cols, grain);
        free(id);
        free(title);
    }
    if (!rc && o->overlap) rc = rm_build_overlap(r, o->overlap, grain);
    return rc;
}

/* The report in its format, to stdout or atomically to -o. */
static int render(const report *r, const report_opts *o)
{
    unika_error err = {0};
    cli_out out;
    FILE *f = stdout;
    if (o->out_path) {
        if (cli_out_open(&out, o->out_path, o->force, 0644, &err) < 0) return cli_fail(NULL, &err);
        f = out.fp;
    }
    if (o->fmt == FMT_MARKDOWN) rm_write_markdown(f, r);
    else if (o->fmt == FMT_CSV) rm_write_csv(f, r);
    else rm_write_json(f, r);
    if (o->out_path && cli_out_commit(&out, &err) < 0) return cli_fail(NULL, &err);
    if (!o->out_path && fflush(stdout) != 0) return CLI_INPUT;
    return CLI_OK;
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
    unika_error err = {0};
    report r;
    memset(&r, 0, sizeof r);
    r.min_count = o->min_count;
    r.secondary = o->secondary;
    r.rounding = (unika_rounding)o->rounding;
    r.noise = (unika_noise)o->noise;
    r.epsilon = o->epsilon;
    if (o->noise_key_path && unika_key_load(&r.noise_key, o->noise_key_path, 0, &err) < 0)
        return cli_fail(o->noise_key_path, &err);
    if (r.noise_key) unika_fingerprint_to_hex(r.noise_fp, unika_key_fingerprint_ptr(r.noise_key));
    unika_recipe *want = NULL;
    int rc = load_inputs(&r, o, &want);
    if (!rc) {
        rm_manifest(&r);
        snprintf(r.release_id, sizeof r.release_id, "%s%.16s", o->release_id ? "" : "inputs-",
                 o->release_id ? o->release_id : r.manifest);
        r.recipe_name = want ? unika_recipe_name(want)
                             : unika_sketch_get_label(r.in[0].sketch, "recipe");
        rc = build(&r, o);
    }
    if (!rc) rc = rm_release_apply(&r);
    if (!rc) rc = render(&r, o);
    unika_recipe_free(want);
    rm_report_free(&r);
    return rc;
}

int cmd_report(int argc, char **argv)
{
    report_opts o;
    int rc = parse_args(&o, argc, argv);
    if (rc) return rc < 0 ? CLI_OK : rc;
    return run(&o);
}
