from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CustomerLoyaltyTier(models.Model):
    _name = "customer.loyalty.tier"
    _description = "Membership Tier"
    _order = "program_id, sequence, threshold, id"

    name = fields.Char(required=True, translate=True)
    program_id = fields.Many2one(
        "loyalty.program",
        string="Program",
        required=True,
        ondelete="cascade",
        index=True,
        domain=[("program_type", "=", "loyalty")],
    )
    company_id = fields.Many2one(related="program_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    level = fields.Integer(
        compute="_compute_level",
        store=True,
        help="Rank of the tier in its program: 1 for the first tier.",
    )
    threshold = fields.Float(
        string="Qualifying Threshold",
        help="Points earned, or spend, within the program's qualifying period "
        "that a member must reach to hold this tier.",
    )
    multiplier = fields.Float(
        string="Points Multiplier",
        default=1.0,
        digits=(16, 2),
        help="Points earned on sales orders are multiplied by this figure.",
    )
    color = fields.Integer(string="Colour")
    pricelist_id = fields.Many2one(
        "product.pricelist",
        string="Pricelist",
        help="Given to the member's customer record while they hold the tier.",
    )
    reward_ids = fields.Many2many(
        "loyalty.reward",
        string="Reserved Rewards",
        help="Rewards of the program that only members of this tier (or above) can claim.",
    )
    member_count = fields.Integer(compute="_compute_member_count")

    _sql_constraints = [
        (
            "multiplier_positive",
            "CHECK (multiplier >= 0)",
            "A tier's points multiplier cannot be negative.",
        ),
        ("threshold_positive", "CHECK (threshold >= 0)", "A tier's threshold cannot be negative."),
    ]

    @api.depends("sequence", "threshold", "program_id.customer_tier_ids.sequence")
    def _compute_level(self):
        for program in self.program_id:
            ordered = program.customer_tier_ids.sorted(lambda t: (t.sequence, t.threshold, t.id))
            for level, tier in enumerate(ordered, start=1):
                tier.level = level
        for tier in self.filtered(lambda t: not t.program_id):
            tier.level = 0

    def _compute_member_count(self):
        counts = dict(
            self.env["customer.loyalty.member"]._read_group(
                [("tier_id", "in", self.ids)], ["tier_id"], ["__count"]
            )
        )
        for tier in self:
            tier.member_count = counts.get(tier, 0)

    @api.constrains("multiplier", "threshold", "sequence", "program_id")
    def _check_tier(self):
        for tier in self:
            if tier.multiplier < 0:
                raise ValidationError(
                    self.env._(
                        "%(tier)s: the points multiplier cannot be negative.", tier=tier.name
                    )
                )
            if tier.threshold < 0:
                raise ValidationError(
                    self.env._("%(tier)s: the threshold cannot be negative.", tier=tier.name)
                )
            reserved = tier.reward_ids.filtered(
                lambda r, tier=tier: r.program_id != tier.program_id
            )
            if reserved:
                raise ValidationError(
                    self.env._(
                        "%(tier)s: a tier can only reserve rewards of its own program.",
                        tier=tier.name,
                    )
                )
        self.program_id._check_customer_tier_thresholds()

    @api.constrains("reward_ids")
    def _check_reserved_rewards(self):
        self._check_tier()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_held(self):
        if self.env["customer.loyalty.member"].search_count([("tier_id", "in", self.ids)], limit=1):
            raise ValidationError(
                self.env._("Members hold this tier: move them to another tier first.")
            )
