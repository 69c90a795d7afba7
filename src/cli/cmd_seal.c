/*
 * cmd_seal.c - `unika box-keygen`, `unika seal` and `unika open`.
 *
 * The aggregator (or the linker) makes a box key pair once (box-keygen) and
 * publishes the public half. Each partner seals its sketches or match-key
 * files (and their .sig files) to it before they leave the partner; only
 * the key's holder can open them, so no other partner, who holds the
 * partnership key, ever sees a raw sketch or match key.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_gov.h"
#include "unika/seal.h"

#define SEALED_SUFFIX ".sealed"

static const cli_opt box_keygen_options[] = {
    {"output", 'o', "PREFIX", 'o', "Write PREFIX.sec and PREFIX.pub. Required.", CLI_FILE, 0},
    {"force", 0, NULL, 'f', "Replace existing files.", NULL, 0},
    {"json", 0, NULL, 'j', "Print {\"version\", \"fingerprint\", \"x25519\", \"secret\", "
     "\"public\"}.", NULL, 0},
    {NULL, 0, NULL, 0, NULL, NULL, 0},
};

const cli_spec cli_spec_box_keygen = {
    "box-keygen", "create the aggregator's sealing key pair", "-o PREFIX [--force] [--json]",
    "Creates the aggregator's sealing key pair: PREFIX.sec (secret, mode 0600, stays with the "
    "aggregator) and PREFIX.pub (public, for the partners and the roster). Prints the public "
    "key's fingerprint.",
    box_keygen_options, NULL, 0, NULL, NULL};

static const cli_opt seal_options[] = {
    {"to", 0, "AGGREGATOR.pub", 'k', "The aggregator's public box key. Required.", CLI_FILE, 0},
    {"output", 'o', "DIR", 'o', "Write DIR/<name of FILE>.sealed; DIR is created (mode 0700) "
     "if missing. Required.", CLI_DIR, 0},
    {"force", 0, NULL, 'f', "Replace existing outputs.", NULL, 0},
    {NULL, 0, NULL, 0, NULL, NULL, 0},
};

const cli_spec cli_spec_seal = {
    "seal", "seal files so only the aggregator can open them",
    "--to AGGREGATOR.pub [--force] FILE... -o DIR",
    "Seals each FILE for the aggregator (libsodium sealed box) into DIR/<name of "
    "FILE>.sealed, printing one line per file (not with --quiet). Only the holder of the "
    "aggregator's secret key can open it; seal FILE.sig files too so that signatures travel "
    "along. Each file is padded before sealing (a sketch of precision p to 2^(p+1) bytes, a "
    "match-key file to a size class of 4 MiB, 8 MiB, ..., anything else to at least 4 KiB), "
    "so an envelope's size does not tell how many people a sketch counts or a partner saw "
    "(docs/security.md).",
    seal_options, CLI_FILE, 0, NULL, NULL};

static const cli_opt open_options[] = {
    {"key", 0, "AGGREGATOR.sec", 'k', "The aggregator's secret box key. Required.", CLI_FILE, 0},
    {"output", 'o', "DIR", 'o', "Write DIR/FILE (mode 0600); DIR is created if missing. "
     "Required.", CLI_DIR, 0},
    {"force", 0, NULL, 'f', "Replace existing outputs.", NULL, 0},
    {"allow-open-permissions", 0, NULL, 'a', "Accept a secret key that group or others may "
     "read.", NULL, 0},
    {NULL, 0, NULL, 0, NULL, NULL, 0},
};

const cli_spec cli_spec_open = {
    "open", "open files sealed for the aggregator",
    "--key AGGREGATOR.sec [--force] [--allow-open-permissions] FILE.sealed... -o DIR",
    "Opens each sealed FILE.sealed into DIR/FILE (mode 0600), printing one line per file "
    "(not with --quiet). All or nothing: if any envelope was sealed for another key, was "
    "truncated or altered, or its output exists (without --force), nothing is written and the "
    "exit status is 1.",
    open_options, CLI_FILE, 0, NULL, NULL};

static int ensure_dir(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (S_ISDIR(st.st_mode)) return 0;
        cli_errorf("%s: exists and is not a directory", dir);
        return -1;
    }
    if (mkdir(dir, 0700) != 0) {
        cli_errorf("%s: cannot create directory: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static char *join(const char *dir, const char *name, size_t name_n, const char *suffix)
{
    size_t n = strlen(dir) + 1 + name_n + strlen(suffix) + 1;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s/%.*s%s", dir, (int)name_n, name, suffix);
    return s;
}

int cmd_box_keygen(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        cli_print_help(&cli_spec_box_keygen, stdout);
        return CLI_DONE;
    }
    const char *prefix = NULL;
    int force = 0, json = 0, c;
    while ((c = cli_getopt(&cli_spec_box_keygen, argc, argv)) != -1) {
        switch (c) {
        case 'o': prefix = optarg; break;
        case 'f': force = 1; break;
        case 'j': json = 1; break;
        default: return cli_opt_exit(c);
        }
    }
    if (optind < argc) return cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!prefix) return cli_usage_error("-o PREFIX is required");
    char *sec = cli_xprintf("%s.sec", prefix), *pub = cli_xprintf("%s.pub", prefix);
    int status = CLI_INPUT;
    unika_box_key *key = NULL;
    unika_error err = {0};
    if (!force && (cli_exists(sec) || cli_exists(pub))) {
        cli_errorf("%s: already exists (use --force to replace it)", cli_exists(sec) ? sec : pub);
        goto done;
    }
    if (unika_box_key_generate(&key, &err) < 0) {
        cli_fail(NULL, &err);
        goto done;
    }
    uint8_t pk[UNIKA_BOX_PUBLIC_KEY_BYTES], fp[UNIKA_FINGERPRINT_BYTES];
    unika_box_key_public(pk, key);
    unika_box_fingerprint(fp, pk);
    unsigned flags = force ? UNIKA_SEAL_OVERWRITE : 0;
    if (unika_box_key_save(key, sec, flags, &err) < 0) {
        cli_fail(sec, &err);
        goto done;
    }
    if (unika_box_public_save(pk, pub, flags, &err) < 0) {
        cli_fail(pub, &err);
        goto done;
    }
    char fp_hex[2 * UNIKA_FINGERPRINT_BYTES + 1], pk_hex[2 * UNIKA_BOX_PUBLIC_KEY_BYTES + 1];
    for (size_t i = 0; i < sizeof fp; i++) snprintf(fp_hex + 2 * i, 3, "%02x", fp[i]);
    for (size_t i = 0; i < sizeof pk; i++) snprintf(pk_hex + 2 * i, 3, "%02x", pk[i]);
    if (json) {
        cli_json j;
        cj_init(&j, stdout);
        cj_obj(&j, NULL);
        cj_int(&j, "version", CLI_JSON_VERSION);
        cj_str(&j, "fingerprint", fp_hex);
        cj_str(&j, "x25519", pk_hex);
        cj_str(&j, "secret", sec);
        cj_str(&j, "public", pub);
        cj_obj_end(&j);
        cj_end(&j);
    } else {
        printf("%s\n", fp_hex);
    }
    status = CLI_OK;
done:
    unika_box_key_free(key);
    free(sec);
    free(pub);
    return status;
}

typedef struct {
    const char *keyfile, *dir;
    int force, open_perm;
} transfer_args;

static int parse_transfer(transfer_args *a, int argc, char **argv, const char *keyopt)
{
    const cli_spec *spec = !strcmp(keyopt, "--to") ? &cli_spec_seal : &cli_spec_open;
    int c;
    while ((c = cli_getopt(spec, argc, argv)) != -1) {
        switch (c) {
        case 'k': a->keyfile = optarg; break;
        case 'o': a->dir = optarg; break;
        case 'f': a->force = 1; break;
        case 'a': a->open_perm = 1; break;
        default: return cli_opt_exit(c);
        }
    }
    if (!a->keyfile) return cli_usage_error("%s KEYFILE is required", keyopt);
    if (!a->dir) return cli_usage_error("-o DIR is required");
    if (optind >= argc) return cli_usage_error("no FILE given");
    return 0;
}

int cmd_seal(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        cli_print_help(&cli_spec_seal, stdout);
        return CLI_DONE;
    }
    transfer_args a = {0};
    int rc = parse_transfer(&a, argc, argv, "--to");
    if (rc) return rc;
    unika_error err = {0};
    uint8_t pk[UNIKA_BOX_PUBLIC_KEY_BYTES];
    if (unika_box_public_load(pk, a.keyfile, &err) < 0) return cli_fail(NULL, &err);
    if (ensure_dir(a.dir) < 0) return CLI_INPUT;
    int status = CLI_OK;
    for (int i = optind; i < argc; i++) {
        const char *name = base_name(argv[i]);
        char *out = join(a.dir, name, strlen(name), SEALED_SUFFIX);
        if (!out) cli_out_of_memory();
        unika_error e = {0};
        if (!a.force && cli_exists(out)) {
            cli_errorf("%s: already exists (use --force to replace it)", out);
            status = CLI_INPUT;
        } else if (unika_seal_file(pk, argv[i], out, a.force ? UNIKA_SEAL_OVERWRITE : 0, &e) < 0) {
            cli_fail(NULL, &e);
            status = CLI_INPUT;
        } else {
            if (!cli_quiet) printf("%s -> %s\n", argv[i], out);
        }
        free(out);
    }
    return status;
}

/* The output name of a sealed input (DIR/<name without .sealed>), or NULL
 * after a message when the name does not end in .sealed. */
static char *opened_name(const char *dir, const char *sealed)
{
    size_t suffix_n = strlen(SEALED_SUFFIX);
    const char *name = base_name(sealed);
    size_t n = strlen(name);
    if (n <= suffix_n || strcmp(name + n - suffix_n, SEALED_SUFFIX) != 0) {
        cli_errorf("%s: not a .sealed file name", sealed);
        return NULL;
    }
    char *out = join(dir, name, n - suffix_n, "");
    if (!out) cli_out_of_memory();
    return out;
}

/* Step 1 of open: every output name, checked before anything is decrypted
 * (a .sealed name, not given twice, not existing without --force). */
static int plan_outputs(char **outs, char *const *in, size_t n, const transfer_args *a)
{
    int status = CLI_OK;
    for (size_t i = 0; i < n; i++) {
        outs[i] = opened_name(a->dir, in[i]);
        if (!outs[i]) {
            status = CLI_INPUT;
            continue;
        }
        for (size_t k = 0; k < i; k++)
            if (outs[k] && !strcmp(outs[k], outs[i])) {
                cli_errorf("%s: given twice (as %s and %s)", outs[i], in[k], in[i]);
                status = CLI_INPUT;
            }
        if (!a->force && cli_exists(outs[i])) {
            cli_errorf("%s: already exists (use --force to replace it)", outs[i]);
            status = CLI_INPUT;
        }
    }
    return status;
}

/* Step 3: the opened files move from the staging directory into DIR. A
 * move that fails undoes the moves before it (without --force nothing was
 * replaced, so undoing restores DIR exactly). */
static int move_into_place(char **staged, char **outs, size_t n, const transfer_args *a)
{
    for (size_t i = 0; i < n; i++) {
        int rc = a->force ? rename(staged[i], outs[i]) : link(staged[i], outs[i]);
        if (rc == 0) continue;
        int e = errno;
        cli_errorf("%s: cannot move into place: %s; nothing opened", outs[i], strerror(e));
        for (size_t k = 0; k < i && !a->force; k++) unlink(outs[k]);
        return CLI_INPUT;
    }
    unika_error err = {0};
    if (cli_fsync_dir(a->dir, &err) < 0) return cli_fail(NULL, &err);
    return CLI_OK;
}

/* Removes the staging directory and what is left in it. */
static void remove_staging(const char *stage, char **staged, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (staged[i]) unlink(staged[i]);
    rmdir(stage);
}

/* All or nothing: every envelope is opened into a staging directory inside
 * DIR first; only when all opened are they moved into place, so one bad
 * envelope in a batch leaves DIR as it was. */
static int open_batch(const unika_box_key *key, char *const *in, size_t n, const transfer_args *a)
{
    char **outs = cli_xcalloc(n, sizeof *outs), **staged = cli_xcalloc(n, sizeof *staged);
    char stage[4096];
    int status = plan_outputs(outs, in, n, a);
    int staged_dir = 0;
    if (status == CLI_OK) {
        if (cli_path_join(stage, sizeof stage, a->dir, "/", ".unika-open-XXXXXX") < 0 ||
            !mkdtemp(stage)) {
            cli_errorf("%s: cannot create a staging directory: %s", a->dir, strerror(errno));
            status = CLI_INPUT;
        } else {
            staged_dir = 1;
        }
    }
    for (size_t i = 0; status == CLI_OK && i < n; i++) {
        staged[i] = cli_xprintf("%s/%zu", stage, i);
        unika_error e = {0};
        if (unika_open_file(key, in[i], staged[i], 0, &e) < 0) {
            cli_fail(NULL, &e);
            if (n > 1)
                cli_errorf("nothing opened: one envelope that does not open stops the whole "
                           "batch of %zu", n);
            status = e.code == UNIKA_ENOMEM ? CLI_NOMEM : CLI_INPUT;
        }
    }
    if (status == CLI_OK) status = move_into_place(staged, outs, n, a);
    if (status == CLI_OK && !cli_quiet)
        for (size_t i = 0; i < n; i++) printf("%s -> %s\n", in[i], outs[i]);
    if (staged_dir) remove_staging(stage, staged, n);
    for (size_t i = 0; i < n; i++) {
        free(outs[i]);
        free(staged[i]);
    }
    free(outs);
    free(staged);
    return status;
}

int cmd_open(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        cli_print_help(&cli_spec_open, stdout);
        return CLI_DONE;
    }
    transfer_args a = {0};
    int rc = parse_transfer(&a, argc, argv, "--key");
    if (rc) return rc;
    unika_error err = {0};
    unika_box_key *key = NULL;
    if (unika_box_key_load(&key, a.keyfile, a.open_perm ? UNIKA_SEAL_ALLOW_OPEN_PERMISSIONS : 0,
                           &err) < 0)
        return cli_fail(NULL, &err);
    int status = ensure_dir(a.dir) < 0 ? CLI_INPUT
                                       : open_batch(key, argv + optind, (size_t)(argc - optind), &a);
    unika_box_key_free(key);
    return status;
}
