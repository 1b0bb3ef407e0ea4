from odoo import fields, models


class CustomerComplaintCategory(models.Model):
    """What a complaint is about (product quality, delivery, billing...)."""

    _name = "customer.complaint.category"
    _description = "Complaint Category"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to use the category in every company."
    )
    description = fields.Text(translate=True)

    _sql_constraints = [
        (
            "name_company_unique",
            "unique (name, company_id)",
            "A complaint category with this name already exists.",
        ),
    ]
