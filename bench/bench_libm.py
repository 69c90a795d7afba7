#!/usr/bin/env python3
"""bench_libm.py - does the estimator's output depend on the machine's libm?

An auditor re-runs the linker (`unika verify-link`) and compares its outputs
with the linker's. On another platform exp, expm1 and log may return another
last bit. This program stands in for such a libm: a shim preloaded into
`unika link` moves every result of exp, expm1 and log by K units in the last
place (ulps), for K = +-1, 2, 4, 16, 256 (and 2^20, a control), and prints, as
M/B, how many of estimates.json's numbers differ from the plain run's (M) and
how many of those are integers or differ by more than one unit of their last
printed digit (B: what `unika verify-link` refuses; the rest it accepts as
another platform's floating point). It asserts nothing.

    bench/bench_libm.py --unika build/src/cli/unika [DATA_DIR ...]

DATA_DIR: partner CSVs as the generator writes them (default: the example data,
examples/iop-visits). Needs a C compiler (cc) and the dynamic loader's
LD_PRELOAD (glibc), and a unika built without sanitizers.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from linkage_estimate_eval import REPO, link, setup_roles  # noqa: E402 (one place for them)

# the last: a control, 2^20 ulps (a relative 2e-10), which should show that the shim acts
SHIFTS = [1, -1, 2, -2, 4, -4, 16, -16, 256, -256, 1 << 20]

# The shim: the real function's result, moved by ULPS (an environment variable)
# units of its last place.
SHIM = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <math.h>
#include <stdlib.h>
static double (*real_exp)(double), (*real_expm1)(double), (*real_log)(double);
static int ulps;
static void init(void)
{
    if (real_exp) return;
    real_exp = (double (*)(double))dlsym(RTLD_NEXT, "exp");
    real_expm1 = (double (*)(double))dlsym(RTLD_NEXT, "expm1");
    real_log = (double (*)(double))dlsym(RTLD_NEXT, "log");
    const char *s = getenv("ULPS");
    ulps = s ? atoi(s) : 0;
}
static double moved(double y)
{
    double ulp = nextafter(y, INFINITY) - y; /* y's last place (in y's binade) */
    return isfinite(ulp) ? y + ulps * ulp : y;
}
double exp(double x) { init(); return moved(real_exp(x)); }
double expm1(double x) { init(); return moved(real_expm1(x)); }
double log(double x) { init(); return moved(real_log(x)); }
"""


def numbers(path):
    """A JSON file's number literals in document order, and the rest of it with each
    number replaced by its kind ("int" or "dec"), to compare as a whole."""
    found = []

    def keep(kind):
        def literal(text):
            found.append(text)
            return kind
        return literal

    with open(path) as f:
        rest = json.load(f, parse_int=keep("int"), parse_float=keep("dec"))
    return found, rest


def differing(a, b):
    """Numbers that differ, and of them those that are integers (counts) or differ by
    more than one unit of their last printed digit (which `unika verify-link` would
    refuse), or None when the documents differ in anything else."""
    if a[1] != b[1] or len(a[0]) != len(b[0]):
        return None
    moved = beyond = 0
    for x, y in zip(a[0], b[0]):
        if x == y:
            continue
        moved += 1
        places = [len(t) - t.index(".") - 1 if "." in t and "e" not in t.lower() else None
                  for t in (x, y)]  # an integer is a count: it must not move at all
        if places[0] is None or places[0] != places[1] or \
                abs(float(x) - float(y)) > 1.5 * 10 ** -places[0]:
            beyond += 1
    return moved, beyond


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--unika", required=True)
    ap.add_argument("data", nargs="*", default=[os.path.join(REPO, "examples", "iop-visits")])
    a = ap.parse_args()
    unika = os.path.abspath(a.unika)
    with tempfile.TemporaryDirectory() as work:
        shim = os.path.join(work, "shim.so")
        with open(os.path.join(work, "shim.c"), "w") as f:
            f.write(SHIM)
        subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", shim,
                        os.path.join(work, "shim.c"), "-ldl", "-lm"], check=True)
        keys = os.path.join(work, "keys")
        setup_roles(unika, keys)
        print("bench_libm: estimates.json under exp, expm1 and log moved by K ulps; "
              "load average %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
        for n, data in enumerate(a.data):
            d = os.path.join(work, "run%d" % n)
            link(unika, keys, os.path.abspath(data), os.path.join(d, "plain"), {})
            base = numbers(os.path.join(d, "plain", "cells", "estimates.json"))
            row = []
            for k in SHIFTS:
                os.environ.update(LD_PRELOAD=shim, ULPS=str(k))
                try:
                    link(unika, keys, os.path.abspath(data), os.path.join(d, "k%d" % k), {})
                finally:
                    del os.environ["LD_PRELOAD"], os.environ["ULPS"]
                diff = differing(base, numbers(os.path.join(d, "k%d" % k, "cells",
                                                            "estimates.json")))
                row.append("%+d: %s" % (k, "%d/%d" % diff if diff else "other text"))
            print("%s, %d numbers: %s" % (data, len(base[0]), ", ".join(row)))


if __name__ == "__main__":
    main()
