#!/usr/bin/env bash
# demo-linkage.sh - the linkage path of the main job (README; docs/linkage.md):
# run by scripts/demo.sh after the sketch path, in out/demo/, with the keys
# and signed roster that made. The roles stay apart:
#   coordinator  signs a newer roster (serial 2) that adds the linker;
#   partners     (the only holders of the partnership key) write their match-key
#                files (`matchkeys --sign`), seal them to the linker;
#   linker       (its seed, signing and box keys; never the partnership key)
#                opens them, resolves records into persons (`link`): signed
#                cells, manifest and the estimates of counts under linkage
#                error;
#   aggregator   reports over the linker's cells, corrected (`report
#                --estimates`), compared with the truth;
#   auditor      re-runs the resolution (`verify-link`, with the seed the
#                linker discloses to it) and re-derives every corrected figure
#                (`verify --link-manifest --estimates`); an edited corrected
#                figure must fail.
# Usage: scripts/demo-linkage.sh UNIKA EXAMPLES (from out/demo). Exit 0 only if
# every step behaved as expected.
set -euo pipefail
unika=$1
examples=$2
partners=(raddabarnen rodakorset stadsmissionen uppsok)
step() { printf '\n== %s\n' "$*" >&2; }
fail() { printf '\ndemo-linkage.sh: FAILED: %s\n' "$*" >&2; exit 1; }
mkdir -p linker linkage/transfer linkage/public auditor/linkage

step "linkage setup: the linker's seed and keys; the coordinator signs roster serial 2 with the linker"
"$unika" link-keygen -o linker/linker.seed >/dev/null
"$unika" sign-keygen --name linker -o linker/linker >/dev/null
"$unika" box-keygen -o linker/box >/dev/null
cp linker/linker.pub linker/box.pub linkage/public/
pubs=()
for org in "${partners[@]}"; do pubs+=("public/$org.pub"); done
"$unika" roster make -o linkage/public/partnership.roster --sign coordinator/steering.sec \
    --serial 2 --key-fingerprint "$("$unika" key fingerprint partners/partnership.key)" \
    --linker linkage/public/linker.pub --aggregator analyst=public/aggregator.pub \
    "${pubs[@]}" >/dev/null
roster=linkage/public/partnership.roster
pin=public/coordinator.pin
grep '^linker:' "$roster" | cut -c1-60 | sed 's/^/  /; s/$/.../' >&2

step "partners: match-key files (every identifier they hold, keyed), signed, sealed to the linker"
for org in "${partners[@]}"; do
    dir=partners/$org
    "$unika" matchkeys --key partners/partnership.key --sign "$dir/$org.sec" \
        --profile "$examples/profiles/$org.profile" --org "$org" --by gender \
        "$examples/iop-visits/$org.csv" -o "$dir/$org.umk" 2>"$dir/matchkeys.log" || {
        cat "$dir/matchkeys.log" >&2
        fail "$org could not write its match-key file"
    }
    "$unika" seal --to linkage/public/box.pub "$dir/$org.umk" "$dir/$org.umk.sig" \
        -o linkage/transfer >/dev/null
    printf '  %s: %s\n' "$org" "$(grep -m1 'wrote' "$dir/matchkeys.log" | sed 's/^unika matchkeys: //')" >&2
done

step "linker (no partnership key): open, resolve into persons, sign cells, manifest and estimates"
"$unika" open --key linker/box.sec linkage/transfer/*.sealed -o linker/in >/dev/null
"$unika" link --roster "$roster" --coordinator "$pin" --seed linker/linker.seed \
    --sign linker/linker.sec --by gender linker/in/*.umk -o linker/out 2>linker/link.log ||
    { cat linker/link.log >&2; fail "the linker refused its inputs"; }
sed 's/^/  /' linker/link.log >&2

step "aggregator: the report over the linker's cells, corrected for linkage error"
"$unika" report --release-key aggregator/release.key --estimates linker/out/estimates.json \
    --format json -o linkage/public/report.json linker/out
"$unika" report --from linkage/public/report.json -o linkage/public/report.md
python3 - linkage/public/report.json "$examples/iop-visits/truth.json" <<'PY'
import json, sys
report, truth = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
fig = {f["id"]: f for f in report["figures"]}
rows = [("whole period", "total", truth["unique_total"])]
rows += [(f"org {k}", f"by_org/org={k}", v) for k, v in truth["unique_by_org"].items()]
rows += [(f"gender {k}", f"by_gender/gender={k}", v) for k, v in truth["unique_by_gender"].items()]
rows += [(f"year {k}", f"by_year/period={k}", v) for k, v in truth["unique_by_year"].items()]
print(f"{'figure':<26} {'truth':>6} {'deterministic':>13} {'corrected':>10} {'95% interval':>13}  inside")
inside = 0
for name, fid, t in rows:
    f = fig[fid]
    if f["estimate"] is None:
        print(f"{name:<26} {t:>6} {'(withheld)':>13}")
        continue
    ok = f["ci_low"] <= t <= f["ci_high"]
    inside += ok
    print(f"{name:<26} {t:>6} {f['deterministic']:>7.0f} {100 * (f['deterministic'] / t - 1):+5.1f}%"
          f" {f['estimate']:>6.0f} {100 * (f['estimate'] / t - 1):+5.1f}%"
          f" {f['ci_low']:>6.0f}-{f['ci_high']:<6.0f}  {'yes' if ok else 'no'}")
print(f"truth inside the corrected 95% interval for {inside} of {len(rows)} figures "
      "(docs/linkage.md 17: 96.4% of the figures of 180 generator runs)")
t = fig["total"]
if not t["ci_low"] <= truth["unique_total"] <= t["ci_high"]:
    sys.exit("the corrected total's interval misses the truth")
PY

step "auditor (the linker's seed, the release key): re-run the resolution, re-derive every corrected figure"
cp -r linker/out auditor/linkage/cells
cp linker/in/*.umk linker/in/*.umk.sig "$roster" "$roster.sig" linkage/public/report.json auditor/linkage/
"$unika" verify-link --roster auditor/linkage/partnership.roster --coordinator "$pin" \
    --seed linker/linker.seed auditor/linkage/cells auditor/linkage/*.umk >auditor/linkage/verify-link.log ||
    { grep FAIL auditor/linkage/verify-link.log >&2; fail "the resolution did not reproduce"; }
tail -n 1 auditor/linkage/verify-link.log | sed 's/^/  /' >&2
vl() {
    "$unika" verify --roster auditor/linkage/partnership.roster --coordinator "$pin" \
        --release-key aggregator/release.key --link-manifest auditor/linkage/cells/manifest.json \
        --estimates auditor/linkage/cells/estimates.json "$@" auditor/linkage/cells
}
vl --report auditor/linkage/report.json >auditor/linkage/verify.log ||
    { grep FAIL auditor/linkage/verify.log >&2; fail "the corrected report did not verify"; }
tail -n 1 auditor/linkage/verify.log | sed 's/^/  /' >&2

step "auditor, after the corrected total was edited: the audit must fail"
python3 - auditor/linkage/report.json auditor/linkage/report-edited.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
t = [f for f in r["figures"] if f["id"] == "total"][0]
for k in ("estimate", "ci_low", "ci_high"):
    t[k] += 100
json.dump(r, open(sys.argv[2], "w"), indent=2)
PY
if vl --report auditor/linkage/report-edited.json >auditor/linkage/verify-edited.log; then
    fail "verify accepted an edited corrected figure"
fi
grep -m 1 '^FAIL' auditor/linkage/verify-edited.log | sed 's/^/  /' >&2
tail -n 1 auditor/linkage/verify-edited.log | sed 's/^/  /' >&2
printf 'demo-linkage.sh: all steps behaved as expected\n' >&2
