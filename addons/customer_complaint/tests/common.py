from datetime import datetime

from odoo import Command
from odoo.tests import HttpCase, new_test_user

from odoo.addons.customer_relationship.tests.common import CustomerCommon

# a Friday, 15:00 UTC: two working hours left in the week
FRIDAY = datetime(2026, 1, 9, 15, 0)


class ComplaintCommon(CustomerCommon):
    """A helpdesk team working Monday to Friday, 9:00 to 17:00 UTC, the
    complaint type, SLAs and an escalation matrix in the test company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Nine to five (UTC)",
                "tz": "UTC",
                "company_id": cls.company.id,
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 9,
                            "hour_to": 17,
                            "day_period": "morning",
                        }
                    )
                    for day in range(5)
                ],
            }
        )
        cls.agent = cls._user(
            "complaint_agent",
            "helpdesk_mgmt.group_helpdesk_user",
            "sales_team.group_sale_salesman",
        )
        cls.manager = cls._user(
            "complaint_manager",
            "helpdesk_mgmt.group_helpdesk_manager",
            "sales_team.group_sale_salesman",
        )
        cls.leader = cls._user("complaint_leader", "helpdesk_mgmt.group_helpdesk_user")
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "Complaint desk",
                "company_id": cls.company.id,
                "resource_calendar_id": cls.calendar.id,
                "user_id": cls.leader.id,
                "user_ids": [Command.set((cls.agent | cls.leader | cls.manager).ids)],
            }
        )
        cls.complaint_type = cls.env.ref("customer_complaint.ticket_type_complaint")
        cls.category = cls.env.ref("customer_complaint.category_product_quality")
        cls.sla = cls.env["customer.complaint.sla"].create(
            {
                "name": "High",
                "company_id": cls.company.id,
                "severity": "high",
                "response_hours": 4,
                "resolution_hours": 16,
                "warning_hours": 2,
            }
        )
        cls.env["customer.complaint.sla"].create(
            {
                "name": "Critical",
                "company_id": cls.company.id,
                "severity": "critical",
                "response_hours": 1,
                "resolution_hours": 8,
                "warning_hours": 2,
            }
        )
        rules = cls.env["customer.complaint.escalation.rule"]
        for level, timing, hours, recipients in (
            (1, "before", 4, "team_leader"),
            (2, "after", 0, "managers"),
            (3, "after", 8, "managers"),
        ):
            rules.create(
                {
                    "company_id": cls.company.id,
                    "severity": "high",
                    "level": level,
                    "deadline": "resolution",
                    "timing": timing,
                    "hours": hours,
                    "recipients": recipients,
                }
            )
        cls.customer = cls._customer("Wang Wei")
        cls.order = cls._order(cls.customer, 300)
        cls.other_customer = cls._customer("Li Na")
        cls.other_order = cls._order(cls.other_customer, 200)

    @classmethod
    def _complaint(cls, partner=None, order=None, severity="high", date=FRIDAY, **vals):
        partner = partner or cls.customer
        return (
            cls.env["helpdesk.ticket"]
            .with_company(cls.company)
            .create(
                {
                    "name": "Broken teapot",
                    "description": "It arrived broken.",
                    "partner_id": partner.id,
                    "company_id": cls.company.id,
                    "team_id": cls.team.id,
                    "user_id": cls.agent.id,
                    "type_id": cls.complaint_type.id,
                    "complaint_severity": severity,
                    "complaint_category_id": cls.category.id,
                    "complaint_date": date,
                    "complaint_order_id": (order.id if order else False),
                    **vals,
                }
            )
        )


class ComplaintTourCommon(HttpCase):
    """For the browser tours: a portal customer with a confirmed order, a
    helpdesk agent and a helpdesk manager (both salespeople of their own
    orders only) in the main company, whose compensations above 500 need an
    approval. The steps of the story are the tours of
    static/tests/tours/customer_complaint_tour.js."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        cls.company.complaint_approval_threshold = 500
        cls.customer = cls.env["res.partner"].create(
            {"name": "Tour Teahouse 陈记", "is_company": True}
        )
        cls.portal_user = new_test_user(
            cls.env, login="tour_complaint_customer", groups="base.group_portal"
        )
        cls.portal_user.partner_id.parent_id = cls.customer
        product = cls.env["product.product"].create({"name": "Tour Teapot", "list_price": 80})
        cls.order = cls.env["sale.order"].create(
            {
                "name": "TOUR-ORDER-1",
                "partner_id": cls.customer.id,
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

    def _file_complaint_from_portal(self):
        """The customer files a complaint about the order from the portal;
        returns it."""
        self.start_tour("/my", "customer_complaint_portal_tour", login=self.portal_user.login)
        complaint = self.env["helpdesk.ticket"].search(
            [("is_complaint", "=", True), ("complaint_order_id", "=", self.order.id)]
        )
        self.assertEqual(len(complaint), 1)
        self.assertEqual(
            complaint.complaint_category_id, self.env.ref("customer_complaint.category_delivery")
        )
        self.assertEqual(complaint.partner_id, self.portal_user.partner_id)
        self.assertIn("The teapot arrived broken.", complaint.description)
        return complaint

    def _resolve_as_agent(self, complaint):
        """The complaint is assigned to the agent, who writes its resolution
        and closes it."""
        complaint.user_id = self.agent
        self._tour_on(complaint, "customer_complaint_resolve_tour", self.agent)
        self.assertTrue(complaint.stage_id.closed)
        self.assertEqual(complaint.complaint_resolution, "Replaced the teapot and apologised.")

    def _tour_on(self, record, tour, user):
        """Run a tour from the form of the record, as the user; then read
        what the browser wrote, not what this environment cached."""
        self.start_tour(f"/odoo/{record._name}/{record.id}", tour, login=user.login)
        self.env.invalidate_all()
