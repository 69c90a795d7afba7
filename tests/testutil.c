/*
 * testutil.c - the shared Check runner and small helpers.
 */
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "unika.h"

int unika_test_hex_decode(uint8_t *dst, size_t dst_capacity, const char *hex)
{
    size_t n = 0;
    for (; hex[0] && hex[1]; hex += 2) {
        unsigned v;
        if (n >= dst_capacity || sscanf(hex, "%2x", &v) != 1) return -1;
        dst[n++] = (uint8_t)v;
    }
    return hex[0] ? -1 : (int)n;
}

uint8_t *unika_test_read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *buf = NULL;
    size_t cap = 0, len = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? 2 * cap : 4096;
            uint8_t *grown = realloc(buf, cap);
            if (!grown) { free(buf); fclose(f); return NULL; }
            buf = grown;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) break;
    }
    fclose(f);
    *size = len;
    return buf;
}

uint64_t unika_test_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

int main(void)
{
    if (unika_init() < 0) {
        fprintf(stderr, "unika_init failed\n");
        return 1;
    }
    SRunner *runner = srunner_create(unika_test_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? 0 : 1;
}
