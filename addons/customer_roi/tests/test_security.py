from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import RoiCommon

COST_KEYS = {
    "margin",
    "cost",
    "roi",
    "cost_per_lead",
    "cost_per_customer",
    "roi_previous",
    "roi_last_year",
}


@tagged("post_install", "-at_install")
class TestSecurity(RoiCommon):
    def test_manager_reads_every_figure(self):
        dashboard = self._dashboard(user=self.user_manager)
        self.assertTrue(dashboard["show_costs"])
        self.assertTrue(self._rows(dashboard, "profitability"))
        self.assertIn("acquisition_cost", self._rows(dashboard, "kpi"))
        self.assertTrue(set(self._campaign(dashboard, self.c1)) >= COST_KEYS)

    def test_user_reads_no_cost_margin_or_profit(self):
        dashboard = self._dashboard(user=self.user_customer)
        self.assertFalse(dashboard["show_costs"])
        self.assertFalse(self._rows(dashboard, "profitability"))
        self.assertNotIn("acquisition_cost", self._rows(dashboard, "kpi"))
        row = self._campaign(dashboard, self.c1)
        self.assertFalse(COST_KEYS & set(row))
        self.assertEqual(row["revenue"], 1300.0)
        self.assertFalse(COST_KEYS & {column["key"] for column in dashboard["campaign_columns"]})

    def test_user_cannot_read_cost_fields(self):
        env = self.env(user=self.user_customer)
        report = env["customer.roi.campaign.report"].search([], limit=1)
        self.assertTrue(report)
        report.read(["revenue", "order_count"])
        for field in ("cost", "margin", "goods_cost"):
            with self.assertRaises(AccessError):
                report.read([field])
        with self.assertRaises(AccessError):
            env["customer.roi.customer.report"].search_read([], ["profit"], limit=1)
        with self.assertRaises(AccessError):
            env["customer.roi.campaign.cost"].search_read([], ["amount"])
        with self.assertRaises(AccessError):
            env["utm.campaign"].browse(self.c1.id).read(["customer_roi_cost"])
        with self.assertRaises(AccessError):
            env["customer.roi.campaign.report"].read_group([], ["cost:sum"], ["campaign_id"])

    def test_outsiders_are_refused(self):
        for user in (self.user_plain, self.seller):
            with self.assertRaises(AccessError):
                self._dashboard(user=user)
            with self.assertRaises(AccessError):
                self.env(user=user)["report.customer_roi.dashboard_xlsx"].create_xlsx_report(
                    None, dict(self.MARCH)
                )

    def test_other_company_refused(self):
        other = self._other_company("ROI Other Co")
        with self.assertRaises(AccessError):
            self._dashboard(user=self.user_manager, company_id=other.id)

    def test_targets_of_others_hidden_from_users(self):
        Target = self.env["customer.roi.target"]
        mine, theirs = Target.create(
            [
                {
                    "user_id": self.user_customer.id,
                    "date_from": "2025-03-01",
                    "date_to": "2025-03-31",
                },
                {
                    "user_id": self.salesperson.id,
                    "date_from": "2025-03-01",
                    "date_to": "2025-03-31",
                },
            ]
        )
        seen = self.env(user=self.user_customer)["customer.roi.target"].search([])
        self.assertEqual(seen, mine)
        self.assertEqual(
            self.env(user=self.user_manager)["customer.roi.target"].search([]) & (mine | theirs),
            mine | theirs,
        )
        with self.assertRaises(AccessError):
            self.env(user=self.user_customer)["customer.roi.target"].browse(mine.id).write(
                {"revenue_target": 1}
            )
