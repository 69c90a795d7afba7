/*
 * fuzz_common.h - shared by the fuzz targets in tests/fuzz/.
 *
 * A target is a test driver, not library code: when an invariant breaks it
 * prints what broke and aborts, because an abort is what libFuzzer (and the
 * regression driver run by CTest) recognise as a bug.
 */
#ifndef UNIKA_FUZZ_COMMON_H
#define UNIKA_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unika.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_REQUIRE(cond, what)                                                  \
    do {                                                                          \
        if (!(cond)) {                                                            \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__,  \
                    what);                                                        \
            abort();                                                              \
        }                                                                         \
    } while (0)

/* unika_init() once; every target calls it first (it is cheap after that). */
static inline void fuzz_init(void)
{
    static int done;
    if (!done) {
        FUZZ_REQUIRE(unika_init() >= 0, "unika_init");
        done = 1;
    }
}

/* Every failure must leave a code in err and a message that says something. */
static inline void fuzz_check_error(int rc, const unika_error *e)
{
    FUZZ_REQUIRE(rc < 0, "not a failure");
    FUZZ_REQUIRE(e->code == rc, "error code not recorded in err");
    FUZZ_REQUIRE(e->message[0] != '\0', "failure without a message");
    FUZZ_REQUIRE(memchr(e->message, '\0', sizeof e->message) != NULL,
                 "message not NUL-terminated");
}

#endif
