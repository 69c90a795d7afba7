/*
 * manifest.c - the linkage manifest (docs/linkage.md, "The manifest"):
 * what the linker signs beside its cells, in canonical JSON, the same
 * bytes for the same inputs: keys in a fixed order, two-space indentation,
 * integers in decimal, tau in the shortest decimal that reads back
 * exactly, strings escaped as RFC 8259 requires (labels and names hold no
 * control characters anyway).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "linkage/linkage_private.h"

void lk_format_double(char dst[32], double v)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(dst, 32, "%.*g", prec, v);
        if (strtod(dst, NULL) == v) return;
    }
}

typedef struct out {
    lk_text t;
    int depth;
    int first[16];
} out;

/* The comma, newline and indentation before a member, and its key. */
static void key(out *o, const char *k)
{
    lk_text_put(&o->t, "%s\n%*s", o->first[o->depth] ? "" : ",", 2 * o->depth, "");
    o->first[o->depth] = 0;
    if (k) {
        lk_text_string(&o->t, k);
        lk_text_put(&o->t, ": ");
    }
}

static void open_(out *o, const char *k, const char *bracket)
{
    key(o, k);
    lk_text_put(&o->t, "%s", bracket);
    o->first[++o->depth] = 1;
}

static void close_(out *o, const char *bracket)
{
    int empty = o->first[o->depth];
    o->depth--;
    if (empty) lk_text_put(&o->t, "%s", bracket);
    else lk_text_put(&o->t, "\n%*s%s", 2 * o->depth, "", bracket);
}

static void str(out *o, const char *k, const char *v)
{
    key(o, k);
    lk_text_string(&o->t, v);
}

static void num(out *o, const char *k, uint64_t v)
{
    key(o, k);
    lk_text_put(&o->t, "%llu", (unsigned long long)v);
}

static void hex(out *o, const char *k, const uint8_t *b, size_t n)
{
    char h[2 * UNIKA_DIGEST_BYTES + 1];
    unika_hex_encode(h, b, n);
    h[2 * n] = '\0';
    str(o, k, h);
}

/* ---- the sections -------------------------------------------------------------- */

static void algorithm(out *o, const unika_linkage *lk)
{
    char tau[32];
    lk_format_double(tau, lk->params.tau);
    open_(o, "algorithm", "{");
    str(o, "name", "cascade");
    num(o, "version", UNIKA_LINK_ALGORITHM_VERSION);
    key(o, "tau");
    lk_text_put(&o->t, "%s", tau);
    num(o, "max_cluster", lk->params.max_cluster);
    open_(o, "passes", "[");
    for (unsigned p = 0; p < UNIKA_LINK_PASSES; p++) str(o, NULL, unika_link_pass_name(p));
    close_(o, "]");
    close_(o, "}");
}

static void cells(out *o, const unika_linkage *lk)
{
    open_(o, "cells", "{");
    str(o, "period", unika_mk_period_name(lk->params.period));
    open_(o, "by", "[");
    for (size_t i = 0; i < lk->params.by_count; i++) str(o, NULL, lk->by[i]);
    close_(o, "]");
    num(o, "precision", lk->params.precision);
    str(o, "recipe", unika_link_recipe_name());
    hex(o, "recipe_fingerprint", unika_link_recipe_fingerprint(), UNIKA_FINGERPRINT_BYTES);
    num(o, "draw", 0);
    num(o, "count", lk->ncells);
    close_(o, "}");
}

static void inputs(out *o, const unika_linkage *lk)
{
    open_(o, "inputs", "[");
    for (size_t i = 0; i < lk->nfiles; i++) {
        const lk_file *f = &lk->files[i];
        open_(o, NULL, "{");
        str(o, "org", f->org);
        hex(o, "digest", f->digest, UNIKA_DIGEST_BYTES);
        str(o, "signer", f->signer);
        num(o, "profiles", f->profiles);
        num(o, "rows", f->rows);
        close_(o, "}");
    }
    close_(o, "]");
}

static void passes(out *o, const unika_link_stats *st)
{
    open_(o, "passes", "[");
    for (unsigned p = 0; p < UNIKA_LINK_PASSES; p++) {
        open_(o, NULL, "{");
        str(o, "pass", unika_link_pass_name(p));
        num(o, "made", st->pass[p].made);
        num(o, "refused_conflict", st->pass[p].refused_conflict);
        num(o, "refused_evidence", st->pass[p].refused_evidence);
        num(o, "refused_cap", st->pass[p].refused_cap);
        close_(o, "}");
    }
    close_(o, "]");
}

static void counts(out *o, const unika_link_stats *st)
{
    open_(o, "profiles", "{");
    num(o, "total", st->profiles);
    num(o, "strong", st->strong_profiles);
    num(o, "weak", st->weak_profiles);
    num(o, "rows", st->rows);
    close_(o, "}");
    open_(o, "weak_units", "{");
    num(o, "total", st->weak_units);
    num(o, "linked", st->units_linked);
    num(o, "ambiguous", st->units_ambiguous);
    num(o, "joined", st->units_joined);
    num(o, "alone", st->units_alone);
    close_(o, "}");
    open_(o, "counts", "{");
    num(o, "strong_clusters", st->strong_clusters);
    num(o, "persons", st->persons);
    num(o, "low", st->persons_low);
    num(o, "high", st->persons_high);
    close_(o, "}");
}

static int output_cmp(const void *a, const void *b)
{
    return strcmp(((const unika_link_output *)a)->file, ((const unika_link_output *)b)->file);
}

static int outputs(out *o, const unika_link_output *files, size_t n)
{
    unika_link_output *sorted = unika_malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted) return -1;
    lk_copy(sorted, files, n * sizeof *sorted);
    lk_qsort(sorted, n, sizeof *sorted, output_cmp);
    open_(o, "outputs", "[");
    for (size_t i = 0; i < n; i++) {
        open_(o, NULL, "{");
        str(o, "file", sorted[i].file);
        hex(o, "digest", sorted[i].digest, UNIKA_DIGEST_BYTES);
        close_(o, "}");
    }
    close_(o, "]");
    unika_free(sorted);
    return 0;
}

void unika_link_manifest_free(char *json) { unika_free(json); }

int unika_linkage_manifest(const unika_linkage *lk, const unika_link_output *files, size_t n,
                           char **json, size_t *size, unika_error *err)
{
    if (!lk || !json || (n && !files)) return unika_fail(err, UNIKA_EINVAL, "manifest: NULL");
    *json = NULL;
    if (!lk->resolved) return unika_fail(err, UNIKA_EINVAL, "the linkage is not resolved");
    for (size_t i = 0; i < n; i++)
        if (!files[i].file || !*files[i].file || strchr(files[i].file, '/'))
            return unika_fail(err, UNIKA_EINVAL, "manifest: output %zu has no plain file name", i);
    out o;
    memset(&o, 0, sizeof o);
    o.first[0] = 1;
    lk_text_put(&o.t, "{");
    o.first[1] = 1;
    o.depth = 1;
    str(&o, "schema", "unika-linkage-manifest");
    num(&o, "version", UNIKA_LINK_MANIFEST_VERSION);
    str(&o, "generator", unika_version_string());
    algorithm(&o, lk);
    cells(&o, lk);
    hex(&o, "partnership_key_fingerprint", lk->key_fp, UNIKA_FINGERPRINT_BYTES);
    hex(&o, "resolution_fingerprint", unika_key_fingerprint_ptr(lk->reskey),
        UNIKA_FINGERPRINT_BYTES);
    inputs(&o, lk);
    passes(&o, &lk->stats);
    counts(&o, &lk->stats);
    if (outputs(&o, files, n) < 0) o.t.failed = 1;
    close_(&o, "}");
    lk_text_put(&o.t, "\n");
    if (o.t.failed) {
        unika_free(o.t.s);
        return unika_fail(err, UNIKA_ENOMEM, "out of memory for the manifest");
    }
    *json = o.t.s;
    if (size) *size = o.t.n;
    return 0;
}
