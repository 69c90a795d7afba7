/*
 * gen_golden.c - makes the golden sketch files in tests/golden/ (format v1).
 *
 *     gen_golden --write DIR   writes every file into DIR
 *     gen_golden --check DIR   regenerates in memory and compares with DIR;
 *                              exit 1 naming each file that differs
 *
 * The good files are real sketches built through the public API from the
 * fixed inputs below; the bad ones are good files damaged in one named way
 * (the checksum recomputed where the damage must be caught by a field check
 * rather than by the checksum). tests/test_format.c holds, independently,
 * the error each bad file must produce.
 *
 * THE INPUTS BELOW MUST NOT CHANGE: the checked-in files are known answers
 * for every implementation of the format. A change of the format or of the
 * sketch encoding is a new format version with new files, never an edit here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "sketch/sketch_compact.h" /* only to make the bad compact files */
#include "unika.h"

/* ---- fixed inputs: must not change -------------------------------------------- */
static const uint8_t KEY_FP[16] = {0x3f, 0x9a, 0x51, 0x07, 0xc2, 0x6e, 0x88, 0x14,
                                   0xd9, 0x2b, 0x70, 0xe5, 0x4a, 0x0c, 0xb3, 0x96};
static const uint8_t RECIPE_FP[16] = {0x5e, 0x11, 0xa0, 0x7d, 0x23, 0xf4, 0x9c, 0x68,
                                      0x0b, 0xe7, 0x45, 0x3a, 0xd1, 0x82, 0x6f, 0x19};
static const uint8_t OTHER_KEY_FP[16] = {0x81, 0xc2, 0x0d, 0x66, 0x9e, 0x31, 0x5b, 0xa7,
                                         0x12, 0xf8, 0x44, 0xc9, 0x70, 0x2e, 0xb5, 0x03};
static const uint8_t OTHER_RECIPE_FP[16] = {0xa4, 0x07, 0x6c, 0xd2, 0x39, 0x8e, 0x15, 0xfb,
                                            0x60, 0x2a, 0xc7, 0x93, 0x0e, 0x54, 0xb8, 0x71};
#define SEED_SMALL 20240101u   /* hashes of the small sparse sketch */
#define SEED_OTHER 20240701u   /* hashes of the second partner's sketch */
#define SEED_DENSE 4u          /* hashes of the dense p=4 sketch */
#define SEED_DENSE12 12u       /* hashes of the dense p=12 sketch */
#define SEED_COMPACT6 6u       /* hashes of the compact p=6 sketch */

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* ---- helpers ---------------------------------------------------------------- */

typedef struct {
    uint8_t *bytes;
    size_t size;
} blob;

static void die(const char *what, const unika_error *e)
{
    fprintf(stderr, "gen_golden: %s: %s\n", what, e ? e->message : "");
    exit(2);
}

static unika_sketch *build(unsigned p, const uint8_t *key_fp, const uint8_t *recipe_fp,
                           uint64_t seed, size_t n, const char *const *labels)
{
    unika_error e = {0};
    unika_sketch *s = NULL;
    if (unika_sketch_new(&s, p, key_fp, recipe_fp, &e) < 0) die("new", &e);
    for (size_t i = 0; i < n; i++) {
        if (unika_sketch_add_hash(s, splitmix64(&seed), &e) < 0) die("add_hash", &e);
    }
    for (size_t i = 0; labels && labels[i]; i += 2) {
        if (unika_sketch_set_label(s, labels[i], labels[i + 1], &e) < 0) die("label", &e);
    }
    return s;
}

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static blob serialize(const unika_sketch *s)
{
    unika_error e = {0};
    blob b = {0};
    if (unika_sketch_serialized_size(&b.size, s) < 0) die("size", NULL);
    b.bytes = malloc(b.size + 16); /* room for the trailing-bytes file */
    if (!b.bytes || unika_sketch_serialize(b.bytes, b.size, &b.size, s, &e) < 0)
        die("serialize", &e);
    return b;
}

static blob serialize_compact(const unika_sketch *s)
{
    unika_error e = {0};
    blob b = {0};
    if (unika_sketch_serialize_as(NULL, 0, &b.size, s, UNIKA_ENCODING_COMPACT, &e) !=
        UNIKA_EBUFFER)
        die("compact size", &e);
    b.bytes = malloc(b.size + 16);
    if (!b.bytes ||
        unika_sketch_serialize_as(b.bytes, b.size, &b.size, s, UNIKA_ENCODING_COMPACT, &e) < 0)
        die("serialize compact", &e);
    if (b.bytes[12] != UNIKA_ENCODING_COMPACT) die("not written compact", NULL);
    return b;
}

static blob copy_blob(blob b)
{
    blob c = {malloc(b.size + 16), b.size};
    if (!c.bytes) die("malloc", NULL);
    memcpy(c.bytes, b.bytes, b.size);
    return c;
}

/* Recomputes the trailing XXH64 (little-endian) after a deliberate change. */
static blob serialize_provenance(const unika_sketch *s)
{
    unika_error e = {0};
    blob b = {0};
    if (unika_provenance_serialize(NULL, 0, &b.size, s, &e) != UNIKA_EBUFFER) die("size", &e);
    b.bytes = malloc(b.size);
    if (!b.bytes || unika_provenance_serialize(b.bytes, b.size, &b.size, s, &e) < 0)
        die("provenance", &e);
    return b;
}

static void refix(blob b);

/* The version 1 file of a merged sketch from its version 2 bytes: the
 * 40-byte commitment after the labels replaced by the records
 * (docs/format.md §6), version 1, source_count, total_size, checksum. */
static blob v1_of(blob v2, const unika_sketch *s)
{
    size_t labels_end = 64;
    for (unsigned i = 0; i < (unsigned)(v2.bytes[20] | v2.bytes[21] << 8); i++)
        labels_end += 3 + v2.bytes[labels_end] + (v2.bytes[labels_end + 1] |
                                                  (size_t)v2.bytes[labels_end + 2] << 8);
    size_t n = unika_sketch_source_count(s), rec_bytes = 0;
    for (size_t i = 0; i < n; i++) {
        const char *labels, *signer;
        if (unika_sketch_source_at(s, i, NULL, &labels, &signer) < 0) die("source_at", NULL);
        rec_bytes += 36 + strlen(labels) + strlen(signer);
    }
    blob b = {malloc(v2.size - 40 + rec_bytes), v2.size - 40 + rec_bytes};
    if (!b.bytes) die("malloc", NULL);
    memcpy(b.bytes, v2.bytes, labels_end);
    size_t pos = labels_end;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *d;
        const char *labels, *signer;
        if (unika_sketch_source_at(s, i, &d, &labels, &signer) < 0) die("source_at", NULL);
        size_t ll = strlen(labels), sl = strlen(signer);
        memcpy(b.bytes + pos, d, 32);
        put16(b.bytes + pos + 32, (unsigned)ll);
        b.bytes[pos + 34] = (uint8_t)sl;
        b.bytes[pos + 35] = 0;
        memcpy(b.bytes + pos + 36, labels, ll);
        memcpy(b.bytes + pos + 36 + ll, signer, sl);
        pos += 36 + ll + sl;
    }
    memcpy(b.bytes + pos, v2.bytes + labels_end + 40, v2.size - labels_end - 40);
    put16(b.bytes + 8, 1);
    put16(b.bytes + 22, (unsigned)n);
    for (int i = 0; i < 4; i++) b.bytes[16 + i] = (uint8_t)(b.size >> (8 * i));
    refix(b);
    return b;
}

static void refix(blob b)
{
    uint64_t h = XXH64(b.bytes, b.size - 8, 0);
    for (size_t i = 0; i < 8; i++) b.bytes[b.size - 8 + i] = (uint8_t)(h >> (8 * i));
}


/* ---- the files ----------------------------------------------------------- */

#define MAX_FILES 64
static struct {
    const char *name;
    blob b;
} files[MAX_FILES];
static size_t n_files;

static void add(const char *name, blob b)
{
    if (n_files == MAX_FILES) die("too many files", NULL);
    files[n_files].name = name;
    files[n_files].b = b;
    n_files++;
}

/* Files damaged in one way each (offsets: docs/format.md). */
static void make_bad(blob good_small, blob good_dense4)
{
    /* Bad files, each damaged in one way. Offsets: docs/format.md. In
     * good_small the labels start at 64 with gender (key 6, value 1), then
     * org (3, 10), then period (6, 7); the 5 tokens start at 106. */
    blob b;
    b = copy_blob(good_small);
    b.size = 40;
    add("bad/truncated_in_header.uks", b);
    b = copy_blob(good_small);
    b.size -= 13;
    add("bad/truncated_in_payload.uks", b);
    b = copy_blob(good_small);
    b.size -= 1;
    add("bad/truncated_checksum.uks", b);
    b = copy_blob(good_small);
    b.size = 5;
    add("bad/truncated_in_magic.uks", b);
    b = copy_blob(good_small);
    memcpy(b.bytes, "org,peri", 8); /* what a CSV would start with */
    add("bad/wrong_magic.uks", b);
    b = copy_blob(good_small);
    put16(b.bytes + 8, 3);
    refix(b);
    add("bad/wrong_version.uks", b);
    b = copy_blob(good_small);
    b.bytes[b.size - 3] ^= 0x01;
    add("bad/flipped_checksum.uks", b);
    b = copy_blob(good_small);
    b.bytes[110] ^= 0x10; /* a token byte, checksum left as it was */
    add("bad/flipped_payload.uks", b);
    b = copy_blob(good_small);
    b.bytes[13] = 0x80; /* flags */
    refix(b);
    add("bad/reserved_flag_set.uks", b);
    b = copy_blob(good_small);
    b.bytes[30] = 0x01; /* reserved u32 at 28 */
    refix(b);
    add("bad/reserved_byte_set.uks", b);
    b = copy_blob(good_small);
    b.bytes[11] = 19;
    refix(b);
    add("bad/p_out_of_range.uks", b);
    b = copy_blob(good_small);
    b.bytes[10] = 3;
    refix(b);
    add("bad/unknown_kind.uks", b);
    b = copy_blob(good_small);
    { /* swap tokens 1 and 2 */
        uint8_t t[4];
        memcpy(t, b.bytes + 110, 4);
        memcpy(b.bytes + 110, b.bytes + 114, 4);
        memcpy(b.bytes + 114, t, 4);
    }
    refix(b);
    add("bad/tokens_not_increasing.uks", b);
    b = copy_blob(good_small);
    memcpy(b.bytes + 114, b.bytes + 110, 4); /* token 2 = token 1 */
    refix(b);
    add("bad/token_repeated.uks", b);
    b = copy_blob(good_small);
    b.bytes[106] &= 0xC0; /* token 0 gets rank 0 */
    refix(b);
    add("bad/token_rank_zero.uks", b);
    b = copy_blob(good_small);
    b.bytes[64 + 3 + 6] = 0xff; /* the value "f" of gender */
    refix(b);
    add("bad/label_not_utf8.uks", b);
    b = copy_blob(good_small);
    b.bytes[64 + 3] = 'G'; /* key "Gender" */
    refix(b);
    add("bad/label_key_uppercase.uks", b);
    b = copy_blob(good_small);
    memcpy(b.bytes + 64 + 3, "zender", 6); /* now after "org": out of order */
    refix(b);
    add("bad/labels_not_sorted.uks", b);
    b = copy_blob(good_small);
    put16(b.bytes + 20, 65);
    refix(b);
    add("bad/too_many_labels.uks", b);
    b = copy_blob(good_small);
    put16(b.bytes + 64 + 1, 200); /* gender's value length points past the labels */
    refix(b);
    add("bad/label_length_past_end.uks", b);
    b = copy_blob(good_small);
    b.bytes[24] = 200; /* payload_count: 200 tokens of 4 bytes do not fit */
    refix(b);
    add("bad/payload_count_past_end.uks", b);
    b = copy_blob(good_small);
    b.bytes[16] = 0xff; /* total_size larger than the file */
    refix(b);
    add("bad/total_size_past_end.uks", b);
    b = copy_blob(good_small);
    memset(b.bytes + b.size, 0, 4);
    b.size += 4;
    add("bad/trailing_bytes.uks", b);
    b = copy_blob(good_dense4);
    b.bytes[b.size - 8 - 16] = 0xff; /* register 0: u = 63 > 65 - 4 */
    refix(b);
    add("bad/register_impossible.uks", b);

}

/* Provenance damage, in the merged file. */
static void make_bad_sources(blob good_merged)
{
    blob b;
    /* Provenance damage, in good_merged: labels 64..89, record 0 at 90
     * (labels_len at 122, signer_len 124, reserved 125, labels from 126,
     * 92 bytes in all), record 1 at 182 (84 bytes), tokens from 266. */
    b = copy_blob(good_merged);
    b.bytes[125] = 1;
    refix(b);
    add("bad/source_reserved_set.uks", b);
    b = copy_blob(good_merged);
    put16(b.bytes + 122, 1024); /* within the bound, past the records' end */
    refix(b);
    add("bad/source_labels_past_end.uks", b);
    b = copy_blob(good_merged);
    { /* swap the two records */
        uint8_t tmp[92];
        memcpy(tmp, b.bytes + 90, 92);
        memmove(b.bytes + 90, b.bytes + 182, 84);
        memcpy(b.bytes + 90 + 84, tmp, 92);
    }
    refix(b);
    add("bad/sources_not_sorted.uks", b);
    b = copy_blob(good_merged);
    b.bytes[126] = 'G'; /* "Gender=f..." is not a canonical label string */
    refix(b);
    add("bad/source_labels_bad_key.uks", b);
    b = copy_blob(good_merged);
    put16(b.bytes + 22, 4097);
    refix(b);
    add("bad/source_count_too_large.uks", b);

}

/* `good` (a plain dense file whose payload starts at `at`) with its
 * registers replaced by the compact payload of `regs` under lambda byte b:
 * encoding 2, total_size and checksum fixed. */
static blob with_compact_payload(blob good, size_t at, const uint8_t *regs, unsigned p,
                                 unsigned b)
{
    size_t cap = unika_compact_bound(p);
    blob c = {malloc(at + cap + 8), 0};
    if (!c.bytes) die("malloc", NULL);
    memcpy(c.bytes, good.bytes, at);
    size_t n = unika_compact_encode_lambda(c.bytes + at, cap, regs, p, b);
    if (n == 0) die("encode", NULL);
    c.size = at + n + 8;
    c.bytes[12] = UNIKA_ENCODING_COMPACT;
    for (int i = 0; i < 4; i++) c.bytes[16 + i] = (uint8_t)(c.size >> (8 * i));
    refix(c);
    return c;
}

/* Compact files damaged in one way each (docs/format.md §7.1, §9 step 22). */
static void make_bad_compact(blob good6, blob plain6, blob good_dense4, const uint8_t *regs6,
                             unsigned lambda6)
{
    size_t payload = 64 + 3 + 3 + 10; /* after the label org=rodakorset */
    blob b = copy_blob(good6);
    b.bytes[10] = 1; /* kind sparse */
    refix(b);
    add("bad/compact_sparse.uks", b);
    b = with_compact_payload(plain6, payload, regs6, 6, lambda6 + 1);
    add("bad/compact_lambda_not_canonical.uks", b);
    b = copy_blob(good6);
    b.bytes[payload + 4] = 0x80; /* rANS state 0 = 0x80xxxxxx, above 2^31 */
    refix(b);
    add("bad/compact_state_out_of_range.uks", b);
    b = copy_blob(good6);
    b.size -= 1; /* the last stream byte gone */
    memmove(b.bytes + b.size - 8, b.bytes + b.size - 7, 7);
    for (int i = 0; i < 4; i++) b.bytes[16 + i] = (uint8_t)(b.size >> (8 * i));
    refix(b);
    add("bad/compact_stream_cut.uks", b);
    b = copy_blob(good6);
    memmove(b.bytes + b.size - 7, b.bytes + b.size - 8, 8); /* a zero byte after the stream */
    b.bytes[b.size - 8] = 0;
    b.size += 1;
    for (int i = 0; i < 4; i++) b.bytes[16 + i] = (uint8_t)(b.size >> (8 * i));
    refix(b);
    add("bad/compact_extra_byte.uks", b);
    static const uint8_t empty6[64] = {0};
    b = with_compact_payload(plain6, payload, empty6, 6, 0);
    add("bad/compact_all_empty.uks", b);
    size_t at4 = good_dense4.size - 8 - 16;
    b = with_compact_payload(good_dense4, at4, good_dense4.bytes + at4, 4,
                             unika_compact_lambda(unika_compact_z(good_dense4.bytes + at4, 4), 4));
    add("bad/compact_not_shorter.uks", b);
}

static void make_all(void)
{
    unika_error e = {0};
    static const char *const labels_a[] = {"org", "rodakorset", "period", "2024-H1", "gender",
                                           "f", NULL};
    static const char *const labels_b[] = {"org", "stadsmissionen", "period", "2024-H1",
                                           "gender", "f", NULL};
    static const char *const labels_dense[] = {"org", "rodakorset", NULL};

    /* Good files. */
    unika_sketch *small = build(12, KEY_FP, RECIPE_FP, SEED_SMALL, 5, labels_a);
    blob good_small = serialize(small);
    add("good/sparse_p12_small.uks", good_small);

    unika_sketch *empty = build(12, KEY_FP, RECIPE_FP, 0, 0, NULL);
    add("good/sparse_p12_empty.uks", serialize(empty));

    unika_sketch *dense4 = build(4, KEY_FP, RECIPE_FP, SEED_DENSE, 40, labels_dense);
    if (unika_sketch_is_sparse(dense4)) die("p=4 sketch of 40 hashes should be dense", NULL);
    blob good_dense4 = serialize(dense4);
    add("good/dense_p4.uks", good_dense4);

    unika_sketch *dense12 = build(12, KEY_FP, RECIPE_FP, SEED_DENSE12, 3000, labels_a);
    add("good/dense_p12.uks", serialize(dense12));
    /* Encoding 2 (docs/format.md §7.1): the same p=12 sketch, and a small one. */
    add("good/dense_p12_compact.uks", serialize_compact(dense12));
    unika_sketch *dense6 = build(6, KEY_FP, RECIPE_FP, SEED_COMPACT6, 60, labels_dense);
    if (unika_sketch_is_sparse(dense6)) die("p=6 sketch of 60 hashes should be dense", NULL);
    blob good_compact6 = serialize_compact(dense6), plain6 = serialize(dense6);
    add("good/dense_p6_compact.uks", good_compact6);

    /* A merged sketch with provenance: the union of two partners' files. */
    unika_sketch *other = build(12, KEY_FP, RECIPE_FP, SEED_OTHER, 7, labels_b);
    blob good_other = serialize(other);
    add("good/sparse_p12_other_org.uks", good_other);
    unika_sketch *merged = NULL;
    if (unika_sketch_copy(&merged, small, &e) < 0 || unika_sketch_merge(merged, other, &e) < 0)
        die("merge", &e);
    const unika_sketch *inputs[2] = {small, other};
    const blob *input_bytes[2] = {&good_small, &good_other};
    const char *signers[2] = {"rodakorset", "stadsmissionen"};
    for (int i = 0; i < 2; i++) {
        uint8_t digest[UNIKA_DIGEST_BYTES];
        char labels[UNIKA_SOURCE_LABELS_MAX + 1];
        if (unika_file_digest(digest, input_bytes[i]->bytes, input_bytes[i]->size) < 0 ||
            unika_sketch_labels_canonical(labels, sizeof labels, NULL, inputs[i], &e) < 0 ||
            unika_sketch_add_source(merged, digest, labels, signers[i], &e) < 0)
            die("provenance", &e);
    }
    blob good_merged_v2 = serialize(merged);
    add("good/merged_v2.uks", good_merged_v2);
    add("good/merged_v2.uks.prov", serialize_provenance(merged));
    /* Version 1 kept its records inline; the library reads such files but
     * no longer writes them, so the known answer is assembled here. */
    blob good_merged = v1_of(good_merged_v2, merged);
    add("good/merged_with_sources.uks", good_merged);

    /* Valid files under another key / recipe: parse, but fail the origin check. */
    unika_sketch *okey = build(12, OTHER_KEY_FP, RECIPE_FP, SEED_SMALL, 5, labels_a);
    add("origin/other_key.uks", serialize(okey));
    unika_sketch *orecipe = build(12, KEY_FP, OTHER_RECIPE_FP, SEED_SMALL, 5, labels_a);
    add("origin/other_recipe.uks", serialize(orecipe));

    make_bad(good_small, good_dense4);
    make_bad_sources(good_merged);
    const uint8_t *regs6 = plain6.bytes + plain6.size - 8 - 64;
    make_bad_compact(good_compact6, plain6, good_dense4, regs6,
                     unika_compact_lambda(unika_compact_z(regs6, 6), 6));
    free(plain6.bytes); /* only a template: not a file of its own */
    unika_sketch_free(dense6);

    unika_sketch_free(small);
    unika_sketch_free(empty);
    unika_sketch_free(dense4);
    unika_sketch_free(dense12);
    unika_sketch_free(other);
    unika_sketch_free(merged);
    unika_sketch_free(okey);
    unika_sketch_free(orecipe);
}

static int write_file(const char *path, blob b)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b.bytes, 1, b.size, f) != b.size || fclose(f) != 0) {
        fprintf(stderr, "gen_golden: cannot write %s\n", path);
        return -1;
    }
    return 0;
}

static int same_as_file(const char *path, blob b)
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    uint8_t *buf = malloc(b.size + 1);
    size_t n = buf ? fread(buf, 1, b.size + 1, f) : 0;
    fclose(f);
    int same = buf && n == b.size && memcmp(buf, b.bytes, b.size) == 0;
    free(buf);
    return same;
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "--write") && strcmp(argv[1], "--check"))) {
        fprintf(stderr, "usage: gen_golden --write|--check DIR\n");
        return 2;
    }
    if (unika_init() < 0) die("unika_init", NULL);
    make_all();
    int failures = 0;
    for (size_t i = 0; i < n_files; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[2], files[i].name);
        if (!strcmp(argv[1], "--write")) {
            failures += write_file(path, files[i].b) < 0;
        } else if (!same_as_file(path, files[i].b)) {
            fprintf(stderr, "gen_golden: %s differs from what the generator makes\n", path);
            failures++;
        }
        free(files[i].b.bytes);
    }
    if (!failures) printf("gen_golden: %zu files %s\n", n_files,
                          strcmp(argv[1], "--write") ? "match" : "written");
    return failures ? 1 : 0;
}
