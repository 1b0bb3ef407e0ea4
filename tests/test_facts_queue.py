from contextlib import contextmanager
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import SQL

from ..models.customer_profile_queue import TRIGGERED_KEY
from .common import CustomerCommon, captured_queries, written_tables


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

    def test_confirmation_writes_no_shared_row(self):
        order = self._order(self.customer, 250, confirm=False)
        triggers_before = self._triggers()
        # a transaction of its own (the fixture's transaction triggered already)
        self.env.cr.precommit.data.pop(TRIGGERED_KEY, None)
        with captured_queries() as queries:
            order.action_confirm()
            self.env.flush_all()
        written = written_tables(queries)
        self.assertNotIn("customer_profile", written)
        self.assertEqual(written.get("customer_profile_queue"), {"INSERT INTO"})
        # appended rows only: the queue, the timeline, the cron's trigger
        self.assertFalse(
            {"customer_profile_queue", "customer_event", "ir_cron_trigger"} - set(written)
        )
        # the order is confirmed; the customer waits for the commit
        profile = self.env["customer.profile"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(profile.order_count, 1)
        self.assertEqual([row["partner_id"][0] for row in self._queued()], [self.customer.id])
        # one trigger of the queue's cron, notified at the commit
        self.assertEqual(len(self._triggers() - triggers_before), 1)
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
        """The cron refreshes everything queued, batch after batch, waiting
        for more orders after a small batch, and leaves the lock free."""
        others = [self._customer(f"Queued {index}") for index in range(3)]
        for partner in others:
            self._order(partner, 50)
        queue = self.env["customer.profile.queue"]
        pauses = []
        with (
            self._registry_test_mode(),
            patch(
                "odoo.addons.customer_relationship.models.customer_profile_queue.time.sleep",
                pauses.append,
            ),
        ):
            queue._cron_process()
        self.env.invalidate_all()
        self.assertFalse(self._queued())
        self.assertEqual(pauses, [1.0])  # one batch, then an empty one
        for partner in others:
            self.assertEqual(self._profile(partner).order_count, 1)
        # the company's drain lock was released
        lock = (queue._queue_lock_namespace(), self.company.id)
        self.env.cr.execute(SQL("SELECT pg_try_advisory_lock(%s, %s)", *lock))
        self.assertTrue(self.env.cr.fetchone()[0])
        self.env.cr.execute(SQL("SELECT pg_advisory_unlock(%s, %s)", *lock))

    def test_cron_recompute_goes_on_after_a_failing_company(self):
        """Each company is recomputed in a transaction of its own: one that
        fails is logged and the others are recomputed."""
        other = self.env["res.company"].create({"name": "Failing Co"})
        profiles = self.env["customer.profile"]
        original = type(profiles)._recompute_all
        done = []

        def recompute(model, companies):
            if companies == other:
                raise ValueError("broken company")
            done.extend(companies.ids)
            return original(model, companies)

        with (
            self._registry_test_mode(),
            patch.object(type(profiles), "_recompute_all", recompute),
            self.assertLogs(
                "odoo.addons.customer_relationship.models.customer_profile_facts", "ERROR"
            ) as logs,
        ):
            profiles._cron_recompute_all()
        self.assertIn(self.company.id, done)
        self.assertNotIn(other.id, done)
        self.assertIn("Failing Co", logs.output[0])
