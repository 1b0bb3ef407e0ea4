"""The module's ``make bench`` steps (bench.py) import and declare themselves
without a database; tools/bench.py runs them. Each step's run is exercised
here on the small fixture."""

import types
import unittest

from odoo.tests import tagged

from odoo.addons.customer_relationship.tests.test_bench_steps import (
    DeclaredFloor,
    DeclaredStep,
)

from .. import bench
from .common import RoiCommon


def declared():
    api = types.SimpleNamespace(Step=DeclaredStep, Floor=DeclaredFloor, Measure=None)
    return {step.key: step for step in bench.bench_steps(api)}


class TestBenchSteps(unittest.TestCase):
    def test_declared(self):
        steps = declared()
        self.assertEqual(
            list(steps),
            [
                "orders_floor",
                "kpis",
                "campaign_roi",
                "ledger_floor",
                "profitability",
                "xlsx_floor",
                "xlsx_ledger",
            ],
        )
        for key in ("kpis", "campaign_roi"):
            self.assertIs(steps[key].options["floor"], steps["orders_floor"])
            self.assertEqual(steps[key].options["target"], 3.0)
        self.assertIs(steps["profitability"].options["floor"], steps["ledger_floor"])
        self.assertIs(steps["xlsx_ledger"].options["floor"], steps["xlsx_floor"])

    def test_xlsx_check(self):
        check = declared()["xlsx_ledger"].options["check"]
        self.assertTrue(check({"ratio_to_floor": 2.5, "rss_growth_mb": 40}, None)[1])
        self.assertFalse(check({"ratio_to_floor": 3.5, "rss_growth_mb": 40}, None)[1])
        self.assertFalse(check({"ratio_to_floor": 1.0, "rss_growth_mb": 151}, None)[1])
        self.assertFalse(check({"ratio_to_floor": 1.0, "rss_growth_mb": None}, None)[1])


@tagged("post_install", "-at_install")
class TestBenchRuns(RoiCommon):
    def test_steps_run(self):
        logs = []
        ctx = types.SimpleNamespace(
            env=self.env,
            cr=self.env.cr,
            company=self.company,
            state={},
            commit=lambda: None,
            log=logs.append,
            vacuum=lambda *args, **kw: None,
        )
        bench.setup_campaigns(ctx)
        self.assertEqual(
            self.env["utm.campaign"].search_count([("title", "=like", "Bench ROI campaign%")]), 5
        )
        bench.setup_campaigns(ctx)  # once per database
        self.assertEqual(len(logs), 1)
        steps = declared()
        results = {key: step.run(ctx) for key, step in steps.items()}
        for key, (seconds, _rows) in results.items():
            self.assertGreaterEqual(seconds, 0, key)
        # the fixture's customers of the year up to today: none (2024-2025 orders)
        self.assertEqual(results["xlsx_floor"][1], results["xlsx_ledger"][1])
        ledger_lines = self.env["customer.value.line"].search_count(
            [("company_id", "=", self.company.id)]
        )
        self.assertEqual(results["xlsx_ledger"][1], ledger_lines)
        self.assertGreater(ledger_lines, 0)
        self.assertGreaterEqual(ctx.state["xlsx_growth_mb"], 0)
        self.assertGreaterEqual(results["campaign_roi"][1], 5)
