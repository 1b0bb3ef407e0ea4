import datetime
from os.path import join
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.modules import get_module_path
from odoo.modules.migration import load_script
from odoo.tests import tagged

from odoo.addons.customer_relationship.tests.common import captured_queries, written_tables

from .common import LifecycleCommon

# Queries of one evaluation of the test company moving its customers to Active:
# the states created and linked to their profiles, the rules and their chosen
# RFM segments, the one statement matching the rules' facts (the passes are
# planned from it), the new customers' first stays, and the move (history
# closed, history rows, states).
QUERIES = 15
# Queries of the evaluation after an order of one customer moving to Active:
# the same statements, scoped to that customer, the rules being cached.
EVENT_QUERIES = 10


@tagged("post_install", "-at_install")
class TestLifecycleRules(LifecycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.champions = cls.env.ref(
            "customer_relationship.selection__customer_profile__rfm_segment__champions"
        )

    def test_new_customer_on_first_order(self):
        partner = self._customer("First Order Ltd")
        self._order(partner, 100)
        self._evaluate()
        state = self._state(partner)
        self.assertEqual(state.stage_id, self.stages["new_customer"])
        self.assertEqual(
            state.moved_by_rule_id, self.env.ref("customer_lifecycle.rule_new_customer")
        )
        history = state.history_ids.sorted("id")
        self.assertEqual(history.stage_id, self.stages["prospect"] | self.stages["new_customer"])
        self.assertTrue(history[0].date_left)
        self.assertEqual(history[0].next_stage_id, self.stages["new_customer"])
        self.assertFalse(history[1].date_left)
        self.assertEqual(history[1].cause, "rule")
        self.assertEqual(partner.customer_lifecycle_stage_id, self.stages["new_customer"])
        # the Customers list shows and filters the stage too
        profile = self._profile(partner)
        self.assertEqual(profile.lifecycle_stage_id, self.stages["new_customer"])
        self.assertIn(
            profile,
            self.env["customer.profile"].search(
                [("lifecycle_stage_id", "=", self.stages["new_customer"].id)]
            ),
        )

    def test_active_on_two_orders_in_a_year(self):
        partner = self._customer("Twice Ltd")
        self._order(partner, 100, days_ago=100)
        self._order(partner, 100, days_ago=10)
        old = self._customer("Long Ago Ltd")
        self._order(old, 100, days_ago=400)
        self._order(old, 100, days_ago=170)
        self._evaluate()
        self.assertEqual(self._stage(partner), self.stages["active"])
        # one order within 365 days only: a new customer
        self.assertEqual(self._stage(old), self.stages["new_customer"])

    def test_loyal_on_rfm_segment(self):
        partner = self._customer("Champion Ltd")
        self._order(partner, 100, days_ago=20)
        self._order(partner, 100, days_ago=5)
        self._full_run()
        self._profile(partner).rfm_segment = "champions"
        self._evaluate()
        self.assertEqual(self._stage(partner), self.stages["loyal"])
        # leaving the segment: back to the next matching rule (two orders -> Active)
        self._profile(partner).rfm_segment = "potential_loyalist"
        self._evaluate()
        self.assertEqual(self._stage(partner), self.stages["active"])

    def test_pipeline_stages(self):
        lead_partner = self._customer("Lead Ltd")
        opportunity_partner = self._customer("Opportunity Ltd")
        leads = self.env["crm.lead"].create(
            [
                {
                    "name": "Enquiry",
                    "type": "lead",
                    "partner_id": lead_partner.id,
                    "company_id": self.company.id,
                },
                {
                    "name": "Deal",
                    "type": "opportunity",
                    "partner_id": opportunity_partner.id,
                    "company_id": self.company.id,
                },
            ]
        )
        self._evaluate()
        self.assertEqual(self._stage(lead_partner), self.stages["lead"])
        self.assertEqual(self._stage(opportunity_partner), self.stages["opportunity"])
        # the lead becomes an opportunity: the event moves the customer right away
        leads[0].with_env(self._with_events()).convert_opportunity(lead_partner)
        self.assertEqual(self._stage(lead_partner), self.stages["opportunity"])
        # an order: New customer
        self._order(opportunity_partner, 100)
        self._evaluate()
        self.assertEqual(self._stage(opportunity_partner), self.stages["new_customer"])

    def test_lead_created_moves_customer_at_once(self):
        partner = self._customer("Quick Ltd")
        self.env["crm.lead"].with_env(self._with_events()).create(
            {
                "name": "Deal",
                "type": "opportunity",
                "partner_id": partner.id,
                "company_id": self.company.id,
            }
        )
        self.assertEqual(self._stage(partner), self.stages["opportunity"])

    def test_lost_and_won_opportunity(self):
        lost, won = self._customer("Lost Deal Ltd"), self._customer("Won Deal Ltd")
        leads = (
            self.env["crm.lead"]
            .with_env(self._with_events())
            .create(
                [
                    {
                        "name": "Deal",
                        "type": "opportunity",
                        "partner_id": partner.id,
                        "company_id": self.company.id,
                    }
                    for partner in (lost, won)
                ]
            )
        )
        self.assertEqual(self._stage(lost), self.stages["opportunity"])
        # lost: the pipeline is closed without an order, back to Prospect at once
        leads[0].action_set_lost()
        self.assertEqual(self._stage(lost), self.stages["prospect"])
        # won: the customer stays an opportunity until the order is confirmed
        leads[1].action_set_won()
        self.assertEqual(self._stage(won), self.stages["opportunity"])
        order = self._order(won, 100, confirm=False)
        order.with_env(self._with_events()).action_confirm()
        self.assertEqual(self._stage(won), self.stages["new_customer"])

    def test_rule_priority(self):
        partner = self._customer("Priority Ltd")
        self._order(partner, 100, days_ago=30)
        self._order(partner, 100, days_ago=3)
        rule = self.env["customer.lifecycle.rule"].create(
            {
                "name": "Two orders make a loyal customer",
                "sequence": 1,
                "stage_id": self.stages["loyal"].id,
                "profile_domain": "[('order_count', '>=', 2)]",
                "company_id": self.company.id,
            }
        )
        self._evaluate()
        self.assertEqual(self._stage(partner), self.stages["loyal"])
        self.assertEqual(self._state(partner).moved_by_rule_id, rule)
        rule.sequence = 100
        self._evaluate()
        self.assertEqual(self._stage(partner), self.stages["active"])

    def test_locked_customer_not_moved(self):
        partner = self._customer("Locked Ltd")
        self._order(partner, 100)
        self._evaluate()
        state = self._state(partner).with_user(self.user_customer)
        state.write({"stage_id": self.stages["loyal"].id})
        self.assertTrue(state.locked)
        self.assertEqual(state.locked_by_id, self.user_customer)
        self.assertEqual(state.moved_by_user_id, self.user_customer)
        self.assertFalse(state.moved_by_rule_id)
        last = state.history_ids.sorted("id")[-1]
        self.assertEqual((last.cause, last.user_id), ("user", self.user_customer))
        self.assertEqual(last.from_stage_id, self.stages["new_customer"])
        self._order(partner, 100)
        self._evaluate()
        self.assertEqual(self._stage(partner), self.stages["loyal"])
        state.action_unlock()
        self._evaluate()
        self.assertEqual(self._stage(partner), self.stages["active"])

    def test_inactivity_at_risk_then_churned_then_won_back(self):
        partner = self._customer("Fading Ltd", user_id=self.salesperson.id)
        start = fields.Datetime.now()
        self._order(partner, 100, days_ago=10)
        self._order(partner, 100, days_ago=1)
        self._evaluate()
        self.assertEqual(self._stage(partner), self.stages["active"])
        with freeze_time(start + datetime.timedelta(days=150)):
            self._evaluate()
            self.assertEqual(self._stage(partner), self.stages["active"])
        with freeze_time(start + datetime.timedelta(days=182)):
            self._evaluate()
            self.assertEqual(self._stage(partner), self.stages["at_risk"])
            activity = self.env["mail.activity"].search(
                [("res_model", "=", "res.partner"), ("res_id", "=", partner.id)]
            )
            self.assertEqual(len(activity), 1)
            self.assertEqual(activity.user_id, self.salesperson)
            self.assertEqual(
                activity.date_deadline,
                # the day in the user's timezone, as activities are scheduled
                fields.Date.context_today(self.stages["at_risk"])
                + datetime.timedelta(days=self.stages["at_risk"].activity_delay),
            )
        with freeze_time(start + datetime.timedelta(days=367)):
            self._evaluate()
            self.assertEqual(self._stage(partner), self.stages["churned"])
            events = self.env["customer.event"].search(
                [("partner_id", "=", partner.id), ("event_type", "=", "stage_changed")]
            )
            self.assertEqual(len(events), 1)
            self.assertEqual(events.res_model, "customer.lifecycle.history")
            self.assertEqual(
                self.env["customer.lifecycle.history"].browse(events.res_id).stage_id,
                self.stages["churned"],
            )
        with freeze_time(start + datetime.timedelta(days=400)):
            # a new order moves the churned customer at once
            order = self._order(partner, 100, confirm=False)
            order.with_env(self._with_events()).action_confirm()
            self.assertEqual(self._stage(partner), self.stages["won_back"])
            events = self.env["customer.event"].search(
                [("partner_id", "=", partner.id), ("event_type", "=", "stage_changed")]
            )
            self.assertEqual(len(events), 2)
        stays = self._state(partner).history_ids.sorted("id")
        self.assertEqual(
            [stay.stage_id.code for stay in stays],
            ["prospect", "active", "at_risk", "churned", "won_back"],
        )

    def test_history_durations(self):
        partner = self._customer("Timed Ltd")
        start = fields.Datetime.now().replace(microsecond=0)
        with freeze_time(start):
            self._order(partner, 100)
            self._evaluate()
        with freeze_time(start + datetime.timedelta(days=30, hours=12)):
            self._order(partner, 100)
            self._evaluate()
        stays = self._state(partner).history_ids.sorted("id")
        self.assertEqual(
            [stay.stage_id.code for stay in stays], ["prospect", "new_customer", "active"]
        )
        self.assertEqual(stays[0].duration, 0.0)
        self.assertEqual(stays[1].duration, 30.5)
        self.assertEqual(stays[1].date_entered, start)
        self.assertEqual(stays[1].date_left, start + datetime.timedelta(days=30, hours=12))
        self.assertFalse(stays[2].date_left)
        self.assertFalse(stays[2].duration)

    def test_set_based_and_per_event_agree(self):
        plans = {
            "Agree One": [3],
            "Agree Two": [200, 20],
            "Agree Three": [400, 300],
            "Agree Four": [500],
            "Agree Five": [190],
            "Agree Six": [40, 30, 20, 10],
        }
        partners = self.env["res.partner"]
        for name, days in plans.items():
            partner = self._customer(name)
            partners |= partner
            for days_ago in days:
                self._order(partner, 100, days_ago=days_ago)
        self.env["crm.lead"].create(
            {
                "name": "Deal",
                "type": "opportunity",
                "partner_id": self._customer("Agree Seven").id,
                "company_id": self.company.id,
            }
        )
        self._full_run()
        savepoint = self.env.cr.savepoint()
        self._evaluate()
        set_based = self._stages_snapshot()
        savepoint.close(rollback=True)
        self.env.invalidate_all()
        self.assertFalse(self._stages_snapshot())
        keys = self.env["customer.profile"].search([("company_id", "=", self.company.id)])
        events = self.State.with_env(self._with_events())
        for profile in keys:
            events._evaluate_customers({(profile.partner_id.id, self.company.id)})
        seven = self.env["res.partner"].search([("name", "=", "Agree Seven")])
        events._evaluate_customers({(seven.id, self.company.id)})
        self.assertEqual(self._stages_snapshot(), set_based)
        self.assertEqual(len(set_based), 7)
        self.assertEqual(
            set_based[partners[0].id], "new_customer", "one recent order: new customer"
        )

    def test_company_rule_and_company_scope(self):
        partner = self._customer("Two Companies Ltd")
        other = self.env["res.company"].create({"name": "Other Lifecycle Co"})
        self.env.user.company_ids |= other
        self._order(partner, 100, days_ago=20)
        self._order(partner, 100, days_ago=2)
        self._order(partner, 100, days_ago=2, company=other)
        self.env["customer.lifecycle.rule"].create(
            {
                "name": "Other company: any order makes a loyal customer",
                "sequence": 1,
                "stage_id": self.stages["loyal"].id,
                "order_condition": "some",
                "company_id": other.id,
            }
        )
        self._after_commit()
        self.State._evaluate(self.company | other)
        self.assertEqual(self._stage(partner), self.stages["active"])
        other_state = self.State.search(
            [("partner_id", "=", partner.id), ("company_id", "=", other.id)]
        )
        self.assertEqual(other_state.stage_id, self.stages["loyal"])
        self.assertEqual(
            partner.with_company(other).customer_lifecycle_stage_id, self.stages["loyal"]
        )
        self.assertEqual(partner.customer_lifecycle_stage_id, self.stages["active"])

    def test_invalid_rule_refused(self):
        vals = {"name": "Broken", "stage_id": self.stages["active"].id}
        Rule = self.env["customer.lifecycle.rule"]
        for bad in (
            "[('no_such_field', '=', 1)]",
            "__import__('os').system('true')",
            "{'a': 1}",
            "[('order_count', 'like like', 2)]",
            "[('order_count', '>', 'many')]",
        ):
            with self.subTest(domain=bad), self.assertRaises(ValidationError):
                Rule.create(dict(vals, profile_domain=bad))
        not_a_segment = self.env.ref(
            "customer_relationship.selection__customer_profile__value_class__a"
        )
        with self.assertRaises(ValidationError):
            segments = self.champions | not_a_segment
            Rule.create(dict(vals, rfm_segment_ids=[Command.set(segments.ids)]))
        rule = Rule.create(dict(vals, profile_domain="[('value_class', '=', 'a')]"))
        with self.assertRaises(ValidationError):
            rule.profile_domain = "[('value_class', '=',"

    def test_rfm_segments_chosen(self):
        loyal = self.env.ref("customer_lifecycle.rule_loyal")
        self.assertEqual(loyal._segment_keys(), ["champions", "loyal"])
        self.assertEqual(
            self.env["customer.lifecycle.rule"]
            ._fields["rfm_segment_ids"]
            .get_domain_list(self.env["customer.lifecycle.rule"]),
            [("field_id", "=", self.champions.field_id.id)],
        )

    def test_stale_rule_moves_nobody(self):
        partner = self._customer("Stale Rule Ltd")
        self._order(partner, 100)
        rule = self.env["customer.lifecycle.rule"].create(
            {
                "name": "Big spenders are loyal",
                "sequence": 1,
                "stage_id": self.stages["loyal"].id,
                "profile_domain": "[('order_count', '>=', 1)]",
            }
        )
        # the module of a facts field was uninstalled since the rule was saved
        self.env.cr.execute(
            "UPDATE customer_lifecycle_rule SET profile_domain = %s WHERE id = %s",
            ["[('x_removed_score', '>', 3)]", rule.id],
        )
        self.env.invalidate_all()
        self.assertIn("x_removed_score", rule.condition_warning)
        with self.assertLogs("odoo.addons.customer_relationship", "WARNING"):
            self._evaluate()
        self.assertEqual(self._stage(partner), self.stages["new_customer"])
        with self.assertLogs("odoo.addons.customer_relationship", "WARNING"):
            self.assertEqual(rule.customer_count, 0)
        rule.name = "Renamed"  # the other fields stay editable

    def test_security(self):
        partner = self._customer("Secure Ltd")
        self._order(partner, 100)
        self._evaluate()
        with self.assertRaises(AccessError):
            self.env["customer.lifecycle.rule"].with_user(self.user_customer).create(
                {"name": "Nope", "stage_id": self.stages["active"].id}
            )
        with self.assertRaises(AccessError):
            self.State.with_user(self.user_customer).action_evaluate_all()
        plain_state = self._state(partner).with_user(self.user_plain)
        with self.assertRaises(AccessError):
            plain_state.read(["stage_id"])
        with self.assertRaises(AccessError):
            plain_state.write({"stage_id": self.stages["loyal"].id})
        with self.assertRaises(AccessError):
            plain_state.action_lock()
        self.assertEqual(self._stage(partner), self.stages["new_customer"])
        self.State.with_user(self.user_manager).action_evaluate_all()
        other = self.env["res.company"].create({"name": "Other Lifecycle Co"})
        self.State.create({"partner_id": partner.id, "company_id": other.id})
        self.assertEqual(
            self.State.with_user(self.user_manager).search([("partner_id", "=", partner.id)]),
            self._state(partner),
        )
        self.assertEqual(
            self.State.with_user(self.user_customer).search([("partner_id", "=", partner.id)]),
            self._state(partner),
        )


@tagged("post_install", "-at_install")
class TestLifecycleQueries(LifecycleCommon):
    def _fixture(self, count, prefix):
        partners = self.env["res.partner"]
        for index in range(count):
            partner = self._customer(f"{prefix} {index}")
            partners |= partner
            self._order(partner, 100, days_ago=3)
            self._order(partner, 100, days_ago=30)
        self._after_commit()
        self.env.flush_all()
        self.env.invalidate_all()
        return partners

    def test_query_count_does_not_grow_with_customers(self):
        """Set-based: evaluating 3 or 9 customers costs the same queries."""
        self._fixture(1, "Warm")
        self._evaluate()  # warm the caches (rules, stages, defaults)
        self._fixture(3, "Few")
        with self.assertExactQueryCount(QUERIES):
            self.State._evaluate(self.company)
        moved = self.env["customer.lifecycle.history"].search_count(
            [("company_id", "=", self.company.id), ("stage_id", "=", self.stages["active"].id)]
        )
        self.assertEqual(moved, 4)
        self._fixture(9, "Many")
        with self.assertExactQueryCount(QUERIES):
            self.State._evaluate(self.company)
        moved = self.env["customer.lifecycle.history"].search_count(
            [("company_id", "=", self.company.id), ("stage_id", "=", self.stages["active"].id)]
        )
        self.assertEqual(moved, 13)

    def test_per_event_query_count_does_not_grow_with_customers(self):
        """Per event: moving one customer costs the same with 3 or 12 others."""
        self._fixture(3, "Others")
        self._evaluate()
        events = self.State.with_env(self._with_events())
        first = self._fixture(1, "First")
        with self.assertExactQueryCount(EVENT_QUERIES):
            events._evaluate_customers({(first.id, self.company.id)})
        self.assertEqual(self._stage(first), self.stages["active"])
        self._fixture(9, "More others")
        self._evaluate()
        second = self._fixture(1, "Second")
        with self.assertExactQueryCount(EVENT_QUERIES):
            events._evaluate_customers({(second.id, self.company.id)})
        self.assertEqual(self._stage(second), self.stages["active"])


@tagged("post_install", "-at_install")
class TestCustomerDeleted(LifecycleCommon):
    def test_deleting_a_customer_deletes_its_stage_and_stays(self):
        partner = self._customer("Short Lived Ltd")
        order = self._order(partner, 100, days_ago=3)
        self._evaluate()
        state = self._state(partner)
        stays = state.history_ids
        self.assertTrue(stays)
        order._action_cancel()
        order.unlink()
        self._after_commit()
        partner.unlink()
        self.assertFalse(state.exists())
        self.assertFalse(stays.exists())


@tagged("post_install", "-at_install")
class TestLifecycleAfterCommit(LifecycleCommon):
    """Orders and leads move customers after their commit, never in it."""

    def test_order_transaction_leaves_the_state_alone(self):
        partner = self._customer("Busy Ltd")
        self._order(partner, 100, days_ago=40)
        self._evaluate()
        self.assertEqual(self._stage(partner), self.stages["new_customer"])
        order = self._order(partner, 100, confirm=False)
        with captured_queries() as queries:
            order.with_env(self._with_events()).action_confirm()
            self.env.flush_all()
        written = written_tables(queries)
        for table in ("customer_lifecycle_state", "customer_lifecycle_history", "customer_profile"):
            self.assertNotIn(table, written)
        # the refresh after the commit moves the customer (two orders: Active)
        self.assertEqual(self._stage(partner), self.stages["active"])

    def test_lead_transaction_leaves_the_state_alone(self):
        partner = self._customer("Enquiring Ltd")
        with captured_queries() as queries:
            self.env["crm.lead"].with_env(self._with_events()).create(
                {"name": "Deal", "type": "lead", "partner_id": partner.id}
            )
            self.env.flush_all()
        self.assertNotIn("customer_lifecycle_state", written_tables(queries))
        self.assertEqual(self._stage(partner), self.stages["lead"])

    def test_large_change_left_to_the_cron(self):
        """A full recompute changing many customers defers the evaluation of
        their company (the rules' cron, or a job) instead of evaluating them
        in the recompute."""
        keys = {(partner_id, self.company.id) for partner_id in range(1, 1003)}
        with (
            patch.object(type(self.State), "_evaluate_customers") as evaluate,
            patch.object(type(self.env["customer.work"]), "_defer") as defer,
        ):
            self.env["customer.profile"]._on_facts_changed(keys)
        evaluate.assert_not_called()
        defer.assert_called_once()
        records, method, args = defer.call_args.args
        self.assertEqual(
            (records._name, method, args),
            (self.State._name, "_evaluate_company", (self.company.id,)),
        )
        self.assertEqual(
            defer.call_args.kwargs["cron"], "customer_lifecycle.ir_cron_customer_lifecycle"
        )


@tagged("post_install", "-at_install")
class TestLifecycleMigration(LifecycleCommon):
    def test_rfm_segment_keys_become_choices(self):
        """18.0.1.1.0: the comma-separated keys of a database updated from
        18.0.1.0.0 become the rule's chosen segments."""
        script = load_script(
            join(get_module_path("customer_lifecycle"), "migrations/18.0.1.1.0/post-migrate.py"),
            "customer_lifecycle_post_migrate_18_0_1_1_0",
        )
        loyal = self.env.ref("customer_lifecycle.rule_loyal")
        other = self.env["customer.lifecycle.rule"].create(
            {"name": "At risk, by segment", "stage_id": self.stages["at_risk"].id}
        )
        script.migrate(self.env.cr, "18.0.1.1.0")  # nothing to read: no old column
        cr = self.env.cr
        cr.execute("ALTER TABLE customer_lifecycle_rule ADD COLUMN rfm_segments varchar")
        cr.execute("DELETE FROM customer_lifecycle_rule_rfm_segment_rel")
        cr.execute(
            "UPDATE customer_lifecycle_rule SET rfm_segments = %s WHERE id = %s",
            [" champions, loyal", loyal.id],
        )
        cr.execute(
            "UPDATE customer_lifecycle_rule SET rfm_segments = %s WHERE id = %s",
            ["at_risk,nobody,,", other.id],
        )
        self.env.invalidate_all()
        self.assertFalse((loyal | other).rfm_segment_ids)
        with self.assertLogs(script.__name__, "WARNING") as logs:
            script.migrate(cr, "18.0.1.0.0")
        self.assertEqual(len(logs.output), 1)
        self.assertIn("'nobody'", logs.output[0])
        script.migrate(cr, "18.0.1.0.0")  # run twice: the same choices
        self.env.invalidate_all()
        self.assertEqual(loyal._segment_keys(), ["champions", "loyal"])
        self.assertEqual(other._segment_keys(), ["at_risk"])
