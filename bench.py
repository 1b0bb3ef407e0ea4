"""``make bench`` steps of customer_relationship: the customer facts.

Loaded by tools/bench.py when the module is installed in the bench database
(see readme/DEVELOP.md, "Benchmark steps"); Odoo itself never imports it.

- floor: one plain SQL aggregate of the confirmed orders per customer with
  NTILE(5) scores into a temporary table, the least a full run must do;
- ``_recompute_all`` with no profile rows (all written), then again with
  nothing changed;
- ``_refresh_customers`` after one more confirmed order, on every bench
  database: its queries, constant whatever the size and the number of
  customers, and the EXPLAIN ANALYZE of its statements (no Seq Scan on
  res_partner or sale_order);
- the naive way: an ORM loop over sampled customers computing the same
  facts with the engine, extrapolated to all customers (a yardstick);
- the handover of one salesperson's 5,000 customers, 2,000 open quotations
  and 3,000 activities: its time and its queries (a budget);
- a segment mailing of 50,000 contacts: the user's click (an absolute
  target), and one batch of its deferred sending (a yardstick).
"""

import datetime
import random
import re
import statistics
import time

from .engine import rfm, value

FIRST_RUN_TARGET = 3.0
NOTHING_CHANGED_TARGET = 1.5
NAIVE_SAMPLE = 2000
SEQ_SCAN = re.compile(r"Seq Scan on (res_partner|sale_order)\b(?!_)")


def bench_steps(bench):
    floor = bench.Floor("floor", "floor: SQL aggregate + NTILE(5)", run_floor, explain=True)
    return [
        floor,
        bench.Step(
            "first",
            "full recompute, first run (no rows)",
            run_first,
            floor=floor,
            target=FIRST_RUN_TARGET,
            check=full_run_check(FIRST_RUN_TARGET),
            setup=setup_full_run,
            vacuum=["customer_profile"],
        ),
        bench.Step(
            "nothing_changed",
            "full recompute, nothing changed",
            run_nothing_changed,
            floor=floor,
            target=NOTHING_CHANGED_TARGET,
            check=full_run_check(NOTHING_CHANGED_TARGET),
            setup=setup_full_run,
            vacuum=["customer_profile"],
            explain=True,
        ),
        bench.Step(
            "incremental",
            "incremental, 1 customer",
            lambda ctx: run_incremental(bench, ctx),
            floor=floor,
            check=incremental_check,
            setup=setup_full_run,
            every_database=True,
        ),
        bench.Step(
            "naive",
            f"naive ORM loop ({NAIVE_SAMPLE} sampled, extrapolated)",
            lambda ctx: run_naive(bench, ctx),
            floor=floor,
            setup=setup_full_run,
        ),
        *handover_steps(bench),
        *mailing_bench_steps(bench),
    ]


# ---------------------------------------------------------------- state
def setup_full_run(ctx):
    """The state of a finished full run, committed, without the bloat
    earlier runs left in the profiles' table: the base of the steps."""
    profiles = ctx.env["customer.profile"]
    # the indexes the models create, also on a database built before them
    profiles.init()
    ctx.env["customer.scoring.run"].init()
    ctx.commit()
    profiles._recompute_all(ctx.company)
    ctx.commit()
    ctx.vacuum("customer_profile", full=True)


# ---------------------------------------------------------------- floor
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


def run_floor(ctx):
    started = time.perf_counter()
    ctx.cr.execute(*floor_sql(ctx.company.id))
    elapsed = time.perf_counter() - started
    return elapsed, ctx.cr.rowcount


# ---------------------------------------------------------------- full runs
def run_first(ctx):
    ctx.cr.execute("DELETE FROM customer_profile WHERE company_id = %s", (ctx.company.id,))
    ctx.env.invalidate_all()
    return _run_full(ctx)


def run_nothing_changed(ctx):
    return _run_full(ctx)


def _run_full(ctx):
    started = time.perf_counter()
    run = ctx.env["customer.profile"]._recompute_all(ctx.company)
    elapsed = time.perf_counter() - started
    return elapsed, run.changed_count


def full_run_check(limit):
    def check(result, results):
        ratio = result["ratio_to_floor"]
        text = f"<= {limit:g}x floor"
        naive = results.get("naive")
        if naive and ratio is not None:
            speedup = statistics.median(
                n / r for n, r in zip(naive["runs"], result["runs"], strict=True)
            )
            result["naive_speedup"] = round(speedup, 1)
            text += f" ({speedup:,.1f}x faster than naive)"
        return text, ratio is not None and ratio <= limit

    return check


# ---------------------------------------------------------------- incremental
def pick_customer(ctx, position=0.5):
    ctx.cr.execute(
        """SELECT partner_id FROM customer_profile WHERE company_id = %s
            ORDER BY partner_id OFFSET (SELECT count(*) * %s FROM customer_profile
                                         WHERE company_id = %s)::int LIMIT 1""",
        (ctx.company.id, position, ctx.company.id),
    )
    return ctx.cr.fetchone()[0]


def add_confirmed_order(ctx, partner_id):
    """One more confirmed order of ``partner_id``, today, by SQL (the state
    right after an order confirmation, before the facts are refreshed)."""
    cr = ctx.cr
    cr.execute(
        """SELECT so.id FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
            WHERE p.commercial_partner_id = %s AND so.company_id = %s AND so.state = 'sale'
            ORDER BY so.id DESC LIMIT 1""",
        (partner_id, ctx.company.id),
    )
    template_id = cr.fetchone()[0]
    cr.execute(
        ctx.clone_sql(
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
    )


def run_incremental(bench, ctx):
    """Queries and time of ``_refresh_customers`` for one customer, and the
    queries for 100 customers (the same count expected), plus the EXPLAIN
    ANALYZE plans of its statements."""
    cr, env = ctx.cr, ctx.env
    company_id = ctx.company.id
    profiles = env["customer.profile"]
    partner_id = pick_customer(ctx)
    cr.execute(
        "SELECT partner_id FROM customer_profile WHERE company_id = %s ORDER BY id LIMIT 100",
        (company_id,),
    )
    hundred = [row[0] for row in cr.fetchall()]
    # Warm the registry caches (company settings, last bounds), and let the
    # installed plugins catch up with these customers first: a plugin may act
    # once per customer (enrol it at its first order, for example), which is
    # not the refresh's cost. Each run starts from that state.
    profiles._refresh_customers(sorted({partner_id, *hundred}), [company_id])
    cr.execute("SAVEPOINT bench_incremental")

    def back():
        cr.execute("ROLLBACK TO SAVEPOINT bench_incremental")
        env.invalidate_all()

    runs, counts = [], []
    for _run in range(ctx.runs):
        add_confirmed_order(ctx, partner_id)
        env.invalidate_all()
        before = cr.sql_log_count
        started = time.perf_counter()
        profiles._refresh_customers([partner_id], [company_id])
        runs.append(time.perf_counter() - started)
        counts.append(cr.sql_log_count - before)
        cr.execute(
            "SELECT order_count FROM customer_profile WHERE partner_id = %s AND company_id = %s",
            (partner_id, company_id),
        )
        order_count_after = cr.fetchone()[0]
        back()
    before = cr.sql_log_count
    profiles._refresh_customers(hundred, [company_id])
    hundred_count = cr.sql_log_count - before
    back()
    # the plans: once more recording the statements, then EXPLAIN ANALYZE each
    add_confirmed_order(ctx, partner_id)
    env.invalidate_all()
    cr.execute("SAVEPOINT bench_plan")
    with ctx.captured_queries() as queries:
        profiles._refresh_customers([partner_id], [company_id])
    cr.execute("ROLLBACK TO SAVEPOINT bench_plan")
    env.invalidate_all()
    plans = ctx.explain(queries)
    ctx.rollback()
    return bench.Measure(
        statistics.median(runs),
        1,
        runs=[round(r, 4) for r in runs],
        queries=counts,
        queries_100_customers=hundred_count,
        order_count_after=order_count_after,
        plans=plans,
        seq_scans=sorted(
            {match.group(0) for item in plans for match in SEQ_SCAN.finditer(item["plan"])}
        ),
    )


def incremental_check(result, results):
    """The same number of queries for 1 and 100 customers, whatever the size
    of the database, and no sequential scan of the big tables."""
    counts = {
        count
        for other in results.everywhere("incremental")
        for count in [*other["queries"], other["queries_100_customers"]]
    }
    seq = ", ".join(result["seq_scans"]) or "no seq scan"
    return (
        f"constant queries (1: {result['queries'][0]}, "
        f"100: {result['queries_100_customers']}), {seq}",
        len(counts) == 1 and not result["seq_scans"],
    )


# ---------------------------------------------------------------- naive loop
def naive_sample(ctx):
    ctx.cr.execute(
        "SELECT partner_id FROM customer_profile WHERE company_id = %s ORDER BY partner_id",
        (ctx.company.id,),
    )
    everybody = [row[0] for row in ctx.cr.fetchall()]
    return random.Random(20261124).sample(everybody, min(NAIVE_SAMPLE, len(everybody)))


def run_naive(bench, ctx):
    """The ORM way over a sample: seconds extrapolated to all customers."""
    if "naive_sample" not in ctx.state:
        ctx.state["naive_sample"] = naive_sample(ctx)
    sample = ctx.state["naive_sample"]
    ctx.env.invalidate_all()
    started = time.perf_counter()
    facts = naive_facts(ctx.env, ctx.company, sample)
    elapsed = time.perf_counter() - started
    assert len(facts) == len(sample)
    return bench.Measure(
        elapsed / len(sample) * ctx.customers, ctx.customers, sample_size=len(sample)
    )


def naive_facts(env, company, partner_ids):
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


# ---------------------------------------------------------------- handover
# The handover of one salesperson's book: customers, open quotations and
# activities (on the quotations first, then on the customers).
HANDOVER_SIZES = {"customers": 5000, "quotations": 2000, "activities": 3000}
HANDOVER_LOGINS = ("bench.handover.leaver", "bench.handover.first", "bench.handover.second")
# the most queries the whole handover may take: at SCALE=small, 199 to
# confirm, then 93 per batch of 500 customers whatever is in it (about 1,130
# for the ten batches), where moving record by record takes several per
# customer
HANDOVER_QUERY_BUDGET = 1500


def handover_steps(bench):
    return [
        bench.Step(
            "handover",
            "handover, 5,000 customers",
            lambda ctx: run_handover(bench, ctx),
            check=handover_check,
            setup=setup_handover,
            vacuum=["res_partner", "sale_order", "mail_activity", "mail_message"],
        ),
    ]


def handover_users(ctx):
    """The leaver and the two successors, created the first time."""
    users = ctx.env["res.users"].with_context(active_test=False)
    found = users.search([("login", "in", HANDOVER_LOGINS)])
    by_login = {user.login: user for user in found}
    salesman = ctx.env.ref("sales_team.group_sale_salesman")
    for login in HANDOVER_LOGINS:
        if login not in by_login:
            by_login[login] = users.with_context(no_reset_password=True).create(
                {
                    "name": login.replace(".", " ").title(),
                    "login": login,
                    "company_id": ctx.company.id,
                    "company_ids": [(6, 0, ctx.company.ids)],
                    "groups_id": [(6, 0, [ctx.env.ref("base.group_user").id, salesman.id])],
                }
            )
    return [by_login[login] for login in HANDOVER_LOGINS]


def setup_handover(ctx):
    """One salesperson with the customers, open quotations and activities of
    ``HANDOVER_SIZES`` (or ``ctx.state["handover_sizes"]``), committed."""
    sizes = ctx.state.get("handover_sizes", HANDOVER_SIZES)
    env = ctx.env(context={"tracking_disable": True, "mail_activity_quick_update": True})
    leaver, _first, _second = handover_users(ctx)
    partners = env["res.partner"]
    customers = partners.search([("user_id", "=", leaver.id)], order="id")
    extra = customers[sizes["customers"] :]
    if extra:
        # customers given to the leaver by an earlier setup (contacts copied
        # from one of them): the handover moves the same number at every scale
        ctx.cr.execute("UPDATE res_partner SET user_id = NULL WHERE id = ANY(%s)", (extra.ids,))
        extra.invalidate_recordset(["user_id"])
        customers -= extra
    if len(customers) < sizes["customers"]:
        ctx.cr.execute(
            """SELECT p.id FROM res_partner p
                WHERE p.commercial_partner_id = p.id AND p.active
                  AND p.user_id IS DISTINCT FROM %s
                  AND (p.company_id IS NULL OR p.company_id = %s)
                  AND p.id NOT IN (SELECT partner_id FROM res_company)
                  AND NOT EXISTS (SELECT 1 FROM res_users u WHERE u.partner_id = p.id)
                ORDER BY p.id LIMIT %s""",
            (leaver.id, ctx.company.id, sizes["customers"] - len(customers)),
        )
        more = partners.browse([row[0] for row in ctx.cr.fetchall()])
        more.write({"user_id": leaver.id})
        customers |= more
    orders = env["sale.order"]
    quotations = orders.search(
        [("user_id", "=", leaver.id), ("state", "=", "draft"), ("company_id", "=", ctx.company.id)],
        order="id",
    )
    missing = sizes["quotations"] - len(quotations)
    if missing > 0:
        quotations |= orders.with_company(ctx.company).create(
            [
                {"partner_id": customer.id, "user_id": leaver.id, "company_id": ctx.company.id}
                for customer in customers[len(quotations) : len(quotations) + missing]
            ]
        )
    activities = env["mail.activity"]
    existing = activities.search_count([("user_id", "=", leaver.id)])
    missing = sizes["activities"] - existing
    if missing > 0:
        todo = env.ref("mail.mail_activity_data_todo")
        targets = [*quotations, *customers]
        model_ids = {name: env["ir.model"]._get_id(name) for name in ("sale.order", "res.partner")}
        activities.create(
            [
                {
                    "res_model_id": model_ids[record._name],
                    "res_id": record.id,
                    "activity_type_id": todo.id,
                    "user_id": leaver.id,
                    "summary": "Bench follow-up",
                }
                for record in targets[existing : existing + missing]
            ]
        )
    ctx.commit()
    ctx.log(
        f"handover: {len(customers)} customers, {len(quotations)} quotations, "
        f"{max(existing, sizes['activities'])} activities of {leaver.login}"
    )
    for table in ("res_partner", "sale_order", "mail_activity"):
        ctx.vacuum(table)


def run_handover(bench, ctx):
    """The whole handover as a manager runs it: the wizard's confirmation
    (which queues it, above the deferral threshold) and every batch the
    cron then applies (here without its commits). Seconds and queries."""
    leaver, first, second = handover_users(ctx)
    admin = ctx.env.ref("base.user_admin")
    env = ctx.env(user=admin, context={"allowed_company_ids": ctx.company.ids})
    ctx.env.invalidate_all()
    cr = ctx.cr
    before = cr.sql_log_count
    started = time.perf_counter()
    wizard = env["customer.handover.wizard"].create(
        {"user_id": leaver.id, "successor_ids": [(6, 0, (first | second).ids)]}
    )
    action = wizard.action_confirm()
    env.flush_all()
    confirmed = time.perf_counter() - started
    confirm_queries = cr.sql_log_count - before
    handover = env["customer.handover"].sudo().browse(action["res_id"])
    batches = 0
    while handover.with_context(customer_handover_cron=True)._apply_next_batch():
        batches += 1
    env.flush_all()
    elapsed = time.perf_counter() - started
    queries = cr.sql_log_count - before
    moved = handover.customer_count
    return bench.Measure(
        elapsed,
        moved,
        queries=queries,
        confirm_queries=confirm_queries,
        queries_per_batch=round((queries - confirm_queries) / (batches + 1)),
        confirm_seconds=round(confirmed, 3),
        batches=batches + 1,
        state=handover.state,
        quotations=handover.quotation_count,
        activities=handover.activity_count,
    )


def handover_check(result, _results):
    """Every customer moved, in a number of queries that does not depend on
    how many customers, quotations and activities move."""
    queries = result.get("queries")
    text = f"done, <= {HANDOVER_QUERY_BUDGET} queries ({queries})"
    return text, result.get("state") == "done" and queries <= HANDOVER_QUERY_BUDGET


# ---------------------------------------------------------------- segment mailing
# A segment of MAILING_CONTACTS contacts (one in MAILING_NO_EMAIL without an
# email): the user's click freezes the recipients and queues the sending, in
# less than MAILING_CLICK_SECONDS whatever the size; one batch of the deferred
# sending is a yardstick.
MAILING_CONTACTS = 50_000
MAILING_NO_EMAIL = 25
MAILING_CLICK_SECONDS = 2.0
MAILING_TAG = "Bench Mailing"
MAILING_SEGMENT = "Bench mailing segment"
MAILING_CANDIDATES = """
    SELECT p.id FROM res_partner p
     WHERE p.active AND (p.company_id IS NULL OR p.company_id = %(company)s)
       AND p.id NOT IN (SELECT partner_id FROM res_company)
       AND p.id NOT IN (SELECT partner_id FROM res_users)
       AND p.id NOT IN (SELECT partner_id FROM res_partner_res_partner_category_rel
                         WHERE category_id = %(tag)s)
     ORDER BY p.id
"""


def mailing_bench_steps(bench):
    return [
        bench.Step(
            "mailing_click",
            f"segment mailing, {MAILING_CONTACTS:,} contacts: the click",
            lambda ctx: run_mailing_click(bench, ctx),
            check=mailing_click_check,
            setup=setup_mailing,
            vacuum=["customer_segment_mailing_line"],
        ),
        bench.Step(
            "mailing_batch",
            "segment mailing: one batch of _send_next_batch",
            lambda ctx: run_mailing_batch(bench, ctx),
            setup=setup_mailing,
            vacuum=["customer_segment_mailing_line", "mail_message", "mail_mail"],
        ),
    ]


def setup_mailing(ctx):
    """A committed segment of ``MAILING_CONTACTS`` contacts with a tag of
    their own and distinct emails; contacts are added by SQL when the
    database has too few."""
    cr, env = ctx.cr, ctx.env
    categories = env["res.partner.category"]
    tag = categories.search([("name", "=", MAILING_TAG)], limit=1) or categories.create(
        {"name": MAILING_TAG}
    )
    cr.execute(
        "SELECT count(*) FROM res_partner_res_partner_category_rel WHERE category_id = %s",
        (tag.id,),
    )
    missing = MAILING_CONTACTS - cr.fetchone()[0]
    params = {"company": ctx.company.id, "tag": tag.id}
    if missing > 0:
        cr.execute(f"SELECT count(*) FROM ({MAILING_CANDIDATES}) c", params)
        short = missing - cr.fetchone()[0]
        if short > 0:
            ctx.log(f"creating {short} contacts for the mailing segment by SQL")
            add_mailing_contacts(ctx, short)
        cr.execute(
            "INSERT INTO res_partner_res_partner_category_rel (category_id, partner_id)"
            f" SELECT %(tag)s, c.id FROM ({MAILING_CANDIDATES} LIMIT %(missing)s) c",
            {**params, "missing": missing},
        )
        cr.execute(
            """UPDATE res_partner p
                  SET email = e.email, email_normalized = e.email
                 FROM (SELECT r.partner_id,
                              CASE WHEN r.partner_id %% %(no_email)s = 0 THEN NULL
                                   ELSE 'bench.mailing.' || r.partner_id || '@example.com'
                              END AS email
                         FROM res_partner_res_partner_category_rel r
                        WHERE r.category_id = %(tag)s) e
                WHERE p.id = e.partner_id""",
            {**params, "no_email": MAILING_NO_EMAIL},
        )
    segments = env["customer.segment"]
    segment = segments.search([("name", "=", MAILING_SEGMENT)], limit=1) or segments.create(
        {
            "name": MAILING_SEGMENT,
            "company_id": ctx.company.id,
            "domain": f"[('category_id', 'in', [{tag.id}])]",
        }
    )
    ctx.commit()
    ctx.state["mailing_segment_id"] = segment.id


def add_mailing_contacts(ctx, count):
    cr = ctx.cr
    cr.execute(
        "SELECT min(id) FROM res_partner WHERE active AND is_company"
        " AND id NOT IN (SELECT partner_id FROM res_company)"
    )
    template_id = cr.fetchone()[0]
    name = "'Bench Mailing Contact ' || lpad(n::text, 6, '0')"
    cr.execute(
        ctx.clone_sql(
            "res_partner",
            {
                "name": name,
                "complete_name": name,
                "is_company": "false",
                "parent_id": "NULL",
                "company_id": "NULL",
                "commercial_partner_id": "NULL",
                # nobody's customers: the handover's salesperson keeps its size
                "user_id": "NULL",
                "email": "NULL",
                "email_normalized": "NULL",
                "ref": "NULL",
                "vat": "NULL",
                "barcode": "NULL",
                "create_date": "now() AT TIME ZONE 'UTC'",
                "write_date": "now() AT TIME ZONE 'UTC'",
            },
            "t",
            f"FROM generate_series(1, {int(count)}) n,"
            f" (SELECT * FROM res_partner WHERE id = {int(template_id)}) t",
        )
        + " RETURNING id"
    )
    new_ids = [row[0] for row in cr.fetchall()]
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", (new_ids,))


def mailing_env(ctx):
    """The bench company's administrator, as the user who clicks."""
    env = ctx.env
    return env(
        user=env.ref("base.user_admin").id,
        context=dict(env.context, allowed_company_ids=[ctx.company.id]),
    )


def start_mailing(env, ctx):
    wizard = env["customer.segment.mail.wizard"].create(
        {"segment_id": ctx.state["mailing_segment_id"]}
    )
    env.flush_all()
    return wizard


def run_mailing_click(bench, ctx):
    """The wizard's Send: the mailing, its frozen recipients, the queued
    sending."""
    env = mailing_env(ctx)
    wizard = start_mailing(env, ctx)
    before = ctx.cr.sql_log_count
    started = time.perf_counter()
    wizard.action_send()
    env.flush_all()
    elapsed = time.perf_counter() - started
    queries = ctx.cr.sql_log_count - before
    mailing = env["customer.segment.mailing"].search(
        [("segment_id", "=", ctx.state["mailing_segment_id"])], limit=1
    )
    return bench.Measure(
        elapsed,
        mailing.pending_count + mailing.skipped_count,
        queries=queries,
        pending=mailing.pending_count,
        skipped=mailing.skipped_count,
    )


def mailing_click_check(result, results):
    """An absolute target: the user waits for the click, whatever the size."""
    return (
        f"< {MAILING_CLICK_SECONDS:g} s ({result['queries']} queries)",
        result["seconds"] is not None and result["seconds"] < MAILING_CLICK_SECONDS,
    )


def run_mailing_batch(bench, ctx):
    """One batch of the deferred sending of a mailing just queued."""
    env = mailing_env(ctx)
    start_mailing(env, ctx).action_send()
    mailing = env["customer.segment.mailing"].search(
        [("segment_id", "=", ctx.state["mailing_segment_id"])], limit=1
    )
    env.flush_all()
    pending = mailing.pending_count
    before = ctx.cr.sql_log_count
    started = time.perf_counter()
    mailing.sudo()._send_next_batch()
    env.flush_all()
    elapsed = time.perf_counter() - started
    queries = ctx.cr.sql_log_count - before
    return bench.Measure(elapsed, pending - mailing.pending_count, queries=queries)
