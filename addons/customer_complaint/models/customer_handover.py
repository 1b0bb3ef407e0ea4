from odoo import api, fields, models


class CustomerHandover(models.Model):
    """A customer's open complaints follow the customer to the successor."""

    _inherit = "customer.handover"

    complaint_count = fields.Integer(
        string="Open Complaints", compute="_compute_complaint_count", store=True, readonly=True
    )

    @api.depends("line_ids.complaint_count")
    def _compute_complaint_count(self):
        for handover in self:
            handover.complaint_count = sum(handover.line_ids.mapped("complaint_count"))

    @api.model
    def _collect(self, leaver, company, customers):
        moves = super()._collect(leaver, company, customers)
        tickets = self.env["helpdesk.ticket"].sudo()
        if customers and leaver:
            tickets = tickets.search(
                [
                    ("is_complaint", "=", True),
                    ("user_id", "=", leaver.id),
                    ("commercial_partner_id", "in", customers.ids),
                    ("company_id", "=", company.id),
                    ("stage_id.closed", "=", False),
                ]
            )
        moves["complaints"] = tickets
        return moves

    @api.model
    def _customer_of(self, moves):
        owner = super()._customer_of(moves)
        for ticket in moves.get("complaints", ()):
            owner[(ticket._name, ticket.id)] = ticket.commercial_partner_id.id
        return owner

    @api.model
    def _count_per_customer(self, moves):
        counts = super()._count_per_customer(moves)
        owner = self._customer_of(moves)
        for values in counts.values():
            values.setdefault("complaint_count", 0)
        for ticket in moves.get("complaints", ()):
            values = counts[owner[(ticket._name, ticket.id)]]
            values["complaint_count"] = values.get("complaint_count", 0) + 1
        return counts


class CustomerHandoverLine(models.Model):
    _inherit = "customer.handover.line"

    complaint_count = fields.Integer(string="Open Complaints", readonly=True)


class CustomerHandoverWizard(models.TransientModel):
    _inherit = "customer.handover.wizard"

    complaint_count = fields.Integer(string="Open Complaints", compute="_compute_complaint_count")

    @api.depends("line_ids.complaint_count")
    def _compute_complaint_count(self):
        for wizard in self:
            wizard.complaint_count = sum(wizard.line_ids.mapped("complaint_count"))


class CustomerHandoverWizardLine(models.TransientModel):
    _inherit = "customer.handover.wizard.line"

    complaint_count = fields.Integer(string="Open Complaints", readonly=True)
