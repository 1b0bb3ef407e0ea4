"""The module's ``make bench`` steps (bench.py) declare themselves without a
database; each step's run is exercised here on a small fixture."""

import types
import unittest
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.customer_relationship.tests.test_bench_steps import (
    DeclaredFloor,
    DeclaredStep,
)

from .. import bench
from .common import ComplaintCommon


class TestBenchSteps(unittest.TestCase):
    def test_declared(self):
        api = types.SimpleNamespace(Step=DeclaredStep, Floor=DeclaredFloor, Measure=None)
        floor, escalation = bench.bench_steps(api)
        self.assertTrue(floor.is_floor)
        self.assertIs(escalation.options["floor"], floor)
        self.assertEqual(escalation.options["target"], 3.0)
        self.assertTrue(callable(escalation.run) and callable(escalation.options["setup"]))


@tagged("post_install", "-at_install")
class TestBenchRuns(ComplaintCommon):
    def _ctx(self):
        self._after_commit()
        return types.SimpleNamespace(
            env=self.env,
            cr=self.env.cr,
            company=self.company,
            customers=2,
            commit=lambda: None,
            log=lambda message: None,
            vacuum=lambda *args, **kw: None,
        )

    def test_escalation_and_its_floor(self):
        # two levels, as the bench company's matrix (the demo's) for the
        # bench's complaints
        self.env["customer.complaint.escalation.rule"].search(
            [("company_id", "=", self.company.id), ("level", ">", 2)]
        ).unlink()
        ctx = self._ctx()
        with patch.object(bench, "DUE_EVERY", 4):
            bench.setup_complaints(ctx)
        self.env.invalidate_all()
        complaints = self.env["helpdesk.ticket"].search(
            [("company_id", "=", self.company.id), ("is_complaint", "=", True)]
        )
        self.assertEqual(len(complaints), 20)
        self.assertEqual(
            set(complaints.commercial_partner_id.ids), {self.customer.id, self.other_customer.id}
        )
        # a second bench finds them in place and keeps them
        with patch.object(bench, "DUE_EVERY", 4):
            bench.setup_complaints(ctx)
        self.assertEqual(
            self.env["helpdesk.ticket"]
            .search([("company_id", "=", self.company.id), ("is_complaint", "=", True)])
            .ids,
            complaints.ids,
        )
        savepoint = self.env.cr.savepoint()
        seconds, rows = bench.run_floor(ctx)
        self.assertGreaterEqual(seconds, 0)
        savepoint.close(rollback=True)
        self.env.invalidate_all()
        seconds, escalated = bench.run_escalation(ctx)
        self.assertGreaterEqual(seconds, 0)
        # the floor writes the rows the cron writes: each due complaint
        # reaches both levels
        self.assertEqual(escalated, rows)
        self.assertEqual(escalated, 10)


@tagged("post_install", "-at_install")
class TestEscalationQueries(ComplaintCommon):
    def test_queries_per_batch_do_not_grow_with_complaints(self):
        Ticket = self.env["helpdesk.ticket"]
        counts = []
        for size in (2, 6):
            self._complaint(order=self.order)  # warm the caches
            complaints = Ticket.browse()
            for _index in range(size):
                complaints |= self._complaint(order=self.order)
            Ticket.browse()._escalate_complaints()
            self.env.flush_all()
            self.env.invalidate_all()
            with freeze_time("2026-01-13 12:00:00"):
                first = Ticket.search([("id", "in", complaints.ids)])
                before = self.env.cr.sql_log_count
                first._escalate_complaints()
                self.env.flush_all()
                counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1], counts)
