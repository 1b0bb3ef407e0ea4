"""NPS invitations are segment mailings: the click freezes the recipients
and queues the sending; each batch creates the survey answers (the personal
links) and the mails, at most once per customer per period."""

import psycopg2.errors

from odoo.exceptions import UserError
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.customer_relationship.tests.common import failing_call

from ..hooks import uninstall_hook
from .common import InsightCommon


@tagged("post_install", "-at_install")
class TestNpsMailing(InsightCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env.ref("customer_insight.survey_nps")
        cls.company.insight_nps_survey_id = cls.survey
        cls.customers = cls.env["res.partner"].concat(
            *(
                cls._customer(f"Mailed Customer {n}", email=f"mailed{n}@example.com")
                for n in range(4)
            )
        )
        # a contact of the first customer, and a customer without email
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Buyer of Mailed Customer 0",
                "parent_id": cls.customers[0].id,
                "email": "buyer0@example.com",
            }
        )
        cls.no_email = cls._customer("Mailed Customer Without Email")
        cls.segment = cls._segment(cls.customers | cls.contact | cls.no_email)

    def _messages(self):
        return self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "in", (self.customers | self.contact).ids),
                (
                    "subtype_id",
                    "=",
                    self.env.ref("customer_relationship.mt_customer_segment_mailing").id,
                ),
            ]
        )

    def test_segment_send_goes_through_a_mailing(self):
        result = self.segment.with_user(self.user_customer).action_send_nps_survey()
        self.assertEqual(
            result["params"]["message"],
            "NPS survey queued. Customers to invite: 4; skipped: 2 (1 without email, "
            "1 with another contact of the same customer invited).",
        )
        mailing = self._last_mailing(self.segment)
        self.assertRecordValues(
            mailing,
            [
                {
                    "state": "sending",
                    "user_id": self.user_customer.id,
                    "insight_nps_survey_id": self.survey.id,
                    "pending_count": 4,
                    "sent_count": 0,
                    "skipped_count": 2,
                    "no_email_count": 1,
                    "insight_nps_same_customer_count": 1,
                    "insight_nps_recent_count": 0,
                }
            ],
        )
        self.assertAlmostEqual(mailing.progress, 100.0 * 2 / 6)
        skipped = mailing.line_ids.filtered(lambda line: line.state == "skipped")
        self.assertEqual(
            {line.partner_id: line.skip_reason for line in skipped},
            {self.contact: "insight_nps_same_customer", self.no_email: "no_email"},
        )
        self.assertFalse(self._invitations(), "nothing is sent by the click")
        # one batch of two, then the rest
        self.assertTrue(mailing._send_next_batch(batch_size=2))
        self.assertRecordValues(
            mailing, [{"state": "sending", "sent_count": 2, "pending_count": 2}]
        )
        self.assertAlmostEqual(mailing.progress, 100.0 * 4 / 6)
        self.assertEqual(len(self._invitations()), 2)
        self.assertFalse(mailing._send_next_batch(batch_size=2))
        self.assertRecordValues(mailing, [{"state": "done", "sent_count": 4, "pending_count": 0}])
        self.assertEqual(mailing.progress, 100.0)
        answers = self._invitations()
        self.assertEqual(answers.partner_id, self.customers)
        self.assertEqual(answers.insight_partner_id, self.customers)
        self.assertEqual(answers.insight_mailing_id, mailing)
        # each customer's mail, in its chatter, holds its own link
        lines = mailing.line_ids.filtered(lambda line: line.state == "sent")
        for answer in answers:
            message = lines.filtered(
                lambda line, a=answer: line.partner_id == a.partner_id
            ).message_id
            self.assertIn(answer.get_start_url(), message.body)
            self.assertEqual(message.author_id, self.user_customer.partner_id)
        self.assertEqual(len(self._messages()), 4)

    def test_invited_within_the_period_is_skipped_with_its_reason(self):
        first = self._send_nps(self._segment(self.customers[0], "First customer"))
        self.assertEqual(first.sent_count, 1)
        # frozen as skipped when the mailing starts
        result = self.segment.action_send_nps_survey()
        self.assertEqual(
            result["params"]["message"],
            "NPS survey queued. Customers to invite: 3; skipped: 3 (1 without email, "
            "2 invited to the NPS survey within the period).",
        )
        second = self._last_mailing(self.segment)
        recent = second.line_ids.filtered(lambda line: line.skip_reason == "insight_nps_recent")
        self.assertEqual(recent.partner_id, self.customers[0] | self.contact)
        self.assertEqual(second.insight_nps_recent_count, 2)
        self._send_mailings()
        self.assertEqual(second.sent_count, 3)
        self.assertEqual(len(self._invitations()), 4, "one invitation per customer")

    def test_mail_wizard_preview_counts_the_nps_skips(self):
        """The generic mail wizard, with the NPS invitation template, shows
        the recipients and skips the mailing it starts freezes."""
        self._send_nps(self._segment(self.customers[1], "Second customer"))
        wizard = (
            self.env["customer.segment.mail.wizard"]
            .with_user(self.user_customer)
            .create({"segment_id": self.segment.id})
        )
        self.assertEqual((wizard.recipient_count, wizard.skipped_count), (5, 1))
        wizard.template_id = self.env.ref("customer_insight.mail_template_nps_invitation")
        self.assertRecordValues(
            wizard,
            [
                {
                    "recipient_count": 3,
                    "skipped_count": 3,
                    "skipped_summary": "1 without email, 1 invited to the NPS survey within "
                    "the period, 1 with another contact of the same customer invited",
                }
            ],
        )
        wizard.action_send()
        mailing = self._last_mailing(self.segment)
        self.assertRecordValues(
            mailing,
            [
                {
                    "insight_nps_survey_id": self.survey.id,
                    "pending_count": wizard.recipient_count,
                    "skipped_count": wizard.skipped_count,
                }
            ],
        )

    def test_two_mailings_at_once_invite_once(self):
        """Two mailings started before either is sent: the second one's
        batch finds the customers invited by the first and skips them."""
        self.segment.action_send_nps_survey()
        self.segment.action_send_nps_survey()
        first, second = self.env["customer.segment.mailing"].search(
            [("segment_id", "=", self.segment.id)], order="id"
        )
        self.assertEqual((first.pending_count, second.pending_count), (4, 4))
        self._send_mailings()
        self.assertRecordValues(
            first | second,
            [
                {"state": "done", "sent_count": 4, "insight_nps_recent_count": 0},
                {"state": "done", "sent_count": 0, "insight_nps_recent_count": 4},
            ],
        )
        self.assertEqual(len(self._invitations()), 4)
        self.assertEqual(len(self._messages()), 4)
        # the customers' rows of the invitation lock were written
        self.assertEqual(
            self.env["customer.nps.lock"]
            .sudo()
            .search([("company_id", "=", self.company.id)])
            .partner_id,
            self.customers,
        )

    def test_rerun_batch_sends_nothing_twice(self):
        self.segment.action_send_nps_survey()
        mailing = self._last_mailing(self.segment)
        # the batch fails at its second mail: its transaction is rolled back
        with (
            failing_call(self.env["res.partner"], "message_post", 2, RuntimeError("lost")),
            self.assertRaises(RuntimeError),
            self.env.cr.savepoint(),
        ):
            mailing._send_next_batch()
        self.env.invalidate_all()
        self.assertFalse(self._invitations())
        self.assertEqual(mailing.pending_count, 4)
        # run again: every customer invited once
        self.assertFalse(mailing._send_next_batch())
        self.assertEqual(mailing.sent_count, 4)
        self.assertEqual(len(self._invitations()), 4)
        self.assertEqual(len(self._messages()), 4)
        # run once more (a job run twice): nothing new
        self.assertFalse(mailing._send_next_batch())
        self._send_mailings()
        self.assertEqual(len(self._invitations()), 4)
        self.assertEqual(len(self._messages()), 4)
        # a line found pending again (its state lost) is skipped, not sent twice
        line = mailing.line_ids.filtered(lambda line: line.partner_id == self.customers[1])
        line.flush_recordset()
        self.env.cr.execute(
            "UPDATE customer_segment_mailing_line SET state = 'pending' WHERE id = %s", line.ids
        )
        self.env.cr.execute(
            "UPDATE customer_segment_mailing SET state = 'sending' WHERE id = %s", mailing.ids
        )
        self.env.invalidate_all()
        self.assertFalse(mailing._send_next_batch())
        self.assertRecordValues(line, [{"state": "skipped", "skip_reason": "insight_nps_recent"}])
        self.assertEqual(len(self._invitations()), 4)
        self.assertEqual(len(self._messages()), 4)

    def test_generic_mail_wizard_with_the_nps_template(self):
        """The NPS invitation template chosen in the segment's mail wizard
        invites to the NPS survey as the button does."""
        wizard = self.env["customer.segment.mail.wizard"].create(
            {
                "segment_id": self.segment.id,
                "template_id": self.env.ref("customer_insight.mail_template_nps_invitation").id,
            }
        )
        wizard.action_send()
        mailing = self._last_mailing(self.segment)
        self.assertEqual(mailing.insight_nps_survey_id, self.survey)
        self._send_mailings()
        self.assertEqual(self._invitations().insight_mailing_id, mailing)
        self.assertEqual(len(self._invitations()), 4)

    def test_no_survey(self):
        self.company.insight_nps_survey_id = False
        with self.assertRaisesRegex(UserError, "Choose the NPS survey"):
            self.segment.action_send_nps_survey()
        self.assertFalse(self._last_mailing(self.segment))

    def test_concurrent_invitation_fails_to_serialize(self):
        """Another transaction locked (then invited) a customer and committed
        after this transaction began: locking the customer here fails, so
        this transaction cannot invite it a second time; its batch is rolled
        back and runs again later."""
        customer = self.env.ref("base.partner_admin")
        company = self.env.ref("base.main_company")
        lock = self.env["customer.nps.lock"].sudo()
        self.env.cr.execute("SELECT 1")  # this transaction's snapshot is taken
        other = db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute("SET LOCAL lock_timeout = '5s'")
            other.execute(
                "SELECT id FROM customer_nps_lock WHERE partner_id = %s AND company_id = %s",
                (customer.id, company.id),
            )
            existed = bool(other.fetchall())
            lock.with_env(lock.env(cr=other))._lock(customer.ids, company)
            other.commit()
            with (
                mute_logger("odoo.sql_db"),
                self.assertRaises(psycopg2.errors.SerializationFailure),
                self.env.cr.savepoint(flush=False),
            ):
                lock._lock(customer.ids, company)
            if not existed:
                other.execute(
                    "DELETE FROM customer_nps_lock WHERE partner_id = %s AND company_id = %s",
                    (customer.id, company.id),
                )
                other.commit()
        finally:
            other.close()

    def test_invitations_in_a_fixed_number_of_queries(self):
        """The survey answers of a batch are created together: as many
        queries for six customers as for two."""
        counts = []
        for size in (1, 2, 6):
            partners = self.env["res.partner"].concat(
                *(
                    self._customer(f"Batch {size} {n}", email=f"batch.{size}.{n}@example.com")
                    for n in range(size)
                )
            )
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            answers = self.survey._insight_invite(partners, self.company)
            self.env.flush_all()
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(answers.partner_id, partners)
            self.assertEqual(answers.insight_partner_id, partners)
        self.assertEqual(counts[1], counts[2], "the first call warms the caches")

    def test_uninstall_hook_frees_the_template_and_the_segment(self):
        """Before the module's records are deleted, the NPS mailings that
        hold its invitation template (and their recipients) are deleted, and
        so is the company's segment of the customers due; a segment other
        mailings hold stays."""
        self.segment.action_send_nps_survey()
        mailing = self._last_mailing(self.segment)
        lines = mailing.line_ids
        self.assertTrue(lines)
        due = self.company._insight_nps_due_segment()
        self._send_nps(due)
        due_mailings = due.mailing_ids
        self.assertTrue(due_mailings)
        other_template = self.env.ref("customer_relationship.mail_template_customer_segment")
        other = self.env["customer.segment.mailing"]._start(self.segment, other_template)
        uninstall_hook(self.env)
        self.assertFalse((mailing | due_mailings).exists())
        self.assertFalse(lines.exists())
        self.assertFalse(due.exists())
        self.assertTrue(other.exists())
        self.assertTrue(self.segment.exists())
        # nothing holds the template any more: Odoo can delete it
        template = self.env.ref("customer_insight.mail_template_nps_invitation")
        with self.env.cr.savepoint():
            template.unlink()
