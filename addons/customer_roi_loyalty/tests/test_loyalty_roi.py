from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.customer_loyalty.tests.common import membership_program_values
from odoo.addons.customer_roi.tests.common import RoiCommon


@tagged("post_install", "-at_install")
class TestLoyaltyRoi(RoiCommon):
    """The ROI fixture (March 2025) with a membership programme (value per
    point 0.05): D joined on 1 March 2025, F on 1 January 2025; D spent
    2,000 points on its order of 25 March (reward cost 100); the cards hold
    1,000 and 400 points (liability 70). Value classes set by hand: A and D
    in class A, C, F and G in B, B and E in C.

    March margins (invoiced revenue - goods): A 240, C 240, D 600, F 120,
    G 180, B and E 0.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = cls.env["loyalty.program"].create(
            membership_program_values("ROI Club", cls.company)
        )
        Member = cls.env["customer.loyalty.member"]
        cls.member_d = Member.create(
            {"program_id": cls.program.id, "partner_id": cls.partners["D"].id}
        )
        cls.member_f = Member.create(
            {"program_id": cls.program.id, "partner_id": cls.partners["F"].id}
        )
        cls.member_d.sudo().join_date = "2025-03-01"
        cls.member_f.sudo().join_date = "2025-01-01"
        cls.member_d.card_id.points = 1000
        cls.member_f.card_id.points = 400
        order_d = cls.orders.filtered(lambda o: o.partner_id == cls.partners["D"])
        cls.env["loyalty.history"].create(
            {
                "card_id": cls.member_d.card_id.id,
                "description": "Reward",
                "issued": 0,
                "used": 2000,
                "order_model": "sale.order",
                "order_id": order_d.id,
            }
        )
        classes = {"A": "a", "D": "a", "C": "b", "F": "b", "G": "b", "B": "c", "E": "c"}
        profiles = cls.env["customer.profile"]
        profiles.flush_model()
        for name, value_class in classes.items():
            cls.env.cr.execute(
                SQL(
                    "UPDATE %s SET value_class = %s WHERE partner_id = %s AND company_id = %s",
                    SQL.identifier(profiles._table),
                    value_class,
                    cls.partners[name].id,
                    cls.company.id,
                )
            )
        profiles.invalidate_model()

    def test_loyalty_figures(self):
        rows = self._rows(self._dashboard(), "loyalty")
        value = {key: row["value"] for key, row in rows.items()}
        self.assertEqual(value["members"], 2)
        # D 1,000 and F 200 invoiced in March; A 400, C 400, G 300, B and E 0
        self.assertEqual(value["member_revenue"], 1200 / 2)
        self.assertEqual(value["non_member_revenue"], 1100 / 5)
        # class A: 1 x (600 - 240); class B: 1 x (120 - (240 + 180) / 2)
        self.assertEqual(value["incremental_margin"], 360.0 - 90.0)
        self.assertEqual(value["reward_cost"], 2000 * 0.05)
        self.assertEqual(value["liability"], (1000 + 400) * 0.05)
        self.assertAlmostEqual(value["roi"], (270 - 100) / 100)
        # D joined in March: nothing in the 90 days before, 1,000 after
        self.assertEqual(value["joined"], 1)
        self.assertEqual(value["before_joining"], 0.0)
        self.assertEqual(value["after_joining"], 1000.0)

    def test_previous_period(self):
        """February: F alone was a member (D joined in March); no reward."""
        rows = self._rows(self._dashboard(), "loyalty")
        self.assertEqual(rows["members"]["previous"], 1)
        self.assertEqual(rows["reward_cost"]["previous"], 0.0)
        self.assertIsNone(rows["roi"]["previous"])
        self.assertEqual(rows["joined"]["previous"], 0)
        self.assertIsNone(rows["before_joining"]["previous"])

    def test_users_see_no_cost(self):
        rows = self._rows(self._dashboard(user=self.user_customer), "loyalty")
        self.assertEqual(rows["members"]["value"], 2)
        self.assertFalse({"reward_cost", "liability", "roi", "incremental_margin"} & set(rows))

    def test_in_the_xlsx(self):
        import io  # noqa: PLC0415

        import openpyxl  # noqa: PLC0415

        content, _kind = self.env["report.customer_roi.dashboard_xlsx"].create_xlsx_report(
            None, dict(self.MARCH)
        )
        sheet = openpyxl.load_workbook(io.BytesIO(content))["KPIs"]
        rows = {row[1]: row for row in sheet.iter_rows(min_row=5, values_only=True)}
        self.assertEqual(rows["Reward cost"][2], 100.0)
        self.assertAlmostEqual(rows["Loyalty programme ROI"][2], 1.7)
