"""The part of tools/module_lifecycle.py that runs inside Odoo, on one copy
of the test template: uninstall modules (with the modules depending on them)
as the Apps menu does, check that it left nothing behind and that the core
works, reinstall it and check that it is whole again.

Prints its result as one JSON line on the standard output; Odoo's log goes
to the standard error.
"""

import functools
import json
import logging
import os
import re
import sys
import traceback

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import SQL
from odoo.tools import sql as sql_tools

# Database objects named by SQL a module's own code runs (DDL only).
DDL = [
    (
        "relation",
        r"CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(\"?\w+\"?)",
    ),
    (
        "relation",
        r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:MATERIALIZED\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?(\"?\w+\"?)",
    ),
    ("relation", r"CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\"?\w+\"?)"),
    ("relation", r"CREATE\s+SEQUENCE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\"?\w+\"?)"),
    ("function", r"CREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+(\"?\w+\"?)"),
    ("trigger", r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:CONSTRAINT\s+)?TRIGGER\s+(\"?\w+\"?)"),
    ("constraint", r"ADD\s+CONSTRAINT\s+(\"?\w+\"?)"),
    (
        "column",
        r"ALTER\s+TABLE\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?(\"?\w+\"?)\s+ADD\s+(?:COLUMN\s+)?"
        r"(?:IF\s+NOT\s+EXISTS\s+)?(?!CONSTRAINT\b)(\"?\w+\"?)",
    ),
]
DDL = [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in DDL]
# Frames between a module's code and the statement it runs.
PLUMBING = {
    os.path.realpath(path)
    for path in (
        odoo.sql_db.__file__,
        sql_tools.__file__,
        odoo.api.__file__,
        __file__,
    )
}
# Char columns that hold a model's name.
MODEL_COLUMNS = ("model", "res_model", "relation")


# ---------------------------------------------------------------- capture
class DdlCapture:
    """Names of the database objects that the code of given modules creates
    (or checks before creating them), while recording."""

    def __init__(self):
        self.folders = ()
        self.named = {}  # (kind, name): file

    def install(self):
        execute = odoo.sql_db.Cursor.execute
        index_exists = sql_tools.index_exists
        capture = self

        @functools.wraps(execute)
        def recording_execute(cr, query, params=None, log_exceptions=True):
            if capture.folders:
                capture.statement(getattr(query, "code", query))
            return execute(cr, query, params, log_exceptions)

        @functools.wraps(index_exists)
        def recording_index_exists(cr, indexname):
            if capture.folders:
                capture.name("relation", indexname)
            return index_exists(cr, indexname)

        odoo.sql_db.Cursor.execute = recording_execute
        sql_tools.index_exists = recording_index_exists

    def caller(self):
        frame = sys._getframe(2)
        while frame and os.path.realpath(frame.f_code.co_filename) in PLUMBING:
            frame = frame.f_back
        if frame is None:
            return None
        path = os.path.realpath(frame.f_code.co_filename)
        if any(path.startswith(folder + os.sep) for folder in self.folders):
            return f"{path}:{frame.f_lineno}"
        return None

    def statement(self, code):
        if not isinstance(code, str) or not re.match(r"\s*(CREATE|ALTER)\b", code, re.I):
            return
        where = self.caller()
        if not where:
            return
        for kind, pattern in DDL:
            for match in pattern.finditer(code):
                names = [name.strip('"') for name in match.groups()]
                self.named.setdefault((kind, ".".join(names)), where)

    def name(self, kind, name):
        where = self.caller()
        if where:
            self.named.setdefault((kind, name), where)


class NoTableLog(logging.Handler):
    """Odoo's notice that a model's table was missing after a registry
    load (and recreated): a table or view dropped along with another."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.messages = []

    def emit(self, record):
        if record.getMessage().startswith("Models have no table"):
            self.messages.append(record.getMessage())


# ---------------------------------------------------------------- database state
def schema(cr):
    """Names of the objects of the public schema, by kind."""
    queries = {
        "relation": """SELECT c.relname FROM pg_class c
                         JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = 'public'""",
        "constraint": """SELECT c.conname FROM pg_constraint c
                           JOIN pg_namespace n ON n.oid = c.connamespace
                          WHERE n.nspname = 'public'""",
        "function": """SELECT p.proname FROM pg_proc p
                         JOIN pg_namespace n ON n.oid = p.pronamespace
                        WHERE n.nspname = 'public'""",
        "trigger": "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal",
        "column": """SELECT c.relname || '.' || a.attname FROM pg_attribute a
                       JOIN pg_class c ON c.oid = a.attrelid
                       JOIN pg_namespace n ON n.oid = c.relnamespace
                      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm')
                        AND a.attnum > 0 AND NOT a.attisdropped""",
    }
    objects = {}
    for kind, query in queries.items():
        cr.execute(query)
        objects[kind] = {row[0] for row in cr.fetchall()}
    return objects


def readable(model):
    """A model with a table or an SQL view of its own."""
    return not model._abstract and model._table_query is None


def stored_table(model):
    """A model whose table the ORM creates."""
    return readable(model) and model._auto


class Owned:
    """What the modules ``names`` put in the database, read before they are
    uninstalled."""

    def __init__(self, env, names):
        cr, registry = env.cr, env.registry
        self.names = names
        self.models = sorted(
            name for name, model in registry.items() if model._original_module in names
        )
        self.tables = sorted(
            registry[name]._table
            for name in self.models
            if not registry[name]._abstract and registry[name]._table_query is None
        )
        cr.execute(
            """SELECT f.model, f.name, f.store FROM ir_model_fields f
                 JOIN ir_model_data d ON d.model = 'ir.model.fields' AND d.res_id = f.id
                GROUP BY f.id HAVING bool_and(d.module = ANY(%s))""",
            [names],
        )
        self.fields = sorted(
            (model, field) for model, field, _store in cr.fetchall() if model not in self.models
        )
        self.columns = sorted(
            (registry[model]._table, field)
            for model, field in self.fields
            if model in registry
            and stored_table(registry[model])
            and sql_tools.column_exists(cr, registry[model]._table, field)
        )
        self.relations = self._module_rows(cr, "ir_model_relation")
        self.constraints = self._module_rows(cr, "ir_model_constraint")
        cr.execute(
            """SELECT d.module, d.name, d.model, d.res_id,
                      EXISTS (SELECT 1 FROM ir_model_data o
                               WHERE o.model = d.model AND o.res_id = d.res_id
                                 AND o.module != ALL(%(names)s))
                 FROM ir_model_data d WHERE d.module = ANY(%(names)s)""",
            {"names": names},
        )
        self.xmlids = cr.fetchall()
        cr.execute(
            """SELECT f.model, f.name, s.value FROM ir_model_fields_selection s
                 JOIN ir_model_fields f ON f.id = s.field_id
                 JOIN ir_model_data d ON d.model = 'ir.model.fields.selection' AND d.res_id = s.id
                GROUP BY s.id, f.model, f.name, s.value HAVING bool_and(d.module = ANY(%s))""",
            [names],
        )
        self.selections = sorted(
            row
            for row in cr.fetchall()
            if row[0] not in self.models and (row[0], row[1]) not in self.fields
        )

    def _module_rows(self, cr, table):
        cr.execute(
            SQL(
                """SELECT r.name FROM %s r JOIN ir_module_module m ON m.id = r.module
                    WHERE m.name = ANY(%s) ORDER BY r.name""",
                SQL.identifier(table),
                self.names,
            )
        )
        return [row[0] for row in cr.fetchall()]

    def leftovers(self, env, objects):
        """What of it is still in the database."""
        cr = env.cr
        found = []
        cr.execute("SELECT name, state FROM ir_module_module WHERE name = ANY(%s)", [self.names])
        found += [
            f"module {name} is {state}" for name, state in cr.fetchall() if state != "uninstalled"
        ]
        found += [
            f"table {table} left"
            for table in self.tables + self.relations
            if table in objects["relation"]
        ]
        found += [
            f"column {table}.{column} left"
            for table, column in self.columns
            if f"{table}.{column}" in objects["column"]
        ]
        found += [
            f"constraint {name} left"
            for name in self.constraints
            if name in objects["constraint"] or name in objects["relation"]
        ]
        found += self._record_leftovers(env)
        found += self._row_leftovers(env)
        return found

    def _record_leftovers(self, env):
        cr = env.cr
        found = []
        cr.execute("SELECT module, name FROM ir_model_data WHERE module = ANY(%s)", [self.names])
        found += [f"external id {module}.{name} left" for module, name in cr.fetchall()]
        for module, name, model, res_id, shared in self.xmlids:
            if not shared and model in env and env[model].browse(res_id).exists():
                found.append(f"record {model}({res_id}) of {module}.{name} left")
        cr.execute("SELECT model FROM ir_model WHERE model = ANY(%s)", [self.models])
        found += [f"model {row[0]} left in ir_model" for row in cr.fetchall()]
        cr.execute(
            """SELECT model, name FROM ir_model_fields
                WHERE (model, name) IN (SELECT * FROM unnest(%s::varchar[], %s::varchar[]))""",
            [[model for model, _field in self.fields], [field for _model, field in self.fields]],
        )
        found += [
            f"field {model}.{field} left in ir_model_fields" for model, field in cr.fetchall()
        ]
        return found

    def _row_leftovers(self, env):
        """Rows naming a removed model, or holding a removed selection value."""
        cr = env.cr
        found = []
        cr.execute(
            """SELECT c.table_name, c.column_name FROM information_schema.columns c
                 JOIN information_schema.tables t
                   ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
                  AND c.column_name = ANY(%s)
                  AND c.data_type IN ('character varying', 'text')""",
            [list(MODEL_COLUMNS)],
        )
        for table, column in cr.fetchall():
            cr.execute(
                SQL(
                    "SELECT %s, count(*) FROM %s WHERE %s = ANY(%s) GROUP BY 1",
                    SQL.identifier(column),
                    SQL.identifier(table),
                    SQL.identifier(column),
                    self.models,
                )
            )
            found += [
                f"{count} rows of {table} with {column} = {value}" for value, count in cr.fetchall()
            ]
        for model, field, value in self.selections:
            records = env.get(model)
            if records is None or field not in records._fields or not readable(records):
                continue
            count = records.with_context(active_test=False).search_count([(field, "=", value)])
            if count:
                found.append(f"{count} rows of {model} with {field} = {value}")
        cr.execute(
            "SELECT key FROM ir_config_parameter WHERE split_part(key, '.', 1) = ANY(%s)",
            [self.names],
        )
        found += [f"system parameter {row[0]} left" for row in cr.fetchall()]
        return found

    def missing_after_reinstall(self, env):
        cr = env.cr
        cr.execute("SELECT name, state FROM ir_module_module WHERE name = ANY(%s)", [self.names])
        found = [
            f"module {name} is {state}" for name, state in cr.fetchall() if state != "installed"
        ]
        cr.execute("SELECT module, name FROM ir_model_data WHERE module = ANY(%s)", [self.names])
        back = set(cr.fetchall())
        found += [
            f"external id {module}.{name} not back"
            for module, name, _model, _res_id, _shared in self.xmlids
            if (module, name) not in back
        ]
        found += [
            f"table {table} not back"
            for table in self.tables
            if not sql_tools.table_kind(cr, table)
        ]
        return found


def health(env):
    """Inconsistencies between the database and the loaded registry: columns
    of no field, fields and models of no code, menus of no action, tables of
    no model."""
    cr, registry = env.cr, env.registry
    problems = set()
    cr.execute(
        """SELECT c.relname, a.attname FROM pg_attribute a
             JOIN pg_class c ON c.oid = a.attrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0
              AND NOT a.attisdropped"""
    )
    columns = {}
    for table, column in cr.fetchall():
        columns.setdefault(table, set()).add(column)
    for name, model in registry.items():
        if not stored_table(model):
            continue
        if model._table not in columns:
            problems.add(f"table of model {name} missing")
            continue
        stored = {
            field.name for field in model._fields.values() if field.store and field.column_type
        }
        problems.update(
            f"column {model._table}.{column} of no field"
            for column in columns[model._table] - stored
        )
    cr.execute("SELECT model, name FROM ir_model_fields")
    problems.update(
        f"field {model}.{field} of no code"
        for model, field in cr.fetchall()
        if model not in registry or field not in registry[model]._fields
    )
    cr.execute("SELECT model FROM ir_model")
    problems.update(f"model {row[0]} of no code" for row in cr.fetchall() if row[0] not in registry)
    cr.execute("SELECT id, action FROM ir_ui_menu WHERE action IS NOT NULL")
    for menu_id, action in cr.fetchall():
        model, res_id = action.split(",")
        if model not in registry or not env[model].browse(int(res_id)).exists():
            problems.add(f"menu {menu_id} opens a missing action {action}")
    return problems


# ---------------------------------------------------------------- the core at work
def smoke(registry, folders):
    """The core at work without the modules; returns what failed."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["customer.profile"]._recompute_all(env["res.company"].search([]))
        found = read_customer_form(env)
        found += confirm_quotation(env)
        for name, model in registry.items():
            if model._original_module in folders and readable(model):
                env[name].search([], limit=5).read()
        cr.rollback()
    return found


def read_customer_form(env):
    """Load a customer's form view and read every field it shows."""
    partner = env["customer.profile"].search([], limit=1).partner_id
    if not partner:
        return ["no customer facts after a full recompute"]
    views = env["res.partner"].get_views([(False, "form")])
    partner.read(list(views["models"]["res.partner"]["fields"]))
    return []


def run_pending_jobs(env):
    """With a job queue, the cron hands the refresh to jobs: run them as the
    job runner would, each committed."""
    if not env["customer.work"]._runs_jobs():
        return
    from odoo.addons.queue_job.job import Job  # noqa: PLC0415

    while True:
        pending = env["queue.job"].search(
            [("state", "=", "pending"), ("channel", "=like", "root.customer_relationship.%")],
            limit=1,
        )
        if not pending:
            return
        job = Job.load(env, pending.uuid)
        job.set_started()
        job.store()
        job.perform()
        job.set_done()
        job.store()
        env.cr.commit()


def confirm_quotation(env):
    """Confirm a quotation, commit, and let the facts queue's cron refresh
    its customer."""
    order = env["sale.order"].search([("state", "in", ("draft", "sent"))], limit=1)
    if not order:
        return ["no quotation left to confirm"]
    order.action_confirm()
    if order.state != "sale":
        return [f"{order.name} is {order.state} after its confirmation"]
    customer, company = order.partner_id.commercial_partner_id, order.company_id
    env.cr.commit()
    env.ref("customer_relationship.ir_cron_customer_profile_queue").method_direct_trigger()
    env.cr.commit()
    run_pending_jobs(env)
    env.invalidate_all()
    found = []
    if env["customer.profile.queue"].search_count([]):
        found.append("the facts queue is not drained by its cron")
    confirmed = env["sale.order"].search_count(
        [
            ("partner_id", "child_of", customer.id),
            ("company_id", "=", company.id),
            ("state", "=", "sale"),
        ]
    )
    profile = env["customer.profile"].search(
        [("partner_id", "=", customer.id), ("company_id", "=", company.id)]
    )
    if profile.order_count != confirmed:
        found.append(
            f"{customer.name}: {profile.order_count} orders in its facts, {confirmed} confirmed"
        )
    return found


# ---------------------------------------------------------------- the run
def uninstall(registry, names):
    """Uninstall the modules ``names`` and what depends on them; returns the
    snapshot of what they owned and the registry's health before."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        modules = env["ir.module.module"].search(
            [("name", "in", names), ("state", "=", "installed")]
        )
        if len(modules) != len(names):
            raise RuntimeError(f"{', '.join(names)}: not all installed in the template")
        owned = Owned(env, sorted((modules | modules.downstream_dependencies()).mapped("name")))
        before = health(env)
        modules.button_immediate_uninstall()
    return owned, before


def lifecycle(db, names, folders, ddl, no_table):
    failures, notes = [], []
    owned, before = uninstall(Registry(db), names)
    registry = Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        objects = schema(cr)
        failures += owned.leftovers(env, objects)
        failures += sorted(health(env) - before)
    notes += no_table.messages
    failures += smoke(registry, folders)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        ddl.folders = tuple(
            os.path.realpath(folders[name]) for name in owned.names if name in folders
        )
        try:
            env["ir.module.module"].search([("name", "in", owned.names)]).button_immediate_install()
        finally:
            ddl.folders = ()
    registry = Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        failures += owned.missing_after_reinstall(env)
    failures += [
        f"{kind} {name} (made by {where}) outlived the uninstall"
        for (kind, name), where in sorted(ddl.named.items())
        if name in objects[kind]
    ]
    summary = (
        f"removed {', '.join(owned.names)}: {len(owned.tables)} tables, "
        f"{len(owned.columns)} columns on other tables, {len(owned.xmlids)} external ids; "
        f"reinstalled ({len(ddl.named)} objects made by their code checked)"
    )
    return failures, notes, summary


def run(config_path, db, names, folders):
    odoo.tools.config.parse_config(["-c", config_path, "-d", db, "--log-level=warn", "--no-http"])
    no_table = NoTableLog()
    registry_log = logging.getLogger("odoo.modules.registry")
    registry_log.setLevel(logging.INFO)
    registry_log.addHandler(no_table)
    ddl = DdlCapture()
    ddl.install()
    result = {"name": f"uninstall and reinstall of {', '.join(names)}", "notes": [], "summary": ""}
    try:
        result["failures"], result["notes"], result["summary"] = lifecycle(
            db, names, folders, ddl, no_table
        )
    except Exception:
        traceback.print_exc()
        result["failures"] = [traceback.format_exc().strip().splitlines()[-1]]
    sys.stdout.write(json.dumps(result) + "\n")
    return 1 if result["failures"] else 0
