import datetime

from odoo import Command
from odoo.tools import SQL

from odoo.addons.customer_relationship.tests.common import CustomerCommon

D = datetime.date


class RoiCommon(CustomerCommon):
    """A small history of the test company, every figure of which the
    tests compute by hand.

    Goods: a tea set sold at 100, cost 40 (goods cost = quantity x 40).
    Campaigns C1 (cost 600 on 1 March 2025) and C2 (100 on 10 February,
    300 on 15 March 2025). Orders (customer, date, quantity, attribution):

    ====  ==========  ====  =========================================
    A     2025-02-10  2
    A     2025-03-05  3     campaign C1
    A     2025-03-20  1
    B     2025-02-15  5
    C     2025-03-10  4     opportunity O2 (campaign C2), lead 1 March
    D     2025-03-25  10    campaign C1, lead L1 created 28 February
    E     2024-03-12  1     (price 150)
    F     2025-02-20  1     salesperson S
    F     2025-03-15  2     salesperson S
    G     2025-01-15  1
    G     2025-02-12  2
    G     2025-03-18  3
    ====  ==========  ====  =========================================

    Lead L3 of C1 is created on 3 March 2025. Every order is invoiced on its
    date. The month of March 2025 is the period the tests read.
    """

    MARCH = {"period": "month", "date": "2025-03-14"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_accounting()
        cls.tea_set = cls.env["product.product"].create(
            {
                "name": "ROI Tea Set",
                "type": "consu",
                "list_price": 100.0,
                "standard_price": 40.0,
                "invoice_policy": "order",
                "taxes_id": False,
            }
        )
        cls.salesperson = cls._user("roi_sales", "customer_relationship.group_customer_user")
        cls.seller = cls._user("roi_seller", "sales_team.group_sale_salesman")
        Campaign = cls.env["utm.campaign"]
        cls.c1 = Campaign.create({"title": "ROI Campaign One"})
        cls.c2 = Campaign.create({"title": "ROI Campaign Two"})
        Cost = cls.env["customer.roi.campaign.cost"]
        Cost.create(
            [
                {"campaign_id": cls.c1.id, "date": D(2025, 3, 1), "amount": 600},
                {"campaign_id": cls.c2.id, "date": D(2025, 2, 10), "amount": 100},
                {"campaign_id": cls.c2.id, "date": D(2025, 3, 15), "amount": 300},
            ]
        )
        names = "ABCDEFG"
        cls.partners = {
            name: cls._customer(f"ROI Customer {name}", is_company=True) for name in names
        }
        Lead = cls.env["crm.lead"]
        cls.l1 = Lead.create(
            {
                "name": "L1",
                "type": "lead",
                "campaign_id": cls.c1.id,
                "partner_id": cls.partners["D"].id,
                "company_id": cls.company.id,
            }
        )
        cls.o2 = Lead.create(
            {
                "name": "O2",
                "type": "opportunity",
                "campaign_id": cls.c2.id,
                "partner_id": cls.partners["C"].id,
                "company_id": cls.company.id,
            }
        )
        cls.l3 = Lead.create(
            {
                "name": "L3",
                "type": "lead",
                "campaign_id": cls.c1.id,
                "company_id": cls.company.id,
            }
        )
        cls._set_create_date(cls.l1, datetime.datetime(2025, 2, 28, 9))
        cls._set_create_date(cls.o2, datetime.datetime(2025, 3, 1, 9))
        cls._set_create_date(cls.l3, datetime.datetime(2025, 3, 3, 9))
        plan = [
            ("A", D(2025, 2, 10), 2, {}),
            ("A", D(2025, 3, 5), 3, {"campaign_id": cls.c1.id}),
            ("A", D(2025, 3, 20), 1, {}),
            ("B", D(2025, 2, 15), 5, {}),
            ("C", D(2025, 3, 10), 4, {"opportunity_id": cls.o2.id}),
            ("D", D(2025, 3, 25), 10, {"campaign_id": cls.c1.id}),
            ("E", D(2024, 3, 12), 1, {"price": 150.0}),
            ("F", D(2025, 2, 20), 1, {"user_id": cls.salesperson.id}),
            ("F", D(2025, 3, 15), 2, {"user_id": cls.salesperson.id}),
            ("G", D(2025, 1, 15), 1, {}),
            ("G", D(2025, 2, 12), 2, {}),
            ("G", D(2025, 3, 18), 3, {}),
        ]
        cls.orders = cls._roi_orders(plan)
        cls.env["customer.profile"]._recompute_all(cls.company)
        cls.env.invalidate_all()

    @classmethod
    def _set_create_date(cls, record, when):
        record.flush_recordset()
        cls.env.cr.execute(
            SQL(
                "UPDATE %s SET create_date = %s WHERE id = %s",
                SQL.identifier(record._table),
                when,
                record.id,
            )
        )
        record.invalidate_recordset(["create_date"])

    @classmethod
    def _roi_orders(cls, plan):
        """Orders of ``plan`` (customer, date, quantity, extra values),
        confirmed, dated and invoiced on their date."""
        default_user = cls.env.ref("base.user_admin")
        orders = cls.env["sale.order"].create(
            [
                {
                    "partner_id": cls.partners[name].id,
                    "company_id": cls.company.id,
                    "user_id": extra.get("user_id", default_user.id),
                    **{k: v for k, v in extra.items() if k in ("campaign_id", "opportunity_id")},
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.tea_set.id,
                                "product_uom_qty": quantity,
                                "price_unit": extra.get("price", 100.0),
                                "tax_id": False,
                            }
                        )
                    ],
                }
                for name, _day, quantity, extra in plan
            ]
        )
        orders.action_confirm()
        for order, (_name, day, _quantity, _extra) in zip(orders, plan, strict=True):
            order.date_order = datetime.datetime.combine(day, datetime.time(10))
            invoice = order._create_invoices()
            invoice.invoice_date = day
            invoice.action_post()
        return orders

    def _fee(self):
        """The handling fee per confirmed order of the test ledger source,
        when the test addon that adds it is installed (0 otherwise)."""
        module = self.env["ir.module.module"].search(
            [("name", "=", "customer_relationship_test_ledger"), ("state", "=", "installed")]
        )
        return 10.0 if module else 0.0

    def _dashboard(self, user=None, **options):
        env = self.env(user=user) if user else self.env
        return env["customer.roi.dashboard"].get_dashboard({**self.MARCH, **options})

    @staticmethod
    def _rows(dashboard, section):
        for item in dashboard["sections"]:
            if item["key"] == section:
                return {row["key"]: row for row in item["rows"]}
        return {}

    @staticmethod
    def _campaign(dashboard, campaign):
        for row in dashboard["campaigns"]:
            if row["name"] == campaign.display_name:
                return row
        return None
