from odoo.tests import tagged

from ..engine import roi as engine
from .common import RoiCommon


@tagged("post_install", "-at_install")
class TestProfitability(RoiCommon):
    """March 2025 in the value ledger (fee: the test ledger's handling fee
    per confirmed order, when installed):

    ==  =======  =====  ======  ===============  =================
        revenue  goods  margin  cost to serve    profit
    ==  =======  =====  ======  ===============  =================
    A   400      160    240     300 + 2 fees     -60 - 2 fees
    C   400      160    240     300 + fee        -60 - fee
    D   1000     400    600     300 + fee        300 - fee
    F   200      80     120     fee              120 - fee
    G   300      120    180     fee              180 - fee
    ==  =======  =====  ======  ===============  =================
    """

    def _customers(self, start="2025-03-01", end="2025-03-31"):
        dashboard = self.env["customer.roi.dashboard"]
        values = dashboard._customer_values(
            [self.company.id],
            *(
                dashboard._options({"period": "custom", "date_from": start, "date_to": end})[k]
                for k in ("start", "end")
            ),
        )
        return {self.env["res.partner"].browse(p).name[-1]: v for (p, _c), v in values.items()}

    def test_per_customer(self):
        fee = self._fee()
        customers = self._customers()
        self.assertEqual(sorted(customers), ["A", "C", "D", "F", "G"])
        expected = {
            "A": (400, 160, 240, 300 + 2 * fee),
            "C": (400, 160, 240, 300 + fee),
            "D": (1000, 400, 600, 300 + fee),
            "F": (200, 80, 120, fee),
            "G": (300, 120, 180, fee),
        }
        for name, (revenue, goods, margin, serve) in expected.items():
            got = customers[name]
            self.assertEqual(
                (got["revenue"], got["goods_cost"], got["margin"], got["cost_to_serve"]),
                (revenue, goods, margin, serve),
                name,
            )
            self.assertEqual(got["profit"], margin - serve, name)

    def test_classes_and_pareto(self):
        """Positive profits D 290, G 170, F 110 (fee 10; 300, 180, 120
        without): D and G make 80% of them; F's revenue rose from January
        (0) to February (100) to March (200); A and C cost more to serve
        than their margin."""
        customers = self._customers()
        classes = {name: values["class"] for name, values in customers.items()}
        self.assertEqual(
            classes,
            {
                "A": engine.BELOW_MARGINAL_COST,
                "C": engine.BELOW_MARGINAL_COST,
                "D": engine.MOST_VALUABLE,
                "G": engine.MOST_VALUABLE,
                "F": engine.GROWTH_POTENTIAL,
            },
        )
        self.assertEqual(customers["F"]["revenues"], [0.0, 100.0, 200.0])
        rows = self._rows(self._dashboard(), "profitability")
        self.assertEqual(rows["pareto_share"]["value"], 2 / 5)
        self.assertEqual(rows["class_most_valuable"]["value"], 2)
        self.assertEqual(rows["class_growth_potential"]["value"], 1)
        self.assertEqual(rows["class_below_marginal_cost"]["value"], 2)
        self.assertEqual(rows["class_other"]["value"], 0)

    def test_totals_and_comparison(self):
        fee = self._fee()
        rows = self._rows(self._dashboard(), "profitability")
        current = {key: row["value"] for key, row in rows.items()}
        self.assertEqual(current["revenue"], 2300.0)
        self.assertEqual(current["goods_cost"], 920.0)
        self.assertEqual(current["margin"], 1380.0)
        self.assertEqual(current["cost_to_serve"], 900.0 + 6 * fee)
        self.assertEqual(current["profit"], 480.0 - 6 * fee)
        self.assertAlmostEqual(current["roi"], (480.0 - 6 * fee) / (900.0 + 6 * fee))
        # February: A, B, F, G invoiced 1,000 (goods 400); C's share of C2's 100
        previous = {key: row["previous"] for key, row in rows.items()}
        self.assertEqual(previous["revenue"], 1000.0)
        self.assertEqual(previous["cost_to_serve"], 100.0 + 4 * fee)
        self.assertEqual(previous["profit"], 600.0 - 100.0 - 4 * fee)
        # March 2024: E, 150 (goods 40)
        self.assertEqual(rows["profit"]["last_year"], 110.0 - fee)

    def test_per_salesperson_and_sales_team(self):
        """The customers' own salesperson: F and G for salesperson S; D
        alone for the team of its salesperson (March: F 120 - fee, G 180 -
        fee; D 300 - fee)."""
        fee = self._fee()
        team = self.env["crm.team"].create(
            {"name": "ROI Owner Team", "company_id": self.company.id}
        )
        self.env["crm.team.member"].create({"crm_team_id": team.id, "user_id": self.seller.id})
        (self.partners["F"] | self.partners["G"]).user_id = self.salesperson
        self.partners["D"].user_id = self.seller
        mine = self._rows(self._dashboard(user_id=self.salesperson.id), "profitability")
        self.assertEqual(mine["revenue"]["value"], 500.0)
        self.assertEqual(mine["profit"]["value"], 300.0 - 2 * fee)
        # February: F 100 and G 200 invoiced
        self.assertEqual(mine["revenue"]["previous"], 300.0)
        theirs = self._rows(self._dashboard(team_id=team.id), "profitability")
        self.assertEqual(theirs["revenue"]["value"], 1000.0)
        self.assertEqual(theirs["profit"]["value"], 300.0 - fee)
        groups = self.env["customer.roi.customer.report"].read_group(
            [
                ("company_id", "=", self.company.id),
                ("date", ">=", "2025-03-01"),
                ("date", "<=", "2025-03-31"),
                ("team_id", "=", team.id),
            ],
            ["profit:sum"],
            [],
        )
        self.assertEqual(groups[0]["profit"], 300.0 - fee)

    def test_customer_pivot(self):
        groups = self.env["customer.roi.customer.report"].read_group(
            [
                ("company_id", "=", self.company.id),
                ("date", ">=", "2025-03-01"),
                ("date", "<=", "2025-03-31"),
            ],
            ["revenue:sum", "goods_cost:sum", "cost_to_serve:sum", "profit:sum"],
            [],
        )
        fee = self._fee()
        self.assertEqual(
            [groups[0][k] for k in ("revenue", "goods_cost", "cost_to_serve", "profit")],
            [2300.0, 920.0, 900.0 + 6 * fee, 480.0 - 6 * fee],
        )
