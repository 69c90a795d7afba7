/*
 * audit.c - `unika verify`'s checks (audit.h lists them): the report's
 * header, the signed files, the commitment to the inputs, and the order in
 * which everything runs.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "audit/checks.h"
#include "unika/key.h"
#include "unika/release.h"
#include "unika/roster.h"

void audit_ok(const audit *a, const char *fmt, ...)
{
    if (a->quiet) return;
    va_list ap;
    va_start(ap, fmt);
    fputs("ok    ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
}

void audit_fail(audit *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("FAIL  ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
    a->failures++;
}

/* ---- 1: the report's header ------------------------------------------------------- */

/* The partnership key, the generator, the release key. Returns 0 when the
 * figures can be audited at all, -1 otherwise (logged). */
static int check_header(audit *a, const unika_roster *roster, const unika_key *release_key)
{
    const unika_json *root = a->doc->root, *rel = a->doc->release;
    const char *key_hex = rd_str(root, "key_fingerprint");
    uint8_t key_fp[UNIKA_FINGERPRINT_BYTES];
    unika_error err = {0};
    (void)unika_hex_decode(key_fp, sizeof key_fp, key_hex, strlen(key_hex));
    if (a->resolution_fp) { /* over a linker's cells: under its resolution's key */
        if (memcmp(key_fp, a->resolution_fp, UNIKA_FINGERPRINT_BYTES))
            audit_fail(a, "the report was made under key %s, not the linker's resolution's",
                       key_hex);
        else
            audit_ok(a, "report made under the linker's resolution %s", key_hex);
    } else if (unika_roster_check_key_fingerprint(roster, key_fp, &err) < 0)
        audit_fail(a, "the report was %s", err.message);
    else
        audit_ok(a, "report made under the roster's partnership key %s", key_hex);
    if (strcmp(rd_str(root, "generator_version"), unika_version_string()))
        audit_fail(a, "the report was made by unika %.40s; this is unika %s: audit it with the "
                   "version that made it (estimators and wording may differ)",
                   rd_str(root, "generator_version"), unika_version_string());
    const char *recipe_hex = rd_str(root, "recipe_fingerprint");
    (void)unika_hex_decode(a->recipe_fp, sizeof a->recipe_fp, recipe_hex, strlen(recipe_hex));
    a->min_count = (unsigned long)rd_num(rel, "threshold");
    const char *named = unika_json_str(rel, "release_key_fingerprint");
    char have[UNIKA_FINGERPRINT_HEX_BYTES] = "";
    if (release_key) unika_fingerprint_to_hex(have, unika_key_fingerprint_ptr(release_key));
    if (!named) {
        audit_fail(a, "the report commits to no input files (it was made without --release-key): "
                   "nothing ties it to the files given, so it cannot be audited");
    } else if (!release_key) {
        audit_fail(a, "the report's inputs%s are keyed with release key %s: give it "
                   "(--release-key) to check them", strcmp(rd_str(rel, "noise"), "none")
                   ? " and noise" : "", named);
        return -1;
    } else if (strcmp(have, named)) {
        audit_fail(a, "the report's release key is %s, --release-key is %s", named, have);
        return -1;
    }
    const char *recipe = unika_json_str(root, "recipe");
    audit_ok(a, "report: recipe %s (%s), estimator ml, 95%% intervals; release: threshold %lu, "
             "secondary suppression %s, rounding %s, noise %s", recipe_hex,
             recipe ? recipe : "unlabelled", a->min_count,
             rd_true(rel, "secondary") ? "on" : "off", rd_str(rel, "rounding"),
             rd_str(rel, "noise"));
    return 0;
}

/* ---- 2: the files ------------------------------------------------------------------ */

/* A merged file (format version 2) commits to its partner files: its
 * FILE.prov must be there and be the one it commits to (docs/format.md
 * §6.2). 1 when there is nothing to check or the check passed. */
static int check_provenance(audit *a, vinput *v)
{
    uint64_t count = 0;
    uint8_t root[UNIKA_DIGEST_BYTES];
    int in_memory = 1;
    unika_error err = {0};
    if (unika_sketch_provenance(v->sketch, &count, root, &in_memory, &err) < 0 || !count ||
        in_memory)
        return 1;
    char prov[4096], hex[RP_DIGEST_HEX_BYTES];
    snprintf(prov, sizeof prov, "%s.prov", v->path);
    if (unika_sketch_provenance_load(v->sketch, prov, &err) < 0) {
        audit_fail(a, "%s: a merged sketch of %llu sources whose provenance cannot be checked: "
                   "%s", v->path, (unsigned long long)count, err.message);
        return 0;
    }
    unika_hex_encode(hex, root, UNIKA_DIGEST_BYTES);
    audit_ok(a, "%s: provenance: the %llu partner files %s lists are the ones it commits to "
             "(Merkle root %.16s…)", v->path, (unsigned long long)count, prov, hex);
    return 1;
}

static void check_file(audit *a, vinput *v, const unika_roster *roster)
{
    unika_error err = {0};
    char *bytes = NULL;
    size_t size = 0;
    if (cli_read_file(&bytes, &size, v->path, UNIKA_SKETCH_FILE_MAX, &err) < 0) {
        audit_fail(a, "%s: cannot read: %s", v->path, err.message);
        return;
    }
    (void)unika_file_digest(v->digest, (const uint8_t *)bytes, size);
    v->read = 1;
    /* The signature first, over the bytes read (the ones parsed and
     * digested, and no second read): a changed byte is reported as a change
     * after signing, whatever else it breaks. An untrusted file is still
     * parsed, so the figures resting on it can say so. */
    const unika_sign_public *who = NULL;
    int trusted = unika_roster_verify_read(&who, roster, v->path, NULL, (const uint8_t *)bytes,
                                           size, &err) == 0;
    if (!trusted) {
        /* Library messages mostly start with the path already. */
        size_t n = strlen(v->path);
        if (!strncmp(err.message, v->path, n) && err.message[n] == ':')
            audit_fail(a, "%s", err.message);
        else
            audit_fail(a, "%s: %s", v->path, err.message);
    } else {
        v->signer = who->name; /* the roster outlives the audit */
    }
    int rc = unika_sketch_parse(&v->sketch, (const uint8_t *)bytes, size, &err);
    free(bytes);
    if (rc < 0) {
        audit_fail(a, "%s: not a valid sketch file: %s", v->path, err.message);
        v->sketch = NULL;
        return;
    }
    if (!check_provenance(a, v)) return;
    if (!trusted) return;
    if (unika_roster_authorize_sketch(roster, who, v->sketch, &err) < 0) {
        audit_fail(a, "%s: %s", v->path, err.message);
        return;
    }
    if (a->resolution_fp) { /* a linker's cell: the linker's, under the resolution's key */
        if (who != unika_roster_linker(roster) ||
            memcmp(unika_sketch_key_fingerprint(v->sketch), a->resolution_fp,
                   UNIKA_FINGERPRINT_BYTES)) {
            char got[UNIKA_FINGERPRINT_HEX_BYTES];
            unika_fingerprint_to_hex(got, unika_sketch_key_fingerprint(v->sketch));
            audit_fail(a, "%s: signed by %s under key %s: not a cell of the linker's resolution",
                       v->path, v->signer, got);
            return;
        }
    } else if (unika_roster_check_key_fingerprint(roster, unika_sketch_key_fingerprint(v->sketch),
                                                  &err) < 0) {
        audit_fail(a, "%s: signed by %s, %s", v->path, v->signer, err.message);
        return;
    }
    if (memcmp(unika_sketch_recipe_fingerprint(v->sketch), a->recipe_fp, UNIKA_FINGERPRINT_BYTES)) {
        char got[UNIKA_FINGERPRINT_HEX_BYTES], want[UNIKA_FINGERPRINT_HEX_BYTES];
        unika_hex_encode(got, unika_sketch_recipe_fingerprint(v->sketch), UNIKA_FINGERPRINT_BYTES);
        unika_hex_encode(want, a->recipe_fp, UNIKA_FINGERPRINT_BYTES);
        audit_fail(a, "%s: made with recipe %s, but the report's recipe is %s", v->path, got,
                   want);
        return;
    }
    v->trusted = 1;
    audit_ok(a, "%s: signed by %s, who may sign for its organisation; partnership key and "
             "recipe as the report's", v->path, v->signer);
}

/* ---- 4: the commitment to the inputs ---------------------------------------------- */

/* The files given open the report's commitment, so they are its inputs:
 * no file left out, none added, none replaced. */
static void check_commitment(audit *a, const unika_key *release_key)
{
    const char *want = unika_json_str(a->doc->release, "inputs_commitment");
    if (!want || !release_key) return; /* the header said why */
    uint8_t *d = cli_xmalloc((a->n ? a->n : 1) * UNIKA_DIGEST_BYTES), c[UNIKA_DIGEST_BYTES];
    size_t m = 0, unread = 0;
    for (size_t i = 0; i < a->n; i++) {
        if (!a->in[i].read) unread++;
        else memcpy(d + m++ * UNIKA_DIGEST_BYTES, a->in[i].digest, UNIKA_DIGEST_BYTES);
    }
    unika_error err = {0};
    char got[RP_DIGEST_HEX_BYTES] = "";
    if (unika_release_commitment(c, release_key, d, m, &err) == 0)
        unika_hex_encode(got, c, UNIKA_DIGEST_BYTES);
    free(d);
    if (!strcmp(got, want))
        audit_ok(a, "the %zu file(s) given open the report's commitment to its inputs: they are "
                 "exactly the files it was made from", m);
    else
        audit_fail(a, "the %zu file(s) given%s do not open the report's commitment to its inputs "
                   "(%.16s…): the report was made from other files (one left out, added, or "
                   "replaced by another version)", m, unread ? " and read" : "", want);
}

/* ---- the order of the checks ------------------------------------------------------- */

size_t audit_run(const audit_report *rep, const unika_roster *roster, char **paths, size_t np,
                 const audit_options *o)
{
    audit a;
    memset(&a, 0, sizeof a);
    a.quiet = o->quiet;
    a.resolution_fp = o->resolution_fp;
    a.linkest = o->linkest;
    a.n = np;
    a.in = cli_xcalloc(np ? np : 1, sizeof *a.in);
    for (size_t i = 0; i < np; i++) a.in[i].path = paths[i], a.in[i].signer = "";
    free(paths);
    printf("audit of %s against %s: %zu signing key(s) on the roster, %zu file(s) given\n",
           o->report_path, o->roster_path, unika_roster_partner_count(roster), np);
    rd_doc doc;
    unika_error err = {0};
    size_t nfig = 0, fig_fail = 0;
    if (rd_open(&doc, rep->root, (const uint8_t *)rep->bytes, rep->n, &err) < 0) {
        audit_fail(&a, "the report is not one verify can audit: %s", err.message);
    } else {
        a.doc = &doc;
        int header_ok = check_header(&a, roster, o->release_key) == 0;
        for (size_t i = 0; i < np; i++) check_file(&a, &a.in[i], roster);
        if (!o->without_manifests) audit_manifests(&a, roster, o->manifests, o->nmanifests);
        else audit_ok(&a, "partner manifests not checked (--without-manifests): a file left out "
                      "or replaced by an older signed version would go unnoticed");
        if (header_ok) {
            check_commitment(&a, o->release_key);
            nfig = doc.figures->n;
            size_t before = a.failures;
            fig_fail = audit_figures(&a, o->release_key);
            if (a.failures == before) audit_rebuild(&a, rep, o->release_key);
        }
        a.partnership = o->partnership;
        audit_renderings(&a, o->renderings, o->nrenderings);
    }
    printf("%zu of %zu figure(s) reproduced from the signed files; %zu problem(s): %s\n",
           nfig - fig_fail, nfig, a.failures, a.failures ? "VERIFICATION FAILED" : "verified");
    rd_close(&doc);
    for (size_t i = 0; i < a.n; i++) {
        free(a.in[i].path);
        unika_sketch_free(a.in[i].sketch);
    }
    free(a.in);
    return a.failures;
}
