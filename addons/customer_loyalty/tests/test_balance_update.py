from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError

from .common import LoyaltyCommon


class TestBalanceUpdate(LoyaltyCommon):
    """Odoo's balance update on a member's card follows the points batches."""

    def _update(self, member, new_balance, description, user=None):
        wizard = self.env["loyalty.card.update.balance"].with_user(user or self.user_customer)
        wizard.create(
            {"card_id": member.card_id.id, "new_balance": new_balance, "description": description}
        ).action_update_card_point()
        member.invalidate_recordset()
        member.card_id.invalidate_recordset()

    def _events(self, member, event_type):
        return self.env["customer.event"].search(
            [("partner_id", "=", member.partner_id.id), ("event_type", "=", event_type)]
        )

    def test_add_then_remove(self):
        member = self._member("Balance Lin")
        # the day of the user who updates the balance (their time zone)
        today = fields.Date.context_today(self.Member.with_user(self.user_customer))
        old = self._batches(
            member, [(today - timedelta(days=60), 200, today + timedelta(days=300))]
        )
        self._update(member, 1200, "Goodwill for a late delivery")
        added = member.batch_ids - old
        self.assertEqual(member.points, 1200)
        self.assertRecordValues(
            added,
            [
                {
                    "kind": "adjustment",
                    "date": today,
                    "expiry_date": today + relativedelta(months=12),
                    "points": 1000,
                    "reason": "Goodwill for a late delivery",
                    "state": "active",
                }
            ],
        )
        entry = member.card_id.history_ids.sorted("id")[-1]
        self.assertRecordValues(
            entry, [{"issued": 1000, "customer_kind": "manual", "customer_batch_id": added.id}]
        )
        # the points count for the tier as earned ones: 1,200 reach Gold
        self.assertEqual(member.tier_id, self.gold)
        self.assertEqual(member.qualifying_value, 1200)
        self.assertEqual(
            self._events(member, "loyalty_points_added").mapped("name"),
            ["1000 points added: Goodwill for a late delivery"],
        )
        # 300 removed: the 200 of the older batch, then 100 of the new one
        self._update(member, 900, "Points given twice")
        self.assertEqual(member.points, 900)
        self.assertEqual((old.removed_points, added.removed_points), (200, 100))
        self.assertEqual(member.card_id.history_ids.sorted("id")[-1].customer_kind, "manual")
        self.assertEqual(
            self._events(member, "loyalty_points_removed").mapped("name"),
            ["300 points removed: Points given twice"],
        )
        # all the rest: never more than a batch holds
        self._update(member, 0, "Account closed")
        self.assertEqual((old.removed_points, added.removed_points), (200, 1000))
        self.assertEqual(len(self._events(member, "loyalty_points_removed")), 2)

    def test_hand_added_points_expire(self):
        member = self._member("Balance Zhou")
        with freeze_time("2026-01-15"):
            self._update(member, 100, "Welcome gift")
            self._update(member, 70, "Correction")
        batch = member.batch_ids
        self.assertEqual((batch.expiry_date, batch.removed_points), (date(2027, 1, 15), 30))
        with freeze_time("2027-01-14"):
            self.Batch._expire(self.program)
        self.assertEqual((batch.state, member.points), ("active", 70))
        with freeze_time("2027-01-15"):
            self.Batch._expire(self.program)
        member.invalidate_recordset()
        self.assertEqual((batch.state, batch.expired_points, member.points), ("expired", 70, 0))

    def test_only_users_of_the_wizard(self):
        member = self._member("Balance Wu")
        with self.assertRaises(AccessError):
            self._update(member, 100, "Not allowed", user=self.user_plain)
        self.assertFalse(member.batch_ids)
        self.assertEqual(member.points, 0)

    def test_card_of_no_member(self):
        card = self.env["loyalty.card"].create(
            {"program_id": self.program.id, "partner_id": self._customer("Balance Guest").id}
        )
        self.env["loyalty.card.update.balance"].with_user(self.user_customer).create(
            {"card_id": card.id, "new_balance": 50, "description": "Gift"}
        ).action_update_card_point()
        self.assertEqual(card.points, 50)
        self.assertFalse(self.Batch.search([("card_id", "=", card.id)]))
