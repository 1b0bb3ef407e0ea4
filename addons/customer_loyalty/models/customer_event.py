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
            ("loyalty_points_added", "Points added by hand"),
            ("loyalty_points_removed", "Points removed by hand"),
        ],
        ondelete={
            "loyalty_enrolled": "cascade",
            "loyalty_tier": "cascade",
            "loyalty_points": "cascade",
            "loyalty_points_back": "cascade",
            "loyalty_points_expired": "cascade",
            "loyalty_points_added": "cascade",
            "loyalty_points_removed": "cascade",
        },
    )
