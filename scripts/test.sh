#!/usr/bin/env bash
# scripts/test.sh — the project's full test run (the README's test command).
#
# Phases:
#   1. setup            scripts/setup.sh (no-op on a warm machine)
#   2. rust tests       cargo test --features ssr
#                       unit + repository + HTTP tests; always on SQLite, and
#                       also on PostgreSQL when TEST_POSTGRES_URL is set; mail
#                       goes to a maildev started here (scripts/maildev.sh)
#   3. release build    cargo leptos build --release (server + hydrated wasm)
#   4. API tester       scripts/api_test.sh: Schemathesis against the release server's
#                       /api/openapi.json (SQLite, and PostgreSQL when TEST_POSTGRES_URL is set)
#   5. browser tests    node end2end/run.mjs (Debian chromium via playwright-core)
#
# Exits non-zero as soon as a phase fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# phase TITLE: a clear header before each phase.
phase() {
    printf '\n========================================================================\n'
    printf '==> %s\n' "$*"
    printf '========================================================================\n'
}

phase "1/6 setup: scripts/setup.sh"
scripts/setup.sh
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"

if [ -n "${TEST_POSTGRES_URL:-}" ]; then
    backends="SQLite + PostgreSQL ($TEST_POSTGRES_URL)"
else
    backends="SQLite only; TEST_POSTGRES_URL not set, PostgreSQL tests skipped"
fi
phase "2/6 lint: cargo fmt --check, cargo clippy -D warnings"
cargo fmt --check
cargo clippy --features ssr --all-targets -- -D warnings

phase "3/6 rust tests: cargo test --features ssr [$backends, mail through maildev]"
# shellcheck source=scripts/maildev.sh
source "$ROOT/scripts/maildev.sh"
start_maildev
cargo test --features ssr

# Check before the (slow) release build so a missing file fails fast.
if [ ! -f end2end/run.mjs ]; then
    echo "test: error: end2end/run.mjs does not exist, so the browser tests cannot run." >&2
    echo "test: (it is the browser-test runner; see end2end-cmd in Cargo.toml)" >&2
    exit 1
fi

phase "4/6 release build: cargo leptos build --release"
cargo leptos build --release

phase "5/6 API tester: scripts/api_test.sh (Schemathesis)"
scripts/api_test.sh

phase "6/6 browser tests: node end2end/run.mjs"
node end2end/run.mjs

phase "all tests passed"
