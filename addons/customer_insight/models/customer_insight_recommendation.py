from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class CustomerInsightRecommendation(models.Model):
    """A product a customer has not bought yet, ranked by the association
    rules of what it did buy. Written by SQL (``_refresh``) for a whole
    company or for given customers; the best rule gives the reason."""

    _name = "customer.insight.recommendation"
    _description = "Cross-Sell Recommendation"
    _order = "sequence, id"
    _rec_name = "product_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    product_id = fields.Many2one(
        "product.product",
        string="Recommended Product",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    rule_id = fields.Many2one(
        "customer.insight.rule", string="Rule", readonly=True, ondelete="cascade"
    )
    antecedent_id = fields.Many2one(related="rule_id.product_id", string="Because of")
    sequence = fields.Integer(string="Rank", readonly=True)
    confidence = fields.Float(readonly=True, digits=(16, 4))
    lift = fields.Float(readonly=True, digits=(16, 2))
    reason = fields.Char(compute="_compute_reason")
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")

    _sql_constraints = [
        (
            "partner_product_uniq",
            "unique (partner_id, company_id, product_id)",
            "A product is recommended once to a customer in a company.",
        ),
    ]

    def init(self):
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS customer_insight_recommendation_partner_index"
                " ON %s (partner_id, company_id)",
                SQL.identifier(self._table),
            )
        )

    @api.depends("rule_id", "confidence", "lift", "product_id")
    def _compute_reason(self):
        for recommendation in self:
            share = f"{recommendation.confidence * 100:.0f}"
            lift = f"{recommendation.lift:.1f}"
            recommendation.reason = self.env._(
                "Bought %(bought)s; %(share)s%% of the orders with %(bought)s also include "
                "%(product)s, lift %(lift)s",
                bought=recommendation.antecedent_id.display_name,
                share=share,
                product=recommendation.product_id.display_name,
                lift=lift,
            )

    @api.model
    def _refresh(self, company_ids, partner_ids=None):
        """Rewrite the recommendations of the customers of ``company_ids``
        (of ``partner_ids`` if given): two statements. For each product not
        bought yet (active and sold) the best rule from a product bought
        gives it its confidence; the company's top N are kept."""
        self.env.flush_all()
        profiles = self.env["customer.profile"]
        partner_ids = list(partner_ids) if partner_ids is not None else None
        partner_filter = (
            SQL(" AND partner_id = ANY(%s)", partner_ids) if partner_ids is not None else SQL()
        )
        self.env.execute_query(
            SQL(
                "DELETE FROM %s WHERE company_id = ANY(%s)%s",
                SQL.identifier(self._table),
                list(company_ids),
                partner_filter,
            )
        )
        query = profiles._sql_over_tables(
            {
                "l": "sale.order.line",
                "r": "customer.insight.rule",
                "pp": "product.product",
                "pt": "product.template",
                "c": "res.company",
                "rec": self._name,
            },
            """
            WITH bought AS MATERIALIZED (
                SELECT DISTINCT o.partner_id, o.company_id, %(l.product_id)s AS product_id
                  FROM %(l)s l
                  JOIN (%(orders)s) o ON o.id = %(l.order_id)s
                 WHERE %(l.product_id)s IS NOT NULL
            ),
            candidates AS (
                SELECT DISTINCT ON (b.partner_id, b.company_id, %(r.consequent_id)s)
                       b.partner_id, b.company_id, %(r.consequent_id)s AS product_id,
                       %(r.id)s AS rule_id, %(r.confidence)s AS confidence, %(r.lift)s AS lift
                  FROM bought b
                  JOIN %(r)s r
                    ON %(r.company_id)s = b.company_id AND %(r.product_id)s = b.product_id
                  JOIN %(pp)s pp ON %(pp.id)s = %(r.consequent_id)s AND %(pp.active)s
                  JOIN %(pt)s pt
                    ON %(pt.id)s = %(pp.product_tmpl_id)s AND %(pt.active)s AND %(pt.sale_ok)s
                 WHERE NOT EXISTS (
                     SELECT 1 FROM bought b2
                      WHERE b2.partner_id = b.partner_id AND b2.company_id = b.company_id
                        AND b2.product_id = %(r.consequent_id)s)
                 ORDER BY b.partner_id, b.company_id, %(r.consequent_id)s,
                          %(r.confidence)s DESC, %(r.lift)s DESC, %(r.id)s
            ),
            ranked AS (
                SELECT k.*, ROW_NUMBER() OVER (
                           PARTITION BY k.partner_id, k.company_id
                           ORDER BY k.confidence DESC, k.lift DESC, k.product_id) AS rank
                  FROM candidates k
            )
            INSERT INTO %(rec)s (%(rec:partner_id)s, %(rec:company_id)s, %(rec:product_id)s,
                                 %(rec:rule_id)s, %(rec:sequence)s, %(rec:confidence)s,
                                 %(rec:lift)s, create_uid, create_date, write_uid, write_date)
            SELECT k.partner_id, k.company_id, k.product_id, k.rule_id, k.rank, k.confidence,
                   k.lift, %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM ranked k
              JOIN %(c)s c ON %(c.id)s = k.company_id
             WHERE k.rank <= %(c.insight_recommendation_count)s
             ORDER BY k.company_id, k.partner_id, k.rank
            """,
            orders=profiles._sql_confirmed_orders(list(company_ids), None, partner_ids),
            uid=self.env.uid,
        )
        self.env.cr.execute(query)
        count = self.env.cr.rowcount
        self.invalidate_model()
        return count

    def action_add_to_order(self):
        """Add the recommended product to the quotation of the context
        (``insight_order_id``), as the current user."""
        self.ensure_one()
        self.check_access("read")
        order = self.env["sale.order"].browse(self.env.context.get("insight_order_id")).exists()
        if not order:
            raise UserError(self.env._("Open a quotation to add a recommended product to it."))
        order.check_access("write")
        if order.state not in ("draft", "sent"):
            raise UserError(
                self.env._(
                    "%(order)s is no longer a quotation: products can only be added to quotations.",
                    order=order.name,
                )
            )
        if (
            order.partner_id.commercial_partner_id != self.partner_id
            or order.company_id != self.company_id
        ):
            raise UserError(
                self.env._(
                    "This recommendation is for another customer than %(order)s's.",
                    order=order.name,
                )
            )
        self.env["sale.order.line"].create({"order_id": order.id, "product_id": self.product_id.id})
        return True
