# testlib.bash - sourced by the CLI test scripts (*.sh). Provides a temp dir,
# `check` (exit code + exact stdout + exact stderr) and `check_has` (stderr contains).
#
#   UNIKA     the binary under test ($1 of the script)
#   SRC       the source tree (examples/)
#   work      a fresh temp dir, removed on exit; the script runs inside it
set -u
UNIKA=${1:?usage: $0 path/to/unika}
case "$UNIKA" in /*) ;; *) UNIKA="$PWD/$UNIKA" ;; esac
SRC=${UNIKA_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
work=$(mktemp -d "${TMPDIR:-/tmp}/unika-cli-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
cases=0
failures=0

# Hex runs of 32+ digits (fingerprints, pseudonyms) differ per key.
hexless() { sed -E 's/[0-9a-f]{32,}/HEX/g'; }
. "$(dirname "${BASH_SOURCE[0]}")/flip_byte.bash"

report_failure() {
    failures=$((failures + 1))
    echo "FAIL: $1"
    echo "  exit $2 (expected $3)"
    echo "  stdout: $(head -c 2000 out.txt)"
    echo "  stderr: $(head -c 2000 err.txt)"
}

# check NAME RC STDOUT STDERR -- COMMAND...   (both sides compared after hexless;
# compare exact hex with `assert ... test "$(cat out.txt)" = ...`)
check() {
    local name=$1 want_rc=$2 want_out=$3 want_err=$4
    shift 5
    cases=$((cases + 1))
    "$@" >out.txt 2>err.txt
    local rc=$?
    if [ "$rc" != "$want_rc" ] || [ "$(hexless <out.txt)" != "$(printf '%s' "$want_out" | hexless)" ] ||
       [ "$(hexless <err.txt)" != "$(printf '%s' "$want_err" | hexless)" ]; then
        report_failure "$name" "$rc" "$want_rc"
        echo "  expected stdout: $want_out"
        echo "  expected stderr: $want_err"
    fi
}

# check_has NAME RC STDERR_SUBSTRING -- COMMAND...   (stdout ignored)
check_has() {
    local name=$1 want_rc=$2 want_err=$3
    shift 4
    cases=$((cases + 1))
    "$@" >out.txt 2>err.txt
    local rc=$?
    if [ "$rc" != "$want_rc" ] || { [ -n "$want_err" ] && ! grep -qF -- "$want_err" err.txt; }; then
        report_failure "$name" "$rc" "$want_rc"
        echo "  expected stderr to contain: $want_err"
    fi
}

# assert NAME COMMAND...   (passes when COMMAND succeeds)
assert() {
    local name=$1
    shift
    cases=$((cases + 1))
    if ! "$@" >/dev/null 2>&1; then
        failures=$((failures + 1))
        echo "FAIL: $name"
    fi
}

finish() {
    echo "$cases cases, $failures failed"
    [ "$failures" = 0 ]
}
