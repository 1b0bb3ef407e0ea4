from odoo import fields, models


class CustomerEvent(models.Model):
    _inherit = "customer.event"

    event_type = fields.Selection(
        selection_add=[
            ("loyalty_enrolled", "Membership joined"),
            ("loyalty_tier", "Tier changed"),
            ("loyalty_points", "Points earned"),
            ("loyalty_points_back", "Points taken back"),
            ("loyalty_points_expired", "Points expired"),
        ],
        ondelete={
            "loyalty_enrolled": "cascade",
            "loyalty_tier": "cascade",
            "loyalty_points": "cascade",
            "loyalty_points_back": "cascade",
            "loyalty_points_expired": "cascade",
        },
    )
