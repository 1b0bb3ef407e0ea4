from odoo import models


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

    def _refresh_customer_facts(self, keys):
        """Hook: update the facts of the customers in ``keys`` right away."""
        if keys:
            partners, companies = zip(*keys, strict=True)
            self.env["customer.profile"].sudo()._refresh_customers(partners, companies)

    def write(self, vals):
        if not self._CUSTOMER_FACT_FIELDS.intersection(vals):
            return super().write(vals)
        before = self._customer_fact_keys()
        result = super().write(vals)
        self._refresh_customer_facts(before | self._customer_fact_keys())
        return result
