#!/usr/bin/env bash
# run.sh BUILD_DIR - the extension's pg_regress suite on a throwaway
# cluster (CTest test `postgresql`, docs/postgresql.md "Tests").
#
# BUILD_DIR holds the `unika` command (src/cli/unika): the fixtures that
# SQL must reproduce byte for byte (the example partnership's cells, a
# merge) are made by the command in the same run. The server runs on a Unix
# socket in a private temporary directory and is stopped by PID on exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
build=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
unika=$build/src/cli/unika
source "$here/server.sh"
pg_check_installed
[ -x "$unika" ] || { echo "postgresql: $unika not built" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/unika-pg-test.XXXXXX")
keep=${UNIKA_PG_KEEP:-}
cleanup() {
  pg_stop
  if [ -z "$keep" ]; then rm -rf "$work"; else echo "postgresql: kept $work" >&2; fi
}
trap cleanup EXIT

pg_build "$work"

# ---- fixtures, made by the command -------------------------------------
fx=$work/fixtures
mkdir -p "$fx/cells" "$fx/golden"
# The demo's partnership key (scripts/demo.sh derives it the same way).
printf '%s\n' "demo only: the IOP example partnership, never a real key" >"$fx/passphrase"
chmod 600 "$fx/passphrase"
"$unika" keygen -o "$fx/partnership.key" --passphrase-file "$fx/passphrase" \
  --salt "iop-stockholm-2017" >/dev/null
# A second, equally reproducible key: another partnership.
"$unika" keygen -o "$fx/other.key" --passphrase-file "$fx/passphrase" \
  --salt "another-partnership" >/dev/null
cp "$fx/other.key" "$fx/open.key"
chmod 644 "$fx/open.key"
for org in raddabarnen rodakorset stadsmissionen uppsok; do
  cp "$root/examples/iop-visits/$org.csv" "$fx/$org.csv"
  "$unika" ingest --key "$fx/partnership.key" --profile "$root/examples/profiles/$org.profile" \
    --org "$org" --period half-year --by gender -r loose -r strict \
    "$root/examples/iop-visits/$org.csv" -o "$fx/cells/$org" 2>/dev/null
done
# What `unika merge` writes for unsigned inputs: every partner's loose
# 2018H1 cells, and the whole period of one partner.
"$unika" merge -o "$fx/merged_2018H1.uks" "$fx"/cells/*/*_loose_2018H1_*.uks >/dev/null
"$unika" merge -o "$fx/merged_uppsok.uks" "$fx"/cells/uppsok/uppsok_loose_*.uks >/dev/null
mkdir -p "$fx/golden/good" "$fx/golden/bad"
cp "$root"/tests/golden/good/*.uks "$fx/golden/good/"
cp "$root"/tests/golden/bad/*.uks "$fx/golden/bad/"
for f in "$fx/golden/good/sparse_p12_small.uks" "$fx/golden/good/dense_p12.uks"; do
  [ -f "$f" ] || { echo "postgresql: golden file $f missing" >&2; exit 1; }
done

# Every statement and error is logged, so the log can be searched for the key.
pg_start "$work" "unika.key_file=$fx/partnership.key" log_statement=all \
  log_min_error_statement=error

export UNIKA_PG_FIXTURES=$fx
tests=(setup type functions aggregates pseudonym hll partnership parallel memory)
status=0
mkdir -p "$work/out"
regress=$(dirname "$("$pg_config_" --pgxs)")/../test/regress/pg_regress
"$regress" --bindir="$pg_sys_bin" --inputdir="$here/.." --outputdir="$work/out" \
  --dbname=unika_regress "${tests[@]}" || status=$?
# The key never reaches the server's log (its hex, as in the key file).
for keyfile in "$fx/partnership.key" "$fx/other.key"; do
  keyhex=$(sed -n 's/^key \([0-9a-f]\{64\}\)$/\1/p' "$keyfile")
  if [ -z "$keyhex" ]; then
    echo "postgresql: cannot read the key from $keyfile" >&2; status=1
  elif grep -qiF "$keyhex" "$work/server.log"; then
    echo "postgresql: FAILED: the key of $keyfile appears in the server log" >&2; status=1
  else
    echo "postgresql: the key of ${keyfile##*/} is not in the server log ($(wc -l <"$work/server.log") lines)"
  fi
done
if [ "$status" != 0 ]; then
  [ -f "$work/out/regression.diffs" ] && head -c 20000 "$work/out/regression.diffs"
  tail -n 30 "$work/server.log" >&2
fi
exit "$status"
