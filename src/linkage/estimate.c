/*
 * estimate.c - the estimator's view of a resolved linkage: strong clusters
 * with their cells, keys and per-partner main records; weak units with
 * their periods and key frequencies (estimate.h explains the model).
 *
 * Frequencies. lambda(name, year, g) = gt(n) x p(year | g): n the number of
 * strong clusters of gender g holding the name key, smoothed by Good-Turing
 * (n* = (n + 1) N_{n+1} / N_n for small n: a name seen once is, on
 * average, rarer than once per population), times the share of strong
 * clusters of that gender born that year. Names and birth years are taken
 * as independent, as record linkage's frequency-based weights take them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LK_EST_INTERNAL
#include "common/common.h"
#include "linkage/estimate.h"

/* ---- small helpers ---------------------------------------------------------------- */

int lk_est_overlap(uint16_t alo, uint16_t ahi, uint16_t blo, uint16_t bhi)
{
    return lk_overlap(alo, ahi, blo, bhi);
}

int lk_est_gender_agrees(unsigned a, unsigned b) { return !a || !b || a == b; }

/* A name's jackknife group: its canonical id, scrambled by a multiplicative
 * hash (Knuth's golden-ratio constant), so that groups mix common and rare
 * names and are the same on every run. */
uint8_t lk_est_group(const unika_linkage *lk, uint32_t name)
{
    (void)lk;
    if (name == LK_NONE) return 0;
    uint32_t x = name * 2654435761u;
    return (uint8_t)((x >> 16) % LK_EST_GROUPS);
}

uint32_t lk_est_year_of(const unika_linkage *lk, uint32_t code)
{
    switch (lk->params.period) {
    case UNIKA_MK_PERIOD_HALF_YEAR: return code / 2;
    case UNIKA_MK_PERIOD_MONTH: return code / 12;
    case UNIKA_MK_PERIOD_YEAR: return code;
    default: return 0;
    }
}

int lk_est_push(void **p, size_t *n, size_t *cap, size_t size, const void *item)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 256;
        void *q = unika_realloc(*p, *cap * size, c * size);
        if (!q) return -1;
        *p = q;
        *cap = c;
    }
    memcpy((char *)*p + *n * size, item, size);
    (*n)++;
    return 0;
}

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int cell_cmp(const void *a, const void *b)
{
    const lk_est_cell *x = a, *y = b;
    if (x->file != y->file) return x->file < y->file ? -1 : 1;
    if (x->period != y->period) return x->period < y->period ? -1 : 1;
    return (x->cell > y->cell) - (x->cell < y->cell);
}

size_t lk_est_cells_distinct(lk_est_cell *v, size_t n)
{
    qsort(v, n, sizeof *v, cell_cmp);
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (!w || cell_cmp(&v[i], &v[w - 1])) v[w++] = v[i];
    return w;
}

int lk_est_key_cmp(const void *a, const void *b)
{
    const lk_est_key *x = a, *y = b;
    if (x->name != y->name) return x->name < y->name ? -1 : 1;
    return (x->year > y->year) - (x->year < y->year);
}

/* ---- strong clusters ---------------------------------------------------------------- */

static int add_cluster(lk_est *e, const lk_strong_cluster *s, size_t caps[4])
{
    const unika_linkage *lk = e->lk;
    lk_est_cluster c = {0};
    c.root = s->root;
    c.gender = s->gender;
    c.lo = s->lo;
    c.hi = s->hi;
    c.cell = (uint32_t)e->nccell;
    c.key = (uint32_t)e->nckey;
    c.main = (uint32_t)e->ncmain;
    uint64_t best_rows[LK_EST_MAX_ORGS] = {0};
    uint32_t best[LK_EST_MAX_ORGS];
    uint64_t main_rows = 0;
    uint32_t main_name = LK_NONE;
    uint32_t m = s->root;
    do {
        const lk_profile *p = &lk->profiles[m];
        c.files |= 1ull << p->file;
        if (lk_strong(p)) c.at |= 1ull << p->file;
        for (uint32_t i = 0; i < p->ncell; i++) {
            const lk_cell *cc = &lk->cells[lk->cells_of[p->cell + i]];
            lk_est_cell x = {cc->file, cc->period, lk->cells_of[p->cell + i]};
            if (lk_est_push((void **)&e->ccell, &e->nccell, &caps[0], sizeof x, &x)) return -1;
        }
        if (p->name != LK_NONE) {
            lk_est_key k = {p->name, p->year, 0};
            if (lk_est_push((void **)&e->ckey, &e->nckey, &caps[1], sizeof k, &k)) return -1;
            if (p->rows > best_rows[p->file] ||
                (p->rows == best_rows[p->file] && !best_rows[p->file])) {
                best_rows[p->file] = p->rows;
                best[p->file] = m;
            }
            if (p->rows > main_rows) {
                main_rows = p->rows;
                main_name = p->name;
            }
        }
        m = lk->c.next[m];
    } while (m != s->root);
    c.ncell = (uint32_t)lk_est_cells_distinct(e->ccell + c.cell, e->nccell - c.cell);
    e->nccell = c.cell + c.ncell;
    c.nkey = (uint32_t)(e->nckey - c.key);
    qsort(e->ckey + c.key, c.nkey, sizeof *e->ckey, lk_est_key_cmp);
    size_t w = 0;
    for (size_t i = 0; i < c.nkey; i++)
        if (!w || lk_est_key_cmp(&e->ckey[c.key + i], &e->ckey[c.key + w - 1]))
            e->ckey[c.key + w++] = e->ckey[c.key + i];
    c.nkey = (uint32_t)w;
    e->nckey = c.key + w;
    for (unsigned f = 0; f < e->nfiles; f++) {
        if (!best_rows[f]) continue;
        const lk_profile *p = &lk->profiles[best[f]];
        lk_est_main x = {(uint16_t)f, p->name, p->year, p->lo, p->hi};
        if (lk_est_push((void **)&e->cmain, &e->ncmain, &caps[2], sizeof x, &x)) return -1;
    }
    c.nmain = (uint32_t)(e->ncmain - c.main);
    c.group = lk_est_group(lk, main_name);
    return lk_est_push((void **)&e->cl, &e->ncl, &caps[3], sizeof c, &c);
}

/* ---- frequencies -------------------------------------------------------------------- */

/* A name's frequency among the strong clusters, counted two ways (below,
 * frequencies()). */
typedef struct name_count {
    uint32_t name, gender;
    uint32_t records; /* partner records with it: a cluster's main record at a partner */
    uint32_t people;  /* clusters holding it in any record */
    double written;   /* over those clusters, the share of their partner records with it */
} name_count;

static int nc_cmp(const void *a, const void *b)
{
    const name_count *x = a, *y = b;
    if (x->name != y->name) return x->name < y->name ? -1 : 1;
    return (x->gender > y->gender) - (x->gender < y->gender);
}

typedef struct lk_est_freq freq;
struct lk_est_freq {
    name_count *nc;
    size_t nnc;
    double gt_records[9], gt_people[9]; /* smoothed counts for n = 0..8 */
    double names[2][4]; /* sum over names of each count, per gender */
    double year_share[4]; /* denominators */
    uint32_t *years;
    double *yshare;
    size_t nyears; /* (year, gender) shares */
};

static double gt_of(const double gt[9], uint32_t n) { return n < 9 ? gt[n] : (double)n; }

static double p_year(const freq *f, uint32_t year, unsigned g)
{
    for (size_t i = 0; i < f->nyears; i++)
        if (f->years[i] == year) return f->yshare[i * 4 + g];
    return 0.5 / (f->year_share[g] + 1);
}

static const name_count *name_of(const freq *f, uint32_t name, unsigned g)
{
    if (name == LK_NONE) return NULL;
    name_count key = {name, g, 0, 0, 0};
    return bsearch(&key, f->nc, f->nnc, sizeof key, nc_cmp);
}

/* How often partners write the name, per partner record: one end (and
 * lk_est_lambda's count). */
static double per_record(const freq *f, const name_count *c)
{
    return c && c->records ? gt_of(f->gt_records, c->records) : 0.0;
}

/* The same, per person: the people holding it times how often a partner
 * writes it for them (the other end, frequencies()). */
static double per_person(const freq *f, const name_count *c)
{
    return c && c->people ? gt_of(f->gt_people, c->people) * c->written / c->people : 0.0;
}

double lk_est_lambda_without(const lk_est *e, uint32_t name, uint32_t year, unsigned gender,
                             uint32_t own)
{
    const name_count *c = name_of(e->freq, name, gender);
    if (!c || c->records <= own) return 0.0;
    return gt_of(e->freq->gt_records, c->records - own) * p_year(e->freq, year, gender);
}

double lk_est_lambda(const lk_est *e, uint32_t name, uint32_t year, unsigned gender)
{
    return lk_est_lambda_without(e, name, year, gender, 0);
}

double lk_est_agree_at(const lk_est *e, double lam)
{
    unsigned n = e->nagree;
    if (n < 2 || lam <= 0) return 1.0;
    double x = log(lam);
    if (x <= e->agree_x[0]) return e->agree_y[0];
    if (x >= e->agree_x[n - 1]) return e->agree_y[n - 1];
    unsigned i = 1;
    while (x > e->agree_x[i]) i++;
    double span = e->agree_x[i] - e->agree_x[i - 1]; /* 0: two bins of one lambda */
    if (!(span > 0)) return e->agree_y[i];
    double t = (x - e->agree_x[i - 1]) / span;
    return e->agree_y[i - 1] + t * (e->agree_y[i] - e->agree_y[i - 1]);
}

void lk_est_levels(lk_est *e)
{
    const freq *f = e->freq;
    for (size_t i = 0; i < e->nun; i++) e->un[i].agree = lk_est_agree_at(e, e->un[i].lam);
    memset(e->lam_level, 0, sizeof e->lam_level);
    for (size_t i = 0; i < f->nnc; i++) {
        unsigned g = f->nc[i].gender;
        double pr = per_record(f, &f->nc[i]), pp = per_person(f, &f->nc[i]);
        for (size_t y = 0; y < f->nyears; y++) {
            double share = f->yshare[y * 4 + g], lam = pr * share, a = lk_est_agree_at(e, lam);
            double wj = 1;
            for (int j = 0; j < LK_EST_LEVELS; j++, wj *= a) {
                e->lam_level[0][j][g] += lam * wj;
                e->lam_level[1][j][g] += pp * share * wj;
            }
        }
    }
}

/* Good-Turing: N_n names seen n times, smoothed counts of n = 0..8. */
static void good_turing(const freq *f, int people, double gt[9])
{
    double N[10] = {0};
    for (size_t i = 0; i < f->nnc; i++) {
        uint32_t n = people ? f->nc[i].people : f->nc[i].records;
        if (n < 10) N[n]++;
    }
    for (unsigned n = 0; n < 9; n++)
        gt[n] = (n && N[n] > 0 && N[n + 1] > 0) ? (n + 1) * N[n + 1] / N[n] : (double)n;
}

/* Each (name key, gender) the strong clusters hold: its partner records
 * and its people, and Good-Turing's smoothing of both counts. */
static int name_counts(lk_est *e, freq *f)
{
    f->nc = unika_malloc((e->nckey ? e->nckey : 1) * sizeof *f->nc);
    if (!f->nc) return -1;
    /* A weak unit is one partner's spelling of a person, so a name's frequency
     * is how often partners write it. Counted per partner record (each
     * cluster's main record at each partner it was recorded at), a person
     * recorded at three partners weighs three times; counted per person
     * (each cluster holding the name, times the share of its partner records
     * written with it), once. Both are consistent, and Good-Turing's small
     * counts fit neither exactly: partner records come in clumps of one
     * person, and the people holding a name include its one-off typos.
     * Measured, the occupancy lies between the two (the first low with few
     * people, the second high with many: docs/linkage.md 15); the estimate
     * takes their middle and carries their distance (version 4). Counting
     * each name a cluster holds as a whole person (version 3) took the rarer
     * spellings for as common as the usual one. */
    for (size_t i = 0; i < e->ncl; i++) {
        const lk_est_cluster *c = &e->cl[i];
        for (uint32_t k = 0; k < c->nkey; k++) {
            uint32_t name = e->ckey[c->key + k].name, records = 0;
            if (k && name == e->ckey[c->key + k - 1].name) continue;
            for (uint32_t m = 0; m < c->nmain; m++) records += e->cmain[c->main + m].name == name;
            f->nc[f->nnc++] = (name_count){name, c->gender, records, 1,
                                           c->nmain ? (double)records / c->nmain : 0.0};
        }
    }
    qsort(f->nc, f->nnc, sizeof *f->nc, nc_cmp);
    size_t w = 0;
    for (size_t i = 0; i < f->nnc; i++) {
        if (w && !nc_cmp(&f->nc[i], &f->nc[w - 1])) {
            f->nc[w - 1].records += f->nc[i].records;
            f->nc[w - 1].people++;
            f->nc[w - 1].written += f->nc[i].written;
        } else {
            f->nc[w++] = f->nc[i];
        }
    }
    f->nnc = w;
    good_turing(f, 0, f->gt_records);
    good_turing(f, 1, f->gt_people);
    return 0;
}

/* The birth years the strong clusters hold, and each one's share per
 * gender: a cluster with several years counts 1/k for each. */
static int year_shares(lk_est *e, freq *f)
{
    size_t nys = 0, cap = 0, w = 0;
    for (size_t i = 0; i < e->nckey; i++) {
        uint32_t y = e->ckey[i].year;
        if (y != LK_NONE && lk_est_push((void **)&f->years, &nys, &cap, sizeof y, &y)) return -1;
    }
    uint32_t *ys = f->years;
    if (nys) qsort(ys, nys, sizeof *ys, u32_cmp);
    for (size_t i = 0; i < nys; i++)
        if (!w || ys[i] != ys[w - 1]) ys[w++] = ys[i];
    f->nyears = w;
    f->yshare = unika_calloc(w ? w * 4 : 4, sizeof *f->yshare);
    if (!f->yshare) return -1;
    for (size_t i = 0; i < e->ncl; i++) {
        const lk_est_cluster *c = &e->cl[i];
        f->year_share[c->gender] += 1;
        uint32_t distinct = 0;
        for (uint32_t k = 0; k < c->nkey; k++) distinct += e->ckey[c->key + k].year != LK_NONE;
        for (uint32_t k = 0; k < c->nkey; k++) {
            uint32_t y = e->ckey[c->key + k].year;
            if (y == LK_NONE) continue;
            uint32_t *hit = bsearch(&y, f->years, f->nyears, sizeof y, u32_cmp);
            f->yshare[(size_t)(hit - f->years) * 4 + c->gender] += 1.0 / distinct;
        }
    }
    for (size_t i = 0; i < f->nyears; i++)
        for (unsigned g = 0; g < 4; g++)
            f->yshare[i * 4 + g] = (f->yshare[i * 4 + g] + 0.5) / (f->year_share[g] + 1);
    return 0;
}

static int frequencies(lk_est *e, freq *f)
{
    memset(f, 0, sizeof *f);
    if (name_counts(e, f) || year_shares(e, f)) return -1;
    /* Lambda per gender: every seen name (x every year: lk_est_levels()) */
    for (size_t i = 0; i < f->nnc; i++) {
        f->names[0][f->nc[i].gender] += per_record(f, &f->nc[i]);
        f->names[1][f->nc[i].gender] += per_person(f, &f->nc[i]);
    }
    return 0;
}

double lk_est_year_mass(const lk_est *e, uint32_t year, unsigned gender, int people)
{
    return e->freq->names[people ? 1 : 0][gender] * p_year(e->freq, year, gender);
}

/* A key is SHARED when another strong cluster holds it too, of a gender
 * that agrees as a weak unit's is matched (an unknown one with any: version
 * 22; up to 21 only the same gender, so a cluster of unknown gender met a
 * man's namesakes as its own); a cluster is RARE when none of its keys is:
 * a weak unit with one of them is then its own, up to namesakes never
 * identified anywhere (docs/linkage.md: the estimator's main known
 * weakness). */
static int mark_rare(lk_est *e)
{
    typedef struct {
        uint32_t name, year, gender, c, k;
    } hk;
    hk *h = unika_malloc((e->nckey ? e->nckey : 1) * sizeof *h);
    if (!h) return -1;
    size_t n = 0;
    for (size_t i = 0; i < e->ncl; i++) {
        e->cl[i].rare = 1;
        for (uint32_t k = 0; k < e->cl[i].nkey; k++)
            h[n++] = (hk){e->ckey[e->cl[i].key + k].name, e->ckey[e->cl[i].key + k].year,
                          e->cl[i].gender, (uint32_t)i, e->cl[i].key + k};
    }
    qsort(h, n, sizeof *h, lk_est_key_cmp); /* by (name, year): hk begins like lk_est_key */
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && h[j].name == h[i].name && h[j].year == h[i].year) j++;
        for (size_t a = i; a < j; a++)
            for (size_t b = a + 1; b < j; b++)
                if (h[a].c != h[b].c && lk_est_gender_agrees(h[a].gender, h[b].gender)) {
                    e->cl[h[a].c].rare = e->cl[h[b].c].rare = 0;
                    e->ckey[h[a].k].shared = e->ckey[h[b].k].shared = 1;
                }
        i = j;
    }
    unika_free(h);
    return 0;
}

static void freq_free(freq *f)
{
    unika_free(f->nc);
    unika_free(f->years);
    unika_free(f->yshare);
}

/* ---- weak units ------------------------------------------------------------------------ */

size_t lk_est_distinct(uint32_t *v, size_t n)
{
    if (!n) return 0;
    qsort(v, n, sizeof *v, u32_cmp);
    size_t w = 0;
    for (size_t k = 0; k < n; k++)
        if (!w || v[k] != v[w - 1]) v[w++] = v[k];
    return w;
}

static int add_units(lk_est *e, const freq *f)
{
    const unika_linkage *lk = e->lk;
    size_t cap = 0, cap_cell = 0;
    e->un = unika_calloc(lk->nunits ? lk->nunits : 1, sizeof *e->un);
    if (!e->un) return -1;
    for (size_t i = 0; i < lk->nunits; i++) {
        const lk_unit *u = &lk->units[i];
        lk_est_unit x = {.u = (uint32_t)i,
                         .per = (uint32_t)e->nuper,
                         .cell = (uint32_t)e->nucell,
                         .agree = 1.0,
                         .group = lk_est_group(lk, u->name),
                         .gender = lk_est_gender(u->gender)};
        for (uint32_t j = 0; j < u->n; j++) {
            const lk_profile *p = &lk->profiles[lk->unit_members[u->first + j]];
            for (uint32_t c = 0; c < p->ncell; c++) {
                uint32_t cell = lk->cells_of[p->cell + c], per = lk->cells[cell].period;
                if (lk_est_push((void **)&e->uper, &e->nuper, &cap, sizeof per, &per) ||
                    lk_est_push((void **)&e->ucell, &e->nucell, &cap_cell, sizeof cell, &cell))
                    return -1;
            }
        }
        x.ncell = (uint32_t)lk_est_distinct(e->ucell + x.cell, e->nucell - x.cell);
        e->nucell = x.cell + x.ncell;
        x.nper = (uint32_t)lk_est_distinct(e->uper + x.per, e->nuper - x.per);
        e->nuper = x.per + x.nper;
        const name_count *nc = name_of(f, u->name, x.gender);
        double year = p_year(f, u->year, x.gender);
        x.lam = per_record(f, nc) * year;
        x.lam_people = per_person(f, nc) * year;
        x.nname = nc ? nc->records : 0;
        e->un[e->nun++] = x;
    }
    size_t units[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < e->nun; i++) units[e->un[i].gender]++;
    for (uint8_t g = 1; g < 4; g++)
        if (units[g] > units[e->major_gender]) e->major_gender = g;
    return 0;
}

typedef struct unit_key {
    uint32_t name, year, gender, file, idx;
} unit_key;

static int unit_key_cmp(const void *a, const void *b)
{
    const unit_key *x = a, *y = b;
    if (x->name != y->name) return x->name < y->name ? -1 : 1;
    if (x->year != y->year) return x->year < y->year ? -1 : 1;
    if (x->gender != y->gender) return x->gender < y->gender ? -1 : 1;
    return (x->file > y->file) - (x->file < y->file);
}

/* The units in (name, year, gender, file) order, for lookups by key. */
static int sort_units(lk_est *e)
{
    unit_key *k = unika_malloc((e->nun ? e->nun : 1) * sizeof *k);
    e->by_key = unika_malloc((e->nun ? e->nun : 1) * sizeof *e->by_key);
    e->key_to = unika_malloc((e->nun ? e->nun : 1) * sizeof *e->key_to);
    if (!k || !e->by_key || !e->key_to) {
        unika_free(k);
        return -1;
    }
    for (size_t i = 0; i < e->nun; i++) {
        const lk_unit *u = &e->lk->units[i];
        k[i] = (unit_key){u->name, u->year, e->un[i].gender, u->file, (uint32_t)i};
    }
    qsort(k, e->nun, sizeof *k, unit_key_cmp);
    for (size_t i = 0; i < e->nun; i++) e->by_key[i] = k[i].idx;
    for (size_t i = 0; i < e->nun;) { /* each run of one key */
        size_t end = i + 1;
        while (end < e->nun && k[end].name == k[i].name && k[end].year == k[i].year &&
               k[end].gender == k[i].gender)
            end++;
        while (i < end) e->key_to[i++] = (uint32_t)end;
    }
    unika_free(k);
    return 0;
}

size_t lk_est_find_units(const lk_est *e, uint32_t name, uint32_t year)
{
    size_t lo = 0, hi = e->nun;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const lk_unit *u = &e->lk->units[e->by_key[mid]];
        if (u->name < name || (u->name == name && u->year < year)) lo = mid + 1;
        else hi = mid;
    }
    if (lo < e->nun) {
        const lk_unit *u = &e->lk->units[e->by_key[lo]];
        if (u->name == name && u->year == year) return lo;
    }
    return SIZE_MAX;
}

/* ---- the whole view --------------------------------------------------------------------- */

int lk_est_new(lk_est **out, const unika_linkage *lk, unika_error *err)
{
    *out = NULL;
    if (!lk->resolved) return unika_fail(err, UNIKA_EINVAL, "the linkage is not resolved");
    if (lk->nfiles > LK_EST_MAX_ORGS)
        return unika_fail(err, UNIKA_ELINKAGE,
                          "the estimator takes at most %d organisations, "
                          "got %zu",
                          LK_EST_MAX_ORGS, lk->nfiles);
    lk_est *e = unika_calloc(1, sizeof *e);
    if (!e) return unika_fail(err, UNIKA_ENOMEM, "out of memory for the estimator");
    e->lk = lk;
    e->nfiles = (unsigned)lk->nfiles;
    size_t caps[4] = {0};
    e->freq = unika_calloc(1, sizeof *e->freq);
    if (!e->freq) goto nomem;
    for (size_t i = 0; i < lk->nstrong; i++)
        if (add_cluster(e, &lk->strong[i], caps)) goto nomem;
    if (lk_est_fragments(e) || frequencies(e, e->freq) || add_units(e, e->freq) || sort_units(e) ||
        mark_rare(e) || lk_est_measure(e))
        goto nomem;
    *out = e;
    return 0;
nomem:
    lk_est_free(e);
    return unika_fail(err, UNIKA_ENOMEM, "out of memory for the estimator");
}

void lk_est_free(lk_est *e)
{
    if (!e) return;
    if (e->freq) freq_free(e->freq);
    unika_free(e->freq);
    unika_free(e->cl);
    unika_free(e->ccell);
    unika_free(e->ckey);
    unika_free(e->cmain);
    unika_free(e->frag);
    unika_free(e->shared_root);
    unika_free(e->cstrat);
    unika_free(e->tally);
    unika_free(e->touched);
    unika_free(e->fcell);
    unika_free(e->un);
    unika_free(e->uper);
    unika_free(e->ucell);
    unika_free(e->by_key);
    unika_free(e->key_to);
    for (int gran = 0; gran < 3; gran++) unika_free(e->pcode[gran]);
    lk_est_eps_free(&e->split);
    lk_est_rates_free(&e->rates);
    for (int g = 0; g < LK_EST_GROUPS; g++) lk_est_rates_free(&e->rep[g]);
    unika_free(e);
}

const lk_est_rates *lk_est_rates_of(const lk_est *e) { return &e->rates; }
