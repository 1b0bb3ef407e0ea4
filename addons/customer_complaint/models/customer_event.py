from odoo import fields, models


class CustomerEvent(models.Model):
    _inherit = "customer.event"

    event_type = fields.Selection(
        selection_add=[
            ("complaint_opened", "Complaint opened"),
            ("complaint_escalated", "Complaint escalated"),
            ("complaint_compensation", "Complaint compensation"),
            ("complaint_closed", "Complaint closed"),
            ("complaint_rated", "Complaint rated"),
        ],
        ondelete={
            "complaint_opened": "cascade",
            "complaint_escalated": "cascade",
            "complaint_compensation": "cascade",
            "complaint_closed": "cascade",
            "complaint_rated": "cascade",
        },
    )
