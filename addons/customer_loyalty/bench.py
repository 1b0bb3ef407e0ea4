"""``make bench`` steps of customer_loyalty.

Loaded by the core's tools/bench.py when the module is installed in the
bench database (see customer_relationship's readme/DEVELOP.md, "Benchmark
steps"); Odoo itself never imports it.

The setup makes every customer of the bench company a member of one
membership program with three tiers, with one points batch per confirmed
order (points = untaxed amount, earned on the order's date), all in SQL.

- ``points_floor``: the SQL aggregate of the points each member earned in
  the qualifying period (what any tier review must read);
- ``tier_review``: the review of every member (``_review_tiers``), at most
  3 times that floor;
- ``expiry_floor``: what any expiry run must do, by one statement: the
  window over every member's active batches that finds what has expired,
  the expired batches marked, the cards debited and a points history row
  per card;
- ``expiry``: the expiry run (``customer.loyalty.batch._expire``), at most 3
  times that floor;
- ``award_queries``: the queries of recording one order's points after its
  commit (a yardstick: the module's tests hold it constant whatever the
  number of members).
"""

import time
from unittest.mock import patch

REVIEW_TARGET = 3.0
EXPIRY_TARGET = 3.0
PROGRAM_NAME = "Bench Membership"


def bench_steps(bench):
    points_floor = bench.Floor("points_floor", "floor: points per member (SQL)", run_points_floor)
    expiry_floor = bench.Floor(
        "expiry_floor", "floor: points expired, cards debited, history (SQL)", run_expiry_floor
    )
    return [
        points_floor,
        bench.Step(
            "tier_review",
            "membership tier review, all members",
            run_review,
            floor=points_floor,
            target=REVIEW_TARGET,
            setup=setup_members,
            vacuum=["customer_loyalty_member"],
        ),
        expiry_floor,
        bench.Step(
            "expiry",
            "membership points expiry run",
            run_expiry,
            floor=expiry_floor,
            target=EXPIRY_TARGET,
            setup=setup_members,
            vacuum=["customer_loyalty_batch", "loyalty_card", "loyalty_history", "customer_event"],
        ),
        bench.Step(
            "award_queries",
            "membership: queries to record one order's points",
            run_award,
            setup=setup_members,
        ),
    ]


def _program(ctx):
    return ctx.env["loyalty.program"].search(
        [("name", "=", PROGRAM_NAME), ("company_id", "=", ctx.company.id)], limit=1
    )


def setup_members(ctx):
    """Every customer a member, with a batch per confirmed order (once per
    database: the next setups find the program)."""
    if _program(ctx):
        return
    started = time.perf_counter()
    env = ctx.env
    program = env["loyalty.program"].create(
        {
            "name": PROGRAM_NAME,
            "program_type": "loyalty",
            "company_id": ctx.company.id,
            "customer_membership": True,
            "customer_points_validity_months": 12,
            "customer_expiry_reminder_days": 0,
            "rule_ids": [(0, 0, {"reward_point_mode": "money", "reward_point_amount": 1})],
            "reward_ids": [(0, 0, {"reward_type": "discount", "required_points": 1000})],
            "customer_tier_ids": [
                (0, 0, {"name": "Silver", "sequence": 1, "threshold": 0}),
                (0, 0, {"name": "Gold", "sequence": 2, "threshold": 5000, "multiplier": 1.5}),
                (0, 0, {"name": "Platinum", "sequence": 3, "threshold": 20000, "multiplier": 2}),
            ],
        }
    )
    env.flush_all()
    sql = env["customer.profile"]._sql_over_tables
    customers = env["customer.profile"]._sql_customers_with_orders(company_ids=[ctx.company.id])
    ctx.cr.execute(
        sql(
            {"c": "loyalty.card"},
            """
            INSERT INTO %(c)s (%(c:program_id)s, %(c:company_id)s, %(c:partner_id)s, %(c:code)s,
                               %(c:points)s, %(c:active)s, create_date, write_date)
            SELECT %(program)s, %(company)s, x.partner_id,
                   'bench-' || %(program)s || '-' || x.partner_id, 0, true, now(), now()
              FROM (%(customers)s) x
            """,
            program=program.id,
            company=ctx.company.id,
            customers=customers,
        )
    )
    ctx.cr.execute(
        sql(
            {"m": "customer.loyalty.member", "c": "loyalty.card"},
            """
            INSERT INTO %(m)s (%(m:program_id)s, %(m:partner_id)s, %(m:company_id)s,
                               %(m:card_id)s, %(m:number)s, %(m:name)s, %(m:join_date)s,
                               %(m:qualifying_value)s, %(m:active)s, create_date, write_date)
            SELECT %(program)s, %(c.partner_id)s, %(company)s, %(c.id)s,
                   'B-' || %(c.id)s, 'B-' || %(c.id)s, current_date, 0, true, now(), now()
              FROM %(c)s c WHERE %(c.program_id)s = %(program)s
            """,
            program=program.id,
            company=ctx.company.id,
        )
    )
    ctx.cr.execute(
        sql(
            {"b": "customer.loyalty.batch", "m": "customer.loyalty.member"},
            """
            INSERT INTO %(b)s (%(b:card_id)s, %(b:member_id)s, %(b:program_id)s,
                               %(b:partner_id)s, %(b:company_id)s, %(b:order_id)s, %(b:kind)s,
                               %(b:date)s, %(b:expiry_date)s, %(b:base_points)s,
                               %(b:bonus_points)s, %(b:points)s, %(b:multiplier)s,
                               %(b:state)s, %(b:reminder_sent)s, create_date, write_date)
            SELECT %(m.card_id)s, %(m.id)s, %(program)s, %(m.partner_id)s, %(company)s,
                   o.id, 'order', o.date_order::date,
                   (o.date_order::date + interval '12 months')::date,
                   round(o.amount), 0, round(o.amount), 1, 'active', false, now(), now()
              FROM %(m)s m
              JOIN (%(orders)s) o ON o.partner_id = %(m.partner_id)s
             WHERE %(m.program_id)s = %(program)s AND o.amount >= 0
            """,
            program=program.id,
            company=ctx.company.id,
            orders=env["customer.profile"]._sql_confirmed_orders(company_ids=[ctx.company.id]),
        )
    )
    ctx.cr.execute(
        sql(
            {"c": "loyalty.card", "b": "customer.loyalty.batch"},
            """
            UPDATE %(c)s c SET %(c:points)s = s.points
              FROM (SELECT %(b.card_id)s AS card_id, sum(%(b.points)s) * 0.7 AS points
                      FROM %(b)s b WHERE %(b.program_id)s = %(program)s
                     GROUP BY %(b.card_id)s) s
             WHERE %(c.id)s = s.card_id
            """,
            program=program.id,
        )
    )
    env.invalidate_all()
    Member = env["customer.loyalty.member"]
    # the members reach their tiers as a review places them; mailing each
    # of them about it is not what the bench measures
    with patch.object(type(Member), "_mail_tier_changes", lambda self, histories: None):
        Member._review_tiers(program)
    ctx.commit()
    ctx.log(f"loyalty: members and batches committed in {time.perf_counter() - started:.1f}s")
    for table in ("loyalty_card", "customer_loyalty_member", "customer_loyalty_batch"):
        ctx.vacuum(table, full=True)


def run_points_floor(ctx):
    program = _program(ctx)
    started = time.perf_counter()
    ctx.cr.execute(
        ctx.env["customer.loyalty.member"]._qualifying_query(program) if program else "SELECT 1"
    )
    rows = len(ctx.cr.fetchall())
    return time.perf_counter() - started, rows


def run_review(ctx):
    program = _program(ctx)
    started = time.perf_counter()
    changed = ctx.env["customer.loyalty.member"]._review_tiers(program)
    ctx.env.flush_all()
    return time.perf_counter() - started, changed


def run_expiry_floor(ctx):
    """The least an expiry run writes, by one statement: the expired
    batches (what is left of each once the points spent are taken from the
    oldest), the cards' balances and a points history row per card."""
    program = _program(ctx)
    sql = ctx.env["customer.profile"]._sql_over_tables
    started = time.perf_counter()
    ctx.cr.execute(
        sql(
            {"b": "customer.loyalty.batch", "c": "loyalty.card", "h": "loyalty.history"},
            """
            WITH ranked AS (
                SELECT %(b.id)s AS id, %(b.card_id)s AS card_id, %(b.points)s AS points,
                       %(b.expiry_date)s AS expiry_date, %(c.points)s AS balance,
                       coalesce(sum(%(b.points)s) OVER (
                           PARTITION BY %(b.card_id)s ORDER BY %(b.date)s DESC, %(b.id)s DESC
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS newer
                  FROM %(b)s b JOIN %(c)s c ON %(c.id)s = %(b.card_id)s
                 WHERE %(b.state)s = 'active' AND %(b.program_id)s = %(program)s
            ), expiring AS (
                SELECT id, card_id, greatest(0, least(points, balance - newer)) AS amount
                  FROM ranked WHERE expiry_date <= current_date
            ), expired AS (
                UPDATE %(b)s b SET %(b:state)s = 'expired', %(b:expired_points)s = e.amount
                  FROM expiring e WHERE %(b.id)s = e.id
                RETURNING e.card_id, e.amount
            ), per_card AS (
                SELECT card_id, sum(amount) AS amount FROM expired
                 GROUP BY card_id HAVING sum(amount) > 0
            ), debited AS (
                UPDATE %(c)s c SET %(c:points)s = greatest(%(c.points)s - p.amount, 0)
                  FROM per_card p WHERE %(c.id)s = p.card_id
            ), logged AS (
                INSERT INTO %(h)s (%(h:card_id)s, %(h:used)s, %(h:issued)s, %(h:description)s)
                SELECT card_id, amount, 0, 'Points expired' FROM per_card
            )
            SELECT count(*) FROM expired
            """,
            program=program.id or 0,
        )
    )
    rows = ctx.cr.fetchone()[0]
    return time.perf_counter() - started, rows


def run_expiry(ctx):
    program = _program(ctx)
    started = time.perf_counter()
    expired = ctx.env["customer.loyalty.batch"]._expire(program)
    ctx.env.flush_all()
    return time.perf_counter() - started, expired


def run_award(ctx):
    """Queries of recording the points of one member's order after its
    commit: (seconds, queries)."""
    member = ctx.env["customer.loyalty.member"].search(
        [("program_id", "=", _program(ctx).id)], limit=1
    )
    ctx.env.flush_all()
    count = ctx.cr.sql_log_count
    started = time.perf_counter()
    ctx.env["customer.loyalty.member"]._on_customers_refreshed(
        {(member.partner_id.id, member.company_id.id)}
    )
    ctx.env.flush_all()
    return time.perf_counter() - started, ctx.cr.sql_log_count - count
