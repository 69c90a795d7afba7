/*
 * text.c - the growing text the linker's JSON documents are written into
 * (the manifest, manifest.c; the estimates, estimate_json.c).
 */
#include <stdarg.h>
#include <stdio.h>

#include "common/common.h"
#include "linkage/linkage_private.h"

void lk_text_put(lk_text *t, const char *fmt, ...)
{
    if (t->failed) return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0) {
        t->failed = 1;
        return;
    }
    if (t->n + (size_t)k + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->n + (size_t)k + 1) cap *= 2;
        char *q = unika_realloc(t->s, t->cap, cap);
        if (!q) {
            t->failed = 1;
            return;
        }
        t->s = q;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->n, t->cap - t->n, fmt, ap);
    va_end(ap);
    t->n += (size_t)k;
}

void lk_text_string(lk_text *t, const char *s)
{
    lk_text_put(t, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') lk_text_put(t, "\\%c", c);
        else if (c < 0x20) lk_text_put(t, "\\u%04x", c);
        else lk_text_put(t, "%c", c);
    }
    lk_text_put(t, "\"");
}
