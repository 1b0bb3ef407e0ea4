"""The module's ``make bench`` steps (bench.py) import and declare themselves
without a database; tools/bench.py runs them. Each step's run is exercised
here on a small fixture."""

import types
import unittest
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.customer_relationship.tests.test_bench_mailing import bench_data_clone_sql
from odoo.addons.customer_relationship.tests.test_bench_steps import DeclaredStep

from .. import bench
from .common import InsightCommon


class TestBenchSteps(unittest.TestCase):
    def test_declared(self):
        api = types.SimpleNamespace(Step=DeclaredStep, Floor=DeclaredStep, Measure=None)
        steps = {step.key: step for step in bench.bench_steps(api)}
        self.assertEqual(
            list(steps),
            [
                "churn_floor",
                "pair_floor",
                "churn_risk",
                "cross_sell_rules",
                "recommendations",
                "recommendations_one",
                "churn_backtest",
            ],
        )
        self.assertEqual(steps["churn_risk"].options["target"], 3.0)
        self.assertEqual(steps["cross_sell_rules"].options["target"], 3.0)
        self.assertIs(steps["cross_sell_rules"].options["floor"], steps["pair_floor"])


@tagged("post_install", "-at_install")
class TestBenchRuns(InsightCommon):
    def _ctx(self, **extra):
        """What tools/bench.py gives a step, on the test's transaction."""
        return types.SimpleNamespace(
            env=self.env,
            cr=self.env.cr,
            company=self.company,
            commit=lambda: None,
            log=lambda message: None,
            vacuum=lambda *args, **kw: None,
            **extra,
        )

    def test_runs(self):
        p = self.products
        customers = [self._customer(f"Bench {n}") for n in range(3)]
        self._basket(customers[0], [p["A"], p["B"]], 10)
        self._basket(customers[1], [p["A"], p["B"]], 40)
        self._basket(customers[2], [p["A"]], 300)
        self.company.insight_min_confidence = 0.5
        ctx = self._ctx()
        self.assertEqual(bench.run_churn_floor(ctx)[1], 3)
        # the floor stores a row per customer, as the scoring does
        self.env.invalidate_all()
        stored = self.env["customer.insight"].search([("company_id", "=", self.company.id)])
        self.assertEqual(stored.partner_id, customers[0] | customers[1] | customers[2])
        self.assertEqual(stored.mapped("order_count"), [1, 1, 1])
        # A+B in two orders: A->B and B->A, twice each way
        self.assertEqual(bench.run_pair_floor(ctx)[1], 4)
        self.assertEqual(bench.run_churn(ctx)[1], 3)
        self.assertEqual(bench.run_rules(ctx)[1], 2)
        # the third customer bought A only: B is recommended
        self.assertEqual(bench.run_recommendations(ctx)[1], 1)
        self.assertEqual(bench.run_recommendations_one(ctx)[1], 2)
        # scored 180 days ago: only the third customer had ordered
        self.assertEqual(bench.run_backtest(ctx)[1], 1)

    def test_catalogue_setup(self):
        """The bench's catalogue: a product per slot and 1 to 3 more lines
        per confirmed order of the company, each of a catalogue product."""
        order = self._basket(self._customer("Bench Catalogue"), [self.products["A"]], 10)
        orders = self.env["sale.order"].search(
            [("company_id", "=", self.company.id), ("state", "=", "sale")]
        )
        lines_before = len(orders.order_line)
        clone = bench_data_clone_sql()
        ctx = self._ctx(clone_sql=lambda *args: clone(self.env.cr, *args))
        with patch.object(bench, "CATALOGUE", 5):
            bench.setup_catalogue(ctx)
        catalogue = self.env["product.product"].search(
            [("default_code", "=like", f"{bench.CATALOGUE_CODE}%")]
        )
        self.assertEqual(len(catalogue), 5)
        orders.invalidate_recordset()
        added = orders.order_line.filtered(lambda line: line.product_id in catalogue)
        self.assertEqual(len(orders.order_line), lines_before + len(added))
        self.assertGreaterEqual(len(added), len(orders))
        self.assertLessEqual(len(added), 3 * len(orders))
        self.assertTrue(order.order_line.filtered(lambda line: line.product_id in catalogue))
        self.assertEqual(set(added.mapped("state")), {"sale"})
        self.assertEqual(added.order_partner_id, orders.partner_id & added.order_partner_id)
        # each order's next products are the neighbours of its first one
        # (a step of 1 + id % 3 along the catalogue), so that pairs recur
        slot = {product: n for n, product in enumerate(catalogue.sorted("default_code"))}
        for each in orders:
            lines = added.filtered(lambda line, o=each: line.order_id == o).sorted("sequence")
            self.assertEqual(len(lines), 1 + each.id % 3)
            first = slot[lines[0].product_id]
            self.assertEqual(
                [slot[line.product_id] for line in lines],
                [(first + j * (1 + each.id % 3)) % 5 for j in range(len(lines))],
            )
        # a second bench finds every order with its lines
        with patch.object(bench, "CATALOGUE", 5):
            bench.setup_catalogue(ctx)
        orders.invalidate_recordset()
        self.assertEqual(len(orders.order_line), lines_before + len(added))
        # lines of another layout are replaced
        self.env["ir.config_parameter"].set_param(bench.CATALOGUE_KEY, "1")
        with patch.object(bench, "CATALOGUE", 5):
            bench.setup_catalogue(ctx)
        orders.invalidate_recordset()
        again = orders.order_line.filtered(lambda line: line.product_id in catalogue)
        self.assertEqual(len(again), len(added))
        self.assertFalse(again & added)
        self.assertEqual(
            self.env["ir.config_parameter"].get_param(bench.CATALOGUE_KEY), bench.CATALOGUE_LAYOUT
        )
