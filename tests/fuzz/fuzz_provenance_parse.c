/*
 * fuzz_provenance_parse.c - provenance files (docs/format.md §6.2) from
 * untrusted bytes: what travels beside a merged sketch as OUT.prov.
 *
 * The input is attached to a sketch that commits to the count and root the
 * input's own header states (so that well-formed files reach the success
 * path). Invariants:
 *  - a rejection names a field and a byte inside the file, leaves the sketch
 *    without records, and is one of the documented codes;
 *  - an accepted file gives exactly `source_total` records, re-serialises to
 *    the same bytes (the format is canonical) and its root is the sketch's;
 *  - attaching it again checks and changes nothing.
 */
#include "fuzz_common.h"
#include "common/common.h"
#include "sketch/sketch_io_private.h"

static void check_accepted(unika_sketch *s, const uint8_t *data, size_t size, uint64_t total)
{
    FUZZ_REQUIRE(unika_sketch_source_count(s) == total, "record count differs from the header");
    size_t n = 0;
    FUZZ_REQUIRE(unika_provenance_serialize(NULL, 0, &n, s, NULL) == UNIKA_EBUFFER, "size");
    FUZZ_REQUIRE(n == size, "re-serialised size differs from the input");
    uint8_t *again = malloc(n);
    FUZZ_REQUIRE(again != NULL, "malloc");
    FUZZ_REQUIRE(unika_provenance_serialize(again, n, &n, s, NULL) == 0, "serialize");
    FUZZ_REQUIRE(memcmp(again, data, size) == 0, "re-serialised bytes differ from the input");
    free(again);
    uint64_t count = 0;
    uint8_t root[UNIKA_DIGEST_BYTES];
    int in_memory = 0;
    FUZZ_REQUIRE(unika_sketch_provenance(s, &count, root, &in_memory, NULL) == 0, "commitment");
    FUZZ_REQUIRE(in_memory && count == total && !memcmp(root, data + 24, UNIKA_DIGEST_BYTES),
                 "commitment differs from the file's");
    FUZZ_REQUIRE(unika_sketch_provenance_attach(s, data, size, NULL) == 0, "second attach");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    static const uint8_t fp[UNIKA_FINGERPRINT_BYTES] = {0};
    unika_sketch *s = NULL;
    FUZZ_REQUIRE(unika_sketch_new(&s, 12, fp, fp, NULL) == 0, "new");
    uint64_t total = 1;
    uint8_t root[UNIKA_DIGEST_BYTES] = {0};
    if (size >= 56) {
        total = unika_load64_le(data + 16);
        memcpy(root, data + 24, sizeof root);
    }
    /* What a version 2 sketch file with this commitment parses to. */
    unika_meta_seal(s->meta, total, root);
    unika_error e = {0};
    int rc = unika_sketch_provenance_attach(s, data, size, &e);
    if (rc < 0) {
        fuzz_check_error(rc, &e);
        FUZZ_REQUIRE(e.field[0] != '\0' || rc == UNIKA_ENOMEM, "rejection names no field");
        FUZZ_REQUIRE(e.position >= 1 && e.position <= size + 1, "position outside the file");
        FUZZ_REQUIRE(unika_sketch_source_count(s) == 0, "records kept after a rejection");
    } else {
        check_accepted(s, data, size, total);
    }
    unika_sketch_free(s);
    return 0;
}
