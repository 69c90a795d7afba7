#!/usr/bin/env bash
# bench_report_scale.sh - the commands that read many cell files, over the
# same signed, labelled cells: `unika merge` (one call), `unika report` (the
# default tables, and `--rows period`) and `unika verify` (the audit of the
# default report), at each size given; then the growth between sizes and
# issue 15's targets (at 10^5 files: < 10 CPU s and < 200 MiB each, growth
# from 10^4 at most x12).
#   [ORGS=60] bash bench/bench_report_scale.sh [BUILD_DIR] [N...]   (default: build 10000 100000)
# Cells come from bench/bench_cells (ORGS organisations x months x 15 cells,
# 20 people each), signed by one partner key that the roster lets sign for
# every organisation (at most 64 per key, so verify runs only for ORGS <= 64).
# Prints one line per run: files, command, wall s, user+sys CPU s, peak RSS
# MiB. Run under `nice` and state the load (printed first and last).
# One-call against two-stage merges: bench/bench_scale.sh.
set -euo pipefail
build=${1:-build}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
ORGS=${ORGS:-60}
UNIKA=${UNIKA:-$(realpath "$build/src/cli/unika")}  # UNIKA=: another build, for before/after
CELLS=$(realpath "$build/bench/bench_cells")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg); $ORGS organisations; $(date -u +%F)"
declare -A cpu mib
labels=()
measure() { # LABEL N COMMAND...
    local label=$1 n=$2
    shift 2
    /usr/bin/time -f "%e %U %S %M" -o t.txt "$@" >/dev/null
    read -r wall user sys rss <t.txt
    cpu[$label,$n]=$(echo "$user + $sys" | bc)
    mib[$label,$n]=$(echo "scale=1; $rss / 1024" | bc)
    [[ " ${labels[*]} " == *" ${label// /_} "* ]] || labels+=("${label// /_}")
    printf '%8d files  %-26s wall %7.2f s  cpu %7.2f s  peak %7.1f MiB\n' "$n" "$label" \
        "$wall" "${cpu[$label,$n]}" "${mib[$label,$n]}"
}
"$UNIKA" sign-keygen --name bench -o bench >/dev/null
"$UNIKA" sign-keygen --name steering -o coord >/dev/null
"$UNIKA" keygen -o release.key >/dev/null
verify=0
if [ "$ORGS" -le 64 ]; then
    verify=1
    "$UNIKA" roster make --key-fingerprint 3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f --sign coord.sec \
        --orgs "bench=$(seq -s, -f 'o%g' 0 $((ORGS - 1)))" -o roster bench.pub >/dev/null
fi
for n in "${sizes[@]}"; do
    rm -rf cells report.json all.uks all.uks.prov
    "$CELLS" "$n" cells 20 "$ORGS" bench.sec >/dev/null
    echo "  input: $(du -sb cells | cut -f1) bytes in $n files (and their .sig)"
    measure "merge (one call)" "$n" "$UNIKA" merge -o all.uks cells
    measure "report (default tables)" "$n" "$UNIKA" report --format json --release-key release.key \
        -o report.json cells
    echo "  report: $(stat -c %s report.json) bytes of JSON, $(grep -c '"kind": "\(union\|intersection\)"' report.json || true) figures"
    measure "report --rows period" "$n" "$UNIKA" report --format json --rows period cells
    [ "$verify" = 1 ] && measure "verify (default report)" "$n" "$UNIKA" verify --roster roster \
        --coordinator coord.pub --report report.json --release-key release.key \
        --without-manifests --quiet cells
done
# Growth between consecutive sizes, and the targets where 10^4 and 10^5 ran.
for ((i = 1; i < ${#sizes[@]}; i++)); do
    a=${sizes[i - 1]} b=${sizes[i]}
    for l in "${labels[@]}"; do
        label=${l//_/ }
        printf 'growth %d -> %d  %-26s cpu x%5.1f  peak x%5.1f\n' "$a" "$b" "$label" \
            "$(echo "scale=2; ${cpu[$label,$b]} / (${cpu[$label,$a]} + 0.005)" | bc)" \
            "$(echo "scale=2; ${mib[$label,$b]} / ${mib[$label,$a]}" | bc)"
    done
done
if [ -n "${cpu[merge (one call),100000]:-}" ]; then
    for l in "${labels[@]}"; do
        label=${l//_/ }
        c=${cpu[$label,100000]} m=${mib[$label,100000]} g="from 10^4 not measured"
        ok=$(echo "$c < 10 && $m < 200" | bc)
        if [ -n "${cpu[$label,10000]:-}" ]; then
            x=$(echo "scale=2; $c / (${cpu[$label,10000]} + 0.005)" | bc)
            g="x$x from 10^4"
            ok=$((ok && $(echo "$x <= 12" | bc)))
        fi
        printf 'target at 10^5: %-26s %6.2f CPU s, %6.1f MiB, growth %s: %s\n' "$label" "$c" "$m" \
            "$g" "$([ "$ok" = 1 ] && echo met || echo MISSED)"
    done
fi
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
