"""``make bench`` steps of customer_lifecycle.

Loaded by the core's tools/bench.py when the module is installed in the
bench database (see customer_relationship's readme/DEVELOP.md, "Benchmark
steps"); Odoo itself never imports it.

- the rules' full evaluation (``customer.lifecycle.state._evaluate``, the
  cron and the manager button) on the committed state a first evaluation
  left, against the core's floor (the facts aggregate): it reads the facts
  and one aggregate of the last year's orders.
"""

import time

EVALUATION_TARGET = 3.0


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
