#!/usr/bin/env bash
# bench_link_rounds.sh - two builds of unika through bench_link.sh in
# interleaved rounds, so that the shared machine's drift (a fifth to a third
# in a day, docs/benchmarks.md) falls on both alike.
#
#   bench/bench_link_rounds.sh BEFORE AFTER [ROUNDS] [bench_link.sh ARGS...]
#   bench/bench_link_rounds.sh old/unika new/unika 3 --realistic
#   bench/bench_link_rounds.sh old/unika new/unika 2 1000000
#
# Each round runs BEFORE, then AFTER (ROUNDS defaults to 3). Printed per
# build: the range over the rounds of every step's CPU seconds, of the
# resolution's CPU seconds per 10^6 records and of the end to end records
# per CPU second, then the load average. Asserts nothing.
set -u
BEFORE=${1:?usage: $0 BEFORE AFTER [ROUNDS] [bench_link.sh args...]}
AFTER=${2:?usage: $0 BEFORE AFTER [ROUNDS] [bench_link.sh args...]}
ROUNDS=${3:-3}
shift $(($# < 3 ? $# : 3))
HERE=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d) # under $TMPDIR, else /tmp
trap 'rm -rf "$out"' EXIT

for ((r = 1; r <= ROUNDS; r++)); do
    for side in before after; do
        bin=$BEFORE
        [ "$side" = after ] && bin=$AFTER
        bash "$HERE/bench_link.sh" "$bin" "$@" >"$out/$side.$r" 2>&1 || {
            echo "bench_link.sh failed ($side, round $r):"
            cat "$out/$side.$r"
            exit 1
        }
    done
done

# range LABEL AWK-PROGRAM: min-max over the rounds, per side, of the value
# the program prints from one round's output.
range() {
    local label=$1 prog=$2
    printf '%-40s' "$label"
    for side in before after; do
        local v
        v=$(for f in "$out/$side".*; do awk "$prog" "$f"; done | sort -g | sed -n '1p;$p' | paste -sd' ')
        printf ' %-24s' "$side $(echo "$v" | awk '{print ($1 == $2 || $2 == "") ? $1 : $1 "-" $2}')"
    done
    echo
}

echo "bench_link_rounds: $ROUNDS interleaved rounds of bench_link.sh $*"
echo "  before: $BEFORE"
echo "  after:  $AFTER"
for step in $(awk '/^unika /{sub(/ +[0-9.]+ +[0-9.]+ +[0-9]+ +[0-9.]+$/, ""); gsub(/ /, "_"); print}' "$out/before.1"); do
    label=${step//_/ }
    range "$label, CPU s" "\$0 ~ /^$label +[0-9]/ {print \$(NF-2)}"
done
range "resolution, CPU s per 10^6 records" '/^resolution:/ {print $2}'
range "end to end, records per CPU second" '/^end to end/ {print $7}'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
