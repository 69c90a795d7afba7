/*
 * matchkey_file.c - writing match-key files (unika/matchkey_file.h), and
 * the checks the reader (matchkey_read.c) shares.
 *
 * A partner's rows arrive in any order; the file must not depend on it
 * (docs/matchkeys.md, "Canonical form"). So the writer only collects: a
 * hash table of profiles keyed by their identity bytes (gender, flags,
 * keys: exactly what the file holds), a hash table of visit cells keyed by
 * (profile, month, --by values), and the distinct --by values. Order is
 * made once, when the file is written: values sorted by bytes, profiles by
 * their bytes, each profile's visits by cell. Memory grows with the number
 * of distinct profiles and cells, never with the rows (docs/resources.md).
 *
 * Output streams through an emitter (a buffer, or the one atomic writer's
 * FILE) that hashes as it goes, so a large file is never held twice.
 */
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "common/common.h"
#include "common/fileio.h"
#include "common/label.h"
#include "identity/matchkey_private.h"
#include "identity/matchkey_writer.h"

const uint8_t UNIKA_MKFILE_MAGIC[8] = {0x81, 0x55, 0x4D, 0x4B, 0x0D, 0x0A, 0x1A, 0x0A};

#define IDENTITY_MAX (MK_PROFILE_HEAD + UNIKA_MATCHKEYS_MAX * UNIKA_MKPROFILE_KEY_BYTES)

static const char *const PERIOD_NAMES[] = {NULL, "half-year", "year", "month", "all"};

const char *unika_mk_period_name(unika_mk_period period)
{
    return period >= UNIKA_MK_PERIOD_HALF_YEAR && period <= UNIKA_MK_PERIOD_ALL
               ? PERIOD_NAMES[period] : NULL;
}

/* Hand-formatted: `ingest` calls it for every row. */
static void put_digits(char *dst, int v, int width)
{
    for (int i = width - 1; i >= 0; i--, v /= 10) dst[i] = (char)('0' + v % 10);
}

void unika_mk_period_label(char dst[16], unika_mk_period period, int year, int month)
{
    switch (period) {
    case UNIKA_MK_PERIOD_HALF_YEAR:
        put_digits(dst, year, 4);
        dst[4] = 'H';
        dst[5] = month <= 6 ? '1' : '2';
        dst[6] = '\0';
        break;
    case UNIKA_MK_PERIOD_YEAR:
        put_digits(dst, year, 4);
        dst[4] = '\0';
        break;
    case UNIKA_MK_PERIOD_MONTH:
        put_digits(dst, year, 4);
        dst[4] = '-';
        put_digits(dst + 5, month, 2);
        dst[7] = '\0';
        break;
    case UNIKA_MK_PERIOD_ALL: memcpy(dst, "all", 4); break;
    default: dst[0] = '\0';
    }
}

/* ---- checks shared with the reader ------------------------------------------ */

size_t unika_mk_org_check(const uint8_t *s, size_t len)
{
    if (len == 0 || len > UNIKA_MK_ORG_MAX) return len + 1;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || (c == '.' && i > 0);
        if (!ok) return i + 1;
    }
    return 0;
}

/* Types that a record has at most once (all but the name tokens). */
static int single_valued(unsigned type)
{
    return type != UNIKA_MK_TOKEN && type != UNIKA_MK_TOKEN_DELETE;
}

/* A TOKEN_DELETE's `token` must name a TOKEN key (tokens sort before
 * deletions) that is the first of its equal words; every other type has 0. */
static int token_index_bad(const uint8_t *keys, const uint8_t *k, size_t first_token,
                           size_t tokens)
{
    unsigned t = k[1 + UNIKA_MATCHKEY_BYTES];
    if (k[0] != UNIKA_MK_TOKEN_DELETE) return t != 0;
    if (t >= tokens) return 1;
    const uint8_t *word = keys + (first_token + t) * UNIKA_MKPROFILE_KEY_BYTES;
    return t > 0 && !memcmp(word + 1, word + 1 - UNIKA_MKPROFILE_KEY_BYTES, UNIKA_MATCHKEY_BYTES);
}

static int identity_fail(const char **what, size_t *at, const char *text, size_t i)
{
    *what = text;
    *at = i;
    return UNIKA_EFORMAT;
}

int unika_mk_identity_check(unsigned gender, unsigned flags, const uint8_t *keys,
                            size_t key_count, const char **what, size_t *at)
{
    if (gender > UNIKA_GENDER_OTHER)
        return identity_fail(what, at, "gender is not 0..3", key_count);
    if (flags & ~UNIKA_MK_FLAGS_ALL)
        return identity_fail(what, at, "reserved flag bits set", key_count);
    if (key_count == 0 || key_count > UNIKA_MATCHKEYS_MAX)
        return identity_fail(what, at, "key count is not 1..512", key_count);
    unsigned seen[UNIKA_MK_TYPE_MAX + 1] = {0};
    size_t first_token = 0;
    for (size_t i = 0; i < key_count; i++) {
        const uint8_t *k = keys + i * UNIKA_MKPROFILE_KEY_BYTES;
        if (k[0] < 1 || k[0] > UNIKA_MK_TYPE_MAX)
            return identity_fail(what, at, "unknown match-key type", i);
        if (i > 0) {
            const uint8_t *p = k - UNIKA_MKPROFILE_KEY_BYTES;
            int c = memcmp(p, k, UNIKA_MKPROFILE_KEY_BYTES);
            if (c > 0) return identity_fail(what, at, "keys not sorted by (type, value, token)", i);
            if (c == 0 && k[0] != UNIKA_MK_TOKEN)
                return identity_fail(what, at, "a key repeated (only tokens may repeat)", i);
        }
        if (seen[k[0]]++ && single_valued(k[0]))
            return identity_fail(what, at, "a single-valued type present twice", i);
        if (k[0] == UNIKA_MK_TOKEN && seen[k[0]] == 1) first_token = i;
        if (token_index_bad(keys, k, first_token, seen[UNIKA_MK_TOKEN]))
            return identity_fail(what, at, "a token index that names no first word of its "
                                 "value (or is set on another type than token_delete)", i);
    }
    unsigned precision = flags & UNIKA_MK_PRECISION_MASK;
    unsigned years = seen[UNIKA_MK_BIRTH_YEAR] + seen[UNIKA_MK_BIRTH_YEAR_SHIFTED_1] +
                seen[UNIKA_MK_BIRTH_YEAR_SHIFTED_2];
    const char *bad = NULL;
    if (!seen[UNIKA_MK_PERSONNUMMER] && !seen[UNIKA_MK_SAMORDNINGSNUMMER] &&
        !seen[UNIKA_MK_DOSSIER] && !seen[UNIKA_MK_NAME])
        bad = "no identifying key (name, personnummer, samordningsnummer or dossier)";
    else if (!seen[UNIKA_MK_NAME] != !seen[UNIKA_MK_TOKEN])
        bad = "a name key without tokens, or tokens without a name key";
    else if (seen[UNIKA_MK_TOKEN_DELETE] && !seen[UNIKA_MK_TOKEN])
        bad = "token deletions without tokens";
    else if (years != (precision == UNIKA_MK_PRECISION_NONE ? 0u : 3u))
        bad = "the birth-year keys do not fit the birth precision";
    else if (!seen[UNIKA_MK_BIRTH_MONTH_DAY] != (precision != UNIKA_MK_PRECISION_DAY))
        bad = "the month-day key does not fit the birth precision";
    else if (seen[UNIKA_MK_BIRTH_MONTH_DAY_SWAPPED] && !seen[UNIKA_MK_BIRTH_MONTH_DAY])
        bad = "a swapped month-day without a month-day";
    else if ((flags & UNIKA_MK_JAN1) && precision != UNIKA_MK_PRECISION_YEAR)
        bad = "the 1 January flag without year precision";
    return bad ? identity_fail(what, at, bad, key_count) : 0;
}

int unika_mk_visit_cmp(const uint8_t *a, const uint8_t *b, size_t by_count)
{
    unsigned ya = unika_load16_le(a), yb = unika_load16_le(b);
    if (ya != yb) return ya < yb ? -1 : 1;
    if (a[2] != b[2]) return a[2] < b[2] ? -1 : 1;
    for (size_t f = 0; f < by_count; f++) {
        unsigned va = unika_load16_le(a + 4 + 2 * f), vb = unika_load16_le(b + 4 + 2 * f);
        if (va != vb) return va < vb ? -1 : 1;
    }
    return 0;
}

/* ---- the writer's tables ------------------------------------------------------ */

/* Makes room for one more entry of n; rebuilds from hashes via `hash_at`. */
static int table_reserve(table *t, size_t n, const void *entries, size_t stride,
                         size_t hash_offset)
{
    if ((n + 1) * 2 <= t->size) return 0;
    size_t size = t->size ? t->size * 2 : 1024;
    uint32_t *slot = unika_calloc(size, sizeof *slot);
    if (!slot) return UNIKA_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        uint64_t h;
        memcpy(&h, (const uint8_t *)entries + i * stride + hash_offset, sizeof h);
        size_t k = (size_t)h & (size - 1);
        while (slot[k]) k = (k + 1) & (size - 1);
        slot[k] = (uint32_t)(i + 1);
    }
    unika_free(t->slot);
    t->slot = slot;
    t->size = size;
    return 0;
}

static int grow(void **array, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap) return 0;
    size_t c = *cap ? *cap * 2 : 256;
    void *p = unika_realloc(*array, *cap * elem, c * elem);
    if (!p) return UNIKA_ENOMEM;
    *array = p;
    *cap = c;
    return 0;
}

/* The id of value s (interned if new), or a negative code. */
static long value_id(unika_mkwriter *w, const char *s, size_t len)
{
    uint64_t h = XXH64(s, len, 0);
    for (size_t k = (size_t)h & (w->vtab.size - 1); w->vtab.size && w->vtab.slot[k];
         k = (k + 1) & (w->vtab.size - 1)) {
        const mk_value *v = &w->values[w->vtab.slot[k] - 1];
        if (v->hash == h && v->len == len && memcmp(v->s, s, len) == 0)
            return (long)(w->vtab.slot[k] - 1);
    }
    if (w->nvalues == UNIKA_MK_VALUES_MAX) return UNIKA_ERANGE;
    if (grow((void **)&w->values, &w->cap_values, w->nvalues, sizeof *w->values) ||
        table_reserve(&w->vtab, w->nvalues, w->values, sizeof *w->values,
                      offsetof(mk_value, hash)))
        return UNIKA_ENOMEM;
    char *copy = unika_malloc(len + 1);
    if (!copy) return UNIKA_ENOMEM;
    memcpy(copy, s, len);
    copy[len] = '\0';
    w->values[w->nvalues] = (mk_value){copy, len, h};
    size_t k = (size_t)h & (w->vtab.size - 1);
    while (w->vtab.slot[k]) k = (k + 1) & (w->vtab.size - 1);
    w->vtab.slot[k] = (uint32_t)++w->nvalues;
    return (long)(w->nvalues - 1);
}

/* The profile whose identity bytes are id[0 .. n), hash h; -1 if none. */
static long profile_find(const unika_mkwriter *w, const uint8_t *id, size_t n, uint64_t h)
{
    for (size_t k = (size_t)h & (w->ptab.size - 1); w->ptab.size && w->ptab.slot[k];
         k = (k + 1) & (w->ptab.size - 1)) {
        const mk_profile *p = &w->profiles[w->ptab.slot[k] - 1];
        if (p->hash == h && p->id_len == n && memcmp(p->id, id, n) == 0)
            return (long)(w->ptab.slot[k] - 1);
    }
    return -1;
}

/* A new profile of identity bytes id[0 .. n), hash h: its index, or
 * UNIKA_ERANGE / UNIKA_ENOMEM. */
static long profile_new(unika_mkwriter *w, const uint8_t *id, size_t n, uint64_t h)
{
    if (w->nprofiles == UINT32_MAX - 1) return UNIKA_ERANGE;
    if (grow((void **)&w->profiles, &w->cap_profiles, w->nprofiles, sizeof *w->profiles) ||
        table_reserve(&w->ptab, w->nprofiles, w->profiles, sizeof *w->profiles,
                      offsetof(mk_profile, hash)))
        return UNIKA_ENOMEM;
    uint8_t *copy = unika_malloc(n);
    if (!copy) return UNIKA_ENOMEM;
    memcpy(copy, id, n);
    w->profiles[w->nprofiles] = (mk_profile){copy, n, h, 0};
    size_t k = (size_t)h & (w->ptab.size - 1);
    while (w->ptab.slot[k]) k = (k + 1) & (w->ptab.size - 1);
    w->ptab.slot[k] = (uint32_t)++w->nprofiles;
    return (long)(w->nprofiles - 1);
}

static int cell_same(const mk_cell *a, const mk_cell *b, size_t by_count)
{
    if (a->profile != b->profile || a->year != b->year || a->month != b->month) return 0;
    for (size_t f = 0; f < by_count; f++)
        if (a->value[f] != b->value[f]) return 0;
    return 1;
}

/* Adds c->rows to the cell c names (created if new). */
static int cell_add(unika_mkwriter *w, mk_cell *c, unika_error *err)
{
    uint8_t key[4 + 2 + 1 + 2 * UNIKA_MK_MAX_BY];
    unika_store32_le(key, c->profile);
    unika_store16_le(key + 4, c->year);
    key[6] = c->month;
    for (size_t f = 0; f < w->by_count; f++) unika_store16_le(key + 7 + 2 * f, c->value[f]);
    c->hash = XXH64(key, 7 + 2 * w->by_count, 0);
    for (size_t k = (size_t)c->hash & (w->ctab.size - 1); w->ctab.size && w->ctab.slot[k];
         k = (k + 1) & (w->ctab.size - 1)) {
        mk_cell *e = &w->cells[w->ctab.slot[k] - 1];
        if (e->hash == c->hash && cell_same(e, c, w->by_count)) {
            if (e->rows > UINT64_MAX - c->rows)
                return unika_fail(err, UNIKA_ERANGE, "match-key file: row count overflows");
            e->rows += c->rows;
            return 0;
        }
    }
    mk_profile *p = &w->profiles[c->profile];
    if (p->visits == UNIKA_MK_VISITS_MAX)
        return unika_fail(err, UNIKA_ERANGE, "match-key file: a profile has more than %u "
                          "visit cells", UNIKA_MK_VISITS_MAX);
    if (grow((void **)&w->cells, &w->cap_cells, w->ncells, sizeof *w->cells) ||
        table_reserve(&w->ctab, w->ncells, w->cells, sizeof *w->cells, offsetof(mk_cell, hash)))
        return unika_fail(err, UNIKA_ENOMEM, "out of memory for match-key visits");
    w->cells[w->ncells] = *c;
    size_t k = (size_t)c->hash & (w->ctab.size - 1);
    while (w->ctab.slot[k]) k = (k + 1) & (w->ctab.size - 1);
    w->ctab.slot[k] = (uint32_t)++w->ncells;
    p->visits++;
    return 0;
}

/* ---- making a writer, adding rows -------------------------------------------- */

static char *dup_text(const char *s)
{
    return s ? unika_strndup(s, strlen(s)) : NULL;
}

static int check_options(const unika_mkfile_options *o, unika_error *err)
{
    if (!o->org || unika_mk_org_check((const uint8_t *)o->org, strlen(o->org)))
        return unika_fail_at(err, UNIKA_EINVAL, "org", 0,
                             "org: expected 1..64 of [A-Za-z0-9._-], not starting with '.'");
    if (!unika_mk_period_name(o->period))
        return unika_fail_at(err, UNIKA_EINVAL, "period", 0, "period: expected 1..4, got %d",
                             (int)o->period);
    if (o->by_count > UNIKA_MK_MAX_BY)
        return unika_fail_at(err, UNIKA_EINVAL, "by", 0, "by: at most %d fields",
                             UNIKA_MK_MAX_BY);
    for (size_t f = 0; f < o->by_count; f++) {
        const char *what = "is missing";
        if (!o->by[f] || unika_label_key_check((const uint8_t *)o->by[f], strlen(o->by[f]), &what))
            return unika_fail_at(err, UNIKA_EINVAL, "by", 0, "by field %zu %s", f + 1, what);
        for (size_t g = 0; g < f; g++)
            if (!strcmp(o->by[f], o->by[g]))
                return unika_fail_at(err, UNIKA_EINVAL, "by", 0, "by field %s given twice",
                                     o->by[f]);
    }
    const char *what;
    if (o->age_bands && unika_label_value_check((const uint8_t *)o->age_bands,
                                                strlen(o->age_bands), UNIKA_MK_AGE_BANDS_MAX,
                                                &what))
        return unika_fail_at(err, UNIKA_EINVAL, "age_bands", 0, "age bands %s", what);
    return 0;
}

int unika_mkwriter_new(unika_mkwriter **out, const uint8_t key_fp[UNIKA_FINGERPRINT_BYTES],
                       const unika_mkfile_options *options, unika_error *err)
{
    if (!out) return unika_fail(err, UNIKA_EINVAL, "match-key writer: out is NULL");
    *out = NULL;
    if (!key_fp || !options) return unika_fail(err, UNIKA_EINVAL, "match-key writer: NULL argument");
    int rc = check_options(options, err);
    if (rc < 0) return rc;
    unika_mkwriter *w = unika_calloc(1, sizeof *w);
    if (!w) return unika_fail(err, UNIKA_ENOMEM, "out of memory for a match-key writer");
    memcpy(w->key_fp, key_fp, UNIKA_FINGERPRINT_BYTES);
    w->period = options->period;
    w->by_count = options->by_count;
    int bad = !(w->org = dup_text(options->org));
    if (options->age_bands && options->age_bands[0]) bad |= !(w->bands = dup_text(options->age_bands));
    for (size_t f = 0; f < w->by_count; f++) bad |= !(w->by[f] = dup_text(options->by[f]));
    if (bad) {
        unika_mkwriter_free(w);
        return unika_fail(err, UNIKA_ENOMEM, "out of memory for a match-key writer");
    }
    *out = w;
    return 0;
}

/* The identity bytes of `keys` into id (IDENTITY_MAX), unchecked but for
 * what the bytes cannot hold. */
static int identity_of(uint8_t *id, size_t *n, const unika_matchkeys *keys, unika_error *err)
{
    if (keys->count > UNIKA_MATCHKEYS_MAX)
        return unika_fail(err, UNIKA_EFORMAT, "match keys: %zu keys, at most %d", keys->count,
                          UNIKA_MATCHKEYS_MAX);
    if ((unsigned)keys->gender > 255 || keys->flags > 255)
        return unika_fail(err, UNIKA_EFORMAT, "match keys not as unika_matchkeys_derive() "
                          "makes them: gender or flags out of range");
    id[0] = (uint8_t)keys->gender;
    id[1] = (uint8_t)keys->flags;
    unika_store16_le(id + 2, (uint16_t)keys->count);
    for (size_t i = 0; i < keys->count; i++) {
        uint8_t *k = id + MK_PROFILE_HEAD + i * UNIKA_MKPROFILE_KEY_BYTES;
        k[0] = keys->keys[i].type;
        memcpy(k + 1, keys->keys[i].value, UNIKA_MATCHKEY_BYTES);
        k[1 + UNIKA_MATCHKEY_BYTES] = keys->keys[i].token;
    }
    *n = MK_PROFILE_HEAD + keys->count * UNIKA_MKPROFILE_KEY_BYTES;
    return 0;
}

/* The identity bytes checked as a reader checks them. */
static int identity_check(const uint8_t *id, unika_error *err)
{
    const char *what;
    size_t at;
    if (unika_mk_identity_check(id[0], id[1], id + MK_PROFILE_HEAD, unika_load16_le(id + 2), &what,
                                &at))
        return unika_fail(err, UNIKA_EFORMAT,
                          "match keys not as unika_matchkeys_derive() makes them: %s", what);
    return 0;
}

static int check_visit(const unika_mkwriter *w, const unika_mkvisit *v, unika_error *err)
{
    if (v->rows == 0) return unika_fail(err, UNIKA_EINVAL, "visit: rows is 0");
    int undated = v->year == 0 && v->month == 0;
    if (!undated && (v->year < UNIKA_DATE_YEAR_MIN || v->year > UNIKA_DATE_YEAR_MAX ||
                     v->month < 1 || v->month > 12))
        return unika_fail(err, UNIKA_EINVAL, "visit: expected a month 1..12 of a year %d..%d, "
                          "or 0 and 0 for no date", UNIKA_DATE_YEAR_MIN, UNIKA_DATE_YEAR_MAX);
    for (size_t f = 0; f < w->by_count; f++) {
        if (!v->value[f])
            return unika_fail(err, UNIKA_EINVAL, "visit: no value for by field %s", w->by[f]);
        const char *what;
        if (unika_label_value_check((const uint8_t *)v->value[f], strlen(v->value[f]),
                                    UNIKA_MK_VALUE_MAX, &what))
            return unika_fail_at(err, UNIKA_ELABEL, w->by[f], 0, "visit: the %s value %s",
                                 w->by[f], what);
    }
    return 0;
}

int unika_mkwriter_add(unika_mkwriter *w, const unika_matchkeys *keys, const unika_mkvisit *visit,
                       unika_error *err)
{
    if (!w || !keys || !visit) return unika_fail(err, UNIKA_EINVAL, "match-key writer: NULL argument");
    if (memcmp(keys->key_fp, w->key_fp, UNIKA_FINGERPRINT_BYTES) != 0) {
        char want[UNIKA_FINGERPRINT_HEX_BYTES], got[UNIKA_FINGERPRINT_HEX_BYTES];
        unika_fingerprint_to_hex(want, w->key_fp);
        unika_fingerprint_to_hex(got, keys->key_fp);
        return unika_fail(err, UNIKA_EKEYMISMATCH,
                          "match keys: key fingerprint: expected %s, got %s", want, got);
    }
    uint8_t id[IDENTITY_MAX];
    size_t n = 0;
    int rc = identity_of(id, &n, keys, err);
    if (rc < 0) return rc;
    /* A record's keys repeat at each of its visits: a profile already held
     * passed the check when it was added. */
    uint64_t h = XXH64(id, n, 0);
    long p = profile_find(w, id, n, h);
    if (p < 0 && (rc = identity_check(id, err)) < 0) return rc;
    if ((rc = check_visit(w, visit, err)) < 0) return rc;
    mk_cell c = {0};
    c.year = (uint16_t)visit->year;
    c.month = (uint8_t)visit->month;
    c.rows = visit->rows;
    for (size_t f = 0; f < w->by_count; f++) {
        long v = value_id(w, visit->value[f], strlen(visit->value[f]));
        if (v < 0)
            return v == UNIKA_ERANGE
                       ? unika_fail(err, UNIKA_ERANGE, "more than %d distinct --by values",
                                    UNIKA_MK_VALUES_MAX)
                       : unika_fail(err, UNIKA_ENOMEM, "out of memory for --by values");
        c.value[f] = (uint16_t)v;
    }
    if (p < 0) p = profile_new(w, id, n, h);
    if (p < 0)
        return unika_fail(err, (int)p, p == UNIKA_ERANGE ? "too many profiles"
                                                         : "out of memory for profiles");
    c.profile = (uint32_t)p;
    if ((rc = cell_add(w, &c, err)) < 0) return rc;
    w->rows += visit->rows; /* cannot wrap: the cell's sum did not */
    return 0;
}

uint64_t unika_mkwriter_profile_count(const unika_mkwriter *w)
{
    uint64_t n = 0;
    for (size_t i = 0; w && i < w->nprofiles; i++) n += w->profiles[i].visits > 0;
    return n;
}

uint64_t unika_mkwriter_row_count(const unika_mkwriter *w) { return w ? w->rows : 0; }

void unika_mkwriter_free(unika_mkwriter *w)
{
    if (!w) return;
    unika_free(w->org);
    unika_free(w->bands);
    for (size_t f = 0; f < UNIKA_MK_MAX_BY; f++) unika_free(w->by[f]);
    for (size_t i = 0; i < w->nvalues; i++) unika_free(w->values[i].s);
    unika_free(w->values);
    unika_free(w->vtab.slot);
    for (size_t i = 0; i < w->nprofiles; i++) unika_free(w->profiles[i].id);
    unika_free(w->profiles);
    unika_free(w->ptab.slot);
    unika_free(w->cells);
    unika_free(w->ctab.slot);
    unika_free(w);
}

/* The serialising half: matchkey_emit.c. */
