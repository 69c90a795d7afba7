/*
 * linkest.c - the linker's estimates applied to a report's figures
 * (linkest.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/linkest.h"

#define Z95 1.959963984540054 /* the 95% normal quantile */

int rp_linkest_load(rp_linkest *e, const char *path)
{
    memset(e, 0, sizeof *e);
    unika_error err = {0};
    uint8_t digest[UNIKA_DIGEST_BYTES];
    if (cli_read_file(&e->bytes, &e->n, path, RP_LINKEST_MAX, &err) < 0 ||
        unika_json_parse(&e->root, e->bytes, e->n, &err) < 0) {
        rp_linkest_free(e);
        return cli_fail(path, &err);
    }
    (void)unika_file_digest(digest, (const uint8_t *)e->bytes, e->n);
    unika_hex_encode(e->digest_hex, digest, UNIKA_DIGEST_BYTES);
    int ok = 0;
    const char *schema = unika_json_str(e->root, "schema");
    double version = unika_json_num(e->root, "version", &ok);
    const unika_json *est = unika_json_get(e->root, "estimator");
    e->figures = unika_json_get(e->root, "figures");
    e->resolution = unika_json_str(e->root, "resolution");
    e->estimator = unika_json_str(est, "name");
    e->version = (int)unika_json_num(est, "version", NULL);
    /* version 3 adds figures by one more --by value (a version 2 file has
     * none), version 4 each figure's excess, version 5 each pair's overlap,
     * version 6 whether m was measured: what a report reads is in all, an
     * overlap taken as the estimator gives it where the file has it */
    if (!schema || strcmp(schema, "unika-link-estimates") || !ok || version < 2 || version > 6 ||
        !e->figures || e->figures->type != UNIKA_JSON_ARRAY || !e->resolution ||
        strlen(e->resolution) != 32 || !e->estimator) {
        cli_errorf("%s: not a linker's estimates file (schema unika-link-estimates version 2 "
                   "to 6, docs/linkage.md 16)",
                   path);
        rp_linkest_free(e);
        return CLI_INPUT;
    }
    const unika_json *m = unika_json_get(unika_json_get(e->root, "rates"), "m_measured");
    if (version >= 6 && !(m && (m->type == UNIKA_JSON_TRUE || m->type == UNIKA_JSON_FALSE))) {
        cli_errorf("%s: rates.m_measured must be true or false (schema version 6)", path);
        rp_linkest_free(e);
        return CLI_INPUT;
    }
    e->m_measured = version >= 6 ? m->type == UNIKA_JSON_TRUE : -1;
    e->m_low = unika_json_num(unika_json_get(e->root, "rates"), "m_eq0_rare", NULL);
    for (size_t i = 0; i < e->figures->n; i++) {
        const unika_json *orgs = unika_json_get(e->figures->items[i], "orgs");
        if (orgs && orgs->type == UNIKA_JSON_ARRAY && orgs->n > e->norgs) e->norgs = orgs->n;
    }
    return CLI_OK;
}

void rp_linkest_free(rp_linkest *e)
{
    unika_json_free(e->root);
    free(e->bytes);
    memset(e, 0, sizeof *e);
}

int rp_linkest_check_cells(const rp_linkest *e, const rp_input *in, size_t n, const char *path)
{
    for (size_t i = 0; i < n; i++) {
        char fp[UNIKA_FINGERPRINT_HEX_BYTES];
        unika_fingerprint_to_hex(fp, unika_sketch_key_fingerprint(in[i].sketch));
        if (strcmp(fp, e->resolution)) {
            cli_errorf("%s: estimates of resolution %s, but %s is under key %s: not a cell of "
                       "that resolution",
                       path, e->resolution, in[i].path, fp);
            return CLI_INPUT;
        }
    }
    return CLI_OK;
}

/* What a figure of estimates.json is: its organisations (NULL = all of
 * them; b too for a pair), period ("all", a year, a period), gender and,
 * for a figure by one more --by field, that field and its value (NULL:
 * none). */
typedef struct key {
    const char *a, *b, *period, *gender, *by, *value;
} key;

static int same(const char *x, const char *y) { return x ? y && !strcmp(x, y) : !y; }

static int orgs_are(const rp_linkest *e, const unika_json *orgs, const key *k)
{
    if (!orgs || orgs->type != UNIKA_JSON_ARRAY) return 0;
    if (!k->a) return orgs->n == e->norgs;
    size_t want = k->b ? 2 : 1;
    if (orgs->n != want) return 0;
    for (size_t i = 0; i < orgs->n; i++) {
        const char *o = orgs->items[i]->type == UNIKA_JSON_STRING ? orgs->items[i]->text : "";
        if (strcmp(o, k->a) && (!k->b || strcmp(o, k->b))) return 0;
    }
    return 1;
}

static const unika_json *find(const rp_linkest *e, const key *k)
{
    for (size_t i = 0; i < e->figures->n; i++) {
        const unika_json *f = e->figures->items[i];
        const char *p = unika_json_str(f, "period"), *g = unika_json_str(f, "gender");
        if (p && g && !strcmp(p, k->period) && !strcmp(g, k->gender) &&
            same(unika_json_str(f, "by"), k->by) && same(unika_json_str(f, "value"), k->value) &&
            orgs_are(e, unika_json_get(f, "orgs"), k))
            return f;
    }
    return NULL;
}

/* The key of a union figure's filter; -1 with why for a filter the
 * estimates do not cover. */
static int key_of(key *k, size_t nf, const char *const *fk, const char *const *fv, rp_grain grain,
                  char *why, size_t cap)
{
    *k = (key){NULL, NULL, "all", "all", NULL, NULL};
    for (size_t i = 0; i < nf; i++) {
        if (!strcmp(fv[i], "*")) continue; /* every linker cell has org, period and gender */
        if (!strcmp(fk[i], "draw") && !strcmp(fv[i], "0")) continue; /* and is of draw 0 */
        if (!strcmp(fk[i], "org")) k->a = fv[i];
        else if (!strcmp(fk[i], "gender")) k->gender = fv[i];
        else if (!strcmp(fk[i], "period") && grain != RP_MONTH) k->period = fv[i];
        else if (strcmp(fk[i], "period") && strcmp(fk[i], "draw") && !k->by) {
            k->by = fk[i]; /* found only if the estimates have it (find()) */
            k->value = fv[i];
        } else {
            snprintf(why, cap, "the linker's estimates have no figure by %s%s", fk[i],
                     strcmp(fk[i], "period") ? "" : " at a month");
            return -1;
        }
    }
    return 0;
}

static int num(const unika_json *f, const char *name, double *v)
{
    int ok = 0;
    *v = unika_json_num(f, name, &ok);
    return ok ? 0 : -1;
}

/* Widens a linkage interval [lo, hi] around m by the sketch's own error
 * (independent of it): each half-width in quadrature with 1.96 se. */
static void combine(unika_estimate *out, double m, double se, double lo, double hi,
                    const unika_estimate *sketch)
{
    double s = sketch->exact ? 0 : sketch->std_error, zs = Z95 * s;
    out->estimate = m;
    out->std_error = sqrt(se * se + s * s);
    out->ci_low = m - sqrt((m - lo) * (m - lo) + zs * zs);
    out->ci_high = m + sqrt((hi - m) * (hi - m) + zs * zs);
    if (out->ci_low < 0) out->ci_low = 0;
    out->exact = 0;
}

/* The corrected estimate of `what` (a figure or an overlap) f of the
 * estimates: its interval widened by the sketch's error. */
static int corrected(unika_estimate *out, const unika_json *f, const char *what,
                     const unika_estimate *sketch, char *why, size_t cap)
{
    double m, se, lo, hi;
    if (num(f, "estimate", &m) || num(f, "se", &se) || num(f, "ci_low", &lo) ||
        num(f, "ci_high", &hi)) {
        snprintf(why, cap, "%s of the linker's estimates lacks its numbers", what);
        return -1;
    }
    combine(out, m, se, lo, hi, sketch);
    return 0;
}

static int missing(const key *k, char *why, size_t cap)
{
    snprintf(why, cap, "the linker's estimates have no figure for %s%s%s, period %s, gender %s%s%s%s",
             k->a ? k->a : "all organisations", k->b ? " and " : "", k->b ? k->b : "", k->period,
             k->gender, k->by ? ", " : "", k->by ? k->by : "", k->by ? "=" : "");
    if (k->by) {
        size_t n = strlen(why);
        snprintf(why + n, n < cap ? cap - n : 0, "%s", k->value);
    }
    return -1;
}

int rp_linkest_figure(const rp_linkest *e, size_t nf, const char *const *fk, const char *const *fv,
                      rp_grain grain, const char *olabel, const char *oa, const char *ob,
                      const unika_estimate *sketch, unika_estimate *out, char *why, size_t cap)
{
    if (!olabel) {
        key k;
        if (key_of(&k, nf, fk, fv, grain, why, cap) < 0) return -1;
        const unika_json *f = find(e, &k);
        if (!f) return missing(&k, why, cap);
        return corrected(out, f, "a figure", sketch, why, cap);
    }
    if (strcmp(olabel, "org")) {
        snprintf(why, cap, "the linker's estimates have no overlap by %s", olabel);
        return -1;
    }
    /* |a n b| = |a| + |b| - |a u b|: as the estimator gives it (estimates
     * version 5, its error taken once), else from the three figures, their
     * errors added as if independent, which overstates it: the three are
     * positively correlated */
    key ka = {oa, NULL, "all", "all", NULL, NULL}, kb = {ob, NULL, "all", "all", NULL, NULL},
        kab = {oa, ob, "all", "all", NULL, NULL};
    const unika_json *fa = find(e, &ka), *fb = find(e, &kb), *fab = find(e, &kab);
    if (!fab) return missing(&kab, why, cap);
    const unika_json *ov = unika_json_get(fab, "overlap");
    if (ov) return corrected(out, ov, "an overlap", sketch, why, cap);
    if (!fa) return missing(&ka, why, cap);
    if (!fb) return missing(&kb, why, cap);
    double ma, mb, mab, sa, sb, sab;
    if (num(fa, "estimate", &ma) || num(fb, "estimate", &mb) || num(fab, "estimate", &mab) ||
        num(fa, "se", &sa) || num(fb, "se", &sb) || num(fab, "se", &sab)) {
        snprintf(why, cap, "a figure of the linker's estimates lacks its numbers");
        return -1;
    }
    double m = ma + mb - mab > 0 ? ma + mb - mab : 0, se = sqrt(sa * sa + sb * sb + sab * sab);
    combine(out, m, se, m - Z95 * se, m + Z95 * se, sketch);
    return 0;
}
