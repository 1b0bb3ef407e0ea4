from odoo import api, fields, models


class CustomerValueLine(models.Model):
    """Granted complaint compensations, as a cost of the customer."""

    _inherit = "customer.value.line"
    _depends = {
        "customer.complaint.compensation": ["company_id", "cost", "date", "partner_id", "state"],
    }

    source = fields.Selection(
        selection_add=[("complaint_compensation", "Complaint compensation")],
        ondelete={"complaint_compensation": "cascade"},
    )

    @api.model
    def _value_line_sources(self):
        return [*super()._value_line_sources(), self._source_complaint_compensation()]

    @api.model
    def _source_complaint_compensation(self):
        return self.env["customer.profile"]._sql_over_tables(
            {"c": "customer.complaint.compensation"},
            """
            SELECT %(c.id)s AS line_id, %(c.partner_id)s, %(c.company_id)s, %(c.date)s,
                   'complaint_compensation' AS source, 0 AS revenue, %(c.cost)s AS cost,
                   'customer.complaint.compensation' AS res_model, %(c.id)s AS res_id
              FROM %(c)s c
             WHERE %(c.state)s = 'done' AND %(c.partner_id)s IS NOT NULL
            """,
        )
