import datetime
import logging

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.customer_relationship.engine import rfm
from odoo.addons.customer_relationship.models.customer_profile_queue import read_committed_env

_logger = logging.getLogger(__name__)

# the RFM segments of the second baseline of the backtest
RFM_CHURN_SEGMENTS = ("at_risk", "cant_lose", "hibernating", "lost")
# the first baseline: no order for more than this many days
BASELINE_DAYS = 180

BANDS = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
NPS_CATEGORIES = [("promoter", "Promoter"), ("passive", "Passive"), ("detractor", "Detractor")]
# Columns of the churn rows (_sql_churn_rows) stored by _refresh.
STORED_COLUMNS = (
    "profile_id",
    "last_order_date",
    "order_count",
    "days_since_last_order",
    "usual_interval",
    "recent_value",
    "previous_value",
    "recency_points",
    "trend_points",
    "nps_points",
    "complaint_points",
    "churn_score",
    "churn_band",
    "nps_answer_id",
    "nps_score",
    "nps_category",
)


class CustomerInsight(models.Model):
    """Churn risk and NPS facts of one customer (commercial partner) in one
    company, written by SQL only (``_refresh``), one row per customer with
    confirmed orders. ``customer.profile`` shows them as facts that lifecycle
    rules and segments can use."""

    _name = "customer.insight"
    _description = "Customer Insight"
    _order = "churn_score desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    profile_id = fields.Many2one(
        "customer.profile", readonly=True, index="btree_not_null", ondelete="set null"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")
    last_order_date = fields.Date(readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True)
    days_since_last_order = fields.Integer(
        readonly=True, help="Days between the last order and the day the risk was scored."
    )
    usual_interval = fields.Float(
        string="Usual Interval (Days)",
        readonly=True,
        digits=(16, 1),
        help="Median number of days between two orders of the customer; the setting's "
        "default for customers with one order.",
    )
    recent_value = fields.Monetary(
        string="Order Value, Last Period",
        readonly=True,
        groups="sales_team.group_sale_salesman",
    )
    previous_value = fields.Monetary(
        string="Order Value, Period Before",
        readonly=True,
        groups="sales_team.group_sale_salesman",
    )
    recency_points = fields.Float(string="Overdue Points", readonly=True, digits=(16, 1))
    trend_points = fields.Float(string="Trend Points", readonly=True, digits=(16, 1))
    nps_points = fields.Float(string="NPS Points", readonly=True, digits=(16, 1))
    complaint_points = fields.Float(
        string="Complaint Points",
        readonly=True,
        digits=(16, 1),
        help="Points added for an open complaint, or for complaints rated below 3 of 5.",
    )
    churn_score = fields.Integer(
        string="Churn Risk", readonly=True, aggregator="avg", help="0 (safe) to 100 (leaving)."
    )
    churn_band = fields.Selection(
        BANDS, string="Churn Risk Band", readonly=True, index=True, group_expand=True
    )
    churn_explanation = fields.Html(
        compute="_compute_churn_explanation", sanitize=False, string="Why This Risk"
    )
    nps_answer_id = fields.Many2one(
        "survey.user_input", string="Last NPS Answer", readonly=True, ondelete="set null"
    )
    nps_score = fields.Integer(string="Last NPS Score", readonly=True)
    nps_category = fields.Selection(NPS_CATEGORIES, string="NPS Category", readonly=True)
    nps_comment = fields.Text(related="nps_answer_id.insight_nps_comment", string="NPS Comment")

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique (partner_id, company_id)",
            "A customer has one insight row per company.",
        ),
    ]

    # ------------------------------------------------------------------
    # Explanation
    # ------------------------------------------------------------------
    @api.depends(
        "days_since_last_order",
        "usual_interval",
        "recency_points",
        "trend_points",
        "nps_points",
        "nps_category",
        "complaint_points",
        "churn_score",
    )
    def _compute_churn_explanation(self):
        for insight in self:
            lines = insight._churn_explanation_lines()
            insight.churn_explanation = Markup("<ul>%s</ul>") % Markup().join(
                Markup("<li>%s</li>") % escape(line) for line in lines
            )

    def _churn_explanation_lines(self):
        """One sentence per factor of the score, with its points."""
        self.ensure_one()
        company = self.company_id
        interval = self.usual_interval
        ratio = self.days_since_last_order / interval if interval else 0.0
        interval_text, ratio_text = f"{interval:.0f}", f"{ratio:.1f}"
        recency_text = f"{self.recency_points:.1f}"
        trend_text, nps_text = f"{self.trend_points:.1f}", f"{self.nps_points:.1f}"
        lines = [
            self.env._(
                "Overdue: %(days)s days since the last order, usual interval %(interval)s days "
                "(%(ratio)sx): +%(points)s points",
                days=self.days_since_last_order,
                interval=interval_text,
                ratio=ratio_text,
                points=recency_text,
            )
        ]
        recent = self.sudo().recent_value
        previous = self.sudo().previous_value
        if previous:
            recent_text, previous_text = f"{recent:.2f}", f"{previous:.2f}"
            lines.append(
                self.env._(
                    "Order value trend: %(recent)s in the last %(days)s days against %(previous)s "
                    "in the %(days)s days before: +%(points)s points",
                    recent=recent_text,
                    previous=previous_text,
                    days=company.insight_churn_period,
                    points=trend_text,
                )
            )
        else:
            lines.append(
                self.env._(
                    "Order value trend: no orders in the %(days)s days before the last period: "
                    "+0.0 points",
                    days=company.insight_churn_period,
                )
            )
        if self.nps_category:
            category = dict(self._fields["nps_category"]._description_selection(self.env))
            lines.append(
                self.env._(
                    "Last NPS answer: %(score)s (%(category)s): +%(points)s points",
                    score=self.nps_score,
                    category=category[self.nps_category],
                    points=nps_text,
                )
            )
        else:
            lines.append(self.env._("No NPS answer: +0.0 points"))
        facts = self._complaint_fact_names()
        if facts:
            profile = self.sudo().profile_id
            open_count, csat = profile[facts[0]], profile[facts[1]]
            # the texts formatted first: the call holds its message only
            csat_text = f"{csat:.1f}" if csat else "-"
            complaint_text = f"{self.complaint_points:.1f}"
            lines.append(
                self.env._(
                    "Complaints: %(open)s open, average rating %(csat)s of 5: +%(points)s points",
                    open=open_count,
                    csat=csat_text,
                    points=complaint_text,
                )
            )
        return lines

    @api.model
    def _complaint_fact_names(self):
        """The customer facts of the complaint module (open complaints,
        average rating), when it is installed; an empty tuple otherwise."""
        fields_ = self.env["customer.profile"]._fields
        names = ("complaint_open_count", "complaint_csat")
        if all(name in fields_ and fields_[name].store for name in names):
            return names
        return ()

    # ------------------------------------------------------------------
    # SQL: the churn rows
    # ------------------------------------------------------------------
    @api.model
    def _sql_last_nps_answers(self, company_ids=None, partner_ids=None, before=None):
        """SELECT of the last NPS answer of each customer and company: ``id``,
        ``partner_id``, ``company_id``, ``score``, ``category``."""
        profiles = self.env["customer.profile"]

        def column(name):
            return profiles._sql_column("survey.user_input", name, "a")

        conditions = [SQL("%s IS NOT NULL", column("insight_nps_category"))]
        for name, template, value in (
            ("insight_company_id", "%s = ANY(%s)", company_ids),
            ("insight_partner_id", "%s = ANY(%s)", partner_ids),
            ("end_datetime", "%s < %s", before),
        ):
            if value is not None:
                conditions.append(SQL(template, column(name), value))
        return profiles._sql_over_tables(
            {"a": "survey.user_input"},
            """
            SELECT DISTINCT ON (%(a.insight_partner_id)s, %(a.insight_company_id)s)
                   %(a.id)s, %(a.insight_partner_id)s AS partner_id,
                   %(a.insight_company_id)s AS company_id,
                   %(a.insight_nps_score)s AS score, %(a.insight_nps_category)s AS category
              FROM %(a)s a
             WHERE %(conditions)s
             ORDER BY %(a.insight_partner_id)s, %(a.insight_company_id)s,
                      %(a.end_datetime)s DESC NULLS LAST, %(a.id)s DESC
            """,
            conditions=SQL(" AND ").join(conditions),
        )

    @api.model
    def _sql_complaint_factor(self, with_complaints):
        """SQL of the complaint factor of a profile ``p`` (1 with an open
        complaint, 0.5 with complaints rated below 3 of 5, else 0), and the
        join that brings its facts; 0 without the complaint module, or when
        not ``with_complaints`` (a score of a past day: the facts are
        today's)."""
        facts = self._complaint_fact_names() if with_complaints else ()
        if not facts:
            return SQL("0"), SQL()
        profiles = self.env["customer.profile"]
        factor = profiles._sql_over_tables(
            {"cp": "customer.profile"},
            f"""
            CASE WHEN %(cp.{facts[0]})s > 0 THEN 1
                 WHEN %(cp.{facts[1]})s > 0 AND %(cp.{facts[1]})s < 3 THEN 0.5
                 ELSE 0 END
            """,
        )
        join = profiles._sql_over_tables(
            {"cp": "customer.profile"}, "LEFT JOIN %(cp)s cp ON %(cp.id)s = p.id"
        )
        return factor, join

    @api.model
    def _sql_churn_rows(self, as_of, company_ids=None, partner_ids=None, with_complaints=True):
        """SELECT of the churn risk of the customers with confirmed orders up
        to ``as_of`` (a date), scored as of that day with each company's
        settings: ``partner_id``, ``company_id`` and the ``STORED_COLUMNS``.

        The customer's own rhythm: the median of the days between its orders
        (the company's default for one-order customers), the days since its
        last order against it, the order value of the last period against the
        period before, and its last NPS answer; and, with the complaint module,
        points for its open or badly rated complaints, added up to 100."""
        profiles = self.env["customer.profile"]
        complaint_factor, complaint_join = self._sql_complaint_factor(with_complaints)
        return profiles._sql_over_tables(
            {"c": "res.company"},
            """
            SELECT f.*,
                   ROUND(LEAST(100, 100 * (f.w_recency * f.recency_factor
                                           + f.w_trend * f.trend_factor
                                           + f.w_nps * f.nps_factor) / f.w_total
                                    + f.w_complaint * f.complaint_factor)::numeric)::int
                       AS churn_score
              FROM (
                SELECT g.partner_id, g.company_id, p.id AS profile_id,
                       g.last_order_date, g.order_count,
                       %(as_of)s::date - g.last_order_date AS days_since_last_order,
                       GREATEST(COALESCE(g.median_gap, %(c.insight_churn_default_interval)s), 1)
                           AS usual_interval,
                       COALESCE(g.recent_value, 0) AS recent_value,
                       COALESCE(g.previous_value, 0) AS previous_value,
                       LEAST(1, GREATEST(0, ((%(as_of)s::date - g.last_order_date)
                           / GREATEST(COALESCE(g.median_gap,
                                               %(c.insight_churn_default_interval)s), 1)
                           - 1) / 2.0)) AS recency_factor,
                       CASE WHEN g.previous_value > 0
                            THEN LEAST(1, GREATEST(0, 1 - COALESCE(g.recent_value, 0)
                                                         / g.previous_value))
                            ELSE 0 END AS trend_factor,
                       CASE n.category WHEN 'detractor' THEN 1 WHEN 'passive' THEN 0.5
                            ELSE 0 END AS nps_factor,
                       n.id AS nps_answer_id, n.score AS nps_score, n.category AS nps_category,
                       %(complaint_factor)s AS complaint_factor,
                       %(c.insight_churn_points_complaint)s AS w_complaint,
                       %(c.insight_churn_weight_recency)s AS w_recency,
                       %(c.insight_churn_weight_trend)s AS w_trend,
                       %(c.insight_churn_weight_nps)s AS w_nps,
                       %(c.insight_churn_weight_recency)s + %(c.insight_churn_weight_trend)s
                           + %(c.insight_churn_weight_nps)s AS w_total,
                       %(c.insight_churn_medium)s AS band_medium,
                       %(c.insight_churn_high)s AS band_high
                  FROM (
                    SELECT o.partner_id, o.company_id, MAX(o.day) AS last_order_date,
                           COUNT(*) AS order_count,
                           PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY o.gap) AS median_gap,
                           SUM(o.amount) FILTER (WHERE o.day > %(as_of)s::date - o.period)
                               AS recent_value,
                           SUM(o.amount) FILTER (WHERE o.day <= %(as_of)s::date - o.period
                                                   AND o.day > %(as_of)s::date - 2 * o.period)
                               AS previous_value
                      FROM (
                        SELECT o.partner_id, o.company_id, o.amount,
                               o.date_order::date AS day,
                               %(c.insight_churn_period)s AS period,
                               o.date_order::date - LAG(o.date_order::date) OVER (
                                   PARTITION BY o.partner_id, o.company_id
                                   ORDER BY o.date_order, o.id) AS gap
                          FROM (%(orders)s) o
                          JOIN %(c)s c ON %(c.id)s = o.company_id
                         WHERE o.date_order < %(as_of)s::date + 1
                      ) o
                     GROUP BY o.partner_id, o.company_id
                  ) g
                  JOIN %(c)s c ON %(c.id)s = g.company_id
                  LEFT JOIN (%(profiles)s) p
                    ON p.partner_id = g.partner_id AND p.company_id = g.company_id
                  LEFT JOIN (%(nps)s) n
                    ON n.partner_id = g.partner_id AND n.company_id = g.company_id
                  %(complaint_join)s
              ) f
            """,
            as_of=as_of,
            complaint_factor=complaint_factor,
            complaint_join=complaint_join,
            orders=profiles._sql_confirmed_orders(company_ids, None, partner_ids),
            profiles=profiles._sql_profiles(company_ids, partner_ids),
            nps=self._sql_last_nps_answers(
                company_ids, partner_ids, before=as_of + datetime.timedelta(days=1)
            ),
        )

    @api.model
    def _sql_scored_rows(self, as_of, company_ids=None, partner_ids=None, with_complaints=True):
        """The churn rows with their points and band, ready to store."""
        return SQL(
            """
            SELECT s.partner_id, s.company_id, s.profile_id, s.last_order_date, s.order_count,
                   s.days_since_last_order, s.usual_interval, s.recent_value, s.previous_value,
                   ROUND((100 * s.w_recency * s.recency_factor / s.w_total)::numeric, 1)
                       AS recency_points,
                   ROUND((100 * s.w_trend * s.trend_factor / s.w_total)::numeric, 1)
                       AS trend_points,
                   ROUND((100 * s.w_nps * s.nps_factor / s.w_total)::numeric, 1) AS nps_points,
                   ROUND((s.w_complaint * s.complaint_factor)::numeric, 1) AS complaint_points,
                   s.churn_score,
                   CASE WHEN s.churn_score >= s.band_high THEN 'high'
                        WHEN s.churn_score >= s.band_medium THEN 'medium'
                        ELSE 'low' END AS churn_band,
                   s.nps_answer_id, s.nps_score, s.nps_category
              FROM (%s) s
            """,
            self._sql_churn_rows(as_of, company_ids, partner_ids, with_complaints),
        )

    # ------------------------------------------------------------------
    # Refresh
    # ------------------------------------------------------------------
    @api.model
    def _refresh(self, company_ids, partner_ids=None, as_of=None):
        """Score the customers of ``company_ids`` (of ``partner_ids`` if
        given) in one statement: rows that changed are updated, missing ones
        inserted, and rows of customers left without a confirmed order up
        to ``as_of`` deleted. Returns the (customer, company) pairs written
        or deleted."""
        # the UTC day, as the dates of the orders (date_order::date) and the facts
        as_of = as_of or fields.Date.today()
        self.env.flush_all()
        columns = SQL(", ").join(SQL.identifier(name) for name in STORED_COLUMNS)
        excluded = SQL(", ").join(
            SQL("EXCLUDED.%s", SQL.identifier(name)) for name in STORED_COLUMNS
        )
        current = SQL(", ").join(
            SQL("%s.%s", SQL.identifier(self._table), SQL.identifier(name))
            for name in STORED_COLUMNS
        )
        partner_filter = (
            SQL(" AND i.partner_id = ANY(%s)", list(partner_ids))
            if partner_ids is not None
            else SQL()
        )
        # the scored rows are read once: the upsert writes them and the
        # delete keeps the rows of the customers they hold (both statements
        # see the table as it was before this one)
        rows = self.env.execute_query(
            SQL(
                """
                WITH scored AS MATERIALIZED (%(rows)s),
                written AS (
                    INSERT INTO %(table)s AS %(table)s
                           (partner_id, company_id, %(columns)s,
                            create_uid, create_date, write_uid, write_date)
                    SELECT r.partner_id, r.company_id, %(r_columns)s,
                           %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
                      FROM scored r
                    ON CONFLICT (partner_id, company_id) DO UPDATE
                       SET (%(columns)s, write_uid, write_date)
                         = (%(excluded)s, EXCLUDED.write_uid, EXCLUDED.write_date)
                     WHERE (%(current)s) IS DISTINCT FROM (%(excluded)s)
                    RETURNING partner_id, company_id
                ),
                deleted AS (
                    DELETE FROM %(table)s i
                     WHERE i.company_id = ANY(%(companies)s)%(partner_filter)s
                       AND NOT EXISTS (
                           SELECT 1 FROM scored k
                            WHERE k.partner_id = i.partner_id AND k.company_id = i.company_id)
                    RETURNING i.partner_id, i.company_id
                )
                SELECT partner_id, company_id FROM written
                 UNION ALL
                SELECT partner_id, company_id FROM deleted
                """,
                table=SQL.identifier(self._table),
                columns=columns,
                r_columns=SQL(", ").join(
                    SQL("r.%s", SQL.identifier(name)) for name in STORED_COLUMNS
                ),
                uid=self.env.uid,
                rows=self._sql_scored_rows(as_of, company_ids, partner_ids),
                excluded=excluded,
                current=current,
                companies=list(company_ids),
                partner_filter=partner_filter,
            )
        )
        self.invalidate_model()
        return {tuple(row) for row in rows}

    @api.model
    def _refresh_keys(self, keys):
        """Refresh churn risk and recommendations of the (customer, company)
        pairs ``keys``: a fixed number of statements whatever their number."""
        if not keys:
            return set()
        partner_ids = sorted({partner for partner, _company in keys})
        company_ids = sorted({company for _partner, company in keys})
        changed = self._refresh(company_ids, partner_ids)
        self.env["customer.insight.recommendation"]._refresh(company_ids, partner_ids)
        return changed

    # ------------------------------------------------------------------
    # Deferred work
    # ------------------------------------------------------------------
    # above this many refreshed customers (a full recompute), their companies
    # are rescored as a whole, outside the refreshing transaction; below, the
    # few set-based statements of _refresh_keys run in it
    _IMMEDIATE_LIMIT = 5000

    @api.model
    def _defer_refresh(self, companies):
        for company in companies:
            self.env["customer.work"]._defer(
                self.env["customer.insight"],
                "_refresh_company_job",
                (company.id,),
                cron="customer_insight.ir_cron_customer_insight_refresh",
                channel="recompute",
                key=f"customer.insight.refresh:{company.id}",
                description=self.env._("Customer insight of %(company)s", company=company.name),
            )

    @api.model
    def _refresh_company_job(self, company_id):
        """Work unit: association rules, recommendations and churn risk of
        one company. Safe to run twice or at once (a transaction lock per
        company; each statement rewrites the company's rows)."""
        company = self.env["res.company"].browse(company_id).exists()
        if not company:
            return False
        self.env.cr.execute(
            SQL("SELECT pg_advisory_xact_lock(hashtext(%s))", f"customer.insight:{company.id}")
        )
        self.env["customer.insight.rule"]._recompute(company)
        self.env["customer.insight.recommendation"]._refresh(company.ids)
        self._refresh(company.ids)
        return True

    @api.model
    def _cron_refresh(self):
        """Every company in a transaction of its own; a failing company is
        logged and left to the next run."""
        self.env.flush_all()
        for company in self.env["res.company"].search([]):
            try:
                with read_committed_env(self.env.cr.dbname) as env:
                    env[self._name].with_context(**self.env.context)._refresh_company_job(
                        company.id
                    )
            except Exception:
                _logger.exception(
                    "customer insight of %s not refreshed; the next run tries again", company.name
                )
        self.env.invalidate_all()

    # ------------------------------------------------------------------
    # Manager actions
    # ------------------------------------------------------------------
    @api.model
    def action_refresh_all(self):
        """Recompute cross-sell rules, recommendations and churn risk of the
        user's current companies, soon and outside this request."""
        profiles = self.env["customer.profile"]
        profiles._check_customer_manager(
            self.env._("Only customer relationship managers can recompute customer insight.")
        )
        self._defer_refresh(self.env.companies)
        return profiles._success_notification(
            self.env._("Customer insight"),
            self.env._("Rules, recommendations and churn risk are being recomputed."),
        )

    # ------------------------------------------------------------------
    # Backtest
    # ------------------------------------------------------------------
    @api.model
    def _backtest(self, company, as_of, period=None):
        """How well the high band of ``as_of`` foretold churn: the customers
        with orders up to ``as_of`` are scored as of that day; a customer
        churned if it placed no order in the ``period`` days that followed
        (the company's churn period by default). Returns, for the high band
        and the two baselines (no order for more than 180 days; an RFM
        segment At risk, Can't lose, Hibernating or Lost as of that day), the
        customers flagged, those of them who churned, precision and recall."""
        period = period or company.insight_churn_period
        profiles = self.env["customer.profile"]
        window_start = as_of - datetime.timedelta(days=company.customer_scoring_window)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT s.partner_id, s.churn_band, s.days_since_last_order, s.last_order_date,
                       COALESCE(w.orders, 0), COALESCE(w.revenue, 0), f.partner_id IS NULL
                  FROM (%(scored)s) s
                  LEFT JOIN (
                    SELECT o.partner_id, COUNT(*) AS orders, SUM(o.amount) AS revenue
                      FROM (%(window)s) o
                     WHERE o.date_order < %(as_of)s::date + 1
                     GROUP BY o.partner_id
                  ) w ON w.partner_id = s.partner_id
                  LEFT JOIN (
                    SELECT DISTINCT o.partner_id
                      FROM (%(future)s) o
                     WHERE o.date_order < %(end)s::date + 1
                  ) f ON f.partner_id = s.partner_id
                """,
                # complaint facts are today's: not in a score of the past
                scored=self._sql_scored_rows(as_of, [company.id], with_complaints=False),
                window=profiles._sql_confirmed_orders([company.id], window_start),
                future=profiles._sql_confirmed_orders(
                    [company.id], as_of + datetime.timedelta(days=1)
                ),
                as_of=as_of,
                end=as_of + datetime.timedelta(days=period),
            )
        )
        segments = self._backtest_rfm_segments(rows)
        churned = {row[0] for row in rows if row[6]}
        flagged = {
            "high_band": {row[0] for row in rows if row[1] == "high"},
            "days_since_last_order": {row[0] for row in rows if row[2] > BASELINE_DAYS},
            "rfm_segment": {
                partner for partner, segment in segments.items() if segment in RFM_CHURN_SEGMENTS
            },
        }
        result = {"as_of": as_of, "period": period, "customers": len(rows), "churned": len(churned)}
        for key, partners in flagged.items():
            hits = len(partners & churned)
            result[key] = {
                "flagged": len(partners),
                "hits": hits,
                "precision": round(hits / len(partners), 3) if partners else None,
                "recall": round(hits / len(churned), 3) if churned else None,
            }
        return result

    @api.model
    def _backtest_rfm_segments(self, rows):
        """{customer: RFM segment} as the core scores it, from the rows of
        ``_backtest`` (last order date, orders and revenue in the window)."""
        scored = [row for row in rows if row[4]]
        recency_bounds = rfm.score_bounds([row[3].toordinal() for row in scored])
        frequency_bounds = rfm.score_bounds([row[4] for row in scored])
        monetary_bounds = rfm.score_bounds([row[5] for row in scored])
        segments = {row[0]: rfm.SEGMENT_OUTSIDE_WINDOW for row in rows if not row[4]}
        for row in scored:
            segments[row[0]] = rfm.segment(
                rfm.score(row[3].toordinal(), recency_bounds),
                rfm.score(row[4], frequency_bounds),
                rfm.score(row[5], monetary_bounds),
            )
        return segments

    @api.model
    def action_backtest(self):
        """Managers: the backtest of the current company on the period that
        ended today, as a notification."""
        profiles = self.env["customer.profile"]
        profiles._check_customer_manager(
            self.env._("Only customer relationship managers can run the churn backtest.")
        )
        company = self.env.company
        as_of = fields.Date.today() - datetime.timedelta(days=company.insight_churn_period)
        result = self.sudo()._backtest(company, as_of)
        lines = [
            self.env._(
                "%(customers)s customers scored as of %(date)s, %(churned)s placed no order "
                "in the next %(period)s days.",
                customers=result["customers"],
                date=as_of,
                churned=result["churned"],
                period=result["period"],
            )
        ]
        labels = {
            "high_band": self.env._("High churn risk"),
            "days_since_last_order": self.env._("No order for more than 180 days"),
            "rfm_segment": self.env._("RFM At risk, Can't lose, Hibernating or Lost"),
        }
        for key, label in labels.items():
            figures = result[key]
            lines.append(
                self.env._(
                    "%(label)s: %(flagged)s flagged, precision %(precision)s, recall %(recall)s",
                    label=label,
                    flagged=figures["flagged"],
                    precision=figures["precision"],
                    recall=figures["recall"],
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "sticky": True,
                "title": self.env._("Churn risk backtest"),
                "message": "\n".join(lines),
            },
        }
