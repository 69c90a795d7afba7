/*
 * fuzz_roster.c - partnership rosters from untrusted text.
 *
 * Invariants: a failure records its code and message and sets nothing; an
 * accepted roster has at most UNIKA_ROSTER_MAX_PARTNERS partners with valid
 * names, each findable by name, and its canonical text parses back to a
 * roster with the same canonical text (formatting is a fixed point).
 */
#include "fuzz_common.h"

static char *format(const unika_roster *r, size_t *n)
{
    /* The header promises that UNIKA_ROSTER_MAX_BYTES always suffices. */
    char *buf = malloc(UNIKA_ROSTER_MAX_BYTES);
    FUZZ_REQUIRE(buf != NULL, "malloc");
    FUZZ_REQUIRE(unika_roster_format(buf, UNIKA_ROSTER_MAX_BYTES, n, r, NULL) == 0,
                 "format failed in UNIKA_ROSTER_MAX_BYTES");
    FUZZ_REQUIRE(*n == strlen(buf), "format length wrong");
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    char *text = malloc(size ? size : 1);
    FUZZ_REQUIRE(text != NULL, "malloc");
    memcpy(text, data, size);
    unika_roster *r = NULL;
    unika_error e = {0};
    int rc = unika_roster_parse(&r, text, size, &e);
    free(text);
    if (rc < 0) {
        fuzz_check_error(rc, &e);
        FUZZ_REQUIRE(r == NULL, "roster set on failure");
        return 0;
    }
    size_t count = unika_roster_partner_count(r);
    FUZZ_REQUIRE(count <= UNIKA_ROSTER_MAX_PARTNERS, "too many partners accepted");
    for (size_t i = 0; i < count; i++) {
        const unika_sign_public *pub = unika_roster_partner_at(r, i);
        FUZZ_REQUIRE(pub != NULL && unika_signer_name_check(pub->name, NULL) == 0,
                     "partner with an invalid name");
        FUZZ_REQUIRE(unika_roster_find(r, pub->name) == pub, "partner not found by name");
    }
    FUZZ_REQUIRE(unika_roster_check_key_fingerprint(r, unika_roster_key_fingerprint(r), NULL) == 0,
                 "roster refuses its own key fingerprint");

    size_t n1 = 0, n2 = 0;
    char *t1 = format(r, &n1);
    unika_roster *r2 = NULL;
    FUZZ_REQUIRE(unika_roster_parse(&r2, t1, n1, NULL) == 0, "canonical roster text refused");
    char *t2 = format(r2, &n2);
    FUZZ_REQUIRE(n1 == n2 && memcmp(t1, t2, n1) == 0, "canonical text not a fixed point");
    FUZZ_REQUIRE(unika_roster_partner_count(r2) == count, "partner count changed");
    free(t1);
    free(t2);
    unika_roster_free(r2);
    unika_roster_free(r);
    return 0;
}
