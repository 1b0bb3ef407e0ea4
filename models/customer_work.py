"""Deferred work of the suite: one place that decides how it runs.

Heavy work (a full recompute of a company, a lifecycle evaluation, a
segment mailing, a large handover, the refresh of queued facts) never runs
inside the user's request. The code that starts it records what is to be
done (rows, states) and calls ``customer.work._defer``.

Without a job queue, ``_defer`` triggers the cron named by the caller; the
cron finds the pending work from the stored state and runs it in batches
that commit one by one, so that a run stopped midway resumes where it
stopped. The bridge module ``customer_relationship_queue`` (auto-installed
with OCA ``queue_job``) overrides ``_defer`` to enqueue the call itself as a
job on its channel. Work units are therefore written to be called either
way: they read what is pending from the database and are safe to call
twice.
"""

from odoo import api, models


class CustomerWork(models.AbstractModel):
    _name = "customer.work"
    _description = "Deferred Work of the Customer Relationship Suite"

    @api.model
    def _defer(self, records, method, args=(), *, cron, channel, key=None, description=None):
        """Have ``records.<method>(*args)`` run soon, outside this transaction.

        :param records: the recordset the work unit is called on
        :param str method: name of the work unit (a private method)
        :param tuple args: its positional arguments (JSON-serialisable)
        :param str cron: xmlid of the cron that runs this work without a job queue
        :param str channel: job channel under ``root.customer_relationship``
            (``facts``, ``recompute``, ``lifecycle``, ``mailing``, ``handover``)
        :param str key: identity of the job: an equal pending job is not
            enqueued twice
        :param str description: shown in the job list
        """
        self.env.ref(cron)._trigger()

    @api.model
    def _deferred_pending(self, keys, started_within):
        """The ``keys`` (of ``_defer``) whose work is already deferred and
        has not started yet, as this transaction's snapshot shows it, in a
        transaction that began less than ``started_within`` seconds ago (an
        older one returns none: its snapshot may show waiting what started
        since). Without a job queue, none: a triggered cron gives no such
        promise per key."""
        return set()

    @api.model
    def _runs_jobs(self):
        """Whether ``_defer`` enqueues jobs (a job queue bridge is installed)
        rather than triggering crons: a cron that finds work may then hand it
        to jobs instead of doing it itself."""
        return False
