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
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cmd_gov.h"
#include "unika/seal.h"

#define SEALED_SUFFIX ".sealed"

static const char box_keygen_help[] =
    "usage: unika box-keygen -o PREFIX [--force] [--json]\n"
    "\n"
    "Creates the aggregator's sealing key pair: PREFIX.sec (secret, mode 0600,\n"
    "stays with the aggregator) and PREFIX.pub (public, for the partners and\n"
    "the roster). Prints the public key's fingerprint.\n";

static const char seal_help[] =
    "usage: unika seal --to AGGREGATOR.pub [--force] FILE... -o DIR\n"
    "\n"
    "Seals each FILE for the aggregator (libsodium sealed box) into\n"
    "DIR/<name of FILE>.sealed. Only the holder of the aggregator's secret key\n"
    "can open it; seal FILE.sig files too so that signatures travel along.\n"
    "Each file is padded before sealing (a sketch of precision p to 2^(p+1)\n"
    "bytes, a match-key file to a size class of 4 MiB, 8 MiB, ..., anything\n"
    "else to at least 4 KiB), so an envelope's size does not tell how many\n"
    "people a sketch counts or a partner saw (docs/security.md).\n"
    "DIR is created (mode 0700) if missing. Existing outputs are kept unless --force.\n";

static const char open_help[] =
    "usage: unika open --key AGGREGATOR.sec [--force] [--allow-open-permissions]\n"
    "                  FILE.sealed... -o DIR\n"
    "\n"
    "Opens each sealed FILE.sealed into DIR/FILE (mode 0600). Fails, writing\n"
    "nothing for that file, if it was sealed for another key, was truncated,\n"
    "or was altered. Exit 1 if any file fails.\n";

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

static char *suffixed(const char *prefix, const char *suffix)
{
    size_t n = strlen(prefix) + strlen(suffix) + 1;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s%s", prefix, suffix);
    return s;
}

int cmd_box_keygen(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(box_keygen_help, stdout);
        return CLI_OK;
    }
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'f'},
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    const char *prefix = NULL;
    int force = 0, json = 0, c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
        switch (c) {
        case 'o': prefix = optarg; break;
        case 'f': force = 1; break;
        case 'j': json = 1; break;
        case ':': return cli_usage_error("option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!prefix) return cli_usage_error("-o PREFIX is required");
    char *sec = suffixed(prefix, ".sec"), *pub = suffixed(prefix, ".pub");
    int status = CLI_INPUT;
    unika_box_key *key = NULL;
    unika_error err = {0};
    if (!sec || !pub) {
        cli_errorf("out of memory");
        status = CLI_NOMEM;
        goto done;
    }
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
    static const struct option seal_opts[] = {
        {"to", required_argument, NULL, 'k'},
        {"output", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'f'},
        {NULL, 0, NULL, 0},
    };
    static const struct option open_opts[] = {
        {"key", required_argument, NULL, 'k'},
        {"output", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'f'},
        {"allow-open-permissions", no_argument, NULL, 'a'},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:", !strcmp(keyopt, "--to") ? seal_opts : open_opts,
                            NULL)) != -1) {
        switch (c) {
        case 'k': a->keyfile = optarg; break;
        case 'o': a->dir = optarg; break;
        case 'f': a->force = 1; break;
        case 'a': a->open_perm = 1; break;
        case ':': return cli_usage_error("option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("unknown option '%s'", argv[optind - 1]);
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
        fputs(seal_help, stdout);
        return CLI_OK;
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
            printf("%s -> %s\n", argv[i], out);
        }
        free(out);
    }
    return status;
}

int cmd_open(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(open_help, stdout);
        return CLI_OK;
    }
    transfer_args a = {0};
    int rc = parse_transfer(&a, argc, argv, "--key");
    if (rc) return rc;
    unika_error err = {0};
    unika_box_key *key = NULL;
    if (unika_box_key_load(&key, a.keyfile, a.open_perm ? UNIKA_SEAL_ALLOW_OPEN_PERMISSIONS : 0,
                           &err) < 0)
        return cli_fail(NULL, &err);
    if (ensure_dir(a.dir) < 0) {
        unika_box_key_free(key);
        return CLI_INPUT;
    }
    int status = CLI_OK;
    size_t suffix_n = strlen(SEALED_SUFFIX);
    for (int i = optind; i < argc; i++) {
        const char *name = base_name(argv[i]);
        size_t n = strlen(name);
        if (n <= suffix_n || strcmp(name + n - suffix_n, SEALED_SUFFIX) != 0) {
            cli_errorf("%s: not a .sealed file name", argv[i]);
            status = CLI_INPUT;
            continue;
        }
        char *out = join(a.dir, name, n - suffix_n, "");
        if (!out) {
            cli_errorf("out of memory");
            status = CLI_NOMEM;
            break;
        }
        unika_error e = {0};
        if (!a.force && cli_exists(out)) {
            cli_errorf("%s: already exists (use --force to replace it)", out);
            status = CLI_INPUT;
        } else if (unika_open_file(key, argv[i], out, a.force ? UNIKA_SEAL_OVERWRITE : 0, &e) < 0) {
            cli_fail(NULL, &e);
            status = CLI_INPUT;
        } else {
            printf("%s -> %s\n", argv[i], out);
        }
        free(out);
    }
    unika_box_key_free(key);
    return status;
}
