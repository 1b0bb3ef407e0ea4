"""Customers whose facts wait for their refresh, just after a commit.

A sales order's transaction is the busiest of the ERP, and many workers run
it at once for the same customer. It must never update a row that every
order of the customer shares (the customer's profile, a lifecycle state, a
member's tier): parallel confirmations would collide on that row and fail
with serialization errors. So the order's transaction only appends one row
here per touched (customer, company) pair, and triggers the cron
``ir_cron_customer_profile_queue`` once (one trigger row; the cron's worker
is woken by a notification at the commit) unless a drainer of the company is
at work and bound to see the row (below). Nothing else: no job record, no
row another order also writes.

The cron drains each company's queue in short transactions of their own
(``_drain_company``): a batch refreshes the queued customers
(``customer.profile._refresh_customers``, which calls the
``_on_facts_changed`` hook of the plugins) and deletes the rows it handled.
The first batch runs as soon as the cron worker wakes; while orders keep
coming, the next batches wait a moment to gather them, so that under load
many orders cost one set-based refresh instead of one each, off the
requests' workers. With the bridge ``customer_relationship_queue`` (a job
queue runs the suite's work), the cron hands each company to a job instead
(``customer.work._defer``, one pending job per company on the channel
``root.customer_relationship.facts``), which drains the company the same
way for at most ``JOB_DRAIN_SECONDS`` (``_drain_company_job``) and defers
itself again when rows remain: the job record is written by the cron, never
by the order. Each batch runs in
READ COMMITTED under a transaction-level advisory lock per customer, so any
other refresh of the same customer waits instead of failing, and it retries
the conflicts that remain. One drainer per company at a time (a
non-blocking advisory lock). Rows left behind (a worker stopped mid-batch)
are refreshed at the cron's next run (every minute).

Under load a drainer is nearly always at work, and waking the cron at every
commit would cost more than the refresh itself. So an order's transaction
does not trigger the cron while a drainer of the company holds its queue
lock. What makes this safe is the company's gate, a second advisory lock:
the order takes it shared (until its commit) before it looks for a drainer;
a drainer stops only once it could take the gate exclusively without waiting
(no such order in flight), then releases the queue lock, and only then looks
at the queue one last time before opening the gate. An order that saw the
drainer at work is therefore committed before that last look; an order that
comes later finds no drainer and triggers the cron. A drainer whose time is
up stops without the gate and has another run deferred.
"""

import logging
import random
import time
from contextlib import contextmanager

from psycopg2 import OperationalError, errorcodes
from psycopg2.extensions import ISOLATION_LEVEL_READ_COMMITTED

from odoo import SUPERUSER_ID, api, fields, models
from odoo.modules.registry import Registry
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

CRON_XMLID = "customer_relationship.ir_cron_customer_profile_queue"
# key of cr.precommit.data: the transaction already triggered the cron
TRIGGERED_KEY = "customer_relationship.profile_queue_triggered"
# key of cr.precommit.data: the companies whose gate the transaction holds
GATED_KEY = "customer_relationship.profile_queue_gated"
# how long a job drains its company before handing over to its next job
JOB_DRAIN_SECONDS = 30.0
RETRYABLE = {errorcodes.SERIALIZATION_FAILURE, errorcodes.DEADLOCK_DETECTED}
MAX_TRIES = 5
# pairs refreshed per transaction
BATCH = 1000
# how long one run of the cron drains a company before handing over to its
# next run
DRAIN_SECONDS = 600.0
# after a batch smaller than BATCH, how long to wait for more orders to gather
GATHER_SECONDS = 1.0
# A drainer (a job, a run of the cron) lasts at least this long from its
# start: it does not close the gate before, and waits that long for the lock
# when another drainer holds it. So an order whose transaction is younger
# than half of it may count on a drain job it sees waiting to start (its
# snapshot may be older than the job's start, not older than its end).
DRAIN_MIN_SECONDS = 1.0
LOCK_RETRY_SECONDS = 0.05
LOCK_MIN_TRIES = 3


@contextmanager
def read_committed_env(dbname):
    """A superuser environment on a cursor of its own, in READ COMMITTED
    (set before its first statement: each statement sees what other
    transactions committed before it, so a writer that waited for a lock
    works on what the previous holder wrote). Committed on leaving the
    block, rolled back on an error."""
    registry = Registry(dbname)
    with registry.cursor() as cr:
        if not registry.in_test_mode():
            cr.connection.set_isolation_level(ISOLATION_LEVEL_READ_COMMITTED)
        yield api.Environment(cr, SUPERUSER_ID, {})


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

        One INSERT and, once per transaction, one trigger of the queue's
        cron, unless a drainer of the companies is at work (holding their
        queue lock) or a drain job of each is waiting to start and this
        transaction is young enough to count on it (``DRAIN_MIN_SECONDS``):
        no row shared with other transactions is written, so it is safe in
        the transaction of a sales order.
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
        data = self.env.cr.precommit.data
        gated = data.setdefault(GATED_KEY, set())
        new_companies = sorted(set(company_ids) - gated)
        if not new_companies or data.get(TRIGGERED_KEY):
            return
        gated.update(new_companies)
        if self._drainers_at_work(new_companies):
            return
        keys = {self._drain_key(company_id) for company_id in new_companies}
        if self.env["customer.work"]._deferred_pending(keys, DRAIN_MIN_SECONDS / 2) == keys:
            # drain jobs waiting to start: each lasts long enough to be at
            # work, or still to come, when this transaction took the gate
            return
        data[TRIGGERED_KEY] = True
        self.env.ref(CRON_XMLID)._trigger()

    @api.model
    def _drainers_at_work(self, company_ids):
        """Take the gate of ``company_ids`` shared, until the end of the
        transaction; then whether each of them has a drainer at work (holding
        its queue lock), which will look at the queue after this transaction
        commits."""
        # A drainer holds its company's queue lock exclusively (session
        # level): whether a shared lock of it can be had tells whether one is
        # at work, without reading pg_locks; a lock had is released at once.
        # A drainer that meets it held so tries again (_lock_company_within);
        # should it give up all the same, this order found no drainer: it
        # triggers the cron, or counts on a drain job waiting to start.
        # The gate of each company is taken before its drainer is looked for
        # (the CTE yields its rows one by one, each with its gate taken).
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                WITH gated AS MATERIALIZED (
                    SELECT c, pg_advisory_xact_lock_shared(%s, c)::text AS gate
                      FROM unnest(%s::int[]) AS c
                )
                SELECT bool_and(CASE WHEN pg_try_advisory_lock_shared(%s, c)
                                     THEN NOT pg_advisory_unlock_shared(%s, c)
                                     ELSE true END)
                  FROM gated
                """,
                self._gate_namespace(),
                list(company_ids),
                self._queue_lock_namespace(),
                self._queue_lock_namespace(),
            )
        )
        return cr.fetchone()[0]

    @api.model
    def _defer_drain(self, company_id):
        """Have the company's queue drained soon, outside this transaction
        (``customer.work._defer``: the queue's cron, or a job of the
        ``facts`` channel, one pending per company)."""
        self.env["customer.work"]._defer(
            self.browse(),
            "_drain_company_job",
            (company_id,),
            cron=CRON_XMLID,
            channel="facts",
            key=self._drain_key(company_id),
            description=f"Customer facts: refresh queued customers of company {company_id}",
        )

    @api.model
    def _drain_key(self, company_id):
        """Identity of the deferred drain of ``company_id`` (one waiting at a
        time)."""
        return f"customer_relationship.facts:{company_id}"

    @api.model
    def _drain_company_job(self, company_id):
        """Work unit of a job: drain the company's queue, batch after batch
        in READ COMMITTED transactions of their own (see ``_drain_company``),
        for at most ``JOB_DRAIN_SECONDS``, and defer the rest. The job's
        transaction only records the job."""
        if self._drain_company(self.env.cr.dbname, company_id, budget=JOB_DRAIN_SECONDS):
            self._defer_drain(company_id)
            return "time is up, the rest deferred"
        return "queue drained"

    @api.model
    def _drain_company(
        self, dbname, company_id, budget=DRAIN_SECONDS, pause=GATHER_SECONDS, batches=None
    ):
        """Refresh what is queued for ``company_id``, batch after batch, one
        transaction each, until nothing is left, ``budget`` seconds passed
        or ``batches`` batches ran. After a batch smaller than ``BATCH``,
        wait ``pause`` seconds for more orders to gather. Returns True when
        it stopped with customers still queued (the caller defers the rest).

        One drainer per company at a time: the company's queue lock is a
        session-level advisory lock. Whoever does not get it tries again
        until ``DRAIN_MIN_SECONDS`` after its start, then returns, leaving
        the pairs to the holder. The holder stops when the queue is empty,
        at least ``DRAIN_MIN_SECONDS`` after its start (an order may count
        on a drain job it saw waiting: see ``_enqueue``), and when it could
        close the company's gate (taken without waiting: orders in flight
        that saw it at work hold the gate until their commit, and a drainer
        never makes an order wait); it then releases the lock and looks at
        the queue once more before opening the gate. When its time is up, it
        stops without that last look and returns True, so that the caller
        defers another run.
        """
        started = time.monotonic()
        deadline = started + budget
        left = batches if batches is not None else float("inf")
        with read_committed_env(dbname) as env:
            queue = env[self._name]
            while queue._lock_company_within(company_id, started + DRAIN_MIN_SECONDS):
                gated = False
                try:
                    while True:
                        claimed = queue._process_batch(company_id)
                        left -= 1
                        if time.monotonic() >= deadline or left <= 0:
                            break
                        if not claimed:
                            young = started + DRAIN_MIN_SECONDS - time.monotonic()
                            if young > 0:
                                time.sleep(young)
                                continue
                            gated = queue._try_close_gate(company_id)
                            if gated:
                                break
                        if len(claimed) < BATCH:
                            time.sleep(pause)
                finally:
                    queued = queue._unlock_company(company_id, gated)
                if not queued:
                    return False
                if not gated:
                    return True
        return False

    @api.model
    def _process_batch(self, company_id):
        """``_process`` a batch of the company and commit it; serialization
        failures and deadlocks are rolled back and tried again."""
        cr = self.env.cr
        for attempt in range(1, MAX_TRIES + 1):
            try:
                claimed = self._process(company_id=company_id)
                # the drain's own cursor, one transaction per batch
                cr.commit()  # pylint: disable=invalid-commit
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
    def _lock_company_within(self, company_id, until):
        """Take the company's queue lock, trying again until the monotonic
        time ``until`` while another drainer holds it, and at least
        ``LOCK_MIN_TRIES`` times: an order looking for a drainer holds the
        lock shared for the instant of one statement (``_drainers_at_work``)."""
        tries = 1
        while not self._try_lock_company(company_id):
            if time.monotonic() >= until and tries >= LOCK_MIN_TRIES:
                return False
            tries += 1
            time.sleep(LOCK_RETRY_SECONDS)
        return True

    @api.model
    def _try_lock_company(self, company_id):
        self.env.cr.execute(
            SQL("SELECT pg_try_advisory_lock(%s, %s)", self._queue_lock_namespace(), company_id)
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _try_close_gate(self, company_id):
        """Take the company's gate exclusively, without waiting, until the end
        of the transaction: True once no order that saw this drainer at work
        (and so did not trigger the cron) is still in flight."""
        cr = self.env.cr
        cr.rollback()
        cr.execute(
            SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", self._gate_namespace(), company_id)
        )
        return cr.fetchone()[0]

    @api.model
    def _unlock_company(self, company_id, gated=False):
        """Release the company's queue lock. With the gate closed (``gated``),
        return whether customers are queued (orders committed since the last
        batch), then open the gate; without it, return True: orders in flight
        may still add rows, another run must follow."""
        cr = self.env.cr
        if not gated:
            cr.rollback()
        cr.execute(
            SQL("SELECT pg_advisory_unlock(%s, %s)", self._queue_lock_namespace(), company_id)
        )
        queued = self._is_queued(company_id) if gated else True
        cr.rollback()
        return queued

    @api.model
    def _queue_lock_namespace(self):
        return SQL("hashtext(%s)", self._name)

    @api.model
    def _gate_namespace(self):
        return SQL("hashtext(%s)", f"{self._name}/gate")

    @api.model
    def _is_queued(self, company_id):
        self.env.cr.execute(
            SQL(
                "SELECT EXISTS (SELECT 1 FROM %s WHERE company_id = %s)",
                SQL.identifier(self._table),
                company_id,
            )
        )
        return self.env.cr.fetchone()[0]

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
        # a full recompute of a company and its refreshes do not run together
        self.env["customer.profile"]._lock_company_facts(set(company_ids), shared=True)
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
        """Drain the queue of every company with queued customers (triggered
        by the transactions that queue them, and run every minute for what a
        stopped worker left), or hand each company to a job when a job queue
        runs the suite's work."""
        self.env.cr.execute(SQL("SELECT DISTINCT company_id FROM %s", SQL.identifier(self._table)))
        to_jobs = self.env["customer.work"]._runs_jobs()
        for (company_id,) in self.env.cr.fetchall():
            if to_jobs or self._drain_company(self.env.cr.dbname, company_id):
                self._defer_drain(company_id)
