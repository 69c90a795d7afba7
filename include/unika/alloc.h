/*
 * unika/alloc.h - where the library's heap memory comes from.
 *
 * By default every object the library makes (sketches, their labels and
 * provenance, recipes, profiles, CSV readers, rosters, signature buffers)
 * and every temporary buffer comes from malloc() and goes back with free().
 * A host that manages memory itself (a database server that frees
 * everything of a query when it fails, an arena allocator) can route all of
 * it through its own functions, set once before anything is allocated:
 *
 *     static void *my_alloc(void *opaque, size_t size) { ... NULL on failure }
 *     static void my_free(void *opaque, void *address) { ... }
 *     unika_allocator a = {my_alloc, my_free, my_state};
 *     if (unika_set_allocator(&a) < 0) ...;
 *
 * Rules (docs/postgresql.md explains why PostgreSQL needs them):
 *  - Set it before the library allocates anything, and never change it while
 *    objects made under the old one exist: an object is freed with the
 *    allocator that made it. Not thread-safe against concurrent library
 *    calls; set it once, at start-up.
 *  - alloc returns memory aligned for any object of up to 8 bytes (uint64_t,
 *    double, pointers), or NULL when it has none; it must return, never
 *    unwind (longjmp, exceptions) through the library: the library turns
 *    NULL into UNIKA_ENOMEM and leaves its objects unchanged.
 *  - free accepts NULL.
 * Two kinds of memory never use it: key objects live in libsodium's
 * guarded, locked sodium_malloc() memory (unika/key.h), and utf8proc's own
 * short-lived buffers come from malloc() and are freed before the call
 * returns.
 */
#ifndef UNIKA_ALLOC_H
#define UNIKA_ALLOC_H

#include "common.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void *(*unika_alloc_fn)(void *opaque, size_t size);
typedef void (*unika_free_fn)(void *opaque, void *address);

/* zstd's ZSTD_customMem, for the same reason: the host owns the memory. */
typedef struct unika_allocator {
    unika_alloc_fn alloc;
    unika_free_fn free;
    void *opaque; /* passed to both, untouched */
} unika_allocator;

/*! unika_set_allocator() :
 *  Routes the library's heap memory through `a` (copied); NULL, or an
 *  allocator whose alloc and free are both NULL, restores malloc/free.
 *  @return 0, or UNIKA_EINVAL when exactly one of alloc and free is NULL
 *          (nothing changes). */
UNIKA_API int unika_set_allocator(const unika_allocator *a);

#ifdef __cplusplus
}
#endif
#endif /* UNIKA_ALLOC_H */
