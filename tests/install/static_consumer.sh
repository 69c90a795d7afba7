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
# unika.pc: --cflags is the include directory and nothing else (no
# dependency's defines, such as libutf8proc's -DUTF8PROC_EXPORTS), and
# --static --libs names every dependency a static link needs.
pc_dir=$(dirname "$(find "$dir/prefix" -name unika.pc | head -n 1)")
cflags=$(PKG_CONFIG_PATH="$pc_dir" pkg-config --cflags unika | sed 's/ *$//')
case "$cflags" in
    -I*" "* | "") ok=no ;;
    -I*) [ "$(realpath "${cflags#-I}")" = "$(realpath "$dir/prefix/include")" ] && ok=yes || ok=no ;;
    *) ok=no ;;
esac
if [ "$ok" != yes ]; then
    echo "FAIL: pkg-config --cflags unika gives '$cflags', expected only -I$dir/prefix/include"
    exit 1
fi
static_libs=$(PKG_CONFIG_PATH="$pc_dir" pkg-config --static --libs unika)
for lib in -lunika -lsodium -lxxhash -lutf8proc -lm; do
    case " $static_libs " in *" $lib "*) ;; *)
        echo "FAIL: pkg-config --static --libs unika lacks $lib: $static_libs"; exit 1 ;;
    esac
done
echo "unika.pc: --cflags $cflags; --static --libs $static_libs"
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
# And as a consumer's build would do it: flags from pkg-config alone.
# shellcheck disable=SC2046
if ! cc -std=c99 -pedantic-errors -Wall -Wextra $(PKG_CONFIG_PATH="$pc_dir" pkg-config --cflags unika) \
        "$src/examples/count_people.c" -o "$dir/count_people_pc" -Wl,-Bstatic -lunika -Wl,-Bdynamic \
        -L"$(dirname "$archive")" $(pkg-config --libs libsodium libxxhash libutf8proc) -lm \
        2>"$dir/warnings" || [ -s "$dir/warnings" ]; then
    echo "FAIL: count_people.c as C99 with unika.pc's flags:"; cat "$dir/warnings"; exit 1
fi
echo "cc -std=c99 -pedantic-errors with unika.pc's --cflags: built without warnings"
