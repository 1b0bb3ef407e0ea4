"""The module's ``make bench`` steps (bench.py) import and declare themselves
without a database; tools/bench.py runs them. Each step's run is exercised
here on a small fixture."""

import types
import unittest

from odoo.tests import tagged

from odoo.addons.customer_relationship.tests.test_bench_steps import DeclaredStep

from .. import bench
from .common import LifecycleCommon


class TestBenchSteps(unittest.TestCase):
    def test_declared(self):
        api = types.SimpleNamespace(Step=DeclaredStep, Floor=DeclaredStep, Measure=None)
        floor, evaluation, first = bench.bench_steps(api)
        self.assertEqual(floor.key, "first_evaluation_floor")
        self.assertEqual(evaluation.options["floor"], "customer_relationship.floor")
        self.assertEqual(evaluation.options["target"], 3.0)
        self.assertTrue(callable(evaluation.run) and callable(evaluation.options["setup"]))
        self.assertEqual(first.name, "lifecycle, first evaluation (every customer moves)")
        self.assertIs(first.options["floor"], floor)
        self.assertEqual(first.options["target"], 5.0)
        self.assertTrue(callable(first.run) and callable(first.options["setup"]))


@tagged("post_install", "-at_install")
class TestBenchRuns(LifecycleCommon):
    def test_first_evaluation_moves_every_customer(self):
        partners = self._customer("Bench One") | self._customer("Bench Two")
        self._orders([(partners[0], 100, 3), (partners[1], 100, 30), (partners[1], 100, 3)])
        self._after_commit()
        ctx = types.SimpleNamespace(env=self.env, cr=self.env.cr, company=self.company)
        setup_ctx = types.SimpleNamespace(
            **vars(ctx),
            commit=lambda: None,
            log=lambda message: None,
            vacuum=lambda *args, **kw: None,
        )
        bench.setup_evaluation(setup_ctx)
        stages = self._stages_snapshot()
        self.assertEqual(set(stages), set(partners.ids))
        seconds, moved = bench.run_first_evaluation(ctx)
        self.assertGreaterEqual(seconds, 0)
        # every customer moves again from Prospect, to the same stages
        self.assertEqual(moved, 2)
        self.assertEqual(self._stages_snapshot(), stages)
        for partner in partners:
            stays = self._state(partner).history_ids
            self.assertEqual(stays.sorted("id").stage_id.mapped("code")[0], "prospect")
            self.assertEqual(len(stays), 2)

    def test_first_evaluation_floor_writes_a_state_and_a_stay_per_customer(self):
        partners = self._customer("Floor One") | self._customer("Floor Two")
        self._orders([(partners[0], 100, 3), (partners[1], 100, 30)])
        self._after_commit()
        self.State._evaluate(self.company)
        ctx = types.SimpleNamespace(env=self.env, cr=self.env.cr, company=self.company)
        seconds, rows = bench.run_first_evaluation_floor(ctx)
        self.assertGreaterEqual(seconds, 0)
        self.env.invalidate_all()
        states = self.State.search([("company_id", "=", self.company.id)])
        customers = self.env["customer.profile"].search([("company_id", "=", self.company.id)])
        self.assertEqual(rows, len(customers))
        self.assertEqual(states.partner_id, customers.partner_id)
        self.assertEqual(set(states.stage_id.mapped("code")), {"prospect"})
        self.assertEqual(states.history_ids.state_id, states)
