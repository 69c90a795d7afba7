/*
 * fuzz_signature.c - detached signature files and public key files.
 *
 * The first byte picks the parser (even: unika_signature_parse, odd:
 * unika_sign_public_parse); the rest is the file's text. Invariants: a
 * failure records its code and message; an accepted file has a valid signer
 * name, formats within UNIKA_SIGN_TEXT_MAX, and its formatted text parses
 * back to the same struct (formatting is a fixed point).
 */
#include "fuzz_common.h"

static void signature(const char *src, size_t n)
{
    unika_signature sig, back;
    unika_error e = {0};
    int rc = unika_signature_parse(&sig, src, n, &e);
    if (rc < 0) {
        fuzz_check_error(rc, &e);
        return;
    }
    FUZZ_REQUIRE(unika_signer_name_check(sig.signer, NULL) == 0, "invalid signer accepted");
    char text[UNIKA_SIGN_TEXT_MAX];
    size_t len = 0;
    FUZZ_REQUIRE(unika_signature_format(text, sizeof text, &len, &sig, NULL) == 0,
                 "signature does not format in UNIKA_SIGN_TEXT_MAX");
    FUZZ_REQUIRE(len == strlen(text), "format length wrong");
    memset(&back, 0x5A, sizeof back);
    FUZZ_REQUIRE(unika_signature_parse(&back, text, len, NULL) == 0, "formatted text refused");
    FUZZ_REQUIRE(strcmp(back.signer, sig.signer) == 0 &&
                     memcmp(back.key, sig.key, sizeof sig.key) == 0 &&
                     memcmp(back.digest, sig.digest, sizeof sig.digest) == 0 &&
                     memcmp(back.sig, sig.sig, sizeof sig.sig) == 0,
                 "signature does not round-trip");
}

static void public_key(const char *src, size_t n)
{
    unika_sign_public pub, back;
    unika_error e = {0};
    int rc = unika_sign_public_parse(&pub, src, n, &e);
    if (rc < 0) {
        fuzz_check_error(rc, &e);
        return;
    }
    FUZZ_REQUIRE(unika_signer_name_check(pub.name, NULL) == 0, "invalid name accepted");
    char text[UNIKA_SIGN_TEXT_MAX];
    size_t len = 0;
    FUZZ_REQUIRE(unika_sign_public_format(text, sizeof text, &len, &pub, NULL) == 0,
                 "public key does not format in UNIKA_SIGN_TEXT_MAX");
    memset(&back, 0x5A, sizeof back);
    FUZZ_REQUIRE(unika_sign_public_parse(&back, text, len, NULL) == 0, "formatted text refused");
    FUZZ_REQUIRE(strcmp(back.name, pub.name) == 0 && memcmp(back.key, pub.key, sizeof pub.key) == 0,
                 "public key does not round-trip");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    if (size < 1) return 0;
    size_t n = size - 1;
    char *src = malloc(n ? n : 1);
    FUZZ_REQUIRE(src != NULL, "malloc");
    memcpy(src, data + 1, n);
    if (data[0] & 1) public_key(src, n);
    else signature(src, n);
    free(src);
    return 0;
}
