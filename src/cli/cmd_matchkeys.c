/*
 * cmd_matchkeys.c - `unika matchkeys`: a partner's CSV in, its match-key
 * file out (docs/matchkeys.md), for the linker to resolve into persons.
 *
 * Each row is read through the partner's profile, as `ingest` reads it
 * (the same row loop, the same cells: src/cli/ingest/), and becomes a
 * profile of the file: its gender, match keys and birth flags, counted in
 * its visit month and --by cell. Identifying values are optional one by
 * one: a value that cannot be read (a wrong check digit, an impossible
 * birth date) is DROPPED, reported, and the row keeps its other keys; a
 * row left with no name, personnummer, samordningsnummer or dossier number
 * is REJECTED. The file (and with --sign its signature) is written
 * atomically only when the whole input has been read; otherwise nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "common/fileio.h"
#include "ingest/categories.h"
#include "ingest/ingest.h"
#include "matchkeys/keycache.h"
#include "unika/matchkey.h"
#include "unika/matchkey_file.h"
#include "unika/sign.h"

#define BIT(c) UNIKA_COLUMN_BIT(UNIKA_COLUMN_##c)

static const cli_opt options[] = {
    {"key", 'k', "K", 'k', "The partnership key file (keys are never given on the command "
     "line).", CLI_FILE, 0},
    {"key-fingerprint", 0, "HEX", 'K', "Refuse (exit 1) unless the key has this fingerprint.",
     NULL, 0},
    {"profile", 'p', "P", 'p', "The partner profile (docs/profiles.md).", CLI_FILE, 0},
    {"org", 0, "NAME", 'O', "The organisation's label: 1 to 64 letters, digits, '.', '-' or "
     "'_', not starting with '.'.", NULL, 0},
    {"period", 0, "G", 'P', "The reporting period the file is meant for: half-year (the "
     "default), year, month or all; visits are kept by month.", "half-year year month all", 0},
    {"by", 0, "FIELD", 'b', "Cells by gender, age_group, country or birth_year. Repeatable, "
     "up to 4.", "gender age_group country birth_year", CLI_REPEAT},
    {"age-bands", 0, "B", 'a', "The bands of age_group; default 0-17,18-20,21-24,25-.", NULL, 0},
    {"rejects", 0, "FILE", 'R', "Write each rejected row's and dropped value's line, column, "
     "field and reason to FILE (CSV, never the value).", CLI_FILE, 0},
    {"max-rejected", 0, "N|P%", 'M', "Fail with exit status 4, writing no OUT.umk, when more "
     "than N rows, or more than P percent of the rows read, are rejected (dropped values do "
     "not count). The rejects file is still written.", NULL, 0},
    {"sign", 0, "PARTNER.sec", 'S', "Sign the file with the partner's signing key: "
     "OUT.umk.sig.", CLI_FILE, 0},
    {"json", 0, NULL, 'j', "Print the summary as JSON on stdout (docs/cli.md).", NULL, 0},
    {"force", 0, NULL, 'f', "Replace an existing OUT.umk (and OUT.umk.sig, the rejects file).",
     NULL, 0},
    {"output", 'o', "OUT.umk", 'o', "The match-key file to write.", CLI_FILE, 0},
    {"debug-profiles", 0, "FILE", 'D', "For evaluation: each used row's line and the digest of "
     "its profile (CSV; 'link --debug-clusters' has the same digests: no value, a keyed-hash "
     "digest).", CLI_FILE, 0},
    {NULL, 0, NULL, 0, NULL, NULL, 0},
};

const cli_spec cli_spec_matchkeys = {
    "matchkeys", "turn a partner's CSV into its match-key file, for the linker",
    "--key K --profile P --org NAME [options] INPUT.csv -o OUT.umk",
    "Reads a partner's visit log (INPUT.csv, or - for stdin) through its profile and writes "
    "its match-key file OUT.umk: per distinct record (gender, keyed match keys, birth "
    "precision), its rows per visit month and --by cell (docs/matchkeys.md). The linker "
    "resolves the partners' files into persons without any key.\n\n"
    "A malformed file is refused whole and nothing is written, as by ingest. A value that "
    "cannot be read is dropped (the row keeps its other keys); a row left without a name, "
    "personnummer, samordningsnummer or dossier number is rejected. The last line on stderr "
    "is a summary for scripts: 'unika matchkeys: summary rows_read=N rows_used=N "
    "rows_rejected=N values_dropped=N max_rejected=LIMIT exit=CODE'.",
    options, CLI_FILE, CLI_PROGRESS,
    "4 more rows rejected than --max-rejected allows (nothing written)", NULL};

/* Identifying values, read one by one so one bad value costs only itself. */
static const unsigned ID_STEPS[] = {BIT(NAME), BIT(BIRTH_DATE), BIT(COUNTRY),
                                    BIT(PERSONNUMMER) | BIT(DOSSIER)};

typedef struct mkcmd {
    /* options */
    const char *key_path, *key_fp, *profile_path, *org, *out, *rejects_path, *input, *sign_path;
    const char *debug_path;
    FILE *debug;
    cli_categories cat;
    int json, force;
    /* state */
    unika_key *key;
    unika_sign_key *signer;
    unika_profile *profile;
    unika_mkwriter *writer;
    cli_keycache *cache;
    unika_matchkey_memo *memo; /* the values' keys, across records */
    cli_input in;
    unsigned need_row, id_steps, need_all; /* need_all: the row's and every step's */
    unika_values values;
    unika_matchkeys keys;
    char period[16], by_value[CLI_MAX_BY][CLI_VALUE_BYTES];
    uint64_t rows_read, rows_used, values_dropped;
    cli_rejects rejected, dropped;
    cli_limit limit; /* --max-rejected */
    char *sig_path;
    size_t file_size;
} mkcmd;

/* ---- options ---------------------------------------------------------------- */

static int parse_args(mkcmd *g, int argc, char **argv)
{
    cli_categories_init(&g->cat);
    int c;
    while ((c = cli_getopt(&cli_spec_matchkeys, argc, argv)) != -1) {
        switch (c) {
        case 'k': g->key_path = optarg; break;
        case 'p': g->profile_path = optarg; break;
        case 'O': g->org = optarg; break;
        case 'P':
            if (cli_categories_period(&g->cat, optarg)) return CLI_USAGE;
            break;
        case 'b':
            if (cli_categories_by(&g->cat, optarg)) return CLI_USAGE;
            break;
        case 'a': g->cat.bands_text = optarg; break;
        case 'R': g->rejects_path = optarg; break;
        case 'j': g->json = 1; break;
        case 'f': g->force = 1; break;
        case 'o': g->out = optarg; break;
        case 'K': g->key_fp = optarg; break;
        case 'S': g->sign_path = optarg; break;
        case 'D': g->debug_path = optarg; break;
        case 'M':
            if (cli_limit_parse(&g->limit, optarg) < 0) return CLI_USAGE;
            break;
        default: return cli_opt_exit(c);
        }
    }
    int rc = cli_partner_args(&g->input, argc, argv, g->key_path, g->profile_path, g->org);
    if (rc) return rc;
    if (!g->out) return cli_usage_error("-o OUT.umk is required");
    return cli_categories_bands(&g->cat) ? CLI_USAGE : 0;
}

/* ---- before the first row ------------------------------------------------------ */

static int check_outputs(mkcmd *g)
{
    g->sig_path = cli_xprintf("%s.sig", g->out);
    const char *paths[] = {g->out, g->sign_path ? g->sig_path : NULL, g->rejects_path};
    for (size_t i = 0; i < 3; i++)
        if (paths[i] && !g->force && cli_exists(paths[i])) {
            cli_errorf("%s: already exists (use --force to replace it)", paths[i]);
            return CLI_INPUT;
        }
    if (g->rejects_path && !strcmp(g->rejects_path, g->out)) {
        cli_errorf("--rejects %s: is the output file", g->rejects_path);
        return CLI_USAGE;
    }
    return 0;
}

/* What a row must yield (cells) and which identifying values the profile has. */
static int plan_rows(mkcmd *g)
{
    unsigned provides = unika_profile_provides(g->profile);
    if (!(provides & (BIT(NAME) | UNIKA_COLUMNS_ID))) {
        cli_errorf("%s: the profile maps no name, personnummer, dossier or id_auto column: "
                   "nothing to make match keys of", g->profile_path);
        return CLI_INPUT;
    }
    int rc = cli_categories_need(&g->cat, g->profile, g->profile_path, &g->need_row);
    if (rc) return rc;
    /* The visit month is kept whenever there is a visit date; the gender
     * always (it is in clear in every profile of the file). */
    g->need_row |= provides & (BIT(DATE) | BIT(GENDER));
    g->need_all = g->need_row;
    for (size_t i = 0; i < sizeof ID_STEPS / sizeof *ID_STEPS; i++)
        if (provides & ID_STEPS[i] & ~g->need_row) {
            g->id_steps |= 1u << i;
            g->need_all |= ID_STEPS[i];
        }
    return 0;
}

static int prepare(mkcmd *g)
{
    unika_error err = {0};
    int rc = check_outputs(g);
    if (rc) return rc;
    if ((rc = cli_load_key(&g->key, g->key_path, g->key_fp))) return rc;
    /* The signing key is loaded before any row is read, so a refused key
     * costs nothing and cannot leave an unsigned file behind. */
    if (g->sign_path && unika_sign_key_load(&g->signer, g->sign_path, 0, &err) < 0)
        return cli_fail(g->sign_path, &err);
    if (unika_profile_load(&g->profile, g->profile_path, &err) < 0) return cli_fail(NULL, &err);
    if ((rc = plan_rows(g))) return rc;
    g->cache = cli_keycache_new();
    g->memo = unika_matchkey_memo_new();
    unika_mkfile_options o;
    memset(&o, 0, sizeof o);
    o.org = g->org;
    o.period = (unika_mk_period)(g->cat.grain + 1); /* CLI_GRAIN_* in the file's order */
    o.by_count = g->cat.nby;
    for (size_t i = 0; i < g->cat.nby; i++) {
        o.by[i] = cli_by_names[g->cat.by[i]];
        if (g->cat.by[i] == CLI_BY_AGE_GROUP) o.age_bands = g->cat.bands_text;
    }
    if (unika_mkwriter_new(&g->writer, unika_key_fingerprint_ptr(g->key), &o, &err) < 0)
        return cli_fail(NULL, &err);
    return 0;
}

/* ---- one row -------------------------------------------------------------------- */

static void note(cli_rejects *r, uint64_t line, const unika_error *err)
{
    cli_rejects_add(r, r->verb, line, err->column, err);
}

/* Reads the identifying values one by one; a value that fails is dropped
 * (its bits returned), reported, and the others kept. */
static unsigned read_identity(mkcmd *g, uint64_t line)
{
    unsigned skip = 0;
    for (size_t i = 0; i < sizeof ID_STEPS / sizeof *ID_STEPS; i++) {
        if (!(g->id_steps & (1u << i))) continue;
        unika_error err = {0};
        if (unika_profile_read(&g->values, g->profile, g->in.csv, ID_STEPS[i], &err) < 0) {
            skip |= ID_STEPS[i];
            g->values_dropped++;
            note(&g->dropped, line, &err);
        }
    }
    return skip;
}

/* A value the keys cannot use (it does not normalise) is dropped like an
 * unreadable one: its bit added to *skip, reported. 0 if it was dropped
 * already (then the row is rejected rather than tried again). */
static int drop(mkcmd *g, unsigned *skip, unika_column failed, uint64_t line, unika_error *err)
{
    /* A personnummer's century failed on the visit date: the number goes. */
    unsigned bit = failed == UNIKA_COLUMN_DATE ? BIT(PERSONNUMMER) : UNIKA_COLUMN_BIT(failed);
    if (*skip & bit) return 0;
    *skip |= bit;
    if (err->column)
        cli_error_prefix(err, "line %llu, column %llu (%s): ", (unsigned long long)line,
                         (unsigned long long)err->column, err->field);
    else
        cli_error_prefix(err, "line %llu (%s): ", (unsigned long long)line, err->field);
    g->values_dropped++;
    note(&g->dropped, line, err);
    return 1;
}

/* The row's keys, from the cache when the same normalised record was seen.
 * 0, or the code of the reason the row is rejected (err set). */
static int row_keys(mkcmd *g, unsigned skip, uint64_t line, unika_error *err)
{
    unika_matchkey_input in;
    unika_matchkey_text text;
    int rc;
    for (;;) {
        unika_column failed = UNIKA_COLUMN_NAME;
        rc = unika_matchkey_input_from_values(&in, &text, &g->values, skip, &failed, err);
        if (rc == UNIKA_EINVAL || rc == UNIKA_ENOMEM) break;
        if (rc < 0) {
            if (drop(g, &skip, failed, line, err)) continue;
            break;
        }
        if (cli_keycache_get(g->cache, &in, &g->keys)) break;
        rc = unika_matchkeys_derive_memo(&g->keys, g->key, &in, g->memo, err);
        if (rc == UNIKA_OK) cli_keycache_put(g->cache, &in, &g->keys);
        else if (rc == UNIKA_EFIELD) cli_error_prefix(err, "line %llu: ", (unsigned long long)line);
        else if (rc == UNIKA_EDATE && drop(g, &skip, UNIKA_COLUMN_BIRTH_DATE, line, err))
            continue;
        break;
    }
    cli_wipe(&text, sizeof text); /* personal */
    return rc;
}

static int matchkeys_row(void *ctx, uint64_t line)
{
    mkcmd *g = ctx;
    unika_error err = {0};
    /* Most rows are whole: every value read at once. A row with a value it
     * cannot read is read again as before, the row's values, then each
     * identity step's, so that it is rejected or the value dropped alone. */
    unika_error whole_err = {0};
    int whole = unika_profile_read(&g->values, g->profile, g->in.csv, g->need_all, &whole_err) == 0;
    int bad = whole ? 0 : unika_profile_read(&g->values, g->profile, g->in.csv, g->need_row, &err);
    if (bad == UNIKA_ECSV) return cli_fail(g->in.path, &err);
    if (!bad) bad = cli_categories_of(&g->cat, &g->values, line, g->period, g->by_value, &err);
    if (!bad) bad = row_keys(g, whole ? 0 : read_identity(g, line), line, &err);
    if (bad == UNIKA_ENOMEM) return cli_fail(NULL, &err);
    if (bad) {
        note(&g->rejected, line, &err);
        return CLI_OK;
    }
    unika_mkvisit v;
    memset(&v, 0, sizeof v);
    if (g->values.has & ~g->values.empty & BIT(DATE)) {
        v.year = g->values.visit.year;
        v.month = g->values.visit.month;
    }
    for (size_t i = 0; i < g->cat.nby; i++) v.value[i] = g->by_value[i];
    v.rows = 1;
    if (unika_mkwriter_add(g->writer, &g->keys, &v, &err) < 0) return cli_fail(NULL, &err);
    g->rows_used++;
    if (g->debug) {
        uint8_t d[16];
        char hex[33];
        (void)unika_mkprofile_id_digest(d, &g->keys);
        unika_hex_encode(hex, d, sizeof d);
        hex[32] = '\0';
        fprintf(g->debug, "%llu,%s\n", (unsigned long long)line, hex);
    }
    return CLI_OK;
}

/* ---- output ----------------------------------------------------------------------- */

/* OUT.umk and, with --sign, OUT.umk.sig: both written in full to temporary
 * files before either is moved into place, the signature first, so a
 * failure leaves neither (or, if the very last move fails, removes the
 * signature it had placed). */
static int write_outputs(mkcmd *g)
{
    unika_error err = {0};
    size_t n = 0;
    if (unika_mkwriter_serialize(NULL, 0, &n, g->writer, &err) < 0) return cli_fail(NULL, &err);
    uint8_t *buf = cli_xmalloc(n ? n : 1);
    int rc = CLI_OK;
    char sig_text[4096] = "";
    size_t sig_len = 0;
    if (unika_mkwriter_serialize(buf, n, &n, g->writer, &err) < 0) rc = cli_fail(NULL, &err);
    if (rc == CLI_OK && g->signer) {
        unika_signature sig;
        if (unika_signature_create(&sig, g->signer, buf, n, &err) < 0 ||
            unika_signature_format(sig_text, sizeof sig_text, &sig_len, &sig, &err) < 0)
            rc = cli_fail(g->out, &err);
    }
    cli_out umk = {0}, sigf = {0};
    if (rc == CLI_OK && g->signer &&
        (cli_out_open(&sigf, g->sig_path, g->force, 0644, &err) < 0 ||
         fwrite(sig_text, 1, sig_len, sigf.fp) != sig_len))
        rc = cli_fail(NULL, &err);
    if (rc == CLI_OK && (cli_out_open(&umk, g->out, g->force, 0644, &err) < 0 ||
                         fwrite(buf, 1, n, umk.fp) != n))
        rc = cli_fail(NULL, &err);
    if (rc == CLI_OK && g->signer && cli_out_commit(&sigf, &err) < 0) rc = cli_fail(NULL, &err);
    if (rc == CLI_OK && cli_out_commit(&umk, &err) < 0) {
        rc = cli_fail(NULL, &err);
        if (g->signer) remove(g->sig_path);
    }
    if (rc != CLI_OK) {
        cli_out_abort(&umk);
        cli_out_abort(&sigf);
    }
    free(buf);
    g->file_size = n;
    return rc;
}

/* ---- the run ---------------------------------------------------------------------- */

static void summary(mkcmd *g, int over)
{
    FILE *f = stderr;
    uint64_t rejected = g->rejected.total;
    fprintf(f, "unika matchkeys: %s: %llu rows read, %llu used, %llu rejected\n", g->in.path,
            (unsigned long long)g->rows_read, (unsigned long long)g->rows_used,
            (unsigned long long)rejected);
    cli_rejects_print(&g->rejected, f);
    if (g->values_dropped) {
        fprintf(f, "  %llu value%s left out, %s row%s kept:\n",
                (unsigned long long)g->values_dropped, g->values_dropped == 1 ? "" : "s",
                g->values_dropped == 1 ? "its" : "their", g->values_dropped == 1 ? "" : "s");
        cli_rejects_print(&g->dropped, f);
    }
    if (over) return; /* nothing was written */
    fprintf(f, "  %llu profiles\n", (unsigned long long)unika_mkwriter_profile_count(g->writer));
    fprintf(f, "unika matchkeys: wrote %s (%zu bytes)", g->out, g->file_size);
    if (g->signer) fprintf(f, ", signed by %s", unika_sign_key_name(g->signer));
    fputc('\n', f);
}

static void summary_json(mkcmd *g, int over)
{
    char hex[UNIKA_FINGERPRINT_HEX_BYTES];
    cli_json j;
    cj_init(&j, stdout);
    cj_obj(&j, NULL);
    cj_int(&j, "version", CLI_JSON_VERSION);
    cj_str(&j, "command", "matchkeys");
    cj_str(&j, "input", g->in.path);
    cj_str(&j, "output", g->out);
    cj_str(&j, "org", g->org);
    cj_str(&j, "period", cli_grain_names[g->cat.grain]);
    cj_arr(&j, "by");
    for (size_t i = 0; i < g->cat.nby; i++) cj_str(&j, NULL, cli_by_names[g->cat.by[i]]);
    cj_arr_end(&j);
    if (g->signer) cj_str(&j, "signer", unika_sign_key_name(g->signer));
    else cj_null(&j, "signer");
    unika_fingerprint_to_hex(hex, unika_key_fingerprint_ptr(g->key));
    cj_str(&j, "key_fingerprint", hex);
    cj_int(&j, "matchkey_version", UNIKA_MATCHKEY_VERSION);
    cj_int(&j, "rows_read", (long long)g->rows_read);
    cj_int(&j, "rows_used", (long long)g->rows_used);
    cj_int(&j, "rows_rejected", (long long)g->rejected.total);
    cj_int(&j, "values_dropped", (long long)g->values_dropped);
    if (g->limit.text) cj_str(&j, "max_rejected", g->limit.text);
    else cj_null(&j, "max_rejected");
    cj_bool(&j, "written", !over);
    cj_int(&j, "profiles", (long long)unika_mkwriter_profile_count(g->writer));
    cj_int(&j, "bytes", (long long)g->file_size);
    cli_rejects_json_as(&g->rejected, &j, "rejects");
    cli_rejects_json_as(&g->dropped, &j, "dropped");
    cj_obj_end(&j);
    cj_end(&j);
}

static int run(mkcmd *g)
{
    int rc = prepare(g);
    if (rc) return rc;
    g->rejected.verb = "rejected";
    g->dropped.verb = "dropped";
    g->rejected.no_recipe = g->dropped.no_recipe = 1;
    if ((rc = cli_input_open(&g->in, g->input, g->profile))) return rc;
    unika_error err = {0};
    cli_out rej = {0};
    if (g->rejects_path) {
        if (cli_out_open(&rej, g->rejects_path, g->force, 0600, &err) < 0) {
            cli_input_close(&g->in);
            return cli_fail(NULL, &err);
        }
        g->rejected.detail = g->dropped.detail = rej.fp;
        fputs("line,column,field,action,code,message\n", rej.fp);
    }
    cli_out dbg = {0};
    if (g->debug_path) {
        if (cli_out_open(&dbg, g->debug_path, g->force, 0644, &err) < 0) {
            if (rej.tmp) cli_out_abort(&rej);
            cli_input_close(&g->in);
            return cli_fail(NULL, &err);
        }
        g->debug = dbg.fp;
        fputs("line,profile_digest\n", dbg.fp);
    }
    rc = cli_rows_each(&g->in, matchkeys_row, g, &g->rows_read);
    cli_input_close(&g->in);
    /* Too many rejected rows: no file, as for ingest (the rejects file says why). */
    int over = rc == CLI_OK && cli_limit_exceeded(&g->limit, g->rejected.total, g->rows_read);
    if (rc == CLI_OK && !over) rc = write_outputs(g);
    if (rc == CLI_OK && g->rejects_path && cli_out_commit(&rej, &err) < 0) rc = cli_fail(NULL, &err);
    if (rc == CLI_OK && g->debug_path && cli_out_commit(&dbg, &err) < 0) rc = cli_fail(NULL, &err);
    if (rc != CLI_OK) {
        if (rej.tmp) cli_out_abort(&rej);
        if (dbg.tmp) cli_out_abort(&dbg);
        cli_errorf("nothing written");
        return rc;
    }
    rc = over ? CLI_REJECTED : CLI_OK;
    if (!cli_quiet) summary(g, over);
    if (over) {
        char what[1024];
        snprintf(what, sizeof what, "%s not written", g->out);
        cli_limit_refusal(&g->limit, g->in.path, g->rejected.total, g->rows_read, what);
    }
    char extra[48];
    snprintf(extra, sizeof extra, " values_dropped=%llu", (unsigned long long)g->values_dropped);
    cli_summary_line(g->rows_read, g->rows_used, g->rejected.total, extra, &g->limit, rc);
    if (g->json) summary_json(g, over);
    return rc;
}

int cmd_matchkeys(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        cli_print_help(&cli_spec_matchkeys, stdout);
        return CLI_DONE;
    }
    mkcmd *g = cli_xcalloc(1, sizeof *g);
    int rc = parse_args(g, argc, argv);
    if (!rc) rc = run(g);
    cli_rejects_free(&g->rejected);
    cli_rejects_free(&g->dropped);
    unika_mkwriter_free(g->writer);
    cli_keycache_free(g->cache);
    unika_matchkey_memo_free(g->memo);
    unika_profile_free(g->profile);
    unika_key_free(g->key);
    unika_sign_key_free(g->signer);
    free(g->sig_path);
    free(g);
    return rc;
}
