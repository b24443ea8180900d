#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL server: initialised in a temporary
# directory, listening on 127.0.0.1 only, stopped and removed afterwards.
# Usage: scripts/with-postgres.sh COMMAND...   (TAIZHANG_DATABASE_URL is set for it)
set -euo pipefail
pg_bin() {
  command -v "$1" 2>/dev/null || ls /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n1
}
INITDB=$(pg_bin initdb); PG_CTL=$(pg_bin pg_ctl); PSQL=$(pg_bin psql)
as_pg=(); [ "$(id -u)" -eq 0 ] && as_pg=(runuser -u postgres --)
dir=$(mktemp -d /tmp/taizhang-pg.XXXXXX)
chmod 755 "$dir"; [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop() {
  "${as_pg[@]}" "$PG_CTL" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
"${as_pg[@]}" "$INITDB" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$PG_CTL" -D "$dir/data" -l "$dir/log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
"${as_pg[@]}" "$PSQL" -q -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE taizhang" >/dev/null
export TAIZHANG_DATABASE_URL="postgresql://postgres@127.0.0.1:$port/taizhang"
"$@"
