from odoo import api, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # Changing one of these on a line of a confirmed order changes its amount.
    _CUSTOMER_FACT_FIELDS = frozenset(
        {"product_uom_qty", "price_unit", "discount", "tax_id", "product_id", "order_id"}
    )

    def _queue_order_customer_facts(self, orders):
        orders._queue_customer_facts(orders._customer_fact_keys())

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        self._queue_order_customer_facts(lines.order_id)
        return lines

    def write(self, vals):
        if not self._CUSTOMER_FACT_FIELDS.intersection(vals):
            return super().write(vals)
        orders = self.order_id
        result = super().write(vals)
        self._queue_order_customer_facts(orders | self.order_id)
        return result

    def unlink(self):
        orders = self.order_id
        result = super().unlink()
        self._queue_order_customer_facts(orders.exists())
        return result
