#!/usr/bin/env bash
# static_consumer.sh BUILD_DIR SOURCE_DIR UNIKA - see CMakeLists.txt beside it.
set -euo pipefail
build=$1 src=$2 unika=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cmake --install "$build" --prefix "$dir/prefix" >/dev/null
archive=$(find "$dir/prefix" -name libunika.a | head -n 1)
[ -n "$archive" ] || { echo "no libunika.a installed"; exit 1; }
if readelf -S --wide "$archive" | grep -q '\.gnu\.lto_'; then
    echo "FAIL: $archive holds link-time-optimisation objects"
    exit 1
fi
deps=$(pkg-config --libs libsodium libxxhash libutf8proc)
"$unika" keygen -o "$dir/k" >/dev/null
compilers=(cc)
command -v clang >/dev/null && compilers+=(clang)
for c in "${compilers[@]}"; do
    # shellcheck disable=SC2086
    if ! "$c" -std=c11 -Wall -Wextra -I"$dir/prefix/include" "$src/examples/count_people.c" \
        "$archive" $deps -lm -o "$dir/count_people_$c" 2>"$dir/warnings"; then
        echo "FAIL: $c cannot build against the installed archive:"; cat "$dir/warnings"; exit 1
    fi
    if [ -s "$dir/warnings" ]; then
        echo "FAIL: $c warns when linking the installed archive:"; cat "$dir/warnings"; exit 1
    fi
    out=$(printf 'Sakina Sultani;20000312;F\nYusuf Tesfay;1997-05-02;male\n' |
          "$dir/count_people_$c" "$dir/k")
    [ "$out" = "2 people (95%: 2 to 2)" ] || { echo "FAIL: $c build printed: $out"; exit 1; }
    echo "$c: built, linked without warnings and ran against $archive"
done
