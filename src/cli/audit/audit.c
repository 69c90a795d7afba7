/*
 * audit.c - the checks of `unika verify` (audit.h lists them).
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "report/report.h"
#include "unika/key.h"
#include "unika/release.h"
#include "unika/roster.h"

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
    const uint8_t *resolution_fp; /* a report over a linker's cells */
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
    unika_hex_encode(v->hex, v->digest, UNIKA_DIGEST_BYTES);
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
    if (a->resolution_fp) { /* a linker's cell: the linker's, under the resolution's key */
        const unika_sign_public *linker = unika_roster_linker(roster);
        if (who != linker || memcmp(unika_sketch_key_fingerprint(v->sketch), a->resolution_fp,
                                    UNIKA_FINGERPRINT_BYTES)) {
            char got[UNIKA_FINGERPRINT_HEX_BYTES];
            unika_fingerprint_to_hex(got, unika_sketch_key_fingerprint(v->sketch));
            fail_line(a, "%s: signed by %s under key %s: not a cell of the linker's resolution",
                      v->path, v->signer, got);
            return;
        }
    } else if (unika_roster_check_key_fingerprint(roster, unika_sketch_key_fingerprint(v->sketch),
                                                  &err) < 0) {
        fail_line(a, "%s: signed by %s, %s", v->path, v->signer, err.message);
        return;
    }
    if (a->has_recipe &&
        memcmp(unika_sketch_recipe_fingerprint(v->sketch), a->recipe_fp, UNIKA_FINGERPRINT_BYTES)) {
        char got[UNIKA_FINGERPRINT_HEX_BYTES], want[UNIKA_FINGERPRINT_HEX_BYTES];
        unika_hex_encode(got, unika_sketch_recipe_fingerprint(v->sketch), UNIKA_FINGERPRINT_BYTES);
        unika_hex_encode(want, a->recipe_fp, UNIKA_FINGERPRINT_BYTES);
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
    s->idx = cli_xmalloc((a->n ? a->n : 1) * sizeof *s->idx);
    s->n = 0;
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
    selection sa, sb;    /* inputs of the union (A), of B */
    char who[300];       /* signers, for the log */
    /* The recomputed estimate and content id, then what the library's
     * release step makes of them (unika_release_apply()). */
    unika_release_figure r;
} vfig;

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
    v->r.overlap = !strcmp(kind, "intersection");
    if (!v->r.overlap && strcmp(kind, "union")) {
        fail_line(a, "%s: unknown figure kind \"%s\"", v->id, kind);
        return;
    }
    memset(&v->r.estimate, 0, sizeof v->r.estimate);
    v->r.estimate.exact = 1;
    unika_sketch *ua = NULL, *ub = NULL;
    unika_error err = {0};
    int ok = 1;
    if (!v->r.overlap) {
        const jr_node *filter = jr_get(f, "filter");
        if (!filter || filter->type != JR_OBJECT) {
            fail_line(a, "%s: malformed figure (no filter)", v->id);
            return;
        }
        v->r.whole = 1;
        for (size_t k = 0; k < filter->n; k++)
            v->r.whole &= filter->items[k]->type == JR_STRING && !strcmp(filter->items[k]->text, "*");
        select_inputs(&v->sa, a, filter, (rp_grain)grain);
        ok = same_inputs(a, v->id, "inputs", jr_get(f, "inputs"), &v->sa) &&
             all_trusted(a, v->id, &v->sa);
        if (ok && union_of(&ua, a, &v->sa, &err) < 0) {
            fail_line(a, "%s: cannot merge its inputs: %s", v->id, err.message);
            ok = 0;
        }
        if (ok && ua && unika_sketch_estimate(&v->r.estimate, ua, UNIKA_ESTIMATOR_ML, &err) < 0) {
            fail_line(a, "%s: cannot estimate: %s", v->id, err.message);
            ok = 0;
        }
        if (ok && noise && unika_release_cell_union(&v->r, ua, &err) < 0) {
            fail_line(a, "%s: %s", v->id, err.message);
            ok = 0;
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
        if (ok && ua && ub && unika_sketch_intersection(&v->r.estimate, ua, ub, &err) < 0) {
            fail_line(a, "%s: cannot estimate the overlap: %s", v->id, err.message);
            ok = 0;
        }
        if (ok && noise && unika_release_cell_intersection(&v->r, ua, ub, &err) < 0) {
            fail_line(a, "%s: %s", v->id, err.message);
            ok = 0;
        }
        char wa[128], wb[128];
        signers_of(wa, sizeof wa, a, &v->sa);
        signers_of(wb, sizeof wb, a, &v->sb);
        snprintf(v->who, sizeof v->who, "%s | %s", wa, wb);
    }
    unika_sketch_free(ua);
    unika_sketch_free(ub);
    v->r.inputs_a = v->sa.idx;
    v->r.n_a = v->sa.n;
    v->r.inputs_b = v->sb.idx;
    v->r.n_b = v->sb.n;
    v->ok = ok;
}

/* ---- phase 2: the release step, re-applied -------------------------------------------- */

/* The release parameters the report states (header_checks()). */
typedef struct release {
    int secondary;           /* secondary suppression on */
    int raw;                 /* raw estimates published */
    unika_rounding rounding;
    unika_noise noise;
    double epsilon;
    const char *release_id;
    unika_key *noise_key;
} release;

static size_t figure_index(const vfig *v, size_t n, const jr_node *id)
{
    if (!id || id->type != JR_STRING) return SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].id, id->text)) return i;
    return SIZE_MAX;
}

/* The report's tables (docs/report.md) as the release step sees them,
 * with every figure id resolved; `bad` when a table names a figure that
 * does not exist or is malformed. */
typedef struct vtables {
    unika_release_table *t;
    size_t n;
    size_t **owned;
    size_t nowned;
    int bad;
} vtables;

static size_t *vt_array(vtables *vt, size_t n)
{
    size_t *p = cli_xmalloc((n ? n : 1) * sizeof *p);
    vt->owned = cli_xrealloc(vt->owned, (vt->nowned + 1) * sizeof *vt->owned);
    vt->owned[vt->nowned++] = p;
    return p;
}

/* The figure indices of a JSON array of ids into dst; 0 if any is unknown. */
static int vt_ids(size_t *dst, const jr_node *ids, size_t n, const vfig *v, size_t nv)
{
    int ok = ids && ids->type == JR_ARRAY && ids->n == n;
    for (size_t i = 0; ok && i < n; i++) ok = (dst[i] = figure_index(v, nv, ids->items[i])) != SIZE_MAX;
    return ok;
}

static void vt_table(vtables *vt, const jr_node *t, const vfig *v, size_t n)
{
    const char *kind = jr_str(t, "kind");
    if (!kind) return;
    unika_release_table x = {UNIKA_RELEASE_ONE_WAY, 0, 1, NULL, NULL, NULL, SIZE_MAX};
    if (!strcmp(kind, "overlap")) {
        const jr_node *pairs = jr_get(t, "pairs");
        if (!pairs || pairs->type != JR_ARRAY) return;
        x.kind = UNIKA_RELEASE_OVERLAP;
        x.rows = pairs->n;
        size_t *cells = vt_array(vt, x.rows);
        if (!vt_ids(cells, pairs, x.rows, v, n)) vt->bad = 1;
        x.cells = cells;
    } else {
        int two = !strcmp(kind, "two-way");
        const jr_node *rows = jr_get(t, "cells");
        if ((!two && strcmp(kind, "one-way")) || !rows || rows->type != JR_ARRAY || !rows->n)
            return;
        x.kind = two ? UNIKA_RELEASE_TWO_WAY : UNIKA_RELEASE_ONE_WAY;
        x.rows = rows->n;
        x.cols = rows->items[0]->type == JR_ARRAY ? rows->items[0]->n : 0;
        size_t *cells = vt_array(vt, x.rows * (two ? x.cols : 1));
        for (size_t i = 0; i < x.rows; i++) {
            size_t *row = two ? cells + i * x.cols : vt_array(vt, x.cols);
            if (!x.cols || !vt_ids(row, rows->items[i], x.cols, v, n)) vt->bad = 1;
            else if (!two) cells[i] = row[0];
        }
        x.cells = cells;
        x.total = figure_index(v, n, jr_get(t, "total"));
        if (two) {
            size_t *rt = vt_array(vt, x.rows), *ct = vt_array(vt, x.cols);
            if (!vt_ids(rt, jr_get(t, "row_totals"), x.rows, v, n) ||
                !vt_ids(ct, jr_get(t, "col_totals"), x.cols, v, n))
                vt->bad = 1;
            x.row_totals = rt;
            x.col_totals = ct;
        }
    }
    vt->t = cli_xrealloc(vt->t, (vt->n + 1) * sizeof *vt->t);
    vt->t[vt->n++] = x;
}

static void vt_free(vtables *vt)
{
    for (size_t i = 0; i < vt->nowned; i++) free(vt->owned[i]);
    free(vt->owned);
    free(vt->t);
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

/* The raw estimate, its error and interval: published exactly when the
 * release rules publish raw estimates. */
static int raw_fields(audit *a, const vfig *v, int withheld, const release *rel)
{
    static const char *const fields[] = {"estimate", "std_error", "ci_low", "ci_high"};
    const unika_estimate *e = &v->r.estimate;
    const double got[] = {e->estimate, e->std_error, e->ci_low, e->ci_high};
    for (size_t k = 0; k < 4; k++) {
        const jr_node *node = jr_get(v->json, fields[k]);
        if (withheld || !rel->raw) {
            if (!node || node->type == JR_NULL) continue;
            fail_line(a, "%s: the report publishes the raw %s, which its release rules withhold",
                      v->id, fields[k]);
            return 0;
        }
        if (!node || node->type != JR_NUMBER || !close_enough(node->number, got[k])) {
            fail_line(a, "%s: %s is %s in the report, the signed files give %.17g", v->id,
                      fields[k], node && node->type == JR_NUMBER ? node->text : "missing",
                      got[k]);
            return 0;
        }
    }
    return 1;
}

/* Phase 2 for one figure: what the release step made of the recomputed
 * estimate, against what the report shows. */
static void compare_figure(audit *a, const vfig *v, const release *rel)
{
    const jr_node *f = v->json;
    const unika_release_figure *r = &v->r;
    int suppressed = r->state != UNIKA_RELEASE_SHOWN;
    long long vlo = (long long)r->value_ci_low, vhi = (long long)r->value_ci_high;
    const char *shown = jr_str(f, "shown");
    const jr_node *supp = jr_get(f, "suppressed");
    const char *state = jr_str(f, "suppression");
    int is_suppressed = supp && supp->type == JR_TRUE;
    if (is_suppressed != suppressed || strcmp(shown, r->shown) ||
        (state && strcmp(state, state_name(r->state)))) {
        fail_line(a, "%s: the report shows \"%s\"%s%s, the signed files give \"%s\"%s%s "
                  "(estimate %.2f)", v->id, shown, is_suppressed ? ", withheld as " : "",
                  is_suppressed ? (state ? state : "suppressed") : "", r->shown,
                  suppressed ? ", withheld as " : "", suppressed ? state_name(r->state) : "",
                  r->estimate.estimate);
        return;
    }
    if (!int_field(a, v, "value", suppressed, (long long)r->value) ||
        !int_field(a, v, "rounding_base", suppressed, r->base) ||
        !int_field(a, v, "value_ci_low", suppressed || r->estimate.exact, vlo) ||
        !int_field(a, v, "value_ci_high", suppressed || r->estimate.exact, vhi) ||
        !raw_fields(a, v, suppressed, rel))
        return;
    const jr_node *exact = jr_get(f, "exact");
    if (exact && (exact->type == JR_TRUE) != (r->estimate.exact != 0)) {
        fail_line(a, "%s: the report calls it %s, the signed files give an %s count", v->id,
                  exact->type == JR_TRUE ? "exact" : "estimated",
                  r->estimate.exact ? "exact" : "estimated");
        return;
    }
    size_t n_files = v->sa.n + v->sb.n;
    if (r->state == UNIKA_RELEASE_PRIMARY)
        ok_line(a, "%s: %s (below %lu) from %zu signed file(s) [%s]", v->id, shown, a->min_count,
                n_files, v->who);
    else if (r->state == UNIKA_RELEASE_SECONDARY)
        ok_line(a, "%s: %s (withheld: secondary suppression) from %zu signed file(s) [%s]", v->id,
                shown, n_files, v->who);
    else if (r->estimate.exact)
        ok_line(a, "%s: %s (exact) from %zu signed file(s) [%s]", v->id, shown, n_files, v->who);
    else if (rel->raw)
        ok_line(a, "%s: %s (95%% %.0f-%.0f) from %zu signed file(s) [%s]", v->id, shown,
                r->estimate.ci_low, r->estimate.ci_high, n_files, v->who);
    else
        ok_line(a, "%s: %s (95%% %lld-%lld) from %zu signed file(s) [%s]", v->id, shown, vlo, vhi,
                n_files, v->who);
}

/* Phase 2: the library's release step (the one `unika report` ran) over the
 * recomputed figures. Secondary suppression needs every figure; when some
 * could not be recomputed, or the tables are malformed, the others are
 * released without it (and the audit has failed already). Returns 0, or -1
 * when the step cannot run at all. */
static int release_figures(audit *a, vfig *v, size_t n, const jr_node *tables,
                           const release *rel)
{
    unika_release_params p = {a->min_count, rel->secondary, rel->rounding, rel->noise,
                              rel->epsilon, rel->noise_key, rel->release_id, rel->raw};
    size_t nok = 0;
    for (size_t i = 0; i < n; i++) nok += v[i].ok != 0;
    vtables vt = {0};
    if (p.secondary && n && nok < n) {
        fail_line(a, "secondary suppression cannot be re-applied: some figures could not be "
                  "recomputed");
        p.secondary = 0;
    } else if (p.secondary && n) {
        for (size_t ti = 0; tables && ti < tables->n; ti++) vt_table(&vt, tables->items[ti], v, n);
        if (vt.bad) {
            fail_line(a, "the report's tables name figures it does not contain");
            p.secondary = 0;
        }
    }
    unika_release_figure *rf = cli_xmalloc((nok ? nok : 1) * sizeof *rf);
    for (size_t i = 0, k = 0; i < n; i++)
        if (v[i].ok) rf[k++] = v[i].r;
    unika_error err = {0};
    int rc = unika_release_apply(rf, nok, p.secondary ? vt.t : NULL, p.secondary ? vt.n : 0, &p,
                                 &err);
    if (rc < 0) fail_line(a, "the release step cannot be re-applied: %s", err.message);
    for (size_t i = 0, k = 0; rc == 0 && i < n; i++)
        if (v[i].ok) v[i].r = rf[k++];
    free(rf);
    vt_free(&vt);
    return rc < 0 ? -1 : 0;
}

/* Phases 1 and 2 over every figure; returns how many failed. */
static size_t check_figures(audit *a, const jr_node *figures, const jr_node *tables,
                            const release *rel)
{
    size_t n = figures->n, failed = 0;
    vfig *v = cli_xcalloc(n ? n : 1, sizeof *v);
    size_t *own = cli_xcalloc(n ? n : 1, sizeof *own); /* failures logged per figure */
    for (size_t i = 0; i < n; i++) {
        v[i].json = figures->items[i];
        v[i].id = jr_str(v[i].json, "id") ? jr_str(v[i].json, "id") : "(figure without id)";
        size_t before = a->failures;
        recompute_figure(a, &v[i], rel->noise != UNIKA_NOISE_NONE);
        own[i] = a->failures - before;
    }
    int released = release_figures(a, v, n, tables, rel) == 0;
    for (size_t i = 0; i < n; i++) {
        size_t before = a->failures;
        if (v[i].ok && released) compare_figure(a, &v[i], rel);
        if (own[i] || a->failures != before || !released) failed++;
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
    if (!key_hex || unika_hex_decode(key_fp, sizeof key_fp, key_hex, strlen(key_hex)) < 0) {
        fail_line(a, "the report has no valid key_fingerprint");
    } else if (a->resolution_fp) {
        if (memcmp(key_fp, a->resolution_fp, UNIKA_FINGERPRINT_BYTES))
            fail_line(a, "the report's key %s is not the linker's resolution fingerprint", key_hex);
        else
            ok_line(a, "report made from the linker's cells, resolution %s", key_hex);
    } else if (unika_roster_check_key_fingerprint(roster, key_fp, &err) < 0) {
        fail_line(a, "the report was %s", err.message);
    } else {
        ok_line(a, "report made under the roster's partnership key %s", key_hex);
    }
    const char *recipe_hex = jr_str(root, "recipe_fingerprint");
    if (!recipe_hex ||
        unika_hex_decode(a->recipe_fp, sizeof a->recipe_fp, recipe_hex, strlen(recipe_hex)) < 0) {
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

size_t audit_run(const jr_node *root, const unika_roster *roster, char **paths, size_t np,
                 const audit_options *o)
{
    release rel;
    memset(&rel, 0, sizeof rel);
    rel.noise_key = o->noise_key;
    audit a;
    memset(&a, 0, sizeof a);
    a.quiet = o->quiet;
    a.resolution_fp = o->resolution_fp;
    a.n = np;
    a.in = cli_xcalloc(np ? np : 1, sizeof *a.in);
    printf("audit of %s against %s: %zu partner(s) on the roster, %zu file(s) given\n",
           o->report_path, o->roster_path, unika_roster_partner_count(roster), np);
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
    return a.failures;
}
