from odoo import Command
from odoo.tests import tagged

from .common import CustomerCommon


@tagged("post_install", "-at_install")
class TestMultiCompany(CustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls._other_company("Customer Test Co 2")
        cls.customer = cls._customer("Li Na")
        cls._order(cls.customer, 100, days_ago=10)
        cls._order(cls.customer, 300, days_ago=5)
        cls._order(cls.customer, 1000, days_ago=2, company=cls.company_2)
        cls.env["customer.profile"]._recompute_all(cls.company | cls.company_2)

    def test_separate_facts_per_company(self):
        self.assertRecordValues(
            self._profile(self.customer, self.company),
            [{"order_count": 2, "revenue": 400.0, "last_order_date": self._day(5)}],
        )
        self.assertRecordValues(
            self._profile(self.customer, self.company_2),
            [{"order_count": 1, "revenue": 1000.0, "last_order_date": self._day(2)}],
        )

    def test_partner_form_shows_current_company(self):
        partner_1 = self.customer.with_company(self.company)
        partner_2 = self.customer.with_company(self.company_2)
        self.assertEqual(partner_1.customer_revenue, 400.0)
        self.assertEqual(partner_2.customer_revenue, 1000.0)

    def test_user_sees_own_company_only(self):
        self.user_customer.company_ids = [Command.set(self.company.ids)]
        profiles = (
            self.env["customer.profile"]
            .with_user(self.user_customer)
            .search([("partner_id", "=", self.customer.id)])
        )
        self.assertEqual(profiles.company_id, self.company)

    def test_history_of_own_company_only(self):
        """Scoring runs and timeline rows of another company stay hidden."""
        self.user_manager.company_ids = [Command.set(self.company.ids)]
        env = self.env(user=self.user_manager, context={"allowed_company_ids": self.company.ids})
        runs = env["customer.scoring.run"].search([])
        events = env["customer.event"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(runs.company_id, self.company)
        self.assertEqual(events.company_id, self.company)
        self.assertEqual(len(events), 2)
