from odoo import fields, models


class HelpdeskTicketType(models.Model):
    _inherit = "helpdesk.ticket.type"

    is_complaint = fields.Boolean(
        string="Complaint",
        help="Tickets of this type are customer complaints: category, severity, "
        "SLA, escalation and compensation.",
    )
