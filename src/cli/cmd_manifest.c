/*
 * cmd_manifest.c - `unika manifest`: a partner signs the complete list of
 * the files it delivers for a period (unika/manifest.h).
 *
 * Without it, an old signed file still verifies, and a file an aggregator
 * leaves out leaves no trace. The partner lists, with a sequence number,
 * every sketch it signed for the period; `unika verify` then holds the
 * files it is given against the latest manifest of each partner.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd_gov.h"
#include "report/report.h"
#include "unika/manifest.h"

static const cli_opt options[] = {
    {"key", 0, "PARTNER.sec", 'k', "The partner's signing key (mode 0600). Required.", CLI_FILE,
     0},
    {"sequence", 0, "N", 'n', "1, 2, ...: a later delivery for the period has a higher number. "
     "Required.", NULL, 0},
    {"period", 0, "P", 'p', "The delivery's period: all, YYYY, YYYYH1, YYYYH2 or YYYY-MM "
     "(default all).", NULL, 0},
    {"empty", 0, NULL, 'e', "A manifest listing no file (give its --recipe).", NULL, 0},
    {"recipe", 0, "NAME", 'r', "The recipe of an empty manifest (as ingest --recipe).", NULL, 0},
    {"output", 'o', "OUT", 'o', "The manifest (OUT.sig beside it). Required.", CLI_FILE, 0},
    {"force", 0, NULL, 'f', "Replace OUT and OUT.sig.", NULL, 0},
    {NULL, 0, NULL, 0, NULL, NULL, 0},
};

const cli_spec cli_spec_manifest = {
    "manifest", "sign the complete list of the files a partner delivers for a period",
    "--key PARTNER.sec --sequence N [--period P] -o OUT.manifest [--force] FILE...|DIR...\n"
    "--key PARTNER.sec --sequence N [--period P] --empty --recipe NAME -o OUT.manifest "
    "[--force]",
    "Writes OUT.manifest, the complete list of the sketch files (FILE, or every *.uks in "
    "DIR) that this partner delivers for period P: each file's BLAKE2b-256 digest, period and "
    "name, and OUT.manifest.sig, its signature (docs/security.md). Every file must be signed "
    "with the same key (FILE.sig), its period must lie in P, and all must share one recipe (a "
    "partner that ingests two recipes signs two manifests). Deliver a corrected set with a "
    "higher --sequence: 'unika verify' holds the files against the latest manifest, so a "
    "superseded file or one left out is named. A partner with nothing to deliver for P signs "
    "an empty manifest (no FILE, --empty).",
    options, CLI_FILE, 0, NULL, NULL};

typedef struct manifest_opts {
    const char *key, *period, *out, *recipe;
    unsigned long sequence;
    int force, empty;
} manifest_opts;

static int parse_args(manifest_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->period = "all";
    int c;
    while ((c = cli_getopt(&cli_spec_manifest, argc, argv)) != -1) {
        switch (c) {
        case 'k': o->key = optarg; break;
        case 'p': o->period = optarg; break;
        case 'o': o->out = optarg; break;
        case 'f': o->force = 1; break;
        case 'e': o->empty = 1; break;
        case 'r': o->recipe = optarg; break;
        case 'n':
            if (cli_parse_uint(&o->sequence, optarg, 1, 2147483647ul) < 0)
                return cli_usage_error("--sequence must be a whole number from 1 to 2147483647");
            break;
        default: return cli_opt_exit(c);
        }
    }
    if (!o->key) return cli_usage_error("--key PARTNER.sec is required");
    if (!o->sequence) return cli_usage_error("--sequence N is required");
    if (!o->out) return cli_usage_error("-o OUT.manifest is required");
    if (rp_period_grain(o->period) < 0)
        return cli_usage_error("--period must be all, YYYY, YYYYH1, YYYYH2 or YYYY-MM");
    if (o->empty != (optind >= argc))
        return cli_usage_error(o->empty ? "--empty lists no file" : "no FILE or DIR (an empty "
                               "manifest needs --empty)");
    if (o->empty != (o->recipe != NULL))
        return cli_usage_error(o->empty ? "--empty needs --recipe NAME" : "--recipe is for an "
                               "empty manifest: the files give theirs");
    return 0;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* One file: signed with this key, its period within the manifest's, its
 * recipe the manifest's (the first file's, when the manifest is new). */
static int add_file(unika_manifest **m, const unika_sign_public *pub, const char *path,
                    const manifest_opts *o)
{
    const char *period = o->period;
    rp_input in;
    int rc = rp_load(&in, path);
    if (rc) return rc;
    const uint8_t *rfp = unika_sketch_recipe_fingerprint(in.sketch);
    if (!*m) {
        unika_error e = {0};
        if (unika_manifest_new(m, pub->name, period, rfp, o->sequence, &e) < 0) {
            rp_input_free(&in);
            return cli_fail(NULL, &e);
        }
    } else if (memcmp(rfp, unika_manifest_recipe(*m), UNIKA_FINGERPRINT_BYTES)) {
        cli_errorf("%s: made with another recipe than the files before it: one manifest "
                   "covers one recipe", path);
        rp_input_free(&in);
        return CLI_INPUT;
    }
    unika_error err = {0};
    unika_signature sig;
    char sig_path[4096], rolled[UNIKA_LABEL_VALUE_MAX + 1];
    const char *p = unika_sketch_get_label(in.sketch, "period");
    int g = rp_period_grain(period);
    if (unika_signature_path(sig_path, sizeof sig_path, path) != 0 ||
        unika_signature_load(&sig, sig_path, &err) < 0 ||
        unika_signature_verify_file(&sig, pub, path, &err) < 0) {
        cli_errorf("%s: not signed with %s's key: a manifest lists the files you signed (%s)",
                   path, pub->name, err.message);
        rc = CLI_INPUT;
    } else if (!p || rp_period_at(rolled, sizeof rolled, p, (rp_grain)g) < 0 || strcmp(rolled, period)) {
        cli_errorf("%s: its period %s is not in the manifest's period %s", path,
                   p ? p : "(none)", period);
        rc = CLI_INPUT;
    } else if (unika_manifest_add(*m, in.digest, p, base_name(path), &err) < 0) {
        rc = cli_fail(path, &err);
    }
    rp_input_free(&in);
    return rc;
}

int cmd_manifest(int argc, char **argv)
{
    manifest_opts o;
    int rc = parse_args(&o, argc, argv);
    if (rc) return rc < 0 ? CLI_OK : rc;
    unika_error err = {0};
    unika_sign_key *key = NULL;
    unika_manifest *m = NULL;
    unika_sign_public pub;
    char **paths = NULL;
    size_t n = 0;
    if (unika_sign_key_load(&key, o.key, 0, &err) < 0) return cli_fail(o.key, &err);
    unika_sign_key_public(&pub, key);
    if (o.empty) {
        unika_recipe *recipe = NULL;
        if (unika_recipe_parse(&recipe, o.recipe, strlen(o.recipe), &err) < 0 ||
            unika_manifest_new(&m, pub.name, o.period, unika_recipe_fingerprint_ptr(recipe),
                               o.sequence, &err) < 0)
            rc = cli_fail(NULL, &err);
        unika_recipe_free(recipe);
    } else {
        rc = rp_collect(&paths, &n, argv + optind, (size_t)(argc - optind));
    }
    for (size_t i = 0; !rc && i < n; i++) rc = add_file(&m, &pub, paths[i], &o);
    if (!rc && unika_manifest_save(m, o.out, key, o.force ? UNIKA_SIGN_OVERWRITE : 0, &err) < 0)
        rc = cli_fail(NULL, &err);
    if (!rc && !cli_quiet)
        printf("%s: %zu file(s) of %s for period %s, sequence %lu -> %s.sig\n", o.out,
               unika_manifest_count(m), pub.name, o.period, o.sequence, o.out);
    for (size_t i = 0; i < n; i++) free(paths[i]);
    free(paths);
    unika_manifest_free(m);
    unika_sign_key_free(key);
    return rc;
}
