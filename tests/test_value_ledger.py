from unittest.mock import patch

from odoo.tests import tagged

from .common import CustomerCommon


@tagged("post_install", "-at_install")
class TestValueLedger(CustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_accounting()
        cls.goods = cls.env["product.product"].create(
            {"name": "Tea Tin", "type": "consu", "list_price": 50.0, "standard_price": 20.0}
        )
        cls.customer = cls._customer("Sun Li", is_company=True)
        cls.contact = cls._customer("Sun Li's buyer", parent_id=cls.customer.id)
        cls.order = cls._order(cls.contact, 100)  # a service line of 100
        cls.order.order_line = [
            (0, 0, {"product_id": cls.goods.id, "product_uom_qty": 3, "tax_id": False})
        ]
        cls.order.order_line.qty_delivered = 1
        cls.order.order_line.filtered(lambda line: line.product_id == cls.goods).qty_delivered = 3
        cls.invoice = cls.order._create_invoices()
        cls.invoice.action_post()

    def _ledger(self, **filters):
        domain = [("partner_id", "=", self.customer.id)]
        domain += [(field, "=", value) for field, value in filters.items()]
        return self.env["customer.value.line"].search(domain)

    def test_invoice_revenue_and_goods_cost(self):
        self.assertEqual(sum(self._ledger(source="invoice").mapped("revenue")), 250.0)
        self.assertEqual(sum(self._ledger(source="goods_cost").mapped("cost")), 60.0)
        lines = self._ledger(source="invoice")
        self.assertEqual(lines.mapped("res_model"), ["account.move"] * len(lines))
        self.assertEqual(set(lines.mapped("res_id")), {self.invoice.id})

    def test_credit_note_is_negative(self):
        reversal = self.invoice._reverse_moves(cancel=True)
        self.assertEqual(reversal.state, "posted")
        lines = self._ledger(source="invoice") | self._ledger(source="goods_cost")
        self.assertEqual(sum(lines.mapped("revenue")), 0.0)
        self.assertEqual(sum(lines.mapped("cost")), 0.0)

    def test_draft_invoices_do_not_count(self):
        self.invoice.button_draft()
        self.assertFalse(self._ledger(source="invoice"))

    def test_grouped_for_all_customers(self):
        groups = self.env["customer.value.line"]._read_group(
            [("company_id", "=", self.company.id)],
            ["partner_id"],
            ["revenue:sum", "cost:sum", "margin:sum"],
        )
        self.assertIn((self.customer, 250.0, 60.0 + 10.0, 180.0), groups)

    def test_source_added_by_a_module(self):
        """customer_relationship_test_ledger adds a handling fee of 10 per
        confirmed order; installing it rebuilt the view with that source."""
        module = self.env["ir.module.module"].search(
            [("name", "=", "customer_relationship_test_ledger")]
        )
        self.assertEqual(module.state, "installed")
        fee = self._ledger(source="test_handling_fee")
        self.assertRecordValues(
            fee, [{"cost": 10.0, "res_model": "sale.order", "res_id": self.order.id}]
        )

    def test_view_follows_the_loaded_sources(self):
        """A registry loaded without a source (its module uninstalled)
        rebuilds the view without it; with it again, the lines are back."""
        ledger = self.env["customer.value.line"]
        sources = type(ledger)._value_line_sources

        def without_fee(model):
            return [source for source in sources(model) if "test_handling_fee" not in source.code]

        with patch.object(type(ledger), "_value_line_sources", without_fee):
            ledger._register_hook()
            self.assertFalse(self._ledger(source="test_handling_fee"))
            self.assertTrue(self._ledger(source="invoice"))
        ledger._register_hook()
        self.assertEqual(len(self._ledger(source="test_handling_fee")), 1)

    def test_reading_one_customer_uses_indexes(self):
        self.env.flush_all()
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.env.cr.execute(
            "EXPLAIN SELECT * FROM customer_value_line WHERE partner_id = %s",
            [self.customer.id],
        )
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.env.cr.execute("SET LOCAL enable_seqscan = on")
        self.assertNotIn("Seq Scan on account_move_line", plan)
        self.assertNotIn("Seq Scan on sale_order", plan)
        self.assertIn("account_move_line", plan)
