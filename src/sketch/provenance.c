/*
 * provenance.c - the provenance commitment of a merged sketch and the
 * provenance file that travels beside it (docs/format.md §6).
 *
 * A version 1 file listed every input of a merge in the sketch itself, at
 * most 4,096 of them, and a merge of merges carried every list along: a
 * partnership of 10^5 cell files could not be merged at all. A version 2
 * file stores only the number of records and their Merkle root; the records
 * themselves go to a provenance file (OUT.prov) that anyone can check
 * against the root, so the sketch stays small and signing it still covers
 * every record.
 *
 * The tree is RFC 6962's (Certificate Transparency) with BLAKE2b-256: a leaf
 * is H(0x00 || record bytes), an inner node H(0x01 || left || right), and a
 * tree of n > 1 leaves splits at the largest power of two below n. Built
 * level by level here, carrying an odd last node up unchanged, which gives
 * the same root. The 0x00 / 0x01 prefixes keep a leaf from ever being taken
 * for an inner node (second-preimage resistance of the tree). The records
 * are the sorted, duplicate-free set of format §6, so equal sets give equal
 * roots whatever the order or grouping of the merges that built them.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <xxhash.h>

#include "common/common.h"
#include "common/fileio.h"
#include "sketch/sketch_io_private.h"
#include "sketch/sketch_private.h"

static const uint8_t PROV_MAGIC[8] = {0x81, 'U', 'K', 'P', 0x0D, 0x0A, 0x1A, 0x0A};

enum {
    PF_VERSION = 8,
    PF_RESERVED = 10,  /* 6 bytes */
    PF_TOTAL = 16,     /* u64 */
    PF_ROOT = 24,      /* 32 bytes */
    PF_HEADER = 56,
    PF_CHECKSUM = 8,
};

size_t unika_record_write(uint8_t *dst, const uint8_t *digest, const char *labels,
                          const char *signer)
{
    size_t ll = strlen(labels), sl = strlen(signer);
    memcpy(dst, digest, UNIKA_DIGEST_BYTES);
    unika_store16_le(dst + 32, (uint16_t)ll);
    dst[34] = (uint8_t)sl;
    dst[35] = 0;
    memcpy(dst + UNIKA_RECORD_FIXED, labels, ll);
    memcpy(dst + UNIKA_RECORD_FIXED + ll, signer, sl);
    return UNIKA_RECORD_FIXED + ll + sl;
}

/* H(prefix || a || b), BLAKE2b-256; b may be NULL. */
static void node_hash(uint8_t out[UNIKA_DIGEST_BYTES], uint8_t prefix, const uint8_t *a,
                      size_t a_len, const uint8_t *b, size_t b_len)
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, UNIKA_DIGEST_BYTES);
    crypto_generichash_update(&st, &prefix, 1);
    crypto_generichash_update(&st, a, a_len);
    if (b) crypto_generichash_update(&st, b, b_len);
    crypto_generichash_final(&st, out, UNIKA_DIGEST_BYTES);
}

int unika_meta_merkle_root(uint8_t root[UNIKA_DIGEST_BYTES], const unika_sketch_meta *m)
{
    size_t n = unika_meta_source_count(m);
    memset(root, 0, UNIKA_DIGEST_BYTES);
    if (n == 0) return UNIKA_OK;
    uint8_t (*level)[UNIKA_DIGEST_BYTES] = unika_malloc(n * sizeof *level);
    if (!level) return UNIKA_ENOMEM;
    uint8_t rec[UNIKA_RECORD_FIXED + UNIKA_SOURCE_LABELS_MAX + UNIKA_SIGNER_MAX];
    for (size_t i = 0; i < n; i++) {
        const uint8_t *digest;
        const char *labels, *signer;
        unika_meta_source_at(m, i, &digest, &labels, &signer);
        size_t len = unika_record_write(rec, digest, labels, signer);
        node_hash(level[i], 0x00, rec, len, NULL, 0);
    }
    while (n > 1) { /* pairs up; an odd last node rises unchanged (RFC 6962 shape) */
        size_t half = n / 2;
        for (size_t i = 0; i < half; i++)
            node_hash(level[i], 0x01, level[2 * i], UNIKA_DIGEST_BYTES, level[2 * i + 1],
                      UNIKA_DIGEST_BYTES);
        if (n % 2) memcpy(level[half], level[n - 1], UNIKA_DIGEST_BYTES);
        n = half + n % 2;
    }
    memcpy(root, level[0], UNIKA_DIGEST_BYTES);
    unika_free(level);
    return UNIKA_OK;
}

int unika_sketch_provenance(const unika_sketch *s, uint64_t *count,
                            uint8_t root[UNIKA_DIGEST_BYTES], int *in_memory, unika_error *err)
{
    if (!s || !count || !root) return unika_fail(err, UNIKA_EINVAL, "provenance: NULL argument");
    int state = unika_meta_prov_state(s->meta);
    if (in_memory) *in_memory = state == UNIKA_PROV_KNOWN;
    if (state == UNIKA_PROV_INCOMPLETE)
        return unika_fail(err, UNIKA_EPROVENANCE,
                          "the provenance is incomplete: a sketch read from a merged file was "
                          "merged in without its provenance file");
    if (state == UNIKA_PROV_SEALED) {
        unika_meta_sealed(s->meta, count, root);
        return UNIKA_OK;
    }
    *count = unika_meta_source_count(s->meta);
    if (unika_meta_merkle_root(root, s->meta) < 0)
        return unika_fail(err, UNIKA_ENOMEM, "out of memory for the provenance commitment");
    return UNIKA_OK;
}

/* ---- the provenance file ----------------------------------------------------- */

int unika_provenance_serialize(uint8_t *dst, size_t dst_capacity, size_t *written,
                               const unika_sketch *s, unika_error *err)
{
    if (!s || (!dst && dst_capacity))
        return unika_fail(err, UNIKA_EINVAL, "provenance serialize: NULL argument");
    const unika_sketch_meta *m = s->meta;
    size_t n = unika_meta_source_count(m);
    if (unika_meta_prov_state(m) != UNIKA_PROV_KNOWN || n == 0)
        return unika_fail(err, UNIKA_EPROVENANCE, "no provenance records in memory to write%s",
                          n ? "" : " (the sketch has none, or its provenance file is not attached)");
    size_t size = PF_HEADER + PF_CHECKSUM;
    for (size_t i = 0; i < n; i++) {
        const char *labels, *signer;
        unika_meta_source_at(m, i, NULL, &labels, &signer);
        size += UNIKA_RECORD_FIXED + strlen(labels) + strlen(signer);
    }
    if (written) *written = size;
    if (dst_capacity < size)
        return unika_fail(err, UNIKA_EBUFFER, "provenance file needs %zu bytes, buffer has %zu",
                          size, dst_capacity);
    memset(dst, 0, PF_HEADER);
    memcpy(dst, PROV_MAGIC, sizeof PROV_MAGIC);
    unika_store16_le(dst + PF_VERSION, UNIKA_PROVENANCE_FORMAT_VERSION);
    unika_store64_le(dst + PF_TOTAL, n);
    if (unika_meta_merkle_root(dst + PF_ROOT, m) < 0)
        return unika_fail(err, UNIKA_ENOMEM, "out of memory for the provenance commitment");
    size_t pos = PF_HEADER;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *digest;
        const char *labels, *signer;
        unika_meta_source_at(m, i, &digest, &labels, &signer);
        pos += unika_record_write(dst + pos, digest, labels, signer);
    }
    unika_store64_le(dst + pos, XXH64(dst, pos, 0));
    return UNIKA_OK;
}

#define REJECT(code, field, offset, ...) \
    return unika_fail_at(err, (code), (field), (uint64_t)(offset) + 1, __VA_ARGS__)

/* Framing, header and checksum of a provenance file; *total gets the count. */
static int parse_prov_header(uint64_t *total, const uint8_t *src, size_t size, unika_error *err)
{
    size_t have = size < sizeof PROV_MAGIC ? size : sizeof PROV_MAGIC;
    for (size_t i = 0; i < have; i++) {
        if (src[i] != PROV_MAGIC[i])
            REJECT(UNIKA_EMAGIC, "magic", i, "provenance file magic: expected 81 55 4b 50 0d 0a "
                   "1a 0a, byte %zu is %02x", i, src[i]);
    }
    if (size < PF_VERSION + 2)
        REJECT(UNIKA_ETRUNCATED, "magic", size, "provenance file truncated: %zu bytes", size);
    unsigned version = unika_load16_le(src + PF_VERSION);
    if (version == 0 || version > UNIKA_PROVENANCE_FORMAT_VERSION)
        REJECT(UNIKA_EVERSION, "version", PF_VERSION,
               "provenance file version: expected <= %d, got %u",
               UNIKA_PROVENANCE_FORMAT_VERSION, version);
    if (size < PF_HEADER + PF_CHECKSUM)
        REJECT(UNIKA_ETRUNCATED, "header", size, "provenance file truncated: %zu bytes, the "
               "header and checksum alone have %d", size, PF_HEADER + PF_CHECKSUM);
    size_t end = size - PF_CHECKSUM;
    uint64_t want = unika_load64_le(src + end), got = XXH64(src, end, 0);
    if (want != got)
        REJECT(UNIKA_ECHECKSUM, "checksum", end, "provenance file checksum: expected %016llx, "
               "stored %016llx", (unsigned long long)got, (unsigned long long)want);
    for (size_t i = PF_RESERVED; i < PF_TOTAL; i++) {
        if (src[i]) REJECT(UNIKA_EFORMAT, "reserved", i, "reserved bytes 10..15 must be 0");
    }
    uint64_t n = unika_load64_le(src + PF_TOTAL);
    /* Bound the count by the bytes there before anything is allocated. */
    if (n == 0 || n > (end - PF_HEADER) / UNIKA_RECORD_FIXED)
        REJECT(UNIKA_EFORMAT, "source_total", PF_TOTAL, "source_total: expected 1..%zu for "
               "%zu bytes of records, got %llu", (end - PF_HEADER) / UNIKA_RECORD_FIXED,
               end - PF_HEADER, (unsigned long long)n);
    *total = n;
    return UNIKA_OK;
}

/* The records of a provenance file into `into`, checked against its own root. */
static int parse_prov(unika_sketch_meta *into, const uint8_t *src, size_t size,
                      unika_error *err)
{
    uint64_t n = 0;
    int rc = parse_prov_header(&n, src, size, err);
    if (rc < 0) return rc;
    size_t pos = PF_HEADER, end = size - PF_CHECKSUM;
    rc = unika_records_parse(into, src, &pos, end, n, err);
    if (rc < 0) return rc;
    if (pos != end)
        REJECT(UNIKA_EFORMAT, "trailing", pos, "%zu bytes after the last record", end - pos);
    uint8_t root[UNIKA_DIGEST_BYTES];
    if (unika_meta_merkle_root(root, into) < 0)
        return unika_fail(err, UNIKA_ENOMEM, "out of memory for the provenance commitment");
    if (memcmp(root, src + PF_ROOT, UNIKA_DIGEST_BYTES))
        REJECT(UNIKA_EFORMAT, "merkle_root", PF_ROOT,
               "merkle_root: the records' root is not the one the header states");
    return UNIKA_OK;
}

static int root_mismatch(unika_error *err, const uint8_t *want, const uint8_t *got)
{
    char w[2 * UNIKA_DIGEST_BYTES + 1], g[2 * UNIKA_DIGEST_BYTES + 1];
    unika_hex_encode(w, want, UNIKA_DIGEST_BYTES);
    unika_hex_encode(g, got, UNIKA_DIGEST_BYTES);
    return unika_fail_at(err, UNIKA_EPROVENANCE, "merkle_root", PF_ROOT + 1,
                         "provenance root: expected %s, got %s", w, g);
}

int unika_sketch_provenance_attach(unika_sketch *s, const uint8_t *src, size_t src_size,
                                   unika_error *err)
{
    if (!s || (!src && src_size))
        return unika_fail(err, UNIKA_EINVAL, "provenance attach: NULL argument");
    uint64_t want_n;
    uint8_t want_root[UNIKA_DIGEST_BYTES];
    int rc = unika_sketch_provenance(s, &want_n, want_root, NULL, err);
    if (rc < 0) return rc;
    unika_sketch_meta *tmp = unika_sketch_meta_new();
    if (!tmp) return unika_fail(err, UNIKA_ENOMEM, "out of memory for provenance");
    rc = parse_prov(tmp, src, src_size, err);
    if (rc == UNIKA_OK && unika_meta_source_count(tmp) != want_n)
        rc = unika_fail_at(err, UNIKA_EPROVENANCE, "source_total", PF_TOTAL + 1,
                           "provenance count: the sketch commits to %llu records, the file "
                           "has %zu", (unsigned long long)want_n, unika_meta_source_count(tmp));
    if (rc == UNIKA_OK && memcmp(src + PF_ROOT, want_root, UNIKA_DIGEST_BYTES))
        rc = root_mismatch(err, want_root, src + PF_ROOT);
    if (rc == UNIKA_OK && unika_meta_prov_state(s->meta) == UNIKA_PROV_SEALED)
        unika_meta_unseal(s->meta, tmp);
    unika_sketch_meta_free(tmp);
    return rc;
}

int unika_provenance_save(const unika_sketch *s, const char *path, unsigned flags,
                          unika_error *err)
{
    if (!s || !path || !*path) return unika_fail(err, UNIKA_EINVAL, "save: NULL or empty path");
    if (flags & ~UNIKA_SAVE_OVERWRITE) return unika_fail(err, UNIKA_EINVAL, "save: unknown flags");
    size_t size = 0;
    int rc = unika_provenance_serialize(NULL, 0, &size, s, err);
    if (rc != UNIKA_EBUFFER) return rc < 0 ? rc : unika_fail(err, UNIKA_EINTERNAL, "no size");
    uint8_t *buf = unika_malloc(size);
    if (!buf) return unika_fail(err, UNIKA_ENOMEM, "out of memory for %zu bytes", size);
    rc = unika_provenance_serialize(buf, size, &size, s, err);
    if (rc == UNIKA_OK)
        rc = unika_write_file_atomic(path, buf, size, 0644,
                                     (flags & UNIKA_SAVE_OVERWRITE) != 0, err);
    unika_free(buf);
    return rc;
}

int unika_sketch_provenance_load(unika_sketch *s, const char *path, unika_error *err)
{
    if (!s || !path) return unika_fail(err, UNIKA_EINVAL, "provenance load: NULL argument");
    uint8_t *buf = NULL;
    size_t n = 0;
    int rc = unika_read_whole_file(&buf, &n, path, UNIKA_PROVENANCE_FILE_MAX, err);
    if (rc < 0) return rc;
    rc = unika_sketch_provenance_attach(s, buf, n, err);
    if (rc < 0) unika_prefix_path(err, path);
    unika_free(buf);
    return rc;
}
