import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import LoyaltyCommon


class TestLedgerAndRules(LoyaltyCommon):
    def test_reward_cost_in_value_ledger(self):
        member = self._member("Ledger Qian")
        order = self._order(member.partner_id, 300)
        self._refreshed(member)
        self.env["loyalty.history"].sudo().create(
            {
                "card_id": member.card_id.id,
                "order_model": "sale.order",
                "order_id": order.id,
                "used": 200,
                "description": "Reward",
            }
        )
        self.env.flush_all()
        lines = self.env["customer.value.line"].search(
            [("partner_id", "=", member.partner_id.id), ("source", "=", "loyalty_reward")]
        )
        self.assertEqual(len(lines), 1)
        self.assertAlmostEqual(lines.cost, 200 * 0.05)
        self.assertEqual(lines.res_model, "sale.order")

    def test_points_liability_and_reports(self):
        member = self._member("Report Fang", tier=self.gold)
        self._order(member.partner_id, 400)
        self._refreshed(member)
        self.program.invalidate_recordset()
        self.assertEqual(self.program.customer_points_outstanding, 600)
        self.assertAlmostEqual(self.program.customer_points_liability, 600 * 0.05)
        earned = self.Batch.with_user(self.user_customer)._read_group(
            [("program_id", "=", self.program.id)], ["date:month"], ["points:sum"]
        )
        self.assertEqual([points for _month, points in earned], [600])
        history = (
            self.env["loyalty.history"]
            .with_user(self.user_customer)
            ._read_group([("card_id", "=", member.card_id.id)], ["customer_kind"], ["issued:sum"])
        )
        self.assertEqual(dict(history), {False: 400, "bonus": 200})
        # revenue and order frequency of members and non-members
        self._order(self._customer("Report Outsider"), 100)
        self._order(self._customer("Report Outsider 2"), 300)
        self._after_commit()
        groups = self.env["customer.profile"]._read_group(
            [("company_id", "=", self.company.id)],
            ["loyalty_member"],
            ["revenue:sum", "order_count:sum", "__count"],
        )
        self.assertEqual(
            {member: (revenue, orders, count) for member, revenue, orders, count in groups},
            {True: (400, 1, 1), False: (400, 2, 2)},
        )

    def test_lifecycle_rule_on_tier(self):
        """A lifecycle rule whose facts condition names the tier moves the
        member once the order that upgrades them is refreshed."""
        self.assertIn("customer.lifecycle.rule", self.env, "the test database has every module")
        stage = self.env["customer.lifecycle.stage"].create({"name": "VIP members", "sequence": 99})
        self.env["customer.lifecycle.rule"].create(
            {
                "name": "Gold and above",
                "company_id": self.company.id,
                "stage_id": stage.id,
                "sequence": 0,
                "profile_domain": "[('loyalty_tier_level', '>=', 2)]",
            }
        )
        member = self._member("Rule Song")
        self._order(member.partner_id, 1500)
        self._after_commit()
        state = self.env["customer.lifecycle.state"].search(
            [("partner_id", "=", member.partner_id.id), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(member.tier_id, self.gold)
        self.assertEqual(state.stage_id, stage)


class TestTwoWorkers(LoyaltyCommon):
    def test_two_cursors_award_one_order_once(self):
        """Two transactions record the same order's points: the unique key
        lets one insert; the other gets a serialization failure (retried by
        Odoo) and, retried, adds nothing."""
        demo = self.env.ref("customer_loyalty.demo_program")
        with self.registry.cursor() as setup:
            env = api.Environment(setup, SUPERUSER_ID, {})
            program = env["loyalty.program"].browse(demo.id)
            member = env["customer.loyalty.member"].search(
                [("program_id", "=", program.id), ("tier_id", "!=", False)], limit=1
            )
            partner = member.partner_id
            order = env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "company_id": program.company_id.id,
                    "order_line": [
                        (0, 0, {"product_id": self.env.ref("product.product_product_4").id})
                    ],
                }
            )
            order.action_confirm()
            setup.commit()
            member_id, card_id, order_id = member.id, member.card_id.id, order.id
            partner = partner.browse(partner.id)
            points_before = member.card_id.points
        try:
            with self.registry.cursor() as cr_1, self.registry.cursor() as cr_2:
                cr_2.execute("SELECT 1")  # the second transaction's snapshot
                members_1 = api.Environment(cr_1, SUPERUSER_ID, {})["customer.loyalty.member"]
                members_2 = api.Environment(cr_2, SUPERUSER_ID, {})["customer.loyalty.member"]
                self.assertEqual(len(members_1.browse(member_id)._sync_order_batches()), 1)
                cr_1.commit()
                with mute_logger("odoo.sql_db"):
                    try:
                        created = members_2.browse(member_id)._sync_order_batches()
                    except psycopg2.errors.SerializationFailure:
                        cr_2.rollback()
                        members_2.env.invalidate_all()
                        created = members_2.browse(member_id)._sync_order_batches()
                self.assertFalse(created)
                cr_2.commit()
                cr_2.execute(
                    "SELECT count(*) FROM customer_loyalty_batch WHERE order_id = %s", [order_id]
                )
                self.assertEqual(cr_2.fetchone()[0], 1)
                cr_2.execute(
                    "SELECT count(*) FROM loyalty_history WHERE order_id = %s"
                    " AND customer_kind = 'bonus'",
                    [order_id],
                )
                bonus_rows = cr_2.fetchone()[0]
                self.assertLessEqual(bonus_rows, 1)
                cr_2.execute(
                    "SELECT points, base_booked FROM customer_loyalty_batch WHERE order_id = %s",
                    [order_id],
                )
                batch_points, base_booked = cr_2.fetchone()
                self.assertTrue(base_booked)
                cr_2.execute("SELECT points FROM loyalty_card WHERE id = %s", [card_id])
                order_points = cr_2.fetchone()[0] - points_before
                self.assertEqual(order_points, batch_points)
        finally:
            with self.registry.cursor() as cleanup:
                env = api.Environment(cleanup, SUPERUSER_ID, {})
                order = env["sale.order"].browse(order_id)
                order._action_cancel()
                env["customer.loyalty.member"].browse(member_id)._sync_order_batches()
                env["customer.loyalty.batch"].search([("order_id", "=", order_id)]).unlink()
                env["loyalty.history"].search([("order_id", "=", order_id)]).unlink()
                env["loyalty.card"].browse(card_id).points = points_before
                env["customer.event"].search(
                    [("res_model", "=", "sale.order"), ("res_id", "=", order_id)]
                ).unlink()
                order.unlink()
                cleanup.execute(
                    "DELETE FROM customer_profile_queue WHERE partner_id = %s", [partner.id]
                )


@tagged("post_install", "-at_install")
class TestPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        program = cls.env.ref("customer_loyalty.demo_program")
        Member = cls.env["customer.loyalty.member"]
        cls.users = {}
        cls.members = {}
        for name in ("alice", "bob"):
            user = new_test_user(cls.env, login=f"member_{name}", groups="base.group_portal")
            cls.users[name] = user
            cls.members[name] = Member.create(
                {"program_id": program.id, "partner_id": user.partner_id.id}
            )

    def test_member_sees_own_card_only(self):
        self.authenticate("member_alice", "member_alice")
        own = self.members["alice"]
        response = self.url_open(f"/my/membership/{own.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(own.number, response.text)
        other = self.members["bob"]
        response = self.url_open(f"/my/membership/{other.id}")
        self.assertNotIn(other.number, response.text)
        self.assertTrue(response.url.endswith("/my") or "/my?" in response.url)
        # the list leads to the member's own card
        response = self.url_open("/my/membership")
        self.assertIn(own.number, response.text)
        self.assertNotIn(other.number, response.text)
