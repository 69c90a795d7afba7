/*
 * estimate_json.c - the estimates file (docs/linkage.md, "The estimates
 * file"): canonical JSON, the same bytes for the same linkage. Numbers are
 * written with three decimals (figures) or six (rates), so that the file
 * does not depend on the last bits of a platform's exp() and log().
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LK_EST_INTERNAL
#include "common/common.h"
#include "common/hex.h"
#include "linkage/estimate.h"

typedef lk_text buf;

static const char *gender_label(uint8_t genders)
{
    switch (genders) {
    case LK_EST_ALL_GENDERS: return "all";
    case 1u << UNIKA_GENDER_MALE: return "M";
    case 1u << UNIKA_GENDER_FEMALE: return "F";
    default: return "X";
    }
}

static void period_label(const unika_linkage *lk, const lk_est_figure *f, char dst[16])
{
    if (f->scope == LK_SCOPE_ALL) snprintf(dst, 16, "all");
    else if (f->scope == LK_SCOPE_YEAR) snprintf(dst, 16, "%u", (unsigned)f->code);
    else lk_period_label(dst, lk->params.period, f->code);
}

static void rates(buf *b, const lk_est *e)
{
    const lk_est_rates *r = &e->rates;
    lk_text_put(b,
                "  \"rates\": {\n    \"m_measured\": %s,\n    \"m_eq0\": %.6f,\n"
                "    \"m_eq0_rare\": %.6f,\n    \"m_pair\": %.6f,\n    \"m_dup\": %.6f,\n"
                "    \"agreement\": [",
                r->m_unmeasured ? "false" : "true", r->m_eq0, r->m_eq0_rare, r->m_pair, r->m_dup);
    for (unsigned q = 0; q < e->nagree; q++)
        lk_text_put(b, "%s[%.6f, %.6f]", q ? ", " : "", e->agree_x[q], e->agree_y[q]);
    lk_text_put(b, "],\n    \"m_eq0_by_partners\": [");
    for (unsigned j = 1; j < e->nfiles; j++)
        lk_text_put(b, "%s[%.6f, %.6f]", j > 1 ? ", " : "", r->m_by[0][j], r->m_by[1][j]);
    lk_text_put(b, "],\n");
    lk_text_put(b, "    \"rare_clusters\": %llu,\n    \"by_org\": {", (unsigned long long)r->rare);
    for (unsigned f = 0; f < e->nfiles; f++) {
        lk_text_put(b, "%s\n      ", f ? "," : "");
        lk_text_string(b, e->lk->files[f].org);
        lk_text_put(b,
                    ": {\"r\": %.6f, \"r_span\": %.6f, \"r_by_identifier\": [%.6f, %.6f], "
                    "\"eps\": [%.6f, %.6f, %.6f], "
                    "\"psi\": [%.6f, %.6f], \"r_in\": %.6f, \"psi_in\": [%.6f, %.6f]}",
                    r->r[f], r->r_span[f], r->r[f] * r->by_id[0][f], r->r[f] * r->by_id[1][f],
                    e->split.eps[0][0][f], e->split.eps[0][1][f], e->split.eps[0][2][f],
                    r->psi[1][f], r->psi[2][f], r->r_in[f], r->psi_in[1][f], r->psi_in[2][f]);
    }
    lk_text_put(b, "\n    }\n  },\n");
}

static void figure(buf *b, const lk_est *e, const lk_est_figure *f)
{
    char per[16];
    period_label(e->lk, f, per);
    lk_text_put(b, "    {\"orgs\": [");
    int first = 1;
    for (unsigned o = 0; o < e->nfiles; o++) {
        if (!(f->orgs >> o & 1)) continue;
        lk_text_put(b, "%s", first ? "" : ", ");
        lk_text_string(b, e->lk->files[o].org);
        first = 0;
    }
    lk_text_put(b, "], \"period\": ");
    lk_text_string(b, per);
    lk_text_put(b, ", \"gender\": \"%s\"", gender_label(f->genders));
    if (f->by != LK_EST_BY_NONE) {
        lk_text_put(b, ", \"by\": ");
        lk_text_string(b, e->lk->by[f->by]);
        lk_text_put(b, ", \"value\": ");
        lk_text_string(b, e->lk->strings[f->value]);
    }
    lk_text_put(b,
                ", \"estimate\": %.3f, \"se\": %.3f, \"ci_low\": %.3f, "
                "\"ci_high\": %.3f, \"resolved\": %llu, \"strong\": %llu, \"excess\": %.3f, "
                "\"weak\": %.3f, \"dedup\": %.3f, \"shared\": %.3f",
                f->estimate, f->se, f->ci_low, f->ci_high, (unsigned long long)f->resolved,
                (unsigned long long)f->strong, f->excess, f->weak, f->dedup, f->shared);
    if (f->overlap.present)
        lk_text_put(b,
                    ", \"overlap\": {\"estimate\": %.3f, \"se\": %.3f, \"ci_low\": %.3f, "
                    "\"ci_high\": %.3f}",
                    f->overlap.estimate, f->overlap.se, f->overlap.ci_low, f->overlap.ci_high);
    lk_text_put(b, "}");
}

/* Whether every number a figure publishes is finite. One that is not is an
 * estimator's fault, and printed it would be no JSON ("nan"): the file is
 * refused instead of written for a report to read as figures. */
static int finite_figure(const lk_est_figure *f)
{
    const double v[] = {f->estimate,         f->se,         f->ci_low,         f->ci_high,
                        f->excess,           f->weak,       f->dedup,          f->shared,
                        f->overlap.estimate, f->overlap.se, f->overlap.ci_low, f->overlap.ci_high};
    size_t n = sizeof v / sizeof *v - (f->overlap.present ? 0 : 4); /* the overlap's last */
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i])) return 0;
    return 1;
}

int lk_est_json(const lk_est *e, const lk_est_figure *fig, size_t n, char **out, size_t *size,
                unika_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (finite_figure(&fig[i])) continue;
        char per[16];
        period_label(e->lk, &fig[i], per);
        return unika_fail(err, UNIKA_EINTERNAL,
                          "estimates: figure %zu of %zu (period %s, gender %s) is not a "
                          "finite number, an estimator fault; no estimates written",
                          i + 1, n, per, gender_label(fig[i].genders));
    }
    buf b = {0};
    char fp[2 * UNIKA_FINGERPRINT_BYTES + 1];
    unika_hex_encode(fp, unika_linkage_fingerprint(e->lk), UNIKA_FINGERPRINT_BYTES);
    fp[2 * UNIKA_FINGERPRINT_BYTES] = '\0';
    lk_text_put(&b, "{\n  \"schema\": \"unika-link-estimates\",\n  \"version\": %d,\n",
                LK_EST_FILE_VERSION);
    lk_text_put(&b,
                "  \"estimator\": {\"name\": \"occupancy\", \"version\": %d, "
                "\"jackknife_groups\": %d},\n",
                LK_EST_VERSION, LK_EST_GROUPS);
    lk_text_put(&b, "  \"resolution\": \"%s\",\n", fp);
    rates(&b, e);
    lk_text_put(&b, "  \"figures\": [");
    for (size_t i = 0; i < n; i++) {
        lk_text_put(&b, "%s\n", i ? "," : "");
        figure(&b, e, &fig[i]);
    }
    lk_text_put(&b, "\n  ]\n}\n");
    if (b.failed) {
        unika_free(b.s);
        return unika_fail(err, UNIKA_ENOMEM, "out of memory for the estimates file");
    }
    *out = b.s;
    *size = b.n;
    return 0;
}

int unika_linkage_estimates(const unika_linkage *lk, char **json, size_t *size, unika_error *err)
{
    if (!lk || !json || !size) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    *json = NULL;
    *size = 0;
    /* every rate is measured on the strong clusters: without one, the weak
     * units' figure came out as their number with an interval of nothing
     * (docs/linkage.md 15, "Agreement not measured") */
    if (lk->resolved && lk->nunits > 0 && lk->nstrong == 0)
        return unika_fail(err, UNIKA_ELINKAGE,
                          "no strong cluster to measure the estimator's rates on: none of the "
                          "%zu weak units' records has an identifier or a full birth date, so "
                          "how many people they hold cannot be estimated (count them with "
                          "'unika ingest' and the loose recipe)",
                          lk->nunits);
    lk_est *e = NULL;
    lk_est_figure *fig = NULL;
    size_t n = 0;
    int rc = lk_est_new(&e, lk, err);
    if (rc == 0) rc = lk_est_default_figures(e, &fig, &n, err);
    if (rc == 0) rc = lk_est_run(e, fig, n, err);
    if (rc == 0) rc = lk_est_json(e, fig, n, json, size, err);
    unika_free(fig);
    lk_est_free(e);
    return rc;
}

void unika_linkage_estimates_free(char *json) { unika_free(json); }
