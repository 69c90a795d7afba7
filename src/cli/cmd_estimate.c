/*
 * cmd_estimate.c - `unika estimate`: how many distinct people each sketch
 * file counts, with the standard error and 95% interval, and what the file
 * says about itself (labels, key and recipe fingerprints), so that a reader
 * can tell which figure is which and whether two files may be combined.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

static const char usage_text[] =
    "usage: unika estimate [--json] [--estimator ml|fgra] FILE...\n"
    "\n"
    "Prints, for each sketch FILE (or each *.uks below a directory), the estimated\n"
    "number of distinct people, its standard error and 95% interval, whether it is\n"
    "exact (a sparse sketch counts its tokens), the labels, and the key and recipe\n"
    "fingerprints. No key is needed.\n"
    "\n"
    "      --estimator E  ml (default, maximum likelihood) or fgra (closed form)\n"
    "      --json         JSON output (docs/report.md)\n"
    "\n"
    "Exit codes: 0 ok, 1 an unreadable or invalid file, 2 usage.\n";

int cmd_estimate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},
        {"estimator", required_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int json = 0, c;
    unika_estimator which = UNIKA_ESTIMATOR_ML;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'e':
            if (!strcmp(optarg, "ml")) which = UNIKA_ESTIMATOR_ML;
            else if (!strcmp(optarg, "fgra")) which = UNIKA_ESTIMATOR_FGRA;
            else return cli_usage_error("--estimator must be ml or fgra");
            break;
        case 'h': fputs(usage_text, stdout); return CLI_OK;
        default: return cli_usage_error("unknown option or missing value: %s", argv[optind - 1]);
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
        unsigned p = unika_sketch_precision(in.sketch);
        const char *kind = unika_sketch_is_sparse(in.sketch) ? "sparse" : "dense";
        if (json) {
            cj_obj(&j, NULL);
            cj_str(&j, "path", in.path);
            cj_str(&j, "digest", in.digest_hex);
            cj_int(&j, "precision", p);
            cj_str(&j, "kind", kind);
            rp_json_num(&j, "estimate", e.estimate);
            rp_json_num(&j, "std_error", e.std_error);
            rp_json_num(&j, "ci_low", e.ci_low);
            rp_json_num(&j, "ci_high", e.ci_high);
            cj_bool(&j, "exact", e.exact);
            rp_json_labels(&j, "labels", in.sketch);
            cj_str(&j, "key_fingerprint", kfp);
            cj_str(&j, "recipe_fingerprint", rfp);
            cj_obj_end(&j);
        } else {
            printf("%s\n", in.path);
            printf("  estimate   %.1f  (95%% %.1f..%.1f, std error %.2f, %s)\n", e.estimate,
                   e.ci_low, e.ci_high, e.std_error, e.exact ? "exact" : "estimated");
            printf("  labels     ");
            rp_print_labels(stdout, in.sketch);
            printf("\n  sketch     p=%u, %s\n", p, kind);
            printf("  key        %s\n  recipe     %s\n", kfp, rfp);
        }
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
