"""Segment mailings over RPC: what users, managers and administrators may do.

Every public method is an endpoint: these tests call them the way a client
does (``execute_kw`` as the user), not through the buttons of the views.
"""

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import execute_kw
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CustomerCommon


class SegmentMailingCommon(CustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_customer.email = "cr_user@example.com"
        cls.user_admin_group = cls._user("cr_system", "base.group_system")
        cls.tag = cls.env["res.partner.category"].create({"name": "Mailing Rights"})
        tagged_vals = {"category_id": [Command.set(cls.tag.ids)]}
        cls.wang = cls._customer("王伟", email="wang.wei@example.com", **tagged_vals)
        cls.li = cls._customer("李娜", email="li.na@example.com", **tagged_vals)
        cls.outsider = cls._customer("Outsider", email="outsider@example.com")
        cls.segment = cls.env["customer.segment"].create(
            {"name": "Rights segment", "domain": f"[('category_id', 'in', {cls.tag.ids})]"}
        )
        cls.template = cls.env.ref("customer_relationship.mail_template_customer_segment")

    def setUp(self):
        super().setUp()
        # cursors opened by RPC calls and crons share the test's transaction
        self.registry.enter_test_mode(self.cr)
        self.addCleanup(self.registry.leave_test_mode)

    def _rpc(self, user, model, method, *args, **kwargs):
        """Call ``method`` as ``user`` the way a client does, then forget the
        cache of the test's environment."""
        try:
            return execute_kw(self.env.cr.dbname, user.id, model, method, list(args), kwargs)
        finally:
            self.env.invalidate_all()

    def _start(self, user=None, template=None):
        """A mailing started from the wizard by ``user``; its id."""
        user = user or self.user_customer
        wizard_id = self._rpc(
            user,
            "customer.segment.mail.wizard",
            "create",
            {"segment_id": self.segment.id, "template_id": (template or self.template).id},
        )
        self._rpc(user, "customer.segment.mail.wizard", "action_send", [wizard_id])
        return self.env["customer.segment.mailing"].search(
            [("segment_id", "=", self.segment.id)], limit=1
        )

    def _mailing(self, **vals):
        """A mailing made by the system, without recipients."""
        return self.env["customer.segment.mailing"].create(
            {
                "name": "Rights",
                "segment_id": self.segment.id,
                "template_id": self.template.id,
                "user_id": self.user_customer.id,
                **vals,
            }
        )

    def _line(self, mailing, partner, **vals):
        return self.env["customer.segment.mailing.line"].create(
            {"mailing_id": mailing.id, "partner_id": partner.id, **vals}
        )


@tagged("post_install", "-at_install")
class TestSegmentMailingRights(SegmentMailingCommon):
    # ------------------------------------------------------------------
    # Mailings and their lines: made by the server only
    # ------------------------------------------------------------------
    def test_user_cannot_create_mailing(self):
        with self.assertRaises(AccessError), mute_logger("odoo.service.model"):
            self._rpc(
                self.user_customer,
                "customer.segment.mailing",
                "create",
                {
                    "name": "Forged",
                    "segment_id": self.segment.id,
                    "template_id": self.template.id,
                    "user_id": self.user_manager.id,
                },
            )

    def test_user_cannot_add_lines(self):
        mailing = self._start()
        for partner in (self.outsider, self.wang):
            with self.assertRaises(AccessError), mute_logger("odoo.service.model"):
                self._rpc(
                    self.user_customer,
                    "customer.segment.mailing.line",
                    "create",
                    {"mailing_id": mailing.id, "partner_id": partner.id, "state": "pending"},
                )
        self.assertNotIn(self.outsider, mailing.line_ids.partner_id)

    def test_user_cannot_reset_mailing_or_lines(self):
        mailing = self._start()
        mailing._send()
        self.assertEqual(mailing.state, "done")
        with self.assertRaises(AccessError), mute_logger("odoo.service.model"):
            self._rpc(
                self.user_customer,
                "customer.segment.mailing",
                "write",
                mailing.ids,
                {"state": "draft", "user_id": self.user_manager.id},
            )
        with self.assertRaises(AccessError), mute_logger("odoo.service.model"):
            self._rpc(
                self.user_customer,
                "customer.segment.mailing.line",
                "write",
                mailing.line_ids.ids,
                {"state": "pending"},
            )
        with self.assertRaises(AccessError), mute_logger("odoo.service.model"):
            self._rpc(self.user_customer, "customer.segment.mailing", "unlink", mailing.ids)
        self.assertRecordValues(mailing, [{"state": "done", "user_id": self.user_customer.id}])
        self.assertEqual(set(mailing.line_ids.mapped("state")), {"sent"})

    def test_user_reads_mailings(self):
        mailing = self._start()
        read = self._rpc(
            self.user_customer,
            "customer.segment.mailing",
            "read",
            mailing.ids,
            ["state", "pending_count"],
        )
        self.assertEqual(read[0]["pending_count"], 2)
        lines = self._rpc(
            self.user_customer,
            "customer.segment.mailing.line",
            "search_read",
            [("mailing_id", "=", mailing.id)],
            ["partner_id", "state"],
        )
        self.assertEqual(len(lines), 2)

    def test_lines_are_append_only_for_managers(self):
        mailing = self._start()
        mailing._send()
        line = mailing.line_ids[0]
        calls = [
            ("write", [line.ids, {"state": "pending"}]),
            ("write", [line.ids, {"message_id": False}]),
            ("unlink", [line.ids]),
            ("create", [{"mailing_id": mailing.id, "partner_id": self.outsider.id}]),
        ]
        for method, args in calls:
            with (
                self.subTest(method=method),
                self.assertRaises(AccessError),
                mute_logger("odoo.service.model"),
            ):
                self._rpc(self.user_manager, "customer.segment.mailing.line", method, *args)
        with self.assertRaises(AccessError), mute_logger("odoo.service.model"):
            self._rpc(
                self.user_manager,
                "customer.segment.mailing",
                "write",
                mailing.ids,
                {"state": "draft"},
            )
        self.assertEqual(line.state, "sent")

    def test_system_administrator_may_correct_lines(self):
        mailing = self._start()
        mailing._send()
        line = mailing.line_ids[0]
        self._rpc(self.user_admin_group, "customer.segment.mailing.line", "unlink", line.ids)
        self.assertFalse(line.exists())

    @mute_logger("odoo.sql_db")
    def test_skipped_line_has_its_reason(self):
        mailing = self._mailing()
        with self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self._line(mailing, self.wang, state="skipped", skip_reason=False)
            self.env.flush_all()
        self._line(mailing, self.li, state="skipped", skip_reason="no_email")
        self.env.flush_all()

    # ------------------------------------------------------------------
    # Sending the remaining lines: managers only
    # ------------------------------------------------------------------
    def test_send_remaining_is_for_managers(self):
        mailing = self._start()
        with self.assertRaises(AccessError), mute_logger("odoo.service.model"):
            self._rpc(self.user_customer, "customer.segment.mailing", "action_send", mailing.ids)
        self.assertEqual(mailing.sent_count, 0)
        self._rpc(self.user_manager, "customer.segment.mailing", "action_send", mailing.ids)
        mailing._send()
        self.assertEqual(mailing.sent_count, 2)
        with self.assertRaises(UserError), mute_logger("odoo.service.model"):
            self._rpc(self.user_manager, "customer.segment.mailing", "action_send", mailing.ids)

    # ------------------------------------------------------------------
    # Each line checked again when it is sent
    # ------------------------------------------------------------------
    def test_lines_checked_again_at_send(self):
        """Lines whose contact left the segment, belongs to another company or
        was blacklisted since are skipped with the reason, not sent."""
        other_company = self.env["res.company"].create({"name": "Other Mailing Co"})
        foreign = self._customer(
            "Foreign", email="foreign@example.com", company_id=other_company.id
        )
        left = self._customer("Left", email="left@example.com", category_id=self.tag.ids)
        late_blocked = self._customer(
            "Late Blocked", email="late.blocked@example.com", category_id=self.tag.ids
        )
        mailing = self._mailing()
        for partner in (self.wang, self.outsider, foreign, left, late_blocked):
            self._line(mailing, partner)
        left.category_id = False
        self.env["mail.blacklist"]._add("late.blocked@example.com")
        mailing._send()
        lines = {line.partner_id: line for line in mailing.line_ids}
        self.assertEqual(lines[self.wang].state, "sent")
        self.assertRecordValues(
            lines[self.outsider] | lines[foreign] | lines[left] | lines[late_blocked],
            [
                {"state": "skipped", "skip_reason": "not_in_segment"},
                {"state": "skipped", "skip_reason": "other_company"},
                {"state": "skipped", "skip_reason": "not_in_segment"},
                {"state": "skipped", "skip_reason": "blacklisted"},
            ],
        )
        sent_to = self.env["mail.mail"].search(
            [("mail_message_id", "in", mailing.line_ids.message_id.ids)]
        )
        self.assertEqual(sent_to.recipient_ids, self.wang)
        self.assertEqual(mailing.sent_count, 1)
        self.assertEqual(mailing.skipped_count, 4)

    # ------------------------------------------------------------------
    # The mail template
    # ------------------------------------------------------------------
    def test_template_of_another_model_refused(self):
        invoice_template = self.env["mail.template"].create(
            {
                "name": "Not for contacts",
                "model_id": self.env["ir.model"]._get_id("sale.order"),
                "subject": "Your order {{ object.name }}",
                "body_html": "<p>Order</p>",
            }
        )
        with self.assertRaises(ValidationError), mute_logger("odoo.service.model"):
            self._start(template=invoice_template)
        self.assertFalse(
            self.env["customer.segment.mailing"].search([("segment_id", "=", self.segment.id)])
        )
        with self.assertRaises(ValidationError):
            self._mailing(template_id=invoice_template.id)

    def test_template_the_user_cannot_read_refused(self):
        hidden = self.template.copy({"name": "Managers only"})
        self.env["ir.rule"].create(
            {
                "name": "Hidden template",
                "model_id": self.env["ir.model"]._get_id("mail.template"),
                "domain_force": f"[('id', '!=', {hidden.id})]",
                "groups": [Command.link(self.env.ref("base.group_user").id)],
            }
        )
        with self.assertRaises(AccessError), mute_logger("odoo.service.model"):
            self._start(template=hidden)
        self.assertFalse(
            self.env["customer.segment.mailing"].search([("segment_id", "=", self.segment.id)])
        )

    def test_template_checked_again_at_send(self):
        mailing = self._start()
        self.template.sudo().model_id = self.env["ir.model"]._get_id("res.users")
        with self.assertRaises(UserError):
            mailing._send_next_batch()
        self.assertEqual(mailing.sent_count, 0)
        self.assertEqual(set(mailing.line_ids.mapped("state")), {"pending"})

    def test_rendered_as_the_user_who_started(self):
        """The work runs as the system, the mail speaks for the user."""
        mailing = self._start()
        self.assertEqual(mailing.user_id, self.user_customer)
        mailing.with_user(self.env.ref("base.user_root"))._send_next_batch()
        mail = self.env["mail.mail"].search(
            [("mail_message_id", "in", mailing.line_ids.message_id.ids)], limit=1
        )
        self.assertIn(self.user_customer.name, mail.body_html)
        self.assertEqual(mailing.line_ids.message_id.author_id, self.user_customer.partner_id)
