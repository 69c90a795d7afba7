#!/usr/bin/env bash
# bench_link.sh - the linkage path end to end: match keys per record, and
# resolution per 10^6 records, through the real commands.
#
#   bench/bench_link.sh path/to/unika [ROWS] [STREAM.csv]
#   bench/bench_link.sh path/to/unika --realistic [PEOPLE] [DIR]
#
# Stream: ROWS defaults to 1,000,000. The stream is make_iop_visits.py
# --stream ROWS --seed 7 (one schema, about ROWS/8 people, each with a
# dossier number), generated into STREAM (default
# /tmp/unika-stream-ROWS.csv) unless it exists. One partner ("stream")
# writes its signed match-key file, the linker resolves it (--period
# half-year).
#
# Realistic: make_iop_visits.py --all --people PEOPLE (default 30,000)
# --seed 1001 (every record-keeping phenomenon: typos, patronymic chains,
# revised years, skewed names, a partner recording birth years only),
# generated into DIR (default /tmp/unika-realistic-PEOPLE) unless it
# exists. The four partners write their match-key files with
# examples/profiles (--by gender), the linker resolves them (--by gender):
# here most people are weak, and the estimator (docs/linkage.md 15) runs
# on them.
#
# Each command is pinned to one core (taskset, when present) and measured
# with /usr/bin/time (wall and CPU seconds, peak RSS). Printed: rows/s of
# each step, CPU seconds of the resolution per 10^6 records, and records
# per second end to end (matchkeys + link CPU), against the target of
# 200,000 per core. The figures are printed, never asserted. Results:
# docs/linkage.md 13.
set -u
UNIKA=${1:?usage: $0 path/to/unika [ROWS] [STREAM.csv] | --realistic [PEOPLE] [DIR]}
UNIKA=$(cd "$(dirname "$UNIKA")" && pwd)/$(basename "$UNIKA")
REALISTIC=0
if [ "${2:-}" = --realistic ]; then
    REALISTIC=1
    PEOPLE=${3:-30000}
    DATA=${4:-/tmp/unika-realistic-$PEOPLE}
else
    ROWS=${2:-1000000}
    STREAM=${3:-/tmp/unika-stream-$ROWS.csv}
fi
SRC=$(cd "$(dirname "$0")/.." && pwd)
ORGS="raddabarnen rodakorset stadsmissionen uppsok"
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

# measure LABEL ROWS COMMAND...: sets cpu and prints one line (ROWS per CPU second).
measure() {
    local label=$1 rows=$2
    shift 2
    /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" $PIN "$@" >/dev/null 2>"$work/stderr.txt" || {
        echo "$label failed:"; cat "$work/stderr.txt"; exit 1; }
    local wall user sys rss
    read -r wall user sys rss <"$work/time.txt"
    cpu=$(echo "$user + $sys" | bc -l)
    [ "$(echo "$cpu < 0.01" | bc -l)" = 1 ] && cpu=0.01
    printf '%-32s %8.2f %8.2f %12.0f %9.1f\n' "$label" "$wall" "$cpu" \
        "$(echo "$rows / $cpu" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
}

# keys PARTNER...: the partnership key, signing keys, the roster and the linker's seed.
keys() {
    "$UNIKA" keygen -o pk >/dev/null || exit 1
    local pubs=()
    for o in "$@" linker steering; do # steering: the coordinator
        "$UNIKA" sign-keygen --name "$o" -o "$o" >/dev/null || exit 1
    done
    for o in "$@"; do pubs+=("$o.pub"); done
    "$UNIKA" roster make --key-fingerprint "$("$UNIKA" key fingerprint pk)" --sign steering.sec \
        --linker linker.pub -o r.roster "${pubs[@]}" >/dev/null || exit 1
    "$UNIKA" link-keygen -o linker.seed >/dev/null || exit 1
}

header() {
    echo "bench_link: $lines rows of $1; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    printf '%-32s %8s %8s %12s %9s\n' command "wall s" "CPU s" "rows/s CPU" "peak MiB"
}

LINK=("$UNIKA" link --roster r.roster --coordinator steering.pub --seed linker.seed --sign linker.sec)
mk_cpu=0
if [ "$REALISTIC" = 1 ]; then
    if [ ! -s "$DATA/truth.json" ]; then
        [ -n "$GEN" ] || { echo "no make_iop_visits.py: set UNIKA_STREAM_GENERATOR"; exit 1; }
        echo "generating $PEOPLE people into $DATA ..." >&2
        python3 "$GEN" --all --people "$PEOPLE" --seed 1001 --out "$DATA" >/dev/null || exit 1
    fi
    lines=0
    for o in $ORGS; do lines=$((lines + $(wc -l <"$DATA/$o.csv") - 1)); done
    cd "$work" || exit 1
    keys $ORGS
    header "$DATA (every phenomenon, $PEOPLE people)"
    for o in $ORGS; do
        measure "unika matchkeys $o" "$(($(wc -l <"$DATA/$o.csv") - 1))" "$UNIKA" matchkeys --key pk --profile \
            "$SRC/examples/profiles/$o.profile" --org "$o" --by gender --sign "$o.sec" \
            "$DATA/$o.csv" -o "$o.umk"
        mk_cpu=$(echo "$mk_cpu + $cpu" | bc -l)
    done
    measure "unika link" "$lines" "${LINK[@]}" --by gender raddabarnen.umk rodakorset.umk \
        stadsmissionen.umk uppsok.umk -o cells
else
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
    keys stream
    header "$STREAM"
    measure "unika matchkeys --sign" "$lines" "$UNIKA" matchkeys --key pk --profile stream.profile \
        --org stream --sign stream.sec "$STREAM" -o stream.umk
    mk_cpu=$cpu
    measure "unika link" "$lines" "${LINK[@]}" stream.umk -o cells
fi
link_cpu=$cpu
profiles=$(grep -o '"total": [0-9]*' cells/manifest.json | head -1 | grep -o '[0-9]*')
persons=$(grep -o '"persons": [0-9]*' cells/manifest.json | grep -o '[0-9]*')
echo "match-key files: $(cat ./*.umk | wc -c) bytes, $profiles profiles; $persons persons resolved"
printf 'resolution: %.2f CPU s per 10^6 records (%.2f per 10^6 profiles)\n' \
    "$(echo "$link_cpu * 1000000 / $lines" | bc -l)" "$(echo "$link_cpu * 1000000 / $profiles" | bc -l)"
printf 'end to end (matchkeys + link): %.0f records per CPU second (target 200,000)\n' \
    "$(echo "$lines / ($mk_cpu + $link_cpu)" | bc -l)"
