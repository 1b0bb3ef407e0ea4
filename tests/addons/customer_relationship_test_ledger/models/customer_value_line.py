from odoo import api, fields, models
from odoo.tools import SQL


class CustomerValueLine(models.Model):
    """A handling fee of 10 per confirmed sales order, as a ledger source."""

    _inherit = "customer.value.line"
    _depends = {"sale.order": ["company_id", "date_order", "partner_id", "state"]}

    source = fields.Selection(
        selection_add=[("test_handling_fee", "Handling fee (test)")],
        ondelete={"test_handling_fee": "cascade"},
    )

    @api.model
    def _value_line_sources(self):
        return [
            *super()._value_line_sources(),
            SQL(
                """
                SELECT o.id AS line_id, o.partner_id, o.company_id, o.date_order::date AS date,
                       'test_handling_fee' AS source, 0 AS revenue, 10 AS cost,
                       'sale.order' AS res_model, o.id AS res_id
                  FROM (%s) o
                """,
                self.env["customer.profile"]._sql_confirmed_orders(),
            ),
        ]
