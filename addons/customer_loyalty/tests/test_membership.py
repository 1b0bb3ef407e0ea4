from datetime import timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import mute_logger

from odoo.addons.customer_relationship.tests.common import captured_queries, written_tables

from .common import LoyaltyCommon

# queries of recording one order's points after its commit (batches, the
# points and bonus on the card, the timeline row, qualification, upgrade
# check, tier fact), whatever the number of members
AWARD_QUERIES = 18


class TestEnrolment(LoyaltyCommon):
    def test_enrol_by_hand(self):
        member = self.Member.with_user(self.user_customer).create(
            {"program_id": self.program.id, "partner_id": self._customer("Hand Wang").id}
        )
        self.assertTrue(member.number.startswith(f"M{self.program.id:03d}-"))
        self.assertEqual(member.card_id.program_id, self.program)
        self.assertEqual(member.card_id.partner_id, member.partner_id)
        self.assertEqual(member.join_date, fields.Date.context_today(member))
        # the first tier needs no points
        self.assertEqual(member.tier_id, self.silver)
        events = self.env["customer.event"].search(
            [("partner_id", "=", member.partner_id.id), ("event_type", "=", "loyalty_enrolled")]
        )
        self.assertEqual(len(events), 1)
        # one card per member and program
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.Member.create({"program_id": self.program.id, "partner_id": member.partner_id.id})

    def test_enrol_contact_enrols_company(self):
        company = self._customer("Hand Co", is_company=True)
        contact = self._customer("Hand Contact", parent_id=company.id)
        wizard = (
            self.env["customer.loyalty.enrol.wizard"]
            .with_user(self.user_customer)
            .create({"program_id": self.program.id, "partner_ids": [(6, 0, contact.ids)]})
        )
        action = wizard.action_enrol()
        member = self.Member.browse(action["domain"][0][2])
        self.assertEqual(member.partner_id, company)
        # enrolling again adds nobody
        self.assertFalse(self.Member._enrol(self.program, contact))

    def test_enrol_refused(self):
        wizard = self.env["customer.loyalty.enrol.wizard"].create({"program_id": self.program.id})
        with self.assertRaises(UserError):
            wizard.action_enrol()
        with self.assertRaises(AccessError):
            wizard.with_user(self.user_plain).action_enrol()

    def test_enrol_automatically_at_first_order(self):
        self.program.customer_auto_enrol = True
        partner = self._customer("Auto Li", email="auto.li@example.com")
        self._order(partner, 250)
        self._after_commit()
        member = self.Member.search([("partner_id", "=", partner.id)])
        self.assertEqual(len(member), 1)
        self.assertEqual(member.points, 250)
        self.assertEqual(member.batch_ids.points, 250)
        self.assertEqual(member.tier_id, self.silver)
        # joining the entry tier is not a change of tier to mail about
        self.assertFalse(self._tier_mails(member))

    def test_first_order_above_the_entry_tier_is_mailed(self):
        self.program.customer_auto_enrol = True
        partner = self._customer("Auto Gao", email="auto.gao@example.com")
        self._order(partner, 1200)
        self._after_commit()
        member = self.Member.search([("partner_id", "=", partner.id)])
        self.assertEqual(member.tier_id, self.gold)
        history = member.tier_history_ids
        self.assertEqual(
            (history.from_tier_id, history.to_tier_id), (self.silver.browse(), self.gold)
        )
        self.assertEqual(len(self._tier_mails(member)), 1)

    def _tier_mails(self, member):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "customer.loyalty.tier.history"),
                ("res_id", "in", member.tier_history_ids.ids),
            ]
        )

    def test_member_card_pdf(self):
        member = self._member("Card Zhao", tier=self.gold)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("customer_loyalty.report_member_card", member.ids)[0]
            .decode()
        )
        self.assertIn(member.number, html)
        self.assertIn("Gold", html)
        self.assertIn("Card Zhao", html)
        self.assertIn(f'alt="Barcode {member.card_code}"', html)
        action = member.with_context(discard_logo_check=True).action_print_card()
        self.assertEqual(action["report_name"], "customer_loyalty.report_member_card")
        self.assertEqual(member.action_send_card()["res_model"], "mail.compose.message")

    def test_user_writes_only_the_note(self):
        member = self._member("Note Sun").with_user(self.user_customer)
        member.note = "prefers green tea"
        with self.assertRaises(AccessError):
            member.tier_id = self.platinum


class TestEarning(LoyaltyCommon):
    def test_tier_multiplier(self):
        member = self._member("Multi Chen", tier=self.gold)
        order = self._order(member.partner_id, 200)
        self._refreshed(member)
        batch = member.batch_ids
        self.assertEqual(batch.order_id, order)
        self.assertEqual((batch.base_points, batch.bonus_points, batch.points), (200, 100, 300))
        self.assertEqual(member.points, 300)
        bonus = member.card_id.history_ids.filtered(lambda h: h.customer_kind == "bonus")
        self.assertEqual(bonus.issued, 100)
        self.assertEqual(batch.expiry_date, order.date_order.date() + timedelta(days=365))

    def test_no_double_award_on_reconfirmation(self):
        member = self._member("Twice Zhou", tier=self.gold)
        order = self._order(member.partner_id, 200)
        self._refreshed(member)
        self.assertEqual(member.points, 300)
        # the refresh runs again: nothing more
        self.Member._on_customers_refreshed({(member.partner_id.id, self.company.id)})
        self.assertEqual(member.points, 300)
        order._action_cancel()
        self._refreshed(member)
        self.assertEqual(member.points, 0)
        self.assertEqual(member.batch_ids.state, "cancelled")
        order.action_draft()
        order.action_confirm()
        self._refreshed(member)
        self.assertEqual(member.points, 300)
        self.assertEqual(len(member.batch_ids), 1)
        self.assertEqual(member.batch_ids.state, "active")
        self._refreshed(member)
        self.assertEqual(member.points, 300)
        # the timeline: earned once, taken back once
        events = self.env["customer.event"].search(
            [
                ("partner_id", "=", member.partner_id.id),
                ("event_type", "in", ["loyalty_points", "loyalty_points_back"]),
            ],
            order="id",
        )
        self.assertEqual(
            events.mapped("name"),
            [
                f"300 points earned: {order.name}",
                f"300 points taken back: {order.name} cancelled",
            ],
        )
        self.assertEqual(events[0].date.date(), member.batch_ids.date)

    def test_points_history_indexed(self):
        """Every refresh of a member reads its card's history, and removing a
        batch looks up the entries pointing to it: both through an index,
        whatever the length of the history."""
        self.env.cr.execute(
            """
            SELECT a.attname
              FROM pg_index i
              JOIN pg_class t ON t.oid = i.indrelid
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
             WHERE t.relname = 'loyalty_history'
            """
        )
        leading = {row[0] for row in self.env.cr.fetchall()}
        self.assertLessEqual({"card_id", "customer_batch_id"}, leading)

    def test_order_transaction_writes_no_membership_row(self):
        """Confirming a member's order writes none of the membership's rows
        (nor the customer facts, nor the card every order of the member
        shares): they follow after the commit."""
        member = self._member("Hot Path Luo", tier=self.gold)
        order = self._order(member.partner_id, 100, confirm=False)
        self.env.flush_all()
        with captured_queries() as queries:
            order.action_confirm()
            self.env.flush_all()
        written = written_tables(queries)
        for table in (
            "customer_loyalty_member",
            "customer_loyalty_batch",
            "customer_loyalty_tier_history",
            "customer_profile",
        ):
            self.assertNotIn(table, written)
        self.assertNotIn("UPDATE", written.get("loyalty_card", set()))
        self.assertEqual(member.card_id.points, 0)
        self._refreshed(member)
        self.assertEqual(member.batch_ids.points, 150)
        self.assertEqual(member.card_id.points, 150)
        # cancelling: neither does the order's transaction take the points back
        self.env.flush_all()
        with captured_queries() as queries:
            order._action_cancel()
            self.env.flush_all()
        self.assertNotIn("UPDATE", written_tables(queries).get("loyalty_card", set()))
        self.assertEqual(member.card_id.points, 150)
        self._refreshed(member)
        self.assertEqual(member.card_id.points, 0)

    def test_award_key_is_in_the_database(self):
        member = self._member("Key Wu")
        order = self._order(member.partner_id, 100)
        self._refreshed(member)
        batch = member.batch_ids
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            batch.sudo().copy({"order_id": order.id})

    def test_award_queries_do_not_grow_with_members(self):
        """Recording an order's points costs the same queries whatever the
        number of members."""
        for index in range(3):
            self._member(f"Crowd {index}")
        first = self._member("Counted One")
        self._order(first.partner_id, 100)
        self.env.flush_all()
        self.env.cr.flush()
        keys = {(first.partner_id.id, self.company.id)}
        self.Member._on_customers_refreshed(keys)  # warm the caches
        second = self._member("Counted Two")
        self._order(second.partner_id, 100)
        self.env.invalidate_all()
        before = self._award_queries({(second.partner_id.id, self.company.id)})
        for index in range(10):
            self._member(f"More crowd {index}")
        third = self._member("Counted Three")
        self._order(third.partner_id, 100)
        after = self._award_queries({(third.partner_id.id, self.company.id)})
        self.assertEqual((before, after), (AWARD_QUERIES, AWARD_QUERIES))
        self.assertEqual(third.batch_ids.points, 100)

    def _award_queries(self, keys):
        self.env.flush_all()
        self.env.invalidate_all()
        self.env.cr.flush()
        count = self.env.cr.sql_log_count
        self.Member._on_customers_refreshed(keys)
        self.env.flush_all()
        self.env.cr.flush()
        return self.env.cr.sql_log_count - count


class TestTiers(LoyaltyCommon):
    def test_upgrade_after_qualifying_order(self):
        member = self._member("Up Huang")
        self.assertEqual(member.tier_id, self.silver)
        self._order(member.partner_id, 1200)
        self._refreshed(member)
        self.assertEqual(member.tier_id, self.gold)
        history = member.tier_history_ids.sorted("id")[-1]
        self.assertEqual(
            (history.from_tier_id, history.to_tier_id, history.reason),
            (self.silver, self.gold, "upgrade"),
        )
        event = self.env["customer.event"].search(
            [("res_model", "=", history._name), ("res_id", "=", history.id)]
        )
        self.assertEqual(event.event_type, "loyalty_tier")
        mail = self.env["mail.mail"].search(
            [("model", "=", history._name), ("res_id", "=", history.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn("Gold", mail.subject)
        self.assertIn("Dear", mail.subject)
        profile = self.env["customer.profile"].search(
            [("partner_id", "=", member.partner_id.id), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(profile.loyalty_tier_id, self.gold)
        self.assertEqual(profile.loyalty_tier_level, 2)
        self.assertEqual(member.partner_id.customer_loyalty_tier_ids, self.gold)
        self.assertEqual(member.next_tier_id, self.platinum)
        self.assertEqual(member.points_to_next_tier, 3000 - 1200)

    def test_no_downgrade_after_an_order(self):
        member = self._member("Keep Liu", tier=self.platinum)
        self._order(member.partner_id, 10)
        self._refreshed(member)
        self.assertEqual(member.tier_id, self.platinum)

    def test_review_records_missed_points_since_its_last_run(self):
        """An order whose refresh did not run gets its points at the next
        tier review: the first review reads the whole points history, the
        next ones what was written since the day before the last review."""
        member = self._member("Missed Wu")
        program = self.program.sudo()

        def batch_of(order):
            return self.Batch.search([("order_id", "=", order.id)])

        first = self._order(member.partner_id, 100)
        self.assertFalse(batch_of(first))
        self.assertFalse(program.customer_tier_reviewed_at)
        self.Member._review_tiers(self.program)
        self.assertEqual(batch_of(first).points, 100)
        self.assertEqual(program.customer_tier_reviewed_at, self.env.cr.now())
        second = self._order(member.partner_id, 200)
        self.Member._review_tiers(self.program)
        self.assertEqual(batch_of(second).points, 200)
        # written more than a day before the last review: left to the
        # member's own refresh
        program.customer_tier_reviewed_at = self.env.cr.now() + timedelta(days=2)
        third = self._order(member.partner_id, 300)
        self.Member._review_tiers(self.program)
        self.assertFalse(batch_of(third))
        self._refreshed(member)
        self.assertEqual(batch_of(third).points, 300)

    def test_downgrade_at_review_after_grace_one_step(self):
        member = self._member("Down Gao", tier=self.platinum)
        # the review's day is the user's, as the crons run it
        today = fields.Date.context_today(member)
        self.Member._review_tiers(self.program)
        # first review: below its tier, the grace period starts
        self.assertEqual(member.tier_id, self.platinum)
        self.assertEqual(member.below_since, today)
        with freeze_time(today + timedelta(days=20)):
            self.Member._review_tiers(self.program)
        self.assertEqual(member.tier_id, self.platinum)
        with freeze_time(today + timedelta(days=32)):
            self.Member._review_tiers(self.program)
            self.assertEqual(member.tier_id, self.gold)
            self.Member._review_tiers(self.program)
            self.assertEqual(member.tier_id, self.silver)
        self.assertEqual(
            member.tier_history_ids.sorted("id").mapped("reason")[-2:], ["review", "review"]
        )

    def test_tier_pricelist_given_and_taken_back(self):
        """A tier's pricelist goes to its members; a member who leaves the
        tier gets the default pricelist back, unless another one was set
        since."""
        # the company's default pricelist is its first one
        default, *pricelists = self.env["product.pricelist"].create(
            [
                {"name": "List prices", "company_id": self.company.id, "sequence": 1},
                {"name": "Gold prices", "company_id": self.company.id, "sequence": 50},
                {"name": "Agreed prices", "company_id": self.company.id, "sequence": 60},
            ]
        )
        self.gold.pricelist_id = pricelists[0]
        self.program.customer_tier_grace_months = 0
        first, second = self._member("Price Ye"), self._member("Price Bai")
        partners = (first | second).partner_id.with_company(self.company)
        self.assertEqual(partners[0].property_product_pricelist, default)
        for member in first | second:
            self._order(member.partner_id, 1200)
        self._refreshed(first)
        partners.invalidate_recordset()
        self.assertEqual(partners.mapped("property_product_pricelist"), pricelists[0])
        # the second customer's pricelist is then agreed by hand
        partners[1].property_product_pricelist = pricelists[1]
        with freeze_time(fields.Date.today() + timedelta(days=400)):
            self.Member._review_tiers(self.program)
        self.assertEqual((first | second).mapped("tier_id"), self.silver)
        partners.invalidate_recordset()
        self.assertEqual(partners[0].property_product_pricelist, default)
        self.assertEqual(partners[1].property_product_pricelist, pricelists[1])

    def test_downgrade_to_qualifying_tier_when_not_one_step(self):
        self.program.customer_tier_one_step = False
        self.program.customer_tier_grace_months = 0
        member = self._member("Fall Ma", tier=self.platinum)
        self.Member._review_tiers(self.program)
        self.assertEqual(member.tier_id, self.silver)

    def test_qualifying_again_ends_grace(self):
        member = self._member("Back Lin", tier=self.gold)
        self.Member._review_tiers(self.program)
        self.assertTrue(member.below_since)
        self._order(member.partner_id, 1100)
        self._refreshed(member)
        self.Member._review_tiers(self.program)
        self.assertFalse(member.below_since)
        self.assertEqual(member.tier_id, self.gold)

    def test_spend_basis(self):
        self.program.customer_tier_basis = "spend"
        member = self._member("Spend He")
        self._order(member.partner_id, 900, days_ago=400)
        self._order(member.partner_id, 1000, days_ago=10)
        self._refreshed(member)
        self.assertEqual(member.qualifying_value, 1000)
        self.assertEqual(member.tier_id, self.gold)


class TestConfiguration(LoyaltyCommon):
    def _assert_refused(self, record, values, message):
        before = {name: record[name] for name in values}
        with self.assertRaisesRegex(ValidationError, message), self.env.cr.savepoint():
            record.write(values)
            self.env.flush_all()
        record.invalidate_recordset()
        self.assertEqual({name: record[name] for name in values}, before)

    def test_thresholds_must_increase(self):
        self._assert_refused(self.gold, {"threshold": 5000}, "must be higher")
        self._assert_refused(self.silver, {"threshold": 1000}, "must be higher")

    def test_negative_multiplier(self):
        self._assert_refused(self.gold, {"multiplier": -1}, "cannot be negative")

    def test_grace_longer_than_period(self):
        self._assert_refused(
            self.program,
            {"customer_tier_grace_months": 13},
            "cannot be longer than the qualifying period",
        )

    def test_membership_only_on_loyalty_programs(self):
        coupons = self.env["loyalty.program"].create(
            {"name": "Coupons", "program_type": "coupons", "company_id": self.company.id}
        )
        self._assert_refused(coupons, {"customer_membership": True}, "only a loyalty card")


class TestReservedRewards(LoyaltyCommon):
    def test_reward_reserved_to_gold(self):
        reward = self.env["loyalty.reward"].create(
            {
                "program_id": self.program.id,
                "reward_type": "discount",
                "discount_mode": "per_order",
                "discount": 20,
                "required_points": 50,
            }
        )
        self.gold.reward_ids = reward
        silver = self._member("Reserved Silver")
        gold = self._member("Reserved Gold", tier=self.gold)
        for member, claimable in ((silver, False), (gold, True)):
            member.card_id.sudo().points = 500
            order = self._order(member.partner_id, 100, confirm=False)
            order._update_programs_and_rewards()
            rewards = order._get_claimable_rewards().get(member.card_id, reward.browse())
            self.assertEqual(reward in rewards, claimable, member.partner_id.name)
