/*
 * cells.c - "persons of draw d -> cell sketches": the one cell writer of
 * the linker, for the resolution's own persons (draw 0) and for every draw
 * of the estimator of counts under linkage error.
 *
 * A draw is a complete assignment of profiles to persons: person[p] names
 * the person of canonical profile p by a canonical profile index (its
 * representative). A person counts in every cell (organisation, period,
 * --by values) one of its profiles' visits fall in, once. Its pseudonym is
 * keyed BLAKE2b-256 of its representative's index under the resolution
 * key, so it is stable under input order, differs between resolutions,
 * and cannot be computed with the partnership key alone; its sketch hash
 * is the usual SipHash of the pseudonym under the resolution key's sketch
 * subkey (unika_sketch_hash()).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "linkage/linkage_private.h"

#define PERSON_TAG "unika-person-v1"

void lk_person_pseudonym(const unika_linkage *lk, uint32_t person, uint8_t out[32])
{
    uint8_t msg[sizeof PERSON_TAG - 1 + 8];
    memcpy(msg, PERSON_TAG, sizeof PERSON_TAG - 1);
    unika_store64_le(msg + sizeof PERSON_TAG - 1, person);
    crypto_generichash(out, 32, msg, sizeof msg, lk->reskey_bytes, sizeof lk->reskey_bytes);
}

/* A new, empty sketch of cell c with its labels. */
static int cell_sketch(const unika_linkage *lk, size_t c, unsigned draw, unika_sketch **out,
                       unika_error *err)
{
    const lk_cell *cell = &lk->cells[c];
    int rc = unika_sketch_new(out, lk->params.precision, unika_key_fingerprint_ptr(lk->reskey),
                              unika_link_recipe_fingerprint(), err);
    if (rc < 0) return rc;
    char period[16], d[16];
    lk_period_label(period, lk->params.period, cell->period);
    snprintf(d, sizeof d, "%u", draw);
    if ((rc = unika_sketch_set_label(*out, "org", lk->files[cell->file].org, err)) < 0 ||
        (rc = unika_sketch_set_label(*out, "period", period, err)) < 0 ||
        (rc = unika_sketch_set_label(*out, "recipe", unika_link_recipe_name(), err)) < 0 ||
        (rc = unika_sketch_set_label(*out, "draw", d, err)) < 0)
        return rc;
    for (size_t b = 0; b < lk->params.by_count; b++)
        if ((rc = unika_sketch_set_label(*out, lk->by[b], lk->strings[cell->value[b]], err)) < 0)
            return rc;
    return 0;
}

typedef struct cell_order {
    const unika_linkage *lk;
    uint32_t c;
} cell_order;

static int cell_cmp(const void *a, const void *b)
{
    const unika_linkage *lk = ((const cell_order *)a)->lk;
    const lk_cell *x = &lk->cells[((const cell_order *)a)->c];
    const lk_cell *y = &lk->cells[((const cell_order *)b)->c];
    if (x->file != y->file) return x->file < y->file ? -1 : 1; /* files are in org order */
    if (x->period != y->period) return x->period < y->period ? -1 : 1;
    for (size_t i = 0; i < lk->params.by_count; i++) {
        int k = strcmp(lk->strings[x->value[i]], lk->strings[y->value[i]]);
        if (k) return k;
    }
    return 0;
}

/* The sketch hashes of every person of the draw (indexed by person). */
static int person_hashes(const unika_linkage *lk, const uint32_t *person, uint64_t **out,
                         unika_error *err)
{
    size_t n = lk->nprofiles ? lk->nprofiles : 1;
    uint64_t *h = unika_malloc(n * sizeof *h);
    uint8_t *done = unika_calloc(n, 1);
    if (!h || !done) {
        unika_free(h), unika_free(done);
        return unika_fail(err, UNIKA_ENOMEM, "out of memory for the persons");
    }
    for (size_t p = 0; p < lk->nprofiles; p++) {
        uint32_t q = person[p];
        if (q >= lk->nprofiles) {
            unika_free(h), unika_free(done);
            return unika_fail(err, UNIKA_EINVAL, "profile %zu: person %u is not a profile", p, q);
        }
        if (done[q]) continue;
        uint8_t ps[32];
        lk_person_pseudonym(lk, q, ps);
        if (unika_sketch_hash(&h[q], lk->reskey, ps) < 0) {
            unika_free(h), unika_free(done);
            return unika_fail(err, UNIKA_EINTERNAL, "no resolution key");
        }
        done[q] = 1;
    }
    unika_free(done);
    *out = h;
    return 0;
}

void unika_link_cells_free(unika_sketch **cells, size_t count)
{
    for (size_t i = 0; cells && i < count; i++) unika_sketch_free(cells[i]);
    unika_free(cells);
}

int lk_cells_of_draw(const unika_linkage *lk, const uint32_t *person, unsigned draw,
                     unika_sketch ***cells, size_t *count, unika_error *err)
{
    *cells = NULL;
    *count = 0;
    uint64_t *h = NULL;
    int rc = person_hashes(lk, person, &h, err);
    if (rc < 0) return rc;
    unika_sketch **sk = unika_calloc(lk->ncells ? lk->ncells : 1, sizeof *sk);
    cell_order *order = unika_malloc((lk->ncells ? lk->ncells : 1) * sizeof *order);
    if (!sk || !order) rc = unika_fail(err, UNIKA_ENOMEM, "out of memory for the cells");
    for (size_t c = 0; rc == 0 && c < lk->ncells; c++) rc = cell_sketch(lk, c, draw, &sk[c], err);
    for (size_t p = 0; rc == 0 && p < lk->nprofiles; p++) {
        const lk_profile *q = &lk->profiles[p];
        for (size_t k = 0; rc == 0 && k < q->ncell; k++)
            rc = unika_sketch_add_hash(sk[lk->cells_of[q->cell + k]], h[person[p]], err);
    }
    unika_free(h);
    if (rc < 0) {
        unika_link_cells_free(sk, lk->ncells);
        unika_free(order);
        return rc;
    }
    for (size_t c = 0; c < lk->ncells; c++) order[c] = (cell_order){lk, (uint32_t)c};
    lk_qsort(order, lk->ncells, sizeof *order, cell_cmp);
    unika_sketch **sorted = unika_malloc((lk->ncells ? lk->ncells : 1) * sizeof *sorted);
    if (!sorted) {
        unika_link_cells_free(sk, lk->ncells);
        unika_free(order);
        return unika_fail(err, UNIKA_ENOMEM, "out of memory for the cells");
    }
    for (size_t c = 0; c < lk->ncells; c++) sorted[c] = sk[order[c].c];
    unika_free(sk);
    unika_free(order);
    *cells = sorted;
    *count = lk->ncells;
    return 0;
}

int unika_linkage_cells(const unika_linkage *lk, unsigned draw, unika_sketch ***cells,
                        size_t *count, unika_error *err)
{
    if (!lk || !cells || !count) return unika_fail(err, UNIKA_EINVAL, "unika_linkage_cells: NULL");
    *cells = NULL;
    *count = 0;
    if (!lk->resolved) return unika_fail(err, UNIKA_EINVAL, "the linkage is not resolved");
    if (draw != 0)
        return unika_fail(err, UNIKA_EINVAL, "draw %u: only draw 0, the resolution's own "
                          "persons, is public (the estimator makes the others)", draw);
    return lk_cells_of_draw(lk, lk->person, 0, cells, count, err);
}
