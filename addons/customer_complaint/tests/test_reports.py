from datetime import datetime

from odoo import Command
from odoo.tests import tagged

from .common import ComplaintCommon


@tagged("post_install", "-at_install")
class TestComplaintReports(ComplaintCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tea = cls.product
        cls.cup = cls.env["product.product"].create(
            {"name": "Test Cup", "type": "service", "list_price": 20.0, "taxes_id": False}
        )

    @classmethod
    def _order_of(cls, products, date, partner=None, company=None):
        company = company or cls.company
        order = (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": (partner or cls.customer).id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create(
                            {"product_id": product.id, "price_unit": 10, "tax_id": False}
                        )
                        for product in products
                    ],
                }
            )
        )
        order.action_confirm()
        order.date_order = date
        return order

    def _rates(self, env=None):
        env = env or self.env
        rows = env["customer.complaint.product.rate"].search(
            [("product_id", "in", (self.tea | self.cup).ids)]
        )
        return {
            (row.product_id.name, row.date.month, row.company_id.name): (
                row.complaint_count,
                row.order_count,
                round(row.complaint_rate, 2),
            )
            for row in rows
            if row.date.year == 2026 and row.date.month < 3
        }

    def test_complaint_rate_per_product_and_month(self):
        tea, cup = self.tea, self.cup
        january = datetime(2026, 1, 15, 10, 0)
        february = datetime(2026, 2, 15, 10, 0)
        first = self._order_of(tea | cup, january)
        self._order_of(tea, january)
        self._order_of(cup, january)
        self._order_of(tea, january)
        fifth = self._order_of(tea, february)
        sixth = self._order_of(tea | cup, february)
        self._order_of(cup, datetime(2026, 1, 31, 23, 0), company=self.company)
        # the tea of the first order; every product of the first order (none named);
        # the cup of the sixth; every product of the fifth (tea)
        self._complaint(
            order=first,
            date=datetime(2026, 1, 10, 9, 0),
            complaint_product_ids=[Command.set(tea.ids)],
        )
        self._complaint(order=first, date=datetime(2026, 1, 20, 9, 0))
        self._complaint(
            order=sixth,
            date=datetime(2026, 2, 5, 9, 0),
            complaint_product_ids=[Command.set(cup.ids)],
        )
        self._complaint(order=fifth, date=datetime(2026, 2, 6, 9, 0))
        # not a complaint: not counted
        self.env["helpdesk.ticket"].create(
            {
                "name": "Question",
                "description": "?",
                "partner_id": self.customer.id,
                "company_id": self.company.id,
            }
        )
        company = self.company.name
        self.assertEqual(
            self._rates(),
            {
                # tea in January: 2 complaints, 3 orders
                ("Test Tea", 1, company): (2, 3, 66.67),
                # cup in January: 1 complaint, 3 orders (one on the 31st, 23:00 UTC)
                ("Test Cup", 1, company): (1, 3, 33.33),
                ("Test Tea", 2, company): (1, 2, 50.0),
                ("Test Cup", 2, company): (1, 1, 100.0),
            },
        )
        # over both months: the complaints over the orders (3 / 5), not the
        # average of the monthly rates
        groups = self.env["customer.complaint.product.rate"].read_group(
            [
                ("product_id", "in", (tea | cup).ids),
                ("date", ">=", "2026-01-01"),
                ("date", "<", "2026-03-01"),
            ],
            ["complaint_count:sum", "order_count:sum", "complaint_rate:sum"],
            ["product_id"],
        )
        totals = {
            group["product_id"][1]: (
                group["complaint_count"],
                group["order_count"],
                round(group["complaint_rate"], 2),
            )
            for group in groups
        }
        self.assertEqual(totals, {"Test Tea": (3, 5, 60.0), "Test Cup": (2, 4, 50.0)})

    def test_complaint_rate_of_the_users_companies_only(self):
        other = self._other_company("Other Complaint Co")
        january = datetime(2026, 1, 15, 10, 0)
        order = self._order_of(self.tea, january)
        self._complaint(order=order, date=datetime(2026, 1, 16, 9, 0))
        other_order = self._order_of(self.tea, january, company=other)
        self.env["helpdesk.ticket"].with_company(other).create(
            {
                "name": "Cold tea",
                "description": "Cold.",
                "partner_id": self.customer.id,
                "company_id": other.id,
                "type_id": self.complaint_type.id,
                "complaint_date": datetime(2026, 1, 17, 9, 0),
                "complaint_order_id": other_order.id,
            }
        )
        self.assertEqual(
            self._rates(),
            {
                ("Test Tea", 1, self.company.name): (1, 1, 100.0),
                ("Test Tea", 1, other.name): (1, 1, 100.0),
            },
        )
        manager_env = self.env(user=self.manager, context={})
        self.assertEqual(
            self._rates(manager_env), {("Test Tea", 1, self.company.name): (1, 1, 100.0)}
        )

    def test_pareto_of_root_causes(self):
        causes = self.env["customer.complaint.cause"].create(
            [
                {"name": name, "company_id": self.company.id}
                for name in ("Packing", "Courier", "Label", "Size")
            ]
        )
        packing, courier, label, size = causes
        for cause, count in ((courier, 3), (packing, 5), (size, 1), (label, 1)):
            for _index in range(count):
                self._complaint(order=self.order, complaint_cause_id=cause.id)
        # without a root cause, or not a complaint: left out
        self._complaint(order=self.order)
        self.env["helpdesk.ticket"].create(
            {
                "name": "Question",
                "description": "?",
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "complaint_cause_id": packing.id,
            }
        )
        rows = self.env["customer.complaint.cause.pareto"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertEqual(
            [
                (
                    row.rank,
                    row.cause_id.name,
                    row.complaint_count,
                    round(row.share, 2),
                    round(row.cumulative_share, 2),
                    row.vital_few,
                )
                for row in rows
            ],
            [
                (1, "Packing", 5, 50.0, 50.0, True),
                # 80% reached with the second cause
                (2, "Courier", 3, 30.0, 80.0, True),
                # equal counts: ranked by cause (Label was created before Size)
                (3, "Label", 1, 10.0, 90.0, False),
                (4, "Size", 1, 10.0, 100.0, False),
            ],
        )
        vital = (
            self.env["customer.complaint.cause.pareto"]
            .with_user(self.manager)
            .search([("vital_few", "=", True)])
        )
        self.assertEqual(vital.cause_id, packing | courier)
