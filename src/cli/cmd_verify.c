/*
 * cmd_verify.c - `unika verify`: an auditor re-derives every figure of a
 * report from the partners' signed sketch files.
 *
 * Public money follows the partnership's figures, so an auditor must be able
 * to check each one without trusting the analyst who produced it. verify
 * takes the report's JSON, the roster and the sketch files, and checks, in
 * this order, printing one line per check (the audit log):
 *
 *   1. every sketch file is signed by a partner on the roster, unchanged;
 *   2. every sketch was made under the roster's partnership key, and all
 *      share the report's recipe;
 *   3. every input the report cites was supplied, and every file supplied
 *      is cited (a report that silently leaves out a partner's file fails);
 *   4. every figure: the files its filter selects are exactly the files it
 *      cites; their union (or, for overlaps, the intersection of two unions)
 *      gives the report's estimate, standard error and interval; and the
 *      figure is shown or suppressed as the report's own threshold demands.
 *
 * The selection and recomputation are written here again, from the report
 * format (docs/report.md), rather than calling the report command's code: an
 * audit that ran the same code path would only check that it ran twice.
 * No key is needed. Exit 0 only when every check passes.
 */
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_gov.h"
#include "jread.h"
#include "report.h"
#include "unika/roster.h"

static const char usage_text[] =
    "usage: unika verify --roster ROSTER --report REPORT.json [--quiet] SKETCH...|DIR...\n"
    "\n"
    "Audits a report (the JSON of 'unika report --format json') against the\n"
    "partners' signed sketch files: checks every signature against the roster,\n"
    "that all files share the roster's partnership key and the report's recipe,\n"
    "that the report cites exactly the files given, and recomputes every figure\n"
    "(estimate, standard error, 95% interval, suppression) from the files.\n"
    "Prints an audit log: one line per file and per figure, 'ok' or 'FAIL' with\n"
    "the reason. No key is needed.\n"
    "\n"
    "      --roster ROSTER     the partnership roster (unika roster make)\n"
    "      --report FILE       the report's JSON\n"
    "      --quiet             print only failures and the summary\n"
    "\n"
    "Exit codes: 0 every check passed, 1 any signature, input or figure failed,\n"
    "2 usage.\n";

#define REPORT_MAX ((size_t)256 << 20) /* a report's JSON: 256 MiB at most */
#define REL_TOL 1e-9 /* floats are printed with 17 digits; allow for a libm ulp */

typedef struct vinput {
    char *path;
    uint8_t digest[UNIKA_DIGEST_BYTES];
    char hex[RP_DIGEST_HEX_BYTES];
    unika_sketch *sketch; /* NULL when unreadable */
    char signer[UNIKA_SIGNER_NAME_MAX + 1];
    int trusted;          /* signature, key and recipe all verified */
    int cited;            /* the report lists it among its inputs */
} vinput;

typedef struct audit {
    vinput *in;
    size_t n;
    int quiet;
    size_t failures;
    uint8_t recipe_fp[UNIKA_FINGERPRINT_BYTES];
    int has_recipe;
    unsigned long min_count;
} audit;

static void ok_line(const audit *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ok_line(const audit *a, const char *fmt, ...)
{
    if (a->quiet) return;
    va_list ap;
    va_start(ap, fmt);
    fputs("ok    ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
}

static void fail_line(audit *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail_line(audit *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("FAIL  ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
    a->failures++;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Exactly 2n hex digits into dst; -1 on anything else. */
static int hex_to_bytes(uint8_t *dst, size_t n, const char *hex)
{
    if (!hex || strlen(hex) != 2 * n) return -1;
    for (size_t i = 0; i < n; i++) {
        int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        dst[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

/* ---- 1-2: the files ------------------------------------------------------------ */

static void check_file(audit *a, vinput *v, const unika_roster *roster)
{
    unika_error err = {0};
    char *bytes = NULL;
    size_t size = 0;
    if (cli_read_file(&bytes, &size, v->path, UNIKA_SKETCH_FILE_MAX, &err) < 0) {
        fail_line(a, "%s: cannot read: %s", v->path, err.message);
        return;
    }
    (void)unika_file_digest(v->digest, (const uint8_t *)bytes, size);
    rp_hex(v->hex, v->digest, UNIKA_DIGEST_BYTES);
    /* The signature first: a changed byte is reported as a change after
     * signing, whatever else it breaks. An untrusted file is still parsed,
     * so the figures resting on it can say so. */
    const unika_sign_public *who = NULL;
    int trusted = 1;
    if (unika_roster_verify_file(&who, roster, v->path, NULL, &err) < 0) {
        /* Library messages mostly start with the path already. */
        size_t n = strlen(v->path);
        if (!strncmp(err.message, v->path, n) && err.message[n] == ':')
            fail_line(a, "%s", err.message);
        else
            fail_line(a, "%s: %s", v->path, err.message);
        trusted = 0;
    } else {
        snprintf(v->signer, sizeof v->signer, "%s", who->name);
    }
    int rc = unika_sketch_parse(&v->sketch, (const uint8_t *)bytes, size, &err);
    free(bytes);
    if (rc < 0) {
        fail_line(a, "%s: not a valid sketch file: %s", v->path, err.message);
        v->sketch = NULL;
        return;
    }
    if (!trusted) return;
    if (unika_roster_check_key_fingerprint(roster, unika_sketch_key_fingerprint(v->sketch),
                                           &err) < 0) {
        fail_line(a, "%s: signed by %s, %s", v->path, v->signer, err.message);
        return;
    }
    if (a->has_recipe &&
        memcmp(unika_sketch_recipe_fingerprint(v->sketch), a->recipe_fp, UNIKA_FINGERPRINT_BYTES)) {
        char got[UNIKA_FINGERPRINT_HEX_BYTES], want[UNIKA_FINGERPRINT_HEX_BYTES];
        rp_hex(got, unika_sketch_recipe_fingerprint(v->sketch), UNIKA_FINGERPRINT_BYTES);
        rp_hex(want, a->recipe_fp, UNIKA_FINGERPRINT_BYTES);
        fail_line(a, "%s: made with recipe %s, but the report's recipe is %s", v->path, got,
                  want);
        return;
    }
    v->trusted = 1;
    ok_line(a, "%s: signed by %s; partnership key and recipe as the report's (digest %.16s)",
            v->path, v->signer, v->hex);
}

static vinput *find_digest(audit *a, const char *hex)
{
    for (size_t i = 0; i < a->n; i++)
        if (a->in[i].sketch && !strcmp(a->in[i].hex, hex)) return &a->in[i];
    return NULL;
}

/* ---- 3: the report's inputs -------------------------------------------------------- */

static void describe_input(char *dst, size_t cap, const jr_node *rec)
{
    const char *path = jr_str(rec, "path");
    int off = snprintf(dst, cap, "%s", path ? path : "(no path)");
    const jr_node *labels = jr_get(rec, "labels");
    if (labels && labels->type == JR_OBJECT)
        for (size_t k = 0; k < labels->n && off > 0 && (size_t)off < cap; k++)
            if (labels->items[k]->type == JR_STRING)
                off += snprintf(dst + off, cap - (size_t)off, "%s%s=%s", k ? "," : " ",
                                labels->keys[k], labels->items[k]->text);
}

static void check_inputs(audit *a, const jr_node *inputs)
{
    for (size_t k = 0; k < inputs->n; k++) {
        const jr_node *rec = inputs->items[k];
        const char *hex = jr_str(rec, "digest");
        char what[512];
        describe_input(what, sizeof what, rec);
        if (!hex) {
            fail_line(a, "report input %zu has no digest", k + 1);
            continue;
        }
        vinput *v = find_digest(a, hex);
        if (!v) {
            fail_line(a, "missing input: the report cites %.16s… (%s), which is not among the "
                      "files given", hex, what);
            continue;
        }
        v->cited = 1;
        /* The labels the report shows must be the file's own. */
        const jr_node *labels = jr_get(rec, "labels");
        int same = labels && labels->type == JR_OBJECT &&
                   labels->n == unika_sketch_label_count(v->sketch);
        for (size_t i = 0; same && i < labels->n; i++) {
            const char *val = unika_sketch_get_label(v->sketch, labels->keys[i]);
            same = labels->items[i]->type == JR_STRING && val &&
                   !strcmp(val, labels->items[i]->text);
        }
        if (!same)
            fail_line(a, "report input %.16s… (%s): its labels differ from those in %s", hex,
                      what, v->path);
    }
    for (size_t i = 0; i < a->n; i++)
        if (a->in[i].sketch && !a->in[i].cited)
            fail_line(a, "%s: not among the report's inputs (digest %.16s…): the report leaves "
                      "this file out", a->in[i].path, a->in[i].hex);
}

/* ---- 4: the figures ------------------------------------------------------------------ */

/* Does input v match the filter at `grain`? "*" means "has the label". */
static int matches(const vinput *v, const jr_node *filter, rp_grain grain)
{
    for (size_t k = 0; filter && k < filter->n; k++) {
        const char *key = filter->keys[k];
        const char *want = filter->items[k]->type == JR_STRING ? filter->items[k]->text : NULL;
        const char *have = unika_sketch_get_label(v->sketch, key);
        char rolled[UNIKA_LABEL_VALUE_MAX + 1];
        if (!want || !have) return 0;
        if (!strcmp(key, "period")) {
            if (rp_period_at(rolled, sizeof rolled, have, grain) < 0) return 0;
            have = rolled;
        }
        if (strcmp(want, "*") && strcmp(want, have)) return 0;
    }
    return 1;
}

typedef struct selection {
    size_t *idx, n;
} selection;

static void select_inputs(selection *s, const audit *a, const jr_node *filter, rp_grain grain)
{
    s->idx = malloc((a->n ? a->n : 1) * sizeof *s->idx);
    s->n = 0;
    if (!s->idx) {
        cli_errorf("out of memory");
        exit(CLI_INPUT);
    }
    for (size_t i = 0; i < a->n; i++)
        if (a->in[i].sketch && matches(&a->in[i], filter, grain)) s->idx[s->n++] = i;
}

/* The union of the selected sketches; NULL (an empty union) when none. */
static int union_of(unika_sketch **out, const audit *a, const selection *s, unika_error *err)
{
    *out = NULL;
    for (size_t k = 0; k < s->n; k++) {
        const unika_sketch *src = a->in[s->idx[k]].sketch;
        int rc = *out ? unika_sketch_merge(*out, src, err) : unika_sketch_copy(out, src, err);
        if (rc < 0) {
            unika_sketch_free(*out);
            *out = NULL;
            return rc;
        }
    }
    return 0;
}

/* Compares the digests the figure cites with those the filter selects. */
static int same_inputs(audit *a, const char *id, const char *which, const jr_node *cited,
                       const selection *s)
{
    if (!cited || cited->type != JR_ARRAY) {
        fail_line(a, "%s: the report lists no %s", id, which);
        return 0;
    }
    size_t missing = 0, extra = 0, absent = 0;
    const char *first_missing = NULL, *first_extra = NULL, *first_absent = NULL;
    for (size_t k = 0; k < s->n; k++) {
        const char *hex = a->in[s->idx[k]].hex;
        int found = 0;
        for (size_t c = 0; c < cited->n && !found; c++)
            found = cited->items[c]->type == JR_STRING && !strcmp(cited->items[c]->text, hex);
        if (!found && !missing++) first_missing = a->in[s->idx[k]].path;
    }
    for (size_t c = 0; c < cited->n; c++) {
        const char *hex = cited->items[c]->type == JR_STRING ? cited->items[c]->text : "";
        int found = 0;
        for (size_t k = 0; k < s->n && !found; k++) found = !strcmp(a->in[s->idx[k]].hex, hex);
        if (found) continue;
        if (!find_digest(a, hex)) {
            if (!absent++) first_absent = hex;
        } else if (!extra++) {
            first_extra = hex;
        }
    }
    if (!missing && !extra && !absent) return 1;
    if (absent)
        fail_line(a, "%s: rests on %zu cited file(s) that were not given or not readable "
                  "(first: %.16s…)", id, absent, first_absent);
    if (missing)
        fail_line(a, "%s: its filter selects %zu file(s) the report does not cite in %s "
                  "(first: %s)", id, missing, which, first_missing);
    if (extra)
        fail_line(a, "%s: the report cites %zu file(s) in %s that its filter does not select "
                  "(first: %.16s…)", id, extra, which, first_extra);
    return 0;
}

static int close_enough(double want, double got)
{
    return fabs(want - got) <= REL_TOL * fmax(1.0, fabs(want));
}

/* Untrusted inputs (bad signature, other key) make a figure unverifiable. */
static int all_trusted(audit *a, const char *id, const selection *s)
{
    for (size_t k = 0; k < s->n; k++) {
        const vinput *v = &a->in[s->idx[k]];
        if (!v->trusted) {
            fail_line(a, "%s: rests on %s, which failed verification", id, v->path);
            return 0;
        }
    }
    return 1;
}

/* "name, name, ..." of the distinct signers of the selected files. */
static void signers_of(char *dst, size_t cap, const audit *a, const selection *s)
{
    size_t off = 0;
    dst[0] = '\0';
    for (size_t k = 0; k < s->n; k++) {
        const char *name = a->in[s->idx[k]].signer;
        if (!name[0]) continue; /* unverified: reported on its own line */
        int seen = 0;
        for (size_t j = 0; j < k && !seen; j++) seen = !strcmp(a->in[s->idx[j]].signer, name);
        if (seen) continue;
        int w = snprintf(dst + off, cap - off, "%s%s", off ? ", " : "", name);
        if (w < 0 || (size_t)w >= cap - off) break;
        off += (size_t)w;
    }
}

static void check_figure(audit *a, const jr_node *f)
{
    const char *id = jr_str(f, "id");
    const char *kind = jr_str(f, "kind");
    const char *grain_name = jr_str(f, "period_grain");
    const char *shown = jr_str(f, "shown");
    const jr_node *suppressed = jr_get(f, "suppressed");
    if (!id) id = "(figure without id)";
    int grain = grain_name ? rp_grain_from_name(grain_name) : -1;
    if (!kind || grain < 0 || !shown || !suppressed ||
        (suppressed->type != JR_TRUE && suppressed->type != JR_FALSE)) {
        fail_line(a, "%s: malformed figure (kind, period_grain, shown or suppressed missing)",
                  id);
        return;
    }
    int is_inter = !strcmp(kind, "intersection");
    if (!is_inter && strcmp(kind, "union")) {
        fail_line(a, "%s: unknown figure kind \"%s\"", id, kind);
        return;
    }

    unika_estimate e;
    memset(&e, 0, sizeof e);
    e.exact = 1;
    selection sa = {NULL, 0}, sb = {NULL, 0};
    unika_sketch *ua = NULL, *ub = NULL;
    unika_error err = {0};
    int ok = 1;
    char who[300] = "";
    if (!is_inter) {
        const jr_node *filter = jr_get(f, "filter");
        if (!filter || filter->type != JR_OBJECT) {
            fail_line(a, "%s: malformed figure (no filter)", id);
            return;
        }
        select_inputs(&sa, a, filter, (rp_grain)grain);
        ok = same_inputs(a, id, "inputs", jr_get(f, "inputs"), &sa) && all_trusted(a, id, &sa);
        if (ok && union_of(&ua, a, &sa, &err) < 0) {
            fail_line(a, "%s: cannot merge its inputs: %s", id, err.message);
            ok = 0;
        }
        if (ok && ua && unika_sketch_estimate(&e, ua, UNIKA_ESTIMATOR_ML, &err) < 0) {
            fail_line(a, "%s: cannot estimate: %s", id, err.message);
            ok = 0;
        }
        signers_of(who, sizeof who, a, &sa);
    } else {
        const jr_node *ov = jr_get(f, "overlap");
        const char *label = jr_str(ov, "label"), *va = jr_str(ov, "a"), *vb = jr_str(ov, "b");
        if (!label || !va || !vb) {
            fail_line(a, "%s: malformed overlap figure", id);
            return;
        }
        /* A = inputs with label = a, B = label = b, as filters of one key. */
        jr_node fa = {JR_OBJECT, 0, NULL, 1, NULL, NULL}, fb = fa;
        jr_node sva = {JR_STRING, 0, (char *)va, 0, NULL, NULL};
        jr_node svb = {JR_STRING, 0, (char *)vb, 0, NULL, NULL};
        char *keys[1] = {(char *)label};
        jr_node *ia[1] = {&sva}, *ib[1] = {&svb};
        fa.keys = keys;
        fa.items = ia;
        fb.keys = keys;
        fb.items = ib;
        select_inputs(&sa, a, &fa, (rp_grain)grain);
        select_inputs(&sb, a, &fb, (rp_grain)grain);
        ok = same_inputs(a, id, "inputs_a", jr_get(f, "inputs_a"), &sa);
        ok = same_inputs(a, id, "inputs_b", jr_get(f, "inputs_b"), &sb) && ok;
        ok = ok && all_trusted(a, id, &sa) && all_trusted(a, id, &sb);
        if (ok && (union_of(&ua, a, &sa, &err) < 0 || union_of(&ub, a, &sb, &err) < 0)) {
            fail_line(a, "%s: cannot merge its inputs: %s", id, err.message);
            ok = 0;
        }
        if (ok && ua && ub && unika_sketch_intersection(&e, ua, ub, &err) < 0) {
            fail_line(a, "%s: cannot estimate the overlap: %s", id, err.message);
            ok = 0;
        }
        char wa[128], wb[128];
        signers_of(wa, sizeof wa, a, &sa);
        signers_of(wb, sizeof wb, a, &sb);
        snprintf(who, sizeof who, "%s | %s", wa, wb);
    }
    unika_sketch_free(ua);
    unika_sketch_free(ub);
    size_t n_files = sa.n + sb.n;
    free(sa.idx);
    free(sb.idx);
    if (!ok) return;

    /* What the report should show, by its own threshold. */
    char want_shown[48];
    int want_suppressed = a->min_count && e.estimate < (double)a->min_count;
    if (want_suppressed) snprintf(want_shown, sizeof want_shown, "<%lu", a->min_count);
    else snprintf(want_shown, sizeof want_shown, "%.0f", e.estimate);
    int is_suppressed = suppressed->type == JR_TRUE;
    if (is_suppressed != want_suppressed || strcmp(shown, want_shown)) {
        fail_line(a, "%s: the report shows \"%s\"%s, the signed files give \"%s\" "
                  "(estimate %.2f)", id, shown, is_suppressed ? " (suppressed)" : "",
                  want_shown, e.estimate);
        return;
    }
    if (!is_suppressed) {
        static const char *const fields[] = {"estimate", "std_error", "ci_low", "ci_high"};
        const double got[] = {e.estimate, e.std_error, e.ci_low, e.ci_high};
        for (size_t k = 0; k < 4; k++) {
            int present;
            double want = jr_num(f, fields[k], &present);
            if (!present || !close_enough(want, got[k])) {
                const jr_node *node = jr_get(f, fields[k]);
                fail_line(a, "%s: %s is %s in the report, the signed files give %.17g", id,
                          fields[k], node && node->type == JR_NUMBER ? node->text : "missing",
                          got[k]);
                return;
            }
        }
    }
    const jr_node *exact = jr_get(f, "exact");
    if (exact && (exact->type == JR_TRUE) != (e.exact != 0)) {
        fail_line(a, "%s: the report calls it %s, the signed files give an %s count", id,
                  exact->type == JR_TRUE ? "exact" : "estimated", e.exact ? "exact" : "estimated");
        return;
    }
    if (is_suppressed)
        ok_line(a, "%s: %s (suppressed below %lu) from %zu signed file(s) [%s]", id, shown,
                a->min_count, n_files, who);
    else if (e.exact)
        ok_line(a, "%s: %s (exact) from %zu signed file(s) [%s]", id, shown, n_files, who);
    else
        ok_line(a, "%s: %s (95%% %.0f-%.0f) from %zu signed file(s) [%s]", id, shown, e.ci_low,
                e.ci_high, n_files, who);
}

/* ---- the command -------------------------------------------------------------------- */

static int header_checks(audit *a, const jr_node *root, const unika_roster *roster)
{
    const char *schema = jr_str(root, "schema");
    int ok;
    double version = jr_num(root, "version", &ok);
    if (!schema || strcmp(schema, "unika-report") || !ok || version != 1) {
        fail_line(a, "the report is not a unika-report version 1 JSON document");
        return -1;
    }
    const char *key_hex = jr_str(root, "key_fingerprint");
    uint8_t key_fp[UNIKA_FINGERPRINT_BYTES];
    unika_error err = {0};
    if (hex_to_bytes(key_fp, sizeof key_fp, key_hex) < 0) {
        fail_line(a, "the report has no valid key_fingerprint");
    } else if (unika_roster_check_key_fingerprint(roster, key_fp, &err) < 0) {
        fail_line(a, "the report was %s", err.message);
    } else {
        ok_line(a, "report made under the roster's partnership key %s", key_hex);
    }
    const char *recipe_hex = jr_str(root, "recipe_fingerprint");
    if (hex_to_bytes(a->recipe_fp, sizeof a->recipe_fp, recipe_hex) < 0) {
        fail_line(a, "the report has no valid recipe_fingerprint");
        return -1;
    }
    a->has_recipe = 1;
    const char *estimator = jr_str(root, "estimator");
    if (!estimator || strcmp(estimator, "ml")) {
        fail_line(a, "the report's estimator \"%s\" is not one verify can recompute (ml)",
                  estimator ? estimator : "(none)");
        return -1;
    }
    double conf = jr_num(root, "confidence", &ok);
    if (!ok || conf != 0.95) {
        fail_line(a, "the report's confidence level is not 0.95");
        return -1;
    }
    const jr_node *supp = jr_get(root, "suppression");
    double mc = jr_num(supp, "min_count", &ok);
    if (!ok || mc < 0 || mc != floor(mc) || mc > 1e9) {
        fail_line(a, "the report states no valid suppression.min_count");
        return -1;
    }
    a->min_count = (unsigned long)mc;
    const char *rounding = jr_str(supp, "rounding");
    if (rounding && strcmp(rounding, "none")) {
        fail_line(a, "the report's rounding \"%s\" is not one verify can recompute", rounding);
        return -1;
    }
    ok_line(a, "report: recipe %s (%s), estimator ml, 95%% intervals, cells below %lu shown as "
            "<%lu", recipe_hex, jr_str(root, "recipe") ? jr_str(root, "recipe") : "unnamed",
            a->min_count, a->min_count);
    return 0;
}

int cmd_verify(int argc, char **argv)
{
    static const struct option opts[] = {
        {"roster", required_argument, NULL, 'r'},
        {"report", required_argument, NULL, 'R'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *roster_path = NULL, *report_path = NULL;
    int quiet = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'r': roster_path = optarg; break;
        case 'R': report_path = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(usage_text, stdout); return CLI_OK;
        case ':': return cli_usage_error("option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (!roster_path) return cli_usage_error("--roster ROSTER is required");
    if (!report_path) return cli_usage_error("--report REPORT.json is required");
    if (optind >= argc) return cli_usage_error("no sketch files or directories");

    unika_error err = {0};
    unika_roster *roster = NULL;
    if (unika_roster_load(&roster, roster_path, &err) < 0) return cli_fail(NULL, &err);
    char *text = NULL;
    size_t size = 0;
    if (cli_read_file(&text, &size, report_path, REPORT_MAX, &err) < 0) {
        unika_roster_free(roster);
        return cli_fail(NULL, &err);
    }
    char jerr[160];
    jr_node *root = jr_parse(text, size, jerr, sizeof jerr);
    free(text);
    if (!root) {
        unika_roster_free(roster);
        cli_errorf("%s: not valid JSON: %s", report_path, jerr);
        return CLI_INPUT;
    }
    char **paths = NULL;
    size_t np = 0;
    int rc = rp_collect(&paths, &np, argv + optind, (size_t)(argc - optind));
    if (rc) {
        jr_free(root);
        unika_roster_free(roster);
        return rc;
    }

    audit a;
    memset(&a, 0, sizeof a);
    a.quiet = quiet;
    a.n = np;
    a.in = calloc(np ? np : 1, sizeof *a.in);
    if (!a.in) {
        cli_errorf("out of memory");
        exit(CLI_INPUT);
    }
    printf("audit of %s against %s: %zu partner(s) on the roster, %zu file(s) given\n",
           report_path, roster_path, unika_roster_partner_count(roster), np);
    int header_ok = header_checks(&a, root, roster) == 0;
    for (size_t i = 0; i < np; i++) {
        a.in[i].path = paths[i];
        check_file(&a, &a.in[i], roster);
    }
    free(paths);
    const jr_node *inputs = jr_get(root, "inputs"), *figures = jr_get(root, "figures");
    size_t nfig = 0, fig_fail = 0;
    if (header_ok) {
        if (!inputs || inputs->type != JR_ARRAY || !figures || figures->type != JR_ARRAY) {
            fail_line(&a, "the report has no inputs or figures array");
        } else {
            check_inputs(&a, inputs);
            nfig = figures->n;
            for (size_t k = 0; k < figures->n; k++) {
                size_t before = a.failures;
                check_figure(&a, figures->items[k]);
                if (a.failures != before) fig_fail++;
            }
        }
    }
    printf("%zu of %zu figure(s) reproduced from the signed files; %zu problem(s): %s\n",
           nfig - fig_fail, nfig, a.failures, a.failures ? "VERIFICATION FAILED" : "verified");
    for (size_t i = 0; i < a.n; i++) {
        free(a.in[i].path);
        unika_sketch_free(a.in[i].sketch);
    }
    free(a.in);
    jr_free(root);
    unika_roster_free(roster);
    return a.failures ? CLI_INPUT : CLI_OK;
}
