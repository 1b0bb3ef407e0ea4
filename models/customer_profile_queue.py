"""Customers whose facts wait for their refresh, just after a commit.

A sales order's transaction is the busiest of the ERP, and many workers run
it at once for the same customer. It must never update a row that every
order of the customer shares (the customer's profile, a lifecycle state, a
member's tier): parallel confirmations would collide on that row and fail
with serialization errors. So the order's transaction only appends one row
here per touched (customer, company) pair, and registers a post-commit
callback.

Right after the commit, the callback drains the company's queue in short
transactions of its own (``_drain_company``): it refreshes the queued
customers (``customer.profile._refresh_customers``, which calls the
``_on_facts_changed`` hook of the plugins) and deletes the rows it handled.
One request at a time drains a company (a non-blocking advisory lock); the
others return at once and the drainer refreshes their customers in its next
batch, so under load many orders cost one set-based refresh. The drain runs
in READ COMMITTED under a transaction-level advisory lock per customer, so
any other refresh of the same customer waits instead of failing, and it
retries the conflicts that remain. Rows left behind (a worker stopped
between its commit and the refresh, a drain out of time) are the cron
``ir_cron_customer_profile_queue``'s.
"""

import logging
import random
import time

from psycopg2 import OperationalError, errorcodes
from psycopg2.extensions import ISOLATION_LEVEL_READ_COMMITTED

from odoo import SUPERUSER_ID, api, fields, models
from odoo.modules.registry import Registry
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# key of cr.postcommit.data holding the pairs the transaction queued
POSTCOMMIT_KEY = "customer_relationship.profile_queue"
RETRYABLE = {errorcodes.SERIALIZATION_FAILURE, errorcodes.DEADLOCK_DETECTED}
MAX_TRIES = 5
# pairs refreshed per transaction
BATCH = 1000
# how long a request's refresh after commit may drain its company's queue
# (under load it refreshes other requests' customers too) before leaving
# the rest to the cron
DRAIN_SECONDS = 2.0
CRON_SECONDS = 600.0


class CustomerProfileQueue(models.Model):
    _name = "customer.profile.queue"
    _description = "Customer Facts Waiting for Their Refresh"
    _log_access = False
    _order = "id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, ondelete="cascade")
    queued_at = fields.Datetime(readonly=True, default=fields.Datetime.now)

    def init(self):
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS customer_profile_queue_key_index ON %s"
                " (company_id, partner_id)",
                SQL.identifier(self._table),
            )
        )

    # ------------------------------------------------------------------
    # In the caller's transaction: append only
    # ------------------------------------------------------------------
    @api.model
    def _enqueue(self, keys):
        """Queue the (commercial partner, company) pairs ``keys`` for a refresh
        right after the current transaction commits.

        One INSERT; no row shared with other transactions is written, so it
        is safe in the transaction of a sales order.
        """
        keys = {(partner, company) for partner, company in keys if partner and company}
        if not keys:
            return
        partner_ids, company_ids = zip(*sorted(keys), strict=True)
        self.env.cr.execute(
            SQL(
                "INSERT INTO %s (partner_id, company_id, queued_at)"
                " SELECT k.partner_id, k.company_id, %s"
                "   FROM unnest(%s::int[], %s::int[]) AS k(partner_id, company_id)",
                SQL.identifier(self._table),
                fields.Datetime.now(),
                list(partner_ids),
                list(company_ids),
            )
        )
        cr = self.env.cr
        pending = cr.postcommit.data.get(POSTCOMMIT_KEY)
        if pending is None:
            pending = cr.postcommit.data[POSTCOMMIT_KEY] = set()
            cr.postcommit.add(self._after_commit_callback(cr.dbname, pending))
        pending.update(keys)

    @api.model
    def _after_commit_callback(self, dbname, pending):
        """The function the cursor calls after its commit (no environment
        is usable then: it opens a cursor of its own)."""

        def refresh():
            self._refresh_after_commit(dbname, set(pending))

        return refresh

    # ------------------------------------------------------------------
    # After the commit: short transactions of their own
    # ------------------------------------------------------------------
    @api.model
    def _refresh_after_commit(self, dbname, keys):
        """Drain the queue of the companies of ``keys``.

        Failures are logged, never raised: the order is committed, and the
        rows still queued are the cron's.
        """
        for company_id in sorted({company_id for _partner, company_id in keys}):
            try:
                self._drain_company(dbname, company_id)
            except Exception as error:  # logged: the cron resumes
                _logger.warning(
                    "customer facts of company %s left to the queue cron: %s", company_id, error
                )

    @api.model
    def _drain_company(self, dbname, company_id, budget=DRAIN_SECONDS):
        """Refresh what is queued for ``company_id``, batch after batch, one
        transaction each, until nothing is left or ``budget`` seconds passed
        (then the cron takes over, started at once).

        One drainer per company at a time: the company's queue lock is a
        session-level advisory lock taken without waiting. Whoever does not
        get it returns at once, leaving its pairs to the holder; the holder
        looks at the queue again after releasing the lock, so a pair
        committed meanwhile is never forgotten. Under load the batches grow
        by themselves: many orders, one set-based refresh.
        """
        registry = Registry(dbname)
        deadline = time.monotonic() + budget
        with registry.cursor() as cr:
            if not registry.in_test_mode():
                # before the first statement: each statement sees what other
                # transactions committed before it (see ``_process``)
                cr.connection.set_isolation_level(ISOLATION_LEVEL_READ_COMMITTED)
            queue = api.Environment(cr, SUPERUSER_ID, {})[self._name]
            while queue._try_lock_company(company_id):
                try:
                    while queue._process_batch(company_id) and time.monotonic() < deadline:
                        pass
                finally:
                    queue._unlock_company(company_id)
                if time.monotonic() >= deadline:
                    queue.env.ref("customer_relationship.ir_cron_customer_profile_queue")._trigger()
                    cr.commit()
                    return
                if not queue._is_queued(company_id):
                    return

    @api.model
    def _process_batch(self, company_id):
        """``_process`` a batch of the company and commit it; serialization
        failures and deadlocks are rolled back and tried again."""
        cr = self.env.cr
        for attempt in range(1, MAX_TRIES + 1):
            try:
                claimed = self._process(company_id=company_id)
                cr.commit()
                return claimed
            except OperationalError as error:
                cr.rollback()
                self.env.invalidate_all(flush=False)
                if error.pgcode not in RETRYABLE or attempt == MAX_TRIES:
                    raise
                _logger.info(
                    "%s while refreshing customer facts, try %s of %s",
                    errorcodes.lookup(error.pgcode),
                    attempt,
                    MAX_TRIES,
                )
                time.sleep(random.uniform(0, 0.05 * 2**attempt))
        return set()

    @api.model
    def _try_lock_company(self, company_id):
        self.env.cr.execute(
            SQL("SELECT pg_try_advisory_lock(%s, %s)", self._queue_lock_namespace(), company_id)
        )
        locked = self.env.cr.fetchone()[0]
        self.env.cr.commit()
        return locked

    @api.model
    def _unlock_company(self, company_id):
        self.env.cr.rollback()
        self.env.cr.execute(
            SQL("SELECT pg_advisory_unlock(%s, %s)", self._queue_lock_namespace(), company_id)
        )
        self.env.cr.commit()

    @api.model
    def _queue_lock_namespace(self):
        return SQL("hashtext(%s)", self._name)

    @api.model
    def _is_queued(self, company_id):
        self.env.cr.execute(
            SQL(
                "SELECT EXISTS (SELECT 1 FROM %s WHERE company_id = %s)",
                SQL.identifier(self._table),
                company_id,
            )
        )
        queued = self.env.cr.fetchone()[0]
        self.env.cr.commit()
        return queued

    @api.model
    def _process(self, keys=None, company_id=None):
        """Refresh the queued pairs ``keys`` (or a batch of the oldest queued
        ones, of ``company_id`` if given), then delete their queue rows.
        Returns the pairs refreshed.

        Each pair is locked first (a transaction-level advisory lock), so that
        the refresh of one customer by two transactions runs one after the
        other. Under READ COMMITTED, every statement after the lock sees what
        the other one committed; a pair another transaction has just handled
        has no queue row left and is skipped.
        """
        cr = self.env.cr
        table = SQL.identifier(self._table)
        if keys is None:
            company_filter = SQL("WHERE company_id = %s", company_id) if company_id else SQL()
            cr.execute(
                SQL(
                    "SELECT DISTINCT partner_id, company_id FROM"
                    " (SELECT partner_id, company_id FROM %s %s ORDER BY id LIMIT %s) q",
                    table,
                    company_filter,
                    BATCH,
                )
            )
            keys = set(cr.fetchall())
        if not keys:
            return set()
        partner_ids, company_ids = zip(*sorted(keys), strict=True)
        pairs = SQL(
            "unnest(%s::int[], %s::int[]) AS k(partner_id, company_id)",
            list(partner_ids),
            list(company_ids),
        )
        cr.execute(
            SQL(
                "SELECT pg_advisory_xact_lock(%s, k.partner_id)"
                "  FROM (SELECT * FROM %s ORDER BY company_id, partner_id OFFSET 0) k",
                self._lock_namespace_sql(SQL("k.company_id")),
                pairs,
            )
        )
        cr.execute(
            SQL(
                "DELETE FROM %s q USING %s WHERE q.partner_id = k.partner_id"
                " AND q.company_id = k.company_id RETURNING q.partner_id, q.company_id",
                table,
                pairs,
            )
        )
        claimed = set(cr.fetchall())
        if not claimed:
            return set()
        by_company = {}
        for partner_id, company_id in claimed:
            by_company.setdefault(company_id, []).append(partner_id)
        profiles = self.env["customer.profile"].sudo()
        for company_id, company_partners in by_company.items():
            profiles._refresh_customers(company_partners, [company_id])
        return claimed

    @api.model
    def _lock_namespace_sql(self, company_sql):
        """First key of the advisory lock of a customer in a company: the
        company's own space of customer locks."""
        return SQL("hashtext('customer.profile/' || %s)", company_sql)

    @api.model
    def _cron_process(self):
        """Refresh what the refreshes after commit left (a worker stopped
        between its commit and the refresh, a drain out of time)."""
        self.env.cr.execute(SQL("SELECT DISTINCT company_id FROM %s", SQL.identifier(self._table)))
        for (company_id,) in self.env.cr.fetchall():
            self._drain_company(self.env.cr.dbname, company_id, budget=CRON_SECONDS)
