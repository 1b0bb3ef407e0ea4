import datetime
import logging
import time

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine import rfm, value
from .customer_profile import FACT_COLUMNS

_logger = logging.getLogger(__name__)


class CustomerProfile(models.Model):
    """The computation of the customer facts: a full run per company and an
    incremental refresh of given customers, both set-based SQL."""

    _inherit = "customer.profile"

    @api.model
    def action_recompute_all(self):
        """Manager button: recompute every customer of the allowed companies."""
        self._check_customer_manager(
            self.env._("Only customer relationship managers can recompute customer facts.")
        )
        runs = self.sudo()._recompute_all(self.env.companies)
        return self._success_notification(
            self.env._("Customer facts recomputed"),
            self.env._(
                "%(count)s customers scored, %(changed)s profiles changed.",
                count=sum(runs.mapped("customer_count")),
                changed=sum(runs.mapped("changed_count")),
            ),
        )

    @api.model
    def _cron_recompute_all(self):
        companies = self.env["res.company"].search([])
        for company in companies:
            self._recompute_all(company)
            if not self.env.registry.in_test_mode():
                # one company per transaction: a long run resumes where it stopped
                self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _recompute_all(self, companies):
        """Recompute the facts of every customer of ``companies``, set-based.

        Per company: one aggregate of the confirmed orders into a temporary
        table, the score bounds and class thresholds read from it, one
        upsert writing only the rows that changed, one delete of customers
        left without orders. Calls ``_on_facts_changed`` with the pairs
        whose row changed. Returns the scoring runs it recorded.
        """
        self.env.flush_all()
        runs = self.env["customer.scoring.run"]
        changed = set()
        for company in companies:
            company_run, company_changed = self._recompute_company(company)
            runs |= company_run
            changed |= company_changed
        self.invalidate_model()
        if changed:
            self._on_facts_changed(changed)
        return runs

    @api.model
    def _recompute_company(self, company):
        started = time.monotonic()
        window_start = fields.Date.context_today(self) - datetime.timedelta(
            days=company.customer_scoring_window
        )
        cr = self.env.cr
        cr.execute(SQL("DROP TABLE IF EXISTS customer_facts_tmp"))
        cr.execute(
            SQL(
                "CREATE TEMP TABLE customer_facts_tmp ON COMMIT DROP AS %s",
                self._facts_aggregate_query({company.id: window_start}),
            )
        )
        # a temporary table has no statistics: without them the planner
        # expects a few hundred rows and joins by per-row index probes
        cr.execute(SQL("ANALYZE customer_facts_tmp"))
        cr.execute(
            SQL(
                """
                SELECT array_agg(last_order_date) FILTER (WHERE window_order_count > 0),
                       array_agg(window_order_count) FILTER (WHERE window_order_count > 0),
                       array_agg(window_revenue) FILTER (WHERE window_order_count > 0),
                       array_agg(revenue),
                       count(*)
                  FROM customer_facts_tmp
                """
            )
        )
        dates, counts, revenues, all_revenues, count = cr.fetchone()
        bounds = {
            "window_start": window_start,
            "recency": rfm.score_bounds(dates or []),
            "frequency": rfm.score_bounds(counts or []),
            "monetary": rfm.score_bounds(revenues or []),
            "classes": value.class_thresholds(
                all_revenues or [],
                company.customer_class_a_share / 100.0,
                company.customer_class_b_share / 100.0,
            ),
        }
        changed = self._write_facts(SQL("customer_facts_tmp"), {company.id: bounds}, company)
        cr.execute(
            self._sql_over_tables(
                {"p": self._name},
                """
                DELETE FROM %(p)s p
                 WHERE %(p.company_id)s = %(company)s
                   AND NOT EXISTS (SELECT 1 FROM customer_facts_tmp f
                                    WHERE f.partner_id = %(p.partner_id)s)
                RETURNING %(p.partner_id)s, %(p.company_id)s
                """,
                company=company.id,
            )
        )
        changed.update(cr.fetchall())
        cr.execute(SQL("DROP TABLE customer_facts_tmp"))
        elapsed = time.monotonic() - started
        _logger.info(
            "customer facts of %s: %s customers, %s rows changed in %.2fs",
            company.name,
            count,
            len(changed),
            elapsed,
        )
        run = (
            self.env["customer.scoring.run"]
            .sudo()
            .create(
                {
                    "company_id": company.id,
                    "window_start": window_start,
                    "customer_count": count,
                    "scored_count": len(dates or []),
                    "changed_count": len(changed),
                    "duration": elapsed,
                    "bounds": self._bounds_to_json(bounds),
                }
            )
        )
        return run, changed

    @api.model
    def _refresh_customers(self, partner_ids, company_ids):
        """Update the facts of the given customers in the given companies.

        Scores them against the bounds of each company's last full run, so
        the result is the one a full run with those bounds would give, then
        calls ``_on_facts_changed`` with every (customer, company) pair.
        A fixed number of queries whatever the number of customers.

        Never call it in the transaction of a sales order: it updates the
        row every order of the customer shares. Queue the customers with
        ``customer.profile.queue._enqueue`` instead.
        """
        partner_ids = list(set(partner_ids))
        company_ids = list(set(company_ids))
        if not partner_ids or not company_ids:
            return
        self.env.flush_all()
        companies = self.env["res.company"].sudo().browse(company_ids)
        today = fields.Date.context_today(self)
        windows = {
            c.id: today - datetime.timedelta(days=c.customer_scoring_window) for c in companies
        }
        bounds = self.env["customer.scoring.run"].sudo()._last_bounds(company_ids)
        for company_id, window_start in windows.items():
            if company_id in bounds:
                bounds[company_id]["window_start"] = window_start
        source = SQL("(%s)", self._facts_aggregate_query(windows, partner_ids))
        self._write_facts(source, bounds, companies)
        self.env.cr.execute(
            self._sql_over_tables(
                {"p": self._name},
                """
                DELETE FROM %(p)s p
                 WHERE %(p.partner_id)s = ANY(%(partner_ids)s)
                   AND %(p.company_id)s = ANY(%(company_ids)s)
                   AND NOT EXISTS (
                        SELECT 1 FROM (%(orders)s) o
                         WHERE o.partner_id = %(p.partner_id)s
                           AND o.company_id = %(p.company_id)s)
                """,
                partner_ids=partner_ids,
                company_ids=company_ids,
                orders=self._sql_confirmed_orders(),
            )
        )
        self.invalidate_model()
        self._on_facts_changed(
            {(partner_id, company_id) for partner_id in partner_ids for company_id in company_ids}
        )

    @api.model
    def _facts_aggregate_query(self, windows, partner_ids=None):
        """SELECT of the per-customer aggregates of confirmed orders.

        ``windows`` maps company ids to the first day of their scoring
        window; only those companies are read. The orders are those of
        ``_sql_confirmed_orders`` (amounts untaxed, in the company currency).
        """
        window_rows = SQL(", ").join(
            SQL("(%s, %s::date)", company_id, start) for company_id, start in windows.items()
        )
        return SQL(
            """
            SELECT o.partner_id,
                   o.company_id,
                   MIN(o.date_order)::date AS first_order_date,
                   MAX(o.date_order)::date AS last_order_date,
                   COUNT(*) AS order_count,
                   ROUND(SUM(o.amount), 2) AS revenue,
                   COUNT(*) FILTER (WHERE o.date_order >= w.window_start)
                       AS window_order_count,
                   ROUND(COALESCE(SUM(o.amount)
                       FILTER (WHERE o.date_order >= w.window_start), 0), 2) AS window_revenue
              FROM (%(orders)s) o
              JOIN (VALUES %(windows)s) AS w(company_id, window_start)
                ON w.company_id = o.company_id
             GROUP BY o.partner_id, o.company_id
            """,
            orders=self._sql_confirmed_orders(partner_ids=partner_ids),
            windows=window_rows,
        )

    @api.model
    def _write_facts(self, source, bounds, companies):
        """Upsert the facts of ``source`` scored with ``bounds``; return the
        (partner, company) pairs of the rows it inserted or updated.

        ``bounds`` maps company ids to the dict built by ``_recompute_all``;
        a company without bounds (never fully scored) gets facts but no
        scores, segment or class.
        """
        bound_rows = [self._bounds_sql_row(company_id, b) for company_id, b in bounds.items()]
        if not bound_rows:
            bound_rows = [self._bounds_sql_row(0, None)]
        settings_rows = SQL(", ").join(
            SQL(
                "(%s, %s::numeric, %s::numeric)",
                c.id,
                c.customer_clv_lifespan,
                c.customer_clv_margin,
            )
            for c in companies
        )

        def score(column, prefix):
            return SQL(
                """CASE WHEN f.window_order_count = 0 OR b.%(r2)s IS NULL THEN 0
                        WHEN f.%(col)s >= b.%(r5)s THEN 5 WHEN f.%(col)s >= b.%(r4)s THEN 4
                        WHEN f.%(col)s >= b.%(r3)s THEN 3 WHEN f.%(col)s >= b.%(r2)s THEN 2
                        ELSE 1 END""",
                col=SQL.identifier(column),
                r2=SQL.identifier(f"{prefix}2"),
                r3=SQL.identifier(f"{prefix}3"),
                r4=SQL.identifier(f"{prefix}4"),
                r5=SQL.identifier(f"{prefix}5"),
            )

        segment_cases = SQL(" ").join(
            SQL(
                "WHEN s.recency_score BETWEEN %s AND %s"
                " AND (s.frequency_score + s.monetary_score + 1) / 2 BETWEEN %s AND %s THEN %s",
                r_min,
                r_max,
                fm_min,
                fm_max,
                key,
            )
            for key, r_min, r_max, fm_min, fm_max in rfm.SEGMENT_RULES
        )
        columns = SQL(", ").join(SQL.identifier(c) for c in FACT_COLUMNS)
        updates = SQL(", ").join(SQL("%(c)s = n.%(c)s", c=SQL.identifier(c)) for c in FACT_COLUMNS)
        conflict_updates = SQL(", ").join(
            SQL("%(c)s = EXCLUDED.%(c)s", c=SQL.identifier(c)) for c in FACT_COLUMNS
        )

        def row_of(alias):
            return SQL(", ").join(
                SQL("%s.%s", SQL.identifier(alias), SQL.identifier(c)) for c in FACT_COLUMNS
            )

        # Existing rows are updated only where a value differs and missing
        # ones inserted, so an unchanged customer costs neither a sequence
        # value nor a row lock. ON CONFLICT covers a row a concurrent
        # transaction inserted since this statement's snapshot.
        query = SQL(
            """
            WITH b(company_id, window_start, r2, r3, r4, r5, f2, f3, f4, f5,
                   m2, m3, m4, m5, min_a, min_b) AS (VALUES %(bound_rows)s),
            cfg(company_id, lifespan, margin) AS (VALUES %(settings_rows)s),
            s AS (
                SELECT f.*, b.company_id IS NOT NULL AS scored,
                       b.min_a, b.min_b, cfg.lifespan, cfg.margin,
                       %(recency)s AS recency_score,
                       %(frequency)s AS frequency_score,
                       %(monetary)s AS monetary_score
                  FROM %(source)s f
                  JOIN cfg ON cfg.company_id = f.company_id
                  LEFT JOIN b ON b.company_id = f.company_id
            ),
            n AS MATERIALIZED (
                SELECT s.partner_id, s.company_id,
                       s.first_order_date, s.last_order_date, s.order_count,
                       s.revenue,
                       ROUND(s.revenue / NULLIF(s.order_count, 0), 2) AS average_order_value,
                       s.window_order_count, s.window_revenue,
                       s.recency_score, s.frequency_score, s.monetary_score,
                       CASE WHEN NOT s.scored THEN NULL
                            WHEN s.recency_score = 0 THEN %(outside)s
                            %(segment_cases)s END AS rfm_segment,
                       ROUND(s.revenue
                             / GREATEST((s.last_order_date - s.first_order_date)
                                        / %(days_per_year)s, 1)
                             * s.lifespan * s.margin / 100, 2) AS lifetime_value,
                       CASE WHEN NOT s.scored THEN NULL
                            WHEN s.revenue > 0 AND s.revenue >= s.min_a THEN 'a'
                            WHEN s.revenue > 0 AND s.revenue >= s.min_b THEN 'b'
                            ELSE 'c' END AS value_class
                  FROM s
            ),
            changed AS (
                UPDATE customer_profile p
                   SET %(updates)s, write_uid = %(uid)s, write_date = NOW() AT TIME ZONE 'UTC'
                  FROM n
                 WHERE p.partner_id = n.partner_id AND p.company_id = n.company_id
                   AND (%(old)s) IS DISTINCT FROM (%(new)s)
                RETURNING p.partner_id, p.company_id
            ),
            added AS (
                INSERT INTO customer_profile (
                    partner_id, company_id, %(columns)s,
                    create_uid, create_date, write_uid, write_date)
                SELECT n.partner_id, n.company_id, %(new)s,
                       %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM n
                 WHERE NOT EXISTS (SELECT 1 FROM customer_profile p
                                    WHERE p.partner_id = n.partner_id
                                      AND p.company_id = n.company_id)
                ON CONFLICT (partner_id, company_id) DO UPDATE
                   SET %(conflict_updates)s, write_uid = EXCLUDED.write_uid,
                       write_date = EXCLUDED.write_date
                 WHERE (%(old_conflict)s) IS DISTINCT FROM (%(new_conflict)s)
                RETURNING partner_id, company_id
            )
            SELECT partner_id, company_id FROM changed
            UNION ALL
            SELECT partner_id, company_id FROM added
            """,
            bound_rows=SQL(", ").join(bound_rows),
            settings_rows=settings_rows,
            recency=score("last_order_date", "r"),
            frequency=score("window_order_count", "f"),
            monetary=score("window_revenue", "m"),
            source=source,
            columns=columns,
            outside=rfm.SEGMENT_OUTSIDE_WINDOW,
            segment_cases=segment_cases,
            days_per_year=value.DAYS_PER_YEAR,
            uid=self.env.uid,
            updates=updates,
            conflict_updates=conflict_updates,
            old=row_of("p"),
            new=row_of("n"),
            old_conflict=row_of("customer_profile"),
            new_conflict=row_of("excluded"),
        )
        self.env.cr.execute(query)
        return set(self.env.cr.fetchall())

    @api.model
    def _bounds_sql_row(self, company_id, bounds):
        bounds = bounds or {}
        recency = bounds.get("recency") or [None] * 4
        frequency = bounds.get("frequency") or [None] * 4
        monetary = bounds.get("monetary") or [None] * 4
        min_a, min_b = bounds.get("classes") or (None, None)
        return SQL(
            "(%s, %s::date, %s::date, %s::date, %s::date, %s::date,"
            " %s::numeric, %s::numeric, %s::numeric, %s::numeric,"
            " %s::numeric, %s::numeric, %s::numeric, %s::numeric, %s::numeric, %s::numeric)",
            company_id,
            bounds.get("window_start"),
            *recency,
            *frequency,
            *monetary,
            min_a,
            min_b,
        )

    @api.model
    def _bounds_to_json(self, bounds):
        return {
            "recency": [d.isoformat() for d in bounds["recency"]] if bounds["recency"] else None,
            "frequency": bounds["frequency"],
            "monetary": [float(m) for m in bounds["monetary"]] if bounds["monetary"] else None,
            "classes": [float(t) if t is not None else None for t in bounds["classes"]],
        }
