from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.customer_relationship.tests.common import CustomerCommon


@tagged("post_install", "-at_install")
class TestInput(CustomerCommon):
    def test_period_ending_before_it_starts(self):
        dashboard = self.env["customer.roi.dashboard"]
        with self.assertRaisesRegex(UserError, "before it starts"):
            dashboard.get_dashboard(
                {"period": "custom", "date_from": "2025-03-31", "date_to": "2025-03-01"}
            )
        with self.assertRaisesRegex(UserError, "needs a start and an end"):
            dashboard.get_dashboard({"period": "custom", "date_from": "2025-03-31"})
        with self.assertRaises(UserError):
            dashboard.get_dashboard({"period": "fortnight"})

    def test_negative_cost(self):
        campaign = self.env["utm.campaign"].create({"title": "Negative"})
        with self.assertRaisesRegex(ValidationError, "negative"):
            self.env["customer.roi.campaign.cost"].create(
                {"campaign_id": campaign.id, "date": "2025-03-01", "amount": -5}
            )

    def test_target_period_and_values(self):
        user = self.user_customer
        with self.assertRaisesRegex(ValidationError, "before it starts"):
            self.env["customer.roi.target"].create(
                {"user_id": user.id, "date_from": "2025-03-31", "date_to": "2025-03-01"}
            )
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.env["customer.roi.target"].create(
                {
                    "user_id": user.id,
                    "date_from": "2025-03-01",
                    "date_to": "2025-03-31",
                    "revenue_target": -1,
                }
            ).flush_recordset()

    def test_default_period_is_the_current_month(self):
        today = self.env["customer.profile"]._facts_today()
        options = self.env["customer.roi.dashboard"].get_dashboard({})["options"]
        self.assertEqual(options["period"], "month")
        self.assertEqual(options["date_from"], str(today.replace(day=1)))
        self.assertGreaterEqual(options["date_to"], str(today))
