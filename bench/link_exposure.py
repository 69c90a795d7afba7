#!/usr/bin/env python3
"""What the linker sees, measured: how many resolved persons are unique on it.

The linker holds no key: it cannot read a name, a date or a number. What it
can read, per profile, is the profile's structure (which match-key types it
has, how many name words, the birth precision, the gender) and its visits
(organisation, month, --by cell, rows); per resolved person, the union of
its profiles'. This script runs the linkage flow on the example data
(examples/iop-visits through `unika matchkeys` and `unika link`, as the
partners and the linker would), reads the partners' match-key files itself
(docs/matchkeys.md, layout 2) and the linker's `--debug-clusters` output,
and counts the persons whose view is shared by no other person, at several
grains:

  partners          the set of organisations a person visited
  partners+halves   ... and the half-years at each
  partners+months   ... and the months at each
  months+rows       ... and the rows of each month
  + structure       ... and the key-type pattern and gender of each profile

    bench/link_exposure.py [--unika build/src/cli/unika] [--data examples/iop-visits]

Standard library only; prints figures, asserts nothing (docs/security.md, 9).
"""
import argparse
import collections
import csv
import glob
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
ORGS = ["raddabarnen", "rodakorset", "stadsmissionen", "uppsok"]


def read_umk(path):
    """[(gender, flags, key types (sorted tuple), visits [(year, month, rows)])] in file order."""
    b = open(path, "rb").read()
    assert b[:4] == b"\x81UMK" and struct.unpack_from("<H", b, 8)[0] == 2, path
    by, org_len, bands_len = b[13], b[14], b[15]
    profiles, = struct.unpack_from("<Q", b, 24)
    values, = struct.unpack_from("<I", b, 40)
    o = 64 + org_len + bands_len
    for _ in range(by):
        o += 1 + b[o]
    for _ in range(values):
        o += 2 + struct.unpack_from("<H", b, o)[0]
    out = []
    for _ in range(profiles):
        gender, flags, kc = b[o], b[o + 1], struct.unpack_from("<H", b, o + 2)[0]
        types = tuple(b[o + 4 + 18 * k] for k in range(kc))
        o += 4 + 18 * kc
        vc, = struct.unpack_from("<I", b, o)
        o += 4
        visits = []
        for _ in range(vc):
            y, m = struct.unpack_from("<HB", b, o)
            rows, = struct.unpack_from("<I", b, o + 4 + 2 * by)
            visits.append((y, m, rows))
            o += 8 + 2 * by
        out.append((gender, flags, types, visits))
    return out


def run(cmd, cwd):
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode:
        sys.exit("link_exposure: %s: %s" % (" ".join(cmd), p.stderr))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--unika")
    ap.add_argument("--data", default=os.path.join(REPO, "examples", "iop-visits"))
    a = ap.parse_args()
    unika = os.path.abspath(a.unika or sorted(glob.glob(os.path.join(REPO, "build*", "src", "cli",
                                                                     "unika")))[0])
    w = tempfile.mkdtemp(prefix="unika-exposure-")
    run([unika, "keygen", "-o", "pk"], w)
    for o in ORGS + ["linker"]:
        run([unika, "sign-keygen", "--name", o, "-o", o], w)
    fp = subprocess.run([unika, "key", "fingerprint", "pk"], cwd=w, stdout=subprocess.PIPE,
                        text=True).stdout.strip()
    run([unika, "roster", "make", "--key-fingerprint", fp, "--linker", "linker.pub", "-o", "r"]
        + [o + ".pub" for o in ORGS], w)
    run([unika, "link-keygen", "-o", "seed"], w)
    for o in ORGS:
        run([unika, "matchkeys", "--key", "pk", "--profile",
             os.path.join(REPO, "examples", "profiles", o + ".profile"), "--org", o, "--sign",
             o + ".sec", os.path.join(a.data, o + ".csv"), "-o", o + ".umk"], w)
    run([unika, "link", "--roster", "r", "--seed", "seed", "--sign", "linker.sec",
         "--debug-clusters", "clusters.csv", "-o", "cells"] + [o + ".umk" for o in ORGS], w)
    prof = {o: read_umk(os.path.join(w, o + ".umk")) for o in ORGS}
    person = collections.defaultdict(list)
    with open(os.path.join(w, "clusters.csv")) as f:
        for r in csv.DictReader(f):
            person[r["person"]].append((r["org"], prof[r["org"]][int(r["profile"])]))
    grains = {
        "partners": lambda ps: frozenset(o for o, p in ps),
        "partners+halves": lambda ps: frozenset((o, y, m > 6) for o, p in ps for y, m, _ in p[3]),
        "partners+months": lambda ps: frozenset((o, y, m) for o, p in ps for y, m, _ in p[3]),
        "months+rows": lambda ps: frozenset((o, y, m, n) for o, p in ps for y, m, n in p[3]),
        "+ structure": lambda ps: frozenset((o, p[0], p[1], p[2], y, m, n)
                                            for o, p in ps for y, m, n in p[3]),
    }
    n = len(person)
    print("link_exposure: %d persons resolved from %s" % (n, a.data))
    for g, f in grains.items():
        views = collections.Counter(f(ps) for ps in person.values())
        unique = sum(1 for ps in person.values() if views[f(ps)] == 1)
        print("  %-16s %5d distinct views; %5d persons unique (%.1f%%)" % (
            g, len(views), unique, 100.0 * unique / n))
    multi = collections.Counter(len({o for o, p in ps}) for ps in person.values())
    print("  persons by number of partners: %s" % dict(sorted(multi.items())))
    shutil.rmtree(w)


if __name__ == "__main__":
    main()
