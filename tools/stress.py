"""Concurrency of sales order confirmation (``make stress``).

    .venv/bin/python tools/stress.py [--clients 60] [--orders 200] [--order-clients 20]

Runs one prefork Odoo server (``--workers=4``, as in production) serving two
databases and drives it over JSON-RPC from parallel clients:

- ``customer_stress``: a copy of the demo database (every module of the
  project, demo data), made from ``customer_demo`` (``make run``'s database);
- ``customer_stress_vanilla``: Odoo without our modules: the Odoo and OCA
  modules ours depend on (sale_management, crm, sale_loyalty, survey, the
  helpdesk family, queue_job...; read from the manifests), with demo data,
  from a cached template. Before the throughput part (2. below), the
  loyalty programs of our database that it lacks (the memberships, the
  complaint coupons) are created in it as plain loyalty programs (same
  rules and rewards): from then on both
  databases run the same Odoo code on each confirmation (sale_loyalty
  evaluates the loyalty programs and gives each new customer a card), and
  the difference is the cost of our modules alone. Part 1 runs before
  that, on vanilla as installed: there a loyalty card of the customer would
  collide under parallel orders in sale_loyalty itself, which is not the
  baseline our figures are held to.

1. One customer: N clients (default 60) confirm N quotations of one customer
   at the same moment. Printed per database: confirmations that failed for
   the user, and serialization failures (PostgreSQL's own log: every
   "could not serialize access" and "deadlock detected" error of any
   transaction; Odoo's log: the retries of the requests). Then, on our
   database, whether the customer's facts equal what a full recompute gives
   (compared in a transaction rolled back afterwards), whether a second
   evaluation of the lifecycle rules would still move the customer, and
   whether anything is left in the refresh queue.
   Then the same N confirmations again on our database while a full
   recompute of the customer's company runs in a loop (requested and run
   step by step as the cron or a job does, each step committed): the
   recompute takes the company's lock exclusively and the refreshes after
   the orders take it shared, so they wait for each other instead of
   failing. Same figures and the same facts check.
2. Throughput: M orders (default 200) of M different customers confirmed by
   K clients (default 20), in interleaved rounds on both databases; the
   median orders per second of each.

Our database has the job queue bridge installed (every module of the
project): the server runs queue_job's job runner (``--load=base,web,queue_job``)
so that the refreshes run as jobs of the ``facts`` channel, as in production.

Targets: 0 failed confirmations; serialization failures at most the vanilla
figure + 10% (with and without the recompute loop); throughput at least 90%
of vanilla; facts exact. Exits 1 when one is missed.
"""

import argparse
import ast
import hashlib
import http.client
import itertools
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_data  # noqa: E402

OURS = "customer_stress"
VANILLA = "customer_stress_vanilla"
DEMO = os.environ.get("DEMO_DB", "customer_demo")
LOGIN = PASSWORD = "admin"
WORKERS = 4
# rounds per database: the machine's load varies from one round to the next by
# up to a third on a small machine; the median of five holds still
ROUNDS = 5
SERIALIZATION = re.compile(r"could not serialize access|deadlock detected", re.I)
RESET_TRIES = 5
RESETS = {}
RESETS_LOCK = threading.Lock()
UIDS = {}
# one job at a time per channel of the suite, as README.md recommends
JOB_CHANNELS = "root:2,root.customer_relationship.facts:1,root.customer_relationship.recompute:1"
ODOO_RETRY = re.compile(r"SERIALIZATION_FAILURE|DEADLOCK_DETECTED|could not serialize", re.I)


def say(text=""):
    sys.stdout.write(f"{text}\n")
    sys.stdout.flush()


# ---------------------------------------------------------------- rpc
class RpcError(Exception):
    pass


class Client:
    def __init__(self, url, db):
        self.url = f"{url}/jsonrpc"
        self.db = db
        self.uid = None
        self._ids = itertools.count()

    def call(self, service, method, *args, timeout=600):
        """One JSON-RPC call. A connection the server reset before it
        answered is tried again (Odoo's prefork server listens with a
        backlog of 8 connections per worker, and refuses what overflows it);
        a call the server had already run fails the second time (a
        confirmed order cannot be confirmed again), so nothing is hidden."""
        for attempt in range(RESET_TRIES):
            try:
                return self._call(service, method, args, timeout)
            except (ConnectionResetError, http.client.RemoteDisconnected):
                if attempt == RESET_TRIES - 1:
                    raise
                with RESETS_LOCK:
                    RESETS[self.db] = RESETS.get(self.db, 0) + 1
                time.sleep(0.2 * (attempt + 1))
        raise AssertionError("unreachable")

    def _call(self, service, method, args, timeout):
        payload = json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "call",
                "id": next(self._ids),
                "params": {"service": service, "method": method, "args": args},
            }
        ).encode()
        request = urllib.request.Request(self.url, payload, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.loads(response.read())
        if answer.get("error"):
            data = answer["error"].get("data") or {}
            raise RpcError(data.get("message") or answer["error"].get("message"))
        return answer["result"]

    def login(self):
        """Log in once per database; the other clients reuse the uid (a
        login costs a password hash, which is not what is measured)."""
        if self.db not in UIDS:
            UIDS[self.db] = self.call("common", "login", self.db, LOGIN, PASSWORD)
            if not UIDS[self.db]:
                raise SystemExit(f"cannot log in to {self.db} as {LOGIN}")
        self.uid = UIDS[self.db]
        return self

    def execute(self, model, method, *args, **kwargs):
        return self.call(
            "object", "execute_kw", self.db, self.uid, PASSWORD, model, method, list(args), kwargs
        )


# ---------------------------------------------------------------- databases
class Databases:
    def __init__(self, odoo_config, config_path):
        self.cluster = bench_data.Cluster(odoo_config)
        self.config_path = config_path
        self.data_dir = odoo_config["data_dir"]
        self.odoo_bin = os.path.join(ROOT, ".venv", "bin", "odoo")

    def clone(self, source, target):
        """The database ``source`` and its filestore, as ``target``."""
        self.cluster.clone(source, target, self.data_dir)

    def vanilla(self):
        """The vanilla database, from a template installed once per set of
        host modules (its name holds their digest)."""
        modules = ",".join(host_modules())
        digest = hashlib.sha1(modules.encode()).hexdigest()[:8]
        template = f"customer_stress_vanilla_{digest}"
        if not self.cluster.exists(template):
            say(f"installing {modules} with demo data into {template} (once)")
            subprocess.run(
                [
                    self.odoo_bin,
                    "-c",
                    self.config_path,
                    "-d",
                    template,
                    "-i",
                    modules,
                    "--stop-after-init",
                    "--log-level=warn",
                ],
                check=True,
            )
        self.clone(template, VANILLA)

    def ours(self):
        if not self.cluster.exists(DEMO):
            raise SystemExit(f"no {DEMO} database: make stress builds it with `make run`'s setup")
        self.clone(DEMO, OURS)


def host_modules():
    """The modules our modules depend on that are not ours (Odoo's and
    OCA's), sorted: what the vanilla database installs."""
    manifests = [os.path.join(ROOT, "__manifest__.py")]
    addons = os.path.join(ROOT, "addons")
    manifests += [
        os.path.join(addons, name, "__manifest__.py")
        for name in sorted(os.listdir(addons))
        if os.path.isfile(os.path.join(addons, name, "__manifest__.py"))
    ]
    ours = {"customer_relationship"} | {
        os.path.basename(os.path.dirname(path)) for path in manifests[1:]
    }
    depends = set()
    for path in manifests:
        with open(path, encoding="utf-8") as manifest:
            depends.update(ast.literal_eval(manifest.read()).get("depends", []))
    return sorted(depends - ours)


# ---------------------------------------------------------------- server
def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A prefork Odoo serving the stress databases, logging to a file."""

    def __init__(self, config_path, logfile):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.logfile = logfile
        open(logfile, "w").close()
        self.process = subprocess.Popen(
            [
                os.path.join(ROOT, ".venv", "bin", "odoo"),
                "-c",
                config_path,
                f"--workers={WORKERS}",
                "--max-cron-threads=1",
                # the scheduled jobs of these databases only
                f"--database={OURS},{VANILLA}",
                f"--http-port={self.port}",
                "--gevent-port",
                str(free_port()),
                "--db-filter=^customer_stress",
                f"--logfile={logfile}",
                "--log-level=info",
                "--limit-time-real=1200",
                "--limit-time-cpu=1200",
                # queue_job's job runner, for the databases that have it
                "--load=base,web,queue_job",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, "ODOO_QUEUE_JOB_CHANNELS": JOB_CHANNELS},
        )

    def wait_ready(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"Odoo stopped at start, see {self.logfile}")
            try:
                Client(self.url, None).call("common", "version", timeout=5)
                return
            except OSError:
                time.sleep(0.5)
        raise SystemExit(f"Odoo did not answer within {timeout}s, see {self.logfile}")

    def log_size(self):
        return os.path.getsize(self.logfile)

    def log_since(self, offset):
        with open(self.logfile, errors="replace") as handle:
            handle.seek(offset)
            return handle.read()

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


class PostgresLog:
    """The server log of the project-local cluster, when it is that one."""

    def __init__(self):
        self.path = None
        env_file = os.path.join(ROOT, ".build", "pg.env")
        if os.path.exists(env_file):
            with open(env_file) as handle:
                for line in handle:
                    if line.startswith("PG_LOG="):
                        self.path = line.split("=", 1)[1].strip() or None

    def size(self):
        return os.path.getsize(self.path) if self.path and os.path.exists(self.path) else 0

    def count_since(self, offset):
        if not self.path or not os.path.exists(self.path):
            return None
        with open(self.path, errors="replace") as handle:
            handle.seek(offset)
            return sum(1 for line in handle if SERIALIZATION.search(line))


# ---------------------------------------------------------------- workload
def parallel(calls, clients):
    """Run the callables ``calls`` from ``clients`` threads released at once;
    returns (seconds, errors)."""
    pending = list(calls)
    lock = threading.Lock()
    errors = []
    barrier = threading.Barrier(clients + 1)

    def worker():
        barrier.wait()
        while True:
            with lock:
                if not pending:
                    return
                call = pending.pop()
            try:
                call()
            except (RpcError, OSError) as error:
                with lock:
                    errors.append(str(error).splitlines()[0] if str(error) else repr(error))

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.monotonic()
    for thread in threads:
        thread.join()
    return time.monotonic() - started, errors


def quotations(client, partner_ids, product_id):
    """One quotation per partner id (repeat an id for several)."""
    return client.execute(
        "sale.order",
        "create",
        [
            {
                "partner_id": partner_id,
                "order_line": [(0, 0, {"product_id": product_id, "product_uom_qty": 1})],
            }
            for partner_id in partner_ids
        ],
    )


# what a loyalty program is to sale_loyalty, whatever our modules add to it
PROGRAM_FIELDS = ["name", "program_type", "trigger", "applies_on", "portal_visible", "company_id"]
RULE_FIELDS = ["mode", "reward_point_mode", "reward_point_amount", "minimum_amount", "minimum_qty"]
REWARD_FIELDS = [
    "reward_type",
    "discount",
    "discount_mode",
    "discount_applicability",
    "required_points",
    "description",
]


def mirror_programs(url):
    """The loyalty programs of our database that the vanilla one lacks (by
    name), as plain loyalty programs of the vanilla one (same rules and
    rewards, no membership): the membership programs, and the coupon program
    our demo data gives complaint compensations. A company that runs a
    membership or hands out coupons runs those programs, and their work on
    every order (sale_loyalty evaluates each active program, gives each new
    customer a card and its points) is Odoo's, with or without our modules.
    Returns their names."""
    ours, vanilla = Client(url, OURS).login(), Client(url, VANILLA).login()
    present = {
        program["name"]
        for program in vanilla.execute("loyalty.program", "search_read", [], ["name"])
    }
    programs = ours.execute(
        "loyalty.program",
        "search_read",
        [("name", "not in", sorted(present))],
        [*PROGRAM_FIELDS, "rule_ids", "reward_ids"],
    )
    names = []
    for program in programs:
        rules = ours.execute("loyalty.rule", "read", program["rule_ids"], RULE_FIELDS)
        rewards = ours.execute("loyalty.reward", "read", program["reward_ids"], REWARD_FIELDS)
        values = {
            name: value[0] if isinstance(value, list) else value
            for name, value in program.items()
            if name in PROGRAM_FIELDS
        }
        values["rule_ids"] = [(0, 0, _plain(rule, RULE_FIELDS)) for rule in rules]
        values["reward_ids"] = [(0, 0, _plain(reward, REWARD_FIELDS)) for reward in rewards]
        vanilla.execute("loyalty.program", "create", [values])
        names.append(program["name"])
    return names


def _plain(values, names):
    return {name: values[name] for name in names}


def product_of(client):
    ids = client.execute("product.product", "search", [("sale_ok", "=", True)], limit=1, order="id")
    if not ids:
        raise SystemExit(f"no product to sell in {client.db}")
    return ids[0]


def new_partners(client, count, label):
    return client.execute(
        "res.partner",
        "create",
        [
            {"name": f"Stress {label} {index}", "email": f"s{index}@stress.example.com"}
            for index in range(count)
        ],
    )


def confirm_calls(url, db, order_ids):
    local = threading.local()

    def client():
        if not hasattr(local, "client"):
            local.client = Client(url, db).login()
        return local.client

    def confirm(order_id):
        return lambda: client().execute("sale.order", "action_confirm", [order_id])

    return [confirm(order_id) for order_id in order_ids]


def one_customer(server, pg_log, db, customer_id, clients):
    client = Client(server.url, db).login()
    product = product_of(client)
    if customer_id is None:
        customer_id = new_partners(client, 1, "customer")[0]
    order_ids = quotations(client, [customer_id] * clients, product)
    odoo_offset, pg_offset = server.log_size(), pg_log.size()
    seconds, errors = parallel(confirm_calls(server.url, db, order_ids), clients)
    time.sleep(1)  # the last log lines
    log = server.log_since(odoo_offset)
    confirmed = client.execute(
        "sale.order", "search_count", [("id", "in", order_ids), ("state", "=", "sale")]
    )
    resets = RESETS.pop(db, 0)
    return {
        "db": db,
        "customer_id": customer_id,
        "orders": len(order_ids),
        "confirmed": confirmed,
        "failed": len(order_ids) - confirmed,
        "errors": sorted(set(errors)),
        "odoo_retries": sum(1 for line in log.splitlines() if ODOO_RETRY.search(line)),
        "pg_failures": pg_log.count_since(pg_offset),
        "seconds": round(seconds, 2),
        "connection_resets": resets,
    }


def throughput_round(url, db, count, clients, product_ids, label):
    client = Client(url, db).login()
    partners = new_partners(client, count, label)
    order_ids = quotations(client, partners, product_ids[db])
    seconds, errors = parallel(confirm_calls(url, db, order_ids), clients)
    return count / seconds, errors


class RecomputeLoop:
    """A full recompute of the company of ``customer_id`` in a loop, in this
    process, as the recompute cron runs it: a run requested, then run step
    after step in READ COMMITTED transactions of their own, each committed."""

    def __init__(self, customer_id):
        # the configuration is the one main() parsed
        import odoo  # noqa: PLC0415
        from odoo.modules.registry import Registry  # noqa: PLC0415

        self.odoo = odoo
        self.registry = Registry(OURS)
        with self.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            order = env["sale.order"].search([("partner_id", "=", customer_id)], limit=1)
            self.company_id = order.company_id.id
        self.runs = 0
        self.errors = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop)

    def _loop(self):
        from odoo.addons.customer_relationship.models.customer_profile_queue import (  # noqa: PLC0415
            read_committed_env,
        )

        while not self._stop.is_set():
            try:
                # a run recorded as requested, then run by the recompute
                # cron's code (not enqueued: the job runner's own dispatch is
                # not what is measured here)
                with read_committed_env(OURS) as env:
                    env["customer.scoring.run"].create(
                        {"company_id": self.company_id, "state": "pending"}
                    )
                with read_committed_env(OURS) as env:
                    env["customer.profile"]._cron_run_recomputes()
                self.runs += 1
            except Exception as error:
                self.errors.append(str(error).splitlines()[0])
                time.sleep(0.5)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


# ---------------------------------------------------------------- checks
def check_facts(customer_id):
    """Compare the customer's stored facts with a full recompute (rolled
    back), and check that the lifecycle would not move it again."""
    import odoo  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    from odoo.addons.customer_relationship.models.customer_profile import (  # noqa: PLC0415
        ORDER_FACT_COLUMNS,
    )

    registry = Registry(OURS)  # the configuration is the one main() parsed
    waited = wait_for_queue(registry, odoo)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        partner = env["res.partner"].browse(customer_id)
        company = env["sale.order"].search([("partner_id", "=", customer_id)], limit=1).company_id
        profiles = env["customer.profile"]
        queued = env["customer.profile.queue"].search_count([])

        def read():
            profile = profiles.search(
                [
                    ("partner_id", "=", partner.commercial_partner_id.id),
                    ("company_id", "=", company.id),
                ]
            )
            return {name: profile[name] for name in ORDER_FACT_COLUMNS}

        stored = read()
        profiles._recompute_all(company)
        recomputed = read()
        moves = None
        if "customer.lifecycle.state" in env:
            moves = env["customer.lifecycle.state"]._evaluate_customers(
                {(partner.commercial_partner_id.id, company.id)}
            )
        cr.rollback()
    differences = {
        name: (stored[name], recomputed[name])
        for name in ORDER_FACT_COLUMNS
        if stored[name] != recomputed[name]
    }
    return {
        "facts_exact": not differences,
        "differences": {k: [str(a), str(b)] for k, (a, b) in differences.items()},
        "order_count": stored["order_count"],
        "lifecycle_moves_left": moves,
        "queued_left": queued,
        "refreshed_after_seconds": waited,
    }


def wait_for_queue(registry, odoo, timeout=60):
    """Seconds until the refresh queue is empty (the facts caught up with
    the last confirmation), at most ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            if not env["customer.profile.queue"].search_count([]):
                break
        time.sleep(0.1)
    return round(time.monotonic() - started, 1)


def pick_customer(url):
    """The demo customer with the most orders: it has a profile, a lifecycle
    stage and a timeline, as a real customer would."""
    client = Client(url, OURS).login()
    rows = client.execute(
        "customer.profile", "search_read", [], ["partner_id"], limit=1, order="order_count desc"
    )
    return rows[0]["partner_id"][0] if rows else None


# ---------------------------------------------------------------- main
def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=60)
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--order-clients", type=int, default=20)
    parser.add_argument("--config", default=os.path.join(ROOT, ".build", "odoo.cfg"))
    args = parser.parse_args()

    import odoo  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    databases = Databases(odoo.tools.config, args.config)
    say(f"copying {DEMO} to {OURS}")
    databases.ours()
    databases.vanilla()

    out_dir = os.path.join(ROOT, ".build", "stress")
    os.makedirs(out_dir, exist_ok=True)
    server = Server(args.config, os.path.join(out_dir, "odoo.log"))
    pg_log = PostgresLog()
    report = {}
    try:
        server.wait_ready()
        # every worker loads both registries before anything is measured
        product_ids = {}
        for db in (OURS, VANILLA):
            client = Client(server.url, db).login()
            product_ids[db] = product_of(client)
            parallel(
                [lambda db=db: Client(server.url, db).login() for _ in range(WORKERS * 4)],
                WORKERS * 2,
            )
        throughput_round(server.url, OURS, 20, 4, product_ids, "warm-up")
        throughput_round(server.url, VANILLA, 20, 4, product_ids, "warm-up")

        say(f"\n1. {args.clients} clients confirm {args.clients} quotations of one customer")
        customer = pick_customer(server.url)
        single = {
            VANILLA: one_customer(server, pg_log, VANILLA, None, args.clients),
            OURS: one_customer(server, pg_log, OURS, customer, args.clients),
        }
        report["one_customer"] = single
        report["facts"] = check_facts(customer)

        say(
            f"1b. {args.clients} more confirmations of that customer while its company's"
            " facts are recomputed in a loop"
        )
        loop = RecomputeLoop(customer)
        with loop:
            under_recompute = one_customer(server, pg_log, OURS, customer, args.clients)
        under_recompute["recompute_runs"] = loop.runs
        under_recompute["recompute_errors"] = sorted(set(loop.errors))
        report["under_recompute"] = under_recompute
        report["facts_under_recompute"] = check_facts(customer)

        mirrored = mirror_programs(server.url)
        report["mirrored_programs"] = mirrored
        say(f"   loyalty programs of {OURS} mirrored in {VANILLA}: {', '.join(mirrored) or 'none'}")
        throughput_round(server.url, VANILLA, 20, 4, product_ids, "warm-up 2")
        say(
            f"2. throughput: {args.orders} orders of different customers, "
            f"{args.order_clients} clients, {ROUNDS} interleaved rounds"
        )
        rates = {VANILLA: [], OURS: []}
        round_errors = {VANILLA: [], OURS: []}
        for index in range(ROUNDS):
            for db in (VANILLA, OURS) if index % 2 == 0 else (OURS, VANILLA):
                rate, errors = throughput_round(
                    server.url, db, args.orders, args.order_clients, product_ids, f"r{index}"
                )
                rates[db].append(round(rate, 2))
                round_errors[db].extend(errors)
        report["throughput"] = {
            db: {
                "rounds": rates[db],
                "median": statistics.median(rates[db]),
                "errors": sorted(set(round_errors[db])),
            }
            for db in rates
        }
    finally:
        server.stop()
    return finish(report, out_dir)


def finish(report, out_dir):
    single, facts, speed = report["one_customer"], report["facts"], report["throughput"]
    vanilla, ours = single[VANILLA], single[OURS]
    loop, loop_facts = report["under_recompute"], report["facts_under_recompute"]
    say()
    say(f"{'':42} {'vanilla Odoo':>14} {'with our modules':>18} {'+ recompute loop':>18}")
    for label, key in (
        ("confirmations", "orders"),
        ("failed for the user", "failed"),
        ("serialization failures (PostgreSQL log)", "pg_failures"),
        ("retries in Odoo's log", "odoo_retries"),
        ("seconds", "seconds"),
        ("connection resets retried", "connection_resets"),
    ):
        say(f"{label:42} {vanilla[key]!s:>14} {ours[key]!s:>18} {loop[key]!s:>18}")
    say(f"{'full recomputes meanwhile':42} {'':>14} {'':>18} {loop['recompute_runs']!s:>18}")
    for error in loop["recompute_errors"]:
        say(f"  recompute loop: {error}")
    say(
        f"{'orders/s, ' + str(len(speed[OURS]['rounds'])) + ' rounds (median)':42}"
        f" {speed[VANILLA]['median']:>14.2f} {speed[OURS]['median']:>18.2f}"
    )
    for db, result in single.items():
        for error in result["errors"]:
            say(f"  {db}: {error}")
    say(
        f"\ncustomer facts equal a full recompute: {'yes' if facts['facts_exact'] else 'NO'}"
        f" ({facts['order_count']} orders; queue empty {facts['refreshed_after_seconds']} s"
        f" after the last answer; queue rows left: {facts['queued_left']};"
        f" lifecycle moves left: {facts['lifecycle_moves_left']})"
    )
    if facts["differences"]:
        say(f"  differences (stored, recomputed): {facts['differences']}")
    say(
        f"after the recompute loop: {'yes' if loop_facts['facts_exact'] else 'NO'}"
        f" ({loop_facts['order_count']} orders; queue empty"
        f" {loop_facts['refreshed_after_seconds']} s after the last answer; queue rows left:"
        f" {loop_facts['queued_left']}; lifecycle moves left:"
        f" {loop_facts['lifecycle_moves_left']})"
    )
    if loop_facts["differences"]:
        say(f"  differences (stored, recomputed): {loop_facts['differences']}")

    failures_key = "pg_failures" if ours["pg_failures"] is not None else "odoo_retries"
    allowed = vanilla[failures_key] * 1.1
    ratio = speed[OURS]["median"] / speed[VANILLA]["median"]
    checks = [
        (
            "0 failed confirmations",
            ours["failed"] == 0 and loop["failed"] == 0 and not speed[OURS]["errors"],
        ),
        (
            f"serialization failures <= vanilla + 10% ({ours[failures_key]} <= {allowed:g})",
            ours[failures_key] <= allowed,
        ),
        (
            "serialization failures under the recompute loop <= vanilla + 10%"
            f" ({loop[failures_key]} <= {allowed:g})",
            loop[failures_key] <= allowed,
        ),
        (f"throughput >= 90% of vanilla ({ratio:.0%})", ratio >= 0.9),
        (
            "facts exact after each run, nothing left queued",
            all(
                result["facts_exact"]
                and not result["queued_left"]
                and not result["lifecycle_moves_left"]
                for result in (facts, loop_facts)
            ),
        ),
        (
            "the recompute ran during the confirmations, without error",
            loop["recompute_runs"] > 0 and not loop["recompute_errors"],
        ),
    ]
    say()
    for label, ok in checks:
        say(f"{'PASS' if ok else 'FAIL'}  {label}")
    report["checks"] = [
        {"check": label, "result": "PASS" if ok else "FAIL"} for label, ok in checks
    ]
    path = os.path.join(out_dir, "stress.json")
    with open(path, "w") as handle:
        json.dump(report, handle, indent=2, default=str)
    say(f"\nwritten to {os.path.relpath(path, ROOT)}; server log .build/stress/odoo.log")
    return 0 if all(ok for _label, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
