/*
 * fuzz_manifest.c - partner manifests (unika/manifest.h) from untrusted
 * text: what `unika verify` reads from each partner.
 *
 * Invariants: a failure records its code and message and sets nothing; an
 * accepted manifest has a valid signer, period, sequence and files in
 * strictly increasing digest order, each findable; its canonical text
 * parses back to a manifest with the same text (a fixed point).
 */
#include "fuzz_common.h"

static char *text_of(const unika_manifest *m, size_t *n)
{
    size_t cap = unika_manifest_text_bytes(m);
    char *t = malloc(cap);
    FUZZ_REQUIRE(t != NULL, "malloc");
    FUZZ_REQUIRE(unika_manifest_format(t, cap, n, m, NULL) == 0,
                 "format failed in unika_manifest_text_bytes()");
    FUZZ_REQUIRE(*n == strlen(t), "format length wrong");
    return t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    unika_manifest *m = NULL;
    unika_error e = {0};
    int rc = unika_manifest_parse(&m, (const char *)data, size, &e);
    if (rc < 0) {
        fuzz_check_error(rc, &e);
        FUZZ_REQUIRE(m == NULL, "manifest set on failure");
        return 0;
    }
    FUZZ_REQUIRE(unika_signer_name_check(unika_manifest_signer(m), NULL) == 0, "bad signer");
    FUZZ_REQUIRE(unika_manifest_sequence(m) >= 1, "sequence 0 accepted");
    size_t count = unika_manifest_count(m);
    for (size_t i = 0; i < count; i++) {
        const unika_manifest_file *f = unika_manifest_file_at(m, i);
        FUZZ_REQUIRE(f != NULL && unika_manifest_find(m, f->digest) == f, "file not findable");
        if (i)
            FUZZ_REQUIRE(memcmp(unika_manifest_file_at(m, i - 1)->digest, f->digest, 32) < 0,
                         "files not in strictly increasing digest order");
    }
    size_t n1 = 0, n2 = 0;
    char *t1 = text_of(m, &n1);
    unika_manifest *m2 = NULL;
    FUZZ_REQUIRE(unika_manifest_parse(&m2, t1, n1, NULL) == 0, "canonical text refused");
    char *t2 = text_of(m2, &n2);
    FUZZ_REQUIRE(n1 == n2 && memcmp(t1, t2, n1) == 0, "canonical text not a fixed point");
    free(t1);
    free(t2);
    unika_manifest_free(m2);
    unika_manifest_free(m);
    return 0;
}
