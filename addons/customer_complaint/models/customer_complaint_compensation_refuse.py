from odoo import fields, models


class CustomerComplaintCompensationRefuse(models.TransientModel):
    """The reason a manager gives when refusing a compensation."""

    _name = "customer.complaint.compensation.refuse"
    _description = "Refuse a Compensation"

    compensation_id = fields.Many2one(
        "customer.complaint.compensation", required=True, ondelete="cascade"
    )
    reason = fields.Text(required=True)

    def action_refuse(self):
        self.ensure_one()
        return self.compensation_id.action_refuse(self.reason)
