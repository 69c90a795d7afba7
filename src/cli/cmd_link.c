/*
 * cmd_link.c - `unika link-keygen` and `unika link`: the linker's seed, and
 * the partners' match-key files resolved into persons, written as one
 * sketch per cell (like `ingest`) with a signed manifest (docs/cli.md,
 * docs/linkage.md).
 *
 * The linker holds no partnership key. It accepts only files whose
 * signature checks against the roster, each signed by its own
 * organisation, all under the roster's partnership key, one per
 * organisation; the first refusal names the file and nothing is written.
 * Outputs are made in memory, written and signed into a staging directory
 * and moved into place as DIR in one step.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd_gov.h"
#include "common/json.h"
#include "link/link.h"

static const cli_opt keygen_options[] = {
    {"output", 'o', "SEED", 'o', "The seed file to write (mode 0600). Required.", CLI_FILE, 0},
    {"force", 0, NULL, 'f', "Replace an existing SEED.", NULL, 0},
    {NULL, 0, NULL, 0, NULL, NULL, 0},
};

const cli_spec cli_spec_link_keygen = {
    "link-keygen", "create the linker's secret seed", "-o SEED [--force]",
    "Creates the linker's secret seed (mode 0600) and prints its fingerprint. The seed keys "
    "the person pseudonyms of every resolution; the linker discloses it to auditors (who "
    "re-run the resolution), never to partners (docs/security.md).",
    keygen_options, NULL, 0, NULL, NULL};

static const cli_opt link_options[] = {
    {"roster", 0, "R", 'r', "The partnership roster: every FILE.umk must be signed "
     "(FILE.umk.sig) by its own organisation, under the roster's partnership key; the linker "
     "must be on it. Required.", CLI_FILE, 0},
    CLI_COORDINATOR_OPT('c'),
    {"seed", 0, "SEED", 's', "The linker's seed (unika link-keygen). Required.", CLI_FILE, 0},
    {"sign", 0, "LINKER.sec", 'S', "The linker's signing key (the roster's linker). "
     "Required.", CLI_FILE, 0},
    {"period", 0, "G", 'P', "half-year (the default), year, month or all.",
     "half-year year month all", 0},
    {"by", 0, "FIELD", 'b', "A --by field every file has. Repeatable, up to 4.",
     "gender age_group country birth_year", CLI_REPEAT},
    {"tau", 0, "X", 't', "The evidence threshold of the evidence passes (default 0.05).",
     NULL, 0},
    {"max-cluster", 0, "N", 'm', "Profiles per cluster at most (default 256).", NULL, 0},
    {"precision", 0, "P", 'p', "The cells' sketch precision (default 14: exact to 4,096).",
     NULL, 0},
    {"debug-clusters", 0, "F", 'D', "Write where each input profile went (CSV: organisation, "
     "profile index, cluster, person, kind; no personal data).", CLI_FILE, 0},
    {"json", 0, NULL, 'j', "Print the summary as JSON on stdout.", NULL, 0},
    {"force", 0, NULL, 'f', "Replace DIR's earlier outputs.", NULL, 0},
    {"output", 'o', "DIR", 'o', "The output directory. Required.", CLI_DIR, 0},
    {NULL, 0, NULL, 0, NULL, NULL, 0},
};

const cli_spec cli_spec_link = {
    "link", "resolve the partners' match-key files into persons: cells and a manifest",
    "--roster R --coordinator FP|FILE --seed SEED --sign LINKER.sec [options] FILE.umk... "
    "-o DIR",
    "Resolves the partners' match-key files into persons and writes DIR: one sketch per "
    "organisation, period and --by values (as 'ingest' writes them, labelled draw=0), each "
    "signed by the linker, and manifest.json (inputs by digest, the algorithm and its "
    "parameters, what each pass did, the count and its range), signed too. The cells carry "
    "the resolution fingerprint as their key.\n\n"
    "Sealed files are opened first with 'unika open'. A refused input writes nothing.",
    link_options, CLI_FILE, 0, NULL, NULL};

int cmd_link_keygen(int argc, char **argv)
{
    const char *out = NULL;
    int force = 0, c;
    while ((c = cli_getopt(&cli_spec_link_keygen, argc, argv)) != -1) {
        if (c == 'o') out = optarg;
        else if (c == 'f') force = 1;
        else return cli_opt_exit(c);
    }
    if (optind < argc) return cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!out) return cli_usage_error("-o SEED is required");
    unika_error err = {0};
    unika_link_seed *seed = NULL;
    if (unika_link_seed_generate(&seed, &err) < 0 ||
        unika_link_seed_save(seed, out, force ? UNIKA_KEY_OVERWRITE : 0, &err) < 0) {
        unika_link_seed_free(seed);
        return cli_fail(out, &err);
    }
    char hex[UNIKA_FINGERPRINT_HEX_BYTES];
    unika_fingerprint_to_hex(hex, unika_link_seed_fingerprint(seed));
    printf("%s\n", hex);
    unika_link_seed_free(seed);
    return CLI_OK;
}

/* ---- link ---------------------------------------------------------------------- */

typedef struct linkcmd {
    const char *roster_path, *pin, *seed_path, *sign_path, *out, *debug_path;
    unika_link_params params;
    int json, force;
    char **inputs;
    size_t ninputs;
} linkcmd;

static int parse_period(unika_mk_period *p, const char *v)
{
    for (int k = UNIKA_MK_PERIOD_HALF_YEAR; k <= UNIKA_MK_PERIOD_ALL; k++)
        if (!strcmp(v, unika_mk_period_name((unika_mk_period)k))) {
            *p = (unika_mk_period)k;
            return 0;
        }
    return cli_usage_error("--period must be half-year, year, month or all");
}

static int parse_number(linkcmd *g, int c, const char *v)
{
    if (c == 't') {
        char *end;
        double t = strtod(v, &end);
        if (end == v || *end || !(t > 0 && t <= 1))
            return cli_usage_error("--tau must be a number in (0, 1]");
        g->params.tau = t;
        return 0;
    }
    unsigned long n;
    if (c == 'm') {
        if (cli_parse_uint(&n, v, 2, 1u << 20))
            return cli_usage_error("--max-cluster must be 2..1048576");
        g->params.max_cluster = (unsigned)n;
    } else {
        if (cli_parse_uint(&n, v, UNIKA_SKETCH_P_MIN, UNIKA_SKETCH_P_MAX))
            return cli_usage_error("--precision must be %d..%d", UNIKA_SKETCH_P_MIN,
                                   UNIKA_SKETCH_P_MAX);
        g->params.precision = (unsigned)n;
    }
    return 0;
}

static int parse_args(linkcmd *g, int argc, char **argv)
{
    unika_link_params_init(&g->params);
    int c, rc;
    while ((c = cli_getopt(&cli_spec_link, argc, argv)) != -1) {
        switch (c) {
        case 'r': g->roster_path = optarg; break;
        case 'c': g->pin = optarg; break;
        case 's': g->seed_path = optarg; break;
        case 'S': g->sign_path = optarg; break;
        case 'P':
            if ((rc = parse_period(&g->params.period, optarg))) return rc;
            break;
        case 'b':
            if (g->params.by_count == UNIKA_MK_MAX_BY)
                return cli_usage_error("at most %d --by fields", UNIKA_MK_MAX_BY);
            g->params.by[g->params.by_count++] = optarg;
            break;
        case 't': case 'm': case 'p':
            if ((rc = parse_number(g, c, optarg))) return rc;
            break;
        case 'D': g->debug_path = optarg; break;
        case 'j': g->json = 1; break;
        case 'f': g->force = 1; break;
        case 'o': g->out = optarg; break;
        default: return cli_opt_exit(c);
        }
    }
    if (!g->roster_path) return cli_usage_error("--roster R is required");
    if (!g->seed_path) return cli_usage_error("--seed SEED is required");
    if (!g->sign_path) return cli_usage_error("--sign LINKER.sec is required");
    if (!g->out) return cli_usage_error("-o DIR is required");
    if (optind >= argc) return cli_usage_error("no match-key file given");
    g->inputs = argv + optind;
    g->ninputs = (size_t)(argc - optind);
    return 0;
}

/* The roster, the seed and the signing key, which must be the roster's linker. */
static int load_secrets(const linkcmd *g, unika_roster **roster, unika_link_seed **seed,
                        unika_sign_key **signer)
{
    unika_error err = {0};
    int rc = cli_roster_load(roster, g->roster_path, g->pin);
    if (rc) return rc;
    const unika_sign_public *linker = unika_roster_linker(*roster);
    if (!linker) {
        cli_errorf("%s: the roster names no linker (roster make --linker LINKER.pub)",
                   g->roster_path);
        return CLI_INPUT;
    }
    if (unika_link_seed_load(seed, g->seed_path, 0, &err) < 0) return cli_fail(g->seed_path, &err);
    if (unika_sign_key_load(signer, g->sign_path, 0, &err) < 0) return cli_fail(g->sign_path, &err);
    unika_sign_public pub;
    unika_sign_key_public(&pub, *signer);
    if (strcmp(pub.name, linker->name) || memcmp(pub.key, linker->key, sizeof pub.key)) {
        cli_errorf("%s: signs as \"%s\", but the roster's linker is \"%s\" with another key",
                   g->sign_path, pub.name, linker->name);
        return CLI_INPUT;
    }
    return 0;
}

/* Writes and signs every output into the staging directory. */
static int write_outputs(const cli_link_outputs *o, const char *stage,
                         const unika_sign_key *signer)
{
    int rc = 0;
    for (size_t i = 0; i < o->n && !rc; i++)
        rc = cli_stage_put(stage, o->name[i], o->bytes[i], o->size[i], signer);
    if (!rc) rc = cli_stage_put(stage, CLI_LINK_MANIFEST, o->manifest, o->manifest_size, signer);
    return rc;
}

static const char *const UNIT_KINDS[] = {"strong", "linked", "ambiguous", "joined", "alone"};

static int write_debug(const char *path, const unika_linkage *lk, int force)
{
    cli_out o;
    unika_error err = {0};
    if (cli_out_open(&o, path, force, 0644, &err) < 0) return cli_fail(path, &err);
    fprintf(o.fp, "org,profile,rows,cluster,person,kind,profile_digest\n");
    const unika_link_stats *st = unika_linkage_stats(lk);
    for (uint64_t i = 0; i < st->profiles; i++) {
        unika_link_profile_info p;
        (void)unika_linkage_profile(lk, i, &p);
        char hex[33];
        unika_hex_encode(hex, p.id_digest, 16);
        hex[32] = '\0';
        fprintf(o.fp, "%s,%llu,%llu,%llu,%llu,%s,%s\n", p.org, (unsigned long long)p.index,
                (unsigned long long)p.rows, (unsigned long long)p.cluster,
                (unsigned long long)p.person, UNIT_KINDS[p.strong ? 0 : p.unit_kind], hex);
    }
    if (cli_out_commit(&o, &err) < 0) return cli_fail(path, &err);
    return 0;
}

/* Where the estimator could not measure the partners' agreement m
 * (estimates.json's rates.m_measured false; docs/linkage.md 15, "Agreement
 * not measured"), the low end it took, rates.m_eq0_rare; 0 where measured. */
static double m_assumed_from(const cli_link_outputs *o)
{
    double low = 0;
    for (size_t i = 0; i < o->n; i++) {
        unika_json *root = NULL;
        unika_error err = {0};
        if (strcmp(o->name[i], CLI_LINK_ESTIMATES) ||
            unika_json_parse(&root, (const char *)o->bytes[i], o->size[i], &err) < 0)
            continue;
        const unika_json *rates = unika_json_get(root, "rates");
        const unika_json *m = unika_json_get(rates, "m_measured");
        if (m && m->type == UNIKA_JSON_FALSE) low = unika_json_num(rates, "m_eq0_rare", NULL);
        unika_json_free(root);
    }
    return low;
}

static void summary(const linkcmd *g, const unika_linkage *lk, size_t cells, double m_assumed)
{
    const unika_link_stats *st = unika_linkage_stats(lk);
    char fp[UNIKA_FINGERPRINT_HEX_BYTES];
    unika_fingerprint_to_hex(fp, unika_linkage_fingerprint(lk));
    if (g->json) {
        cli_json j;
        cj_init(&j, stdout);
        cj_obj(&j, NULL);
        cj_int(&j, "version", CLI_JSON_VERSION);
        cj_int(&j, "files", (long long)st->files);
        cj_int(&j, "profiles", (long long)st->profiles);
        cj_int(&j, "rows", (long long)st->rows);
        cj_int(&j, "strong_clusters", (long long)st->strong_clusters);
        cj_int(&j, "weak_units", (long long)st->weak_units);
        cj_int(&j, "persons", (long long)st->persons);
        cj_int(&j, "persons_low", (long long)st->persons_low);
        cj_int(&j, "persons_high", (long long)st->persons_high);
        cj_int(&j, "cells", (long long)cells);
        cj_str(&j, "resolution_fingerprint", fp);
        cj_bool(&j, "m_measured", m_assumed == 0);
        cj_str(&j, "output", g->out);
        cj_obj_end(&j);
        cj_end(&j);
    }
    if (cli_quiet) return; /* the result on stdout stays; the summary is not one */
    fprintf(stderr, "unika link: %llu files, %llu profiles (%llu rows): %llu strong clusters, "
            "%llu weak units (%llu linked, %llu ambiguous, %llu joined, %llu alone)\n",
            (unsigned long long)st->files, (unsigned long long)st->profiles,
            (unsigned long long)st->rows, (unsigned long long)st->strong_clusters,
            (unsigned long long)st->weak_units, (unsigned long long)st->units_linked,
            (unsigned long long)st->units_ambiguous, (unsigned long long)st->units_joined,
            (unsigned long long)st->units_alone);
    fprintf(stderr, "unika link: %llu persons (linkage range %llu-%llu); wrote %zu cells, %s "
            "and %s to %s, signed; resolution %s\n", (unsigned long long)st->persons,
            (unsigned long long)st->persons_low, (unsigned long long)st->persons_high, cells,
            CLI_LINK_ESTIMATES, CLI_LINK_MANIFEST, g->out, fp);
    if (m_assumed > 0)
        fprintf(stderr, "unika link: too few people have an identifier or a full birth date at "
                "two partners to measure how often partners write a person alike; the "
                "estimates take it from %.2f to 1 (docs/linkage.md 15)\n", m_assumed);
}

static int run(linkcmd *g, unika_roster *roster, unika_link_seed *seed, unika_sign_key *signer)
{
    unika_error err = {0};
    unika_linkage *lk = NULL;
    if (unika_linkage_new(&lk, &g->params, &err) < 0) return cli_usage_error("%s", err.message);
    cli_link_input *info = cli_xcalloc(g->ninputs, sizeof *info);
    cli_link_outputs o;
    memset(&o, 0, sizeof o);
    char stage[4096];
    int rc = cli_link_add_inputs(lk, roster, g->inputs, g->ninputs, info);
    if (rc == CLI_OK && unika_linkage_resolve(lk, seed, &err) < 0) rc = cli_fail(NULL, &err);
    if (rc == CLI_OK) rc = cli_link_make_outputs(&o, lk, &g->params);
    if (rc == CLI_OK && cli_stage_begin(stage, g->out) < 0) rc = CLI_INPUT;
    else if (rc == CLI_OK) {
        rc = write_outputs(&o, stage, signer);
        if (rc != CLI_OK) cli_stage_abort(stage);
        else rc = cli_stage_commit(stage, g->out, "linkage outputs");
    }
    if (rc == CLI_OK && g->debug_path) rc = write_debug(g->debug_path, lk, g->force);
    if (rc == CLI_OK) /* the cells: estimates.json is not one */
        summary(g, lk, o.n - 1, m_assumed_from(&o));
    cli_link_outputs_free(&o);
    free(info);
    unika_linkage_free(lk);
    return rc;
}

int cmd_link(int argc, char **argv)
{
    linkcmd g;
    memset(&g, 0, sizeof g);
    int rc = parse_args(&g, argc, argv);
    if (rc) return rc;
    static const char *const kinds[] = {".uks", ".uks.sig", ".json", ".json.sig", NULL};
    if ((rc = cli_stage_check_dir(g.out, g.force, kinds, "a linker's cells and manifest")))
        return rc;
    unika_roster *roster = NULL;
    unika_link_seed *seed = NULL;
    unika_sign_key *signer = NULL;
    rc = load_secrets(&g, &roster, &seed, &signer);
    if (rc == CLI_OK) rc = run(&g, roster, seed, signer);
    unika_sign_key_free(signer);
    unika_link_seed_free(seed);
    unika_roster_free(roster);
    return rc;
}
