#!/usr/bin/env bash
# scripts/run.sh — build and start too-good-crm locally (the README's run command).
#
# Installs the tools if needed (scripts/setup.sh), builds the release site with
# cargo-leptos, then replaces this shell with the server, so Ctrl-C stops it.
# The server fills an empty database with the demo organization (--seed-demo).
#
# Environment:
#   LEPTOS_SITE_ADDR  address to listen on (default 127.0.0.1:3000)
#   DATABASE_URL      database (default: SQLite file too-good-crm.db in the
#                     current directory, i.e. the repository root)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

scripts/setup.sh
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"

echo "==> cargo leptos build --release"
cargo leptos build --release

# Same values cargo-leptos would pass (see [package.metadata.leptos] in Cargo.toml).
export LEPTOS_SITE_ROOT=target/site
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
export LEPTOS_OUTPUT_NAME=too-good-crm
export LEPTOS_SITE_PKG_DIR=pkg

echo "==> starting too-good-crm on http://$LEPTOS_SITE_ADDR (Ctrl-C to stop)"
exec target/release/too-good-crm --seed-demo
