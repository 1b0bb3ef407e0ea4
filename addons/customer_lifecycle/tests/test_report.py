import datetime

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestLifecycleReport(LifecycleCommon):
    def test_funnel_figures(self):
        """Four customers enter Prospect on day 0; A and B go to Lead on day 10,
        C to New customer on day 20 (skipping stages), A to Opportunity on
        day 30; D churns on day 40 and is won back on day 70."""
        start = fields.Datetime.now().replace(microsecond=0) - datetime.timedelta(days=100)
        names = ["Funnel A", "Funnel B", "Funnel C", "Funnel D"]
        with freeze_time(start):
            states = self.State.create(
                [
                    {
                        "partner_id": self._customer(name).id,
                        "company_id": self.company.id,
                        "stage_id": self.stages["prospect"].id,
                    }
                    for name in names
                ]
            )
        a, b, c, d = states
        for days, moved, stage in (
            (10, a | b, "lead"),
            (20, c, "new_customer"),
            (30, a, "opportunity"),
            (40, d, "churned"),
            (70, d, "won_back"),
        ):
            with freeze_time(start + datetime.timedelta(days=days)):
                moved._move_to(self.stages[stage])
        groups = self.env["customer.lifecycle.report"]._read_group(
            [("company_id", "=", self.company.id)],
            ["stage_id"],
            ["entered_count:sum", "converted_count:sum", "conversion_rate:avg", "duration:avg"],
        )
        figures = {
            stage.code: (entered, converted, rate, duration)
            for stage, entered, converted, rate, duration in groups
        }
        self.assertEqual(figures["prospect"][:3], (4, 2, 50.0))
        self.assertAlmostEqual(figures["prospect"][3], (10 + 10 + 20 + 40) / 4)
        self.assertEqual(figures["lead"], (2, 1, 50.0, 20.0))
        self.assertEqual(figures["opportunity"][:3], (1, 0, 0.0))
        self.assertFalse(figures["opportunity"][3])
        self.assertEqual(figures["churned"], (1, 1, 100.0, 30.0))
        churn = self.env["customer.lifecycle.report"]._read_group(
            [("company_id", "=", self.company.id)], [], ["churn_count:sum", "win_back_count:sum"]
        )
        self.assertEqual(churn, [(1, 1)])

    def test_customers_per_stage(self):
        partners = [self._customer(f"Count {i}") for i in range(3)]
        self._order(partners[0], 100)
        self._order(partners[1], 100, days_ago=30)
        self._order(partners[1], 100, days_ago=3)
        self._order(partners[2], 100, days_ago=3)
        self._evaluate()
        groups = dict(
            self.State._read_group(
                [("company_id", "=", self.company.id)], ["stage_id"], ["__count"]
            )
        )
        self.assertEqual(groups, {self.stages["new_customer"]: 2, self.stages["active"]: 1})
