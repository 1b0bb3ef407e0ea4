from odoo import api, fields, models


class CustomerProfile(models.Model):
    _inherit = "customer.profile"

    loyalty_tier_id = fields.Many2one(
        "customer.loyalty.tier",
        string="Membership Tier",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The highest tier the customer holds in the company's membership programs.",
    )
    loyalty_tier_level = fields.Integer(
        string="Membership Tier Level",
        readonly=True,
        help="Rank of that tier in its program: 0 without a tier, 1 for the first tier.",
    )

    loyalty_member = fields.Boolean(
        string="Member",
        readonly=True,
        help="The customer is a member of one of the company's membership programs.",
    )
    loyalty_tier_badge_ids = fields.Many2many(
        "customer.loyalty.tier", string="Tier", compute="_compute_loyalty_tier_badge_ids"
    )

    @api.depends("loyalty_tier_id")
    def _compute_loyalty_tier_badge_ids(self):
        for profile in self:
            profile.loyalty_tier_badge_ids = profile.loyalty_tier_id

    @api.model
    def _on_facts_changed(self, keys):
        """Members of the refreshed customers: enrolment at the first order,
        the points of their orders once each, tier upgrades and the tier
        fact, before the other plugins (the lifecycle rules) read it."""
        self.env["customer.loyalty.member"].sudo()._on_customers_refreshed(keys)
        return super()._on_facts_changed(keys)
