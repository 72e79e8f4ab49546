#!/usr/bin/env bash
# A private PostgreSQL for Ferry's clustered mode (tests, CI, trying a cluster on one machine).
#
#   scripts/postgres.sh [start]   install PostgreSQL from Debian if missing, start Ferry's own
#                                 cluster, create role and database `ferry`, print the JDBC URL
#   scripts/postgres.sh stop      stop that cluster (its data stays in $FERRY_PG_DIR)
#   scripts/postgres.sh status    exit 0 and print the JDBC URL if it is running, else exit 3
#
# It never touches the system's PostgreSQL service: the cluster lives in $FERRY_PG_DIR, listens
# on 127.0.0.1 only, and is run by the `postgres` user through pg_ctl. Idempotent; when the
# cluster already runs it only prints the URL. Only the URL goes to stdout; progress goes to
# stderr.
#
# Environment (defaults in brackets):
#   FERRY_PG_DIR       [/tmp/ferry-pg]  data directory, log and socket directory
#   FERRY_PG_PORT      [54329]          TCP port on 127.0.0.1
#   FERRY_PG_USER      [ferry]          role created for Ferry (also the database's name); it
#                                       may create databases (tests make one each)
#   FERRY_PG_PASSWORD  [ferry]          that role's password (TCP logins use scram-sha-256)
set -euo pipefail

PG_DIR="${FERRY_PG_DIR:-/tmp/ferry-pg}"
PG_PORT="${FERRY_PG_PORT:-54329}"
PG_ROLE="${FERRY_PG_USER:-ferry}"
PG_PASSWORD="${FERRY_PG_PASSWORD:-ferry}"
DATA="$PG_DIR/data"
SOCKET_DIR="$PG_DIR/socket"
LOG="$PG_DIR/postgres.log"
URL="jdbc:postgresql://127.0.0.1:${PG_PORT}/${PG_ROLE}"

say() { echo "postgres.sh: $*" >&2; }
die() {
  say "$*"
  exit 1
}

case "$PG_ROLE" in
  *[!a-z0-9_]* | "") die "FERRY_PG_USER must be lower-case letters, digits and _ (was '$PG_ROLE')" ;;
esac
case "$PG_PORT" in
  *[!0-9]* | "") die "FERRY_PG_PORT must be a port number (was '$PG_PORT')" ;;
esac

# The newest installed server's bin directory (Debian keeps them in /usr/lib/postgresql/N/bin).
pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "$dir" && -x "$dir/initdb" ]]; then
    echo "$dir"
  elif command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
  fi
}

# Runs a command as the server's owner: PostgreSQL refuses to run as root.
as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

install_postgres() {
  [[ "$(id -u)" == 0 ]] || die "PostgreSQL is not installed and installing it needs root:" \
    "run 'apt-get install postgresql' as root, or this script as root"
  command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and there is no apt-get" \
    "to install it with; install PostgreSQL 13 or newer and put its bin directory on PATH"
  say "installing PostgreSQL from Debian (apt-get install postgresql)"
  # Keep the package from starting the system's own cluster: a policy-rc.d that says "no" while
  # it installs (only if the machine has none already).
  local policy=/usr/sbin/policy-rc.d added_policy=""
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && added_policy=1
  fi
  local rc=0
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } \
    >"${TMPDIR:-/tmp}/ferry-pg-install.log" 2>&1 || rc=$?
  [[ -n "$added_policy" ]] && rm -f "$policy"
  ((rc == 0)) || die "apt-get install postgresql failed (exit $rc); see ${TMPDIR:-/tmp}/ferry-pg-install.log"
}

running() {
  local bin="$1"
  [[ -f "$DATA/PG_VERSION" ]] && as_owner "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1 &&
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" >/dev/null 2>&1
}

psql_admin() {
  as_owner "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKET_DIR" -p "$PG_PORT" -U postgres "$@"
}

ensure_role_and_database() {
  local role_exists db_exists
  # CREATEDB: tests make a throwaway database each, so that runs never see each other's channels.
  role_exists="$(psql_admin -d postgres -tAc \
    "SELECT CASE WHEN rolcreatedb THEN 2 ELSE 1 END FROM pg_roles WHERE rolname = '$PG_ROLE'")"
  if [[ -z "$role_exists" ]]; then
    say "creating role $PG_ROLE"
    psql_admin -d postgres -c \
      "CREATE ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '${PG_PASSWORD//\'/\'\'}'"
  elif [[ "$role_exists" == 1 ]]; then
    psql_admin -d postgres -c "ALTER ROLE $PG_ROLE CREATEDB"
  fi
  db_exists="$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_ROLE'")"
  if [[ "$db_exists" != 1 ]]; then
    say "creating database $PG_ROLE"
    psql_admin -d postgres -c "CREATE DATABASE $PG_ROLE OWNER $PG_ROLE"
  fi
}

start() {
  BIN="$(pg_bin)"
  if [[ -n "$BIN" ]] && running "$BIN"; then
    ensure_role_and_database
    echo "$URL"
    return 0
  fi
  [[ -n "$BIN" ]] || install_postgres
  BIN="$(pg_bin)"
  [[ -n "$BIN" ]] || die "PostgreSQL was installed but no initdb was found under /usr/lib/postgresql"
  id postgres >/dev/null 2>&1 || [[ "$(id -u)" != 0 ]] ||
    die "there is no 'postgres' user to run the server as (the Debian package creates it)"

  mkdir -p "$PG_DIR"
  [[ "$(id -u)" == 0 ]] && chown postgres: "$PG_DIR"
  chmod 700 "$PG_DIR"
  as_owner mkdir -p "$SOCKET_DIR"

  if [[ ! -f "$DATA/PG_VERSION" ]]; then
    say "initialising a cluster in $DATA"
    as_owner "$BIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C \
      --auth-local=trust --auth-host=scram-sha-256 >"$PG_DIR/initdb.log" 2>&1 ||
      die "initdb failed; see $PG_DIR/initdb.log"
  fi

  if ! as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    say "starting PostgreSQL on 127.0.0.1:$PG_PORT (log: $LOG)"
    # 9>&-: the server must not inherit the lock, or it would hold it for as long as it runs.
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
      -o "-p $PG_PORT -k $SOCKET_DIR -c listen_addresses=127.0.0.1 -c max_connections=200" \
      start >&2 9>&- || die "PostgreSQL did not start; last lines of $LOG: $(tail -n 5 "$LOG" 2>/dev/null)"
  fi
  local i
  for ((i = 0; i < 60; i++)); do
    "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && break
    sleep 0.5
  done
  "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" ||
    die "PostgreSQL runs but does not accept connections on 127.0.0.1:$PG_PORT; see $LOG"

  ensure_role_and_database
  echo "$URL"
}

stop() {
  BIN="$(pg_bin)"
  if [[ -z "$BIN" || ! -f "$DATA/PG_VERSION" ]]; then
    say "no Ferry PostgreSQL cluster in $DATA"
    return 0
  fi
  if as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2
  else
    say "not running"
  fi
}

status() {
  BIN="$(pg_bin)"
  if [[ -n "$BIN" ]] && running "$BIN"; then
    echo "$URL"
  else
    say "not running"
    exit 3
  fi
}

# One caller at a time (tests and bin/test may start it concurrently).
mkdir -p "$(dirname "$PG_DIR")"
exec 9>"$PG_DIR.lock"
flock -w 300 9 || die "timed out waiting for the lock $PG_DIR.lock"

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "usage: $0 [start|stop|status]" ;;
esac
