"""The module's ``make bench`` steps (bench.py) import and declare themselves
without a database; tools/bench.py runs them. Each step's run is exercised
here on a small fixture."""

import types
import unittest

from odoo.tests import tagged

from odoo.addons.customer_relationship.tests.test_bench_steps import DeclaredStep

from .. import bench
from .common import LoyaltyCommon


class TestBenchSteps(unittest.TestCase):
    def test_declared(self):
        api = types.SimpleNamespace(Step=DeclaredStep, Floor=DeclaredStep, Measure=None)
        points_floor, review, expiry_floor, expiry, award = bench.bench_steps(api)
        self.assertIs(review.options["floor"], points_floor)
        self.assertEqual(review.options["target"], 3.0)
        self.assertIs(expiry.options["floor"], expiry_floor)
        self.assertEqual(expiry.options["target"], 3.0)
        self.assertNotIn("target", award.options)


@tagged("post_install", "-at_install")
class TestBenchRuns(LoyaltyCommon):
    def test_steps_run(self):
        partners = self._customer("Bench One") | self._customer("Bench Two")
        self._orders([(partners[0], 100, 400), (partners[1], 6000, 30), (partners[1], 100, 3)])
        self._after_commit()
        logs = []
        ctx = types.SimpleNamespace(
            env=self.env,
            cr=self.env.cr,
            company=self.company,
            commit=lambda: None,
            log=logs.append,
            vacuum=lambda *args, **kw: None,
        )
        bench.setup_members(ctx)
        program = bench._program(ctx)
        members = self.env["customer.loyalty.member"].search([("program_id", "=", program.id)])
        self.assertEqual(members.partner_id, partners)
        self.assertEqual(len(members.batch_ids), 3)
        gold = members.filtered(lambda m: m.partner_id == partners[1])
        self.assertEqual(gold.tier_id.name, "Gold")
        seconds, rows = bench.run_points_floor(ctx)
        self.assertEqual(rows, 2)
        self.assertGreaterEqual(seconds, 0)
        self.assertEqual(bench.run_review(ctx)[1], 0)

        # the floor writes what the expiry run writes: the batch, the card
        # and its history row
        def written():
            self.env.invalidate_all()
            return (
                members.batch_ids.mapped(lambda b: (b.id, b.state, b.expired_points)),
                members.card_id.mapped(lambda c: (c.id, c.points)),
                members.card_id.history_ids.filtered(
                    lambda h: h.description == "Points expired"
                ).mapped(lambda h: (h.card_id.id, h.used)),
            )

        before = written()
        savepoint = self.env.cr.savepoint()
        self.assertEqual(bench.run_expiry_floor(ctx)[1], 1)
        floor = written()
        savepoint.close(rollback=True)
        self.assertEqual(written(), before)
        self.assertEqual(bench.run_expiry(ctx)[1], 1)
        self.assertEqual(written(), floor)
        self.assertNotEqual(floor, before)
        self.assertGreater(bench.run_award(ctx)[1], 0)
