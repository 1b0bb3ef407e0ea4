from datetime import timedelta

from odoo import api, fields, models

# (severity, category xmlid, cause xmlid, days ago, closed, rating)
DEMO_COMPLAINTS = [
    ("critical", "category_product_quality", "cause_supplier_defect", 1, False, 0),
    ("high", "category_delivery", "cause_carrier", 3, False, 0),
    ("medium", "category_billing", "cause_process", 6, False, 0),
    ("low", "category_service_attitude", "cause_communication", 9, False, 0),
    ("high", "category_product_quality", "cause_packaging", 40, True, 5),
    ("medium", "category_delivery", "cause_carrier", 70, True, 3),
    ("low", "category_other", "cause_process", 100, True, 4),
    ("critical", "category_billing", "cause_process", 130, True, 1),
]


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    @api.model
    def _complaint_demo(self):
        """Complaints on confirmed orders of the demo company, in every
        severity, category and state, escalated, compensated and rated."""
        company = self.env.ref("base.main_company")
        orders = self.env["sale.order"].search(
            [("company_id", "=", company.id), ("state", "=", "sale")], order="id", limit=8
        )
        if not orders:
            return
        complaint_type = self.env.ref("customer_complaint.ticket_type_complaint")
        team = self.env["helpdesk.ticket.team"].search(
            [("company_id", "in", [company.id, False])], limit=1
        )
        done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        in_progress = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        now = fields.Datetime.now()
        tickets = self.browse()
        for index, (severity, category, cause, days, closed, _rating) in enumerate(DEMO_COMPLAINTS):
            order = orders[index % len(orders)]
            ticket = self.with_company(company).create(
                {
                    "name": self.env._("Complaint about %(order)s", order=order.name),
                    "description": self.env._("The customer is not satisfied."),
                    "partner_id": order.partner_id.id,
                    "company_id": company.id,
                    "team_id": team.id,
                    "user_id": self.env.ref("base.user_admin").id,
                    "type_id": complaint_type.id,
                    "complaint_severity": severity,
                    "complaint_category_id": self.env.ref(f"customer_complaint.{category}").id,
                    "complaint_cause_id": self.env.ref(f"customer_complaint.{cause}").id,
                    "complaint_date": now - timedelta(days=days),
                    "complaint_order_id": order.id,
                    "complaint_product_ids": [
                        fields.Command.set(order.order_line.product_id[:1].ids)
                    ],
                }
            )
            tickets |= ticket
            if closed:
                ticket.stage_id = in_progress
                ticket.write(
                    {
                        "stage_id": done.id,
                        "complaint_resolution": self.env._("Replaced and apologised."),
                        "complaint_corrective_action": self.env._("Checked the batch."),
                    }
                )
        tickets._escalate_complaints()
        compensations = self.env["customer.complaint.compensation"].create(
            [
                {
                    "ticket_id": tickets[4].id,
                    "compensation_type": "goodwill",
                    "amount": 50.0,
                    "note": self.env._("Apology for the delay."),
                },
                {
                    "ticket_id": tickets[0].id,
                    "compensation_type": "goodwill",
                    "amount": 800.0,
                    "note": self.env._("Critical defect."),
                },
                {
                    "ticket_id": tickets[5].id,
                    "compensation_type": "replacement",
                    "amount": 0.0,
                },
            ]
        )
        compensations.action_submit()
        for ticket, (*_rest, rating) in zip(tickets, DEMO_COMPLAINTS, strict=True):
            if rating and ticket.rating_ids:
                ticket.rating_apply(
                    rating, rating=ticket.rating_ids[:1], feedback=self.env._("Thank you.")
                )
