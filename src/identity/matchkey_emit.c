/*
 * matchkey_emit.c - a match-key writer's content, in canonical order, to a
 * buffer or to a file (docs/matchkeys.md, "The file").
 *
 * The order is made here and only here: a PLAN ranks the --by values that
 * visits use (sorted by bytes), the profiles that have visits (sorted by
 * their identity bytes) and the visits (by profile rank, then month, then
 * value ranks). The plan also gives the exact size, which the header states
 * before anything else is written. The writer's own tables are not changed,
 * so rows may still be added after a file was written.
 */
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "common/common.h"
#include "common/fileio.h"
#include "common/sort.h"
#include "identity/matchkey_private.h"
#include "identity/matchkey_writer.h"

/* A visit cell as written, its order in words (unika_sort_words()): the
 * profile's rank, the period, the --by values' ranks two to a word. */
typedef struct out_cell {
    uint32_t profile;
    uint32_t period;                     /* year << 8 | month */
    uint32_t value[UNIKA_MK_MAX_BY / 2]; /* value 2i << 16 | value 2i + 1 */
    uint32_t rows;
} out_cell;
#define OUT_CELL_WORDS (2 + UNIKA_MK_MAX_BY / 2)
_Static_assert(UNIKA_MK_MAX_BY % 2 == 0, "--by values two to a word");

typedef struct plan {
    const mk_value **values; /* used values, sorted */
    size_t nvalues;
    uint32_t *vrank;         /* value id -> rank */
    const mk_profile **profiles; /* profiles with visits, sorted */
    size_t nprofiles;
    uint32_t *prank;         /* profile id -> rank */
    out_cell *cells;         /* sorted */
    size_t ncells;
    uint64_t size;           /* of the whole file */
} plan;

static void plan_free(plan *p)
{
    unika_free(p->values);
    unika_free(p->vrank);
    unika_free(p->profiles);
    unika_free(p->prank);
    unika_free(p->cells);
    memset(p, 0, sizeof *p);
}

static int bytes_cmp(const void *a, size_t an, const void *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c ? c : (an > bn) - (an < bn);
}

static int value_cmp(const void *a, const void *b)
{
    const mk_value *x = *(const mk_value *const *)a, *y = *(const mk_value *const *)b;
    return bytes_cmp(x->s, x->len, y->s, y->len);
}

static int profile_cmp(const void *a, const void *b)
{
    const mk_profile *x = *(const mk_profile *const *)a, *y = *(const mk_profile *const *)b;
    return bytes_cmp(x->id, x->id_len, y->id, y->id_len);
}

/* Ranks the values the cells use. */
static int plan_values(plan *p, const unika_mkwriter *w)
{
    p->vrank = unika_malloc((w->nvalues ? w->nvalues : 1) * sizeof *p->vrank);
    p->values = unika_malloc((w->nvalues ? w->nvalues : 1) * sizeof *p->values);
    if (!p->vrank || !p->values) return UNIKA_ENOMEM;
    for (size_t i = 0; i < w->nvalues; i++) p->vrank[i] = 0;
    for (size_t c = 0; c < w->ncells; c++)
        for (size_t f = 0; f < w->by_count; f++) p->vrank[w->cells[c].value[f]] = 1;
    for (size_t i = 0; i < w->nvalues; i++)
        if (p->vrank[i]) p->values[p->nvalues++] = &w->values[i];
    qsort(p->values, p->nvalues, sizeof *p->values, value_cmp);
    for (size_t r = 0; r < p->nvalues; r++) p->vrank[p->values[r] - w->values] = (uint32_t)r;
    return 0;
}

static int plan_build(plan *p, const unika_mkwriter *w, unika_error *err)
{
    memset(p, 0, sizeof *p);
    size_t np = w->nprofiles ? w->nprofiles : 1;
    p->profiles = unika_malloc(np * sizeof *p->profiles);
    p->prank = unika_malloc(np * sizeof *p->prank);
    p->cells = unika_malloc((w->ncells ? w->ncells : 1) * sizeof *p->cells);
    if (!p->profiles || !p->prank || !p->cells || plan_values(p, w) < 0) goto nomem;
    uint64_t size = MK_HEADER_BYTES + strlen(w->org) + (w->bands ? strlen(w->bands) : 0) +
                    MK_CHECKSUM_BYTES;
    for (size_t f = 0; f < w->by_count; f++) size += 1 + strlen(w->by[f]);
    for (size_t r = 0; r < p->nvalues; r++) size += 2 + p->values[r]->len;
    for (size_t i = 0; i < w->nprofiles; i++)
        if (w->profiles[i].visits)
            p->profiles[p->nprofiles++] = &w->profiles[i];
    qsort(p->profiles, p->nprofiles, sizeof *p->profiles, profile_cmp);
    for (size_t r = 0; r < p->nprofiles; r++) {
        p->prank[p->profiles[r] - w->profiles] = (uint32_t)r;
        size += p->profiles[r]->id_len + MK_VISIT_COUNT_BYTES;
    }
    for (size_t c = 0; c < w->ncells; c++) {
        const mk_cell *in = &w->cells[c];
        if (in->rows > UINT32_MAX) {
            plan_free(p);
            return unika_fail(err, UNIKA_ERANGE, "match-key file: a visit cell holds %llu "
                              "rows, more than a file can state (2^32 - 1)",
                              (unsigned long long)in->rows);
        }
        out_cell *o = &p->cells[p->ncells++];
        memset(o, 0, sizeof *o);
        o->profile = p->prank[in->profile];
        o->period = (uint32_t)in->year << 8 | in->month;
        for (size_t f = 0; f < w->by_count; f++)
            o->value[f / 2] |= (p->vrank[in->value[f]] & 0xFFFF) << (f % 2 ? 0 : 16);
        o->rows = (uint32_t)in->rows;
    }
    if (unika_sort_words(p->cells, p->ncells, sizeof *p->cells, OUT_CELL_WORDS)) goto nomem;
    p->size = size + p->ncells * unika_mk_visit_bytes(w->by_count);
    return 0;
nomem:
    plan_free(p);
    return unika_fail(err, UNIKA_ENOMEM, "out of memory writing a match-key file");
}

/* ---- the emitter ------------------------------------------------------------ */

typedef struct emitter {
    uint8_t *dst; /* a buffer of p->size bytes, or NULL */
    size_t pos;
    FILE *fp;     /* else a file */
    XXH64_state_t *hash;
} emitter;

static void emit(emitter *e, const void *src, size_t n)
{
    XXH64_update(e->hash, src, n);
    if (e->dst) memcpy(e->dst + e->pos, src, n);
    else fwrite(src, 1, n, e->fp); /* errors: ferror() at commit */
    e->pos += n;
}

static void emit_header(emitter *e, const unika_mkwriter *w, const plan *p)
{
    uint8_t h[MK_HEADER_BYTES] = {0};
    memcpy(h, UNIKA_MKFILE_MAGIC, sizeof UNIKA_MKFILE_MAGIC);
    unika_store16_le(h + MK_OFF_VERSION, UNIKA_MKFILE_VERSION);
    unika_store16_le(h + MK_OFF_MK_VERSION, UNIKA_MATCHKEY_VERSION);
    h[MK_OFF_PERIOD] = (uint8_t)w->period;
    h[MK_OFF_BY_COUNT] = (uint8_t)w->by_count;
    h[MK_OFF_ORG_LEN] = (uint8_t)strlen(w->org);
    h[MK_OFF_BANDS_LEN] = (uint8_t)(w->bands ? strlen(w->bands) : 0);
    unika_store64_le(h + MK_OFF_TOTAL_SIZE, p->size);
    unika_store64_le(h + MK_OFF_PROFILE_COUNT, p->nprofiles);
    unika_store64_le(h + MK_OFF_ROW_COUNT, w->rows);
    unika_store32_le(h + MK_OFF_VALUE_COUNT, (uint32_t)p->nvalues);
    memcpy(h + MK_OFF_KEY_FP, w->key_fp, UNIKA_FINGERPRINT_BYTES);
    emit(e, h, sizeof h);
    emit(e, w->org, h[MK_OFF_ORG_LEN]);
    if (w->bands) emit(e, w->bands, h[MK_OFF_BANDS_LEN]);
    for (size_t f = 0; f < w->by_count; f++) {
        uint8_t len = (uint8_t)strlen(w->by[f]);
        emit(e, &len, 1);
        emit(e, w->by[f], len);
    }
    for (size_t r = 0; r < p->nvalues; r++) {
        uint8_t len[2];
        unika_store16_le(len, (uint16_t)p->values[r]->len);
        emit(e, len, 2);
        emit(e, p->values[r]->s, p->values[r]->len);
    }
}

static void emit_all(emitter *e, const unika_mkwriter *w, const plan *p)
{
    emit_header(e, w, p);
    size_t c = 0;
    uint8_t v[MK_VISIT_FIXED + 2 * UNIKA_MK_MAX_BY] = {0};
    /* the writer refuses more than UNIKA_MK_MAX_BY fields; said again for the compiler */
    size_t nby = w->by_count < UNIKA_MK_MAX_BY ? w->by_count : UNIKA_MK_MAX_BY;
    for (size_t r = 0; r < p->nprofiles; r++) {
        emit(e, p->profiles[r]->id, p->profiles[r]->id_len);
        uint8_t count[MK_VISIT_COUNT_BYTES];
        unika_store32_le(count, (uint32_t)p->profiles[r]->visits);
        emit(e, count, sizeof count);
        for (; c < p->ncells && p->cells[c].profile == r; c++) {
            const out_cell *o = &p->cells[c];
            unika_store16_le(v, (uint16_t)(o->period >> 8));
            v[2] = (uint8_t)o->period;
            for (size_t f = 0; f < nby; f++)
                unika_store16_le(v + 4 + 2 * f, (uint16_t)(o->value[f / 2] >> (f % 2 ? 0 : 16)));
            unika_store32_le(v + 4 + 2 * nby, o->rows);
            emit(e, v, unika_mk_visit_bytes(nby));
        }
    }
    uint8_t sum[MK_CHECKSUM_BYTES];
    unika_store64_le(sum, XXH64_digest(e->hash));
    emit(e, sum, sizeof sum);
}

static int emit_run(emitter *e, const unika_mkwriter *w, const plan *p, unika_error *err)
{
    e->hash = XXH64_createState();
    if (!e->hash) return unika_fail(err, UNIKA_ENOMEM, "out of memory writing a match-key file");
    XXH64_reset(e->hash, 0);
    emit_all(e, w, p);
    XXH64_freeState(e->hash);
    if (e->pos != p->size)
        return unika_fail(err, UNIKA_EINTERNAL, "match-key file: wrote %zu bytes, planned %llu",
                          e->pos, (unsigned long long)p->size);
    return 0;
}

int unika_mkwriter_serialize(uint8_t *dst, size_t dst_capacity, size_t *size, unika_mkwriter *w,
                             unika_error *err)
{
    if (size) *size = 0;
    if (!w || !size) return unika_fail(err, UNIKA_EINVAL, "match-key file: NULL argument");
    plan p;
    int rc = plan_build(&p, w, err);
    if (rc < 0) return rc;
    if (p.size > SIZE_MAX) rc = unika_fail(err, UNIKA_ERANGE, "match-key file too large");
    else if (dst && dst_capacity < p.size)
        rc = unika_fail(err, UNIKA_EBUFFER, "match-key file needs %llu bytes",
                        (unsigned long long)p.size);
    if (rc == 0 && dst) {
        emitter e = {dst, 0, NULL, NULL};
        rc = emit_run(&e, w, &p, err);
    }
    if (rc == 0) *size = (size_t)p.size;
    plan_free(&p);
    return rc;
}

int unika_mkwriter_save(unika_mkwriter *w, const char *path, unsigned flags, unika_error *err)
{
    if (!w || !path) return unika_fail(err, UNIKA_EINVAL, "match-key file: NULL argument");
    if (flags & ~UNIKA_MKFILE_OVERWRITE)
        return unika_fail(err, UNIKA_EINVAL, "match-key file: unknown flags 0x%x", flags);
    plan p;
    int rc = plan_build(&p, w, err);
    if (rc < 0) return rc;
    unika_atomic_file f;
    rc = unika_atomic_open(&f, path, 0644, (flags & UNIKA_MKFILE_OVERWRITE) != 0, err);
    if (rc == 0) {
        emitter e = {NULL, 0, f.fp, NULL};
        rc = emit_run(&e, w, &p, err);
        if (rc == 0) rc = unika_atomic_commit(&f, err);
        else unika_atomic_abort(&f);
    }
    plan_free(&p);
    return rc;
}
