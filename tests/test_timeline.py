from odoo.tests import tagged

from .common import CustomerCommon


@tagged("post_install", "-at_install")
class TestTimeline(CustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_accounting()
        cls.customer = cls._customer("Chen Jing", is_company=True)
        cls.contact = cls._customer("Chen Jing's assistant", parent_id=cls.customer.id)

    def _events(self, event_type=None):
        domain = [("partner_id", "=", self.customer.id)]
        if event_type:
            domain.append(("event_type", "=", event_type))
        return self.env["customer.event"].search(domain)

    def test_order_life_on_timeline(self):
        order = self._order(self.contact, 250, confirm=False)
        order.action_quotation_sent()
        order.action_confirm()
        confirmed = self._events("order_confirmed")
        self.assertRecordValues(
            confirmed,
            [
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "name": order.name,
                    "amount": 250.0,
                    "res_model": "sale.order",
                    "res_id": order.id,
                }
            ],
        )
        self.assertEqual(confirmed.source_ref, order)
        self.assertEqual(len(self._events("quotation_sent")), 1)
        order._action_cancel()
        self.assertEqual(len(self._events("order_cancelled")), 1)
        self.assertEqual(self.customer.customer_event_ids, self._events())
        self.assertEqual(self._events()[0].event_type, "order_cancelled", "newest first")

    def test_one_event_per_cause(self):
        order = self._order(self.customer, 100)
        order.write({"state": "sale"})  # no transition, no event
        vals = order._customer_event_values("order_confirmed")
        created = self.env["customer.event"]._add_events([vals, vals])
        self.assertFalse(created)
        self.assertEqual(len(self._events("order_confirmed")), 1)
        order._action_cancel()
        order.action_draft()
        order.action_confirm()
        self.assertEqual(len(self._events("order_confirmed")), 1, "same order, same cause")

    def test_invoice_paid(self):
        order = self._order(self.contact, 400)
        order.order_line.qty_delivered = 1
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertFalse(self._events("invoice_paid"))
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.assertEqual(invoice.payment_state, invoice._get_invoice_in_payment_state())
        self.assertRecordValues(
            self._events("invoice_paid"),
            [{"name": invoice.name, "amount": invoice.amount_total_signed}],
        )

    def test_timeline_action_of_a_contact(self):
        self._order(self.contact, 100)
        action = self.contact.action_open_customer_timeline()
        events = self.env["customer.event"].search(action["domain"])
        self.assertEqual(events, self._events())
