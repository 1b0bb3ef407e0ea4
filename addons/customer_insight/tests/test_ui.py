import datetime

from odoo import Command, fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestInsightTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        company = env.ref("base.main_company")
        kettle, cls.filter = env["product.product"].create(
            [
                {"name": "Tour Kettle", "list_price": 60.0, "type": "consu"},
                {"name": "Tour Filter", "list_price": 8.0, "type": "consu"},
            ]
        )
        cls.partner = env["res.partner"].create({"name": "Tour Insight 林芳"})
        buyers = env["res.partner"].create([{"name": f"Tour Buyer {n}"} for n in range(3)])

        def order(partner, products, days_ago):
            sale = env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "order_line": [Command.create({"product_id": p.id}) for p in products],
                }
            )
            sale.action_confirm()
            sale.date_order = fields.Datetime.now() - datetime.timedelta(days=days_ago)

        for buyer in buyers:
            order(buyer, kettle | cls.filter, 20)
        for days_ago in (130, 160, 190, 220):
            order(cls.partner, kettle, days_ago)
        cls.quotation = env["sale.order"].create(
            {"name": "Tour Quotation", "partner_id": cls.partner.id, "company_id": company.id}
        )
        env["customer.insight"]._refresh_company_job(company.id)

    def test_read_explanation_and_add_recommendation(self):
        self.start_tour(f"/odoo/contacts/{self.partner.id}", "customer_insight_tour", login="admin")
        self.assertIn(self.filter, self.quotation.order_line.product_id)
