# shellcheck shell=bash
# scripts/maildev.sh — the real SMTP server of the tests (maildev, installed by setup.sh into
# end2end/node_modules). Source it, then `start_maildev`: maildev listens on two free ports
# of 127.0.0.1 (SMTP and its REST API), TEST_SMTP_URL and TEST_MAILDEV_URL name them, and it
# stops when the shell exits.

MAILDEV_PID=""

# stop_maildev: stops the maildev started by start_maildev, if any.
stop_maildev() {
    if [ -n "$MAILDEV_PID" ]; then kill "$MAILDEV_PID" 2>/dev/null || true; wait "$MAILDEV_PID" 2>/dev/null || true; MAILDEV_PID=""; fi
}

# free_port: a port of 127.0.0.1 that nothing listens on now.
free_port() {
    node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

start_maildev() {
    local root smtp web dir
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    smtp="$(free_port)"
    web="$(free_port)"
    dir="$(mktemp -d)"
    node "$root/end2end/node_modules/.bin/maildev" --ip 127.0.0.1 --web-ip 127.0.0.1 \
        --smtp "$smtp" --web "$web" --mail-directory "$dir" --silent &
    MAILDEV_PID=$!
    trap stop_maildev EXIT
    for _ in $(seq 1 100); do
        curl -fsS "http://127.0.0.1:$web/api/healthz" >/dev/null 2>&1 && break
        sleep 0.2
    done
    curl -fsS "http://127.0.0.1:$web/api/healthz" >/dev/null || { echo "maildev did not start" >&2; return 1; }
    export TEST_SMTP_URL="smtp://127.0.0.1:$smtp"
    export TEST_MAILDEV_URL="http://127.0.0.1:$web"
    echo "maildev: SMTP $TEST_SMTP_URL, API $TEST_MAILDEV_URL"
}
