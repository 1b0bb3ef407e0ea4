from odoo import api, fields, models
from odoo.exceptions import AccessError


class SaleOrderCouponPoints(models.Model):
    _inherit = "sale.order.coupon.points"

    customer_deferred = fields.Boolean(
        string="Added After the Commit",
        readonly=True,
        help="The points go to a member's card after the order's commit, with the "
        "tier bonus, rather than in the order's transaction.",
    )

    def _check_deferred_written(self, fields_written):
        """Only the membership marks the points it adds itself: a mark set by
        hand would keep a cancellation from taking the points back."""
        if not self.env.su and "customer_deferred" in fields_written:
            raise AccessError(
                self.env._("Whether points are added after the commit is set by the membership.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_deferred_written(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_deferred_written(vals)
        return super().write(vals)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _get_point_changes(self):
        """The points these orders earn on a member's card are left out: the
        membership adds them after the commit, with the tier bonus
        (``customer.loyalty.batch``), so that the order's transaction does not
        update the card that every order of the member shares. Points spent on
        rewards stay in: a redemption checks and debits the balance in the
        same transaction. At confirmation the entries left out are marked (the
        order's own rows); at cancellation the marked ones are left out, since
        the membership takes back what it added."""
        changes = super()._get_point_changes()
        entries = self.coupon_point_ids
        if not entries:
            return changes
        cancelled = entries.filtered(lambda e: e.order_id.state == "cancel")
        confirming = entries - cancelled
        members = (
            self.env["customer.loyalty.member"]
            .sudo()
            .search([("card_id", "in", confirming.coupon_id.ids)])
        )
        deferred = confirming.filtered(lambda e: e.coupon_id in members.card_id)
        deferred.filtered(lambda e: not e.customer_deferred).sudo().write(
            {"customer_deferred": True}
        )
        for entry in deferred | cancelled.filtered("customer_deferred"):
            changes[entry.coupon_id] -= entry.points
        return {coupon: change for coupon, change in changes.items() if change}

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
