from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged

from .common import FACT_FIELDS, SCORE_FIELDS, CustomerCommon


@tagged("post_install", "-at_install")
class TestIncremental(CustomerCommon):
    """Updating the customers an order touches gives what a full run gives."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls.env["res.partner"]
        # ten customers with distinct values; "top" leads on every measure
        for index in range(10):
            partner = cls._customer(f"Customer {index}")
            cls.customers |= partner
            for order_index in range(index + 1):
                cls._order(partner, 100 + 10 * index, days_ago=20 * (10 - index) + order_index)
        cls.top = cls.customers[-1]
        cls.lapsed = cls._customer("Lapsed")
        cls.lapsed_orders = cls._order(cls.lapsed, 80, days_ago=500) | cls._order(
            cls.lapsed, 90, days_ago=450
        )
        cls.env["customer.profile"]._recompute_all(cls.company)

    def assertSameAsFullRun(self, fields_list):
        incremental = self._snapshot(fields_list)
        self._full_run()
        self.assertEqual(incremental, self._snapshot(fields_list))

    def test_facts_equal_after_mixed_changes(self):
        newcomer = self._customer("Newcomer")
        self._order(newcomer, 500, days_ago=1)
        self.lapsed_orders[0]._action_cancel()
        self.customers[3].sale_order_ids[0].order_line[0].price_unit = 999
        self._order(self.customers[5], 40, days_ago=2)
        self.assertSameAsFullRun(FACT_FIELDS)

    def test_scores_equal_when_bounds_hold(self):
        """The top customer buys again: the bounds do not move, so every
        score of the incremental update is the one a full run gives."""
        before = self.env["customer.scoring.run"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        self._order(self.top, 300, days_ago=0)
        self.top.sale_order_ids[0].order_line = [
            Command.create({"product_id": self.product.id, "price_unit": 10, "tax_id": False})
        ]
        incremental = self._snapshot(FACT_FIELDS + SCORE_FIELDS)
        after = self._full_run()
        self.assertEqual(after.bounds, before.bounds, "fixture: bounds must not move")
        self.assertEqual(incremental, self._snapshot(FACT_FIELDS + SCORE_FIELDS))
        self.assertEqual(self._profile(self.top).rfm_segment, "champions")

    def test_new_customer_scored_against_last_bounds(self):
        newcomer = self._customer("Newcomer")
        self._order(newcomer, 100, days_ago=0)
        profile = self._profile(newcomer)
        self.assertEqual(profile.recency_score, 5)
        self.assertEqual(profile.frequency_score, 1)
        self.assertEqual(profile.rfm_segment, "new")
        self.assertEqual(profile.value_class, "c")

    def test_company_never_scored_gets_facts_only(self):
        company = self.env["res.company"].create({"name": "Unscored Co"})
        self.env.user.company_ids |= company
        partner = self._customer("Elsewhere")
        self._order(partner, 100, days_ago=1, company=company)
        profile = self._profile(partner, company)
        self.assertEqual(profile.order_count, 1)
        self.assertFalse(profile.rfm_segment)
        self.assertFalse(profile.value_class)

    def test_query_count_does_not_grow_with_customers(self):
        """Refreshing 1 or 10 customers costs the same, exact number of
        queries (the core's own: what plugins do in ``_on_facts_changed`` has
        budgets of its own)."""
        profiles = self.env["customer.profile"]
        with patch.object(type(profiles), "_on_facts_changed", lambda self, keys: None):
            profiles._refresh_customers(self.top.ids, self.company.ids)  # warm the caches
            with self.assertExactQueryCount(3):
                profiles._refresh_customers(self.top.ids, self.company.ids)
            with self.assertExactQueryCount(3):
                profiles._refresh_customers(self.customers.ids, self.company.ids)
