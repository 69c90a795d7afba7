#!/usr/bin/env bash
# Builds unika and runs every test suite.
#   scripts/test.sh                          plain build in build/
#   scripts/test.sh --sanitize address,undefined   ASan+UBSan build in build-sanitize/
set -euo pipefail
cd "$(dirname "$0")/.."
sanitize=""
build=build
while (($#)); do
  case "$1" in
    --sanitize) sanitize="$2"; build=build-sanitize; shift 2 ;;
    --build-dir) build="$2"; shift 2 ;;
    *) echo "usage: $0 [--sanitize LIST] [--build-dir DIR]" >&2; exit 2 ;;
  esac
done
type=RelWithDebInfo
[ -z "$sanitize" ] || type=Debug
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE="$type" -DUNIKA_SANITIZE="$sanitize" >/dev/null
cmake --build "$build" -j"$(nproc)"
if [ -n "$sanitize" ]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export CK_FORK=no   # one process per suite, so the sanitizers see everything
fi
ctest --test-dir "$build" --output-on-failure -j"$(nproc)"
