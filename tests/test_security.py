from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged, users

from ..models.res_partner import PROFILE_FIELDS
from .common import CustomerCommon

USER = "customer_relationship.group_customer_user"
MANAGER = "customer_relationship.group_customer_manager"


@tagged("post_install", "-at_install")
class TestSecurity(CustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Zhang Min")
        cls._order(cls.customer, 100, days_ago=3)
        cls.scoring_run = cls.env["customer.profile"]._recompute_all(cls.company)

    @users("cr_plain")
    def test_without_group_no_profiles(self):
        with self.assertRaises(AccessError):
            self.env["customer.profile"].search([])
        with self.assertRaises(AccessError):
            self.env["customer.scoring.run"].search([])

    @users("cr_user")
    def test_user_reads_profiles_not_runs(self):
        profile = self.env["customer.profile"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(profile.revenue, 100.0)
        with self.assertRaises(AccessError):
            profile.write({"revenue": 1})
        with self.assertRaises(AccessError):
            self.env["customer.scoring.run"].browse(self.scoring_run.id).read(["bounds"])
        with self.assertRaises(AccessError):
            self.env["customer.profile"].action_recompute_all()

    @users("cr_manager")
    def test_manager_reads_runs_and_recomputes(self):
        runs = self.env["customer.scoring.run"].search([("company_id", "=", self.company.id)])
        self.assertIn(self.scoring_run.id, runs.ids)
        self.env["customer.profile"].action_recompute_all()
        self.assertEqual(
            self.env["customer.scoring.run"].search_count([("company_id", "=", self.company.id)]),
            2,
        )


# What each role reads: True where the fields can be read, False where
# reading them raises AccessError. See README.md, "Access rights by role".
PROFILE_REVENUE = ["revenue", "average_order_value", "window_revenue", "lifetime_value"]
PARTNER_FACTS = [*PROFILE_FIELDS, "customer_profile_id"]
LEDGER_REVENUE = ["revenue"]
LEDGER_COST = ["cost", "margin"]

MATRIX = {
    # role: (profile revenue, partner facts, ledger revenue, ledger cost and margin)
    "portal": (False, False, False, False),
    "internal": (False, False, False, False),
    "sales_and_accounting": (False, False, False, False),
    "customer_user": (True, True, True, False),
    "customer_user_accounting_read": (True, True, True, True),
    "customer_user_invoicing": (True, True, True, True),
    "customer_manager": (True, True, True, False),
}


@tagged("post_install", "-at_install")
class TestRightsByRole(CustomerCommon):
    """Revenue, cost and margin as each role reads them over read/search_read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_accounting()
        goods = cls.env["product.product"].create(
            {"name": "Role Tea Tin", "type": "consu", "list_price": 50.0, "standard_price": 20.0}
        )
        cls.customer = cls._customer("Role Customer", is_company=True)
        order = cls._order(cls.customer, 100)
        order.order_line = [
            Command.create({"product_id": goods.id, "product_uom_qty": 2, "tax_id": False})
        ]
        order.order_line.qty_delivered = 2
        order._create_invoices().action_post()
        cls._full_run(cls)
        cls.users = {
            "portal": new_test_user(
                cls.env,
                login="cr_role_portal",
                groups="base.group_portal",
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
            ),
            "internal": cls.user_plain,
            "sales_and_accounting": cls._user(
                "cr_role_sales",
                "sales_team.group_sale_salesman_all_leads",
                "account.group_account_user",
            ),
            "customer_user": cls.user_customer,
            "customer_user_accounting_read": cls._user(
                "cr_role_accounting_read", USER, "account.group_account_readonly"
            ),
            "customer_user_invoicing": cls._user(
                "cr_role_invoicing", USER, "account.group_account_invoice"
            ),
            "customer_manager": cls.user_manager,
        }

    def _readable(self, user, model, domain, field_names, record=None):
        """Whether ``user`` reads ``field_names`` both ways; the two ways must agree."""
        env = self.env(user=user)
        results = []
        for read in (
            lambda: env[model].search_read(domain, field_names),
            lambda: env[model].browse(record.id).read(field_names),
        ):
            try:
                rows = read()
            except AccessError:
                results.append(False)
            else:
                self.assertTrue(rows, f"{model} {field_names}: nothing read")
                results.append(True)
            env.invalidate_all()
        self.assertEqual(results[0], results[1], f"{model} {field_names}: read and search_read")
        return results[0]

    def test_matrix(self):
        profile = self._profile(self.customer)
        ledger = self.env["customer.value.line"].search(
            [("partner_id", "=", self.customer.id), ("source", "=", "goods_cost")], limit=1
        )
        self.assertTrue(profile and ledger)
        self.env.flush_all()
        for role, expected in MATRIX.items():
            user = self.users[role]
            # the portal user reads its own contact, the others the customer
            partner = user.partner_id if role == "portal" else self.customer
            cells = (
                ("customer.profile", [("id", "=", profile.id)], PROFILE_REVENUE, profile),
                ("res.partner", [("id", "=", partner.id)], PARTNER_FACTS, partner),
                ("customer.value.line", [("id", "=", ledger.id)], LEDGER_REVENUE, ledger),
                ("customer.value.line", [("id", "=", ledger.id)], LEDGER_COST, ledger),
            )
            for (model, domain, field_names, record), readable in zip(cells, expected, strict=True):
                for field_name in field_names:
                    with self.subTest(role=role, model=model, field=field_name):
                        self.assertEqual(
                            self._readable(user, model, domain, [field_name], record), readable
                        )

    def test_user_group_implies_own_documents_sales_rights(self):
        user = self.user_customer
        self.assertTrue(user.has_group("sales_team.group_sale_salesman"))
        self.assertFalse(user.has_group("sales_team.group_sale_salesman_all_leads"))
        self.assertFalse(user.has_group("account.group_account_readonly"))

    def test_ledger_other_fields_without_accounting(self):
        ledger = self.env(user=self.user_customer)["customer.value.line"]
        rows = ledger.search_read(
            [("partner_id", "=", self.customer.id)], ["date", "source", "revenue"]
        )
        self.assertEqual(sum(row["revenue"] for row in rows), 200.0)
        with self.assertRaises(AccessError):
            ledger.read_group(
                [("partner_id", "=", self.customer.id)], ["margin:sum"], ["partner_id"]
            )

    def test_views_load_for_every_role(self):
        views = {
            "customer.profile": ["list", "form", "kanban", "pivot", "graph", "search"],
            "customer.value.line": ["list", "pivot", "graph", "search"],
            "res.partner": ["list", "form", "kanban", "search"],
        }
        for role, user in self.users.items():
            if role == "portal":
                continue
            env = self.env(user=user)
            for model, view_types in views.items():
                with self.subTest(role=role, model=model):
                    try:
                        env[model].check_access("read")
                    except AccessError:
                        continue
                    result = env[model].get_views([(False, view) for view in view_types])
                    arch = "".join(view["arch"] for view in result["views"].values())
                    if model == "customer.value.line":
                        self.assertEqual(
                            'name="margin"' in arch, MATRIX[role][3], "margin in the views"
                        )


@tagged("post_install", "-at_install")
class TestAppendOnlyRecords(CustomerCommon):
    """Scoring runs, timeline rows and ledger lines are history."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Audit Customer")
        cls._order(cls.customer, 100)
        cls.scoring_run = cls._full_run(cls)
        cls.event = cls.env["customer.event"].search([("partner_id", "=", cls.customer.id)])
        cls.user_system = cls._user("cr_system", MANAGER, "base.group_system")

    def test_manager_cannot_change_history(self):
        for record in (self.scoring_run, self.event):
            mine = record.with_user(self.user_manager)
            with self.subTest(record._name), self.assertRaises(AccessError):
                mine.unlink()
            with self.subTest(record._name), self.assertRaises(AccessError):
                mine.write({"company_id": self.company.id})
        self.assertTrue(self.scoring_run.exists() and self.event.exists())

    def test_rights_granted_by_mistake_do_not_open_history(self):
        """An access rule giving managers write and unlink (a customisation
        or an imported CSV) still meets the server's check."""
        for model in ("customer.scoring.run", "customer.event"):
            self.env["ir.model.access"].create(
                {
                    "name": f"{model} too wide",
                    "model_id": self.env["ir.model"]._get_id(model),
                    "group_id": self.env.ref(MANAGER).id,
                    "perm_read": True,
                    "perm_write": True,
                    "perm_unlink": True,
                }
            )
        for record in (self.scoring_run, self.event):
            mine = record.with_user(self.user_manager)
            with self.subTest(record._name), self.assertRaisesRegex(AccessError, "administrator"):
                mine.unlink()
            with self.subTest(record._name), self.assertRaisesRegex(AccessError, "administrator"):
                mine.write({"company_id": self.company.id})

    def test_system_administrator_repairs(self):
        event = self.event.with_user(self.user_system)
        event.write({"name": "Repaired"})
        self.assertEqual(self.event.name, "Repaired")
        self.scoring_run.with_user(self.user_system).unlink()
        self.assertFalse(self.scoring_run.exists())

    def test_ledger_is_read_only_for_everyone(self):
        self._setup_accounting()
        order = self._order(self.customer, 80)
        order.order_line.qty_delivered = 1
        order._create_invoices().action_post()
        line = self.env["customer.value.line"].search([("partner_id", "=", self.customer.id)])
        self.assertTrue(line)
        for user in (self.user_manager, self.user_system):
            with self.subTest(user.login), self.assertRaises(AccessError):
                line.with_user(user).write({"revenue": 1})
            with self.subTest(user.login), self.assertRaises(AccessError):
                line.with_user(user).unlink()

    def test_code_paths_still_append(self):
        """Runs and timeline rows are added for users without any right on them."""
        order = self._order(self.customer, 60, confirm=False)
        order.user_id = self.user_customer
        self.env(user=self.user_customer)["sale.order"].browse(order.id).action_confirm()
        self.assertEqual(
            self.env["customer.event"].search_count(
                [("res_model", "=", "sale.order"), ("res_id", "=", order.id)]
            ),
            1,
        )
        runs = self.env(user=self.user_manager)["customer.profile"].action_recompute_all()
        self.assertTrue(runs)
        self.assertEqual(
            self.env["customer.scoring.run"].search_count([("company_id", "=", self.company.id)]),
            2,
        )

    def test_refusal_in_user_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["customer_relationship"], ["zh_CN"])
        self.user_manager.lang = "zh_CN"
        with self.assertRaisesRegex(AccessError, "只有系统管理员可以修改或删除"):
            self.event.with_user(self.user_manager).with_context(lang="zh_CN").unlink()
