#!/usr/bin/env python3
"""check-sizes.py - no C source file over 1,000 lines, no function over 120.

Counts every .c and .h under src/, include/, tests/, bench/, examples/ and
bindings/ (tests/fuzz/corpus excluded). A function is a top-level body: a
line that ends with ')' or ')' + '{' at column 0 followed by a '{' line at
column 0 (the style of this tree), up to its closing '}' at column 0; its
length counts every line from the signature to the closing brace.
Prints the offenders and exits 1 if there are any; --report also prints the
largest files and functions.
"""
import os
import re
import sys

FILE_MAX, FUNC_MAX = 1000, 120
ROOTS = ["src", "include", "tests", "bench", "examples", "bindings"]


def sources(root):
    for top in ROOTS:
        for d, dirs, files in os.walk(os.path.join(root, top)):
            dirs[:] = [x for x in dirs if x not in ("corpus", "regressions", "__pycache__")]
            for f in files:
                if f.endswith((".c", ".h")):
                    yield os.path.join(d, f)


def functions(lines):
    """(name, first line, length) of every top-level function body."""
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("{") and i > 0:
            # the signature starts at the last line before '{' that begins at column 0
            j = i - 1
            while j > 0 and (lines[j].startswith((" ", "\t")) or not lines[j].strip()):
                j -= 1
            m = re.search(r"(\w+)\s*\(", lines[j])
            k = i + 1
            while k < len(lines) and not lines[k].startswith("}"):
                k += 1
            if m and not lines[j].lstrip().startswith(("typedef", "struct", "enum", "static const", "const")):
                out.append((m.group(1), j + 1, k - j + 1))
            i = k
        i += 1
    return out


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    report = "--report" in sys.argv
    bad, files, funcs = [], [], []
    for path in sorted(sources(root)):
        rel = os.path.relpath(path, root)
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().split("\n")
        n = len(lines) - (1 if lines and lines[-1] == "" else 0)
        files.append((n, rel))
        if n > FILE_MAX:
            bad.append(f"{rel}: {n} lines (at most {FILE_MAX})")
        for name, first, length in functions(lines):
            funcs.append((length, f"{rel}:{first} {name}"))
            if length > FUNC_MAX:
                bad.append(f"{rel}:{first}: function {name} is {length} lines (at most {FUNC_MAX})")
    if report:
        print("largest files:", *[f"  {n:5} {p}" for n, p in sorted(files)[-5:]], sep="\n")
        print("longest functions:", *[f"  {n:5} {p}" for n, p in sorted(funcs)[-8:]], sep="\n")
    for b in bad:
        print(b)
    print(f"check-sizes: {len(files)} files, {len(funcs)} functions; "
          f"{len(bad)} over the limits ({FILE_MAX} lines a file, {FUNC_MAX} a function)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
