from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.service.model import execute_kw
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestStatePrivileges(LifecycleCommon):
    """What a customer user may change on a lifecycle state, called the way
    an RPC client calls it: the public methods and ``write``, with any
    context the caller likes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls._customer("Privileged Ltd")
        cls._order(cls.partner, 100)
        cls.env["customer.profile.queue"]._process()
        cls.State._evaluate(cls.company)
        cls.other_company = cls.env["res.company"].create({"name": "Other Privileges Co"})
        cls.foreign = cls._customer("Foreign Ltd")
        cls._order(cls.foreign, 500, company=cls.other_company)
        cls.env["customer.profile.queue"]._process()
        cls.foreign_profile = cls.env["customer.profile"].search(
            [("partner_id", "=", cls.foreign.id), ("company_id", "=", cls.other_company.id)]
        )
        cls.other_user = cls._user("cr_user_two", "customer_relationship.group_customer_user")

    def setUp(self):
        super().setUp()
        self.state = self._state(self.partner)

    def _rpc(self, user, method, args, **kw):
        """``method`` called by ``user`` over RPC (with the keyword
        arguments ``kw``, a context among them)."""
        with self._shared_transaction():
            result = execute_kw(
                self.env.cr.dbname, user.id, "customer.lifecycle.state", method, args, kw
            )
        self.env.invalidate_all()
        return result

    def test_only_the_stage_is_writable(self):
        state = self.state.with_user(self.user_customer)
        for vals in (
            {"profile_id": self.foreign_profile.id},
            {"date_entered": "2020-01-01 00:00:00"},
            {"locked": True},
            {"locked_by_id": self.other_user.id},
            {"moved_by_user_id": self.other_user.id},
            {"moved_by_rule_id": False},
            {"partner_id": self.foreign.id},
            {"company_id": self.other_company.id},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                state.write(vals)
        with self.assertRaises(AccessError):
            state.write({"stage_id": self.stages["loyal"].id, "locked": False})
        self.assertEqual(self.state.stage_id, self.stages["new_customer"])
        self.assertNotEqual(self.state.profile_id, self.foreign_profile)
        self.assertFalse(self.state.locked)

    def test_foreign_facts_not_readable_through_the_state(self):
        with self.assertRaises(AccessError):
            self._rpc(
                self.user_customer,
                "write",
                [self.state.ids, {"profile_id": self.foreign_profile.id}],
            )
        self.assertNotEqual(self.state.profile_id, self.foreign_profile)

    def test_context_flag_does_not_move_without_history(self):
        rows = len(self.state.history_ids)
        self._rpc(
            self.user_customer,
            "write",
            [self.state.ids, {"stage_id": self.stages["loyal"].id}],
            context={"customer_lifecycle_rule_move": True},
        )
        self.assertEqual(self.state.stage_id, self.stages["loyal"])
        self.assertEqual(len(self.state.history_ids), rows + 1)
        last = self.state.history_ids.sorted("id")[-1]
        self.assertEqual((last.stage_id, last.user_id), (self.stages["loyal"], self.user_customer))
        self.assertEqual(self.state.locked_by_id, self.user_customer)

    def test_manual_move_by_rpc(self):
        self._rpc(
            self.user_customer, "write", [self.state.ids, {"stage_id": self.stages["loyal"].id}]
        )
        self.assertEqual(self.state.stage_id, self.stages["loyal"])
        self.assertTrue(self.state.locked)
        self.assertEqual(self.state.moved_by_user_id, self.user_customer)

    def test_lock_and_unlock(self):
        self._rpc(self.user_customer, "action_lock", [self.state.ids])
        self.assertEqual(self.state.locked_by_id, self.user_customer)
        # locked by someone else: neither taken over, unlocked nor moved by a user
        for method, args in (
            ("action_lock", [self.state.ids]),
            ("action_unlock", [self.state.ids]),
            ("write", [self.state.ids, {"stage_id": self.stages["loyal"].id}]),
        ):
            with self.subTest(method=method), self.assertRaises(AccessError):
                self._rpc(self.other_user, method, args)
        self.assertEqual(self.state.locked_by_id, self.user_customer)
        self.assertEqual(self.state.stage_id, self.stages["new_customer"])
        # its owner unlocks it
        self._rpc(self.user_customer, "action_unlock", [self.state.ids])
        self.assertFalse(self.state.locked)
        # a manager unlocks anybody's lock
        self._rpc(self.other_user, "action_lock", [self.state.ids])
        self._rpc(self.user_manager, "action_unlock", [self.state.ids])
        self.assertFalse(self.state.locked or self.state.locked_by_id)

    def test_users_cannot_reach_other_companies(self):
        foreign_state = self.State.create(
            {"partner_id": self.foreign.id, "company_id": self.other_company.id}
        )
        for method, args in (
            ("action_lock", [foreign_state.ids]),
            ("write", [foreign_state.ids, {"stage_id": self.stages["loyal"].id}]),
        ):
            with self.subTest(method=method), self.assertRaises(AccessError):
                self._rpc(self.user_manager, method, args)
        self.assertFalse(foreign_state.locked)


@tagged("post_install", "-at_install")
class TestRulePrivileges(LifecycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rule = cls.env["customer.lifecycle.rule"]
        cls.other_company = cls.env["res.company"].create({"name": "Other Rules Co"})
        cls.admin = new_test_user(
            cls.env,
            login="cr_system",
            groups="base.group_system,customer_relationship.group_customer_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def _vals(self, **vals):
        return {"name": "Rule", "stage_id": self.stages["loyal"].id, **vals}

    def test_domain_stays_on_the_facts(self):
        """A rule reads the customer facts of its own company only: no path
        to other records (another company's orders), no code."""
        rules = self.Rule.with_user(self.user_manager)
        for domain in (
            f"[('partner_id.sale_order_ids.company_id', '=', {self.other_company.id})]",
            "[('partner_id.sale_order_ids.amount_total', '>', 1000)]",
            "[('partner_id', 'any', [('sale_order_ids.company_id', '!=', False)])]",
            "[('company_id.name', 'ilike', 'Other')]",
            "[('lifecycle_stage_id', '=', 1)]",
            "[('order_count', '>', __import__('os').getpid())]",
            "[('order_count', '>', ().__class__.__mro__)]",
            "[('order_count', '>', eval('1'))]",
            "[('__class__', '=', 1)]",
            "[('order_count', '>', (lambda: 1)())]",
        ):
            with self.subTest(domain=domain), self.assertRaises(ValidationError):
                rules.create(self._vals(company_id=self.company.id, profile_domain=domain))
        rule = rules.create(
            self._vals(company_id=self.company.id, profile_domain="[('order_count', '>=', 2)]")
        )
        with self.assertRaises(ValidationError):
            rule.profile_domain = "[('partner_id.sale_order_ids.state', '=', 'sale')]"
        # the facts' own fields, stored or searched on the stored date, stay usable
        rule.profile_domain = (
            "[('days_since_last_order', '<=', 90), ('partner_id', '!=', False), "
            "('rfm_segment', 'in', ['champions'])]"
        )

    def test_rules_without_company_are_for_administrators(self):
        rules = self.Rule.with_user(self.user_manager)
        with self.assertRaises(AccessError):
            rules.create(self._vals())
        rule = rules.create(self._vals(company_id=self.company.id))
        with self.assertRaises(AccessError):
            rule.company_id = False
        self.assertEqual(rule.company_id, self.company)
        shared = self.Rule.with_user(self.admin).create(self._vals(name="Shared"))
        self.assertFalse(shared.company_id)
        # a manager reads the shared rules but changes none of them
        shared = shared.with_user(self.user_manager)
        self.assertEqual(shared.name, "Shared")
        for change in (
            lambda: shared.write({"name": "Mine"}),
            lambda: shared.write({"company_id": self.company.id}),
            lambda: shared.unlink(),
        ):
            with self.assertRaises(AccessError):
                change()
        default_rule = self.env.ref("customer_lifecycle.rule_active").with_user(self.user_manager)
        with self.assertRaises(AccessError):
            default_rule.min_order_count = 1

    def test_rule_of_another_company_refused(self):
        with self.assertRaises(AccessError):
            self.Rule.with_user(self.user_manager).create(
                self._vals(company_id=self.other_company.id)
            )


@tagged("post_install", "-at_install")
class TestDatabaseConstraints(LifecycleCommon):
    def _sql(self, query, params):
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(query, params)

    def test_rule_counts_and_days(self):
        rule = self.env["customer.lifecycle.rule"].create(
            {"name": "Checked", "stage_id": self.stages["loyal"].id, "company_id": self.company.id}
        )
        self.env.flush_all()
        for column, value in (
            ("min_order_count", -1),
            ("inactive_days", -5),
        ):
            with self.subTest(column=column):
                self._sql(
                    f"UPDATE customer_lifecycle_rule SET {column} = %s WHERE id = %s",
                    [value, rule.id],
                )
        self._sql(
            "UPDATE customer_lifecycle_rule SET min_order_count = 2, order_period_days = 0"
            " WHERE id = %s",
            [rule.id],
        )

    def test_one_open_history_row_per_state(self):
        partner = self._customer("Open Row Ltd")
        self._order(partner, 100)
        self._evaluate()
        state = self._state(partner)
        self.env.flush_all()
        self._sql(
            "INSERT INTO customer_lifecycle_history"
            " (state_id, partner_id, company_id, stage_id, date_entered)"
            " VALUES (%s, %s, %s, %s, now() at time zone 'UTC')",
            [state.id, partner.id, self.company.id, state.stage_id.id],
        )
        # a closed row is no second open one
        self.env.cr.execute(
            "INSERT INTO customer_lifecycle_history"
            " (state_id, partner_id, company_id, stage_id, date_entered, date_left)"
            " VALUES (%s, %s, %s, %s, now() at time zone 'UTC', now() at time zone 'UTC')",
            [state.id, partner.id, self.company.id, state.stage_id.id],
        )
        # every database the module runs on holds one open row per state
        self.env.cr.execute(
            "SELECT count(*) FROM customer_lifecycle_state s"
            " WHERE (SELECT count(*) FROM customer_lifecycle_history h"
            "         WHERE h.state_id = s.id AND h.date_left IS NULL) != 1"
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    def test_history_is_append_only(self):
        partner = self._customer("Audit Ltd")
        self._order(partner, 100)
        self._evaluate()
        history = self._state(partner).history_ids[:1]
        for user in (self.user_customer, self.user_manager):
            mine = history.with_user(user)
            with self.subTest(user=user.login):
                self.assertTrue(mine.stage_id)
                with self.assertRaises(AccessError):
                    mine.write({"stage_id": self.stages["loyal"].id})
                with self.assertRaises(AccessError):
                    mine.unlink()
        admin = new_test_user(
            self.env,
            login="cr_history_admin",
            groups="base.group_system,customer_relationship.group_customer_manager",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        history.with_user(admin).write({"duration": 1.5})
        self.assertEqual(history.duration, 1.5)
