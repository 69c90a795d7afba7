/*
 * manifests.c - step 3 of the audit (audit.h): the partners' signed
 * manifests against the files given.
 *
 * A signature says who made a file, not that it is the current version,
 * nor that none of the partner's files is missing. Each partner signs, per
 * delivery period, the complete list of its files with a sequence number
 * (unika/manifest.h); here, per partner and period, the latest manifest
 * must list every file of that partner given, and every file it lists for
 * a period the report covers must be given. The report's periods are those
 * of the files given: a period nobody delivered is absent from the
 * published tables, where every reader sees it.
 */
#include <stdlib.h>
#include <string.h>

#include "audit/checks.h"
#include "unika/manifest.h"
#include "unika/roster.h"

typedef struct mf {
    char *path;
    unika_manifest *m;
    int latest; /* the highest sequence of its signer and period */
} mf;

/* Does the manifest's period cover a file's period label? */
static int covers(const unika_manifest *m, const char *period)
{
    const char *p = unika_manifest_period(m);
    if (!strcmp(p, "all")) return 1;
    int g = rp_period_grain(p);
    char rolled[UNIKA_LABEL_VALUE_MAX + 1];
    return g >= 0 && rp_period_at(rolled, sizeof rolled, period, (rp_grain)g) == 0 &&
           !strcmp(rolled, p);
}

static int same_scope(const unika_manifest *x, const unika_manifest *y)
{
    return !strcmp(unika_manifest_signer(x), unika_manifest_signer(y)) &&
           !strcmp(unika_manifest_period(x), unika_manifest_period(y));
}

/* Marks the latest manifest of each signer and period; two different ones
 * with the same sequence are a conflict. Returns 0, or -1 (logged). */
static int pick_latest(audit *a, mf *v, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (!v[i].m) continue;
        v[i].latest = 1;
        for (size_t k = 0; k < n && v[i].latest; k++) {
            if (k == i || !v[k].m || !same_scope(v[i].m, v[k].m)) continue;
            uint64_t si = unika_manifest_sequence(v[i].m), sk = unika_manifest_sequence(v[k].m);
            if (sk > si || (sk == si && k < i)) v[i].latest = 0;
            if (sk != si || k < i) continue;
            size_t xc = unika_manifest_text_bytes(v[i].m), yc = unika_manifest_text_bytes(v[k].m);
            char *x = cli_xmalloc(xc), *y = cli_xmalloc(yc);
            size_t xn = 0, yn = 0;
            if (unika_manifest_format(x, xc, &xn, v[i].m, NULL) == 0 &&
                unika_manifest_format(y, yc, &yn, v[k].m, NULL) == 0 && (xn != yn || memcmp(x, y, xn))) {
                audit_fail(a, "manifests %s and %s: two different deliveries of %s for %s under "
                           "one sequence number (%llu)", v[i].path, v[k].path,
                           unika_manifest_signer(v[i].m), unika_manifest_period(v[i].m),
                           (unsigned long long)si);
                rc = -1;
            }
            free(x);
            free(y);
        }
    }
    return rc;
}

/* Every trusted file given is listed by the latest manifest of its signer
 * that covers its period. */
static void check_listed(audit *a, const mf *v, size_t n)
{
    for (size_t i = 0; i < a->n; i++) {
        const vinput *f = &a->in[i];
        const char *period = f->sketch ? unika_sketch_get_label(f->sketch, "period") : NULL;
        if (!f->trusted) continue;
        const mf *latest = NULL, *older = NULL;
        for (size_t k = 0; k < n; k++) {
            if (!v[k].m || strcmp(unika_manifest_signer(v[k].m), f->signer) || !period ||
                !covers(v[k].m, period))
                continue;
            int listed = unika_manifest_find(v[k].m, f->digest) != NULL;
            if (v[k].latest && (!latest || listed)) latest = &v[k];
            if (!v[k].latest && listed) older = &v[k];
        }
        if (!latest)
            audit_fail(a, "%s: no manifest of %s covers its period %s: whether it is the "
                       "current version, and whether files are missing, cannot be checked",
                       f->path, f->signer, period ? period : "(none)");
        else if (!unika_manifest_find(latest->m, f->digest) && older)
            audit_fail(a, "%s: superseded: %s's manifest #%llu for %s listed it, but the latest, "
                       "#%llu (%s), does not: an older version of the file", f->path, f->signer,
                       (unsigned long long)unika_manifest_sequence(older->m),
                       unika_manifest_period(older->m),
                       (unsigned long long)unika_manifest_sequence(latest->m), latest->path);
        else if (!unika_manifest_find(latest->m, f->digest))
            audit_fail(a, "%s: not in %s's manifest #%llu for %s (%s): a file %s did not deliver, "
                       "or another version of one", f->path, f->signer,
                       (unsigned long long)unika_manifest_sequence(latest->m),
                       unika_manifest_period(latest->m), latest->path, f->signer);
    }
}

/* The periods and digests of the files given, each sorted once, so that
 * checking a manifest's n files against n files given is O(n log n), not
 * the n x n of a scan per listed file. */
typedef struct given {
    const char **periods;
    const uint8_t **digests;
    size_t np, nd;
} given;

static int by_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int by_digest(const void *x, const void *y)
{
    return memcmp(*(const uint8_t *const *)x, *(const uint8_t *const *)y, UNIKA_DIGEST_BYTES);
}

static void given_init(given *g, const audit *a)
{
    g->periods = cli_xmalloc((a->n ? a->n : 1) * sizeof *g->periods);
    g->digests = cli_xmalloc((a->n ? a->n : 1) * sizeof *g->digests);
    g->np = g->nd = 0;
    for (size_t i = 0; i < a->n; i++) {
        const char *p = a->in[i].sketch ? unika_sketch_get_label(a->in[i].sketch, "period") : NULL;
        if (p) g->periods[g->np++] = p;
        if (a->in[i].read) g->digests[g->nd++] = a->in[i].digest;
    }
    qsort(g->periods, g->np, sizeof *g->periods, by_str);
    qsort(g->digests, g->nd, sizeof *g->digests, by_digest);
}

/* Is some file given of this period (from any signer)? */
static int period_given(const given *g, const char *period)
{
    return g->np && bsearch(&period, g->periods, g->np, sizeof *g->periods, by_str) != NULL;
}

static int digest_given(const given *g, const uint8_t d[UNIKA_DIGEST_BYTES])
{
    return g->nd && bsearch(&d, g->digests, g->nd, sizeof *g->digests, by_digest) != NULL;
}

/* The path of a file given under this base name, or NULL. */
static const char *named(const audit *a, const char *name)
{
    for (size_t i = 0; i < a->n; i++) {
        const char *slash = strrchr(a->in[i].path, '/');
        if (!strcmp(slash ? slash + 1 : a->in[i].path, name)) return a->in[i].path;
    }
    return NULL;
}

/* Every file a latest manifest lists for a period the report covers is given. */
static void check_complete(audit *a, const mf *v, size_t n)
{
    given g;
    given_init(&g, a);
    for (size_t k = 0; k < n; k++) {
        if (!v[k].m || !v[k].latest) continue;
        size_t needed = 0, missing = 0;
        for (size_t i = 0; i < unika_manifest_count(v[k].m); i++) {
            const unika_manifest_file *f = unika_manifest_file_at(v[k].m, i);
            if (!period_given(&g, f->period)) continue;
            needed++;
            if (digest_given(&g, f->digest)) continue;
            char hex[RP_DIGEST_HEX_BYTES];
            unika_hex_encode(hex, f->digest, UNIKA_DIGEST_BYTES);
            const char *same = named(a, f->name);
            if (same)
                audit_fail(a, "%s: not the file %s's manifest #%llu for %s (%s) lists under that "
                           "name (digest %.16s…): changed or replaced", same,
                           unika_manifest_signer(v[k].m),
                           (unsigned long long)unika_manifest_sequence(v[k].m),
                           unika_manifest_period(v[k].m), v[k].path, hex);
            else
                audit_fail(a, "withheld: %s's manifest #%llu for %s (%s) lists %s (period %s, "
                           "digest %.16s…), which is not among the files given",
                           unika_manifest_signer(v[k].m),
                           (unsigned long long)unika_manifest_sequence(v[k].m),
                           unika_manifest_period(v[k].m), v[k].path, f->name, f->period, hex);
            missing++;
        }
        if (!missing)
            audit_ok(a, "manifest %s: %s's delivery for %s, #%llu: its %zu file(s) in the "
                     "report's periods are all given", v[k].path, unika_manifest_signer(v[k].m),
                     unika_manifest_period(v[k].m),
                     (unsigned long long)unika_manifest_sequence(v[k].m), needed);
    }
    free(g.periods);
    free(g.digests);
}

void audit_manifests(audit *a, const unika_roster *roster, char *const *paths, size_t n)
{
    mf *v = cli_xcalloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        unika_error err = {0};
        v[i].path = paths[i];
        if (unika_manifest_load(&v[i].m, paths[i], roster, &err) < 0) {
            audit_fail(a, "manifest %s: %s", paths[i], err.message);
        } else if (memcmp(unika_manifest_recipe(v[i].m), a->recipe_fp, UNIKA_FINGERPRINT_BYTES)) {
            /* Another recipe's delivery: the report's files are not in it. */
            audit_ok(a, "manifest %s: %s's delivery of another recipe: not this report's",
                     paths[i], unika_manifest_signer(v[i].m));
            unika_manifest_free(v[i].m);
            v[i].m = NULL;
        }
    }
    (void)pick_latest(a, v, n);
    check_listed(a, v, n);
    check_complete(a, v, n);
    /* A partner with no manifest at all: its files, or their absence, cannot
     * be checked. A partner with nothing to deliver signs an empty one. */
    for (size_t p = 0; p < unika_roster_partner_count(roster); p++) {
        if (strcmp(unika_roster_signer_role(roster, p), "partner")) continue;
        const char *name = unika_roster_partner_at(roster, p)->name;
        int has = 0;
        for (size_t k = 0; k < n && !has; k++)
            has = v[k].m && !strcmp(unika_manifest_signer(v[k].m), name);
        if (!has)
            audit_fail(a, "no manifest from %s: whether files of it are missing cannot be "
                       "checked (a partner with nothing to deliver signs an empty manifest)",
                       name);
    }
    for (size_t i = 0; i < n; i++) unika_manifest_free(v[i].m);
    free(v);
}
