/*
 * sketch_format.c - the sketch file format, version 1 (docs/format.md).
 *
 * Sketch files travel between organisations and are parsed by parties who
 * did not write them, so the parser treats every byte as hostile. Redis
 * CVE-2025-32023 (an out-of-bounds write through a crafted sparse
 * HyperLogLog) is the failure this file is written against:
 *
 *   - every field is read byte by byte with the little-endian helpers and
 *     every read is preceded by a check that the bytes are there;
 *   - every count and length is checked against the bytes that remain and
 *     against the format's bounds BEFORE anything is allocated, so a file of
 *     N bytes never makes us allocate much more than N;
 *   - reserved bits and bytes must be zero, tokens strictly increasing,
 *     labels and records in canonical order: a file has exactly one valid
 *     reading, and the same sketch always serialises to the same bytes;
 *   - each rejection names its field and byte offset (err->position is the
 *     offset + 1) with a specific code.
 *
 * Order of checks (normative, so another implementation reports the same
 * code for the same file): magic, version, header length, total_size
 * against the bytes given, checksum, then the fields in file order. The
 * checksum comes before the fields so an accident (a flipped bit, a cut
 * transfer) is reported as such; the field checks still run on every file
 * with a valid checksum, because XXH64 stops accidents, not adversaries.
 *
 * Layout (all integers little-endian):
 *
 *   0  magic[8]  81 55 4B 53 0D 0A 1A 0A         40 recipe_fp[16]
 *   8  version u16 = 1                           56 .. 63 (see below)
 *  10  kind u8 (1 sparse, 2 dense)
 *  11  p u8 (4..18)          12 encoding u8 = 1   13 flags u8 = 0
 *  14  reserved u16 = 0      16 total_size u32    20 label_count u16
 *  22  source_count u16      24 payload_count u32 28 reserved u32 = 0
 *  32  key_fp[16]            48 recipe_fp[16]
 *  64  labels, sources, payload, then XXH64 (u64) of everything before it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "common/common.h"
#include "common/fileio.h"
#include "sketch/sketch_compact.h"
#include "sketch/sketch_io_private.h"
#include "sketch/sketch_private.h"
#include "unika/sketch.h"

/* ---- layout constants (docs/format.md, "Header") --------------------------- */
static const uint8_t MAGIC[8] = {0x81, 'U', 'K', 'S', 0x0D, 0x0A, 0x1A, 0x0A};

enum {
    OFF_MAGIC = 0,
    OFF_VERSION = 8,
    OFF_KIND = 10,
    OFF_P = 11,
    OFF_ENCODING = 12,
    OFF_FLAGS = 13,
    OFF_RESERVED1 = 14,
    OFF_TOTAL_SIZE = 16,
    OFF_LABEL_COUNT = 20,
    OFF_SOURCE_COUNT = 22,
    OFF_PAYLOAD_COUNT = 24,
    OFF_RESERVED2 = 28,
    OFF_KEY_FP = 32,
    OFF_RECIPE_FP = 48,
    HEADER_BYTES = 64,
    CHECKSUM_BYTES = 8,
    LABEL_FIXED = 3,   /* key_len u8, value_len u16 */
    SOURCE_FIXED = UNIKA_RECORD_FIXED, /* digest[32], labels_len u16, signer_len u8, reserved u8 */
    COMMIT_BYTES = 40, /* version 2: source_total u64, merkle_root[32] */
};

enum { KIND_SPARSE = 1, KIND_DENSE = 2 };
/* Encoding 1: sparse tokens and dense registers as defined by unika's
 * UltraLogLog implementation (docs/sketch.md). Encoding 2: the same dense
 * registers rANS-coded (sketch_compact.c, docs/format.md §7.1); sparse
 * sketches have no encoding 2. Readers refuse ids they do not know. */
enum { ENCODING_ULL1 = UNIKA_ENCODING_PLAIN, ENCODING_COMPACT = UNIKA_ENCODING_COMPACT };
enum { COMPACT_MIN = 17 }; /* lambda byte and four rANS states (§7.1) */
enum { P_MIN = 4, P_MAX = 18 };

size_t unika_sketch_bound(unsigned p)
{
    return p >= P_MIN && p <= P_MAX ? UNIKA_SKETCH_BOUND(p) : 0;
}

size_t unika_sketch_file_max(void) { return UNIKA_SKETCH_FILE_MAX; }

size_t unika_digest_bytes(void) { return UNIKA_DIGEST_BYTES; }

/* ---- origin ------------------------------------------------------------- */

int unika_sketch_check_origin(const unika_sketch *s, const uint8_t *key_fp,
                              const uint8_t *recipe_fp, unika_error *err)
{
    if (!s) return unika_fail(err, UNIKA_EINVAL, "check_origin: sketch is NULL");
    char want[2 * UNIKA_FINGERPRINT_BYTES + 1], got[2 * UNIKA_FINGERPRINT_BYTES + 1];
    if (key_fp && memcmp(key_fp, s->key_fp, UNIKA_FINGERPRINT_BYTES)) {
        unika_hex_encode(want, key_fp, UNIKA_FINGERPRINT_BYTES);
        unika_hex_encode(got, s->key_fp, UNIKA_FINGERPRINT_BYTES);
        return unika_fail_at(err, UNIKA_EKEYMISMATCH, "key_fp", OFF_KEY_FP + 1,
                             "sketch key fingerprint: expected %s, got %s", want, got);
    }
    if (recipe_fp && memcmp(recipe_fp, s->recipe_fp, UNIKA_FINGERPRINT_BYTES)) {
        unika_hex_encode(want, recipe_fp, UNIKA_FINGERPRINT_BYTES);
        unika_hex_encode(got, s->recipe_fp, UNIKA_FINGERPRINT_BYTES);
        return unika_fail_at(err, UNIKA_ERECIPEMISMATCH, "recipe_fp", OFF_RECIPE_FP + 1,
                             "sketch recipe fingerprint: expected %s, got %s", want, got);
    }
    return UNIKA_OK;
}

/* ---- serialise ------------------------------------------------------------ */

static int is_dense(const unika_sketch *s) { return s->registers != NULL; }

static int write_file(uint8_t *dst, size_t size, const unika_sketch *s, const uint8_t *compact,
                      size_t compact_bytes, unika_error *err);

/* The version a sketch is written in: 1 without provenance (what every
 * partner writes, readable by version 1 readers), 2 with it (a commitment
 * instead of the records, docs/format.md §6). */
static unsigned version_of(const unika_sketch_meta *m)
{
    return unika_meta_prov_state(m) == UNIKA_PROV_KNOWN && unika_meta_source_count(m) == 0 ? 1
                                                                                         : 2;
}

int unika_sketch_serialized_size(size_t *out, const unika_sketch *s)
{
    if (!out || !s) return UNIKA_EINVAL;
    const unika_sketch_meta *m = s->meta;
    if (s->p < P_MIN || s->p > P_MAX) return UNIKA_EPRECISION;
    if (unika_meta_prov_state(m) == UNIKA_PROV_INCOMPLETE) return UNIKA_EPROVENANCE;
    if (!is_dense(s) && s->n_tokens > UNIKA_SKETCH_SPARSE_MAX(s->p)) return UNIKA_ERANGE;
    size_t size = HEADER_BYTES + CHECKSUM_BYTES;
    for (size_t i = 0; i < unika_meta_label_count(m); i++) {
        const char *k, *v;
        unika_meta_label_at(m, i, &k, &v);
        size += LABEL_FIXED + strlen(k) + strlen(v);
    }
    if (version_of(m) == 2) size += COMMIT_BYTES;
    size += is_dense(s) ? (size_t)1 << s->p : 4 * s->n_tokens;
    *out = size;
    return UNIKA_OK;
}

int unika_sketch_serialize(uint8_t *dst, size_t dst_capacity, size_t *written,
                           const unika_sketch *s, unika_error *err)
{
    return unika_sketch_serialize_as(dst, dst_capacity, written, s, UNIKA_ENCODING_PLAIN, err);
}

/* The compact payload of a dense sketch into a new buffer, or *payload NULL
 * when encoding 1 is to be written: a sparse sketch, or registers the model
 * codes no shorter than their 2^p plain bytes (the canonical rule of §7.1). */
static int compact_payload(uint8_t **payload, size_t *n, const unika_sketch *s,
                           unika_error *err)
{
    *payload = NULL;
    *n = 0;
    if (!is_dense(s)) return UNIKA_OK;
    size_t cap = unika_compact_bound(s->p);
    uint8_t *buf = unika_malloc(cap);
    if (!buf) return unika_fail(err, UNIKA_ENOMEM, "out of memory for the compact payload");
    size_t len = unika_compact_encode(buf, cap, s->registers, s->p);
    if (len >= (size_t)1 << s->p) {
        unika_free(buf);
        return UNIKA_OK;
    }
    *payload = buf;
    *n = len;
    return UNIKA_OK;
}

int unika_sketch_serialize_as(uint8_t *dst, size_t dst_capacity, size_t *written,
                              const unika_sketch *s, unsigned encoding, unika_error *err)
{
    if (!s || (!dst && dst_capacity))
        return unika_fail(err, UNIKA_EINVAL, "serialize: NULL argument");
    if (encoding != UNIKA_ENCODING_PLAIN && encoding != UNIKA_ENCODING_COMPACT)
        return unika_fail(err, UNIKA_EINVAL, "serialize: encoding %u: expected 1 (plain) or 2 "
                          "(compact)", encoding);
    size_t size;
    int rc = unika_sketch_serialized_size(&size, s);
    if (rc == UNIKA_EPRECISION)
        return unika_fail_at(err, rc, "p", OFF_P + 1, "p: expected 4..18, got %u", s->p);
    if (rc == UNIKA_ERANGE)
        return unika_fail(err, rc, "sketch exceeds the file format's bounds (more than 2^p/4 "
                          "sparse tokens)");
    if (rc == UNIKA_EPROVENANCE)
        return unika_fail(err, rc, "the provenance is incomplete: a sketch read from a merged "
                          "file was merged in or changed without its provenance file "
                          "(unika_sketch_provenance_attach), so no commitment can be written");
    uint8_t *compact = NULL;
    size_t compact_bytes = 0;
    if (encoding == UNIKA_ENCODING_COMPACT && compact_payload(&compact, &compact_bytes, s, err) < 0)
        return UNIKA_ENOMEM;
    if (compact) size = size - ((size_t)1 << s->p) + compact_bytes;
    if (written) *written = size;
    if (dst_capacity < size) {
        unika_free(compact);
        return unika_fail(err, UNIKA_EBUFFER, "sketch needs %zu bytes, buffer has %zu", size,
                          dst_capacity);
    }
    rc = write_file(dst, size, s, compact, compact_bytes, err);
    unika_free(compact);
    return rc;
}

/* Writes the file of `s` (size bytes, already checked) with the compact
 * payload when `compact` is not NULL, else encoding 1. */
static int write_file(uint8_t *dst, size_t size, const unika_sketch *s, const uint8_t *compact,
                      size_t compact_bytes, unika_error *err)
{
    const unika_sketch_meta *m = s->meta;
    unsigned version = version_of(m);
    uint8_t root[UNIKA_DIGEST_BYTES];
    uint64_t total_sources = unika_meta_source_count(m);
    if (unika_meta_prov_state(m) == UNIKA_PROV_SEALED) unika_meta_sealed(m, &total_sources, root);
    else if (version == 2 && unika_meta_merkle_root(root, m) < 0)
        return unika_fail(err, UNIKA_ENOMEM, "out of memory for the provenance commitment");
    uint8_t *h = dst;
    memset(h, 0, HEADER_BYTES); /* every reserved byte is zero */
    memcpy(h + OFF_MAGIC, MAGIC, sizeof MAGIC);
    unika_store16_le(h + OFF_VERSION, (uint16_t)version);
    h[OFF_KIND] = is_dense(s) ? KIND_DENSE : KIND_SPARSE;
    h[OFF_P] = (uint8_t)s->p;
    h[OFF_ENCODING] = compact ? ENCODING_COMPACT : ENCODING_ULL1;
    unika_store32_le(h + OFF_TOTAL_SIZE, (uint32_t)size);
    unika_store16_le(h + OFF_LABEL_COUNT, (uint16_t)unika_meta_label_count(m));
    /* source_count: 0 in both versions now (version 1 records are only read). */
    unika_store32_le(h + OFF_PAYLOAD_COUNT,
                     (uint32_t)(is_dense(s) ? (size_t)1 << s->p : s->n_tokens));
    memcpy(h + OFF_KEY_FP, s->key_fp, UNIKA_FINGERPRINT_BYTES);
    memcpy(h + OFF_RECIPE_FP, s->recipe_fp, UNIKA_FINGERPRINT_BYTES);

    size_t pos = HEADER_BYTES;
    for (size_t i = 0; i < unika_meta_label_count(m); i++) {
        const char *k, *v;
        unika_meta_label_at(m, i, &k, &v);
        size_t kl = strlen(k), vl = strlen(v);
        dst[pos] = (uint8_t)kl;
        unika_store16_le(dst + pos + 1, (uint16_t)vl);
        memcpy(dst + pos + LABEL_FIXED, k, kl);
        memcpy(dst + pos + LABEL_FIXED + kl, v, vl);
        pos += LABEL_FIXED + kl + vl;
    }
    if (version == 2) {
        unika_store64_le(dst + pos, total_sources);
        memcpy(dst + pos + 8, root, UNIKA_DIGEST_BYTES);
        pos += COMMIT_BYTES;
    }
    if (compact) {
        memcpy(dst + pos, compact, compact_bytes);
        pos += compact_bytes;
    } else if (is_dense(s)) {
        memcpy(dst + pos, s->registers, (size_t)1 << s->p);
        pos += (size_t)1 << s->p;
    } else {
        for (size_t i = 0; i < s->n_tokens; i++, pos += 4) unika_store32_le(dst + pos, s->tokens[i]);
    }
    unika_store64_le(dst + pos, XXH64(dst, pos, 0));
    return UNIKA_OK;
}

/* ---- parse ------------------------------------------------------------------ */

/* A rejection names the field and its byte offset (position = offset + 1). */
#define REJECT(code, field, offset, ...) \
    return unika_fail_at(err, (code), (field), (uint64_t)(offset) + 1, __VA_ARGS__)

static size_t dense_register_invalid(const uint8_t *r, size_t n, unsigned p, unsigned *any);
static int token_invalid(uint32_t token);

/* What the fixed header says, once checked. */
typedef struct frame {
    unsigned version, kind, p, n_labels, n_sources;
    int compact;          /* encoding 2: the payload runs from the metadata's end */
    size_t labels_end;    /* v1: meta_end (records follow); v2: the commitment */
    uint32_t total, payload_count;
    size_t end;           /* first byte of the checksum */
    size_t payload_bytes;
    size_t meta_end;      /* first byte of the payload */
} frame;

static int oom(unika_error *err)
{
    return unika_fail(err, UNIKA_ENOMEM, "out of memory while parsing a sketch");
}

/* Magic, version, sizes and checksum: the framing, before any field. */
static int parse_frame(frame *f, const uint8_t *src, size_t src_size, unika_error *err)
{
    /* Magic: compare what is there first, so "abc" is EMAGIC, a cut magic ETRUNCATED. */
    size_t have = src_size < sizeof MAGIC ? src_size : sizeof MAGIC;
    for (size_t i = 0; i < have; i++) {
        if (src[i] != MAGIC[i])
            REJECT(UNIKA_EMAGIC, "magic", i,
                   "magic: expected 81 55 4b 53 0d 0a 1a 0a, byte %zu is %02x", i, src[i]);
    }
    if (src_size < OFF_VERSION + 2)
        REJECT(UNIKA_ETRUNCATED, src_size < sizeof MAGIC ? "magic" : "version", src_size,
               "file truncated: %zu bytes, the header alone has %d", src_size, HEADER_BYTES);
    /* Version next: a later version may lay out everything after it differently. */
    unsigned version = unika_load16_le(src + OFF_VERSION);
    if (version == 0 || version > UNIKA_SKETCH_FORMAT_VERSION)
        REJECT(UNIKA_EVERSION, "version", OFF_VERSION,
               "format version: expected <= %d, got %u", UNIKA_SKETCH_FORMAT_VERSION, version);
    f->version = version;
    if (src_size < HEADER_BYTES)
        REJECT(UNIKA_ETRUNCATED, "header", src_size,
               "file truncated: %zu bytes, the header alone has %d", src_size, HEADER_BYTES);

    uint32_t total = f->total = unika_load32_le(src + OFF_TOTAL_SIZE);
    if (total < HEADER_BYTES + CHECKSUM_BYTES || total > UNIKA_SKETCH_FILE_MAX)
        REJECT(UNIKA_EFORMAT, "total_size", OFF_TOTAL_SIZE,
               "total_size: expected %d..%zu, got %u", HEADER_BYTES + CHECKSUM_BYTES,
               (size_t)UNIKA_SKETCH_FILE_MAX, (unsigned)total);
    if (src_size < total)
        REJECT(UNIKA_ETRUNCATED, "total_size", src_size,
               "file truncated: total_size says %u bytes, got %zu", (unsigned)total, src_size);
    if (src_size > total)
        REJECT(UNIKA_EFORMAT, "trailing", total, "%zu trailing bytes after the checksum",
               src_size - total);

    size_t end = f->end = total - CHECKSUM_BYTES; /* first byte of the checksum */
    uint64_t want = unika_load64_le(src + end), got = XXH64(src, end, 0);
    if (want != got)
        REJECT(UNIKA_ECHECKSUM, "checksum", end,
               "checksum: expected %016llx (XXH64 of bytes 0..%zu), stored %016llx",
               (unsigned long long)got, end - 1, (unsigned long long)want);

    return UNIKA_OK;
}

/* The fixed header's fields, in file order, and the payload's size. */
static int parse_header(frame *f, const uint8_t *src, unika_error *err)
{
    uint32_t total = f->total;
    size_t end = f->end;
    /* Header fields, in file order. */
    unsigned kind = src[OFF_KIND], p = src[OFF_P];
    if (kind != KIND_SPARSE && kind != KIND_DENSE)
        REJECT(UNIKA_EFORMAT, "kind", OFF_KIND, "kind: expected 1 (sparse) or 2 (dense), got %u",
               kind);
    if (p < P_MIN || p > P_MAX)
        REJECT(UNIKA_EPRECISION, "p", OFF_P, "p: expected %d..%d, got %u", P_MIN, P_MAX, p);
    unsigned encoding = src[OFF_ENCODING];
    if (encoding != ENCODING_ULL1 && !(encoding == ENCODING_COMPACT && kind == KIND_DENSE))
        REJECT(UNIKA_EFORMAT, "encoding", OFF_ENCODING, "encoding: expected 1%s, got %u%s",
               kind == KIND_DENSE ? " or 2" : "", encoding,
               kind == KIND_DENSE ? "" : " (a sparse sketch has no encoding 2)");
    if (src[OFF_FLAGS] != 0)
        REJECT(UNIKA_EFORMAT, "flags", OFF_FLAGS, "flags: reserved bits must be 0, got %02x",
               src[OFF_FLAGS]);
    if (unika_load16_le(src + OFF_RESERVED1) != 0)
        REJECT(UNIKA_EFORMAT, "reserved", OFF_RESERVED1, "reserved bytes 14..15 must be 0");
    unsigned n_labels = unika_load16_le(src + OFF_LABEL_COUNT);
    unsigned n_sources = unika_load16_le(src + OFF_SOURCE_COUNT);
    uint32_t payload_count = unika_load32_le(src + OFF_PAYLOAD_COUNT);
    if (n_labels > UNIKA_LABELS_MAX)
        REJECT(UNIKA_ELABEL, "label_count", OFF_LABEL_COUNT, "label_count: expected <= %d, got %u",
               UNIKA_LABELS_MAX, n_labels);
    if (n_sources > UNIKA_SOURCES_MAX)
        REJECT(UNIKA_EFORMAT, "source_count", OFF_SOURCE_COUNT,
               "source_count: expected <= %d, got %u", UNIKA_SOURCES_MAX, n_sources);
    if (f->version == 2 && n_sources != 0)
        REJECT(UNIKA_EFORMAT, "source_count", OFF_SOURCE_COUNT,
               "source_count: a version 2 file commits to its sources, expected 0, got %u",
               n_sources);
    if (kind == KIND_DENSE && payload_count != (uint32_t)1 << p)
        REJECT(UNIKA_EFORMAT, "payload_count", OFF_PAYLOAD_COUNT,
               "payload_count: a dense sketch of p=%u has %u registers, got %u", p, 1u << p,
               (unsigned)payload_count);
    /* Past 2^p / 4 tokens a sketch is dense (unika/sketch.h): a longer token
     * list is not canonical, and the bound keeps the payload <= 2^p bytes. */
    if (kind == KIND_SPARSE && payload_count > UNIKA_SKETCH_SPARSE_MAX(p))
        REJECT(UNIKA_EFORMAT, "payload_count", OFF_PAYLOAD_COUNT,
               "payload_count: a sparse sketch of p=%u has at most %zu tokens, got %u", p,
               UNIKA_SKETCH_SPARSE_MAX(p), (unsigned)payload_count);
    if (unika_load32_le(src + OFF_RESERVED2) != 0)
        REJECT(UNIKA_EFORMAT, "reserved", OFF_RESERVED2, "reserved bytes 28..31 must be 0");

    /* The payload's size is known from the header: check that it fits before
     * walking the variable sections, so that lengths are checked against the
     * bytes really available to each section. */
    size_t payload_bytes = kind == KIND_DENSE ? (size_t)1 << p : 4 * (size_t)payload_count;
    /* A compact payload's length is what the metadata leaves; here only its
     * minimum is known, and the metadata is read within the rest. */
    if (encoding == ENCODING_COMPACT) payload_bytes = COMPACT_MIN;
    size_t commit_bytes = f->version == 2 ? COMMIT_BYTES : 0;
    if (payload_bytes + commit_bytes > end - HEADER_BYTES)
        REJECT(UNIKA_EFORMAT, "payload_count", OFF_PAYLOAD_COUNT,
               "payload_count: %zu payload bytes%s do not fit in total_size %u", payload_bytes,
               commit_bytes ? " and the commitment" : "", (unsigned)total);

    f->kind = kind;
    f->compact = encoding == ENCODING_COMPACT;
    f->p = p;
    f->n_labels = n_labels;
    f->n_sources = n_sources;
    f->payload_count = payload_count;
    f->payload_bytes = payload_bytes;
    f->meta_end = end - payload_bytes;
    f->labels_end = f->meta_end - commit_bytes;
    return UNIKA_OK;
}

/* The labels: lengths within the section, keys and values valid, keys sorted. */
static int parse_labels(unika_sketch *s, const uint8_t *src, size_t *at, const frame *f,
                        unika_error *err)
{
    const char *what;
    size_t pos = *at, meta_end = f->labels_end;
    unsigned n_labels = f->n_labels;
    int rc;
    const uint8_t *prev_key = NULL;
    size_t prev_key_len = 0;
    for (unsigned i = 0; i < n_labels; i++) {
        if (meta_end - pos < LABEL_FIXED) {
            rc = unika_fail_at(err, UNIKA_EFORMAT, "label", pos + 1,
                               "label %u: header runs past the labels' end at byte %zu", i,
                               meta_end);
            return rc;
        }
        size_t kl = src[pos], vl = unika_load16_le(src + pos + 1);
        if (kl == 0 || kl > UNIKA_LABEL_KEY_MAX) {
            rc = unika_fail_at(err, UNIKA_ELABEL, "label.key_len", pos + 1,
                               "label %u key length: expected 1..%d, got %zu", i,
                               UNIKA_LABEL_KEY_MAX, kl);
            return rc;
        }
        if (vl > UNIKA_LABEL_VALUE_MAX) {
            rc = unika_fail_at(err, UNIKA_ELABEL, "label.value_len", pos + 2,
                               "label %u value length: expected <= %d, got %zu", i,
                               UNIKA_LABEL_VALUE_MAX, vl);
            return rc;
        }
        if (meta_end - pos - LABEL_FIXED < kl + vl) {
            rc = unika_fail_at(err, UNIKA_EFORMAT, "label.value_len", pos + 2,
                               "label %u: %zu bytes run past the labels' end at byte %zu", i,
                               kl + vl, meta_end);
            return rc;
        }
        const uint8_t *k = src + pos + LABEL_FIXED, *v = k + kl;
        size_t bad = unika_label_key_check(k, kl, &what);
        if (bad) {
            rc = unika_fail_at(err, UNIKA_ELABEL, "label.key", (uint64_t)(k - src) + bad,
                               "label %u key %s", i, what);
            return rc;
        }
        if (prev_key) {
            int c = memcmp(prev_key, k, prev_key_len < kl ? prev_key_len : kl);
            if (c > 0 || (c == 0 && prev_key_len >= kl)) {
                rc = unika_fail_at(err, UNIKA_ELABEL, "label.key", (uint64_t)(k - src) + 1,
                                   "label %u key is not after the previous one (sorted, "
                                   "no duplicates)", i);
                return rc;
            }
        }
        bad = unika_label_value_check(v, vl, UNIKA_LABEL_VALUE_MAX, &what);
        if (bad) {
            rc = unika_fail_at(err, UNIKA_ELABEL, "label.value", (uint64_t)(v - src) + bad,
                               "label %u value %s", i, what);
            return rc;
        }
        if (unika_meta_append_label(s->meta, k, kl, v, vl)) return oom(err);
        prev_key = k, prev_key_len = kl;
        pos += LABEL_FIXED + kl + vl;
    }

    *at = pos;
    return UNIKA_OK;
}

/* The provenance records: lengths, text, and strictly increasing order
 * (shared with the provenance file, provenance.c). */
int unika_records_parse(unika_sketch_meta *m, const uint8_t *src, size_t *at, size_t end,
                        uint64_t n, unika_error *err)
{
    const char *what;
    size_t pos = *at, meta_end = end;
    int rc;
    const uint8_t *prev_rec = NULL;
    size_t prev_ll = 0, prev_sl = 0;
    for (uint64_t i64 = 0; i64 < n; i64++) {
        unsigned long long i = i64;
        if (meta_end - pos < SOURCE_FIXED) {
            rc = unika_fail_at(err, UNIKA_EFORMAT, "source", pos + 1,
                               "source %llu: record runs past the records' end at byte %zu", i,
                               meta_end);
            return rc;
        }
        const uint8_t *rec = src + pos;
        size_t ll = unika_load16_le(rec + 32), sl = rec[34];
        if (rec[35] != 0) {
            rc = unika_fail_at(err, UNIKA_EFORMAT, "source.reserved", pos + 36,
                               "source %llu: reserved byte must be 0", i);
            return rc;
        }
        if (ll > UNIKA_SOURCE_LABELS_MAX || sl > UNIKA_SIGNER_MAX) {
            int labels_bad = ll > UNIKA_SOURCE_LABELS_MAX;
            rc = unika_fail_at(err, UNIKA_ELABEL, labels_bad ? "source.labels_len" : "source.signer_len",
                               pos + (labels_bad ? 33 : 35),
                               "source %llu: %s length %zu exceeds %d", i,
                               labels_bad ? "labels" : "signer", labels_bad ? ll : sl,
                               labels_bad ? UNIKA_SOURCE_LABELS_MAX : UNIKA_SIGNER_MAX);
            return rc;
        }
        if (meta_end - pos - SOURCE_FIXED < ll + sl) {
            rc = unika_fail_at(err, UNIKA_EFORMAT, "source.labels_len", pos + 33,
                               "source %llu: %zu bytes run past the records' end at byte %zu", i,
                               ll + sl, meta_end);
            return rc;
        }
        const uint8_t *labels = rec + SOURCE_FIXED, *signer = labels + ll;
        size_t bad = unika_label_string_check(labels, ll, &what);
        if (bad) {
            rc = unika_fail_at(err, UNIKA_ELABEL, "source.labels", (uint64_t)(labels - src) + bad,
                               "source %llu labels %s", i, what);
            return rc;
        }
        bad = unika_label_value_check(signer, sl, UNIKA_SIGNER_MAX, &what);
        if (bad) {
            rc = unika_fail_at(err, UNIKA_ELABEL, "source.signer", (uint64_t)(signer - src) + bad,
                               "source %llu signer %s", i, what);
            return rc;
        }
        if (prev_rec) { /* strictly increasing by (digest, labels, signer) */
            int c = memcmp(prev_rec, rec, UNIKA_DIGEST_BYTES);
            if (c == 0) {
                const uint8_t *pl = prev_rec + SOURCE_FIXED;
                c = memcmp(pl, labels, prev_ll < ll ? prev_ll : ll);
                if (c == 0) c = prev_ll < ll ? -1 : prev_ll > ll ? 1 : 0;
                if (c == 0) {
                    c = memcmp(pl + prev_ll, signer, prev_sl < sl ? prev_sl : sl);
                    if (c == 0) c = prev_sl < sl ? -1 : prev_sl > sl ? 1 : 0;
                }
            }
            if (c >= 0) {
                rc = unika_fail_at(err, UNIKA_EFORMAT, "source.digest", pos + 1,
                                   "source %llu is not after the previous record (sorted, no "
                                   "duplicates)", i);
                return rc;
            }
        }
        if (unika_meta_append_source(m, rec, labels, ll, signer, sl)) return oom(err);
        prev_rec = rec, prev_ll = ll, prev_sl = sl;
        pos += SOURCE_FIXED + ll + sl;
    }
    *at = pos;
    return UNIKA_OK;
}

/* Version 2: the provenance commitment right after the labels. */
static int parse_commitment(unika_sketch *s, const uint8_t *src, size_t *at, const frame *f,
                            unika_error *err)
{
    size_t pos = *at;
    if (pos != f->labels_end)
        REJECT(UNIKA_EFORMAT, "commitment", pos, "%zu unexplained bytes between the labels "
               "and the provenance commitment", f->labels_end - pos);
    uint64_t count = unika_load64_le(src + pos);
    if (count == 0)
        REJECT(UNIKA_EFORMAT, "source_total", pos, "source_total: expected >= 1 (a sketch "
               "without provenance is written as version 1), got 0");
    unika_meta_seal(s->meta, count, src + pos + 8);
    *at = pos + COMMIT_BYTES;
    return UNIKA_OK;
}

/* The registers (dense) or tokens (sparse) at src[pos..). */
static int parse_payload(unika_sketch *s, const uint8_t *src, size_t pos, const frame *f,
                         unika_error *err)
{
    unsigned kind = f->kind, p = f->p;
    uint32_t payload_count = f->payload_count;
    size_t payload_bytes = f->payload_bytes;
    int rc;
    if (f->compact) {
        uint8_t *regs = unika_malloc((size_t)1 << p);
        if (!regs) return oom(err);
        rc = unika_compact_decode(regs, p, src + pos, f->end - pos, pos, err);
        if (rc < 0) {
            unika_free(regs);
            return rc;
        }
        unika_free(s->tokens);
        s->tokens = NULL;
        s->n_tokens = s->cap_tokens = 0;
        s->registers = regs;
    } else if (kind == KIND_DENSE) {
        unsigned any;
        size_t bad = dense_register_invalid(src + pos, payload_bytes, p, &any);
        if (bad) {
            rc = unika_fail_at(err, UNIKA_EFORMAT, "register", pos + bad,
                               "register %zu: value %u is impossible at p=%u", bad - 1,
                               src[pos + bad - 1], p);
            return rc;
        }
        if (any == 0) { /* an empty sketch is sparse */
            rc = unika_fail_at(err, UNIKA_EFORMAT, "register", pos + 1,
                               "a dense sketch with every register empty is not canonical");
            return rc;
        }
        uint8_t *regs = unika_malloc(payload_bytes);
        if (!regs) return oom(err);
        memcpy(regs, src + pos, payload_bytes);
        unika_free(s->tokens);
        s->tokens = NULL;
        s->n_tokens = s->cap_tokens = 0;
        s->registers = regs;
    } else if (payload_count > 0) {
        uint32_t *tokens = unika_malloc(payload_count * sizeof *tokens);
        if (!tokens) return oom(err);
        for (uint32_t i = 0; i < payload_count; i++) {
            uint32_t t = unika_load32_le(src + pos + 4 * (size_t)i);
            const char *fault = token_invalid(t) ? "is not a valid token"
                                : i > 0 && t <= tokens[i - 1] ? "is not greater than the one before"
                                : NULL;
            if (fault) {
                unika_free(tokens);
                rc = unika_fail_at(err, UNIKA_EFORMAT, "token", pos + 4 * (size_t)i + 1,
                                   "token %u %s", (unsigned)i, fault);
                return rc;
            }
            tokens[i] = t;
        }
        unika_free(s->tokens);
        s->tokens = tokens;
        s->n_tokens = s->cap_tokens = payload_count;
    }
    return UNIKA_OK;
}

int unika_sketch_parse(unika_sketch **out, const uint8_t *src, size_t src_size,
                       unika_error *err)
{
    if (!out || (!src && src_size)) return unika_fail(err, UNIKA_EINVAL, "parse: NULL argument");
    frame f = {0};
    int rc = parse_frame(&f, src, src_size, err);
    if (rc == UNIKA_OK) rc = parse_header(&f, src, err);
    if (rc < 0) return rc;
    unika_sketch *s = NULL;
    rc = unika_sketch_new(&s, f.p, src + OFF_KEY_FP, src + OFF_RECIPE_FP, err);
    if (rc < 0) return rc;
    size_t pos = HEADER_BYTES;
    rc = parse_labels(s, src, &pos, &f, err);
    if (rc == UNIKA_OK && f.compact && f.version == 2) /* the commitment follows the labels */
        f.labels_end = pos, f.meta_end = pos + COMMIT_BYTES;
    if (rc == UNIKA_OK && f.version == 1)
        rc = unika_records_parse(s->meta, src, &pos, f.meta_end, f.n_sources, err);
    if (rc == UNIKA_OK && f.compact && f.version == 1) f.meta_end = pos;
    if (rc == UNIKA_OK && f.version == 2) rc = parse_commitment(s, src, &pos, &f, err);
    if (rc == UNIKA_OK && pos != f.meta_end)
        rc = unika_fail_at(err, UNIKA_EFORMAT, "payload", pos + 1,
                           "%zu unexplained bytes between the records and the payload",
                           f.meta_end - pos);
    if (rc == UNIKA_OK) rc = parse_payload(s, src, pos, &f, err);
    if (rc < 0) {
        unika_sketch_free(s);
        return rc;
    }
    /* The checks above imply the sketch module's own invariants
     * (unika_sketch_check_state); tests/test_format.c verifies that on
     * every file it parses, so the parse need not scan the registers twice. */
    *out = s;
    return UNIKA_OK;
}

/* ---- payload validity (docs/sketch.md defines the encoding) ---------------- */

/* Kept out of line: inlined into the long parse function, GCC no longer
 * vectorises the register scan below. */
#if defined(__GNUC__)
#  define UNIKA_NOINLINE_ __attribute__((noinline))
#else
#  define UNIKA_NOINLINE_
#endif

/* A token's rank26 is 1..39 (64 - 26 index bits + 1). */
#define TOKEN_RANK_MAX (64 - UNIKA_SKETCH_TOKEN_INDEX_BITS + 1)

static int token_invalid(uint32_t token)
{
    return (token & 63u) - 1u >= (unsigned)TOKEN_RANK_MAX;
}

/* 1-based index of the first impossible register, or 0; *any gets the OR of
 * all registers (0: every register empty). The common case, all valid, is
 * one branch-free pass in blocks of 16 that the compiler vectorises (the
 * aggregator parses thousands of these files): a byte is impossible when it
 * is above 4 * (65 - p) + 3, or below 12 and not one of 0, 4, 8, 10 (u = 0
 * with history bits, u = 1 with any, u = 2 with rank 0). The culprit is
 * located, with the sketch module's own predicate, only when the pass finds
 * one. n is 2^p >= 16, a multiple of 16. */
UNIKA_NOINLINE_ static size_t dense_register_invalid(const uint8_t *r, size_t n, unsigned p, unsigned *any)
{
    uint8_t maxv = (uint8_t)(4u * (65u - p) + 3u);
    uint8_t badv[16] = {0}, anyv[16] = {0};
    for (size_t i = 0; i < n; i += 16) {
        for (size_t j = 0; j < 16; j++) {
            uint8_t v = r[i + j];
            badv[j] |= (uint8_t)((v > maxv) |
                                 ((v < 12) & (v != 0) & (v != 4) & (v != 8) & (v != 10)));
            anyv[j] |= v;
        }
    }
    unsigned bad = 0;
    *any = 0;
    for (int j = 0; j < 16; j++) bad |= badv[j], *any |= anyv[j];
    for (size_t i = 0; bad && i < n; i++) {
        if (!unika_sketch_register_valid(r[i], p)) return i + 1;
    }
    return 0;
}

/* ---- files ------------------------------------------------------------------- */

int unika_sketch_save(const unika_sketch *s, const char *path, unsigned flags, unika_error *err)
{
    if (!s || !path || !*path) return unika_fail(err, UNIKA_EINVAL, "save: NULL or empty path");
    if (flags & ~(UNIKA_SAVE_OVERWRITE | UNIKA_SAVE_COMPACT))
        return unika_fail(err, UNIKA_EINVAL, "save: unknown flags");
    int overwrite = (flags & UNIKA_SAVE_OVERWRITE) != 0;
    unsigned encoding = flags & UNIKA_SAVE_COMPACT ? UNIKA_ENCODING_COMPACT : UNIKA_ENCODING_PLAIN;
    struct stat st;
    if (!overwrite && lstat(path, &st) == 0)
        return unika_fail(err, UNIKA_EEXIST, "%s exists (overwrite not requested)", path);

    size_t size;
    int rc = unika_sketch_serialized_size(&size, s);
    if (rc < 0) return unika_sketch_serialize(NULL, 0, NULL, s, err); /* names the fault */
    uint8_t *buf = unika_malloc(size); /* the plain size bounds the compact one */
    if (!buf) return unika_fail(err, UNIKA_ENOMEM, "out of memory for %zu bytes", size);
    rc = unika_sketch_serialize_as(buf, size, &size, s, encoding, err);
    if (rc < 0) {
        unika_free(buf);
        return rc;
    }

    /* 0644: a sketch is not secret from the machine's other users, unlike a
     * key file; it is still pseudonymised personal data (docs/format.md). */
    rc = unika_write_file_atomic(path, buf, size, 0644, overwrite, err);
    unika_free(buf);
    return rc;
}

int unika_sketch_load(unika_sketch **out, const char *path, unika_error *err)
{
    return unika_sketch_load_file(out, NULL, path, err);
}

int unika_sketch_load_digest(unika_sketch **out, uint8_t digest[UNIKA_DIGEST_BYTES],
                             const char *path, unika_error *err)
{
    unika_sketch_file info;
    int rc = unika_sketch_load_file(out, &info, path, err);
    if (rc == 0 && digest) memcpy(digest, info.digest, UNIKA_DIGEST_BYTES);
    return rc;
}

/* The compact payload's length in bytes a parser accepted: what the
 * labels, the records (v1) or the commitment (v2) and the checksum leave. */
static size_t compact_bytes_of(const uint8_t *src, size_t src_size)
{
    size_t pos = HEADER_BYTES, end = src_size - CHECKSUM_BYTES;
    unsigned n_labels = unika_load16_le(src + OFF_LABEL_COUNT);
    unsigned n_sources = unika_load16_le(src + OFF_SOURCE_COUNT);
    for (unsigned i = 0; i < n_labels && pos + LABEL_FIXED <= end; i++)
        pos += (size_t)LABEL_FIXED + src[pos] + unika_load16_le(src + pos + 1);
    for (unsigned i = 0; i < n_sources && pos + SOURCE_FIXED <= end; i++)
        pos += (size_t)SOURCE_FIXED + unika_load16_le(src + pos + 32) + src[pos + 34];
    if (unika_load16_le(src + OFF_VERSION) == 2) pos += COMMIT_BYTES;
    return pos < end ? end - pos : 0;
}

int unika_sketch_file_info(unika_sketch_file *info, const uint8_t *src, size_t src_size,
                           unika_error *err)
{
    if (!info || !src || src_size < HEADER_BYTES)
        return unika_fail(err, UNIKA_EINVAL, "sketch file info: NULL or shorter than a header");
    info->size = src_size;
    (void)unika_file_digest(info->digest, src, src_size);
    info->format_version = unika_load16_le(src + 8);
    info->kind = src[10];
    info->encoding = src[12];
    info->payload_count = unika_load32_le(src + 24);
    info->payload_bytes = info->kind == KIND_SPARSE ? 4 * (size_t)info->payload_count
                                                    : info->payload_count;
    if (info->encoding == ENCODING_COMPACT) info->payload_bytes = compact_bytes_of(src, src_size);
    return UNIKA_OK;
}

/* Reads the whole regular file (at most `max` bytes: UNIKA_SKETCH_FILE_MAX
 * for a sketch, UNIKA_PROVENANCE_FILE_MAX for a provenance file). */
int unika_read_whole_file(uint8_t **buf, size_t *size, const char *path, size_t max,
                          unika_error *err)
{
    /* Opening a FIFO must not hang: it is refused, like any non-regular file. */
    int fd = unika_open_regular(path);
    if (fd == -2) return unika_fail(err, UNIKA_EIO, "%s: not a regular file", path);
    if (fd < 0) {
        int code = errno == ENOENT ? UNIKA_ENOENT : UNIKA_EIO;
        return unika_fail(err, code, "%s: %s", path, strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return unika_fail(err, UNIKA_EIO, "%s: %s", path, strerror(e));
    }
    /* Refuse before reading: no valid sketch is larger. */
    if ((uintmax_t)st.st_size > max) {
        close(fd);
        return unika_fail_at(err, UNIKA_EFORMAT, "total_size", 0,
                             "%s: %jd bytes, larger than any %s file can be (%zu): not a %s",
                             path, (intmax_t)st.st_size,
                             max == UNIKA_SKETCH_FILE_MAX ? "sketch" : "provenance", max,
                             max == UNIKA_SKETCH_FILE_MAX ? "sketch" : "provenance file");
    }
    /* One byte more than stat says, to notice a file that grew meanwhile. */
    size_t cap = (size_t)st.st_size + 1, n = 0;
    *buf = unika_malloc(cap);
    if (!*buf) {
        close(fd);
        return unika_fail(err, UNIKA_ENOMEM, "%s: out of memory", path);
    }
    while (n < cap) {
        ssize_t r = read(fd, *buf + n, cap - n);
        if (r < 0) {
            if (errno == EINTR) continue;
            int saved = errno;
            unika_free(*buf);
            close(fd);
            return unika_fail(err, UNIKA_EIO, "%s: read failed: %s", path, strerror(saved));
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    close(fd);
    if (n == cap) {
        unika_free(*buf);
        return unika_fail(err, UNIKA_EIO, "%s: changed while being read", path);
    }
    *size = n;
    return UNIKA_OK;
}

int unika_sketch_load_file(unika_sketch **out, unika_sketch_file *info, const char *path,
                           unika_error *err)
{
    if (!out || !path) return unika_fail(err, UNIKA_EINVAL, "load: NULL argument");
    uint8_t *buf = NULL;
    size_t n = 0;
    int rc = unika_read_whole_file(&buf, &n, path, UNIKA_SKETCH_FILE_MAX, err);
    if (rc < 0) return rc;
    rc = unika_sketch_parse(out, buf, n, err);
    if (rc < 0) unika_prefix_path(err, path);
    if (rc == 0 && info) (void)unika_sketch_file_info(info, buf, n, NULL);
    unika_free(buf);
    return rc;
}
