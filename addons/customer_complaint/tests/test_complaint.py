from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import FRIDAY, ComplaintCommon


@tagged("post_install", "-at_install")
class TestComplaintData(ComplaintCommon):
    def test_sla_deadlines_in_working_time_across_a_weekend(self):
        complaint = self._complaint(order=self.order)
        self.assertTrue(complaint.is_complaint)
        self.assertEqual(complaint.complaint_sla_id, self.sla)
        # Friday 15:00 + 4 working hours: 2 on Friday, 2 on Monday
        self.assertEqual(complaint.complaint_response_deadline, datetime(2026, 1, 12, 11, 0))
        # + 16 working hours: 2 on Friday, 8 on Monday, 6 on Tuesday
        self.assertEqual(complaint.complaint_resolution_deadline, datetime(2026, 1, 13, 15, 0))
        # three working hours left (one on Friday, two on Monday): on time
        with freeze_time("2026-01-09 16:00:00"):
            complaint.invalidate_recordset(["complaint_sla_state"])
            self.assertEqual(complaint.complaint_sla_state, "on_time")
        # two left over the weekend: close to the deadline (warning: two hours)
        with freeze_time("2026-01-10 12:00:00"):
            complaint.invalidate_recordset(["complaint_sla_state"])
            self.assertEqual(complaint.complaint_sla_state, "close")
        with freeze_time("2026-01-12 12:00:00"):
            complaint.invalidate_recordset(["complaint_sla_state"])
            self.assertEqual(complaint.complaint_sla_state, "breached")
            self.assertIn(
                complaint,
                self.env["helpdesk.ticket"].search([("complaint_sla_state", "=", "breached")]),
            )
        # a critical complaint gets the critical SLA
        complaint.complaint_severity = "critical"
        self.assertEqual(complaint.complaint_resolution_deadline, datetime(2026, 1, 12, 15, 0))

    def test_a_ticket_of_another_type_is_no_complaint(self):
        ticket = self.env["helpdesk.ticket"].create(
            {"name": "Question", "description": "?", "partner_id": self.customer.id}
        )
        self.assertFalse(ticket.is_complaint)
        self.assertFalse(ticket.complaint_resolution_deadline)
        self.assertFalse(ticket.complaint_escalation_due)

    def test_only_the_customers_own_order_and_its_products(self):
        with self.assertRaises(ValidationError) as caught:
            self._complaint(order=self.other_order)
        self.assertIn("not an order of the complaint's customer", str(caught.exception))
        self.assertFalse(
            self.env["helpdesk.ticket"].search([("complaint_order_id", "=", self.other_order.id)])
        )
        complaint = self._complaint(order=self.order)
        other_product = self.env["product.product"].create({"name": "Green Tea"})
        with self.assertRaises(ValidationError) as caught:
            complaint.complaint_product_ids = [Command.set(other_product.ids)]
        self.assertIn("not in the order concerned", str(caught.exception))
        complaint.complaint_product_ids = [Command.set(self.product.ids)]
        self.assertEqual(complaint.complaint_product_ids, self.product)

    def test_agent_reads_the_products_of_an_order_of_another_salesperson(self):
        """The agent handling the complaint opens its form, with the products
        of the order concerned, though the order is another salesperson's."""
        self.order.user_id = self.manager
        self.assertFalse(self.order.with_user(self.agent).has_access("read"))
        complaint = self._complaint(order=self.order).with_user(self.agent)
        # computed as the agent, not taken from what the creation cached
        self.env.invalidate_all()
        self.assertEqual(complaint.complaint_order_product_ids, self.product)
        data = complaint.web_read(
            {
                "complaint_order_id": {"fields": {"display_name": {}}},
                "complaint_order_product_ids": {},
            }
        )
        self.assertEqual(data[0]["complaint_order_product_ids"], self.product.ids)
        self.assertEqual(data[0]["complaint_order_id"]["display_name"], self.order.name)

    def test_first_response_and_resolution_times(self):
        with freeze_time(FRIDAY):
            complaint = self._complaint(order=self.order)
        with freeze_time("2026-01-12 10:00:00"):
            complaint.stage_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        self.assertEqual(complaint.complaint_first_response_date, datetime(2026, 1, 12, 10, 0))
        self.assertEqual(complaint.complaint_response_hours, 3.0)
        with freeze_time("2026-01-13 16:00:00"):
            complaint.stage_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        self.assertEqual(complaint.complaint_resolution_hours, 17.0)
        self.assertFalse(complaint.complaint_sla_met)
        self.assertEqual(complaint.complaint_sla_rate, 0)
        self.assertEqual(complaint.complaint_sla_state, "breached")
        self.assertFalse(complaint.complaint_escalation_due)


@tagged("post_install", "-at_install")
class TestEscalation(ComplaintCommon):
    def _escalations(self, complaint):
        return self.env["customer.complaint.escalation"].search(
            [("ticket_id", "=", complaint.id)], order="level"
        )

    def test_levels_once_each_after_their_time(self):
        complaint = self._complaint(order=self.order)
        # level 1: 4 working hours before the resolution deadline (Tuesday 15:00)
        self.assertEqual(complaint.complaint_escalation_due, datetime(2026, 1, 13, 11, 0))
        Ticket = self.env["helpdesk.ticket"]
        with freeze_time("2026-01-13 10:59:00"):
            self.assertEqual(Ticket._cron_escalate_complaints(), 0)
        with freeze_time("2026-01-13 12:00:00"):
            self.assertEqual(Ticket._cron_escalate_complaints(), 1)
            self.assertEqual(Ticket._cron_escalate_complaints(), 0)
        level_one = self._escalations(complaint)
        self.assertEqual(level_one.mapped("level"), [1])
        self.assertEqual(level_one.user_ids, self.leader)
        self.assertEqual(complaint.complaint_escalation_level, 1)
        self.assertEqual(complaint.complaint_escalation_due, datetime(2026, 1, 13, 15, 0))
        activities = complaint.activity_ids
        self.assertEqual(activities.user_id, self.leader)
        self.assertIn("level 1", complaint.message_ids[0].body)
        events = self.env["customer.event"].search(
            [("partner_id", "=", self.customer.id), ("event_type", "=", "complaint_escalated")]
        )
        self.assertEqual(len(events), 1)
        # two days later: levels 2 and 3 are both due, each reached once
        with freeze_time("2026-01-15 12:00:00"):
            self.assertEqual(Ticket._cron_escalate_complaints(), 2)
            self.assertEqual(Ticket._cron_escalate_complaints(), 0)
            self.assertEqual(complaint._escalate_complaints(), 0)
        self.assertEqual(self._escalations(complaint).mapped("level"), [1, 2, 3])
        self.assertIn(self.manager, self._escalations(complaint)[1].user_ids)
        self.assertEqual(complaint.complaint_escalation_level, 3)
        self.assertFalse(complaint.complaint_escalation_due)

    def test_resumes_after_a_failure(self):
        first = self._complaint(order=self.order)
        second = self._complaint(partner=self.other_customer, order=self.other_order)
        Ticket = self.env["helpdesk.ticket"]
        lock_due = Ticket._complaint_lock_due
        calls = []

        def crash_on_second_batch(self, limit, now=None):
            calls.append(limit)
            if len(calls) == 2:
                raise RuntimeError("worker killed")
            return lock_due(limit, now=now)

        with freeze_time("2026-01-13 12:00:00"):
            with (
                patch.object(type(Ticket), "_complaint_lock_due", crash_on_second_batch),
                self.assertRaisesRegex(RuntimeError, "worker killed"),
            ):
                Ticket._cron_escalate_complaints(batch_size=1)
            escalated = self._escalations(first) | self._escalations(second)
            self.assertEqual(len(escalated), 1)
            # the next run escalates the other complaint only
            self.assertEqual(Ticket._cron_escalate_complaints(batch_size=1), 1)
        self.assertEqual(self._escalations(first).mapped("level"), [1])
        self.assertEqual(self._escalations(second).mapped("level"), [1])

    def test_closed_complaints_are_not_escalated(self):
        complaint = self._complaint(order=self.order)
        complaint.stage_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        self.assertFalse(complaint.complaint_escalation_due)
        with freeze_time("2026-01-20 12:00:00"):
            self.assertEqual(self.env["helpdesk.ticket"]._cron_escalate_complaints(), 0)


@tagged("post_install", "-at_install")
class TestCompensation(ComplaintCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.complaint_approval_threshold = 100

    def _compensation(self, complaint, kind, amount, user=None):
        return (
            self.env["customer.complaint.compensation"]
            .with_user(user or self.agent)
            .create({"ticket_id": complaint.id, "compensation_type": kind, "amount": amount})
        )

    def test_goodwill_below_threshold_is_granted_and_costs(self):
        complaint = self._complaint(order=self.order)
        compensation = self._compensation(complaint, "goodwill", 40)
        compensation.action_submit()
        self.assertEqual(compensation.state, "done")
        self.assertEqual(compensation.cost, 40)
        self.assertEqual(complaint.complaint_compensation_cost, 40)
        ledger = self.env["customer.value.line"].search(
            [("partner_id", "=", self.customer.id), ("source", "=", "complaint_compensation")]
        )
        self.assertEqual(ledger.mapped("cost"), [40])
        self.assertEqual(ledger.res_id, compensation.id)

    def test_above_threshold_needs_a_manager(self):
        complaint = self._complaint(order=self.order)
        compensation = self._compensation(complaint, "goodwill", 150)
        compensation.action_submit()
        self.assertEqual(compensation.state, "to_approve")
        self.assertTrue(compensation.activity_ids)
        with self.assertRaises(AccessError):
            compensation.with_user(self.agent).action_approve()
        with self.assertRaises(UserError) as caught:
            compensation.with_user(self.manager).action_refuse("  ")
        self.assertIn("reason", str(caught.exception))
        compensation.with_user(self.manager).action_approve()
        self.assertEqual(compensation.state, "done")
        self.assertEqual(compensation.approver_id, self.manager)
        self.assertFalse(compensation.activity_ids)
        with self.assertRaises(AccessError):
            compensation.with_user(self.agent).write({"state": "draft"})

    def test_refused_with_a_reason(self):
        complaint = self._complaint(order=self.order)
        compensation = self._compensation(complaint, "goodwill", 150)
        compensation.action_submit()
        wizard = (
            self.env["customer.complaint.compensation.refuse"]
            .with_user(self.manager)
            .create({"compensation_id": compensation.id, "reason": "Not our fault"})
        )
        wizard.action_refuse()
        self.assertEqual(compensation.state, "refused")
        self.assertEqual(compensation.refuse_reason, "Not our fault")
        self.assertFalse(
            self.env["customer.value.line"].search(
                [("res_model", "=", compensation._name), ("res_id", "=", compensation.id)]
            )
        )

    def test_negative_compensation_refused(self):
        complaint = self._complaint(order=self.order)
        with self.assertRaises(ValidationError) as caught:
            self._compensation(complaint, "goodwill", -5)
        self.assertIn("cannot be negative", str(caught.exception))
        self.assertFalse(complaint.complaint_compensation_ids)

    def test_refund_is_a_draft_credit_note_on_the_invoice(self):
        self._setup_accounting()
        order = self._order(self.customer, 500)
        invoice = order._create_invoices()
        invoice.action_post()
        complaint = self._complaint(order=order)
        compensation = self._compensation(complaint, "refund", 80)
        compensation.action_submit()
        credit_note = compensation.move_id
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.state, "draft")
        self.assertEqual(credit_note.reversed_entry_id, invoice)
        self.assertEqual(credit_note.amount_untaxed, 80)
        self.assertEqual(compensation.cost, 80)

    def test_refund_without_invoice_refused(self):
        complaint = self._complaint(order=self.order)
        compensation = self._compensation(complaint, "refund", 80)
        with self.assertRaises(UserError) as caught:
            compensation.action_submit()
        self.assertIn("posted invoice", str(caught.exception))
        self.assertEqual(compensation.state, "draft")

    def test_replacement_is_a_free_order_costing_the_goods(self):
        self.product.standard_price = 30
        complaint = self._complaint(order=self.order)
        complaint.complaint_product_ids = [Command.set(self.product.ids)]
        compensation = self._compensation(complaint, "replacement", 0)
        compensation.action_submit()
        replacement = compensation.order_id
        self.assertEqual(replacement.partner_id, self.customer)
        self.assertEqual(replacement.amount_total, 0)
        self.assertEqual(replacement.order_line.product_id, self.product)
        self.assertEqual(compensation.cost, 30)
