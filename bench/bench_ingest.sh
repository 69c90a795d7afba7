#!/usr/bin/env bash
# bench_ingest.sh - end-to-end ingest (and matchkeys) throughput and peak
# memory, beside `wc -l` and `sort -u` on the same file in the same run.
#
#   bench/bench_ingest.sh path/to/unika [ROWS] [STREAM.csv]
#
# ROWS defaults to 10,000,000. The stream is make_iop_visits.py --stream ROWS
# --seed 7 (one schema: visit_date,name,birth_date,gender,country,dossier),
# generated into STREAM (default /tmp/unika-stream-ROWS.csv) unless it
# exists. Every command is pinned to one core (taskset, when present) and
# measured with /usr/bin/time: wall and CPU seconds, rows/s, peak RSS.
# The figures are printed, never asserted. Results: docs/benchmarks.md.
set -u
UNIKA=${1:?usage: $0 path/to/unika [ROWS] [STREAM.csv]}
ROWS=${2:-10000000}
STREAM=${3:-/tmp/unika-stream-$ROWS.csv}
SRC=$(cd "$(dirname "$0")/.." && pwd)
GEN=${UNIKA_STREAM_GENERATOR:-$SRC/../shared/data/make_iop_visits.py}
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (GNU time)"; exit 1; }
PIN=""
command -v taskset >/dev/null && PIN="taskset -c 0"

work=$(mktemp -d "${TMPDIR:-/tmp}/unika-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT

if [ ! -s "$STREAM" ]; then
    echo "generating $ROWS rows into $STREAM ..." >&2
    python3 "$GEN" --stream "$ROWS" --seed 7 >"$STREAM" || exit 1
fi
lines=$(($(wc -l <"$STREAM") - 1))
bytes=$(stat -c %s "$STREAM")

cat >"$work/stream.profile" <<'P'
# the throughput stream of make_iop_visits.py --stream
name = stream
delimiter = ,
column.date = visit_date
date_format.date = YYYY-MM-DD
column.name = name
column.birth_date = birth_date
date_format.birth_date = YYYY-MM-DD
column.gender = gender
column.country = country
column.dossier = dossier
P
"$UNIKA" keygen -o "$work/bench.key" >/dev/null || exit 1

# measure LABEL COMMAND...: one line of figures.
measure() {
    local label=$1
    shift
    /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" $PIN "$@" >/dev/null 2>"$work/stderr.txt"
    local rc=$?
    read -r wall user sys rss <"$work/time.txt"
    local cpu
    cpu=$(echo "$user + $sys" | bc -l)
    # GNU time has 10 ms resolution: a faster command is shown as 0.01 s.
    [ "$(echo "$wall < 0.01" | bc -l)" = 1 ] && wall=0.01
    [ "$(echo "$cpu < 0.01" | bc -l)" = 1 ] && cpu=0.01
    printf '%-44s %7.2f %7.2f %11.0f %11.0f %8.1f  %s\n' "$label" "$wall" "$cpu" \
        "$(echo "$lines / $wall" | bc -l)" "$(echo "$lines / $cpu" | bc -l)" \
        "$(echo "$rss / 1024" | bc -l)" "$([ $rc = 0 ] && echo ok || echo "exit $rc")"
}

echo "input: $STREAM: $lines rows, $bytes bytes ($(nproc) cores; pinned: ${PIN:-no})"
printf '%-44s %7s %7s %11s %11s %8s\n' command wall_s cpu_s rows/s_wall rows/s_cpu peak_MiB
measure "wc -l" wc -l "$STREAM"
measure "LC_ALL=C sort -u" env LC_ALL=C sort -u -o /dev/null "$STREAM"
measure "unika ingest (half-year)" "$UNIKA" ingest --key "$work/bench.key" \
    --profile "$work/stream.profile" --org bench "$STREAM" -o "$work/o1"
measure "unika ingest (month x gender x age_group)" "$UNIKA" ingest --key "$work/bench.key" \
    --profile "$work/stream.profile" --org bench --period month --by gender --by age_group \
    "$STREAM" -o "$work/o2"
measure "unika ingest (3 recipes: strict, dob, dossier)" "$UNIKA" ingest --key "$work/bench.key" \
    --profile "$work/stream.profile" --org bench -r strict -r dob -r dossier "$STREAM" -o "$work/o3"
measure "unika matchkeys (half-year)" "$UNIKA" matchkeys --key "$work/bench.key" \
    --profile "$work/stream.profile" --org bench "$STREAM" -o "$work/m1.umk"
measure "unika matchkeys (by gender x age_group)" "$UNIKA" matchkeys --key "$work/bench.key" \
    --profile "$work/stream.profile" --org bench --by gender --by age_group "$STREAM" \
    -o "$work/m2.umk"
# Memory must not grow with the input: the first tenth of the same stream.
head -n $((lines / 10 + 1)) "$STREAM" >"$work/tenth.csv"
lines_full=$lines
lines=$((lines / 10))
measure "unika ingest (half-year), first tenth" "$UNIKA" ingest --key "$work/bench.key" \
    --profile "$work/stream.profile" --org bench "$work/tenth.csv" -o "$work/o4"
lines=$lines_full
echo "sketches written: $(ls "$work/o1" | wc -l) (half-year), $(ls "$work/o2" | wc -l) (month x gender x age_group)"
echo "match-key files: $(stat -c %s "$work/m1.umk") bytes, $(stat -c %s "$work/m2.umk") bytes (by gender x age_group)"
