#!/usr/bin/env bash
# Two release servers on one fresh PostgreSQL database, on two ports used alternately (what a
# round-robin load balancer does): checks sessions, sign-in rate limits, document numbering,
# the default pipeline and optimistic concurrency across them, and that with the job worker
# running in both, 200 mails queued through both arrive exactly once each at a maildev
# (scripts/maildev.sh) and every webhook event, made through both while the receiver was down,
# arrives signed and in order per record (bench/two_servers.py says how).
#
# usage: scripts/two_servers.sh
#   TWO_PG_URL   PostgreSQL server (default $TEST_POSTGRES_URL or postgres://postgres@127.0.0.1:5432/test);
#                the database tgc_two on it is dropped and created
#   TWO_PORTS    the two ports (default "3412 3413")
# Results: bench/results/two-servers.txt (server logs beside it). Each server connects with
# application_name=two-server-<port>, which tells whose worker sent a mail.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

PG_URL=${TWO_PG_URL:-${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}}
read -r PORT_A PORT_B <<<"${TWO_PORTS:-3412 3413}"
OUT=bench/results
mkdir -p "$OUT"

for tool in psql curl; do command -v $tool >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql-client curl >/dev/null; }; done
[ -x target/release/too-good-crm ] || cargo leptos build --release

PGOPTIONS=--client-min-messages=warning psql -q "$PG_URL" -c "drop database if exists tgc_two with (force)" -c "create database tgc_two" >/dev/null
export DATABASE_URL="${PG_URL%/*}/tgc_two"

# Both servers send their mail to one maildev (SMTP_URL), where every mail must arrive once.
[ -x end2end/node_modules/.bin/maildev ] || { echo "maildev is missing: run scripts/setup.sh" >&2; exit 1; }
# shellcheck source=scripts/maildev.sh
source scripts/maildev.sh
start_maildev

PIDS=()
stop_servers() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; }
# One trap for both (start_maildev set its own, replaced here): the servers first, then maildev.
trap 'stop_servers; stop_maildev' EXIT

# Starts one server on the port; the first one also migrates the fresh database.
start_server() {
  local port=$1
  LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=too-good-crm LEPTOS_SITE_PKG_DIR=pkg \
    DATABASE_URL="$DATABASE_URL?application_name=two-server-$port" SMTP_URL="$TEST_SMTP_URL" WEBHOOK_ALLOW_ADDRESSES=127.0.0.1 \
    RUST_LOG=warn target/release/too-good-crm >"$OUT/two-server-$port.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 600); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0; sleep 0.05; done
  echo "the server on $port did not start; see $OUT/two-server-$port.log" >&2; exit 1
}
start_server "$PORT_A"
start_server "$PORT_B"

status=0
python3 bench/two_servers.py --database-url "$DATABASE_URL" --ports "$PORT_A" "$PORT_B" --maildev "$TEST_MAILDEV_URL" --webhooks \
  | tee "$OUT/two-servers.txt" || status=1
exit $status
