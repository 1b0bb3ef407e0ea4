from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

from .customer_insight import NPS_CATEGORIES


class CustomerNpsReport(models.Model):
    """One row per NPS answer; the average of ``nps`` over any group
    (company, team, salesperson, segment, month) is that group's net
    promoter score: % promoters - % detractors.

    Segments are conditions evaluated now, not stored memberships: grouping
    by ``segment_ids`` joins, at query time, the customers of every segment
    the user can read (``_segment_members_query``), so an answer is in the
    group of each segment its customer belongs to, and the figure of each
    segment is that of its own customers' answers."""

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
    segment_ids = fields.Many2many(
        "customer.segment",
        string="Segments",
        compute="_compute_segment_ids",
        search="_search_segment_ids",
        help="The segments of the answer's company the customer belongs to now (the "
        "customer or one of its contacts meets the segment's conditions). Grouped by "
        "segment, an answer counts once in each segment of its customer, so the "
        "segments' answers and NPS do not add up to the total.",
    )

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

    # ------------------------------------------------------------------
    # Segments
    # ------------------------------------------------------------------
    @api.model
    def _segment_members_query(self, segments=None):
        """The SELECT of ``segment_id``, ``partner_id`` (commercial partner)
        and ``company_id`` (the segment's) of the customers of ``segments``
        (default: every active segment the user can read) now, each customer
        once per segment; the contacts are those the user sees. Segments
        whose conditions cannot be used are left out."""
        if segments is None:
            segments = self.env["customer.segment"].search([])
        profiles = self.env["customer.profile"]
        parts = []
        for segment in segments:
            domain = segment._condition_usable_domain()
            if domain is None:
                continue
            contacts = segment._condition_target()._search(segment._condition_full_domain(domain))
            parts.append(
                profiles._sql_over_tables(
                    {"p": "res.partner"},
                    """
                    SELECT DISTINCT %(segment)s AS segment_id,
                           %(p.commercial_partner_id)s AS partner_id,
                           %(company)s AS company_id
                      FROM %(p)s p
                     WHERE %(p.id)s IN %(contacts)s
                    """,
                    segment=segment.id,
                    company=segment.company_id.id,
                    contacts=contacts.subselect(),
                )
            )
        if not parts:
            return SQL(
                "SELECT NULL::int AS segment_id, NULL::int AS partner_id,"
                " NULL::int AS company_id WHERE FALSE"
            )
        return SQL(" UNION ALL ").join(parts)

    def _segment_answers_query(self, segments=None):
        """The SELECT of ``id`` and ``segment_id`` of the answers of the
        customers of ``segments`` (see ``_segment_members_query``)."""
        return self.env["customer.profile"]._sql_over_tables(
            {"r": "customer.nps.report"},
            """
            SELECT %(r.id)s AS id, m.segment_id
              FROM %(r)s r
              JOIN (%(members)s) m
                ON m.partner_id = %(r.partner_id)s AND m.company_id = %(r.company_id)s
            """,
            members=self._segment_members_query(segments),
        )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_segment_ids(self):
        segments = {}
        if self.ids:
            rows = self.env.execute_query(
                SQL(
                    "SELECT s.id, s.segment_id FROM (%s) s WHERE s.id IN %s",
                    self._segment_answers_query(),
                    tuple(self.ids),
                )
            )
            for answer_id, segment_id in rows:
                segments.setdefault(answer_id, []).append(segment_id)
        for answer in self:
            answer.segment_ids = self.env["customer.segment"].browse(segments.get(answer.id, []))

    def _search_segment_ids(self, operator, value):
        """Answers of the customers of the segments given by id (``=``,
        ``in``) or by name (``ilike``...); ``False`` stands for "in no
        segment", as in the group of answers without a segment."""
        segment_model = self.env["customer.segment"]
        negative = operator in expression.NEGATIVE_TERM_OPERATORS
        if operator in ("=", "!=", "in", "not in"):
            values = value if isinstance(value, (list, tuple)) else [value]
            ids = [item for item in values if item]
            in_none = len(ids) < len(values)
            segments = segment_model.search([("id", "in", ids)]) if ids else segment_model
        elif operator in ("like", "ilike", "=like", "=ilike", "not like", "not ilike"):
            positive = {"not like": "like", "not ilike": "ilike"}.get(operator, operator)
            segments = segment_model.search([("name", positive, value)])
            in_none = False
        else:
            raise UserError(
                self.env._(
                    "Segments cannot be searched with the operator %(operator)s.",
                    operator=operator,
                )
            )
        in_segments = SQL("(SELECT s.id FROM (%s) s)", self._segment_answers_query(segments))
        domain = [("id", "in", in_segments)] if segments else expression.FALSE_DOMAIN
        if in_none:
            in_any = SQL("(SELECT s.id FROM (%s) s)", self._segment_answers_query())
            domain = expression.OR([domain, [("id", "not in", in_any)]])
        return expression.distribute_not(["!", *domain]) if negative else domain

    @api.model
    def _read_group_groupby(self, groupby_spec, query):
        """Group by segment: one group per segment the answer's customer
        belongs to (an answer counts in each), answers of customers in no
        segment in the empty group."""
        if groupby_spec != "segment_ids":
            return super()._read_group_groupby(groupby_spec, query)
        alias = query.make_alias(self._table, "segment_ids")
        query.add_join(
            "LEFT JOIN",
            alias,
            SQL("(%s)", self._segment_members_query()),
            SQL(
                "%s = %s AND %s = %s",
                SQL.identifier(alias, "partner_id"),
                SQL.identifier(self._table, "partner_id"),
                SQL.identifier(alias, "company_id"),
                SQL.identifier(self._table, "company_id"),
            ),
        )
        return SQL.identifier(alias, "segment_id")
