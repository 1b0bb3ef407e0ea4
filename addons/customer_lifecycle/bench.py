"""``make bench`` steps of customer_lifecycle.

Loaded by the core's tools/bench.py when the module is installed in the
bench database (see customer_relationship's readme/DEVELOP.md, "Benchmark
steps"); Odoo itself never imports it.

- the rules' full evaluation (``customer.lifecycle.state._evaluate``, the
  cron and the manager button) on the committed state a first evaluation
  left, against the core's floor (the facts aggregate): it reads the facts
  and one aggregate of the last year's orders.
- the first evaluation of a database (every customer gets its state and
  moves at least once), against a floor of its own: the rows any first
  evaluation writes at least, a state and a history row per customer,
  inserted by one plain INSERT ... SELECT from the customers' profiles.
  The evaluation plans its passes from one statement over the facts and
  writes the moves in bulk (``_move_to`` writes its rows in SQL from
  ``_BULK_MOVES`` states on); its timeline rows and the salespeople's
  activities come on top of the floor's rows.

The steps' setups all run before their rounds, so the first evaluation
cannot start from a committed database without states (the evaluation
step needs them): each of its runs deletes the company's states and
history before the clock starts, and the run's rollback brings them back.
"""

import time

EVALUATION_TARGET = 3.0
FIRST_EVALUATION_TARGET = 5.0


def bench_steps(bench):
    first_floor = bench.Floor(
        "first_evaluation_floor",
        "floor: a state and a history row per customer (SQL)",
        run_first_evaluation_floor,
        vacuum=["customer_lifecycle_state", "customer_lifecycle_history"],
    )
    return [
        first_floor,
        bench.Step(
            "evaluation",
            "lifecycle rules, full evaluation",
            run_evaluation,
            floor="customer_relationship.floor",
            target=EVALUATION_TARGET,
            setup=setup_evaluation,
            vacuum=["customer_lifecycle_state"],
            explain=True,
        ),
        bench.Step(
            "first_evaluation",
            "lifecycle, first evaluation (every customer moves)",
            run_first_evaluation,
            floor=first_floor,
            target=FIRST_EVALUATION_TARGET,
            setup=setup_evaluation,
            vacuum=["customer_lifecycle_state", "customer_lifecycle_history", "customer_event"],
        ),
    ]


def setup_evaluation(ctx):
    """Every customer with its lifecycle state as the evaluation leaves it,
    committed, without the bloat of earlier runs."""
    started = time.perf_counter()
    moved = ctx.env["customer.lifecycle.state"]._evaluate(ctx.company)
    ctx.commit()
    ctx.log(f"lifecycle: {moved} moves committed in {time.perf_counter() - started:.1f}s")
    ctx.vacuum("customer_lifecycle_state", full=True)


def run_evaluation(ctx):
    """One full evaluation: (seconds, customers moved)."""
    started = time.perf_counter()
    moved = ctx.env["customer.lifecycle.state"]._evaluate(ctx.company)
    ctx.env.flush_all()
    return time.perf_counter() - started, moved


def reset_states(ctx):
    """Delete the company's lifecycle states and history (in the run's
    transaction): every customer then gets its state and moves."""
    states = ctx.env["customer.lifecycle.state"]
    sql = ctx.env["customer.profile"]._sql_over_tables
    ctx.env.flush_all()
    for model in ("customer.lifecycle.history", "customer.lifecycle.state"):
        ctx.cr.execute(
            sql(
                {"t": model},
                "DELETE FROM %(t)s t WHERE %(t.company_id)s = %(company)s",
                company=ctx.company.id,
            )
        )
    ctx.env.invalidate_all()
    return states


def run_first_evaluation(ctx):
    """The first evaluation: (seconds, customers moved)."""
    states = reset_states(ctx)
    started = time.perf_counter()
    moved = states._evaluate(ctx.company)
    ctx.env.flush_all()
    return time.perf_counter() - started, moved


def run_first_evaluation_floor(ctx):
    """The least a first evaluation writes: one state and its first history
    row per customer of the company, by one INSERT ... SELECT over the
    profiles (no rules, no moves): (seconds, states inserted)."""
    states = reset_states(ctx)
    stage = ctx.env["customer.lifecycle.stage"]._default_stage()
    profiles = ctx.env["customer.profile"]
    query = profiles._sql_over_tables(
        {"s": states._name, "h": "customer.lifecycle.history"},
        """
        WITH new AS (
            INSERT INTO %(s)s (
                %(s:partner_id)s, %(s:company_id)s, %(s:profile_id)s, %(s:stage_id)s,
                %(s:date_entered)s, %(s:locked)s, %(s:create_uid)s, %(s:create_date)s,
                %(s:write_uid)s, %(s:write_date)s)
            SELECT p.partner_id, p.company_id, p.id, %(stage)s, %(now)s, FALSE,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM (%(profiles)s) p
            RETURNING %(s:id)s, %(s:partner_id)s, %(s:company_id)s
        )
        INSERT INTO %(h)s (
            %(h:state_id)s, %(h:partner_id)s, %(h:company_id)s, %(h:stage_id)s,
            %(h:date_entered)s, %(h:create_uid)s, %(h:create_date)s, %(h:write_uid)s,
            %(h:write_date)s)
        SELECT new.id, new.partner_id, new.company_id, %(stage)s, %(now)s,
               %(uid)s, %(now)s, %(uid)s, %(now)s
          FROM new
        """,
        profiles=profiles._sql_profiles(company_ids=ctx.company.ids),
        stage=stage.id,
        now=ctx.cr.now(),
        uid=ctx.env.uid,
    )
    started = time.perf_counter()
    ctx.cr.execute(query)
    return time.perf_counter() - started, ctx.cr.rowcount
