from odoo.tests import tagged

from .common import RoiCommon


@tagged("post_install", "-at_install")
class TestCampaignRoi(RoiCommon):
    def test_campaign_one(self):
        """C1 in March: cost 600; lead L3 (L1 was created in February); won
        orders A 5 March (3 sets) and D 25 March (10 sets), D's first order;
        revenue 1,300, goods cost 13 x 40 = 520, margin 780."""
        row = self._campaign(self._dashboard(), self.c1)
        self.assertEqual(row["cost"], 600.0)
        self.assertEqual(row["leads"], 1)
        self.assertEqual(row["opportunities"], 0)
        self.assertEqual(row["orders"], 2)
        self.assertEqual(row["new_customers"], 1)
        self.assertEqual(row["revenue"], 1300.0)
        self.assertEqual(row["margin"], 780.0)
        self.assertAlmostEqual(row["roi"], (780 - 600) / 600)  # 0.3
        self.assertEqual(row["cost_per_lead"], 600.0)
        self.assertEqual(row["cost_per_customer"], 600.0)

    def test_campaign_two_through_the_opportunity(self):
        """C's order has no campaign of its own: it counts for its
        opportunity's, C2 (last touch). Cost 300 (15 March), opportunity O2
        created 1 March, revenue 400, goods cost 160."""
        row = self._campaign(self._dashboard(), self.c2)
        self.assertEqual(row["cost"], 300.0)
        self.assertEqual((row["leads"], row["opportunities"]), (1, 1))
        self.assertEqual((row["orders"], row["new_customers"]), (1, 1))
        self.assertEqual(row["revenue"], 400.0)
        self.assertEqual(row["margin"], 240.0)
        self.assertAlmostEqual(row["roi"], (240 - 300) / 300)  # -0.2
        self.assertEqual(row["cost_per_lead"], 300.0)
        self.assertEqual(row["cost_per_customer"], 300.0)

    def test_previous_period_and_last_year_beside(self):
        """In March: C2's February (no revenue, ROI -100%) and March 2024
        (nothing) beside its March figures."""
        row = self._campaign(self._dashboard(), self.c2)
        self.assertEqual((row["revenue_previous"], row["roi_previous"]), (0.0, -1.0))
        self.assertEqual((row["revenue_last_year"], row["roi_last_year"]), (0.0, None))
        april = self._campaign(self._dashboard(date="2025-04-02"), self.c1)
        self.assertEqual(april["revenue"], 0.0)
        self.assertEqual(april["revenue_previous"], 1300.0)
        self.assertAlmostEqual(april["roi_previous"], 0.3)

    def test_campaign_previous_month(self):
        """February: C2 cost 100 and C1's lead L1, nothing won: C2 lost
        all it spent (ROI -100%)."""
        dashboard = self._dashboard(date="2025-02-03")
        c2 = self._campaign(dashboard, self.c2)
        self.assertEqual((c2["cost"], c2["orders"], c2["revenue"]), (100.0, 0, 0.0))
        self.assertEqual(c2["roi"], -1.0)
        self.assertIsNone(c2["cost_per_lead"])
        c1 = self._campaign(dashboard, self.c1)
        self.assertEqual((c1["cost"], c1["leads"]), (0.0, 1))
        self.assertEqual(c1["cost_per_lead"], 0.0)

    def test_cost_allocated_in_the_ledger(self):
        """C1's 600 is shared by its customers A and D (300 each, dated
        1 March); C2's costs go to C alone."""
        lines = self.env["customer.value.line"].search(
            [("source", "=", "campaign_cost"), ("company_id", "=", self.company.id)]
        )
        got = sorted((line.partner_id.name[-1], str(line.date), line.cost) for line in lines)
        self.assertEqual(
            got,
            [
                ("A", "2025-03-01", 300.0),
                ("C", "2025-02-10", 100.0),
                ("C", "2025-03-15", 300.0),
                ("D", "2025-03-01", 300.0),
            ],
        )

    def test_pivot_matches_the_dashboard(self):
        groups = self.env["customer.roi.campaign.report"].read_group(
            [
                ("company_id", "in", [self.company.id, False]),
                ("date", ">=", "2025-03-01"),
                ("date", "<=", "2025-03-31"),
                ("campaign_id", "in", (self.c1 | self.c2).ids),
            ],
            [
                "lead_count:sum",
                "order_count:sum",
                "new_customer_count:sum",
                "revenue:sum",
                "margin:sum",
                "cost:sum",
            ],
            ["campaign_id"],
        )
        by_campaign = {group["campaign_id"][0]: group for group in groups}
        self.assertEqual(
            [
                by_campaign[self.c1.id][k]
                for k in (
                    "lead_count",
                    "order_count",
                    "new_customer_count",
                    "revenue",
                    "margin",
                    "cost",
                )
            ],
            [1, 2, 1, 1300.0, 780.0, 600.0],
        )
        self.assertEqual(
            [
                by_campaign[self.c2.id][k]
                for k in (
                    "lead_count",
                    "order_count",
                    "new_customer_count",
                    "revenue",
                    "margin",
                    "cost",
                )
            ],
            [1, 1, 1, 400.0, 240.0, 300.0],
        )
