/*
 * estimate_excess.c - the strong clusters that are a person's second
 * cluster (docs/linkage.md 15, "Strong clusters that split a person",
 * version 9, "The namesakes joined, counted as pairs", version 19, and
 * "Namesakes meet within a gender and a birth date", version 20).
 *
 * A strong cluster without an identifier is held together by names and
 * real birth dates alone, and the name and date passes leave some people in
 * two clusters: a typo that moves a word's skeleton, a birth year revised
 * under a name too common for the md pass. A is then too high. How often
 * is measured where the answer is known: the clusters an identifier holds,
 * resolved again with every identifier hidden (lk_cascade_without_ids()).
 * Each one's profiles with a real date fall into one or more fragments; the
 * fragments beyond the first are the splits the passes alone would have
 * made. In a figure, with H the identified clusters that have a fragment in
 * it and E their fragments beyond the first there, the rate E / (H + E) of
 * second clusters applies to the N clusters without an identifier:
 *
 *     N rho,  rho = E / (H + E),  variance N rho (1 - rho) (1 + N / (H + E))
 *
 * The variance predicts how many of the N are second clusters, not only the
 * rate's mean: given rho each is one with chance rho (N rho (1 - rho)), and
 * rho is a binomial share (N^2 rho (1 - rho) / (H + E)). A rate measured as
 * nought in a small figure is not known to be nought, so the variance takes
 * it at its Jeffreys mean, (E + 1/2) / (H + E + 1); without that, a
 * partner's half-year could claim its strong people to the person while a
 * split it holds goes unseen (version 17).
 *
 * The same passes also join namesakes of one birth date, and A is then too
 * low. Two people meet that way by chance, and only two of one gender and
 * one birth date can: the passes compare no others (a stratum, here; an
 * unknown gender is its own). Within a stratum they meet at a rate q for
 * any two clusters. Without identifiers the passes put M fragments of
 * different identified clusters together: of the pairs whose identifiers
 * conflict (one kind, two values), which the resolution kept apart, so M =
 * q C, C those ordered pairs that share a stratum; q is measured once, over
 * every cluster, the most pairs there are. Every other pair of a figure's N
 * + H clusters that shares a stratum joined when it met, so the
 * resolution's joins there are (versions 19 and 20)
 *
 *     J = q (P_F - C_F),   S = N rho - J
 *
 * with P_F the figure's ordered pairs that share a stratum and C_F those
 * of them that conflict. Up to version 19 every pair counted, as if people
 * met as often across genders and birth dates as within them: a figure of
 * one gender or one age band then took its share of every pair's joins,
 * not of its own (docs/linkage.md 15). Its variance is a
 * prediction's: which pairs met given q (J), and q's sampling error (J^2 /
 * M), both at q's Jeffreys mean (M + 1/2) / C, since a rate measured as
 * nought is not known to be nought; and a uniform spread of width J for q
 * being one rate for every pair (people without an identifier may be born
 * in other years and meet less often): J^2 / 12. Up to version 18 the
 * joins were taken between none and M (N + H) / H, at the middle: 0.3 to
 * 0.6 of those the truth ids show (docs/linkage.md 15).
 *
 * It assumes the people without an identifier are recorded as those with
 * one (their names, typos, revised years, partners). People split between
 * two identifiers (a dossier number, later a personnummer) and people an
 * identifier joins wrongly are outside it.
 */
#include <stdlib.h>
#include <string.h>

#define LK_EST_INTERNAL
#include "common/common.h"
#include "linkage/estimate.h"
#include "linkage/estimate_terms.h"

/* A profile, or a fragment, under its root without identifiers. */
typedef struct part {
    uint32_t root, index;
} part;

static int part_cmp(const void *a, const void *b)
{
    const part *x = a, *y = b;
    if (x->root != y->root) return x->root < y->root ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* The fragment of parts v[0 .. n) (one root): their cells, each once. */
static int add_fragment(lk_est *e, const part *v, size_t n, size_t caps[2])
{
    const unika_linkage *lk = e->lk;
    lk_est_frag f = {(uint32_t)e->nfcell, 0, v[0].root};
    for (size_t i = 0; i < n; i++) {
        const lk_profile *p = &lk->profiles[v[i].index];
        for (uint32_t k = 0; k < p->ncell; k++) {
            const lk_cell *c = &lk->cells[lk->cells_of[p->cell + k]];
            lk_est_cell x = {c->file, c->period, lk->cells_of[p->cell + k]};
            if (lk_est_push((void **)&e->fcell, &e->nfcell, &caps[0], sizeof x, &x)) return -1;
        }
    }
    f.ncell = (uint32_t)lk_est_cells_distinct(e->fcell + f.cell, e->nfcell - f.cell);
    e->nfcell = f.cell + f.ncell;
    return lk_est_push((void **)&e->frag, &e->nfrag, &caps[1], sizeof f, &f);
}

/* Cluster c's fragments, if an identifier holds it. */
static int fragments_of(lk_est *e, lk_est_cluster *c, part **v, size_t *cap, size_t caps[2])
{
    const unika_linkage *lk = e->lk;
    c->frag = (uint32_t)e->nfrag;
    c->nfrag = 0;
    const lk_clusters *k = &lk->c; /* a root keeps its cluster's identifiers */
    c->id_kinds = (uint8_t)((k->pnr[c->root] != LK_NONE) | (k->snr[c->root] != LK_NONE) << 1 |
                            (k->dos[c->root] != LK_NONE) << 2);
    c->identified = c->id_kinds != 0;
    if (!c->identified) return 0;
    size_t n = 0;
    uint32_t m = c->root;
    do {
        if (lk->without_ids[m] != LK_NONE) {
            part x = {lk->without_ids[m], m};
            if (lk_est_push((void **)v, &n, cap, sizeof x, &x)) return -1;
        }
        m = lk->c.next[m];
    } while (m != c->root);
    if (n) qsort(*v, n, sizeof **v, part_cmp); /* *v is NULL until a first push */
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && (*v)[j].root == (*v)[i].root) j++;
        if (add_fragment(e, *v + i, j - i, caps)) return -1;
        i = j;
    }
    c->nfrag = (uint32_t)(e->nfrag - c->frag);
    return 0;
}

/* e->shared_root: the fragments of roots that hold two or more, by (root,
 * index); M counts only those. */
static int order_by_root(lk_est *e)
{
    size_t n = e->nfrag ? e->nfrag : 1;
    part *v = unika_malloc(n * sizeof *v);
    e->shared_root = unika_malloc(n * sizeof *e->shared_root);
    if (!v || !e->shared_root) {
        unika_free(v);
        return -1;
    }
    for (size_t i = 0; i < e->nfrag; i++) v[i] = (part){e->frag[i].root, (uint32_t)i};
    qsort(v, e->nfrag, sizeof *v, part_cmp);
    e->nshared_root = 0;
    for (size_t i = 0; i < e->nfrag;) {
        size_t j = i + 1;
        while (j < e->nfrag && v[j].root == v[i].root) j++;
        for (size_t k = i; j - i > 1 && k < j; k++) e->shared_root[e->nshared_root++] = v[k].index;
        i = j;
    }
    unika_free(v);
    return 0;
}

/* M: of the fragments marked in, those beyond the first of each root. */
static double joined(const lk_est *e, const uint8_t *in)
{
    double m = 0;
    for (size_t i = 0; i < e->nshared_root;) {
        uint32_t root = e->frag[e->shared_root[i]].root, k = 0;
        for (; i < e->nshared_root && e->frag[e->shared_root[i]].root == root; i++)
            k += in[e->shared_root[i]];
        if (k > 1) m += k - 1;
    }
    return m;
}

/* C: ordered pairs of distinct identified clusters whose identifiers
 * conflict (a kind both hold: two values, since one value is one
 * cluster), from the clusters counted by the kinds they hold. */
static double conflicting_pairs(const uint32_t by_kinds[8])
{
    double c = 0;
    for (int a = 1; a < 8; a++)
        for (int b = 1; b < 8; b++)
            if (a & b) c += (double)by_kinds[a] * ((double)by_kinds[b] - (a == b));
    return c;
}

/* Of one figure, per stratum: its clusters, and its identified ones by the kinds they hold. */
struct lk_est_tally {
    uint32_t n, by_kinds[8];
};

/* A cluster in a stratum: its gender and one of its real birth dates. */
typedef struct member {
    uint32_t gender, year, md, cluster;
} member;

static int stratum_cmp(const member *x, const member *y)
{
    if (x->gender != y->gender) return x->gender < y->gender ? -1 : 1;
    if (x->year != y->year) return x->year < y->year ? -1 : 1;
    return (x->md > y->md) - (x->md < y->md);
}

static int member_cmp(const void *a, const void *b)
{
    const member *x = a, *y = b;
    int c = stratum_cmp(x, y);
    return c ? c : (x->cluster > y->cluster) - (x->cluster < y->cluster);
}

/* Cluster i's (gender, real date) pairs, each once, onto v. */
static int members_of(const lk_est *e, uint32_t i, member **v, size_t *n, size_t *cap)
{
    const unika_linkage *lk = e->lk;
    size_t first = *n;
    uint32_t m = e->cl[i].root;
    do {
        const lk_profile *p = &lk->profiles[m];
        member x = {e->cl[i].gender, p->year, p->md, i};
        int seen = !lk_real_date(p);
        for (size_t k = first; k < *n && !seen; k++) seen = !stratum_cmp(&(*v)[k], &x);
        if (!seen && lk_est_push((void **)v, n, cap, sizeof x, &x)) return -1;
        m = lk->c.next[m];
    } while (m != e->cl[i].root);
    return 0;
}

/* Each cluster's strata, numbered in (gender, year, month-day) order:
 * e->cstrat, and the tallies a figure counts them in. */
static int strata(lk_est *e)
{
    member *v = NULL;
    size_t n = 0, cap = 0;
    for (uint32_t i = 0; i < e->ncl; i++)
        if (members_of(e, i, &v, &n, &cap)) goto fail;
    if (n) qsort(v, n, sizeof *v, member_cmp); /* v is NULL until a first push */
    e->cstrat = unika_malloc((n ? n : 1) * sizeof *e->cstrat);
    if (!e->cstrat) goto fail;
    for (size_t k = 0; k < n; k++) e->cl[v[k].cluster].nstrat++;
    for (size_t i = 0, next = 0; i < e->ncl; i++) {
        e->cl[i].strat = (uint32_t)next;
        next += e->cl[i].nstrat;
        e->cl[i].nstrat = 0;
    }
    for (size_t k = 0; k < n; k++) { /* strata numbered in v's order */
        e->nstrata += k == 0 || stratum_cmp(&v[k], &v[k - 1]);
        lk_est_cluster *c = &e->cl[v[k].cluster];
        e->cstrat[c->strat + c->nstrat++] = (uint32_t)e->nstrata - 1;
    }
    unika_free(v);
    e->tally = unika_calloc(e->nstrata ? e->nstrata : 1, sizeof *e->tally);
    e->touched = unika_malloc((e->nstrata ? e->nstrata : 1) * sizeof *e->touched);
    return e->tally && e->touched ? 0 : -1;
fail:
    unika_free(v);
    return -1;
}

/* Cluster c into the tallies of its strata; touched: how many strata are. */
static void tally(lk_est *e, const lk_est_cluster *c, unsigned kinds, size_t *touched)
{
    for (uint32_t k = 0; k < c->nstrat; k++) {
        uint32_t s = e->cstrat[c->strat + k];
        if (!e->tally[s].n) e->touched[(*touched)++] = s;
        e->tally[s].n++;
        e->tally[s].by_kinds[kinds]++;
    }
}

/* The ordered pairs of the tallied clusters that share a stratum, of them
 * *conflict those whose identifiers conflict; the tallies are cleared. */
static double pairs_sharing(lk_est *e, size_t touched, double *conflict)
{
    double pairs = 0;
    *conflict = 0;
    for (size_t k = 0; k < touched; k++) {
        struct lk_est_tally *t = &e->tally[e->touched[k]];
        pairs += (double)t->n * (t->n - 1);
        *conflict += conflicting_pairs(t->by_kinds);
        memset(t, 0, sizeof *t);
    }
    return pairs;
}

/* q's two counts, M and C, over every identified cluster with a fragment. */
static int meeting_rate(lk_est *e)
{
    uint8_t *in = unika_malloc(e->nfrag ? e->nfrag : 1);
    if (!in) return -1;
    memset(in, 1, e->nfrag);
    size_t touched = 0;
    for (size_t i = 0; i < e->ncl; i++)
        if (e->cl[i].nfrag) tally(e, &e->cl[i], e->cl[i].id_kinds, &touched);
    e->meet_m = joined(e, in);
    (void)pairs_sharing(e, touched, &e->meet_pairs);
    unika_free(in);
    return 0;
}

int lk_est_fragments(lk_est *e)
{
    part *v = NULL;
    size_t cap = 0, caps[2] = {0};
    int rc = 0;
    for (size_t i = 0; i < e->ncl && !rc; i++) rc = fragments_of(e, &e->cl[i], &v, &cap, caps);
    unika_free(v);
    return rc || order_by_root(e) || strata(e) ? -1 : meeting_rate(e);
}

int lk_est_excess(lk_est *e, const uint32_t *cl, size_t n, uint64_t orgs, scope s,
                  double *excess, double *var)
{
    *excess = *var = 0;
    uint8_t *in = unika_calloc(e->nfrag ? e->nfrag : 1, 1);
    if (!in) return -1;
    double plain = 0, held = 0, extra = 0;
    size_t touched = 0;
    for (size_t i = 0; i < n; i++) {
        const lk_est_cluster *c = &e->cl[cl[i]];
        if (!c->identified) {
            plain++;
            tally(e, c, 0, &touched);
            continue;
        }
        uint32_t k = 0;
        for (uint32_t j = 0; j < c->nfrag; j++) {
            const lk_est_frag *f = &e->frag[c->frag + j];
            in[c->frag + j] = (uint8_t)cells_in(e->lk, e->fcell + f->cell, f->ncell, orgs, s);
            k += in[c->frag + j];
        }
        if (k) held++, extra += k - 1, tally(e, c, c->id_kinds, &touched);
    }
    double conflict, sharing = pairs_sharing(e, touched, &conflict);
    /* with no identified cluster in the figure nothing measures the split
     * rate, and N rho stays nought with no error of its own; the rate at
     * which people meet is everyone's (docs/linkage.md 15) */
    if (held > 0) {
        double seen = held + extra, rho = extra / seen;
        double jeffreys = (extra + 0.5) / (seen + 1);
        *excess = plain * rho;
        *var = plain * jeffreys * (1 - jeffreys) * (1 + plain / seen);
    }
    if (e->meet_pairs > 0) {
        double others = sharing - conflict, joins = others * e->meet_m / e->meet_pairs;
        double at_mean = others * (e->meet_m + 0.5) / e->meet_pairs;
        *excess -= joins;
        *var += at_mean + at_mean * at_mean / (e->meet_m + 0.5) + joins * joins / 12;
    }
    unika_free(in);
    return 0;
}
