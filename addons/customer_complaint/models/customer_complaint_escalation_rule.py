from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .complaint_data import SEVERITIES

DEADLINES = [("response", "First response"), ("resolution", "Resolution")]
TIMINGS = [("before", "Before the deadline"), ("after", "After the deadline")]
RECIPIENTS = [
    ("team_leader", "Team leader"),
    ("managers", "Helpdesk managers"),
    ("users", "Chosen users"),
]


class CustomerComplaintEscalationRule(models.Model):
    """One level of the escalation matrix of a severity: so many working
    hours before or after a deadline, notify someone."""

    _name = "customer.complaint.escalation.rule"
    _description = "Complaint Escalation Level"
    _order = "company_id, severity, level"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    severity = fields.Selection(SEVERITIES, required=True)
    level = fields.Integer(required=True, default=1)
    deadline = fields.Selection(DEADLINES, required=True, default="resolution")
    timing = fields.Selection(TIMINGS, required=True, default="after")
    hours = fields.Float(
        string="Working Hours",
        default=0.0,
        help="Working hours before or after the deadline at which the level is reached "
        "(0: at the deadline).",
    )
    recipients = fields.Selection(RECIPIENTS, required=True, default="team_leader")
    user_ids = fields.Many2many("res.users", string="Users", domain=[("share", "=", False)])
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "level_unique",
            "unique (company_id, severity, level)",
            "This escalation level is already defined for the severity.",
        ),
        ("level_positive", "CHECK (level > 0)", "Escalation levels start at 1."),
        ("hours_positive", "CHECK (hours >= 0)", "Working hours cannot be negative."),
    ]

    @api.depends("severity", "level")
    def _compute_display_name(self):
        labels = dict(self._fields["severity"]._description_selection(self.env))
        for rule in self:
            rule.display_name = self.env._(
                "%(severity)s, level %(level)s",
                severity=labels.get(rule.severity, ""),
                level=rule.level,
            )

    @api.constrains("recipients", "user_ids", "hours", "level")
    def _check_recipients(self):
        for rule in self:
            if rule.recipients == "users" and not rule.user_ids:
                raise ValidationError(
                    self.env._(
                        "Escalation level %(level)s: choose the users to notify.", level=rule.level
                    )
                )
            if rule.hours < 0 or rule.level <= 0:
                raise ValidationError(
                    self.env._(
                        "Escalation level %(level)s: levels start at 1 and hours cannot be "
                        "negative.",
                        level=rule.level,
                    )
                )

    def _due_date(self, ticket, calendar, planner=None):
        """When this level is reached for ``ticket`` (None: never, its
        deadline is gone or met), in the working time of ``calendar`` (read
        through ``planner``, a ``WorkingTimePlanner`` of it, if given)."""
        self.ensure_one()
        if self.deadline == "response":
            if ticket.complaint_first_response_date:
                return None
            deadline = ticket.complaint_response_deadline
        else:
            deadline = ticket.complaint_resolution_deadline
        if not deadline:
            return None
        if not self.hours:
            return deadline
        hours = self.hours if self.timing == "after" else -self.hours
        if planner:
            return planner.plan_hours(hours, deadline) or deadline
        return calendar.plan_hours(hours, deadline, compute_leaves=True) or deadline
