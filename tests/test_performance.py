from odoo.tests import tagged, users

from .common import CustomerCommon


@tagged("post_install", "-at_install")
class TestListQueries(CustomerCommon):
    """The customer list costs the same number of queries for 10 and 100 rows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        users_ = cls.env["res.users"].create(
            [{"name": f"Seller {i}", "login": f"seller_{i}"} for i in range(5)]
        )
        partners = cls.env["res.partner"].create(
            [
                {
                    "name": f"Customer {i:03d}",
                    "country_id": cls.env.ref("base.cn").id,
                    "city": "Shanghai",
                    "user_id": users_[i % 5].id,
                }
                for i in range(100)
            ]
        )
        cls.env["customer.profile"].sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": cls.company.id,
                    "order_count": i + 1,
                    "revenue": 100.0 * (i + 1),
                    "recency_score": 1 + i % 5,
                    "frequency_score": 1 + i % 5,
                    "monetary_score": 1 + i % 5,
                    "rfm_segment": "loyal",
                    "value_class": "b",
                }
                for i, partner in enumerate(partners)
            ]
        )
        view = cls.env.ref("customer_relationship.customer_profile_view_list")
        arch = cls.env["customer.profile"].get_views([(view.id, "list")])["views"]["list"]
        cls.spec = {
            name: {"fields": {"display_name": {}}} if field["type"] == "many2one" else {}
            for name, field in cls.env["customer.profile"].fields_get().items()
            if f'name="{name}"' in arch["arch"]
        }

    def _read_list(self, limit):
        result = self.env["customer.profile"].web_search_read(
            [("company_id", "=", self.company.id)], self.spec, limit=limit
        )
        self.assertEqual(len(result["records"]), limit)
        return result

    @users("cr_user")
    def test_list_queries_constant(self):
        self.assertIn("rfm_segment", self.spec)
        self.assertIn("partner_id", self.spec)
        self._read_list(10)  # warm up the registry caches
        self.env.invalidate_all()
        with self.assertQueryCount(cr_user=9):
            self._read_list(10)
        self.env.invalidate_all()
        with self.assertQueryCount(cr_user=9):
            self._read_list(100)
