/*
 * fuzz_matchkey_parse.c - match-key files (docs/matchkeys.md) from untrusted
 * bytes.
 *
 * Match-key files arrive at the linker from other organisations, so the
 * reader is the first thing an attacker's bytes reach. Invariants per input:
 *  - a refusal (at open or while reading) sets no reader, records its code
 *    and names the field and byte;
 *  - every profile of an accepted file has keys and visits the accessors
 *    read back; after an error the reader only fails;
 *  - an accepted file is canonical: written again from what was read (a
 *    writer fed its profiles and visits), it gives exactly the same bytes;
 *  - a rewound reader reads the same again.
 * Each input is also tried "repaired" (total_size and XXH64 fixed up), so
 * that mutations get past the framing to the field checks.
 */
#include <xxhash.h>

#include "fuzz_common.h"

enum { HEADER = 64, CHECKSUM = 8 };

/* Rewrites the file from its reader (positioned at the start); the bytes
 * must equal the input. */
static void check_rewrite(unika_mkreader *r, const uint8_t *data, size_t size)
{
    const unika_mkfile_header *h = unika_mkreader_header(r);
    unika_mkfile_options o;
    memset(&o, 0, sizeof o);
    o.org = h->org;
    o.period = h->period;
    o.by_count = h->by_count;
    for (size_t f = 0; f < h->by_count; f++) o.by[f] = h->by[f];
    o.age_bands = h->age_bands;
    unika_mkwriter *w = NULL;
    FUZZ_REQUIRE(unika_mkwriter_new(&w, h->key_fp, &o, NULL) == 0, "writer from a read header");
    static unika_matchkeys mk;
    unika_mkprofile p;
    int rc;
    while ((rc = unika_mkreader_next(r, &p, NULL)) == 1) {
        memcpy(mk.key_fp, h->key_fp, sizeof mk.key_fp);
        mk.gender = p.gender;
        mk.flags = p.flags;
        mk.count = p.key_count;
        for (size_t i = 0; i < p.key_count; i++)
            FUZZ_REQUIRE(unika_mkprofile_key(&p, i, &mk.keys[i]) == 0, "key accessor");
        for (size_t i = 0; i < p.visit_count; i++) {
            unika_mkvisit v;
            FUZZ_REQUIRE(unika_mkprofile_visit(r, &p, i, &v) == 0, "visit accessor");
            FUZZ_REQUIRE(unika_mkwriter_add(w, &mk, &v, NULL) == 0, "a read profile rewritten");
        }
    }
    FUZZ_REQUIRE(rc == 0, "the second pass failed where the first succeeded");
    size_t n = 0;
    FUZZ_REQUIRE(unika_mkwriter_serialize(NULL, 0, &n, w, NULL) == 0, "size of the rewrite");
    FUZZ_REQUIRE(n == size, "rewritten size differs from the input");
    uint8_t *again = malloc(n);
    FUZZ_REQUIRE(again != NULL, "malloc");
    FUZZ_REQUIRE(unika_mkwriter_serialize(again, n, &n, w, NULL) == 0, "rewrite");
    FUZZ_REQUIRE(memcmp(again, data, size) == 0, "rewritten bytes differ from the input");
    free(again);
    unika_mkwriter_free(w);
}

static void check_one(const uint8_t *data, size_t size)
{
    unika_error e = {0};
    unika_mkreader *r = NULL;
    int rc = unika_mkreader_open_memory(&r, data, size, &e);
    if (rc < 0) {
        FUZZ_REQUIRE(r == NULL, "reader set on failure");
        fuzz_check_error(rc, &e);
        FUZZ_REQUIRE(e.field[0] != '\0' || rc == UNIKA_ENOMEM, "refusal names no field");
        FUZZ_REQUIRE(e.position >= 1 && e.position <= size + 1, "position outside the file");
        return;
    }
    unika_mkprofile p;
    uint64_t n = 0;
    while ((rc = unika_mkreader_next(r, &p, &e)) == 1) {
        FUZZ_REQUIRE(p.index == n++, "profile index");
        FUZZ_REQUIRE(p.key_count >= 1 && p.visit_count >= 1 && p.rows >= p.visit_count,
                     "empty profile accepted");
    }
    if (rc < 0) {
        fuzz_check_error(rc, &e);
        FUZZ_REQUIRE(e.field[0] != '\0' || rc == UNIKA_ENOMEM, "refusal names no field");
        FUZZ_REQUIRE(unika_mkreader_next(r, &p, NULL) == rc, "a failed reader read on");
    } else {
        FUZZ_REQUIRE(n == unika_mkreader_header(r)->profile_count, "profile count");
        FUZZ_REQUIRE(unika_mkreader_rewind(r, NULL) == 0, "rewind");
        check_rewrite(r, data, size);
    }
    unika_mkreader_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    check_one(data, size);
    if (size < HEADER + CHECKSUM || size > ((size_t)16 << 20)) return 0;
    uint8_t *fixed = malloc(size);
    FUZZ_REQUIRE(fixed != NULL, "malloc");
    memcpy(fixed, data, size);
    for (int i = 0; i < 8; i++) fixed[16 + i] = (uint8_t)((uint64_t)size >> (8 * i));
    uint64_t h = XXH64(fixed, size - CHECKSUM, 0);
    for (size_t i = 0; i < 8; i++) fixed[size - CHECKSUM + i] = (uint8_t)(h >> (8 * i));
    check_one(fixed, size);
    free(fixed);
    return 0;
}
