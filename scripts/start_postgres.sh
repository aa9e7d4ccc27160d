#!/usr/bin/env bash
# Install (if needed) and start a local PostgreSQL server for the store tests.
#
#   export EVENTWIRE_TEST_PG="$(bash scripts/start_postgres.sh)"
#   python -m pytest -m postgres -q
#
# Prints one line, the URL (postgresql://...), on stdout; progress goes to stderr
# (scripts/run_tests.sh reads the URL from the last line). Idempotent: an already running server, role and database are
# reused. Listens on 127.0.0.1 only. Settings (environment): EVENTWIRE_PG_PORT
# (5432), EVENTWIRE_PG_USER (eventwire), EVENTWIRE_PG_PASSWORD (eventwire),
# EVENTWIRE_PG_DB (eventwire_test).
#
# On Debian/Ubuntu it uses the packaged cluster tools (pg_lsclusters, pg_ctlcluster);
# elsewhere it falls back to initdb + pg_ctl in $EVENTWIRE_PG_DATA
# (/tmp/eventwire-pg), run as the postgres user when started as root
# (EVENTWIRE_PG_MODE=pg_ctl forces that way on Debian too).
set -euo pipefail

PORT="${EVENTWIRE_PG_PORT:-5432}"
PGUSER_NAME="${EVENTWIRE_PG_USER:-eventwire}"
PGPASS="${EVENTWIRE_PG_PASSWORD:-eventwire}"
PGDB="${EVENTWIRE_PG_DB:-eventwire_test}"
DATA="${EVENTWIRE_PG_DATA:-/tmp/eventwire-pg}"

log() { echo "start_postgres: $*" >&2; }

as_postgres() {
    if [ "$(id -u)" = 0 ]; then
        if command -v runuser >/dev/null; then runuser -u postgres -- "$@"; else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi
    else
        "$@"
    fi
}

pg_bin() {
    # The newest installed server's bin directory.
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

# 1. Install the server if it is missing.
if [ -z "$(pg_bin)" ] && ! command -v initdb >/dev/null; then
    log "installing postgresql (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
fi

BIN="$(pg_bin)"
[ -n "$BIN" ] && export PATH="$BIN:$PATH"

# 2. Start it.
MODE="${EVENTWIRE_PG_MODE:-auto}"
if [ "$MODE" != pg_ctl ] && command -v pg_lsclusters >/dev/null && command -v pg_ctlcluster >/dev/null; then
    MODE=cluster
    VERSION="$(basename "$(dirname "$BIN")")"
    if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main"' | grep -q .; then
        log "creating cluster $VERSION/main"
        pg_createcluster "$VERSION" main -p "$PORT" >&2
    fi
    CLUSTER_PORT="$(pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" {print $3}')"
    PORT="$CLUSTER_PORT"
    if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
        log "starting cluster $VERSION/main on 127.0.0.1:$PORT"
        pg_ctlcluster "$VERSION" main start -o "-c listen_addresses=127.0.0.1" >&2
    fi
else
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$DATA" postgres
    if [ ! -f "$DATA/PG_VERSION" ]; then
        log "initdb in $DATA"
        mkdir -p "$DATA" && chown postgres "$DATA"
        as_postgres initdb -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 >&2
    fi
    if ! as_postgres pg_ctl -D "$DATA" status >/dev/null 2>&1; then
        log "starting server in $DATA on 127.0.0.1:$PORT"
        as_postgres pg_ctl -D "$DATA" -l "$DATA/server.log" -w \
            -o "-c listen_addresses=127.0.0.1 -p $PORT -k /tmp" start >&2
    fi
fi

for _ in $(seq 1 60); do
    pg_isready -h 127.0.0.1 -p "$PORT" -q && break
    sleep 0.5
done
pg_isready -h 127.0.0.1 -p "$PORT" >&2

# 3. A role and a database for the tests (over the local socket as the superuser).
psql_admin() {
    if [ "$MODE" = cluster ]; then
        as_postgres psql -p "$PORT" -X -q -v ON_ERROR_STOP=1 "$@"
    else
        as_postgres psql -h /tmp -p "$PORT" -X -q -v ON_ERROR_STOP=1 "$@"
    fi
}
if [ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$PGUSER_NAME'")" != 1 ]; then
    log "creating role $PGUSER_NAME"
    psql_admin -c "CREATE ROLE \"$PGUSER_NAME\" LOGIN PASSWORD '$PGPASS' CREATEDB"
fi
if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$PGDB'")" != 1 ]; then
    log "creating database $PGDB"
    psql_admin -c "CREATE DATABASE \"$PGDB\" OWNER \"$PGUSER_NAME\""
fi

URL="postgresql://$PGUSER_NAME:$PGPASS@127.0.0.1:$PORT/$PGDB"
echo "$URL"
