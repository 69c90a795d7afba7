#!/usr/bin/env bash
# bench_link.sh - the linkage path end to end: match keys per record, and
# resolution per 10^6 records, through the real commands.
#
#   bench/bench_link.sh path/to/unika [ROWS] [STREAM.csv]
#
# ROWS defaults to 1,000,000. The stream is make_iop_visits.py --stream ROWS
# --seed 7 (one schema, about ROWS/8 people, each with a dossier number),
# generated into STREAM (default /tmp/unika-stream-ROWS.csv) unless it
# exists. One partner ("stream") writes its signed match-key file, the
# linker resolves it (--period half-year): each command pinned to one core
# (taskset, when present) and measured with /usr/bin/time (wall and CPU
# seconds, peak RSS). Printed: rows/s of each step, CPU seconds of the
# resolution per 10^6 records, and records per second end to end
# (matchkeys + link CPU), against the target of 200,000 per core. The
# figures are printed, never asserted. Results: docs/benchmarks.md.
set -u
UNIKA=${1:?usage: $0 path/to/unika [ROWS] [STREAM.csv]}
ROWS=${2:-1000000}
STREAM=${3:-/tmp/unika-stream-$ROWS.csv}
SRC=$(cd "$(dirname "$0")/.." && pwd)
GEN=${UNIKA_STREAM_GENERATOR:-}
if [ -z "$GEN" ]; then
    for d in "$SRC/../shared" "$SRC/../../shared"; do
        [ -f "$d/data/make_iop_visits.py" ] && GEN=$d/data/make_iop_visits.py && break
    done
fi
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (GNU time)"; exit 1; }
PIN=""
command -v taskset >/dev/null && PIN="taskset -c 0"

work=$(mktemp -d "${TMPDIR:-/tmp}/unika-benchlink-XXXXXX")
trap 'rm -rf "$work"' EXIT

if [ ! -s "$STREAM" ]; then
    [ -n "$GEN" ] || { echo "no make_iop_visits.py: set UNIKA_STREAM_GENERATOR"; exit 1; }
    echo "generating $ROWS rows into $STREAM ..." >&2
    python3 "$GEN" --stream "$ROWS" --seed 7 >"$STREAM" || exit 1
fi
lines=$(($(wc -l <"$STREAM") - 1))

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
cd "$work" || exit 1
"$UNIKA" keygen -o pk >/dev/null || exit 1
"$UNIKA" sign-keygen --name stream -o stream >/dev/null || exit 1
"$UNIKA" sign-keygen --name linker -o linker >/dev/null || exit 1
"$UNIKA" sign-keygen --name steering -o steering >/dev/null || exit 1 # the coordinator
"$UNIKA" roster make --key-fingerprint "$("$UNIKA" key fingerprint pk)" --sign steering.sec \
    --linker linker.pub -o r.roster stream.pub >/dev/null || exit 1
"$UNIKA" link-keygen -o linker.seed >/dev/null || exit 1

# measure LABEL COMMAND...: sets wall, cpu, rss and prints one line.
measure() {
    local label=$1
    shift
    /usr/bin/time -f "%e %U %S %M" -o time.txt $PIN "$@" >/dev/null 2>stderr.txt || {
        echo "$label failed:"; cat stderr.txt; exit 1; }
    local user sys
    read -r wall user sys rss <time.txt
    cpu=$(echo "$user + $sys" | bc -l)
    [ "$(echo "$cpu < 0.01" | bc -l)" = 1 ] && cpu=0.01
    printf '%-28s %8.2f %8.2f %12.0f %9.1f\n' "$label" "$wall" "$cpu" \
        "$(echo "$lines / $cpu" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
}

echo "bench_link: $lines rows of $STREAM; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-28s %8s %8s %12s %9s\n' command "wall s" "CPU s" "rows/s CPU" "peak MiB"
measure "unika matchkeys --sign" "$UNIKA" matchkeys --key pk --profile stream.profile --org stream \
    --sign stream.sec "$STREAM" -o stream.umk
mk_cpu=$cpu
measure "unika link" "$UNIKA" link --roster r.roster --coordinator steering.pub --seed linker.seed --sign linker.sec \
    stream.umk -o cells
link_cpu=$cpu
profiles=$(grep -o '"total": [0-9]*' cells/manifest.json | head -1 | grep -o '[0-9]*')
persons=$(grep -o '"persons": [0-9]*' cells/manifest.json | grep -o '[0-9]*')
echo "match-key file: $(stat -c %s stream.umk) bytes, $profiles profiles; $persons persons resolved"
printf 'resolution: %.2f CPU s per 10^6 records (%.2f per 10^6 profiles)\n' \
    "$(echo "$link_cpu * 1000000 / $lines" | bc -l)" "$(echo "$link_cpu * 1000000 / $profiles" | bc -l)"
printf 'end to end (matchkeys + link): %.0f records per CPU second (target 200,000)\n' \
    "$(echo "$lines / ($mk_cpu + $link_cpu)" | bc -l)"
