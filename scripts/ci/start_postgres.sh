#!/usr/bin/env bash
# Start a throw-away PostgreSQL server for hadath's store tests.
#
# Installs Debian's PostgreSQL server packages if missing, initialises a
# cluster in $HADATH_PG_DIR (default /tmp/hadath-pg), starts it on
# 127.0.0.1:$HADATH_PG_PORT (default 54329), creates the test role and
# database, and prints the URL as a shell line:
#
#     eval "$(scripts/ci/start_postgres.sh)"   # sets HADATH_TEST_PG_URL
#
# Idempotent: a second run reuses the cluster and the running server.
# Run as root (CI) the server runs as the `postgres` user; run as another
# user it runs as that user.  Messages go to stderr, only the export line to
# stdout.
set -euo pipefail

PG_DIR="${HADATH_PG_DIR:-/tmp/hadath-pg}"
PG_PORT="${HADATH_PG_PORT:-54329}"
PG_DB="${HADATH_PG_DB:-hadath_test}"
PG_USER="${HADATH_PG_USER:-hadath}"
PG_PASS="${HADATH_PG_PASSWORD:-hadath}"

log() { echo "start_postgres: $*" >&2; }

find_bindir() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
    if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
    return 1
}

BINDIR=$(find_bindir || true)
if [ -z "$BINDIR" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        log "PostgreSQL server binaries not found and not root: cannot install them"
        exit 1
    fi
    log "installing postgresql (Debian packages)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    # The Debian package would start its own cluster on 5432; tell
    # invoke-rc.d not to start services while installing.
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    apt-get install -y -qq --no-install-recommends postgresql postgresql-client >&2
    rm -f /usr/sbin/policy-rc.d
    BINDIR=$(find_bindir)
fi

if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$PG_DIR" --shell /bin/sh postgres
    RUN_AS=postgres
    as_pg() { runuser -u postgres -- "$@"; }
else
    RUN_AS=$(id -un)
    as_pg() { "$@"; }
fi

mkdir -p "$PG_DIR"
if [ "$(id -u)" -eq 0 ]; then chown "$RUN_AS" "$PG_DIR"; fi
chmod 700 "$PG_DIR"
DATA="$PG_DIR/data"

if [ ! -f "$DATA/PG_VERSION" ]; then
    log "initialising cluster in $DATA"
    as_pg "$BINDIR/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >&2 \
        || as_pg "$BINDIR/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C >&2
fi

if as_pg "$BINDIR/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    log "server already running"
else
    log "starting server on 127.0.0.1:$PG_PORT"
    as_pg "$BINDIR/pg_ctl" -D "$DATA" -l "$PG_DIR/server.log" -w -t 60 start \
        -o "-h 127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >&2
fi

psql_pg() { as_pg "$BINDIR/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
for _ in $(seq 1 30); do
    psql_pg -d postgres -c "SELECT 1" >/dev/null 2>&1 && break
    sleep 1
done

if [ "$(psql_pg -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'")" != "1" ]; then
    psql_pg -d postgres -c "CREATE ROLE \"$PG_USER\" LOGIN PASSWORD '$PG_PASS' CREATEDB" >&2
fi
if [ "$(psql_pg -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != "1" ]; then
    psql_pg -d postgres -c "CREATE DATABASE \"$PG_DB\" OWNER \"$PG_USER\" ENCODING 'UTF8' TEMPLATE template0" >&2
fi

URL="postgresql+psycopg://$PG_USER:$PG_PASS@127.0.0.1:$PG_PORT/$PG_DB"
log "ready: $URL (stop with: ${RUN_AS:+runuser -u $RUN_AS -- }$BINDIR/pg_ctl -D $DATA stop)"
echo "export HADATH_TEST_PG_URL=$URL"
