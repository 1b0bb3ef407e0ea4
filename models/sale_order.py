from odoo import fields, models

# (state before, state after) -> timeline event type
STATE_EVENTS = {
    ("draft", "sent"): "quotation_sent",
    ("draft", "sale"): "order_confirmed",
    ("sent", "sale"): "order_confirmed",
    ("sale", "cancel"): "order_cancelled",
}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # Changing one of these on a confirmed order changes its customer's facts.
    _CUSTOMER_FACT_FIELDS = frozenset(
        {"state", "partner_id", "company_id", "date_order", "currency_rate"}
    )

    def _customer_fact_keys(self):
        """(commercial partner, company) of the confirmed orders in ``self``."""
        return {
            (order.partner_id.commercial_partner_id.id, order.company_id.id)
            for order in self
            if order.state == "sale"
        }

    def _queue_customer_facts(self, keys):
        """Queue the customers in ``keys`` for a refresh of their facts right
        after this transaction commits (``customer.profile.queue``): the
        order's transaction never writes a row all orders of a customer share."""
        self.env["customer.profile.queue"].sudo()._enqueue(keys)

    def _customer_event_values(self, event_type):
        """Hook: the timeline row of this order for ``event_type``."""
        self.ensure_one()
        return {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "event_type": event_type,
            "res_model": self._name,
            "res_id": self.id,
            "date": fields.Datetime.now(),
            "name": self.name,
            "amount": self.amount_untaxed / (self.currency_rate or 1.0),
        }

    def _log_state_events(self, states_before):
        vals_list = [
            order._customer_event_values(STATE_EVENTS[states_before[order.id], order.state])
            for order in self
            if (states_before[order.id], order.state) in STATE_EVENTS
        ]
        self.env["customer.event"].sudo()._add_events(vals_list)

    def write(self, vals):
        if not self._CUSTOMER_FACT_FIELDS.intersection(vals):
            return super().write(vals)
        before = self._customer_fact_keys()
        states_before = {order.id: order.state for order in self}
        result = super().write(vals)
        if "state" in vals:
            self._log_state_events(states_before)
        self._queue_customer_facts(before | self._customer_fact_keys())
        return result
