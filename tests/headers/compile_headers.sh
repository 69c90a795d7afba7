#!/usr/bin/env bash
# compile_headers.sh INCLUDE_DIR - see CMakeLists.txt beside it.
# Fails when a compiler of a language is missing (g++ comes with
# scripts/setup-debian.sh), so the C++ check cannot silently not run.
set -uo pipefail
inc=${1:?usage: compile_headers.sh INCLUDE_DIR}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
c_compilers=() cxx_compilers=()
# Each compiler once, however many names it has (cc is usually gcc).
seen=" "
add() { # array-name compiler
    local path
    path=$(command -v "$2" 2>/dev/null) || return 0
    path=$(readlink -f "$path")
    case "$seen" in *" $path "*) return 0 ;; esac
    seen="$seen$path "
    eval "$1+=(\"\$2\")"
}
for c in cc gcc clang; do add c_compilers $c; done
for c in c++ g++ clang++; do add cxx_compilers $c; done
if ((${#c_compilers[@]} == 0 || ${#cxx_compilers[@]} == 0)); then
    echo "FAIL: need a C and a C++ compiler (scripts/setup-debian.sh installs g++)"
    exit 1
fi
headers=(unika.h)
for h in "$inc"/unika/*.h; do headers+=("unika/$(basename "$h")"); done
# The translation unit uses a declaration from the header, so the header is
# not merely preprocessed: unika_version_string() is in unika/common.h,
# which every header includes.
failures=0 runs=0
compile() { # compiler std lang header
    local cc=$1 std=$2 lang=$3 h=$4 src
    if [ "$lang" = c ]; then
        src="#include <${h}>
int main(void) { return unika_version_string() == 0; }"
    else
        src="#include <${h}>
int main() { return unika_version_string() == nullptr; }"
    fi
    runs=$((runs + 1))
    if ! printf '%s\n' "$src" | "$cc" -std="$std" -pedantic-errors -Wall -Wextra -Werror \
            -I"$inc" -x "$lang" -c -o "$dir/t.o" - 2>"$dir/err"; then
        failures=$((failures + 1))
        echo "FAIL: $cc -std=$std: #include <$h>"
        sed 's/^/    /' "$dir/err" | head -20
    fi
}
for h in "${headers[@]}"; do
    for cc in "${c_compilers[@]}"; do
        for std in c99 c11; do compile "$cc" "$std" c "$h"; done
    done
    for cc in "${cxx_compilers[@]}"; do
        for std in c++11 c++17; do compile "$cc" "$std" c++ "$h"; done
    done
done
echo "$runs compilations (${c_compilers[*]}; ${cxx_compilers[*]}), $failures failed"
[ "$failures" = 0 ]
