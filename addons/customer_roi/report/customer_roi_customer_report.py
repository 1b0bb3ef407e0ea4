from odoo import fields, models

MANAGER = "customer_relationship.group_customer_manager"


class CustomerRoiCustomerReport(models.Model):
    """Customer profitability analysis (pivot and graph) over the value
    ledger: each ledger line split into revenue, cost of goods and cost to
    serve (every other cost source). Read it by customer and month."""

    _name = "customer.roi.customer.report"
    _description = "Customer Profitability Analysis"
    _auto = False
    _order = "date desc"
    _rec_name = "partner_id"
    _depends = {
        "customer.value.line": ["company_id", "cost", "date", "partner_id", "revenue", "source"],
        "res.partner": ["user_id"],
        "res.users": ["sale_team_id"],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(readonly=True)
    source = fields.Selection(
        selection=lambda self: self.env["customer.value.line"]._fields["source"].selection,
        readonly=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        readonly=True,
        help="The customer's salesperson, as on its form.",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        readonly=True,
        help="The sales team of the customer's salesperson.",
    )
    revenue = fields.Monetary(
        readonly=True, groups=MANAGER, help="Invoiced revenue (value ledger)."
    )
    goods_cost = fields.Monetary(
        string="Cost of Goods",
        readonly=True,
        groups=MANAGER,
        help="Cost of the goods invoiced (value ledger).",
    )
    margin = fields.Monetary(
        string="Gross Margin", readonly=True, groups=MANAGER, help="Revenue - cost of goods."
    )
    cost_to_serve = fields.Monetary(
        string="Cost to Serve",
        readonly=True,
        groups=MANAGER,
        help="Every other cost of the value ledger: complaint compensations, loyalty "
        "rewards, allocated campaign cost...",
    )
    profit = fields.Monetary(readonly=True, groups=MANAGER, help="Gross margin - cost to serve.")

    @property
    def _table_query(self):
        return self.env["customer.profile"]._sql_over_tables(
            {"l": "customer.value.line", "p": "res.partner", "u": "res.users"},
            """
            SELECT %(l.id)s AS id, %(l.partner_id)s AS partner_id,
                   %(l.company_id)s AS company_id, %(l.date)s AS date,
                   %(l.source)s AS source, %(p.user_id)s AS user_id,
                   %(u.sale_team_id)s AS team_id,
                   %(l.revenue)s AS revenue,
                   CASE WHEN %(l.source)s = 'goods_cost' THEN %(l.cost)s ELSE 0 END AS goods_cost,
                   %(l.revenue)s - CASE WHEN %(l.source)s = 'goods_cost'
                                        THEN %(l.cost)s ELSE 0 END AS margin,
                   CASE WHEN %(l.source)s = 'goods_cost' THEN 0 ELSE %(l.cost)s END
                     AS cost_to_serve,
                   %(l.revenue)s - %(l.cost)s AS profit
              FROM %(l)s l
              LEFT JOIN %(p)s p ON %(p.id)s = %(l.partner_id)s
              LEFT JOIN %(u)s u ON %(u.id)s = %(p.user_id)s
            """,
        )
