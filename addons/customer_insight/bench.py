"""``make bench`` steps of customer_insight.

Loaded by the core's tools/bench.py when the module is installed in the
bench database (see customer_relationship's readme/DEVELOP.md, "Benchmark
steps"); Odoo itself never imports it.

- churn risk of every customer (``customer.insight._refresh``) against a
  floor of its own: one pass over the confirmed orders with the gap between
  each order and the previous one of its customer, grouped per customer,
  and a row per customer stored in the churn table;
- association rules (``customer.insight.rule._recompute``) against the floor
  of one SQL self-join count of the order lines' products; the setup adds
  1 to 3 lines per order over a catalogue of 300 products in 6 categories
  (the first product of an order drawn with a skew to the popular ones, the
  next ones its neighbours, so that the popular products and their
  neighbours make rules at the default minimum support and confidence);
- recommendations of every customer, and of one customer (the query count
  is the rows of the measure: a constant);
- the backtest of the churn risk (precision and recall of the high band and
  of the two baselines, kept as details of the measure).
"""

import datetime
import time

from odoo.tools import SQL

CHURN_TARGET = 3.0
RULES_TARGET = 3.0
CATALOGUE = 300
CATALOGUE_CODE = "BENCH-XSELL-"
# the layout of the catalogue's order lines: a database whose lines were
# added with another one gets them again
CATALOGUE_LAYOUT = "2"
CATALOGUE_KEY = "customer_insight.bench_catalogue_layout"


def bench_steps(bench):
    churn_floor = bench.Floor(
        "churn_floor", "floor: order gaps per customer (SQL)", run_churn_floor
    )
    pair_floor = bench.Floor(
        "pair_floor", "floor: product pairs self-join count (SQL)", run_pair_floor
    )
    return [
        churn_floor,
        pair_floor,
        bench.Step(
            "churn_risk",
            "churn risk, all customers",
            run_churn,
            floor=churn_floor,
            target=CHURN_TARGET,
            vacuum=["customer_insight"],
        ),
        bench.Step(
            "cross_sell_rules",
            "cross-sell association rules",
            run_rules,
            floor=pair_floor,
            target=RULES_TARGET,
            setup=setup_catalogue,
            vacuum=["customer_insight_rule"],
            explain=True,
        ),
        bench.Step(
            "recommendations",
            "recommendations, all customers",
            run_recommendations,
            floor=pair_floor,
            setup=setup_rules,
            vacuum=["customer_insight_recommendation"],
        ),
        bench.Step(
            "recommendations_one",
            "recommendations, one customer (rows: queries)",
            run_recommendations_one,
            floor=pair_floor,
            setup=setup_rules,
        ),
        bench.Step("churn_backtest", "churn risk backtest", run_backtest, floor=churn_floor),
    ]


def _sql(ctx):
    return ctx.env["customer.profile"]


def run_churn_floor(ctx):
    """The least a scoring of every customer does: the gaps between each
    customer's orders aggregated per customer, and a row per customer
    stored in the churn table (its keys, foreign keys and unique index),
    which the company's rows leave first (before the clock starts)."""
    profiles = _sql(ctx)
    insight = ctx.env["customer.insight"]
    ctx.env.flush_all()
    ctx.cr.execute(
        SQL(
            "DELETE FROM %s WHERE company_id = %s",
            SQL.identifier(insight._table),
            ctx.company.id,
        )
    )
    query = profiles._sql_over_tables(
        {"i": "customer.insight"},
        """
        INSERT INTO %(i)s (%(i:partner_id)s, %(i:company_id)s, %(i:order_count)s,
                           %(i:last_order_date)s, %(i:usual_interval)s,
                           create_uid, create_date, write_uid, write_date)
        SELECT o.partner_id, o.company_id, COUNT(*), MAX(o.day), MAX(o.gap),
               %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
          FROM (SELECT o.partner_id, o.company_id, o.date_order::date AS day,
                       o.date_order::date - LAG(o.date_order::date) OVER (
                           PARTITION BY o.partner_id ORDER BY o.date_order) AS gap
                  FROM (%(orders)s) o) o
         GROUP BY o.partner_id, o.company_id
        """,
        orders=profiles._sql_confirmed_orders([ctx.company.id]),
        uid=ctx.env.uid,
    )
    started = time.perf_counter()
    ctx.cr.execute(query)
    return time.perf_counter() - started, ctx.cr.rowcount


def run_pair_floor(ctx):
    profiles = _sql(ctx)
    query = profiles._sql_over_tables(
        {"a": "sale.order.line", "b": "sale.order.line"},
        """
        SELECT COUNT(*)
          FROM %(a)s a
          JOIN %(b)s b ON %(b.order_id)s = %(a.order_id)s AND %(b.product_id)s <> %(a.product_id)s
         WHERE %(a.company_id)s = %(company)s
        """,
        company=ctx.company.id,
    )
    ctx.env.flush_all()
    started = time.perf_counter()
    ctx.cr.execute(query)
    pairs = ctx.cr.fetchone()[0]
    return time.perf_counter() - started, pairs


def run_churn(ctx):
    started = time.perf_counter()
    changed = ctx.env["customer.insight"]._refresh(ctx.company.ids)
    ctx.env.flush_all()
    return time.perf_counter() - started, len(changed)


def setup_catalogue(ctx):
    """A catalogue of ``CATALOGUE`` products, and 1 to 3 lines of them on
    every confirmed order of the company that has none (the bench builder's
    orders have no lines), committed once per database: the first product
    of an order drawn with a skew to the popular ones, the next ones among
    its neighbours."""
    env = ctx.env
    started = time.perf_counter()
    products = env["product.product"].search([("default_code", "=like", f"{CATALOGUE_CODE}%")])
    if not products:
        categories = env["product.category"].create(
            [{"name": f"Bench Category {n}"} for n in range(6)]
        )
        products = env["product.product"].create(
            [
                {
                    "name": f"Bench Product {n:03d}",
                    "default_code": f"{CATALOGUE_CODE}{n:03d}",
                    "categ_id": categories[n % 6].id,
                    "list_price": 10.0 + n,
                    "type": "consu",
                }
                for n in range(CATALOGUE)
            ]
        )
    env.flush_all()
    parameters = env["ir.config_parameter"].sudo()
    if parameters.get_param(CATALOGUE_KEY) != CATALOGUE_LAYOUT:
        ctx.cr.execute("DELETE FROM sale_order_line WHERE product_id = ANY(%s)", (products.ids,))
        if ctx.cr.rowcount:
            ctx.log(f"insight: {ctx.cr.rowcount} order lines of another layout deleted")
        parameters.set_param(CATALOGUE_KEY, CATALOGUE_LAYOUT)
        env.flush_all()
    ctx.cr.execute("CREATE TEMP TABLE bench_catalogue (n int PRIMARY KEY, product_id int)")
    ctx.cr.execute(
        "INSERT INTO bench_catalogue SELECT n - 1, id"
        " FROM unnest(%s::int[]) WITH ORDINALITY AS p(id, n)",
        (products.ids,),
    )
    ctx.cr.execute("SELECT setseed(0.14)")
    profiles = _sql(ctx)
    ctx.cr.execute(
        profiles._sql_over_tables(
            {"sol": "sale.order.line"},
            """
            CREATE TEMP TABLE bench_extra AS
            WITH first AS MATERIALIZED (
                SELECT o.id, (FLOOR(%(size)s * POWER(RANDOM(), 2)))::int AS n
                  FROM (%(orders)s) o
                 WHERE NOT EXISTS (SELECT 1 FROM %(sol)s sol
                                    WHERE %(sol.order_id)s = o.id
                                      AND %(sol.product_id)s = ANY(%(products)s))
            )
            SELECT o.id AS order_id, j,
                   MOD(o.n + (j - 1) * (1 + MOD(o.id, 3)), %(size)s) AS n
              FROM first o
             CROSS JOIN LATERAL generate_series(1, 1 + MOD(o.id, 3)) j
            """,
            size=len(products),
            orders=profiles._sql_confirmed_orders([ctx.company.id]),
            products=products.ids,
        )
    )
    lines = 0
    if ctx.cr.rowcount:
        template = env["sale.order.line"].search(
            [("display_type", "=", False), ("state", "=", "sale")], limit=1, order="id"
        )
        ctx.cr.execute(
            ctx.clone_sql(
                "sale_order_line",
                {
                    "order_id": "so.id",
                    "order_partner_id": "so.partner_id",
                    "company_id": "so.company_id",
                    "currency_id": "so.currency_id",
                    "salesman_id": "so.user_id",
                    "state": "'sale'",
                    "product_id": "c.product_id",
                    "name": "'Bench Product'",
                    "sequence": "10 + e.j",
                    "create_date": "so.date_order",
                    "write_date": "so.date_order",
                },
                "src",
                "FROM bench_extra e JOIN sale_order so ON so.id = e.order_id"
                " JOIN bench_catalogue c ON c.n = e.n"
                f" CROSS JOIN (SELECT * FROM sale_order_line WHERE id = {int(template.id)}) src",
            )
        )
        lines = ctx.cr.rowcount
    ctx.cr.execute("DROP TABLE bench_extra, bench_catalogue")
    ctx.commit()
    ctx.log(f"insight: {lines} order lines added in {time.perf_counter() - started:.1f}s")
    if lines:
        ctx.vacuum("sale_order_line")


def run_rules(ctx):
    started = time.perf_counter()
    count = ctx.env["customer.insight.rule"]._recompute(ctx.company)
    return time.perf_counter() - started, count


def setup_rules(ctx):
    setup_catalogue(ctx)
    ctx.env["customer.insight.rule"]._recompute(ctx.company)
    ctx.commit()


def run_recommendations(ctx):
    started = time.perf_counter()
    count = ctx.env["customer.insight.recommendation"]._refresh(ctx.company.ids)
    return time.perf_counter() - started, count


def run_recommendations_one(ctx):
    profiles = _sql(ctx)
    ctx.cr.execute(
        profiles._sql_over_tables(
            {},
            "SELECT o.partner_id FROM (%(orders)s) o ORDER BY o.id DESC LIMIT 1",
            orders=profiles._sql_confirmed_orders([ctx.company.id]),
        )
    )
    partner_id = ctx.cr.fetchone()[0]
    ctx.env.flush_all()
    before = ctx.cr.sql_log_count
    started = time.perf_counter()
    ctx.env["customer.insight.recommendation"]._refresh(ctx.company.ids, [partner_id])
    return time.perf_counter() - started, ctx.cr.sql_log_count - before


def run_backtest(ctx):
    company = ctx.company
    as_of = datetime.date.today() - datetime.timedelta(days=company.insight_churn_period)
    started = time.perf_counter()
    result = ctx.env["customer.insight"]._backtest(company, as_of)
    seconds = time.perf_counter() - started
    ctx.log(f"insight backtest: {result}")
    return seconds, result["customers"]
