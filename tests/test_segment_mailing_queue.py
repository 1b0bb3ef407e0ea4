"""A segment mailing is queued by the click and sent by batches of deferred
work: the work unit and the cron, driven explicitly."""

from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged

from .test_segment_mailing_rights import SegmentMailingCommon


@tagged("post_install", "-at_install")
class TestSegmentMailingQueue(SegmentMailingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        tagged_vals = {"category_id": [Command.set(cls.tag.ids)]}
        cls.no_email = cls._customer("No Mail", **tagged_vals)
        cls.twin = cls._customer("Wang Twin", email="WANG.WEI@example.com", **tagged_vals)

    def _patch_defer(self):
        """Replace the deferral where the model's methods are looked up: the
        registry's class, above the override of a job queue bridge."""
        return patch.object(type(self.env["customer.work"]), "_defer", autospec=True)

    def _click(self, user=None):
        wizard = (
            self.env["customer.segment.mail.wizard"]
            .with_user(user or self.user_customer)
            .create({"segment_id": self.segment.id, "template_id": self.template.id})
        )
        return wizard.action_send()

    def test_click_queues(self):
        with self._patch_defer() as defer:
            result = self._click()
        mailing = self.env["customer.segment.mailing"].search(
            [("segment_id", "=", self.segment.id)]
        )
        self.assertRecordValues(
            mailing,
            [
                {
                    "state": "sending",
                    "user_id": self.user_customer.id,
                    "pending_count": 2,
                    "sent_count": 0,
                    "skipped_count": 2,
                    "no_email_count": 1,
                    "duplicate_count": 1,
                    "progress": 50.0,
                }
            ],
        )
        self.assertEqual(
            result["params"]["message"],
            "Mailing queued. Recipients: 2; skipped: 2 "
            "(1 without email, 1 with the email of another recipient).",
        )
        self.assertFalse(mailing.line_ids.message_id, "nothing is sent by the click")
        defer.assert_called_once()
        _self, records, method, args = defer.call_args.args
        self.assertEqual((records, method, args), (mailing, "_send_next_batch", ()))
        self.assertEqual(
            defer.call_args.kwargs,
            {
                "cron": "customer_relationship.ir_cron_customer_segment_mailing",
                "channel": "mailing",
                "key": f"customer.segment.mailing:{mailing.id}",
                "description": f"Segment mailing {mailing.name}",
            },
        )
        lines = {line.partner_id: line for line in mailing.line_ids}
        self.assertEqual(lines[self.twin].skip_reason, "duplicate")
        self.assertEqual(lines[self.no_email].skip_reason, "no_email")
        self.assertEqual(lines[self.wang].email, "wang.wei@example.com")
        self.assertEqual(lines[self.wang].company_id, self.company)

    def test_click_without_skipped(self):
        (self.no_email | self.twin).category_id = False
        result = self._click()
        self.assertEqual(result["params"]["message"], "Mailing queued. Recipients: 2.")
        self.assertEqual(result["params"]["type"], "success")

    def test_click_queries_do_not_grow_with_the_segment(self):
        """Four statements whatever the size of the segment: the mailing, its
        recipients frozen in one INSERT .. SELECT, their counts, the counts
        stored."""
        self._click()  # warm the caches
        for count in (0, 30):
            self.env["res.partner"].create(
                [
                    {
                        "name": f"Many {count} {n}",
                        "email": f"many.{count}.{n}@example.com",
                        "category_id": self.tag.ids,
                    }
                    for n in range(count)
                ]
            )
            wizard = (
                self.env["customer.segment.mail.wizard"]
                .with_user(self.user_customer)
                .create({"segment_id": self.segment.id, "template_id": self.template.id})
            )
            with self.assertExactQueryCount(4), self._patch_defer():
                wizard.action_send()

    def test_one_batch_per_call(self):
        with self._patch_defer():
            self._click()
        mailing = self.env["customer.segment.mailing"].search(
            [("segment_id", "=", self.segment.id)]
        )
        with self._patch_defer() as defer:
            self.assertTrue(mailing._send_next_batch(batch_size=1))
        self.assertRecordValues(
            mailing, [{"state": "sending", "sent_count": 1, "pending_count": 1, "progress": 75.0}]
        )
        # called from a job with lines remaining: the next batch is another job
        defer.assert_called_once()
        self.assertEqual(defer.call_args.args[1:3], (mailing, "_send_next_batch"))
        with self._patch_defer() as defer:
            self.assertFalse(mailing._send_next_batch(batch_size=1))
        defer.assert_not_called()
        self.assertRecordValues(
            mailing, [{"state": "done", "sent_count": 2, "pending_count": 0, "progress": 100.0}]
        )
        sent = mailing.line_ids.filtered(lambda line: line.state == "sent")
        self.assertEqual(sent.partner_id, self.wang | self.li)
        self.assertEqual(len(sent.message_id), 2)
        # called again (a job run twice): nothing is sent twice
        messages = self.env["mail.message"].search_count([])
        self.assertFalse(mailing._send_next_batch())
        self.assertEqual(self.env["mail.message"].search_count([]), messages)

    def test_cron_sends_every_pending_mailing(self):
        with self._patch_defer():
            self._click()
            self._click(self.user_manager)
        mailings = self.env["customer.segment.mailing"].search(
            [("segment_id", "=", self.segment.id)]
        )
        self.assertEqual(len(mailings), 2)
        with self._patch_defer() as defer:
            self.env["customer.segment.mailing"]._cron_send_mailings(batch_size=1)
        defer.assert_not_called()
        self.assertEqual(mailings.mapped("state"), ["done", "done"])
        self.assertEqual(mailings.mapped("sent_count"), [2, 2])
        authors = {m.user_id: m.line_ids.message_id.author_id for m in mailings}
        self.assertEqual(authors[self.user_manager], self.user_manager.partner_id)
        self.assertEqual(authors[self.user_customer], self.user_customer.partner_id)

    def test_wizard_counts_in_sql(self):
        wizard = (
            self.env["customer.segment.mail.wizard"]
            .with_user(self.user_customer)
            .create({"segment_id": self.segment.id, "template_id": self.template.id})
        )
        self.assertRecordValues(
            wizard,
            [
                {
                    "recipient_count": 2,
                    "skipped_count": 2,
                    "skipped_summary": "1 without email, 1 with the email of another recipient",
                }
            ],
        )

    def test_cron_goes_on_past_a_mailing_it_cannot_send(self):
        """A mailing whose template became unusable stays queued (logged);
        the others are sent."""
        other_template = self.template.copy({"name": "Soon for users"})
        with self._patch_defer():
            self._click()
            manager_env = self.env(user=self.user_manager)
            blocked = manager_env["customer.segment.mailing"]._start(
                self.segment.with_env(manager_env), other_template.with_env(manager_env)
            )
        other_template.model_id = self.env["ir.model"]._get_id("res.users")
        with self.assertLogs(
            "odoo.addons.customer_relationship.models.customer_segment_mailing", "WARNING"
        ):
            self.env["customer.segment.mailing"]._cron_send_mailings()
        mailings = self.env["customer.segment.mailing"].search(
            [("segment_id", "=", self.segment.id)]
        )
        sent = mailings - blocked
        self.assertRecordValues(sent, [{"state": "done", "sent_count": 2}])
        self.assertRecordValues(blocked, [{"state": "sending", "sent_count": 0}])
        self.assertFalse(blocked.line_ids.message_id)
