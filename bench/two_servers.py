#!/usr/bin/env python3
"""Two app servers on one PostgreSQL database, used alternately (as a round-robin load balancer
would): checks that sessions, rate limits, document numbering, the default pipeline and
optimistic concurrency behave as with one server, and that the job workers of both send each
queued mail exactly once.

- sessions: a cookie from signing in on A works on B (reads, and cookie-authenticated posts with
  the site's Origin); signing out on B ends it on A; the same for a bearer session token, for
  "sign out everywhere" and for an API token revoked on the other server;
- rate limits: failed sign-ins counted on both servers together (10 per account, then 429 on both);
- numbering: threads create orders, issues and payments through both servers at once; each kind's
  numbers are 1..n, each once, and `number_counters` says n;
- default pipeline: threads call `pipelines/set_default` through both servers at once while a
  reader lists the pipelines through both: every list shows exactly one default, the database
  has exactly one afterwards, and it is the pipeline of a call that finished last (no call
  started after it answered); a later call on A shows on B at once;
- optimistic concurrency: threads update one customer with the same `version` through both
  servers at once: exactly one succeeds, the others answer 409, and the version grows by one;
- mail (with --maildev; both servers' SMTP_URL point at that maildev): threads invite 200
  distinct addresses through both servers (one mail job each, queued with the invitation) while
  the job worker of both sends; once none of these jobs is queued or sending (at most 120 s),
  every one of the 200 mails arrived at maildev exactly once, by Message-ID and by recipient:
  none missing, none doubled, none failed. Whose worker sent what: a trigger this script adds
  to `jobs` records the `application_name` of the connection that marks a job sent
  (two_servers.sh starts each server with application_name=two-server-<port>) and waits 20 ms
  there, so that one worker alone would need over 4 s for the 200 and the other's (it looks
  every second) always finds some queued: both must have sent some.
- webhooks (with --webhooks): a receiver on 127.0.0.1 (both servers allow it) subscribed to
  customer.created/updated/deleted answers 503 while threads create, update twice and delete
  customers through both servers, then comes back: within two minutes every event stored for the
  subscription arrives, each signed with its secret, none missing, and each record's events
  arrive in the order of its changes (created, updated, updated, deleted); both servers' workers
  delivered some.

usage: bench/two_servers.py --database-url URL --ports A B [--threads 8] [--maildev URL]
Prints one line per check and a JSON summary last; exits 1 when a check fails.
"""

import argparse
import json
import random
import sys
import threading
import time
import urllib.request
from collections import Counter

from tgc import Api, Database, Receiver, register, subscribe

RESULTS = []


def check(name, ok, detail):
    RESULTS.append({"check": name, "ok": bool(ok), "detail": detail})
    print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}", flush=True)


def login(port, email, password="resilience-password"):
    """Signs in; answers (status, session cookie "tgc_session=…" or None, token or None)."""
    status, data, headers = Api(port).post("/api/auth/login", {"email": email, "password": password})
    cookie = next((h.split(";", 1)[0] for h in headers.get_all("Set-Cookie") or [] if h.startswith("tgc_session=")), None)
    return status, cookie, (data or {}).get("token")


def me(port, **auth):
    return Api(port).get("/api/auth/me", **auth)[0]


def sessions(a, b, email):
    origin = {a: f"http://127.0.0.1:{a}", b: f"http://127.0.0.1:{b}"}
    _, cookie, _ = login(a, email)
    status = me(b, cookie=cookie)
    check("cookie from A works on B", status == 200, f"GET /api/auth/me on B: {status}")
    status = Api(b).post("/api/customers/create", {"name": "made with A's cookie on B"}, cookie=cookie, origin=origin[b])[0]
    check("cookie post on B", status == 200, f"customers/create with the cookie and B's Origin: {status}")
    status = Api(b).post("/api/auth/logout", {}, cookie=cookie, origin=origin[b])[0]
    after = me(a, cookie=cookie)
    check("logout on B ends the cookie session on A", status == 200 and after == 401, f"logout {status}, then A: {after}")

    _, _, token = login(b, email)
    before = me(a, token=token)
    status = Api(a).post("/api/auth/logout", {}, token=token)[0]
    after = me(b, token=token)
    check("bearer session: from B, ended on A", (before, status, after) == (200, 200, 401),
          f"A: {before}, logout on A {status}, then B: {after}")

    _, on_a, _ = login(a, email)
    _, on_b, _ = login(b, email)
    status, data, _ = Api(b).post("/api/auth/logout_all", {}, cookie=on_b, origin=origin[b])
    after = me(a, cookie=on_a)
    check("sign out everywhere on B ends A's session", status == 200 and after == 401,
          f"logout_all {status} {data}, then A: {after}")

    _, _, owner = login(a, email)
    status, data, _ = Api(a).post("/api/tokens/create", {"name": "two servers"}, token=owner)
    secret = data["token"]
    before = me(b, token=secret)
    revoked = Api(b).post("/api/tokens/revoke", {"id": data["api_token"]["id"]}, token=owner)[0]
    after = me(a, token=secret)
    check("API token: made on A, works on B, revoked on B, refused on A",
          (status, before, revoked, after) == (200, 200, 200, 401), f"create {status}, B {before}, revoke {revoked}, A {after}")

    # Another account, so that this one can still sign in afterwards.
    statuses = [login((a, b)[i % 2], f"locked-{email}", "wrong password")[0] for i in range(12)]
    check("failed sign-ins counted across both servers", statuses == [401] * 10 + [429, 429],
          f"12 wrong passwords for one account alternating A/B: {statuses}")


def alternate(threads, calls, work):
    """Runs `work(thread, call)` for calls 0..calls-1 on each of `threads` threads, all started
    together; answers the exceptions raised."""
    barrier = threading.Barrier(threads)
    errors = []

    def run(t):
        barrier.wait()
        for i in range(calls):
            try:
                work(t, i)
            except Exception as e:  # a failed request fails the check that made it
                errors.append(repr(e))

    pool = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for p in pool:
        p.start()
    for p in pool:
        p.join()
    return errors


def clients():
    """A function answering the keep-alive client of (thread, port), made on first use."""
    apis = {}

    def client(thread, port):
        if (thread, port) not in apis:
            apis[(thread, port)] = Api(port)
        return apis[(thread, port)]
    return client


def numbering(a, b, token, db, threads):
    status, customer, _ = Api(a).post("/api/customers/create", {"name": "numbered documents"}, token=token)
    customer_id = customer["id"]
    kinds = {
        "orders": {"title": "order", "customer_id": customer_id, "items[0][item_name]": "x",
                   "items[0][quantity]": "1", "items[0][unit_price]": "1.00"},
        "issues": {"title": "issue", "customer_id": customer_id},
        "payments": {"amount": "1.00", "customer_id": customer_id},
    }
    numbers = {kind: [] for kind in kinds}
    statuses = Counter()
    lock = threading.Lock()
    client = clients()

    def work(t, i):
        kind = list(kinds)[(t + i) % 3]
        api = client(t, (a, b)[(t + i) % 2])
        status, data, _ = api.post(f"/api/{kind}/create", kinds[kind], token=token)
        with lock:
            statuses[status] += 1
            if status == 200:
                numbers[kind].append(data["number"])

    calls = 60
    errors = alternate(threads, calls, work)
    counters = dict(db.query("select kind, last from number_counters"))
    for kind, given in numbers.items():
        n = sorted(int(x.rsplit("-", 1)[1]) for x in given)
        last = counters.get(kind.rstrip("s"))
        ok = n == list(range(1, len(n) + 1)) and last == str(len(n)) and len(n) == threads * calls // 3
        check(f"numbering {kind} through both servers", ok and not errors,
              f"{len(n)} created (all three kinds: {dict(statuses)}), numbers 1..{n[-1] if n else 0}, "
              f"duplicates {len(n) - len(set(n))}, counter {last}{', errors ' + str(errors[:3]) if errors else ''}")


def pipelines_listed(api, token):
    status, data, _ = api.get("/api/pipelines/list", token=token)
    return status, [p["id"] for p in data if p["is_default"]]


def set_default(a, b, token, db, threads):
    ids = [pipelines_listed(Api(a), token)[1][0]]
    for name in ("Second", "Third", "Fourth"):
        ids.append(Api(b).post("/api/pipelines/create", {"name": name}, token=token)[1]["id"])
    calls, lock, running = [], threading.Lock(), threading.Event()
    observed = Counter()
    client = clients()

    def work(t, i):
        target = random.choice(ids)
        api = client(t, (a, b)[(t + i) % 2])
        started = time.monotonic()
        status, data, _ = api.post("/api/pipelines/set_default", {"id": target}, token=token)
        with lock:
            calls.append({"target": target, "status": status, "default": (data or {}).get("is_default"),
                          "started": started, "answered": time.monotonic()})

    def reader():
        apis_ab = [Api(a), Api(b)]
        i = 0
        while running.is_set():
            status, defaults = pipelines_listed(apis_ab[i % 2], token)
            observed[(status, len(defaults))] += 1
            i += 1

    running.set()
    poll = threading.Thread(target=reader)
    poll.start()
    errors = alternate(threads, 25, work)
    running.clear()
    poll.join()

    statuses = Counter(c["status"] for c in calls)
    check("set_default through both servers answers 200 with the pipeline as default",
          statuses == Counter({200: len(calls)}) and all(c["default"] for c in calls) and not errors,
          f"{len(calls)} calls: {dict(statuses)}{', errors ' + str(errors[:3]) if errors else ''}")
    check("every list during the calls shows exactly one default",
          set(observed) == {(200, 1)}, f"{sum(observed.values())} lists: {dict(observed)} (status, defaults)")
    in_db = [int(r[0]) for r in db.query("select id from pipelines where is_default")]
    last_start = {id(c): max((d["started"] for d in calls if d is not c), default=0) for c in calls}
    candidates = {c["target"] for c in calls if c["answered"] >= last_start[id(c)]}
    check("one default afterwards, set by a call that finished last",
          len(in_db) == 1 and in_db[0] in candidates, f"defaults in the database {in_db}, possible last calls' targets {sorted(candidates)}")
    target = next(i for i in ids if i not in in_db)
    Api(a).post("/api/pipelines/set_default", {"id": target}, token=token)
    check("a default set on A shows on B", pipelines_listed(Api(b), token)[1] == [target], f"set {target} on A")


def optimistic(a, b, token, threads):
    customer = Api(a).post("/api/customers/create", {"name": "contended"}, token=token)[1]
    rounds, outcomes, lock = 10, [], threading.Lock()
    version = customer["version"]
    for r in range(rounds):
        statuses = Counter()
        barrier = threading.Barrier(threads)

        def update(t):
            api = Api((a, b)[t % 2])
            barrier.wait()
            status = api.post("/api/customers/update", {"id": customer["id"], "version": version,
                                                        "name": f"round {r} thread {t}"}, token=token)[0]
            with lock:
                statuses[status] += 1

        pool = [threading.Thread(target=update, args=(t,)) for t in range(threads)]
        for p in pool:
            p.start()
        for p in pool:
            p.join()
        now = Api(b).get("/api/customers/get", {"id": customer["id"]}, token=token)[1]["version"]
        outcomes.append((dict(statuses), now - version))
        version = now
    ok = all(s == {200: 1, 409: threads - 1} and grew == 1 for s, grew in outcomes)
    check("one stale-version update wins per round across servers, the rest 409", ok,
          f"{rounds} rounds of {threads} updates with the same version: {Counter(json.dumps(s, sort_keys=True) for s, _ in outcomes)}")


MAILS = 200

# Records which server's connection marks a mail job sent, and slows that down a little (see the
# docstring); PostgreSQL only, like this script.
RECORD_SENDER = """
create table if not exists two_server_mail_sent (
    job_id bigint not null, server text not null, at timestamptz not null default clock_timestamp());
create or replace function two_server_record_sender() returns trigger language plpgsql as $$
begin
    insert into two_server_mail_sent (job_id, server) values (new.id, current_setting('application_name'));
    perform pg_sleep(0.02);
    return null;
end $$;
drop trigger if exists two_server_record_sender on jobs;
create trigger two_server_record_sender after update on jobs for each row
    when (new.kind in ('mail', 'webhook') and new.state = 'sent') execute function two_server_record_sender();
"""


def sent_by(db, mine, ports, name):
    """Checks that the worker of each server marked some of the jobs `mine` (a condition on
    jobs j) sent, by RECORD_SENDER's table; answers the count per port."""
    senders = dict(db.query(f"select s.server, count(*) from two_server_mail_sent s join jobs j on j.id = s.job_id "
                            f"where {mine} group by s.server"))
    by_port = {port: int(senders.pop(f"two-server-{port}", 0)) for port in ports}
    check(name, all(by_port.values()), ", ".join(f"sent by {port}: {n}" for port, n in by_port.items())
          + (f", by other connections: {senders}" if senders else ""))
    return by_port


def arrived_mail(maildev, prefix):
    """maildev's mail to the addresses starting with prefix: (Message-ID, recipient) of each."""
    with urllib.request.urlopen(f"{maildev}/api/email", timeout=30) as answer:
        received = json.load(answer)
    found = []
    for m in received:
        for to in m.get("to") or []:
            if to["address"].lower().startswith(prefix):
                found.append(((m.get("headers") or {}).get("message-id") or m.get("messageId"), to["address"].lower()))
    return found


def mail(a, b, token, db, maildev, threads):
    prefix = f"two-server-mail-{time.time_ns()}-"
    addresses = [f"{prefix}{n}@example.com" for n in range(MAILS)]
    mine = f"j.kind = 'mail' and j.payload::jsonb ->> 'to' like '{prefix}%'"  # this check's jobs j
    db.query(RECORD_SENDER)
    statuses, lock, client = Counter(), threading.Lock(), clients()
    calls = -(-MAILS // threads)

    def work(t, i):
        n = t * calls + i
        if n >= MAILS:
            return
        status, data, _ = client(t, (a, b)[n % 2]).post("/api/invitations/create",
                                                        {"email": addresses[n], "role": "sales_rep"}, token=token)
        with lock:
            statuses[status if isinstance(data, dict) and "id" in data else f"{status} without id"] += 1

    started = time.monotonic()
    errors = alternate(threads, calls, work)
    queued_seconds = time.monotonic() - started

    # The queue drains: none of these jobs queued or sending, for at most 120 s.
    started = time.monotonic()
    while True:
        states = {state: int(n) for state, n in db.query(f"select j.state, count(*) from jobs j where {mine} group by j.state")}
        pending = states.get("queued", 0) + states.get("sending", 0)
        if pending == 0 or time.monotonic() - started > 120:
            break
        time.sleep(0.2)
    drain_seconds = time.monotonic() - started

    jobs = [(state, json.loads(payload)) for state, payload in db.query(f"select j.state, j.payload from jobs j where {mine}")]
    job_ids = Counter(p["message_id"] for _, p in jobs)
    jobs_per_address = Counter(p["to"].lower() for _, p in jobs)
    # Every mail sent is stored by the time its job is marked sent; allow maildev a moment anyway.
    deadline = time.monotonic() + 10
    while len(arrived_mail(maildev, prefix)) < len(jobs) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    arrived = arrived_mail(maildev, prefix)
    by_id = Counter(message_id for message_id, _ in arrived)
    by_address = Counter(address for _, address in arrived)

    missing = [p["to"] for _, p in jobs if by_id[p["message_id"]] == 0]
    doubled = [message_id for message_id, n in by_id.items() if n > 1 and message_id in job_ids]
    unknown = [message_id for message_id in by_id if message_id not in job_ids]
    missing_to = [address for address in addresses if by_address[address] == 0]
    doubled_to = [address for address in addresses if by_address[address] > 1]
    wrong_jobs = [address for address in addresses if jobs_per_address[address] != 1]
    failed = states.get("failed", 0)
    sent = f"two_server_mail_sent s join jobs j on j.id = s.job_id where {mine}"
    sent_twice = db.query(f"select s.job_id from {sent} group by s.job_id having count(*) > 1")
    ok = (statuses == Counter({200: MAILS}) and not errors and len(jobs) == MAILS and not wrong_jobs
          and pending == 0 and failed == 0 and not missing and not doubled and not unknown
          and not missing_to and not doubled_to and not sent_twice)
    check("mail: 200 queued mails through both servers arrive exactly once each", ok,
          f"{len(jobs)} queued through 2 servers in {queued_seconds:.1f} s, {len(arrived)} arrived, "
          f"{len(missing)} missing, {len(doubled)} doubled (by Message-ID; by recipient {len(missing_to)} missing, "
          f"{len(doubled_to)} doubled), drained in {drain_seconds:.1f} s after the last invitation; "
          f"invitations answered {dict(statuses)}{', errors ' + str(errors[:3]) if errors else ''}, "
          f"recipients without exactly one job {len(wrong_jobs)}, jobs {states}, marked sent twice {len(sent_twice)}, "
          f"unknown Message-IDs {len(unknown)}"
          f"{'; missing e.g. ' + str((missing or missing_to)[:3]) if missing or missing_to else ''}"
          f"{'; doubled e.g. ' + str((doubled or doubled_to)[:3]) if doubled or doubled_to else ''}")

    by_port = sent_by(db, mine, (a, b), "mail: the workers of both servers sent some")
    return {"queued": len(jobs), "arrived": len(arrived), "missing": len(missing), "doubled": len(doubled),
            "failed": failed, "sent_by": by_port, "drain_seconds": round(drain_seconds, 1)}


WEBHOOK_RECORDS = 40


def webhooks(a, b, token, db, threads):
    receiver = Receiver(up=False)
    hook = subscribe(a, token, "customer.created,customer.updated,customer.deleted", receiver)
    client, lock, changes, statuses = clients(), threading.Lock(), {}, Counter()
    calls = -(-WEBHOOK_RECORDS // threads)

    def work(t, i):
        n = t * calls + i
        if n >= WEBHOOK_RECORDS:
            return
        ports = (a, b) if n % 2 else (b, a)
        status, customer, _ = client(t, ports[0]).post("/api/customers/create", {"name": f"hooked {n}"}, token=token)
        mine = [status]
        if status == 200:
            for step, port in enumerate((ports[1], ports[0])):
                mine.append(client(t, port).post("/api/customers/update",
                                                 {"id": customer["id"], "notes": f"change {step}"}, token=token)[0])
            mine.append(client(t, ports[1]).post("/api/customers/delete", {"id": customer["id"]}, token=token)[0])
            with lock:
                changes[customer["id"]] = ["customer.created", "customer.updated", "customer.updated", "customer.deleted"]
        with lock:
            statuses.update(mine)

    errors = alternate(threads, calls, work)
    receiver.up = True  # after every change was made while it was down: all of them are retried
    mine = f"j.kind = 'webhook' and (j.payload::jsonb ->> 'webhook_id')::bigint = {hook['id']}"
    db.query(RECORD_SENDER)
    started = time.monotonic()
    while True:
        pending = int(db.query(f"select count(*) from jobs j where {mine} and j.state in ('queued', 'sending')")[0][0])
        if pending == 0 or time.monotonic() - started > 120:
            break
        time.sleep(0.5)
    drain = time.monotonic() - started
    stored = {json.loads(json.loads(payload)["body"])["id"] for (payload,) in db.query(f"select j.payload from jobs j where {mine}")}
    deliveries = receiver.received()
    receiver.shutdown()
    arrived = {event["id"] for event, _ in deliveries}
    arrival = {}
    for event, _ in deliveries:  # the first arrival of each event, in arrival order
        arrival.setdefault(event["id"], (event["data"].get("id"), event["type"]))
    arrived_order = {}
    for record, kind in arrival.values():
        arrived_order.setdefault(record, []).append(kind)
    arrived_out_of_order = [r for r, expected in changes.items() if arrived_order.get(r) != expected]
    unsigned = sum(1 for _, signed in deliveries if not signed)
    missing = stored - arrived
    ok = (statuses == Counter({200: WEBHOOK_RECORDS * 4}) and not errors and len(stored) == WEBHOOK_RECORDS * 4
          and pending == 0 and not missing and not unsigned and not arrived_out_of_order)
    check("webhooks: every event arrives through either server's worker, signed, in order per record", ok,
          f"{len(stored)} events stored for {len(changes)} customers, {len(arrived)} arrived "
          f"({len(deliveries)} deliveries), {len(missing)} missing, {unsigned} badly signed, "
          f"{len(arrived_out_of_order)} records out of order, drained in {drain:.1f} s after the receiver came back; "
          f"changes answered {dict(statuses)}{', errors ' + str(errors[:3]) if errors else ''}")
    by_port = sent_by(db, mine, (a, b), "webhooks: the workers of both servers delivered some")
    return {"events": len(stored), "arrived": len(arrived), "missing": len(missing), "delivered_by": by_port,
            "drain_seconds": round(drain, 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--ports", type=int, nargs=2, required=True)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--maildev", help="maildev's API (both servers' SMTP_URL point at it): also checks mail")
    parser.add_argument("--webhooks", action="store_true", help="also check webhooks (both servers allow 127.0.0.1)")
    args = parser.parse_args()
    a, b = args.ports
    db = Database(args.database_url)
    email = f"two-{time.time_ns()}@example.com"
    register(a, email, "Two Servers")
    started = time.monotonic()
    sessions(a, b, email)  # ends the registration's session too ("sign out everywhere")
    _, _, token = login(b, email)
    numbering(a, b, token, db, args.threads)
    set_default(a, b, token, db, args.threads)
    optimistic(a, b, token, args.threads)
    summary = {}
    if args.maildev:
        summary["mail"] = mail(a, b, token, db, args.maildev.rstrip("/"), args.threads)
    if args.webhooks:
        summary["webhooks"] = webhooks(a, b, token, db, args.threads)
    failed = [r["check"] for r in RESULTS if not r["ok"]]
    print(json.dumps({"checks": len(RESULTS), "passed": len(RESULTS) - len(failed), "failed": failed,
                      "seconds": round(time.monotonic() - started)} | summary))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
