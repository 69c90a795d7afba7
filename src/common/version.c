/*
 * version.c - version getters and library initialisation.
 */
#include <sodium.h>

#include "common/common.h"
#include "unika/common.h"

#define UNIKA_STR_(x) #x
#define UNIKA_STR(x) UNIKA_STR_(x)

unsigned unika_version_number(void)
{
    return UNIKA_VERSION_NUMBER;
}

const char *unika_version_string(void)
{
    return UNIKA_STR(UNIKA_VERSION_MAJOR) "." UNIKA_STR(UNIKA_VERSION_MINOR) "."
        UNIKA_STR(UNIKA_VERSION_PATCH);
}

int unika_init(void)
{
    /* sodium_init() is itself thread-safe and idempotent: 0 first, 1 after. */
    int rc = sodium_init();
    if (rc < 0) return UNIKA_ESODIUM;
    return rc;
}

size_t unika_fingerprint_bytes(void)
{
    return UNIKA_FINGERPRINT_BYTES;
}

size_t unika_pseudonym_bytes(void)
{
    return UNIKA_PSEUDONYM_BYTES;
}
