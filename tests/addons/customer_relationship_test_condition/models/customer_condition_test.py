from odoo import fields, models


class CustomerConditionTest(models.Model):
    """The smallest user of the condition mixin: a named condition over
    contacts, in a company or in every company."""

    _name = "customer.condition.test"
    _description = "Customer Condition (test)"
    _inherit = ["customer.condition.mixin"]
    _condition_field = "domain"
    _condition_model_name = "res.partner"

    name = fields.Char(required=True)
    company_id = fields.Many2one("res.company")
    domain = fields.Char(default="[]", required=True)
