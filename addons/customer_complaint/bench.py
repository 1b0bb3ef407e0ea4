"""``make bench`` steps of customer_complaint.

Loaded by the core's tools/bench.py when the module is installed in the
bench database (see customer_relationship's readme/DEVELOP.md, "Benchmark
steps"); Odoo itself never imports it.

- the escalation cron (``helpdesk.ticket._cron_escalate_complaints``) over
  the bench company's open complaints (100,000, or ten per customer on a
  smaller database), of which one in a hundred has its first level due,
  against a floor of its own: the same escalations written by plain SQL
  (select what is due, insert one escalation row per level reached, raise
  the levels).

The setup inserts the complaints by SQL, committed once per database.
"""

import time

ESCALATION_TARGET = 3.0
COMPLAINTS = 100_000
# one complaint in DUE_EVERY has its first escalation level due
DUE_EVERY = 100


def bench_steps(bench):
    floor = bench.Floor("escalation_floor", "floor: due complaints escalated (SQL)", run_floor)
    return [
        floor,
        bench.Step(
            "escalation",
            "complaint escalation cron, open complaints",
            run_escalation,
            floor=floor,
            target=ESCALATION_TARGET,
            setup=setup_complaints,
            vacuum=["helpdesk_ticket", "customer_complaint_escalation"],
        ),
    ]


def _sql(ctx):
    return ctx.env["customer.profile"]._sql_over_tables


def setup_complaints(ctx):
    """Open complaints of the bench company's customers, committed: one in
    ``DUE_EVERY`` is past the first level of the escalation matrix."""
    env = ctx.env
    started = time.perf_counter()
    complaint_type = env.ref("customer_complaint.ticket_type_complaint")
    stage = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
    rules = env["customer.complaint.escalation.rule"]
    if not rules.search_count([("company_id", "=", ctx.company.id), ("severity", "=", "high")]):
        rules.create(
            {
                "company_id": ctx.company.id,
                "severity": "high",
                "level": 1,
                "deadline": "resolution",
                "timing": "after",
                "hours": 0,
                "recipients": "managers",
            }
        )
    total = min(COMPLAINTS, max(ctx.customers, 1) * 10)
    env.flush_all()
    # the runs roll back: complaints committed by an earlier run of the
    # bench are as this setup leaves them (deleting 100,000 tickets costs
    # more than the whole bench)
    ctx.cr.execute(
        _sql(ctx)(
            {"t": "helpdesk.ticket"},
            """
            SELECT count(*) FROM %(t)s t
             WHERE %(t.company_id)s = %(company)s AND %(t.is_complaint)s
               AND %(t.number)s LIKE %(numbers)s
            """,
            company=ctx.company.id,
            numbers="BENCH%",
        )
    )
    if ctx.cr.fetchone()[0] == total:
        ctx.log(f"complaints: {total:,} open complaints already there")
        return
    ctx.cr.execute(
        _sql(ctx)(
            {"t": "helpdesk.ticket"},
            """
            DELETE FROM %(t)s t WHERE %(t.company_id)s = %(company)s AND %(t.is_complaint)s
            """,
            company=ctx.company.id,
        )
    )
    ctx.cr.execute(
        _sql(ctx)(
            {"t": "helpdesk.ticket"},
            """
            INSERT INTO %(t)s (%(t:name)s, %(t:description)s, %(t:company_id)s,
                               %(t:partner_id)s, %(t:commercial_partner_id)s,
                               %(t:stage_id)s, %(t:type_id)s, %(t:is_complaint)s,
                               %(t:complaint_severity)s, %(t:complaint_date)s,
                               %(t:complaint_resolution_deadline)s,
                               %(t:complaint_escalation_due)s,
                               %(t:complaint_escalation_level)s, %(t:active)s,
                               %(t:rating_status)s, %(t:number)s)
            WITH customers AS (
                SELECT p.partner_id, row_number() OVER (ORDER BY p.id) AS rn
                  FROM (%(profiles)s) p
            )
            SELECT 'Bench complaint', '<p>bench</p>', %(company)s, c.partner_id, c.partner_id,
                   %(stage)s, %(type)s, TRUE, 'high', now() - interval '10 days',
                   CASE WHEN mod(g, %(every)s) = 0 THEN now() - interval '1 hour'
                        ELSE now() + interval '30 days' END,
                   CASE WHEN mod(g, %(every)s) = 0 THEN now() - interval '1 hour'
                        ELSE now() + interval '30 days' END,
                   0, TRUE, 'stage_change', 'BENCH' || g
              FROM generate_series(1, %(total)s) g
              JOIN customers c
                ON c.rn = mod(g, GREATEST((SELECT count(*) FROM customers), 1)::int) + 1
            """,
            company=ctx.company.id,
            stage=stage.id,
            type=complaint_type.id,
            every=DUE_EVERY,
            total=total,
            profiles=ctx.env["customer.profile"]._sql_profiles(company_ids=[ctx.company.id]),
        )
    )
    ctx.commit()
    ctx.log(f"complaints: {total:,} open complaints in {time.perf_counter() - started:.1f}s")
    ctx.vacuum("helpdesk_ticket", full=False)


def run_floor(ctx):
    """Plain SQL: each due complaint gets an escalation row for each level
    of its severity's matrix above its own (the bench's complaints are past
    every one of them, as the cron finds) and its highest level."""
    started = time.perf_counter()
    ctx.cr.execute(
        _sql(ctx)(
            {
                "t": "helpdesk.ticket",
                "e": "customer.complaint.escalation",
                "r": "customer.complaint.escalation.rule",
            },
            """
            WITH due AS (
                SELECT %(t.id)s AS id, %(t.commercial_partner_id)s AS partner_id,
                       %(r.id)s AS rule_id, %(r.level)s AS level
                  FROM %(t)s t
                  JOIN %(r)s r ON %(r.company_id)s = %(t.company_id)s
                              AND %(r.severity)s = %(t.complaint_severity)s
                              AND %(r.level)s > %(t.complaint_escalation_level)s
                 WHERE %(t.complaint_escalation_due)s <= now()
                   AND %(t.company_id)s = %(company)s
            ), raised AS (
                UPDATE %(t)s t SET %(t:complaint_escalation_level)s = top.level,
                                   %(t:complaint_escalation_due)s = NULL
                  FROM (SELECT id, max(level) AS level FROM due GROUP BY id) top
                 WHERE %(t.id)s = top.id
            )
            INSERT INTO %(e)s (%(e:ticket_id)s, %(e:rule_id)s, %(e:level)s, %(e:date)s,
                               %(e:company_id)s, %(e:partner_id)s)
            SELECT due.id, due.rule_id, due.level, now(), %(company)s, due.partner_id FROM due
            """,
            company=ctx.company.id,
        )
    )
    return time.perf_counter() - started, ctx.cr.rowcount


def run_escalation(ctx):
    """The escalation cron's batches, in the run's transaction (the cron
    commits each): (seconds, escalations)."""
    started = time.perf_counter()
    tickets = ctx.env["helpdesk.ticket"]
    escalated = 0
    while (batch := tickets._escalate_next_batch()) is not None:
        escalated += batch
    ctx.env.flush_all()
    return time.perf_counter() - started, escalated
