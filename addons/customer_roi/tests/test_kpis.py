from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import RoiCommon


@tagged("post_install", "-at_install")
class TestKpis(RoiCommon):
    def test_march(self):
        """March 2025: customers A, C, D, F, G (5) with 6 orders for 2,300;
        February's customers A, B, F, G (4), of whom A, F and G bought again;
        A alone ordered twice; C and D are new; campaign costs 600 + 300."""
        kpis = self._rows(self._dashboard(), "kpi")
        value = {key: row["value"] for key, row in kpis.items()}
        self.assertEqual(value["customers"], 5)
        self.assertEqual(value["revenue"], 2300.0)
        self.assertAlmostEqual(value["average_order_value"], 2300 / 6)
        self.assertAlmostEqual(value["retention_rate"], 3 / 4)
        self.assertAlmostEqual(value["churn_rate"], 1 / 4)
        self.assertAlmostEqual(value["repeat_purchase_rate"], 1 / 5)
        self.assertEqual(value["new_customers"], 2)
        self.assertEqual(value["acquisition_cost"], 900 / 2)
        # C: lead 1 March -> order 10 March (9 days); D: 28 February -> 25 March (25)
        self.assertEqual(value["sales_cycle"], (9 + 25) / 2)
        profiles = self.env["customer.profile"].search(
            [
                ("company_id", "=", self.company.id),
                ("partner_id", "in", [self.partners[n].id for n in "ACDFG"]),
            ]
        )
        self.assertEqual(len(profiles), 5)
        self.assertAlmostEqual(
            value["lifetime_value"], sum(profiles.mapped("lifetime_value")) / 5, places=2
        )

    def test_previous_period_and_last_year(self):
        """Beside March: February (A, B, F, G: 4 orders for 1,000; G of
        January bought again; A, B and F new; C2's 100 of cost) and March
        2024 (E alone, new, 150, no campaign cost)."""
        kpis = self._rows(self._dashboard(), "kpi")
        previous = {key: row["previous"] for key, row in kpis.items()}
        self.assertEqual(previous["customers"], 4)
        self.assertEqual(previous["revenue"], 1000.0)
        self.assertEqual(previous["average_order_value"], 250.0)
        self.assertEqual(previous["retention_rate"], 1.0)
        self.assertEqual(previous["churn_rate"], 0.0)
        self.assertEqual(previous["repeat_purchase_rate"], 0.0)
        self.assertEqual(previous["new_customers"], 3)
        self.assertAlmostEqual(previous["acquisition_cost"], 100 / 3)
        last_year = {key: row["last_year"] for key, row in kpis.items()}
        self.assertEqual(last_year["customers"], 1)
        self.assertEqual(last_year["revenue"], 150.0)
        self.assertEqual(last_year["new_customers"], 1)
        self.assertIsNone(last_year["retention_rate"])
        self.assertIsNone(last_year["churn_rate"])
        self.assertEqual(last_year["acquisition_cost"], 0.0)
        dashboard = self._dashboard()
        self.assertEqual(dashboard["periods"]["previous"], ["2025-02-01", "2025-02-28"])
        self.assertEqual(dashboard["periods"]["last_year"], ["2024-03-01", "2024-03-31"])

    def test_quarter_and_custom_period(self):
        """Q1 2025: A, B, C, D, F, G bought (6), 11 orders for 3,400;
        Q4 2024 had no customer, so no retention."""
        kpis = self._rows(self._dashboard(period="quarter", date="2025-02-01"), "kpi")
        self.assertEqual(kpis["customers"]["value"], 6)
        self.assertEqual(kpis["revenue"]["value"], 3400.0)
        self.assertIsNone(kpis["retention_rate"]["value"])
        self.assertEqual(kpis["revenue"]["last_year"], 150.0)
        custom = self._rows(
            self._dashboard(period="custom", date_from="2025-03-10", date_to="2025-03-19"), "kpi"
        )
        # C (10th), F (15th), G (18th); the ten days before: A on 5 March
        self.assertEqual(custom["customers"]["value"], 3)
        self.assertEqual(custom["revenue"]["value"], 400.0 + 200.0 + 300.0)
        self.assertEqual(custom["customers"]["previous"], 1)

    def test_per_salesperson(self):
        """Salesperson S: F alone, in February and March."""
        kpis = self._rows(self._dashboard(user_id=self.salesperson.id), "kpi")
        self.assertEqual(kpis["customers"]["value"], 1)
        self.assertEqual(kpis["revenue"]["value"], 200.0)
        self.assertEqual(kpis["retention_rate"]["value"], 1.0)
        self.assertEqual(kpis["new_customers"]["value"], 0)
        self.assertEqual(kpis["revenue"]["previous"], 100.0)

    def test_per_sales_team(self):
        """A team holding F's two orders only."""
        team = self.env["crm.team"].create({"name": "ROI Team", "company_id": self.company.id})
        self.orders.filtered(lambda o: o.partner_id == self.partners["F"]).team_id = team
        kpis = self._rows(self._dashboard(team_id=team.id), "kpi")
        self.assertEqual(kpis["customers"]["value"], 1)
        self.assertEqual(kpis["revenue"]["value"], 200.0)
        self.assertEqual(kpis["revenue"]["previous"], 100.0)

    def test_acquisition_cost_per_sales_team(self):
        """A team holding D's order (new in March) and a March cost of 250
        recorded for it: the team's CAC is 250 / 1, the company's counts
        every cost (900 + 250 over C and D); none per salesperson."""
        team = self.env["crm.team"].create({"name": "ROI CAC Team", "company_id": self.company.id})
        self.orders.filtered(lambda o: o.partner_id == self.partners["D"]).team_id = team
        self.env["customer.roi.campaign.cost"].create(
            {"campaign_id": self.c1.id, "date": "2025-03-20", "amount": 250, "team_id": team.id}
        )
        kpis = self._rows(self._dashboard(team_id=team.id), "kpi")
        self.assertEqual(kpis["new_customers"]["value"], 1)
        self.assertEqual(kpis["acquisition_cost"]["value"], 250.0)
        # February: no cost of the team, nobody new
        self.assertIsNone(kpis["acquisition_cost"]["previous"])
        company = self._rows(self._dashboard(), "kpi")
        self.assertEqual(company["acquisition_cost"]["value"], (900 + 250) / 2)
        salesperson = self._rows(self._dashboard(user_id=self.salesperson.id), "kpi")
        self.assertIsNone(salesperson["acquisition_cost"]["value"])

    def test_cost_of_another_company_team_refused(self):
        other = self.env["res.company"].create({"name": "ROI Other Company"})
        team = self.env["crm.team"].create({"name": "ROI Other Team", "company_id": other.id})
        with self.assertRaises(UserError):
            self.env["customer.roi.campaign.cost"].create(
                {"campaign_id": self.c1.id, "amount": 10, "team_id": team.id}
            )

    def test_complaint_rate_and_csat(self):
        """Complaints (complaint module): A on 12 March rated 4, D on 20
        March rated 2 and on 28 March unrated, B on 5 March rated 5 (no
        order in March), F on 10 February rated 3. March: A and D of the 5
        customers complained (0.4), CSAT (4 + 2) / 2; February: F of 4
        (0.25), CSAT 3."""
        dashboard = self.env["customer.roi.dashboard"]
        if not dashboard._complaints_installed():
            kpis = self._rows(self._dashboard(), "kpi")
            self.assertNotIn("complaint_rate", kpis)
            return
        complaint_type = self.env.ref("customer_complaint.ticket_type_complaint")
        plan = [
            ("A", "2025-03-12 10:00:00", 4),
            ("D", "2025-03-20 10:00:00", 2),
            ("D", "2025-03-28 10:00:00", 0),
            ("B", "2025-03-05 10:00:00", 5),
            ("F", "2025-02-10 10:00:00", 3),
        ]
        tickets = self.env["helpdesk.ticket"].create(
            [
                {
                    "name": f"Complaint of {name}",
                    "description": "Broken teapot",
                    "partner_id": self.partners[name].id,
                    "company_id": self.company.id,
                    "type_id": complaint_type.id,
                    "complaint_date": date,
                }
                for name, date, _rating in plan
            ]
        )
        tickets.flush_recordset()
        for ticket, (_name, _date, rating) in zip(tickets, plan, strict=True):
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET rating_last_value = %s WHERE id = %s",
                    SQL.identifier(ticket._table),
                    rating,
                    ticket.id,
                )
            )
        tickets.invalidate_recordset(["rating_last_value"])
        kpis = self._rows(self._dashboard(), "kpi")
        self.assertEqual(kpis["complaint_rate"]["value"], 2 / 5)
        self.assertEqual(kpis["csat"]["value"], (4 + 2) / 2)
        self.assertEqual(kpis["complaint_rate"]["previous"], 1 / 4)
        self.assertEqual(kpis["csat"]["previous"], 3.0)

    def test_complaint_kpis_follow_the_plugin(self):
        kpis = self._rows(self._dashboard(), "kpi")
        installed = self.env["customer.roi.dashboard"]._complaints_installed()
        self.assertEqual("complaint_rate" in kpis, installed)
        self.assertEqual("csat" in kpis, installed)
        if installed:
            # no complaint in the fixture
            self.assertEqual(kpis["complaint_rate"]["value"], 0.0)
            self.assertIsNone(kpis["csat"]["value"])

    def test_scorecard(self):
        target = self.env["customer.roi.target"].create(
            {
                "user_id": self.salesperson.id,
                "date_from": "2025-03-01",
                "date_to": "2025-03-31",
                "new_customers_target": 2,
                "revenue_target": 400,
                "retention_target": 0.8,
            }
        )
        self.assertRecordValues(
            target,
            [
                {
                    "revenue_actual": 200.0,
                    "new_customers_actual": 0,
                    "retention_actual": 1.0,
                    "revenue_achievement": 0.5,
                    "new_customers_achievement": 0.0,
                }
            ],
        )
