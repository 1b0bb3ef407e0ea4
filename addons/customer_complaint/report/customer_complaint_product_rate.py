from odoo import fields, models, tools
from odoo.tools import SQL

RATE_HELP = (
    "Complaints concerning the product received in the month, divided by the confirmed "
    "sales orders of the month containing the product, in percent. A complaint concerns the "
    "products it names, or, when it names none, every product of the order it is about. "
    "Months are calendar months (UTC) of the complaint's reception and of the order date. "
    "Over several months or products the rate is the complaints added up over the orders "
    "added up."
)


class CustomerComplaintProductRate(models.Model):
    """Complaint rate per product, company and month: complaints concerning
    the product against the confirmed orders containing it. Only products
    with at least one complaint in the company are listed."""

    _name = "customer.complaint.product.rate"
    _description = "Complaint Rate per Product"
    _auto = False
    _order = "date desc, complaint_count desc"
    _rec_name = "product_id"
    _depends = {
        "helpdesk.ticket": [
            "active",
            "company_id",
            "complaint_date",
            "complaint_order_id",
            "complaint_product_ids",
            "is_complaint",
        ],
        "sale.order": ["company_id", "date_order", "partner_id", "state"],
        "sale.order.line": ["order_id", "product_id"],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    product_id = fields.Many2one("product.product", string="Product", readonly=True)
    date = fields.Date(string="Month", readonly=True, help="First day of the month.")
    complaint_count = fields.Integer(
        string="Complaints",
        readonly=True,
        help="Complaints received in the month that concern the product.",
    )
    order_count = fields.Integer(
        string="Confirmed Orders",
        readonly=True,
        help="Confirmed sales orders of the month with a line of the product.",
    )
    complaint_rate = fields.Float(
        string="Complaint Rate (%)", readonly=True, aggregator="sum", help=RATE_HELP
    )

    def _query(self):
        profiles = self.env["customer.profile"]
        return profiles._sql_over_tables(
            {
                "tc": "helpdesk.ticket",
                "sol": "sale.order.line",
                "ol": "sale.order.line",
            },
            """
            WITH complaint AS (
                SELECT %(tc.id)s, %(tc.company_id)s, %(tc.complaint_order_id)s,
                       date_trunc('month', %(tc.complaint_date)s)::date AS month
                  FROM %(tc)s tc
                 WHERE %(tc.is_complaint)s AND %(tc.active)s
                   AND %(tc.complaint_date)s IS NOT NULL
            ),
            concerned AS (
                SELECT c.id AS ticket_id, c.company_id, c.month, rel.product_id
                  FROM complaint c
                  JOIN %(product_rel)s rel ON rel.ticket_id = c.id
                 UNION
                SELECT c.id, c.company_id, c.month, %(sol.product_id)s
                  FROM complaint c
                  JOIN %(sol)s sol ON %(sol.order_id)s = c.complaint_order_id
                 WHERE %(sol.product_id)s IS NOT NULL
                   AND NOT EXISTS (
                       SELECT 1 FROM %(product_rel)s named WHERE named.ticket_id = c.id
                   )
            ),
            complaints AS (
                SELECT company_id, product_id, month, count(DISTINCT ticket_id) AS complaint_count
                  FROM concerned
                 GROUP BY company_id, product_id, month
            ),
            orders AS (
                SELECT o.company_id, %(ol.product_id)s AS product_id,
                       date_trunc('month', o.date_order)::date AS month,
                       count(DISTINCT o.id) AS order_count
                  FROM (%(confirmed)s) o
                  JOIN %(ol)s ol ON %(ol.order_id)s = o.id
                 WHERE EXISTS (
                       SELECT 1 FROM concerned k
                        WHERE k.product_id = %(ol.product_id)s AND k.company_id = o.company_id
                 )
                 GROUP BY o.company_id, %(ol.product_id)s, date_trunc('month', o.date_order)
            )
            SELECT row_number() OVER (ORDER BY company_id, product_id, month) AS id,
                   company_id, product_id, month AS date,
                   COALESCE(c.complaint_count, 0) AS complaint_count,
                   COALESCE(o.order_count, 0) AS order_count,
                   COALESCE(c.complaint_count, 0) * 100.0 / NULLIF(o.order_count, 0)
                       AS complaint_rate
              FROM complaints c
              FULL JOIN orders o USING (company_id, product_id, month)
            """,
            product_rel=SQL.identifier(
                self.env["helpdesk.ticket"]._fields["complaint_product_ids"].relation
            ),
            confirmed=profiles._sql_confirmed_orders(),
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )

    def _read_group_select(self, aggregate_spec, query):
        """The rate of a group is its complaints over its orders, not the sum
        of its rows' rates."""
        if aggregate_spec != "complaint_rate:sum":
            return super()._read_group_select(aggregate_spec, query)
        return SQL(
            "SUM(%s) * 100.0 / NULLIF(SUM(%s), 0)",
            self._field_to_sql(self._table, "complaint_count", query),
            self._field_to_sql(self._table, "order_count", query),
        )
