#!/usr/bin/env bash
# bench_report_scale.sh - `unika report` and `unika verify` over many cell
# files: time and peak memory of the default tables, of `--rows period`, and
# of verify (the audit of the default report), at each size given.
#   [ORGS=60] bash bench/bench_report_scale.sh [BUILD_DIR] [N...]   (default: build 1000 10000)
# Cells come from bench/bench_cells (ORGS organisations x months x 15 cells,
# 20 people each), signed by one partner key that the roster lets sign for
# every organisation (at most 64 per key, so verify runs only for ORGS <= 64).
# Prints one line per run: files, command, wall s, user+sys CPU s, peak RSS
# MiB. Run under `nice` and state the load (printed first and last).
set -euo pipefail
build=${1:-build}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
ORGS=${ORGS:-60}
UNIKA=${UNIKA:-$(realpath "$build/src/cli/unika")}  # UNIKA=: another build, for before/after
CELLS=$(realpath "$build/bench/bench_cells")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg); $ORGS organisations"
measure() { # LABEL N COMMAND...
    local label=$1 n=$2
    shift 2
    /usr/bin/time -f "%e %U %S %M" -o t.txt "$@" >/dev/null
    read -r wall user sys rss <t.txt
    printf '%7d files  %-26s wall %7.2f s  cpu %7.2f s  peak %7.1f MiB\n' "$n" "$label" \
        "$wall" "$(echo "$user + $sys" | bc)" "$(echo "scale=1; $rss / 1024" | bc)"
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
    rm -rf cells report.json
    "$CELLS" "$n" cells 20 "$ORGS" bench.sec >/dev/null
    echo "  input: $(du -sb cells | cut -f1) bytes in $n files (and their .sig)"
    measure "report (default tables)" "$n" "$UNIKA" report --format json --release-key release.key \
        -o report.json cells
    measure "report --rows period" "$n" "$UNIKA" report --format json --rows period cells
    [ "$verify" = 1 ] && measure "verify (default report)" "$n" "$UNIKA" verify --roster roster \
        --coordinator coord.pub --report report.json --release-key release.key \
        --without-manifests --quiet cells
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
