from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCustomerTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partner = cls.env["res.partner"].create({"name": "Tour Customer 马琳"})
        cls.env["customer.profile"].create(
            {
                "partner_id": partner.id,
                "company_id": cls.env.ref("base.main_company").id,
                "order_count": 12,
                "revenue": 98765.0,
                "recency_score": 5,
                "frequency_score": 5,
                "monetary_score": 5,
                "rfm_segment": "champions",
                "value_class": "a",
            }
        )

    def test_open_customer_and_read_segment(self):
        self.start_tour("/odoo", "customer_relationship_profile_tour", login="admin")
