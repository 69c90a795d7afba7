/*
 * load.c - the linker's inputs (unika_linkage_new, _add, _free): every
 * profile of every match-key file, its keyed values interned into dense
 * ids, its visits turned into the cells they count in; and the canonical
 * order the resolution runs in (lk_canonical).
 *
 * A profile costs about 100 bytes here plus 4 per token, 8 per deletion
 * and 4 per distinct cell, and every distinct value 16 bytes and a slot
 * (docs/resources.md): nothing of a file is kept but this.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "common/sort.h"
#include "linkage/linkage_private.h"

/* ---- growing arrays ------------------------------------------------------------ */

/* Grows *p (of *cap elements of elem bytes) to hold at least need: 0, or
 * -1 out of memory (*p unchanged). */
int lk_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 256;
    while (c < need) c *= 2;
    if (c > SIZE_MAX / elem) return -1;
    void *q = unika_realloc(*p, *cap * elem, c * elem);
    if (!q) return -1;
    *p = q;
    *cap = c;
    return 0;
}

#define GROW(arr, cap, need) lk_grow((void **)&(arr), &(cap), (need), sizeof *(arr))

/* ---- interning 16-byte values ------------------------------------------------------ */

static uint64_t value_hash(const uint8_t *v)
{
    uint64_t h;
    memcpy(&h, v, sizeof h); /* keyed hashes: already uniform */
    return h;
}

static int intern_rehash(lk_intern *t, size_t size)
{
    uint32_t *slot = unika_calloc(size, sizeof *slot);
    if (!slot) return -1;
    for (uint32_t i = 0; i < t->count; i++) {
        size_t k = (size_t)value_hash(t->values + 16 * (size_t)i) & (size - 1);
        while (slot[k]) k = (k + 1) & (size - 1);
        slot[k] = i + 1;
    }
    unika_free(t->slot);
    t->slot = slot;
    t->size = size;
    return 0;
}

/* The id of value v, added if new; LK_NONE when out of memory or ids. */
static uint32_t intern(lk_intern *t, const uint8_t *v)
{
    if ((size_t)(t->count + 1) * 2 > t->size &&
        intern_rehash(t, t->size ? t->size * 2 : 4096) < 0)
        return LK_NONE;
    size_t k = (size_t)value_hash(v) & (t->size - 1);
    while (t->slot[k]) {
        uint32_t id = t->slot[k] - 1;
        if (!memcmp(t->values + 16 * (size_t)id, v, 16)) return id;
        k = (k + 1) & (t->size - 1);
    }
    if (t->count == LK_NONE - 1) return LK_NONE;
    if (t->count == t->cap) {
        size_t cap = t->cap;
        if (lk_grow((void **)&t->values, &cap, (size_t)t->count + 1, 16) < 0) return LK_NONE;
        t->cap = (uint32_t)(cap < LK_NONE ? cap : LK_NONE - 1);
    }
    memcpy(t->values + 16 * (size_t)t->count, v, 16);
    t->slot[k] = ++t->count;
    return t->count - 1;
}

/* ---- --by values and cells ----------------------------------------------------------- */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}

static uint32_t string_id(unika_linkage *lk, const char *s)
{
    if ((lk->nstrings + 1) * 2 > lk->string_slots) {
        size_t size = lk->string_slots ? lk->string_slots * 2 : 256;
        uint32_t *slot = unika_calloc(size, sizeof *slot);
        if (!slot) return LK_NONE;
        for (size_t i = 0; i < lk->nstrings; i++) {
            size_t k = fnv(0xcbf29ce484222325ULL, lk->strings[i], strlen(lk->strings[i])) &
                       (size - 1);
            while (slot[k]) k = (k + 1) & (size - 1);
            slot[k] = (uint32_t)i + 1;
        }
        unika_free(lk->string_slot);
        lk->string_slot = slot;
        lk->string_slots = size;
    }
    size_t k = fnv(0xcbf29ce484222325ULL, s, strlen(s)) & (lk->string_slots - 1);
    while (lk->string_slot[k]) {
        uint32_t id = lk->string_slot[k] - 1;
        if (!strcmp(lk->strings[id], s)) return id;
        k = (k + 1) & (lk->string_slots - 1);
    }
    char *copy = unika_strndup(s, strlen(s));
    if (!copy || GROW(lk->strings, lk->cap_strings, lk->nstrings + 1) < 0) {
        unika_free(copy);
        return LK_NONE;
    }
    lk->strings[lk->nstrings] = copy;
    lk->string_slot[k] = (uint32_t)++lk->nstrings;
    return (uint32_t)lk->nstrings - 1;
}

static uint64_t cell_hash(const lk_cell *c)
{
    uint64_t h = fnv(0xcbf29ce484222325ULL, &c->file, sizeof c->file);
    h = fnv(h, &c->period, sizeof c->period);
    return fnv(h, c->value, sizeof c->value);
}

/* The id of cell c (c->hash set), added if new; LK_NONE past the limit. */
static uint32_t cell_id(unika_linkage *lk, const lk_cell *c, unika_error *err)
{
    if ((lk->ncells + 1) * 2 > lk->cell_slots) {
        size_t size = lk->cell_slots ? lk->cell_slots * 2 : 256;
        uint32_t *slot = unika_calloc(size, sizeof *slot);
        if (!slot) goto nomem;
        for (size_t i = 0; i < lk->ncells; i++) {
            size_t k = lk->cells[i].hash & (size - 1);
            while (slot[k]) k = (k + 1) & (size - 1);
            slot[k] = (uint32_t)i + 1;
        }
        unika_free(lk->cell_slot);
        lk->cell_slot = slot;
        lk->cell_slots = size;
    }
    size_t k = c->hash & (lk->cell_slots - 1);
    while (lk->cell_slot[k]) {
        const lk_cell *o = &lk->cells[lk->cell_slot[k] - 1];
        if (o->hash == c->hash && o->file == c->file && o->period == c->period &&
            !memcmp(o->value, c->value, sizeof o->value))
            return lk->cell_slot[k] - 1;
        k = (k + 1) & (lk->cell_slots - 1);
    }
    if (lk->ncells == UNIKA_LINK_MAX_CELLS) {
        unika_fail(err, UNIKA_ELINKAGE, "more than %d cells (organisation x period x --by "
                   "values): use a coarser --period or fewer --by fields", UNIKA_LINK_MAX_CELLS);
        return LK_NONE;
    }
    if (GROW(lk->cells, lk->cap_cells, lk->ncells + 1) < 0) goto nomem;
    lk->cells[lk->ncells] = *c;
    lk->cell_slot[k] = (uint32_t)++lk->ncells;
    return (uint32_t)lk->ncells - 1;
nomem:
    unika_fail(err, UNIKA_ENOMEM, "out of memory for the cells");
    return LK_NONE;
}

/* The period code of a visit month (lk_cell). */
static uint32_t period_code(unika_mk_period period, int year, int month)
{
    switch (period) {
    case UNIKA_MK_PERIOD_HALF_YEAR: return (uint32_t)(year * 2 + (month > 6));
    case UNIKA_MK_PERIOD_YEAR: return (uint32_t)year;
    case UNIKA_MK_PERIOD_MONTH: return (uint32_t)(year * 12 + month - 1);
    default: return 0;
    }
}

void lk_period_label(char dst[16], unika_mk_period period, uint32_t code)
{
    switch (period) {
    case UNIKA_MK_PERIOD_HALF_YEAR:
        unika_mk_period_label(dst, period, (int)(code / 2), code % 2 ? 7 : 1);
        break;
    case UNIKA_MK_PERIOD_MONTH:
        unika_mk_period_label(dst, period, (int)(code / 12), (int)(code % 12) + 1);
        break;
    default: unika_mk_period_label(dst, period, (int)code, 1);
    }
}

/* ---- one file ---------------------------------------------------------------------- */

/* What reading one file needs besides the linkage. */
typedef struct file_ctx {
    unika_mkreader *r;
    const unika_mkfile_header *h;
    size_t by_field[UNIKA_MK_MAX_BY];  /* link --by field i is the file's field by_field[i] */
    uint32_t *value_id;                /* the file's value index -> string id */
    uint16_t file;
    uint32_t *cells;                   /* scratch: one profile's cells */
    size_t cap_cells;
} file_ctx;

static int check_header(unika_linkage *lk, file_ctx *f, const uint8_t *digest, unika_error *err)
{
    const unika_mkfile_header *h = f->h;
    if (lk->resolved)
        return unika_fail(err, UNIKA_ELINKAGE, "the linkage is resolved: no file can be added");
    if (lk->nfiles == UNIKA_LINK_MAX_FILES)
        return unika_fail(err, UNIKA_ELINKAGE, "more than %d files", UNIKA_LINK_MAX_FILES);
    char a[UNIKA_FINGERPRINT_HEX_BYTES], b[UNIKA_FINGERPRINT_HEX_BYTES];
    if (lk->has_key_fp && memcmp(lk->key_fp, h->key_fp, sizeof lk->key_fp)) {
        unika_fingerprint_to_hex(a, h->key_fp);
        unika_fingerprint_to_hex(b, lk->key_fp);
        return unika_fail_at(err, UNIKA_ELINKAGE, "key_fp", 0, "made under partnership key %s, "
                             "but the files before it under %s", a, b);
    }
    for (size_t i = 0; i < lk->nfiles; i++) {
        if (!memcmp(lk->files[i].digest, digest, UNIKA_DIGEST_BYTES))
            return unika_fail_at(err, UNIKA_ELINKAGE, "digest", 0,
                                 "the same file (organisation %s) is given twice", h->org);
        if (!strcmp(lk->files[i].org, h->org))
            return unika_fail_at(err, UNIKA_ELINKAGE, "org", 0, "a second file of organisation "
                                 "%s: one match-key file per organisation and resolution", h->org);
    }
    for (size_t i = 0; i < lk->params.by_count; i++) {
        size_t k = 0;
        while (k < h->by_count && strcmp(h->by[k], lk->by[i])) k++;
        if (k == h->by_count)
            return unika_fail_at(err, UNIKA_ELINKAGE, "by", 0, "organisation %s's file has no "
                                 "--by %s (it was made with %zu --by field(s))", h->org,
                                 lk->by[i], h->by_count);
        f->by_field[i] = k;
    }
    return 0;
}

static int map_values(unika_linkage *lk, file_ctx *f, unika_error *err)
{
    f->value_id = unika_malloc((f->h->value_count ? f->h->value_count : 1) * sizeof *f->value_id);
    if (!f->value_id) return unika_fail(err, UNIKA_ENOMEM, "out of memory");
    for (size_t i = 0; i < f->h->value_count; i++)
        if ((f->value_id[i] = string_id(lk, unika_mkreader_value(f->r, i))) == LK_NONE)
            return unika_fail(err, UNIKA_ENOMEM, "out of memory");
    return 0;
}

/* The profile's values from its keys. */
static int take_keys(unika_linkage *lk, lk_profile *q, const unika_mkprofile *p,
                     unika_error *err)
{
    if (GROW(lk->tokens, lk->cap_tokens, lk->ntokens + p->key_count) < 0 ||
        GROW(lk->dels, lk->cap_dels, lk->ndels + p->key_count) < 0)
        return unika_fail(err, UNIKA_ENOMEM, "out of memory for the tokens");
    q->tok = (uint32_t)lk->ntokens;
    q->del = (uint32_t)lk->ndels;
    for (size_t i = 0; i < p->key_count; i++) {
        unika_matchkey k;
        (void)unika_mkprofile_key(p, i, &k);
        uint32_t id = intern(&lk->values, k.value);
        if (id == LK_NONE) return unika_fail(err, UNIKA_ENOMEM, "out of memory for the values");
        switch (k.type) {
        case UNIKA_MK_PERSONNUMMER: q->pnr = id; break;
        case UNIKA_MK_SAMORDNINGSNUMMER: q->snr = id; break;
        case UNIKA_MK_DOSSIER: q->dos = id; break;
        case UNIKA_MK_NAME: q->name = id; break;
        case UNIKA_MK_TOKEN: lk->tokens[lk->ntokens++] = id; q->ntok++; break;
        case UNIKA_MK_TOKEN_DELETE:
            lk->dels[lk->ndels++] = (lk_del){id, k.token};
            q->ndel++;
            break;
        case UNIKA_MK_BIRTH_YEAR: q->year = id; break;
        case UNIKA_MK_BIRTH_YEAR_SHIFTED_1: q->year1 = id; break;
        case UNIKA_MK_BIRTH_YEAR_SHIFTED_2: q->year2 = id; break;
        case UNIKA_MK_BIRTH_MONTH_DAY: q->md = id; break;
        case UNIKA_MK_BIRTH_MONTH_DAY_SWAPPED: q->mds = id; break;
        default: q->country = id;
        }
    }
    return 0;
}

/* The profile's cells and visit span. */
static int take_visits(unika_linkage *lk, file_ctx *f, lk_profile *q, const unika_mkprofile *p,
                       unika_error *err)
{
    if (lk_grow((void **)&f->cells, &f->cap_cells, p->visit_count, sizeof *f->cells) < 0)
        return unika_fail(err, UNIKA_ENOMEM, "out of memory for the visits");
    q->lo = LK_SPAN_NONE;
    q->hi = 0;
    for (size_t i = 0; i < p->visit_count; i++) {
        unika_mkvisit v;
        (void)unika_mkprofile_visit(f->r, p, i, &v);
        if (v.year == 0 && lk->params.period != UNIKA_MK_PERIOD_ALL)
            return unika_fail_at(err, UNIKA_ELINKAGE, "visit", 0, "organisation %s has visits "
                                 "without a date, which --period %s needs (link with --period "
                                 "all)", f->h->org, unika_mk_period_name(lk->params.period));
        if (v.year) {
            uint16_t hy = (uint16_t)(v.year * 2 + (v.month > 6));
            if (hy < q->lo) q->lo = hy;
            if (hy > q->hi) q->hi = hy;
        }
        lk_cell c;
        memset(&c, 0, sizeof c);
        c.file = f->file;
        c.period = period_code(lk->params.period, v.year, v.month);
        for (size_t b = 0; b < lk->params.by_count; b++)
            c.value[b] = f->value_id[unika_mkprofile_visit_value_index(f->r, p, i, f->by_field[b])];
        c.hash = cell_hash(&c);
        if ((f->cells[i] = cell_id(lk, &c, err)) == LK_NONE) return err ? err->code : UNIKA_ENOMEM;
    }
    unika_sort_ids(f->cells, p->visit_count, 1);
    size_t n = 0;
    for (size_t i = 0; i < p->visit_count; i++)
        if (!n || f->cells[i] != f->cells[n - 1]) f->cells[n++] = f->cells[i];
    if (GROW(lk->cells_of, lk->cap_cells_of, lk->ncells_of + n) < 0)
        return unika_fail(err, UNIKA_ENOMEM, "out of memory for the visits");
    q->cell = (uint32_t)lk->ncells_of;
    q->ncell = (uint32_t)n;
    if (n) memcpy(lk->cells_of + lk->ncells_of, f->cells, n * sizeof *f->cells);
    lk->ncells_of += n;
    return 0;
}

static int take_profile(unika_linkage *lk, file_ctx *f, const unika_mkprofile *p,
                        unika_error *err)
{
    if (GROW(lk->profiles, lk->cap_profiles, lk->nprofiles + 1) < 0)
        return unika_fail(err, UNIKA_ENOMEM, "out of memory for the profiles");
    if (lk->ntokens + p->key_count >= LK_NONE || lk->ncells_of + p->visit_count >= LK_NONE ||
        lk->nprofiles + 1 >= LK_NONE)
        return unika_fail(err, UNIKA_ERANGE, "more than 2^32 profiles, keys or cells");
    lk_profile *q = &lk->profiles[lk->nprofiles];
    memset(q, 0, sizeof *q);
    q->pnr = q->snr = q->dos = q->name = q->year = q->year1 = q->year2 = LK_NONE;
    q->md = q->mds = q->country = LK_NONE;
    q->file = f->file;
    q->gender = (uint8_t)p->gender;
    q->flags = (uint8_t)p->flags;
    q->rows = p->rows;
    /* The identity bytes are gender, flags, key_count and the keys. */
    uint8_t head[4] = {q->gender, q->flags, (uint8_t)p->key_count, (uint8_t)(p->key_count >> 8)};
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, 16);
    crypto_generichash_update(&st, (const uint8_t *)"unika-mkprof-v1", 15);
    crypto_generichash_update(&st, head, sizeof head);
    crypto_generichash_update(&st, p->keys, p->key_count * UNIKA_MKPROFILE_KEY_BYTES);
    crypto_generichash_final(&st, q->id_digest, 16);
    int rc = take_keys(lk, q, p, err);
    if (rc == 0) rc = take_visits(lk, f, q, p, err);
    if (rc == 0) lk->nprofiles++;
    return rc;
}

int unika_mkprofile_id_digest(uint8_t dst[16], const unika_matchkeys *keys)
{
    if (!dst || !keys || keys->count > UNIKA_MATCHKEYS_MAX) return UNIKA_EINVAL;
    uint8_t head[4] = {(uint8_t)keys->gender, (uint8_t)keys->flags, (uint8_t)keys->count,
                       (uint8_t)(keys->count >> 8)};
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, 16);
    crypto_generichash_update(&st, (const uint8_t *)"unika-mkprof-v1", 15);
    crypto_generichash_update(&st, head, sizeof head);
    for (size_t i = 0; i < keys->count; i++) {
        uint8_t k[UNIKA_MKPROFILE_KEY_BYTES];
        k[0] = keys->keys[i].type;
        memcpy(k + 1, keys->keys[i].value, UNIKA_MATCHKEY_BYTES);
        k[1 + UNIKA_MATCHKEY_BYTES] = keys->keys[i].token;
        crypto_generichash_update(&st, k, sizeof k);
    }
    crypto_generichash_final(&st, dst, 16);
    return 0;
}

/* Undoes a failed add: what the file added is dropped again (interned
 * values, strings and cells may stay: they are unused and never output). */
static void rollback(unika_linkage *lk, size_t profiles, size_t tokens, size_t dels,
                     size_t cells_of)
{
    lk->nprofiles = profiles;
    lk->ntokens = tokens;
    lk->ndels = dels;
    lk->ncells_of = cells_of;
}

static int read_file(unika_linkage *lk, file_ctx *f, uint64_t *count, uint64_t *rows,
                     unika_error *err)
{
    int rc = unika_mkreader_rewind(f->r, err);
    if (rc < 0) return rc;
    unika_mkprofile p;
    while ((rc = unika_mkreader_next(f->r, &p, err)) == 1) {
        if ((rc = take_profile(lk, f, &p, err)) < 0) return rc;
        (*count)++;
        *rows += p.rows;
    }
    return rc;
}

int unika_linkage_add(unika_linkage *lk, unika_mkreader *r,
                      const uint8_t digest[UNIKA_DIGEST_BYTES], const char *signer,
                      unika_error *err)
{
    if (!lk || !r || !digest) return unika_fail(err, UNIKA_EINVAL, "unika_linkage_add: NULL");
    file_ctx f;
    memset(&f, 0, sizeof f);
    f.r = r;
    f.h = unika_mkreader_header(r);
    f.file = (uint16_t)lk->nfiles;
    int rc = check_header(lk, &f, digest, err);
    if (rc == 0) {
        lk_file *files = unika_realloc(lk->files, lk->nfiles * sizeof *lk->files,
                                       (lk->nfiles + 1) * sizeof *lk->files);
        if (!files) rc = unika_fail(err, UNIKA_ENOMEM, "out of memory");
        else lk->files = files;
    }
    if (rc == 0) rc = map_values(lk, &f, err);
    size_t np = lk->nprofiles, nt = lk->ntokens, nd = lk->ndels, nc = lk->ncells_of;
    uint64_t count = 0, rows = 0;
    if (rc == 0) rc = read_file(lk, &f, &count, &rows, err);
    unika_free(f.value_id);
    unika_free(f.cells);
    if (rc < 0) {
        rollback(lk, np, nt, nd, nc);
        return rc;
    }
    lk_file *x = &lk->files[lk->nfiles++];
    memset(x, 0, sizeof *x);
    snprintf(x->org, sizeof x->org, "%s", f.h->org);
    snprintf(x->signer, sizeof x->signer, "%s", signer ? signer : "");
    memcpy(x->digest, digest, UNIKA_DIGEST_BYTES);
    x->profiles = count;
    x->rows = rows;
    x->first = np;
    x->period = f.h->period;
    memcpy(lk->key_fp, f.h->key_fp, sizeof lk->key_fp);
    lk->has_key_fp = 1;
    return 0;
}

/* ---- canonical order ------------------------------------------------------------- */

static int file_cmp(const void *a, const void *b)
{
    return strcmp(((const lk_file *)a)->org, ((const lk_file *)b)->org);
}

/* Files sorted by organisation, their profiles moved into that order. */
static int order_files(unika_linkage *lk, unika_error *err)
{
    size_t n = lk->nfiles;
    uint16_t *to = unika_malloc(n * sizeof *to);
    lk_profile *moved = unika_malloc((lk->nprofiles ? lk->nprofiles : 1) * sizeof *moved);
    lk_file *sorted = unika_malloc(n * sizeof *sorted);
    if (!to || !moved || !sorted) {
        unika_free(to), unika_free(moved), unika_free(sorted);
        return unika_fail(err, UNIKA_ENOMEM, "out of memory");
    }
    memcpy(sorted, lk->files, n * sizeof *sorted);
    lk_qsort(sorted, n, sizeof *sorted, file_cmp);
    uint64_t first = 0;
    for (size_t i = 0; i < n; i++) {
        size_t old = 0;
        while (strcmp(lk->files[old].org, sorted[i].org)) old++;
        to[old] = (uint16_t)i;
        if (lk->files[old].profiles)
            memcpy(moved + first, lk->profiles + lk->files[old].first,
                   lk->files[old].profiles * sizeof *moved);
        sorted[i].first = first;
        first += sorted[i].profiles;
    }
    for (size_t p = 0; p < lk->nprofiles; p++) moved[p].file = to[moved[p].file];
    for (size_t c = 0; c < lk->ncells; c++) lk->cells[c].file = to[lk->cells[c].file];
    unika_free(lk->profiles);
    unika_free(lk->files);
    lk->profiles = moved;
    lk->cap_profiles = lk->nprofiles;
    lk->files = sorted;
    unika_free(to);
    return 0;
}

static uint32_t renumber(uint32_t *map, uint32_t *next, uint32_t id)
{
    if (id == LK_NONE) return id;
    if (map[id] == LK_NONE) map[id] = (*next)++;
    return map[id];
}

/* Ids renumbered by first appearance in canonical order; the table of
 * values is not needed after this and is freed. */
static int renumber_ids(unika_linkage *lk, unika_error *err)
{
    uint32_t *map = unika_malloc(((size_t)lk->values.count + 1) * sizeof *map);
    if (!map) return unika_fail(err, UNIKA_ENOMEM, "out of memory");
    memset(map, 0xff, ((size_t)lk->values.count + 1) * sizeof *map);
    uint32_t next = 0;
    for (size_t i = 0; i < lk->nprofiles; i++) {
        lk_profile *p = &lk->profiles[i];
        uint32_t *fields[] = {&p->pnr, &p->snr, &p->dos, &p->name, &p->year, &p->year1,
                              &p->year2, &p->md, &p->mds, &p->country};
        for (size_t k = 0; k < UNIKA_ARRAY_LEN(fields); k++)
            *fields[k] = renumber(map, &next, *fields[k]);
        for (size_t k = 0; k < p->ntok; k++)
            lk->tokens[p->tok + k] = renumber(map, &next, lk->tokens[p->tok + k]);
        for (size_t k = 0; k < p->ndel; k++)
            lk->dels[p->del + k].id = renumber(map, &next, lk->dels[p->del + k].id);
    }
    unika_free(map);
    unika_free(lk->values.values);
    unika_free(lk->values.slot);
    memset(&lk->values, 0, sizeof lk->values);
    lk->values.count = next;
    return 0;
}

int lk_canonical(unika_linkage *lk, unika_error *err)
{
    int rc = order_files(lk, err);
    return rc < 0 ? rc : renumber_ids(lk, err);
}

/* ---- life cycle ----------------------------------------------------------------- */

void unika_link_params_init(unika_link_params *p)
{
    if (!p) return;
    memset(p, 0, sizeof *p);
    p->tau = UNIKA_LINK_TAU_DEFAULT;
    p->max_cluster = UNIKA_LINK_MAX_CLUSTER_DEFAULT;
    p->period = UNIKA_MK_PERIOD_HALF_YEAR;
    p->precision = 14;
}

static int by_name_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > UNIKA_MK_BY_NAME_MAX) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '.' ||
              *s == '-'))
            return 0;
    return 1;
}

static int check_params(const unika_link_params *p, unika_error *err)
{
    if (!(p->tau > 0 && p->tau <= 1))
        return unika_fail(err, UNIKA_EINVAL, "tau must be in (0, 1]");
    if (p->max_cluster < 2) return unika_fail(err, UNIKA_EINVAL, "max_cluster must be >= 2");
    if (!unika_mk_period_name(p->period)) return unika_fail(err, UNIKA_EINVAL, "unknown period");
    if (p->precision < UNIKA_SKETCH_P_MIN || p->precision > UNIKA_SKETCH_P_MAX)
        return unika_fail(err, UNIKA_EINVAL, "precision must be %d..%d", UNIKA_SKETCH_P_MIN,
                          UNIKA_SKETCH_P_MAX);
    if (p->by_count > UNIKA_MK_MAX_BY)
        return unika_fail(err, UNIKA_EINVAL, "at most %d --by fields", UNIKA_MK_MAX_BY);
    for (size_t i = 0; i < p->by_count; i++) {
        if (!by_name_ok(p->by[i])) return unika_fail(err, UNIKA_EINVAL, "a bad --by field name");
        for (size_t k = 0; k < i; k++)
            if (!strcmp(p->by[k], p->by[i]))
                return unika_fail(err, UNIKA_EINVAL, "--by %s given twice", p->by[i]);
    }
    return 0;
}

int unika_linkage_new(unika_linkage **out, const unika_link_params *p, unika_error *err)
{
    if (!out || !p) return unika_fail(err, UNIKA_EINVAL, "unika_linkage_new: NULL");
    *out = NULL;
    int rc = check_params(p, err);
    if (rc < 0) return rc;
    unika_linkage *lk = unika_calloc(1, sizeof *lk);
    if (!lk) return unika_fail(err, UNIKA_ENOMEM, "out of memory");
    lk->params = *p;
    for (size_t i = 0; i < p->by_count; i++) {
        if (!(lk->by[i] = unika_strndup(p->by[i], strlen(p->by[i])))) {
            unika_linkage_free(lk);
            return unika_fail(err, UNIKA_ENOMEM, "out of memory");
        }
        lk->params.by[i] = lk->by[i];
    }
    *out = lk;
    return 0;
}

void lk_load_free(unika_linkage *lk)
{
    unika_free(lk->files);
    unika_free(lk->profiles);
    unika_free(lk->tokens);
    unika_free(lk->dels);
    unika_free(lk->cells_of);
    unika_free(lk->values.values);
    unika_free(lk->values.slot);
    unika_free(lk->cells);
    unika_free(lk->cell_slot);
    for (size_t i = 0; i < lk->nstrings; i++) unika_free(lk->strings[i]);
    unika_free(lk->strings);
    unika_free(lk->string_slot);
    for (size_t i = 0; i < UNIKA_MK_MAX_BY; i++) unika_free(lk->by[i]);
}
