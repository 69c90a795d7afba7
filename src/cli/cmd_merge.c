/*
 * cmd_merge.c - `unika merge`: the union of sketch files, with provenance.
 *
 * The aggregator runs this without the partnership key. The output is the
 * sketch of the union of everyone counted in the inputs; it keeps the labels
 * all inputs share and records, for every partner file, its BLAKE2b-256
 * digest, its labels and (when FILE.sig is present) who signed it, so an
 * auditor can trace a merged figure back to the partners' files. The
 * records go to OUT.prov; OUT itself carries their count and Merkle root
 * (docs/format.md §6), so there is no limit on the number of inputs. A
 * merged input contributes the records of its own OUT.prov, not itself, so
 * merging in stages gives the same bytes as one merge of all the files.
 * Merging is deterministic: the same inputs in any order give byte-identical
 * output, which is what lets an auditor reproduce it. With --sign the output
 * is signed after it is written (OUT.sig), so a merged file can itself be
 * handed on and checked against the roster.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

static const cli_opt options[] = {
    {"output", 'o', "OUT", 'o', "The merged sketch file (written atomically). Required.",
     CLI_FILE, 0},
    {"force", 0, NULL, 'f', "Replace OUT (and OUT.prov, OUT.sig) if it exists; an old OUT.sig "
     "that no longer matches is removed. (An OUT.prov without OUT is always replaced.)", NULL,
     0},
    {"sign", 0, "KEY.sec", 'S', "Sign OUT with this signing key: writes OUT.sig.", CLI_FILE, 0},
    {"roster", 0, "R", 'R', "Verify each IN.sig against the roster R, and that its signer may "
     "sign for IN's organisations (refuse an unsigned IN or any failure); without it a "
     "signature is checked only against its own key, so the recorded signer is the one the "
     "file claims.", CLI_FILE, 0},
    CLI_COORDINATOR_OPT('c'),
    {"compact", 0, NULL, 'C', "Write dense sketches in the compact encoding (docs/format.md §7.1): the same "
     "registers in about half the bytes (2.1 KB instead of 4.2 KB at p=12). Every unika "
     "command, the library and the bindings read both encodings.", NULL, 0},
    {"json", 0, NULL, 'j', "Print the summary as JSON (docs/report.md).", NULL, 0},
    {NULL, 0, NULL, 0, NULL, NULL, 0},
};

const cli_spec cli_spec_merge = {
    "merge", "merge sketch files into their union, recording provenance",
    "-o OUT [--force] [--compact] [--json] [--roster R --coordinator FP|FILE] [--sign KEY.sec] IN...",
    "Writes the union of the sketch files IN (files, or directories searched for *.uks) to "
    "OUT. All inputs must come from one partnership key and one recipe; otherwise nothing is "
    "written and both files and fingerprints are named. Sketches of different precision "
    "merge at the lowest. OUT keeps the labels common to all inputs; OUT.prov records each "
    "partner file's BLAKE2b-256 digest, labels and signer (from IN.sig when present), and OUT "
    "commits to those records (their count and Merkle root). A merged input brings the "
    "records of its IN.prov (which must be beside it) instead of itself, so merging in stages "
    "gives the same bytes as merging every file at once. The same inputs in any order give "
    "the same bytes. No key is needed.",
    options, CLI_FILE, 0, NULL, NULL};

static int cmp_digest(const void *a, const void *b)
{
    return memcmp(((const rp_input *)a)->digest, ((const rp_input *)b)->digest,
                  UNIKA_DIGEST_BYTES);
}

/* The signer of in->path from its detached signature, "" when unsigned.
 * A signature that does not verify is a refusal, never silently dropped. */
static int signer_of(char signer[UNIKA_SIGNER_NAME_MAX + 1], const rp_input *in,
                     const unika_roster *roster)
{
    signer[0] = '\0';
    char sig_path[4096];
    if (unika_signature_path(sig_path, sizeof sig_path, in->path) < 0) {
        cli_errorf("%s: path too long", in->path);
        return CLI_INPUT;
    }
    unika_error err = {0};
    if (!cli_exists(sig_path)) {
        if (!roster) return 0;
        cli_errorf("%s: not signed: %s does not exist (with --roster every input must be "
                   "signed)", in->path, sig_path);
        return CLI_INPUT;
    }
    unika_signature sig;
    if (unika_signature_load(&sig, sig_path, &err) < 0) return cli_fail(sig_path, &err);
    if (roster) {
        const unika_sign_public *who = NULL;
        /* The roster's messages name the file; the authorisation's do not. */
        if (unika_roster_verify_file(&who, roster, in->path, sig_path, &err) < 0)
            return cli_fail(strncmp(err.message, in->path, strlen(in->path)) ? in->path : NULL,
                            &err);
        if (unika_roster_authorize_sketch(roster, who, in->sketch, &err) < 0)
            return cli_fail(in->path, &err);
        snprintf(signer, UNIKA_SIGNER_NAME_MAX + 1, "%s", who->name);
    } else {
        unika_sign_public self;
        memset(&self, 0, sizeof self);
        snprintf(self.name, sizeof self.name, "%s", sig.signer);
        memcpy(self.key, sig.key, sizeof self.key);
        if (unika_signature_verify_file(&sig, &self, in->path, &err) < 0)
            return cli_fail(in->path, &err);
        snprintf(signer, UNIKA_SIGNER_NAME_MAX + 1, "%s", sig.signer);
    }
    return 0;
}

static void print_summary(const char *out_path, const rp_input *in, size_t n, char (*signers)[UNIKA_SIGNER_NAME_MAX + 1],
                          const unika_sketch *u, const uint8_t digest[UNIKA_DIGEST_BYTES],
                          const unika_estimate *e, const char *signed_by, const char *sig_path,
                          int json)
{
    char hex[RP_DIGEST_HEX_BYTES], fp[UNIKA_FINGERPRINT_HEX_BYTES];
    unika_hex_encode(hex, digest, UNIKA_DIGEST_BYTES);
    if (!json) {
        printf("%s: union of %zu sketch%s, p=%u, %s\n", out_path, n, n == 1 ? "" : "es",
               unika_sketch_precision(u), unika_sketch_is_sparse(u) ? "sparse" : "dense");
        printf("  estimate %.0f (95%% %.0f..%.0f, %s)\n", e->estimate, e->ci_low, e->ci_high,
               e->exact ? "exact" : "estimated");
        printf("  labels kept: ");
        rp_print_labels(stdout, u);
        printf("\n  blake2b-256 %s\n", hex);
        if (signed_by) printf("  signed by %s -> %s\n", signed_by, sig_path);
        return;
    }
    cli_json j;
    cj_init(&j, stdout);
    cj_obj(&j, NULL);
    cj_int(&j, "version", CLI_JSON_VERSION);
    cj_str(&j, "command", "merge");
    cj_str(&j, "output", out_path);
    cj_str(&j, "digest", hex);
    cj_int(&j, "precision", unika_sketch_precision(u));
    cj_str(&j, "kind", unika_sketch_is_sparse(u) ? "sparse" : "dense");
    unika_fingerprint_to_hex(fp, unika_sketch_key_fingerprint(u));
    cj_str(&j, "key_fingerprint", fp);
    unika_fingerprint_to_hex(fp, unika_sketch_recipe_fingerprint(u));
    cj_str(&j, "recipe_fingerprint", fp);
    rp_json_labels(&j, "labels", u);
    rp_json_num(&j, "estimate", e->estimate);
    rp_json_num(&j, "std_error", e->std_error);
    rp_json_num(&j, "ci_low", e->ci_low);
    rp_json_num(&j, "ci_high", e->ci_high);
    cj_bool(&j, "exact", e->exact);
    if (signed_by) { /* only with --sign, so unsigned output keeps its members */
        cj_str(&j, "signed_by", signed_by);
        cj_str(&j, "signature", sig_path);
    }
    cj_arr(&j, "inputs");
    for (size_t i = 0; i < n; i++) {
        cj_obj(&j, NULL);
        cj_str(&j, "path", in[i].path);
        char ihex[RP_DIGEST_HEX_BYTES];
        rp_digest_hex(ihex, &in[i]);
        cj_str(&j, "digest", ihex);
        if (signers[i][0]) cj_str(&j, "signer", signers[i]);
        else cj_null(&j, "signer");
        rp_json_labels(&j, "labels", in[i].sketch);
        cj_obj_end(&j);
    }
    cj_arr_end(&j);
    cj_obj_end(&j);
    cj_end(&j);
}

typedef struct merge_opts {
    const char *out_path, *roster_path, *sign_path, *pin;
    int force, json, compact;
    char *const *args;
    size_t nargs;
    char out_sig[4096], out_prov[4096];
} merge_opts;

/* The options, and OUT (and OUT.sig) refused before any work; CLI_DONE after --help. */
static int parse_args(merge_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    int c;
    while ((c = cli_getopt(&cli_spec_merge, argc, argv)) != -1) {
        switch (c) {
        case 'o': o->out_path = optarg; break;
        case 'f': o->force = 1; break;
        case 'j': o->json = 1; break;
        case 'C': o->compact = 1; break;
        case 'R': o->roster_path = optarg; break;
        case 'S': o->sign_path = optarg; break;
        case 'c': o->pin = optarg; break;
        default: return cli_opt_exit(c);
        }
    }
    if (!o->out_path) return cli_usage_error("-o OUT is required");
    if (o->pin && !o->roster_path) return cli_usage_error("--coordinator goes with --roster");
    if (optind >= argc) return cli_usage_error("no input sketch files");
    o->args = argv + optind;
    o->nargs = (size_t)(argc - optind);
    /* Refuse before doing any work; unika_sketch_save checks again atomically. */
    if (!o->force && cli_exists(o->out_path)) {
        cli_errorf("%s: already exists (use --force to replace it)", o->out_path);
        return CLI_INPUT;
    }
    if (unika_signature_path(o->out_sig, sizeof o->out_sig, o->out_path) < 0) {
        cli_errorf("%s: path too long", o->out_path);
        return CLI_INPUT;
    }
    if (!o->force && cli_exists(o->out_sig)) {
        cli_errorf("%s: already exists (use --force to replace it)", o->out_sig);
        return CLI_INPUT;
    }
    /* OUT.prov without OUT is an orphan (a merge killed between the two
     * writes) and is replaced; with OUT, --force is needed as for OUT. */
    if (rp_provenance_path(o->out_prov, sizeof o->out_prov, o->out_path)) return CLI_INPUT;
    return 0;
}

/* 1 when in is itself a merge (it has provenance); a merge without its
 * provenance file is refused, as its records could not be carried on. */
static int is_merged(int *merged_input, const rp_input *in)
{
    uint64_t count = 0;
    uint8_t root[UNIKA_DIGEST_BYTES];
    int in_memory = 0;
    unika_error err = {0};
    if (unika_sketch_provenance(in->sketch, &count, root, &in_memory, &err) < 0)
        return cli_fail(in->path, &err);
    *merged_input = count > 0;
    if (count > 0 && !in_memory) {
        cli_errorf("%s: a merged sketch of %llu sources; its provenance file %s.prov is "
                   "missing", in->path, (unsigned long long)count, in->path);
        return CLI_INPUT;
    }
    return CLI_OK;
}

/* The union of every input. A partner file adds one provenance record; a
 * merged input its records. Partner files go first, in digest order, so
 * their records append; each merged input's records join in one pass. */
static int merged(unika_sketch **u, const rp_input *in, size_t n,
                  char (*signers)[UNIKA_SIGNER_NAME_MAX + 1])
{
    unika_error err = {0};
    size_t *idx = cli_xmalloc(n * sizeof *idx), n_plain = 0, n_merged = 0;
    int rc = CLI_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        int m = 0;
        rc = is_merged(&m, &in[i]);
        if (!rc && !m) idx[n_plain++] = i;
    }
    for (size_t i = 0; i < n && !rc; i++) { /* merged inputs after the partner files */
        int m = 0;
        if (!is_merged(&m, &in[i]) && m) idx[n_plain + n_merged++] = i;
    }
    if (!rc && n_plain && rp_union(u, in, idx, n_plain, &err) < 0) rc = cli_fail(NULL, &err);
    for (size_t k = 0; k < n_plain && !rc; k++) {
        const rp_input *x = &in[idx[k]];
        char labels[UNIKA_SOURCE_LABELS_MAX + 1];
        size_t len = 0;
        if (unika_sketch_labels_canonical(labels, sizeof labels, &len, x->sketch, &err) < 0 ||
            unika_sketch_add_source(*u, x->digest, labels, signers[idx[k]], &err) < 0)
            rc = cli_fail(x->path, &err);
    }
    for (size_t k = n_plain; k < n_plain + n_merged && !rc; k++) {
        const rp_input *x = &in[idx[k]];
        if (!*u ? unika_sketch_copy(u, x->sketch, &err) < 0
                : unika_sketch_merge(*u, x->sketch, &err) < 0)
            rc = cli_fail(x->path, &err);
    }
    free(idx);
    return rc;
}

/* OUT, and with a signing key OUT.sig; a stale OUT.sig is removed. */
static int write_signed(const unika_sketch *u, const merge_opts *o, unika_sign_key *sign_key)
{
    unika_error err = {0};
    /* OUT.prov first: OUT commits to it, so OUT never exists without it. */
    if (unika_provenance_save(u, o->out_prov, UNIKA_SAVE_OVERWRITE, &err) < 0)
        return cli_fail(o->out_prov, &err);
    unsigned save_flags = (o->force ? UNIKA_SAVE_OVERWRITE : 0) | (o->compact ? UNIKA_SAVE_COMPACT : 0);
    if (unika_sketch_save(u, o->out_path, save_flags, &err) < 0) {
        remove(o->out_prov);
        return cli_fail(o->out_path, &err);
    }
    if (sign_key) {
        if (unika_sign_file(sign_key, o->out_path, o->out_sig,
                            o->force ? UNIKA_SIGN_OVERWRITE : 0, &err) < 0) {
            /* OUT without its signature is not what was asked for. */
            remove(o->out_path);
            cli_errorf("%s: cannot sign, so removed: %s", o->out_path, err.message);
            return CLI_INPUT;
        }
    } else if (cli_exists(o->out_sig)) {
        /* Only reachable with --force: the old signature covers the old bytes. */
        remove(o->out_sig);
    }
    return CLI_OK;
}

/* The summary, with the digest of what was written (serialising again
 * gives the same bytes). */
static int summarise(const merge_opts *o, const rp_input *in, size_t n,
                     char (*signers)[UNIKA_SIGNER_NAME_MAX + 1], const unika_sketch *u,
                     const unika_sign_key *sign_key)
{
    unika_error err = {0};
    size_t size = 0;
    uint8_t digest[UNIKA_DIGEST_BYTES];
    uint8_t *bytes = NULL;
    unika_estimate e;
    unsigned encoding = o->compact ? UNIKA_ENCODING_COMPACT : UNIKA_ENCODING_PLAIN;
    /* the plain size bounds the compact one */
    if (unika_sketch_serialized_size(&size, u) < 0 || !(bytes = malloc(size)) ||
        unika_sketch_serialize_as(bytes, size, &size, u, encoding, &err) < 0 ||
        unika_sketch_estimate(&e, u, UNIKA_ESTIMATOR_ML, &err) < 0) {
        free(bytes);
        cli_errorf("%s: written, but could not be summarised", o->out_path);
        return CLI_INPUT;
    }
    (void)unika_file_digest(digest, bytes, size);
    free(bytes);
    print_summary(o->out_path, in, n, signers, u, digest, &e,
                  sign_key ? unika_sign_key_name(sign_key) : NULL, o->out_sig, o->json);
    return CLI_OK;
}

static int run(const merge_opts *o)
{
    char **paths = NULL;
    size_t n = 0;
    int rc = rp_collect(&paths, &n, o->args, o->nargs);
    if (rc) return rc;
    rp_input *in = cli_xcalloc(n, sizeof *in);
    char (*signers)[UNIKA_SIGNER_NAME_MAX + 1] = cli_xcalloc(n, sizeof *signers);
    unika_roster *roster = NULL;
    unika_sign_key *sign_key = NULL;
    unika_sketch *u = NULL;
    unika_error err = {0};
    size_t loaded = 0;
    /* Before any work: a refused signing key must not leave an unsigned OUT. */
    if (o->sign_path && unika_sign_key_load(&sign_key, o->sign_path, 0, &err) < 0)
        rc = cli_fail(o->sign_path, &err);
    else if (o->roster_path)
        rc = cli_roster_load(&roster, o->roster_path, o->pin);
    for (; !rc && loaded < n; loaded++) rc = rp_load(&in[loaded], paths[loaded]);
    if (rc && loaded) loaded--; /* the failed load freed its own input */
    if (!rc) rc = rp_check_origin(in, n);
    if (!rc) {
        /* A fixed order (by digest) for the merge, the provenance and the report. */
        qsort(in, n, sizeof *in, cmp_digest);
        for (size_t i = 0; i < n && !rc; i++) rc = signer_of(signers[i], &in[i], roster);
    }
    if (!rc) rc = merged(&u, in, n, signers);
    if (!rc) rc = write_signed(u, o, sign_key);
    if (!rc) rc = summarise(o, in, n, signers, u, sign_key);
    unika_sketch_free(u);
    unika_sign_key_free(sign_key);
    unika_roster_free(roster);
    for (size_t i = 0; i < n; i++) free(paths[i]);
    free(paths);
    rp_inputs_free(in, loaded);
    free(signers);
    return rc;
}

int cmd_merge(int argc, char **argv)
{
    merge_opts o;
    int rc = parse_args(&o, argc, argv);
    if (rc) return rc < 0 ? CLI_OK : rc;
    return run(&o);
}
