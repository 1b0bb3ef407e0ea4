from datetime import date, timedelta

from freezegun import freeze_time

from .common import LoyaltyCommon


class TestExpiry(LoyaltyCommon):
    def test_oldest_first_with_partial_spending(self):
        member = self._member("Expire Tang")
        old, middle, new = self._batches(
            member,
            [
                (date(2025, 1, 10), 100, date(2026, 1, 10)),
                (date(2025, 3, 10), 50, date(2026, 3, 10)),
                (date(2025, 6, 10), 30, date(2026, 6, 10)),
            ],
        )
        # 120 of the 180 points were spent: taken from the oldest batch first
        member.card_id.sudo().points -= 120
        with freeze_time("2026-01-11"):
            self.Batch._expire(self.program)
        self.assertEqual(member.points, 60)
        self.assertEqual((old.state, old.expired_points), ("expired", 0))
        with freeze_time("2026-03-11"):
            self.Batch._expire(self.program)
        self.assertEqual((middle.state, middle.expired_points), ("expired", 30))
        self.assertEqual(member.points, 30)
        with freeze_time("2026-06-11"):
            self.Batch._expire(self.program)
        self.assertEqual(new.expired_points, 30)
        self.assertEqual(member.points, 0)
        expiries = member.card_id.history_ids.filtered(lambda h: h.customer_kind == "expiry")
        self.assertEqual(sorted(expiries.mapped("used")), [30, 30])
        # the customer's timeline: the points lost, a row per run that took
        # some (not the batch spent before), pointing at its history row
        events = self.env["customer.event"].search(
            [
                ("partner_id", "=", member.partner_id.id),
                ("event_type", "=", "loyalty_points_expired"),
            ]
        )
        self.assertEqual(set(events.mapped("res_model")), {"loyalty.history"})
        self.assertEqual(sorted(events.mapped("res_id")), sorted(expiries.ids))
        self.assertEqual(set(events.mapped("name")), {"30 points expired"})

    def test_never_negative(self):
        member = self._member("Expire Yu")
        self._batches(member, [(date(2025, 1, 1), 100, date(2026, 1, 1))])
        member.card_id.sudo().points = 0
        with freeze_time("2026-02-01"):
            self.Batch._expire(self.program)
        self.assertEqual(member.points, 0)
        self.assertFalse(member.card_id.history_ids.filtered(lambda h: h.customer_kind == "expiry"))

    def test_one_history_row_per_card_and_run(self):
        """Batches of one card expiring in the same run: one history row and
        one timeline row with their sum; the run counts the batches. The
        queries do not grow with the cards."""
        counts = []
        for names in (["Expire Lin"], ["Expire Ma", "Expire Niu", "Expire Ou"]):
            members = self.Member.browse()
            for name in names:
                member = self._member(name)
                self._batches(
                    member,
                    [
                        (date(2025, 1, 5), 40, date(2026, 1, 5)),
                        (date(2025, 1, 20), 25, date(2026, 1, 20)),
                        (date(2025, 9, 1), 10, date(2026, 9, 1)),
                    ],
                )
                members |= member
            self.env.flush_all()
            with freeze_time("2026-02-01"):
                before = self.env.cr.sql_log_count
                expired = self.Batch._expire(self.program)
                self.env.flush_all()
                counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(expired, 2 * len(members))
            for member in members:
                self.assertEqual(member.points, 10)
                expiries = member.card_id.history_ids.filtered(
                    lambda h: h.customer_kind == "expiry"
                )
                self.assertEqual(expiries.mapped("used"), [65])
                self.assertEqual(expiries.description, "Points expired")
                events = self.env["customer.event"].search(
                    [
                        ("partner_id", "=", member.partner_id.id),
                        ("event_type", "=", "loyalty_points_expired"),
                    ]
                )
                self.assertEqual(events.mapped("name"), ["65 points expired"])
                self.assertEqual(
                    (events.res_model, events.res_id), ("loyalty.history", expiries.id)
                )
        self.assertEqual(counts[0], counts[1], counts)

    def test_order_cancelled_after_its_points_expired(self):
        """Cancelling an order whose points already expired takes nothing
        back: the balance stays, never below zero, and the batch stays
        expired."""
        member = self._member("Expire Qiu")
        order = self._order(member.partner_id, 100, days_ago=400)
        self._refreshed(member)
        batch = member.batch_ids
        self.assertEqual((batch.points, member.points), (100, 100))
        # earned 400 days ago, valid 12 months
        self.Batch._expire(self.program)
        member.invalidate_recordset()
        self.assertEqual((batch.state, member.points), ("expired", 0))
        order._action_cancel()
        self._refreshed(member)
        batch.invalidate_recordset()
        self.assertEqual((batch.state, member.points), ("expired", 0))
        self.assertFalse(
            self.env["customer.event"].search(
                [
                    ("partner_id", "=", member.partner_id.id),
                    ("event_type", "=", "loyalty_points_back"),
                ]
            )
        )

    def test_next_expiry_and_reminder(self):
        member = self._member("Remind Xu")
        today = date(2026, 5, 1)
        self._batches(
            member,
            [
                (date(2025, 5, 20), 80, date(2026, 5, 20)),
                (date(2025, 9, 1), 40, date(2026, 9, 1)),
            ],
        )
        with freeze_time(today):
            member.invalidate_recordset()
            self.assertEqual(member.next_expiry_points, 80)
            self.assertEqual(member.next_expiry_date, date(2026, 5, 20))
            self.Member._cron_expire_points()
            mails = self.env["mail.mail"].search(
                [("model", "=", member._name), ("res_id", "=", member.id)]
            )
            self.assertEqual(len(mails), 1)
            self.assertIn("80", mails.body_html)
            # once per batch
            self.Member._cron_expire_points()
            self.assertEqual(
                self.env["mail.mail"].search_count(
                    [("model", "=", member._name), ("res_id", "=", member.id)]
                ),
                1,
            )
        with freeze_time(today + timedelta(days=25)):
            self.Member._cron_expire_points()
        self.assertEqual(member.points, 40)
