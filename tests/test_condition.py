import doctest

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models import customer_condition_data
from .common import CustomerCommon

# Conditions refused on save, with a word of the reason given.
INVALID = {
    "syntax": ("[('city', '=', 'London')", "not a valid expression"),
    "not a list": ("'city'", "not a list of conditions"),
    "a dict": ("{'city': 'London'}", "is not allowed"),
    "unknown field": ("[('no_such_field', '=', 1)]", "no_such_field"),
    "unknown field in a path": ("[('country_id.no_such_code', '=', 'GB')]", "no_such_code"),
    "unknown field in a sub-condition": (
        "[('category_id', 'any', [('no_such_name', '=', 'VIP')])]",
        "no_such_name",
    ),
    "field that cannot be searched": ("[('customer_currency_id', '=', 1)]", "cannot be searched"),
    "unknown operator": ("[('city', 'resembles', 'London')]", "resembles"),
    "short term": ("[('city', '=')]", "is not a condition"),
    "dangling or": ("['|', ('city', '=', 'London')]", "do not match"),
    "value of another type": ("[('id', '=', 'abc')]", "does not fit"),
    "import": ("__import__('os').getcwd()", "__import__"),
    "import in a term": ("[('name', '=', __import__('os').getcwd())]", "__import__"),
    "private attribute": ("[('id', '=', uid.__class__)]", "uid.__class__"),
    "other attribute": ("[('name', '=', context_today().ctime())]", "ctime"),
    "lambda": ("[('id', '=', (lambda: uid)())]", "lambda"),
    "comprehension": ("[('id', 'in', [n for n in (1, 2)])]", "for n in"),
    "unknown name": ("[('user_id', '=', user)]", "user is not known"),
}


@tagged("post_install", "-at_install")
class TestConditionMixin(CustomerCommon):
    """The mixin's behaviour, once, on the test model of
    customer_relationship_test_condition (a condition over contacts)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Condition = cls.env["customer.condition.test"]
        cls.uk = cls.env.ref("base.uk")
        cls.london = cls._customer("London Buyer", city="London", country_id=cls.uk.id)
        cls.paris = cls._customer("Paris Buyer", city="Paris")
        cls.hidden = cls._customer("Hidden London Buyer", city="London")
        cls.fixture = cls.london | cls.paris | cls.hidden
        cls._order(cls.london, 500, days_ago=10)
        cls._full_run(cls)

    def _condition(self, domain, **vals):
        return self.Condition.create(
            {"name": "Test condition", "company_id": self.company.id, "domain": domain, **vals}
        )

    def _scoped(self, terms, partners=None):
        """The text of a condition on the fixture's contacts only."""
        return f"[('id', 'in', {(partners or self.fixture).ids}), {terms}]"

    def test_doctests(self):
        result = doctest.testmod(customer_condition_data)
        self.assertGreater(result.attempted, 0)
        self.assertEqual(result.failed, 0)

    def test_valid_conditions(self):
        london, paris, hidden = self.london, self.paris, self.hidden
        valid = [
            ("", self.fixture),
            ("('city', '=', 'London')", london | hidden),
            ("'|', ('city', '=', 'Paris'), ('customer_order_count', '>', 0)", london | paris),
            ("'!', ('name', '=like', 'Hidden%')", london | paris),
            ("('country_id.code', '=', 'GB')", london),
            ("('category_id', 'not any', [('name', '=', 'VIP')])", self.fixture),
            (
                "('create_date', '>=', "
                "(context_today() - relativedelta(days=30)).strftime('%Y-%m-%d'))",
                self.fixture,
            ),
            ("('create_date', '>', datetime.datetime.now() + relativedelta(days=1))", paris[:0]),
            ("('user_id', '!=', uid), ('company_id', 'in', [False, company_id])", self.fixture),
            ("('customer_revenue', '>', -1.5), ('customer_revenue', '<', 1e3)", self.fixture),
        ]
        for terms, expected in valid:
            with self.subTest(terms):
                condition = self._condition(self._scoped(terms))
                self.assertFalse(condition.condition_warning)
                self.assertEqual(condition._condition_search(), expected)
                self.assertEqual(condition._condition_count(), len(expected))
                self.assertEqual(
                    self.env["res.partner"].search(condition._condition_domain()), expected
                )
        self.assertEqual(self._condition("[]")._condition_domain(), [])

    @mute_logger("odoo.sql_db")
    def test_invalid_conditions_refused(self):
        condition = self._condition("[('city', '=', 'London')]")
        for label, (text, reason) in INVALID.items():
            with (
                self.subTest(label),
                self.assertRaisesRegex(ValidationError, reason),
                self.env.cr.savepoint(),
            ):
                self._condition(text, name=label)
            with (
                self.subTest(label),
                self.assertRaisesRegex(ValidationError, "Test condition"),
                self.env.cr.savepoint(),
            ):
                condition.write({"domain": text})
        self.assertEqual(condition.domain, "[('city', '=', 'London')]")
        self.assertFalse(self.Condition.search([("name", "in", list(INVALID))]))

    def test_message_in_user_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["customer_relationship"], ["zh_CN"])
        Condition = self.Condition.with_context(lang="zh_CN")
        with self.assertRaisesRegex(ValidationError, "条件无效.*未知字段 no_such_field"):
            Condition.create({"name": "Broken", "domain": "[('no_such_field', '=', 1)]"})
        with self.assertRaisesRegex(ValidationError, "不允许"):
            Condition.create({"name": "Code", "domain": "[('id', '=', (lambda: 1)())]"})

    def test_stale_condition_matches_nothing(self):
        good = self._condition(self._scoped("('city', '=', 'London')"))
        stale = self._condition(self._scoped("('city', '=', 'Paris')"))
        # the module providing a field was uninstalled since the record was saved
        self.env.cr.execute(
            "UPDATE customer_condition_test SET domain = %s WHERE id = %s",
            ["[('x_removed_field', '=', 1)]", stale.id],
        )
        self.env.invalidate_all()
        self.assertFalse(good.condition_warning)
        self.assertIn("x_removed_field", stale.condition_warning)
        self.assertEqual(good._condition_count(), 2)
        with self.assertLogs("odoo.addons.customer_relationship", "WARNING"):
            self.assertEqual(stale._condition_count(), 0)
        with self.assertLogs("odoo.addons.customer_relationship", "WARNING"):
            self.assertFalse(stale._condition_search())
        with self.assertRaisesRegex(UserError, "x_removed_field"):
            stale._condition_domain()
        rows = self.Condition.search_read(
            [("id", "in", (good | stale).ids)], ["name", "condition_warning"]
        )
        self.assertEqual(len(rows), 2)
        stale.name = "Renamed"  # the other fields stay editable
        self.assertEqual(stale.name, "Renamed")

    def test_company_scope(self):
        other = self.env["res.company"].create({"name": "Condition Other Co"})
        self.env.user.company_ids |= other
        self._order(self.paris, 700, company=other)
        self._full_run(other)
        other_contact = self._customer("Other Co Contact", company_id=other.id, city="London")
        both = self.env(
            context=dict(self.env.context, allowed_company_ids=[self.company.id, other.id])
        )
        ordered = self._scoped("('customer_order_count', '>', 0)")
        here = self._condition(ordered).with_env(both)
        there = self._condition(ordered, company_id=other.id).with_env(both)
        self.assertEqual(here._condition_search(), self.london)
        self.assertEqual(there._condition_search(), self.paris)
        self.assertEqual((here._condition_count(), there._condition_count()), (1, 1))
        # contacts of a company count only in that company; shared ones everywhere
        london = self._scoped("('city', '=', 'London')", self.fixture | other_contact)
        self.assertEqual(
            self._condition(london).with_env(both)._condition_search(), self.london | self.hidden
        )
        self.assertEqual(
            self._condition(london, company_id=other.id).with_env(both)._condition_search(),
            self.london | self.hidden | other_contact,
        )
        self.assertEqual(
            self._condition(london, company_id=False).with_env(both)._condition_count(), 3
        )
        # the names of the evaluation context follow the record's company
        mine = self._condition(
            self._scoped("('company_id', '=', company_id)", self.fixture | other_contact),
            company_id=other.id,
        )
        self.assertEqual(mine.with_env(both)._condition_search(), other_contact)

    def test_user_record_rules(self):
        group = self.env["res.groups"].create({"name": "Condition test: no hidden contacts"})
        self.env["ir.rule"].create(
            {
                "name": "Condition test: hidden contacts",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "groups": [Command.set(group.ids)],
                "domain_force": "[('name', 'not ilike', 'Hidden')]",
            }
        )
        self.user_customer.groups_id |= group
        condition = self._condition(self._scoped("('city', '=', 'London')"))
        self.assertEqual(condition._condition_count(), 2)
        as_user = condition.with_user(self.user_customer)
        self.assertFalse(as_user.condition_warning)
        self.assertEqual(as_user._condition_count(), 1)
        self.assertEqual(as_user._condition_search(), self.london)

    def test_count_and_search_helpers(self):
        condition = self._condition(self._scoped("('city', 'in', ['London', 'Paris'])"))
        self.assertEqual(condition._condition_count(), 3)
        self.assertEqual(condition._condition_count([("city", "=", "Paris")]), 1)
        self.assertEqual(
            condition._condition_search([("city", "=", "London")], order="id desc"),
            (self.hidden | self.london).sorted("id", reverse=True),
        )
        self.assertEqual(len(condition._condition_search(limit=1)), 1)
