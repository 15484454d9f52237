#!/usr/bin/env bash
# The API tested by tools nobody here wrote: openapi-spec-validator checks the served document
# is valid OpenAPI 3.1, then Schemathesis (PyPI, installed by scripts/setup.sh
# into end2end/.venv) reads /api/openapi.json from a release server and calls every operation
# with data it generates from the document, valid and invalid, then follows the document's
# links (create -> get -> update -> delete) in stateful sequences. It checks that no answer is
# a 5xx, that every answer's status, content type and body are what the document says, that
# input the document forbids is refused, that a deleted record is gone, and that an operation
# needing a sign-in refuses a call without one. Fixed seed, bounded examples: the same calls
# each run, a few minutes. One worker: with two, Hypothesis parses lambdas' source from two
# threads at once, which CPython 3.11's ast module can fail ("AST constructor recursion depth
# mismatch"), a crash of the tool, not a finding.
#
# Not checked: that every schema-valid input is accepted (`positive_data_acceptance`). The
# document types fields as text or numbers; what makes a value right (an email address, a
# stage of the deal's pipeline, a date in order) is the 422 the document lists. auth/logout and
# auth/logout_all end the session the run signs in with: they run last, on their own.
#
# usage: scripts/api_test.sh [sqlite] [postgres]   (default: sqlite, and postgres when
#        TEST_POSTGRES_URL is set; a fresh database tgc_api_test on that server)
#   API_TEST_EXAMPLES  examples per operation and phase (default 20)
#   API_TEST_SEED      the seed (default 20261207)
#   API_TEST_PORT      the server's port (default 3420)
# Results: bench/results/api-test-<backend>.txt (the sign-outs: api-test-<backend>-sign-out.txt),
# the JUnit report beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

EXAMPLES=${API_TEST_EXAMPLES:-20}
SEED=${API_TEST_SEED:-20261207}
PORT=${API_TEST_PORT:-3420}
OUT=bench/results
ST=end2end/.venv/bin/st
BACKENDS=("$@")
if [ ${#BACKENDS[@]} -eq 0 ]; then
  BACKENDS=(sqlite)
  [ -z "${TEST_POSTGRES_URL:-}" ] || BACKENDS+=(postgres)
fi
mkdir -p "$OUT"
[ -x "$ST" ] || { echo "api_test: $ST is missing; run scripts/setup.sh" >&2; exit 1; }
[ -x target/release/too-good-crm ] || cargo leptos build --release

SERVER_PID=
stop() { [ -z "$SERVER_PID" ] || { kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=; }; }
trap stop EXIT

status=0
for BACKEND in "${BACKENDS[@]}"; do
  if [ "$BACKEND" = sqlite ]; then
    rm -f "$OUT/api-test.db" "$OUT/api-test.db-wal" "$OUT/api-test.db-shm"
    url="sqlite://$OUT/api-test.db?mode=rwc"
  else
    pg=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
    PGOPTIONS=--client-min-messages=warning psql -q "$pg" -c "drop database if exists tgc_api_test with (force)" \
      -c "create database tgc_api_test" >/dev/null
    url="${pg%/*}/tgc_api_test"
  fi
  echo "== $BACKEND: a release server on 127.0.0.1:$PORT with the demo data"
  DATABASE_URL=$url LEPTOS_SITE_ADDR=127.0.0.1:$PORT LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=too-good-crm \
    LEPTOS_SITE_PKG_DIR=pkg RUST_LOG=warn \
    target/release/too-good-crm --seed-demo >"$OUT/api-test-server-$BACKEND.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.5; done
  token=$(curl -fs "http://127.0.0.1:$PORT/api/auth/login" -d email=demo@example.com -d password=demo-password \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
  curl -fs "http://127.0.0.1:$PORT/api/openapi.json" -o "$OUT/openapi.json"
  end2end/.venv/bin/openapi-spec-validator "$OUT/openapi.json" || status=1
  started=$(date +%s)
  "$ST" --no-color run "http://127.0.0.1:$PORT/api/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks all --exclude-checks positive_data_acceptance \
    --exclude-operation-id logout --exclude-operation-id logout_all \
    --seed "$SEED" --max-examples "$EXAMPLES" --workers 1 --request-timeout 20 \
    --report junit --report-junit-path "$OUT/api-test-$BACKEND.xml" \
    >"$OUT/api-test-$BACKEND.txt" 2>&1 || status=1
  sed -n '/SUMMARY/,$p' "$OUT/api-test-$BACKEND.txt"
  "$ST" --no-color run "http://127.0.0.1:$PORT/api/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks all --exclude-checks positive_data_acceptance \
    --include-operation-id logout --include-operation-id logout_all \
    --phases examples,coverage,fuzzing --seed "$SEED" --max-examples "$EXAMPLES" --workers 1 --request-timeout 20 \
    >"$OUT/api-test-$BACKEND-sign-out.txt" 2>&1 || status=1
  sed -n '/Test cases:/,+1p' "$OUT/api-test-$BACKEND-sign-out.txt"
  echo "== $BACKEND: $(( $(date +%s) - started )) s"
  if grep -q 'panicked' "$OUT/api-test-server-$BACKEND.log"; then
    echo "api_test: the server panicked on $BACKEND:" >&2
    grep -A3 'panicked' "$OUT/api-test-server-$BACKEND.log" | head -20 >&2
    status=1
  fi
  stop
done
exit $status
