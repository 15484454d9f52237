"""Shared helpers of the resilience drivers (bench/crash.py, bench/two_servers.py): a small HTTP
client for the API, the release server as a child process, SQL queries run straight against
the database (Python's sqlite3 for SQLite, `psql` for PostgreSQL), and a webhook receiver.
Python 3 standard library only; everything talks to 127.0.0.1.
"""

import csv
import hashlib
import hmac
import http.client
import http.server
import threading
import io
import json
import os
import sqlite3
import subprocess
import time
import urllib.parse

SERVER = "target/release/too-good-crm"


class Api:
    """One keep-alive connection to one server. Not thread-safe: one per thread."""

    def __init__(self, port, timeout=15):
        self.port = port
        self.timeout = timeout
        self.conn = None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method, path, fields=None, token=None, cookie=None, origin=None):
        """Sends one request; answers (status, parsed JSON or None, headers). Raises OSError or
        http.client.HTTPException when the connection fails (the server is down)."""
        headers = {}
        body = None
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if cookie:
            headers["Cookie"] = cookie
        if origin:
            headers["Origin"] = origin
        if fields is not None:
            query = urllib.parse.urlencode(fields)
            if method == "GET":
                path = f"{path}?{query}"
            else:
                body = query.encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = None
        return response.status, data, response.headers

    def get(self, path, fields=None, **auth):
        return self.request("GET", path, fields, **auth)

    def post(self, path, fields=None, **auth):
        return self.request("POST", path, fields or {}, **auth)


def register(port, email, organization):
    """Registers a user with a new organization; answers the bearer token."""
    status, data, _ = Api(port).post("/api/auth/register", {
        "email": email, "password": "resilience-password", "first_name": "Resilience",
        "organization_name": organization,
    })
    if status != 200:
        raise RuntimeError(f"register {email}: {status} {data}")
    return data["token"]


def answers(port):
    """Whether a server on the port answers /healthz."""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        conn.request("GET", "/healthz")
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except OSError:
        return False


class Server:
    """The release server as a child process on 127.0.0.1:port."""

    def __init__(self, port, database_url, log_path):
        self.port = port
        self.database_url = database_url
        self.log_path = log_path
        self.process = None

    def start(self):
        """Starts the server and waits for /healthz; answers the milliseconds that took."""
        if answers(self.port):
            raise RuntimeError(f"something already listens on 127.0.0.1:{self.port}")
        env = dict(os.environ, LEPTOS_SITE_ADDR=f"127.0.0.1:{self.port}", LEPTOS_SITE_ROOT="target/site",
                   LEPTOS_OUTPUT_NAME="too-good-crm", LEPTOS_SITE_PKG_DIR="pkg", RUST_LOG="warn",
                   DATABASE_URL=self.database_url)
        log = open(self.log_path, "ab")
        t0 = time.monotonic()
        self.process = subprocess.Popen([SERVER], env=env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = t0 + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}; see {self.log_path}")
            if answers(self.port):
                return (time.monotonic() - t0) * 1000
            time.sleep(0.005)
        raise RuntimeError(f"the server did not answer /healthz within 30 s; see {self.log_path}")

    def kill(self):
        """kill -9, and reap it."""
        self.process.kill()
        self.process.wait()
        self.process = None

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait()
            self.process = None


class Database:
    """SQL straight to the database behind the server: rows come back as tuples of strings
    (None for NULL), the same on both backends."""

    def __init__(self, database_url):
        self.url = database_url
        self.sqlite_path = None
        if database_url.startswith("sqlite:"):
            # sqlite://relative/file.db?mode=rwc, as the server takes it
            self.sqlite_path = database_url.removeprefix("sqlite:").removeprefix("//").split("?", 1)[0]

    @property
    def is_sqlite(self):
        return self.sqlite_path is not None

    def query(self, sql):
        if self.is_sqlite:
            conn = sqlite3.connect(self.sqlite_path, timeout=30)
            try:
                rows = conn.execute(sql).fetchall()
                conn.commit()
            finally:
                conn.close()
            return [tuple(None if v is None else str(v) for v in row) for row in rows]
        out = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--csv", "-t", self.url, "-c", sql],
                             check=True, capture_output=True, text=True).stdout
        # psql's CSV writes NULL as an empty field, like an empty string; the columns read here
        # are never empty strings.
        return [tuple(v if v != "" else None for v in row) for row in csv.reader(io.StringIO(out))]


class Receiver(http.server.ThreadingHTTPServer):
    """A webhook receiver on 127.0.0.1 (a free port; `url`), in a thread of its own. Answers 503
    while `up` is false; else records each delivery as (event, signature valid with `secrets`
    [the event's organization_id]) in `deliveries` and answers 204."""

    def __init__(self, up=True):
        self.up, self.secrets, self.deliveries, self.lock = up, {}, [], threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if not receiver.up:
                    self.send_response(503)
                    self.end_headers()
                    return
                event = json.loads(body)
                header = self.headers.get("X-TGC-Signature") or ""
                fields = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
                secret = receiver.secrets.get(event.get("organization_id"), "")
                expected = hmac.new(secret.encode(), f"{fields.get('t')}.".encode() + body, hashlib.sha256).hexdigest()
                with receiver.lock:
                    receiver.deliveries.append((event, hmac.compare_digest(expected, fields.get("v1", ""))))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}/hook"
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def received(self):
        """The deliveries so far, in arrival order."""
        with self.lock:
            return list(self.deliveries)


def subscribe(port, token, events, receiver):
    """Subscribes the caller's organization to `events` (comma-separated) at the receiver;
    answers the subscription."""
    status, hook, _ = Api(port).post("/api/webhooks/create", {"url": receiver.url, "events": events}, token=token)
    if status != 200:
        raise RuntimeError(f"webhooks/create answered {status}: {hook}")
    _, me, _ = Api(port).get("/api/auth/me", token=token)
    receiver.secrets[me["organization"]["id"]] = hook["secret"]
    return hook
