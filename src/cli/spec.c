/*
 * spec.c - the commands' option tables at work (spec.h): getopt_long built
 * from a table, the options every command shares, and --help.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common/suggest.h"
#include "spec.h"

int cli_quiet = 0;
int cli_no_progress = 0;

/* The common options' ids: above any character a table uses. */
enum { ID_HELP = 0x1001, ID_QUIET, ID_NO_PROGRESS };

static const cli_opt OPT_QUIET = {
    "quiet", 'q', NULL, ID_QUIET,
    "Print nothing on stderr but errors: no summary, no progress. What the command prints "
    "on stdout as its result is unaffected.", NULL, 0};
static const cli_opt OPT_NO_PROGRESS = {
    "no-progress", 0, NULL, ID_NO_PROGRESS,
    "No progress line. Without it, a progress line with the rate and, for a file, the "
    "time left is shown while rows are read, when stderr is a terminal.", NULL, 0};
static const cli_opt OPT_HELP = {"help", 'h', NULL, ID_HELP, "Print this help and exit.", NULL,
                                 0};

#define MAX_OPTS 48

static int has_option(const cli_spec *spec, const char *name)
{
    for (const cli_opt *o = spec->opts; o && o->name; o++)
        if (!strcmp(o->name, name)) return 1;
    return 0;
}

const cli_opt *cli_spec_options(const cli_spec *spec, size_t *n)
{
    static cli_opt all[MAX_OPTS];
    size_t k = 0;
    for (const cli_opt *o = spec->opts; o && o->name && k < MAX_OPTS - 3; o++) all[k++] = *o;
    if (!has_option(spec, "quiet")) all[k++] = OPT_QUIET;
    if (spec->flags & CLI_PROGRESS) all[k++] = OPT_NO_PROGRESS;
    all[k++] = OPT_HELP;
    *n = k;
    return all;
}

/* ---- parsing --------------------------------------------------------------- */

static const cli_spec *built;
static struct option long_opts[MAX_OPTS + 1];
static char short_opts[2 * MAX_OPTS + 2];
static int quiet_id = ID_QUIET;
static int short_id[128]; /* getopt returns a short option's letter: its id */

static void build(const cli_spec *spec)
{
    size_t n, s = 0;
    const cli_opt *all = cli_spec_options(spec, &n);
    short_opts[s++] = ':'; /* a missing value returns ':' */
    memset(short_id, 0, sizeof short_id);
    quiet_id = ID_QUIET;
    for (size_t i = 0; i < n; i++) {
        long_opts[i].name = all[i].name;
        long_opts[i].has_arg = all[i].arg ? required_argument : no_argument;
        long_opts[i].flag = NULL;
        long_opts[i].val = all[i].id;
        if (all[i].short_name) {
            short_id[all[i].short_name & 0x7f] = all[i].id;
            short_opts[s++] = (char)all[i].short_name;
            if (all[i].arg) short_opts[s++] = ':';
        }
        if (!strcmp(all[i].name, "quiet")) quiet_id = all[i].id;
    }
    memset(&long_opts[n], 0, sizeof long_opts[n]);
    short_opts[s] = '\0';
    built = spec;
    optind = 1;
    opterr = 0;
}

/* "--perod=x" -> "perod"; NULL for a short option. */
static const char *long_name_of(const char *arg, char *buf, size_t cap)
{
    if (strncmp(arg, "--", 2) != 0) return NULL;
    snprintf(buf, cap, "%s", arg + 2);
    buf[strcspn(buf, "=")] = '\0';
    return buf;
}

static int unknown_option(const cli_spec *spec, const char *arg)
{
    char name[128];
    const char *want = long_name_of(arg, name, sizeof name);
    if (!want) return cli_usage_error("unknown option '%s'", arg);
    size_t n;
    const cli_opt *all = cli_spec_options(spec, &n);
    const char *names[MAX_OPTS];
    for (size_t i = 0; i < n; i++) names[i] = all[i].name;
    size_t best = unika_suggest(want, names, n);
    if (best < n)
        return cli_usage_error("unknown option '%s' (did you mean '--%s'?)", arg, names[best]);
    return cli_usage_error("unknown option '%s'", arg);
}

int cli_getopt(const cli_spec *spec, int argc, char **argv)
{
    if (built != spec) build(spec);
    for (;;) {
        int c = getopt_long(argc, argv, short_opts, long_opts, NULL);
        if (c == -1) return -1;
        if (c == ':') {
            cli_usage_error("option '%s' needs a value", argv[optind - 1]);
            return CLI_OPT_ERROR;
        }
        if (c == '?') {
            const char *arg = argv[optind - 1];
            if (strncmp(arg, "--", 2) != 0) {
                char sh[3] = {'-', (char)optopt, '\0'};
                cli_usage_error("unknown option '%s'", optopt > 0x20 && optopt < 0x7f ? sh : arg);
            } else if (optopt) { /* a known long option given a value it does not take */
                cli_usage_error("option '%.*s' takes no value", (int)strcspn(arg, "="), arg);
            } else {
                unknown_option(spec, arg);
            }
            return CLI_OPT_ERROR;
        }
        if (c > 0 && c < 128 && short_id[c]) c = short_id[c];
        if (c == ID_HELP) {
            cli_print_help(spec, stdout);
            return CLI_OPT_HELP;
        }
        if (c == quiet_id) cli_quiet = 1;
        if (c == ID_NO_PROGRESS) cli_no_progress = 1;
        if (c == ID_QUIET || c == ID_NO_PROGRESS) continue; /* handled here */
        return c;
    }
}

int cli_opt_exit(int getopt_result)
{
    return getopt_result == CLI_OPT_HELP ? CLI_DONE : CLI_USAGE;
}

/* ---- --help --------------------------------------------------------------- */

#define WIDTH 79
#define HELP_COLUMN 26

/* Writes text from column `col` (the cursor's), wrapping at WIDTH to
 * `indent` spaces. */
static void wrap(FILE *f, const char *text, size_t len, size_t col, size_t indent)
{
    const char *p = text, *end = text + len;
    int first = 1;
    while (p < end) {
        while (p < end && *p == ' ') p++;
        const char *w = p;
        while (p < end && *p != ' ') p++;
        size_t wl = (size_t)(p - w);
        if (!wl) break;
        if (!first && col + 1 + wl > WIDTH) {
            fprintf(f, "\n%*s", (int)indent, "");
            col = indent;
        } else if (!first) {
            fputc(' ', f);
            col++;
        }
        fwrite(w, 1, wl, f);
        col += wl;
        first = 0;
    }
    fputc('\n', f);
}

/* Paragraphs separated by blank lines; preformatted ones (lines opening
 * with two spaces) as they are. */
static void paragraphs(FILE *f, const char *text)
{
    for (const char *p = text; p && *p;) {
        const char *end = strstr(p, "\n\n");
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n >= 2 && p[0] == ' ' && p[1] == ' ') fprintf(f, "%.*s\n", (int)n, p);
        else wrap(f, p, n, 0, 0);
        if (!end) break;
        fputc('\n', f);
        p = end + 2;
    }
}

static void option_lines(FILE *f, const cli_spec *spec)
{
    size_t n;
    const cli_opt *all = cli_spec_options(spec, &n);
    for (size_t i = 0; i < n; i++) {
        char label[96];
        if (all[i].short_name)
            snprintf(label, sizeof label, "  -%c, --%s%s%s", all[i].short_name, all[i].name,
                     all[i].arg ? " " : "", all[i].arg ? all[i].arg : "");
        else
            snprintf(label, sizeof label, "      --%s%s%s", all[i].name, all[i].arg ? " " : "",
                     all[i].arg ? all[i].arg : "");
        size_t ll = strlen(label);
        if (ll + 2 > HELP_COLUMN) fprintf(f, "%s\n%*s", label, HELP_COLUMN, "");
        else fprintf(f, "%s%*s", label, (int)(HELP_COLUMN - ll), "");
        wrap(f, all[i].help, strlen(all[i].help), HELP_COLUMN, HELP_COLUMN);
    }
}

static void usage_lines(FILE *f, const cli_spec *spec, int *first)
{
    const char *p = spec->synopsis;
    for (;;) {
        const char *nl = strchr(p, '\n');
        int n = nl ? (int)(nl - p) : (int)strlen(p);
        fprintf(f, "%s unika %s %.*s\n", *first ? "usage:" : "      ", spec->name, n, p);
        *first = 0;
        if (!nl) break;
        p = nl + 1;
    }
}

void cli_print_help(const cli_spec *spec, FILE *f)
{
    int first = 1;
    if (spec->subs)
        for (const cli_spec *const *s = spec->subs; *s; s++) usage_lines(f, *s, &first);
    else
        usage_lines(f, spec, &first);
    fputc('\n', f);
    paragraphs(f, spec->description);
    if (spec->subs) {
        for (const cli_spec *const *s = spec->subs; *s; s++) {
            fprintf(f, "\nunika %s: %s\n", (*s)->name, (*s)->summary);
            paragraphs(f, (*s)->description);
            fputs("\noptions:\n", f);
            option_lines(f, *s);
        }
    } else {
        fputs("\noptions:\n", f);
        option_lines(f, spec);
    }
    fputc('\n', f);
    char status[512];
    snprintf(status, sizeof status,
             "Exit status: 0 success; 1 a problem with an input, or a refusal; 2 a usage "
             "error; 3 out of memory%s%s. More in 'man unika-%.*s' and docs/cli.md.",
             spec->exit_status ? "; " : "", spec->exit_status ? spec->exit_status : "",
             (int)strcspn(spec->name, " "), spec->name);
    paragraphs(f, status);
}

const cli_spec *cli_spec_find(const char *name)
{
    for (size_t i = 0; i < cli_spec_count; i++) {
        const cli_spec *s = cli_specs[i];
        if (!strcmp(s->name, name)) return s;
        for (const cli_spec *const *sub = s->subs; sub && *sub; sub++)
            if (!strcmp((*sub)->name, name)) return *sub;
    }
    return NULL;
}
