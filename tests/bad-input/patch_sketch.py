#!/usr/bin/env python3
"""patch_sketch.py IN OUT OFFSET SIZE VALUE - write a little-endian integer
of SIZE bytes at OFFSET of a sketch file and repair its XXH64 checksum, so
that the reader's field check (not the checksum) must catch it.

VALUE is an integer (0x... allowed) or "total+N" for the file length plus
N. The input's own checksum must verify. XXH64 (seed 0) is written
out here from the algorithm's description, so no Python package is needed.
"""
import struct
import sys

M = (1 << 64) - 1
P1, P2, P3 = 0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9
P4, P5 = 0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5


def rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & M


def rnd(acc, lane):
    return (rotl((acc + lane * P2) & M, 31) * P1) & M


def xxh64(data, seed=0):
    n, i = len(data), 0
    if n >= 32:
        v = [(seed + P1 + P2) & M, (seed + P2) & M, seed, (seed - P1) & M]
        while i + 32 <= n:
            for j in range(4):
                v[j] = rnd(v[j], struct.unpack_from("<Q", data, i + 8 * j)[0])
            i += 32
        h = (rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18)) & M
        for j in range(4):
            h = ((h ^ rnd(0, v[j])) * P1 + P4) & M
    else:
        h = (seed + P5) & M
    h = (h + n) & M
    while i + 8 <= n:
        h ^= rnd(0, struct.unpack_from("<Q", data, i)[0])
        h = (rotl(h, 27) * P1 + P4) & M
        i += 8
    if i + 4 <= n:
        h ^= (struct.unpack_from("<I", data, i)[0] * P1) & M
        h = (rotl(h, 23) * P2 + P3) & M
        i += 4
    while i < n:
        h ^= (data[i] * P5) & M
        h = (rotl(h, 11) * P1) & M
        i += 1
    h ^= h >> 33
    h = (h * P2) & M
    h ^= h >> 29
    h = (h * P3) & M
    h ^= h >> 32
    return h


def main():
    src, dst, offset, size, value = sys.argv[1:6]
    data = bytearray(open(src, "rb").read())
    stored = struct.unpack_from("<Q", data, len(data) - 8)[0]
    if xxh64(bytes(data[:-8])) != stored:
        sys.exit("patch_sketch.py: the input's checksum does not verify (XXH64 mismatch)")
    size = int(size)
    if value.startswith("total+"):
        value = len(data) + int(value[6:])
    else:
        value = int(value, 0)
    data[int(offset):int(offset) + size] = value.to_bytes(size, "little")
    struct.pack_into("<Q", data, len(data) - 8, xxh64(bytes(data[:-8])))
    open(dst, "wb").write(data)


if __name__ == "__main__":
    main()
