from odoo import models


class LoyaltyCardUpdateBalance(models.TransientModel):
    _inherit = "loyalty.card.update.balance"

    def action_update_card_point(self):
        """Odoo's balance update, followed on a member's card: points added
        become a points batch (they expire and count for the tier like
        points earned, the description as reason); points removed are taken
        from the oldest batches first. Each gets a row on the timeline."""
        self.ensure_one()
        # who may use Odoo's wizard, before the membership writes as superuser
        self.check_access("write")
        card = self.card_id
        balance = card.points
        difference = self.new_balance - balance
        result = super().action_update_card_point()
        member = (
            self.env["customer.loyalty.member"]
            .sudo()
            .with_context(active_test=False)
            .search([("card_id", "=", card.id)], limit=1)
        )
        if member and difference:
            entry = (
                self.env["loyalty.history"]
                .sudo()
                .search([("card_id", "=", card.id)], order="id desc", limit=1)
            )
            if difference > 0:
                member._add_points_by_hand(difference, self.description, entry)
            else:
                member._remove_points_by_hand(balance, -difference, self.description, entry)
        return result
