#!/usr/bin/env bash
# bench/peers/speed_rounds.sh - the union speed of unika, PostgreSQL hll (at
# 12/5 and at its default 11/5) and Redis, measured in interleaved rounds in
# one run: each round times one union of 1,000 stored sketches (n = 3,000
# each) per system, in turn, so that load from other jobs falls on all of
# them alike. Prints the medians and the median of the per-round ratios as
# the markdown table of docs/peers.md; with --write FILE, replaces the table
# between "<!-- speed_rounds:begin -->" and "<!-- speed_rounds:end -->".
#
#   bash bench/peers/speed_rounds.sh [--write docs/peers.md] [BUILD_DIR] [ROUNDS]
#
# What each system does per round (one run, no best-of):
#   unika      parse 1,000 serialised p = 12 sketches from memory, merge, estimate
#              (bench/peers/unika_union.c), unlabelled and with a cell's 4 labels;
#   pg-hll     select hll_cardinality(hll_union_agg(h)) over a table of 1,000
#              hll values, execution time inside the server (EXPLAIN ANALYZE);
#   Redis      PFMERGE of 1,000 p = 14 keys then PFCOUNT, time inside the server
#              (INFO commandstats after CONFIG RESETSTAT).
# Needs postgresql-15-hll and redis-server (installed when missing and root).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
write=""
if [ "${1:-}" = --write ]; then write=$2; shift 2; fi
build=$(cd "${1:-$here/../../build}" && pwd)
ROUNDS=${2:-15}
pgbin=/usr/lib/postgresql/15/bin
if ! [ -e /usr/share/postgresql/15/extension/hll.control ] || ! command -v redis-server >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y -qq postgresql-15-hll redis-server >/dev/null
  else
    echo "speed_rounds: postgresql-15-hll and redis-server are needed; skipped"; exit 0
  fi
fi
cmake --build "$build" --target peers_resp_pfadd peers_unika_union >/dev/null
source "$here/servers.sh"

K=1000 N=3000
for w in 12 11; do
  psql_ -c "create table s$w as select t, hll_add_agg(hll_hash_bigint(x + (t::bigint << 32), 0), $w, 5) as h
            from generate_series(1, $K) t cross join generate_series(1, $N) x group by t"
done
psql_ -c "vacuum analyze"
"$build/bench/peers_resp_pfadd" $K $N m | rcli --pipe >/dev/null
keys=$(for ((t = 0; t < K; t++)); do printf ' m%d' "$t"; done)
printf 'PFMERGE all%s\nPFCOUNT all\n' "$keys" >"$work/merge.txt"

server_ms() { psql_ -c "explain (analyze, timing off, summary on) $1" | awk '/Execution Time/ {print $3}'; }
load0=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$work/rounds.txt"
for ((r = 1; r <= ROUNDS; r++)); do
  u=$("$build/bench/peers_unika_union" $K $N unlabelled)
  ul=$("$build/bench/peers_unika_union" $K $N labelled)
  p12=$(server_ms "select hll_cardinality(hll_union_agg(h)) from s12")
  p11=$(server_ms "select hll_cardinality(hll_union_agg(h)) from s11")
  rcli config resetstat >/dev/null
  rcli <"$work/merge.txt" >/dev/null
  rd=$(rcli info commandstats | awk -F'[=,:]' '/^cmdstat_pf(merge|count):/ {
         for (i = 1; i < NF; i++) if ($i == "usec") s += $(i + 1) } END { printf "%.3f", s / 1000 }')
  echo "$u $ul $p12 $p11 $rd" >>"$work/rounds.txt"
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

# Medians of each column, and of the per-round ratios peer / unika (unlabelled
# and labelled): a round's systems ran back to back under the same load.
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
col() { awk -v c="$1" '{ print $c }' "$work/rounds.txt" | median; }
ratio() { awk -v a="$1" -v b="$2" '{ print $a / $b }' "$work/rounds.txt" | median; }
range() { awk -v c="$1" '{ print $c }' "$work/rounds.txt" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f–%.2f", lo, hi }'; }
table=$(
  echo "Union of 1,000 stored sketches (n = 3,000 each) and its estimate; $ROUNDS interleaved"
  echo "rounds, one run of each system per round, $(date -u +%F), load average $load0 before and"
  echo "$load1 after (2 cores shared with other jobs; figures under load, ratios within rounds)."
  echo
  echo "| system | median ms | range ms | peer / unika (median of rounds) | peer / unika labelled |"
  echo "|---|---|---|---|---|"
  printf '| unika p = 12, unlabelled files | %.2f | %s | | |\n' "$(col 1)" "$(range 1)"
  printf '| unika p = 12, 4 labels per file | %.2f | %s | | |\n' "$(col 2)" "$(range 2)"
  printf '| pg-hll 12/5 (`hll_union_agg`, server time) | %.2f | %s | %.1f× | %.1f× |\n' "$(col 3)" "$(range 3)" "$(ratio 3 1)" "$(ratio 3 2)"
  printf '| pg-hll 11/5, its default (server time) | %.2f | %s | %.1f× | %.1f× |\n' "$(col 4)" "$(range 4)" "$(ratio 4 1)" "$(ratio 4 2)"
  printf '| Redis p = 14 (`PFMERGE` + `PFCOUNT`, server time) | %.2f | %s | %.1f× | %.1f× |\n' "$(col 5)" "$(range 5)" "$(ratio 5 1)" "$(ratio 5 2)"
  echo
  echo "Command: \`bash bench/peers/speed_rounds.sh --write docs/peers.md build $ROUNDS\`."
)
echo "$table"
if [ -n "$write" ]; then
  awk -v t="$table" '/<!-- speed_rounds:begin -->/ { print; print t; skip = 1; next }
                     /<!-- speed_rounds:end -->/ { skip = 0 } !skip' "$write" >"$write.tmp"
  mv "$write.tmp" "$write"
fi
