/*
 * benchutil.h - what the benchmark programs share: a wall clock and a
 * deterministic hash stream. Header-only; each program is one file.
 */
#ifndef UNIKA_BENCHUTIL_H
#define UNIKA_BENCHUTIL_H

#include <stdint.h>
#include <time.h>

/* Monotonic wall-clock nanoseconds. */
static inline double bench_wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* SplitMix64: the next of a deterministic stream of 64-bit hashes. */
static inline uint64_t bench_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

#endif
