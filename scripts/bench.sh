#!/usr/bin/env bash
# The benchmark: seeds 100,000 customers and 50,000 deals (one pipeline) in one organization
# (plus 10 organizations with 10,000 customers each), then measures the release build on
# 127.0.0.1 with wrk at concurrency 8: /api/customers/list (first page, page 2,000, a search, a
# term common in the other organizations but rare in this one), the global search (search/all),
# the server-rendered customers page, the deals board and the deals list, the analytics
# endpoints and page; also peak RSS, cold
# start and the release WASM size.
#
# usage: scripts/bench.sh [sqlite] [postgres]      (default: both)
#   BENCH_SECONDS   seconds per measurement (default 15)
#   BENCH_PG_URL    PostgreSQL server (default $TEST_POSTGRES_URL or postgres://postgres@127.0.0.1:5432/test)
# Results: bench/results/summary.md (and the raw wrk outputs beside it).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/lib.sh

SECONDS_PER_RUN=${BENCH_SECONDS:-15}
PG_URL=${BENCH_PG_URL:-${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}}
PORT=3300
BASE="http://127.0.0.1:$PORT"
OUT=bench/results
BACKENDS=("$@")
[ ${#BACKENDS[@]} -gt 0 ] || BACKENDS=(sqlite postgres)
mkdir -p "$OUT"

need=()
for tool in wrk brotli sqlite3 psql curl; do command -v "$tool" >/dev/null || need+=("$tool"); done
if [ ${#need[@]} -gt 0 ]; then
  pkgs=$(printf '%s\n' "${need[@]}" | sed 's/^psql$/postgresql-client/')
  apt-get update -qq && apt-get install -y -qq $pkgs >/dev/null
fi
# The asset names carry a hash (Cargo.toml: hash-files): too-good-crm.<hash>.wasm.
[ -x target/release/too-good-crm ] && ls target/site/pkg/too-good-crm.*.wasm >/dev/null 2>&1 || cargo leptos build --release

SERVER_PID=""
trap stop_server EXIT

# Starts the server on $DATABASE_URL; sets STARTUP_MS to the time until /healthz answered.
start_server() {
  local t0 t1
  t0=$(date +%s%N)
  LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=too-good-crm LEPTOS_SITE_PKG_DIR=pkg \
    RUST_LOG=warn target/release/too-good-crm >"$OUT/server-$BACKEND.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    if curl -fsS "$BASE/healthz" >/dev/null 2>&1; then
      t1=$(date +%s%N); STARTUP_MS=$(( (t1 - t0) / 1000000 )); return 0
    fi
    sleep 0.05
  done
  echo "server did not start; see $OUT/server-$BACKEND.log" >&2; exit 1
}

# Runs SQL on the bench database (either backend).
run_sql() {
  if [ "$BACKEND" = sqlite ]; then sqlite3 "$DB_FILE" "$1"; else psql -q "$DATABASE_URL" -c "$1" >/dev/null; fi
}

# Runs wrk; appends "| name | req/s | p50 | p99 | errors |" to the table.
measure() {
  local name=$1 url=$2 header=$3 file
  file="$OUT/wrk-$BACKEND-$(echo "$1" | tr -c "a-z0-9\n" "-").txt"
  wrk -t1 -c8 -d"${SECONDS_PER_RUN}s" --timeout 10s --latency -H "$header" "$url" >"$file"
  local rps p50 p99 non2xx errors
  rps=$(awk '/Requests\/sec/ {print $2}' "$file")
  p50=$(awk '$1 == "50%" {print $2}' "$file")
  p99=$(awk '$1 == "99%" {print $2}' "$file")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$file"); errors=$(awk '/Socket errors/ {print $0}' "$file")
  echo "| $BACKEND | $name | $rps | $p50 | $p99 | ${non2xx:-0}${errors:+ ($errors)} |" >>"$OUT/table.md"
}

echo "| backend | endpoint | req/s | p50 | p99 | non-2xx |" >"$OUT/table.md"
echo "|---|---|---|---|---|---|" >>"$OUT/table.md"
: >"$OUT/other.md"

for BACKEND in "${BACKENDS[@]}"; do
  echo "== $BACKEND: preparing a fresh database"
  if [ "$BACKEND" = sqlite ]; then
    DB_FILE="$OUT/bench.db"; rm -f "$DB_FILE" "$DB_FILE-wal" "$DB_FILE-shm"
    export DATABASE_URL="sqlite://$DB_FILE?mode=rwc"
  else
    psql -q "$PG_URL" -c "drop database if exists tgc_bench with (force)" -c "create database tgc_bench" >/dev/null
    export DATABASE_URL="${PG_URL%/*}/tgc_bench"
  fi
  start_server
  read -r TOKEN ORG < <(register "bench@example.com" "Bench Main")
  echo "== $BACKEND: seeding 100,000 customers and 50,000 deals in organization $ORG and 10 x 10,000 customers elsewhere"
  t0=$(date +%s)
  seed customers "$ORG" 100000
  seed deals "$ORG" 50000
  others=()
  for i in $(seq 1 10); do read -r _ other < <(register "other$i@example.com" "Other $i"); seed customers "$other" 10000; others+=("$other"); done
  # A term common in the other organizations (all their 100,000 customers) but rare in this one
  # (3 customers): the search index (SQLite's trigram table) is shared by every organization.
  in_others=$(IFS=,; echo "${others[*]}")
  run_sql "update customers set company_name = 'Zephyr ' || company_name, search_text = search_text || ' zephyr'
           where organization_id in ($in_others)
              or id in (select id from customers where organization_id = $ORG order by id limit 3)"
  # Statistics for the planner, and on PostgreSQL the vacuum that autovacuum would soon run:
  # the bulk seed leaves the trigger-kept counter rows with 100,000s of dead versions.
  if [ "$BACKEND" = sqlite ]; then sqlite3 "$DB_FILE" "analyze;"; else psql -q "$DATABASE_URL" -c "vacuum analyze"; fi
  echo "   seeded in $(( $(date +%s) - t0 )) s"
  COOKIE=$(curl -fsS -o /dev/null -D - -X POST "$BASE/api/auth/login" --data-urlencode "email=bench@example.com" \
    --data-urlencode "password=bench-password" | awk -F'[ ;]' 'tolower($1) == "set-cookie:" {print $2}')
  AUTH="Authorization: Bearer $TOKEN"
  curl -fsS -H "$AUTH" "$BASE/api/customers/list?page=2000" | grep -q '"results":\[{' || { echo "page 2000 is empty" >&2; exit 1; }
  echo "== $BACKEND: measuring (${SECONDS_PER_RUN}s each, 8 connections)"
  measure "list first page" "$BASE/api/customers/list" "$AUTH"
  measure "list page 2000" "$BASE/api/customers/list?page=2000" "$AUTH"
  measure "list search" "$BASE/api/customers/list?search=customer%2042%20of" "$AUTH"
  measure "SSR /customers page" "$BASE/customers" "Cookie: $COOKIE"
  curl -fsS -H "$AUTH" "$BASE/api/customers/list?search=zephyr" | grep -q '"count":3,' || { echo "the shared term does not find 3 customers" >&2; exit 1; }
  measure "list search, a term common elsewhere" "$BASE/api/customers/list?search=zephyr" "$AUTH"
  measure "global search" "$BASE/api/search/all?q=customer%2042%20of" "$AUTH"
  measure "global search, a term common elsewhere" "$BASE/api/search/all?q=zephyr" "$AUTH"
  curl -fsS -H "$AUTH" "$BASE/api/deals/board" | grep -q '"count":8334' || { echo "the board does not count 50,000 deals" >&2; exit 1; }
  measure "deals board" "$BASE/api/deals/board" "$AUTH"
  measure "deals list first page" "$BASE/api/deals/list" "$AUTH"
  measure "deals list search" "$BASE/api/deals/list?search=deal%20123" "$AUTH"
  measure "SSR /deals/board page" "$BASE/deals/board" "Cookie: $COOKIE"
  curl -fsS -H "$AUTH" "$BASE/api/analytics/revenue" | grep -q '"count":[1-9]' || { echo "no revenue in the analytics" >&2; exit 1; }
  measure "analytics dashboard" "$BASE/api/analytics/dashboard" "$AUTH"
  measure "analytics revenue by month" "$BASE/api/analytics/revenue" "$AUTH"
  measure "analytics revenue by day" "$BASE/api/analytics/revenue?period=day" "$AUTH"
  measure "analytics funnel" "$BASE/api/analytics/funnel" "$AUTH"
  measure "analytics employee performance" "$BASE/api/analytics/employee_performance" "$AUTH"
  measure "analytics top performers" "$BASE/api/analytics/top_performers" "$AUTH"
  measure "analytics quick stats" "$BASE/api/analytics/quick_stats" "$AUTH"
  measure "SSR /analytics page" "$BASE/analytics" "Cookie: $COOKIE"
  rss=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
  stop_server
  start_server
  stop_server
  echo "- $BACKEND: peak RSS during the runs $(( rss / 1024 )) MiB; cold start to first answer on the seeded database ${STARTUP_MS} ms" >>"$OUT/other.md"
done

wasm=$(ls target/site/pkg/too-good-crm.*.wasm | head -n 1)
raw=$(stat -c %s "$wasm"); gz=$(gzip -9c "$wasm" | wc -c); br=$(brotli -c -q 11 "$wasm" | wc -c)
echo "- release WASM: $(( raw / 1024 )) KiB raw, $(( gz / 1024 )) KiB gzip, $(( br / 1024 )) KiB brotli" >>"$OUT/other.md"

{
  echo "Benchmark on $(nproc) cores, $(date -u +%Y-%m-%d), wrk -t1 -c8 -d${SECONDS_PER_RUN}s against the release build on 127.0.0.1"
  echo
  cat "$OUT/table.md"
  echo
  cat "$OUT/other.md"
} >"$OUT/summary.md"
cat "$OUT/summary.md"
