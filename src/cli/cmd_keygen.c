/*
 * cmd_keygen.c - `unika keygen` and `unika key fingerprint`.
 *
 * A key is created at random, or derived from a passphrase file and a
 * public partnership salt so that partners can re-create it without ever
 * sending the key itself. The key file is written 0600 and never replaced
 * unless --force is given. Only the fingerprint is ever printed.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "unika/key.h"

static const char keygen_help[] =
    "usage: unika keygen -o FILE [--passphrase-file F --salt S] [--force] [--json]\n"
    "\n"
    "Creates a partnership key file (mode 0600) and prints its fingerprint.\n"
    "\n"
    "  -o, --output FILE        the key file to write (required)\n"
    "      --passphrase-file F  derive the key with Argon2id from the passphrase in F\n"
    "                           (one trailing newline is ignored; at least 20 bytes)\n"
    "      --salt S             the partnership's public salt text (with --passphrase-file)\n"
    "      --force              replace FILE if it exists\n"
    "      --json               print {\"version\", \"fingerprint\", \"file\"} on stdout\n"
    "\n"
    "Without --passphrase-file the key is 32 random bytes. Keys are never read\n"
    "from the command line. Exit codes: 0 ok, 1 refused or failed, 2 usage.\n";

static const char key_help[] =
    "usage: unika key fingerprint [--json] [--allow-open-permissions] FILE\n"
    "\n"
    "Prints the fingerprint of the key in FILE (32 hex digits). The fingerprint\n"
    "is public: sketches carry it, so partners can check they share a key.\n"
    "A key file readable by group or others is refused unless\n"
    "--allow-open-permissions is given.\n";

/* Wipes a buffer in a way the compiler may not drop. */
static void wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--) *v++ = 0;
}

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
        fputs(keygen_help, stdout);
        return CLI_OK;
    }
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"passphrase-file", required_argument, NULL, 'p'},
        {"salt", required_argument, NULL, 's'},
        {"force", no_argument, NULL, 'f'},
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    const char *out = NULL, *pass_file = NULL, *salt = NULL;
    int force = 0, json = 0, c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'p': pass_file = optarg; break;
        case 's': salt = optarg; break;
        case 'f': force = 1; break;
        case 'j': json = 1; break;
        case ':': return cli_usage_error("option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("unknown option '%s'", argv[optind - 1]);
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
        wipe(pass, n);
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
    if (cli_wants_help(argc, argv) || argc < 2) {
        fputs(key_help, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    if (strcmp(argv[1], "fingerprint") != 0)
        return cli_usage_error("unknown key operation '%s' (expected 'fingerprint')", argv[1]);
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},
        {"allow-open-permissions", no_argument, NULL, 'a'},
        {NULL, 0, NULL, 0},
    };
    int json = 0, open_perm = 0, c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc - 1, argv + 1, ":", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'a': open_perm = 1; break;
        default: return cli_usage_error("unknown option '%s'", argv[optind]);
        }
    }
    if (argc - 1 - optind != 1) return cli_usage_error("expected exactly one key FILE");
    const char *file = argv[1 + optind];
    unika_error err = {0};
    unika_key *key = NULL;
    if (unika_key_load(&key, file, open_perm ? UNIKA_KEY_ALLOW_OPEN_PERMISSIONS : 0, &err) < 0)
        return cli_fail(file, &err);
    print_fingerprint(key, file, json);
    unika_key_free(key);
    return CLI_OK;
}
