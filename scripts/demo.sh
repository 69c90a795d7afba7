#!/usr/bin/env bash
# demo.sh - the partnership example end to end (README, "Main job").
#
# From a fresh clone (after scripts/setup-debian.sh): builds the `unika`
# command (Release), makes one partnership key, lets each of the four
# partners of examples/iop-visits/ ingest its own visit log (the default
# recipe and, in the same pass, `strict`; half-year cells split by gender),
# prints the partnership report of the default recipe (whole period, by
# half-year, by year, by partner, by gender, half-year x partner, overlaps
# between partners), compares the report's figures with the synthetic data's
# truth (examples/iop-visits/truth.json), and shows how much the count
# depends on the identity key (report --compare-recipes against the truth).
#
# Everything goes to out/demo/ (out/ is ignored by git):
#   out/build/                 the build
#   out/demo/partnership.key   the key (0600; partners only, never the analyst)
#   out/demo/sketches/<org>/   each partner's cell sketches
#   out/demo/report.{md,csv,json}   the report in its three formats
#   out/demo/compare.{md,json}      the totals of each recipe side by side
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/out/demo
build=$root/out/build
examples=$root/examples

step() { printf '\n== %s\n' "$*" >&2; }

step "build (Release) in out/build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DUNIKA_BUILD_TESTS=OFF \
    -DUNIKA_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target unika_cli >/dev/null
unika=$build/src/cli/unika
"$unika" --version >&2

rm -rf "$out"
mkdir -p "$out/sketches"

step "the partnership key (held by the partners only)"
"$unika" keygen -o "$out/partnership.key" >/dev/null
printf 'key fingerprint %s\n' "$("$unika" key fingerprint "$out/partnership.key")" >&2

partners=(raddabarnen rodakorset stadsmissionen uppsok)
recipe=$(sed -n 's/^#define UNIKA_RECIPE_DEFAULT "\(.*\)"/\1/p' include/unika/recipe.h)
recipes=(-r "$recipe")
[ "$recipe" = strict ] || recipes+=(-r strict)
step "each partner ingests its own visit log (recipe $recipe, and strict for comparison, in one pass; half-years, by gender)"
for org in "${partners[@]}"; do
    "$unika" ingest --key "$out/partnership.key" --profile "$examples/profiles/$org.profile" \
        --org "$org" --period half-year --by gender "${recipes[@]}" \
        "$examples/iop-visits/$org.csv" -o "$out/sketches/$org" 2>"$out/ingest-$org.log" || {
        cat "$out/ingest-$org.log" >&2
        exit 1
    }
    head -n 1 "$out/ingest-$org.log" >&2
done

step "the analyst's report of recipe $recipe (no key needed)"
"$unika" report --recipe "$recipe" -o "$out/report.json" --format json "$out/sketches"
"$unika" report --recipe "$recipe" -o "$out/report.csv" --format csv "$out/sketches"
"$unika" report --recipe "$recipe" -o "$out/report.md" "$out/sketches"
cat "$out/report.md"

step "the report against the truth of the synthetic data"
python3 - "$out/report.json" "$examples/iop-visits/truth.json" <<'EOF'
import json, sys

report = json.load(open(sys.argv[1]))
truth = json.load(open(sys.argv[2]))
fig = {f["id"]: f for f in report["figures"]}

rows = [("whole period", "total", truth["unique_total"])]
rows += [(f"half-year {k}", f"by_half-year/period={k}", v) for k, v in truth["unique_by_half_year"].items()]
rows += [(f"year {k}", f"by_year/period={k}", v) for k, v in truth["unique_by_year"].items()]
rows += [(f"org {k}", f"by_org/org={k}", v) for k, v in truth["unique_by_org"].items()]
rows += [(f"gender {k}", f"by_gender/gender={k}", v) for k, v in truth["unique_by_gender"].items()]
for pair, v in truth["overlap_pairs"].items():
    a, b = sorted(pair.split("&"))
    rows.append((f"{a} & {b}", f"overlap_org/org={a}&org={b}", v))

print(f"{'figure':<34} {'truth':>6} {'estimate':>9} {'95% interval':>15} {'rel. bias':>9}  truth inside")
inside = 0
for name, fid, t in rows:
    f = fig.get(fid)
    if f is None or f["estimate"] is None:
        print(f"{name:<34} {t:>6} {'(not shown)':>9}")
        continue
    est, lo, hi = f["estimate"], f["ci_low"], f["ci_high"]
    ok = lo <= t <= hi
    inside += ok
    interval = "exact" if f["exact"] else f"{lo:.0f}-{hi:.0f}"
    print(f"{name:<34} {t:>6} {est:>9.0f} {interval:>15} {100 * (est - t) / t:>+8.1f}%  {'yes' if ok else 'no'}")
print(f"\ntruth inside the 95% interval for {inside} of {len(rows)} figures.")

t = fig["total"]
bias = (t["estimate"] - truth["unique_total"]) / truth["unique_total"]
print(f"whole period: truth {truth['unique_total']}, estimate {t['estimate']:.1f}, "
      f"95% interval {t['ci_low']:.1f}-{t['ci_high']:.1f}, relative bias {100 * bias:+.1f}%, "
      f"truth {'inside' if t['ci_low'] <= truth['unique_total'] <= t['ci_high'] else 'OUTSIDE'} the interval.")
if not t["ci_low"] <= truth["unique_total"] <= t["ci_high"]:
    print(f"The interval covers the sketch's error only. The gap is record linkage: recipe "
          f"'{report['recipe']}' splits a person whose name or birth year is written differently "
          f"by different partners (or over time) into several pseudonyms, and so counts them "
          f"more than once (docs/report.md, 'What the interval does not cover').")
EOF

step "how much the count depends on the identity key: each recipe against the truth"
"$unika" report --compare-recipes -o "$out/compare.md" "$out/sketches"
"$unika" report --compare-recipes --format json -o "$out/compare.json" "$out/sketches"
cat "$out/compare.md"
echo
python3 - "$out/compare.json" "$examples/iop-visits/truth.json" <<'EOF'
import json, sys

cmp = json.load(open(sys.argv[1]))
truth = json.load(open(sys.argv[2]))
names = [r["name"] for r in cmp["recipes"]]
want = {"total": truth["unique_total"]}
want.update({f"org={k}": v for k, v in truth["unique_by_org"].items()})
want.update({f"gender={k}": v for k, v in truth["unique_by_gender"].items() if v})
print(f"{'figure':<22} {'truth':>6}" + "".join(f" {n:>8} {'bias':>7} {'in 95%':>6}" for n in names))
for f in cmp["figures"]:
    t = want.get(f["id"])
    if t is None:
        continue
    line = f"{f['id']:<22} {t:>6}"
    for n in names:
        x = f["recipes"].get(n)
        if not x or x["estimate"] is None:
            line += f" {(x or {}).get('shown', '-'):>8} {'':>7} {'':>6}"
            continue
        inside = x["ci_low"] <= t <= x["ci_high"]
        line += f" {x['estimate']:>8.0f} {100 * (x['estimate'] - t) / t:>+6.1f}% {'yes' if inside else 'no':>6}"
    print(line)
print("\nbias = (estimate - truth) / truth; 'in 95%': the truth lies in the sketch's interval.")
EOF
printf '\nReport files: %s/report.{md,csv,json}, %s/compare.{md,json}\n' "${out#$root/}" "${out#$root/}" >&2
