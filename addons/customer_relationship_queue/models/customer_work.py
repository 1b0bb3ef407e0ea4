from odoo import api, models
from odoo.tools import SQL

# every channel of the suite is a child of this one
CHANNEL = "root.customer_relationship"
# seconds a job of these channels waits before it starts, to gather the work
# of the transactions that follow (they find it pending and add none): under
# load, one refresh of a company per second instead of one per order, as the
# queue's cron does
GATHER_SECONDS = {"facts": 1}


class CustomerWork(models.AbstractModel):
    _inherit = "customer.work"

    @api.model
    def _defer(self, records, method, args=(), *, cron, channel, key=None, description=None):
        """Enqueue ``records.<method>(*args)`` as a job on the channel
        ``root.customer_relationship.<channel>`` instead of triggering the
        cron: job runners pick it up, on this machine or others. A job of
        the same ``key`` still waiting to start is not enqueued twice (the
        job's identity key), since it will find the work this transaction
        records once it starts. Jobs of the channels of ``GATHER_SECONDS``
        start that many seconds later."""
        delayable = records.with_delay(
            channel=f"{CHANNEL}.{channel}",
            identity_key=key,
            description=description,
            eta=GATHER_SECONDS.get(channel),
        )
        getattr(delayable, method)(*args)

    @api.model
    def _deferred_pending(self, keys, started_within):
        """Jobs of ``keys`` still waiting to start (the states in which
        ``identity_key`` keeps a second job from being enqueued), if the
        current transaction started less than ``started_within`` seconds ago
        (a condition PostgreSQL checks once, before it reads any job)."""
        if not keys:
            return set()
        jobs = self.env["queue.job"]
        jobs.flush_model(["identity_key", "state"])
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT identity_key FROM %s
                 WHERE identity_key = ANY(%s)
                   AND state IN ('wait_dependencies', 'pending', 'enqueued')
                   AND (SELECT clock_timestamp() - now()) < make_interval(secs => %s)
                """,
                SQL.identifier(jobs._table),
                list(keys),
                started_within,
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}

    @api.model
    def _runs_jobs(self):
        return True
