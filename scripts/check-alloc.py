#!/usr/bin/env python3
"""check-alloc.py - the library allocates only through its one door.

Every heap allocation of the library (src/<layer>/*.c, not the command in
src/cli/) goes through unika_malloc / unika_calloc / unika_realloc /
unika_free / unika_strndup (src/common/alloc.c), so a host's allocator
(unika_set_allocator, docs/postgresql.md) sees all of it. A direct malloc,
calloc, realloc, free, strdup or strndup is an error, except in alloc.c
itself and where a line says why with the marker "alloc: not the host's"
(memory another library allocated, e.g. utf8proc_map's buffer).
Prints the offenders and exits 1 if there are any.
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CALL = re.compile(r"(?<![\w.>])(malloc|calloc|realloc|free|strdup|strndup)\s*\(")
MARK = "alloc: not the host's"


def main():
    bad = []
    src = os.path.join(ROOT, "src")
    for layer in sorted(os.listdir(src)):
        folder = os.path.join(src, layer)
        if layer == "cli" or not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".c") or (layer, name) == ("common", "alloc.c"):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8") as f:
                for i, line in enumerate(f, 1):
                    code = line.split("//")[0]
                    if CALL.search(code) and MARK not in line:
                        bad.append(f"src/{layer}/{name}:{i}: {line.strip()}")
    for b in bad:
        print(b)
    if bad:
        print(f"{len(bad)} direct allocation(s) in the library: use unika_malloc & co "
              "(src/common/common.h)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
