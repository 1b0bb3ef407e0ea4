from odoo import fields, models

MANAGER = "customer_relationship.group_customer_manager"


class CustomerRoiCampaignReport(models.Model):
    """Campaign ROI analysis (pivot and graph): one row per lead, per
    attributed confirmed order and per cost line of a campaign. The
    filters it is read with (campaign, company, date) are indexed on the
    tables underneath (``campaign_id`` of leads and orders, ``date_order``,
    and the cost lines' campaign, company and date)."""

    _name = "customer.roi.campaign.report"
    _description = "Campaign ROI Analysis"
    _auto = False
    _order = "date desc"
    _rec_name = "campaign_id"

    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(readonly=True)
    kind = fields.Selection(
        [("lead", "Lead"), ("order", "Won order"), ("cost", "Cost")], readonly=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    lead_count = fields.Integer(
        string="Leads", readonly=True, help="Leads and opportunities created with the campaign."
    )
    opportunity_count = fields.Integer(
        string="Opportunities", readonly=True, help="Of the leads, the opportunities."
    )
    order_count = fields.Integer(
        string="Won Orders",
        readonly=True,
        help="Confirmed orders attributed to the campaign: the order's campaign, or else "
        "its opportunity's (last touch).",
    )
    new_customer_count = fields.Integer(
        string="New Customers",
        readonly=True,
        help="Won orders that are their customer's first confirmed order in the company.",
    )
    revenue = fields.Monetary(readonly=True, help="Untaxed amount of the won orders.")
    goods_cost = fields.Monetary(
        string="Cost of Goods",
        readonly=True,
        groups=MANAGER,
        help="Quantity x the product's cost of the goods of the won orders.",
    )
    margin = fields.Monetary(
        string="Gross Margin", readonly=True, groups=MANAGER, help="Revenue - cost of goods."
    )
    cost = fields.Monetary(
        string="Campaign Cost", readonly=True, groups=MANAGER, help="The campaign's cost lines."
    )

    @property
    def _table_query(self):
        dashboard = self.env["customer.roi.dashboard"]
        return self.env["customer.profile"]._sql_over_tables(
            {"lead": "crm.lead", "cost": "customer.roi.campaign.cost"},
            """
            SELECT %(lead.id)s::bigint * 3 AS id, %(lead.campaign_id)s AS campaign_id,
                   %(lead.company_id)s AS company_id, %(lead.create_date)s::date AS date,
                   'lead' AS kind, NULL::integer AS partner_id, %(lead.user_id)s AS user_id,
                   %(lead.team_id)s AS team_id, 1 AS lead_count,
                   (%(lead.type)s = 'opportunity')::integer AS opportunity_count,
                   0 AS order_count, 0 AS new_customer_count, 0 AS revenue, 0 AS goods_cost,
                   0 AS margin, 0 AS cost
              FROM %(lead)s lead
             WHERE %(lead.campaign_id)s IS NOT NULL
            UNION ALL
            SELECT a.id::bigint * 3 + 1, a.campaign_id, a.company_id, a.date_order::date,
                   'order', a.partner_id, a.user_id, a.team_id, 0, 0, 1,
                   a.is_first::integer, ROUND(a.amount, 2), ROUND(a.goods_cost, 2),
                   ROUND(a.amount - a.goods_cost, 2), 0
              FROM (%(attributed)s) a
             WHERE a.campaign_id IS NOT NULL
            UNION ALL
            SELECT %(cost.id)s::bigint * 3 + 2, %(cost.campaign_id)s, %(cost.company_id)s,
                   %(cost.date)s, 'cost', NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, 0,
                   %(cost.amount)s
              FROM %(cost)s cost
            """,
            attributed=dashboard._sql_attributed_orders(with_first=True, campaigns_only=True),
        )
