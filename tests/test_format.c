/*
 * test_format.c - the sketch file format v1 (sketch_format.c, docs/format.md):
 * round trips, canonical bytes, golden files good and bad, every prefix,
 * every bit flipped, the origin check, and atomic save/load.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "common/common.h"
#include "sketch/sketch_private.h"
#include "testutil.h"
#include "unika.h"

#define GOLDEN UNIKA_SOURCE_DIR "/tests/golden/"

static void decorate(unika_sketch *s, int n_sources)
{
    unika_error e = {0};
    ck_assert_int_eq(unika_sketch_set_label(s, "org", "Röda Korset", &e), 0);
    ck_assert_int_eq(unika_sketch_set_label(s, "period", "2024-H1", &e), 0);
    ck_assert_int_eq(unika_sketch_set_label(s, "gender", "", &e), 0);
    for (int i = 0; i < n_sources; i++) {
        uint8_t d[32];
        char text[32];
        snprintf(text, sizeof text, "input file %d", i);
        ck_assert_int_eq(unika_file_digest(d, (const uint8_t *)text, strlen(text)), 0);
        ck_assert_int_eq(unika_sketch_add_source(s, d, i % 2 ? "org=a" : "org=b\nperiod=x",
                                                 i % 3 ? "signer" : "", &e), 0);
    }
}

/* Serialises into a fresh buffer of exactly the announced size. */
static uint8_t *to_bytes(const unika_sketch *s, size_t *size)
{
    unika_error e = {0};
    ck_assert_int_eq(unika_sketch_serialized_size(size, s), 0);
    uint8_t *buf = malloc(*size);
    ck_assert_ptr_nonnull(buf);
    size_t written = 0;
    ck_assert_int_eq(unika_sketch_serialize(buf, *size, &written, s, &e), 0);
    ck_assert_uint_eq(written, *size);
    return buf;
}

/* Gives t the provenance file of s (which must match t's commitment). */
static void attach_from(unika_sketch *t, const unika_sketch *s)
{
    unika_error e = {0};
    size_t n = 0;
    ck_assert_int_eq(unika_provenance_serialize(NULL, 0, &n, s, &e), UNIKA_EBUFFER);
    uint8_t *prov = malloc(n);
    ck_assert_ptr_nonnull(prov);
    ck_assert_int_eq(unika_provenance_serialize(prov, n, &n, s, &e), 0);
    ck_assert_msg(unika_sketch_provenance_attach(t, prov, n, &e) == 0, "%s", e.message);
    free(prov);
}

static uint8_t *read_golden(const char *name, size_t *size)
{
    uint8_t *b = unika_test_read_file(name, size);
    ck_assert_msg(b != NULL, "cannot read golden file %s", name);
    return b;
}

/* ---- round trips ----------------------------------------------------------- */

START_TEST(round_trip_every_p)
{
    unsigned p = (unsigned)_i;
    /* Sparse (a few tokens), at the sparse limit, and dense (2^p hashes). */
    size_t sizes[] = {0, 3, (size_t)1 << (p - 2), (size_t)1 << p};
    for (size_t k = 0; k < UNIKA_ARRAY_LEN(sizes); k++) {
        unika_sketch *s = unika_test_sketch(p, sizes[k], 1000 + p);
        decorate(s, (int)k * 3);
        size_t n;
        uint8_t *bytes = to_bytes(s, &n);
        ck_assert_uint_le(n, UNIKA_SKETCH_BOUND(p));
        unika_error e = {0};
        unika_sketch *t = NULL;
        ck_assert_msg(unika_sketch_parse(&t, bytes, n, &e) == 0, "p=%u n=%zu: %s", p, sizes[k],
                      e.message);
        ck_assert(unika_sketch_equal(s, t));
        ck_assert_int_eq(unika_sketch_check_state(t, NULL), 0);
        ck_assert_int_eq(unika_sketch_is_sparse(s), unika_sketch_is_sparse(t));
        ck_assert_uint_eq(unika_sketch_precision(t), p);
        ck_assert_uint_eq(unika_sketch_label_count(t), 3);
        ck_assert_str_eq(unika_sketch_get_label(t, "org"), "Röda Korset");
        if (unika_sketch_source_count(s) > 0) { /* version 2: the records travel apart */
            ck_assert_uint_eq(bytes[8], 2);
            ck_assert_uint_eq(unika_sketch_source_count(t), 0);
            attach_from(t, s);
        }
        ck_assert_uint_eq(unika_sketch_source_count(t), unika_sketch_source_count(s));
        size_t n2;
        uint8_t *again = to_bytes(t, &n2);
        ck_assert_uint_eq(n, n2);
        ck_assert_mem_eq(bytes, again, n);
        free(again);
        free(bytes);
        unika_sketch_free(s);
        unika_sketch_free(t);
    }
}
END_TEST

START_TEST(same_sketch_same_bytes)
{
    /* Labels set and records added in different orders; adds in another
     * order; merged in another grouping: one byte string. */
    unika_error e = {0};
    uint8_t d1[32], d2[32];
    ck_assert_int_eq(unika_file_digest(d1, (const uint8_t *)"one", 3), 0);
    ck_assert_int_eq(unika_file_digest(d2, (const uint8_t *)"two", 3), 0);

    unika_sketch *a = unika_test_sketch(12, 50, 7);
    ck_assert_int_eq(unika_sketch_set_label(a, "period", "2024-H1", &e), 0);
    ck_assert_int_eq(unika_sketch_set_label(a, "org", "x", &e), 0);
    ck_assert_int_eq(unika_sketch_add_source(a, d1, "org=x", "x", &e), 0);
    ck_assert_int_eq(unika_sketch_add_source(a, d2, "org=y", "y", &e), 0);

    unika_sketch *b = NULL;
    ck_assert_int_eq(unika_sketch_new(&b, 12, UNIKA_TEST_KEY_FP, UNIKA_TEST_RECIPE_FP, &e), 0);
    uint64_t hashes[50], st = 7;
    for (int i = 0; i < 50; i++) hashes[i] = unika_test_splitmix64(&st);
    for (int i = 49; i >= 0; i--) ck_assert_int_eq(unika_sketch_add_hash(b, hashes[i], &e), 0);
    ck_assert_int_eq(unika_sketch_add_source(b, d2, "org=y", "y", &e), 0);
    ck_assert_int_eq(unika_sketch_set_label(b, "org", "x", &e), 0);
    ck_assert_int_eq(unika_sketch_add_source(b, d1, "org=x", "x", &e), 0);
    ck_assert_int_eq(unika_sketch_set_label(b, "period", "2024-H1", &e), 0);

    size_t na, nb;
    uint8_t *ba = to_bytes(a, &na), *bb = to_bytes(b, &nb);
    ck_assert_uint_eq(na, nb);
    ck_assert_mem_eq(ba, bb, na);
    free(ba);
    free(bb);

    /* Merges: (x+y)+z and x+(z+y) of dense and sparse parts. */
    unika_sketch *x = unika_test_sketch(10, 2000, 1), *y = unika_test_sketch(10, 30, 2),
                 *z = unika_test_sketch(10, 100, 3);
    decorate(x, 2);
    decorate(y, 3);
    decorate(z, 4);
    unika_sketch *xy = NULL, *zy = NULL;
    ck_assert_int_eq(unika_sketch_copy(&xy, x, &e), 0);
    ck_assert_int_eq(unika_sketch_merge(xy, y, &e), 0);
    ck_assert_int_eq(unika_sketch_merge(xy, z, &e), 0);
    ck_assert_int_eq(unika_sketch_copy(&zy, z, &e), 0);
    ck_assert_int_eq(unika_sketch_merge(zy, y, &e), 0);
    unika_sketch *x_zy = NULL;
    ck_assert_int_eq(unika_sketch_copy(&x_zy, x, &e), 0);
    ck_assert_int_eq(unika_sketch_merge(x_zy, zy, &e), 0);
    ck_assert_int_eq(unika_sketch_merge(zy, x, &e), 0); /* (z+y)+x: other order again */
    uint8_t *m1 = to_bytes(xy, &na), *m2 = to_bytes(x_zy, &nb);
    ck_assert_uint_eq(na, nb);
    ck_assert_mem_eq(m1, m2, na);
    free(m2);
    m2 = to_bytes(zy, &nb);
    ck_assert_uint_eq(na, nb);
    ck_assert_mem_eq(m1, m2, na);
    free(m1);
    free(m2);

    unika_sketch *all[] = {a, b, x, y, z, xy, zy, x_zy};
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(all); i++) unika_sketch_free(all[i]);
}
END_TEST

START_TEST(serialize_buffer_and_bounds)
{
    unika_error e = {0};
    unika_sketch *s = unika_test_sketch(8, 20, 5);
    size_t n, w = 0;
    ck_assert_int_eq(unika_sketch_serialized_size(&n, s), 0);
    uint8_t *buf = malloc(n);
    ck_assert_int_eq(unika_sketch_serialize(buf, n - 1, &w, s, &e), UNIKA_EBUFFER);
    ck_assert_uint_eq(w, n); /* tells the size needed */
    ck_assert_int_eq(unika_sketch_serialize(NULL, 0, &w, s, &e), UNIKA_EBUFFER);
    ck_assert_int_eq(unika_sketch_serialize(buf, n, &w, NULL, &e), UNIKA_EINVAL);
    ck_assert_int_eq(unika_sketch_serialized_size(NULL, s), UNIKA_EINVAL);
    free(buf);

    /* More than the 4,096 records of version 1: written as a commitment, the
     * file no larger than one without provenance plus 40 bytes. */
    unika_sketch *a = unika_test_sketch(8, 1, 1), *b = unika_test_sketch(8, 1, 2);
    size_t bare = 0;
    ck_assert_int_eq(unika_sketch_serialized_size(&bare, a), 0);
    uint8_t d[32] = {0};
    for (unsigned i = 0; i < UNIKA_SOURCES_MAX; i++) {
        unika_store32_le(d, i);
        ck_assert_int_eq(unika_sketch_add_source(a, d, "", "", &e), 0);
        unika_store32_le(d, i + UNIKA_SOURCES_MAX);
        ck_assert_int_eq(unika_sketch_add_source(b, d, "", "", &e), 0);
    }
    ck_assert_int_eq(unika_sketch_merge(a, b, &e), 0);
    ck_assert_uint_eq(unika_sketch_source_count(a), 2 * UNIKA_SOURCES_MAX);
    ck_assert_int_eq(unika_sketch_serialized_size(&n, a), 0);
    ck_assert_uint_eq(n, bare + 4 + 40); /* b's token, the commitment */
    uint64_t count = 0;
    uint8_t root[32];
    int in_memory = 0;
    ck_assert_int_eq(unika_sketch_provenance(a, &count, root, &in_memory, &e), 0);
    ck_assert_uint_eq(count, 2 * UNIKA_SOURCES_MAX);
    ck_assert_int_eq(in_memory, 1);
    /* Read back: only the commitment; merged with b it is incomplete and
     * cannot be written, until its provenance file is attached. */
    uint8_t *bytes = to_bytes(a, &n);
    unika_sketch *t = NULL;
    ck_assert_int_eq(unika_sketch_parse(&t, bytes, n, &e), 0);
    ck_assert_int_eq(unika_sketch_provenance(t, &count, root, &in_memory, &e), 0);
    ck_assert_uint_eq(count, 2 * UNIKA_SOURCES_MAX);
    ck_assert_int_eq(in_memory, 0);
    ck_assert(unika_sketch_equal(a, t)); /* the same commitment */
    unika_sketch *t2 = NULL;
    ck_assert_int_eq(unika_sketch_copy(&t2, t, &e), 0);
    ck_assert_int_eq(unika_sketch_merge(t2, b, &e), 0); /* estimating needs no provenance */
    ck_assert_int_eq(unika_sketch_serialized_size(&n, t2), UNIKA_EPROVENANCE);
    ck_assert_int_eq(unika_sketch_serialize(NULL, 0, NULL, t2, &e), UNIKA_EPROVENANCE);
    ck_assert_int_eq(unika_sketch_provenance(t2, &count, root, NULL, &e), UNIKA_EPROVENANCE);
    ck_assert_int_eq(unika_provenance_serialize(NULL, 0, NULL, t, &e), UNIKA_EPROVENANCE);
    attach_from(t, a);
    ck_assert_uint_eq(unika_sketch_source_count(t), 2 * UNIKA_SOURCES_MAX);
    ck_assert_int_eq(unika_sketch_merge(t, b, &e), 0);
    ck_assert(unika_sketch_equal(a, t));
    free(bytes);
    unika_sketch_free(t);
    unika_sketch_free(t2);
    unika_sketch_free(a);
    unika_sketch_free(b);
    unika_sketch_free(s);

    for (unsigned p = 4; p <= 18; p++) ck_assert_uint_eq(unika_sketch_bound(p), UNIKA_SKETCH_BOUND(p));
    ck_assert_uint_eq(unika_sketch_bound(3), 0);
    ck_assert_uint_eq(unika_sketch_bound(19), 0);
    ck_assert_uint_eq(unika_sketch_file_max(), UNIKA_SKETCH_FILE_MAX);
    ck_assert_uint_eq(UNIKA_SKETCH_FILE_MAX, 4886792); /* docs/format.md states it */
    ck_assert_uint_eq(unika_digest_bytes(), UNIKA_DIGEST_BYTES);
}
END_TEST

/* ---- provenance files (docs/format.md §6.2) --------------------------------- */

static void refix_bytes(uint8_t *b, size_t n)
{
    unika_store64_le(b + n - 8, XXH64(b, n - 8, 0));
}

START_TEST(provenance_file_checks)
{
    unika_error e = {0};
    size_t n = 0, sn = 0;
    uint8_t *good = read_golden(GOLDEN "good/merged_v2.uks.prov", &n);
    uint8_t *sk = read_golden(GOLDEN "good/merged_v2.uks", &sn);
    struct {
        size_t at;          /* byte changed (SIZE_MAX: cut the file there instead) */
        uint8_t xor_with;
        int refix;          /* recompute the checksum after the change */
        size_t cut;
        int code;
        const char *field;
    } cases[] = {
        {0, 0x01, 0, 0, UNIKA_EMAGIC, "magic"},
        {8, 0x03, 1, 0, UNIKA_EVERSION, "version"},
        {40, 0x01, 0, 0, UNIKA_ECHECKSUM, "checksum"},
        {11, 0x01, 1, 0, UNIKA_EFORMAT, "reserved"},
        {16, 0x02, 1, 0, UNIKA_EFORMAT, "source_total"},   /* 2 -> 0 */
        {23, 0x80, 1, 0, UNIKA_EFORMAT, "source_total"},   /* absurd: no allocation */
        {24, 0x01, 1, 0, UNIKA_EFORMAT, "merkle_root"},    /* root not the records' */
        {56 + 35, 0x01, 1, 0, UNIKA_EFORMAT, "source.reserved"},
        {0, 0, 0, 30, UNIKA_ETRUNCATED, "header"},
    };
    for (size_t k = 0; k < UNIKA_ARRAY_LEN(cases); k++) {
        uint8_t *b = malloc(n);
        memcpy(b, good, n);
        size_t len = cases[k].cut ? cases[k].cut : n;
        if (!cases[k].cut) b[cases[k].at] ^= cases[k].xor_with;
        if (cases[k].refix) refix_bytes(b, len);
        unika_sketch *s = NULL;
        ck_assert_int_eq(unika_sketch_parse(&s, sk, sn, &e), 0);
        int rc = unika_sketch_provenance_attach(s, b, len, &e);
        ck_assert_msg(rc == cases[k].code, "case %zu: expected %d, got %d (%s)", k,
                      cases[k].code, rc, e.message);
        ck_assert_str_eq(e.field, cases[k].field);
        ck_assert_uint_eq(unika_sketch_source_count(s), 0); /* unchanged */
        unika_sketch_free(s);
        free(b);
    }
    /* A well-formed provenance file of another merge: named as such. */
    unika_sketch *a = unika_test_sketch(12, 10, 5), *other = unika_test_sketch(12, 10, 6);
    decorate(a, 3);
    decorate(other, 4);
    size_t an = 0;
    uint8_t *abytes = to_bytes(a, &an);
    unika_sketch *t = NULL;
    ck_assert_int_eq(unika_sketch_parse(&t, abytes, an, &e), 0);
    size_t on = 0;
    ck_assert_int_eq(unika_provenance_serialize(NULL, 0, &on, other, &e), UNIKA_EBUFFER);
    uint8_t *ob = malloc(on);
    ck_assert_int_eq(unika_provenance_serialize(ob, on, &on, other, &e), 0);
    ck_assert_int_eq(unika_sketch_provenance_attach(t, ob, on, &e), UNIKA_EPROVENANCE);
    ck_assert_ptr_nonnull(strstr(e.message, "provenance count: the sketch commits to 3"));
    decorate(other, 3); /* now 3 records, but not a's */
    unika_sketch_free(other);
    other = unika_test_sketch(12, 10, 6);
    ck_assert_int_eq(unika_sketch_set_label(other, "x", "y", &e), 0);
    for (int i = 0; i < 3; i++) {
        uint8_t d[32] = {(uint8_t)(0xa0 + i)};
        ck_assert_int_eq(unika_sketch_add_source(other, d, "", "", &e), 0);
    }
    free(ob);
    ck_assert_int_eq(unika_provenance_serialize(NULL, 0, &on, other, &e), UNIKA_EBUFFER);
    ob = malloc(on);
    ck_assert_int_eq(unika_provenance_serialize(ob, on, &on, other, &e), 0);
    ck_assert_int_eq(unika_sketch_provenance_attach(t, ob, on, &e), UNIKA_EPROVENANCE);
    ck_assert_ptr_nonnull(strstr(e.message, "provenance root: expected "));
    ck_assert_str_eq(e.field, "merkle_root");
    attach_from(t, a);
    attach_from(t, a); /* again: checks, changes nothing */
    ck_assert(unika_sketch_equal(a, t));
    free(ob);
    free(abytes);
    unika_sketch_free(t);
    unika_sketch_free(a);
    unika_sketch_free(other);
    free(good);
    free(sk);
}
END_TEST

/* Merging in stages or at once, in any grouping: the same records, the
 * same commitment, the same bytes (what `unika merge` relies on). */
START_TEST(merge_in_stages_same_bytes)
{
    unika_error e = {0};
    enum { N = 9 };
    unika_sketch *in[N], *all = NULL, *left = NULL, *right = NULL;
    for (int i = 0; i < N; i++) {
        in[i] = unika_test_sketch(10, 50 + (size_t)i * 40, 300 + (uint64_t)i);
        uint8_t d[32] = {(uint8_t)i, 7};
        char labels[32];
        snprintf(labels, sizeof labels, "org=o%d", i);
        ck_assert_int_eq(unika_sketch_add_source(in[i], d, labels, "", &e), 0);
        unika_sketch **acc = i < 4 ? &left : &right;
        if (!*acc) ck_assert_int_eq(unika_sketch_copy(acc, in[i], &e), 0);
        else ck_assert_int_eq(unika_sketch_merge(*acc, in[i], &e), 0);
        if (!all) ck_assert_int_eq(unika_sketch_copy(&all, in[i], &e), 0);
        else ck_assert_int_eq(unika_sketch_merge(all, in[i], &e), 0);
    }
    /* The stages go through files: parse, attach, merge. */
    size_t ln, rn;
    uint8_t *lb = to_bytes(left, &ln), *rb = to_bytes(right, &rn);
    unika_sketch *l2 = NULL, *r2 = NULL;
    ck_assert_int_eq(unika_sketch_parse(&l2, lb, ln, &e), 0);
    ck_assert_int_eq(unika_sketch_parse(&r2, rb, rn, &e), 0);
    attach_from(l2, left);
    attach_from(r2, right);
    ck_assert_int_eq(unika_sketch_merge(r2, l2, &e), 0);
    size_t an, sn;
    uint8_t *ab = to_bytes(all, &an), *sb = to_bytes(r2, &sn);
    ck_assert_uint_eq(an, sn);
    ck_assert_mem_eq(ab, sb, an);
    free(ab);
    free(sb);
    free(lb);
    free(rb);
    for (int i = 0; i < N; i++) unika_sketch_free(in[i]);
    unika_sketch_free(all);
    unika_sketch_free(left);
    unika_sketch_free(right);
    unika_sketch_free(l2);
    unika_sketch_free(r2);
}
END_TEST

/* ---- golden files -------------------------------------------------------- */

static const char *const good_files[] = {
    "good/sparse_p12_small.uks", "good/sparse_p12_empty.uks", "good/dense_p4.uks",
    "good/dense_p12.uks",        "good/merged_v2.uks",
    "good/sparse_p12_other_org.uks", "good/dense_p12_compact.uks", "good/dense_p6_compact.uks",
};

START_TEST(golden_good_files_decode_byte_identically)
{
    char path[512];
    snprintf(path, sizeof path, GOLDEN "%s", good_files[_i]);
    size_t n;
    uint8_t *bytes = read_golden(path, &n);
    unika_error e = {0};
    unika_sketch *s = NULL;
    ck_assert_msg(unika_sketch_parse(&s, bytes, n, &e) == 0, "%s: %s", path, e.message);
    ck_assert_int_eq(unika_sketch_check_origin(s, UNIKA_TEST_KEY_FP, UNIKA_TEST_RECIPE_FP, &e), 0);
    size_t n2; /* again in the file's own encoding (§7, §7.1) */
    uint8_t *again = malloc(n);
    ck_assert_int_eq(unika_sketch_serialize_as(again, n, &n2, s, bytes[12], &e), 0);
    ck_assert_uint_eq(n, n2);
    ck_assert_mem_eq(bytes, again, n);
    free(again);
    free(bytes);
    unika_sketch_free(s);
}
END_TEST

START_TEST(golden_contents)
{
    /* What the generator put in, read back through the API. */
    unika_error e = {0};
    unika_sketch *s = NULL;
    ck_assert_int_eq(unika_sketch_load(&s, GOLDEN "good/sparse_p12_small.uks", &e), 0);
    ck_assert(unika_sketch_is_sparse(s));
    ck_assert_uint_eq(unika_sketch_token_count(s), 5);
    ck_assert_str_eq(unika_sketch_get_label(s, "org"), "rodakorset");
    ck_assert_str_eq(unika_sketch_get_label(s, "gender"), "f");
    unika_sketch_free(s);

    ck_assert_int_eq(unika_sketch_load(&s, GOLDEN "good/dense_p4.uks", &e), 0);
    ck_assert(!unika_sketch_is_sparse(s));
    ck_assert_uint_eq(unika_sketch_precision(s), 4);
    unika_sketch_free(s);

    ck_assert_int_eq(unika_sketch_load(&s, GOLDEN "good/merged_with_sources.uks", &e), 0);
    ck_assert_uint_eq(unika_sketch_source_count(s), 2); /* version 1: records inline */
    ck_assert_ptr_null(unika_sketch_get_label(s, "org")); /* partners differ */
    ck_assert_str_eq(unika_sketch_get_label(s, "period"), "2024-H1");
    ck_assert_uint_eq(unika_sketch_token_count(s), 12);
    /* The generator's merge, redone through the file API, gives the same bytes. */
    {
        const char *paths[2] = {GOLDEN "good/sparse_p12_small.uks",
                                GOLDEN "good/sparse_p12_other_org.uks"};
        const char *who[2] = {"rodakorset", "stadsmissionen"};
        unika_sketch *acc = NULL;
        for (int i = 0; i < 2; i++) {
            unika_sketch *in = NULL;
            uint8_t dg[32];
            ck_assert_int_eq(unika_sketch_load_digest(&in, dg, paths[i], &e), 0);
            if (!acc) ck_assert_int_eq(unika_sketch_copy(&acc, in, &e), 0);
            else ck_assert_int_eq(unika_sketch_merge(acc, in, &e), 0);
            ck_assert_int_eq(unika_sketch_add_source_of(acc, dg, in, who[i], &e), 0);
            unika_sketch_free(in);
        }
        size_t n1, n2;
        uint8_t *mine = to_bytes(acc, &n1), *golden = read_golden(GOLDEN "good/merged_v2.uks", &n2);
        ck_assert_uint_eq(n1, n2);
        ck_assert_mem_eq(mine, golden, n1);
        free(mine);
        free(golden);
        /* The version 1 file, read and written again, is the version 2 file. */
        mine = to_bytes(s, &n1);
        golden = read_golden(GOLDEN "good/merged_v2.uks", &n2);
        ck_assert_uint_eq(n1, n2);
        ck_assert_mem_eq(mine, golden, n1);
        free(mine);
        free(golden);
        /* And its provenance file is the golden one, which loads onto it. */
        ck_assert_int_eq(unika_provenance_serialize(NULL, 0, &n1, acc, &e), UNIKA_EBUFFER);
        mine = malloc(n1);
        ck_assert_int_eq(unika_provenance_serialize(mine, n1, &n1, acc, &e), 0);
        golden = read_golden(GOLDEN "good/merged_v2.uks.prov", &n2);
        ck_assert_uint_eq(n1, n2);
        ck_assert_mem_eq(mine, golden, n1);
        free(mine);
        free(golden);
        unika_sketch *v2 = NULL;
        ck_assert_int_eq(unika_sketch_load(&v2, GOLDEN "good/merged_v2.uks", &e), 0);
        ck_assert_uint_eq(unika_sketch_source_count(v2), 0);
        ck_assert_int_eq(unika_sketch_provenance_load(v2, GOLDEN "good/merged_v2.uks.prov", &e), 0);
        ck_assert(unika_sketch_equal(v2, s));
        ck_assert_uint_eq(unika_sketch_source_count(v2), 2);
        unika_sketch_free(v2);
        unika_sketch_free(acc);
    }
    /* Each record's digest is the digest of the input file it names. */
    const char *inputs[] = {"good/sparse_p12_small.uks", "good/sparse_p12_other_org.uks"};
    for (size_t i = 0; i < 2; i++) {
        size_t n;
        uint8_t *bytes = read_golden(i ? GOLDEN "good/sparse_p12_other_org.uks"
                                       : GOLDEN "good/sparse_p12_small.uks", &n);
        uint8_t d[32];
        ck_assert_int_eq(unika_file_digest(d, bytes, n), 0);
        int found = 0;
        for (size_t k = 0; k < 2; k++) {
            const uint8_t *dg;
            const char *labels, *signer;
            ck_assert_int_eq(unika_sketch_source_at(s, k, &dg, &labels, &signer), 0);
            if (memcmp(dg, d, 32)) continue;
            found = 1;
            ck_assert_str_eq(signer, i ? "stadsmissionen" : "rodakorset");
            ck_assert_ptr_nonnull(strstr(labels, i ? "org=stadsmissionen" : "org=rodakorset"));
        }
        ck_assert_msg(found, "no record for %s", inputs[i]);
        free(bytes);
    }
    unika_sketch_free(s);
}
END_TEST

/* Each bad golden file: the code, field and 1-based byte position it must
 * be rejected with. Positions follow from docs/format.md's layout: in
 * sparse_p12_small.uks (134 bytes) labels start at 64 and tokens at 106. */
static const struct {
    const char *file;
    int code;
    const char *field;
    uint64_t position;
} bad_files[] = {
    {"bad/truncated_in_magic.uks", UNIKA_ETRUNCATED, "magic", 6},
    {"bad/truncated_in_header.uks", UNIKA_ETRUNCATED, "header", 41},
    {"bad/truncated_in_payload.uks", UNIKA_ETRUNCATED, "total_size", 122},
    {"bad/truncated_checksum.uks", UNIKA_ETRUNCATED, "total_size", 134},
    {"bad/wrong_magic.uks", UNIKA_EMAGIC, "magic", 1},
    {"bad/wrong_version.uks", UNIKA_EVERSION, "version", 9},
    {"bad/flipped_checksum.uks", UNIKA_ECHECKSUM, "checksum", 127},
    {"bad/flipped_payload.uks", UNIKA_ECHECKSUM, "checksum", 127},
    {"bad/reserved_flag_set.uks", UNIKA_EFORMAT, "flags", 14},
    {"bad/reserved_byte_set.uks", UNIKA_EFORMAT, "reserved", 29},
    {"bad/p_out_of_range.uks", UNIKA_EPRECISION, "p", 12},
    {"bad/unknown_kind.uks", UNIKA_EFORMAT, "kind", 11},
    {"bad/tokens_not_increasing.uks", UNIKA_EFORMAT, "token", 115},
    {"bad/token_repeated.uks", UNIKA_EFORMAT, "token", 115},
    {"bad/token_rank_zero.uks", UNIKA_EFORMAT, "token", 107},
    {"bad/label_not_utf8.uks", UNIKA_ELABEL, "label.value", 74},
    {"bad/label_key_uppercase.uks", UNIKA_ELABEL, "label.key", 68},
    {"bad/labels_not_sorted.uks", UNIKA_ELABEL, "label.key", 78},
    {"bad/too_many_labels.uks", UNIKA_ELABEL, "label_count", 21},
    {"bad/label_length_past_end.uks", UNIKA_EFORMAT, "label.value_len", 66},
    {"bad/payload_count_past_end.uks", UNIKA_EFORMAT, "payload_count", 25},
    {"bad/total_size_past_end.uks", UNIKA_ETRUNCATED, "total_size", 135},
    {"bad/trailing_bytes.uks", UNIKA_EFORMAT, "trailing", 135},
    {"bad/register_impossible.uks", UNIKA_EFORMAT, "register", 81},
    /* merged_with_sources.uks: record 0 at 90, record 1 at 182. */
    {"bad/source_reserved_set.uks", UNIKA_EFORMAT, "source.reserved", 126},
    {"bad/source_labels_past_end.uks", UNIKA_EFORMAT, "source.labels_len", 123},
    {"bad/sources_not_sorted.uks", UNIKA_EFORMAT, "source.digest", 175},
    {"bad/source_labels_bad_key.uks", UNIKA_ELABEL, "source.labels", 127},
    {"bad/source_count_too_large.uks", UNIKA_EFORMAT, "source_count", 23},
    /* encoding 2 (§7.1), from dense_p6_compact.uks: payload at 80 (state 0 at 81) */
    {"bad/compact_sparse.uks", UNIKA_EFORMAT, "encoding", 13},
    {"bad/compact_lambda_not_canonical.uks", UNIKA_EFORMAT, "payload.lambda", 81},
    {"bad/compact_state_out_of_range.uks", UNIKA_EFORMAT, "payload.state", 82},
    {"bad/compact_stream_cut.uks", UNIKA_EFORMAT, "payload", 117},
    {"bad/compact_extra_byte.uks", UNIKA_EFORMAT, "payload", 118},
    {"bad/compact_all_empty.uks", UNIKA_EFORMAT, "register", 81},
    {"bad/compact_not_shorter.uks", UNIKA_EFORMAT, "payload", 81},
};

START_TEST(golden_bad_files_fail_with_their_code)
{
    char path[512];
    snprintf(path, sizeof path, GOLDEN "%s", bad_files[_i].file);
    size_t n;
    uint8_t *bytes = read_golden(path, &n);
    unika_error e = {0};
    unika_sketch *s = NULL;
    int rc = unika_sketch_parse(&s, bytes, n, &e);
    ck_assert_msg(rc == bad_files[_i].code, "%s: expected %s, got %s (%s)", bad_files[_i].file,
                  unika_err_name(bad_files[_i].code), unika_err_name(rc), e.message);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(e.code, rc);
    ck_assert_str_eq(e.field, bad_files[_i].field);
    ck_assert_msg(e.position == bad_files[_i].position, "%s: position %llu, expected %llu",
                  bad_files[_i].file, (unsigned long long)e.position,
                  (unsigned long long)bad_files[_i].position);
    ck_assert_uint_gt(strlen(e.message), 10);
    /* load() reports the same as parse(). */
    unika_error e2 = {0};
    ck_assert_int_eq(unika_sketch_load(&s, path, &e2), rc);
    ck_assert_uint_eq(e2.position, e.position);
    free(bytes);
}
END_TEST

START_TEST(version_message_says_expected_and_got)
{
    size_t n;
    uint8_t *bytes = read_golden(GOLDEN "bad/wrong_version.uks", &n);
    unika_error e = {0};
    unika_sketch *s = NULL;
    ck_assert_int_eq(unika_sketch_parse(&s, bytes, n, &e), UNIKA_EVERSION);
    ck_assert_str_eq(e.message, "format version: expected <= 2, got 3");
    bytes[8] = 0; /* version 0 never existed */
    ck_assert_int_eq(unika_sketch_parse(&s, bytes, n, &e), UNIKA_EVERSION);
    free(bytes);
}
END_TEST

START_TEST(other_key_and_recipe_fail_the_origin_check)
{
    unika_error e = {0};
    unika_sketch *s = NULL;
    ck_assert_int_eq(unika_sketch_load(&s, GOLDEN "origin/other_key.uks", &e), 0);
    ck_assert_int_eq(unika_sketch_check_origin(s, UNIKA_TEST_KEY_FP, UNIKA_TEST_RECIPE_FP, &e),
                     UNIKA_EKEYMISMATCH);
    ck_assert_str_eq(e.message, "sketch key fingerprint: expected 3f9a5107c26e8814d92b70e54a0cb396, "
                                "got 81c20d669e315ba712f844c9702eb503");
    ck_assert_str_eq(e.field, "key_fp");
    /* key not checked */
    ck_assert_int_eq(unika_sketch_check_origin(s, NULL, UNIKA_TEST_RECIPE_FP, &e), 0);
    unika_sketch_free(s);

    ck_assert_int_eq(unika_sketch_load(&s, GOLDEN "origin/other_recipe.uks", &e), 0);
    ck_assert_int_eq(unika_sketch_check_origin(s, UNIKA_TEST_KEY_FP, UNIKA_TEST_RECIPE_FP, &e),
                     UNIKA_ERECIPEMISMATCH);
    ck_assert_str_eq(e.message, "sketch recipe fingerprint: expected 5e11a07d23f49c680be7453ad1826f19, "
                                "got a4076cd2398e15fb602ac7930e54b871");
    ck_assert_int_eq(unika_sketch_check_origin(s, UNIKA_TEST_KEY_FP, NULL, &e), 0);
    /* Merging it into a sketch of our recipe is refused as well. */
    unika_sketch *ours = unika_test_sketch(12, 3, 9);
    ck_assert_int_eq(unika_sketch_merge(ours, s, &e), UNIKA_ERECIPEMISMATCH);
    unika_sketch_free(ours);
    unika_sketch_free(s);
    ck_assert_int_eq(unika_sketch_check_origin(NULL, UNIKA_TEST_KEY_FP, NULL, &e), UNIKA_EINVAL);
}
END_TEST

/* ---- damage: every prefix, every bit ----------------------------------------- */

static uint8_t *small_file(size_t *n)
{
    unika_sketch *s = unika_test_sketch(10, 6, 77);
    decorate(s, 2);
    uint8_t *b = to_bytes(s, n);
    unika_sketch_free(s);
    return b;
}

START_TEST(every_prefix_is_truncated)
{
    size_t n;
    uint8_t *full = small_file(&n);
    for (size_t len = 0; len < n; len++) {
        /* A copy of exactly len bytes, so ASan sees any read past it. */
        uint8_t *prefix = malloc(len ? len : 1);
        memcpy(prefix, full, len);
        unika_error e = {0};
        unika_sketch *s = NULL;
        int rc = unika_sketch_parse(&s, prefix, len, &e);
        ck_assert_msg(rc == UNIKA_ETRUNCATED, "prefix of %zu bytes: %s", len, unika_err_name(rc));
        ck_assert_ptr_null(s);
        ck_assert_uint_eq(e.position, len + 1);
        free(prefix);
    }
    free(full);
}
END_TEST

START_TEST(every_bit_flip_is_rejected)
{
    size_t n;
    uint8_t *full = small_file(&n);
    uint8_t *copy = malloc(n);
    for (size_t i = 0; i < n; i++) {
        for (int bit = 0; bit < 8; bit++) {
            memcpy(copy, full, n);
            copy[i] ^= (uint8_t)(1u << bit);
            unika_error e = {0};
            unika_sketch *s = NULL;
            int rc = unika_sketch_parse(&s, copy, n, &e);
            /* The framing (magic, version, total_size) is read before the
             * checksum and has codes of its own; everything else is caught
             * by the checksum. */
            int want = i < 8 ? UNIKA_EMAGIC : i < 10 ? UNIKA_EVERSION : UNIKA_ECHECKSUM;
            if (i >= 16 && i < 20) {
                ck_assert_msg(rc == UNIKA_ETRUNCATED || rc == UNIKA_EFORMAT,
                              "byte %zu bit %d: %s", i, bit, unika_err_name(rc));
            } else if (i == 8 && bit == 0) {
                ck_assert_int_eq(rc, UNIKA_EVERSION); /* version 0 */
            } else {
                ck_assert_msg(rc == want, "byte %zu bit %d: expected %s, got %s", i, bit,
                              unika_err_name(want), unika_err_name(rc));
            }
            ck_assert_ptr_null(s);
        }
    }
    /* Whole bytes too (XOR 0xff), as in the brief's fuzz test. */
    for (size_t i = 20; i < n; i++) {
        memcpy(copy, full, n);
        copy[i] ^= 0xff;
        unika_sketch *s = NULL;
        ck_assert_int_eq(unika_sketch_parse(&s, copy, n, NULL), UNIKA_ECHECKSUM);
    }
    free(copy);
    free(full);
}
END_TEST

/* Damage with the checksum repaired: the field checks alone must hold.
 * Random bytes at random places of a valid file, checksum recomputed; the
 * parse must never crash (ASan/UBSan watch) and must either fail or yield a
 * sketch that serialises back to exactly the same bytes. */
START_TEST(random_damage_with_valid_checksum)
{
    size_t n;
    uint8_t *full = small_file(&n);
    size_t nd;
    unika_sketch *d = unika_test_sketch(6, 200, 3);
    uint8_t *dense = to_bytes(d, &nd);
    unika_sketch_free(d);
    uint64_t st = 12345;
    int accepted = 0, rejected = 0;
    for (int round = 0; round < 20000; round++) {
        int use_dense = round & 1;
        size_t len = use_dense ? nd : n;
        uint8_t *buf = malloc(len);
        memcpy(buf, use_dense ? dense : full, len);
        int hits = 1 + (int)(unika_test_splitmix64(&st) % 3);
        for (int h = 0; h < hits; h++) {
            uint64_t r = unika_test_splitmix64(&st);
            /* Skip the framing so the damage reaches the fields. */
            size_t at = 20 + (size_t)(r % (len - 28));
            buf[at] = (uint8_t)(r >> 32);
        }
        uint64_t sum = XXH64(buf, len - 8, 0);
        unika_store64_le(buf + len - 8, sum);
        unika_error e = {0};
        unika_sketch *s = NULL;
        int rc = unika_sketch_parse(&s, buf, len, &e);
        if (rc == 0) {
            ck_assert_int_eq(unika_sketch_check_state(s, NULL), 0);
            size_t n2;
            uint8_t *again = to_bytes(s, &n2);
            ck_assert_uint_eq(n2, len);
            ck_assert_mem_eq(again, buf, len); /* one valid reading per file */
            free(again);
            unika_sketch_free(s);
            accepted++;
        } else {
            ck_assert_int_lt(rc, 0);
            ck_assert_str_ne(e.field, "");
            ck_assert_uint_gt(e.position, 0);
            ck_assert_uint_le(e.position, len + 1);
            rejected++;
        }
        free(buf);
    }
    /* Both outcomes must occur, or the test proves nothing. */
    ck_assert_int_gt(accepted, 0);
    ck_assert_int_gt(rejected, 0);
    free(full);
    free(dense);
}
END_TEST

START_TEST(parse_arguments)
{
    unika_sketch *s = NULL;
    uint8_t b[1] = {0x81};
    ck_assert_int_eq(unika_sketch_parse(NULL, b, 1, NULL), UNIKA_EINVAL);
    ck_assert_int_eq(unika_sketch_parse(&s, NULL, 1, NULL), UNIKA_EINVAL);
    ck_assert_int_eq(unika_sketch_parse(&s, NULL, 0, NULL), UNIKA_ETRUNCATED);
    ck_assert_ptr_null(s);
}
END_TEST

/* ---- save and load ------------------------------------------------------------ */

static char tmpdir[256];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "%s/test_format_XXXXXX", UNIKA_BINARY_DIR);
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static size_t dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    size_t n = 0;
    struct dirent *ent;
    while ((ent = readdir(d))) n += strcmp(ent->d_name, ".") && strcmp(ent->d_name, "..");
    closedir(d);
    return n;
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *ent;
    char path[512];
    while ((ent = readdir(d))) {
        if (!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, "..")) continue;
        snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

START_TEST(save_load_atomic)
{
    make_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/cell.uks", tmpdir);
    unika_error e = {0};
    unika_sketch *s = unika_test_sketch(12, 100, 4);
    decorate(s, 1);
    ck_assert_int_eq(unika_sketch_save(s, path, 0, &e), 0);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0644);
    ck_assert_uint_eq(dir_entries(tmpdir), 1); /* no temporary file left */

    unika_sketch *t = NULL;
    ck_assert_int_eq(unika_sketch_load(&t, path, &e), 0);
    ck_assert(unika_sketch_equal(s, t));
    unika_sketch_free(t);

    /* Exists: refused without the flag, the file untouched. */
    unika_sketch *other = unika_test_sketch(12, 5, 99);
    ck_assert_int_eq(unika_sketch_save(other, path, 0, &e), UNIKA_EEXIST);
    ck_assert_int_eq(unika_sketch_load(&t, path, &e), 0);
    ck_assert(unika_sketch_equal(s, t));
    unika_sketch_free(t);
    ck_assert_int_eq(unika_sketch_save(other, path, UNIKA_SAVE_OVERWRITE, &e), 0);
    ck_assert_int_eq(unika_sketch_load(&t, path, &e), 0);
    ck_assert(unika_sketch_equal(other, t));
    unika_sketch_free(t);
    ck_assert_uint_eq(dir_entries(tmpdir), 1);
    ck_assert_int_eq(unika_sketch_save(other, path, 0x80, &e), UNIKA_EINVAL);

    /* Missing file, directory, oversized file. */
    char missing[512];
    snprintf(missing, sizeof missing, "%s/none.uks", tmpdir);
    ck_assert_int_eq(unika_sketch_load(&t, missing, &e), UNIKA_ENOENT);
    ck_assert_int_eq(unika_sketch_load(&t, tmpdir, &e), UNIKA_EIO);
    char fifo[512];
    snprintf(fifo, sizeof fifo, "%s/pipe.uks", tmpdir);
    ck_assert_int_eq(mkfifo(fifo, 0644), 0);
    ck_assert_int_eq(unika_sketch_load(&t, fifo, &e), UNIKA_EIO); /* refused, not hung */
    unlink(fifo);
    char big[512];
    snprintf(big, sizeof big, "%s/big.uks", tmpdir);
    FILE *f = fopen(big, "wb");
    ck_assert_ptr_nonnull(f);
    /* A sparse file: its size is all the loader may look at before refusing. */
    ck_assert_int_eq(fseek(f, (long)UNIKA_SKETCH_FILE_MAX, SEEK_SET), 0);
    ck_assert_int_eq(fputc(0, f), 0);
    fclose(f);
    ck_assert_int_eq(unika_sketch_load(&t, big, &e), UNIKA_EFORMAT);
    ck_assert_ptr_nonnull(strstr(e.message, "larger than any sketch file can be"));
    unlink(big);

    unika_sketch_free(other);
    unika_sketch_free(s);
    remove_dir(tmpdir);
}
END_TEST

START_TEST(save_failure_leaves_nothing)
{
    make_tmpdir();
    char sub[512], path[600];
    snprintf(sub, sizeof sub, "%s/readonly", tmpdir);
    ck_assert_int_eq(mkdir(sub, 0555), 0);
    snprintf(path, sizeof path, "%s/cell.uks", sub);
    unika_error e = {0};
    unika_sketch *s = unika_test_sketch(8, 10, 1);
    int rc = unika_sketch_save(s, path, 0, &e);
    if (geteuid() == 0) {
        /* root writes anyway; the permission case cannot be shown here. */
        ck_assert_int_eq(rc, 0);
        unlink(path);
    } else {
        ck_assert_int_eq(rc, UNIKA_EIO);
        ck_assert_ptr_nonnull(strstr(e.message, "temporary"));
    }
    ck_assert_uint_eq(dir_entries(sub), 0);
    /* A directory (or any path that is not a regular file) is never
     * replaced, even with UNIKA_SAVE_OVERWRITE: refused before a temporary
     * file exists, nothing left behind. */
    char target[560], inner[600];
    snprintf(target, sizeof target, "%s/a_directory.uks", tmpdir);
    ck_assert_int_eq(mkdir(target, 0755), 0);
    snprintf(inner, sizeof inner, "%s/keep", target);
    FILE *f = fopen(inner, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    ck_assert_int_eq(unika_sketch_save(s, target, UNIKA_SAVE_OVERWRITE, &e), UNIKA_EEXIST);
    ck_assert_ptr_nonnull(strstr(e.message, "not a regular file"));
    ck_assert_uint_eq(dir_entries(tmpdir), 2); /* readonly/ and a_directory.uks/ only */
    unlink(inner);
    rmdir(target);
    /* A missing directory fails the same way on every account. */
    snprintf(path, sizeof path, "%s/no/such/dir/cell.uks", tmpdir);
    ck_assert_int_eq(unika_sketch_save(s, path, 0, &e), UNIKA_ENOENT);
    /* A sketch the format cannot hold (its provenance incomplete): refused
     * before any file is made. */
    snprintf(path, sizeof path, "%s/incomplete.uks", tmpdir);
    unika_sketch *a = NULL, *b = unika_test_sketch(8, 1, 2);
    size_t n = 0;
    uint8_t *bytes = read_golden(GOLDEN "good/merged_v2.uks", &n);
    ck_assert_int_eq(unika_sketch_parse(&a, bytes, n, &e), 0);
    free(bytes);
    ck_assert_int_eq(unika_sketch_merge(a, b, &e), 0);
    ck_assert_int_eq(unika_sketch_save(a, path, 0, &e), UNIKA_EPROVENANCE);
    ck_assert_int_eq(unika_provenance_save(a, path, 0, &e), UNIKA_EPROVENANCE);
    ck_assert_uint_eq(dir_entries(tmpdir), 1); /* only readonly/ */
    unika_sketch_free(a);
    unika_sketch_free(b);
    unika_sketch_free(s);
    chmod(sub, 0755);
    rmdir(sub);
    remove_dir(tmpdir);
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("format");
    TCase *tc = tcase_create("round_trip");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, round_trip_every_p, 4, 19);
    tcase_add_test(tc, same_sketch_same_bytes);
    tcase_add_test(tc, serialize_buffer_and_bounds);
    tcase_add_test(tc, provenance_file_checks);
    tcase_add_test(tc, merge_in_stages_same_bytes);
    suite_add_tcase(s, tc);

    tc = tcase_create("golden");
    tcase_add_loop_test(tc, golden_good_files_decode_byte_identically, 0,
                        (int)UNIKA_ARRAY_LEN(good_files));
    tcase_add_test(tc, golden_contents);
    tcase_add_loop_test(tc, golden_bad_files_fail_with_their_code, 0,
                        (int)UNIKA_ARRAY_LEN(bad_files));
    tcase_add_test(tc, version_message_says_expected_and_got);
    tcase_add_test(tc, other_key_and_recipe_fail_the_origin_check);
    suite_add_tcase(s, tc);

    tc = tcase_create("damage");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, every_prefix_is_truncated);
    tcase_add_test(tc, every_bit_flip_is_rejected);
    tcase_add_test(tc, random_damage_with_valid_checksum);
    tcase_add_test(tc, parse_arguments);
    suite_add_tcase(s, tc);

    tc = tcase_create("files");
    tcase_add_test(tc, save_load_atomic);
    tcase_add_test(tc, save_failure_leaves_nothing);
    suite_add_tcase(s, tc);
    return s;
}
