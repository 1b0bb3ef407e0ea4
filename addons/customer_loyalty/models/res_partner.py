from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.customer_relationship.models.res_partner import FACT_GROUPS


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_loyalty_member_ids = fields.One2many(
        "customer.loyalty.member",
        "partner_id",
        string="Memberships",
        readonly=True,
        groups=FACT_GROUPS,
    )
    customer_loyalty_member_id = fields.Many2one(
        "customer.loyalty.member",
        string="Membership",
        compute="_compute_customer_loyalty",
        groups=FACT_GROUPS,
        help="The commercial partner's membership in the current company (highest tier first).",
    )
    customer_loyalty_tier_ids = fields.Many2many(
        "customer.loyalty.tier",
        string="Member Tier",
        compute="_compute_customer_loyalty",
        groups=FACT_GROUPS,
    )
    customer_loyalty_points = fields.Float(
        string="Loyalty Points", compute="_compute_customer_loyalty", groups=FACT_GROUPS
    )

    @api.depends_context("company")
    def _compute_customer_loyalty(self):
        members = self.env["customer.loyalty.member"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        by_partner = {}
        for member in members.sorted(lambda m: (-(m.tier_id.level or 0), m.id)):
            by_partner.setdefault(member.partner_id.id, member)
        empty = self.env["customer.loyalty.member"]
        for partner in self:
            member = by_partner.get(partner.commercial_partner_id.id, empty)
            partner.customer_loyalty_member_id = member
            partner.customer_loyalty_tier_ids = member.tier_id
            partner.customer_loyalty_points = member.points

    def _check_customer_loyalty_user(self):
        if not self.env.user.has_group(FACT_GROUPS):
            raise AccessError(self.env._("Only customer relationship users can see memberships."))

    def action_customer_loyalty_enrol(self):
        """Open the enrolment of these customers in a membership program."""
        self._check_customer_loyalty_user()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Enrol in a Membership"),
            "res_model": "customer.loyalty.enrol.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": self.commercial_partner_id.ids},
        }

    def action_customer_loyalty_open_member(self):
        self.ensure_one()
        self._check_customer_loyalty_user()
        return {
            "type": "ir.actions.act_window",
            "res_model": "customer.loyalty.member",
            "res_id": self.customer_loyalty_member_id.id,
            "view_mode": "form",
        }
