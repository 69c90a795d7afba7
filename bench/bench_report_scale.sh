#!/usr/bin/env bash
# bench_report_scale.sh - `unika report` over many cell files: time and peak
# memory of the default tables and of `--rows period`, at each size given.
#   bash bench/bench_report_scale.sh [BUILD_DIR] [N...]   (default: build 1000 10000)
# Cells come from bench/bench_cells (290 organisations x months x 15 cells,
# 20 people each). Prints one line per run: files, command, wall s,
# user+sys CPU s, peak RSS MiB, and the input's size. Run under `nice` and
# state the load (printed first).
set -euo pipefail
build=${1:-build}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
UNIKA=$(realpath "$build/src/cli/unika")
CELLS=$(realpath "$build/bench/bench_cells")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
measure() { # LABEL N COMMAND...
    local label=$1 n=$2
    shift 2
    /usr/bin/time -f "%e %U %S %M" -o t.txt "$@" >/dev/null
    read -r wall user sys rss <t.txt
    printf '%7d files  %-26s wall %7.2f s  cpu %7.2f s  peak %7.1f MiB\n' "$n" "$label" \
        "$wall" "$(echo "$user + $sys" | bc)" "$(echo "scale=1; $rss / 1024" | bc)"
}
for n in "${sizes[@]}"; do
    rm -rf cells
    "$CELLS" "$n" cells >/dev/null
    echo "  input: $(du -sb cells | cut -f1) bytes in $n files"
    measure "report (default tables)" "$n" "$UNIKA" report --format json cells
    measure "report --rows period" "$n" "$UNIKA" report --format json --rows period cells
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
