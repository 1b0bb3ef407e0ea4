from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    complaint_approval_threshold = fields.Monetary(
        string="Compensation Approval Threshold",
        currency_field="currency_id",
        default=500.0,
        help="Compensations above this amount need a helpdesk manager's approval.",
    )

    _sql_constraints = [
        (
            "complaint_approval_threshold_positive",
            "CHECK (complaint_approval_threshold >= 0)",
            "The compensation approval threshold cannot be negative.",
        ),
    ]
