"""The segment mailing steps of bench.py run on the test database, on a small
segment (``make bench`` measures them on 50,000 contacts)."""

import types
from unittest.mock import patch

from odoo.tests import tagged

from .. import bench
from ..models.customer_segment_mailing import BATCH_SIZE_PARAM
from .common import CustomerCommon, tool_module
from .test_bench_steps import DeclaredStep, declared_steps


class Measure:
    """What tools/bench.py's Measure keeps."""

    def __init__(self, seconds, rows=None, **details):
        self.seconds = seconds
        self.rows = rows
        self.details = details


def bench_data_clone_sql():
    """``_clone_sql`` of tools/bench_data.py, which the bench's context uses."""
    return tool_module("bench_data")._clone_sql


@tagged("post_install", "-at_install")
class TestBenchMailingSteps(CustomerCommon):
    def _context(self):
        clone_sql = bench_data_clone_sql()
        return types.SimpleNamespace(
            env=self.env,
            cr=self.env.cr,
            company=self.company,
            state={},
            log=lambda message: None,
            commit=self.env.invalidate_all,  # the test's transaction is never committed
            clone_sql=lambda *args: clone_sql(self.env.cr, *args),
        )

    def test_declared(self):
        by_key = {step.key: step for step in declared_steps(bench)}
        click = by_key["mailing_click"]
        self.assertIs(click.options["check"], bench.mailing_click_check)
        self.assertIs(click.options["setup"], bench.setup_mailing)
        batch = by_key["mailing_batch"]
        self.assertIsInstance(batch, DeclaredStep)
        self.assertNotIn("target", batch.options)  # a yardstick
        self.assertNotIn("check", batch.options)
        self.assertEqual(
            bench.mailing_click_check({"seconds": 1.2, "queries": 9}, None),
            ("< 2 s (9 queries)", True),
        )
        self.assertFalse(bench.mailing_click_check({"seconds": 2.5, "queries": 9}, None)[1])

    def test_steps_run(self):
        """Contacts are added when the database has too few; the click queues
        every contact of the segment; a batch sends ``batch_size`` of them."""
        self.env.ref("base.user_admin").company_ids |= self.company
        self.env["ir.config_parameter"].set_param(BATCH_SIZE_PARAM, "10")
        contacts = self.env["res.partner"].with_context(active_test=False).search_count([]) + 20
        api = types.SimpleNamespace(Measure=Measure)
        ctx = self._context()
        # the company the contacts are copied from has a salesperson
        self.env.cr.execute(
            "SELECT min(id) FROM res_partner WHERE active AND is_company"
            " AND id NOT IN (SELECT partner_id FROM res_company)"
        )
        self.env["res.partner"].browse(self.env.cr.fetchone()[0]).user_id = self.env.user
        self.env.flush_all()
        with patch.object(bench, "MAILING_CONTACTS", contacts):
            bench.setup_mailing(ctx)
            bench.setup_mailing(ctx)  # once more: nothing missing
            segment = self.env["customer.segment"].browse(ctx.state["mailing_segment_id"])
            self.assertEqual(segment.customer_count, contacts)
            added = self.env["res.partner"].search([("name", "=like", "Bench Mailing Contact %")])
            self.assertGreaterEqual(len(added), 20)
            self.assertFalse(added.user_id, "the contacts added are nobody's customers")
            click = bench.run_mailing_click(api, ctx)
            self.assertEqual(click.rows, contacts)
            self.assertEqual(click.details["pending"] + click.details["skipped"], contacts)
            self.assertGreater(click.details["skipped"], 0, "one in 25 has no email")
            self.assertGreater(click.details["queries"], 0)
            batch = bench.run_mailing_batch(api, ctx)
            self.assertEqual(batch.rows, 10)
            self.assertGreater(batch.details["queries"], 0)
