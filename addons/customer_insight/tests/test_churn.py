from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import InsightCommon

# a regular buyer: an order every 30 days
RHYTHM = [0, 30, 60, 90, 120, 150, 180, 210]


@tagged("post_install", "-at_install")
class TestChurnRisk(InsightCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.on_time = cls._customer("Regular On Time")
        cls._history(cls.on_time, [10 + days for days in [*RHYTHM, 240, 270, 300, 330]])
        cls.late = cls._customer("Regular Late")
        cls._history(cls.late, [130 + days for days in RHYTHM])
        cls.once = cls._customer("One-Time Buyer")
        cls._history(cls.once, [200])

    def test_regular_buyer_on_time(self):
        self._refresh()
        insight = self._insight(self.on_time)
        self.assertEqual(insight.usual_interval, 30)
        self.assertEqual(insight.days_since_last_order, 10)
        # 6 orders in the last 180 days, 6 in the 180 before: no fall
        self.assertEqual(insight.sudo().recent_value, 600)
        self.assertEqual(insight.sudo().previous_value, 600)
        self.assertEqual((insight.recency_points, insight.trend_points), (0, 0))
        self.assertEqual(insight.churn_score, 0)
        self.assertEqual(insight.churn_band, "low")

    def test_regular_buyer_late(self):
        self._refresh()
        insight = self._insight(self.late)
        # 130 days since the last order, 4.3 times the usual 30: full 60 points;
        # 200 in the last 180 days against 600 before: 2/3 of 25 points
        self.assertEqual(insight.days_since_last_order, 130)
        self.assertEqual(insight.recency_points, 60.0)
        self.assertEqual(insight.sudo().recent_value, 200)
        self.assertEqual(insight.sudo().previous_value, 600)
        self.assertEqual(insight.trend_points, 16.7)
        self.assertEqual(insight.churn_score, 77)
        self.assertEqual(insight.churn_band, "high")
        self.assertEqual(self.late.customer_churn_band, "high")
        self.assertEqual(self.late.customer_churn_score, 77)

    def test_one_time_buyer(self):
        self._refresh()
        insight = self._insight(self.once)
        # the default interval (90 days): 200 days is 2.2 times it,
        # (2.22 - 1) / 2 = 0.61 of 60 points; its only order is in the
        # period before the last: all the value fell, 25 points
        self.assertEqual(insight.usual_interval, 90)
        self.assertEqual(insight.recency_points, 36.7)
        self.assertEqual(insight.trend_points, 25.0)
        self.assertEqual(insight.churn_score, 62)
        self.assertEqual(insight.churn_band, "medium")

    def test_explanation_per_factor(self):
        self._refresh()
        lines = self._insight(self.late)._churn_explanation_lines()
        self.assertEqual(len(lines), 4)
        self.assertIn("130 days since the last order", lines[0])
        self.assertIn("usual interval 30 days", lines[0])
        self.assertIn("+60.0 points", lines[0])
        self.assertIn("+16.7 points", lines[1])
        self.assertIn("No NPS answer", lines[2])
        self.assertIn("0 open", lines[3])
        self.assertIn("+0.0 points", lines[3])
        self.assertIn("usual interval 30 days", self.late.customer_churn_explanation)

    def test_weights_from_settings(self):
        self.company.write(
            {
                "insight_churn_weight_recency": 100,
                "insight_churn_weight_trend": 0,
                "insight_churn_weight_nps": 0,
            }
        )
        self._refresh()
        self.assertEqual(self._insight(self.late).churn_score, 100)
        self.assertEqual(self._insight(self.once).churn_score, 61)
        self.assertEqual(self._insight(self.once).churn_band, "medium")
        self.company.insight_churn_high = 60
        self._refresh()
        self.assertEqual(self._insight(self.once).churn_band, "high")

    def test_detractor_raises_the_risk(self):
        self._nps_answer(self.once, 3, "Late delivery")
        self._refresh()
        insight = self._insight(self.once)
        self.assertEqual(insight.nps_category, "detractor")
        self.assertEqual(insight.nps_points, 15.0)
        self.assertEqual(insight.churn_score, 77)
        self.assertEqual(insight.churn_band, "high")
        self.assertIn("Detractor", insight._churn_explanation_lines()[2])
        self.assertEqual(self.once.customer_nps_comment, "Late delivery")

    def _complaint_facts(self, partner, open_count, csat):
        """The complaint module's facts of the customer, as its refresh
        writes them."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE customer_profile SET complaint_open_count = %s, complaint_csat = %s"
                " WHERE partner_id = %s AND company_id = %s",
                open_count,
                csat,
                partner.id,
                self.company.id,
            )
        )
        self.assertEqual(self.env.cr.rowcount, 1)
        self.env["customer.profile"].invalidate_model()

    def test_complaints_add_points(self):
        """With the complaint module, an open complaint adds the setting's
        points to the risk (up to 100), complaints rated below 3 of 5 half
        of them."""
        insights = self.env["customer.insight"]
        self.assertTrue(insights._complaint_fact_names(), "the test database has every module")
        self._after_commit()
        self._complaint_facts(self.once, 1, 0)
        self._complaint_facts(self.on_time, 0, 2.0)
        self._complaint_facts(self.late, 2, 4.5)
        self._refresh()
        once = self._insight(self.once)
        # 36.7 + 25.0 points of the weights, and 20 for the open complaint
        self.assertEqual(once.complaint_points, 20.0)
        self.assertEqual(once.churn_score, 82)
        self.assertEqual(once.churn_band, "high")
        line = once._churn_explanation_lines()[3]
        self.assertIn("1 open", line)
        self.assertIn("+20.0 points", line)
        # no complaint open, rated 2 of 5: half the points
        on_time = self._insight(self.on_time)
        self.assertEqual((on_time.complaint_points, on_time.churn_score), (10.0, 10))
        self.assertIn("average rating 2.0 of 5", on_time._churn_explanation_lines()[3])
        # 60.0 + 16.7 + 20
        self.assertEqual(self._insight(self.late).churn_score, 97)
        self.company.insight_churn_points_complaint = 40
        self._refresh()
        self.assertEqual(self._insight(self.late).churn_score, 100)
        # without the complaint module, the same customers score as before
        with patch.object(type(insights), "_complaint_fact_names", return_value=()):
            self._refresh()
            once = self._insight(self.once)
            self.assertEqual((once.complaint_points, once.churn_score), (0.0, 62))
            self.assertEqual(len(once._churn_explanation_lines()), 3)

    def test_refreshed_after_an_order(self):
        """A new order refreshes the customer's risk after the commit
        (through the facts-changed hook), not in the order's transaction."""
        customer = self._customer("Newcomer")
        self._history(customer, [100])
        self.assertFalse(self._insight(customer))
        self._after_commit()
        self.assertEqual(self._insight(customer).days_since_last_order, 100)
        self._history(customer, [0])
        self._after_commit()
        insight = self._insight(customer)
        self.assertEqual((insight.days_since_last_order, insight.usual_interval), (0, 100))
        self.assertEqual(insight.churn_band, "low")

    def test_rows_leave_with_the_orders(self):
        customer = self._customer("Cancelled")
        order = self._history(customer, [40])
        self._refresh()
        self.assertTrue(self._insight(customer))
        order._action_cancel()
        self._refresh()
        self.assertFalse(self._insight(customer))

    def test_unchanged_rows_are_not_written(self):
        self.assertEqual(len(self._refresh()), 3)
        self.assertEqual(self._refresh(), set())

    def test_profile_facts_for_rules_and_segments(self):
        self._after_commit()
        profiles = self.env["customer.profile"].search(
            [("company_id", "=", self.company.id), ("churn_band", "=", "high")]
        )
        self.assertEqual(profiles.partner_id, self.late)
        partners = self.env["res.partner"].search([("customer_churn_band", "=", "medium")])
        self.assertEqual(partners, self.once)

    def test_lifecycle_rule_on_churn_band(self):
        """A lifecycle rule moves the customers of the high band to At risk."""
        self.env["customer.lifecycle.rule"].search([]).active = False
        self._after_commit()
        self._refresh()
        at_risk = self.env.ref("customer_lifecycle.stage_at_risk")
        self.env["customer.lifecycle.rule"].create(
            {
                "name": "High churn risk",
                "sequence": 0,
                "company_id": self.company.id,
                "stage_id": at_risk.id,
                "profile_domain": "[('churn_band', '=', 'high')]",
            }
        )
        self.env["customer.lifecycle.state"]._evaluate(self.company)
        states = self.env["customer.lifecycle.state"].search(
            [("company_id", "=", self.company.id), ("stage_id", "=", at_risk.id)]
        )
        self.assertEqual(states.partner_id, self.late)

    @mute_logger("odoo.sql_db")
    def test_invalid_settings_refused(self):
        cases = [
            ({"insight_churn_weight_trend": -1}, "cannot be negative"),
            (
                {
                    "insight_churn_weight_recency": 0,
                    "insight_churn_weight_trend": 0,
                    "insight_churn_weight_nps": 0,
                },
                "must be positive",
            ),
            ({"insight_churn_medium": 80}, "Churn bands"),
            ({"insight_churn_points_complaint": 120}, "between 0 and 100"),
            ({"insight_min_support": 1.5}, "between 0 and 1"),
            ({"insight_min_support": 0}, "between 0 and 1"),
            ({"insight_min_confidence": -0.1}, "between 0 and 1"),
        ]
        for values, message in cases:
            with (
                self.subTest(values=values),
                self.assertRaisesRegex(ValidationError, message),
                self.env.cr.savepoint(),
            ):
                self.company.write(values)
                self.company.flush_recordset()
