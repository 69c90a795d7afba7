/*
 * sketch_meta.c - what a sketch says about itself: labels and provenance.
 *
 * Labels are UTF-8 key=value pairs (org, period, gender, ...) kept sorted by
 * key. Provenance records name the input files a merged sketch came from:
 * the file's BLAKE2b-256 digest, that input's labels in canonical form and
 * its signer. Records are kept sorted by (digest, labels, signer) with
 * identical records stored once.
 *
 * Both orders are canonical on purpose: a sketch serialises to the same bytes
 * whatever order labels were set, records added or inputs merged in, which is
 * what lets an auditor reproduce a merged file byte for byte. Merging keeps
 * the labels common to both sides (intersection) and unions the records;
 * both operations are commutative, associative and idempotent, like the
 * register merge they accompany.
 *
 * The checks here are the ones the file parser applies too
 * (sketch/sketch_io_private.h), so nothing can be set that would not parse.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/common.h"
#include "sketch/sketch_io_private.h"
#include "sketch/sketch_private.h"

typedef struct source_rec {
    uint8_t digest[UNIKA_DIGEST_BYTES];
    char *labels; /* canonical label string, "" when none */
    char *signer; /* "" when unsigned */
} source_rec;

/* A label is one allocation, "key\0value\0": a cell's four labels were
 * eight strings and two arrays, about 350 of the ~630 bytes a parsed
 * 20-person cell took (10^5 cells are held at once by `report` and
 * `verify`). */
struct unika_sketch_meta {
    size_t n_labels, cap_labels;
    char **labels; /* cap_labels slots (grown by labels_reserve), sorted by key */
    size_t n_sources, cap_sources;
    source_rec *sources;
    /* UNIKA_PROV_KNOWN: `sources` is the whole provenance. UNIKA_PROV_SEALED:
     * read from a version 2 file, only the commitment below is known until
     * the provenance file is attached. UNIKA_PROV_INCOMPLETE: a sealed
     * sketch was merged in or changed; fine for estimating, not for writing. */
    int prov_state;
    uint64_t sealed_count;
    uint8_t sealed_root[UNIKA_DIGEST_BYTES];
};

/* ---- checks ------------------------------------------------------------- */

size_t unika_label_string_check(const uint8_t *s, size_t len, const char **what)
{
    const char *dummy;
    if (!what) what = &dummy;
    if (len > UNIKA_SOURCE_LABELS_MAX) {
        *what = "is longer than 1024 bytes";
        return UNIKA_SOURCE_LABELS_MAX + 1;
    }
    size_t pos = 0, count = 0;
    const uint8_t *prev = NULL;
    size_t prev_len = 0;
    while (pos < len) {
        const uint8_t *line = s + pos;
        const uint8_t *nl = memchr(line, '\n', len - pos);
        size_t line_len = nl ? (size_t)(nl - line) : len - pos;
        const uint8_t *eq = memchr(line, '=', line_len);
        if (!eq) {
            *what = "has a label without '='";
            return pos + 1;
        }
        size_t key_len = (size_t)(eq - line);
        size_t bad = unika_label_key_check(line, key_len, what);
        if (bad) return pos + bad;
        if (prev) {
            int c = memcmp(prev, line, prev_len < key_len ? prev_len : key_len);
            if (c > 0 || (c == 0 && prev_len >= key_len)) {
                *what = "has keys out of order or repeated";
                return pos + 1;
            }
        }
        bad = unika_label_value_check(eq + 1, line_len - key_len - 1, UNIKA_LABEL_VALUE_MAX,
                                      what);
        if (bad) return pos + key_len + 1 + bad;
        if (++count > UNIKA_LABELS_MAX) {
            *what = "has more than 64 labels";
            return pos + 1;
        }
        prev = line, prev_len = key_len;
        pos += line_len;
        if (nl) {
            pos++;
            if (pos == len) { /* "k=v\n": a trailing newline is not canonical */
                *what = "ends with a newline";
                return pos;
            }
        }
    }
    return 0;
}

/* ---- the store ------------------------------------------------------------ */

unika_sketch_meta *unika_sketch_meta_new(void)
{
    return unika_calloc(1, sizeof(unika_sketch_meta));
}

static void source_clear(source_rec *r)
{
    unika_free(r->labels);
    unika_free(r->signer);
}

void unika_sketch_meta_free(unika_sketch_meta *meta)
{
    if (!meta) return;
    for (size_t i = 0; i < meta->n_labels; i++) unika_free(meta->labels[i]);
    unika_free(meta->labels);
    for (size_t i = 0; i < meta->n_sources; i++) source_clear(&meta->sources[i]);
    unika_free(meta->sources);
    unika_free(meta);
}

/* The value of label entry `kv`. */
static inline const char *value_of(const char *kv)
{
    return kv + strlen(kv) + 1;
}

/* "key\0value\0" in one allocation, or NULL. */
static char *label_new(const uint8_t *key, size_t key_len, const uint8_t *value,
                       size_t value_len)
{
    char *kv = unika_malloc(key_len + value_len + 2);
    if (!kv) return NULL;
    memcpy(kv, key, key_len);
    kv[key_len] = '\0';
    if (value_len) memcpy(kv + key_len + 1, value, value_len);
    kv[key_len + 1 + value_len] = '\0';
    return kv;
}

static char *dup_bytes(const uint8_t *src, size_t len)
{
    char *s = unika_malloc(len + 1);
    if (!s) return NULL;
    if (len) memcpy(s, src, len);
    s[len] = '\0';
    return s;
}

/* Room for `need` labels, reserved before an insert so that it cannot fail
 * half-way. Grown by doubling from 4 (a cell has about 4 labels): all 64
 * slots at once cost 1 KiB per sketch, 100 MiB for a merge of 10^5 cells. */
static int labels_reserve(unika_sketch_meta *m, size_t need)
{
    if (need <= m->cap_labels) return UNIKA_OK;
    size_t cap = m->cap_labels ? m->cap_labels : 4;
    while (cap < need) cap *= 2;
    if (cap > UNIKA_LABELS_MAX) cap = UNIKA_LABELS_MAX;
    char **l = unika_realloc(m->labels, m->cap_labels * sizeof *l, cap * sizeof *l);
    if (!l) return UNIKA_ENOMEM;
    m->labels = l;
    m->cap_labels = cap;
    return UNIKA_OK;
}

static int sources_reserve(unika_sketch_meta *m, size_t n)
{
    if (n <= m->cap_sources) return UNIKA_OK;
    size_t cap = m->cap_sources ? m->cap_sources : 4;
    while (cap < n) cap *= 2;
    source_rec *r = unika_realloc(m->sources, m->cap_sources * sizeof *r, cap * sizeof *r);
    if (!r) return UNIKA_ENOMEM;
    m->sources = r;
    m->cap_sources = cap;
    return UNIKA_OK;
}

static int source_cmp(const source_rec *a, const source_rec *b)
{
    int c = memcmp(a->digest, b->digest, UNIKA_DIGEST_BYTES);
    if (c) return c;
    c = strcmp(a->labels, b->labels);
    return c ? c : strcmp(a->signer, b->signer);
}

static int source_dup(source_rec *dst, const source_rec *src)
{
    memcpy(dst->digest, src->digest, UNIKA_DIGEST_BYTES);
    dst->labels = dup_bytes((const uint8_t *)src->labels, strlen(src->labels));
    dst->signer = dup_bytes((const uint8_t *)src->signer, strlen(src->signer));
    if (!dst->labels || !dst->signer) {
        source_clear(dst);
        return UNIKA_ENOMEM;
    }
    return UNIKA_OK;
}

int unika_meta_append_label(unika_sketch_meta *m, const uint8_t *key, size_t key_len,
                            const uint8_t *value, size_t value_len)
{
    if (m->n_labels >= UNIKA_LABELS_MAX) return UNIKA_ERANGE; /* the parser checked */
    if (labels_reserve(m, m->n_labels + 1)) return UNIKA_ENOMEM;
    char *kv = label_new(key, key_len, value, value_len);
    if (!kv) return UNIKA_ENOMEM;
    m->labels[m->n_labels++] = kv;
    return UNIKA_OK;
}

int unika_meta_append_source(unika_sketch_meta *m, const uint8_t digest[UNIKA_DIGEST_BYTES],
                             const uint8_t *labels, size_t labels_len, const uint8_t *signer,
                             size_t signer_len)
{
    if (sources_reserve(m, m->n_sources + 1)) return UNIKA_ENOMEM;
    source_rec r;
    memcpy(r.digest, digest, UNIKA_DIGEST_BYTES);
    r.labels = dup_bytes(labels, labels_len);
    r.signer = dup_bytes(signer, signer_len);
    if (!r.labels || !r.signer) {
        source_clear(&r);
        return UNIKA_ENOMEM;
    }
    m->sources[m->n_sources++] = r;
    return UNIKA_OK;
}

size_t unika_meta_label_count(const unika_sketch_meta *m) { return m->n_labels; }

void unika_meta_label_at(const unika_sketch_meta *m, size_t i, const char **key,
                         const char **value)
{
    *key = m->labels[i];
    *value = value_of(m->labels[i]);
}

size_t unika_meta_source_count(const unika_sketch_meta *m) { return m->n_sources; }

void unika_meta_source_at(const unika_sketch_meta *m, size_t i, const uint8_t **digest,
                          const char **labels, const char **signer)
{
    if (digest) *digest = m->sources[i].digest;
    if (labels) *labels = m->sources[i].labels;
    if (signer) *signer = m->sources[i].signer;
}

int unika_meta_prov_state(const unika_sketch_meta *m) { return m->prov_state; }

void unika_meta_sealed(const unika_sketch_meta *m, uint64_t *count, uint8_t *root)
{
    *count = m->sealed_count;
    memcpy(root, m->sealed_root, UNIKA_DIGEST_BYTES);
}

void unika_meta_seal(unika_sketch_meta *m, uint64_t count, const uint8_t *root)
{
    m->prov_state = UNIKA_PROV_SEALED;
    m->sealed_count = count;
    memcpy(m->sealed_root, root, UNIKA_DIGEST_BYTES);
}

void unika_meta_unseal(unika_sketch_meta *m, unika_sketch_meta *from)
{
    for (size_t i = 0; i < m->n_sources; i++) source_clear(&m->sources[i]);
    unika_free(m->sources);
    m->sources = from->sources;
    m->n_sources = from->n_sources;
    m->cap_sources = from->cap_sources;
    from->sources = NULL;
    from->n_sources = from->cap_sources = 0;
    m->prov_state = UNIKA_PROV_KNOWN;
    m->sealed_count = 0;
    memset(m->sealed_root, 0, UNIKA_DIGEST_BYTES);
}

unika_sketch_meta *unika_sketch_meta_copy(const unika_sketch_meta *meta)
{
    unika_sketch_meta *copy = unika_sketch_meta_new();
    if (!copy) return NULL;
    for (size_t i = 0; i < meta->n_labels; i++) {
        const char *kv = meta->labels[i], *v = value_of(kv);
        if (unika_meta_append_label(copy, (const uint8_t *)kv, strlen(kv), (const uint8_t *)v,
                                    strlen(v)))
            goto fail;
    }
    if (sources_reserve(copy, meta->n_sources)) goto fail;
    for (size_t i = 0; i < meta->n_sources; i++) {
        if (source_dup(&copy->sources[i], &meta->sources[i])) goto fail;
        copy->n_sources = i + 1;
    }
    copy->prov_state = meta->prov_state;
    copy->sealed_count = meta->sealed_count;
    memcpy(copy->sealed_root, meta->sealed_root, UNIKA_DIGEST_BYTES);
    return copy;
fail:
    unika_sketch_meta_free(copy);
    return NULL;
}

/* Equal provenance when a side is only a commitment: the same count and
 * root, as the files would be the same bytes. Incomplete is never equal. */
static int commitments_equal(const unika_sketch_meta *a, const unika_sketch_meta *b)
{
    const unika_sketch_meta *side[2] = {a, b};
    uint64_t count[2];
    uint8_t root[2][UNIKA_DIGEST_BYTES];
    for (int k = 0; k < 2; k++) {
        const unika_sketch_meta *m = side[k];
        if (m->prov_state == UNIKA_PROV_INCOMPLETE) return 0;
        if (m->prov_state == UNIKA_PROV_SEALED) {
            count[k] = m->sealed_count;
            memcpy(root[k], m->sealed_root, UNIKA_DIGEST_BYTES);
        } else {
            count[k] = m->n_sources;
            if (unika_meta_merkle_root(root[k], m) < 0) return 0;
        }
    }
    return count[0] == count[1] && !memcmp(root[0], root[1], UNIKA_DIGEST_BYTES);
}

int unika_sketch_meta_equal(const unika_sketch_meta *a, const unika_sketch_meta *b)
{
    if (a->n_labels != b->n_labels) return 0;
    if (a->prov_state != UNIKA_PROV_KNOWN || b->prov_state != UNIKA_PROV_KNOWN)
        return commitments_equal(a, b);
    for (size_t i = 0; i < a->n_labels; i++) {
        const char *x = a->labels[i], *y = b->labels[i];
        if (strcmp(x, y) || strcmp(value_of(x), value_of(y))) return 0;
    }
    if (a->n_sources != b->n_sources) return 0;
    for (size_t i = 0; i < a->n_sources; i++) {
        if (source_cmp(&a->sources[i], &b->sources[i])) return 0;
    }
    return 1;
}

int unika_sketch_meta_merge(unika_sketch_meta *dst, const unika_sketch_meta *src)
{
    if (dst == src) return UNIKA_OK;

    /* 1. The union of the records, built aside so a failure leaves dst as it
     *    was. Both lists are sorted: one merge pass. A side whose records are
     *    not all in memory (sealed) makes the result incomplete: it can still
     *    be estimated, but not written, as its commitment would be wrong. */
    source_rec *merged = NULL;
    size_t n = 0;
    if (src->n_sources > 0) {
        merged = unika_malloc((dst->n_sources + src->n_sources) * sizeof *merged);
        if (!merged) return UNIKA_ENOMEM;
        size_t i = 0, j = 0;
        while (i < dst->n_sources || j < src->n_sources) {
            int c = i == dst->n_sources ? 1
                    : j == src->n_sources ? -1
                    : source_cmp(&dst->sources[i], &src->sources[j]);
            if (c <= 0) {
                merged[n++] = dst->sources[i++]; /* moved, not copied */
                if (c == 0) j++;
            } else if (source_dup(&merged[n++], &src->sources[j++])) {
                n--;
                /* Undo: free only the copies made from src. */
                for (size_t k = 0, d = 0; k < n; k++) {
                    if (d < dst->n_sources && merged[k].labels == dst->sources[d].labels) d++;
                    else source_clear(&merged[k]);
                }
                unika_free(merged);
                return UNIKA_ENOMEM;
            }
        }
    }

    /* 2. Labels: keep those with the same key and value on both sides. */
    size_t kept = 0, j = 0;
    for (size_t i = 0; i < dst->n_labels; i++) {
        const char *d = dst->labels[i];
        while (j < src->n_labels && strcmp(src->labels[j], d) < 0) j++;
        int common = j < src->n_labels && !strcmp(src->labels[j], d) &&
                     !strcmp(value_of(src->labels[j]), value_of(d));
        if (common) dst->labels[kept++] = dst->labels[i];
        else unika_free(dst->labels[i]);
    }
    dst->n_labels = kept;

    if (merged) {
        unika_free(dst->sources);
        dst->sources = merged;
        dst->n_sources = dst->cap_sources = n;
    }
    if (dst->prov_state != UNIKA_PROV_KNOWN || src->prov_state != UNIKA_PROV_KNOWN)
        dst->prov_state = UNIKA_PROV_INCOMPLETE;
    return UNIKA_OK;
}

/* ---- public API: labels ----------------------------------------------------- */

static int label_find(const unika_sketch_meta *m, const char *key, size_t *at)
{
    /* Binary search; *at is where the key is or would go. */
    size_t lo = 0, hi = m->n_labels;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(m->labels[mid], key);
        if (c == 0) {
            *at = mid;
            return 1;
        }
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    *at = lo;
    return 0;
}

int unika_sketch_set_label(unika_sketch *s, const char *key, const char *value,
                           unika_error *err)
{
    if (!s || !key || !value) return unika_fail(err, UNIKA_EINVAL, "set_label: NULL argument");
    const char *what;
    size_t key_len = strlen(key), value_len = strlen(value);
    size_t bad = unika_label_key_check((const uint8_t *)key, key_len, &what);
    if (bad) return unika_fail_at(err, UNIKA_ELABEL, "label key", bad, "label key %s", what);
    bad = unika_label_value_check((const uint8_t *)value, value_len, UNIKA_LABEL_VALUE_MAX,
                                  &what);
    /* The key is not personal data and helps find the value; the value may be. */
    if (bad)
        return unika_fail_at(err, UNIKA_ELABEL, "label value", bad,
                             "label value of '%s' %s (byte %zu)", key, what, bad);

    unika_sketch_meta *m = s->meta;
    size_t at;
    int found = label_find(m, key, &at);
    if (!found && m->n_labels >= UNIKA_LABELS_MAX)
        return unika_fail_at(err, UNIKA_ELABEL, "label key", 0,
                             "too many labels: at most %d", UNIKA_LABELS_MAX);
    if (labels_reserve(m, m->n_labels + 1))
        return unika_fail(err, UNIKA_ENOMEM, "out of memory for labels");
    char *kv = label_new((const uint8_t *)key, key_len, (const uint8_t *)value, value_len);
    if (!kv) return unika_fail(err, UNIKA_ENOMEM, "out of memory for labels");
    if (found) {
        unika_free(m->labels[at]);
        m->labels[at] = kv;
        return UNIKA_OK;
    }
    memmove(m->labels + at + 1, m->labels + at, (m->n_labels - at) * sizeof(char *));
    m->labels[at] = kv;
    m->n_labels++;
    return UNIKA_OK;
}

const char *unika_sketch_get_label(const unika_sketch *s, const char *key)
{
    size_t at;
    if (!s || !key || !label_find(s->meta, key, &at)) return NULL;
    return value_of(s->meta->labels[at]);
}

int unika_sketch_remove_label(unika_sketch *s, const char *key, unika_error *err)
{
    if (!s || !key) return unika_fail(err, UNIKA_EINVAL, "remove_label: NULL argument");
    unika_sketch_meta *m = s->meta;
    size_t at;
    if (!label_find(m, key, &at))
        return unika_fail_at(err, UNIKA_ENOENT, "label key", 0, "no label '%.64s'", key);
    unika_free(m->labels[at]);
    memmove(m->labels + at, m->labels + at + 1, (m->n_labels - at - 1) * sizeof(char *));
    m->n_labels--;
    return UNIKA_OK;
}

size_t unika_sketch_label_count(const unika_sketch *s)
{
    return s ? s->meta->n_labels : 0;
}

int unika_sketch_label_at(const unika_sketch *s, size_t i, const char **key, const char **value)
{
    if (!s) return UNIKA_EINVAL;
    if (i >= s->meta->n_labels) return UNIKA_ERANGE;
    if (key) *key = s->meta->labels[i];
    if (value) *value = value_of(s->meta->labels[i]);
    return UNIKA_OK;
}

int unika_sketch_labels_canonical(char *dst, size_t dst_capacity, size_t *written,
                                  const unika_sketch *s, unika_error *err)
{
    if (!s || (!dst && dst_capacity))
        return unika_fail(err, UNIKA_EINVAL, "labels_canonical: NULL argument");
    const unika_sketch_meta *m = s->meta;
    size_t need = 0;
    for (size_t i = 0; i < m->n_labels; i++)
        need += (i ? 1 : 0) + strlen(m->labels[i]) + 1 + strlen(value_of(m->labels[i]));
    if (written) *written = need;
    if (dst_capacity < need + 1)
        return unika_fail(err, UNIKA_EBUFFER, "labels need %zu bytes, buffer has %zu",
                          need + 1, dst_capacity);
    size_t pos = 0;
    for (size_t i = 0; i < m->n_labels; i++) {
        const char *kv = m->labels[i], *v = value_of(kv);
        size_t kl = strlen(kv), vl = strlen(v);
        if (i) dst[pos++] = '\n';
        memcpy(dst + pos, kv, kl);
        pos += kl;
        dst[pos++] = '=';
        memcpy(dst + pos, v, vl);
        pos += vl;
    }
    dst[pos] = '\0';
    return UNIKA_OK;
}

/* ---- public API: provenance ------------------------------------------------- */

int unika_file_digest(uint8_t out[UNIKA_DIGEST_BYTES], const uint8_t *src, size_t src_size)
{
    if (!out || (!src && src_size)) return UNIKA_EINVAL;
    static const uint8_t empty[1] = {0};
    /* Unkeyed BLAKE2b-256: anyone may recompute it from the file. */
    return crypto_generichash(out, UNIKA_DIGEST_BYTES, src ? src : empty, src_size, NULL, 0) == 0
               ? UNIKA_OK
               : UNIKA_EINTERNAL;
}

int unika_sketch_add_source(unika_sketch *s, const uint8_t digest[UNIKA_DIGEST_BYTES],
                            const char *labels, const char *signer, unika_error *err)
{
    if (!s || !digest || !labels)
        return unika_fail(err, UNIKA_EINVAL, "add_source: NULL argument");
    if (!signer) signer = "";
    const char *what;
    size_t labels_len = strlen(labels), signer_len = strlen(signer);
    size_t bad = unika_label_string_check((const uint8_t *)labels, labels_len, &what);
    if (bad)
        return unika_fail_at(err, UNIKA_ELABEL, "source labels", bad,
                             "provenance labels %s (byte %zu)", what, bad);
    bad = unika_label_value_check((const uint8_t *)signer, signer_len, UNIKA_SIGNER_MAX, &what);
    if (bad)
        return unika_fail_at(err, UNIKA_ELABEL, "source signer", bad,
                             "provenance signer %s (byte %zu)", what, bad);

    unika_sketch_meta *m = s->meta;
    source_rec r;
    memcpy(r.digest, digest, UNIKA_DIGEST_BYTES);
    r.labels = (char *)labels;
    r.signer = (char *)signer;
    /* Binary search for the insertion point; an identical record is a no-op. */
    size_t lo = 0, hi = m->n_sources;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = source_cmp(&m->sources[mid], &r);
        if (c == 0) return UNIKA_OK;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    /* No cap: a version 2 file stores a commitment, whatever the count. */
    source_rec copy;
    if (sources_reserve(m, m->n_sources + 1) || source_dup(&copy, &r))
        return unika_fail(err, UNIKA_ENOMEM, "out of memory for provenance");
    /* In input order by digest (as `unika merge` adds them) this appends. */
    memmove(m->sources + lo + 1, m->sources + lo, (m->n_sources - lo) * sizeof *m->sources);
    m->sources[lo] = copy;
    m->n_sources++;
    if (m->prov_state == UNIKA_PROV_SEALED) m->prov_state = UNIKA_PROV_INCOMPLETE;
    return UNIKA_OK;
}

int unika_sketch_add_source_of(unika_sketch *s, const uint8_t digest[UNIKA_DIGEST_BYTES],
                               const unika_sketch *input, const char *signer, unika_error *err)
{
    if (!s || !digest || !input)
        return unika_fail(err, UNIKA_EINVAL, "add_source_of: NULL argument");
    char labels[UNIKA_SOURCE_LABELS_MAX + 1];
    size_t need;
    int rc = unika_sketch_labels_canonical(labels, sizeof labels, &need, input, NULL);
    if (rc == UNIKA_EBUFFER)
        return unika_fail_at(err, UNIKA_ELABEL, "source labels", UNIKA_SOURCE_LABELS_MAX + 1,
                             "the input's labels take %zu bytes in canonical form; a "
                             "provenance record holds at most %d", need, UNIKA_SOURCE_LABELS_MAX);
    if (rc < 0) return unika_fail(err, rc, "cannot format the input's labels");
    return unika_sketch_add_source(s, digest, labels, signer, err);
}

size_t unika_sketch_source_count(const unika_sketch *s)
{
    return s ? s->meta->n_sources : 0;
}

int unika_sketch_source_at(const unika_sketch *s, size_t i, const uint8_t **digest,
                           const char **labels, const char **signer)
{
    if (!s) return UNIKA_EINVAL;
    if (i >= s->meta->n_sources) return UNIKA_ERANGE;
    unika_meta_source_at(s->meta, i, digest, labels, signer);
    return UNIKA_OK;
}
