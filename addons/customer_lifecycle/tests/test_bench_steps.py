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
        evaluation, first = bench.bench_steps(api)
        self.assertEqual(evaluation.options["floor"], "customer_relationship.floor")
        self.assertEqual(evaluation.options["target"], 3.0)
        self.assertTrue(callable(evaluation.run) and callable(evaluation.options["setup"]))
        self.assertEqual(first.name, "lifecycle, first evaluation (every customer moves)")
        self.assertEqual(first.options["floor"], "customer_relationship.floor")
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
