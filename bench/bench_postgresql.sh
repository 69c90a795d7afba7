#!/usr/bin/env bash
# bench_postgresql.sh - the PostgreSQL extension's speed, beside hll, on the
# same rows in the same run (docs/postgresql.md, docs/benchmarks.md).
#
#   bash bench/bench_postgresql.sh [ROWS] [ROUNDS]     (default 1000000, 5)
#
# A throwaway server (bindings/postgresql/test/server.sh: private install,
# Unix socket, stopped by PID) holds ROWS rows of a 32-byte pseudonym and
# the identifying fields of a synthetic person (name, birth year, gender).
# Each round runs, in this order, one backend, no parallel workers, the
# table in shared buffers:
#   scan        count(p): the cost of reading the rows, for reference
#   unika_agg   unika_sketch_agg(p, 'loose')            sketch from pseudonyms
#   hll_agg     hll_add_agg(hll_hash_bytea(p))          hll from the same rows
#   unika_hash  count(unika_hash(p))    the keyed SipHash alone, as a function
#   hll_hash    count(hll_hash_bytea(p))   hll's MurmurHash3 alone
#   pseudonym   count(unika_pseudonym('loose', ...))    pseudonymise in SQL
#   pseudo_agg  unika_sketch_agg(unika_pseudonym(...))  both, as a partner would
#   unika_par2  unika_sketch_agg(p, 'loose') with 2 parallel workers
# and prints rows per second per round, then the median and range, and the
# load (uptime) before and after. Then the accuracy an hll export keeps:
# for n = 500, 5,000, 100,000 distinct pseudonyms (TRIALS sets each, default
# 200, 100 at 10^5), unika's estimate and hll_cardinality(unika_to_hll(...))
# of the same sketch, as relative bias and RMSE against the truth.
# Figures are printed, never asserted.
set -euo pipefail
ROWS=${1:-1000000}
ROUNDS=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bindings/postgresql/test/server.sh"
pg_check_installed
build=$root/build
unika=$build/src/cli/unika
[ -x "$unika" ] || cmake --build "$build" --target unika_cli >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/unika-pg-bench.XXXXXX")
trap 'pg_stop; rm -rf "$work"' EXIT
pg_build "$work"
mkdir -p "$work/fx"
"$unika" keygen -o "$work/fx/bench.key" >/dev/null
pg_start "$work" "unika.key_file=$work/fx/bench.key" shared_buffers=512MB work_mem=256MB \
  max_parallel_workers_per_gather=0 jit=off

echo "load before: $(uptime)"
psql_ <<SQL
CREATE EXTENSION hll;
CREATE EXTENSION unika;
CREATE TABLE people AS
SELECT sha256(int8send(i)) AS p,
       'Person' || i || ' Family' || (i % 9973) AS name,
       (1960 + i % 50)::text AS birth_year,
       CASE i % 3 WHEN 0 THEN 'M' WHEN 1 THEN 'F' ELSE 'X' END AS gender
FROM generate_series(1, $ROWS) i;
VACUUM ANALYZE people;
CREATE EXTENSION pg_prewarm;
SELECT pg_prewarm('people') > 0;
CREATE FUNCTION seconds(q text) RETURNS double precision LANGUAGE plpgsql AS \$\$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
    EXECUTE q;
    RETURN extract(epoch FROM clock_timestamp() - t0);
END \$\$;
CREATE TABLE timing (round int, what text, rows_per_s double precision);
SQL
psql_ >/dev/null <<SQL
SELECT count(p) FROM people;
SELECT unika_sketch_agg(p, 'loose') IS NOT NULL FROM people;
SQL

for r in $(seq "$ROUNDS"); do
  psql_ >/dev/null <<SQL
INSERT INTO timing VALUES
  ($r, 'scan', $ROWS / seconds('SELECT count(p) FROM people'));
INSERT INTO timing VALUES
  ($r, 'unika_agg', $ROWS / seconds('SELECT unika_sketch_agg(p, ''loose'') FROM people'));
INSERT INTO timing VALUES
  ($r, 'hll_agg', $ROWS / seconds('SELECT hll_add_agg(hll_hash_bytea(p)) FROM people'));
INSERT INTO timing VALUES
  ($r, 'unika_hash', $ROWS / seconds('SELECT count(unika_hash(p)) FROM people'));
INSERT INTO timing VALUES
  ($r, 'hll_hash', $ROWS / seconds('SELECT count(hll_hash_bytea(p)) FROM people'));
INSERT INTO timing VALUES
  ($r, 'pseudonym', $ROWS / seconds('SELECT count(unika_pseudonym(''loose'', name => name,
      birth_year => birth_year, gender => gender)) FROM people'));
INSERT INTO timing VALUES
  ($r, 'pseudo_agg', $ROWS / seconds('SELECT unika_sketch_agg(unika_pseudonym(''loose'',
      name => name, birth_year => birth_year, gender => gender), ''loose'') FROM people'));
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
INSERT INTO timing VALUES
  ($r, 'unika_par2', $ROWS / seconds('SELECT unika_sketch_agg(p, ''loose'') FROM people'));
SQL
done

echo "rows: $ROWS, rounds: $ROUNDS (interleaved), PostgreSQL $(psql_ -c 'SHOW server_version')," \
  "hll $(psql_ -c "SELECT extversion FROM pg_extension WHERE extname = 'hll'")"
echo "what | median rows/s | min | max | median ns/row | rows/s per round"
psql_ -P footer=off -F ' | ' <<'SQL'
SELECT what,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY rows_per_s)) AS median_rows_per_s,
       round(min(rows_per_s)) AS min, round(max(rows_per_s)) AS max,
       round(1e9 / percentile_cont(0.5) WITHIN GROUP (ORDER BY rows_per_s)) AS median_ns_per_row,
       string_agg(round(rows_per_s)::text, ' ' ORDER BY round) AS per_round
FROM timing GROUP BY what
ORDER BY array_position(ARRAY['scan', 'unika_agg', 'hll_agg', 'unika_hash', 'hll_hash',
                              'pseudonym', 'pseudo_agg', 'unika_par2'], what);
SQL
# The aggregates did their work: both count the same rows.
psql_ -c "SELECT 'check: unika_estimate ' || round(unika_estimate(unika_sketch_agg(p, 'loose')))
          || ', hll_cardinality ' || round(hll_cardinality(hll_add_agg(hll_hash_bytea(p))))
          || ' of $ROWS rows' FROM people"
TRIALS=${TRIALS:-200}
echo "n | trials | unika bias % | unika RMSE % | hll export bias % | hll export RMSE %"
psql_ -P footer=off -F ' | ' <<SQL
CREATE TABLE acc AS
SELECT n, t, unika_estimate(s) AS unika, hll_cardinality(unika_to_hll(s)::hll) AS hll
FROM (SELECT n, t, unika_sketch_agg(sha256(int8send(n * 1000000000::bigint + t * 1000000 + i)),
                                    'loose') AS s
      FROM (VALUES (500, $TRIALS), (5000, $TRIALS), (100000, greatest($TRIALS / 2, 1))) v(n, trials)
      CROSS JOIN LATERAL generate_series(1, trials) t
      CROSS JOIN LATERAL generate_series(1, n) i
      GROUP BY n, t) x;
SELECT n, count(*) AS trials,
       round(100 * avg(unika / n - 1)::numeric, 3) AS unika_bias_pct,
       round(100 * sqrt(avg((unika / n - 1) ^ 2))::numeric, 3) AS unika_rmse_pct,
       round(100 * avg(hll / n - 1)::numeric, 3) AS hll_export_bias_pct,
       round(100 * sqrt(avg((hll / n - 1) ^ 2))::numeric, 3) AS hll_export_rmse_pct
FROM acc GROUP BY n ORDER BY n;
SELECT 'hll export RSE / unika RSE at n = 100000: '
       || round((sqrt(avg((hll / n - 1) ^ 2)) / sqrt(avg((unika / n - 1) ^ 2)))::numeric, 2)
FROM acc WHERE n = 100000;
SQL
echo "load after: $(uptime)"
