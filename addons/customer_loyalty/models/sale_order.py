from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _get_claimable_rewards(self, forced_coupons=None):
        """Rewards reserved to tiers are claimable by members of that tier or
        a higher one only (a read: the order's transaction writes nothing
        more)."""
        result = super()._get_claimable_rewards(forced_coupons=forced_coupons)
        tiers = (
            self.env["customer.loyalty.tier"]
            .sudo()
            .search([("reward_ids", "in", [r.id for rewards in result.values() for r in rewards])])
        )
        if not tiers:
            return result
        members = (
            self.env["customer.loyalty.member"]
            .sudo()
            .search([("card_id", "in", [coupon.id for coupon in result])])
        )
        level_by_card = {member.card_id.id: member.tier_id.level for member in members}
        for coupon in list(result):
            level = level_by_card.get(coupon.id, 0)
            reserved = tiers.filtered(lambda t, level=level: t.level > level).reward_ids
            held = tiers.filtered(lambda t, level=level: t.level <= level).reward_ids
            result[coupon] -= reserved - held
            if not result[coupon]:
                del result[coupon]
        return result
