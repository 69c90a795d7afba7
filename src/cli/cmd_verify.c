/*
 * cmd_verify.c - `unika verify`: an auditor re-derives every figure of a
 * report from the partners' signed sketch files.
 *
 * Public money follows the partnership's figures, so an auditor must be able
 * to check each one without trusting the analyst who produced it. This file
 * reads the options, the roster, the report and the noise key; the checks
 * themselves, and why they are written apart from `unika report`'s code
 * while the release rules are shared, are in audit/audit.h.
 * No key is needed. Exit 0 only when every check passes.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "cmd_gov.h"
#include "report/report.h"
#include "unika/key.h"
#include "unika/roster.h"

static const cli_opt options[] = {
    {"roster", 0, "ROSTER", 'r', "The partnership roster (unika roster make). Required.",
     CLI_FILE, 0},
    {"report", 0, "FILE", 'R', "The report's JSON (unika report --format json). Required.",
     CLI_FILE, 0},
    {"quiet", 'q', NULL, 'q', "Print only the failures and the summary line.", NULL, 0},
    {"noise-key", 0, "FILE", 'K', "The release noise key, when the report's figures carry "
     "noise (unika report --noise); never the partnership key.", CLI_FILE, 0},
    {"link-manifest", 0, "M", 'M', "The report is over a linker's cells: M is the "
     "manifest.json 'unika link' wrote beside them, signed by the roster's linker; the cells "
     "must be the linker's, under its resolution fingerprint (re-run the resolution itself "
     "with 'unika verify-link').", CLI_FILE, 0},
    {NULL, 0, NULL, 0, NULL, NULL, 0},
};

const cli_spec cli_spec_verify = {
    "verify", "audit a report: signatures, inputs, and every figure recomputed",
    "--roster ROSTER --report REPORT.json [--noise-key FILE] [--link-manifest M] [--quiet] "
    "SKETCH...|DIR...",
    "Audits a report (the JSON of 'unika report --format json') against the partners' "
    "signed sketch files: checks every signature against the roster, that all files share "
    "the roster's partnership key and the report's recipe, that the report cites exactly the "
    "files given, and recomputes every figure (estimate, standard error, 95% interval, "
    "suppression) from the files. Prints an audit log: one line per file and per figure, "
    "'ok' or 'FAIL' with the reason. No key is needed (docs/audit.md).",
    options, CLI_FILE, 0, "1 also when any signature, input or figure failed", NULL};

#define REPORT_MAX ((size_t)256 << 20) /* a report's JSON: 256 MiB at most */

typedef struct verify_opts {
    const char *roster_path, *report_path, *noise_path, *manifest_path;
    int quiet;
    char *const *args;
    size_t nargs;
} verify_opts;

/* The options; CLI_DONE after --help (printed). */
static int parse_args(verify_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    int c;
    while ((c = cli_getopt(&cli_spec_verify, argc, argv)) != -1) {
        switch (c) {
        case 'r': o->roster_path = optarg; break;
        case 'R': o->report_path = optarg; break;
        case 'q': o->quiet = 1; break;
        case 'K': o->noise_path = optarg; break;
        case 'M': o->manifest_path = optarg; break;
        default: return cli_opt_exit(c);
        }
    }
    if (!o->roster_path) return cli_usage_error("--roster ROSTER is required");
    if (!o->report_path) return cli_usage_error("--report REPORT.json is required");
    if (optind >= argc) return cli_usage_error("no sketch files or directories");
    o->args = argv + optind;
    o->nargs = (size_t)(argc - optind);
    return 0;
}

/* The report's JSON, parsed; prints and returns NULL on failure (*rc set). */
static jr_node *read_report(const char *path, int *rc)
{
    unika_error err = {0};
    char *text = NULL;
    size_t size = 0;
    if (cli_read_file(&text, &size, path, REPORT_MAX, &err) < 0) {
        *rc = cli_fail(NULL, &err);
        return NULL;
    }
    char jerr[160];
    jr_node *root = jr_parse(text, size, jerr, sizeof jerr);
    free(text);
    if (!root) {
        cli_errorf("%s: not valid JSON: %s", path, jerr);
        *rc = CLI_INPUT;
    }
    return root;
}

/* The resolution fingerprint of a manifest the roster's linker signed. */
static int link_manifest(uint8_t fp[UNIKA_FINGERPRINT_BYTES], const char *path,
                         const unika_roster *roster)
{
    unika_error err = {0};
    const unika_sign_public *who = NULL;
    if (unika_roster_verify_file(&who, roster, path, NULL, &err) < 0) {
        cli_errorf("%s: %s", path, err.message);
        return CLI_INPUT;
    }
    if (who != unika_roster_linker(roster)) {
        cli_errorf("%s: signed by \"%s\", not by the roster's linker", path, who->name);
        return CLI_INPUT;
    }
    int rc = CLI_OK;
    jr_node *m = read_report(path, &rc);
    const char *hex = m ? jr_str(m, "resolution_fingerprint") : NULL;
    if (m && (!hex || unika_hex_decode(fp, UNIKA_FINGERPRINT_BYTES, hex, strlen(hex)) < 0)) {
        cli_errorf("%s: no resolution_fingerprint", path);
        rc = CLI_INPUT;
    }
    jr_free(m);
    return rc;
}

static int run(const verify_opts *o)
{
    unika_error err = {0};
    audit_options ao = {o->report_path, o->roster_path, o->quiet, NULL, NULL};
    unika_roster *roster = NULL;
    jr_node *root = NULL;
    char **paths = NULL;
    size_t np = 0;
    int rc = CLI_OK;
    if (o->noise_path && unika_key_load(&ao.noise_key, o->noise_path, 0, &err) < 0)
        return cli_fail(o->noise_path, &err);
    if (unika_roster_load(&roster, o->roster_path, &err) < 0) rc = cli_fail(NULL, &err);
    uint8_t resolution[UNIKA_FINGERPRINT_BYTES];
    if (!rc && o->manifest_path && !(rc = link_manifest(resolution, o->manifest_path, roster)))
        ao.resolution_fp = resolution;
    if (!rc) root = read_report(o->report_path, &rc);
    if (!rc) rc = rp_collect(&paths, &np, o->args, o->nargs);
    if (!rc) rc = audit_run(root, roster, paths, np, &ao) ? CLI_INPUT : CLI_OK;
    jr_free(root);
    unika_roster_free(roster);
    unika_key_free(ao.noise_key);
    return rc;
}

int cmd_verify(int argc, char **argv)
{
    verify_opts o;
    int rc = parse_args(&o, argc, argv);
    if (rc) return rc < 0 ? CLI_OK : rc;
    return run(&o);
}
