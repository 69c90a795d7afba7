/*
 * release_step.c - the whole release step over a neutral description of
 * figures and tables (unika_release_apply(), unika/release.h).
 *
 * `unika report` publishes with it and `unika verify` re-applies it to the
 * figures it recomputed from the signed sketches: one implementation, so a
 * rule changed here changes both, and a report can never fail its own audit
 * because the two drifted apart. What verify must not take from the report
 * (which files a figure covers, its estimate) it computes itself; only the
 * rules that turn estimates into shown text live here.
 *
 * Order (docs/report.md, "Release step"): classes of figures that are the
 * same number; primary suppression; the difference rule and secondary
 * suppression over the tables' relations; noise, rounding and the shown
 * text of every figure still shown.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "common/common.h"
#include "unika/release.h"

#define NONE SIZE_MAX

int unika_release_publishes_raw(const unika_release_params *params)
{
    return params && params->rounding == UNIKA_ROUND_NONE && params->noise == UNIKA_NOISE_NONE;
}

/* ---- content ids ------------------------------------------------------------ */

static int content_digest(uint8_t out[UNIKA_DIGEST_BYTES], const unika_sketch *u,
                          unika_error *err)
{
    if (!u) {
        static const uint8_t empty = 0;
        return unika_file_digest(out, &empty, 1);
    }
    unsigned p = unika_sketch_precision(u);
    size_t m = (size_t)1 << p;
    uint8_t *buf = unika_malloc(m + 1);
    if (!buf) return unika_fail(err, UNIKA_ENOMEM, "out of memory");
    buf[0] = (uint8_t)p;
    int rc = unika_sketch_hll_registers(buf + 1, m, u, err);
    if (rc == 0) rc = unika_file_digest(out, buf, m + 1);
    unika_free(buf);
    return rc;
}

int unika_release_cell_union(unika_release_figure *fig, const unika_sketch *u, unika_error *err)
{
    if (!fig) return unika_fail(err, UNIKA_EINVAL, "unika_release_cell_union: NULL argument");
    fig->cell[0] = 'U';
    fig->cell_size = 1 + UNIKA_DIGEST_BYTES;
    return content_digest(fig->cell + 1, u, err);
}

int unika_release_cell_intersection(unika_release_figure *fig, const unika_sketch *a,
                                    const unika_sketch *b, unika_error *err)
{
    if (!fig)
        return unika_fail(err, UNIKA_EINVAL, "unika_release_cell_intersection: NULL argument");
    uint8_t da[UNIKA_DIGEST_BYTES], db[UNIKA_DIGEST_BYTES];
    int rc = content_digest(da, a, err);
    if (rc == 0) rc = content_digest(db, b, err);
    if (rc < 0) return rc;
    int swap = memcmp(da, db, sizeof da) > 0;
    fig->cell[0] = 'I';
    memcpy(fig->cell + 1, swap ? db : da, UNIKA_DIGEST_BYTES);
    memcpy(fig->cell + 1 + UNIKA_DIGEST_BYTES, swap ? da : db, UNIKA_DIGEST_BYTES);
    fig->cell_size = 1 + 2 * UNIKA_DIGEST_BYTES;
    return 0;
}

/* ---- figures that are the same number ------------------------------------------ */

static int same_set(const size_t *a, size_t na, const size_t *b, size_t nb)
{
    return na == nb && (!na || !memcmp(a, b, na * sizeof *a));
}

/* The same union (or the same pair of unions) of the same inputs. */
static int same_figure(const unika_release_figure *a, const unika_release_figure *b)
{
    if (a->overlap != b->overlap) return 0;
    if (!a->overlap) return same_set(a->inputs_a, a->n_a, b->inputs_a, b->n_a);
    return (same_set(a->inputs_a, a->n_a, b->inputs_a, b->n_a) &&
            same_set(a->inputs_b, a->n_b, b->inputs_b, b->n_b)) ||
           (same_set(a->inputs_a, a->n_a, b->inputs_b, b->n_b) &&
            same_set(a->inputs_b, a->n_b, b->inputs_a, b->n_a));
}

/* The first figure of each class, by a hash of its input set(s): finding a
 * figure's twin, or the union over given inputs, is then O(1) expected
 * instead of a scan of every figure (a report of 4 x 10^4 overlaps spent
 * most of its time in those scans). Open addressing, linear probing. */
typedef struct figmap {
    const unika_release_figure *f;
    size_t *slot, mask;
} figmap;

static uint64_t set_hash(const size_t *a, size_t n)
{
    return XXH64(a, n * sizeof *a, 0);
}

/* Symmetric in A and B for an overlap (A ∩ B = B ∩ A), never equal to a
 * union's by accident more often than any other collision. */
static uint64_t figure_hash(const unika_release_figure *x)
{
    uint64_t a = set_hash(x->inputs_a, x->n_a);
    if (!x->overlap) return a;
    uint64_t b = set_hash(x->inputs_b, x->n_b), lo = a < b ? a : b, hi = a < b ? b : a;
    return (lo ^ (hi * 0x9e3779b97f4a7c15ULL)) + 0x632be59bd9b4e019ULL;
}

/* Fills the map with the first figure of each class and sets every cls. */
static int figmap_build(figmap *m, unika_release_figure *f, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n) cap *= 2;
    m->f = f;
    m->mask = cap - 1;
    m->slot = unika_malloc(cap * sizeof *m->slot);
    if (!m->slot) return UNIKA_ENOMEM;
    for (size_t i = 0; i < cap; i++) m->slot[i] = NONE;
    for (size_t i = 0; i < n; i++) {
        size_t at = (size_t)figure_hash(&f[i]) & m->mask;
        while (m->slot[at] != NONE && !same_figure(&f[m->slot[at]], &f[i])) at = (at + 1) & m->mask;
        if (m->slot[at] == NONE) m->slot[at] = i;
        f[i].cls = m->slot[at]; /* the first of its class */
    }
    return 0;
}

/* The first union figure over exactly these inputs, or NONE. */
static size_t find_union(const figmap *m, const size_t *idx, size_t k)
{
    size_t at = (size_t)set_hash(idx, k) & m->mask;
    for (; m->slot[at] != NONE; at = (at + 1) & m->mask) {
        const unika_release_figure *x = &m->f[m->slot[at]];
        if (!x->overlap && same_set(x->inputs_a, x->n_a, idx, k)) return m->slot[at];
    }
    return NONE;
}

/* ---- relations ------------------------------------------------------------------- */

typedef struct relations {
    size_t *offset, *members, *total;
    size_t n, nm, cap_n, cap_m;
} relations;

static int rel_add(relations *rl, const size_t *m, size_t nm, size_t stride, size_t total)
{
    if (rl->n + 2 > rl->cap_n) {
        size_t cap = rl->cap_n ? 2 * rl->cap_n : 16;
        size_t *o = unika_realloc(rl->offset, rl->cap_n * sizeof *o, cap * sizeof *o);
        if (!o) return UNIKA_ENOMEM;
        rl->offset = o;
        size_t *t = unika_realloc(rl->total, rl->cap_n * sizeof *t, cap * sizeof *t);
        if (!t) return UNIKA_ENOMEM;
        rl->total = t;
        rl->cap_n = cap;
    }
    if (rl->nm + nm > rl->cap_m) {
        size_t cap = rl->cap_m ? 2 * rl->cap_m : 64;
        while (cap < rl->nm + nm) cap *= 2;
        size_t *p = unika_realloc(rl->members, rl->cap_m * sizeof *p, cap * sizeof *p);
        if (!p) return UNIKA_ENOMEM;
        rl->members = p;
        rl->cap_m = cap;
    }
    if (!rl->n) rl->offset[0] = 0;
    for (size_t k = 0; k < nm; k++) rl->members[rl->nm++] = m[k * stride];
    rl->total[rl->n] = total;
    rl->offset[++rl->n] = rl->nm;
    return 0;
}

/* {A ∩ B, A, B, A ∪ B} when the sides and their union are figures too. */
static int overlap_relation(relations *rl, const figmap *fm, size_t o)
{
    const unika_release_figure *x = &fm->f[o];
    size_t *u = unika_malloc((x->n_a + x->n_b + 1) * sizeof *u), nu = 0, a = 0, b = 0;
    if (!u) return UNIKA_ENOMEM;
    while (a < x->n_a || b < x->n_b) {
        size_t v = b >= x->n_b || (a < x->n_a && x->inputs_a[a] <= x->inputs_b[b])
                       ? x->inputs_a[a] : x->inputs_b[b];
        if (a < x->n_a && x->inputs_a[a] == v) a++;
        if (b < x->n_b && x->inputs_b[b] == v) b++;
        u[nu++] = v;
    }
    size_t m[4] = {o, find_union(fm, x->inputs_a, x->n_a), find_union(fm, x->inputs_b, x->n_b),
                   find_union(fm, u, nu)};
    unika_free(u);
    if (m[1] == NONE || m[2] == NONE || m[3] == NONE) return 0;
    return rel_add(rl, m, 4, 1, NONE);
}

/* Every "total = union of cells" relation, in table order. */
static int build_relations(relations *rl, const figmap *fm, const unika_release_table *tables,
                           size_t nt)
{
    int rc = 0;
    for (size_t ti = 0; ti < nt && !rc; ti++) {
        const unika_release_table *t = &tables[ti];
        if (!t->rows) continue;
        switch (t->kind) {
        case UNIKA_RELEASE_OVERLAP:
            for (size_t k = 0; k < t->rows && !rc; k++) rc = overlap_relation(rl, fm, t->cells[k]);
            break;
        case UNIKA_RELEASE_ONE_WAY: rc = rel_add(rl, t->cells, t->rows, 1, t->total); break;
        case UNIKA_RELEASE_TWO_WAY:
            for (size_t i = 0; i < t->rows && !rc; i++)
                rc = rel_add(rl, t->cells + i * t->cols, t->cols, 1, t->row_totals[i]);
            for (size_t j = 0; j < t->cols && !rc; j++)
                rc = rel_add(rl, t->cells + j, t->rows, t->cols, t->col_totals[j]);
            if (!rc) rc = rel_add(rl, t->row_totals, t->rows, 1, t->total);
            if (!rc) rc = rel_add(rl, t->col_totals, t->cols, 1, t->total);
            break;
        }
    }
    return rc;
}

/* ---- the rules -------------------------------------------------------------------- */

/* Differences: with |A| shown, an overlap shown beside it gives |A \ B|
 * (people seen by A only). When that is below the threshold, the overlap
 * is withheld too. */
static void difference_rule(unika_release_figure *f, const figmap *fm,
                            const unika_release_table *tables, size_t nt, unsigned long min_count)
{
    if (!min_count) return;
    for (size_t ti = 0; ti < nt; ti++) {
        const unika_release_table *t = &tables[ti];
        for (size_t k = 0; t->kind == UNIKA_RELEASE_OVERLAP && k < t->rows; k++) {
            unika_release_figure *o = &f[t->cells[k]];
            if (o->state != UNIKA_RELEASE_SHOWN) continue;
            size_t side[2] = {find_union(fm, o->inputs_a, o->n_a),
                              find_union(fm, o->inputs_b, o->n_b)};
            for (int s = 0; s < 2; s++)
                if (side[s] != NONE && f[side[s]].state == UNIKA_RELEASE_SHOWN &&
                    f[side[s]].estimate.estimate - o->estimate.estimate < (double)min_count)
                    o->state = UNIKA_RELEASE_SECONDARY;
        }
    }
}

static int secondary(unika_release_figure *f, size_t n, const figmap *fm,
                     const unika_release_table *tables, size_t nt, unika_error *err)
{
    relations rl = {0};
    uint8_t *state = unika_malloc(n);
    double *est = unika_malloc(n * sizeof *est);
    size_t *cls = unika_malloc(n * sizeof *cls);
    int rc = state && est && cls ? build_relations(&rl, fm, tables, nt) : UNIKA_ENOMEM;
    if (rc == UNIKA_ENOMEM) {
        rc = unika_fail(err, UNIKA_ENOMEM, "out of memory");
    } else {
        for (size_t i = 0; i < n; i++) {
            state[i] = f[i].state;
            est[i] = f[i].estimate.estimate;
            cls[i] = f[i].cls;
        }
        rc = unika_release_secondary(state, n, est, cls, rl.offset, rl.members, rl.total, rl.n,
                                     err);
        for (size_t i = 0; rc >= 0 && i < n; i++) f[i].state = state[i];
    }
    unika_free(state);
    unika_free(est);
    unika_free(cls);
    unika_free(rl.offset);
    unika_free(rl.members);
    unika_free(rl.total);
    return rc < 0 ? rc : 0;
}

/* Noise, rounding and the shown text of one figure. */
static int publish(unika_release_figure *f, int whole, const unika_release_params *p,
                   unika_error *err)
{
    f->value = 0;
    f->base = 1;
    f->value_ci_low = f->value_ci_high = 0;
    if (f->state != UNIKA_RELEASE_SHOWN) {
        if (f->state == UNIKA_RELEASE_PRIMARY) snprintf(f->shown, sizeof f->shown, "<%lu", p->min_count);
        else snprintf(f->shown, sizeof f->shown, "..");
        return 0;
    }
    int64_t noise = 0;
    if (p->noise != UNIKA_NOISE_NONE) {
        uint64_t u;
        int rc = unika_release_uniform(&u, p->noise_key, p->release_id, f->cell, f->cell_size, err);
        if (rc == 0) rc = unika_release_noise(&noise, p->noise, p->epsilon, u, err);
        if (rc < 0) return rc;
    }
    int64_t v = (int64_t)rint(f->estimate.estimate) + noise;
    if (v < 0) v = 0;
    f->base = unika_release_base(p->rounding, v, whole);
    f->value = unika_release_round(v, f->base);
    /* The interval travels with the noise and is widened outwards to the
     * rounding base, so it never pins the unrounded figure down. */
    double b = (double)f->base;
    f->value_ci_low = floor((f->estimate.ci_low + (double)noise) / b) * b;
    f->value_ci_high = ceil((f->estimate.ci_high + (double)noise) / b) * b;
    if (f->value_ci_low < 0) f->value_ci_low = 0;
    if (p->raw_estimates) snprintf(f->shown, sizeof f->shown, "%.0f", f->estimate.estimate);
    else snprintf(f->shown, sizeof f->shown, "%lld", (long long)f->value);
    return 0;
}

/* ---- checks and the step ------------------------------------------------------------ */

static int index_ok(size_t i, size_t n) { return i < n; }

static int tables_valid(const unika_release_table *tables, size_t nt, size_t n)
{
    for (size_t ti = 0; ti < nt; ti++) {
        const unika_release_table *t = &tables[ti];
        size_t cells = t->kind == UNIKA_RELEASE_TWO_WAY ? t->rows * t->cols : t->rows;
        if (t->kind > UNIKA_RELEASE_OVERLAP || (cells && !t->cells)) return 0;
        for (size_t k = 0; k < cells; k++)
            if (!index_ok(t->cells[k], n)) return 0;
        if (t->kind == UNIKA_RELEASE_OVERLAP) continue;
        if (t->rows && t->total != NONE && !index_ok(t->total, n)) return 0;
        if (t->kind != UNIKA_RELEASE_TWO_WAY || !t->rows) continue;
        if (!t->row_totals || (t->cols && !t->col_totals)) return 0;
        for (size_t i = 0; i < t->rows; i++)
            if (!index_ok(t->row_totals[i], n)) return 0;
        for (size_t j = 0; j < t->cols; j++)
            if (!index_ok(t->col_totals[j], n)) return 0;
    }
    return 1;
}

static int params_valid(const unika_release_params *p, unika_error *err)
{
    if (p->rounding > UNIKA_ROUND_SDC || p->noise > UNIKA_NOISE_GEOMETRIC)
        return unika_fail(err, UNIKA_EINVAL, "release: unknown rounding or noise rule");
    if (p->noise == UNIKA_NOISE_NONE) return 0;
    if (!p->noise_key || !p->release_id)
        return unika_fail(err, UNIKA_EINVAL, "release: noise needs a noise key and a release id");
    if (strlen(p->release_id) > UNIKA_RELEASE_ID_MAX)
        return unika_fail(err, UNIKA_ETOOLONG, "release id: %zu bytes, at most %d",
                          strlen(p->release_id), UNIKA_RELEASE_ID_MAX);
    int64_t k;
    int rc = unika_release_noise(&k, p->noise, p->epsilon, 0, err);
    return rc < 0 ? rc : 0;
}

int unika_release_apply(unika_release_figure *figures, size_t n, const unika_release_table *tables,
                        size_t ntables, const unika_release_params *params, unika_error *err)
{
    if (!params || (n && !figures) || (ntables && !tables))
        return unika_fail(err, UNIKA_EINVAL, "unika_release_apply: NULL argument");
    if (!tables_valid(tables, ntables, n))
        return unika_fail(err, UNIKA_EINVAL, "release: a table names a figure that does not exist");
    int rc = params_valid(params, err);
    if (rc < 0) return rc;
    figmap fm = {0};
    uint8_t *whole = unika_calloc(n ? n : 1, 1);
    if (!whole || figmap_build(&fm, figures, n) < 0) {
        unika_free(whole);
        unika_free(fm.slot);
        return unika_fail(err, UNIKA_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        unika_release_figure *f = &figures[i];
        f->state = params->min_count && f->estimate.estimate < (double)params->min_count
                       ? UNIKA_RELEASE_PRIMARY : UNIKA_RELEASE_SHOWN;
        whole[f->cls] |= (uint8_t)(f->whole != 0); /* one number, one rounding rule */
    }
    if (params->secondary && n) {
        difference_rule(figures, &fm, tables, ntables, params->min_count);
        rc = secondary(figures, n, &fm, tables, ntables, err);
    }
    for (size_t i = 0; rc >= 0 && i < n; i++) rc = publish(&figures[i], whole[figures[i].cls], params, err);
    unika_free(whole);
    unika_free(fm.slot);
    return rc < 0 ? rc : 0;
}
