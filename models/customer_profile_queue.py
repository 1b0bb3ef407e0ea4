"""Customers whose facts wait for their refresh, just after a commit.

A sales order's transaction is the busiest of the ERP, and many workers run
it at once for the same customer. It must never update a row that every
order of the customer shares (the customer's profile, a lifecycle state, a
member's tier): parallel confirmations would collide on that row and fail
with serialization errors. So the order's transaction only appends one row
here per touched (customer, company) pair, and registers a post-commit
callback. Right after the commit, in a short transaction of its own, the
callback refreshes those customers (``customer.profile._refresh_customers``,
which calls the ``_on_facts_changed`` hook of the plugins) and deletes the
rows it handled. That transaction runs in READ COMMITTED under a
transaction-level advisory lock per customer, so two refreshes of one
customer wait for each other instead of failing, and it retries the
conflicts that remain. Rows left behind (a worker killed between commit
and refresh, conflicts beyond the retries) are refreshed by the cron
``ir_cron_customer_profile_queue``.
"""

import logging
import random
import time

from psycopg2 import errorcodes
from psycopg2.extensions import ISOLATION_LEVEL_READ_COMMITTED

from odoo import SUPERUSER_ID, api, fields, models
from odoo.modules.registry import Registry
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# key of cr.postcommit.data holding the pairs the transaction queued
POSTCOMMIT_KEY = "customer_relationship.profile_queue"
RETRYABLE = {errorcodes.SERIALIZATION_FAILURE, errorcodes.DEADLOCK_DETECTED}
MAX_TRIES = 5
CRON_BATCH = 1000


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
    # After the commit: a short transaction of its own
    # ------------------------------------------------------------------
    @api.model
    def _refresh_after_commit(self, dbname, keys):
        """Refresh ``keys`` in a new transaction, retrying its conflicts.

        Failures are logged, never raised: the order is committed, and the
        rows still queued are the cron's.
        """
        try:
            self._process_in_new_transaction(dbname, keys)
        except Exception as error:  # logged: the cron resumes
            _logger.warning(
                "customer facts of %s customers left to the queue cron: %s", len(keys), error
            )

    @api.model
    def _process_in_new_transaction(self, dbname, keys=None):
        """``_process(keys)`` in a transaction of its own (READ COMMITTED),
        retried on serialization failures and deadlocks. Returns the pairs
        refreshed."""
        registry = Registry(dbname)
        for attempt in range(1, MAX_TRIES + 1):
            try:
                with registry.cursor() as cr:
                    if not registry.in_test_mode():
                        # before the first statement: each statement after
                        # the advisory lock sees what the previous holder
                        # committed
                        cr.connection.set_isolation_level(ISOLATION_LEVEL_READ_COMMITTED)
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    return env["customer.profile.queue"]._process(keys)
            except Exception as error:
                if getattr(error, "pgcode", None) not in RETRYABLE or attempt == MAX_TRIES:
                    raise
                time.sleep(random.uniform(0, 0.05 * 2**attempt))
        return set()

    @api.model
    def _process(self, keys=None):
        """Refresh the queued pairs ``keys`` (or a batch of the oldest queued
        ones), then delete their queue rows. Returns the pairs refreshed.

        Each pair is locked first (a transaction-level advisory lock), so that
        the refresh of one customer by two transactions runs one after the
        other. Under READ COMMITTED, every statement after the lock sees what
        the other one committed; a pair another transaction has just handled
        has no queue row left and is skipped.
        """
        cr = self.env.cr
        table = SQL.identifier(self._table)
        if keys is None:
            cr.execute(
                SQL(
                    "SELECT DISTINCT partner_id, company_id FROM"
                    " (SELECT partner_id, company_id FROM %s ORDER BY id LIMIT %s) q",
                    table,
                    CRON_BATCH,
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
        """Refresh what the post-commit refreshes left, batch by batch, each
        batch in a transaction of its own."""
        while self._process_in_new_transaction(self.env.cr.dbname):
            pass
