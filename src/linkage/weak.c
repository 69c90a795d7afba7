/*
 * weak.c - what the cascade leaves: the strong clusters, the weak units,
 * the person of every profile in the resolution's own (deterministic)
 * assignment, and the count with its range (docs/linkage.md, "Weak units"
 * and "The count and its range").
 *
 * A weak profile has a name, a birth year at most, a gender: no
 * identifier, no real date. Its organisation's weak profiles with the same
 * (name key, birth year, gender) form a WEAK UNIT (inside one partner a
 * person's spelling is fixed, so they are taken as one person). A unit is
 *   LINKED     to the one strong cluster holding its (name, year, gender)
 *              whose visits overlap the unit's within a half-year
 *              (an unsure link);
 *   AMBIGUOUS  when two or more such strong clusters exist: left alone;
 *   JOINED     with units of other partners of the same key, overlapping
 *              visits, when no strong cluster holds the key at all (an
 *              unsure link);
 *   ALONE      otherwise: a person of its own.
 * The count is strong clusters + ambiguous + alone units + groups of
 * joined units; its range runs from every unsure link made and every
 * ambiguous unit linked (low) to no unsure link made (high).
 */
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "linkage/linkage_private.h"

int lk_held_cmp(const void *a, const void *b)
{
    const lk_held *x = a, *y = b;
    if (x->name != y->name) return x->name < y->name ? -1 : 1;
    if (x->year != y->year) return x->year < y->year ? -1 : 1;
    if (x->gender != y->gender) return x->gender < y->gender ? -1 : 1;
    return (x->root > y->root) - (x->root < y->root);
}

/* ---- strong clusters ------------------------------------------------------------- */

/* The strong clusters, and the (name, year, gender) keys they hold,
 * sorted and distinct. */
static int strong_clusters(unika_linkage *lk, lk_held **index, size_t *nindex,
                           unika_error *err)
{
    size_t n = 0, cap = 0, ns = 0;
    lk_held *h = NULL;
    lk_strong_cluster *s = unika_malloc((lk->nprofiles ? lk->nprofiles : 1) * sizeof *s);
    if (!s) goto nomem;
    for (uint32_t r = 0; r < lk->nprofiles; r++) {
        if (lk->c.parent[r] != r) continue;
        int strong = 0;
        uint32_t m = r;
        do {
            strong |= lk_strong(&lk->profiles[m]);
            m = lk->c.next[m];
        } while (m != r);
        if (!strong) continue;
        s[ns++] = (lk_strong_cluster){r, lk->c.gender[r], lk->c.lo[r], lk->c.hi[r],
                                      lk->c.size[r], lk->c.rows[r]};
        m = r;
        do {
            const lk_profile *p = &lk->profiles[m];
            if (p->name != LK_NONE) {
                if (n == cap) {
                    cap = cap ? cap * 2 : 1024;
                    lk_held *q = unika_realloc(h, n * sizeof *q, cap * sizeof *q);
                    if (!q) goto nomem;
                    h = q;
                }
                h[n++] = (lk_held){p->name, p->year, lk->c.gender[r], r};
            }
            m = lk->c.next[m];
        } while (m != r);
    }
    lk_qsort(h, n, sizeof *h, lk_held_cmp);
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (!w || lk_held_cmp(&h[i], &h[w - 1])) h[w++] = h[i];
    lk->strong = s;
    lk->nstrong = ns;
    *index = h;
    *nindex = w;
    return 0;
nomem:
    unika_free(s);
    unika_free(h);
    return unika_fail(err, UNIKA_ENOMEM, "out of memory for the strong clusters");
}

/* ---- weak units -------------------------------------------------------------------- */

typedef struct weak_rec {
    uint32_t file, name, year, gender, p;
} weak_rec;

static int weak_cmp(const void *a, const void *b)
{
    const weak_rec *x = a, *y = b;
    if (x->file != y->file) return x->file < y->file ? -1 : 1;
    if (x->name != y->name) return x->name < y->name ? -1 : 1;
    if (x->year != y->year) return x->year < y->year ? -1 : 1;
    if (x->gender != y->gender) return x->gender < y->gender ? -1 : 1;
    return (x->p > y->p) - (x->p < y->p);
}

/* The weak profiles grouped into units, in (organisation, name, year,
 * gender) order; members in canonical order. */
static int form_units(unika_linkage *lk, unika_error *err)
{
    size_t nw = 0;
    for (uint32_t i = 0; i < lk->nprofiles; i++) nw += !lk_strong(&lk->profiles[i]);
    weak_rec *w = unika_malloc((nw ? nw : 1) * sizeof *w);
    lk->unit_members = unika_malloc((nw ? nw : 1) * sizeof *lk->unit_members);
    lk->units = unika_malloc((nw ? nw : 1) * sizeof *lk->units);
    lk->unit_of = unika_malloc((lk->nprofiles ? lk->nprofiles : 1) * sizeof *lk->unit_of);
    if (!w || !lk->unit_members || !lk->units || !lk->unit_of) {
        unika_free(w);
        return unika_fail(err, UNIKA_ENOMEM, "out of memory for the weak units");
    }
    nw = 0;
    for (uint32_t i = 0; i < lk->nprofiles; i++) {
        const lk_profile *p = &lk->profiles[i];
        lk->unit_of[i] = LK_NONE;
        if (!lk_strong(p)) w[nw++] = (weak_rec){p->file, p->name, p->year, p->gender, i};
    }
    lk_qsort(w, nw, sizeof *w, weak_cmp);
    lk->nunits = 0;
    for (size_t i = 0; i < nw;) {
        size_t j = i;
        lk_unit *u = &lk->units[lk->nunits];
        memset(u, 0, sizeof *u);
        u->file = (uint16_t)w[i].file;
        u->name = w[i].name;
        u->year = w[i].year;
        u->gender = (uint8_t)w[i].gender;
        u->first = (uint32_t)i;
        u->lo = LK_SPAN_NONE;
        u->cand = u->person = LK_NONE;
        for (; j < nw && w[j].file == w[i].file && w[j].name == w[i].name &&
               w[j].year == w[i].year && w[j].gender == w[i].gender; j++) {
            const lk_profile *p = &lk->profiles[w[j].p];
            lk->unit_members[j] = w[j].p;
            lk->unit_of[w[j].p] = (uint32_t)lk->nunits;
            u->rows += p->rows;
            if (p->lo != LK_SPAN_NONE) {
                if (u->lo == LK_SPAN_NONE || p->lo < u->lo) u->lo = p->lo;
                if (p->hi > u->hi) u->hi = p->hi;
            }
        }
        u->n = (uint32_t)(j - i);
        lk->nunits++;
        i = j;
    }
    unika_free(w);
    return 0;
}

/* ---- placing the units ----------------------------------------------------------- */

/* The strong clusters of gender g holding (name, year) whose visits
 * overlap the unit's: counted into u, the smallest root kept. Returns
 * whether any such cluster holds the key at all. */
static int candidates_of(const unika_linkage *lk, lk_unit *u, uint32_t g, const lk_held *h,
                         size_t nh)
{
    lk_held key = {u->name, u->year, g, 0};
    size_t lo = 0, hi = nh;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (lk_held_cmp(&h[mid], &key) < 0) lo = mid + 1;
        else hi = mid;
    }
    int any = 0;
    for (size_t i = lo; i < nh && h[i].name == u->name && h[i].year == u->year &&
                        h[i].gender == g; i++) {
        any = 1;
        uint32_t r = h[i].root;
        if (!lk_overlap(u->lo, u->hi, lk->c.lo[r], lk->c.hi[r])) continue;
        u->ncand++;
        if (r < u->cand) u->cand = r;
    }
    return any;
}

/* The strong clusters holding the unit's (name, year) under a gender that
 * agrees with its own (equal, or either unknown). */
static int candidates(const unika_linkage *lk, lk_unit *u, const lk_held *h, size_t nh)
{
    int any = 0;
    for (uint32_t g = 0; g <= UNIKA_GENDER_OTHER; g++)
        if (!u->gender || !g || g == u->gender) any |= candidates_of(lk, u, g, h, nh);
    return any;
}

static uint32_t ufind(uint32_t *parent, uint32_t a)
{
    while (parent[a] != a) a = parent[a] = parent[parent[a]];
    return a;
}

/* Units of one key no strong cluster holds, of different organisations
 * (one unit per organisation and key), joined where their visits overlap:
 * each group is one person. units[a..b) share the key. */
static void join_across(unika_linkage *lk, const uint32_t *ids, size_t n, uint32_t *parent)
{
    for (size_t i = 0; i < n; i++) parent[i] = (uint32_t)i;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            const lk_unit *a = &lk->units[ids[i]], *b = &lk->units[ids[j]];
            if (lk_overlap(a->lo, a->hi, b->lo, b->hi)) {
                uint32_t ri = ufind(parent, (uint32_t)i), rj = ufind(parent, (uint32_t)j);
                if (ri != rj) parent[ri > rj ? ri : rj] = ri < rj ? ri : rj;
            }
        }
    for (size_t i = 0; i < n; i++) {
        lk_unit *u = &lk->units[ids[i]];
        uint32_t r = ufind(parent, (uint32_t)i);
        size_t size = 0;
        uint32_t person = LK_NONE;
        for (size_t j = 0; j < n; j++)
            if (ufind(parent, (uint32_t)j) == r) {
                size++;
                uint32_t first = lk->unit_members[lk->units[ids[j]].first];
                if (first < person) person = first;
            }
        u->kind = size > 1 ? LK_UNIT_JOINED : LK_UNIT_ALONE;
        u->person = person;
    }
}

typedef struct orphan {
    uint32_t name, year, gender, unit;
} orphan;

static int orphan_cmp(const void *a, const void *b)
{
    const orphan *x = a, *y = b;
    uint32_t kx[4] = {x->name, x->year, x->gender, x->unit};
    uint32_t ky[4] = {y->name, y->year, y->gender, y->unit};
    for (int i = 0; i < 4; i++)
        if (kx[i] != ky[i]) return kx[i] < ky[i] ? -1 : 1;
    return 0;
}

static int place_units(unika_linkage *lk, const lk_held *h, size_t nh, unika_error *err)
{
    orphan *o = unika_malloc((lk->nunits ? lk->nunits : 1) * sizeof *o);
    uint32_t *ids = unika_malloc((lk->nfiles + 1) * sizeof *ids);
    uint32_t *parent = unika_malloc((lk->nfiles + 1) * sizeof *parent);
    if (!o || !ids || !parent) {
        unika_free(o), unika_free(ids), unika_free(parent);
        return unika_fail(err, UNIKA_ENOMEM, "out of memory for the weak units");
    }
    size_t no = 0;
    for (uint32_t i = 0; i < lk->nunits; i++) {
        lk_unit *u = &lk->units[i];
        int held_at_all = candidates(lk, u, h, nh);
        u->person = lk->unit_members[u->first];
        if (u->ncand == 1) {
            u->kind = LK_UNIT_LINKED;
            u->person = u->cand;
        } else if (u->ncand > 1) {
            u->kind = LK_UNIT_AMBIGUOUS;
        } else if (held_at_all) {
            u->kind = LK_UNIT_ALONE;
        } else {
            o[no++] = (orphan){u->name, u->year, u->gender, i};
        }
    }
    lk_qsort(o, no, sizeof *o, orphan_cmp);
    for (size_t i = 0; i < no;) {
        size_t j = i, n = 0;
        while (j < no && o[j].name == o[i].name && o[j].year == o[i].year &&
               o[j].gender == o[i].gender && n <= lk->nfiles)
            ids[n++] = o[j++].unit;
        join_across(lk, ids, n, parent);
        i = j;
    }
    unika_free(o);
    unika_free(ids);
    unika_free(parent);
    return 0;
}

/* ---- persons and counts ------------------------------------------------------------ */

static int persons_and_counts(unika_linkage *lk, unika_error *err)
{
    lk->person = unika_malloc((lk->nprofiles ? lk->nprofiles : 1) * sizeof *lk->person);
    if (!lk->person) return unika_fail(err, UNIKA_ENOMEM, "out of memory for the persons");
    unika_link_stats *st = &lk->stats;
    for (uint32_t i = 0; i < lk->nprofiles; i++) {
        const lk_profile *p = &lk->profiles[i];
        lk->person[i] = lk_strong(p) ? lk_find(&lk->c, i) : lk->units[lk->unit_of[i]].person;
        st->strong_profiles += lk_strong(p) ? 1u : 0u;
    }
    st->weak_profiles = lk->nprofiles - st->strong_profiles;
    st->strong_clusters = lk->nstrong;
    st->weak_units = lk->nunits;
    uint64_t groups = 0;
    for (size_t i = 0; i < lk->nunits; i++) {
        const lk_unit *u = &lk->units[i];
        st->units_linked += u->kind == LK_UNIT_LINKED;
        st->units_ambiguous += u->kind == LK_UNIT_AMBIGUOUS;
        st->units_joined += u->kind == LK_UNIT_JOINED;
        st->units_alone += u->kind == LK_UNIT_ALONE;
        /* a group of joined units is counted at its representative's unit */
        groups += u->kind == LK_UNIT_JOINED && u->person == lk->unit_members[u->first];
    }
    st->persons = st->strong_clusters + st->units_ambiguous + st->units_alone + groups;
    st->persons_low = st->persons - st->units_ambiguous;
    st->persons_high = st->strong_clusters + st->weak_units;
    return 0;
}

int lk_weak(unika_linkage *lk, unika_error *err)
{
    int rc = strong_clusters(lk, &lk->held, &lk->nheld, err);
    if (rc == 0) rc = form_units(lk, err);
    if (rc == 0) rc = place_units(lk, lk->held, lk->nheld, err);
    return rc < 0 ? rc : persons_and_counts(lk, err);
}

void lk_weak_free(unika_linkage *lk)
{
    unika_free(lk->held);
    lk->held = NULL;
    unika_free(lk->strong);
    unika_free(lk->units);
    unika_free(lk->unit_members);
    unika_free(lk->unit_of);
    unika_free(lk->person);
    lk->strong = NULL;
    lk->units = NULL;
    lk->unit_members = lk->unit_of = lk->person = NULL;
}
