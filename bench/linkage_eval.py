#!/usr/bin/env python3
"""Recipe-level linkage evaluation: how far each recipe's count is from the truth.

For the example data and for further seeds of the generator in ../shared/data,
this runs the real pipeline (unika keygen, unika ingest of the four partners'
CSVs with every recipe in one pass, unika report per recipe) and compares the
reported figures with truth.json: the whole-period total, each partner, each
gender and each half-year. Beside each bias it prints the sketch's own 95%
interval as a relative half-width, so a reader sees which error dominates:
the identity key's or the sketch's.

    bench/linkage_eval.py --unika build/src/cli/unika [--seeds example,1,2,3]
                          [--recipes strict,loose] [--people 3000] [--markdown]

The default recipe (UNIKA_RECIPE_DEFAULT in include/unika/recipe.h) is always
evaluated, and marked as such, whatever --recipes says. With --markdown the
summary is also printed as the per-data-set table of docs/linkage.md section 4.

Standard library only. Prints figures and a closing summary against the
targets of docs/linkage.md (|total bias| <= 3%, |partner or gender bias| <=
5%); asserts nothing, exits 0 unless the pipeline itself fails.
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
ORGS = ["stadsmissionen", "raddabarnen", "rodakorset", "uppsok"]


def default_recipe():
    """The name UNIKA_RECIPE_DEFAULT is defined to: what `unika ingest` uses without -r."""
    with open(os.path.join(REPO, "include", "unika", "recipe.h")) as f:
        for line in f:
            m = re.match(r'#define UNIKA_RECIPE_DEFAULT "([^"]+)"', line)
            if m:
                return m.group(1)
    sys.exit("linkage_eval: no UNIKA_RECIPE_DEFAULT in include/unika/recipe.h")


def find_unika(arg):
    if arg:
        return arg
    if os.environ.get("UNIKA"):
        return os.environ["UNIKA"]
    for cand in sorted(glob.glob(os.path.join(REPO, "build*", "src", "cli", "unika"))):
        if os.access(cand, os.X_OK):
            return cand
    sys.exit("linkage_eval: give --unika PATH (or set UNIKA)")


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"linkage_eval: {' '.join(cmd[:2])} failed ({p.returncode}): {p.stderr.strip()[:400]}")
    return p.stdout


def dataset(label, data_dir, work, people):
    """Directory with the four CSVs and truth.json for `label`."""
    if label == "example":
        return os.path.join(data_dir, "iop-visits")
    out = os.path.join(work, f"seed{label}")
    run([sys.executable, os.path.join(data_dir, "make_iop_visits.py"), "--seed", label,
         "--people", str(people), "--out", out])
    return out


def evaluate(unika, key, ddir, recipes, work, label, precision):
    outs = []
    for org in ORGS:
        out = os.path.join(work, f"{label}_{org}")
        cmd = [unika, "ingest", "--key", key, "--profile",
               os.path.join(REPO, "examples", "profiles", f"{org}.profile"), "--org", org,
               "--by", "gender", "--precision", str(precision), "--force", "-o", out]
        for r in recipes:
            cmd += ["-r", r]
        run(cmd + [os.path.join(ddir, f"{org}.csv")])
        # a partner whose records cannot give a recipe's fields (uppsok has
        # no birth date) writes no sketch for it: leave its directory out
        if glob.glob(os.path.join(out, "*.uks")):
            outs.append(out)
    truth = json.load(open(os.path.join(ddir, "truth.json")))
    result = {}
    for r in recipes:
        rep = json.loads(run([unika, "report", "--recipe", r, "--format", "json",
                              "--min-count", "0"] + outs))
        fig = {f["id"]: f for f in rep["figures"]}
        rows = [("total", "total", truth["unique_total"])]
        rows += [(f"partner {o}", f"by_org/org={o}", truth["unique_by_org"][o]) for o in ORGS]
        rows += [(f"gender {g}", f"by_gender/gender={g}", n)
                 for g, n in sorted(truth["unique_by_gender"].items()) if n]
        rows += [(f"half-year {h}", f"by_half-year/period={h}", n)
                 for h, n in sorted(truth["unique_by_half_year"].items())]
        res = []
        for name, fid, t in rows:
            f = fig.get(fid)
            if f is None:
                res.append((name, None, t, None, None, None))
                continue
            est = f["estimate"]
            half = (f["ci_high"] - f["ci_low"]) / 2
            res.append((name, est, t, 100.0 * (est - t) / t, 100.0 * half / t if t else 0.0,
                        f["ci_low"] <= t <= f["ci_high"]))
        result[r] = res
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--unika")
    ap.add_argument("--seeds", default="example,1,2,3",
                    help="'example' is the shipped data (seed 2017); others are generated")
    ap.add_argument("--recipes", default="strict,loose")
    ap.add_argument("--people", type=int, default=3000)
    ap.add_argument("--data-dir", default=os.path.join(REPO, "..", "shared", "data"))
    ap.add_argument("--quiet", action="store_true", help="summary only")
    ap.add_argument("--precision", type=int, default=12,
                    help="sketch precision for ingest (12, the partner default; 14 counts "
                         "every figure here exactly, so the bias is the recipe's alone)")
    ap.add_argument("--markdown", action="store_true",
                    help="also print the per-data-set table of docs/linkage.md")
    a = ap.parse_args()
    unika = find_unika(a.unika)
    default = default_recipe()
    recipes = a.recipes.split(",")
    if default not in recipes:
        recipes.append(default)
    tag = lambda r: f"{r} (default)" if r == default else r
    table = []  # (data, recipe, total bias, total half-width, partners, genders, half-years)
    summary = {r: {"total": [], "partner": [], "gender": [], "half-year": [], "missing": set()}
               for r in recipes}
    with tempfile.TemporaryDirectory(prefix="unika-linkage-") as work:
        key = os.path.join(work, "partnership.key")
        run([unika, "keygen", "-o", key])
        # The command's own default (no -r) must be the header's: otherwise
        # "(default)" below would name the wrong recipe.
        probe = os.path.join(work, "default-probe")
        run([unika, "ingest", "--key", key, "--profile",
             os.path.join(REPO, "examples", "profiles", "uppsok.profile"), "--org", "uppsok",
             "--period", "all", "-o", probe,
             os.path.join(a.data_dir, "iop-visits", "uppsok.csv")])
        got = {json.loads(run([unika, "inspect", "--json", f]))["labels"]["recipe"]
               for f in glob.glob(os.path.join(probe, "*.uks"))}
        if got != {default}:
            sys.exit(f"linkage_eval: unika ingest without -r made {sorted(got)}, "
                     f"recipe.h says {default}: rebuild {unika}")
        for label in a.seeds.split(","):
            ddir = dataset(label, a.data_dir, work, a.people)
            res = evaluate(unika, key, ddir, recipes, work, label, a.precision)
            for r in recipes:
                rows = [x for x in res[r] if x[1] is not None]
                by = lambda kind: [x[3] for x in rows if x[0].split(" ")[0] == kind]
                tot = [x for x in rows if x[0] == "total"]
                table.append((label, r, tot[0][3] if tot else None, tot[0][4] if tot else None,
                              by("partner"), by("gender"), by("half-year")))
                if not a.quiet:
                    print(f"\n== data {label}, recipe {tag(r)}")
                    print(f"{'figure':28s} {'estimate':>9s} {'truth':>6s} {'bias':>7s} "
                          f"{'sketch 95%':>10s} {'truth in CI':>11s}")
                for name, est, t, bias, half, inside in res[r]:
                    kind = name.split(" ")[0]
                    if est is None:
                        summary[r]["missing"].add(name)
                        if not a.quiet:
                            print(f"{name:28s} {'n/a':>9s} {t:6d}   (no sketch: fields not in the records)")
                        continue
                    summary[r][kind].append(bias)
                    if not a.quiet:
                        print(f"{name:28s} {est:9.0f} {t:6d} {bias:+6.1f}% {half:9.1f}% "
                              f"{'yes' if inside else 'no':>11s}")
    print(f"\nSummary over data sets {a.seeds} (bias = (estimate - truth) / truth)")
    print(f"{'recipe':10s} {'total':>16s} {'partners':>16s} {'genders':>16s} {'half-years':>16s}  targets")
    for r in recipes:
        s = summary[r]
        span = lambda v: f"{min(v):+.1f}..{max(v):+.1f}%" if v else "-"
        ok = (max(map(abs, s["total"])) <= 3 and max(map(abs, s["partner"])) <= 5
              and max(map(abs, s["gender"])) <= 5)
        print(f"{tag(r):10s} {span(s['total']):>16s} {span(s['partner']):>16s} {span(s['gender']):>16s} "
              f"{span(s['half-year']):>16s}  {'met' if ok and not s['missing'] else 'NOT met'}")
        if s["missing"]:
            print(f"{'':10s} no figure for: {', '.join(sorted(s['missing']))} (its records lack"
                  " the recipe's fields, so the totals above leave those people out)")
    if a.markdown:
        span = lambda v: f"{min(v):+.1f}..{max(v):+.1f}%" if v else "-"
        print("\n| data | recipe | total (sketch 95%) | partners | genders | half-years |")
        print("|---|---|---|---|---|---|")
        for label, r, tb, th, parts, gens, halves in table:
            total = f"{tb:+.1f}% (±{th:.1f}%)" if tb is not None else "-"
            name = f"**{r}** (default)" if r == default else r
            print(f"| {label} | {name} | {total} | {span(parts)} | {span(gens)} | {span(halves)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
