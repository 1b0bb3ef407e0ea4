"""Scaled benchmark databases for ``make bench`` (see tools/bench.py).

A database is built once per scale and reused while its recorded scale
matches the one asked for:

1. the modules with demo data: a copy of the test template database when
   ``make test`` built one, otherwise a fresh install of the core module;
2. customers: ``odoo populate`` duplicates the demo partners (companies with
   their contacts) until there are enough commercial partners; SQL adds any
   still missing;
3. confirmed sales orders: one INSERT .. SELECT over generate_series, each
   customer getting at least one order and the rest spread with a skew (a few
   large accounts, many small ones), dated over the last three years;
4. VACUUM ANALYZE of the tables the benchmark reads.

Everything is SQL or Odoo's own populate command: no ORM loop.
"""

import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time

import psycopg2
import psycopg2.sql

META_KEY = "customer_relationship.bench_scale"
TEMPLATE_DB = "customer_test_template"
MODULE = "customer_relationship"
ORDER_DAYS = 3 * 365
CONTACT_SHARE = 0.25  # orders placed by a contact of the customer, not the customer


def log(message):
    sys.stdout.write(f"[bench] {message}\n")
    sys.stdout.flush()


class Cluster:
    """Maintenance connections to the PostgreSQL server of the Odoo config."""

    def __init__(self, odoo_config):
        self.params = {
            "host": odoo_config["db_host"] or None,
            "port": odoo_config["db_port"] or None,
            "user": odoo_config["db_user"] or None,
            "password": odoo_config["db_password"] or None,
        }

    def connect(self, dbname, autocommit=False):
        cnx = psycopg2.connect(dbname=dbname, **self.params)
        cnx.autocommit = autocommit
        return cnx

    def databases(self, like):
        with self.connect("postgres", autocommit=True) as cnx, cnx.cursor() as cr:
            cr.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (like,))
            return sorted(row[0] for row in cr.fetchall())

    def exists(self, dbname):
        return dbname in self.databases(dbname)

    def vacuum(self, dbname, table, full=False):
        cnx = self.connect(dbname, autocommit=True)
        try:
            with cnx.cursor() as cr:
                cr.execute(
                    psycopg2.sql.SQL("VACUUM {} ANALYZE {}").format(
                        psycopg2.sql.SQL("FULL" if full else ""), psycopg2.sql.Identifier(table)
                    )
                )
        finally:
            cnx.close()

    def admin(self, statement):
        cnx = self.connect("postgres", autocommit=True)
        try:
            with cnx.cursor() as cr:
                cr.execute(statement)
        finally:
            cnx.close()

    def clone(self, source, target, data_dir):
        """The database ``source`` and its filestore (in ``data_dir``), as ``target``."""
        self.drop(target, data_dir)
        self.admin(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
        filestore = os.path.join(data_dir, "filestore")
        if os.path.isdir(os.path.join(filestore, source)):
            shutil.copytree(os.path.join(filestore, source), os.path.join(filestore, target))

    def drop(self, dbname, data_dir):
        """Drop the database ``dbname`` and its filestore (in ``data_dir``)."""
        self.admin(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        shutil.rmtree(os.path.join(data_dir, "filestore", dbname), ignore_errors=True)


def read_meta(cluster, dbname):
    """The scale recorded in ``dbname``, or None."""
    if not cluster.exists(dbname):
        return None
    cnx = cluster.connect(dbname)
    try:
        with cnx.cursor() as cr:
            cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", (META_KEY,))
            row = cr.fetchone()
    except psycopg2.Error:
        return None
    finally:
        cnx.close()
    return json.loads(row[0]) if row else None


# Files that do not change what an install puts in the database.
# A module's bench.py (its ``make bench`` steps) is never imported by Odoo;
# the browser's test files (static/tests) are read from disk when served.
NOT_INSTALLED = re.compile(
    r"(^|/)tests/.*\.py$|(^|/)static/tests/|\.md$|^(tools|\.ci)/|^\.|^(Makefile|pyproject\.toml)$"
    r"|^(addons/[^/]+/)?bench\.py$"
)


def module_files(root):
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return sorted(
        path
        for path in listed
        if not NOT_INSTALLED.search(path) and os.path.isfile(os.path.join(root, path))
    )


def module_hash(root):
    digest = hashlib.sha1()
    for path in module_files(root):
        digest.update(path.encode())
        with open(os.path.join(root, path), "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()[:16]


def project_modules(root):
    """The core and every plugin in addons/, as ``make test`` installs them."""
    plugins = (
        sorted(
            name
            for name in os.listdir(os.path.join(root, "addons"))
            if os.path.isfile(os.path.join(root, "addons", name, "__manifest__.py"))
        )
        if os.path.isdir(os.path.join(root, "addons"))
        else []
    )
    return [MODULE, *plugins]


def ensure_database(cluster, odoo_bin, odoo_cfg, dbname, customers, orders, root):
    """Build ``dbname`` at the given scale unless it is already there, built
    from the same module files; return its meta."""
    meta = read_meta(cluster, dbname)
    source = module_hash(root)
    if meta and meta.get("customers") == customers and meta.get("orders") == orders:
        if meta.get("module_hash") == source:
            log(f"reusing {dbname}: {meta['reached']}")
            return meta
        log(f"{dbname} was built from other module files: rebuilding it")
    started = time.monotonic()
    timings = {}
    log(f"building {dbname}: {customers} customers, {orders} confirmed orders")
    cluster.admin(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    step = time.monotonic()
    if not _copy_template(cluster, dbname, root):
        modules = ",".join(project_modules(root))
        log(f"installing {modules} with demo data into {dbname} (about a minute)")
        subprocess.run(
            [odoo_bin, "-c", odoo_cfg, "-d", dbname, "-i", modules, "--stop-after-init"],
            check=True,
        )
    timings["modules"] = round(time.monotonic() - step, 1)

    step = time.monotonic()
    base = _count_commercial(cluster, dbname)
    factor = max(math.ceil(customers / max(base, 1)) - 1, 0)
    if factor:
        log(f"odoo populate: res.partner x{factor} ({base} commercial partners to copy)")
        result = subprocess.run(
            [
                odoo_bin,
                "populate",
                "-c",
                odoo_cfg,
                "-d",
                dbname,
                "--models",
                "res.partner",
                "--factors",
                str(factor),
                "--log-level=warn",
            ],
            check=False,
        )
        if result.returncode:
            log("odoo populate failed: SQL creates the customers instead")
    timings["partners"] = round(time.monotonic() - step, 1)

    cnx = cluster.connect(dbname)
    try:
        with cnx.cursor() as cr:
            step = time.monotonic()
            company_id = _main_company(cr)
            _select_customers(cr, customers)
            timings["customers"] = round(time.monotonic() - step, 1)
            step = time.monotonic()
            _insert_orders(cr, company_id, customers, orders)
            timings["orders"] = round(time.monotonic() - step, 1)
            reached = _reached(cr, company_id)
            meta = {
                "customers": customers,
                "orders": orders,
                "company_id": company_id,
                "module_hash": source,
                "reached": reached,
                "built": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
                "build_seconds": timings,
            }
            cr.execute(
                """INSERT INTO ir_config_parameter (key, value, create_uid, write_uid,
                                                   create_date, write_date)
                   VALUES (%s, %s, 1, 1, now(), now())
                   ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value""",
                (META_KEY, json.dumps(meta)),
            )
        cnx.commit()
    finally:
        cnx.close()
    step = time.monotonic()
    cnx = cluster.connect(dbname, autocommit=True)
    try:
        with cnx.cursor() as cr:
            cr.execute("VACUUM ANALYZE sale_order, res_partner, customer_profile")
            cr.execute("ANALYZE")
    finally:
        cnx.close()
    timings["analyze"] = round(time.monotonic() - step, 1)
    meta["build_seconds"]["total"] = round(time.monotonic() - started, 1)
    cnx = cluster.connect(dbname)
    try:
        with cnx.cursor() as cr:
            cr.execute(
                "UPDATE ir_config_parameter SET value = %s WHERE key = %s",
                (json.dumps(meta), META_KEY),
            )
        cnx.commit()
    finally:
        cnx.close()
    log(f"built {dbname} in {meta['build_seconds']['total']}s: {meta['reached']}")
    return meta


def _copy_template(cluster, dbname, root):
    """Copy the test template when it is newer than every module file."""
    if not cluster.exists(TEMPLATE_DB):
        return False
    stamp = os.path.join(root, ".build", f"{TEMPLATE_DB}.hash")
    newest = max(os.path.getmtime(os.path.join(root, path)) for path in module_files(root))
    if not os.path.exists(stamp) or os.path.getmtime(stamp) < newest:
        log(f"{TEMPLATE_DB} is older than the module files: not using it")
        return False
    try:
        cluster.admin(f'CREATE DATABASE "{dbname}" TEMPLATE "{TEMPLATE_DB}"')
    except psycopg2.Error as error:  # in use by a test run being installed
        log(f"copying {TEMPLATE_DB} failed ({error.pgerror or error}); installing instead")
        cluster.admin(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        return False
    log(f"copied {TEMPLATE_DB} (modules with demo data)")
    return True


def _count_commercial(cluster, dbname):
    cnx = cluster.connect(dbname)
    try:
        with cnx.cursor() as cr:
            cr.execute(_CANDIDATES_SQL.replace("{select}", "count(*)").replace("{limit}", ""))
            return cr.fetchone()[0]
    finally:
        cnx.close()


# Commercial partners that can be customers: not a company's own partner.
_CANDIDATES_SQL = """
    SELECT {select} FROM res_partner p
     WHERE p.commercial_partner_id = p.id AND p.active
       AND p.id NOT IN (SELECT partner_id FROM res_company)
     {limit}
"""


def _main_company(cr):
    cr.execute("SELECT res_id FROM ir_model_data WHERE module = 'base' AND name = 'main_company'")
    return cr.fetchone()[0]


def _columns(cr, table):
    cr.execute(
        """SELECT attname FROM pg_attribute
            WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped
            ORDER BY attnum""",
        (table,),
    )
    return [row[0] for row in cr.fetchall()]


def _clone_sql(cr, table, overrides, source_alias, from_clause):
    """INSERT INTO table SELECT: ``overrides`` {column: SQL expression}, every
    other column copied from ``source_alias``, the id from its sequence."""
    columns = [c for c in _columns(cr, table) if c != "id"]
    values = [overrides.get(c, f"{source_alias}.{c}") for c in columns]
    quoted = ", ".join(f'"{c}"' for c in columns)
    return f"INSERT INTO {table} ({quoted}) SELECT {', '.join(values)} {from_clause}"


def _select_customers(cr, customers):
    """Fill the temporary table bench_customer(k, partner_id, contact_id) with
    ``customers`` commercial partners, creating the missing ones by SQL."""
    cr.execute(_CANDIDATES_SQL.replace("{select}", "count(*)").replace("{limit}", ""))
    missing = customers - cr.fetchone()[0]
    if missing > 0:
        log(f"creating {missing} customers by SQL")
        cr.execute(
            _CANDIDATES_SQL.replace("{select}", "p.id").replace(
                "{limit}", "AND p.is_company ORDER BY p.id LIMIT 1"
            )
        )
        template_id = cr.fetchone()[0]
        cr.execute("CREATE TEMP TABLE bench_new_partner (n int, id int)")
        cr.execute(
            "INSERT INTO bench_new_partner SELECT n, nextval('res_partner_id_seq') "
            "FROM generate_series(1, %s) n",
            (missing,),
        )
        name = "'Bench Customer ' || lpad(n.n::text, 7, '0')"
        overrides = {
            "id": "n.id",
            "name": name,
            "complete_name": name,
            "commercial_partner_id": "n.id",
            "parent_id": "NULL",
            "email": "NULL",
            "ref": "NULL",
            "vat": "NULL",
            "barcode": "NULL",
            "create_date": "now() AT TIME ZONE 'UTC'",
            "write_date": "now() AT TIME ZONE 'UTC'",
        }
        columns = _columns(cr, "res_partner")
        values = [overrides.get(c, f"t.{c}") for c in columns]
        quoted = ", ".join(f'"{c}"' for c in columns)
        cr.execute(
            f"INSERT INTO res_partner ({quoted})"
            f" SELECT {', '.join(values)} FROM bench_new_partner n,"
            f" (SELECT * FROM res_partner WHERE id = %s) t",
            (template_id,),
        )
    cr.execute(  # pylint: disable=sql-injection
        "CREATE TEMP TABLE bench_customer AS "
        "SELECT row_number() OVER (ORDER BY c.id)::int AS k, c.id AS partner_id,"
        " COALESCE((SELECT min(ch.id) FROM res_partner ch"
        "           WHERE ch.parent_id = c.id AND ch.commercial_partner_id = c.id),"
        "          c.id) AS contact_id"
        " FROM ("
        + _CANDIDATES_SQL.replace("{select}", "p.id").replace(
            "{limit}", f"ORDER BY p.id LIMIT {int(customers)}"
        )
        + ") c"
    )
    cr.execute("CREATE UNIQUE INDEX ON bench_customer (k)")
    cr.execute("ANALYZE bench_customer")


def _insert_orders(cr, company_id, customers, orders):
    """``orders`` confirmed orders: order g < customers goes to customer g,
    the rest to customer 1 + floor(N * u^1.5) (u uniform), a skew that gives
    a few customers hundreds of orders and most a handful."""
    cr.execute(
        "SELECT id FROM sale_order WHERE state = 'sale' AND company_id = %s ORDER BY id LIMIT 1",
        (company_id,),
    )
    template_id = cr.fetchone()[0]
    cr.execute("SELECT currency_id FROM res_company WHERE id = %s", (company_id,))
    currency_id = cr.fetchone()[0]
    # the order's pricelist, else the company's first one; Odoo 18 has none
    # until pricelists are enabled, and its orders then have none either
    cr.execute(
        """SELECT COALESCE(
                    (SELECT pricelist_id FROM sale_order WHERE id = %s),
                    (SELECT id FROM product_pricelist
                      WHERE active AND (company_id IS NULL OR company_id = %s)
                      ORDER BY sequence, id LIMIT 1))""",
        (template_id, company_id),
    )
    pricelist_id = cr.fetchone()[0]
    if pricelist_id is None:
        log("no pricelist in the database (pricelists not enabled): orders have none")
    date = f"(now() AT TIME ZONE 'UTC' - o.r_date * interval '{ORDER_DAYS} days')"
    amount = "round((20 + o.r_amount * 480 * (1 + c.k % 4))::numeric, 2)"
    partner = f"CASE WHEN o.r_contact < {CONTACT_SHARE} THEN c.contact_id ELSE c.partner_id END"
    overrides = {
        "name": "'BENCH/' || lpad(o.g::text, 7, '0')",
        "partner_id": partner,
        "partner_invoice_id": "c.partner_id",
        "partner_shipping_id": partner,
        "company_id": str(int(company_id)),
        "currency_id": str(int(currency_id)),
        "pricelist_id": "NULL" if pricelist_id is None else str(int(pricelist_id)),
        "state": "'sale'",
        "locked": "false",
        "date_order": date,
        "create_date": date,
        "write_date": date,
        "amount_untaxed": amount,
        "amount_tax": "0",
        "amount_total": amount,
        "currency_rate": "1",
        "invoice_status": "'no'",
        "access_token": "NULL",
        "origin": "NULL",
        "client_order_ref": "NULL",
        "reference": "NULL",
        "signature": "NULL",
        "signed_by": "NULL",
        "signed_on": "NULL",
        "message_main_attachment_id": "NULL",
        "opportunity_id": "NULL",
    }
    cr.execute("SELECT setseed(0.2026)")
    cr.execute(
        _clone_sql(
            cr,
            "sale_order",
            overrides,
            "t",
            f"""FROM (SELECT g,
                             CASE WHEN g <= {int(customers)} THEN g
                                  ELSE 1 + floor({int(customers)} * power(random(), 1.5))::int
                             END AS k,
                             random() AS r_contact, random() AS r_date, random() AS r_amount
                        FROM generate_series(1, {int(orders)}) g) o
                JOIN bench_customer c ON c.k = LEAST(o.k, {int(customers)})
                CROSS JOIN (SELECT * FROM sale_order WHERE id = {int(template_id)}) t""",
        )
    )
    log(f"inserted {cr.rowcount} confirmed orders")


def _reached(cr, company_id):
    cr.execute("SELECT count(*) FROM res_partner")
    partners = cr.fetchone()[0]
    cr.execute(
        """SELECT count(*), count(DISTINCT p.commercial_partner_id),
                  min(so.date_order)::date, max(so.date_order)::date
             FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
            WHERE so.state = 'sale' AND so.company_id = %s""",
        (company_id,),
    )
    orders, customers, first, last = cr.fetchone()
    return {
        "partners": partners,
        "customers": customers,
        "confirmed_orders": orders,
        "first_order": str(first),
        "last_order": str(last),
    }


def db_name(customers, orders, scales):
    """customer_bench for the default scale, customer_bench_<name> for a named
    one, customer_bench_<customers>_<orders> otherwise."""
    for name, scale in scales.items():
        if scale == (customers, orders):
            return "customer_bench" if name == "default" else f"customer_bench_{name}"
    return f"customer_bench_{customers}_{orders}"


def odoo_bin_of(root):
    return os.path.join(root, ".venv", "bin", "odoo")
