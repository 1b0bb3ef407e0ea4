from odoo.tests import tagged, users

from odoo.addons.customer_relationship.tests import test_performance


@tagged("post_install", "-at_install")
class TestProfileListWithStage(test_performance.TestListQueries):
    """The Customers list with its lifecycle stage column: constant queries."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        profiles = cls.env["customer.profile"].search([("company_id", "=", cls.company.id)])
        stages = cls.env.ref("customer_lifecycle.stage_active") | cls.env.ref(
            "customer_lifecycle.stage_loyal"
        )
        cls.env["customer.lifecycle.state"].sudo().create(
            [
                {
                    "partner_id": profile.partner_id.id,
                    "company_id": cls.company.id,
                    "profile_id": profile.id,
                    "stage_id": stages[index % 2].id,
                }
                for index, profile in enumerate(profiles)
            ]
        )
        view = cls.env.ref("customer_relationship.customer_profile_view_list")
        views = cls.env["customer.profile"].get_views([(view.id, "list")])["views"]
        cls.spec = cls._list_spec(cls.env["customer.profile"], views["list"]["arch"])

    #: the core's list plus the stage column (states and stages: 3 queries)
    LIST_QUERIES = test_performance.TestListQueries.LIST_QUERIES + 3

    @users("cr_user")
    def test_list_shows_stage(self):
        self.assertIn("lifecycle_stage_id", self.spec)
        record = self._read_list(10)["records"][0]
        self.assertIn(record["lifecycle_stage_id"]["display_name"], ("Active", "Loyal"))
