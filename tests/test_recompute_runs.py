from unittest.mock import patch

from psycopg2 import OperationalError

from odoo.tests import tagged
from odoo.tools import SQL

from ..models.customer_profile import FACT_COLUMNS
from ..models.customer_profile_facts import RANGE_SIZE_PARAM
from .common import CustomerCommon, failing_call


class Killed(BaseException):
    """The worker stopped (killed, restarted): nothing catches it."""


@tagged("post_install", "-at_install")
class TestRecomputeRuns(CustomerCommon):
    """Full recomputes requested, run step by step in committed
    transactions, range by range for large companies, resumed after a
    failure."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Profile = cls.env["customer.profile"]
        cls.Run = cls.env["customer.scoring.run"]
        cls.other = cls.env["res.company"].create({"name": "Second Customer Co"})
        cls.env.user.company_ids |= cls.other
        amounts = [120, 80, 45.5, 300, 12, 999.99, 64, 300, 15]
        cls.customers = [cls._customer(f"Range Customer {index}") for index in range(9)]
        cls._orders(
            [
                (partner, amount, days)
                for partner, amount, days in zip(
                    cls.customers, amounts, [3, 40, 90, 200, 400, 10, 30, 60, 700], strict=True
                )
            ]
            + [(cls.customers[0], 50, 20), (cls.customers[3], 75, 100)]
        )
        cls.others = [cls._customer(f"Other Co Customer {index}") for index in range(3)]
        cls._orders(
            [(partner, 100 * (index + 1), index * 50) for index, partner in enumerate(cls.others)],
            company=cls.other,
        )
        # a profile whose customer has no order any more is deleted by the run
        cls.gone = cls._customer("Range Customer Gone")
        cls.gone_order = cls._order(cls.gone, 70, days_ago=5)

    def _facts(self, company=None):
        return self._company_facts(company)

    def _range_size(self, size):
        self.env["ir.config_parameter"].sudo().set_param(RANGE_SIZE_PARAM, str(size))

    def test_ranges_write_what_a_whole_company_run_writes(self):
        self._after_commit()
        self.gone_order._action_cancel()
        self.env["customer.profile.queue"].search([]).unlink()
        facts, bounds, count, changed = self._whole_company_run()
        self.assertNotIn(self.gone.id, facts)
        self._range_size(2)
        steps = []
        original = type(self.Profile)._recompute_run_step

        def step(model, run, range_size, restart=False):
            steps.append(range_size)
            return original(model, run, range_size, restart=restart)

        with patch.object(type(self.Profile), "_recompute_run_step", step):
            (run,) = self.Profile._request_recompute(self.company)
            self._after_commit()
        # 9 customers in ranges of 2: 5 steps, the last one open-ended
        self.assertEqual(steps, [2] * 5)
        self.assertEqual(len(run.range_ends), 4)
        self.assertEqual(self._facts(), facts)
        self.assertRecordValues(
            run,
            [
                {
                    "state": "done",
                    "bounds": bounds,
                    "customer_count": count,
                    "changed_count": changed,
                }
            ],
        )
        # one run per request (the whole-company run above was rolled back)
        self.assertEqual(self.Run.search_count([("company_id", "=", self.company.id)]), 1)

    def test_request_twice_is_one_run(self):
        first = self.Profile._request_recompute(self.company | self.other)
        second = self.Profile._request_recompute(self.company | self.other)
        self.assertEqual(first, second)
        self.assertEqual(set(first.mapped("state")), {"pending"})
        self._after_commit()
        self.assertEqual(set(first.mapped("state")), {"done"})
        self.assertEqual(self.Profile._request_recompute(self.company).state, "pending")

    def test_refresh_during_a_run_uses_its_bounds(self):
        """Between two steps, refreshes score against the running run's
        bounds, those its ranges write with; a requested run that has not
        started is not used."""
        self._after_commit()
        last = self.Profile._recompute_all(self.company)
        (run,) = self.Profile._request_recompute(self.company)
        bounds = self.Run._last_bounds(self.company.ids)[self.company.id]
        self.assertEqual(bounds, dict(last.bounds))
        self._range_size(4)
        with self._deferred_work_mode():
            self.assertTrue(self.Profile._recompute_step(self.env.cr.dbname, self.company.id))
        self.assertEqual(run.state, "running")
        self.assertEqual(self.Run._last_bounds(self.company.ids)[self.company.id], run.bounds)

    def test_killed_mid_run_then_resumed(self):
        """The worker stops after the first company's commit: that company
        has its new facts and its run, the second one its old facts and a
        run still requested; the next run completes it."""
        self._after_commit()
        self.Profile._recompute_all(self.company | self.other)
        old = {company: self._facts(company) for company in (self.company, self.other)}
        # new orders for both companies, not refreshed
        self._order(self.customers[4], 500, days_ago=1)
        self._order(self.others[0], 500, days_ago=1, company=self.other)
        self.env["customer.profile.queue"].search([]).unlink()
        runs = self.Profile._request_recompute(self.company | self.other)
        first, second = runs.sorted("id")
        original = type(self.Profile)._recompute_run_step

        def step(model, run, range_size, restart=False):
            if run.company_id == second.company_id:
                raise Killed()
            return original(model, run, range_size, restart=restart)

        # (not assertRaises: it would roll back what the run committed)
        killed = False
        with (
            self._deferred_work_mode(),
            patch.object(type(self.Profile), "_recompute_run_step", step),
        ):
            try:
                self.Profile._cron_run_recomputes()
            except Killed:
                killed = True
        self.assertTrue(killed)
        self.env.invalidate_all()
        self.assertEqual((first.state, second.state), ("done", "pending"))
        self.assertNotEqual(self._facts(first.company_id), old[first.company_id])
        self.assertEqual(self._facts(second.company_id), old[second.company_id])
        # the next run completes it, and records no other run
        with self._deferred_work_mode():
            self.Profile._cron_run_recomputes()
        self.assertEqual(second.state, "done")
        facts, _bounds, _count, _changed = self._whole_company_run()
        self.assertEqual(self._facts(), facts)
        self.assertEqual(self.Run.search_count([("state", "!=", "done")]), 0)

    def test_connection_lost_mid_range(self):
        """A connection lost while a range is written leaves the range as it
        was (its transaction rolled back), the run at that range; the next
        run writes the rest, and the result is a whole-company run's."""
        self._after_commit()
        self.Profile._recompute_all(self.company)
        before = self._facts()
        self._order(self.customers[1], 2000, days_ago=1)
        self._order(self.customers[8], 10, days_ago=1)
        self.env["customer.profile.queue"].search([]).unlink()
        self._range_size(3)
        (run,) = self.Profile._request_recompute(self.company)
        lost = OperationalError("server closed the connection unexpectedly")
        with (
            self._deferred_work_mode(),
            failing_call(self.Profile, "_write_facts", 2, lost),
            self.assertLogs(
                "odoo.addons.customer_relationship.models.customer_profile_facts", "ERROR"
            ),
        ):
            self.Profile._cron_run_recomputes()
        self.env.invalidate_all()
        # the first range was committed, the second one not
        self.assertEqual(run.state, "running")
        first_range_end = run.range_ends[0]
        self.assertEqual(run.next_partner_id, first_range_end + 1)
        after = self._facts()
        for partner_id, facts in after.items():
            if partner_id > first_range_end:
                self.assertEqual(facts, before[partner_id])
        with self._deferred_work_mode():
            self.Profile._cron_run_recomputes()
        self.assertEqual(run.state, "done")
        facts, _bounds, _count, _changed = self._whole_company_run()
        self.assertEqual(self._facts(), facts)
        self.assertEqual(self.Run.search_count([("company_id", "=", self.company.id)]), 2)

    def test_manager_button_defers(self):
        """The button records the runs and returns at once; the recompute
        runs after the commit."""
        self._after_commit()
        self.gone_order._action_cancel()
        self.env["customer.profile.queue"].search([]).unlink()
        self.assertIn(self.gone.id, self._facts())
        self.Profile.with_user(self.user_manager).with_context(
            allowed_company_ids=self.company.ids
        ).action_recompute_all()
        self.assertIn(self.gone.id, self._facts())
        self._after_commit()
        self.assertNotIn(self.gone.id, self._facts())


@tagged("post_install", "-at_install")
class TestScoresKept(CustomerCommon):
    """A full recompute whose bounds are those of the previous finished run
    scores again only the customers whose facts changed: it writes what
    scoring every customer writes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Profile = cls.env["customer.profile"]
        cls.customers = [cls._customer(f"Kept Customer {index}") for index in range(10)]
        cls._orders(
            [
                (partner, 100 + 37 * index, 5 + 31 * index)
                for index, partner in enumerate(cls.customers)
            ]
        )

    def _run(self):
        return self.Profile._recompute_all(self.company)

    def _assert_as_scoring_every_customer(self):
        """Scoring every customer (no customer left out) changes nothing."""
        with patch.object(
            type(self.Profile), "_facts_changed_source", lambda self, source, companies: source
        ):
            run = self._run()
        self.assertEqual(run.changed_count, 0)

    def test_same_bounds_keep_the_unchanged_customers(self):
        self._after_commit()
        first = self._run()
        self.assertFalse(first.scores_kept)
        second = self._run()
        self.assertTrue(second.scores_kept)
        self.assertEqual(second.changed_count, 0)
        # a settings change: every lifetime value changes, nothing else
        before = self._company_facts()
        self.company.customer_clv_margin = 40.0
        third = self._run()
        self.assertTrue(third.scores_kept)
        self.assertEqual(third.changed_count, len(self.customers))
        after = self._company_facts()
        ltv = FACT_COLUMNS.index("lifetime_value")
        for partner_id, facts in after.items():
            self.assertNotEqual(facts[ltv], before[partner_id][ltv])
            self.assertEqual(
                facts[:ltv] + facts[ltv + 1 :],
                before[partner_id][:ltv] + before[partner_id][ltv + 1 :],
            )
        self._assert_as_scoring_every_customer()

    def test_a_customer_whose_facts_changed_is_scored_again(self):
        self._after_commit()
        self._run()
        # facts changed behind the queue's back: a stored row is stale
        self.env.cr.execute(
            SQL(
                "UPDATE customer_profile SET order_count = order_count + 5, recency_score = 0"
                " WHERE partner_id = %s AND company_id = %s",
                self.customers[4].id,
                self.company.id,
            )
        )
        self.env.invalidate_all()
        run = self._run()
        self.assertTrue(run.scores_kept)
        self.assertEqual(run.changed_count, 1)
        self._assert_as_scoring_every_customer()

    def test_other_bounds_score_every_customer(self):
        self._after_commit()
        self._run()
        # a new best customer moves the bounds and the class thresholds
        self._order(self._customer("Kept Newcomer"), 100_000, days_ago=1)
        self.env["customer.profile.queue"].search([]).unlink()
        run = self._run()
        self.assertFalse(run.scores_kept)
        self._assert_as_scoring_every_customer()
