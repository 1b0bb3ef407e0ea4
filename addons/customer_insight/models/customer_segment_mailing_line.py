from odoo import fields, models

from .customer_segment_mailing import NPS_SKIP_REASONS


class CustomerSegmentMailingLine(models.Model):
    _inherit = "customer.segment.mailing.line"

    skip_reason = fields.Selection(
        selection_add=NPS_SKIP_REASONS,
        ondelete={reason: "cascade" for reason, _label in NPS_SKIP_REASONS},
    )
