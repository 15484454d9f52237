#!/usr/bin/env python3
"""Crash safety: kills the release server with SIGKILL (kill -9) while several threads write
through the API, restarts it on the same database, and checks after every restart that

- every acknowledged write (a 2xx answer with the record's id) is in the database with the
  content sent and, for numbered documents, the number answered; a customer's status and a
  deal's stage are those of its last acknowledged change (or of a change in flight at the kill);
- the database passes its integrity checks: SQLite `PRAGMA integrity_check`,
  `PRAGMA foreign_key_check` and the FTS5 `integrity-check` of every search index; PostgreSQL
  amcheck (`bt_index_check` with `heapallindexed` on every B-tree index, `verify_heapam` on every
  table);
- the application's own invariants hold: the trigger-kept counts (`customer_counts`,
  `deal_stage_totals`, `deal_totals`, `customer_created`) equal the real counts and sums, and the documents of each organization,
  kind and year are numbered 1..`number_counters.last` exactly once each.

With --maildev (crash.sh starts one and gives the server SMTP_URL), writers also invite people
by mail: an acknowledged invitation has exactly one mail job after every restart, none failed;
at the end the leases of mail being sent at a kill are run out, the queue drains (as long as it
shrinks), and each mail
arrived at maildev (by its Message-ID): never lost. Mail that arrived twice is counted: SMTP
cannot rule it out for a mail the server stored just before the kill (see mail_delivered).

With --webhooks (crash.sh lets the server deliver to 127.0.0.1), both organizations subscribe a
receiver to customer.created: after every restart each customer of the run has exactly one
delivery job (written with the customer: none missing, none for a customer that is not there),
and at the end, the leases of deliveries in flight at a kill run out, every event arrives at
the receiver, signed: at least once (a delivery cut by a kill is sent again, counted).

Writes in flight at the kill (sent, no answer) may or may not have happened; they are counted
(found / not found), never required. Each write carries a unique marker (in the name, title,
body or notes), so that it can be found whether or not it was acknowledged.

usage: bench/crash.py --database-url URL --port PORT [--cycles 25] [--threads 6] [--maildev URL] [--webhooks]
Prints a JSON summary on the last line; exits 1 when a check fails.
"""

import argparse
import json
import random
import re
import sys
import threading
import time
import urllib.request
from collections import Counter, defaultdict

from tgc import Api, Database, Receiver, Server, register, subscribe

# What a writer does, by weight; every record hangs off a customer the writer created. "status"
# (de)activates one of its customers and "move" moves one of its deals to another open stage:
# the update paths of the triggers that keep customer_counts, deal_stage_totals and deal_totals.
OPERATIONS = {"customer": 3, "note": 2, "activity": 2, "deal": 2, "issue": 2, "order": 2, "payment": 1,
              "status": 2, "move": 2}

# Where the updated value of a record is: (operation that creates it, query of id and value).
UPDATED = {"status": ("customer", "select id, status from customers where name like '{prefix}%'"),
           "move": ("deal", "select id, stage_id from deals where title like '{prefix}%'")}

# The rows of the records written, by operation: each query answers the id, the column with the
# marker, then the columns compared with what was sent (see expected_row).
ROWS = {
    "customer": "select id, name, email from customers",
    "note": "select id, body, customer_id from customer_notes",
    "activity": "select id, subject, customer_id from activities",
    "deal": "select id, title, value_minor from deals",
    "issue": "select id, title, number from issues",
    "order": "select o.id, o.title, o.number, o.total_minor, "
             "(select count(*) from order_items i where i.order_id = o.id) from orders o",
    "payment": "select id, notes, number, amount_minor from payments",
    "invite": "select id, email from invitations",
}


class Journal:
    """Every write sent, and what became of it. The acknowledged ones are also appended to a
    file, flushed at once, as the durable record of what the server promised."""

    def __init__(self, path):
        self.lock = threading.Lock()
        self.file = open(path, "a", encoding="utf-8")
        self.writes = {}  # marker -> write (op, expected content, state)
        self.rejected = Counter()  # non-2xx answers by status (not expected at all)

    def sent(self, marker, op, expected):
        with self.lock:
            self.writes[marker] = {"op": op, "expected": expected, "state": "in_flight"}

    def acknowledged(self, marker, record_id, extra):
        with self.lock:
            write = self.writes[marker]
            write["state"] = "acknowledged"
            write["id"] = record_id
            write["expected"].update(extra)
            self.file.write(json.dumps({"marker": marker, **write}) + "\n")
            self.file.flush()

    def failed(self, marker, status=None):
        with self.lock:
            if status is None:
                self.writes[marker]["state"] = "unacknowledged"
            else:
                self.writes[marker]["state"] = "rejected"
                self.rejected[status] += 1

    def in_flight(self):
        return self.count("in_flight")

    def count(self, state):
        """Writes in `state` now (writers add to `writes` meanwhile: read it under the lock)."""
        with self.lock:
            return sum(1 for w in self.writes.values() if w["state"] == state)


def writer(port, token, stages, prefix, journal, stop):
    """Writes until the server stops answering (the kill) or `stop` is set. `stages`: the open
    stages of the default pipeline."""
    api = Api(port, timeout=20)
    rng = random.Random(prefix)
    customers, deals = {}, {}  # this writer's records: id -> status / stage
    seq = 0
    while not stop.is_set():
        seq += 1
        marker = f"{prefix}-{seq}"
        op = "customer" if not customers else rng.choices(list(OPERATIONS), weights=list(OPERATIONS.values()))[0]
        if op == "move" and not deals:
            op = "deal"
        customer = rng.choice(list(customers)) if customers else None
        cents = rng.randint(100, 999_999)
        amount = f"{cents // 100}.{cents % 100:02d}"
        if op == "customer":
            path, fields = "customers/create", {"name": marker, "email": f"{marker}@example.com"}
            expected = {"email": f"{marker}@example.com"}
        elif op == "note":
            path, fields = "customers/add_note", {"customer_id": customer, "body": marker}
            expected = {"customer_id": customer}
        elif op == "activity":
            path, fields = "activities/create", {"customer_id": customer, "activity_type": "note", "title": marker}
            expected = {"customer_id": customer}
        elif op == "deal":
            path, fields = "deals/create", {"title": marker, "customer_id": customer, "value": amount}
            expected = {"value_minor": cents}
        elif op == "issue":
            path, fields = "issues/create", {"title": marker, "customer_id": customer}
            expected = {}
        elif op == "status":
            value = "inactive" if customers[customer] == "active" else "active"
            path = f"customers/{'deactivate' if value == 'inactive' else 'activate'}"
            fields, expected = {"id": customer}, {"record": customer, "value": value}
        elif op == "move":
            deal = rng.choice(list(deals))
            value = rng.choice([stage for stage in stages if stage != deals[deal]])
            path, fields = "deals/move", {"id": deal, "stage_id": value}
            expected = {"record": deal, "value": value}
        elif op == "order":
            items = rng.randint(1, 3)
            fields = {"title": marker, "customer_id": customer}
            for i in range(items):
                fields |= {f"items[{i}][item_name]": f"item {i}", f"items[{i}][quantity]": "2",
                           f"items[{i}][unit_price]": amount}
            path, expected = "orders/create", {"total_minor": 2 * cents * items, "items": items}
        elif op == "invite":
            # The address is the marker: the invitation's row is found by it.
            marker = f"{marker}@example.com"
            path, fields, expected = "invitations/create", {"email": marker, "role": "sales_rep"}, {}
        else:
            path, fields = "payments/create", {"amount": amount, "customer_id": customer, "notes": marker}
            expected = {"amount_minor": cents}
        journal.sent(marker, op, expected)
        try:
            status, data, _ = api.post(f"/api/{path}", fields, token=token)
        except Exception:  # the connection failed: the server is gone
            journal.failed(marker)
            return
        if status != 200 or not isinstance(data, dict) or "id" not in data:
            journal.failed(marker, status)  # never expected: reported, and this writer stops
            return
        extra = {"number": data["number"]} if "number" in data else {}
        if op == "customer":
            customers[data["id"]] = extra["value"] = data["status"]
        elif op == "deal":
            deals[data["id"]] = extra["value"] = data["stage_id"]
        elif op in UPDATED:
            (customers if op == "status" else deals)[expected["record"]] = expected["value"]
        journal.acknowledged(marker, data["id"], extra)


def verify_writes(db, journal, prefix):
    """Compares the journal with the database. Answers ({marker: problem} for the acknowledged
    writes missing or different, unacknowledged ones found, unacknowledged ones not found)."""
    rows = {}
    for op, sql in ROWS.items():
        for row in db.query(f"{sql} where {marker_column(sql)} like '{prefix}%'"):
            rows[row[1]] = (op, row)
    problems, found, not_found = {}, 0, 0
    # (operation that created the record, id) -> [the value it must have, the value of an
    # unacknowledged update after that, which it may have instead]
    values = {}
    for marker, write in journal.writes.items():
        if write["op"] in UPDATED:
            key = (UPDATED[write["op"]][0], write["expected"]["record"])
            if write["state"] == "acknowledged":
                values[key] = [write["expected"]["value"], None]
            elif write["state"] == "unacknowledged":
                values[key][1] = write["expected"]["value"]
            continue
        if write["op"] in ("customer", "deal") and write["state"] == "acknowledged":
            values[(write["op"], write["id"])] = [write["expected"]["value"], None]
        hit = rows.get(marker)
        if write["state"] == "acknowledged":
            if hit is None:
                problems[marker] = f"acknowledged {write['op']} {marker} (id {write['id']}) is missing"
            elif hit[0] != write["op"] or hit[1][0] != str(write["id"]) or hit[1][2:] != expected_row(write):
                problems[marker] = f"acknowledged {write['op']} {marker}: row {hit[1]} != sent {write}"
        elif write["state"] == "unacknowledged":
            if hit is None:
                not_found += 1
            else:
                found += 1
    for op, sql in UPDATED.values():
        for record, value in db.query(sql.format(prefix=prefix)):
            must, may = values.get((op, int(record)), (value, None))
            if value == str(must):
                not_found += may is not None
            elif may is not None and value == str(may):
                found += 1
            else:
                problems[f"{op} {record}"] = f"{op} {record} has {value}, not {must} of its last acknowledged write"
    return problems, found, not_found


def marker_column(sql):
    """The second column of a ROWS query (the marker), as written in its select list."""
    return re.match(r"select ([\w.]+), ([\w.]+)", sql).group(2)


def expected_row(write):
    """The columns after id and marker that the write's row must have."""
    e = write["expected"]
    return {
        "customer": lambda: (e["email"],),
        "note": lambda: (str(e["customer_id"]),),
        "activity": lambda: (str(e["customer_id"]),),
        "deal": lambda: (str(e["value_minor"]),),
        "issue": lambda: (e["number"],),
        "order": lambda: (e["number"], str(e["total_minor"]), str(e["items"])),
        "payment": lambda: (e["number"], str(e["amount_minor"])),
        "invite": lambda: (),
    }[write["op"]]()


def mail_jobs(db, prefix):
    """The mail jobs of this run: (state, message id, recipient)."""
    rows = db.query(f"select state, payload from jobs where kind = 'mail' and payload like '%\"to\":\"{prefix}%'")
    return [(state, json.loads(payload)["message_id"], json.loads(payload)["to"]) for state, payload in rows]


def mail_checks(db, prefix):
    """After a restart: every invitation has exactly one mail job, and none failed."""
    problems = []
    counts = Counter(to for _, _, to in mail_jobs(db, prefix))
    for (email,) in db.query(f"select email from invitations where email like '{prefix}%'"):
        if counts[email] != 1:
            problems.append(f"invitation to {email} has {counts[email]} mail jobs")
    failed = [to for state, _, to in mail_jobs(db, prefix) if state == "failed"]
    if failed:
        problems.append(f"{len(failed)} mail jobs failed: {failed[:3]}")
    return problems


def drain(db, jobs):
    """Runs out the leases of the jobs being sent at the last kill and waits while `jobs()` (whose
    first column is the state) has some not sent, as long as that number shrinks (a backlog can
    be long: one worker sends one at a time), at most 15 s without progress. Answers seconds."""
    db.query("update jobs set locked_until = created_at where state = 'sending'")
    started, last, stalled_since = time.monotonic(), None, time.monotonic()
    while time.monotonic() - stalled_since < 15:
        left = sum(1 for job in jobs() if job[0] != "sent")
        if left == 0:
            break
        if left != last:
            last, stalled_since = left, time.monotonic()
        time.sleep(0.5)
    return round(time.monotonic() - started)


def undelivered(jobs, arrived, what):
    """Jobs `(state, key, label)` against the Counter of keys that `arrived`: answers the labels
    of the jobs that never arrived, and the problems (jobs not sent after the drain, jobs lost)."""
    not_sent = [label for state, _, label in jobs if state != "sent"]
    lost = [label for _, key, label in jobs if arrived[key] == 0]
    problems = []
    if not_sent:
        problems.append(f"{len(not_sent)} {what} not sent, the queue stuck for 15 s: {not_sent[:3]}")
    if lost:
        problems.append(f"{len(lost)} {what} never arrived: {lost[:3]}")
    return lost, problems


def mail_delivered(db, prefix, maildev):
    """Runs out the leases of mail being sent at the last kill, waits for the queue to drain and
    compares maildev's mail with the jobs. Answers (summary, problems)."""
    drain_seconds = drain(db, lambda: mail_jobs(db, prefix))
    jobs = mail_jobs(db, prefix)
    with urllib.request.urlopen(f"{maildev}/api/email", timeout=30) as answer:
        received = json.load(answer)
    arrived = Counter(m["headers"].get("message-id") for m in received
                      if any(to["address"].startswith(prefix) for to in m["to"]))
    lost, problems = undelivered(jobs, arrived, "mail jobs")
    doubled = [message_id for message_id, n in arrived.items() if n > 1]
    unknown = set(arrived) - {message_id for _, message_id, _ in jobs}
    # Not a failure, a figure: a kill after the mail server stored a mail and before its "250"
    # reached the worker sends that mail again (with the same Message-ID) once the lease runs
    # out; no SMTP client can tell (RFC 1047). At most one per kill and worker.
    if unknown:
        problems.append(f"{len(unknown)} mails arrived without a job: {sorted(unknown)[:3]}")
    summary = {"queued": len(jobs), "arrived": sum(arrived.values()), "doubled": len(doubled), "lost": len(lost),
               "drain_seconds": drain_seconds}
    return summary, problems


def webhook_jobs(db, prefix):
    """The customer.created deliveries of the run's customers: (state, event id, customer id)."""
    jobs = []
    for state, payload in db.query("select state, payload from jobs where kind = 'webhook'"):
        event = json.loads(json.loads(payload)["body"])
        if event["type"] == "customer.created" and event["data"]["name"].startswith(prefix):
            jobs.append((state, event["id"], event["data"]["id"]))
    return jobs


def webhook_checks(db, prefix):
    """After a restart: each customer of the run has exactly one delivery, and each delivery its customer."""
    customers = {int(i) for (i,) in db.query(f"select id from customers where name like '{prefix}%'")}
    per_customer = Counter(int(customer) for _, _, customer in webhook_jobs(db, prefix))
    problems = []
    wrong = [c for c in customers if per_customer[c] != 1]
    if wrong:
        problems.append(f"{len(wrong)} customers without exactly one customer.created delivery: {wrong[:3]}")
    orphans = [c for c in per_customer if c not in customers]
    if orphans:
        problems.append(f"{len(orphans)} deliveries for customers that are not there: {orphans[:3]}")
    return problems


def webhooks_delivered(db, prefix, receiver):
    """Runs out the leases of deliveries in flight at the last kill, waits for the queue to
    drain and compares what the receiver got with the jobs. Answers (summary, problems)."""
    drain_seconds = drain(db, lambda: webhook_jobs(db, prefix))
    jobs = webhook_jobs(db, prefix)
    received = receiver.received()
    arrived = Counter(event["id"] for event, _ in received)
    lost, problems = undelivered(jobs, arrived, "webhook deliveries")
    unsigned = [event["id"] for event, signed in received if not signed]
    if unsigned:
        problems.append(f"{len(unsigned)} deliveries badly signed: {unsigned[:3]}")
    summary = {"events": len(jobs), "arrived": len([e for e in arrived if arrived[e]]),
               "arrived_twice": sum(1 for n in arrived.values() if n > 1), "lost": len(lost),
               "drain_seconds": drain_seconds}
    return summary, problems


def integrity(db):
    """The database's own checks; answers a list of problems (empty: all passed)."""
    problems = []
    if db.is_sqlite:
        result = db.query("pragma integrity_check")
        if result != [("ok",)]:
            problems.append(f"integrity_check: {result[:5]}")
        result = db.query("pragma foreign_key_check")
        if result:
            problems.append(f"foreign_key_check: {result[:5]}")
        for (table,) in db.query("select name from sqlite_master where type = 'table' and sql like '%using fts5%'"):
            try:
                db.query(f"insert into {table} ({table}) values ('integrity-check')")
            except Exception as e:  # sqlite3.DatabaseError: the index disagrees with its table
                problems.append(f"fts5 {table}: {e}")
    else:
        db.query("create extension if not exists amcheck")
        # Every valid, permanent B-tree index: structure, and every heap tuple is in it.
        db.query("select bt_index_check(c.oid, true) from pg_index i join pg_class c on c.oid = i.indexrelid "
                 "join pg_am a on a.oid = c.relam where a.amname = 'btree' and i.indisvalid "
                 "and c.relpersistence = 'p' and c.relnamespace = 'public'::regnamespace")
        result = db.query("select c.relname, v.blkno, v.msg from pg_class c, verify_heapam(c.oid) v "
                          "where c.relkind = 'r' and c.relnamespace = 'public'::regnamespace")
        if result:
            problems.append(f"verify_heapam: {result[:5]}")
    return problems


def invariants(db):
    """The application's derived data against the rows it is derived from."""
    problems = []
    kept = set(db.query("select organization_id, status, customer_type, n from customer_counts where n <> 0"))
    real = set(db.query("select organization_id, status, customer_type, count(*) from customers "
                        "group by organization_id, status, customer_type"))
    if kept != real:
        problems.append(f"customer_counts {sorted(kept ^ real)[:5]} differ from the customers")
    kept = set(db.query("select stage_id, n, value_minor from deal_stage_totals where n <> 0 or value_minor <> 0"))
    real = set(db.query("select stage_id, count(*), sum(value_minor) from deals group by stage_id"))
    if kept != real:
        problems.append(f"deal_stage_totals {sorted(kept ^ real)[:5]} differ from the deals")
    kept = set(db.query("select organization_id, pipeline_id, stage_id, status, assignee, n, value_minor, weighted "
                        "from deal_totals where n <> 0"))
    real = set(db.query("select organization_id, pipeline_id, stage_id, status, coalesce(assigned_to, 0), count(*), "
                        "sum(value_minor), sum(value_minor * probability) from deals group by 1, 2, 3, 4, 5"))
    if kept != real:
        problems.append(f"deal_totals {sorted(kept ^ real)[:5]} differ from the deals")
    slot = ("cast(strftime('%s', created_at) as integer) / 900" if db.is_sqlite
            else "floor(extract(epoch from created_at) / 900)")
    kept = set(db.query("select organization_id, slot, n from customer_created where n <> 0"))
    real = set(db.query(f"select organization_id, {slot}, count(*) from customers group by 1, 2"))
    if kept != real:
        problems.append(f"customer_created {sorted(kept ^ real)[:5]} differ from the customers")
    numbers = defaultdict(list)
    for kind, table in (("order", "orders"), ("payment", "payments"), ("issue", "issues")):
        for org, number in db.query(f"select organization_id, number from {table}"):
            _, year, n = number.split("-")
            numbers[(org, kind, year)].append(int(n))
    counters = {(org, kind, year): int(last) for org, kind, year, last in
                db.query("select organization_id, kind, year, last from number_counters")}
    for key in set(numbers) | set(counters):
        given = sorted(numbers.get(key, []))
        if given != list(range(1, counters.get(key, 0) + 1)):
            problems.append(f"numbers {key}: counter {counters.get(key)}, documents {len(given)} "
                            f"(duplicates {[n for n, c in Counter(given).items() if c > 1][:5]})")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cycles", type=int, default=25)
    parser.add_argument("--threads", type=int, default=6)
    parser.add_argument("--min-run", type=float, default=0.3, help="least seconds of writing before a kill")
    parser.add_argument("--max-run", type=float, default=2.0, help="most seconds of writing before a kill")
    parser.add_argument("--out", default="bench/results", help="folder for the journal and the server log")
    parser.add_argument("--maildev", help="maildev's API (the server's SMTP_URL points at it): writers also invite by mail")
    parser.add_argument("--webhooks", action="store_true",
                        help="subscribe a receiver to customer.created (the server allows 127.0.0.1)")
    args = parser.parse_args()
    if args.maildev:
        OPERATIONS["invite"] = 2

    backend = "sqlite" if args.database_url.startswith("sqlite:") else "postgres"
    db = Database(args.database_url)
    server = Server(args.port, args.database_url, f"{args.out}/crash-server-{backend}.log")
    journal = Journal(f"{args.out}/crash-journal-{backend}.jsonl")
    server.start()
    try:
        run(args, backend, db, server, journal)
    finally:
        server.stop()


def open_stages(port, token):
    """The ids of the open stages of the organization's default pipeline."""
    _, pipelines, _ = Api(port).get("/api/pipelines/list", token=token)
    default = next(p for p in pipelines if p["is_default"])
    return [stage["id"] for stage in default["stages"] if stage["kind"] == "open"]


def run(args, backend, db, server, journal):
    """The kill cycles, then the summary; exits 1 when a check failed."""
    rng = random.Random(6)
    # Two organizations, so that per-organization counters and numbers are exercised side by side.
    tokens = [register(args.port, f"crash{i}-{backend}-{time.time_ns()}@example.com", f"Crash {i}") for i in range(2)]
    stages = [open_stages(args.port, token) for token in tokens]
    receiver = Receiver() if args.webhooks else None
    for token in tokens if receiver else []:
        subscribe(args.port, token, "customer.created", receiver)
    prefix = f"crash{time.time_ns()}"
    restarts, in_flight_at_kill, failures, lost = [], 0, [], set()
    started = time.monotonic()
    for cycle in range(1, args.cycles + 1):
        stop = threading.Event()
        threads = [threading.Thread(target=writer, args=(args.port, tokens[t % 2], stages[t % 2], f"{prefix}-{cycle}-{t}", journal, stop))
                   for t in range(args.threads)]
        for t in threads:
            t.start()
        before = journal.count("acknowledged")
        run_for = rng.uniform(args.min_run, args.max_run)
        time.sleep(run_for)
        in_flight_at_kill += journal.in_flight()
        server.kill()
        stop.set()
        for t in threads:
            t.join()
        restarts.append(server.start())
        wrong, _, _ = verify_writes(db, journal, prefix)
        lost |= set(wrong)
        problems = list(wrong.values()) + integrity(db) + invariants(db)
        if args.maildev:
            problems += mail_checks(db, prefix)
        if receiver:
            problems += webhook_checks(db, prefix)
        status = "ok" if not problems else "FAILED"
        acknowledged = journal.count("acknowledged")
        print(f"{backend} cycle {cycle:2}: killed after {run_for:.1f} s and {acknowledged - before} acknowledged writes "
              f"({acknowledged} in all), restart {restarts[-1]:.0f} ms, {status}", flush=True)
        for p in problems:
            print(f"   {p}", flush=True)
        failures += [f"cycle {cycle}: {p}" for p in problems]

    mail = None
    if args.maildev:
        mail, problems = mail_delivered(db, prefix, args.maildev.rstrip("/"))
        for p in problems:
            print(f"   {p}", flush=True)
        failures += [f"mail: {p}" for p in problems]
    hooks = None
    if receiver:
        hooks, problems = webhooks_delivered(db, prefix, receiver)
        for p in problems:
            print(f"   {p}", flush=True)
        failures += [f"webhooks: {p}" for p in problems]
    states = Counter(w["state"] for w in journal.writes.values())
    _, found, not_found = verify_writes(db, journal, prefix)
    by_op = Counter(w["op"] for w in journal.writes.values() if w["state"] == "acknowledged")
    summary = {
        "backend": backend, "cycles": args.cycles, "threads": args.threads,
        "seconds": round(time.monotonic() - started),
        "acknowledged": states["acknowledged"], "acknowledged_by_kind": dict(by_op),
        "in_flight_at_kill": in_flight_at_kill,
        "unacknowledged": states["unacknowledged"], "unacknowledged_found": found, "unacknowledged_not_found": not_found,
        "rejected": dict(journal.rejected),
        "acknowledged_missing_or_wrong": len(lost),
        "checks": "ok" if not failures else f"{len(failures)} problems",
        "restart_ms": {"median": round(sorted(restarts)[len(restarts) // 2]), "max": round(max(restarts))},
        **({"mail": mail} if mail else {}),
        **({"webhooks": hooks} if hooks else {}),
    }
    print(json.dumps(summary))
    sys.exit(1 if failures or journal.rejected else 0)


if __name__ == "__main__":
    main()
