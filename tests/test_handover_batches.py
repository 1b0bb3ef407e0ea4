"""Large handovers: queued by the wizard, applied in batches by the work
unit ``customer.handover._apply_next_batch`` (from the cron or a job), and a
query count that does not grow with the number of customers."""

import datetime
from unittest.mock import patch

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from .test_handover import HandoverCommon

DEFER_THRESHOLD_PARAM = "customer_relationship.handover_defer_threshold"
BATCH_SIZE_PARAM = "customer_relationship.handover_batch_size"


@tagged("post_install", "-at_install")
class TestHandoverBatches(HandoverCommon):
    def _queue(self, successors=None):
        """Confirm a handover of the leaver's four customers, above a
        deferral threshold of 2, in batches of 2; return it with the calls
        of ``customer.work._defer`` made meanwhile."""
        params = self.env["ir.config_parameter"]
        params.set_param(DEFER_THRESHOLD_PARAM, "2")
        params.set_param(BATCH_SIZE_PARAM, "2")
        work = type(self.env["customer.work"])
        with patch.object(work, "_defer", autospec=True) as defer:
            self._wizard(successors or self.succ_a).action_confirm()
        return self._handovers(), defer

    def _moved(self):
        return self.customers.filtered(lambda customer: customer.user_id != self.leaver)

    def _handover_notes(self):
        return self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "in", self.customers.ids),
                ("body", "ilike", "Customer handed over from"),
            ]
        )

    def test_large_handover_is_queued(self):
        before = self._snapshot()
        handover, defer = self._queue()
        self.assertRecordValues(
            handover,
            [
                {
                    "state": "queued",
                    "customer_count": 4,
                    "opportunity_count": 2,
                    "quotation_count": 2,
                    "activity_count": 4,
                }
            ],
        )
        self.assertEqual(set(handover.line_ids.mapped("state")), {"pending"})
        self.assertEqual(self._snapshot(), before, "nothing moves in the request")
        defer.assert_called_once()
        _work, records, method, args = defer.call_args.args
        self.assertEqual((records, method, args), (handover, "_apply_next_batch", ()))
        self.assertEqual(
            {key: defer.call_args.kwargs[key] for key in ("cron", "channel", "key")},
            {
                "cron": "customer_relationship.ir_cron_customer_handover",
                "channel": "handover",
                "key": f"customer.handover:{handover.id}",
            },
        )
        self.assertIn(handover.name, defer.call_args.kwargs["description"])

    def test_batches_from_a_job(self):
        handover, _defer = self._queue(self.succ_a | self.succ_b)
        work = type(self.env["customer.work"])
        with patch.object(work, "_defer", autospec=True) as defer:
            self.assertTrue(handover._apply_next_batch())
        defer.assert_called_once()
        self.assertEqual(defer.call_args.args[1:3], (handover, "_apply_next_batch"))
        lines = handover.line_ids.sorted("id")
        self.assertEqual(lines.mapped("state"), ["done", "done", "pending", "pending"])
        self.assertEqual(self._moved(), lines[:2].partner_id)
        noted = self.env["res.partner"].browse(self._handover_notes().mapped("res_id"))
        self.assertEqual(noted, lines[:2].partner_id)
        self.assertEqual(handover.state, "queued")

        with patch.object(work, "_defer", autospec=True) as defer:
            self.assertFalse(handover._apply_next_batch())
            self.assertFalse(handover._apply_next_batch(), "a second call does nothing")
        defer.assert_not_called()
        self.assertEqual(handover.state, "done")
        self.assertEqual(set(lines.mapped("state")), {"done"})
        self.assertEqual(self._moved(), self.customers)
        for line in lines:
            self.assertEqual(line.partner_id.user_id, line.to_user_id)
        successor_c1 = self.c1.user_id
        for record in self.moved_with_c1:
            self.assertEqual(record.user_id, successor_c1, "follows its customer")
        self._assert_untouched()
        self.assertEqual(len(self._handover_notes()), 4, "one note per customer")
        events = self.env["customer.event"].search(
            [("res_model", "=", "customer.handover"), ("res_id", "=", handover.id)]
        )
        self.assertEqual(events.partner_id, self.customers)
        self.assertEqual(events.user_id, self.user_manager)
        self.assertRecordValues(
            handover,
            [{"opportunity_count": 2, "quotation_count": 2, "activity_count": 4}],
        )

    def test_cron_applies_queued_handovers(self):
        handover, _defer = self._queue()
        work = type(self.env["customer.work"])
        with patch.object(work, "_defer", autospec=True) as defer:
            self.env["customer.handover"]._cron_apply_handovers()
        defer.assert_not_called()
        self.assertEqual(handover.state, "done")
        self.assertEqual(self.customers.user_id, self.succ_a)
        self._assert_untouched()

    def test_work_moved_meanwhile_is_not_moved_twice(self):
        """What the leaver no longer holds when the batch runs stays put,
        and the lines count what really moved."""
        handover, _defer = self._queue()
        self.quote_sent.user_id = self.other_rep
        self.env["customer.handover"]._cron_apply_handovers()
        self.assertEqual(self.quote_sent.user_id, self.other_rep)
        self.assertEqual(handover.quotation_count, 1)
        self.assertEqual(self.customers.user_id, self.succ_a)


@tagged("post_install", "-at_install")
class TestHandoverQueries(HandoverCommon):
    """The queries of a handover applied at once: the same for 5 and for 50
    customers, chatter and tracking on (each customer with a contact, an
    opportunity, a quotation and activities)."""

    def _leaver_with_customers(self, count):
        leaver = new_test_user(
            self.env,
            login=f"ho_count_{count}",
            groups="base.group_user,sales_team.group_sale_salesman",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        customers = self.env["res.partner"].create(
            [
                {
                    "name": f"Count {count} customer {index}",
                    "is_company": True,
                    "user_id": leaver.id,
                }
                for index in range(count)
            ]
        )
        contacts = self.env["res.partner"].create(
            [
                {
                    "name": f"Buyer of {customer.name}",
                    "parent_id": customer.id,
                    "user_id": leaver.id,
                }
                for customer in customers
            ]
        )
        leads = self.env["crm.lead"].create(
            [
                {
                    "name": f"Deal of {customer.name}",
                    "type": "opportunity",
                    "partner_id": customer.id,
                    "user_id": leaver.id,
                    "company_id": self.company.id,
                }
                for customer in customers
            ]
        )
        orders = self._orders([(contact, 100, 0) for contact in contacts], confirm=False)
        orders.user_id = leaver
        todo = self.env.ref("mail.mail_activity_data_todo")
        self.env["mail.activity"].create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id(record._name),
                    "res_id": record.id,
                    "activity_type_id": todo.id,
                    "user_id": leaver.id,
                    "summary": "Follow up",
                    # due (in UTC, as mail.activity compares it when the
                    # assignee changes) whatever the user's time zone
                    "date_deadline": fields.Date.today() - datetime.timedelta(days=1),
                }
                for record in [*customers, *leads, *orders]
            ]
        )
        return leaver, customers

    def _confirm(self, count):
        leaver, customers = self._leaver_with_customers(count)
        wizard = (
            self.env["customer.handover.wizard"]
            .with_user(self.user_manager)
            .with_context(tracking_disable=False)
            .create(
                {
                    "user_id": leaver.id,
                    "successor_ids": [Command.set((self.succ_a | self.succ_b).ids)],
                }
            )
        )
        wizard.action_preview()
        self.env.invalidate_all()
        return wizard, customers

    def test_queries_do_not_grow_with_customers(self):
        wizard, _customers = self._confirm(2)
        wizard.action_confirm()  # warm the caches
        # one search more for each kind of record plugins move with the
        # customers (a plugin's key of ``customer.handover._collect``)
        moves = self.env["customer.handover"]._collect(
            self.env["res.users"], self.env.company, self.env["res.partner"]
        )
        budget = 142 + len(set(moves) - {"contacts", "leads", "orders", "activities"})
        for count in (5, 50):
            with self.subTest(customers=count):
                wizard, customers = self._confirm(count)
                with self.assertExactQueryCount(budget):
                    wizard.action_confirm()
                self.assertEqual(set(customers.mapped("user_id")), set(self.succ_a | self.succ_b))
                handover = self.env["customer.handover"].search(
                    [("user_id", "=", wizard.user_id.id)]
                )
                self.assertRecordValues(
                    handover,
                    [
                        {
                            "state": "done",
                            "customer_count": count,
                            "opportunity_count": count,
                            "quotation_count": count,
                            "activity_count": 3 * count,
                        }
                    ],
                )
                lead = self.env["crm.lead"].search([("partner_id", "=", customers[0].id)])
                tracked = lead.message_ids.tracking_value_ids.filtered(
                    lambda value: value.field_id.name == "user_id"
                )
                self.assertEqual(tracked.new_value_integer, customers[0].user_id.id)
                self.assertIn(customers[0].user_id.partner_id, lead.message_partner_ids)
