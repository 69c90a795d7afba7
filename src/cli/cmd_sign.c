/*
 * cmd_sign.c - `unika sign-keygen`, `unika sign` and `unika roster`.
 *
 * A partner makes its signing key once (sign-keygen), sends the printed
 * roster line to whoever keeps the roster, and signs each file it hands
 * over (sign). Anyone holding the roster checks who signed what (roster
 * check); `roster make` writes a roster from the partners' public key files.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_gov.h"
#include "unika/roster.h"
#include "unika/seal.h"
#include "unika/sign.h"

static const cli_opt sign_keygen_options[] = {
    {"name", 0, "PARTNER", 'n', "The partner's name on the roster: letters, digits, '.', '_', "
     "'-'. Required.", NULL, 0},
    {"output", 'o', "PREFIX", 'o', "Write PREFIX.sec and PREFIX.pub. Required.", CLI_FILE, 0},
    {"force", 0, NULL, 'f', "Replace existing files.", NULL, 0},
    {"json", 0, NULL, 'j', "Print {\"version\", \"name\", \"ed25519\", \"key_id\", "
     "\"fingerprint\", \"secret\", \"public\"}.", NULL, 0},
    {NULL, 0, NULL, 0, NULL, NULL, 0},
};

const cli_spec cli_spec_sign_keygen = {
    "sign-keygen", "create a partner's signing key pair (PREFIX.sec, PREFIX.pub)",
    "--name PARTNER -o PREFIX [--force] [--json]",
    "Creates a partner's Ed25519 signing key: PREFIX.sec (secret, mode 0600) and PREFIX.pub "
    "(public, to share). Prints the partner's roster line.\n\nThe coordinator's key is made "
    "the same way; 'unika key fingerprint PREFIX.pub' prints the fingerprint the partners and "
    "auditors pin.",
    sign_keygen_options, NULL, 0, NULL, NULL};

static const cli_opt sign_options[] = {
    {"key", 0, "PARTNER.sec", 'k', "The partner's secret signing key. Required.", CLI_FILE, 0},
    {"force", 0, NULL, 'f', "Replace existing .sig files.", NULL, 0},
    {"allow-open-permissions", 0, NULL, 'a', "Accept a secret key that group or others may "
     "read.", NULL, 0},
    {NULL, 0, NULL, 0, NULL, NULL, 0},
};

const cli_spec cli_spec_sign = {
    "sign", "sign files as a partner (writes FILE.sig)",
    "--key PARTNER.sec [--force] [--allow-open-permissions] FILE...",
    "Signs each FILE as the key's partner and writes FILE.sig beside it, printing one line "
    "per file (not with --quiet). The signature covers every byte of the file and the "
    "partner's name (docs/security.md). Existing .sig files are kept unless --force. A secret "
    "key readable by group or others is refused unless --allow-open-permissions.",
    sign_options, CLI_FILE, 0, NULL, NULL};

static const cli_opt roster_check_options[] = {
    CLI_COORDINATOR_OPT('c'),
    {"json", 0, NULL, 'j', "JSON output.", NULL, 0},
    {NULL, 0, NULL, 0, NULL, NULL, 0},
};

static const cli_spec roster_check_spec = {
    "roster check", "check signed files against the roster",
    "--coordinator FP|FILE [--json] ROSTER FILE...",
    "Loads the roster only if the pinned coordinator signed it, then verifies each FILE "
    "against FILE.sig and the roster, and prints per file who signed it or exactly why not: "
    "not signed, signer not on the roster, a key other than the roster's, file changed, "
    "signature altered, or a sketch labelled with an organisation its signer may not sign "
    "for. With --quiet only the failures and the last line. Exit 1 if any file fails.",
    roster_check_options, CLI_FILE, 0, NULL, NULL};

static const cli_opt roster_make_options[] = {
    {"key-fingerprint", 0, "HEX", 'k', "The partnership key's fingerprint (from 'unika key "
     "fingerprint'). Required.", NULL, 0},
    {"sign", 0, "COORDINATOR.sec", 's', "The coordinator's secret signing key: writes "
     "ROSTER.sig, without which no command reads the roster. Required.", CLI_FILE, 0},
    {"serial", 0, "N", 'n', "The roster's version number, 1 to 2147483647 (default 1).", NULL,
     0},
    {"orgs", 0, "PARTNER=ORG,ORG", 'O', "The organisations PARTNER's key may sign for (default: "
     "its own name).", NULL, CLI_REPEAT},
    {"aggregator", 0, "NAME=BOX.pub", 'g', "The aggregator's name and public box key.",
     NULL, 0},
    {"linker", 0, "LINKER.pub", 'l', "The linker's public signing key (from 'unika "
     "sign-keygen --name linker').", CLI_FILE, 0},
    {"output", 'o', "ROSTER", 'o', "The roster to write. Required.", CLI_FILE, 0},
    {"force", 0, NULL, 'f', "Replace ROSTER (and ROSTER.sig) if it exists.", NULL, 0},
    {NULL, 0, NULL, 0, NULL, NULL, 0},
};

static const cli_spec roster_make_spec = {
    "roster make", "write a roster signed by the coordinator",
    "--key-fingerprint HEX --sign COORDINATOR.sec [--serial N] [--orgs PARTNER=ORG,ORG]...\n"
    "[--aggregator NAME=BOX.pub] [--linker LINKER.pub] -o ROSTER [--force] PARTNER.pub...",
    "Writes a roster naming the partnership key (its fingerprint, from 'unika key "
    "fingerprint'), the coordinator (the key given to --sign), each partner's public signing "
    "key and the organisations it may sign for (its own name unless --orgs), optionally the "
    "linker's public signing key (signing for every partner's organisations) and the "
    "aggregator's public box key; and ROSTER.sig, the coordinator's signature.",
    roster_make_options, CLI_FILE, 0, NULL, NULL};

static const cli_spec *const roster_operations[] = {&roster_check_spec, &roster_make_spec,
                                                    NULL};

const cli_spec cli_spec_roster = {
    "roster", "check signed files against the roster, or make a signed roster", "",
    "The roster names the partnership key, who may sign and for which organisations; it "
    "counts only when signed by the coordinator every party pins (docs/security.md).",
    NULL, NULL, 0, NULL, roster_operations};

/* The spec's options through handle(); 0, or the exit code to stop with. */
static int parse_common(const cli_spec *spec, int argc, char **argv,
                        int (*handle)(int c, void *ctx), void *ctx)
{
    int c;
    while ((c = cli_getopt(spec, argc, argv)) != -1) {
        if (c < 0) return cli_opt_exit(c);
        int rc = handle(c, ctx);
        if (rc) return rc;
    }
    return 0;
}

/* ---- sign-keygen ------------------------------------------------------------ */

typedef struct {
    const char *name, *prefix;
    int force, json;
} keygen_args;

static int keygen_opt(int c, void *ctx)
{
    keygen_args *a = ctx;
    switch (c) {
    case 'n': a->name = optarg; break;
    case 'o': a->prefix = optarg; break;
    case 'f': a->force = 1; break;
    case 'j': a->json = 1; break;
    }
    return 0;
}

int cmd_sign_keygen(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        cli_print_help(&cli_spec_sign_keygen, stdout);
        return CLI_DONE;
    }
    keygen_args a = {0};
    int rc = parse_common(&cli_spec_sign_keygen, argc, argv, keygen_opt, &a);
    if (rc) return rc;
    if (optind < argc) return cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!a.name) return cli_usage_error("--name PARTNER is required");
    if (!a.prefix) return cli_usage_error("-o PREFIX is required");
    unika_error err = {0};
    if (unika_signer_name_check(a.name, &err) < 0)
        return cli_usage_error("--name: %s", err.message);

    char *sec = cli_xprintf("%s.sec", a.prefix), *pub = cli_xprintf("%s.pub", a.prefix);
    unika_sign_key *key = NULL;
    unika_sign_public pk;
    int status = CLI_INPUT;
    if (!a.force && (cli_exists(sec) || cli_exists(pub))) {
        cli_errorf("%s: already exists (use --force to replace it)", cli_exists(sec) ? sec : pub);
        goto done;
    }
    unsigned flags = a.force ? UNIKA_SIGN_OVERWRITE : 0;
    if (unika_sign_key_generate(&key, a.name, &err) < 0) {
        cli_fail(NULL, &err);
        goto done;
    }
    unika_sign_key_public(&pk, key);
    if (unika_sign_key_save(key, sec, flags, &err) < 0) {
        cli_fail(sec, &err);
        goto done;
    }
    if (unika_sign_public_save(&pk, pub, flags, &err) < 0) {
        cli_fail(pub, &err);
        goto done;
    }
    char hex[2 * UNIKA_SIGN_PUBLIC_KEY_BYTES + 1], id[UNIKA_SIGN_KEY_ID_HEX_BYTES];
    for (size_t i = 0; i < sizeof pk.key; i++) snprintf(hex + 2 * i, 3, "%02x", pk.key[i]);
    unika_sign_key_id(id, pk.key);
    if (a.json) {
        cli_json j;
        cj_init(&j, stdout);
        cj_obj(&j, NULL);
        cj_int(&j, "version", CLI_JSON_VERSION);
        cj_str(&j, "name", a.name);
        cj_str(&j, "ed25519", hex);
        cj_str(&j, "key_id", id);
        uint8_t fpb[UNIKA_FINGERPRINT_BYTES];
        char fp[UNIKA_FINGERPRINT_HEX_BYTES];
        (void)unika_sign_public_fingerprint(fpb, &pk);
        unika_fingerprint_to_hex(fp, fpb);
        cj_str(&j, "fingerprint", fp);
        cj_str(&j, "secret", sec);
        cj_str(&j, "public", pub);
        cj_obj_end(&j);
        cj_end(&j);
    } else {
        printf("partner: %s ed25519:%s\n", a.name, hex);
    }
    status = CLI_OK;
done:
    unika_sign_key_free(key);
    free(sec);
    free(pub);
    return status;
}

/* ---- sign ------------------------------------------------------------------------ */

typedef struct {
    const char *key;
    int force, open_perm;
} sign_args;

static int sign_opt(int c, void *ctx)
{
    sign_args *a = ctx;
    switch (c) {
    case 'k': a->key = optarg; break;
    case 'f': a->force = 1; break;
    case 'a': a->open_perm = 1; break;
    }
    return 0;
}

int cmd_sign(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        cli_print_help(&cli_spec_sign, stdout);
        return CLI_DONE;
    }
    sign_args a = {0};
    int rc = parse_common(&cli_spec_sign, argc, argv, sign_opt, &a);
    if (rc) return rc;
    if (!a.key) return cli_usage_error("--key PARTNER.sec is required");
    if (optind >= argc) return cli_usage_error("no FILE to sign");
    unika_error err = {0};
    unika_sign_key *key = NULL;
    if (unika_sign_key_load(&key, a.key, a.open_perm ? UNIKA_SIGN_ALLOW_OPEN_PERMISSIONS : 0,
                            &err) < 0)
        return cli_fail(a.key, &err);
    int status = CLI_OK;
    for (int i = optind; i < argc; i++) {
        char sig[4096];
        if (unika_signature_path(sig, sizeof sig, argv[i]) != 0) {
            cli_errorf("%s: path too long", argv[i]);
            status = CLI_INPUT;
            continue;
        }
        if (!a.force && cli_exists(sig)) {
            cli_errorf("%s: already exists (use --force to replace it)", sig);
            status = CLI_INPUT;
            continue;
        }
        unika_error e = {0};
        if (unika_sign_file(key, argv[i], sig, a.force ? UNIKA_SIGN_OVERWRITE : 0, &e) < 0) {
            cli_fail(argv[i], &e);
            status = CLI_INPUT;
            continue;
        }
        if (!cli_quiet) printf("%s: signed by %s -> %s\n", argv[i], unika_sign_key_name(key), sig);
    }
    unika_sign_key_free(key);
    return status;
}

/* ---- roster ------------------------------------------------------------------- */

static const char *reason_of(int code)
{
    switch (code) {
    case UNIKA_ENOENT: return "missing";
    case UNIKA_ESIGNER: return "unknown-signer";
    case UNIKA_ESIGNKEY: return "key-mismatch";
    case UNIKA_ESIGNATURE: return "bad-signature";
    case UNIKA_ESIGNSCOPE: return "not-authorized";
    case UNIKA_ESIGFILE: case UNIKA_EVERSION: return "malformed-signature";
    default: return "error";
    }
}

/* Who signed `path`, and, when it is a sketch, whether that key may sign
 * for the organisations it is labelled with. A file that is not a sketch
 * (a match-key file, a manifest) is checked for its signature only. */
static int check_one(const unika_sign_public **who, const unika_roster *roster, const char *path,
                     unika_error *e)
{
    int rc = unika_roster_verify_file(who, roster, path, NULL, e);
    if (rc < 0) return rc;
    unika_sketch *s = NULL;
    unika_error pe = {0};
    if (unika_sketch_load_file(&s, NULL, path, &pe) < 0) return 0;
    /* A merged sketch's organisations are its provenance records: read and
     * checked from PATH.prov when it is there (docs/format.md §6.2). */
    char prov[4096];
    int n = snprintf(prov, sizeof prov, "%s.prov", path);
    rc = 0;
    if (n > 0 && (size_t)n < sizeof prov && cli_exists(prov))
        rc = unika_sketch_provenance_load(s, prov, e);
    if (rc == 0) rc = unika_roster_authorize_sketch(roster, *who, s, e);
    unika_sketch_free(s);
    if (rc < 0) cli_error_prefix(e, "%s: ", path);
    return rc;
}

static void print_check(cli_json *j, int json, const char *path, int rc,
                        const unika_sign_public *who, const unika_error *e)
{
    if (json) {
        cj_obj(j, NULL);
        cj_str(j, "file", path);
        cj_bool(j, "ok", rc == 0);
        if (rc == 0) {
            cj_str(j, "signer", who->name);
        } else {
            cj_str(j, "reason", reason_of(rc));
            cj_str(j, "error", unika_err_name(rc));
            cj_str(j, "message", e->message);
        }
        cj_obj_end(j);
    } else if (rc == 0) {
        char id[UNIKA_SIGN_KEY_ID_HEX_BYTES];
        unika_sign_key_id(id, who->key);
        if (!cli_quiet) printf("ok    %s: signed by %s (key %s)\n", path, who->name, id);
    } else {
        /* Library messages usually start with the file's name already. */
        size_t n = strlen(path);
        if (!strncmp(e->message, path, n) && e->message[n] == ':')
            printf("FAIL  %s\n", e->message);
        else
            printf("FAIL  %s: %s\n", path, e->message);
    }
}

static int roster_check(int argc, char **argv)
{
    int json = 0, c;
    const char *pin = NULL;
    while ((c = cli_getopt(&roster_check_spec, argc, argv)) != -1) {
        if (c == 'j') json = 1;
        else if (c == 'c') pin = optarg;
        else return cli_opt_exit(c);
    }
    if (argc - optind < 2) return cli_usage_error("expected ROSTER and at least one FILE");
    const char *rpath = argv[optind];
    unika_roster *roster = NULL;
    int rc = cli_roster_load(&roster, rpath, pin);
    if (rc) return rc;
    cli_json j;
    if (json) {
        cj_init(&j, stdout);
        cj_obj(&j, NULL);
        cj_int(&j, "version", CLI_JSON_VERSION);
        cj_str(&j, "roster", rpath);
        cj_int(&j, "serial", (long long)unika_roster_serial(roster));
        cj_arr(&j, "files");
    }
    int failed = 0;
    for (int i = optind + 1; i < argc; i++) {
        const unika_sign_public *who = NULL;
        unika_error e = {0};
        int frc = check_one(&who, roster, argv[i], &e);
        if (frc < 0) failed++;
        print_check(&j, json, argv[i], frc, who, &e);
    }
    if (json) {
        cj_arr_end(&j);
        cj_int(&j, "failed", failed);
        cj_obj_end(&j);
        cj_end(&j);
    } else {
        printf("%d of %d file(s) verified against %s\n", argc - optind - 1 - failed,
               argc - optind - 1, rpath);
    }
    unika_roster_free(roster);
    return failed ? CLI_INPUT : CLI_OK;
}

typedef struct make_args {
    const char *fp_hex, *agg, *out, *sign, *linker;
    const char *orgs[UNIKA_ROSTER_MAX_PARTNERS]; /* "NAME=ORG,ORG" */
    size_t norgs;
    unsigned long long serial;
    int force;
} make_args;

static int make_opt(make_args *a, int c)
{
    unsigned long v;
    switch (c) {
    case 'k': a->fp_hex = optarg; break;
    case 'g': a->agg = optarg; break;
    case 'l': a->linker = optarg; break;
    case 'o': a->out = optarg; break;
    case 'f': a->force = 1; break;
    case 's': a->sign = optarg; break;
    case 'n':
        if (cli_parse_uint(&v, optarg, 1, 2147483647ul) < 0)
            return cli_usage_error("--serial must be a whole number from 1 to 2147483647");
        a->serial = v;
        break;
    case 'O':
        if (a->norgs == UNIKA_ROSTER_MAX_PARTNERS) return cli_usage_error("too many --orgs");
        if (!strchr(optarg, '=')) return cli_usage_error("--orgs takes PARTNER=ORG,ORG...");
        a->orgs[a->norgs++] = optarg;
        break;
    default: return cli_opt_exit(c);
    }
    return 0;
}

/* The --orgs list given for `name`, or NULL (the partner's own name). */
static const char *orgs_for(const make_args *a, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < a->norgs; i++)
        if (!strncmp(a->orgs[i], name, n) && a->orgs[i][n] == '=') return a->orgs[i] + n + 1;
    return NULL;
}

static int add_linker(unika_roster *roster, const char *path)
{
    unika_error err = {0};
    unika_sign_public pub;
    if (unika_sign_public_load(&pub, path, &err) < 0 ||
        unika_roster_set_linker(roster, &pub, &err) < 0)
        return cli_fail(path, &err);
    return 0;
}

static int add_aggregator(unika_roster *roster, const char *agg)
{
    unika_error err = {0};
    const char *eq = strchr(agg, '=');
    if (!eq || eq == agg) return cli_usage_error("--aggregator takes NAME=BOX.pub");
    char name[UNIKA_SIGNER_NAME_MAX + 1];
    size_t n = (size_t)(eq - agg);
    if (n > UNIKA_SIGNER_NAME_MAX) n = UNIKA_SIGNER_NAME_MAX; /* the check below fails */
    memcpy(name, agg, n);
    name[n] = '\0';
    uint8_t box[UNIKA_BOX_PUBLIC_KEY_BYTES];
    if (unika_box_public_load(box, eq + 1, &err) < 0 ||
        unika_roster_set_aggregator(roster, name, box, &err) < 0)
        return cli_fail(NULL, &err);
    return 0;
}

/* The partners, each with the organisations it may sign for. */
static int add_partners(unika_roster *roster, const make_args *a, char **files, int n)
{
    unika_error err = {0};
    for (size_t i = 0; i < a->norgs; i++) {
        int named = 0;
        for (int k = 0; k < n && !named; k++) {
            unika_sign_public pub;
            named = unika_sign_public_load(&pub, files[k], &err) == 0 &&
                    orgs_for(a, pub.name) == a->orgs[i] + strcspn(a->orgs[i], "=") + 1;
        }
        if (!named)
            return cli_usage_error("--orgs %s: no PARTNER.pub of that name is given", a->orgs[i]);
    }
    for (int k = 0; k < n; k++) {
        unika_sign_public pub;
        if (unika_sign_public_load(&pub, files[k], &err) < 0 ||
            unika_roster_add_signer(roster, "partner", &pub, orgs_for(a, pub.name), &err) < 0)
            return cli_fail(files[k], &err);
    }
    return 0;
}

static int roster_make(int argc, char **argv)
{
    make_args a = {.serial = 1};
    int c, rc;
    while ((c = cli_getopt(&roster_make_spec, argc, argv)) != -1)
        if ((rc = make_opt(&a, c))) return rc;
    if (!a.fp_hex) return cli_usage_error("--key-fingerprint HEX is required");
    if (!a.sign)
        return cli_usage_error("--sign COORDINATOR.sec is required: a roster counts only when "
                               "its coordinator signed it");
    if (!a.out) return cli_usage_error("-o ROSTER is required");
    if (optind >= argc) return cli_usage_error("no PARTNER.pub given");
    uint8_t fp[UNIKA_FINGERPRINT_BYTES];
    if (unika_hex_decode(fp, sizeof fp, a.fp_hex, strlen(a.fp_hex)) != 0)
        return cli_usage_error("--key-fingerprint must be %d hex digits",
                               2 * UNIKA_FINGERPRINT_BYTES);
    unika_error err = {0};
    unika_sign_key *coord = NULL;
    unika_roster *roster = NULL;
    unika_sign_public cpub;
    if (unika_sign_key_load(&coord, a.sign, 0, &err) < 0) return cli_fail(a.sign, &err);
    unika_sign_key_public(&cpub, coord);
    int status = CLI_INPUT;
    if (unika_roster_new(&roster, fp, &err) < 0 ||
        unika_roster_set_serial(roster, a.serial, &err) < 0 ||
        unika_roster_set_coordinator(roster, &cpub, &err) < 0) {
        status = cli_fail(NULL, &err);
        goto done;
    }
    if ((rc = add_partners(roster, &a, argv + optind, argc - optind)) ||
        (a.linker && (rc = add_linker(roster, a.linker))) ||
        (a.agg && (rc = add_aggregator(roster, a.agg)))) {
        status = rc;
        goto done;
    }
    if (unika_roster_save(roster, a.out, coord, a.force ? UNIKA_SIGN_OVERWRITE : 0, &err) < 0) {
        cli_fail(NULL, &err);
        goto done;
    }
    printf("%s: %zu partner(s)%s%s, serial %llu, signed by coordinator %s -> %s.sig\n", a.out,
           unika_roster_partner_count(roster) - (a.linker ? 1 : 0),
           a.linker ? ", the linker" : "", a.agg ? " and the aggregator" : "", a.serial,
           cpub.name, a.out);
    status = CLI_OK;
done:
    unika_roster_free(roster);
    unika_sign_key_free(coord);
    return status;
}

int cmd_roster(int argc, char **argv)
{
    if (argc < 2) {
        cli_print_help(&cli_spec_roster, stderr);
        return CLI_USAGE;
    }
    const cli_spec *op = !strcmp(argv[1], "check") ? &roster_check_spec
                       : !strcmp(argv[1], "make")  ? &roster_make_spec : NULL;
    if (op && cli_wants_help(argc - 1, argv + 1)) {
        cli_print_help(op, stdout);
        return CLI_DONE;
    }
    if (cli_wants_help(argc, argv)) {
        cli_print_help(&cli_spec_roster, stdout);
        return CLI_DONE;
    }
    if (op == &roster_check_spec) return roster_check(argc - 1, argv + 1);
    if (op == &roster_make_spec) return roster_make(argc - 1, argv + 1);
    return cli_usage_error("unknown roster operation '%s' (expected check or make)", argv[1]);
}
