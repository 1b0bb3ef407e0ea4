"""The module's ``make bench`` steps (bench.py) import and declare themselves
without a database; the core's tools/bench.py runs them."""

import types
import unittest

from odoo.addons.customer_relationship.tests.test_bench_steps import DeclaredStep

from .. import bench


class TestBenchSteps(unittest.TestCase):
    def test_declared(self):
        api = types.SimpleNamespace(Step=DeclaredStep, Floor=DeclaredStep, Measure=None)
        (step,) = bench.bench_steps(api)
        self.assertEqual(step.options["floor"], "customer_relationship.floor")
        self.assertEqual(step.options["target"], 3.0)
        self.assertTrue(callable(step.run) and callable(step.options["setup"]))
