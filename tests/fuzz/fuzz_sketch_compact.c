/*
 * fuzz_sketch_compact.c - the compact payload (encoding 2, docs/format.md
 * §7.1) from untrusted bytes, straight to the rANS decoder.
 *
 * fuzz_sketch_parse reaches the decoder only through a whole valid file;
 * here the framing is built around the input so that every mutation lands
 * in the payload. The first byte chooses p (4..18) and the mode:
 *  - decode (bit 7 clear): the rest is a compact payload. A rejection names
 *    a field and a byte inside the file; an accepted payload decodes to
 *    valid registers whose compact file is exactly the input's file (one
 *    file per sketch), and whose plain file parses to the same sketch;
 *  - encode (bit 7 set, p <= 12): the rest, repeated to 2^p bytes and mapped onto
 *    valid register values, is encoded, and must decode to itself.
 */
#include <xxhash.h>

#include "fuzz_common.h"
#include "sketch/sketch_private.h"

enum { HEADER = 64, CHECKSUM = 8 };

/* A version 1 dense file of precision p, encoding 2, around `payload`. */
static uint8_t *frame(const uint8_t *payload, size_t n, unsigned p, size_t *size)
{
    *size = HEADER + n + CHECKSUM;
    uint8_t *f = calloc(1, *size);
    FUZZ_REQUIRE(f != NULL, "calloc");
    static const uint8_t magic[8] = {0x81, 'U', 'K', 'S', 0x0D, 0x0A, 0x1A, 0x0A};
    memcpy(f, magic, 8);
    f[8] = 1, f[10] = 2, f[11] = (uint8_t)p, f[12] = 2;
    for (int i = 0; i < 4; i++) f[16 + i] = (uint8_t)(*size >> (8 * i));
    for (int i = 0; i < 4; i++) f[24 + i] = (uint8_t)(((uint32_t)1 << p) >> (8 * i));
    memcpy(f + HEADER, payload, n);
    uint64_t h = XXH64(f, *size - CHECKSUM, 0);
    for (size_t i = 0; i < 8; i++) f[*size - CHECKSUM + i] = (uint8_t)(h >> (8 * i));
    return f;
}

static void check_accepted(unika_sketch *s, const uint8_t *file, size_t size)
{
    FUZZ_REQUIRE(unika_sketch_check_state(s, NULL) == 0, "decoded state invalid");
    size_t n = 0;
    FUZZ_REQUIRE(unika_sketch_serialize_as(NULL, 0, &n, s, UNIKA_ENCODING_COMPACT, NULL) ==
                     UNIKA_EBUFFER, "sizing");
    FUZZ_REQUIRE(n == size, "compact size differs from the accepted file");
    uint8_t *again = malloc(n);
    FUZZ_REQUIRE(again != NULL, "malloc");
    FUZZ_REQUIRE(unika_sketch_serialize_as(again, n, &n, s, UNIKA_ENCODING_COMPACT, NULL) == 0,
                 "serialize compact");
    FUZZ_REQUIRE(memcmp(again, file, size) == 0, "accepted file is not the canonical one");
    free(again);
    size_t np = 0;
    FUZZ_REQUIRE(unika_sketch_serialized_size(&np, s) == 0, "plain size");
    uint8_t *plain = malloc(np);
    FUZZ_REQUIRE(plain != NULL, "malloc");
    FUZZ_REQUIRE(unika_sketch_serialize(plain, np, NULL, s, NULL) == 0, "serialize plain");
    unika_sketch *t = NULL;
    FUZZ_REQUIRE(unika_sketch_parse(&t, plain, np, NULL) == 0, "plain file parses");
    FUZZ_REQUIRE(unika_sketch_equal(s, t) == 1, "plain file differs");
    unika_sketch_free(t);
    free(plain);
}

static void decode_mode(const uint8_t *payload, size_t n, unsigned p)
{
    size_t size;
    uint8_t *file = frame(payload, n, p, &size);
    unika_error e = {0};
    unika_sketch *s = NULL;
    int rc = unika_sketch_parse(&s, file, size, &e);
    if (rc < 0) {
        FUZZ_REQUIRE(s == NULL, "output set on failure");
        fuzz_check_error(rc, &e);
        FUZZ_REQUIRE(e.field[0] != '\0' || rc == UNIKA_ENOMEM, "rejection names no field");
        FUZZ_REQUIRE(e.position >= 1 && e.position <= size + 1, "position outside the file");
    } else {
        check_accepted(s, file, size);
        unika_sketch_free(s);
    }
    free(file);
}

static void encode_mode(const uint8_t *data, size_t n, unsigned p)
{
    if (n == 0) return;
    unika_sketch *s = NULL;
    uint8_t fp[16] = {0};
    FUZZ_REQUIRE(unika_sketch_new(&s, p, fp, fp, NULL) == 0, "new");
    for (size_t i = 0; i <= (size_t)1 << (p - 2); i++) /* one token past sparse: dense */
        FUZZ_REQUIRE(unika_sketch_add_hash(s, i * 0x9e3779b97f4a7c15ull, NULL) == 0, "add");
    FUZZ_REQUIRE(s->registers != NULL, "dense");
    unsigned top = 4 * (65 - p) + 3;
    for (size_t i = 0; i < (size_t)1 << p; i++) {
        uint8_t r = (uint8_t)(data[i % n] % (top + 1));
        s->registers[i] = unika_sketch_register_valid(r, p) ? r : 0;
    }
    s->registers[0] |= 4 * (s->registers[0] == 0); /* one register set */
    size_t size = 0;
    FUZZ_REQUIRE(unika_sketch_serialize_as(NULL, 0, &size, s, UNIKA_ENCODING_COMPACT, NULL) ==
                     UNIKA_EBUFFER, "sizing");
    uint8_t *file = malloc(size);
    FUZZ_REQUIRE(file != NULL, "malloc");
    FUZZ_REQUIRE(unika_sketch_serialize_as(file, size, &size, s, UNIKA_ENCODING_COMPACT, NULL) ==
                     0, "serialize");
    unika_sketch *t = NULL;
    unika_error e = {0};
    if (unika_sketch_parse(&t, file, size, &e) != 0) {
        fprintf(stderr, "%s\n", e.message);
        FUZZ_REQUIRE(0, "encoded registers do not parse");
    }
    FUZZ_REQUIRE(unika_sketch_equal(s, t) == 1, "registers differ after the round trip");
    unika_sketch_free(t);
    free(file);
    unika_sketch_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    if (size < 1) return 0;
    /* encode mode up to p = 12 only: building the sketch is the slow part */
    unsigned p = 4u + (unsigned)(data[0] & 0x7f) % (data[0] & 0x80 ? 9u : 15u);
    if (data[0] & 0x80) encode_mode(data + 1, size - 1, p);
    else decode_mode(data + 1, size - 1, p);
    return 0;
}
