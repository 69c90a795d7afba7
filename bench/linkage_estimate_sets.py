#!/usr/bin/env python3
"""Every set docs/linkage.md 17 reports, run and tabled: the estimator against the truth.

Runs bench/linkage_estimate_eval.py once per set, each in WORK/<set> under keys of its
own, and prints the tables of docs/linkage.md 17 from the results: each set's total per
size, one row per set (totals within 3%, partners and genders within 5%, coverage of
every figure and of the partners, the total's median half-width per size), and one row
per set of its overlaps of two partners (coverage, error over standard error,
half-width).
A set whose results exist is not run again, so an interrupted run resumes; with
--summarise-only nothing runs and every set found in WORK is tabled. A set's directory
may be one an earlier run left (linked into WORK under the set's name): its results are
read as they are.

    bench/linkage_estimate_sets.py --unika build/src/cli/unika --work W [--jobs 2]
        [--only main-generator-all,few] [--summarise-only] [--min-truth 100]

The full list, 1,109 runs since the fourth name list (1,049 with three, 989 with two),
takes about an hour with two at a time on 2 cores (docs/linkage-estimate-bench.md).
Standard library only; asserts nothing; exits 0 unless a run failed.
"""
import argparse
import collections
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import linkage_estimate_eval as ev  # noqa: E402  (its results and their statistics)

EVAL = os.path.join(HERE, "linkage_estimate_eval.py")
NAMES = os.path.join(HERE, "names")
SIZES = ["--sizes", "3000,10000,30000"]
MAIN_SEEDS = ["--seeds", "1000-1019"]
NEW_SEEDS = ["--seeds", "7000-7019"]
STRONGER = "all+typos=0.10+assess=0.5+jan1=0.8+year-only=0.9"
WEAKER = "all+typos=0.02+assess=0.1+jan1=0.2+year-only=0.2"
PHENOMENA = "patronymic,swap,jan1,assess,typos,skew,year-only"


def population(name, label, sizes, seeds):
    """A population size's two sets, every phenomenon: the generator's names, then held out."""
    return [(name + "-" + names, label + ", generator names" if names == "generator"
             else "the same, held-out names",
             ["--names", names, "--phenomena", "all", "--sizes", sizes, "--seeds", seeds])
            for names in ("generator", "heldout")]


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
    ("list-dec7", "a name list written 2026-12-07, seeds 9600–9619",
     ["--names-file", os.path.join(NAMES, "names-dec7.json"), "--phenomena", "all"] + SIZES
     + ["--seeds", "9600-9619", "--age-groups"]),
    ("list-dec7b", "a name list written 2026-12-07 after version 23, seeds 9700–9719",
     ["--names-file", os.path.join(NAMES, "names-dec7b.json"), "--phenomena", "all"] + SIZES
     + ["--seeds", "9700-9719", "--age-groups"]),
    ("list-dec7c", "a name list written 2026-12-07 after version 24, seeds 9800–9819",
     ["--names-file", os.path.join(NAMES, "names-dec7c.json"), "--phenomena", "all"] + SIZES
     + ["--seeds", "9800-9819", "--age-groups"]),
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
] + [set_ for name, label, sizes, seeds in [
    ("small", "1,000 and 1,500 people, seeds 9300–9319", "1000,1500", "9300-9319"),
    ("huge-100000", "100,000 people, seeds 9400–9409", "100000", "9400-9409"),
    ("huge-200000", "200,000 people, seeds 9400–9402", "200000", "9400-9402"),
] for set_ in population(name, label, sizes, seeds)]

def load(work, name):
    """The results of one set: the eval's WORK/<set>/results/*.json."""
    return ev.load_results(os.path.join(work, name))


def share(a, b):
    return "%.1f%%" % (100 * a / b) if b else "-"


def set_row(label, runs, min_truth):
    """One row of the sets' table."""
    def kind(k):
        return [f for r in runs for f in r["figures"] if f[0] == k and f[2] >= min_truth]

    def within(k, bound):
        return sum(abs(ev.pct(f[3], f[2])) <= bound for f in kind(k))
    covered, figures = ev.coverage(runs, min_truth)
    orgs = ev.kind_stats(kind("org"))
    worst = max((ev.pct(f[3], f[2]) for f in kind("total")), key=abs)
    by_size = collections.defaultdict(list)
    for f, r in ((f, r) for r in runs for f in r["figures"] if f[0] == "total"):
        by_size[r["people"]].append(f)
    widths = " / ".join("%.1f" % ev.kind_stats(by_size[p])["hw_med"] for p in sorted(by_size))
    return "| %s | %d | %d (%+.1f%%) | %d of %d | %d of %d | %s | %s | %s |" % (
        label, len(runs), within("total", 3), worst, within("org", 5), orgs["n"],
        within("gender", 5), len(kind("gender")), share(covered, figures),
        share(orgs["cover"], orgs["n"]), widths)


def overlap_row(label, runs, min_truth):
    """One row of the overlaps' table: how many, how many covered, the root mean square of
    their errors over their standard errors (1 when the error is stated right; the upper
    end of the interval is never clipped, so se = (ci_high - estimate) / 1.96) and the
    median half-width per size, in % of the truth."""
    pairs = [(r["people"], f) for r in runs for f in r["figures"]
             if f[0] == "pair" and f[2] >= min_truth]
    if not pairs:
        return None
    z = [(f[3] - f[2]) / ((f[5] - f[3]) / 1.96) for _, f in pairs if f[5] > f[3]]
    covered = sum(f[4] <= f[2] <= f[5] for _, f in pairs)
    by_size = collections.defaultdict(list)
    for people, f in pairs:
        by_size[people].append(100 * (f[5] - f[3]) / f[2])
    widths = " / ".join("%.1f" % statistics.median(by_size[p]) for p in sorted(by_size))
    return "| %s | %d | %s | %.2f | %s |" % (
        label, len(pairs), share(covered, len(pairs)),
        (sum(x * x for x in z) / len(z)) ** 0.5 if z else 0.0, widths)


def total_rows(name, runs):
    """A set's table of the total, one row per phenomena and size."""
    by = collections.defaultdict(list)
    for r in runs:
        by[(r["phenomena"], r["people"])] += [f for f in r["figures"] if f[0] == "total"]
    rows = []
    for (phen, people), figs in sorted(by.items()):
        s = ev.kind_stats(figs)
        bias = [ev.pct(f[3], f[2]) for f in figs]
        spread = statistics.stdev(bias) if len(bias) > 1 else 0.0
        rows.append("| %s | %s | %s | %+.1f%% (%+.1f..%+.1f) | %.2f%% | %.1f%% | %d/%d | %+.1f%% |"
                    % (name, phen, format(people, ","), s["bias_med"], s["bias_lo"],
                       s["bias_hi"], spread, s["hw_med"], s["cover"], s["n"], s["rbias_med"]))
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
    print("\nThe overlaps of two partners (of at least %d people):" % a.min_truth)
    print("| set | overlaps | covered | error / se, root mean square | half-width by size |")
    print("|---|---:|---:|---:|---|")
    for name, label, _ in SETS:
        row = overlap_row(label, load(a.work, name), a.min_truth)
        if row:
            print(row)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
