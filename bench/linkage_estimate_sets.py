#!/usr/bin/env python3
"""Every set docs/linkage.md 17 reports, run and tabled: the estimator against the truth.

Runs bench/linkage_estimate_eval.py once per set, each in WORK/<set> under keys of its
own, and prints the tables of docs/linkage.md 17 from the results: each set's total per
size, and one row per set (totals within 3%, partners and genders within 5%,
coverage of every figure and of the partners, the total's median half-width per size).
A set whose results exist is not run again, so an interrupted run resumes; with
--summarise-only nothing runs and every set found in WORK is tabled. A set's directory
may be one an earlier run left (linked into WORK under the set's name): its results are
read as they are.

    bench/linkage_estimate_sets.py --unika build/src/cli/unika --work W [--jobs 2]
        [--only main-generator-all,few] [--summarise-only] [--min-truth 100]

The full list, 883 runs, took 38 minutes with two at a time on 2 cores
(docs/linkage-estimate-bench.md). Standard library only; asserts nothing; exits 0
unless a run failed.
"""
import argparse
import collections
import glob
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EVAL = os.path.join(HERE, "linkage_estimate_eval.py")
NAMES = os.path.join(HERE, "names")
SIZES = ["--sizes", "3000,10000,30000"]
MAIN_SEEDS = ["--seeds", "1000-1019"]
NEW_SEEDS = ["--seeds", "7000-7019"]
STRONGER = "all+typos=0.10+assess=0.5+jan1=0.8+year-only=0.9"
WEAKER = "all+typos=0.02+assess=0.1+jan1=0.2+year-only=0.2"
PHENOMENA = "patronymic,swap,jan1,assess,typos,skew,year-only"

# (name, label, the eval's arguments): the order of docs/linkage.md 17's table.
SETS = [
    ("main-generator-all", "generator names, every phenomenon",
     ["--names", "generator", "--phenomena", "all"] + SIZES + MAIN_SEEDS + ["--age-groups"]),
    ("main-heldout-all", "held-out names, every phenomenon",
     ["--names", "heldout", "--phenomena", "all"] + SIZES + MAIN_SEEDS + ["--age-groups"]),
    ("main-generator-none", "generator names, no phenomenon",
     ["--names", "generator", "--phenomena", "none"] + SIZES + MAIN_SEEDS + ["--age-groups"]),
    ("seeds7000-generator", "seeds 7000–7019, new keys, generator names",
     ["--names", "generator", "--phenomena", "all"] + SIZES + NEW_SEEDS + ["--age-groups"]),
    ("seeds7000-heldout", "the same, held-out names",
     ["--names", "heldout", "--phenomena", "all"] + SIZES + NEW_SEEDS + ["--age-groups"]),
    ("list-dec5", "a name list written 2026-12-05, seeds 7000–7019",
     ["--names-file", os.path.join(NAMES, "names-dec5.json"), "--phenomena", "all"] + SIZES
     + NEW_SEEDS),
    ("list-dec6", "a name list written 2026-12-06, seeds 9100–9119",
     ["--names-file", os.path.join(NAMES, "names-dec6.json"), "--phenomena", "all"] + SIZES
     + ["--seeds", "9100-9119", "--age-groups"]),
    ("few", "few made-up names",
     ["--names", "few", "--phenomena", "all"] + SIZES + MAIN_SEEDS + ["--age-groups"]),
    ("many", "many made-up names",
     ["--names", "many", "--phenomena", "all"] + SIZES + MAIN_SEEDS + ["--age-groups"]),
    ("alone", "each phenomenon alone (seeds 1000–1002)",
     ["--names", "generator", "--phenomena", PHENOMENA] + SIZES + ["--seeds", "1000-1002"]),
    ("large-5000-generator", "seeds 5000–5004, 30,000 and 60,000 people, generator names",
     ["--names", "generator", "--phenomena", "all", "--sizes", "30000,60000",
      "--seeds", "5000-5004", "--age-groups"]),
    ("large-5000-heldout", "the same, held-out names",
     ["--names", "heldout", "--phenomena", "all", "--sizes", "30000,60000",
      "--seeds", "5000-5004", "--age-groups"]),
    ("large-3000-generator", "seeds 3000–3004, the same, generator names",
     ["--names", "generator", "--phenomena", "all", "--sizes", "30000,60000",
      "--seeds", "3000-3004"]),
    ("large-3000-heldout", "the same, held-out names",
     ["--names", "heldout", "--phenomena", "all", "--sizes", "30000,60000",
      "--seeds", "3000-3004"]),
    ("strengths-generator", "phenomena at twice and at half their strength, generator names",
     ["--names", "generator", "--phenomena", STRONGER + "," + WEAKER] + SIZES + NEW_SEEDS),
    ("strengths-heldout", "the same, held-out names",
     ["--names", "heldout", "--phenomena", STRONGER + "," + WEAKER] + SIZES + NEW_SEEDS),
]

def load(work, name):
    """The results of one set: the eval's WORK/<set>/results/*.json, in file order."""
    out = []
    for path in sorted(glob.glob(os.path.join(work, name, "results", "*.json"))):
        with open(path, encoding="utf-8") as f:
            out.append(json.load(f))
    return out


def error(fig):
    """A figure row's error and half-width in % of its truth, and whether it is covered."""
    truth, est, lo, hi = fig[2:6]
    return 100 * (est - truth) / truth, 100 * (hi - lo) / 2 / truth, lo <= truth <= hi


def pct(a, b):
    return "%.1f%%" % (100 * a / b) if b else "-"


def set_row(label, runs, min_truth):
    """One row of the sets' table."""
    n = collections.Counter()
    worst, half = 0.0, collections.defaultdict(list)
    for r in runs:
        for fig in r["figures"]:
            if fig[2] < min_truth:
                continue
            e, hw, inside = error(fig)
            n["figures"] += 1
            n["covered"] += inside
            if fig[0] == "total":
                n["total3"] += abs(e) <= 3
                half[r["people"]].append(hw)
                worst = e if abs(e) > abs(worst) else worst
            elif fig[0] in ("org", "gender"):
                n[fig[0]] += 1
                n[fig[0] + "5"] += abs(e) <= 5
                n[fig[0] + "covered"] += inside
    widths = " / ".join("%.1f" % statistics.median(half[p]) for p in sorted(half))
    return "| %s | %d | %d (%+.1f%%) | %d of %d | %d of %d | %s | %s | %s |" % (
        label, len(runs), n["total3"], worst, n["org5"], n["org"], n["gender5"], n["gender"],
        pct(n["covered"], n["figures"]), pct(n["orgcovered"], n["org"]), widths)


def total_rows(name, runs):
    """A set's table of the total, one row per phenomena and size."""
    by = collections.defaultdict(list)
    for r in runs:
        for fig in r["figures"]:
            if fig[0] == "total":
                resolved = 100 * (fig[6] - fig[2]) / fig[2]
                by[(r["phenomena"], r["people"])].append(error(fig) + (resolved,))
    rows = []
    for (phen, people), x in sorted(by.items()):
        e = [a[0] for a in x]
        spread = statistics.stdev(e) if len(e) > 1 else 0.0
        cells = (name, phen, format(people, ","), statistics.median(e), min(e), max(e), spread,
                 statistics.median(a[1] for a in x), sum(a[2] for a in x), len(x),
                 statistics.median(a[3] for a in x))
        rows.append("| %s | %s | %s | %+.1f%% (%+.1f..%+.1f) | %.2f%% | %.1f%% | %d/%d | %+.1f%% |"
                    % cells)
    return rows


def run_set(args, name, eval_args):
    """Runs one set through the eval (which skips the runs whose results exist)."""
    cmd = [sys.executable, EVAL, "--unika", args.unika, "--jobs", str(args.jobs),
           "--work", os.path.join(args.work, name)] + eval_args
    with open(os.path.join(args.work, name + ".log"), "a", encoding="utf-8") as log:
        return subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT).returncode


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--unika", help="the command to measure (required unless --summarise-only)")
    ap.add_argument("--work", required=True, help="one directory per set below it")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", help="the sets to run, by name, comma-separated")
    ap.add_argument("--summarise-only", action="store_true")
    ap.add_argument("--min-truth", type=int, default=100)
    a = ap.parse_args()
    names = [s[0] for s in SETS]
    chosen = a.only.split(",") if a.only else names
    unknown = [c for c in chosen if c not in names]
    if unknown:
        ap.error("--only: no set %s (the sets: %s)" % (", ".join(unknown), ", ".join(names)))
    if not a.summarise_only and not a.unika:
        ap.error("--unika is required to run the sets")
    failed = 0
    if not a.summarise_only:
        os.makedirs(a.work, exist_ok=True)
        for name, _, eval_args in SETS:
            if name in chosen:
                failed += run_set(a, name, eval_args) != 0
    print("The total, per set, phenomena and size (bias median and range, its spread over "
          "the seeds, half-width, coverage, the deterministic count's bias):")
    print("| set | phenomena | people | bias | spread | half-width | coverage | deterministic |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for name, _, _ in SETS:
        for row in total_rows(name, load(a.work, name)):
            print(row)
    print("\nEvery set (figures of at least %d people):" % a.min_truth)
    print("| set | runs | totals within 3% | partners within 5% | genders within 5% "
          "| every figure | partners covered | total's half-width |")
    print("|---|---:|---|---|---|---:|---:|---|")
    for name, label, _ in SETS:
        runs = load(a.work, name)
        if runs:
            print(set_row(label, runs, a.min_truth))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
