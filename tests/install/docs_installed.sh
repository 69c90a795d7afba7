#!/usr/bin/env bash
# docs_installed.sh BUILD_DIR - see CMakeLists.txt beside it: after
# `cmake --install`, `man unika-ingest` shows the installed command's
# options, and the bash and zsh completions are where those shells look.
set -uo pipefail
build=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cmake --install "$build" --prefix "$dir/prefix" >/dev/null || { echo "FAIL: cmake --install"; exit 1; }
p=$dir/prefix
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
unika=$p/bin/unika
for c in $("$unika" help --commands) ; do
    [ -f "$p/share/man/man1/unika-$c.1" ] || fail "no man page unika-$c.1"
done
[ -f "$p/share/man/man1/unika.1" ] || fail "no man page unika.1"
if command -v man >/dev/null; then
    MANPATH=$p/share/man MANWIDTH=100 man -P cat unika-ingest >"$dir/man.txt" 2>"$dir/man.err" ||
        fail "man unika-ingest: $(cat "$dir/man.err")"
    grep -q -- "--max-rejected N|P%" "$dir/man.txt" || fail "man unika-ingest lacks --max-rejected"
    grep -q "^NAME" "$dir/man.txt" || fail "man unika-ingest has no NAME section"
    MANPATH=$p/share/man man -P cat unika >/dev/null 2>&1 || fail "man unika"
else
    fail "man is not installed (man-db)"
fi
bash_file=$p/share/bash-completion/completions/unika
zsh_file=$p/share/zsh/site-functions/_unika
[ -f "$bash_file" ] || fail "no $bash_file"
[ -f "$zsh_file" ] || fail "no $zsh_file"
# The installed completion offers the installed command's options.
got=$(bash -c '. "$1"; COMP_WORDS=(unika profile check --r); COMP_CWORD=3; _unika; echo "${COMPREPLY[*]}"' _ "$bash_file")
[ "$got" = "--rows" ] || fail "bash completion of 'unika profile check --r' gave '$got'"
"$unika" completion bash | cmp -s - "$bash_file" || fail "installed bash completion differs from 'unika completion bash'"
"$unika" completion zsh | cmp -s - "$zsh_file" || fail "installed zsh completion differs from 'unika completion zsh'"
if command -v zsh >/dev/null; then
    zsh -n "$zsh_file" || fail "zsh cannot parse $zsh_file"
    zsh -fc "fpath=($p/share/zsh/site-functions \$fpath); autoload -Uz _unika && whence -w _unika" >/dev/null ||
        fail "zsh cannot autoload _unika"
fi
echo "man pages, bash and zsh completions installed under $p/share; $failures failures"
[ "$failures" = 0 ]
