import datetime
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

from .common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestLifecycleSqlPaths(LifecycleCommon):
    """Every statement the plugin builds runs here: rules with each condition,
    the state sync, the moves and the report. They name tables and columns
    through the core's checked helpers, so a field renamed or removed in the
    core (or here) fails these tests instead of a customer's database."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rule = cls.env["customer.lifecycle.rule"]
        cls.Report = cls.env["customer.lifecycle.report"]
        cls.buyer = cls._customer("Paths Buyer Ltd", is_company=True)
        contact = cls._customer("Paths Contact", parent_id=cls.buyer.id)
        cls._order(contact, 100, days_ago=10)
        cls._order(cls.buyer, 100, days_ago=400)
        cls.cancelled = cls._order(cls.buyer, 100, days_ago=5)
        cls.cancelled._action_cancel()
        cls.opportunity = cls._customer("Paths Opportunity Ltd", is_company=True)
        cls.lead = cls._customer("Paths Lead Ltd")
        cls.winner = cls._customer("Paths Winner Ltd")
        won_stage = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        cls.env["crm.lead"].create(
            [
                {
                    "name": "Paths opportunity",
                    "type": "opportunity",
                    "partner_id": cls._customer("Paths Buyer", parent_id=cls.opportunity.id).id,
                    "company_id": cls.company.id,
                },
                {
                    "name": "Paths lead",
                    "type": "lead",
                    "partner_id": cls.lead.id,
                    "company_id": cls.company.id,
                },
                {
                    "name": "Paths won",
                    "type": "opportunity",
                    "partner_id": cls.winner.id,
                    "company_id": cls.company.id,
                    "stage_id": won_stage.id,
                },
            ]
        )
        cls.env["customer.profile.queue"]._process()
        cls.env["customer.profile"]._recompute_all(cls.company)

    def _segment(self, profile):
        """The selection record of the profile's RFM segment."""
        return self.env.ref(
            f"customer_relationship.selection__customer_profile__rfm_segment__{profile.rfm_segment}"
        )

    def _matches(self, **conditions):
        """The customers a rule with ``conditions`` moves (its constraint
        runs the same SQL once more)."""
        rule = self.Rule.create(
            {
                "name": "Paths rule",
                "company_id": self.company.id,
                "stage_id": self.stages["won_back"].id,
                "order_period_days": 365,
                **conditions,
            }
        )
        return self.State.search(rule._get_state_domain()).partner_id

    def test_every_condition(self):
        self.State._sync_states(self.company)
        states = self.State.search([("company_id", "=", self.company.id)])
        self.assertEqual(
            set(states.partner_id.ids),
            {self.buyer.id, self.opportunity.id, self.lead.id, self.winner.id},
        )
        buyer_state = states.filtered(lambda state: state.partner_id == self.buyer)
        profile = self._profile(self.buyer)
        self.assertEqual(buyer_state.profile_id, profile)
        self.assertEqual(self._matches(lead_condition="opportunity"), self.opportunity)
        self.assertEqual(self._matches(lead_condition="lead"), self.lead)
        self.assertEqual(self._matches(lead_condition="none"), self.buyer)
        self.assertEqual(self._matches(order_condition="some"), self.buyer)
        self.assertEqual(
            self._matches(order_condition="none"), self.opportunity | self.lead | self.winner
        )
        # one order within 365 days (the cancelled one does not count), two within 500
        self.assertFalse(self._matches(min_order_count=2))
        self.assertEqual(self._matches(min_order_count=2, order_period_days=500), self.buyer)
        self.assertEqual(self._matches(inactive_days=5), self.buyer)
        self.assertEqual(
            self._matches(rfm_segment_ids=[fields.Command.set(self._segment(profile).ids)]),
            self.buyer,
        )
        self.assertEqual(self._matches(profile_domain="[('order_count', '=', 2)]"), self.buyer)
        # the last order (10 days ago) is older than the stay in the stage
        self.assertFalse(self._matches(ordered_since_entered=True))
        buyer_state.date_entered = fields.Datetime.now() - datetime.timedelta(days=20)
        self.assertEqual(self._matches(ordered_since_entered=True), self.buyer)
        everything = {
            "profile_domain": "[('order_count', '>=', 2)]",
            "lead_condition": "none",
            "order_condition": "some",
            "min_order_count": 2,
            "order_period_days": 500,
            "rfm_segment_ids": [fields.Command.set(self._segment(profile).ids)],
            "inactive_days": 5,
            "ordered_since_entered": True,
            "source_stage_ids": [fields.Command.set(buyer_state.stage_id.ids)],
        }
        self.assertEqual(self._matches(**everything), self.buyer)

    def test_moves_and_report(self):
        self.State._sync_states(self.company)
        state = self.State.search(
            [("partner_id", "=", self.buyer.id), ("company_id", "=", self.company.id)]
        )
        history = state._move_to(self.stages["new_customer"])
        first = state.history_ids - history
        self.assertEqual(first.next_stage_id, self.stages["new_customer"])
        self.assertTrue(first.date_left)
        self.assertEqual(first.duration, 0)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT * FROM (%s) q WHERE q.partner_id = %s ORDER BY q.id",
                self.Report._query(),
                self.buyer.id,
            )
        )
        columns = [column.name for column in self.env.cr.description]
        self.assertEqual(
            set(columns),
            {name for name, field in self.Report._fields.items() if field.store},
        )
        rows = [dict(zip(columns, row, strict=True)) for row in self.env.cr.fetchall()]
        self.assertEqual(
            [(row["stage_id"], row["next_stage_id"]) for row in rows],
            [
                (self.stages["prospect"].id, self.stages["new_customer"].id),
                (self.stages["new_customer"].id, None),
            ],
        )
        profile = self._profile(self.buyer)
        self.assertEqual(
            {(row["rfm_segment"], row["value_class"]) for row in rows},
            {(profile.rfm_segment, profile.value_class)},
        )

    def test_renamed_field_breaks_every_path(self):
        """Each statement raises while it is built when a field it reads is
        missing, naming that field; the evaluation as a whole too."""
        self.State._sync_states(self.company)
        state = self.State.search(
            [("partner_id", "=", self.buyer.id), ("company_id", "=", self.company.id)]
        )
        self.env.flush_all()
        paths = {
            "open leads": lambda: self.Rule._open_lead_query("lead"),
            "any lead": lambda: self.Rule._open_lead_query(include_won=True),
            "recent orders": lambda: self.Rule._recent_orders_query(2, 365),
            "ordered since entered": lambda: self.Rule._ordered_since_entered_query(),
            "state sync": lambda: self.State._sync_states(self.company, self.buyer.ids),
            "move": lambda: state._move_to(self.stages["active"]),
            "report": lambda: self.Report._query(),
        }
        profile_paths = ["ordered since entered", "state sync", "report"]
        fields_read = {
            ("customer.profile", "partner_id"): profile_paths,
            ("customer.profile", "company_id"): profile_paths,
            ("customer.profile", "last_order_date"): profile_paths,
            ("customer.profile", "rfm_segment"): profile_paths,
            ("sale.order", "state"): ["recent orders"],
            ("sale.order", "date_order"): ["recent orders"],
            ("res.partner", "commercial_partner_id"): [
                "open leads",
                "any lead",
                "recent orders",
                "state sync",
            ],
            ("res.partner", "user_id"): ["report"],
            ("res.users", "sale_team_id"): ["report"],
            ("crm.lead", "active"): ["open leads", "any lead", "state sync"],
            ("crm.lead", "type"): ["open leads"],
            ("crm.lead", "probability"): ["open leads"],
            ("crm.stage", "is_won"): ["open leads"],
            ("customer.lifecycle.state", "partner_id"): [
                "open leads",
                "recent orders",
                "ordered since entered",
                "state sync",
            ],
            ("customer.lifecycle.state", "date_entered"): ["ordered since entered", "state sync"],
            ("customer.lifecycle.state", "profile_id"): ["state sync"],
            ("customer.lifecycle.history", "date_left"): ["move", "report"],
            ("customer.lifecycle.history", "duration"): ["move", "report"],
            ("customer.lifecycle.stage", "code"): ["report"],
            ("customer.lifecycle.stage", "sequence"): ["report"],
        }
        for (model_name, field_name), names in fields_read.items():
            model_fields = type(self.env[model_name])._fields
            for name in names:
                with (
                    self.subTest(field=f"{model_name}.{field_name}", path=name),
                    patch.dict(model_fields),
                    self.assertRaisesRegex(ValueError, f"{model_name}.{field_name}"),
                ):
                    del model_fields[field_name]
                    paths[name]()
        sale_fields = type(self.env["sale.order"])._fields
        with patch.dict(sale_fields), self.assertRaisesRegex(ValueError, "sale.order.date_order"):
            del sale_fields["date_order"]
            self.State._evaluate(self.company)
        # untouched, every path builds and runs
        for name, path in paths.items():
            with self.subTest(path=name):
                result = path()
                if isinstance(result, SQL):
                    self.env.cr.execute(SQL("SELECT * FROM (%s) q LIMIT 1", result))
        self.assertEqual(state.stage_id, self.stages["active"])
