# shellcheck shell=bash
# scripts/env.sh — put the project's tool folders first on PATH.
#
# Source it, don't execute it:
#     source scripts/env.sh
#
# Afterwards PATH starts with
#     $HOME/.cargo/bin                 cargo, cargo-leptos, wasm-bindgen (cargo install'ed)
#     <repo>/end2end/node_modules/.bin wasm-opt (npm package binaryen)
# so that cargo-leptos, which looks for `wasm-opt` and `wasm-bindgen` on PATH
# before it would try to download them, finds the pinned versions installed by
# scripts/setup.sh. Nothing relies on LEPTOS_WASM_OPT_VERSION or similar
# download-selection variables.
#
# Idempotent: sourcing it several times moves the two folders to the front
# once; it never adds duplicate entries. It sets no shell options and is safe
# under `set -euo pipefail`.

# Executed instead of sourced? Then the PATH change would be lost: say so.
if [ -n "${BASH_VERSION:-}" ] && [ "${BASH_SOURCE[0]}" = "$0" ]; then
    echo "scripts/env.sh must be sourced: source scripts/env.sh" >&2
    exit 1
fi

# Repository root = parent of the folder holding this file.
TOO_GOOD_CRM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
export TOO_GOOD_CRM_ROOT

# _tgc_path_front DIR: remove every DIR entry from PATH, then prepend it once.
_tgc_path_front() {
    local dir="$1" entry rest="" old_ifs="$IFS"
    IFS=:
    for entry in ${PATH:-}; do
        [ "$entry" = "$dir" ] || rest="${rest:+$rest:}$entry"
    done
    IFS="$old_ifs"
    PATH="$dir${rest:+:$rest}"
}

# Prepend in reverse order of priority: the last one ends up first.
_tgc_path_front "$TOO_GOOD_CRM_ROOT/end2end/node_modules/.bin"
_tgc_path_front "${HOME:-/root}/.cargo/bin"
unset -f _tgc_path_front
export PATH
