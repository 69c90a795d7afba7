/*
 * rebuild.c - steps 6 and 7 of the audit (audit.h): the whole report built
 * again from the signed files and compared byte for byte, and every
 * rendering a reader sees rendered again from the audited JSON and compared
 * byte for byte.
 *
 * Step 5 recomputes each published number independently; this is the
 * complete comparison that leaves nothing unaudited: a table title, a row
 * label, a note, the order of the tables. It uses `unika report`'s own
 * code on purpose: the question is whether the document is exactly what
 * that code makes of these files with the recorded parameters.
 */
#include <stdlib.h>
#include <string.h>

#include "audit/checks.h"
#include "report/model.h"
#include "report/render.h"
#include "unika/key.h"

/* "line L: the A has `...`, the B gives `...`" for the first line where
 * the two texts differ. */
static void first_difference(char *dst, size_t cap, const char *x, size_t xn, const char *y,
                             size_t yn)
{
    size_t i = 0, line = 1, start = 0;
    while (i < xn && i < yn && x[i] == y[i]) {
        if (x[i] == '\n') line++, start = i + 1;
        i++;
    }
    size_t xe = start, ye = start;
    while (xe < xn && x[xe] != '\n') xe++;
    while (ye < yn && y[ye] != '\n') ye++;
    int xl = (int)(xe - start > 90 ? 90 : xe - start), yl = (int)(ye - start > 90 ? 90 : ye - start);
    snprintf(dst, cap, "first at line %zu: `%.*s`%s where it should be `%.*s`%s", line, xl,
             start < xn ? x + start : "", start >= xn ? "(the end)" : "", yl,
             start < yn ? y + start : "", start >= yn ? "(the end)" : "");
}

/* The report as `unika report` makes it from the trusted files and the
 * parameters the document records; a malloc'd JSON text, or NULL. */
static char *build_again(const audit *a, const unika_key *release_key, size_t *n)
{
    const rd_doc *d = a->doc;
    report r;
    memset(&r, 0, sizeof r);
    r.in = cli_xcalloc(a->n ? a->n : 1, sizeof *r.in);
    /* The audit's sketches and paths are lent, not copied (a copy of 10^5
     * cell files is 120 MiB more): building a report only reads its inputs,
     * and they are taken back before rm_report_free(). */
    for (size_t i = 0; i < a->n; i++) {
        rp_input *in = &r.in[r.n];
        if (!a->in[i].sketch) { /* an unreadable file: nothing to build from */
            for (size_t k = 0; k < r.n; k++) r.in[k].sketch = NULL, r.in[k].path = NULL;
            rm_report_free(&r);
            return NULL;
        }
        in->sketch = a->in[i].sketch;
        in->path = a->in[i].path;
        memcpy(in->digest, a->in[i].digest, UNIKA_DIGEST_BYTES);
        r.n++;
    }
    const unika_json *q = d->request, *rel = d->release;
    static const char *const rounding[] = {"none", "base5", "base10", "sdc"};
    static const char *const noise[] = {"none", "ckm", "geometric"};
    r.req = (rm_request){unika_json_str(q, "rows"), unika_json_str(q, "cols"),
                         unika_json_str(q, "overlap"),
                         (rp_grain)rp_grain_from_name(rd_str(q, "period_grain"))};
    r.min_count = (unsigned long)rd_num(rel, "threshold");
    r.secondary = rd_true(rel, "secondary");
    for (int k = 0; k < 4; k++)
        if (!strcmp(rd_str(rel, "rounding"), rounding[k])) r.rounding = (unika_rounding)k;
    for (int k = 0; k < 3; k++)
        if (!strcmp(rd_str(rel, "noise"), noise[k])) r.noise = (unika_noise)k;
    r.epsilon = rd_null(rel, "epsilon") ? 0 : rd_num(rel, "epsilon");
    r.release_key = release_key;
    r.linkest = a->linkest;
    if (unika_json_str(rel, "release_id"))
        snprintf(r.release_id, sizeof r.release_id, "%s", rd_str(rel, "release_id"));
    r.recipe_name = r.n ? unika_sketch_get_label(r.in[0].sketch, "recipe") : NULL;
    char *json = NULL;
    int rc = r.n ? rm_commit(&r) : CLI_INPUT;
    if (!rc) rc = rm_build(&r);
    if (!rc) rc = rm_release_apply(&r);
    if (!rc) json = rm_json_text(&r, n);
    for (size_t i = 0; i < r.n; i++) r.in[i].sketch = NULL, r.in[i].path = NULL; /* the audit's */
    rm_report_free(&r);
    return json;
}

void audit_rebuild(audit *a, const audit_report *rep, const unika_key *release_key)
{
    size_t n = 0;
    char *json = build_again(a, release_key, &n);
    if (!json) {
        audit_fail(a, "the report could not be built again from the signed files");
        return;
    }
    if (n == rep->n && !memcmp(json, rep->bytes, n)) {
        audit_ok(a, "the whole report (tables, titles, labels, notes and every figure) is, byte "
                 "for byte, the one the signed files give with its recorded parameters");
    } else {
        char where[256];
        first_difference(where, sizeof where, rep->bytes, rep->n, json, n);
        audit_fail(a, "the report's JSON is not the one the signed files give with its recorded "
                   "parameters, %s", where);
    }
    free(json);
}

/* ---- step 7: the renderings ---------------------------------------------------------- */

/* The renderer whose stamp syntax the bytes carry, with the stamp's parts:
 * the one whose format the stamp names when several syntaxes match (an
 * HTML page and a markdown file both end in an HTML comment). */
static const rm_renderer *stamped(const char *bytes, size_t n, char *format, char *options,
                                  char source[RP_DIGEST_HEX_BYTES])
{
    char stamp[RM_STAMP_MAX];
    const rm_renderer *first = NULL;
    for (size_t i = 0; rm_renderer_at(i); i++) {
        const rm_renderer *r = rm_renderer_at(i);
        if (r->find_stamp(bytes, n, stamp, sizeof stamp) != 0 ||
            rm_stamp_parse(stamp, format, 32, options, RM_STAMP_MAX, source) != 0)
            continue;
        if (rm_renderer_find(format) == r) return r;
        if (!first) first = r;
    }
    if (first) { /* parse it again: the loop's last parse may be another's */
        first->find_stamp(bytes, n, stamp, sizeof stamp);
        rm_stamp_parse(stamp, format, 32, options, RM_STAMP_MAX, source);
    }
    return first;
}

/* A rendering as given: the file's bytes and, for a format with a companion
 * (the Swedish CSV's stamp file), the other file of the pair, whichever of
 * the two `path` names. `stamped` is the file that carries the stamp. */
typedef struct given {
    char *main, *comp;
    size_t mn, cn;
    const char *stamped;
    size_t sn;
} given;

static int read_given(audit *a, const char *path, given *g)
{
    unika_error err = {0};
    char *bytes = NULL;
    size_t n = 0;
    memset(g, 0, sizeof *g);
    if (cli_read_file(&bytes, &n, path, RP_REPORT_MAX, &err) < 0) {
        audit_fail(a, "rendering %s: cannot read: %s", path, err.message);
        return -1;
    }
    g->main = bytes, g->mn = n, g->stamped = bytes, g->sn = n;
    char format[32], options[RM_STAMP_MAX], source[RP_DIGEST_HEX_BYTES];
    for (size_t i = 0; rm_renderer_at(i); i++) {
        const rm_renderer *r = rm_renderer_at(i);
        if (!r->companion) continue;
        size_t pl = strlen(path), sl = strlen(r->companion_suffix);
        int is_comp = pl > sl && !strcmp(path + pl - sl, r->companion_suffix);
        if (!is_comp && stamped(bytes, n, format, options, source)) continue;
        char *other = rm_companion_path(r, path, is_comp), *ob = NULL;
        size_t on = 0;
        int rc = cli_read_file(&ob, &on, other, RP_REPORT_MAX, &err);
        free(other);
        if (rc < 0 && !is_comp) continue; /* no companion beside it: not this format's */
        if (rc < 0) {
            audit_fail(a, "rendering %s: %s (the other file of a %s rendering)", path,
                       err.message, r->format);
            free(bytes);
            return -1;
        }
        if (is_comp) g->main = ob, g->mn = on, g->comp = bytes, g->cn = n;
        else g->comp = ob, g->cn = on;
        g->stamped = g->comp, g->sn = g->cn;
        break;
    }
    return 0;
}

static void free_given(given *g)
{
    free(g->main);
    free(g->comp);
}

/* The audited JSON rendered again as the stamp says, compared with g. */
static void compare_given(audit *a, const char *path, const given *g, const rm_renderer *r,
                          const char *format, const char *options)
{
    unika_error err = {0};
    rm_source s = {a->doc, options, a->partnership};
    char *again = NULL, *comp = NULL;
    size_t m = 0, cm = 0;
    char where[256];
    if (rm_render(&again, &m, &comp, &cm, r, &s, &err) != 0) {
        audit_fail(a, "rendering %s: cannot render it again: %s", path, err.message);
    } else if (g->comp && (cm != g->cn || memcmp(comp, g->comp, cm))) {
        first_difference(where, sizeof where, g->comp, g->cn, comp, cm);
        audit_fail(a, "rendering %s: its stamp file is not the %s rendering's, %s", path,
                   format, where);
    } else if (m == g->mn && !memcmp(again, g->main, m)) {
        audit_ok(a, "rendering %s: the %s rendering of the audited report, byte for byte", path,
                 format);
    } else {
        first_difference(where, sizeof where, g->main, g->mn, again, m);
        audit_fail(a, "rendering %s: not the %s rendering of the audited report, %s", path,
                   format, where);
    }
    free(again);
    free(comp);
}

static void check_rendering(audit *a, const char *path)
{
    given g;
    if (read_given(a, path, &g) < 0) return;
    char format[32], options[RM_STAMP_MAX], source[RP_DIGEST_HEX_BYTES];
    const rm_renderer *r = stamped(g.stamped, g.sn, format, options, source);
    const rm_renderer *named = r ? rm_renderer_find(format) : NULL;
    if (!r) {
        audit_fail(a, "rendering %s: carries no unika rendering stamp where its format keeps "
                   "one: it is not a rendering of a report, or was cut or edited there", path);
    } else if (named != r) {
        audit_fail(a, "rendering %s: its stamp names format \"%s\", which this unika does not "
                   "render in that syntax", path, format);
    } else if (strcmp(source, a->doc->source)) {
        audit_fail(a, "rendering %s: rendered from another report (JSON %.16s…), not from the "
                   "audited one (%.16s…)", path, source, a->doc->source);
    } else {
        compare_given(a, path, &g, r, format, options);
    }
    free_given(&g);
}

void audit_renderings(audit *a, char *const *paths, size_t n)
{
    for (size_t i = 0; i < n; i++) check_rendering(a, paths[i]);
}
