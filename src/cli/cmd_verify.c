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
 *      is estimated again;
 *   5. the release step is re-applied to those estimates with the library's
 *      rules (unika/release.h): primary and secondary suppression over the
 *      relations the report's tables define, keyed noise (with the release
 *      noise key), rounding; every published number must come out the same.
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
#include "report/report.h"
#include "unika/key.h"
#include "unika/release.h"
#include "unika/roster.h"

static const char usage_text[] =
    "usage: unika verify --roster ROSTER --report REPORT.json [--noise-key FILE] [--quiet]\n"
    "                    SKETCH...|DIR...\n"
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
    "      --noise-key FILE    the release noise key, when the report's figures carry\n"
    "                          noise (unika report --noise); never the partnership key\n"
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

/* One figure of the report, recomputed (phase 1), then released (phase 2). */
typedef struct vfig {
    const jr_node *json;
    const char *id;
    int ok;              /* recomputed; compared in phase 2 */
    int inter;           /* an overlap |A ∩ B| */
    int whole;           /* a union with no constraint: a whole-period total */
    selection sa, sb;    /* inputs of the union (A), of B */
    unika_estimate e;
    uint8_t cell[1 + 2 * UNIKA_DIGEST_BYTES]; /* content id for the noise */
    size_t cell_size;
    char who[300];       /* signers, for the log */
    uint8_t state;       /* UNIKA_RELEASE_* */
    size_t cls;          /* figures with the same inputs are one number */
} vfig;

/* The content id of a union for the noise draw (docs/report.md, "Release
 * step"): BLAKE2b-256 of its precision byte and classic HLL registers, or
 * of a single 0 byte for an empty union. */
static int content_digest(uint8_t out[UNIKA_DIGEST_BYTES], const unika_sketch *u,
                          unika_error *err)
{
    if (!u) {
        static const uint8_t empty = 0;
        return unika_file_digest(out, &empty, 1);
    }
    unsigned p = unika_sketch_precision(u);
    size_t m = (size_t)1 << p;
    uint8_t *buf = malloc(m + 1);
    if (!buf) {
        err->code = UNIKA_ENOMEM;
        snprintf(err->message, sizeof err->message, "out of memory");
        return UNIKA_ENOMEM;
    }
    buf[0] = (uint8_t)p;
    int rc = unika_sketch_hll_registers(buf + 1, m, u, err);
    if (rc == 0) rc = unika_file_digest(out, buf, m + 1);
    free(buf);
    return rc;
}

/* Phase 1: the inputs the figure's filter selects are the ones it cites,
 * all trusted, and their union (or the intersection of two unions) is
 * estimated again. Failures are logged here; numbers are compared later. */
static void recompute_figure(audit *a, vfig *v, int noise)
{
    const jr_node *f = v->json;
    const char *kind = jr_str(f, "kind");
    const char *grain_name = jr_str(f, "period_grain");
    int grain = grain_name ? rp_grain_from_name(grain_name) : -1;
    if (!kind || grain < 0 || !jr_str(f, "shown") || !jr_get(f, "suppressed")) {
        fail_line(a, "%s: malformed figure (kind, period_grain, shown or suppressed missing)",
                  v->id);
        return;
    }
    v->inter = !strcmp(kind, "intersection");
    if (!v->inter && strcmp(kind, "union")) {
        fail_line(a, "%s: unknown figure kind \"%s\"", v->id, kind);
        return;
    }
    memset(&v->e, 0, sizeof v->e);
    v->e.exact = 1;
    unika_sketch *ua = NULL, *ub = NULL;
    unika_error err = {0};
    int ok = 1;
    if (!v->inter) {
        const jr_node *filter = jr_get(f, "filter");
        if (!filter || filter->type != JR_OBJECT) {
            fail_line(a, "%s: malformed figure (no filter)", v->id);
            return;
        }
        v->whole = 1;
        for (size_t k = 0; k < filter->n; k++)
            v->whole &= filter->items[k]->type == JR_STRING && !strcmp(filter->items[k]->text, "*");
        select_inputs(&v->sa, a, filter, (rp_grain)grain);
        ok = same_inputs(a, v->id, "inputs", jr_get(f, "inputs"), &v->sa) &&
             all_trusted(a, v->id, &v->sa);
        if (ok && union_of(&ua, a, &v->sa, &err) < 0) {
            fail_line(a, "%s: cannot merge its inputs: %s", v->id, err.message);
            ok = 0;
        }
        if (ok && ua && unika_sketch_estimate(&v->e, ua, UNIKA_ESTIMATOR_ML, &err) < 0) {
            fail_line(a, "%s: cannot estimate: %s", v->id, err.message);
            ok = 0;
        }
        if (ok && noise) {
            v->cell[0] = 'U';
            v->cell_size = 1 + UNIKA_DIGEST_BYTES;
            if (content_digest(v->cell + 1, ua, &err) < 0) {
                fail_line(a, "%s: %s", v->id, err.message);
                ok = 0;
            }
        }
        signers_of(v->who, sizeof v->who, a, &v->sa);
    } else {
        const jr_node *ov = jr_get(f, "overlap");
        const char *label = jr_str(ov, "label"), *va = jr_str(ov, "a"), *vb = jr_str(ov, "b");
        if (!label || !va || !vb) {
            fail_line(a, "%s: malformed overlap figure", v->id);
            return;
        }
        /* A = inputs with label = a, B = label = b, as filters of one key. */
        jr_node sva = {JR_STRING, 0, (char *)va, 0, NULL, NULL};
        jr_node svb = {JR_STRING, 0, (char *)vb, 0, NULL, NULL};
        char *keys[1] = {(char *)label};
        jr_node *ia[1] = {&sva}, *ib[1] = {&svb};
        jr_node fa = {JR_OBJECT, 0, NULL, 1, keys, ia}, fb = {JR_OBJECT, 0, NULL, 1, keys, ib};
        select_inputs(&v->sa, a, &fa, (rp_grain)grain);
        select_inputs(&v->sb, a, &fb, (rp_grain)grain);
        ok = same_inputs(a, v->id, "inputs_a", jr_get(f, "inputs_a"), &v->sa);
        ok = same_inputs(a, v->id, "inputs_b", jr_get(f, "inputs_b"), &v->sb) && ok;
        ok = ok && all_trusted(a, v->id, &v->sa) && all_trusted(a, v->id, &v->sb);
        if (ok && (union_of(&ua, a, &v->sa, &err) < 0 || union_of(&ub, a, &v->sb, &err) < 0)) {
            fail_line(a, "%s: cannot merge its inputs: %s", v->id, err.message);
            ok = 0;
        }
        if (ok && ua && ub && unika_sketch_intersection(&v->e, ua, ub, &err) < 0) {
            fail_line(a, "%s: cannot estimate the overlap: %s", v->id, err.message);
            ok = 0;
        }
        if (ok && noise) {
            /* A ∩ B = B ∩ A: the two content digests in byte order. */
            uint8_t da[UNIKA_DIGEST_BYTES], db[UNIKA_DIGEST_BYTES];
            if (content_digest(da, ua, &err) < 0 || content_digest(db, ub, &err) < 0) {
                fail_line(a, "%s: %s", v->id, err.message);
                ok = 0;
            } else {
                int swap = memcmp(da, db, sizeof da) > 0;
                v->cell[0] = 'I';
                memcpy(v->cell + 1, swap ? db : da, UNIKA_DIGEST_BYTES);
                memcpy(v->cell + 1 + UNIKA_DIGEST_BYTES, swap ? da : db, UNIKA_DIGEST_BYTES);
                v->cell_size = 1 + 2 * UNIKA_DIGEST_BYTES;
            }
        }
        char wa[128], wb[128];
        signers_of(wa, sizeof wa, a, &v->sa);
        signers_of(wb, sizeof wb, a, &v->sb);
        snprintf(v->who, sizeof v->who, "%s | %s", wa, wb);
    }
    unika_sketch_free(ua);
    unika_sketch_free(ub);
    v->ok = ok;
}

/* ---- phase 2: the release step, re-applied -------------------------------------------- */

typedef struct release {
    int secondary;           /* secondary suppression on */
    int raw;                 /* raw estimates published */
    unika_rounding rounding;
    unika_noise noise;
    double epsilon;
    const char *release_id;
    unika_key *noise_key;
} release;

static int same_sel(const selection *x, const selection *y)
{
    return x->n == y->n && (!x->n || !memcmp(x->idx, y->idx, x->n * sizeof *x->idx));
}

static int same_figure(const vfig *x, const vfig *y)
{
    if (x->inter != y->inter) return 0;
    if (!x->inter) return same_sel(&x->sa, &y->sa);
    return (same_sel(&x->sa, &y->sa) && same_sel(&x->sb, &y->sb)) ||
           (same_sel(&x->sa, &y->sb) && same_sel(&x->sb, &y->sa));
}

/* The first union figure over exactly this selection, or SIZE_MAX. */
static size_t find_union(const vfig *v, size_t n, const selection *s)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].ok && !v[i].inter && same_sel(&v[i].sa, s)) return i;
    return SIZE_MAX;
}

static size_t figure_index(const vfig *v, size_t n, const jr_node *id)
{
    if (!id || id->type != JR_STRING) return SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].id, id->text)) return i;
    return SIZE_MAX;
}

typedef struct relations {
    size_t *offset, *members, *total;
    size_t n, nm;
    int bad; /* a table names a figure that does not exist */
} relations;

static void rel_add(relations *rl, const size_t *m, size_t nm, size_t total)
{
    for (size_t k = 0; k < nm; k++)
        if (m[k] == SIZE_MAX) rl->bad = 1;
    if (rl->bad) return;
    size_t *offset = realloc(rl->offset, (rl->n + 2) * sizeof *offset);
    size_t *tot = offset ? realloc(rl->total, (rl->n + 1) * sizeof *tot) : NULL;
    if (offset) rl->offset = offset;
    if (tot) rl->total = tot;
    size_t *members = tot ? realloc(rl->members, (rl->nm + nm + 1) * sizeof *members) : NULL;
    if (!members) {
        cli_errorf("out of memory");
        exit(CLI_INPUT);
    }
    rl->members = members;
    if (!rl->n) rl->offset[0] = 0;
    for (size_t k = 0; k < nm; k++) rl->members[rl->nm++] = m[k];
    rl->total[rl->n] = total;
    rl->offset[++rl->n] = rl->nm;
}

/* The report's "total = union of cells" relations, from its tables
 * (docs/report.md): one-way tables; two-way rows, columns and both
 * margins; and for each overlap whose sides and union are figures of the
 * report, {A ∩ B, A, B, A ∪ B}. */
static void build_relations(relations *rl, const jr_node *tables, const vfig *v, size_t n,
                            const audit *a)
{
    for (size_t ti = 0; tables && ti < tables->n; ti++) {
        const jr_node *t = tables->items[ti];
        const char *kind = jr_str(t, "kind");
        if (!kind) continue;
        if (!strcmp(kind, "overlap")) {
            const jr_node *pairs = jr_get(t, "pairs");
            for (size_t k = 0; pairs && pairs->type == JR_ARRAY && k < pairs->n; k++) {
                size_t o = figure_index(v, n, pairs->items[k]);
                if (o == SIZE_MAX || !v[o].ok) {
                    rl->bad = 1;
                    continue;
                }
                selection u = {malloc((a->n ? a->n : 1) * sizeof *u.idx), 0};
                if (!u.idx) {
                    cli_errorf("out of memory");
                    exit(CLI_INPUT);
                }
                for (size_t i = 0, x = 0, y = 0; i < a->n; i++) {
                    int in_a = x < v[o].sa.n && v[o].sa.idx[x] == i;
                    int in_b = y < v[o].sb.n && v[o].sb.idx[y] == i;
                    x += in_a;
                    y += in_b;
                    if (in_a || in_b) u.idx[u.n++] = i;
                }
                size_t m[4] = {o, find_union(v, n, &v[o].sa), find_union(v, n, &v[o].sb),
                               find_union(v, n, &u)};
                free(u.idx);
                if (m[1] != SIZE_MAX && m[2] != SIZE_MAX && m[3] != SIZE_MAX)
                    rel_add(rl, m, 4, SIZE_MAX);
            }
            continue;
        }
        const jr_node *cells = jr_get(t, "cells");
        if (!cells || cells->type != JR_ARRAY || !cells->n) continue;
        size_t nr = cells->n, nc = cells->items[0]->type == JR_ARRAY ? cells->items[0]->n : 0;
        size_t total = figure_index(v, n, jr_get(t, "total"));
        size_t *grid = malloc((nr * nc + 1) * sizeof *grid);
        size_t *line = malloc((nr + nc + 1) * sizeof *line);
        if (!grid || !line) {
            cli_errorf("out of memory");
            exit(CLI_INPUT);
        }
        for (size_t i = 0; i < nr; i++)
            for (size_t j = 0; j < nc; j++) {
                const jr_node *row = cells->items[i];
                grid[i * nc + j] = row->type == JR_ARRAY && row->n == nc
                                       ? figure_index(v, n, row->items[j]) : SIZE_MAX;
            }
        if (!strcmp(kind, "one-way")) {
            for (size_t i = 0; i < nr; i++) line[i] = grid[i * nc];
            rel_add(rl, line, nr, total);
        } else if (!strcmp(kind, "two-way")) {
            const jr_node *rt = jr_get(t, "row_totals"), *ct = jr_get(t, "col_totals");
            if (!rt || !ct || rt->type != JR_ARRAY || ct->type != JR_ARRAY || rt->n != nr ||
                ct->n != nc) {
                rl->bad = 1;
            } else {
                size_t *rtot = malloc(nr * sizeof *rtot), *ctot = malloc(nc * sizeof *ctot);
                if (!rtot || !ctot) {
                    cli_errorf("out of memory");
                    exit(CLI_INPUT);
                }
                for (size_t i = 0; i < nr; i++) rtot[i] = figure_index(v, n, rt->items[i]);
                for (size_t j = 0; j < nc; j++) ctot[j] = figure_index(v, n, ct->items[j]);
                for (size_t i = 0; i < nr; i++) rel_add(rl, grid + i * nc, nc, rtot[i]);
                for (size_t j = 0; j < nc; j++) {
                    for (size_t i = 0; i < nr; i++) line[i] = grid[i * nc + j];
                    rel_add(rl, line, nr, ctot[j]);
                }
                rel_add(rl, rtot, nr, total);
                rel_add(rl, ctot, nc, total);
                free(rtot);
                free(ctot);
            }
        }
        free(grid);
        free(line);
    }
}

/* Overlaps: |A| - |A ∩ B| (people seen by A only) below the threshold
 * would disclose a small number, so such an overlap is withheld too. */
static void difference_rule(vfig *v, size_t n, const jr_node *tables, unsigned long min_count)
{
    if (!min_count) return;
    for (size_t ti = 0; tables && ti < tables->n; ti++) {
        const jr_node *t = tables->items[ti];
        const char *kind = jr_str(t, "kind");
        const jr_node *pairs = jr_get(t, "pairs");
        if (!kind || strcmp(kind, "overlap") || !pairs || pairs->type != JR_ARRAY) continue;
        for (size_t k = 0; k < pairs->n; k++) {
            size_t o = figure_index(v, n, pairs->items[k]);
            if (o == SIZE_MAX || !v[o].ok || v[o].state != UNIKA_RELEASE_SHOWN) continue;
            size_t side[2] = {find_union(v, n, &v[o].sa), find_union(v, n, &v[o].sb)};
            for (int s = 0; s < 2; s++)
                if (side[s] != SIZE_MAX && v[side[s]].state == UNIKA_RELEASE_SHOWN &&
                    v[side[s]].e.estimate - v[o].e.estimate < (double)min_count)
                    v[o].state = UNIKA_RELEASE_SECONDARY;
        }
    }
}

static const char *state_name(uint8_t s)
{
    return s == UNIKA_RELEASE_PRIMARY ? "primary" : s == UNIKA_RELEASE_SECONDARY ? "secondary"
                                                                                 : "none";
}

/* Compares a JSON integer field (or null) with what it should be. */
static int int_field(audit *a, const vfig *v, const char *key, int want_null, long long want)
{
    const jr_node *node = jr_get(v->json, key);
    if (!node) return 1; /* older reports lack the release fields */
    if (want_null) {
        if (node->type == JR_NULL) return 1;
        fail_line(a, "%s: %s is %s in the report, but the figure is not published", v->id, key,
                  node->type == JR_NUMBER ? node->text : "set");
        return 0;
    }
    if (node->type == JR_NUMBER && node->number == (double)want) return 1;
    fail_line(a, "%s: %s is %s in the report, the signed files give %lld", v->id, key,
              node->type == JR_NUMBER ? node->text : "missing", want);
    return 0;
}

/* Phase 2 for one figure: publish it as the report's rules say and compare. */
static void compare_figure(audit *a, const vfig *v, const release *rel, int whole)
{
    const jr_node *f = v->json;
    int suppressed = v->state != UNIKA_RELEASE_SHOWN;
    char want_shown[48];
    long long value = 0, vlo = 0, vhi = 0;
    unsigned base = 1;
    if (v->state == UNIKA_RELEASE_PRIMARY) {
        snprintf(want_shown, sizeof want_shown, "<%lu", a->min_count);
    } else if (v->state == UNIKA_RELEASE_SECONDARY) {
        snprintf(want_shown, sizeof want_shown, "..");
    } else {
        int64_t noise = 0;
        if (rel->noise != UNIKA_NOISE_NONE) {
            uint64_t u;
            unika_error err = {0};
            if (unika_release_uniform(&u, rel->noise_key, rel->release_id, v->cell, v->cell_size,
                                      &err) < 0 ||
                unika_release_noise(&noise, rel->noise, rel->epsilon, u, &err) < 0) {
                fail_line(a, "%s: cannot draw its noise: %s", v->id, err.message);
                return;
            }
        }
        int64_t x = (int64_t)rint(v->e.estimate) + noise;
        if (x < 0) x = 0;
        base = unika_release_base(rel->rounding, x, whole);
        value = unika_release_round(x, base);
        double b = (double)base;
        vlo = (long long)(floor((v->e.ci_low + (double)noise) / b) * b);
        vhi = (long long)(ceil((v->e.ci_high + (double)noise) / b) * b);
        if (vlo < 0) vlo = 0;
        if (rel->raw) snprintf(want_shown, sizeof want_shown, "%.0f", v->e.estimate);
        else snprintf(want_shown, sizeof want_shown, "%lld", value);
    }
    const char *shown = jr_str(f, "shown");
    const jr_node *supp = jr_get(f, "suppressed");
    const char *state = jr_str(f, "suppression");
    int is_suppressed = supp && supp->type == JR_TRUE;
    if (is_suppressed != suppressed || strcmp(shown, want_shown) ||
        (state && strcmp(state, state_name(v->state)))) {
        fail_line(a, "%s: the report shows \"%s\"%s%s, the signed files give \"%s\"%s%s "
                  "(estimate %.2f)", v->id, shown, is_suppressed ? ", withheld as " : "",
                  is_suppressed ? (state ? state : "suppressed") : "", want_shown,
                  suppressed ? ", withheld as " : "", suppressed ? state_name(v->state) : "",
                  v->e.estimate);
        return;
    }
    if (!int_field(a, v, "value", suppressed, value) ||
        !int_field(a, v, "rounding_base", suppressed, base) ||
        !int_field(a, v, "value_ci_low", suppressed || v->e.exact, vlo) ||
        !int_field(a, v, "value_ci_high", suppressed || v->e.exact, vhi))
        return;
    static const char *const fields[] = {"estimate", "std_error", "ci_low", "ci_high"};
    const double got[] = {v->e.estimate, v->e.std_error, v->e.ci_low, v->e.ci_high};
    for (size_t k = 0; k < 4; k++) {
        const jr_node *node = jr_get(f, fields[k]);
        if (suppressed || !rel->raw) {
            if (!node || node->type == JR_NULL) continue;
            fail_line(a, "%s: the report publishes the raw %s, which its release rules withhold",
                      v->id, fields[k]);
            return;
        }
        if (!node || node->type != JR_NUMBER || !close_enough(node->number, got[k])) {
            fail_line(a, "%s: %s is %s in the report, the signed files give %.17g", v->id,
                      fields[k], node && node->type == JR_NUMBER ? node->text : "missing",
                      got[k]);
            return;
        }
    }
    const jr_node *exact = jr_get(f, "exact");
    if (exact && (exact->type == JR_TRUE) != (v->e.exact != 0)) {
        fail_line(a, "%s: the report calls it %s, the signed files give an %s count", v->id,
                  exact->type == JR_TRUE ? "exact" : "estimated",
                  v->e.exact ? "exact" : "estimated");
        return;
    }
    size_t n_files = v->sa.n + v->sb.n;
    if (v->state == UNIKA_RELEASE_PRIMARY)
        ok_line(a, "%s: %s (below %lu) from %zu signed file(s) [%s]", v->id, shown, a->min_count,
                n_files, v->who);
    else if (v->state == UNIKA_RELEASE_SECONDARY)
        ok_line(a, "%s: %s (withheld: secondary suppression) from %zu signed file(s) [%s]", v->id,
                shown, n_files, v->who);
    else if (v->e.exact)
        ok_line(a, "%s: %s (exact) from %zu signed file(s) [%s]", v->id, shown, n_files, v->who);
    else if (rel->raw)
        ok_line(a, "%s: %s (95%% %.0f-%.0f) from %zu signed file(s) [%s]", v->id, shown,
                v->e.ci_low, v->e.ci_high, n_files, v->who);
    else
        ok_line(a, "%s: %s (95%% %lld-%lld) from %zu signed file(s) [%s]", v->id, shown, vlo, vhi,
                n_files, v->who);
}

/* Phases 1 and 2 over every figure; returns how many failed. */
static size_t check_figures(audit *a, const jr_node *figures, const jr_node *tables,
                            const release *rel)
{
    size_t n = figures->n, failed = 0;
    vfig *v = calloc(n ? n : 1, sizeof *v);
    if (!v) {
        cli_errorf("out of memory");
        exit(CLI_INPUT);
    }
    size_t *own = calloc(n ? n : 1, sizeof *own); /* failures logged per figure */
    if (!own) {
        cli_errorf("out of memory");
        exit(CLI_INPUT);
    }
    for (size_t i = 0; i < n; i++) {
        v[i].json = figures->items[i];
        v[i].id = jr_str(v[i].json, "id") ? jr_str(v[i].json, "id") : "(figure without id)";
        size_t before = a->failures;
        recompute_figure(a, &v[i], rel->noise != UNIKA_NOISE_NONE);
        own[i] = a->failures - before;
        /* Primary suppression: below the threshold. */
        v[i].state = v[i].ok && a->min_count && v[i].e.estimate < (double)a->min_count
                         ? UNIKA_RELEASE_PRIMARY : UNIKA_RELEASE_SHOWN;
        v[i].cls = i;
        for (size_t j = 0; j < i; j++)
            if (v[j].ok && v[i].ok && same_figure(&v[i], &v[j])) {
                v[i].cls = v[j].cls;
                break;
            }
    }
    int all_ok = 1;
    for (size_t i = 0; i < n; i++) all_ok &= v[i].ok;
    if (rel->secondary && n) {
        if (!all_ok) {
            fail_line(a, "secondary suppression cannot be re-applied: some figures could not be "
                      "recomputed");
        } else {
            difference_rule(v, n, tables, a->min_count);
            relations rl = {0};
            build_relations(&rl, tables, v, n, a);
            uint8_t *state = malloc(n);
            double *est = malloc(n * sizeof *est);
            size_t *cls = malloc(n * sizeof *cls);
            if (!state || !est || !cls) {
                cli_errorf("out of memory");
                exit(CLI_INPUT);
            }
            for (size_t i = 0; i < n; i++) {
                state[i] = v[i].state;
                est[i] = v[i].e.estimate;
                cls[i] = v[i].cls;
            }
            unika_error err = {0};
            if (rl.bad) {
                fail_line(a, "the report's tables name figures it does not contain");
            } else if (unika_release_secondary(state, n, est, cls, rl.offset, rl.members,
                                               rl.total, rl.n, &err) < 0) {
                fail_line(a, "secondary suppression cannot be re-applied: %s", err.message);
            } else {
                for (size_t i = 0; i < n; i++) v[i].state = state[i];
            }
            free(state);
            free(est);
            free(cls);
            free(rl.offset);
            free(rl.members);
            free(rl.total);
        }
    }
    for (size_t i = 0; i < n; i++) {
        size_t before = a->failures;
        if (v[i].ok) {
            int whole = 0; /* one number, one rounding rule: whole if any twin is */
            for (size_t j = 0; j < n && !whole; j++) whole = v[j].cls == v[i].cls && v[j].whole;
            compare_figure(a, &v[i], rel, whole);
        }
        if (own[i] || a->failures != before) failed++;
        free(v[i].sa.idx);
        free(v[i].sb.idx);
    }
    free(v);
    free(own);
    return failed;
}

/* ---- the command -------------------------------------------------------------------- */

static int header_checks(audit *a, release *rel, const jr_node *root,
                         const unika_roster *roster)
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
    /* The release step (docs/report.md): read from "release" when present;
     * reports made before it existed have none and were neither rounded
     * nor perturbed. */
    const jr_node *relj = jr_get(root, "release");
    const char *rounding = relj ? jr_str(relj, "rounding") : jr_str(supp, "rounding");
    const char *noise = relj ? jr_str(relj, "noise") : NULL;
    static const char *const round_names[] = {"none", "base5", "base10", "sdc"};
    static const char *const noise_names[] = {"none", "ckm", "geometric"};
    int ri = -1, ni = noise ? -1 : 0;
    for (int k = 0; k < 4; k++)
        if (!rounding || !strcmp(rounding, round_names[k])) ri = ri < 0 ? k : ri;
    for (int k = 0; noise && k < 3; k++)
        if (!strcmp(noise, noise_names[k])) ni = k;
    if (ri < 0 || ni < 0) {
        fail_line(a, "the report's rounding \"%s\" or noise \"%s\" is unknown",
                  rounding ? rounding : "none", noise ? noise : "none");
        return -1;
    }
    rel->rounding = (unika_rounding)ri;
    rel->noise = (unika_noise)ni;
    const jr_node *sec = relj ? jr_get(relj, "secondary") : jr_get(supp, "secondary");
    rel->secondary = sec && sec->type == JR_TRUE;
    const jr_node *raw = relj ? jr_get(relj, "raw_estimates") : NULL;
    rel->raw = raw ? raw->type == JR_TRUE
                   : rel->rounding == UNIKA_ROUND_NONE && rel->noise == UNIKA_NOISE_NONE;
    if (rel->noise != UNIKA_NOISE_NONE) {
        rel->epsilon = jr_num(relj, "epsilon", &ok);
        if (rel->noise == UNIKA_NOISE_GEOMETRIC && !ok) {
            fail_line(a, "the report's geometric noise states no epsilon");
            return -1;
        }
        rel->release_id = jr_str(relj, "release_id");
        const char *nfp = jr_str(relj, "noise_key_fingerprint");
        char have[UNIKA_FINGERPRINT_HEX_BYTES];
        if (!rel->release_id || !nfp) {
            fail_line(a, "the report's noise states no release_id or noise_key_fingerprint");
            return -1;
        }
        if (!rel->noise_key) {
            fail_line(a, "the report's figures carry noise: give the release noise key "
                      "(--noise-key) to recompute them");
            return -1;
        }
        unika_fingerprint_to_hex(have, unika_key_fingerprint_ptr(rel->noise_key));
        if (strcmp(have, nfp)) {
            fail_line(a, "the report's noise key is %s, --noise-key is %s", nfp, have);
            return -1;
        }
    }
    ok_line(a, "report: recipe %s (%s), estimator ml, 95%% intervals; release: threshold %lu, "
            "secondary suppression %s, rounding %s, noise %s", recipe_hex,
            jr_str(root, "recipe") ? jr_str(root, "recipe") : "unnamed", a->min_count,
            rel->secondary ? "on" : "off", round_names[ri], noise_names[ni]);
    return 0;
}

int cmd_verify(int argc, char **argv)
{
    static const struct option opts[] = {
        {"roster", required_argument, NULL, 'r'},
        {"report", required_argument, NULL, 'R'},
        {"quiet", no_argument, NULL, 'q'},
        {"noise-key", required_argument, NULL, 'K'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *roster_path = NULL, *report_path = NULL, *noise_path = NULL;
    int quiet = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'r': roster_path = optarg; break;
        case 'R': report_path = optarg; break;
        case 'q': quiet = 1; break;
        case 'K': noise_path = optarg; break;
        case 'h': fputs(usage_text, stdout); return CLI_OK;
        case ':': return cli_usage_error("option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (!roster_path) return cli_usage_error("--roster ROSTER is required");
    if (!report_path) return cli_usage_error("--report REPORT.json is required");
    if (optind >= argc) return cli_usage_error("no sketch files or directories");

    unika_error err = {0};
    release rel;
    memset(&rel, 0, sizeof rel);
    if (noise_path && unika_key_load(&rel.noise_key, noise_path, 0, &err) < 0)
        return cli_fail(noise_path, &err);
    unika_roster *roster = NULL;
    if (unika_roster_load(&roster, roster_path, &err) < 0) {
        unika_key_free(rel.noise_key);
        return cli_fail(NULL, &err);
    }
    char *text = NULL;
    size_t size = 0;
    if (cli_read_file(&text, &size, report_path, REPORT_MAX, &err) < 0) {
        unika_roster_free(roster);
        unika_key_free(rel.noise_key);
        return cli_fail(NULL, &err);
    }
    char jerr[160];
    jr_node *root = jr_parse(text, size, jerr, sizeof jerr);
    free(text);
    if (!root) {
        unika_roster_free(roster);
        unika_key_free(rel.noise_key);
        cli_errorf("%s: not valid JSON: %s", report_path, jerr);
        return CLI_INPUT;
    }
    char **paths = NULL;
    size_t np = 0;
    int rc = rp_collect(&paths, &np, argv + optind, (size_t)(argc - optind));
    if (rc) {
        jr_free(root);
        unika_roster_free(roster);
        unika_key_free(rel.noise_key);
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
    int header_ok = header_checks(&a, &rel, root, roster) == 0;
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
            const jr_node *tables = jr_get(root, "tables");
            fig_fail = check_figures(&a, figures,
                                     tables && tables->type == JR_ARRAY ? tables : NULL, &rel);
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
    unika_key_free(rel.noise_key);
    return a.failures ? CLI_INPUT : CLI_OK;
}
