from odoo import fields, models


class CustomerComplaintCause(models.Model):
    """A root cause category, found once a complaint is investigated."""

    _name = "customer.complaint.cause"
    _description = "Complaint Root Cause"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to use the root cause in every company."
    )

    _sql_constraints = [
        (
            "name_company_unique",
            "unique (name, company_id)",
            "A root cause with this name already exists.",
        ),
    ]
