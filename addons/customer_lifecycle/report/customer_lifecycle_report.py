from odoo import fields, models, tools
from odoo.tools import SQL


class CustomerLifecycleReport(models.Model):
    """One row per stay in a stage (history row), for the funnel and churn reports.

    ``converted_count`` is 1 when the customer's next move went to the stage
    that follows this one (by sequence): conversion between consecutive
    stages is its sum (or ``conversion_rate``'s average) per stage.
    """

    _name = "customer.lifecycle.report"
    _description = "Customer Lifecycle Analysis"
    _auto = False
    _order = "date desc"
    _rec_name = "stage_id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    stage_id = fields.Many2one("customer.lifecycle.stage", string="Stage", readonly=True)
    from_stage_id = fields.Many2one("customer.lifecycle.stage", string="From Stage", readonly=True)
    next_stage_id = fields.Many2one("customer.lifecycle.stage", string="Left To", readonly=True)
    following_stage_id = fields.Many2one(
        "customer.lifecycle.stage", string="Following Stage", readonly=True
    )
    date = fields.Date(string="Date Entered", readonly=True)
    date_left = fields.Date(readonly=True)
    entered_count = fields.Integer(string="Entered", readonly=True)
    converted_count = fields.Integer(string="Converted to Following Stage", readonly=True)
    conversion_rate = fields.Float(string="Conversion (%)", readonly=True, aggregator="avg")
    duration = fields.Float(string="Days in Stage", readonly=True, aggregator="avg")
    churn_count = fields.Integer(string="Churned", readonly=True)
    win_back_count = fields.Integer(string="Won Back", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    rfm_segment = fields.Selection(
        selection=lambda self: self.env["customer.profile"]._fields["rfm_segment"].selection,
        string="RFM Segment",
        readonly=True,
    )
    value_class = fields.Selection(
        selection=lambda self: self.env["customer.profile"]._fields["value_class"].selection,
        readonly=True,
    )

    def _query(self):
        profiles = self.env["customer.profile"]
        return profiles._sql_over_tables(
            {
                "h": "customer.lifecycle.history",
                "st": "customer.lifecycle.stage",
                "stage": "customer.lifecycle.stage",
                "p": "res.partner",
                "u": "res.users",
            },
            """
            WITH following AS (
                SELECT %(stage.id)s,
                       LEAD(%(stage.id)s) OVER (ORDER BY %(stage.sequence)s, %(stage.id)s)
                           AS following_id
                  FROM %(stage)s stage
                 WHERE %(stage.active)s
            )
            SELECT %(h.id)s,
                   %(h.partner_id)s,
                   %(h.company_id)s,
                   %(h.stage_id)s,
                   %(h.from_stage_id)s,
                   %(h.next_stage_id)s,
                   f.following_id AS following_stage_id,
                   %(h.date_entered)s::date AS date,
                   %(h.date_left)s::date AS date_left,
                   1 AS entered_count,
                   CASE WHEN %(h.next_stage_id)s = f.following_id THEN 1 ELSE 0 END
                       AS converted_count,
                   CASE WHEN %(h.next_stage_id)s = f.following_id THEN 100.0 ELSE 0.0 END
                       AS conversion_rate,
                   %(h.duration)s,
                   CASE WHEN %(st.code)s = 'churned' THEN 1 ELSE 0 END AS churn_count,
                   CASE WHEN %(st.code)s = 'won_back' THEN 1 ELSE 0 END AS win_back_count,
                   %(p.user_id)s,
                   %(u.sale_team_id)s AS team_id,
                   %(p.country_id)s,
                   pr.rfm_segment,
                   pr.value_class
              FROM %(h)s h
              JOIN %(st)s st ON %(st.id)s = %(h.stage_id)s
              JOIN %(p)s p ON %(p.id)s = %(h.partner_id)s
              LEFT JOIN %(u)s u ON %(u.id)s = %(p.user_id)s
              LEFT JOIN following f ON f.id = %(h.stage_id)s
              LEFT JOIN (%(profiles)s) pr
                ON pr.partner_id = %(h.partner_id)s AND pr.company_id = %(h.company_id)s
            """,
            profiles=profiles._sql_profiles(),
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )
