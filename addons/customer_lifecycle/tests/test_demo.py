import datetime

from odoo import fields
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestLifecycleDemo(TransactionCase):
    """The demo's lifecycle history reads like a year of use (the test
    database is installed with demo data)."""

    def test_demo_history_spread_over_the_past_year(self):
        now = fields.Datetime.now()
        year_ago = now - datetime.timedelta(days=365)
        states = self.env["customer.lifecycle.state"].search([])
        self.assertGreaterEqual(len(states), 10, "the demo's customers have lifecycle states")
        moved = 0
        for state in states:
            rows = state.history_ids.sorted(lambda h: (h.date_entered, h.id))
            with self.subTest(customer=state.partner_id.name):
                self.assertTrue(rows)
                *closed, current = rows
                self.assertFalse(current.date_left, "the current stay comes last")
                self.assertEqual(current.stage_id, state.stage_id)
                self.assertEqual(state.date_entered, current.date_entered)
                self.assertGreaterEqual(rows[0].date_entered, year_ago)
                self.assertLess(current.date_entered, now)
                for stay, following in zip(closed, rows[1:], strict=True):
                    self.assertLess(stay.date_entered, following.date_entered)
                    self.assertEqual(stay.date_left, following.date_entered)
                    self.assertEqual(stay.next_stage_id, following.stage_id)
                    self.assertEqual(following.from_stage_id, stay.stage_id)
                    days = (stay.date_left - stay.date_entered).total_seconds() / 86400
                    self.assertGreater(stay.duration, 0)
                    self.assertAlmostEqual(stay.duration, round(days, 2), places=2)
                moved += bool(closed)
        self.assertGreaterEqual(moved, 10, "most demo customers moved")
        # the funnel: days in stage for every stage customers left
        groups = self.env["customer.lifecycle.report"]._read_group(
            [("date_left", "!=", False)], ["stage_id"], ["duration:avg"]
        )
        self.assertTrue(groups)
        for stage, duration in groups:
            with self.subTest(stage=stage.name):
                self.assertGreater(duration, 1)

    def test_demo_win_back_order_before_the_move(self):
        """The order that won the churned demo customer back is dated just
        before the move, and the customer's facts say so."""
        customer = self.env.ref("customer_relationship.demo_partner_zhou_tao")
        state = self.env["customer.lifecycle.state"].search([("partner_id", "=", customer.id)])
        self.assertEqual(state.stage_id, self.env.ref("customer_lifecycle.stage_won_back"))
        order = self.env["sale.order"].search(
            [("partner_id", "=", customer.id), ("state", "=", "sale")],
            order="date_order desc",
            limit=1,
        )
        churned = state.history_ids.filtered(lambda h: h.next_stage_id == state.stage_id)
        self.assertEqual(churned.stage_id, self.env.ref("customer_lifecycle.stage_churned"))
        self.assertGreater(order.date_order, churned.date_entered)
        self.assertLess(order.date_order, state.date_entered)
        self.assertEqual(state.profile_id.last_order_date, order.date_order.date())
