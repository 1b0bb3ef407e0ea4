"""``make bench`` steps of customer_lifecycle.

Loaded by the core's tools/bench.py when the module is installed in the
bench database (see customer_relationship's readme/DEVELOP.md, "Benchmark
steps"); Odoo itself never imports it.

- the rules' full evaluation (``customer.lifecycle.state._evaluate``, the
  cron and the manager button) on the committed state a first evaluation
  left, against the core's floor (the facts aggregate): it reads the facts
  and one aggregate of the last year's orders.
- the first evaluation of a database (every customer gets its state and
  moves at least once), against the same floor: states and history rows
  created, most customers moved in bulk (``_move_to`` writes its rows in
  SQL from ``_BULK_MOVES`` states on).

The steps' setups all run before their rounds, so the first evaluation
cannot start from a committed database without states (the evaluation
step needs them): each of its runs deletes the company's states and
history before the clock starts, and the run's rollback brings them back.
"""

import time

EVALUATION_TARGET = 3.0
FIRST_EVALUATION_TARGET = 5.0


def bench_steps(bench):
    return [
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
            floor="customer_relationship.floor",
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
