/*
 * heap.c - the command's heap, backed by huge pages where the system allows.
 *
 * `matchkeys` and `link` build tables of tens of MiB and touch each page
 * once. On a virtual machine each first touch of a 4 KiB page is a fault
 * the hypervisor sees: measured, a fifth of `link`'s CPU on realistic
 * records (docs/benchmarks.md, "The heap on huge pages"). A 2 MiB
 * transparent huge page costs one fault for 512 of them.
 *
 * The library only allocates (unika/alloc.h); the process decides how its
 * heap is backed, so this lives here. With glibc, the heap's first 64 MiB
 * are taken in HEAP_BLOCKS blocks that stay below the mmap threshold (so
 * they come from the heap itself), advised MADV_HUGEPAGE and given back
 * to malloc, which keeps them (trim threshold) and hands them out in turn.
 * Blocks up to 32 MiB come from the heap too, so the tables land in the
 * arena. Beyond it the heap grows on ordinary pages. The system decides in
 * the end: with transparent huge pages "never" the advice is ignored, and
 * the outputs never depend on it. Elsewhere this does nothing.
 */
#include <stdint.h>
#include <stdlib.h>

#include "cli.h"

#if defined(__GLIBC__) && defined(__linux__)
#include <malloc.h>
#include <sys/mman.h>
#endif

#if defined(__GLIBC__) && defined(__linux__) && defined(MADV_HUGEPAGE)
enum {
    HUGE_PAGE = 2 << 20,
    HEAP_BLOCK = 16 << 20, /* below glibc's largest mmap threshold, 32 MiB */
    HEAP_BLOCKS = 4,       /* the arena: 64 MiB, a realistic 30,000-person link */
};

/* The whole huge pages inside [p, p + size). */
static void advise_huge(void *p, size_t size)
{
    uintptr_t lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    uintptr_t hi = ((uintptr_t)p + size) & ~(uintptr_t)(HUGE_PAGE - 1);
    if (hi > lo) (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
}

void cli_heap_prepare(void)
{
    if (!mallopt(M_MMAP_THRESHOLD, 2 * HEAP_BLOCK) ||
        !mallopt(M_TRIM_THRESHOLD, 2 * HEAP_BLOCK * HEAP_BLOCKS))
        return;
    void *block[HEAP_BLOCKS] = {0};
    for (int i = 0; i < HEAP_BLOCKS; i++)
        if ((block[i] = malloc(HEAP_BLOCK)) != NULL) advise_huge(block[i], HEAP_BLOCK);
    for (int i = 0; i < HEAP_BLOCKS; i++) free(block[i]);
}
#else
void cli_heap_prepare(void) {}
#endif
