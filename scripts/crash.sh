#!/usr/bin/env bash
# Crash safety: on each backend, kills the release server with kill -9 25 times while six
# threads create customers, notes, activities, deals, issues, orders, payments and invitations
# (mail, to a maildev), change customers' status and move deals through the API, restarts it on the same database, and
# checks after each restart that every acknowledged
# write is there with its content, that the database passes its integrity checks and that the
# trigger-kept counts and the document numbers match the rows, and that every queued mail
# arrives exactly once, and that every customer's webhook event is stored with it and arrives
# (bench/crash.py says exactly what).
#
# usage: scripts/crash.sh [sqlite] [postgres]      (default: both)
#   CRASH_CYCLES   kills per backend (default 25)
#   CRASH_PG_URL   PostgreSQL server (default $TEST_POSTGRES_URL or postgres://postgres@127.0.0.1:5432/test);
#                  the database tgc_crash on it is dropped and created
#   CRASH_PORT     port of the server (default 3410)
# Results: bench/results/crash-summary.md (journals of acknowledged writes and server logs beside it).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

CYCLES=${CRASH_CYCLES:-25}
PG_URL=${CRASH_PG_URL:-${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}}
PORT=${CRASH_PORT:-3410}
OUT=bench/results
BACKENDS=("$@")
[ ${#BACKENDS[@]} -gt 0 ] || BACKENDS=(sqlite postgres)
mkdir -p "$OUT"

command -v psql >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql-client >/dev/null; }
# Mail goes to a maildev: writers also invite people, and every mail must arrive exactly once.
# shellcheck source=scripts/maildev.sh
source scripts/maildev.sh
start_maildev
export SMTP_URL="$TEST_SMTP_URL"
# Webhooks go to bench/crash.py's receiver on 127.0.0.1.
export WEBHOOK_ALLOW_ADDRESSES=127.0.0.1
[ -x target/release/too-good-crm ] || cargo leptos build --release

summary="$OUT/crash-summary.md"
echo "Crash safety on $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'): $CYCLES kills per backend" >"$summary"
status=0
for BACKEND in "${BACKENDS[@]}"; do
  echo "== $BACKEND: a fresh database"
  if [ "$BACKEND" = sqlite ]; then
    rm -f "$OUT/crash.db" "$OUT/crash.db-wal" "$OUT/crash.db-shm"
    url="sqlite://$OUT/crash.db?mode=rwc"
  else
    PGOPTIONS=--client-min-messages=warning psql -q "$PG_URL" -c "drop database if exists tgc_crash with (force)" -c "create database tgc_crash" >/dev/null
    url="${PG_URL%/*}/tgc_crash"
  fi
  rm -f "$OUT/crash-journal-$BACKEND.jsonl" "$OUT/crash-server-$BACKEND.log"
  python3 bench/crash.py --database-url "$url" --port "$PORT" --cycles "$CYCLES" --out "$OUT" --maildev "$TEST_MAILDEV_URL" --webhooks \
    | tee "$OUT/crash-$BACKEND.txt" \
    || status=1
  echo "- $BACKEND: $(tail -n 1 "$OUT/crash-$BACKEND.txt")" >>"$summary"
done
cat "$summary"
exit $status
