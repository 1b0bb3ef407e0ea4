from odoo import fields, models
from odoo.exceptions import AccessError


class LoyaltyHistory(models.Model):
    _inherit = "loyalty.history"

    # the membership reads a card's history on every refresh of its member:
    # indexed, so that this stays a lookup however long the history grows
    card_id = fields.Many2one(index=True)
    customer_kind = fields.Selection(
        [("bonus", "Tier bonus"), ("expiry", "Expiry"), ("manual", "Balance update")],
        string="Membership Entry",
        readonly=True,
        help="Empty for the points of orders and rewards; set for the entries the membership adds.",
    )
    customer_batch_id = fields.Many2one(
        "customer.loyalty.batch",
        string="Points Batch",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
    )

    def write(self, vals):
        if not self.env.su and {"customer_kind", "customer_batch_id"} & set(vals):
            raise AccessError(
                self.env._(
                    "The membership's entries of the points history are written by the "
                    "membership only."
                )
            )
        return super().write(vals)
