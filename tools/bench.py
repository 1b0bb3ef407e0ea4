"""Benchmark of the installed modules on a scaled database (``make bench``).

    .venv/bin/python tools/bench.py [--scale default|small|CUSTOMERS:ORDERS]

Builds (or reuses) the database of the scale (tools/bench_data.py), then
measures the steps the installed modules declare: each module may ship a
``bench.py`` at its root whose ``bench_steps(bench)`` returns its steps
(readme/DEVELOP.md, "Benchmark steps"). This file names no step itself.

- Steps measured in rounds run ``RUNS`` times: a round runs every step
  once, each between two runs of its floor, so that a change of load on the
  machine hits a step and its floor alike; each run is rolled back and the
  dead rows it left vacuumed before the next. *x floor* is the median of
  the per-round ratios of the step to the mean of the floor runs around it.
- Steps measured on every database (``every_database``) run once on each
  bench database built from the same module files, and repeat themselves.
- At the default scale the round steps are measured on the small database
  too: each step's growth from the small scale to the default one may be at
  most ``GROWTH`` times the growth of its floor (compared through the
  step's ratios to its floor at both scales).

Memory is the peak resident set size (VmHWM) of this process during each
step, reset before the step through /proc/self/clear_refs (Linux); where
that is not available, ru_maxrss of getrusage, the peak since the start.
The database server's memory is not included.

Prints the EXPLAIN plans the steps collected and one table with the targets,
writes the table as JSON to .build/bench/, and exits with status 1 when a
target fails.
"""

import argparse
import datetime
import importlib
import json
import os
import resource
import statistics
import sys
import types

import psycopg2

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_data  # noqa: E402

SCALES = {"default": (100_000, 1_000_000), "small": (10_000, 100_000)}
RUNS = 3
# a step's time may grow from the small scale to the default one at most
# this many times as much as its floor's
GROWTH = 1.1
# The settings of the benchmark's database session, floors included, so that
# the figures do not depend on the server's configuration for these. No JIT
# compilation (on by default from PostgreSQL 12 to 18), as on the project's
# local cluster: it costs a large statement up to a second of compiling on a
# busy machine and gains little on these single-pass aggregates.
SESSION_SETTINGS = {"jit": "off"}


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


def say(text=""):
    sys.stdout.write(f"{text}\n")


# ---------------------------------------------------------------- the contract
class Measure:
    """What a step's run measured: ``seconds``, ``rows`` (the rows it
    produced or handled) and any detail worth keeping in the JSON file
    (``queries``, ``plans``, ``runs``...)."""

    def __init__(self, seconds, rows=None, **details):
        self.seconds = seconds
        self.rows = rows
        self.details = details


class Step:
    """One line of the benchmark table.

    ``key``: unique in its module; others name it ``<module>.<key>``.
    ``name``: the label of the table.
    ``run(ctx)``: one measured run; returns (seconds, rows), or a ``Measure``
    to keep details. The bench rolls the transaction back after it.
    ``floor``: the ``Floor`` the step is compared to, or its ``<module>.<key>``.
    ``target``: the highest ratio to the floor that passes (None: no target).
    ``check(result, results)``: instead of ``target``, returns (target text,
    True/False, or None for a step without a verdict); ``results[key]`` is
    another step's result on the same database, ``results.everywhere(key)``
    its results on every database.
    ``setup(ctx)``: prepares and commits the state the step starts from,
    once per database, before any step runs (a function shared by several
    steps runs once).
    ``vacuum``: tables whose dead rows are vacuumed after each run.
    ``explain``: after the rounds, run once more, recording the statements,
    and print them with their EXPLAIN (ANALYZE, BUFFERS).
    ``every_database``: the step measures itself once on every bench
    database (it repeats its runs itself) instead of in the rounds.
    ``growth``: the highest growth from the small to the default scale, as a
    multiple of the floor's growth (None: not checked).
    """

    is_floor = False

    def __init__(
        self,
        key,
        name,
        run,
        *,
        floor=None,
        target=None,
        check=None,
        setup=None,
        vacuum=(),
        explain=False,
        every_database=False,
        growth=GROWTH,
    ):
        self.key = key
        self.name = name
        self.run = run
        self.floor = floor
        self.target = target
        self.check = check
        self.setup = setup
        self.vacuum = tuple(vacuum)
        self.explain = explain
        self.every_database = every_database
        self.growth = growth
        self.module = None  # set when its module's steps are loaded

    @property
    def qualified_key(self):
        return f"{self.module}.{self.key}"

    def floor_key(self):
        if self.floor is None:
            return None
        if isinstance(self.floor, Step):
            return self.floor.qualified_key
        return self.floor if "." in self.floor else f"{self.module}.{self.floor}"


class Floor(Step):
    """A plain-SQL lower bound that steps are compared to; measured in the
    rounds like the steps that name it."""

    is_floor = True

    def __init__(self, key, name, run, *, setup=None, vacuum=(), explain=False):
        super().__init__(key, name, run, setup=setup, vacuum=vacuum, explain=explain)


class Context:
    """What a step's functions get: the database, its main company and scale,
    and the bench's tools."""

    def __init__(self, env, cluster, database, meta, main_database):
        self.env = env
        self.main_database = main_database
        self.cr = env.cr
        self.cluster = cluster
        self.database = database
        self.meta = meta
        self.company = env["res.company"].browse(meta["company_id"])
        self.customers = meta["reached"]["customers"]
        self.runs = RUNS
        # free for the steps: what a setup leaves to the runs, per database
        self.state = {}

    def log(self, message):
        bench_data.log(f"{self.database}: {message}")

    def vacuum(self, table, full=False):
        """VACUUM [FULL] ANALYZE ``table`` (on a connection of its own)."""
        self.cluster.vacuum(self.database, table, full=full)

    def commit(self):
        self.cr.commit()  # pylint: disable=invalid-commit
        self.env.invalidate_all()

    def rollback(self):
        self.cr.rollback()
        self.env.invalidate_all()
        apply_session_settings(self.cr)

    @staticmethod
    def captured_queries():
        return captured_queries()

    def explain(self, queries):
        return explain_statements(self.env, queries)

    def clone_sql(self, table, overrides, source_alias, from_clause):
        """INSERT .. SELECT copying rows of ``table`` (see bench_data._clone_sql)."""
        return bench_data._clone_sql(self.cr, table, overrides, source_alias, from_clause)


BENCH_API = types.SimpleNamespace(
    Step=Step, Floor=Floor, Measure=Measure, RUNS=RUNS, GROWTH=GROWTH, SCALES=SCALES
)


# ---------------------------------------------------------------- tools
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
        if "VmHWM" in self.method:
            with open("/proc/self/clear_refs", "w") as handle:
                handle.write("5")

    def peak_mb(self):
        if "VmHWM" in self.method:
            with open("/proc/self/status") as handle:
                for line in handle:
                    if line.startswith("VmHWM:"):
                        return round(int(line.split()[1]) / 1024, 1)
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def captured_queries():
    """(query, params) of every statement run meanwhile in this thread (the
    core tests' helper; Odoo is importable once main() configured it)."""
    from odoo.addons.customer_relationship.tests.common import (  # noqa: PLC0415
        captured_queries as capture,
    )

    return capture()


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
        # a UNION of parenthesised SELECTs starts with "("
        head = words[0].lstrip("(").upper()
        explained = head in ("SELECT", "WITH", "INSERT", "UPDATE", "DELETE") or (
            head == "CREATE" and " AS " in query.upper()
        )
        if not explained:
            cr._obj.execute(query, params)
            continue
        # a replayed write may name a row that the first run created and the
        # replay created again under another id (a sequence does not roll
        # back): that statement gets its plan without running it
        cr._obj.execute("SAVEPOINT bench_explain")
        try:
            cr._obj.execute("EXPLAIN (ANALYZE, BUFFERS) " + query, params)
        except psycopg2.Error as error:
            cr._obj.execute("ROLLBACK TO SAVEPOINT bench_explain")
            cr._obj.execute("EXPLAIN " + query, params)
            note = f"(not run again: {error.pgerror.splitlines()[0] if error.pgerror else error})\n"
        else:
            note = ""
        plan = note + "\n".join(row[0] for row in cr._obj.fetchall())
        cr._obj.execute("RELEASE SAVEPOINT bench_explain")
        plans.append({"query": " ".join(query.split())[:160], "plan": plan})
    return plans


def apply_session_settings(cr):
    for name, value in SESSION_SETTINGS.items():
        cr.execute("SELECT set_config(%s, %s, false)", (name, str(value)))


def session_settings(cr):
    """The server settings that weigh on the figures, as the session sees them."""
    names = sorted(
        {"server_version", "shared_buffers", "work_mem", "jit", "max_parallel_workers_per_gather"}
        | set(SESSION_SETTINGS)
    )
    cr.execute(
        "SELECT name, current_setting(name) FROM unnest(%s::text[]) AS name",
        (names,),
    )
    return dict(cr.fetchall())


# ---------------------------------------------------------------- discovery
def installed_modules(cr):
    """The installed modules, each after the modules it depends on."""
    cr.execute("SELECT name FROM ir_module_module WHERE state = 'installed'")
    installed = {row[0] for row in cr.fetchall()}
    cr.execute(
        """SELECT m.name, d.name FROM ir_module_module_dependency d
             JOIN ir_module_module m ON m.id = d.module_id
            WHERE m.state = 'installed'"""
    )
    depends = {name: set() for name in installed}
    for name, dependency in cr.fetchall():
        if dependency in installed:
            depends[name].add(dependency)
    depth = {}

    def depth_of(name, seen=()):
        if name not in depth:
            parents = depends[name] - set(seen)
            depth[name] = 1 + max((depth_of(p, (*seen, name)) for p in parents), default=0)
        return depth[name]

    return sorted(installed, key=lambda name: (depth_of(name), name))


def load_steps(modules):
    """The steps of the modules that ship a bench.py (or a bench/ package)
    at their root, in the modules' order."""
    from odoo.modules.module import get_module_path  # noqa: PLC0415

    steps = []
    for module in modules:
        path = get_module_path(module, display_warning=False)
        if not path or not (
            os.path.isfile(os.path.join(path, "bench.py"))
            or os.path.isfile(os.path.join(path, "bench", "__init__.py"))
        ):
            continue
        bench_module = importlib.import_module(f"odoo.addons.{module}.bench")
        declared = bench_module.bench_steps(BENCH_API)
        keys = set()
        for step in declared:
            if step.key in keys or "." in step.key:
                raise SystemExit(f"{module}/bench.py: step key {step.key!r} repeated or dotted")
            keys.add(step.key)
            step.module = module
        steps.extend(declared)
        bench_data.log(f"{module}: {len(declared)} steps ({os.path.join(path, 'bench.py')})")
    known = {step.qualified_key: step for step in steps}
    for step in steps:
        floor = step.floor_key()
        if floor is not None and (floor not in known or not known[floor].is_floor):
            raise SystemExit(f"{step.module}/bench.py: {step.key}: no floor {floor!r}")
        if isinstance(step.floor, Step) and step.floor.module is None:
            raise SystemExit(
                f"{step.module}/bench.py: {step.key}: its floor is not among the steps returned"
            )
    return steps


def select_steps(steps, modules):
    """The steps of ``modules`` (all steps when empty) and the floors they
    are measured against, whichever module declares them."""
    if not modules:
        return steps
    unknown = set(modules) - {step.module for step in steps}
    if unknown:
        raise SystemExit(f"no bench steps in {', '.join(sorted(unknown))}")
    chosen = {step.qualified_key for step in steps if step.module in modules}
    chosen |= {
        step.floor_key()
        for step in steps
        if step.qualified_key in chosen and step.floor_key() is not None
    }
    return [step for step in steps if step.qualified_key in chosen]


# ---------------------------------------------------------------- measuring
class DatabaseRun:
    """The steps measured on one database."""

    def __init__(self, database, meta, steps, rounds):
        self.database = database
        self.meta = meta
        self.steps = steps
        self.rounds = rounds  # whether the round steps are measured here
        self.results = {}

    def measured(self):
        return [s for s in self.steps if s.every_database or self.rounds]


def as_measure(measured):
    if isinstance(measured, Measure):
        return measured
    seconds, rows = measured
    return Measure(seconds, rows)


def new_result(step, database):
    return {
        "key": step.qualified_key,
        "step": step.name,
        "module": step.module,
        "database": database,
        "floor": step.floor_key(),
        "runs": [],
        "rows": None,
        "seconds": None,
        "ratio_to_floor": None,
        "peak_mb": None,
    }


def measure_round(ctx, run, steps, memory):
    """One run of every step, each between two runs of its floor (a floor
    run closes one step and opens the next): the step's ratio of the round
    is to the mean of the two, taken seconds apart, so that a change of load
    on the machine hits both sides alike."""
    floors = {s.qualified_key: s for s in steps if s.is_floor}

    def run_once(step):
        result = run.results[step.qualified_key]
        memory.reset()
        measure = as_measure(step.run(ctx))
        result["peak_mb"] = max(result["peak_mb"] or 0, memory.peak_mb())
        result["runs"].append(round(measure.seconds, 4))
        result["rows"] = measure.rows
        result.update(measure.details)
        ctx.rollback()
        for table in step.vacuum:
            ctx.vacuum(table)
        return measure.seconds

    last = None  # (floor key, seconds) when the run just done was a floor
    measured_floors = set()
    for step in steps:
        if step.is_floor:
            continue
        floor = floors.get(step.floor_key() or "")
        if floor is None:
            run_once(step)
            last = None
            continue
        key = floor.qualified_key
        before = last[1] if last and last[0] == key else run_once(floor)
        seconds = run_once(step)
        after = run_once(floor)
        measured_floors.add(key)
        last = (key, after)
        run.results[step.qualified_key].setdefault("round_ratios", []).append(
            round(seconds / ((before + after) / 2 or 1e-9), 3)
        )
    for key, floor in floors.items():
        if key not in measured_floors:
            run_once(floor)


def measure_database(ctx, run, memory):
    measured = run.measured()
    done = set()
    for step in measured:
        if step.setup and step.setup not in done:
            done.add(step.setup)
            ctx.log(f"setup {step.setup.__name__} ({step.module})")
            step.setup(ctx)
            ctx.rollback()
    in_rounds = [s for s in measured if not s.every_database]
    for step in in_rounds:
        run.results[step.qualified_key] = new_result(step, run.database)
    if in_rounds:
        ctx.log(f"{RUNS} rounds of {', '.join(s.qualified_key for s in in_rounds)}")
    for _round in range(RUNS):
        measure_round(ctx, run, in_rounds, memory)
    for step in in_rounds:
        result = run.results[step.qualified_key]
        result["seconds"] = round(statistics.median(result["runs"]), 4)
        if step.is_floor:
            result["ratio_to_floor"] = 1.0
        elif result.get("round_ratios"):
            result["ratio_to_floor"] = round(statistics.median(result["round_ratios"]), 2)
        if step.explain and run.database == ctx.main_database:
            with captured_queries() as queries:
                step.run(ctx)
            ctx.rollback()
            result["queries"] = len(queries)
            result["plans"] = ctx.explain(queries)
            ctx.rollback()
    for step in measured:
        if not step.every_database:
            continue
        ctx.log(f"{step.qualified_key}")
        result = new_result(step, run.database)
        result["step"] = f"{step.name} ({ctx.customers:,} customers)"
        memory.reset()
        measure = as_measure(step.run(ctx))
        result["peak_mb"] = memory.peak_mb()
        ctx.rollback()
        result.update(measure.details)
        result["seconds"] = round(measure.seconds, 4)
        result["rows"] = measure.rows
        result["runs"] = result.get("runs") or [result["seconds"]]
        floor = run.results.get(step.floor_key() or "")
        if floor and floor["seconds"]:
            result["ratio_to_floor"] = round(result["seconds"] / floor["seconds"], 4)
        run.results[step.qualified_key] = result


# ---------------------------------------------------------------- verdicts
class Results:
    """The results a step's ``check`` may read."""

    def __init__(self, runs, database, module):
        self._runs = runs
        self._database = database
        self._module = module

    def _key(self, key):
        return key if "." in key else f"{self._module}.{key}"

    def __getitem__(self, key):
        for run in self._runs:
            if run.database == self._database:
                return run.results[self._key(key)]
        raise KeyError(key)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def everywhere(self, key):
        key = self._key(key)
        return [run.results[key] for run in self._runs if key in run.results]


def verdict(ok):
    if ok is None:
        return ""
    return "PASS" if ok else "FAIL"


def judge(step, result, runs):
    if step.is_floor:
        return "", ""
    if step.check:
        text, ok = step.check(result, Results(runs, result["database"], step.module))
        return text, verdict(ok)
    if step.target is None:
        return "yardstick", ""
    ratio = result["ratio_to_floor"]
    text = f"<= {step.target:g}x floor"
    if isinstance(result.get("queries"), int):
        text += f" ({result['queries']} queries)"
    return text, verdict(ratio is not None and ratio <= step.target)


def table_row(result, target, status):
    runs = result.get("runs") or []
    return {
        "step": result["step"],
        "rows": result.get("rows"),
        "seconds": result.get("seconds"),
        "spread": f"{min(runs):.3f}-{max(runs):.3f}" if runs else "",
        "ratio_to_floor": result.get("ratio_to_floor"),
        "peak_mb": result.get("peak_mb"),
        "target": target,
        "result": status,
    }


def build_table(steps, runs):
    """One row per step on the main database, and one per database for the
    steps measured on every database."""
    main = runs[0]
    rows = []
    for run in runs[1:]:
        # a database measured without the rounds has no floor of its own
        for result in run.results.values():
            floor = main.results.get(result["floor"] or "")
            if result["ratio_to_floor"] is None and floor and floor["seconds"]:
                result["ratio_to_floor"] = round(result["seconds"] / floor["seconds"], 4)
    for step in steps:
        for run in runs:
            if run is not main and not step.every_database:
                continue
            result = run.results.get(step.qualified_key)
            if result is None:
                continue
            target, status = judge(step, result, runs)
            result["target"], result["result"] = target, status
            rows.append(table_row(result, target, status))
    return rows


def scaling_rows(steps, large, small):
    """Each step's growth from the small scale to the default one (10x the
    customers and orders), at most ``step.growth`` times its floor's. The
    verdict compares the step's ratios to its floor at both scales (each a
    median of ratios taken seconds apart), which a change of load between
    the two measurements moves less than the seconds; the "x floor" column
    shows that relative growth."""
    rows = []

    def growth(key):
        big, little = large.results.get(key), small.results.get(key)
        if not big or not little or not little["seconds"]:
            return None, big, little
        return big["seconds"] / little["seconds"], big, little

    for step in steps:
        ratio, big, little = growth(step.qualified_key)
        if ratio is None:
            continue
        row = {
            "step": f"scaling, {step.name}",
            "rows": None,
            "seconds": None,
            "spread": f"{little['seconds']:.3f} -> {big['seconds']:.3f}",
            "ratio_to_floor": None,
            "scale_ratio": round(ratio, 2),
            "peak_mb": None,
        }
        floor_ratio = growth(step.floor_key())[0] if step.floor_key() else None
        relative = None
        if big["ratio_to_floor"] and little["ratio_to_floor"]:
            relative = round(big["ratio_to_floor"] / little["ratio_to_floor"], 2)
        if step.is_floor:
            row.update(target=f"x{ratio:.1f} (reference)", result="")
        elif (
            step.growth is None
            or floor_ratio is None
            or relative is None
            or (step.target is None and not step.check)
        ):
            row.update(target=f"x{ratio:.1f}", result="")
        else:
            row.update(
                ratio_to_floor=relative,
                target=f"x{ratio:.1f} (floor x{floor_ratio:.1f}), <= {step.growth:g}x the floor's",
                result=verdict(relative <= step.growth),
                floor_scale_ratio=round(floor_ratio, 2),
            )
        rows.append(row)
    return rows


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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="default", help="default, small or CUSTOMERS:ORDERS")
    parser.add_argument("--config", default=os.path.join(ROOT, ".build", "odoo.cfg"))
    parser.add_argument(
        "--modules",
        default="",
        help="comma-separated modules: only their steps (and the floors they use)",
    )
    args = parser.parse_args()
    only = [name for name in args.modules.split(",") if name]
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
    scaling = (customers, orders) == SCALES["default"]
    if scaling:
        # the steps are measured at a second scale, to compare their growth
        bench_data.ensure_database(
            cluster, odoo_bin, args.config, "customer_bench_small", *SCALES["small"], ROOT
        )
    memory = Memory()
    source = bench_data.module_hash(ROOT)
    databases = [dbname] + [
        name
        for name in cluster.databases("customer\\_bench%")
        if name != dbname
        and (bench_data.read_meta(cluster, name) or {}).get("module_hash") == source
    ]
    load_before = os.getloadavg()

    steps = None
    runs = []
    settings = {}
    for name in databases:
        registry = Registry(name)
        with registry.cursor() as cr:
            if steps is None:
                steps = select_steps(load_steps(installed_modules(cr)), only)
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            installed = set(installed_modules(cr))
            run = DatabaseRun(
                name,
                bench_data.read_meta(cluster, name),
                [s for s in steps if s.module in installed],
                rounds=name == dbname or (scaling and name == "customer_bench_small"),
            )
            ctx = Context(env, cluster, name, run.meta, dbname)
            apply_session_settings(cr)
            if name == dbname:
                settings = session_settings(cr)
            measure_database(ctx, run, memory)
            cr.rollback()
        runs.append(run)

    load_after = os.getloadavg()
    rows = build_table(steps, runs)
    small = next((r for r in runs if r.database == "customer_bench_small"), None)
    if scaling and small:
        rows.extend(scaling_rows(steps, runs[0], small))
    say()
    for run in runs:
        for step in steps:
            result = run.results.get(step.qualified_key)
            if result and result.get("plans"):
                print_plans(f"{result['step']} on {run.database}", result["plans"])
    reached = meta["reached"]
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    say()
    say(
        f"Benchmark {stamp}, database {dbname}: {reached['customers']:,} customers, "
        f"{reached['confirmed_orders']:,} confirmed orders, {reached['partners']:,} partners, "
        f"{os.cpu_count()} CPUs (load average {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after); modules with steps: "
        f"{', '.join(dict.fromkeys(s.module for s in steps))}; seconds are medians of {RUNS} "
        f"runs, each step between two runs of its floor, 'x floor' the median of the "
        f"per-round ratios; memory: {memory.method}; PostgreSQL: "
        + ", ".join(f"{k} {v}" for k, v in sorted(settings.items()))
        + "."
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
        "memory": memory.method,
        "postgresql": settings,
        "targets": {s.qualified_key: s.target for s in steps if s.target is not None},
        "steps": [
            {
                "key": s.qualified_key,
                "name": s.name,
                "floor": s.floor_key(),
                "target": s.target,
                "growth": s.growth,
                "every_database": s.every_database,
            }
            for s in steps
        ],
        "table": rows,
        "details": {run.database: run.results for run in runs},
    }
    suffix = "".join(f"-{name}" for name in only)
    path = os.path.join(out_dir, f"bench-{dbname}{suffix}.json")
    with open(path, "w") as handle:
        json.dump(report, handle, indent=1, default=str)
    say(f"\nwritten to {os.path.relpath(path, ROOT)}")
    return 0 if all(r["result"] != "FAIL" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
