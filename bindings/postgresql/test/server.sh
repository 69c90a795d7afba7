# server.sh - sourced by run.sh and bench/postgresql.sh: a throwaway
# PostgreSQL 15 with the unika extension, on a Unix socket in a private
# temporary directory, stopped by PID when the caller exits.
#
# After `pg_start WORK [SETTING=VALUE...]`: $PGHOST (the socket directory),
# $pg_pid, psql_ (psql as the superuser "postgres", quiet, unaligned).
# The extension is built out of tree with PGXS and installed into a
# private copy of the server's tree (binaries copied, everything else
# linked), so nothing outside WORK is written; as root the server runs as
# the "postgres" user (initdb refuses root) and WORK is made readable to it.

pg_config_=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
here_pg=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

pg_as() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_check_installed() {
  local missing=""
  [ -x "$pg_config_" ] || missing="postgresql-server-dev-15"
  [ -n "$missing" ] || [ -f "$("$pg_config_" --pgxs)" ] || missing="postgresql-server-dev-15"
  [ -n "$missing" ] || [ -x "$("$pg_config_" --bindir)/postgres" ] || missing="postgresql-15"
  [ -n "$missing" ] || [ -f "$("$pg_config_" --sharedir)/extension/hll.control" ] ||
    missing="postgresql-15-hll"
  if [ -n "$missing" ]; then
    echo "postgresql: $missing is not installed: run scripts/setup-debian.sh" >&2
    return 1
  fi
}

# pg_build WORK: the extension built in WORK/build, installed into WORK/inst.
pg_build() {
  local work=$1 bindir sharedir pkglibdir inst=$1/inst
  bindir=$("$pg_config_" --bindir)
  sharedir=$("$pg_config_" --sharedir)
  pkglibdir=$("$pg_config_" --pkglibdir)
  mkdir -p "$work/build"
  make -s -C "$work/build" -f "$here_pg/Makefile" PG_CONFIG="$pg_config_" -j2 >/dev/null
  make -s -C "$work/build" -f "$here_pg/Makefile" PG_CONFIG="$pg_config_" install \
    DESTDIR="$inst" >/dev/null
  # The server finds its share and lib directories relative to its own
  # binary, so a copy of the binaries beside linked trees is a private
  # installation that sees the new extension and every installed one (hll).
  mkdir -p "$inst$bindir"
  cp "$bindir/postgres" "$bindir/initdb" "$inst$bindir/"
  cp -rsn "$sharedir/." "$inst$sharedir/"
  cp -rsn "$pkglibdir/." "$inst$pkglibdir/"
  pg_bin=$inst$bindir
  pg_sys_bin=$bindir
}

# pg_start WORK [NAME=VALUE...]: initdb and start; extra server settings.
pg_start() {
  local work=$1
  shift
  local opts=()
  for kv in "$@"; do opts+=(-c "$kv"); done
  chmod 755 "$work"
  if [ "$(id -u)" = 0 ]; then chown -R postgres: "$work"; fi
  pg_as "$pg_bin/initdb" -D "$work/data" -A trust -U postgres -E UTF8 --locale=C --no-sync \
    >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; return 1; }
  pg_as "$pg_bin/postgres" -D "$work/data" -k "$work" -c listen_addresses= -c fsync=off \
    -c max_worker_processes=8 -c max_parallel_workers=8 "${opts[@]}" \
    >"$work/server.log" 2>&1 &
  pg_pid=$!
  export PGHOST=$work PGUSER=postgres PGPORT=5432
  for _ in $(seq 100); do
    "$pg_sys_bin/pg_isready" -q 2>/dev/null && return 0
    kill -0 "$pg_pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$work/server.log" >&2
  return 1
}

# Stops the server by its postmaster's PID (runuser does not pass signals
# on), fast shutdown, and waits for it.
pg_stop() {
  if [ -n "${pg_pid:-}" ]; then
    local pm=""
    [ -f "$PGHOST/data/postmaster.pid" ] && pm=$(head -n 1 "$PGHOST/data/postmaster.pid")
    if [ -n "$pm" ]; then kill -INT "$pm" 2>/dev/null || true; fi
    kill -INT "$pg_pid" 2>/dev/null || true
    wait "$pg_pid" 2>/dev/null || true
    pg_pid=""
  fi
}

psql_() { "$pg_sys_bin/psql" -X -q -At -v ON_ERROR_STOP=1 "$@"; }
