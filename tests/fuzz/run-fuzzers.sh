#!/usr/bin/env bash
# run-fuzzers.sh SECONDS [TARGET...] - run the libFuzzer targets of tests/fuzz.
#
# Builds the fuzzers with clang (libFuzzer + ASan + UBSan, library with
# coverage feedback) in $UNIKA_FUZZ_BUILD (default <repo>/build-fuzz), then
# runs each TARGET (default: all; names as in tests/fuzz/CMakeLists.txt,
# e.g. csv, sketch_parse) for SECONDS on a scratch copy of its corpus. Then
# the old corpus and the new inputs are merged with -merge=1 -use_counters=0
# into a fresh directory, which keeps a small set of inputs (smallest first)
# reaching every edge either reached (edges, not hit counts: a few hundred
# files instead of thousands), and that replaces tests/fuzz/corpus/<target>/
# (review and commit the change). Inputs that once crashed a target live in
# tests/fuzz/regressions/<target>/ under descriptive names and are never
# minimised away. Prints, per target, libFuzzer's final
# "#N DONE cov: X ft: Y" line and the executions. A crash, leak or timeout
# input is copied to tests/fuzz/crashes/<target>/ (not committed: fix the
# bug, then add the input to the corpus) and makes the script exit 1.
#
# Environment: UNIKA_FUZZ_BUILD (build dir), UNIKA_FUZZ_JOBS (make -j, default 1),
# UNIKA_FUZZ_FLAGS (extra libFuzzer flags).
set -euo pipefail
seconds=${1:?usage: $0 SECONDS [TARGET...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${UNIKA_FUZZ_BUILD:-$root/build-fuzz}
jobs=${UNIKA_FUZZ_JOBS:-1}

all=$(sed -n 's/^set(UNIKA_FUZZ_TARGETS \(.*\))$/\1/p' "$here/CMakeLists.txt")
targets=("$@")
[ ${#targets[@]} -gt 0 ] || read -r -a targets <<<"$all"

cc=$(command -v clang || command -v clang-14 || true)
if [ -z "$cc" ]; then
    echo "run-fuzzers.sh: clang not found (apt-get install -y clang libclang-rt-14-dev)" >&2
    exit 2
fi

if [ ! -f "$build/CMakeCache.txt" ]; then
    CC=$cc cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DUNIKA_BUILD_FUZZERS=ON -DUNIKA_SANITIZE=address,undefined \
        -DUNIKA_BUILD_BENCH=OFF -DUNIKA_BUILD_CLI=OFF >/dev/null
fi
for t in "${targets[@]}"; do
    cmake --build "$build" -j"$jobs" --target "fuzz_$t" >/dev/null
done

status=0
for t in "${targets[@]}"; do
    bin=$build/tests/fuzz/fuzz_$t
    corpus=$here/corpus/$t
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/unika-fuzz-$t-XXXXXX")
    mkdir -p "$scratch/corpus" "$scratch/artifacts" "$corpus"
    cp -r "$corpus/." "$scratch/corpus/" 2>/dev/null || true
    echo "== $t: $seconds s, corpus $(ls "$corpus" | wc -l) files"
    set +e
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
        "$bin" -max_total_time="$seconds" -timeout=20 -print_final_stats=1 \
        -artifact_prefix="$scratch/artifacts/" ${UNIKA_FUZZ_FLAGS:-} \
        "$scratch/corpus" >"$scratch/log" 2>&1
    rc=$?
    set -e
    grep -E '^#[0-9]+[[:space:]]+DONE' "$scratch/log" || tail -n 3 "$scratch/log"
    grep -E 'stat::(number_of_executed_units|peak_rss_mb)' "$scratch/log" || true
    if [ "$rc" != 0 ] || [ -n "$(ls -A "$scratch/artifacts")" ]; then
        mkdir -p "$here/crashes/$t"
        cp "$scratch"/artifacts/* "$here/crashes/$t/" 2>/dev/null || true
        cp "$scratch/log" "$here/crashes/$t/log.txt"
        echo "== $t: FAILED (exit $rc); inputs and log in tests/fuzz/crashes/$t/"
        grep -m 5 -E 'ERROR|invariant broken|runtime error' "$scratch/log" || true
        status=1
    fi
    # Merge back in minimised form: old corpus + new inputs -> a fresh set.
    before=$(ls "$corpus" | wc -l)
    mkdir "$scratch/min"
    if "$bin" -merge=1 -use_counters=0 "$scratch/min" "$corpus" "$scratch/corpus" \
           >"$scratch/merge.log" 2>&1 &&
       [ -n "$(ls -A "$scratch/min")" ]; then
        find "$corpus" -maxdepth 1 -type f -delete
        cp "$scratch/min/." "$corpus/" -r
    else
        echo "== $t: merge failed, corpus left as it was (see below)"
        tail -n 5 "$scratch/merge.log"
    fi
    echo "== $t: corpus $before -> $(ls "$corpus" | wc -l) files, $(du -sk "$corpus" | cut -f1) KiB"
    rm -rf "$scratch"
done
exit $status
