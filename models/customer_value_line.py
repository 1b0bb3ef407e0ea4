import hashlib
import logging

import psycopg2

from odoo import api, fields, models, tools
from odoo.tools import SQL

from .customer_profile import REVENUE_GROUPS

_logger = logging.getLogger(__name__)

# Cost (and so margin) is accounting data: accounting read rights or
# invoicing rights (README.md, "Access rights by role").
COST_GROUPS = "account.group_account_readonly,account.group_account_invoice"


class CustomerValueLine(models.Model):
    """The customer value ledger: revenue and cost lines per customer.

    A database view over every source of revenue or cost of a customer.
    Each source is one SELECT returned by ``_value_line_sources``; a module
    adds its own by inheriting this model and extending that method (and
    ``source`` with ``selection_add``): the view is rebuilt when the module
    is installed or updated. Reports read only this ledger.
    """

    _name = "customer.value.line"
    _description = "Customer Value Ledger Line"
    _inherit = ["customer.audit.mixin"]
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    # flushed before the view is read; sources extend it with what they read
    _depends = {
        "account.move": ["move_type", "state"],
        "account.move.line": [
            "balance",
            "company_id",
            "date",
            "display_type",
            "move_id",
            "parent_state",
            "partner_id",
            "product_id",
            "product_uom_id",
            "quantity",
        ],
        "product.product": ["product_tmpl_id", "standard_price"],
        "product.template": ["type", "uom_id"],
        "uom.uom": ["factor"],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(readonly=True)
    source = fields.Selection(
        [("invoice", "Invoiced revenue"), ("goods_cost", "Cost of goods sold")],
        readonly=True,
    )
    revenue = fields.Monetary(readonly=True, groups=REVENUE_GROUPS)
    cost = fields.Monetary(readonly=True, groups=COST_GROUPS)
    margin = fields.Monetary(readonly=True, groups=COST_GROUPS)
    res_model = fields.Char(string="Source Model", readonly=True)
    res_id = fields.Many2oneReference(string="Source ID", model_field="res_model", readonly=True)

    @api.model
    def _value_line_sources(self):
        """The SELECTs the ledger is made of (a list of ``odoo.tools.SQL``).

        Each returns the columns ``line_id`` (unique within the source),
        ``partner_id`` (commercial partner), ``company_id``, ``date``,
        ``source`` (a key of the ``source`` selection), ``revenue``,
        ``cost`` (both in the company currency), ``res_model`` and
        ``res_id`` (the record the line comes from).
        """
        return [self._source_invoiced_revenue(), self._source_goods_cost()]

    @api.model
    def _source_invoiced_revenue(self):
        """Untaxed amounts of posted customer invoices, credit notes negative."""
        return self.env["customer.profile"]._sql_over_tables(
            {"aml": "account.move.line", "am": "account.move"},
            """
            SELECT %(aml.id)s AS line_id, %(aml.partner_id)s, %(aml.company_id)s, %(aml.date)s,
                   'invoice' AS source, -%(aml.balance)s AS revenue, 0 AS cost,
                   'account.move' AS res_model, %(aml.move_id)s AS res_id
              FROM %(aml)s aml
              JOIN %(am)s am ON %(am.id)s = %(aml.move_id)s
             WHERE %(aml.parent_state)s = 'posted'
               AND %(aml.display_type)s = 'product'
               AND %(aml.partner_id)s IS NOT NULL
               AND %(am.move_type)s IN ('out_invoice', 'out_refund')
            """,
        )

    @api.model
    def _source_goods_cost(self):
        """Cost of the goods invoiced: quantity x the product's cost.

        The cost is the product's cost price (``standard_price``) in the
        invoice's company, whether or not stock valuation is in use, with the
        quantity converted to the product's unit; credit notes count
        negative. Services cost nothing here.
        """
        return self.env["customer.profile"]._sql_over_tables(
            {
                "aml": "account.move.line",
                "am": "account.move",
                "pp": "product.product",
                "pt": "product.template",
                "line_uom": "uom.uom",
                "product_uom": "uom.uom",
            },
            """
            SELECT %(aml.id)s AS line_id, %(aml.partner_id)s, %(aml.company_id)s, %(aml.date)s,
                   'goods_cost' AS source, 0 AS revenue,
                   CASE WHEN %(am.move_type)s = 'out_refund' THEN -1 ELSE 1 END
                     * %(aml.quantity)s / COALESCE(NULLIF(%(line_uom.factor)s, 0), 1)
                     * COALESCE(%(product_uom.factor)s, 1)
                     * COALESCE((%(pp.standard_price)s ->> %(aml.company_id)s::text)::numeric, 0)
                     AS cost,
                   'account.move' AS res_model, %(aml.move_id)s AS res_id
              FROM %(aml)s aml
              JOIN %(am)s am ON %(am.id)s = %(aml.move_id)s
              JOIN %(pp)s pp ON %(pp.id)s = %(aml.product_id)s
              JOIN %(pt)s pt ON %(pt.id)s = %(pp.product_tmpl_id)s
              LEFT JOIN %(line_uom)s line_uom ON %(line_uom.id)s = %(aml.product_uom_id)s
              LEFT JOIN %(product_uom)s product_uom ON %(product_uom.id)s = %(pt.uom_id)s
             WHERE %(aml.parent_state)s = 'posted'
               AND %(aml.display_type)s = 'product'
               AND %(aml.partner_id)s IS NOT NULL
               AND %(am.move_type)s IN ('out_invoice', 'out_refund')
               AND %(pt.type)s = 'consu'
            """,
        )

    @api.model
    def _value_line_query(self):
        sources = self._value_line_sources()
        return SQL(" UNION ALL ").join(
            SQL(
                """
                SELECT (src.line_id::bigint * %(count)s + %(index)s) AS id,
                       src.partner_id::integer AS partner_id,
                       src.company_id::integer AS company_id,
                       src.date::date AS date,
                       src.source::varchar AS source,
                       ROUND(src.revenue::numeric, 2) AS revenue,
                       ROUND(src.cost::numeric, 2) AS cost,
                       ROUND(src.revenue::numeric - src.cost::numeric, 2) AS margin,
                       src.res_model::varchar AS res_model,
                       src.res_id::integer AS res_id
                  FROM (%(source)s) AS src
                """,
                count=len(sources),
                index=index,
                source=source,
            )
            for index, source in enumerate(sources)
        )

    @api.model
    def _view_signature(self, query):
        """A digest of the view's statement, kept as the view's comment."""
        return hashlib.sha1(repr((query.code, query.params)).encode()).hexdigest()

    def init(self):
        query = self._value_line_query()
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), query)
        )
        self.env.cr.execute(
            SQL(
                "COMMENT ON VIEW %s IS %s",
                SQL.identifier(self._table),
                self._view_signature(query),
            )
        )

    def _register_hook(self):
        """Rebuild the view when the loaded modules' sources are not the ones
        it was made of: when a module adding a source is uninstalled, its
        lines leave the ledger with it (only updated modules rebuild it
        otherwise)."""
        result = super()._register_hook()
        self.env.cr.execute(SQL("SELECT obj_description(to_regclass(%s), 'pg_class')", self._table))
        if self.env.cr.fetchone()[0] != self._view_signature(self._value_line_query()):
            try:
                with self.env.cr.savepoint():
                    self.init()
            except psycopg2.errors.ReadOnlySqlTransaction:
                _logger.warning("%s: the view's sources changed; update the module", self._table)
        return result
