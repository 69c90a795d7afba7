#!/usr/bin/env bash
# governance-demo.sh - the partnership example with its three roles kept apart
# (docs/security.md, "The whole flow, by role").
#
#   partners    hold the partnership key and their own signing keys: they
#               ingest, sign, and seal their sketches to the aggregator;
#   aggregator  holds only its box key: it opens, checks the signatures
#               against the roster, and reports, without the partnership key;
#   auditor     holds nothing secret: `unika verify` recomputes every figure
#               of the report from the signed sketches.
#
# Then one partner's sketch is altered after signing, to show the audit fail.
# Each role works in its own directory under out/governance/ (ignored by git),
# and only public or sealed files cross from one to the next.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/out/governance
build=$root/out/build
examples=$root/examples
step() { printf '\n== %s\n' "$*" >&2; }

step "build (Release) in out/build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DUNIKA_BUILD_TESTS=OFF \
    -DUNIKA_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target unika_cli >/dev/null
unika=$build/src/cli/unika

rm -rf "$out"
mkdir -p "$out"
cd "$out" # paths below are relative, so the logs stay readable
mkdir -p partners aggregator auditor public transfer
partners=(raddabarnen rodakorset stadsmissionen uppsok)

step "setup: the partnership key (partners only), signing keys, the aggregator's box key"
"$unika" keygen -o "partners/partnership.key" >/dev/null
for org in "${partners[@]}"; do
    mkdir -p "partners/$org"
    "$unika" sign-keygen --name "$org" -o "partners/$org/$org" >/dev/null
    cp "partners/$org/$org.pub" "public/"
done
"$unika" box-keygen -o "aggregator/aggregator" >/dev/null
cp "aggregator/aggregator.pub" "public/"
pubs=()
for org in "${partners[@]}"; do pubs+=("public/$org.pub"); done
"$unika" roster make -o public/partnership.roster \
    --key-fingerprint "$("$unika" key fingerprint partners/partnership.key)" \
    --aggregator analyst=public/aggregator.pub "${pubs[@]}" >/dev/null
cat "public/partnership.roster" >&2

step "partners: ingest, sign, seal to the aggregator"
for org in "${partners[@]}"; do
    dir=partners/$org
    "$unika" ingest --key "partners/partnership.key" \
        --profile "$examples/profiles/$org.profile" --org "$org" --by gender \
        "$examples/iop-visits/$org.csv" -o "$dir/cells" 2>"$dir/ingest.log"
    "$unika" sign --key "$dir/$org.sec" "$dir"/cells/*.uks >/dev/null
    "$unika" seal --to "public/aggregator.pub" "$dir"/cells/* -o "transfer" >/dev/null
    printf '%-15s %s sealed files\n' "$org" "$(ls "$dir"/cells | wc -l)" >&2
done

step "aggregator (no partnership key): open, check signatures, report"
"$unika" open --key "aggregator/aggregator.sec" transfer/*.sealed \
    -o "aggregator/cells" >/dev/null
"$unika" roster check "public/partnership.roster" aggregator/cells/*.uks | tail -n 1 >&2
"$unika" report --format json -o "public/report.json" "aggregator/cells"
"$unika" report "aggregator/cells" | sed -n '/^## Whole period/,/^## By half-year/p' | head -n 6

step "auditor (nothing secret): recompute every figure from the signed sketches"
cp -r "aggregator/cells" "auditor/cells"
"$unika" verify --quiet --roster "public/partnership.roster" \
    --report "public/report.json" "auditor/cells"

step "auditor, after one partner's sketch was altered: the audit fails and says why"
victim=$(ls auditor/cells/rodakorset_*.uks | head -n 1)
printf '\001' | dd of="$victim" bs=1 seek=$(( $(stat -c %s "$victim") - 20 )) conv=notrunc 2>/dev/null
if "$unika" verify --quiet --roster "public/partnership.roster" \
    --report "public/report.json" "auditor/cells" | head -n 4; then :; fi
