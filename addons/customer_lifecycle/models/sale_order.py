from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _refresh_customer_facts(self, keys):
        """Move the touched customers through their lifecycle once their facts
        are up to date."""
        result = super()._refresh_customer_facts(keys)
        self.env["customer.lifecycle.state"].sudo()._evaluate_customers(keys)
        return result
