import datetime
import random

from odoo import api, fields, models
from odoo.tools import SQL


class CustomerRelationshipDemo(models.AbstractModel):
    """Builds the demo database's history; called from demo data only."""

    _name = "customer.relationship.demo"
    _description = "Customer Relationship Demo Loader"

    @api.model
    def _demo_create_orders(self, plans, product_xmlids):
        """Confirmed orders spread over the last two years, invoiced when
        older than three weeks and paid when older than 45 days, then a
        full run.

        ``plans`` holds ``[partner xmlid, orders, first day ago, last day ago,
        average amount]``; amounts and dates vary deterministically.
        """
        rng = random.Random(20261124)
        products = [self.env.ref(xmlid) for xmlid in product_xmlids]
        now = fields.Datetime.now()
        dated = []
        for xmlid, count, first_ago, last_ago, amount in plans:
            partner = self.env.ref(xmlid)
            for index in range(count):
                days_ago = first_ago - (first_ago - last_ago) * index // max(count - 1, 1)
                product = products[rng.randrange(len(products))]
                quantity = max(1, round(amount * rng.uniform(0.6, 1.4) / product.list_price))
                order = self.env["sale.order"].create(
                    {
                        "partner_id": partner.id,
                        "order_line": [
                            fields.Command.create(
                                {"product_id": product.id, "product_uom_qty": quantity}
                            )
                        ],
                    }
                )
                dated.append((order, now - datetime.timedelta(days=days_ago, hours=index)))
        orders = self.env["sale.order"].concat(*(order for order, _date in dated))
        orders.action_confirm()
        self.env.flush_all()
        self._demo_move_orders(dict(dated))
        # invoice the orders older than three weeks, dated like their order
        to_invoice = [(order, date) for order, date in dated if date < now - datetime.timedelta(21)]
        paid = {}
        for order, date in to_invoice:
            invoice = order._create_invoices()
            invoice.invoice_date = date.date()
            invoice.action_post()
            if date < now - datetime.timedelta(45):
                paid[invoice] = date + datetime.timedelta(days=14)
        for invoice, date in paid.items():
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": date.date()})._create_payments()
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET date = %s WHERE res_model = %s AND res_id = %s",
                    SQL.identifier(self.env["customer.event"]._table),
                    date,
                    invoice._name,
                    invoice.id,
                )
            )
        self.env["customer.profile.queue"]._process()
        return self.env["customer.profile"]._recompute_all(self.env["res.company"].search([]))

    @api.model
    def _demo_move_orders(self, dates):
        """Move orders, and their timeline rows, to ``dates`` ({order: datetime})."""
        orders = self.env["sale.order"]
        events = self.env["customer.event"]
        for order, date in dates.items():
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET date_order = %s WHERE id = %s",
                    SQL.identifier(orders._table),
                    date,
                    order.id,
                )
            )
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET date = %s WHERE res_model = %s AND res_id = %s",
                    SQL.identifier(events._table),
                    date,
                    orders._name,
                    order.id,
                )
            )
        orders.invalidate_model(["date_order"])
        events.invalidate_model(["date"])
