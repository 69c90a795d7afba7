/*
 * cmd_verify_link.c - `unika verify-link`: an auditor re-runs a resolution
 * from the partners' signed match-key files and checks that the linker's
 * signed cells and manifest follow, byte for byte (docs/linkage.md, "The
 * audit").
 *
 * The parameters come from the signed manifest; the inputs are checked as
 * `link` checks them (link/link.h) and against the manifest's list; the
 * re-run makes every output in memory exactly as `link` makes it. A
 * changed match-key file, a dropped partner file, a changed parameter, a
 * forged or edited cell or manifest: each fails with its reason. One
 * difference is allowed: a number of estimates.json one unit apart in its
 * last printed digit, what another platform's libm can make of it
 * (link/last_digit.c); the manifest must then name the linker's file. The
 * only secret needed is the linker's seed, which the linker discloses to its
 * auditors.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_gov.h"
#include "common/json.h"
#include "link/link.h"

static const cli_opt options[] = {
    {"roster", 0, "R", 'r', "The partnership roster, naming the linker. Required.", CLI_FILE, 0},
    CLI_COORDINATOR_OPT('c'),
    {"seed", 0, "SEED", 's', "The linker's seed, disclosed to auditors. Required.", CLI_FILE, 0},
    {"quiet", 'q', NULL, 'q', "Print only the failures and the summary line.", NULL, 0},
    {NULL, 0, NULL, 0, NULL, NULL, 0},
};

const cli_spec cli_spec_verify_link = {
    "verify-link", "audit a resolution: re-run it from the signed match-key files",
    "--roster R --coordinator FP|FILE --seed SEED [--quiet] DIR FILE.umk...",
    "Audits a resolution: DIR is what 'unika link' wrote (cells, manifest.json and their "
    "signatures), FILE.umk... the partners' signed match-key files. Checks the linker's "
    "signatures, that the files given are exactly the manifest's inputs, re-runs the "
    "resolution with the manifest's parameters and the seed, and compares every cell and the "
    "manifest with the re-run, byte for byte, and the estimates to the last printed digit of "
    "each decimal (one unit apart: another platform's floating point). Prints one line per "
    "check, 'ok' or 'FAIL' with the reason, and a summary.",
    options, CLI_FILE, 0, "1 also when any check failed", NULL};

#define MANIFEST_MAX ((size_t)64 << 20)

typedef struct vl {
    const char *roster_path, *pin, *seed_path, *dir;
    char *const *inputs;
    size_t ninputs;
    int quiet;
    unsigned checks, failures;
    unika_roster *roster;
    unika_link_seed *seed;
    unika_json *manifest;
    char *manifest_text;
    size_t manifest_size;
    unika_link_params params;
    const char *by[UNIKA_MK_MAX_BY];
    /* estimates.json as signed, when it matched the re-run only to the last
     * printed digit: the manifest must name these bytes */
    int estimates_near;
    uint8_t estimates_digest[UNIKA_DIGEST_BYTES];
} vl;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void ok_line(vl *v, const char *fmt, ...)
{
    v->checks++;
    if (v->quiet) return;
    va_list ap;
    va_start(ap, fmt);
    printf("ok    ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void fail_line(vl *v, const char *fmt, ...)
{
    v->checks++;
    v->failures++;
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL  ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

static int parse_args(vl *v, int argc, char **argv)
{
    int c;
    while ((c = cli_getopt(&cli_spec_verify_link, argc, argv)) != -1) {
        if (c == 'r') v->roster_path = optarg;
        else if (c == 'c') v->pin = optarg;
        else if (c == 's') v->seed_path = optarg;
        else if (c == 'q') v->quiet = 1;
        else return cli_opt_exit(c);
    }
    if (!v->roster_path) return cli_usage_error("--roster R is required");
    if (!v->seed_path) return cli_usage_error("--seed SEED is required");
    if (argc - optind < 2) return cli_usage_error("expected DIR and the match-key files");
    v->dir = argv[optind];
    v->inputs = argv + optind + 1;
    v->ninputs = (size_t)(argc - optind - 1);
    return 0;
}

/* ---- the linker's signature on a file of DIR ---------------------------------- */

static int linker_signed(vl *v, const char *path, const char *name)
{
    unika_error err = {0};
    const unika_sign_public *who = NULL;
    const unika_sign_public *linker = unika_roster_linker(v->roster);
    if (unika_roster_verify_file(&who, v->roster, path, NULL, &err) < 0) {
        fail_line(v, "%s: %s", name, err.message);
        return 0;
    }
    if (who != linker) {
        fail_line(v, "%s: signed by partner \"%s\", not by the linker \"%s\"", name, who->name,
                  linker->name);
        return 0;
    }
    return 1;
}

/* ---- the manifest's parameters ------------------------------------------------ */

static int read_params(vl *v)
{
    const unika_json *m = v->manifest, *alg = unika_json_get(m, "algorithm"), *cells = unika_json_get(m, "cells");
    int ok1 = 0, ok2 = 0, ok3 = 0, ok4 = 0;
    unika_link_params_init(&v->params);
    const char *schema = unika_json_str(m, "schema");
    double version = unika_json_num(m, "version", &ok1);
    if (!schema || strcmp(schema, "unika-linkage-manifest") || !ok1 ||
        version != UNIKA_LINK_MANIFEST_VERSION || !alg || !cells) {
        fail_line(v, "manifest: not a linkage manifest of version %d", UNIKA_LINK_MANIFEST_VERSION);
        return -1;
    }
    double algv = unika_json_num(alg, "version", &ok1);
    v->params.tau = unika_json_num(alg, "tau", &ok2);
    double maxc = unika_json_num(alg, "max_cluster", &ok3);
    double prec = unika_json_num(cells, "precision", &ok4);
    const char *period = unika_json_str(cells, "period");
    const unika_json *by = unika_json_get(cells, "by");
    if (!ok1 || algv != UNIKA_LINK_ALGORITHM_VERSION) {
        fail_line(v, "manifest: made by cascade version %s; this unika re-runs version %d",
                  ok1 ? unika_json_get(alg, "version")->text : "(none)", UNIKA_LINK_ALGORITHM_VERSION);
        return -1;
    }
    if (!ok2 || !ok3 || !ok4 || !period || !by || by->type != UNIKA_JSON_ARRAY ||
        by->n > UNIKA_MK_MAX_BY) {
        fail_line(v, "manifest: its parameters (tau, max_cluster, period, by, precision) "
                  "cannot be read");
        return -1;
    }
    v->params.max_cluster = (unsigned)maxc;
    v->params.precision = (unsigned)prec;
    v->params.period = 0;
    for (int k = UNIKA_MK_PERIOD_HALF_YEAR; k <= UNIKA_MK_PERIOD_ALL; k++)
        if (!strcmp(period, unika_mk_period_name((unika_mk_period)k)))
            v->params.period = (unika_mk_period)k;
    for (size_t i = 0; i < by->n; i++)
        v->params.by[i] = by->items[i]->type == UNIKA_JSON_STRING ? by->items[i]->text : "";
    v->params.by_count = by->n;
    ok_line(v, "manifest: cascade version %d, tau %s, max_cluster %u, period %s, %zu --by, "
            "precision %u", UNIKA_LINK_ALGORITHM_VERSION, unika_json_get(alg, "tau")->text,
            v->params.max_cluster, period, v->params.by_count, v->params.precision);
    return 0;
}

static int load_manifest(vl *v)
{
    char path[4096];
    unika_error err = {0};
    if (cli_path_join(path, sizeof path, v->dir, "/", CLI_LINK_MANIFEST) < 0) return -1;
    if (cli_read_file(&v->manifest_text, &v->manifest_size, path, MANIFEST_MAX, &err) < 0) {
        fail_line(v, "%s: cannot read: %s", CLI_LINK_MANIFEST, err.message);
        return -1;
    }
    if (linker_signed(v, path, CLI_LINK_MANIFEST))
        ok_line(v, "%s: signed by the linker \"%s\"", CLI_LINK_MANIFEST,
                unika_roster_linker(v->roster)->name);
    if (unika_json_parse(&v->manifest, v->manifest_text, v->manifest_size, &err) < 0 ||
        v->manifest->type != UNIKA_JSON_OBJECT) {
        fail_line(v, "%s: not a JSON object: %s", CLI_LINK_MANIFEST,
                  v->manifest ? "another value" : err.message);
        return -1;
    }
    return read_params(v);
}

/* ---- the inputs against the manifest's list ------------------------------------ */

static void check_inputs(vl *v, const cli_link_input *info)
{
    const unika_json *list = unika_json_get(v->manifest, "inputs");
    size_t n = list && list->type == UNIKA_JSON_ARRAY ? list->n : 0;
    for (size_t i = 0; i < n; i++) {
        const char *org = unika_json_str(list->items[i], "org"), *digest = unika_json_str(list->items[i], "digest");
        size_t k = 0;
        char hex[2 * UNIKA_DIGEST_BYTES + 1];
        for (; k < v->ninputs; k++) {
            unika_hex_encode(hex, info[k].digest, UNIKA_DIGEST_BYTES);
            hex[2 * UNIKA_DIGEST_BYTES] = '\0';
            if (digest && !strcmp(hex, digest)) break;
        }
        if (k < v->ninputs)
            ok_line(v, "input %s: %s, signed by \"%s\", is the manifest's (digest %.16s)",
                    info[k].org, info[k].path, info[k].signer, hex);
        else
            fail_line(v, "missing input: the manifest names organisation %s's file %.16s..., "
                      "which is not among the files given", org ? org : "?",
                      digest ? digest : "?");
    }
    for (size_t k = 0; k < v->ninputs; k++) {
        char hex[2 * UNIKA_DIGEST_BYTES + 1];
        unika_hex_encode(hex, info[k].digest, UNIKA_DIGEST_BYTES);
        hex[2 * UNIKA_DIGEST_BYTES] = '\0';
        size_t i = 0;
        while (i < n && strcmp(unika_json_str(list->items[i], "digest") ? unika_json_str(list->items[i], "digest")
                                                                 : "", hex))
            i++;
        if (i == n)
            fail_line(v, "%s: organisation %s's file (digest %.16s...) is not among the "
                      "manifest's inputs (changed after the linkage, or never linked)",
                      info[k].path, info[k].org, hex);
    }
}

/* ---- the outputs against the re-run -------------------------------------------- */

/* The first line where a and b differ, for the reason. */
static void first_difference(vl *v, const char *name, const char *a, size_t na, const char *b,
                             size_t nb)
{
    size_t line = 1, i = 0, start = 0;
    while (i < na && i < nb && a[i] == b[i]) {
        if (a[i] == '\n') line++, start = i + 1;
        i++;
    }
    const char *ea = memchr(a + start, '\n', na - start), *eb = memchr(b + start, '\n', nb - start);
    int la = (int)((ea ? (size_t)(ea - a) : na) - start);
    int lb = (int)((eb ? (size_t)(eb - b) : nb) - start);
    fail_line(v, "%s: line %zu differs from the re-run: has \"%.*s\", the re-run gives \"%.*s\"",
              name, line, la > 120 ? 120 : la, a + start, lb > 120 ? 120 : lb, b + start);
}

/* The estimates differ from the re-run's bytes: the same to the last
 * printed digit (another platform's libm, link/last_digit.c), or not. */
static void check_estimates(vl *v, const char *bytes, size_t size, const cli_link_outputs *o,
                            size_t i)
{
    size_t moved, line;
    if (!cli_json_to_last_digit(bytes, size, (const char *)o->bytes[i], o->size[i], &moved,
                                &line)) {
        fail_line(v, "%s: differs from the re-run (line %zu; beyond a last printed digit)",
                  o->name[i], line);
        return;
    }
    if (unika_file_digest(v->estimates_digest, (const uint8_t *)bytes, size) != UNIKA_OK) {
        fail_line(v, "%s: its digest cannot be taken", o->name[i]);
        return;
    }
    v->estimates_near = 1;
    ok_line(v, "%s: signed by the linker, as the re-run makes it but for %zu number(s) one "
            "unit apart in their last printed digit (another platform's floating point)",
            o->name[i], moved);
}

static void check_cells(vl *v, const cli_link_outputs *o)
{
    char path[4096];
    for (size_t i = 0; i < o->n; i++) {
        char *bytes = NULL;
        size_t size = 0;
        unika_error err = {0};
        if (cli_path_join(path, sizeof path, v->dir, "/", o->name[i]) < 0 ||
            cli_read_file(&bytes, &size, path, (size_t)1 << 30, &err) < 0) {
            fail_line(v, "%s: missing: the re-run makes it", o->name[i]);
            continue;
        }
        int same = size == o->size[i] && !memcmp(bytes, o->bytes[i], size);
        if (linker_signed(v, path, o->name[i])) {
            if (same) ok_line(v, "%s: signed by the linker, as the re-run makes it", o->name[i]);
            else if (!strcmp(o->name[i], CLI_LINK_ESTIMATES)) check_estimates(v, bytes, size, o, i);
            else fail_line(v, "%s: differs from the re-run (%zu bytes; the re-run's %zu)",
                           o->name[i], size, o->size[i]);
        }
        free(bytes);
    }
}

/* The manifest as the re-run makes it; when the estimates matched only to
 * their last digit, naming the signed estimates' bytes, so that the
 * manifest still binds the very file the linker published. */
static void check_manifest(vl *v, const unika_linkage *lk, const cli_link_outputs *o)
{
    const char *want = o->manifest;
    size_t nwant = o->manifest_size;
    char *remade = NULL;
    if (v->estimates_near) {
        unika_link_output *out = cli_xcalloc(o->n ? o->n : 1, sizeof *out);
        memcpy(out, o->out, o->n * sizeof *out);
        for (size_t i = 0; i < o->n; i++)
            if (!strcmp(out[i].file, CLI_LINK_ESTIMATES))
                memcpy(out[i].digest, v->estimates_digest, UNIKA_DIGEST_BYTES);
        unika_error err = {0};
        int rc = unika_linkage_manifest(lk, out, o->n, &remade, &nwant, &err);
        free(out);
        if (rc < 0) {
            fail_line(v, "%s: the re-run's cannot be made: %s", CLI_LINK_MANIFEST, err.message);
            return;
        }
        want = remade;
    }
    if (v->manifest_size == nwant && !memcmp(v->manifest_text, want, nwant))
        ok_line(v, "%s: as the re-run makes it", CLI_LINK_MANIFEST);
    else first_difference(v, CLI_LINK_MANIFEST, v->manifest_text, v->manifest_size, want, nwant);
    unika_link_manifest_free(remade);
}

/* Every .uks in DIR must be one the re-run makes. */
static void check_extra(vl *v, const cli_link_outputs *o)
{
    const unika_json *list = unika_json_get(v->manifest, "outputs");
    for (size_t i = 0; list && list->type == UNIKA_JSON_ARRAY && i < list->n; i++) {
        const char *f = unika_json_str(list->items[i], "file");
        size_t k = 0;
        while (f && k < o->n && strcmp(o->name[k], f)) k++;
        if (!f || k == o->n) fail_line(v, "%s: listed by the manifest, not made by the re-run",
                                       f ? f : "(no name)");
    }
}

static void compare(vl *v, const unika_linkage *lk, const cli_link_outputs *o)
{
    char fp[UNIKA_FINGERPRINT_HEX_BYTES];
    unika_fingerprint_to_hex(fp, unika_linkage_fingerprint(lk));
    const char *claimed = unika_json_str(v->manifest, "resolution_fingerprint");
    if (claimed && !strcmp(claimed, fp)) ok_line(v, "resolution fingerprint %s", fp);
    else fail_line(v, "resolution fingerprint: the manifest says %s, the re-run gives %s (the "
                   "seed, the inputs or the parameters differ)", claimed ? claimed : "none", fp);
    check_cells(v, o);
    check_extra(v, o);
    check_manifest(v, lk, o);
}

/* ---- the run -------------------------------------------------------------------- */

static void rerun(vl *v)
{
    unika_error err = {0};
    unika_linkage *lk = NULL;
    if (unika_linkage_new(&lk, &v->params, &err) < 0) {
        fail_line(v, "manifest: its parameters are refused: %s", err.message);
        return;
    }
    cli_link_input *info = cli_xcalloc(v->ninputs, sizeof *info);
    cli_link_outputs o;
    memset(&o, 0, sizeof o);
    if (cli_link_add_inputs(lk, v->roster, v->inputs, v->ninputs, info) != CLI_OK) {
        fail_line(v, "inputs: a match-key file was refused (above): nothing to re-run");
    } else {
        unsigned before = v->failures;
        check_inputs(v, info);
        if (v->failures == before && unika_linkage_resolve(lk, v->seed, &err) < 0)
            fail_line(v, "re-run: %s", err.message);
        else if (v->failures == before && cli_link_make_outputs(&o, lk, &v->params) != CLI_OK)
            fail_line(v, "re-run: the outputs could not be made (above)");
        else if (v->failures == before)
            compare(v, lk, &o);
    }
    cli_link_outputs_free(&o);
    free(info);
    unika_linkage_free(lk);
}

int cmd_verify_link(int argc, char **argv)
{
    vl v;
    memset(&v, 0, sizeof v);
    int rc = parse_args(&v, argc, argv);
    if (rc) return rc;
    unika_error err = {0};
    if ((rc = cli_roster_load(&v.roster, v.roster_path, v.pin))) return rc;
    if (!unika_roster_linker(v.roster)) {
        cli_errorf("%s: the roster names no linker", v.roster_path);
        unika_roster_free(v.roster);
        return CLI_INPUT;
    }
    if (unika_link_seed_load(&v.seed, v.seed_path, 0, &err) < 0) {
        unika_roster_free(v.roster);
        return cli_fail(v.seed_path, &err);
    }
    if (load_manifest(&v) == 0) rerun(&v);
    printf("%u of %u check(s) passed; %u problem(s): %s\n", v.checks - v.failures, v.checks,
           v.failures, v.failures ? "VERIFICATION FAILED" : "the resolution is reproduced");
    unika_json_free(v.manifest);
    free(v.manifest_text);
    unika_link_seed_free(v.seed);
    unika_roster_free(v.roster);
    return v.failures ? CLI_INPUT : CLI_OK;
}
