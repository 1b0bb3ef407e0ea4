from odoo import fields, models


class CustomerHandoverWizardLine(models.TransientModel):
    """One customer of the handover being prepared, and who takes it over."""

    _name = "customer.handover.wizard.line"
    _description = "Customer Handover Wizard Line"
    _order = "id"

    wizard_id = fields.Many2one(
        "customer.handover.wizard", required=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    to_user_id = fields.Many2one("res.users", string="Successor")
    opportunity_count = fields.Integer(string="Opportunities", readonly=True)
    quotation_count = fields.Integer(string="Quotations", readonly=True)
    activity_count = fields.Integer(string="Activities", readonly=True)
