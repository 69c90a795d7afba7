# bench/peers/servers.sh - sourced by peers.sh and speed_rounds.sh: starts
# PostgreSQL (with hll) and Redis on Unix sockets in a temporary directory,
# defines psql_ and rcli, and stops both by PID on exit. Needs $pgbin.
work=$(mktemp -d /tmp/unika-peers.XXXXXX)
chmod 755 "$work"
pg_pid="" redis_pid=""
cleanup() {
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null || true
  [ -n "$pg_pid" ] && kill -INT "$pg_pid" 2>/dev/null || true
  sleep 1; rm -rf "$work"
}
trap cleanup EXIT

# ---- servers ---------------------------------------------------------------
mkdir "$work/pg" && chown postgres "$work/pg"
runuser -u postgres -- "$pgbin/initdb" -D "$work/pg/data" -A trust -U postgres >/dev/null
runuser -u postgres -- "$pgbin/postgres" -D "$work/pg/data" -k "$work/pg" \
  -c listen_addresses= -c fsync=off -c shared_buffers=256MB -c work_mem=256MB \
  >"$work/pg/log" 2>&1 &
pg_pid=$!
redis-server --port 0 --unixsocket "$work/redis.sock" --save '' --appendonly no \
  >"$work/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 50); do
  runuser -u postgres -- "$pgbin/pg_isready" -h "$work/pg" -q 2>/dev/null && \
    [ -S "$work/redis.sock" ] && break
  sleep 0.2
done
psql_() { psql -h "$work/pg" -U postgres -X -q -At "$@"; }
rcli() { redis-cli -s "$work/redis.sock" "$@"; }
psql_ -c "create extension hll"
