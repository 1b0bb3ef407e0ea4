from odoo import fields, models


class CustomerHandoverLine(models.Model):
    """One customer moved by a handover, with what moved along with it."""

    _name = "customer.handover.line"
    _description = "Customer Handover Line"
    _order = "handover_id, id"

    handover_id = fields.Many2one(
        "customer.handover", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="handover_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True
    )
    from_user_id = fields.Many2one("res.users", string="From", required=True, readonly=True)
    to_user_id = fields.Many2one("res.users", string="To", required=True, readonly=True)
    opportunity_count = fields.Integer(string="Opportunities", readonly=True)
    quotation_count = fields.Integer(string="Quotations", readonly=True)
    activity_count = fields.Integer(string="Activities", readonly=True)
    state = fields.Selection(
        [("pending", "Waiting"), ("done", "Moved")],
        required=True,
        readonly=True,
        default="done",
        index=True,
        help="Waiting: the customer of a queued handover, not moved yet.",
    )
