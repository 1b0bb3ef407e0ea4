from odoo import fields, models


class CustomerEvent(models.Model):
    _inherit = "customer.event"

    event_type = fields.Selection(
        selection_add=[
            ("loyalty_enrolled", "Membership joined"),
            ("loyalty_tier", "Tier changed"),
        ],
        ondelete={"loyalty_enrolled": "cascade", "loyalty_tier": "cascade"},
    )
