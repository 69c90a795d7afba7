#!/usr/bin/env bash
# bench_scale.sh - unika merge over many cell files: one call against two
# stages (byte-identical), time and peak memory, at 10^4 and 10^5 files.
#   bash bench/bench_scale.sh [BUILD_DIR] [N...]      (default: build 10000 100000)
# Prints one line per run: files, command, wall s, user+sys CPU s, peak RSS MiB.
# Run under `nice`; state the load (uptime) beside the figures.
set -euo pipefail
build=${1:-build}
shift || true
sizes=("${@:-10000 100000}")
[ $# -gt 0 ] || sizes=(10000 100000)
UNIKA=$(realpath "$build/src/cli/unika")
CELLS=$(realpath "$build/bench/bench_cells")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
echo "load: $(uptime | sed 's/.*load average: //')"
measure() { # LABEL N COMMAND...
    local label=$1 n=$2
    shift 2
    /usr/bin/time -f "%e %U %S %M" -o t.txt "$@" >/dev/null
    read -r wall user sys rss <t.txt
    printf '%7d files  %-28s wall %6.2f s  cpu %6.2f s  peak %6.1f MiB\n' "$n" "$label" \
        "$wall" "$(echo "$user + $sys" | bc)" "$(echo "scale=1; $rss / 1024" | bc)"
}
for n in "${sizes[@]}"; do
    rm -rf cells a b all.uks* half*.uks* staged.uks*
    "$CELLS" "$n" cells >/dev/null
    measure "merge (one call)" "$n" "$UNIKA" merge -o all.uks cells
    mkdir a b
    files=(cells/*.uks)
    printf '%s\0' "${files[@]:0:n/2}" | xargs -0 mv -t a/
    printf '%s\0' "${files[@]:n/2}" | xargs -0 mv -t b/
    measure "merge stage 1 (half)" $((n / 2)) "$UNIKA" merge -o half1.uks a
    measure "merge stage 1 (other half)" $((n - n / 2)) "$UNIKA" merge -o half2.uks b
    measure "merge stage 2 (2 merged)" "$n" "$UNIKA" merge -o staged.uks half1.uks half2.uks
    cmp all.uks staged.uks && cmp all.uks.prov staged.uks.prov &&
        echo "  one call = two stages, byte for byte ($(stat -c %s all.uks) B sketch, $(stat -c %s all.uks.prov) B provenance)"
    "$UNIKA" inspect staged.uks | grep -E "provenance|merkle"
    rm -rf a b
done
