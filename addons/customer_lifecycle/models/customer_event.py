from odoo import fields, models


class CustomerEvent(models.Model):
    _inherit = "customer.event"

    event_type = fields.Selection(
        selection_add=[("stage_changed", "Lifecycle stage changed")],
        ondelete={"stage_changed": "cascade"},
    )
