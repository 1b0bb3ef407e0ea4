from odoo import fields, models, tools
from odoo.tools import SQL

from .customer_insight import NPS_CATEGORIES


class CustomerNpsReport(models.Model):
    """One row per NPS answer; the average of ``nps`` over any group
    (company, team, salesperson, month) is that group's net promoter score:
    % promoters - % detractors."""

    _name = "customer.nps.report"
    _description = "NPS Analysis"
    _auto = False
    _order = "date desc"
    _rec_name = "partner_id"

    date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    survey_id = fields.Many2one("survey.survey", readonly=True)
    score = fields.Float(readonly=True, aggregator="avg")
    category = fields.Selection(NPS_CATEGORIES, readonly=True)
    nps = fields.Float(string="NPS", readonly=True, aggregator="avg", digits=(16, 1))
    promoter_share = fields.Float(string="% Promoters", readonly=True, aggregator="avg")
    detractor_share = fields.Float(string="% Detractors", readonly=True, aggregator="avg")
    answer_count = fields.Integer(string="Answers", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        query = self.env["customer.profile"]._sql_over_tables(
            {"a": "survey.user_input"},
            """
            SELECT %(a.id)s, %(a.end_datetime)s::date AS date,
                   %(a.insight_company_id)s AS company_id,
                   %(a.insight_partner_id)s AS partner_id,
                   %(a.insight_user_id)s AS user_id, %(a.insight_team_id)s AS team_id,
                   %(a.survey_id)s, %(a.insight_nps_score)s AS score,
                   %(a.insight_nps_category)s AS category,
                   CASE %(a.insight_nps_category)s WHEN 'promoter' THEN 100
                        WHEN 'detractor' THEN -100 ELSE 0 END AS nps,
                   CASE WHEN %(a.insight_nps_category)s = 'promoter' THEN 100 ELSE 0 END
                       AS promoter_share,
                   CASE WHEN %(a.insight_nps_category)s = 'detractor' THEN 100 ELSE 0 END
                       AS detractor_share,
                   1 AS answer_count
              FROM %(a)s a
             WHERE %(a.insight_nps_category)s IS NOT NULL
            """,
        )
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), query)
        )
