import datetime
import logging
import time
from decimal import Decimal

from psycopg2.errors import UniqueViolation

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..engine import customer, rfm, value
from ..engine.ops import Operations
from .customer_profile import FACT_COLUMNS
from .customer_profile_queue import read_committed_env

EPOCH = datetime.date(1970, 1, 1)
# The columns of _facts_aggregate_query stored as they are on the profile.
AGGREGATE_COLUMNS = (
    "first_order_date",
    "last_order_date",
    "order_count",
    "revenue",
    "window_order_count",
    "window_revenue",
)

_logger = logging.getLogger(__name__)

RECOMPUTE_CRON_XMLID = "customer_relationship.ir_cron_customer_recompute_run"
# customers written per step of a full recompute
RANGE_SIZE_PARAM = "customer_relationship.recompute_range_size"
RANGE_SIZE = 20000


class SqlOperations(Operations):
    """The engine's operations (``engine.ops``) building ``odoo.tools.SQL``:
    a formula becomes one expression of the statement. Operands are SQL
    expressions or Python literals (sent as query parameters).

    A CASE whose ELSE is another CASE of the same formula is written as one
    CASE with both lists of WHEN, as one would write it by hand.
    """

    def __init__(self):
        # id of each CASE built -> (the CASE, its WHEN parts, its ELSE part)
        self._cases = {}

    @staticmethod
    def _sql(operand):
        return operand if isinstance(operand, SQL) else SQL("%s", operand)

    def _render(self, template, *operands):
        return SQL(template, *map(self._sql, operands))

    def _join(self, separator, operands):
        return SQL("(%s)", SQL(separator).join(map(self._sql, operands)))

    def add(self, left, right):
        return self._render("(%s + %s)", left, right)

    def mul(self, left, right):
        return self._render("(%s * %s)", left, right)

    def div(self, left, right):
        return self._render("(%s::numeric / %s)", left, right)

    def idiv(self, left, right):
        # integer operands: PostgreSQL truncates
        return self._render("(%s / %s)", left, right)

    def round(self, number, digits):
        return self._render("ROUND(%s, %s)", number, digits)

    def greatest(self, *operands):
        return SQL("GREATEST%s", self._join(", ", operands))

    def days_between(self, start, end):
        return self._render("(%s - %s)", end, start)

    def eq(self, left, right):
        return self._render("(%s = %s)", left, right)

    def gt(self, left, right):
        return self._render("(%s > %s)", left, right)

    def ge(self, left, right):
        return self._render("(%s >= %s)", left, right)

    def between(self, operand, low, high):
        return self._render("(%s BETWEEN %s AND %s)", operand, low, high)

    def and_(self, *conditions):
        return self._join(" AND ", conditions)

    def or_(self, *conditions):
        return self._join(" OR ", conditions)

    def not_(self, condition):
        return self._render("(NOT %s)", condition)

    def is_null(self, operand):
        return self._render("(%s IS NULL)", operand)

    def case(self, whens, default=None):
        parts = [self._render("WHEN %s THEN %s", condition, result) for condition, result in whens]
        otherwise = [self._render("ELSE %s", default)] if default is not None else []
        inner = self._cases.get(id(default))
        if inner and inner[0] is default:
            parts += inner[1]
            otherwise = inner[2]
        if not parts:  # no WHEN: a CASE would not parse
            return self._sql(default)
        case = SQL("CASE %s END", SQL(" ").join(parts + otherwise))
        self._cases[id(case)] = (case, parts, otherwise)
        return case


class CustomerProfile(models.Model):
    """The computation of the customer facts: a full run per company and an
    incremental refresh of given customers, both set-based SQL."""

    _inherit = "customer.profile"

    @api.model
    def action_recompute_all(self):
        """Manager button: recompute every customer of the allowed companies,
        in the background (a job per company, or the recompute cron)."""
        self._check_customer_manager(
            self.env._("Only customer relationship managers can recompute customer facts.")
        )
        runs = self.sudo()._request_recompute(self.env.companies)
        return self._success_notification(
            self.env._("Customer facts recompute started"),
            self.env._(
                "%(count)s companies are being recomputed in the background. Their scoring "
                "runs show the result when they are done.",
                count=len(runs.company_id),
            ),
        )

    @api.model
    def _cron_recompute_all(self):
        """Daily: request a recompute of every company (``_request_recompute``)."""
        self._request_recompute(self.env["res.company"].search([]))

    @api.model
    def _request_recompute(self, companies):
        """Record a run to do for each of ``companies`` that has none
        unfinished (a scoring run in state ``pending``), then defer each
        company's work (``_recompute_company_job``). Returns the companies'
        unfinished runs. Calling it twice requests one run."""
        runs = self.env["customer.scoring.run"].sudo()
        unfinished = runs.search([("company_id", "in", companies.ids), ("state", "!=", "done")])
        unfinished |= runs.create(
            [
                {"company_id": company.id, "state": "pending"}
                for company in companies - unfinished.company_id
            ]
        )
        for company in companies:
            self._defer_recompute(company.id)
        return unfinished

    @api.model
    def _defer_recompute(self, company_id):
        self.env["customer.work"]._defer(
            self.browse(),
            "_recompute_company_job",
            (company_id,),
            cron=RECOMPUTE_CRON_XMLID,
            channel="recompute",
            key=f"customer_relationship.recompute:{company_id}",
            description=f"Customer facts: full recompute of company {company_id}",
        )

    @api.model
    def _recompute_company_job(self, company_id):
        """Work unit of a job: the next step of the company's unfinished run
        (``_recompute_step``), then the following one deferred. The job's
        transaction only records the job."""
        if self._recompute_step(self.env.cr.dbname, company_id):
            self._defer_recompute(company_id)
            return "one range written, the next one deferred"
        return "recompute done"

    @api.model
    def _cron_run_recomputes(self):
        """Run the requested recomputes (triggered by ``_request_recompute``
        without a job queue, and every hour for what a stopped worker left):
        each company's unfinished run, step after step, each step committed.
        A company that fails is logged and left to the next run; the others
        go on."""
        runs = self.env["customer.scoring.run"].sudo()
        for company in runs.search([("state", "!=", "done")], order="id").company_id:
            try:
                while self._recompute_step(self.env.cr.dbname, company.id):
                    pass
            except Exception:
                _logger.exception(
                    "customer facts of %s not recomputed; the next run tries again", company.name
                )

    @api.model
    def _recompute_step(self, dbname, company_id):
        """One step of the company's oldest unfinished run, in a READ
        COMMITTED transaction of its own, committed: the first step computes
        the company's bounds and writes the first range of customers, each
        next step one more range (``_recompute_run_step``). Returns True when
        ranges are left. Safe to call twice or at once: the steps of a company
        run one after the other (its lock), each on what the previous one
        committed."""
        with read_committed_env(dbname) as env:
            profiles = env[self._name]
            company = env["res.company"].browse(company_id)
            profiles._lock_company_facts(company.ids)
            run = env["customer.scoring.run"].search(
                [("company_id", "=", company_id), ("state", "!=", "done")], order="id", limit=1
            )
            if not run:
                return False
            changed = profiles._recompute_run_step(run, profiles._recompute_range_size())
            if changed:
                profiles._on_facts_changed(changed)
            return run.state != "done"

    @api.model
    def _recompute_range_size(self):
        """Customers written per step of a full recompute (system parameter
        ``customer_relationship.recompute_range_size``, default 20,000)."""
        value = self.env["ir.config_parameter"].sudo().get_param(RANGE_SIZE_PARAM)
        try:
            size = int(value or RANGE_SIZE)
        except ValueError:
            size = 0
        if size < 1:
            _logger.warning(
                "system parameter %s is %r, not a positive number: %s used",
                RANGE_SIZE_PARAM,
                value,
                RANGE_SIZE,
            )
            size = RANGE_SIZE
        return size

    @api.model
    def _lock_company_facts(self, company_ids, shared=False):
        """Take the transaction-level lock on the facts of ``company_ids``:
        exclusive for a full recompute, shared for the refreshes of the queue,
        so that a company's recompute and its refreshes run one after the
        other, and the refreshes together."""
        lock = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        self.env.cr.execute(
            SQL(
                "SELECT %s(hashtext(%s), c.id) FROM (SELECT unnest(%s::int[]) AS id ORDER BY 1) c",
                SQL.identifier(lock),
                self._name,
                sorted(company_ids),
            )
        )

    @api.model
    def _recompute_all(self, companies):
        """Recompute the facts of every customer of ``companies`` now, in
        this transaction, set-based (each company's unfinished run, or a new
        one, done in one step).

        Per company: one aggregate of the confirmed orders into a temporary
        table, the score bounds and class thresholds read from it, one
        upsert writing only the rows that changed, one delete of customers
        left without orders. Calls ``_on_facts_changed`` with the pairs
        whose row changed. Returns the scoring runs it recorded.
        """
        self.env.flush_all()
        runs = self.env["customer.scoring.run"].sudo()
        done = runs.browse()
        changed = set()
        for company in companies:
            self._lock_company_facts(company.ids)
            run = runs.search(
                [("company_id", "=", company.id), ("state", "!=", "done")], order="id", limit=1
            ) or runs.create({"company_id": company.id, "state": "pending"})
            changed |= self._recompute_run_step(run, 0, restart=True)
            done |= run
        if changed:
            self._on_facts_changed(changed)
        return done

    @api.model
    def _recompute_run_step(self, run, range_size, restart=False):
        """One step of the scoring run ``run`` of a company (whose facts lock
        the caller holds); returns the (customer, company) pairs whose row
        it inserted, updated or deleted.

        A requested run (or any run when ``restart``) starts: the aggregate
        of all the company's customers, its score bounds and class
        thresholds stored on the run, and the customer ids cut in ranges of
        ``range_size`` customers (0: one range). Each step writes one range
        of customer ids, the first one from that aggregate and the next ones
        from their own, all scored with the run's bounds: so the ranges write
        what one step over the whole company writes. Customers without
        orders any more are deleted range by range. The last range marks the
        run done.
        """
        started = time.monotonic()
        company = run.company_id
        cr = self.env.cr
        cr.execute(SQL("DROP TABLE IF EXISTS customer_facts_tmp"))
        if restart or run.state == "pending":
            bounds = self._recompute_start(run, range_size)
        else:
            bounds = dict(run.bounds, window_start=run.window_start)
            cr.execute(
                SQL(
                    "CREATE TEMP TABLE customer_facts_tmp ON COMMIT DROP AS"
                    " SELECT * FROM (%s) a WHERE %s",
                    self._facts_aggregate_query({company.id: run.window_start}),
                    self._recompute_range_filter(run, SQL("a.partner_id")),
                )
            )
        in_range = self._recompute_range_filter(run, SQL("f.partner_id"))
        source = SQL("(SELECT * FROM customer_facts_tmp f WHERE %s)", in_range)
        if run.scores_kept:
            source = self._facts_changed_source(source, company)
        # a range without stored rows (a company's first run) is inserted
        # without comparing, and has nothing to delete
        profile_in_range = self._recompute_range_filter(run, SQL("p.partner_id"))
        cr.execute(
            SQL(
                "SELECT EXISTS (SELECT 1 FROM customer_profile p WHERE p.company_id = %s AND %s)",
                company.id,
                profile_in_range,
            )
        )
        fresh = not cr.fetchone()[0]
        if not fresh:
            # a temporary table has no statistics: without them the planner
            # expects a few hundred rows and joins the stored rows by per-row
            # index probes (inserted as they come, fresh rows join nothing)
            cr.execute(SQL("ANALYZE customer_facts_tmp"))
        changed = self._write_facts(source, {company.id: bounds}, company, fresh=fresh)
        if not fresh:
            changed.update(self._delete_customers_without_orders(company, profile_in_range))
        cr.execute(SQL("DROP TABLE customer_facts_tmp"))
        self.invalidate_model()
        last = self._recompute_range_last(run)
        elapsed = time.monotonic() - started
        run.write(
            {
                "state": "done" if last is None else "running",
                "next_partner_id": 0 if last is None else last + 1,
                "changed_count": run.changed_count + len(changed),
                "duration": run.duration + elapsed,
            }
        )
        _logger.info(
            "customer facts of %s: %s customers%s, %s rows changed in %.2fs",
            company.name,
            run.customer_count,
            "" if last is None else f" (up to customer id {last})",
            len(changed),
            elapsed,
        )
        return changed

    @api.model
    def _delete_customers_without_orders(self, company, in_range):
        """Delete the profiles of ``company`` matching ``in_range`` (a
        condition on ``p``) whose customer has no row in the run's aggregate
        (``customer_facts_tmp``) any more; returns their (partner, company)."""
        return self.env.execute_query(
            self._sql_over_tables(
                {"p": self._name},
                """
                DELETE FROM %(p)s p
                 WHERE %(p.company_id)s = %(company)s AND %(in_range)s
                   AND NOT EXISTS (SELECT 1 FROM customer_facts_tmp f
                                    WHERE f.partner_id = %(p.partner_id)s)
                RETURNING %(p.partner_id)s, %(p.company_id)s
                """,
                company=company.id,
                in_range=in_range,
            )
        )

    @api.model
    def _recompute_start(self, run, range_size):
        """Start ``run``: the aggregate of all the company's customers into
        the temporary table ``customer_facts_tmp``, the bounds computed from
        it, stored on the run with the ranges' ends; returns the bounds."""
        company = run.company_id
        window_start = self._facts_today() - datetime.timedelta(
            days=company.customer_scoring_window
        )
        cr = self.env.cr
        cr.execute(
            SQL(
                "CREATE TEMP TABLE customer_facts_tmp ON COMMIT DROP AS %s",
                self._facts_aggregate_query({company.id: window_start}),
            )
        )
        # each distribution sorted by PostgreSQL (sorting a sorted list costs
        # Python one pass), amounts in cents and dates in days since the
        # epoch: integers, parsed fast (the bounds found are turned back)
        cr.execute(
            SQL(
                """
                SELECT array_agg((last_order_date - DATE '1970-01-01') ORDER BY last_order_date)
                           FILTER (WHERE window_order_count > 0),
                       array_agg(window_order_count ORDER BY window_order_count)
                           FILTER (WHERE window_order_count > 0),
                       array_agg((window_revenue * 100)::bigint ORDER BY window_revenue)
                           FILTER (WHERE window_order_count > 0),
                       array_agg((revenue * 100)::bigint ORDER BY revenue DESC),
                       count(*)
                  FROM customer_facts_tmp
                """
            )
        )
        days, counts, window_cents, cents, count = cr.fetchone()
        recency = rfm.score_bounds(days or [])
        bounds = {
            "window_start": window_start,
            "recency": recency and [EPOCH + datetime.timedelta(days=day) for day in recency],
            "frequency": rfm.score_bounds(counts or []),
            "monetary": self._from_cents(rfm.score_bounds(window_cents or [])),
            "classes": tuple(
                self._from_cents(
                    value.class_thresholds(
                        cents or [],
                        company.customer_class_a_share / 100.0,
                        company.customer_class_b_share / 100.0,
                    )
                )
            ),
        }
        ends = []
        if range_size and count > range_size:
            cr.execute(
                SQL(
                    "SELECT partner_id FROM (SELECT partner_id, row_number() OVER"
                    " (ORDER BY partner_id) AS n FROM customer_facts_tmp) r"
                    " WHERE mod(n, %s) = 0 ORDER BY partner_id",
                    range_size,
                )
            )
            ends = [partner_id for (partner_id,) in cr.fetchall()]
        previous = self.env["customer.scoring.run"].search(
            [("company_id", "=", company.id), ("id", "<", run.id)], order="id desc", limit=1
        )
        bounds_json = self._bounds_to_json(bounds)
        run.write(
            {
                # the stored scores were all given with these bounds: the
                # run starts afresh after a finished one with the same
                "scores_kept": run.state == "pending"
                and previous.state == "done"
                and previous.bounds == bounds_json,
                "state": "running",
                "window_start": window_start,
                "customer_count": count,
                "scored_count": len(days or []),
                "changed_count": 0,
                "duration": 0.0,
                "bounds": bounds_json,
                "range_ends": ends,
                "next_partner_id": 0,
            }
        )
        return bounds

    @api.model
    def _recompute_range_last(self, run):
        """The last customer id of the run's next range (None: no end)."""
        return next((end for end in run.range_ends or [] if end >= run.next_partner_id), None)

    @api.model
    def _recompute_range_filter(self, run, column):
        """SQL condition: ``column`` (a customer id) is in the run's next range."""
        last = self._recompute_range_last(run)
        if last is None:
            return SQL("%s >= %s", column, run.next_partner_id)
        return SQL("%s BETWEEN %s AND %s", column, run.next_partner_id, last)

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
        today = self._facts_today()
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
    def _write_facts(self, source, bounds, companies, fresh=False):
        """Upsert the facts of ``source`` scored with ``bounds``; return the
        (partner, company) pairs of the rows it inserted or updated.

        ``source`` is an SQL relation with the columns of
        ``_facts_aggregate_query``; ``bounds`` maps company ids to the dict
        built by ``_recompute_start``; ``companies`` are the companies of
        ``source`` (their lifetime value settings). A company without bounds
        (never fully scored) gets facts but no scores, segment or class.

        One statement: the rows to store (``_facts_rows_query``) joined once
        to the stored ones (``_facts_compared_query``), then the update of the
        existing rows that differ (``_facts_update_query``) and the insert of
        the missing ones (``_facts_insert_query``), so that an unchanged
        customer costs neither a sequence value nor a row lock.

        The writers of a company's facts do not run at the same time: the
        full run holds the company's lock, and the refreshes of the queue take
        it shared, with a lock per customer (``customer.profile.queue``). A
        row inserted meanwhile by another writer (a module calling
        ``_refresh_customers`` itself) makes this one fail with a clear error,
        its transaction is rolled back, nothing written: running it again
        succeeds.

        ``fresh``: the caller knows that no customer of ``source`` has a
        stored row (a company's first run): its rows are inserted as they
        come, without the join to the stored ones.
        """
        rows = self._facts_rows_query(source, bounds, companies)
        if fresh:
            query = self._facts_insert_query(
                SQL("(SELECT n.*, NULL::int AS stored_id FROM (%s) n)", rows)
            )
        else:
            compared = SQL.identifier("j")
            query = SQL(
                """
                WITH j AS MATERIALIZED (%(compared)s),
                changed AS (%(update)s),
                added AS (%(insert)s)
                SELECT partner_id, company_id FROM changed
                UNION ALL
                SELECT partner_id, company_id FROM added
                """,
                compared=self._facts_compared_query(rows),
                update=self._facts_update_query(compared),
                insert=self._facts_insert_query(compared),
            )
        try:
            self.env.cr.execute(query)
            written = set(self.env.cr.fetchall())
        except UniqueViolation as error:
            raise UserError(
                self.env._(
                    "The facts of some customers were written by another process at the "
                    "same time. Nothing was changed: run it again."
                )
            ) from error
        return written

    @api.model
    def _facts_changed_source(self, source, companies):
        """The rows of ``source`` (columns of ``_facts_aggregate_query``, of
        ``companies``) whose stored row a write with the bounds of the stored
        rows could change: customers without a row, or whose facts or
        lifetime value (the settings may have changed) differ from the stored
        ones. The scores, segment and class of the others are functions of
        those facts and of the same bounds: left as they are, unscored."""
        f, p, cfg = (SQL.identifier(alias) for alias in ("f", "p", "cfg"))
        columns = self._facts_columns(f, customer.FACT_INPUTS)
        settings = self._facts_columns(cfg, ["lifespan", "margin"])
        return SQL(
            """
            (SELECT f.* FROM %(source)s f
               JOIN (VALUES %(settings_rows)s) cfg(company_id, lifespan, margin)
                 ON cfg.company_id = f.company_id
               LEFT JOIN customer_profile p
                 ON p.partner_id = f.partner_id AND p.company_id = f.company_id
              WHERE p.id IS NULL
                 OR (%(stored)s) IS DISTINCT FROM (%(new)s)
                 OR p.lifetime_value IS DISTINCT FROM %(lifetime_value)s)
            """,
            source=source,
            settings_rows=self._facts_settings_rows(companies),
            stored=SQL(", ").join(SQL("%s.%s", p, SQL.identifier(c)) for c in AGGREGATE_COLUMNS),
            new=SQL(", ").join(SQL("%s.%s", f, SQL.identifier(c)) for c in AGGREGATE_COLUMNS),
            lifetime_value=value.lifetime_value_formula(
                SqlOperations(),
                columns["revenue"],
                columns["first_order_date"],
                columns["last_order_date"],
                settings["lifespan"],
                settings["margin"],
            ),
        )

    @api.model
    def _facts_rows_query(self, source, bounds, companies):
        """SELECT of the rows to store: ``partner_id``, ``company_id`` and
        ``FACT_COLUMNS``, the facts of ``source`` with the scores, segment,
        lifetime value and class the engine's formulas give them.

        The scores are computed once per row (``s``), and the segment and
        class from them; ``b`` holds each company's bounds and ``cfg`` its
        settings, as VALUES rows. ``OFFSET 0`` keeps ``s`` a subquery of its
        own: PostgreSQL would otherwise copy the score expressions into each
        of their uses in the segment's CASE, and compute every score up to
        twenty times per row.
        """
        return SQL(
            """
            WITH b(company_id, window_start, r2, r3, r4, r5, f2, f3, f4, f5,
                   m2, m3, m4, m5, min_a, min_b) AS (VALUES %(bound_rows)s),
            cfg(company_id, lifespan, margin) AS (VALUES %(settings_rows)s),
            s AS (
                SELECT f.*, b.company_id IS NOT NULL AS scored,
                       b.min_a, b.min_b, cfg.lifespan, cfg.margin,
                       %(scores)s
                  FROM %(source)s f
                  JOIN cfg ON cfg.company_id = f.company_id
                  LEFT JOIN b ON b.company_id = f.company_id
                OFFSET 0
            )
            SELECT s.partner_id, s.company_id,
                   s.first_order_date, s.last_order_date, s.order_count,
                   s.revenue,
                   ROUND(s.revenue / NULLIF(s.order_count, 0), 2) AS average_order_value,
                   s.window_order_count, s.window_revenue,
                   s.recency_score, s.frequency_score, s.monetary_score,
                   %(classes)s
              FROM s
            """,
            bound_rows=self._facts_bounds_rows(bounds),
            settings_rows=self._facts_settings_rows(companies),
            scores=self._facts_score_columns(SQL.identifier("f"), SQL.identifier("b")),
            source=source,
            classes=self._facts_class_columns(SQL.identifier("s")),
        )

    @api.model
    def _facts_bounds_rows(self, bounds):
        """The VALUES rows of ``b`` (``_facts_rows_query``): one per company
        of ``bounds``, or one matching no company."""
        rows = [self._bounds_sql_row(company_id, b) for company_id, b in bounds.items()]
        return SQL(", ").join(rows or [self._bounds_sql_row(0, None)])

    @api.model
    def _facts_settings_rows(self, companies):
        """The VALUES rows of ``cfg`` (``_facts_rows_query``): each company's
        lifetime value settings."""
        return SQL(", ").join(
            SQL(
                "(%s, %s::numeric, %s::numeric)",
                company.id,
                company.customer_clv_lifespan,
                company.customer_clv_margin,
            )
            for company in companies
        )

    @api.model
    def _facts_score_columns(self, facts, bounds):
        """The R, F and M score columns (``engine.customer.score_formulas``)
        over the facts of relation ``facts`` and the bounds of relation
        ``bounds`` (``b``'s columns)."""
        bound_columns = {
            key: [SQL("%s.%s", bounds, SQL.identifier(f"{prefix}{level}")) for level in range(2, 6)]
            for key, prefix in (("recency", "r"), ("frequency", "f"), ("monetary", "m"))
        }
        formulas = customer.score_formulas(
            SqlOperations(),
            self._facts_columns(facts, customer.FACT_INPUTS),
            bound_columns,
        )
        return self._facts_named(formulas)

    @api.model
    def _facts_class_columns(self, rows):
        """The segment, lifetime value and class columns
        (``engine.customer.class_formulas``) over relation ``rows``, which
        has the facts, the scores, ``scored`` (the company has bounds),
        ``min_a``, ``min_b``, ``lifespan`` and ``margin`` (``s`` of
        ``_facts_rows_query``)."""
        columns = self._facts_columns(
            rows,
            [*customer.FACT_INPUTS, *customer.SCORE_COLUMNS, "scored", "min_a", "min_b"],
        )
        bounds = {"scored": columns["scored"], "classes": (columns["min_a"], columns["min_b"])}
        settings = self._facts_columns(rows, ["lifespan", "margin"])
        formulas = customer.class_formulas(SqlOperations(), columns, columns, bounds, settings)
        return self._facts_named(formulas)

    @api.model
    def _facts_columns(self, relation, names):
        """{name: column ``name`` of ``relation``}."""
        return {name: SQL("%s.%s", relation, SQL.identifier(name)) for name in names}

    @api.model
    def _facts_named(self, formulas):
        """SELECT list of {column: expression}."""
        return SQL(", ").join(
            SQL("%s AS %s", formula, SQL.identifier(column)) for column, formula in formulas.items()
        )

    @api.model
    def _facts_compared_query(self, rows_query):
        """The rows of ``rows_query`` joined to the stored rows, in one pass
        over the table: their columns, ``stored_id`` (NULL when the customer
        has no row yet) and ``differs`` (the stored row is not the new one)."""
        return SQL(
            """
            SELECT n.*, p.id AS stored_id, (%(old)s) IS DISTINCT FROM (%(new)s) AS differs
              FROM (%(rows)s) n
              LEFT JOIN customer_profile p
                ON p.partner_id = n.partner_id AND p.company_id = n.company_id
            """,
            rows=rows_query,
            old=self._facts_row_of("p"),
            new=self._facts_row_of("n"),
        )

    @api.model
    def _facts_update_query(self, compared):
        """UPDATE of the stored rows that differ (``compared``, see
        ``_facts_compared_query``); returns their (partner_id, company_id).
        Facts are the system's: no user is recorded as their writer."""
        return SQL(
            """
            UPDATE customer_profile p
               SET %(updates)s, write_uid = NULL, write_date = NOW() AT TIME ZONE 'UTC'
              FROM %(compared)s j
             WHERE p.id = j.stored_id AND j.differs
            RETURNING p.partner_id, p.company_id
            """,
            updates=SQL(", ").join(
                SQL("%(c)s = j.%(c)s", c=SQL.identifier(c)) for c in FACT_COLUMNS
            ),
            compared=compared,
        )

    @api.model
    def _facts_insert_query(self, compared):
        """INSERT of the rows not stored yet (``compared``, see
        ``_facts_compared_query``); returns their (partner_id, company_id)."""
        return SQL(
            """
            INSERT INTO customer_profile (
                partner_id, company_id, %(columns)s, create_date, write_date)
            SELECT j.partner_id, j.company_id, %(new)s,
                   NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
              FROM %(compared)s j
             WHERE j.stored_id IS NULL
            RETURNING partner_id, company_id
            """,
            columns=SQL(", ").join(SQL.identifier(c) for c in FACT_COLUMNS),
            new=self._facts_row_of("j"),
            compared=compared,
        )

    @api.model
    def _facts_row_of(self, alias):
        """``FACT_COLUMNS`` of relation ``alias``, comma-separated."""
        return SQL(", ").join(
            SQL("%s.%s", SQL.identifier(alias), SQL.identifier(c)) for c in FACT_COLUMNS
        )

    @api.model
    def _from_cents(self, amounts):
        """Amounts in cents (integers, None kept) as exact decimal amounts;
        None for None."""
        if amounts is None:
            return None
        return [None if cents is None else Decimal(cents).scaleb(-2) for cents in amounts]

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
