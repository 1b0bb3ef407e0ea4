from odoo import api, fields, models


class CustomerValueLine(models.Model):
    """Loyalty reward cost: the points members spend on rewards in
    confirmed orders, at their program's value per point."""

    _inherit = "customer.value.line"
    _depends = {
        "loyalty.history": ["card_id", "used", "order_model", "order_id", "customer_kind"],
        "loyalty.card": ["program_id"],
        "loyalty.program": ["customer_point_value"],
        "sale.order": ["company_id", "date_order", "partner_id", "state"],
    }

    source = fields.Selection(
        selection_add=[("loyalty_reward", "Loyalty reward cost")],
        ondelete={"loyalty_reward": "cascade"},
    )

    @api.model
    def _value_line_sources(self):
        profiles = self.env["customer.profile"]
        return [
            *super()._value_line_sources(),
            profiles._sql_over_tables(
                {"h": "loyalty.history", "c": "loyalty.card", "p": "loyalty.program"},
                """
                SELECT %(h.id)s AS line_id, o.partner_id, o.company_id,
                       o.date_order::date AS date, 'loyalty_reward' AS source, 0 AS revenue,
                       %(h.used)s * %(p.customer_point_value)s AS cost,
                       'sale.order' AS res_model, o.id AS res_id
                  FROM %(h)s h
                  JOIN %(c)s c ON %(c.id)s = %(h.card_id)s
                  JOIN %(p)s p ON %(p.id)s = %(c.program_id)s
                  JOIN (%(orders)s) o ON o.id = %(h.order_id)s
                 WHERE %(h.order_model)s = 'sale.order' AND %(h.customer_kind)s IS NULL
                   AND %(h.used)s > 0 AND %(p.customer_point_value)s > 0
                """,
                orders=profiles._sql_confirmed_orders(),
            ),
        ]
