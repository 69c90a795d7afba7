/*
 * fuzz_sketch_parse.c - sketch files (format v1 and v2, payload encodings 1
 * and 2) from untrusted bytes.
 *
 * Sketch files arrive from other organisations, so unika_sketch_parse is the
 * first thing an attacker's bytes reach. Invariants checked per input:
 *  - a rejection sets nothing, records its code and names field and byte;
 *  - an accepted file re-serialises, in its own payload encoding, to exactly
 *    the same bytes (the format is
 *    canonical; a version 1 file with records, which the library reads but
 *    writes as version 2, gives a file that parses to an equal sketch), estimates without error, merges into a copy of itself
 *    without changing it (union is idempotent) and reduces to a smaller p.
 * The input is also tried "repaired" (total_size and XXH64 fixed up), so that
 * mutations get past the framing to the field checks, as a deliberate
 * attacker's file would.
 */
#include <xxhash.h>

#include "fuzz_common.h"

enum { HEADER = 64, CHECKSUM = 8 };

static void check_parsed(unika_sketch *s, const uint8_t *data, size_t size)
{
    size_t n = 0;
    unsigned encoding = data[12];
    FUZZ_REQUIRE(unika_sketch_serialized_size(&n, s) == 0, "serialized_size failed");
    if (data[8] == 1 && (data[22] | data[23]) != 0) { /* v1 records: written as v2 */
        uint8_t *v2 = malloc(n);
        FUZZ_REQUIRE(v2 != NULL, "malloc");
        FUZZ_REQUIRE(unika_sketch_serialize(v2, n, NULL, s, NULL) == 0, "serialize v2");
        unika_sketch *t = NULL;
        FUZZ_REQUIRE(unika_sketch_parse(&t, v2, n, NULL) == 0, "v2 of a v1 file parses");
        FUZZ_REQUIRE(unika_sketch_equal(s, t) == 1, "v2 of a v1 file differs");
        unika_sketch_free(t);
        free(v2);
        return;
    }
    FUZZ_REQUIRE(encoding == 2 ? n > size : n == size,
                 "re-serialised size differs from the input");
    n = size;
    uint8_t *again = malloc(n);
    FUZZ_REQUIRE(again != NULL, "malloc");
    size_t written = 0;
    FUZZ_REQUIRE(unika_sketch_serialize_as(again, n, &written, s, encoding, NULL) == 0,
                 "serialize failed");
    FUZZ_REQUIRE(written == size && memcmp(again, data, size) == 0,
                 "re-serialised bytes differ from the input");
    free(again);

    unika_estimate est;
    FUZZ_REQUIRE(unika_sketch_estimate(&est, s, UNIKA_ESTIMATOR_ML, NULL) == 0, "estimate ML");
    FUZZ_REQUIRE(est.estimate >= 0.0 && est.ci_low <= est.ci_high, "estimate out of order");
    FUZZ_REQUIRE(unika_sketch_estimate(&est, s, UNIKA_ESTIMATOR_FGRA, NULL) == 0,
                 "estimate FGRA");

    unika_sketch *c = NULL;
    if (unika_sketch_copy(&c, s, NULL) == 0) {
        FUZZ_REQUIRE(unika_sketch_equal(c, s) == 1, "copy differs");
        FUZZ_REQUIRE(unika_sketch_merge(c, s, NULL) == 0, "self-merge failed");
        FUZZ_REQUIRE(unika_sketch_equal(c, s) == 1, "self-merge changed the sketch");
        unsigned p = unika_sketch_precision(s);
        if (p > unika_sketch_p_min())
            FUZZ_REQUIRE(unika_sketch_reduce(c, p - 1, NULL) == 0, "reduce failed");
        unika_sketch_free(c);
    }
}

static void check_one(const uint8_t *data, size_t size)
{
    unika_error e = {0};
    unika_sketch *s = NULL;
    int rc = unika_sketch_parse(&s, data, size, &e);
    if (rc < 0) {
        FUZZ_REQUIRE(s == NULL, "output set on failure");
        fuzz_check_error(rc, &e);
        FUZZ_REQUIRE(e.field[0] != '\0' || rc == UNIKA_ENOMEM, "rejection names no field");
        FUZZ_REQUIRE(e.position >= 1 && e.position <= size + 1, "position outside the file");
        return;
    }
    FUZZ_REQUIRE(s != NULL, "success without a sketch");
    check_parsed(s, data, size);
    unika_sketch_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    check_one(data, size);
    if (size < HEADER + CHECKSUM || size > UNIKA_SKETCH_FILE_MAX) return 0;
    uint8_t *fixed = malloc(size);
    FUZZ_REQUIRE(fixed != NULL, "malloc");
    memcpy(fixed, data, size);
    for (int i = 0; i < 4; i++) fixed[16 + i] = (uint8_t)(size >> (8 * i)); /* total_size */
    uint64_t h = XXH64(fixed, size - CHECKSUM, 0);
    for (size_t i = 0; i < 8; i++) fixed[size - CHECKSUM + i] = (uint8_t)(h >> (8 * i));
    check_one(fixed, size);
    free(fixed);
    return 0;
}
