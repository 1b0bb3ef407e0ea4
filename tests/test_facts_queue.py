from contextlib import contextmanager
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.customer_relationship.models.customer_profile_queue import (
    CRON_XMLID,
    DRAIN_MIN_SECONDS,
    LOCK_MIN_TRIES,
)

from .common import CustomerCommon, captured_queries, written_tables


class FakeClock:
    """The queue's clock in a test: ``sleep`` records the pause and moves
    ``now`` on, at once."""

    def __init__(self):
        self.now = 0.0
        self.pauses = []

    def sleep(self, seconds):
        self.pauses.append(seconds)
        self.now += seconds


@contextmanager
def fake_clock():
    clock = FakeClock()
    module = "odoo.addons.customer_relationship.models.customer_profile_queue.time"
    with (
        patch(f"{module}.sleep", clock.sleep),
        patch(f"{module}.monotonic", lambda: clock.now),
    ):
        yield clock


@tagged("post_install", "-at_install")
class TestFactsQueue(CustomerCommon):
    """A sales order's transaction only appends; the facts follow its commit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Parallel Orders Ltd")
        cls._order(cls.customer, 100, days_ago=10)
        cls.env["customer.profile.queue"]._process()
        cls.env["customer.profile"]._recompute_all(cls.company)

    @contextmanager
    def _registry_test_mode(self):
        """Cursors opened by the code under test share the test's transaction."""
        self.env.flush_all()
        self.registry.enter_test_mode(self.cr)
        try:
            yield
        finally:
            self.registry.leave_test_mode()

    def _triggers(self):
        return self.env["ir.cron.trigger"].search(
            [
                (
                    "cron_id",
                    "=",
                    self.env.ref("customer_relationship.ir_cron_customer_profile_queue").id,
                )
            ]
        )

    def _queued(self):
        return self.env["customer.profile.queue"].search_read(
            [("company_id", "=", self.company.id)], ["partner_id"]
        )

    def _deferred(self):
        """The refreshes deferred so far: triggers of the queue's cron, and
        jobs when the job queue bridge is installed."""
        jobs = self.env["queue.job"].sudo().search([]) if "queue.job" in self.env else []
        return set(self._triggers()), set(jobs)

    def test_confirmation_writes_no_shared_row(self):
        order = self._order(self.customer, 250, confirm=False)
        # a transaction of its own, after the fixture's deferred work ran
        self._after_commit()
        triggers_before, jobs_before = self._deferred()
        with captured_queries() as queries:
            order.action_confirm()
            # as the commit does: the data, then the pre-commit hooks
            self.env.cr.flush()
        written = written_tables(queries)
        self.assertNotIn("customer_profile", written)
        self.assertEqual(written.get("customer_profile_queue"), {"INSERT INTO"})
        # appended rows only: the queue, the timeline, the cron's trigger;
        # no job record, even with a job queue (the cron writes it)
        self.assertFalse({"customer_profile_queue", "customer_event"} - set(written))
        self.assertEqual(written.get("ir_cron_trigger"), {"INSERT INTO"})
        self.assertNotIn("queue_job", written)
        # the order is confirmed; the customer waits for the commit
        profile = self.env["customer.profile"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(profile.order_count, 1)
        self.assertEqual([row["partner_id"][0] for row in self._queued()], [self.customer.id])
        # one trigger of the queue's cron (notified at the commit)
        triggers_after, jobs_after = self._deferred()
        self.assertEqual(len(triggers_after - triggers_before), 1)
        self.assertEqual(jobs_after, jobs_before)
        # after the commit: exact, and nothing left queued
        self.assertEqual(self._after_commit(), {(self.customer.id, self.company.id)})
        self.assertEqual(self._profile(self.customer).order_count, 2)
        self.assertEqual(self._profile(self.customer).revenue, 350)
        self.assertFalse(self._queued())

    def test_cancel_and_line_changes_are_queued(self):
        order = self._order(self.customer, 100)
        self._after_commit()
        order.order_line.price_unit = 300
        self.assertTrue(self._queued())
        self.assertEqual(self._profile(self.customer).revenue, 400)
        order._action_cancel()
        self.assertTrue(self._queued())
        self.assertEqual(self._profile(self.customer).order_count, 1)

    def test_pair_handled_elsewhere_is_skipped(self):
        """A refresh whose rows another transaction already handled does
        nothing (the other one saw this order)."""
        self._order(self.customer, 100)
        key = (self.customer.id, self.company.id)
        self.assertEqual(self._after_commit(), {key})
        queue = self.env["customer.profile.queue"]
        with patch.object(type(self.env["customer.profile"]), "_refresh_customers") as refresh:
            self.assertEqual(queue._process({key}), set())
        refresh.assert_not_called()

    def test_facts_changed_hook(self):
        """One call per refresh: the incremental and queued refreshes with
        every pair refreshed, the full run with the pairs it changed."""
        calls = []
        profiles = self.env["customer.profile"]
        original = type(profiles)._on_facts_changed

        def record(model, keys):
            calls.append(set(keys))
            return original(model, keys)

        other = self._customer("Other Ltd")
        with patch.object(type(profiles), "_on_facts_changed", record):
            profiles._refresh_customers([self.customer.id, other.id], self.company.ids)
            self.assertEqual(
                calls, [{(self.customer.id, self.company.id), (other.id, self.company.id)}]
            )
            calls.clear()
            self._order(other, 80)
            self._after_commit()
            self.assertEqual(calls, [{(other.id, self.company.id)}])
            calls.clear()
            self.env["sale.order"].search([("partner_id", "=", other.id)])._action_cancel()
            self.env.flush_all()
            # cancelled without a refresh: the full run deletes the row
            self.env["customer.profile.queue"].search([]).unlink()
            self._full_run()
            self.assertEqual(len(calls), 1)
            self.assertIn((other.id, self.company.id), calls[0])
            calls.clear()
            self._full_run()
            self.assertEqual(calls, [])  # nothing changed: no call

    def test_cron_drains_in_batches(self):
        """Without a job queue, the cron refreshes everything queued, batch
        after batch, waiting for more orders after a small batch, and leaves
        the lock free."""
        others = [self._customer(f"Queued {index}") for index in range(3)]
        for partner in others:
            self._order(partner, 50)
        queue = self.env["customer.profile.queue"]
        with (
            self._registry_test_mode(),
            fake_clock() as clock,
            patch.object(type(self.env["customer.work"]), "_runs_jobs", return_value=False),
        ):
            queue._cron_process()
        self.env.invalidate_all()
        self.assertFalse(self._queued())
        self.assertEqual(clock.pauses, [1.0])  # one batch, then an empty one
        for partner in others:
            self.assertEqual(self._profile(partner).order_count, 1)
        # the company's drain lock was released
        lock = (queue._queue_lock_namespace(), self.company.id)
        self.env.cr.execute(SQL("SELECT pg_try_advisory_lock(%s, %s)", *lock))
        self.assertTrue(self.env.cr.fetchone()[0])
        self.env.cr.execute(SQL("SELECT pg_advisory_unlock(%s, %s)", *lock))

    def test_drainer_waits_for_the_lock_within_its_minimum_life(self):
        """A drainer that finds another at work tries again until the end of
        its minimum life, then leaves the company to it; once the lock is
        free it takes it."""
        company_id = self.env.ref("base.main_company").id
        model = "customer.profile.queue"
        with (
            self.registry.cursor() as holder_cr,
            self.registry.cursor() as drainer_cr,
            fake_clock() as clock,
        ):
            holder = api.Environment(holder_cr, SUPERUSER_ID, {})[model]
            drainer = api.Environment(drainer_cr, SUPERUSER_ID, {})[model]
            try:
                self.assertTrue(holder._try_lock_company(company_id))
                self.assertFalse(drainer._lock_company_within(company_id, DRAIN_MIN_SECONDS))
                self.assertGreaterEqual(clock.now, DRAIN_MIN_SECONDS)
                holder_cr.execute(SQL("SELECT pg_advisory_unlock_all()"))
                self.assertTrue(drainer._lock_company_within(company_id, clock.now))
            finally:
                holder_cr.execute(SQL("SELECT pg_advisory_unlock_all()"))
                drainer_cr.execute(SQL("SELECT pg_advisory_unlock_all()"))

    def test_order_looks_for_the_drainer_without_keeping_its_lock(self):
        """An order finds whether a drainer holds the company's queue lock
        by asking for it shared, and releases it at once: a drainer starting
        right after takes it, and the next order sees it at work."""
        company_id = self.env.ref("base.main_company").id
        model = "customer.profile.queue"
        with self.registry.cursor() as order_cr, self.registry.cursor() as drainer_cr:
            order = api.Environment(order_cr, SUPERUSER_ID, {})[model]
            drainer = api.Environment(drainer_cr, SUPERUSER_ID, {})[model]
            try:
                self.assertFalse(order._drainers_at_work([company_id]))
                self.assertTrue(drainer._try_lock_company(company_id))
                self.assertTrue(order._drainers_at_work([company_id]))
                drainer_cr.execute(SQL("SELECT pg_advisory_unlock_all()"))
                self.assertFalse(order._drainers_at_work([company_id]))
            finally:
                order_cr.rollback()
                drainer_cr.execute(SQL("SELECT pg_advisory_unlock_all()"))
                order_cr.execute(SQL("SELECT pg_advisory_unlock_all()"))

    def test_drainer_tries_its_lock_more_than_once(self):
        """Past the end of its minimum life, a drainer still asks for the
        lock ``LOCK_MIN_TRIES`` times: an order may hold it for an instant."""
        queue = self.env["customer.profile.queue"]
        company_id = self.env.ref("base.main_company").id
        for answers, taken in (
            ([False] * (LOCK_MIN_TRIES - 1) + [True], True),
            ([False] * (LOCK_MIN_TRIES + 2), False),
        ):
            with (
                fake_clock() as clock,
                patch.object(type(queue), "_try_lock_company", side_effect=answers) as try_lock,
            ):
                clock.now = 10.0
                self.assertEqual(queue._lock_company_within(company_id, 1.0), taken)
                self.assertEqual(try_lock.call_count, LOCK_MIN_TRIES)

    def test_drainer_at_work_misses_no_order(self):
        """While a drainer of the company is at work, an order's transaction
        does not wake the cron; the drainer cannot stop while that order is
        in flight, and its last look at the queue sees the order's row. Once
        it stopped, the next order wakes the cron again. (Two transactions of
        their own, on a company and a customer the test's transaction does
        not hold.)"""
        company_id = self.env.ref("base.main_company").id
        partner_id = self.env.ref("base.res_partner_2").id
        triggers = SQL(
            "SELECT count(*) FROM ir_cron_trigger WHERE cron_id = %s", self.env.ref(CRON_XMLID).id
        )
        model = "customer.profile.queue"
        with self.registry.cursor() as drainer_cr, self.registry.cursor() as order_cr:
            drainer = api.Environment(drainer_cr, SUPERUSER_ID, {})[model]
            orders = api.Environment(order_cr, SUPERUSER_ID, {})[model]
            # the queue rows of this test only: the test's transaction may
            # hold older ones of that customer
            [(last_id,)] = orders.env.execute_query(
                SQL("SELECT COALESCE(MAX(id), 0) FROM customer_profile_queue")
            )
            try:
                self.assertTrue(drainer._try_lock_company(company_id))
                [(before,)] = orders.env.execute_query(triggers)
                orders._enqueue([(partner_id, company_id)])
                self.assertEqual(orders.env.execute_query(triggers), [(before,)])
                self.assertFalse(drainer._try_close_gate(company_id))
                order_cr.commit()
                self.assertTrue(drainer._try_close_gate(company_id))
                self.assertTrue(drainer._unlock_company(company_id, gated=True))
                orders._enqueue([(partner_id, company_id)])
                self.assertEqual(orders.env.execute_query(triggers), [(before + 1,)])
            finally:
                order_cr.rollback()
                order_cr.execute(
                    SQL(
                        "DELETE FROM customer_profile_queue WHERE id > %s"
                        " AND partner_id = %s AND company_id = %s",
                        last_id,
                        partner_id,
                        company_id,
                    )
                )
                order_cr.commit()
                drainer_cr.rollback()
                drainer_cr.execute(SQL("SELECT pg_advisory_unlock_all()"))

    def test_cron_recompute_goes_on_after_a_failing_company(self):
        """Each company is recomputed in transactions of its own: one that
        fails is logged, left requested for the next run, and the others are
        recomputed."""
        other = self.env["res.company"].create({"name": "Failing Co"})
        profiles = self.env["customer.profile"]
        original = type(profiles)._recompute_run_step
        done = []

        def step(model, run, range_size, restart=False):
            if run.company_id == other:
                raise ValueError("broken company")
            done.append(run.company_id.id)
            return original(model, run, range_size, restart=restart)

        runs = profiles._request_recompute(self.company | other)
        with (
            self._registry_test_mode(),
            patch.object(type(profiles), "_recompute_run_step", step),
            self.assertLogs(
                "odoo.addons.customer_relationship.models.customer_profile_facts", "ERROR"
            ) as logs,
        ):
            profiles._cron_run_recomputes()
        self.env.invalidate_all()
        self.assertIn(self.company.id, done)
        self.assertIn("Failing Co", logs.output[0])
        by_company = {run.company_id: run.state for run in runs}
        self.assertEqual(by_company, {self.company: "done", other: "pending"})
