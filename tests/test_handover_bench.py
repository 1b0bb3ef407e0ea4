"""The ``make bench`` step of the handover (bench.py), run at a tiny scale on
the test database: its setup builds the salesperson's book, its run moves
it and reports its queries, and its check judges them."""

import types

from odoo.tests import tagged

from .. import bench
from .common import CustomerCommon
from .test_bench_steps import declared_steps


class FakeContext:
    """What tools/bench.py gives a step, on the test's transaction."""

    def __init__(self, env, company):
        self.env = env
        self.cr = env.cr
        self.company = company
        self.state = {"handover_sizes": {"customers": 6, "quotations": 3, "activities": 5}}
        self.logs = []
        self.vacuumed = []

    def commit(self):
        self.env.flush_all()

    def log(self, message):
        self.logs.append(message)

    def vacuum(self, table, full=False):
        self.vacuumed.append(table)


@tagged("post_install", "-at_install")
class TestHandoverBenchStep(CustomerCommon):
    def test_step(self):
        steps = {step.key: step for step in declared_steps(bench)}
        step = steps["handover"]
        self.assertEqual(step.name, "handover, 5,000 customers")
        self.assertIs(step.options["setup"], bench.setup_handover)
        self.assertEqual(
            bench.HANDOVER_SIZES, {"customers": 5000, "quotations": 2000, "activities": 3000}
        )
        self.env["res.partner"].create(
            [{"name": f"Bench handover customer {index}", "is_company": True} for index in range(8)]
        )
        ctx = FakeContext(self.env, self.company)
        bench.setup_handover(ctx)
        bench.setup_handover(ctx)  # a second setup adds nothing
        leaver, first, second = bench.handover_users(ctx)
        self.assertEqual(self.env["res.partner"].search_count([("user_id", "=", leaver.id)]), 6)
        # customers given to the leaver since (by another step's setup) are
        # taken back: the handover moves the same book at every scale
        self.env["res.partner"].create(
            [{"name": f"Later customer {index}", "user_id": leaver.id} for index in range(2)]
        )
        bench.setup_handover(ctx)
        self.assertEqual(self.env["res.partner"].search_count([("user_id", "=", leaver.id)]), 6)
        self.assertEqual(
            self.env["sale.order"].search_count(
                [("user_id", "=", leaver.id), ("state", "=", "draft")]
            ),
            3,
        )
        self.assertEqual(self.env["mail.activity"].search_count([("user_id", "=", leaver.id)]), 5)

        self.env.ref("base.user_admin").company_ids |= self.company
        api = types.SimpleNamespace(Measure=MeasureRecorder)
        measure = bench.run_handover(api, ctx)
        self.assertEqual(measure.rows, 6)
        self.assertEqual(measure.details["state"], "done")
        self.assertEqual(measure.details["quotations"], 3)
        self.assertEqual(measure.details["activities"], 5)
        self.assertGreaterEqual(measure.details["queries"], measure.details["confirm_queries"])
        self.assertEqual(self.env["res.partner"].search_count([("user_id", "=", leaver.id)]), 0)
        self.assertEqual(
            self.env["res.partner"].search_count([("user_id", "in", (first | second).ids)]), 6
        )
        result = {"state": "done", "queries": measure.details["queries"]}
        self.assertTrue(bench.handover_check(result, None)[1])
        over = {"state": "done", "queries": bench.HANDOVER_QUERY_BUDGET + 1}
        self.assertFalse(bench.handover_check(over, None)[1])
        self.assertFalse(bench.handover_check({"state": "queued", "queries": 10}, None)[1])


class MeasureRecorder:
    def __init__(self, seconds, rows=None, **details):
        self.seconds = seconds
        self.rows = rows
        self.details = details
