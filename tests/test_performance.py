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
        # the core's own list (plugins installed in the same database add
        # columns of their own, with their own query tests)
        arch = cls.env.ref("customer_relationship.customer_profile_view_list").arch
        cls.spec = cls._list_spec(cls.env["customer.profile"], arch)

    @staticmethod
    def _list_spec(model, arch):
        """The fields a list view of ``arch`` reads, as web_search_read takes them."""
        return {
            name: {"fields": {"display_name": {}}} if field["type"] == "many2one" else {}
            for name, field in model.fields_get().items()
            if f'name="{name}"' in arch
        }

    def _read_list(self, limit):
        result = self.env["customer.profile"].web_search_read(
            [("company_id", "=", self.company.id)], self.spec, limit=limit
        )
        self.assertEqual(len(result["records"]), limit)
        return result

    def _list_queries(self, limit):
        """Exact number of queries of reading ``limit`` rows of the list, cold cache."""
        self.env.invalidate_all()
        self.env.flush_all()
        before = self.cr.sql_log_count
        self._read_list(limit)
        return self.cr.sql_log_count - before

    #: queries of the core's list, whatever the number of rows
    LIST_QUERIES = 8

    @users("cr_user")
    def test_list_queries_constant(self):
        self.assertIn("rfm_segment", self.spec)
        self.assertIn("partner_id", self.spec)
        self._read_list(10)  # warm up the registry caches
        self.assertEqual(self._list_queries(10), self.LIST_QUERIES)
        self.assertEqual(self._list_queries(100), self.LIST_QUERIES)
