/*
 * label.c - label keys and values (common/label.h says who shares them).
 */
#include "common/label.h"
#include "common/utf8.h"
#include "unika/sketch_io.h"

size_t unika_label_key_check(const uint8_t *key, size_t len, const char **what)
{
    const char *dummy;
    if (!what) what = &dummy;
    if (len == 0) {
        *what = "is empty";
        return 1;
    }
    for (size_t i = 0; i < len && i < UNIKA_LABEL_KEY_MAX; i++) {
        uint8_t c = key[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
              c == '-')) {
            *what = "has a byte outside [a-z0-9_.-]";
            return i + 1;
        }
    }
    if (len > UNIKA_LABEL_KEY_MAX) {
        *what = "is longer than 64 bytes";
        return UNIKA_LABEL_KEY_MAX + 1;
    }
    return 0;
}

size_t unika_label_value_check(const uint8_t *value, size_t len, size_t max, const char **what)
{
    const char *dummy;
    if (!what) what = &dummy;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = unika_utf8_decode(value + i, len - i, &cp);
        if (n == 0) {
            *what = "is not valid UTF-8";
            return i + 1;
        }
        /* Controls (Unicode Cc) would let a value break a report line or
         * the canonical "k=v\n" form. */
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
            *what = "contains a control character";
            return i + 1;
        }
        i += n;
    }
    if (len > max) {
        *what = "is too long";
        return max + 1;
    }
    return 0;
}
