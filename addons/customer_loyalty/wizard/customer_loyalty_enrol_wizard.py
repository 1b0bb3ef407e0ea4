from odoo import fields, models
from odoo.exceptions import AccessError, UserError


class CustomerLoyaltyEnrolWizard(models.TransientModel):
    _name = "customer.loyalty.enrol.wizard"
    _description = "Enrol Customers in a Membership"

    program_id = fields.Many2one(
        "loyalty.program",
        string="Program",
        required=True,
        domain=[("customer_membership", "=", True)],
    )
    partner_ids = fields.Many2many("res.partner", string="Customers")
    segment_id = fields.Many2one(
        "customer.segment",
        string="Segment",
        help="Enrol every customer of this segment too.",
    )

    def action_enrol(self):
        self.ensure_one()
        if not self.env.user.has_group("customer_relationship.group_customer_user"):
            raise AccessError(self.env._("Only customer relationship users can enrol members."))
        partners = self.partner_ids
        if self.segment_id:
            partners |= self.segment_id._get_partners()
        if not partners:
            raise UserError(self.env._("Choose the customers to enrol, or a segment."))
        members = self.env["customer.loyalty.member"]._enrol(self.program_id, partners)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Members"),
            "res_model": "customer.loyalty.member",
            "view_mode": "list,form",
            "domain": [("id", "in", members.ids)],
        }
