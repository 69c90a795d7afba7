/*
 * alloc.c - the library's one door to the heap (unika/alloc.h).
 *
 * Every module allocates through unika_malloc / unika_calloc /
 * unika_realloc / unika_free (common/common.h), so a host can hand the
 * library its own allocator once. Without one, these are malloc and friends
 * and cost one predictable branch.
 */
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "unika/alloc.h"

static unika_allocator custom; /* alloc == NULL: the C library's */

int unika_set_allocator(const unika_allocator *a)
{
    if (!a || (!a->alloc && !a->free)) {
        memset(&custom, 0, sizeof custom);
        return UNIKA_OK;
    }
    if (!a->alloc || !a->free) return UNIKA_EINVAL;
    custom = *a;
    return UNIKA_OK;
}

void *unika_malloc(size_t size)
{
    if (!custom.alloc) return malloc(size);
    return custom.alloc(custom.opaque, size ? size : 1);
}

void *unika_calloc(size_t n, size_t size)
{
    if (!custom.alloc) return calloc(n, size);
    if (size && n > SIZE_MAX / size) return NULL;
    void *p = unika_malloc(n * size);
    if (p) memset(p, 0, n * size);
    return p;
}

void *unika_realloc(void *p, size_t old_size, size_t new_size)
{
    if (!custom.alloc) return realloc(p, new_size);
    void *q = unika_malloc(new_size);
    if (!q) return NULL; /* like realloc: p is untouched */
    if (p) {
        memcpy(q, p, old_size < new_size ? old_size : new_size);
        custom.free(custom.opaque, p);
    }
    return q;
}

void unika_free(void *p)
{
    if (!p) return;
    if (!custom.alloc) free(p);
    else custom.free(custom.opaque, p);
}

char *unika_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *d = unika_malloc(len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}
