from odoo import fields, models
from odoo.exceptions import AccessError
from odoo.tools.sql import create_index

# The membership reads a card's history on every refresh of its member: an
# index keeps this a lookup however long the history grows (Odoo's field has
# none). Dropped at uninstallation (hooks.py).
CARD_INDEX = "loyalty_history_customer_card_id_index"
# The tier review looks for the points of orders placed since its last run
# that no refresh recorded: the history rows of orders by creation date.
ORDER_DATE_INDEX = "loyalty_history_customer_order_create_date_index"


class LoyaltyHistory(models.Model):
    _inherit = "loyalty.history"

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

    def init(self):
        result = super().init()
        create_index(self.env.cr, CARD_INDEX, self._table, ['"card_id"'])
        create_index(
            self.env.cr,
            ORDER_DATE_INDEX,
            self._table,
            ['"create_date"'],
            where="order_model = 'sale.order' AND customer_kind IS NULL",
        )
        return result

    def write(self, vals):
        if not self.env.su and {"customer_kind", "customer_batch_id"} & set(vals):
            raise AccessError(
                self.env._(
                    "The membership's entries of the points history are written by the "
                    "membership only."
                )
            )
        return super().write(vals)
