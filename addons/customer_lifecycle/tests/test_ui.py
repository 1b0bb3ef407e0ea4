from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestLifecycleTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partner = cls.env["res.partner"].create({"name": "Tour Lifecycle 周琪"})
        cls.state = cls.env["customer.lifecycle.state"].create(
            {
                "partner_id": partner.id,
                "company_id": cls.env.ref("base.main_company").id,
                "stage_id": cls.env.ref("customer_lifecycle.stage_lead").id,
            }
        )

    def test_drag_customer_to_another_stage(self):
        self.start_tour("/odoo", "customer_lifecycle_kanban_tour", login="admin")
        self.assertEqual(self.state.stage_id, self.env.ref("customer_lifecycle.stage_opportunity"))
        self.assertTrue(self.state.locked)
        last = self.state.history_ids.sorted("id")[-1]
        self.assertEqual(last.user_id, self.env.ref("base.user_admin"))
