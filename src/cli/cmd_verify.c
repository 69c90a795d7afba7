/*
 * cmd_verify.c - `unika verify`: an auditor re-derives every figure of a
 * report from the partners' signed sketch files.
 *
 * Public money follows the partnership's figures, so an auditor must be able
 * to check each one without trusting the analyst who produced it. This file
 * reads the options, the roster (against the pinned coordinator), the
 * report and the release key; the checks themselves, and why they are
 * written apart from `unika report`'s code while the release rules are
 * shared, are in audit/audit.h. No partnership key is needed. Exit 0 only
 * when every check passes.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/audit.h"
#include "cmd_gov.h"
#include "report/board.h"
#include "report/linkest.h"
#include "report/report.h"
#include "unika/key.h"
#include "unika/roster.h"

static const cli_opt options[] = {
    {"roster", 0, "ROSTER", 'r', "The partnership roster (unika roster make). Required.",
     CLI_FILE, 0},
    CLI_COORDINATOR_OPT('c'),
    {"report", 0, "FILE", 'R', "The report's JSON (unika report --format json). Required.",
     CLI_FILE, 0},
    {"release-key", 0, "FILE", 'K', "The release key the report names (the aggregator gives it "
     "to the auditor): opens the commitment to the inputs and recomputes the noise.", CLI_FILE,
     0},
    {"noise-key", 0, "FILE", 'K', "An older name for --release-key.", CLI_FILE, 0},
    {"rendering", 0, "FILE", 'x', "A rendering of the report to check (markdown, CSV, or the "
     "board's HTML, xlsx or Swedish CSV): rendered again from the audited JSON and compared "
     "byte for byte.", CLI_FILE, CLI_REPEAT},
    {"partnership", 0, "FILE", 'A', "The partnership file a board rendering's stamp names "
     "(docs/partnership.md).", CLI_FILE, 0},
    {"manifest", 0, "FILE", 'm', "A partner's signed manifest (*.manifest files in the "
     "directories given are read too).", CLI_FILE, CLI_REPEAT},
    {"without-manifests", 0, NULL, 'W', "Do not check the deliveries' completeness (a file left "
     "out, or replaced by an older version, goes unnoticed).", NULL, 0},
    {"quiet", 'q', NULL, 'q', "Print only the failures and the summary line.", NULL, 0},
    {"estimates", 0, "FILE", 'E', "The linker's estimates.json a report corrected for linkage "
     "error names (unika report --estimates): it must be the one the report names and, with "
     "--link-manifest, the one the linker's manifest lists (else signed by the linker); every "
     "corrected figure is derived again from it.", CLI_FILE, 0},
    {"link-manifest", 0, "M", 'M', "The report is over a linker's cells: M is the "
     "manifest.json 'unika link' wrote beside them, signed by the roster's linker; the cells "
     "must be the linker's, under its resolution fingerprint, and exactly the manifest's "
     "(re-run the resolution itself with 'unika verify-link'). Partners' manifests do not "
     "apply to a linker's cells.", CLI_FILE, 0},
    {NULL, 0, NULL, 0, NULL, NULL, 0},
};

const cli_spec cli_spec_verify = {
    "verify", "audit a report: signatures, inputs, and every figure recomputed",
    "--roster ROSTER --coordinator FP|FILE --report REPORT.json [--release-key FILE]\n"
    "[--rendering FILE]... [--partnership FILE] [--manifest FILE]... [--without-manifests] "
    "[--link-manifest M [--estimates FILE]] [--quiet] SKETCH...|DIR...",
    "Audits a report (the JSON of 'unika report --format json') against the partners' "
    "signed sketch files: the roster counts only if the pinned coordinator signed it; every "
    "file must be signed by a key the roster lets sign for the file's organisations, under "
    "the roster's partnership key and the report's recipe; each partner's signed manifest "
    "must list exactly its files given (none left out, none superseded); the files must open "
    "the report's commitment to its inputs; and every figure (estimate, interval, "
    "suppression, noise, rounding) is recomputed from the files, and the whole JSON rebuilt "
    "and compared byte for byte. Each --rendering (the markdown, CSV, HTML, xlsx or Swedish "
    "CSV a reader sees) is "
    "rendered again from the audited JSON and compared byte for byte. Prints an audit log: "
    "one line per check, 'ok' or 'FAIL' with the reason. No partnership key is needed "
    "(docs/audit.md).",
    options, CLI_FILE, 0, "1 also when any check failed", NULL};


typedef struct verify_opts {
    const char *roster_path, *report_path, *release_path, *pin, *partnership_path;
    const char *link_manifest_path, *estimates_path;
    int quiet, without_manifests;
    char **renderings, **manifests;
    size_t nrenderings, nmanifests;
    char *const *args;
    size_t nargs;
} verify_opts;

static void push(char ***v, size_t *n, const char *s)
{
    *v = cli_xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = cli_xstrdup(s);
}

/* The options; CLI_DONE after --help (printed). */
static int parse_args(verify_opts *o, int argc, char **argv)
{
    int c;
    while ((c = cli_getopt(&cli_spec_verify, argc, argv)) != -1) {
        switch (c) {
        case 'r': o->roster_path = optarg; break;
        case 'c': o->pin = optarg; break;
        case 'R': o->report_path = optarg; break;
        case 'q': o->quiet = 1; break;
        case 'K': o->release_path = optarg; break;
        case 'x': push(&o->renderings, &o->nrenderings, optarg); break;
        case 'A': o->partnership_path = optarg; break;
        case 'm': push(&o->manifests, &o->nmanifests, optarg); break;
        case 'W': o->without_manifests = 1; break;
        case 'M': o->link_manifest_path = optarg; break;
        case 'E': o->estimates_path = optarg; break;
        default: return cli_opt_exit(c);
        }
    }
    if (!o->roster_path) return cli_usage_error("--roster ROSTER is required");
    if (!o->report_path) return cli_usage_error("--report REPORT.json is required");
    if (o->without_manifests && o->nmanifests)
        return cli_usage_error("--manifest and --without-manifests exclude each other");
    if (optind >= argc) return cli_usage_error("no sketch files or directories");
    o->args = argv + optind;
    o->nargs = (size_t)(argc - optind);
    return 0;
}

/* Adds every *.manifest below dir (hidden entries skipped), in byte order. */
static void find_manifests(verify_opts *o, const char *dir, int depth)
{
    DIR *d = depth <= 16 ? opendir(dir) : NULL;
    if (!d) return;
    char **found = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char *p = cli_xprintf("%s/%s", dir, e->d_name);
        struct stat st;
        size_t len = strlen(e->d_name);
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) find_manifests(o, p, depth + 1);
        else if (len > 9 && !strcmp(e->d_name + len - 9, ".manifest")) push(&found, &n, p);
        free(p);
    }
    closedir(d);
    for (size_t a = 1; a < n; a++) /* a handful: insertion sort */
        for (size_t b = a; b > 0 && strcmp(found[b - 1], found[b]) > 0; b--) {
            char *t = found[b];
            found[b] = found[b - 1];
            found[b - 1] = t;
        }
    for (size_t i = 0; i < n; i++) {
        push(&o->manifests, &o->nmanifests, found[i]);
        free(found[i]);
    }
    free(found);
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

/* The resolution fingerprint of a manifest the roster's linker signed, and
 * the digest it lists for estimates.json ("" when none). */
static int link_manifest(uint8_t fp[UNIKA_FINGERPRINT_BYTES], char est_hex[RP_DIGEST_HEX_BYTES],
                         const char *path, const unika_roster *roster)
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
    char *text = NULL;
    size_t size = 0;
    unika_json *m = NULL;
    if (cli_read_file(&text, &size, path, RP_REPORT_MAX, &err) < 0 ||
        unika_json_parse(&m, text, size, &err) < 0) {
        free(text);
        return cli_fail(path, &err);
    }
    const char *hex = unika_json_str(m, "resolution_fingerprint");
    const unika_json *outs = unika_json_get(m, "outputs");
    est_hex[0] = '\0';
    for (size_t i = 0; outs && outs->type == UNIKA_JSON_ARRAY && i < outs->n; i++) {
        const char *file = unika_json_str(outs->items[i], "file");
        const char *d = unika_json_str(outs->items[i], "digest");
        if (file && d && !strcmp(file, "estimates.json") && strlen(d) == RP_DIGEST_HEX_BYTES - 1)
            memcpy(est_hex, d, RP_DIGEST_HEX_BYTES);
    }
    int rc = CLI_OK;
    if (!hex || unika_hex_decode(fp, UNIKA_FINGERPRINT_BYTES, hex, strlen(hex)) != 0) {
        cli_errorf("%s: no resolution_fingerprint", path);
        rc = CLI_INPUT;
    }
    unika_json_free(m);
    free(text);
    return rc;
}

/* The linker's estimates a corrected report names: given exactly when the
 * report names some, the same bytes, and the linker's (listed in its signed
 * manifest, or signed by it). */
static int estimates_of(rp_linkest *est, const verify_opts *o, const unika_json *root,
                        const char *listed, const unika_roster *roster)
{
    const char *named = unika_json_str(unika_json_get(root, "release"), "linkage_estimates");
    if (!o->estimates_path) {
        if (!named) return CLI_OK;
        cli_errorf("%s: its figures are corrected by the linker's estimates %.16s...: give them "
                   "with --estimates", o->report_path, named);
        return CLI_INPUT;
    }
    int rc = rp_linkest_load(est, o->estimates_path);
    if (rc) return rc;
    const char *why = !named ? "the report names no linker's estimates"
                    : strcmp(named, est->digest_hex) ? "not the estimates the report names"
                    : listed[0] && strcmp(listed, est->digest_hex)
                        ? "not the estimates the linker's manifest lists" : NULL;
    if (!why && !listed[0]) { /* no manifest listing them: the linker's signature */
        unika_error err = {0};
        const unika_sign_public *who = NULL;
        if (unika_roster_verify_file(&who, roster, o->estimates_path, NULL, &err) < 0)
            why = err.message;
        else if (who != unika_roster_linker(roster)) why = "not signed by the roster's linker";
        if (why) cli_errorf("%s: %s", o->estimates_path, why);
        return why ? CLI_INPUT : CLI_OK;
    }
    if (why) cli_errorf("%s: %s", o->estimates_path, why);
    return why ? CLI_INPUT : CLI_OK;
}

static int run(verify_opts *o)
{
    unika_error err = {0};
    unika_key *release_key = NULL;
    unika_roster *roster = NULL;
    char **paths = NULL, *bytes = NULL;
    size_t np = 0, n = 0;
    unika_json *root = NULL;
    bd_partnership partnership;
    memset(&partnership, 0, sizeof partnership);
    if (o->release_path && unika_key_load(&release_key, o->release_path, 0, &err) < 0)
        return cli_fail(o->release_path, &err);
    if (o->partnership_path && bd_partnership_load(&partnership, o->partnership_path, &err) < 0) {
        unika_key_free(release_key);
        return cli_fail(NULL, &err);
    }
    int rc = cli_roster_load(&roster, o->roster_path, o->pin);
    if (!rc && cli_read_file(&bytes, &n, o->report_path, RP_REPORT_MAX, &err) < 0)
        rc = cli_fail(NULL, &err);
    if (!rc && unika_json_parse(&root, bytes, n, &err) < 0) {
        cli_errorf("%s: not a report verify can read: %s", o->report_path, err.message);
        rc = err.code == UNIKA_ENOMEM ? CLI_NOMEM : CLI_INPUT;
    }
    uint8_t resolution[UNIKA_FINGERPRINT_BYTES];
    char est_hex[RP_DIGEST_HEX_BYTES] = "";
    rp_linkest est;
    memset(&est, 0, sizeof est);
    if (!rc && o->link_manifest_path)
        rc = link_manifest(resolution, est_hex, o->link_manifest_path, roster);
    if (!rc) rc = estimates_of(&est, o, root, est_hex, roster);
    if (o->link_manifest_path) o->without_manifests = 1; /* the linker's manifest lists its cells */
    if (!rc) rc = rp_collect(&paths, &np, o->args, o->nargs);
    if (!rc && !o->without_manifests)
        for (size_t i = 0; i < o->nargs; i++) {
            struct stat st;
            if (stat(o->args[i], &st) == 0 && S_ISDIR(st.st_mode)) find_manifests(o, o->args[i], 0);
        }
    if (!rc) {
        audit_options ao = {o->report_path, o->roster_path, o->quiet, release_key,
                            o->renderings, o->nrenderings, o->manifests, o->nmanifests,
                            o->without_manifests, o->partnership_path ? &partnership : NULL,
                            o->link_manifest_path ? resolution : NULL,
                            o->estimates_path ? &est : NULL};
        audit_report rep = {root, bytes, n};
        rc = audit_run(&rep, roster, paths, np, &ao) ? CLI_INPUT : CLI_OK;
    }
    unika_json_free(root);
    free(bytes);
    rp_linkest_free(&est);
    bd_partnership_free(&partnership);
    unika_roster_free(roster);
    unika_key_free(release_key);
    return rc;
}

int cmd_verify(int argc, char **argv)
{
    verify_opts o;
    memset(&o, 0, sizeof o);
    int rc = parse_args(&o, argc, argv);
    if (!rc) rc = run(&o);
    free_list(o.renderings, o.nrenderings);
    free_list(o.manifests, o.nmanifests);
    return rc < 0 ? CLI_OK : rc;
}
