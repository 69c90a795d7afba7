#!/usr/bin/env bash
# demo.sh - the partnership example end to end, with its three roles kept
# apart (README, "Main job"; docs/security.md, "The whole flow, by role").
#
# From a fresh clone (after scripts/setup-debian.sh): builds the `unika`
# command (Release), then
#   setup       the partners make one partnership key and a signing key each,
#               the aggregator a box key and a release key; the coordinator
#               signs the roster that lists them all, and everyone pins the
#               coordinator's key fingerprint;
#   partners    (the only holders of the partnership key) each ingest their
#               own visit log of examples/iop-visits/ (the default recipe and,
#               in the same pass, `strict`; half-year cells split by gender),
#               signing every sketch (--sign), sign a manifest of their
#               delivery per recipe, and seal sketches, manifests and
#               signatures to the aggregator;
#   aggregator  (box and release keys only, never the partnership key) opens
#               the sealed files, checks every signature against the signed
#               roster, merges, and reports the default recipe (whole period,
#               by half-year, by year, by partner, by gender, half-year x
#               partner, overlaps) as JSON, and renders the markdown and CSV
#               from that JSON;
#               the report is compared with the synthetic data's truth
#               (examples/iop-visits/truth.json), and the recipes with each
#               other (report --compare-recipes against the truth);
#   auditor     (the release key, from the aggregator) recomputes every figure
#               of the report from the signed sketches and checks the
#               partners' manifests and every rendering (markdown, CSV, and the
#               board's HTML, xlsx and Swedish CSV) with `unika verify`, which
#               must pass; then one partner's sketch is altered after signing,
#               and a figure of the markdown edited, and verify must fail and
#               say why.
# Exit status 0 only if every step behaved as expected.
#
# Everything goes to out/demo/ (out/ is ignored by git), one directory per
# role; only public files (keys' public halves, the roster, the report) and
# sealed files cross from partners to the aggregator, and the aggregator
# hands the auditor the signed sketches and the report:
#   out/build/                     the build
#   out/demo/partners/             partnership.key (0600) and <org>/: signing key, cells
#   out/demo/coordinator/          the coordinator's signing key (it signs the roster)
#   out/demo/transfer/             the sealed files, partners -> aggregator
#   out/demo/aggregator/           box key, release key, opened cells, merge, compare.{md,json}
#   out/demo/public/               public keys, coordinator.pin, partnership.roster(.sig),
#                                  report.{md,csv,json}; the board's report.sv.html,
#                                  report.sv.pdf (with Chromium), report.xlsx,
#                                  report.sv.csv + report.sv.stamp.csv
#   out/demo/auditor/              the signed cells and manifests it was given, audit logs
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/out/demo
build=$root/out/build
examples=$root/examples

step() { printf '\n== %s\n' "$*" >&2; }
fail() { printf '\ndemo.sh: FAILED: %s\n' "$*" >&2; exit 1; }

step "build (Release) in out/build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DUNIKA_BUILD_TESTS=OFF \
    -DUNIKA_BUILD_BENCH=OFF >/dev/null
# libunika.so too (about 6 s more): the Python package in bindings/python
# then imports from this checkout with no setting (docs/bindings.md).
cmake --build "$build" -j"$(nproc)" --target unika_cli unika >/dev/null
unika=$build/src/cli/unika
"$unika" --version >&2

rm -rf "$out"
mkdir -p "$out"
cd "$out" # paths below are relative to out/demo, so the logs stay readable
mkdir -p partners coordinator transfer aggregator public auditor
partners=(raddabarnen rodakorset stadsmissionen uppsok)
recipe=$(sed -n 's/^#define UNIKA_RECIPE_DEFAULT "\(.*\)"/\1/p' "$root/include/unika/recipe.h")
recipes=(-r "$recipe")
[ "$recipe" = strict ] || recipes+=(-r strict)

step "setup: the partnership key (partners only), a signing key per partner, the aggregator's box and release keys, the signed roster"
# Derived from a passphrase and the partnership's salt (Argon2id), as
# partners re-create a shared key without sending it; a fixed demo
# passphrase makes every pseudonym, sketch and figure below reproducible.
# A real partnership's passphrase needs >= 80 bits of entropy (docs/keys.md).
printf '%s\n' "demo only: the IOP example partnership, never a real key" >partners/passphrase
chmod 600 partners/passphrase
"$unika" keygen -o partners/partnership.key --passphrase-file partners/passphrase \
    --salt "iop-stockholm-2017" >/dev/null
printf 'partnership key fingerprint %s\n' "$("$unika" key fingerprint partners/partnership.key)" >&2
pubs=()
for org in "${partners[@]}"; do
    mkdir -p "partners/$org"
    "$unika" sign-keygen --name "$org" -o "partners/$org/$org" >/dev/null
    cp "partners/$org/$org.pub" public/
    pubs+=("public/$org.pub")
done
"$unika" box-keygen -o aggregator/aggregator >/dev/null
# The release key keys the report's commitment to its inputs (and any noise):
# the aggregator keeps it and gives it to the auditor, never to the partners.
"$unika" keygen -o aggregator/release.key >/dev/null
cp aggregator/aggregator.pub public/
# The coordinator (the steering group) signs the roster; partners, aggregator
# and auditor pin its key's fingerprint, received once out of band.
"$unika" sign-keygen --name steering -o coordinator/steering >/dev/null
cp coordinator/steering.pub public/coordinator.pub
printf '# the coordinator of the IOP partnership, read aloud at the steering group\n%s\n' \
    "$("$unika" key fingerprint public/coordinator.pub)" >public/coordinator.pin
"$unika" roster make -o public/partnership.roster --sign coordinator/steering.sec \
    --key-fingerprint "$("$unika" key fingerprint partners/partnership.key)" \
    --aggregator analyst=public/aggregator.pub "${pubs[@]}" >/dev/null
grep -v '^#' public/partnership.roster | cut -c1-60 | sed 's/$/.../' >&2
printf 'coordinator fingerprint (pinned by every party): %s\n' "$(grep -v '^#' public/coordinator.pin)" >&2

step "partners: ingest (recipe $recipe, and strict for comparison, in one pass; half-years, by gender), sign (--sign), sign a manifest per recipe, seal to the aggregator"
for org in "${partners[@]}"; do
    dir=partners/$org
    "$unika" ingest --key partners/partnership.key --sign "$dir/$org.sec" \
        --profile "$examples/profiles/$org.profile" --org "$org" --period half-year --by gender \
        "${recipes[@]}" "$examples/iop-visits/$org.csv" -o "$dir/cells" 2>"$dir/ingest.log" || {
        cat "$dir/ingest.log" >&2
        fail "$org could not ingest its visit log"
    }
    head -n 1 "$dir/ingest.log" >&2
    # The complete list of what the partner delivers, signed, one per recipe:
    # the auditor names any file of it left out or replaced by an old version.
    for r in "${recipes[@]}"; do
        [ "$r" = -r ] && continue
        files=("$dir"/cells/*_"${r}"_*.uks)
        [ "${#recipes[@]}" -gt 2 ] || files=("$dir"/cells/*.uks)
        "$unika" manifest --key "$dir/$org.sec" --sequence 1 -o "$dir/cells/${org}_$r.manifest" \
            "${files[@]}" >/dev/null
    done
    "$unika" seal --to public/aggregator.pub "$dir"/cells/* -o transfer >/dev/null
    cells=("$dir"/cells/*.uks)
    sizes=$(for f in "${cells[@]}"; do stat -c %s "transfer/${f##*/}.sealed"; done | sort -u | tr '\n' ' ')
    printf '  %s: %s signed sketches sealed; sealed sketch sizes: %s(one size, whatever the count)\n' \
        "$org" "${#cells[@]}" "$sizes" >&2
done

step "aggregator (box and release keys, no partnership key): open, check every signature, merge, report"
"$unika" open --key aggregator/aggregator.sec transfer/*.sealed -o aggregator/cells >/dev/null
pin=public/coordinator.pin
"$unika" roster check --coordinator $pin public/partnership.roster aggregator/cells/*.uks \
    aggregator/cells/*.manifest >aggregator/roster-check.log ||
    { cat aggregator/roster-check.log >&2; fail "a partner's signature did not verify"; }
printf '  %s\n' "$(tail -n 1 aggregator/roster-check.log)" >&2
# The report covers one recipe: its cells (and their signatures) are the report's inputs.
mkdir -p aggregator/report-cells
pattern="*_${recipe}_*.uks"
[ "${#recipes[@]}" -gt 2 ] || pattern="*.uks"
for f in aggregator/cells/$pattern aggregator/cells/*_"$recipe".manifest; do
    cp "$f" "$f.sig" aggregator/report-cells/
done
"$unika" merge --roster public/partnership.roster --coordinator $pin -o aggregator/all-partners.uks \
    aggregator/report-cells | sed -n '1,2s/^/  /p' >&2
# The JSON is the one audited document; markdown and CSV are rendered from it.
"$unika" report --recipe "$recipe" --release-key aggregator/release.key \
    --roster public/partnership.roster --coordinator $pin \
    -o public/report.json --format json aggregator/report-cells
"$unika" report --from public/report.json --format csv -o public/report.csv
"$unika" report --from public/report.json --format markdown -o public/report.md
cat public/report.md

step "the board's files, rendered from the report's JSON (Swedish; display names from examples/iop.partnership)"
# Rendered from public/report.json, the file the auditor checks below, never
# from the sketches: what the board reads is what was audited.
board=(--from public/report.json --partnership "$examples/iop.partnership" --lang sv)
"$unika" report "${board[@]}" --format html -o public/report.sv.html
"$unika" report "${board[@]}" --format csv-sv -o public/report.sv.csv
if "$unika" report "${board[@]}" --format xlsx -o public/report.xlsx 2>aggregator/xlsx.log; then
    printf '  public/report.xlsx (%s bytes)\n' "$(stat -c %s public/report.xlsx)" >&2
else
    printf '  no workbook: %s\n' "$(cat aggregator/xlsx.log)" >&2
fi
printf '  public/report.sv.html (%s bytes), public/report.sv.csv with public/report.sv.stamp.csv\n' \
    "$(stat -c %s public/report.sv.html)" >&2
if command -v chromium >/dev/null; then
    # The flags that keep a headless Chromium off the network (c.md).
    chrome=(chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
            --disable-background-networking --disable-component-update --disable-sync
            --user-data-dir="$out/aggregator/chromium")
    if timeout 120 "${chrome[@]}" --no-pdf-header-footer --print-to-pdf="$out/public/report.sv.pdf" \
        "file://$out/public/report.sv.html" >aggregator/chromium.log 2>&1 &&
        timeout 120 "${chrome[@]}" --hide-scrollbars --window-size=800,1250 \
            --screenshot="$out/public/report.sv.png" "file://$out/public/report.sv.html" \
            >>aggregator/chromium.log 2>&1; then
        printf '  public/report.sv.pdf (%s bytes), public/report.sv.png (the README image)\n' \
            "$(stat -c %s public/report.sv.pdf)" >&2
    else
        printf '  no PDF: chromium failed (aggregator/chromium.log)\n' >&2
    fi
else
    printf '  no PDF: chromium is not installed (scripts/setup-debian.sh installs it)\n' >&2
fi

step "the report against the truth of the synthetic data"
python3 - public/report.json "$examples/iop-visits/truth.json" <<'EOF'
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
    if bias > 0:
        why = ("splits a person whose name or birth year is written differently by different "
               "partners (or over time) into several pseudonyms, and so counts them more than once")
    else:
        why = ("gives different people who share its key (name key, birth year, gender) one "
               "pseudonym, and so counts them once, more than it splits spelling variants")
    print(f"The interval covers the sketch's error only. The gap is record linkage: recipe "
          f"'{report['recipe']}' {why} (docs/report.md, 'What the interval does not cover'; "
          f"docs/linkage.md).")
EOF

step "how much the count depends on the identity key: each recipe against the truth"
"$unika" report --compare-recipes -o aggregator/compare.md aggregator/cells
"$unika" report --compare-recipes --format json -o aggregator/compare.json aggregator/cells
cat aggregator/compare.md
echo
python3 - aggregator/compare.json "$examples/iop-visits/truth.json" <<'EOF'
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

step "auditor (the release key, from the aggregator): recompute every figure from the signed sketches, check the manifests and every rendering (markdown, CSV, the board's files)"
mkdir -p auditor/cells
cp aggregator/report-cells/* auditor/cells/
cp aggregator/release.key auditor/
cp public/report.json public/report.md public/report.csv public/partnership.roster \
    public/partnership.roster.sig public/coordinator.pin auditor/
board_files=(public/report.sv.html public/report.sv.csv public/report.sv.stamp.csv)
[ -e public/report.xlsx ] && board_files+=(public/report.xlsx)
cp "${board_files[@]}" "$examples/iop.partnership" auditor/
renderings=(--rendering auditor/report.md --rendering auditor/report.csv)
for f in "${board_files[@]}"; do # the Swedish CSV is checked as a pair: name one of the two
    [ "${f##*/}" = report.sv.stamp.csv ] || renderings+=(--rendering "auditor/${f##*/}")
done
audit() {
    "$unika" verify --roster auditor/partnership.roster --coordinator auditor/coordinator.pin \
        --release-key auditor/release.key --report auditor/report.json "$@"
}
if audit --partnership auditor/iop.partnership "${renderings[@]}" auditor/cells \
    >auditor/audit.log; then
    grep '^ok    rendering' auditor/audit.log
    tail -n 1 auditor/audit.log
else
    grep -m 5 '^FAIL' auditor/audit.log >&2 || true
    tail -n 1 auditor/audit.log >&2
    fail "the audit of an untouched report and its renderings failed"
fi

step "auditor, after one partner's sketch was altered (one byte) after signing: the audit must fail"
mkdir -p auditor/tampered
cp auditor/cells/* auditor/tampered/
victims=(auditor/tampered/rodakorset_*.uks)
victim=${victims[0]}
size=$(stat -c %s "$victim")
printf '\001' | dd of="$victim" bs=1 seek=$((size - 20)) conv=notrunc 2>/dev/null
if audit auditor/tampered >auditor/audit-tampered.log; then
    fail "verify accepted a sketch altered after signing"
fi
grep -m 3 '^FAIL' auditor/audit-tampered.log
tail -n 1 auditor/audit-tampered.log

step "auditor, after the whole-period total of the board's markdown was edited: the audit must fail"
total=$(sed -n 's/^| total | \([0-9]*\) | .*/\1/p' auditor/report.md)
sed "s/^| total | $total | /| total | $((total + 50)) | /" auditor/report.md >auditor/report-edited.md
if audit --rendering auditor/report-edited.md auditor/cells >auditor/audit-edited.log; then
    fail "verify accepted an edited markdown rendering"
fi
grep -m 1 '^FAIL' auditor/audit-edited.log
tail -n 1 auditor/audit-edited.log

# The linkage path: match keys, the keyless linker, the corrected report, its audit.
bash "$root/scripts/demo-linkage.sh" "$unika" "$examples"

printf '\nThe partnership key never left partners/: the aggregator opened, checked, merged and\n' >&2
printf 'reported with its box and release keys and the signed roster; the auditor reproduced\n' >&2
printf 'every figure, every partner delivery and every rendering.\n' >&2
printf 'Report files: out/demo/public/report.{md,csv,json}; for the board: report.sv.{html,pdf,csv},\n' >&2
printf 'report.xlsx; the linkage path: out/demo/linkage/public/report.{md,json}; audit logs:\n' >&2
printf 'out/demo/auditor/\n' >&2
printf 'demo.sh: all steps behaved as expected\n' >&2
