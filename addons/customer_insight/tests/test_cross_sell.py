from odoo.tests import new_test_user, tagged

from .common import InsightCommon


@tagged("post_install", "-at_install")
class TestCrossSell(InsightCommon):
    """Six orders: A+B twice, A+C, B+C, A alone, D alone.

    Orders holding A: 4, B: 3, C: 2, D: 1. Rules (support, confidence, lift):
    A->B 2/6, 2/4, (2/4)/(3/6) = 1; B->A 2/6, 2/3, (2/3)/(4/6) = 1;
    A->C 1/6, 1/4, (1/4)/(2/6) = 0.75; C->A 1/6, 1/2, 0.75;
    B->C 1/6, 1/3, 1; C->B 1/6, 1/2, 1.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        p = cls.products
        cls.other_salesman = new_test_user(
            cls.env,
            login="insight_other_salesman",
            groups="base.group_user,sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.mine = cls._customer("Bought A", user_id=cls.user_customer.id)
        cls.theirs = cls._customer("Bought A and B", user_id=cls.other_salesman.id)
        cls.others = others = [
            cls._customer(f"Customer {n}", user_id=cls.other_salesman.id) for n in range(4)
        ]
        cls._basket(cls.theirs, [p["A"], p["B"]])
        cls._basket(others[0], [p["A"], p["B"]])
        cls._basket(others[1], [p["A"], p["C"]])
        cls._basket(others[2], [p["B"], p["C"]])
        cls._basket(cls.mine, [p["A"]])
        cls._basket(others[3], [p["D"]])
        cls.company.write({"insight_min_support": 0.1, "insight_min_confidence": 0.3})

    def _rules(self):
        self.Rule._recompute(self.company)
        rules = self.Rule.search([("company_id", "=", self.company.id)])
        return {
            (rule.product_id.name[-1], rule.consequent_id.name[-1]): (
                round(rule.support, 4),
                round(rule.confidence, 4),
                round(rule.lift, 4),
            )
            for rule in rules
        }

    def test_rules_match_hand_computed_figures(self):
        self.assertEqual(
            self._rules(),
            {
                ("A", "B"): (0.3333, 0.5, 1.0),
                ("B", "A"): (0.3333, 0.6667, 1.0),
                ("C", "A"): (0.1667, 0.5, 0.75),
                ("B", "C"): (0.1667, 0.3333, 1.0),
                ("C", "B"): (0.1667, 0.5, 1.0),
            },
        )
        rule = self.Rule.search(
            [("company_id", "=", self.company.id), ("product_id", "=", self.products["A"].id)]
        )
        self.assertEqual(
            (rule.pair_count, rule.product_count, rule.consequent_count, rule.order_count),
            (2, 4, 3, 6),
        )

    def test_minimum_support(self):
        self.company.insight_min_support = 0.2
        self.assertEqual(set(self._rules()), {("A", "B"), ("B", "A")})

    def test_recommendations_exclude_bought_and_archived_products(self):
        self.Rule._recompute(self.company)
        self.Recommendation._refresh(self.company.ids)
        self.assertEqual(self.mine.customer_recommended_product_ids, self.products["B"])
        recommendation = self.mine.customer_recommendation_ids
        self.assertEqual(
            recommendation.reason,
            "Bought Test A; 50% of the orders with Test A also include Test B, lift 1.0",
        )
        # A and B bought: C through B->C, A and B left out
        self.assertEqual(self.theirs.customer_recommended_product_ids, self.products["C"])
        self.products["C"].action_archive()
        self.env.invalidate_all()
        self.assertFalse(self.theirs.customer_recommended_product_ids)
        self.Recommendation._refresh(self.company.ids)
        self.assertFalse(self.Recommendation.search([("product_id", "=", self.products["C"].id)]))

    def test_segment_condition_would_buy(self):
        self.Rule._recompute(self.company)
        self.Recommendation._refresh(self.company.ids)
        partners = self.env["res.partner"].search(
            [("customer_recommended_product_ids", "in", self.products["B"].ids)]
        )
        # bought A (and not B): A->B
        self.assertEqual(partners, self.mine | self.others[1])

    def test_sales_user_sees_own_customers_only(self):
        self.Rule._recompute(self.company)
        self.Recommendation._refresh(self.company.ids)
        everyone = self.Recommendation.search([("company_id", "=", self.company.id)])
        self.assertIn(self.theirs, everyone.partner_id)
        seen = self.Recommendation.with_user(self.user_customer).search([])
        self.assertEqual(seen.partner_id, self.mine)
        self.assertFalse(self.theirs.with_user(self.user_customer).customer_recommendation_ids)

    def test_add_to_quotation(self):
        self.Rule._recompute(self.company)
        self.Recommendation._refresh(self.company.ids)
        quotation = self.env["sale.order"].create(
            {
                "partner_id": self.mine.id,
                "company_id": self.company.id,
                "user_id": self.user_customer.id,
            }
        )
        self.assertEqual(quotation.insight_recommendation_ids.product_id, self.products["B"])
        recommendation = quotation.insight_recommendation_ids.with_user(self.user_customer)
        recommendation.with_context(insight_order_id=quotation.id).action_add_to_order()
        self.assertEqual(quotation.order_line.product_id, self.products["B"])
        self.assertFalse(quotation.insight_recommendation_ids)

    def test_recommendations_for_one_customer_in_constant_queries(self):
        """Refreshing one customer's recommendations costs the same number
        of queries whatever it bought and is recommended."""
        self.Rule._recompute(self.company)
        counts = []
        for partner in (self.mine, self.theirs, self._customer("No orders")):
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            self.Recommendation._refresh(self.company.ids, partner.ids)
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts, [counts[0]] * 3)
        with self.assertExactQueryCount(2):
            self.Recommendation._refresh(self.company.ids, self.mine.ids)
