"""Benchmark of the customer facts on a scaled database (``make bench``).

    .venv/bin/python tools/bench.py [--scale default|small|CUSTOMERS:ORDERS]

Builds (or reuses) the database of the scale (tools/bench_data.py), then
measures in one process, each figure the median of 3 runs:

a. the floor: one plain SQL aggregate of the confirmed orders per customer
   with NTILE(5) scores into a temporary table;
b. ``customer.profile._recompute_all``: first with no profile rows (all
   written), then again with nothing changed;
c. ``_refresh_customers`` after one more confirmed order: queries, time,
   and EXPLAIN ANALYZE of its statements (no Seq Scan on res_partner or
   sale_order), on every bench database present;
d. the naive way: an ORM loop over 2,000 sampled customers computing the
   same facts with the engine, extrapolated to all customers.
e. with customer_lifecycle installed, the rules' full evaluation
   (``customer.lifecycle.state._evaluate``) on the state a first evaluation
   left, committed.

Memory is the peak resident set size (VmHWM) of this process during each
step, reset before the step through /proc/self/clear_refs (Linux); where
that is not available, ru_maxrss of getrusage, the peak since the start.
The database server's memory is not included.

Prints one table with the targets and writes it as JSON to .build/bench/.
"""

import argparse
import datetime
import json
import os
import random
import re
import resource
import statistics
import sys
import threading
import time
from contextlib import contextmanager

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_data  # noqa: E402

SCALES = {"default": (100_000, 1_000_000), "small": (10_000, 100_000)}
RUNS = 3
NAIVE_SAMPLE = 2000
TARGETS = {
    "repeated": 2.0,
    "first": 4.0,
    "naive_speedup": 30.0,
    "lifecycle": 3.0,
    "scaling": 12.0,
}
SEQ_SCAN = re.compile(r"Seq Scan on (res_partner|sale_order)\b(?!_)")
LIFECYCLE_STEP = "lifecycle rules, full evaluation"
LATER_STEPS = [
    "tier review",
    "escalation cron",
    "ROI views",
    "XLSX export",
]


def parse_scale(text):
    if text in SCALES:
        return SCALES[text]
    try:
        customers, orders = (int(part) for part in text.split(":"))
    except ValueError:
        raise SystemExit(
            f"--scale: expected default, small or CUSTOMERS:ORDERS, got {text!r}"
        ) from None
    if customers < 1 or orders < customers:
        raise SystemExit("--scale: need at least one customer and one order per customer")
    return customers, orders


# ---------------------------------------------------------------- memory
class Memory:
    """Peak resident memory of this process over one step."""

    def __init__(self):
        try:
            with open("/proc/self/clear_refs", "w") as handle:
                handle.write("5")
            self.method = "peak RSS of the bench process (VmHWM, reset before each step)"
        except OSError:
            self.method = "peak RSS of the bench process since start (getrusage ru_maxrss)"

    def reset(self):
        if self.method.startswith("peak RSS of the bench process (VmHWM"):
            with open("/proc/self/clear_refs", "w") as handle:
                handle.write("5")

    def peak_mb(self):
        if "VmHWM" in self.method:
            with open("/proc/self/status") as handle:
                for line in handle:
                    if line.startswith("VmHWM:"):
                        return round(int(line.split()[1]) / 1024, 1)
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


MEMORY = None


@contextmanager
def step_memory(result):
    MEMORY.reset()
    yield
    result["peak_mb"] = MEMORY.peak_mb()


@contextmanager
def captured_queries():
    """Collect (query, params) of every statement the cursor runs meanwhile."""
    queries = []
    thread = threading.current_thread()
    hooks = list(getattr(thread, "query_hooks", ()))

    def hook(cr, query, params, start, delay):
        queries.append((query, params))

    thread.query_hooks = [*hooks, hook]
    try:
        yield queries
    finally:
        thread.query_hooks = hooks


def say(text=""):
    sys.stdout.write(f"{text}\n")


def median_run(runs):
    return round(statistics.median(runs), 4)


# ---------------------------------------------------------------- steps
def floor_sql(company_id):
    return (
        """
        CREATE TEMP TABLE bench_floor AS
        SELECT a.*,
               NTILE(5) OVER (ORDER BY a.last_order_date) AS recency_score,
               NTILE(5) OVER (ORDER BY a.order_count) AS frequency_score,
               NTILE(5) OVER (ORDER BY a.revenue) AS monetary_score
          FROM (SELECT p.commercial_partner_id AS partner_id,
                       MIN(so.date_order)::date AS first_order_date,
                       MAX(so.date_order)::date AS last_order_date,
                       COUNT(*) AS order_count,
                       SUM(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1))
                           AS revenue
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale' AND so.company_id = %s
                 GROUP BY p.commercial_partner_id) a
        """,
        (company_id,),
    )


def run_floor(env, company):
    cr = env.cr
    started = time.perf_counter()
    cr.execute(*floor_sql(company.id))
    elapsed = time.perf_counter() - started
    cr.execute("SELECT count(*) FROM bench_floor")
    return elapsed, cr.fetchone()[0]


def run_full(env, company, first):
    """``_recompute_all`` from the committed state, with no profile rows
    when ``first``: (seconds, rows written, customers)."""
    if first:
        env.cr.execute("DELETE FROM customer_profile WHERE company_id = %s", (company.id,))
        env.invalidate_all()
    started = time.perf_counter()
    run = env["customer.profile"]._recompute_all(company)
    elapsed = time.perf_counter() - started
    return elapsed, run.changed_count


def has_lifecycle(env):
    return "customer.lifecycle.state" in env


def run_lifecycle(env, company):
    """The rules' full evaluation (cron, manager button) over the committed
    state: (seconds, customers moved)."""
    started = time.perf_counter()
    moved = env["customer.lifecycle.state"]._evaluate(company)
    env.flush_all()
    elapsed = time.perf_counter() - started
    return elapsed, moved


def commit_lifecycle(env, company):
    """Every customer with its lifecycle state as the evaluation leaves it,
    committed: the base of the lifecycle step."""
    started = time.perf_counter()
    moved = env["customer.lifecycle.state"]._evaluate(company)
    env.cr.commit()  # pylint: disable=invalid-commit
    env.invalidate_all()
    bench_data.log(f"lifecycle: {moved} moves committed in {time.perf_counter() - started:.1f}s")


def measure_full_runs(env, company, customers_total, vacuum):
    """a., b. and d.: the floor, the first and the repeated full run and the
    naive loop, RUNS rounds of the four (so that a change of load on the
    machine hits them alike), every run rolled back to the committed state
    and the dead rows it left vacuumed (as autovacuum would) before the next."""
    cr = env.cr
    sample = naive_sample(env, company)
    steps = {
        "floor": ("floor: SQL aggregate + NTILE(5)", lambda: run_floor(env, company)),
        "first": (
            "full recompute, first run (no rows)",
            lambda: run_full(env, company, first=True),
        ),
        "repeated": (
            "full recompute, nothing changed",
            lambda: run_full(env, company, first=False),
        ),
        "naive": (
            f"naive ORM loop ({len(sample)} sampled, extrapolated)",
            lambda: run_naive(env, company, sample, customers_total),
        ),
    }
    if has_lifecycle(env):
        steps["lifecycle"] = (LIFECYCLE_STEP, lambda: run_lifecycle(env, company))
    results = {key: {"step": name, "runs": []} for key, (name, _run) in steps.items()}
    for _round in range(RUNS):
        for key, (_name, run) in steps.items():
            result = results[key]
            MEMORY.reset()
            elapsed, rows = run()
            result["peak_mb"] = max(result.get("peak_mb", 0), MEMORY.peak_mb())
            result["runs"].append(round(elapsed, 4))
            result["rows"] = rows
            cr.rollback()
            env.invalidate_all()
            vacuum()
    for key, result in results.items():
        result["seconds"] = median_run(result["runs"])
        # the ratio of each round to the floor of the same round, whose
        # median is less sensitive to a load change than a ratio of medians
        result["round_ratios"] = [
            round(run / floor, 3)
            for run, floor in zip(result["runs"], results["floor"]["runs"], strict=True)
        ]
        result["ratio_to_floor"] = round(statistics.median(result["round_ratios"]), 2)
        if key in ("first", "repeated"):
            result["naive_speedup"] = round(
                statistics.median(
                    naive / run
                    for naive, run in zip(results["naive"]["runs"], result["runs"], strict=True)
                ),
                1,
            )
    results["naive"]["sample_size"] = len(sample)
    query, params = floor_sql(company.id)
    results["floor"]["plans"] = explain_statements(env, [(query, params)])
    cr.rollback()
    with captured_queries() as queries:
        env["customer.profile"]._recompute_all(company)
    cr.rollback()
    env.invalidate_all()
    results["repeated"]["plans"] = explain_statements(env, queries)
    cr.rollback()
    env.invalidate_all()
    if "lifecycle" in results:
        with captured_queries() as queries:
            env["customer.lifecycle.state"]._evaluate(company)
            env.flush_all()
        cr.rollback()
        env.invalidate_all()
        results["lifecycle"]["queries"] = len(queries)
        results["lifecycle"]["plans"] = explain_statements(env, queries)
        cr.rollback()
        env.invalidate_all()
    return results


def explain_statements(env, queries):
    """Run ``queries`` again in order, under EXPLAIN (ANALYZE, BUFFERS) for
    the ones that read or write rows; return [{query, plan}]. The caller
    rolls back."""
    cr = env.cr
    plans = []
    for query, params in queries:
        if isinstance(query, bytes):
            query = query.decode()
        words = query.split(None, 3)
        head = words[0].upper()
        explained = head in ("SELECT", "WITH", "INSERT", "UPDATE", "DELETE") or (
            head == "CREATE" and " AS " in query.upper()
        )
        if not explained:
            cr._obj.execute(query, params)
            continue
        cr._obj.execute("EXPLAIN (ANALYZE, BUFFERS) " + query, params)
        plan = "\n".join(row[0] for row in cr._obj.fetchall())
        plans.append({"query": " ".join(query.split())[:160], "plan": plan})
    return plans


def commit_full_run(env, company):
    """The state of a finished full run, committed: the base of the other steps."""
    run = env["customer.profile"]._recompute_all(company)
    env.cr.commit()  # pylint: disable=invalid-commit
    return run


def pick_customer(env, company_id, position=0.5):
    env.cr.execute(
        """SELECT partner_id FROM customer_profile WHERE company_id = %s
            ORDER BY partner_id OFFSET (SELECT count(*) * %s FROM customer_profile
                                         WHERE company_id = %s)::int LIMIT 1""",
        (company_id, position, company_id),
    )
    return env.cr.fetchone()[0]


def add_confirmed_order(env, partner_id, company_id):
    """One more confirmed order of ``partner_id``, today, by SQL (the state
    right after an order confirmation, before the facts are refreshed)."""
    cr = env.cr
    cr.execute(
        """SELECT so.id FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
            WHERE p.commercial_partner_id = %s AND so.company_id = %s AND so.state = 'sale'
            ORDER BY so.id DESC LIMIT 1""",
        (partner_id, company_id),
    )
    template_id = cr.fetchone()[0]
    sql = bench_data._clone_sql(
        cr,
        "sale_order",
        {
            "name": "'BENCH/NEW'",
            "date_order": "now() AT TIME ZONE 'UTC'",
            "amount_untaxed": "t.amount_untaxed + 100",
            "amount_total": "t.amount_total + 100",
            "access_token": "NULL",
        },
        "t",
        f"FROM sale_order t WHERE t.id = {int(template_id)}",
    )
    cr.execute(sql)


def measure_incremental(env, company_id, label):
    """Queries and time of ``_refresh_customers`` for one customer, and for
    100 customers (same query count expected), plus the EXPLAIN ANALYZE plans."""
    cr = env.cr
    profiles = env["customer.profile"]
    partner_id = pick_customer(env, company_id)
    env.cr.execute(
        "SELECT partner_id FROM customer_profile WHERE company_id = %s ORDER BY id LIMIT 100",
        (company_id,),
    )
    hundred = [row[0] for row in cr.fetchall()]
    result = {"step": f"incremental, 1 customer ({label})"}
    # warm the registry caches (company settings, last bounds) once
    profiles._refresh_customers([partner_id], [company_id])
    cr.rollback()
    env.invalidate_all()
    runs, counts = [], []
    with step_memory(result):
        for _run in range(RUNS):
            add_confirmed_order(env, partner_id, company_id)
            env.invalidate_all()
            before = cr.sql_log_count
            started = time.perf_counter()
            profiles._refresh_customers([partner_id], [company_id])
            runs.append(time.perf_counter() - started)
            counts.append(cr.sql_log_count - before)
            cr.execute(
                "SELECT order_count FROM customer_profile WHERE partner_id = %s "
                "AND company_id = %s",
                (partner_id, company_id),
            )
            result["order_count_after"] = cr.fetchone()[0]
            cr.rollback()
            env.invalidate_all()
    env.invalidate_all()
    before = cr.sql_log_count
    profiles._refresh_customers(hundred, [company_id])
    result["queries_100_customers"] = cr.sql_log_count - before
    cr.rollback()
    env.invalidate_all()
    result["seconds"] = median_run(runs)
    result["runs"] = [round(r, 4) for r in runs]
    result["rows"] = 1
    result["queries"] = counts
    # the plans: run once more recording the statements, then EXPLAIN ANALYZE each
    add_confirmed_order(env, partner_id, company_id)
    env.invalidate_all()
    cr.execute("SAVEPOINT bench_plan")
    with captured_queries() as queries:
        profiles._refresh_customers([partner_id], [company_id])
    cr.execute("ROLLBACK TO SAVEPOINT bench_plan")
    env.invalidate_all()
    plans = explain_statements(env, queries)
    cr.rollback()
    env.invalidate_all()
    result["plans"] = plans
    result["seq_scans"] = sorted(
        {match.group(0) for item in plans for match in SEQ_SCAN.finditer(item["plan"])}
    )
    return result


def naive_sample(env, company):
    env.cr.execute(
        "SELECT partner_id FROM customer_profile WHERE company_id = %s ORDER BY partner_id",
        (company.id,),
    )
    everybody = [row[0] for row in env.cr.fetchall()]
    return random.Random(20261124).sample(everybody, min(NAIVE_SAMPLE, len(everybody)))


def run_naive(env, company, sample, customers_total):
    """The ORM way over ``sample``: (seconds extrapolated to all customers, customers)."""
    from odoo.addons.customer_relationship.engine import rfm, value  # noqa: PLC0415

    env.invalidate_all()
    started = time.perf_counter()
    facts = _naive_facts(env, company, sample, rfm, value)
    elapsed = time.perf_counter() - started
    assert len(facts) == len(sample)
    return elapsed / len(sample) * customers_total, customers_total


def _naive_facts(env, company, partner_ids, rfm, value):
    today = datetime.date.today()
    window_start = today - datetime.timedelta(days=company.customer_scoring_window)
    orders_model = env["sale.order"]
    facts = {}
    for partner_id in partner_ids:
        orders = orders_model.search(
            [
                ("partner_id.commercial_partner_id", "=", partner_id),
                ("company_id", "=", company.id),
                ("state", "=", "sale"),
            ]
        )
        dates, amounts = [], []
        window_count, window_revenue = 0, 0.0
        for order in orders:
            day = order.date_order.date()
            amount = order.amount_untaxed / (order.currency_rate or 1.0)
            dates.append(day)
            amounts.append(amount)
            if day >= window_start:
                window_count += 1
                window_revenue += amount
        facts[partner_id] = {
            "first": min(dates),
            "last": max(dates),
            "count": len(dates),
            "revenue": round(sum(amounts), 2),
            "window_count": window_count,
            "window_revenue": round(window_revenue, 2),
        }
    scored = [f for f in facts.values() if f["window_count"]]
    recency = rfm.score_bounds([f["last"] for f in scored])
    frequency = rfm.score_bounds([f["window_count"] for f in scored])
    monetary = rfm.score_bounds([f["window_revenue"] for f in scored])
    classes = value.class_thresholds(
        [f["revenue"] for f in facts.values()],
        company.customer_class_a_share / 100.0,
        company.customer_class_b_share / 100.0,
    )
    for fact in facts.values():
        if fact["window_count"]:
            scores = (
                rfm.score(fact["last"], recency),
                rfm.score(fact["window_count"], frequency),
                rfm.score(fact["window_revenue"], monetary),
            )
            fact["segment"] = rfm.segment(*scores)
        else:
            fact["segment"] = rfm.SEGMENT_OUTSIDE_WINDOW
        fact["lifetime_value"] = value.lifetime_value(
            fact["revenue"],
            fact["first"],
            fact["last"],
            company.customer_clv_lifespan,
            company.customer_clv_margin,
        )
        fact["value_class"] = value.value_class(fact["revenue"], classes)
    return facts


# ---------------------------------------------------------------- report
def verdict(ok):
    return "PASS" if ok else "FAIL"


def scaling_rows(large, small):
    """Rows comparing the default scale's runs with the small scale's (10x fewer
    customers and orders): linear growth takes at most TARGETS["scaling"] times as long."""
    rows = []
    for key in ("floor", "first", "repeated", "lifecycle"):
        if key not in large or key not in small:
            continue
        ratio = large[key]["seconds"] / (small[key]["seconds"] or 1e-9)
        target = "" if key == "floor" else f"<= {TARGETS['scaling']:g}x the small-scale run"
        rows.append(
            {
                "step": f"scaling, {large[key]['step']}",
                "rows": None,
                "seconds": None,
                "spread": f"{small[key]['seconds']:.3f} -> {large[key]['seconds']:.3f}",
                "ratio_to_floor": None,
                "scale_ratio": round(ratio, 2),
                "peak_mb": None,
                "target": f"x{ratio:.1f}" + (f", {target}" if target else " (reference)"),
                "result": "" if key == "floor" else verdict(ratio <= TARGETS["scaling"]),
            }
        )
    return rows


def build_table(floor, first, repeated, incrementals, naive, lifecycle=None):
    base = floor["seconds"] or 1e-9
    rows = []

    def row(result, ratio, target, status):
        rows.append(
            {
                "step": result["step"],
                "rows": result.get("rows"),
                "seconds": result.get("seconds"),
                "spread": _spread(result),
                "ratio_to_floor": ratio,
                "peak_mb": result.get("peak_mb"),
                "target": target,
                "result": status,
            }
        )

    row(floor, 1.0, "", "")
    for result, limit in ((first, TARGETS["first"]), (repeated, TARGETS["repeated"])):
        ratio = result["ratio_to_floor"]
        speedup = result["naive_speedup"]
        ok = ratio <= limit and speedup >= TARGETS["naive_speedup"]
        row(
            result,
            ratio,
            f"<= {limit:g}x floor, >= {TARGETS['naive_speedup']:g}x naive (is {speedup:,.1f}x)",
            verdict(ok),
        )
    counts = {
        count for inc in incrementals for count in [*inc["queries"], inc["queries_100_customers"]]
    }
    for inc in incrementals:
        ok = len(counts) == 1 and not inc["seq_scans"]
        seq = ", ".join(inc["seq_scans"]) or "no seq scan"
        row(
            inc,
            round(inc["seconds"] / base, 4),
            f"constant queries (1: {inc['queries'][0]}, 100: {inc['queries_100_customers']}), "
            f"{seq}",
            verdict(ok),
        )
    row(naive, naive["ratio_to_floor"], "yardstick", "")
    later = LATER_STEPS
    if lifecycle:
        ratio = lifecycle["ratio_to_floor"]
        row(
            lifecycle,
            ratio,
            f"<= {TARGETS['lifecycle']:g}x floor ({lifecycle.get('queries', '?')} queries)",
            verdict(ratio <= TARGETS["lifecycle"]),
        )
    else:
        later = [LIFECYCLE_STEP, *LATER_STEPS]
    for name in later:
        rows.append(
            {
                "step": name,
                "rows": None,
                "seconds": None,
                "spread": "",
                "ratio_to_floor": None,
                "peak_mb": None,
                "target": "n/a (module not installed)",
                "result": "n/a",
            }
        )
    return rows


def _spread(result):
    runs = result.get("runs")
    if not runs:
        return ""
    return f"{min(runs):.3f}-{max(runs):.3f}"


def format_table(rows):
    headers = ["step", "rows", "seconds", "min-max", "x floor", "peak MB", "target", "result"]
    lines = []
    for item in rows:
        seconds = item["seconds"]
        lines.append(
            [
                item["step"],
                "" if item["rows"] is None else f"{item['rows']:,}",
                "n/a" if seconds is None else f"{seconds:.3f}",
                item["spread"],
                "" if item["ratio_to_floor"] is None else f"{item['ratio_to_floor']:g}",
                "" if item["peak_mb"] is None else f"{item['peak_mb']:.0f}",
                item["target"],
                item["result"],
            ]
        )
    table = [headers, *lines]
    widths = [max(len(str(r[i])) for r in table) for i in range(len(headers))]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"]
    out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for line in lines:
        out.append(
            "| " + " | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) + " |"
        )
    return "\n".join(out)


def print_plans(title, plans):
    say(f"\n==== EXPLAIN (ANALYZE, BUFFERS) of {title}")
    for item in plans:
        say(f"-- {item['query']}")
        say(item["plan"])


# ---------------------------------------------------------------- main
def main():
    global MEMORY
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="default", help="default, small or CUSTOMERS:ORDERS")
    parser.add_argument("--config", default=os.path.join(ROOT, ".build", "odoo.cfg"))
    args = parser.parse_args()
    customers, orders = parse_scale(args.scale)

    import odoo  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    cluster = bench_data.Cluster(odoo.tools.config)
    odoo_bin = bench_data.odoo_bin_of(ROOT)
    dbname = bench_data.db_name(customers, orders, SCALES)
    meta = bench_data.ensure_database(
        cluster, odoo_bin, args.config, dbname, customers, orders, ROOT
    )
    if (customers, orders) == SCALES["default"]:
        # the incremental update is compared at a second scale
        bench_data.ensure_database(
            cluster, odoo_bin, args.config, "customer_bench_small", *SCALES["small"], ROOT
        )
    MEMORY = Memory()
    source = bench_data.module_hash(ROOT)
    incremental_dbs = [dbname] + [
        name
        for name in cluster.databases("customer\\_bench%")
        if name != dbname
        and (bench_data.read_meta(cluster, name) or {}).get("module_hash") == source
    ]
    load_before = os.getloadavg()

    results = {}
    small_results = {}  # the full runs at the small scale, to check linear growth
    scaling = (customers, orders) == SCALES["default"]
    incrementals = []
    for name in incremental_dbs:
        db_meta = bench_data.read_meta(cluster, name)
        registry = Registry(name)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            profile_model = env["customer.profile"]
            # the indexes the model creates, also on a database built before them
            profile_model.init()
            env["customer.scoring.run"].init()
            cr.commit()  # pylint: disable=invalid-commit
            company = env["res.company"].browse(db_meta["company_id"])
            bench_data.log(f"{name}: committing a full run as the starting state")
            commit_full_run(env, company)
            measure_full = name == dbname or (scaling and name == "customer_bench_small")
            if measure_full and has_lifecycle(env):
                bench_data.log(f"{name}: committing a lifecycle evaluation as the starting state")
                commit_lifecycle(env, company)
            # the bloat earlier runs left in the profiles' table and indexes
            cluster.vacuum(name, "customer_profile", full=True)
            vacuumed = ["customer_profile"]
            if has_lifecycle(env):
                cluster.vacuum(name, "customer_lifecycle_state", full=True)
                vacuumed.append("customer_lifecycle_state")
            if measure_full:
                bench_data.log(f"a., b., d. floor, full runs and naive loop on {name}, interleaved")
                (results if name == dbname else small_results).update(
                    measure_full_runs(
                        env,
                        company,
                        db_meta["reached"]["customers"],
                        lambda name=name, vacuumed=vacuumed: [
                            cluster.vacuum(name, table) for table in vacuumed
                        ],
                    )
                )
            label = f"{db_meta['reached']['customers']:,} customers"
            bench_data.log(f"c. incremental on {name}")
            incremental = measure_incremental(env, company.id, label)
            incremental["database"] = name
            incrementals.append(incremental)
            cr.rollback()

    load_after = os.getloadavg()
    rows = build_table(
        results["floor"],
        results["first"],
        results["repeated"],
        incrementals,
        results["naive"],
        results.get("lifecycle"),
    )
    if small_results:
        rows.extend(scaling_rows(results, small_results))
    say()
    print_plans("the floor", results["floor"]["plans"])
    print_plans("the full recompute (nothing changed)", results["repeated"]["plans"])
    if "lifecycle" in results:
        print_plans("the lifecycle evaluation", results["lifecycle"]["plans"])
    for inc in incrementals:
        print_plans(f"the incremental update on {inc['database']}", inc["plans"])
    reached = meta["reached"]
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    say()
    say(
        f"Benchmark {stamp}, database {dbname}: {reached['customers']:,} customers, "
        f"{reached['confirmed_orders']:,} confirmed orders, {reached['partners']:,} partners, "
        f"{os.cpu_count()} CPUs (load average {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after); seconds are medians of {RUNS} runs, the full runs "
        f"interleaved with the floor, 'x floor' the median of the per-round ratios; "
        f"memory: {MEMORY.method}."
    )
    say(format_table(rows))
    out_dir = os.path.join(ROOT, ".build", "bench")
    os.makedirs(out_dir, exist_ok=True)
    report = {
        "date": stamp,
        "database": dbname,
        "scale": {"customers": customers, "orders": orders},
        "reached": reached,
        "build_seconds": meta.get("build_seconds"),
        "cpus": os.cpu_count(),
        "load_average": {"before": load_before, "after": load_after},
        "runs": RUNS,
        "memory": MEMORY.method,
        "targets": TARGETS,
        "table": rows,
        "details": {**results, "incremental": incrementals},
    }
    path = os.path.join(out_dir, f"bench-{dbname}.json")
    with open(path, "w") as handle:
        json.dump(report, handle, indent=1, default=str)
    say(f"\nwritten to {os.path.relpath(path, ROOT)}")
    return 0 if all(r["result"] != "FAIL" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
