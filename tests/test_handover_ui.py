from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestHandoverTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leaver = new_test_user(cls.env, login="tour_leaver", name="Tour Leaver 林")
        cls.successor = new_test_user(cls.env, login="tour_successor", name="Tour Successor 周")
        cls.customer = cls.env["res.partner"].create(
            {"name": "Tour Handover Customer", "is_company": True, "user_id": cls.leaver.id}
        )

    def test_handover_from_menu(self):
        self.start_tour("/odoo", "customer_relationship_handover_tour", login="admin")
        handover = self.env["customer.handover"].search([("user_id", "=", self.leaver.id)])
        self.assertEqual(handover.state, "done")
        self.assertEqual(handover.line_ids.partner_id, self.customer)
        self.assertEqual(self.customer.user_id, self.successor)

    def test_handover_by_mapping(self):
        first, second = self.env["res.partner"].create(
            [
                {"name": "Tour Mapping First", "user_id": self.leaver.id},
                {"name": "Tour Mapping Second", "user_id": self.leaver.id},
            ]
        )
        quotation = self.env["sale.order"].create(
            {"partner_id": first.id, "user_id": self.leaver.id}
        )
        self.start_tour("/odoo", "customer_relationship_handover_mapping_tour", login="admin")
        handover = self.env["customer.handover"].search([("user_id", "=", self.leaver.id)])
        self.assertRecordValues(
            handover, [{"split_mode": "mapping", "customer_count": 2, "quotation_count": 1}]
        )
        self.assertEqual(handover.line_ids.partner_id, first | self.customer)
        self.assertEqual((first | self.customer).user_id, self.successor)
        self.assertEqual(quotation.user_id, self.successor)
        self.assertEqual(second.user_id, self.leaver)
