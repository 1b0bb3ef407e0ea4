from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .complaint_data import SEVERITIES


class CustomerComplaintSla(models.Model):
    """Service level of complaints of a severity (and optionally of a
    category or a team): first response and resolution within so many
    working hours of the team's working calendar."""

    _name = "customer.complaint.sla"
    _description = "Complaint SLA"
    _order = "severity, team_id, category_id, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    severity = fields.Selection(SEVERITIES, required=True)
    category_id = fields.Many2one(
        "customer.complaint.category", help="Leave empty for complaints of every category."
    )
    team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Team",
        check_company=True,
        help="Leave empty for complaints of every team.",
    )
    response_hours = fields.Float(
        string="First Response (working hours)",
        required=True,
        help="Working hours from the complaint's receipt to the first response.",
    )
    resolution_hours = fields.Float(
        string="Resolution (working hours)",
        required=True,
        help="Working hours from the complaint's receipt to its resolution.",
    )
    warning_hours = fields.Float(
        string="Warning (working hours)",
        default=2.0,
        help="A deadline is shown as close when fewer working hours than this remain.",
    )

    _sql_constraints = [
        (
            "hours_positive",
            "CHECK (response_hours > 0 AND resolution_hours > 0 AND warning_hours >= 0)",
            "SLA hours must be positive.",
        ),
        (
            "response_before_resolution",
            "CHECK (response_hours <= resolution_hours)",
            "The first response cannot be due after the resolution.",
        ),
    ]

    @api.constrains("response_hours", "resolution_hours", "warning_hours")
    def _check_hours(self):
        for sla in self:
            if sla.response_hours <= 0 or sla.resolution_hours <= 0 or sla.warning_hours < 0:
                raise ValidationError(
                    self.env._("SLA %(name)s: working hours must be positive.", name=sla.name)
                )
            if sla.response_hours > sla.resolution_hours:
                raise ValidationError(
                    self.env._(
                        "SLA %(name)s: the first response cannot be due after the resolution.",
                        name=sla.name,
                    )
                )

    @api.model
    def _policies(self, companies):
        return self.sudo().search([("company_id", "in", companies.ids)])

    @api.model
    def _best(self, policies, severity, category, team):
        best, best_score = self.browse(), -1
        for policy in policies:
            if policy.severity != severity:
                continue
            if policy.team_id and policy.team_id != team:
                continue
            if policy.category_id and policy.category_id != category:
                continue
            score = (2 if policy.team_id else 0) + (1 if policy.category_id else 0)
            if score > best_score:
                best, best_score = policy, score
        return best
