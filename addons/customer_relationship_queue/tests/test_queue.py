from unittest.mock import patch

from psycopg2 import OperationalError

from odoo.tests import tagged

from odoo.addons.customer_relationship.models import customer_profile_queue as queue_module
from odoo.addons.customer_relationship.models.customer_profile_facts import RANGE_SIZE_PARAM
from odoo.addons.customer_relationship.tests.common import CustomerCommon, failing_call
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.tests.common import trap_jobs

LOST = OperationalError("server closed the connection unexpectedly")


@tagged("post_install", "-at_install")
class TestQueueBridge(CustomerCommon):
    """customer.work._defer enqueues jobs: one per key, on the suite's
    channels; the jobs do the work once, and a failed job's retry does not
    do it twice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Profile = cls.env["customer.profile"]
        cls.Queue = cls.env["customer.profile.queue"]
        cls.other = cls.env["res.company"].create({"name": "Queue Bridge Second Co"})
        cls.customer = cls._customer("Queue Bridge Customer")
        cls.second = cls._customer("Queue Bridge Second Customer")
        cls._orders([(cls.customer, 100, 10), (cls.second, 40, 100)])

    def _jobs(self, method):
        return (
            self.env["queue.job"]
            .sudo()
            .search([("method_name", "=", method), ("state", "=", "pending")], order="id")
        )

    def _commit(self):
        """What the commit starts: the data written, then the queue's cron
        that the transaction triggered (which hands each company's refresh
        to a job)."""
        self.env.cr.flush()
        self.Queue._cron_process()

    def _perform(self, record):
        """Run the job as the job runner does: started, performed, done; or,
        when it asks to be retried, pending again."""
        job = Job.load(self.env, record.uuid)
        job.set_started()
        job.store()
        try:
            with self._deferred_work_mode():
                result = job.perform()
        except RetryableJobError:
            job.postpone()
            job.set_pending(reset_retry=False)
            job.store()
            raise
        job.set_done()
        job.store()
        self.env.invalidate_all()
        return result

    def _facts(self):
        return self._company_facts()

    def test_defer_enqueues_on_the_channel(self):
        self._after_commit()
        with trap_jobs() as trap:
            self.Queue._enqueue([(self.customer.id, self.company.id)])
            self._commit()
            trap.assert_jobs_count(1, only=self.Queue._drain_company_job)
            trap.assert_enqueued_job(
                self.Queue._drain_company_job,
                args=(self.company.id,),
                properties={
                    "channel": "root.customer_relationship.facts",
                    "identity_key": f"customer_relationship.facts:{self.company.id}",
                },
            )
            self.Profile._request_recompute(self.company)
            trap.assert_enqueued_job(
                self.Profile._recompute_company_job,
                args=(self.company.id,),
                properties={"channel": "root.customer_relationship.recompute"},
            )

    def test_one_job_per_key(self):
        self._after_commit()
        cron = self.env.ref("customer_relationship.ir_cron_customer_profile_queue")
        self.Queue._enqueue([(self.customer.id, self.company.id)])
        self.env.cr.flush()
        # the order's transaction records no job, it triggers the cron
        self.assertFalse(self._jobs("_drain_company_job"))
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))
        self._commit()
        self.Queue._enqueue([(self.second.id, self.company.id), (self.second.id, self.other.id)])
        self._commit()
        jobs = self._jobs("_drain_company_job")
        self.assertEqual(len(jobs), 2)
        self.assertEqual(
            sorted(jobs.mapped("identity_key")),
            sorted(
                f"customer_relationship.facts:{company.id}" for company in self.company | self.other
            ),
        )
        self.assertEqual(set(jobs.mapped("channel")), {"root.customer_relationship.facts"})
        self.assertEqual(set(jobs.mapped("job_function_id.channel")), set(jobs.mapped("channel")))

    def test_pending_drain_job_spares_the_cron(self):
        """An order's transaction that finds a drain job of its company
        waiting to start does not wake the cron (the job will see its row),
        if it is young enough to count on the job; an older one does."""
        self._after_commit()
        cron = self.env.ref("customer_relationship.ir_cron_customer_profile_queue")
        triggers = self.env["ir.cron.trigger"]
        self.Queue._defer_drain(self.company.id)
        self.assertEqual(len(self._jobs("_drain_company_job")), 1)
        data = self.env.cr.precommit.data
        module = "odoo.addons.customer_relationship.models.customer_profile_queue"

        def enqueue_counting_triggers():
            for key in (queue_module.GATED_KEY, queue_module.TRIGGERED_KEY):
                data.pop(key, None)
            before = triggers.search_count([("cron_id", "=", cron.id)])
            self.Queue._enqueue([(self.customer.id, self.company.id)])
            return triggers.search_count([("cron_id", "=", cron.id)]) - before

        # the test's transaction began long ago: too old to count on the job
        self.assertEqual(enqueue_counting_triggers(), 1)
        with patch(f"{module}.DRAIN_MIN_SECONDS", 3600.0):
            self.assertEqual(enqueue_counting_triggers(), 0)
            # a job of the other company does not spare this one
            self._jobs("_drain_company_job").write({"identity_key": "another"})
            self.assertEqual(enqueue_counting_triggers(), 1)

    def test_refresh_job_does_the_work_once(self):
        self._after_commit()
        self.Profile._recompute_all(self.company)
        self._order(self.customer, 60, days_ago=1)
        self._commit()
        (job,) = self._jobs("_drain_company_job").filtered(lambda j: j.args == [self.company.id])
        self.assertEqual(self._perform(job), "queue drained")
        facts = self._facts()
        self.assertEqual(
            self.Profile.search([("partner_id", "=", self.customer.id)]).order_count, 2
        )
        self.assertFalse(self.Queue.search([("company_id", "=", self.company.id)]))
        # the same job again (a retry): the same facts, nothing left to do
        self.assertEqual(self._perform(job), "queue drained")
        self.assertEqual(self._facts(), facts)

    def test_refresh_job_retried_after_a_lost_connection(self):
        self._after_commit()
        self._order(self.customer, 60, days_ago=1)
        self._commit()
        (job,) = self._jobs("_drain_company_job").filtered(lambda j: j.args == [self.company.id])
        with failing_call(self.Profile, "_refresh_customers", 1, LOST) as calls:
            with self.assertRaises(RetryableJobError):
                self._perform(job)
            self.assertEqual(job.state, "pending")
            # nothing refreshed, the customer still queued
            self.assertTrue(self.Queue.search([("partner_id", "=", self.customer.id)]))
            self._perform(job)
        self.assertEqual(len(calls), 2)
        self.assertFalse(self.Queue.search([("partner_id", "=", self.customer.id)]))
        self.assertEqual(
            self.Profile.search([("partner_id", "=", self.customer.id)]).order_count, 2
        )

    def test_recompute_jobs_per_range_retried_without_double_runs(self):
        self._after_commit()
        self.env["ir.config_parameter"].sudo().set_param(RANGE_SIZE_PARAM, "1")
        expected, _bounds, _count, _changed = self._whole_company_run()
        runs_before = self.env["customer.scoring.run"].search_count([])
        (run,) = self.Profile._request_recompute(self.company)
        steps = 0
        with failing_call(self.Profile, "_write_facts", 2, LOST):
            while jobs := self._jobs("_recompute_company_job").filtered(
                lambda j: j.args == [self.company.id]
            ):
                steps += 1
                try:
                    self._perform(jobs[0])
                except RetryableJobError:
                    self.assertEqual(run.state, "running")
        # two customers, one per range: two ranges and the open end, one retry
        self.assertEqual(steps, 4)
        self.assertEqual(run.state, "done")
        self.assertEqual(self._facts(), expected)
        self.assertEqual(self.env["customer.scoring.run"].search_count([]), runs_before + 1)
