from odoo import fields, models


class CustomerEvent(models.Model):
    _inherit = "customer.event"

    event_type = fields.Selection(
        selection_add=[("nps_answer", "NPS answer")],
        ondelete={"nps_answer": "cascade"},
    )
