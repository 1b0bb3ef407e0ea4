import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestBulkMoves(LifecycleCommon):
    """Many customers moving at once (the first evaluation of a database)
    are written by a few SQL statements; they record exactly what the moves
    through the ORM record."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("customer_lifecycle.stage_active").log_on_timeline = True
        cls.env.ref("customer_lifecycle.stage_new_customer").activity_type_id = cls.env.ref(
            "mail.mail_activity_data_todo"
        )
        plans = {
            "Bulk One": [3],
            "Bulk Two": [200, 20],
            "Bulk Three": [400, 300],
            "Bulk Four": [500],
            "Bulk Five": [190],
            "Bulk Six": [40, 30, 20, 10],
            "Bulk Seven": [250, 220],
        }
        for name, days in plans.items():
            partner = cls._customer(name, user_id=cls.user_customer.id)
            cls._orders([(partner, 100, days_ago) for days_ago in days])
        cls.env["crm.lead"].create(
            {
                "name": "Bulk deal",
                "type": "opportunity",
                "partner_id": cls._customer("Bulk Eight").id,
                "company_id": cls.company.id,
            }
        )
        cls.env["customer.profile.queue"]._process()
        cls.env["customer.profile"]._recompute_all(cls.company)

    def _snapshot(self):
        """States, history, timeline rows and activities of the company, by
        customer (ids of the rows left out: they differ between runs)."""
        self.env.invalidate_all()
        states = self.State.search([("company_id", "=", self.company.id)])
        history_key = {}
        result = {"states": {}, "history": {}, "events": set(), "activities": set()}
        for state in states:
            result["states"][state.partner_id.id] = (
                state.stage_id.code,
                state.date_entered,
                state.moved_by_rule_id.id,
                state.moved_by_user_id.id,
                state.locked,
                state.locked_by_id.id,
                state.profile_id.id,
            )
            stays = []
            for stay in state.history_ids.sorted("id"):
                history_key[stay.id] = (state.partner_id.id, len(stays))
                stays.append(
                    (
                        stay.partner_id.id,
                        stay.company_id.id,
                        stay.from_stage_id.code,
                        stay.stage_id.code,
                        stay.next_stage_id.code,
                        stay.date_entered,
                        stay.date_left,
                        stay.duration,
                        stay.rule_id.id,
                        stay.user_id.id,
                    )
                )
            result["history"][state.partner_id.id] = stays
        events = self.env["customer.event"].search(
            [("company_id", "=", self.company.id), ("event_type", "=", "stage_changed")]
        )
        for event in events:
            self.assertEqual(event.res_model, "customer.lifecycle.history")
            result["events"].add(
                (
                    event.partner_id.id,
                    event.date,
                    event.name,
                    event.user_id.id,
                    event.amount,
                    history_key[event.res_id],
                )
            )
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "in", list(result["states"]))]
        )
        for activity in activities:
            result["activities"].add(
                (
                    activity.res_id,
                    activity.user_id.id,
                    activity.activity_type_id.id,
                    activity.date_deadline,
                    activity.summary,
                    activity.res_model,
                    activity.res_name,
                    activity.user_tz,
                    activity.active,
                    activity.automated,
                    activity.date_done,
                )
            )
        result["followers"] = set(
            self.env["mail.followers"]
            .search([("res_model", "=", "res.partner"), ("res_id", "in", list(result["states"]))])
            .mapped(lambda follower: (follower.res_id, follower.partner_id.id))
        )
        return result

    def _evaluate_with(self, bulk_from, now):
        """Evaluate the company with states moved in bulk (SQL) from
        ``bulk_from`` states per move on, then undo it."""
        savepoint = self.env.cr.savepoint()
        with (
            freeze_time(now),
            patch.object(type(self.State), "_BULK_MOVES", bulk_from),
        ):
            moved = self.State._evaluate(self.company)
            # a second evaluation, a year later: the stays close in bulk too
            with freeze_time(now + datetime.timedelta(days=365)):
                moved += self.State._evaluate(self.company)
            snapshot = self._snapshot()
        savepoint.close(rollback=True)
        self.env.invalidate_all()
        return moved, snapshot

    def test_sql_and_orm_moves_record_the_same(self):
        now = fields.Datetime.now().replace(microsecond=0)
        orm_moves, orm = self._evaluate_with(10**6, now)
        sql_moves, bulk = self._evaluate_with(1, now)
        self.assertEqual(sql_moves, orm_moves)
        self.assertGreater(orm_moves, 10)
        self.assertEqual(len(orm["states"]), 8)
        self.assertTrue(orm["events"] and orm["activities"])
        # the salesperson follows the customers given an activity
        bulk_one = self.env["res.partner"].search([("name", "=", "Bulk One")])
        self.assertIn((bulk_one.id, self.user_customer.partner_id.id), orm["followers"])
        for key in ("states", "history", "events", "activities", "followers"):
            with self.subTest(key=key):
                self.assertEqual(bulk[key], orm[key])

    def test_bulk_moves_in_a_fixed_number_of_queries(self):
        """The first evaluation's moves do not grow with the customers."""
        self.State._sync_states(self.company)
        states = self.State.search([("company_id", "=", self.company.id)])
        rule = self.env.ref("customer_lifecycle.rule_churned")
        churned = self.stages["churned"]
        with patch.object(type(self.State), "_BULK_MOVES", 1):
            with self.assertExactQueryCount(BULK_MOVE_QUERIES):
                states._move_to(churned, rule=rule)
            self.assertEqual(set(states.mapped("stage_id.code")), {"churned"})
            self.assertEqual(len(states), 8)
            self._order(self._customer("Bulk Nine"), 100)
            self._after_commit()
            self.State._sync_states(self.company)
            states = self.State.search([("company_id", "=", self.company.id)])
            self.assertEqual(len(states), 9)
            with self.assertExactQueryCount(BULK_MOVE_QUERIES):
                states._move_to(self.stages["won_back"], rule=rule)
        self.assertEqual(set(states.mapped("stage_id.code")), {"won_back"})


# Queries of a bulk move to a stage logged on the timeline: the stays closed,
# the new ones inserted, the states updated, the stage read again (the caches
# are invalidated after the SQL), the stages' names for the timeline's
# summaries and the timeline rows inserted.
BULK_MOVE_QUERIES = 6
