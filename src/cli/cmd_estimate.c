/*
 * cmd_estimate.c - `unika estimate`: how many distinct people each sketch
 * file counts, with the standard error and 95% interval, and what the file
 * says about itself (labels, key and recipe fingerprints), so that a reader
 * can tell which figure is which and whether two files may be combined.
 */
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

static const cli_opt options[] = {
    {"estimator", 0, "E", 'e', "ml (the default: maximum likelihood) or fgra (closed form).",
     "ml fgra", 0},
    {"json", 0, NULL, 'j', "JSON output (docs/report.md).", NULL, 0},
    {NULL, 0, NULL, 0, NULL, NULL, 0},
};

const cli_spec cli_spec_estimate = {
    "estimate", "estimate the people counted in sketch files, with 95% intervals",
    "[--json] [--estimator ml|fgra] FILE...",
    "Prints, for each sketch FILE (or each *.uks below a directory), the estimated number of "
    "distinct people, its standard error and 95% interval, whether it is exact (a sparse "
    "sketch counts its tokens), the labels, and the key and recipe fingerprints. No key is "
    "needed.",
    options, CLI_FILE, 0, NULL, NULL};

/* One file's figures, with its key and recipe fingerprints in hex: an
 * element of the JSON "files" array, or text. */
static void estimate_json(cli_json *j, const rp_input *in, const unika_estimate *e, const char *kfp,
                          const char *rfp)
{
    char hex[RP_DIGEST_HEX_BYTES];
    rp_digest_hex(hex, in);
    cj_obj(j, NULL);
    cj_str(j, "path", in->path);
    cj_str(j, "digest", hex);
    cj_int(j, "precision", unika_sketch_precision(in->sketch));
    cj_str(j, "kind", unika_sketch_is_sparse(in->sketch) ? "sparse" : "dense");
    rp_json_num(j, "estimate", e->estimate);
    rp_json_num(j, "std_error", e->std_error);
    rp_json_num(j, "ci_low", e->ci_low);
    rp_json_num(j, "ci_high", e->ci_high);
    cj_bool(j, "exact", e->exact);
    rp_json_labels(j, "labels", in->sketch);
    cj_str(j, "key_fingerprint", kfp);
    cj_str(j, "recipe_fingerprint", rfp);
    cj_obj_end(j);
}

static void estimate_text(const rp_input *in, const unika_estimate *e, const char *kfp,
                          const char *rfp)
{
    printf("%s\n", in->path);
    printf("  estimate   %.1f  (95%% %.1f..%.1f, std error %.2f, %s)\n", e->estimate, e->ci_low,
           e->ci_high, e->std_error, e->exact ? "exact" : "estimated");
    printf("  labels     ");
    rp_print_labels(stdout, in->sketch);
    printf("\n  sketch     p=%u, %s\n", unika_sketch_precision(in->sketch),
           unika_sketch_is_sparse(in->sketch) ? "sparse" : "dense");
    printf("  key        %s\n  recipe     %s\n", kfp, rfp);
}

int cmd_estimate(int argc, char **argv)
{
    int json = 0, c;
    unika_estimator which = UNIKA_ESTIMATOR_ML;
    while ((c = cli_getopt(&cli_spec_estimate, argc, argv)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'e':
            if (!strcmp(optarg, "ml")) which = UNIKA_ESTIMATOR_ML;
            else if (!strcmp(optarg, "fgra")) which = UNIKA_ESTIMATOR_FGRA;
            else return cli_usage_error("--estimator must be ml or fgra");
            break;
        default: return cli_opt_exit(c);
        }
    }
    if (optind >= argc) return cli_usage_error("no sketch files");
    char **paths = NULL;
    size_t n = 0;
    int rc = rp_collect(&paths, &n, argv + optind, (size_t)(argc - optind));
    if (rc) return rc;

    cli_json j;
    if (json) {
        cj_init(&j, stdout);
        cj_obj(&j, NULL);
        cj_int(&j, "version", CLI_JSON_VERSION);
        cj_str(&j, "command", "estimate");
        cj_str(&j, "estimator", which == UNIKA_ESTIMATOR_ML ? "ml" : "fgra");
        cj_arr(&j, "files");
    }
    /* Every file is reported; a bad one is named on stderr and makes the exit
     * status 1, but does not hide the others' figures. */
    for (size_t i = 0; i < n; i++) {
        rp_input in;
        if (rp_load(&in, paths[i])) {
            rc = CLI_INPUT;
            continue;
        }
        unika_estimate e;
        unika_error err = {0};
        if (unika_sketch_estimate(&e, in.sketch, which, &err) < 0) {
            rc = cli_fail(paths[i], &err);
            rp_input_free(&in);
            continue;
        }
        char kfp[UNIKA_FINGERPRINT_HEX_BYTES], rfp[UNIKA_FINGERPRINT_HEX_BYTES];
        unika_fingerprint_to_hex(kfp, unika_sketch_key_fingerprint(in.sketch));
        unika_fingerprint_to_hex(rfp, unika_sketch_recipe_fingerprint(in.sketch));
        if (json) estimate_json(&j, &in, &e, kfp, rfp);
        else estimate_text(&in, &e, kfp, rfp);
        rp_input_free(&in);
    }
    if (json) {
        cj_arr_end(&j);
        cj_obj_end(&j);
        cj_end(&j);
    }
    for (size_t i = 0; i < n; i++) free(paths[i]);
    free(paths);
    return rc;
}
