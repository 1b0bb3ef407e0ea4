"""Check that Odoo sends read-only work to the streaming replica (``make replica``).

    .venv/bin/python tools/replica_check.py --url URL --db DB \\
        --primary-port P --replica-port R [--host localhost] [--user odoo]

Logs in as a user of the web client (a session, as a browser does: only the
web client's routes choose the replica, not ``/jsonrpc``), then:

1. calls read-only methods (``@api.readonly``: the customer list's
   ``web_search_read``, a read of the value ledger, the profiles grouped by
   RFM segment, the timeline action of a customer) and shows, from
   ``pg_stat_database`` of each server, that the replica ran their
   transactions and returned their rows;
2. creates a partner (a write) and shows that the primary committed it and
   the replica received it by replication.

Prints the figures and exits 1 when the reads were not served by the
replica or the write is not on the primary.
"""

import argparse
import http.cookiejar
import itertools
import json
import sys
import time
import urllib.request
import uuid

import psycopg2

# PostgreSQL flushes a backend's statistics when it goes idle, at the latest
# after 10 seconds
STATS_DELAY = 11.0


def say(text=""):
    sys.stdout.write(f"{text}\n")
    sys.stdout.flush()


class WebClient:
    def __init__(self, url):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self._ids = itertools.count()

    def post(self, path, params):
        payload = json.dumps(
            {"jsonrpc": "2.0", "method": "call", "id": next(self._ids), "params": params}
        ).encode()
        request = urllib.request.Request(
            self.url + path, payload, {"Content-Type": "application/json"}
        )
        with self.opener.open(request, timeout=120) as response:
            answer = json.loads(response.read())
        if answer.get("error"):
            data = answer["error"].get("data") or {}
            raise SystemExit(f"{path}: {data.get('message') or answer['error']}")
        return answer["result"]

    def wait(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.post("/web/webclient/version_info", {})
                return
            except OSError:
                time.sleep(0.5)
        raise SystemExit(f"Odoo did not answer at {self.url} within {timeout}s")

    def login(self, db, login, password):
        self.post("/web/session/authenticate", {"db": db, "login": login, "password": password})

    def call(self, model, method, args, kwargs=None, button=False):
        path = "/web/dataset/call_button" if button else "/web/dataset/call_kw"
        return self.post(
            f"{path}/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )


class Stats:
    """``pg_stat_database`` of one database on one server."""

    def __init__(self, host, port, user, db):
        self.db = db
        self.cnx = psycopg2.connect(host=host, port=port, user=user, dbname=db)
        self.cnx.autocommit = True

    def counters(self):
        with self.cnx.cursor() as cr:
            cr.execute(
                "SELECT xact_commit, tup_returned FROM pg_stat_database WHERE datname = %s",
                (self.db,),
            )
            commits, returned = cr.fetchone()
        return {"xact_commit": commits, "tup_returned": returned}

    def query(self, sql, params):
        with self.cnx.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall()


def delta(after, before):
    return {key: after[key] - before[key] for key in after}


def measure(servers, action):
    """Run ``action`` and return its result and each server's counter deltas."""
    before = {name: stats.counters() for name, stats in servers.items()}
    result = action()
    time.sleep(STATS_DELAY)
    after = {name: stats.counters() for name, stats in servers.items()}
    return result, {name: delta(after[name], before[name]) for name in servers}


def reads(client):
    """The read-only calls; returns how many were made."""
    calls = 0
    for _round in range(3):
        partners = client.call(
            "res.partner",
            "web_search_read",
            [[("customer_profile_id", "!=", False)]],
            {"specification": {"display_name": {}, "customer_revenue": {}}, "limit": 80},
        )
        client.call(
            "customer.value.line",
            "web_search_read",
            [[]],
            {"specification": {"partner_id": {}, "revenue": {}, "cost": {}}, "limit": 200},
        )
        client.call(
            "customer.profile",
            "web_read_group",
            [[], ["revenue:sum"], ["rfm_segment"]],
        )
        calls += 3
        if partners["records"]:
            client.call(
                "res.partner",
                "action_open_customer_timeline",
                [[partners["records"][0]["id"]]],
                button=True,
            )
            calls += 1
    return calls


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--host", default="localhost")
    parser.add_argument("--user", default="odoo")
    parser.add_argument("--primary-port", type=int, required=True)
    parser.add_argument("--replica-port", type=int, required=True)
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    args = parser.parse_args()

    client = WebClient(args.url)
    client.wait()
    client.login(args.db, args.login, args.password)
    servers = {
        "primary": Stats(args.host, args.primary_port, args.user, args.db),
        "replica": Stats(args.host, args.replica_port, args.user, args.db),
    }
    calls, read_deltas = measure(servers, lambda: reads(client))
    name = f"Replica check {uuid.uuid4().hex[:12]}"
    partner_id, write_deltas = measure(
        servers, lambda: client.call("res.partner", "create", [{"name": name}])
    )
    if isinstance(partner_id, list):
        partner_id = partner_id[0]
    on_primary = bool(
        servers["primary"].query("SELECT 1 FROM res_partner WHERE id = %s", (partner_id,))
    )
    replicated = False
    deadline = time.monotonic() + 30
    while not replicated and time.monotonic() < deadline:
        replicated = bool(
            servers["replica"].query("SELECT 1 FROM res_partner WHERE id = %s", (partner_id,))
        )
        if not replicated:
            time.sleep(0.5)

    say()
    say(f"{'pg_stat_database deltas':40} {'primary':>12} {'replica':>12}")
    for label, deltas in (("read-only calls", read_deltas), ("one write", write_deltas)):
        for key in ("xact_commit", "tup_returned"):
            say(
                f"{label + ': ' + key:40} {deltas['primary'][key]:>12} {deltas['replica'][key]:>12}"
            )
    say(f"\n{calls} read-only calls; partner {partner_id} created.")
    checks = [
        (
            f"the replica ran the read-only calls ({read_deltas['replica']['xact_commit']}"
            f" transactions >= {calls} calls, {read_deltas['replica']['tup_returned']} rows)",
            read_deltas["replica"]["xact_commit"] >= calls
            and read_deltas["replica"]["tup_returned"] > 0,
        ),
        (
            "the replica returned more rows for them than the primary"
            f" ({read_deltas['replica']['tup_returned']}"
            f" > {read_deltas['primary']['tup_returned']})",
            read_deltas["replica"]["tup_returned"] > read_deltas["primary"]["tup_returned"],
        ),
        (
            "the write was committed on the primary"
            f" ({write_deltas['primary']['xact_commit']} transactions, row there: {on_primary})",
            on_primary and write_deltas["primary"]["xact_commit"] > 0,
        ),
        (f"the write reached the replica by replication: {replicated}", replicated),
    ]
    say()
    for label, ok in checks:
        say(f"{'PASS' if ok else 'FAIL'}  {label}")
    return 0 if all(ok for _label, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
