/*
 * cmd_keygen.c - `unika keygen` and `unika key fingerprint`.
 *
 * A key is created at random, or derived from a passphrase file and a
 * public partnership salt so that partners can re-create it without ever
 * sending the key itself. The key file is written 0600 and never replaced
 * unless --force is given. Only the fingerprint is ever printed.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "unika/key.h"

static const cli_opt keygen_options[] = {
    {"output", 'o', "FILE", 'o', "The key file to write (mode 0600). Required.", CLI_FILE, 0},
    {"passphrase-file", 0, "F", 'p', "Derive the key with Argon2id from the passphrase in F "
     "(at least 20 bytes; one trailing newline is ignored) and the salt, so every partner can "
     "make the same key without it being sent.", CLI_FILE, 0},
    {"salt", 0, "S", 's', "The partnership's public salt text, with --passphrase-file.", NULL, 0},
    {"force", 0, NULL, 'f', "Replace FILE if it exists.", NULL, 0},
    {"json", 0, NULL, 'j', "Print {\"version\", \"fingerprint\", \"file\"} on stdout.", NULL, 0},
    {NULL, 0, NULL, 0, NULL, NULL, 0},
};

const cli_spec cli_spec_keygen = {
    "keygen", "create a new partnership key file",
    "-o FILE [--passphrase-file F --salt S] [--force] [--json]",
    "Creates a partnership key file (mode 0600, docs/keys.md) and prints its fingerprint "
    "(32 hex digits) on stdout. Without --passphrase-file the key is 32 random bytes. Keys "
    "are never read from the command line.",
    keygen_options, NULL, 0, NULL, NULL};

static const cli_opt key_fingerprint_options[] = {
    {"json", 0, NULL, 'j', "Print {\"version\", \"fingerprint\", \"file\"} on stdout, and "
     "\"signing_key\" (its name) for a public signing key.", NULL, 0},
    {"allow-open-permissions", 0, NULL, 'a', "Accept a key file that group or others may read.",
     NULL, 0},
    {NULL, 0, NULL, 0, NULL, NULL, 0},
};

static const cli_spec key_fingerprint = {
    "key fingerprint", "print a key file's fingerprint",
    "[--json] [--allow-open-permissions] FILE",
    "Loads the key file, checking its stored fingerprint, and prints the fingerprint (32 hex "
    "digits). The fingerprint is public: every sketch carries it, so partners compare it "
    "before ingesting. FILE may also be a public signing key (PREFIX.pub of 'unika "
    "sign-keygen'): the coordinator's is the fingerprint every party pins (--coordinator). A "
    "key file readable by group or others is refused unless --allow-open-permissions is given.",
    key_fingerprint_options, CLI_FILE, 0, NULL, NULL};

static const cli_spec *const key_operations[] = {&key_fingerprint, NULL};

const cli_spec cli_spec_key = {
    "key", "show a key file's fingerprint (unika key fingerprint FILE)", "",
    "Operations on a partnership key file.", NULL, NULL, 0, NULL, key_operations};

static void print_fingerprint(const unika_key *key, const char *file, int json)
{
    char hex[UNIKA_FINGERPRINT_HEX_BYTES];
    unika_fingerprint_to_hex(hex, unika_key_fingerprint_ptr(key));
    if (json) {
        cli_json j;
        cj_init(&j, stdout);
        cj_obj(&j, NULL);
        cj_int(&j, "version", CLI_JSON_VERSION);
        cj_str(&j, "fingerprint", hex);
        cj_str(&j, "file", file);
        cj_obj_end(&j);
        cj_end(&j);
    } else {
        printf("%s\n", hex);
    }
}

int cmd_keygen(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        cli_print_help(&cli_spec_keygen, stdout);
        return CLI_DONE;
    }
    const char *out = NULL, *pass_file = NULL, *salt = NULL;
    int force = 0, json = 0, c;
    while ((c = cli_getopt(&cli_spec_keygen, argc, argv)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'p': pass_file = optarg; break;
        case 's': salt = optarg; break;
        case 'f': force = 1; break;
        case 'j': json = 1; break;
        default: return cli_opt_exit(c);
        }
    }
    if (optind < argc) return cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!out) return cli_usage_error("-o FILE is required");
    if (!pass_file != !salt) return cli_usage_error("--passphrase-file and --salt go together");
    if (!force && cli_exists(out)) {
        cli_errorf("%s: already exists (use --force to replace it)", out);
        return CLI_INPUT;
    }

    unika_error err = {0};
    unika_key *key = NULL;
    int rc;
    if (pass_file) {
        char *pass = NULL;
        size_t n = 0;
        rc = cli_read_file(&pass, &n, pass_file, UNIKA_KEY_PASSPHRASE_MAX + 2, &err);
        if (rc < 0) return cli_fail(NULL, &err);
        if (n && pass[n - 1] == '\n') n--;
        if (n && pass[n - 1] == '\r') n--;
        rc = unika_key_derive(&key, pass, n, salt, strlen(salt), &err);
        cli_wipe(pass, n);
        free(pass);
        if (rc < 0) return cli_fail(pass_file, &err);
    } else {
        rc = unika_key_generate(&key, &err);
        if (rc < 0) return cli_fail(NULL, &err);
    }
    rc = unika_key_save(key, out, force ? UNIKA_KEY_OVERWRITE : 0, &err);
    if (rc < 0) {
        unika_key_free(key);
        return cli_fail(out, &err);
    }
    print_fingerprint(key, out, json);
    unika_key_free(key);
    return CLI_OK;
}

int cmd_key(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "fingerprint") && cli_wants_help(argc - 1, argv + 1)) {
        cli_print_help(&key_fingerprint, stdout);
        return CLI_DONE;
    }
    if (cli_wants_help(argc, argv) || argc < 2) {
        cli_print_help(&cli_spec_key, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_DONE;
    }
    if (strcmp(argv[1], "fingerprint") != 0)
        return cli_usage_error("unknown key operation '%s' (expected 'fingerprint')", argv[1]);
    int json = 0, open_perm = 0, c;
    while ((c = cli_getopt(&key_fingerprint, argc - 1, argv + 1)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'a': open_perm = 1; break;
        default: return cli_opt_exit(c);
        }
    }
    if (argc - 1 - optind != 1) return cli_usage_error("expected exactly one key FILE");
    const char *file = argv[1 + optind];
    unika_error err = {0};
    unika_key *key = NULL;
    /* A public signing key (PREFIX.pub of sign-keygen): the fingerprint that
     * partners and auditors pin for the coordinator (docs/security.md). */
    unika_sign_public pub;
    if (unika_sign_public_load(&pub, file, &err) == 0) {
        uint8_t fp[UNIKA_FINGERPRINT_BYTES];
        char hex[UNIKA_FINGERPRINT_HEX_BYTES];
        (void)unika_sign_public_fingerprint(fp, &pub);
        unika_fingerprint_to_hex(hex, fp);
        if (json) {
            cli_json j;
            cj_init(&j, stdout);
            cj_obj(&j, NULL);
            cj_int(&j, "version", CLI_JSON_VERSION);
            cj_str(&j, "file", file);
            cj_str(&j, "signing_key", pub.name);
            cj_str(&j, "fingerprint", hex);
            cj_obj_end(&j);
            cj_end(&j);
        } else {
            printf("%s\n", hex);
        }
        return CLI_OK;
    }
    if (unika_key_load(&key, file, open_perm ? UNIKA_KEY_ALLOW_OPEN_PERMISSIONS : 0, &err) < 0)
        return cli_fail(file, &err);
    print_fingerprint(key, file, json);
    unika_key_free(key);
    return CLI_OK;
}
