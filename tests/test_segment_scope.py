import re

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CustomerCommon

MANAGER = "customer_relationship.group_customer_manager"

# Conditions that would run code: refused on save, with the offending part named.
CODE = {
    "import": ("[('name', '=', __import__('os').getcwd())]", "__import__"),
    "eval": ("[('name', '=', eval('1 + 1'))]", "eval"),
    "exec in a string evaluated": ("[('id', '=', safe_eval('uid'))]", "safe_eval"),
    "dunder attribute": ("[('id', '=', uid.__class__)]", "uid.__class__"),
    "dunder of a date": ("[('id', '=', context_today().__reduce__())]", "__reduce__"),
    "dunder through a call": (
        "[('id', '=', relativedelta(days=1).__dict__)]",
        "__dict__",
    ),
    "lambda": ("[('id', '=', (lambda: uid)())]", "lambda"),
    "subscript": ("[('id', '=', company_ids[0])]", "company_ids[0]"),
}


@tagged("post_install", "-at_install")
class TestSegmentCompanyScope(CustomerCommon):
    """A segment of company A reads company A's customers and facts only,
    whatever its conditions name."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls._other_company("Segment Scope Co B")
        # a shared contact who bought in both companies, much more in B
        cls.shared = cls._customer("Scope Shared Buyer")
        cls._order(cls.shared, 100, days_ago=3)
        cls._order(cls.shared, 9000, days_ago=3, company=cls.company_b)
        # a contact of company B only
        cls.b_only = cls._customer("Scope B Buyer", company_id=cls.company_b.id)
        cls._order(cls.b_only, 500, days_ago=3, company=cls.company_b)
        cls._full_run(cls, cls.company | cls.company_b)
        cls.manager_a = cls._user("cr_scope_a", MANAGER)
        cls.manager_ab = cls._user("cr_scope_ab", MANAGER)
        cls.manager_ab.company_ids = [Command.set((cls.company | cls.company_b).ids)]
        cls.fixture = cls.shared | cls.b_only

    def _segment(self, user, domain, company=None):
        env = self.env(
            user=user,
            context=dict(self.env.context, allowed_company_ids=user.company_ids.ids),
        )
        return env["customer.segment"].create(
            {
                "name": "Scope segment",
                "domain": f"[('id', 'in', {self.fixture.ids}), {domain}]",
                "company_id": (company or self.company).id,
            }
        )

    def test_reaching_company_b(self):
        b = self.company_b.id
        conditions = {
            "profile of B": f"('customer_profile_ids', 'any', [('company_id', '=', {b})])",
            "revenue in B": "('customer_profile_ids.revenue', '>', 1000)",
            "orders of B": f"('sale_order_ids', 'any', [('company_id', '=', {b})])",
            "amount of B's orders": "('sale_order_ids.amount_untaxed', '>', 1000)",
            "through the commercial partner": (
                f"('commercial_partner_id.sale_order_ids.company_id', '=', {b})"
            ),
            "timeline of B": f"('customer_event_ids.company_id', '=', {b})",
            "contacts of B": f"('company_id', '=', {b})",
        }
        for user in (self.manager_a, self.manager_ab):
            for label, domain in conditions.items():
                with self.subTest(user=user.login, condition=label):
                    segment = self._segment(user, domain)
                    self.assertEqual(segment.customer_count, 0)
                    self.assertFalse(segment._get_partners())
                    self.assertFalse(segment.condition_warning)
        # the same conditions in company B's segment find B's customers
        segment = self._segment(self.manager_ab, conditions["revenue in B"], self.company_b)
        self.assertEqual(segment._get_partners(), self.shared)

    def test_facts_are_the_segment_company(self):
        big = self._segment(self.manager_ab, "('customer_revenue', '>', 1000)")
        self.assertFalse(big._get_partners())
        small = self._segment(self.manager_ab, "('customer_revenue', '=', 100)")
        self.assertEqual(small._get_partners(), self.shared)

    def test_segment_of_a_company_not_allowed(self):
        with self.assertRaises(AccessError):
            self._segment(self.manager_a, "('id', '!=', 0)", self.company_b)

    @mute_logger("odoo.sql_db")
    def test_code_refused(self):
        for label, (domain, reason) in CODE.items():
            with (
                self.subTest(label),
                self.assertRaisesRegex(ValidationError, re.escape(reason)),
                self.env.cr.savepoint(),
            ):
                self.env(user=self.manager_a)["customer.segment"].create(
                    {"name": label, "domain": domain, "company_id": self.company.id}
                )
