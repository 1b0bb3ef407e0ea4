from odoo import fields, models


class CustomerComplaintEscalation(models.Model):
    """An escalation that happened: a complaint reached a level of its
    matrix. One per complaint and level; written by the escalation cron."""

    _name = "customer.complaint.escalation"
    _description = "Complaint Escalation"
    _inherit = ["customer.audit.mixin"]
    _order = "date desc, id desc"
    _rec_name = "ticket_id"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", string="Complaint", required=True, ondelete="cascade", index=True
    )
    rule_id = fields.Many2one(
        "customer.complaint.escalation.rule", string="Escalation Rule", ondelete="set null"
    )
    level = fields.Integer(required=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    user_ids = fields.Many2many("res.users", string="Notified")
    company_id = fields.Many2one("res.company", required=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", index=True)
    team_id = fields.Many2one("helpdesk.ticket.team", string="Team")
    severity = fields.Selection(related="ticket_id.complaint_severity", store=True)

    _sql_constraints = [
        (
            "ticket_level_unique",
            "unique (ticket_id, level)",
            "A complaint reaches each escalation level once.",
        ),
    ]
