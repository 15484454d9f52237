# shellcheck shell=bash
# scripts/lib.sh — what the measuring scripts (bench.sh, load.sh) share. Source it after
# setting BASE (the server's address) and, per backend, BACKEND, DB_FILE (SQLite) or
# DATABASE_URL (PostgreSQL), and SERVER_PID when a server runs.

# stop_server: stops the server started by the script, if any.
stop_server() {
  if [ -n "${SERVER_PID:-}" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; fi
}

# register EMAIL ORG: registers a user with an organization; prints "token org_id".
register() {
  local email=$1 org=$2 token
  token=$(curl -fsS -X POST "$BASE/api/auth/register" \
    --data-urlencode "email=$email" --data-urlencode "password=bench-password" \
    --data-urlencode "first_name=Bench" --data-urlencode "organization_name=$org" | sed -E 's/.*"token":"([^"]+)".*/\1/')
  echo "$token $(curl -fsS -H "Authorization: Bearer $token" "$BASE/api/organizations/mine" | sed -E 's/^\{"id":([0-9]+).*/\1/')"
}

# seed WHAT ORG COUNT: runs bench/seed_WHAT_<backend>.sql (WHAT: customers or deals).
seed() {
  local what=$1 org=$2 count=$3
  if [ "$BACKEND" = sqlite ]; then
    sed "s/:count/$count/g; s/:org/$org/g" "bench/seed_${what}_sqlite.sql" | sqlite3 "$DB_FILE"
  else
    sed "s/:count/$count/g; s/:org/$org/g" "bench/seed_${what}_postgres.sql" | psql -q "$DATABASE_URL" >/dev/null
  fi
}
