from odoo.exceptions import AccessError
from odoo.tests import tagged, users

from .common import CustomerCommon


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
