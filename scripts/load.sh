#!/usr/bin/env bash
# The load test: a mixed workload (70 % reads, 30 % writes; bench/load.lua) over many
# organizations at rising concurrency against the release build on 127.0.0.1, per backend on a
# fresh database. Each step runs wrk with one more doubling of connections for a fixed time and
# reports req/s, p50/p99, errors, the reads/writes mix actually sent and the CPU used by the
# server and by the rest of the machine (wrk and whatever else runs). Then it finds the knee.
#
# The knee: the first step whose throughput reaches 90 % of the highest throughput measured
# (saturation): beyond it more connections add little or no throughput, only queueing. A rule
# on step-to-step growth was tried first and tripped on one noisy step. "No errors
# below the knee" is checked: every step before the knee must have no non-2xx answer, no socket
# error and no timeout. Errors at or after the knee are reported, not hidden.
#
# usage: scripts/load.sh [sqlite] [postgres]      (default: both)
#   LOAD_SECONDS     seconds per step (default 10)
#   LOAD_STEPS       connections per step (default "1 2 4 8 16 32 64 128")
#   LOAD_ORGS        organizations (default 20), each with LOAD_CUSTOMERS customers (default
#                    2,000), 500 deals, 200 leads and 20 activities
#   LOAD_PG_URL      PostgreSQL server (default $TEST_POSTGRES_URL or postgres://postgres@127.0.0.1:5432/test);
#                    the database tgc_load on it is dropped and created
#   LOAD_PORT        port of the server (default 3400)
# Results: bench/results/load-summary.md (and the raw wrk outputs, server logs beside it).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/lib.sh

SECONDS_PER_STEP=${LOAD_SECONDS:-10}
read -r -a STEPS <<<"${LOAD_STEPS:-1 2 4 8 16 32 64 128}"
ORGS=${LOAD_ORGS:-20}
CUSTOMERS=${LOAD_CUSTOMERS:-2000}
PG_URL=${LOAD_PG_URL:-${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}}
PORT=${LOAD_PORT:-3400}
BASE="http://127.0.0.1:$PORT"
OUT=bench/results
BACKENDS=("$@")
[ ${#BACKENDS[@]} -gt 0 ] || BACKENDS=(sqlite postgres)
for backend in "${BACKENDS[@]}"; do
  case $backend in sqlite | postgres) ;; *) echo "unknown backend: $backend (sqlite or postgres)" >&2; exit 2 ;; esac
done
[ "$SECONDS_PER_STEP" -ge 1 ] && [ "$SECONDS_PER_STEP" -le 120 ] || { echo "LOAD_SECONDS: 1 to 120" >&2; exit 2; }
[ "$ORGS" -ge 1 ] && [ "$ORGS" -le 200 ] || { echo "LOAD_ORGS: 1 to 200" >&2; exit 2; }
[ "$CUSTOMERS" -ge 1000 ] && [ "$CUSTOMERS" -le 100000 ] || { echo "LOAD_CUSTOMERS: 1,000 to 100,000" >&2; exit 2; }
for c in "${STEPS[@]}"; do
  [ "$c" -ge 1 ] && [ "$c" -le 1024 ] || { echo "LOAD_STEPS: connections from 1 to 1024" >&2; exit 2; }
done
mkdir -p "$OUT"

need=()
for tool in wrk sqlite3 psql curl; do command -v "$tool" >/dev/null || need+=("$tool"); done
if [ ${#need[@]} -gt 0 ]; then
  pkgs=$(printf '%s\n' "${need[@]}" | sed 's/^psql$/postgresql-client/')
  apt-get update -qq && apt-get install -y -qq $pkgs >/dev/null
fi
# Only the API is driven: the server binary is enough (the site's files are not fetched).
[ -x target/release/too-good-crm ] || cargo leptos build --release

SERVER_PID=""
trap stop_server EXIT

# Starts the server on $DATABASE_URL (registrations are not rate-limited here: one client
# address registers every organization).
start_server() {
  LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=too-good-crm LEPTOS_SITE_PKG_DIR=pkg \
    LIMIT_REGISTER_ADDRESS=1000/10 RUST_LOG=warn target/release/too-good-crm >"$OUT/load-server-$BACKEND.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    curl -fsS "$BASE/healthz" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "server did not start; see $OUT/load-server-$BACKEND.log" >&2; exit 1
}

# sql QUERY: runs QUERY on the current database; prints rows as "a b c".
sql() {
  if [ "$BACKEND" = sqlite ]; then sqlite3 -separator ' ' "$DB_FILE" "$1"; else psql -qAtF ' ' "$DATABASE_URL" -c "$1"; fi
}

# post TOKEN PATH ARGS...: a form POST through the API that must succeed; prints the answer.
post() {
  local token=$1 path=$2
  shift 2
  curl -fsS -X POST -H "Authorization: Bearer $token" "$BASE$path" "$@"
}

# seed_org N: registers organization N, seeds it (customers and deals in SQL, leads by a CSV
# import, activities by the API) and prints "token org_id".
seed_org() {
  local n=$1 token org first i imported
  read -r token org < <(register "load$n@example.com" "Load $n")
  seed customers "$org" "$CUSTOMERS"
  seed deals "$org" 500
  { echo "first_name,last_name,email,company,source,status,score,estimated_value"
    for i in $(seq 1 200); do
      echo "Lead,$i of $n,lead$i.$n@load.example,Company $((i % 50)),$( ((i % 2)) && echo website || echo referral),$( ((i % 3)) && echo new || echo contacted),$((i % 101)),$((i * 37 % 5000)).00"
    done
  } >"$OUT/load-leads.csv"
  imported=$(post "$token" /api/leads/import --data-urlencode "csv@$OUT/load-leads.csv" -d dry_run=false)
  [[ $imported == *'"imported":200'* ]] || { echo "the lead import of organization $n failed: ${imported:0:300}" >&2; exit 1; }
  first=$(sql "select min(id) from customers where organization_id = $org")
  for i in $(seq 0 19); do
    if ((i % 2)); then
      post "$token" /api/activities/create -d activity_type=task -d "title=Send offer $i" -d "customer_id=$((first + i))" \
        -d priority=high -d "due_date=$(date -u -d "$((i - 10)) days" +%F)" -d "scheduled_at=$(date -u -d "$((i - 10)) days" +%FT10:00)" >/dev/null
    else
      post "$token" /api/activities/create -d activity_type=call -d "title=Intro call $i" -d "customer_id=$((first + i))" \
        -d outcome=connected -d duration_minutes=15 >/dev/null
    fi
  done
  echo "$token $org"
}

# cpu_ticks: "busy total server" clock ticks so far: the machine's busy and total (all cores)
# from /proc/stat, and the server's own.
cpu_ticks() {
  local busy total server
  read -r busy total < <(awk '$1 == "cpu" {t = 0; for (i = 2; i <= 9; i++) t += $i; print t - $5 - $6, t}' /proc/stat)
  server=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")
  echo "$busy $total $server"
}

# db_ticks FILE: on PostgreSQL, "pid ticks" of each backend serving tgc_load, into FILE. A step's
# database CPU is the growth per backend; one that ends during the step (sqlx closes a connection
# whose request was dropped mid-query) takes its ticks along, so the figure is then a lower bound.
db_ticks() {
  : >"$1"
  [ "$BACKEND" = postgres ] || return 0
  # (a process may end between the listing and the reading: grep and cat then fail for it alone)
  { grep -l tgc_load /proc/[0-9]*/cmdline 2>/dev/null || true; } | sed 's#/cmdline$#/stat#' \
    | { xargs -r cat 2>/dev/null || true; } | awk '$2 == "(postgres)" {print $1, $14 + $15}' >"$1"
}

# step CONNECTIONS: one wrk run; appends a row to $STEPS_FILE:
# connections rps p50 p99 errors reads% server_cpu% database_cpu% rest_cpu%
# (errors: non-2xx answers + socket errors + timeouts; CPU in % of all cores).
step() {
  local c=$1 file="$OUT/load-wrk-$BACKEND-c$1.txt" b0 t0 s0 b1 t1 s1 db
  db_ticks "$OUT/load-db-ticks-before"
  read -r b0 t0 s0 < <(cpu_ticks)
  LOAD_ORGS_FILE="$ORGS_FILE" wrk -t1 -c"$c" -d"${SECONDS_PER_STEP}s" --timeout 10s --latency -s bench/load.lua "$BASE" >"$file"
  read -r b1 t1 s1 < <(cpu_ticks)
  db_ticks "$OUT/load-db-ticks-after"
  db=$(awk 'FILENAME == ARGV[1] {before[$1] = $2; next} {t += $2 - before[$1]} END {print t + 0}' \
    "$OUT/load-db-ticks-before" "$OUT/load-db-ticks-after")
  awk -v c="$c" -v busy=$((b1 - b0)) -v total=$((t1 - t0)) -v server=$((s1 - s0)) -v db="$db" '
    $1 == "RESULT" {
      for (i = 2; i <= NF; i++) { split($i, kv, "="); r[kv[1]] = kv[2] }
      errors = r["non2xx"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
      printf "%d %s %s %s %d %.1f %.0f %.0f %.0f\n", c, r["rps"], r["p50_ms"], r["p99_ms"], errors,
        100 * r["sent_reads"] / (r["sent_reads"] + r["sent_writes"]), 100 * server / total, 100 * db / total,
        100 * (busy - server - db) / total
    }' "$file" >>"$STEPS_FILE"
  grep -q '^RESULT' "$file" || { echo "wrk gave no result; see $file" >&2; exit 1; }
}

# report: the table of $STEPS_FILE as Markdown, the knee and the error check.
report() {
  awk -v backend="$BACKEND" '
    { c[NR] = $1; rps[NR] = $2; p50[NR] = $3; p99[NR] = $4; err[NR] = $5; rd[NR] = $6; srv[NR] = $7; db[NR] = $8; rest[NR] = $9 }
    END {
      best = 0; knee = 0
      for (i = 1; i <= NR; i++) if (rps[i] > best) best = rps[i]
      for (i = 1; i < NR && !knee; i++) if (rps[i] >= 0.9 * best) knee = i
      print "| connections | req/s | p50 ms | p99 ms | errors | reads % | CPU: server % | database % | wrk + rest % |"
      print "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
      for (i = 1; i <= NR; i++)
        printf "| %s%s%s | %.0f | %.1f | %.1f | %d | %.0f | %d | %d | %d |\n", knee == i ? "**" : "", c[i], knee == i ? " (knee)**" : "",
          rps[i], p50[i], p99[i], err[i], rd[i], srv[i], db[i], rest[i]
      print ""
      if (knee) {
        printf "Knee (%s): %d connections, %.0f req/s at p99 %.1f ms (the most: %.0f req/s).\n",
          backend, c[knee], rps[knee], p99[knee], best
      } else {
        printf "Knee (%s): not reached up to %d connections (throughput still rising at the last step).\n", backend, c[NR]
      }
      last = knee ? knee - 1 : NR; below = 0; after = ""
      for (i = 1; i <= last; i++) below += err[i]
      for (i = last + 1; i <= NR; i++) if (err[i]) after = after sprintf(" %d at %d connections;", err[i], c[i])
      printf "Errors below the knee: %s.%s\n", below ? below " (FAIL)" : "none", after ? " At or after it:" after : ""
    }' "$STEPS_FILE"
}

BUSY_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$OUT/load-tables.md"
for BACKEND in "${BACKENDS[@]}"; do
  echo "== $BACKEND: preparing a fresh database"
  if [ "$BACKEND" = sqlite ]; then
    DB_FILE="$OUT/load.db"; rm -f "$DB_FILE" "$DB_FILE-wal" "$DB_FILE-shm"
    export DATABASE_URL="sqlite://$DB_FILE?mode=rwc"
  else
    psql -q "$PG_URL" -c "drop database if exists tgc_load with (force)" -c "create database tgc_load" >/dev/null
    export DATABASE_URL="${PG_URL%/*}/tgc_load"
  fi
  start_server
  echo "== $BACKEND: registering and seeding $ORGS organizations ($CUSTOMERS customers, 500 deals, 200 leads, 20 activities each)"
  t0=$(date +%s)
  ORGS_FILE="$OUT/load-orgs-$BACKEND.txt"
  : >"$ORGS_FILE.tokens"
  for n in $(seq 1 "$ORGS"); do seed_org "$n" >>"$ORGS_FILE.tokens"; done
  if [ "$BACKEND" = sqlite ]; then sqlite3 "$DB_FILE" "analyze;"; else psql -q "$DATABASE_URL" -c "vacuum analyze" >/dev/null; fi
  # The id ranges the workload picks records from: each organization's seeded customers, deals, leads.
  while read -r token org; do
    echo "$token $(sql "select (select min(id) || ' ' || max(id) from customers where organization_id = $org),
      (select min(id) || ' ' || max(id) from deals where organization_id = $org),
      (select min(id) || ' ' || max(id) from leads where organization_id = $org)")"
  done <"$ORGS_FILE.tokens" >"$ORGS_FILE"
  rm "$ORGS_FILE.tokens"
  echo "   seeded in $(( $(date +%s) - t0 )) s"
  echo "== $BACKEND: warming up (3 s, 8 connections), then ${#STEPS[@]} steps of ${SECONDS_PER_STEP} s"
  LOAD_ORGS_FILE="$ORGS_FILE" wrk -t1 -c8 -d3s --timeout 10s -s bench/load.lua "$BASE" >"$OUT/load-wrk-$BACKEND-warmup.txt"
  STEPS_FILE="$OUT/load-steps-$BACKEND.txt"
  : >"$STEPS_FILE"
  rm -f "$OUT"/load-wrk-"$BACKEND"-c*.txt
  for c in "${STEPS[@]}"; do
    step "$c"
    tail -n 1 "$STEPS_FILE" | awk '{printf "   %4d connections: %8.0f req/s  p50 %7.1f ms  p99 %7.1f ms  errors %d\n", $1, $2, $3, $4, $5}'
  done
  rss=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
  stop_server
  # The server's warnings and errors (its log lines carry colour codes and latencies), the most
  # frequent first. (awk, not head, ends these pipelines: head would stop reading and, under
  # pipefail, the SIGPIPE of the command before it would end this script.)
  problems=$(sed -E 's/\x1b\[[0-9;]*m//g; s/ latency=[0-9]+ [a-zµ]+//' "$OUT/load-server-$BACKEND.log" \
    | { grep -wE 'WARN|ERROR' || true; } | cut -d' ' -f2- | sort | uniq -c | sort -rn \
    | awk 'NR <= 3 {$1 = $1 " x"; printf "%s%s", sep, $0; sep = "; "}')
  {
    echo "#### $BACKEND"
    echo
    report
    echo "Server: peak RSS $(( rss / 1024 )) MiB; warnings and errors in its log: ${problems:-none}."
    # The first error answers of each step (bench/load.lua keeps up to three), the most frequent first.
    { grep -h '^ERROR' "$OUT"/load-wrk-"$BACKEND"-c*.txt || true; } | cut -c7- | sort | uniq -c | sort -rn | awk 'NR <= 5' \
      | sed -E 's/^ *([0-9]+) /- error answer (in \1 of the samples): /'
    echo
  } >>"$OUT/load-tables.md"
done

{
  echo "Load test on $(nproc) cores, $(date -u +%Y-%m-%d), release build on 127.0.0.1, wrk -t1 -d${SECONDS_PER_STEP}s per step (--timeout 10s),"
  echo "$ORGS organizations x $CUSTOMERS customers, 500 deals, 200 leads, 20 activities; 70 % reads / 30 % writes (bench/load.lua)."
  echo "Load average before the run: $BUSY_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg). CPU per step in % of all cores:"
  echo "the server, the PostgreSQL backends serving it (none on SQLite), and the rest of the machine (wrk and any other process)."
  echo
  cat "$OUT/load-tables.md"
} >"$OUT/load-summary.md"
cat "$OUT/load-summary.md"
