"""Upgrade, uninstall and reinstall of every module of the project, checked
on copies of the test template database (``make test`` runs it after the
test suite; README.md, "Module lifecycle").

1. Upgrade: on a copy, the rows of every table are counted, and the rows of
   the tables of our modules summed up in a checksum; ``odoo -u`` runs on
   every module of the project; then no row was lost or added anywhere, no
   row of ours changed, and the log has no ERROR and no WARNING about our
   modules.
2. Uninstall: each plugin of addons/ that depends on no other plugin is
   uninstalled, with the modules that depend on it (bridges), on a copy of
   its own, as the Apps menu does (``button_immediate_uninstall``); the test
   modules of tests/addons/ together on one more copy. Then its tables, its columns on other
   models' tables, its many2many tables and constraints are gone; no
   external id, model, field, selection value, or row naming one of its
   models (actions, views, messages, timeline rows...) is left; and the core
   works: facts recomputed, a customer's form read, a quotation confirmed
   and its customer refreshed by the queue's cron.
3. Reinstall: on the same copy the modules install again, every external id
   they had is back, and no database object that their own code creates by
   SQL (an index, a view, a column made in ``init()``...) had survived the
   uninstallation.

Every step runs in a process of its own; the copies are dropped at the end
(``--keep`` keeps them). Exits non-zero, naming each failure, when a check
fails.
"""

import argparse
import ast
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_data
import psycopg2.sql

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = os.path.join(ROOT, "addons")
PREFIX = "customer_lifecycle_check"
# Odoo's log line: date time pid LEVEL db logger: message
LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) \S+ (?P<logger>[\w.]+): (?P<msg>.*)"
)
# Columns an upgrade rewrites on every row it loads from data files.
VOLATILE_COLUMNS = {"write_date", "write_uid"}


def say(text=""):
    sys.stdout.write(f"[modules] {text}\n")
    sys.stdout.flush()


# ---------------------------------------------------------------- discovery
def manifest(path):
    with open(os.path.join(path, "__manifest__.py"), encoding="utf-8") as handle:
        return ast.literal_eval(handle.read())


def our_modules():
    """{name: folder} of the core, the plugins of addons/ and the test
    modules of tests/addons/, as the test template holds them."""
    folders = {bench_data.MODULE: ROOT}
    for parent in (ADDONS, os.path.join(ROOT, "tests", "addons")):
        names = sorted(os.listdir(parent)) if os.path.isdir(parent) else []
        for name in names:
            folder = os.path.join(parent, name)
            if not os.path.isfile(os.path.join(folder, "__manifest__.py")):
                continue
            if manifest(folder).get("installable", True):
                folders[name] = folder
    return folders


def units_to_uninstall(folders):
    """The sets of modules uninstalled together, each on a copy of its own:
    every plugin of addons/ that depends on no other plugin (the modules
    depending on it, bridges, go along), and the test modules of
    tests/addons/ together."""
    plugins = {name for name, folder in folders.items() if os.path.dirname(folder) == ADDONS}
    extensions = set(folders) - {bench_data.MODULE}
    units = [
        [name]
        for name in sorted(plugins)
        if not plugins.intersection(manifest(folders[name]).get("depends", []))
    ]
    tests = sorted(
        name
        for name in extensions - plugins
        if not plugins.intersection(manifest(folders[name]).get("depends", []))
    )
    return units + ([tests] if tests else [])


def unit_label(names):
    return names[0] if len(names) == 1 else "tests"


# ---------------------------------------------------------------- copies
class Copies:
    """Copies of the template database (and of its filestore)."""

    def __init__(self, cluster, data_dir, template):
        self.cluster = cluster
        self.data_dir = data_dir
        self.template = template
        self.lock = threading.Lock()
        self.made = []

    def make(self, name):
        # one at a time: CREATE DATABASE wants the template free of sessions
        with self.lock:
            self.cluster.clone(self.template, name, self.data_dir)
            self.made.append(name)
        return name

    def drop_all(self):
        for name in self.made:
            self.cluster.drop(name, self.data_dir)


def log_problems(lines, modules):
    """(errors, warnings about our modules, other warnings) of Odoo log lines."""
    ours = re.compile(r"\b(" + "|".join(map(re.escape, modules)) + r")\b")
    errors, warnings, others = [], [], []
    for line in lines:
        match = LOG_LINE.match(line)
        if not match:
            continue
        level = match["level"]
        if level in ("ERROR", "CRITICAL"):
            errors.append(line)
        elif level == "WARNING":
            (warnings if ours.search(match["logger"] + " " + match["msg"]) else others).append(line)
    return errors, warnings, others


# ---------------------------------------------------------------- upgrade
def table_snapshot(cnx, our_tables):
    """{table: row count} of every table, and {table: checksum} of ours."""
    with cnx.cursor() as cr:
        cr.execute(
            """SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY c.relname"""
        )
        tables = [row[0] for row in cr.fetchall()]
        cr.execute(
            psycopg2.sql.SQL(" UNION ALL ").join(
                psycopg2.sql.SQL("SELECT {}, count(*) FROM {}").format(
                    psycopg2.sql.Literal(table), psycopg2.sql.Identifier(table)
                )
                for table in tables
            )
        )
        counts = dict(cr.fetchall())
        sums = {}
        for table in sorted(set(our_tables) & set(tables)):
            cr.execute(
                """SELECT attname FROM pg_attribute
                    WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped
                    ORDER BY attnum""",
                (f'"{table}"',),
            )
            columns = [row[0] for row in cr.fetchall() if row[0] not in VOLATILE_COLUMNS]
            cr.execute(
                psycopg2.sql.SQL(
                    "SELECT md5(COALESCE(string_agg(r::text, '|' ORDER BY r::text), ''))"
                    " FROM (SELECT {} FROM {}) r"
                ).format(
                    psycopg2.sql.SQL(", ").join(map(psycopg2.sql.Identifier, columns)),
                    psycopg2.sql.Identifier(table),
                )
            )
            sums[table] = cr.fetchone()[0]
    return counts, sums


def our_tables(cnx, modules):
    """Tables of the models and many2many relations our modules define."""
    with cnx.cursor() as cr:
        cr.execute(
            """SELECT replace(m.model, '.', '_') FROM ir_model m
                WHERE EXISTS (SELECT 1 FROM ir_model_data d
                               WHERE d.model = 'ir.model' AND d.res_id = m.id)
                  AND NOT EXISTS (SELECT 1 FROM ir_model_data d
                                   WHERE d.model = 'ir.model' AND d.res_id = m.id
                                     AND d.module != ALL(%(modules)s))
               UNION
               SELECT r.name FROM ir_model_relation r JOIN ir_module_module mm
                   ON mm.id = r.module WHERE mm.name = ANY(%(modules)s)""",
            {"modules": list(modules)},
        )
        return [row[0] for row in cr.fetchall()]


def check_upgrade(cluster, copies, config_path, folders, log_dir):
    db = copies.make(f"{PREFIX}_upgrade")
    started = time.monotonic()
    cnx = cluster.connect(db, autocommit=True)
    try:
        tables = our_tables(cnx, folders)
        counts, sums = table_snapshot(cnx, tables)
    finally:
        cnx.close()
    project = [name for name, folder in folders.items() if "/tests/addons/" not in folder]
    log_path = os.path.join(log_dir, "upgrade.log")
    with open(log_path, "w", encoding="utf-8") as log:
        done = subprocess.run(
            [
                bench_data.odoo_bin_of(ROOT),
                "-c",
                config_path,
                "-d",
                db,
                "-u",
                ",".join(project),
                "--stop-after-init",
                "--log-level=warn",
                "--no-http",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    with open(log_path, encoding="utf-8") as log:
        errors, warnings, others = log_problems(log.read().splitlines(), folders)
    failures = [f"upgrade: odoo -u exited with {done.returncode}"] if done.returncode else []
    failures += [f"upgrade log: {line}" for line in errors + warnings]
    cnx = cluster.connect(db, autocommit=True)
    try:
        counts_after, sums_after = table_snapshot(cnx, tables)
    finally:
        cnx.close()
    for table in sorted(set(counts) | set(counts_after)):
        before, after = counts.get(table), counts_after.get(table)
        if before != after:
            failures.append(f"upgrade: table {table}: {before} rows before, {after} after")
    for table in sorted(sums):
        if counts.get(table) == counts_after.get(table) and sums[table] != sums_after.get(table):
            failures.append(f"upgrade: table {table}: rows changed (checksum differs)")
    return {
        "name": "upgrade of " + ", ".join(project),
        "failures": failures,
        "notes": [f"upgrade log: {line}" for line in others],
        "summary": f"{len(counts)} tables ({sum(counts.values())} rows) counted, "
        f"{len(sums)} of ours checksummed",
        "seconds": time.monotonic() - started,
        "log": log_path,
    }


# ---------------------------------------------------------------- uninstall
def check_uninstall(copies, config_path, folders, names, log_dir):
    """Runs the driver (this script with --driver) on a copy of its own."""
    label = unit_label(names)
    db = copies.make(f"{PREFIX}_{label}")
    started = time.monotonic()
    log_path = os.path.join(log_dir, f"{label}.log")
    with open(log_path, "w", encoding="utf-8") as log:
        done = subprocess.run(
            [
                sys.executable,
                os.path.abspath(__file__),
                "--driver",
                "--config",
                config_path,
                "--db",
                db,
                "--modules",
                ",".join(names),
            ],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            check=False,
        )
    lines = done.stdout.strip().splitlines()
    try:
        result = json.loads(lines[-1])
    except (IndexError, ValueError):
        result = {
            "name": f"uninstall of {', '.join(names)}",
            "failures": [f"{label}: the driver stopped (exit {done.returncode})"],
            "notes": [],
            "summary": "",
        }
    with open(log_path, encoding="utf-8") as log:
        errors, warnings, others = log_problems(log.read().splitlines(), folders)
    result["failures"] += [f"{label} log: {line}" for line in errors + warnings]
    result["notes"] += [f"{label} log: {line}" for line in others]
    result["seconds"] = time.monotonic() - started
    result["log"] = log_path
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default=os.path.join(ROOT, ".build", "odoo.cfg"))
    parser.add_argument("--template", default=bench_data.TEMPLATE_DB)
    parser.add_argument("--jobs", type=int, default=2, help="copies checked at once")
    parser.add_argument("--keep", action="store_true", help="keep the copies")
    parser.add_argument(
        "--only", help="upgrade, a plugin, or tests (the test modules): that check only"
    )
    parser.add_argument("--driver", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--modules", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.driver:
        import module_lifecycle_driver  # noqa: PLC0415

        return module_lifecycle_driver.run(
            args.config, args.db, args.modules.split(","), our_modules()
        )

    import odoo  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    cluster, data_dir = bench_data.Cluster(odoo.tools.config), odoo.tools.config["data_dir"]
    if not cluster.exists(args.template):
        raise SystemExit(f"[modules] no {args.template} database: run `make test` first")
    folders = our_modules()
    units = units_to_uninstall(folders)
    log_dir = os.path.join(ROOT, ".build", "module_lifecycle")
    os.makedirs(log_dir, exist_ok=True)
    copies = Copies(cluster, data_dir, args.template)
    tasks = [("upgrade", lambda: check_upgrade(cluster, copies, args.config, folders, log_dir))]
    tasks += [
        (
            unit_label(names),
            lambda names=names: check_uninstall(copies, args.config, folders, names, log_dir),
        )
        for names in units
    ]
    tasks = [task for task in tasks if not args.only or task[0] == args.only]
    say(
        f"on copies of {args.template}: upgrade of {len(folders)} modules; uninstall and "
        f"reinstall of {'; '.join(', '.join(names) for names in units) or 'no module'}"
    )
    started = time.monotonic()
    try:
        with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
            results = list(pool.map(lambda task: task[1](), tasks))
    finally:
        if not args.keep:
            copies.drop_all()
    return report(results, time.monotonic() - started)


def report(results, seconds):
    failed = 0
    for result in results:
        verdict = "FAILED" if result["failures"] else "ok"
        say(f"{result['name']}: {verdict} in {result.get('seconds', 0):.0f} s; {result['summary']}")
        for note in result["notes"]:
            say(f"  note: {note}")
        for failure in result["failures"]:
            say(f"  FAILED: {failure}")
        if result["failures"]:
            say(f"  log: {result.get('log')}")
            failed += 1
    if failed:
        say(f"{failed} of {len(results)} module lifecycle checks failed ({seconds:.0f} s)")
        return 1
    say(f"{len(results)} module lifecycle checks passed ({seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
