import operator

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged, users
from odoo.tools import mute_logger

from .common import CustomerCommon

OPERATORS = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "in": lambda value, values: value in values,
    "not in": lambda value, values: value not in values,
}


@tagged("post_install", "-at_install")
class TestSegment(CustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cn = cls.env.ref("base.cn")
        cls.uk = cls.env.ref("base.uk")
        cls.industry = cls.env["res.partner.industry"].create({"name": "Tea Trade"})
        cls.tag = cls.env["res.partner.category"].create({"name": "Segment Test VIP"})
        cls.wang = cls._customer(
            "王伟",
            city="上海",
            country_id=cls.cn.id,
            industry_id=cls.industry.id,
            category_id=[Command.set(cls.tag.ids)],
            customer_company_size="medium",
        )
        cls.wang_assistant = cls._customer("王伟的助理", parent_id=cls.wang.id)
        cls.li = cls._customer("李娜", city="北京", country_id=cls.cn.id)
        cls.emily = cls._customer("Emily Clark", city="London", country_id=cls.uk.id)
        cls.james = cls._customer(
            "James Miller",
            city="London",
            country_id=cls.uk.id,
            category_id=[Command.set(cls.tag.ids)],
        )
        cls.tom = cls._customer("Tom Lee", city="上海", country_id=cls.cn.id)  # never ordered
        for days_ago in (3, 20, 40, 60):
            cls._order(cls.wang, 2000, days_ago=days_ago)
        cls._order(cls.li, 300, days_ago=200)
        cls._order(cls.li, 200, days_ago=250)
        cls._order(cls.emily, 800, days_ago=30)
        cls._order(cls.james, 50, days_ago=500)
        cls._full_run(cls)
        cls.fixture = cls.wang | cls.wang_assistant | cls.li | cls.emily | cls.james | cls.tom
        cls.Segment = cls.env["customer.segment"]

    def _segment(self, domain, **vals):
        return self.Segment.create({"name": "Test segment", "domain": str(domain), **vals})

    def _in_fixture(self, domain):
        return self.env["res.partner"].search([*domain, ("id", "in", self.fixture.ids)])

    def test_count_equals_search(self):
        domains = [
            [("city", "=", "上海")],
            [("country_id.code", "=", "GB")],
            [("industry_id", "=", self.industry.id)],
            [("customer_company_size", "in", ("medium", "large"))],
            [("category_id", "in", self.tag.ids)],
            [("customer_rfm_segment", "=", self.wang.customer_rfm_segment)],
            [("customer_value_class", "=", "a")],
            [("customer_revenue", ">=", 1000)],
            [("customer_order_count", ">", 0), ("country_id", "=", self.uk.id)],
            [("customer_days_since_last_order", ">", 100)],
            [("customer_recency_score", "=", 5)],
            ["|", ("city", "=", "London"), ("customer_value_class", "=", "a")],
        ]
        for domain in domains:
            with self.subTest(domain=domain):
                segment = self._segment(domain)
                self.assertFalse(segment.domain_error)
                self.assertEqual(
                    segment.customer_count, self.env["res.partner"].search_count(domain)
                )
                self.assertEqual(segment._get_partners(), self.env["res.partner"].search(domain))

    def test_company_size(self):
        self.assertEqual(
            self._in_fixture([("customer_company_size", "in", ("medium", "large"))]),
            self.wang,
        )

    def test_behavioural_conditions(self):
        self.assertEqual(self.wang.customer_value_class, "a")
        self.assertEqual(
            self._in_fixture([("customer_value_class", "=", "a")]),
            self.wang | self.wang_assistant,
            "a contact has the facts of its commercial partner",
        )
        self.assertEqual(
            self._in_fixture([("customer_rfm_segment", "=", "champions"), ("city", "=", "上海")]),
            self.wang | self.wang_assistant,
            "a contact shares the address of its parent",
        )
        self.assertEqual(
            self._in_fixture([("customer_order_count", ">", 0), ("city", "=", "London")]),
            self.emily | self.james,
        )
        self.assertEqual(
            self._in_fixture([("customer_days_since_last_order", ">", 100)]),
            self.li | self.james,
        )

    def test_fact_search_agrees_with_displayed_values(self):
        """Every condition selects exactly the partners whose shown value meets it,
        partners without a profile (empty facts) included."""
        conditions = [
            ("customer_revenue", "<", 1000),
            ("customer_revenue", ">", 100),
            ("customer_revenue", "=", 0),
            ("customer_order_count", "!=", 4),
            ("customer_order_count", "<=", 1),
            ("customer_rfm_segment", "!=", "champions"),
            ("customer_rfm_segment", "=", False),
            ("customer_rfm_segment", "in", ["champions", "lost"]),
            ("customer_value_class", "not in", ["a"]),
            ("customer_days_since_last_order", "<", 100),
            ("customer_lifetime_value", ">=", 500),
            ("customer_monetary_score", ">", 2),
        ]
        for field_name, op, value in conditions:
            with self.subTest(condition=(field_name, op, value)):
                expected = self.fixture.filtered(
                    lambda partner, f=field_name, o=op, v=value: OPERATORS[o](partner[f], v)
                )
                self.assertEqual(self._in_fixture([(field_name, op, value)]), expected)

    def test_facts_of_the_segment_company(self):
        other = self.env["res.company"].create({"name": "Segment Other Co"})
        self.env.user.company_ids |= other
        self._order(self.tom, 700, company=other)
        self._full_run(other)
        domain = [("customer_order_count", ">", 0), ("id", "in", self.fixture.ids)]
        here = self._segment(domain)
        there = self._segment(domain, company_id=other.id)
        self.assertEqual(here._get_partners(), self.fixture - self.tom)
        self.assertEqual(
            there.with_context(allowed_company_ids=[self.company.id, other.id])._get_partners(),
            self.tom,
        )
        self.assertEqual(
            there.with_context(allowed_company_ids=[self.company.id, other.id]).customer_count, 1
        )

    @mute_logger("odoo.sql_db")
    def test_invalid_domains_refused(self):
        invalid = {
            "syntax": "[('city', '=', 'London')",
            "not a list": "'city'",
            "a dict": "{'city': 'London'}",
            "unknown field": "[('no_such_field', '=', 1)]",
            "unknown operator": "[('city', 'resembles', 'London')]",
            "short leaf": "[('city', '=')]",
            "dangling or": "['|', ('city', '=', 'London')]",
            "wrong type": "[('id', '=', 'abc')]",
            "code": "__import__('os').getcwd()",
        }
        segment = self._segment([("city", "=", "London")])
        for label, domain in invalid.items():
            with self.subTest(label), self.assertRaises(ValidationError):
                self.Segment.create({"name": label, "domain": domain})
            with self.subTest(label), self.assertRaises(ValidationError):
                segment.write({"domain": domain})
        self.assertEqual(segment.domain, "[('city', '=', 'London')]")
        self.assertEqual(
            segment.customer_count, self.env["res.partner"].search_count([("city", "=", "London")])
        )

    def test_message_names_the_problem(self):
        with self.assertRaisesRegex(ValidationError, "no_such_field"):
            self._segment([("no_such_field", "=", 1)])

    def test_stale_domain_does_not_crash(self):
        good = self._segment([("city", "=", "上海")])
        stale = self._segment([("city", "=", "北京")])
        # a module providing the field was uninstalled since the segment was saved
        self.env.cr.execute(
            "UPDATE customer_segment SET domain = %s WHERE id = %s",
            ["[('x_removed_field', '=', 1)]", stale.id],
        )
        self.env.invalidate_all()
        segments = good | stale
        self.assertEqual(segments.mapped("customer_count"), [good.customer_count, 0])
        self.assertGreater(good.customer_count, 0)
        self.assertFalse(good.domain_error)
        self.assertIn("x_removed_field", stale.domain_error)
        rows = self.Segment.search_read(
            [("id", "in", segments.ids)], ["name", "customer_count", "domain_error"]
        )
        self.assertEqual(len(rows), 2)
        with self.assertRaisesRegex(UserError, "x_removed_field"):
            stale.action_open_mail_wizard()
        with self.assertRaisesRegex(UserError, "x_removed_field"):
            stale.action_open_customers()
        with self.assertRaises(UserError):
            self.env["customer.segment.mail.wizard"].create({"segment_id": stale.id}).action_send()
        self.assertFalse(
            self.env["customer.segment.mailing"].search([("segment_id", "=", stale.id)])
        )
        stale.name = "Renamed"  # other fields stay editable
        stale.active = False
        self.assertEqual(stale.name, "Renamed")

    def test_open_customers(self):
        segment = self._segment([("city", "=", "上海")])
        action = segment.action_open_customers()
        self.assertEqual(action["res_model"], "res.partner")
        self.assertEqual(self.env["res.partner"].search(action["domain"]), segment._get_partners())

    @users("cr_user")
    def test_user_reads_manager_edits(self):
        segment = self._segment([("city", "=", "上海")]).with_user(self.env.user)
        self.assertEqual(
            segment.customer_count, self.env["res.partner"].search_count([("city", "=", "上海")])
        )
        with self.assertRaises(AccessError):
            self.env["customer.segment"].create({"name": "Mine", "domain": "[]"})
        with self.assertRaises(AccessError):
            segment.name = "Renamed"

    @users("cr_manager")
    def test_manager_creates(self):
        segment = self.env["customer.segment"].create(
            {"name": "Managers' segment", "domain": "[('city', '=', 'London')]"}
        )
        self.assertEqual(segment.company_id, self.company)
        segment.domain = "[('city', '=', '上海')]"
        segment.unlink()

    def test_other_company_segments_hidden(self):
        other = self.env["res.company"].create({"name": "Segment Hidden Co"})
        segment = self._segment([], company_id=other.id)
        visible = self.Segment.with_user(self.user_manager).search([("id", "=", segment.id)])
        self.assertFalse(visible)
