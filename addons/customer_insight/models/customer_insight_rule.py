from odoo import api, fields, models
from odoo.tools import SQL


class CustomerInsightRule(models.Model):
    """An association rule between two products of confirmed orders: of the
    orders holding ``product_id``, the share ``confidence`` also holds
    ``consequent_id``. Recomputed by SQL (``_recompute``) for a whole
    company; users read them."""

    _name = "customer.insight.rule"
    _description = "Cross-Sell Rule"
    _order = "lift desc, confidence desc, id"
    _rec_name = "product_id"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    product_id = fields.Many2one(
        "product.product", string="Bought", required=True, readonly=True, ondelete="cascade"
    )
    consequent_id = fields.Many2one(
        "product.product", string="Also Bought", required=True, readonly=True, ondelete="cascade"
    )
    product_categ_id = fields.Many2one(
        "product.category", string="Bought Category", readonly=True, ondelete="set null"
    )
    consequent_categ_id = fields.Many2one(
        "product.category", string="Also Bought Category", readonly=True, ondelete="set null"
    )
    pair_count = fields.Integer(
        string="Orders with Both", readonly=True, help="Confirmed orders holding both products."
    )
    product_count = fields.Integer(string="Orders with Bought", readonly=True, aggregator="max")
    consequent_count = fields.Integer(
        string="Orders with Also Bought", readonly=True, aggregator="max"
    )
    order_count = fields.Integer(string="All Orders", readonly=True, aggregator="max")
    support = fields.Float(
        readonly=True,
        digits=(16, 4),
        aggregator="avg",
        help="Share of all confirmed orders holding both products.",
    )
    confidence = fields.Float(
        readonly=True,
        digits=(16, 4),
        aggregator="avg",
        help="Share of the orders with the first product that also hold the second.",
    )
    lift = fields.Float(
        readonly=True,
        digits=(16, 2),
        aggregator="avg",
        help="Confidence divided by the share of all orders holding the second product: "
        "above 1, buying the first makes the second more likely.",
    )

    _sql_constraints = [
        (
            "pair_uniq",
            "unique (company_id, product_id, consequent_id)",
            "A product pair has one rule per company.",
        ),
    ]

    @api.model
    def _sql_baskets(self, company_ids):
        """SELECT of the distinct (order, product) pairs of the confirmed
        orders of ``company_ids``: ``order_id``, ``company_id``,
        ``product_id``."""
        profiles = self.env["customer.profile"]
        return profiles._sql_over_tables(
            {"l": "sale.order.line"},
            """
            SELECT DISTINCT %(l.order_id)s, o.company_id, %(l.product_id)s
              FROM %(l)s l
              JOIN (%(orders)s) o ON o.id = %(l.order_id)s
             WHERE %(l.product_id)s IS NOT NULL AND %(l.display_type)s IS NULL
            """,
            orders=profiles._sql_confirmed_orders(company_ids),
        )

    @api.model
    def _recompute(self, company):
        """Replace the rules of ``company`` by those of its confirmed orders
        now, with its minimum support and confidence: one DELETE and one
        INSERT .. SELECT (a self-join of the orders' products). Returns the
        number of rules."""
        self.env.flush_all()
        profiles = self.env["customer.profile"]
        self.env.execute_query(
            SQL("DELETE FROM %s WHERE company_id = %s", SQL.identifier(self._table), company.id)
        )
        query = profiles._sql_over_tables(
            {"pp": "product.product", "pt": "product.template", "r": self._name},
            """
            WITH baskets AS MATERIALIZED (%(baskets)s),
            total AS (SELECT COUNT(DISTINCT order_id) AS n FROM baskets),
            items AS (
                SELECT b.product_id, COUNT(*) AS n
                  FROM baskets b
                 GROUP BY b.product_id
                HAVING COUNT(*) >= %(min_support)s * (SELECT n FROM total)
            ),
            frequent AS (
                SELECT b.order_id, b.product_id FROM baskets b JOIN items i USING (product_id)
            ),
            pairs AS (
                SELECT a.product_id, c.product_id AS consequent_id, COUNT(*) AS n
                  FROM frequent a
                  JOIN frequent c ON c.order_id = a.order_id AND c.product_id <> a.product_id
                 GROUP BY a.product_id, c.product_id
            )
            INSERT INTO %(r)s (%(r:company_id)s, %(r:product_id)s, %(r:consequent_id)s,
                               %(r:product_categ_id)s, %(r:consequent_categ_id)s,
                               %(r:pair_count)s, %(r:product_count)s, %(r:consequent_count)s,
                               %(r:order_count)s, %(r:support)s, %(r:confidence)s, %(r:lift)s,
                               create_uid, create_date, write_uid, write_date)
            SELECT %(company)s, p.product_id, p.consequent_id,
                   (SELECT %(pt.categ_id)s FROM %(pp)s pp JOIN %(pt)s pt
                       ON %(pt.id)s = %(pp.product_tmpl_id)s WHERE %(pp.id)s = p.product_id),
                   (SELECT %(pt.categ_id)s FROM %(pp)s pp JOIN %(pt)s pt
                       ON %(pt.id)s = %(pp.product_tmpl_id)s WHERE %(pp.id)s = p.consequent_id),
                   p.n, ia.n, ic.n, t.n,
                   p.n::float / t.n,
                   p.n::float / ia.n,
                   (p.n::float / ia.n) / (ic.n::float / t.n),
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM pairs p
              JOIN items ia ON ia.product_id = p.product_id
              JOIN items ic ON ic.product_id = p.consequent_id
              CROSS JOIN total t
             WHERE p.n >= %(min_support)s * t.n
               AND p.n >= %(min_confidence)s * ia.n
            """,
            baskets=self._sql_baskets([company.id]),
            company=company.id,
            min_support=company.insight_min_support,
            min_confidence=company.insight_min_confidence,
            uid=self.env.uid,
        )
        self.env.cr.execute(query)
        count = self.env.cr.rowcount
        self.invalidate_model()
        return count

    def action_open_recompute(self):
        """Managers: recompute rules, recommendations and churn risk of the
        current companies now."""
        return self.env["customer.insight"].action_refresh_all()
