from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestComplaintTours(HttpCase):
    """A customer files a complaint from the portal; an agent resolves it and
    proposes a compensation above the approval threshold; a manager approves
    it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        cls.company.complaint_approval_threshold = 500
        customer = cls.env["res.partner"].create({"name": "Tour Teahouse 陈记", "is_company": True})
        cls.portal_user = new_test_user(
            cls.env, login="tour_complaint_customer", groups="base.group_portal"
        )
        cls.portal_user.partner_id.parent_id = customer
        product = cls.env["product.product"].create({"name": "Tour Teapot", "list_price": 80})
        cls.order = cls.env["sale.order"].create(
            {
                "name": "TOUR-ORDER-1",
                "partner_id": customer.id,
                "company_id": cls.company.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        cls.order.action_confirm()
        groups = "base.group_user,sales_team.group_sale_salesman,"
        cls.agent = new_test_user(
            cls.env,
            login="tour_complaint_agent",
            groups=groups + "helpdesk_mgmt.group_helpdesk_user",
            company_id=cls.company.id,
        )
        cls.manager = new_test_user(
            cls.env,
            login="tour_complaint_manager",
            groups=groups + "helpdesk_mgmt.group_helpdesk_manager",
            company_id=cls.company.id,
        )

    def test_portal_complaint_resolved_and_compensated(self):
        self.start_tour("/my", "customer_complaint_portal_tour", login="tour_complaint_customer")
        complaint = self.env["helpdesk.ticket"].search(
            [("is_complaint", "=", True), ("complaint_order_id", "=", self.order.id)]
        )
        self.assertEqual(len(complaint), 1)
        self.assertEqual(
            complaint.complaint_category_id, self.env.ref("customer_complaint.category_delivery")
        )
        self.assertEqual(complaint.partner_id, self.portal_user.partner_id)
        self.assertIn("The teapot arrived broken.", complaint.description)
        # the complaint is assigned to the agent
        complaint.user_id = self.agent
        self.start_tour(
            f"/odoo/helpdesk.ticket/{complaint.id}",
            "customer_complaint_resolve_tour",
            login="tour_complaint_agent",
        )
        # what the browser wrote, not what this environment cached
        self.env.invalidate_all()
        self.assertTrue(complaint.stage_id.closed)
        self.assertEqual(complaint.complaint_resolution, "Replaced the teapot and apologised.")
        compensation = complaint.complaint_compensation_ids
        self.assertEqual(len(compensation), 1)
        self.assertEqual(compensation.state, "to_approve")
        self.assertEqual(compensation.amount, 800)
        self.assertEqual(compensation.note, "Broken on arrival.")
        self.start_tour(
            f"/odoo/customer.complaint.compensation/{compensation.id}",
            "customer_complaint_approve_tour",
            login="tour_complaint_manager",
        )
        self.env.invalidate_all()
        self.assertEqual(compensation.state, "done")
        self.assertEqual(compensation.approver_id, self.manager)
        self.assertEqual(compensation.cost, 800)
        self.assertEqual(complaint.complaint_compensation_cost, 800)
