#!/usr/bin/env bash
# crash_safety.sh - `unika ingest` and `unika merge` killed with SIGKILL at
# random moments (fixed seed): every output either does not exist or is
# complete and valid, and the inputs are untouched.
#
# Complete means byte for byte what an uninterrupted run writes (both
# commands are deterministic), and `unika inspect` accepts every file.
# ingest writes its sketches into a staging directory DIR.unika-tmp-XXXXXX
# beside DIR and renames it into place (docs/cli.md); merge writes a
# temporary .OUT.tmp-XXXXXX beside OUT and renames it. A process killed by SIGKILL cannot remove
# those, so a killed run may leave one behind: that is allowed (it never
# has DIR's or OUT's name, and the next run does not trip over it), and
# each is removed before the next round.
#   usage: crash_safety.sh path/to/unika
. "$(dirname "$0")/testlib.bash"
ROUNDS=${UNIKA_CRASH_ROUNDS:-20}
COPIES=${UNIKA_CRASH_COPIES:-40}

"$UNIKA" keygen -o k >/dev/null
# The input is in the repository (tests read nothing beside it): one
# example partner file, its rows repeated, about 250,000 rows.
cp "$SRC"/examples/profiles/raddabarnen.profile stream.profile
{ cat "$SRC"/examples/iop-visits/raddabarnen.csv
  for _ in $(seq "$COPIES"); do tail -n +2 "$SRC"/examples/iop-visits/raddabarnen.csv; done; } >in.csv
INGEST=(ingest -k k -p stream.profile --org t in.csv --period month --by gender --precision 16)

# Milliseconds, without forking date(1) (bash 5's EPOCHREALTIME).
ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }

# The reference outputs of uninterrupted runs, and how long each takes.
t0=$(ms)
"$UNIKA" "${INGEST[@]}" -o ref >/dev/null 2>&1 || { echo "reference ingest failed"; exit 1; }
ingest_ms=$(($(ms) - t0))
# merge's inputs: many small cells, so that reading them takes a while.
"$UNIKA" "${INGEST[@]}" --by age_group --by country -o cells >/dev/null 2>&1 ||
    { echo "ingest of the merge inputs failed"; exit 1; }
merge_ms=1000000
for _ in 1 2 3; do # the fastest of three: the first run pays for cold caches
    rm -f ref.uks ref.uks.prov
    t0=$(ms)
    "$UNIKA" merge -o ref.uks cells >/dev/null 2>&1 || { echo "reference merge failed"; exit 1; }
    t=$(($(ms) - t0))
    [ $t -lt $merge_ms ] && merge_ms=$t
done
echo "uninterrupted: ingest $ingest_ms ms ($(ls ref | wc -l) sketches), merge $merge_ms ms ($(ls cells | wc -l) inputs)"
sha256sum in.csv k stream.profile ref/* cells/* >inputs.sum
# A pause without forking sleep(1), whose start-up is a large part of the
# merge's run time: read on a pipe that never delivers, with a timeout.
mkfifo pause.fifo
exec 9<>pause.fifo

# killed_run FROM_MS TO_MS [GLOB] -- COMMAND...: starts COMMAND and sends it
# SIGKILL after a random delay in [FROM_MS, TO_MS], counted from its start,
# or with GLOB from the moment a path matching GLOB appears (the staging or
# temporary output: so that kills also land while outputs are written, a
# phase too short to hit reliably by timing alone on a loaded machine).
# Sets $killed to 1 when the signal arrived before the command ended, and
# $ran_ms to how long the command ran.
killed_run() {
    local from=$1 to=$2 glob=
    shift 2
    [ "$1" != -- ] && { glob=$1; shift; }
    shift
    local delay=$((from + (RANDOM * 32768 + RANDOM) % (to - from + 1))) t0
    t0=$(ms)
    "$UNIKA" "$@" >/dev/null 2>&1 &
    local pid=$!
    if [ -n "$glob" ]; then
        while kill -0 "$pid" 2>/dev/null && ! compgen -G "$glob" >/dev/null; do :; done
    fi
    read -r -t "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))" -u 9 _ || true
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    killed=$([ $? = 137 ] && echo 1 || echo 0)
    ran_ms=$(($(ms) - t0))
}

# Outputs are complete: same names and bytes as the reference, each inspectable.
complete_dir() {
    [ "$(ls -A "$1")" = "$(ls -A ref)" ] || return 1
    local f
    for f in ref/*; do
        cmp -s "$f" "$1/$(basename "$f")" || return 1
        "$UNIKA" inspect "$1/$(basename "$f")" >/dev/null 2>&1 || return 1
    done
}

RANDOM=20261123 # fixed seed: the same delays on every run
kills=0 absent=0 done_=0 leftovers=0
for round in $(seq "$ROUNDS"); do
    # Odd rounds: any moment of the run; even rounds: while the sketches
    # are being written (within 100 ms of the staging directory's creation).
    if [ $((round % 2)) = 1 ]; then
        killed_run 0 "$ingest_ms" -- "${INGEST[@]}" -o out
    else
        killed_run 0 100 'out.unika-tmp-*' -- "${INGEST[@]}" -o out
    fi
    kills=$((kills + killed))
    # the window follows the fastest run seen (below, merge)
    [ "$killed" = 0 ] && [ "$ran_ms" -lt "$ingest_ms" ] && ingest_ms=$ran_ms
    if [ -e out ]; then
        done_=$((done_ + 1))
        assert "ingest round $round: DIR complete" complete_dir out
    else
        absent=$((absent + 1))
    fi
    # Only staging directories may be left, and only by a killed run.
    for extra in $(ls -A | grep -v -x -e k -e stream.profile -e in.csv -e ref -e ref.uks -e ref.uks.prov \
                       -e inputs.sum -e out -e out.txt -e err.txt -e cells -e pause.fifo); do
        case "$extra" in
        out.unika-tmp-*) ;; # kept: later runs must not trip over them
        *) assert "ingest round $round: unexpected $extra" false; rm -rf "$extra" ;;
        esac
    done
    rm -rf out
done
leftovers=$(ls -d out.unika-tmp-* 2>/dev/null | wc -l)
echo "ingest: $ROUNDS runs, $kills killed; DIR absent $absent, complete $done_; staging dirs left $leftovers"
assert "ingest: most runs were killed" test "$kills" -ge $((ROUNDS / 2))
"$UNIKA" "${INGEST[@]}" -o out >/dev/null 2>&1
assert "ingest after the kills, beside their leftovers: complete" complete_dir out
rm -rf out out.unika-tmp-*

mkdir m
kills=0 absent=0 done_=0 leftovers=0
# A merge run is short and many kills land after it ended: twice the rounds.
for round in $(seq $((2 * ROUNDS))); do
    # Odd rounds: while inputs are read (the first 60% of a run; a run
    # on a loaded machine is slower than the fastest reference run); even
    # rounds: within 5 ms of the temporary output's creation.
    if [ $((round % 2)) = 1 ]; then
        killed_run 0 $((merge_ms * 6 / 10)) -- merge -o m/merged.uks cells
    else
        killed_run 0 5 'm/*tmp-*' -- merge -o m/merged.uks cells
    fi
    kills=$((kills + killed))
    # a run that ended first shows the machine faster than the reference
    # runs found it (they may have shared it with other tests): the window
    # follows the fastest run seen, so that kills still land while it runs
    [ "$killed" = 0 ] && [ "$ran_ms" -lt "$merge_ms" ] && merge_ms=$ran_ms
    if [ -e m/merged.uks ]; then
        done_=$((done_ + 1))
        assert "merge round $round: output complete" cmp -s ref.uks m/merged.uks
        assert "merge round $round: provenance complete" cmp -s ref.uks.prov m/merged.uks.prov
        assert "merge round $round: output inspectable" "$UNIKA" inspect m/merged.uks
    else
        absent=$((absent + 1))
    fi
    # OUT.prov is written first (OUT commits to it): alone, it is an orphan
    # that the next merge replaces.
    for extra in $(ls -A m | grep -v -x -e merged.uks -e merged.uks.prov); do
        case "$extra" in
        .merged.uks.tmp-* | merged.uks.tmp-* | .merged.uks.prov.tmp-*) leftovers=$((leftovers + 1)) ;;
        *) assert "merge round $round: unexpected m/$extra" false ;;
        esac
    done
    rm -rf m/* m/.[!.]*
done
echo "merge: $((2 * ROUNDS)) runs, $kills killed; OUT absent $absent, complete $done_; temporary files left $leftovers"
assert "merge: at least a quarter of the runs were killed" test "$kills" -ge $((ROUNDS / 2))

assert "inputs untouched" sha256sum --quiet -c inputs.sum
finish
