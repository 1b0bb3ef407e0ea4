import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged
from odoo.tools import mute_logger

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


@tagged("post_install", "-at_install")
class TestTimelineConcurrency(CustomerCommon):
    """Two transactions adding the same event: the second neither fails on the
    unique index nor duplicates the row."""

    def _vals(self, partner, res_id):
        return {
            "partner_id": partner.id,
            "company_id": partner.env.company.id,
            "event_type": "mailing",
            "res_model": "res.partner",
            "res_id": res_id,
            "name": "Concurrent mail",
        }

    def test_row_inserted_meanwhile_is_skipped(self):
        """A row written under the ORM's back since the cache was filled."""
        customer = self._customer("Race Customer")
        self.assertFalse(customer.customer_event_ids)
        events = self.env["customer.event"]
        first = events._add_events([self._vals(customer, customer.id)])
        self.env.cr.execute(
            "INSERT INTO customer_event (partner_id, company_id, event_type, res_model, res_id,"
            " date) VALUES (%s, %s, 'mailing', 'res.partner', %s, now() at time zone 'UTC')",
            [customer.id, self.company.id, customer.id + 1],
        )
        again = events._add_events(
            [self._vals(customer, customer.id), self._vals(customer, customer.id + 1)]
        )
        self.assertFalse(again)
        self.assertEqual(len(customer.customer_event_ids), 2)
        self.assertIn(first, customer.customer_event_ids)
        self.assertRecordValues(
            first,
            [
                {
                    "partner_id": customer.id,
                    "company_id": self.company.id,
                    "user_id": self.env.user.id,
                    "create_uid": self.env.user.id,
                    "name": "Concurrent mail",
                    "amount": 0.0,
                }
            ],
        )
        self.assertTrue(first.date and first.create_date)

    def test_two_transactions(self):
        """The second transaction started before the first committed: its
        insert finds the committed row. PostgreSQL reports that as a
        serialization failure at Odoo's isolation level, which Odoo retries
        (never a unique violation, which it shows to the user); the retry
        skips the row."""
        partner_id = self.env.ref("base.res_partner_1").id
        company_id = self.env.ref("base.main_company").id
        res_id = 2_000_000_000 - partner_id
        vals = {
            "partner_id": partner_id,
            "company_id": company_id,
            "event_type": "mailing",
            "res_model": "res.partner",
            "res_id": res_id,
        }

        def events(cr):
            return api.Environment(cr, SUPERUSER_ID, {})["customer.event"]

        try:
            with self.registry.cursor() as cr_1, self.registry.cursor() as cr_2:
                cr_2.execute("SELECT 1")  # the second transaction's snapshot
                self.assertEqual(len(events(cr_1)._add_events([vals])), 1)
                cr_1.commit()
                with mute_logger("odoo.sql_db"):
                    try:
                        created = events(cr_2)._add_events([vals])
                    except psycopg2.errors.SerializationFailure:
                        cr_2.rollback()
                        created = events(cr_2)._add_events([vals])
                self.assertFalse(created)
                cr_2.execute(
                    "SELECT count(*) FROM customer_event WHERE res_id = %s AND event_type ="
                    " 'mailing'",
                    [res_id],
                )
                self.assertEqual(cr_2.fetchone()[0], 1)
                cr_2.rollback()
        finally:
            with self.registry.cursor() as cr:
                cr.execute(
                    "DELETE FROM customer_event WHERE res_model = 'res.partner' AND res_id = %s",
                    [res_id],
                )
