#!/usr/bin/env bash
# scripts/setup.sh — install everything too-good-crm needs to build and test.
#
# Target: a fresh Debian 12 machine, run as root (or with sudo), with network
# access to crates.io, the npm registry and Debian apt only. A Rust toolchain
# managed by rustup (stable, >= rust-version in Cargo.toml) must already exist.
#
# Idempotent: every step first checks whether the right version is already
# present and then prints "ok (already there)"; otherwise it installs and
# prints "installed". On a warm machine the script only runs the checks.
#
# Steps:
#   prerequisites  rustup/cargo present; C linker, node + npm (apt if missing)
#   wasm32-target  rustup target wasm32-unknown-unknown
#   cargo-leptos   cargo-leptos 0.3.10 (cargo install --locked)
#   wasm-bindgen   wasm-bindgen-cli = the `wasm-bindgen` version pinned in Cargo.toml
#   node-tools     end2end/node_modules: binaryen (wasm-opt), playwright-core, maildev (SMTP for tests),
#                  pinned in end2end/package.json / package-lock.json
#   schemathesis   end2end/.venv: Schemathesis and openapi-spec-validator from PyPI (scripts/api_test.sh)
#                  (python3-venv from apt if python3 cannot make a virtual environment)
#   chromium       Debian chromium + chromium-driver (apt)
#
# Tools end up in $HOME/.cargo/bin and <repo>/end2end/node_modules/.bin; other
# scripts `source scripts/env.sh` to put those first on PATH, which is where
# cargo-leptos looks for `wasm-opt` and `wasm-bindgen` before it would try to
# download its own copies. Never use Debian's wasm-opt (binaryen 108): it is
# too old and produces wasm that breaks hydration.
#
# Debugging aid: SETUP_SKIP="step step ..." skips the named steps.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"

CARGO_LEPTOS_VERSION="0.3.10"
WASM_TARGET="wasm32-unknown-unknown"

# ---------------------------------------------------------------- helpers ---

# report STEP MESSAGE: the one line per step.
report() { printf 'setup: %-14s %s\n' "$1" "$2"; }
note() { printf 'setup: %-14s   %s\n' "" "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# skipped STEP: true when STEP is listed in $SETUP_SKIP.
skipped() {
    case " ${SETUP_SKIP:-} " in
        *" $1 "*) report "$1" "skipped (SETUP_SKIP)"; return 0 ;;
        *) return 1 ;;
    esac
}

# first_line CMD...: first line of CMD's stdout, empty if CMD fails or is missing.
first_line() { { "$@" 2>/dev/null || true; } | head -n 1; }

# as_root CMD...: run CMD as root (directly, or via sudo when not root).
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

# apt_install PKG...: install the Debian packages that are missing; runs
# `apt-get update` at most once per script run, and only if something is missing.
APT_UPDATED=no
apt_install() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$pkg")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    if [ "$APT_UPDATED" = no ]; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update
        APT_UPDATED=yes
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
}

# ------------------------------------------------------------------ steps ---

step_prerequisites() {
    local step=prerequisites did=no
    skipped "$step" && return 0
    if ! command -v rustup >/dev/null 2>&1 || ! command -v cargo >/dev/null 2>&1; then
        die "rustup and cargo are required (install Rust with rustup first; Debian's rustc is too old)"
    fi
    # A C toolchain: rustc links through `cc`, and some crates build C code.
    if ! command -v cc >/dev/null 2>&1; then
        apt_install build-essential pkg-config
        did=yes
    fi
    # Node.js + npm: wasm-opt (binaryen.js) and the browser tests run on node.
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        apt_install nodejs npm
        did=yes
    fi
    if [ "$did" = yes ]; then report "$step" "installed"; else report "$step" "ok (already there)"; fi
    local node_major
    node_major="$(first_line node -p 'process.versions.node.split(".")[0]')"
    if [ "${node_major:-0}" -lt 20 ]; then
        note "warning: node $(first_line node --version) is older than 20, which playwright-core 1.65 declares it needs"
    fi
}

step_wasm_target() {
    local step=wasm32-target
    skipped "$step" && return 0
    if rustup target list --installed | grep -qx "$WASM_TARGET"; then
        report "$step" "ok (already there)"
    else
        rustup target add "$WASM_TARGET"
        report "$step" "installed"
    fi
}

# cargo_leptos_version: "0.3.10" from `cargo leptos --version` ("cargo-leptos 0.3.10").
cargo_leptos_version() { first_line cargo leptos --version | awk '{print $NF}'; }

step_cargo_leptos() {
    local step=cargo-leptos pids
    skipped "$step" && return 0
    if [ "$(cargo_leptos_version)" = "$CARGO_LEPTOS_VERSION" ]; then
        report "$step" "ok (already there: $CARGO_LEPTOS_VERSION)"
        return 0
    fi
    # Another process (e.g. a second terminal) may be installing it right now;
    # wait for it instead of compiling it twice on the same machine.
    while pids="$(pgrep -f 'cargo install .*cargo-leptos' | paste -sd ' ')" && [ -n "$pids" ]; do
        note "waiting for the running 'cargo install ... cargo-leptos' (pid $pids) to finish"
        sleep 15
    done
    if [ "$(cargo_leptos_version)" = "$CARGO_LEPTOS_VERSION" ]; then
        report "$step" "ok (already there: $CARGO_LEPTOS_VERSION)"
        return 0
    fi
    # --force: replace a broken or foreign binary of the same name.
    cargo install --locked --force "cargo-leptos@$CARGO_LEPTOS_VERSION"
    [ "$(cargo_leptos_version)" = "$CARGO_LEPTOS_VERSION" ] \
        || die "cargo-leptos $CARGO_LEPTOS_VERSION was installed but \`cargo leptos --version\` says '$(first_line cargo leptos --version)'"
    report "$step" "installed ($CARGO_LEPTOS_VERSION)"
}

# pinned_wasm_bindgen_version: X.Y.Z from Cargo.toml's `wasm-bindgen = "=X.Y.Z"`
# (or `wasm-bindgen = { version = "=X.Y.Z", ... }`), else from Cargo.lock.
# The CLI must match the crate exactly or wasm-bindgen refuses the wasm file.
pinned_wasm_bindgen_version() {
    local v
    v="$(sed -nE 's/^[[:space:]]*wasm-bindgen[[:space:]]*=[[:space:]]*(\{.*version[[:space:]]*=[[:space:]]*)?"=([0-9]+\.[0-9]+\.[0-9]+)".*/\2/p' Cargo.toml | head -n 1)"
    if [ -z "$v" ] && [ -f Cargo.lock ]; then
        v="$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
    fi
    printf '%s' "$v"
}

step_wasm_bindgen() {
    local step=wasm-bindgen want have
    skipped "$step" && return 0
    want="$(pinned_wasm_bindgen_version)"
    [ -n "$want" ] || die "cannot find the wasm-bindgen version in Cargo.toml (wasm-bindgen = \"=X.Y.Z\") or Cargo.lock"
    # `wasm-bindgen --version` prints "wasm-bindgen 0.2.130".
    have="$(first_line wasm-bindgen --version | awk '{print $2}')"
    if [ "$have" = "$want" ]; then
        report "$step" "ok (already there: $want)"
        return 0
    fi
    # No --locked: wasm-bindgen-cli's own lockfile is not what we pin.
    # --force: replace another version, or a binary not installed by cargo.
    cargo install --force wasm-bindgen-cli --version "$want"
    have="$(first_line wasm-bindgen --version | awk '{print $2}')"
    [ "$have" = "$want" ] || die "installed wasm-bindgen-cli $want but \`wasm-bindgen --version\` reports '$have' ($(command -v wasm-bindgen || echo 'not on PATH'))"
    report "$step" "installed ($want)"
}

# npm_pin PKG: the exact version of PKG pinned in end2end/package.json.
npm_pin() {
    node -e 'const p = require(process.argv[1]); const d = {...p.devDependencies, ...p.dependencies}; process.stdout.write(d[process.argv[2]] || "")' \
        "$ROOT/end2end/package.json" "$1"
}
# npm_installed PKG: version of PKG in end2end/node_modules, empty if absent.
npm_installed() {
    local manifest="$ROOT/end2end/node_modules/$1/package.json"
    [ -f "$manifest" ] || return 0
    node -e 'process.stdout.write(require(process.argv[1]).version || "")' "$manifest"
}

step_node_tools() {
    local step=node-tools pkg ok=yes wasm_opt_version
    skipped "$step" && return 0
    [ -f end2end/package.json ] || die "end2end/package.json is missing"
    [ -x end2end/node_modules/.bin/wasm-opt ] || ok=no
    for pkg in binaryen playwright-core maildev; do
        [ "$(npm_installed "$pkg")" = "$(npm_pin "$pkg")" ] || ok=no
    done
    if [ "$ok" = yes ]; then
        report "$step" "ok (already there: binaryen $(npm_pin binaryen), playwright-core $(npm_pin playwright-core))"
    else
        # playwright-core never downloads a browser; this makes sure nothing does.
        # Browser tests use Debian's /usr/bin/chromium.
        export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
        if [ -f end2end/package-lock.json ]; then
            (cd end2end && npm ci --no-audit --no-fund)      # exactly the lockfile
        else
            (cd end2end && npm install --no-audit --no-fund) # creates the lockfile
        fi
        for pkg in binaryen playwright-core maildev; do
            [ "$(npm_installed "$pkg")" = "$(npm_pin "$pkg")" ] \
                || die "npm installed $pkg '$(npm_installed "$pkg")', expected '$(npm_pin "$pkg")'"
        done
        report "$step" "installed (binaryen $(npm_pin binaryen), playwright-core $(npm_pin playwright-core))"
    fi
    # wasm-opt must run, and must be the one cargo-leptos will pick from PATH.
    wasm_opt_version="$(first_line wasm-opt --version)"
    [ -n "$wasm_opt_version" ] || die "\`wasm-opt --version\` failed ($(command -v wasm-opt || echo 'not on PATH'))"
    [ "$(command -v wasm-opt)" = "$ROOT/end2end/node_modules/.bin/wasm-opt" ] \
        || die "wasm-opt on PATH is $(command -v wasm-opt), expected $ROOT/end2end/node_modules/.bin/wasm-opt"
    note "$wasm_opt_version"
}

# Schemathesis (scripts/api_test.sh) in its own virtual environment, end2end/.venv.
SCHEMATHESIS_VERSION=4.32.5
SPEC_VALIDATOR_VERSION=0.9.0
step_schemathesis() {
    local step=schemathesis venv="$ROOT/end2end/.venv"
    skipped "$step" && return 0
    if [ "$(first_line "$venv/bin/st" --version 2>/dev/null)" = "st, version $SCHEMATHESIS_VERSION" ] \
        && [ -x "$venv/bin/openapi-spec-validator" ]; then
        report "$step" "ok (already there: $SCHEMATHESIS_VERSION)"
        return 0
    fi
    if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then
        apt_install python3 python3-venv
    fi
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" \
        "openapi-spec-validator==$SPEC_VALIDATOR_VERSION"
    [ "$(first_line "$venv/bin/st" --version)" = "st, version $SCHEMATHESIS_VERSION" ] \
        || die "pip installed schemathesis but \`st --version\` says '$(first_line "$venv/bin/st" --version)'"
    report "$step" "installed ($SCHEMATHESIS_VERSION)"
}

step_chromium() {
    local step=chromium
    skipped "$step" && return 0
    if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
        report "$step" "ok (already there)"
    else
        apt_install chromium chromium-driver
        [ -x /usr/bin/chromium ] || die "apt installed chromium but /usr/bin/chromium is missing"
        report "$step" "installed"
    fi
}

# ------------------------------------------------------------------- main ---

step_prerequisites
step_wasm_target
step_cargo_leptos
step_wasm_bindgen
step_node_tools
step_schemathesis
step_chromium
echo "setup: done"
