/*
 * fuzz_seal_open.c - sealed envelopes from untrusted bytes (unika_open).
 *
 * A box key is made once per process. Each input is opened as it is, and
 * "repaired": the version set to 2, the recipient fingerprint to this
 * key's and the padded-size field to the body's, so that mutations get past
 * the header to the authentication check. The input is also sealed to the key and opened
 * again, which must give back exactly the input. Invariants: failures
 * record their code and message and report nothing written; nothing but a
 * correctly sealed envelope opens (a mutated one may only open if the
 * fuzzer forged a Poly1305 tag, which would itself be a finding).
 */
#include "fuzz_common.h"

static unika_box_key *key;
static uint8_t pk[UNIKA_BOX_PUBLIC_KEY_BYTES];

static void open_one(const uint8_t *src, size_t size)
{
    size_t cap = size > UNIKA_SEAL_OVERHEAD ? size - UNIKA_SEAL_OVERHEAD : 0;
    uint8_t *dst = malloc(cap ? cap : 1);
    FUZZ_REQUIRE(dst != NULL, "malloc");
    size_t written = 99;
    unika_error e = {0};
    int rc = unika_open(dst, cap, &written, key, src, size, &e);
    if (rc < 0) {
        fuzz_check_error(rc, &e);
        FUZZ_REQUIRE(written == 0, "bytes reported written on failure");
    } else {
        /* Padded (envelope v2): the content is at most the padded size less
         * its 8-byte length field. */
        FUZZ_REQUIRE(size >= UNIKA_SEAL_OVERHEAD + 8 && written <= cap - 8,
                     "opened length exceeds the padded size");
    }
    free(dst);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    if (!key) {
        FUZZ_REQUIRE(unika_box_key_generate(&key, NULL) == 0, "box key");
        FUZZ_REQUIRE(unika_box_key_public(pk, key) == 0, "public half");
    }
    uint8_t *copy = malloc(size ? size : 1); /* exact size: no read past the end */
    FUZZ_REQUIRE(copy != NULL, "malloc");
    memcpy(copy, data, size);
    open_one(copy, size);

    if (size >= UNIKA_SEAL_HEADER_BYTES) {
        copy[8] = 2;
        copy[9] = 0;
        unika_box_fingerprint(copy + 12, pk);
        uint64_t n = size >= UNIKA_SEAL_OVERHEAD ? size - UNIKA_SEAL_OVERHEAD : 0;
        for (int i = 0; i < 8; i++) copy[28 + i] = (uint8_t)(n >> (8 * i));
        open_one(copy, size);
    }
    free(copy);

    /* Round trip: seal the input, open it, get it back. */
    const uint8_t *src = size ? data : (const uint8_t *)"";
    size_t cap = unika_seal_size(src, size), sealed_n = 0, opened_n = 0;
    FUZZ_REQUIRE(cap >= size + UNIKA_SEAL_OVERHEAD + 8, "envelope size below the content");
    uint8_t *sealed = malloc(cap), *opened = malloc(size ? size : 1);
    FUZZ_REQUIRE(sealed && opened, "malloc");
    FUZZ_REQUIRE(unika_seal(sealed, cap, &sealed_n, pk, src, size, NULL) == 0 && sealed_n == cap,
                 "seal failed or wrong size");
    FUZZ_REQUIRE(unika_open(opened, size, &opened_n, key, sealed, sealed_n, NULL) == 0,
                 "own envelope does not open");
    FUZZ_REQUIRE(opened_n == size && memcmp(opened, data, size) == 0,
                 "opened bytes differ from the sealed ones");
    free(sealed);
    free(opened);
    return 0;
}
