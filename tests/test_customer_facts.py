from odoo import Command, fields
from odoo.tests import tagged

from ..engine import rfm, value
from .common import CustomerCommon


@tagged("post_install", "-at_install")
class TestCustomerFacts(CustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Wang Wei")
        cls.old = cls._order(cls.customer, 100, days_ago=400)
        cls.middle = cls._order(cls.customer, 200, days_ago=30)
        cls.last = cls._order(cls.customer, 300, days_ago=5)

    def test_facts_after_confirming(self):
        profile = self._profile(self.customer)
        self.assertRecordValues(
            profile,
            [
                {
                    "first_order_date": self._day(400),
                    "last_order_date": self._day(5),
                    "order_count": 3,
                    "revenue": 600.0,
                    "average_order_value": 200.0,
                    "window_order_count": 2,
                    "window_revenue": 500.0,
                }
            ],
        )
        # counted to the user's today (context_today), which is the next UTC
        # day late in the UTC day for users east of Greenwich
        today = fields.Date.context_today(profile)
        self.assertEqual(profile.days_since_last_order, (today - self._day(5)).days)
        self.assertEqual(self.customer.customer_profile_id, profile)
        self.assertEqual(self.customer.customer_revenue, 600.0)

    def test_draft_orders_do_not_count(self):
        self._order(self.customer, 1000, confirm=False)
        self.assertEqual(self._profile(self.customer).order_count, 3)

    def test_cancelling_removes_the_order(self):
        self.last._action_cancel()
        self.assertRecordValues(
            self._profile(self.customer),
            [{"order_count": 2, "revenue": 300.0, "last_order_date": self._day(30)}],
        )

    def test_cancelling_every_order_removes_the_profile(self):
        (self.old | self.middle | self.last)._action_cancel()
        self.assertFalse(self._profile(self.customer))
        self.assertFalse(self.customer.customer_profile_id)

    def test_amount_change_on_confirmed_order(self):
        self.middle.order_line = [
            Command.create(
                {
                    "product_id": self.product.id,
                    "price_unit": 50,
                    "product_uom_qty": 2,
                    "tax_id": False,
                }
            )
        ]
        self.assertEqual(self._profile(self.customer).revenue, 700.0)
        self.middle.order_line[0].price_unit = 150
        self.assertEqual(self._profile(self.customer).revenue, 650.0)

    def test_contact_orders_count_for_the_company(self):
        company = self._customer("Huaxia Trading", is_company=True)
        contact = self._customer("Zhao Lei", parent_id=company.id)
        self._order(contact, 250, days_ago=3)
        self._order(company, 750, days_ago=10)
        self.assertFalse(self._profile(contact))
        self.assertRecordValues(self._profile(company), [{"order_count": 2, "revenue": 1000.0}])
        self.assertEqual(contact.customer_profile_id, self._profile(company))

    def test_days_since_last_order_search(self):
        self._after_commit()
        profiles = self.env["customer.profile"].search(
            [("days_since_last_order", ">", 3), ("company_id", "=", self.company.id)]
        )
        self.assertIn(self._profile(self.customer), profiles)
        profiles = self.env["customer.profile"].search(
            [("days_since_last_order", ">", 10), ("company_id", "=", self.company.id)]
        )
        self.assertNotIn(self._profile(self.customer), profiles)


@tagged("post_install", "-at_install")
class TestScoring(CustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # revenue, orders in window, days since last order
        cls.plan = {
            "A": (5000, 6, 2),
            "B": (2500, 4, 10),
            "C": (1200, 3, 40),
            "D": (600, 2, 100),
            "E": (300, 1, 200),
            "F": (200, 1, 300),
            "G": (100, 1, 330),
        }
        cls.customers = {}
        for name, (revenue, count, days) in cls.plan.items():
            partner = cls._customer(f"Customer {name}")
            cls.customers[name] = partner
            for index in range(count):
                cls._order(partner, revenue / count, days_ago=days + 3 * index)
        # bought only before the window
        cls.lapsed = cls._customer("Customer Lapsed")
        cls._order(cls.lapsed, 900, days_ago=500)

    def test_full_run_matches_the_engine(self):
        run = self._full_run()
        self.assertEqual(run.customer_count, 8)
        self.assertEqual(run.scored_count, 7)
        profiles = {
            p.partner_id: p
            for p in self.env["customer.profile"].search([("company_id", "=", self.company.id)])
        }
        scored = [p for p in profiles.values() if p.window_order_count]
        r_bounds = rfm.score_bounds([p.last_order_date for p in scored])
        f_bounds = rfm.score_bounds([p.window_order_count for p in scored])
        m_bounds = rfm.score_bounds([p.window_revenue for p in scored])
        thresholds = value.class_thresholds([p.revenue for p in profiles.values()])
        for profile in scored:
            r = rfm.score(profile.last_order_date, r_bounds)
            f = rfm.score(profile.window_order_count, f_bounds)
            m = rfm.score(profile.window_revenue, m_bounds)
            self.assertEqual(
                (profile.recency_score, profile.frequency_score, profile.monetary_score),
                (r, f, m),
                profile.partner_id.name,
            )
            self.assertEqual(profile.rfm_segment, rfm.segment(r, f, m))
        for profile in profiles.values():
            self.assertEqual(profile.value_class, value.value_class(profile.revenue, thresholds))
            expected_clv = value.lifetime_value(
                profile.revenue, profile.first_order_date, profile.last_order_date, 3.0, 100.0
            )
            self.assertAlmostEqual(profile.lifetime_value, expected_clv, places=2)

    def test_documented_segments(self):
        self._full_run()
        best = self._profile(self.customers["A"])
        self.assertEqual(best.rfm_score, "555")
        self.assertEqual(best.rfm_segment, "champions")
        self.assertEqual(best.value_class, "a")
        self.assertEqual(self._profile(self.customers["G"]).rfm_score, "111")
        self.assertEqual(self._profile(self.customers["G"]).rfm_segment, "lost")
        lapsed = self._profile(self.lapsed)
        self.assertEqual(lapsed.rfm_segment, "lost")
        self.assertFalse(lapsed.rfm_score)
        self.assertEqual(self.customers["A"].customer_rfm_segment, "champions")

    def test_second_run_changes_nothing(self):
        self._full_run()
        before = self.env["customer.profile"].search([("company_id", "=", self.company.id)])
        dates = {p.id: p.write_date for p in before}
        run = self._full_run()
        self.assertEqual(run.changed_count, 0)
        after = self.env["customer.profile"].search([("company_id", "=", self.company.id)])
        self.assertEqual({p.id: p.write_date for p in after}, dates)

    def test_settings_change_scores(self):
        self._full_run()
        self.company.customer_class_a_share = 40
        self._full_run()
        self.assertEqual(self._profile(self.customers["A"]).value_class, "a")
        self.assertEqual(self._profile(self.customers["B"]).value_class, "b")
        self.company.customer_clv_margin = 50
        self._full_run()
        profile = self._profile(self.customers["A"])
        expected = value.lifetime_value(
            profile.revenue, profile.first_order_date, profile.last_order_date, 3.0, 50.0
        )
        self.assertAlmostEqual(profile.lifetime_value, expected, places=2)

    def test_empty_company(self):
        company = self.env["res.company"].create({"name": "No Customers Co"})
        run = self._full_run(company)
        self.assertEqual((run.customer_count, run.scored_count, run.changed_count), (0, 0, 0))
        self.assertIn("-", run.bounds_display)

    def test_manager_button(self):
        action = (
            self.env["customer.profile"]
            .with_user(self.user_manager)
            .with_context(allowed_company_ids=self.company.ids)
            .action_recompute_all()
        )
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(self._profile(self.customers["A"]).rfm_segment, "champions")
