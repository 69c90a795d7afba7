#!/usr/bin/env python3
"""Match keys + resolution, measured against the truth: the whole linkage flow.

For generator data (../shared/data/make_iop_visits.py) with every phenomenon
(--all) and each phenomenon alone, at several sizes and seeds, this runs the
real pipeline by role and compares the published figures with truth.json:

  partners  unika matchkeys of their CSV (examples/profiles), --sign
  linker    unika link-keygen once; unika link --by gender (signed cells and
            manifest); its deterministic count and linkage range
  analyst   unika report --format json --min-count 0 of the linker's cells

It prints, per data set, the bias of the total, of every partner and of
every gender (the report's figures, sketch error included: cells are made at
p = 14, exact up to 4,096 persons), the deterministic count's linkage range
(low..high) and whether the truth lies inside it; with truth ids (always
written here) it joins every CSV row's true person to its profile
(`matchkeys --debug-profiles`) and its cluster and person
(`link --debug-clusters`, no personal data) and prints the strong clusters'
splits and merges (a true person in several clusters / a cluster holding
several true persons) and the persons' splits and merges.

    bench/linkage_eval2.py [--unika build/src/cli/unika] [--sizes 3000,10000]
                           [--seeds 11,12] [--phenomena all,none,typos,...]
                           [--generator ../shared/data/make_iop_visits.py]
                           [--work DIR] [--markdown]

Standard library only; asserts nothing and exits 0 unless the pipeline fails.
The lead's estimator extends this with its draws (see run_link()).
"""
import argparse
import collections
import csv
import glob
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
ORGS = ["raddabarnen", "rodakorset", "stadsmissionen", "uppsok"]
PHENOMENA = ["patronymic", "swap", "jan1", "assess", "typos", "skew", "year-only"]


def find_unika(arg):
    if arg:
        return arg
    for cand in sorted(glob.glob(os.path.join(REPO, "build*", "src", "cli", "unika"))):
        if os.access(cand, os.X_OK):
            return cand
    sys.exit("linkage_eval2: give --unika PATH")


def default_generator():
    """../shared/data/make_iop_visits.py beside the repository (or its worktree's parent)."""
    d = REPO
    for _ in range(3):
        d = os.path.dirname(d)
        cand = os.path.join(d, "shared", "data", "make_iop_visits.py")
        if os.path.exists(cand):
            return cand
    return os.path.join(REPO, "..", "shared", "data", "make_iop_visits.py")


def run(cmd, cwd=None):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd)
    if p.returncode != 0:
        sys.exit("linkage_eval2: %s failed (%d):\n%s" % (" ".join(cmd), p.returncode, p.stderr))
    return p


def generate(gen, out, people, seed, phenomenon):
    if os.path.exists(os.path.join(out, "truth.json")):
        return
    args = [sys.executable, gen, "--seed", str(seed), "--people", str(people), "--truth-ids",
            "--out", out]
    if phenomenon == "all":
        args.append("--all")
    elif phenomenon != "none":
        args.append("--" + phenomenon)
    run(args)


def setup_roles(unika, work):
    """Partnership key, signing keys, the linker's seed and the roster (once)."""
    if os.path.exists(os.path.join(work, "r.roster")):
        return
    run([unika, "keygen", "-o", "pk"], cwd=work)
    for o in ORGS + ["linker", "steering"]:  # steering: the coordinator, signs the roster
        run([unika, "sign-keygen", "--name", o, "-o", o], cwd=work)
    fp = run([unika, "key", "fingerprint", "pk"], cwd=work).stdout.strip()
    run([unika, "roster", "make", "--key-fingerprint", fp, "--sign", "steering.sec",
         "--linker", "linker.pub", "-o",
         "r.roster"] + [o + ".pub" for o in ORGS], cwd=work)
    run([unika, "link-keygen", "-o", "linker.seed"], cwd=work)


def run_link(unika, work, data, tag):
    """matchkeys x 4, link, report; returns (report, manifest, rows joined)."""
    d = os.path.join(work, tag)
    os.makedirs(d, exist_ok=True)
    for o in ORGS:
        run([unika, "matchkeys", "--key", "pk", "--profile",
             os.path.join(REPO, "examples", "profiles", o + ".profile"), "--org", o,
             "--by", "gender", "--sign", o + ".sec", "--force", "--debug-profiles",
             os.path.join(d, o + ".rows"), os.path.join(data, o + ".csv"), "-o",
             os.path.join(d, o + ".umk")], cwd=work)
    run([unika, "link", "--roster", "r.roster", "--coordinator", "steering.pub",
         "--seed", "linker.seed", "--sign", "linker.sec",
         "--by", "gender", "--force", "--debug-clusters", os.path.join(d, "clusters.csv"),
         "-o", os.path.join(d, "cells")] + [os.path.join(d, o + ".umk") for o in ORGS], cwd=work)
    run([unika, "report", "--format", "json", "--min-count", "0", "--force", "-o",
         os.path.join(d, "report.json"), os.path.join(d, "cells")], cwd=work)
    with open(os.path.join(d, "report.json")) as f:
        report = json.load(f)
    with open(os.path.join(d, "cells", "manifest.json")) as f:
        manifest = json.load(f)
    return report, manifest, join_truth(d, data)


def join_truth(d, data):
    """Per used CSV row: (org, true person, cluster, person, kind)."""
    where = {}
    with open(os.path.join(d, "clusters.csv")) as f:
        for r in csv.DictReader(f):
            where[(r["org"], r["profile_digest"])] = (int(r["cluster"]), int(r["person"]), r["kind"])
    rows = []
    for o in ORGS:
        with open(os.path.join(data, "truth", o + ".txt")) as f:
            truth = [int(x) for x in f]
        with open(os.path.join(d, o + ".rows")) as f:
            for r in csv.DictReader(f):
                line = int(r["line"])
                c = where[(o, r["profile_digest"])]
                rows.append((o, truth[line - 2], c[0], c[1], c[2]))
    return rows


def split_merge(rows, field, only_strong):
    """Splits: sum over true persons of (groups - 1); merges: sum over groups of (persons - 1)."""
    per_true, per_group = collections.defaultdict(set), collections.defaultdict(set)
    for o, t, cl, pe, kind in rows:
        if only_strong and kind != "strong":
            continue
        g = cl if field == "cluster" else pe
        per_true[t].add(g)
        per_group[g].add(t)
    splits = sum(len(s) - 1 for s in per_true.values())
    merges = sum(len(s) - 1 for s in per_group.values())
    return len(per_group), len(per_true), splits, merges


def figure(report, fid):
    for f in report["figures"]:
        if f["id"] == fid:
            return f["estimate"]
    return None


def pct(x, t):
    return 100.0 * (x - t) / t if t else 0.0


def evaluate(unika, work, gen, people, seed, ph):
    data = os.path.join(work, "data", "%s-%d-%d" % (ph, people, seed))
    generate(gen, data, people, seed, ph)
    with open(os.path.join(data, "truth.json")) as f:
        truth = json.load(f)
    report, manifest, rows = run_link(unika, work, data, "run-%s-%d-%d" % (ph, people, seed))
    t = truth["unique_total"]
    total = figure(report, "total")
    orgs = {o: pct(figure(report, "by_org/org=" + o), truth["unique_by_org"][o]) for o in ORGS}
    genders = {g: pct(figure(report, "by_gender/gender=" + g), n)
               for g, n in truth["unique_by_gender"].items() if n >= 100}
    c = manifest["counts"]
    sc = split_merge(rows, "cluster", True)
    ps = split_merge(rows, "person", False)
    return dict(ph=ph, people=people, seed=seed, truth=t, total=pct(total, t), orgs=orgs,
                genders=genders, persons=c["persons"], low=c["low"], high=c["high"],
                inside=c["low"] <= t <= c["high"], strong=sc, persons_sm=ps,
                passes={p["pass"]: p["made"] for p in manifest["passes"]},
                units=manifest["weak_units"])


def show(r):
    orgs = " ".join("%s %+.1f%%" % (o[:5], v) for o, v in r["orgs"].items())
    gens = " ".join("%s %+.1f%%" % (g, v) for g, v in r["genders"].items())
    s, p = r["strong"], r["persons_sm"]
    print("%-10s %6d seed %-3d  total %+6.1f%%  [%s]  [%s]" % (r["ph"], r["people"], r["seed"],
                                                           r["total"], orgs, gens))
    print("    count %d, range %d..%d (%+.1f%%..%+.1f%%, truth inside: %s)" % (
        r["persons"], r["low"], r["high"], pct(r["low"], r["truth"]), pct(r["high"], r["truth"]),
        "yes" if r["inside"] else "no"))
    print("    strong clusters %d holding %d persons (%+.1f%%): splits %d, merges %d;"
          " persons: splits %d, merges %d" % (s[0], s[1], pct(s[0], s[1]), s[2], s[3], p[2], p[3]))
    u = r["units"]
    print("    weak units %d: linked %d, ambiguous %d, joined %d, alone %d; passes %s" % (
        u["total"], u["linked"], u["ambiguous"], u["joined"], u["alone"],
        " ".join("%s %d" % kv for kv in r["passes"].items())))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--unika")
    ap.add_argument("--generator", default=default_generator())
    ap.add_argument("--sizes", default="3000,10000,30000")
    ap.add_argument("--seeds", default="11,12")
    ap.add_argument("--phenomena", default="all,none," + ",".join(PHENOMENA))
    ap.add_argument("--work", help="keep the data and outputs here (default: a temporary dir)")
    ap.add_argument("--markdown", action="store_true", help="also print a summary table")
    a = ap.parse_args()
    unika = os.path.abspath(find_unika(a.unika))
    gen = os.path.abspath(a.generator)
    work = a.work or tempfile.mkdtemp(prefix="unika-linkeval-")
    os.makedirs(work, exist_ok=True)
    setup_roles(unika, work)
    results = []
    for ph in a.phenomena.split(","):
        for people in [int(x) for x in a.sizes.split(",")]:
            for seed in [int(x) for x in a.seeds.split(",")]:
                r = evaluate(unika, work, gen, people, seed, ph)
                show(r)
                sys.stdout.flush()
                results.append(r)
    worst_o = max(abs(v) for r in results for v in r["orgs"].values())
    worst_g = max([abs(v) for r in results for v in r["genders"].values()] or [0])
    inside = sum(r["inside"] for r in results)
    print("\nsummary: %d data sets; total %+.1f%%..%+.1f%% (target within 3%%); partners within "
          "%.1f%%, genders (>= 100 people) within %.1f%% (target 5%%); truth inside the "
          "deterministic range %d of %d" % (
              len(results), min(r["total"] for r in results), max(r["total"] for r in results),
              worst_o, worst_g, inside, len(results)))
    if a.markdown:
        print("\n| data | people | seed | total | partners | genders | range | strong splits/merges |")
        print("|---|---:|---:|---:|---|---|---|---|")
        for r in results:
            o = r["orgs"].values()
            g = r["genders"].values()
            print("| %s | %d | %d | %+.1f%% | %+.1f..%+.1f%% | %+.1f..%+.1f%% | %+.1f..%+.1f%% | %d / %d |"
                  % (r["ph"], r["people"], r["seed"], r["total"], min(o), max(o),
                     min(g) if g else 0, max(g) if g else 0, pct(r["low"], r["truth"]),
                     pct(r["high"], r["truth"]), r["strong"][2], r["strong"][3]))
    if not a.work:
        print("(work directory %s)" % work)


if __name__ == "__main__":
    main()
