/*
 * linkage.c - the resolution as a whole (unika_linkage_resolve) and what
 * it shows (stats, fingerprints, where each profile went).
 *
 * The steps, each in its own module: canonical order (load.c), clusters
 * and the passes (cascade.c, with freq.c's tables), weak units and the
 * resolution's own persons (weak.c), the resolution key (seed.c). After
 * them the state is what linkage_private.h describes, for the cell writer
 * (cells.c), the manifest (manifest.c) and the estimator.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "linkage/linkage_private.h"

#define LINK_RECIPE_NAME "link-v1"
#define LINK_RECIPE_TEXT "unika-link-v1:cascade-1"

/* BLAKE2b-128 (personalisation "unika-recipe-v1") of LINK_RECIPE_TEXT, as
 * recipe fingerprints are made (docs/pseudonyms.md); tests/test_linkage.c
 * recomputes it. A constant, so that no call races to fill it. */
static const uint8_t LINK_RECIPE_FP[UNIKA_FINGERPRINT_BYTES] = {
    0x85, 0xff, 0x69, 0xb1, 0x3a, 0xd5, 0xe7, 0x56,
    0x49, 0x8e, 0xbd, 0x51, 0xb3, 0x9d, 0xca, 0x37};

const uint8_t *unika_link_recipe_fingerprint(void) { return LINK_RECIPE_FP; }
const char *unika_link_recipe_name(void) { return LINK_RECIPE_NAME; }

int unika_linkage_resolve(unika_linkage *lk, const unika_link_seed *seed, unika_error *err)
{
    if (!lk || !seed) return unika_fail(err, UNIKA_EINVAL, "unika_linkage_resolve: NULL");
    if (lk->resolved) return unika_fail(err, UNIKA_ELINKAGE, "the linkage is resolved already");
    if (lk->nfiles == 0) return unika_fail(err, UNIKA_ELINKAGE, "no match-key file to link");
    memset(&lk->stats, 0, sizeof lk->stats);
    int rc = lk_canonical(lk, err);
    if (rc == 0) rc = lk_clusters_init(lk, err);
    if (rc == 0) rc = lk_cascade(lk, err);
    if (rc == 0) rc = lk_cascade_without_ids(lk, &lk->without_ids, err);
    if (rc == 0) rc = lk_weak(lk, err);
    if (rc == 0) rc = lk_resolution_key(lk, seed, err);
    if (rc < 0) return rc;
    unika_link_stats *st = &lk->stats;
    st->files = lk->nfiles;
    st->profiles = lk->nprofiles;
    for (size_t i = 0; i < lk->nfiles; i++) st->rows += lk->files[i].rows;
    st->cells = lk->ncells;
    lk->resolved = 1;
    return 0;
}

const unika_link_stats *unika_linkage_stats(const unika_linkage *lk)
{
    return lk && lk->resolved ? &lk->stats : NULL;
}

const uint8_t *unika_linkage_fingerprint(const unika_linkage *lk)
{
    return lk && lk->resolved ? unika_key_fingerprint_ptr(lk->reskey) : NULL;
}

const uint8_t *unika_linkage_key_fingerprint(const unika_linkage *lk)
{
    return lk && lk->has_key_fp ? lk->key_fp : NULL;
}

int unika_linkage_profile(const unika_linkage *lk, uint64_t i, unika_link_profile_info *out)
{
    if (!lk || !out || !lk->resolved || i >= lk->nprofiles) return UNIKA_EINVAL;
    const lk_profile *p = &lk->profiles[i];
    const lk_file *f = &lk->files[p->file];
    memset(out, 0, sizeof *out);
    out->org = f->org;
    out->index = i - f->first;
    out->rows = p->rows;
    uint32_t a = (uint32_t)i;
    while (lk->c.parent[a] != a) a = lk->c.parent[a]; /* read-only find */
    out->cluster = a;
    out->person = lk->person[i];
    out->strong = lk_strong(p);
    out->unit_kind = out->strong ? 0 : lk->units[lk->unit_of[i]].kind;
    memcpy(out->id_digest, p->id_digest, sizeof out->id_digest);
    return 0;
}

void unika_linkage_free(unika_linkage *lk)
{
    if (!lk) return;
    lk_clusters_free(&lk->c);
    unika_free(lk->without_ids);
    lk_freq_free(&lk->freq);
    lk_rest_free(lk);
    lk_weak_free(lk);
    lk_load_free(lk);
    unika_key_free(lk->reskey);
    sodium_memzero(lk->reskey_bytes, sizeof lk->reskey_bytes);
    unika_free(lk);
}
