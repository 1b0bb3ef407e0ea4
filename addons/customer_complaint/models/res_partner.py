from odoo import fields, models
from odoo.exceptions import AccessError


class ResPartner(models.Model):
    _inherit = "res.partner"

    complaint_count = fields.Integer(
        string="Complaints",
        compute="_compute_complaint_count",
        groups="base.group_user",
    )

    def _compute_complaint_count(self):
        counts = dict(
            self.env["helpdesk.ticket"]._read_group(
                [
                    ("is_complaint", "=", True),
                    ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                ],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.complaint_count = counts.get(partner.commercial_partner_id, 0)

    def action_open_complaints(self):
        """The customer's complaints, as the user may read them."""
        self.ensure_one()
        if not self.env.user._is_internal():
            raise AccessError(self.env._("Complaints are for employees."))
        self.env["helpdesk.ticket"].check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_complaint.helpdesk_ticket_complaint_action"
        )
        action["domain"] = [
            ("is_complaint", "=", True),
            ("commercial_partner_id", "=", self.commercial_partner_id.id),
        ]
        action["context"] = {"default_partner_id": self.id}
        return action
