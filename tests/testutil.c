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

const uint8_t UNIKA_TEST_KEY_FP[16] = {0x3f, 0x9a, 0x51, 0x07, 0xc2, 0x6e, 0x88, 0x14,
                                       0xd9, 0x2b, 0x70, 0xe5, 0x4a, 0x0c, 0xb3, 0x96};
const uint8_t UNIKA_TEST_RECIPE_FP[16] = {0x5e, 0x11, 0xa0, 0x7d, 0x23, 0xf4, 0x9c, 0x68,
                                          0x0b, 0xe7, 0x45, 0x3a, 0xd1, 0x82, 0x6f, 0x19};

unika_sketch *unika_test_sketch(unsigned p, size_t n, uint64_t seed)
{
    unika_error e = {0};
    unika_sketch *s = NULL;
    ck_assert_int_eq(unika_sketch_new(&s, p, UNIKA_TEST_KEY_FP, UNIKA_TEST_RECIPE_FP, &e), 0);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(unika_sketch_add_hash(s, unika_test_splitmix64(&seed), &e), 0);
    return s;
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
