from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, tagged
from odoo.tools.translate import code_translations

from .common import CustomerCommon


@tagged("post_install", "-at_install")
class TestSegmentMailing(CustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.mister = cls.env.ref("base.res_partner_title_mister")
        cls.madam = cls.env.ref("base.res_partner_title_madam")
        cls.user_customer.email = "cr_user@example.com"
        cls.tag = cls.env["res.partner.category"].create({"name": "Mailing Test"})
        tagged_vals = {"category_id": [Command.set(cls.tag.ids)]}
        cls.wang = cls._customer(
            "王伟", title=cls.mister.id, lang="zh_CN", email="wang.wei@example.com", **tagged_vals
        )
        cls.wei_wang = cls._customer(
            "Wei Wang",
            title=cls.mister.id,
            lang="en_US",
            email="wei.wang@example.com",
            **tagged_vals,
        )
        cls.blacklisted = cls._customer("Blocked Buyer", email="blocked@example.com", **tagged_vals)
        cls.env["mail.blacklist"]._add("blocked@example.com")
        cls.no_email = cls._customer("No Mail Person", **tagged_vals)
        cls.bad_email = cls._customer("Bad Mail Person", email="not an email", **tagged_vals)
        cls.recipients = cls.wang | cls.wei_wang
        cls.segment = cls.env["customer.segment"].create(
            {"name": "Mailing test segment", "domain": f"[('category_id', 'in', {cls.tag.ids})]"}
        )
        cls.template = cls.env.ref("customer_relationship.mail_template_customer_segment")

    # ------------------------------------------------------------------
    # Salutation
    # ------------------------------------------------------------------
    def test_salutation_chinese(self):
        self.assertEqual(self.wang._customer_salutation(), "尊敬的王伟先生")
        li = self._customer("李娜", title=self.madam.id, lang="zh_CN")
        self.assertEqual(li._customer_salutation(), "尊敬的李娜女士")
        untitled = self._customer("王伟", lang="zh_CN")
        self.assertEqual(untitled._customer_salutation(), "尊敬的王伟")
        company = self._customer("华夏贸易有限公司", is_company=True, lang="zh_CN")
        self.assertEqual(company._customer_salutation(), "尊敬的华夏贸易有限公司")

    def test_salutation_chinese_uses_title_translation(self):
        title = self.env["res.partner.title"].create({"name": "Director", "shortcut": "Dir."})
        title.with_context(lang="zh_CN").name = "总监"
        partner = self._customer("王伟", title=title.id, lang="zh_CN")
        self.assertEqual(partner._customer_salutation(), "尊敬的王伟总监")

    def test_salutation_english(self):
        """en_US: title shortcut and family name; the family name of a name in
        Chinese characters is its first character, of a Latin name the word in
        capitals or else the last word; no title: the full name."""
        cases = [
            ("Wei Wang", self.mister, "Dear Mr. Wang"),
            ("WANG Wei", self.mister, "Dear Mr. Wang"),
            ("王伟", self.mister, "Dear Mr. 王"),
            ("Emily Clark", self.madam, "Dear Mrs. Clark"),
            ("Wang Wei", False, "Dear Wang Wei"),
        ]
        for name, title, expected in cases:
            with self.subTest(name=name):
                partner = self._customer(name, title=title and title.id, lang="en_US")
                self.assertEqual(partner._customer_salutation(), expected)

    def test_salutation_is_a_translated_pattern(self):
        """A language addresses its readers through its translation of the
        two patterns alone: here Hungarian, family name before the title."""
        self.env["res.lang"]._activate_lang("hu_HU")
        title = self.env["res.partner.title"].create({"name": "Mister", "shortcut": "Mr."})
        title.with_context(lang="hu_HU").shortcut = "úr"
        titled = self._customer("Wei Wang", title=title.id, lang="hu_HU")
        untitled = self._customer("Wang Wei", lang="hu_HU")
        # no translation yet: the English patterns, with the Hungarian title
        self.assertEqual(titled._customer_salutation(), "Dear úr Wang")
        patterns = {
            "Dear %(title)s %(family_name)s": "Tisztelt %(family_name)s %(title)s",
            "Dear %(name)s": "Tisztelt %(name)s",
        }
        translations = {("customer_relationship", "hu_HU"): patterns}
        with patch.dict(code_translations.python_translations, translations):
            self.assertEqual(titled._customer_salutation(), "Tisztelt Wang úr")
            self.assertEqual(untitled._customer_salutation(), "Tisztelt Wang Wei")
            # other languages keep theirs
            self.assertEqual(self.wang._customer_salutation(), "尊敬的王伟先生")
            self.assertEqual(self.wei_wang._customer_salutation(), "Dear Mr. Wang")

    # ------------------------------------------------------------------
    # Mailing
    # ------------------------------------------------------------------
    def _mails(self, partners):
        return self.env["mail.mail"].search([("recipient_ids", "in", partners.ids)])

    def _send_with_wizard(self, user):
        action = self.segment.with_user(user).action_open_mail_wizard()
        wizard_form = Form(
            self.env[action["res_model"]].with_user(user).with_context(**action["context"])
        )
        self.assertEqual(wizard_form.template_id, self.template)
        self.assertEqual(wizard_form.recipient_count, 2)
        self.assertEqual(wizard_form.skipped_count, 3)
        return wizard_form.save().action_send()

    def test_mailing(self):
        follower = self.user_manager.partner_id
        self.wang.message_subscribe(partner_ids=follower.ids)
        result = self._send_with_wizard(self.user_customer)
        mailing = self.env["customer.segment.mailing"].search(
            [("segment_id", "=", self.segment.id)]
        )
        # the click queues the mailing; the deferred work sends it
        self.assertRecordValues(mailing, [{"state": "sending", "pending_count": 2}])
        message = result["params"]["message"]
        self.assertEqual(
            message,
            "Mailing queued. Recipients: 2; skipped: 3 "
            "(1 without email, 1 with an invalid email, 1 blacklisted).",
        )
        self.assertFalse(self._mails(self.recipients))
        self.assertFalse(mailing._send_next_batch())
        self.assertRecordValues(
            mailing,
            [
                {
                    "state": "done",
                    "template_id": self.template.id,
                    "user_id": self.user_customer.id,
                    "company_id": self.company.id,
                    "sent_count": 2,
                    "skipped_count": 3,
                    "blacklisted_count": 1,
                    "no_email_count": 1,
                    "invalid_email_count": 1,
                    "duplicate_count": 0,
                }
            ],
        )
        lines = {line.partner_id: line for line in mailing.line_ids}
        self.assertEqual(len(lines), 5)
        self.assertEqual(lines[self.blacklisted].skip_reason, "blacklisted")
        self.assertEqual(lines[self.no_email].skip_reason, "no_email")
        self.assertEqual(lines[self.bad_email].skip_reason, "invalid_email")
        self.assertEqual(lines[self.wang].state, "sent")

        # one queued mail per recipient, to the recipient only, greeted in their language
        mails = self.env["mail.mail"].search(
            [("mail_message_id", "in", mailing.line_ids.message_id.ids)]
        )
        self.assertEqual(len(mails), 2)
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        by_partner = {mail.recipient_ids: mail for mail in mails}
        self.assertEqual(set(by_partner), {self.wang, self.wei_wang})
        self.assertIn("尊敬的王伟先生", by_partner[self.wang].body_html)
        self.assertNotIn("&lt;", by_partner[self.wang].body_html, "the body is HTML, not text")
        self.assertIn("尊敬的王伟先生", by_partner[self.wang].subject)
        self.assertIn("Dear Mr. Wang", by_partner[self.wei_wang].body_html)
        self.assertFalse(self._mails(follower), "followers of the customer get no copy")
        self.assertFalse(self._mails(self.blacklisted | self.no_email | self.bad_email))

        # logged in each recipient's chatter, and on their timeline
        subtype = self.env.ref("customer_relationship.mt_customer_segment_mailing")
        for partner in self.recipients:
            posted = partner.message_ids.filtered(lambda m: m.subtype_id == subtype)
            self.assertEqual(len(posted), 1)
            self.assertEqual(posted, lines[partner].message_id)
            self.assertEqual(posted.author_id, self.user_customer.partner_id)
        self.assertFalse(self.blacklisted.message_ids.filtered(lambda m: m.subtype_id == subtype))
        events = self.env["customer.event"].search(
            [("res_model", "=", "customer.segment.mailing"), ("res_id", "=", mailing.id)]
        )
        self.assertEqual(events.partner_id, self.recipients)
        self.assertEqual(set(events.mapped("event_type")), {"mailing"})

        # sending again sends nothing twice
        messages_before = self.env["mail.message"].search_count([])
        mailing._send()
        self.assertEqual(self.env["mail.message"].search_count([]), messages_before)
        self.assertEqual(
            self.env["customer.event"].search_count(
                [("res_model", "=", "customer.segment.mailing"), ("res_id", "=", mailing.id)]
            ),
            2,
        )
        self.assertEqual(mailing.sent_count, 2)
        with self.assertRaises(UserError):
            mailing.action_send()

    def test_batches_and_duplicates(self):
        twin = self._customer("Wang Twin", email="WANG.WEI@example.com", category_id=self.tag.ids)
        mailing = self.env["customer.segment.mailing"].create(
            {"name": "Batches", "segment_id": self.segment.id, "template_id": self.template.id}
        )
        mailing._send(batch_size=1)
        self.assertEqual(mailing.sent_count, 2)
        self.assertEqual(mailing.duplicate_count, 1)
        self.assertEqual(
            mailing.line_ids.filtered(lambda line: line.skip_reason == "duplicate").partner_id,
            twin,
        )
        self.assertEqual(len(mailing.line_ids.message_id), 2)
        self.assertEqual(
            len(
                self.env["mail.mail"].search(
                    [("mail_message_id", "in", mailing.line_ids.message_id.ids)]
                )
            ),
            2,
        )

    def test_mailed_segment_is_archived_not_deleted(self):
        mailing = self.env["customer.segment.mailing"].create(
            {"name": "Kept", "segment_id": self.segment.id, "template_id": self.template.id}
        )
        mailing._send()
        with self.assertRaisesRegex(UserError, "archive it instead"):
            self.segment.unlink()
        self.segment.active = False
        self.assertEqual(mailing.segment_id, self.segment)

    def test_new_segment_members_after_sending(self):
        mailing = self.env["customer.segment.mailing"].create(
            {"name": "Frozen", "segment_id": self.segment.id, "template_id": self.template.id}
        )
        mailing._send()
        late = self._customer("Late Joiner", email="late@example.com", category_id=self.tag.ids)
        mailing._send()
        self.assertNotIn(
            late, mailing.line_ids.partner_id, "recipients are fixed at the first send"
        )
        self.assertEqual(mailing.sent_count, 2)


@tagged("post_install", "-at_install")
class TestSegmentTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.ref("base.main_company")
        cls.partner = cls.env["res.partner"].create(
            {
                "name": "Fang Wang",
                "city": "Tour Hangzhou",
                "email": "wang.fang@example.com",
                "title": cls.env.ref("base.res_partner_title_madam").id,
            }
        )
        cls.env["customer.profile"].create(
            {
                "partner_id": cls.partner.id,
                "company_id": company.id,
                "order_count": 8,
                "revenue": 12000.0,
                "recency_score": 5,
                "frequency_score": 5,
                "monetary_score": 5,
                "rfm_segment": "champions",
                "value_class": "a",
            }
        )
        cls.segment = cls.env["customer.segment"].create(
            {
                "name": "Tour Champions in Hangzhou",
                "company_id": company.id,
                "domain": "[('customer_rfm_segment', '=', 'champions'),"
                " ('city', '=', 'Tour Hangzhou')]",
            }
        )

    def test_send_to_a_segment(self):
        self.start_tour("/odoo", "customer_relationship_segment_tour", login="admin")
        mailing = self.env["customer.segment.mailing"].search(
            [("segment_id", "=", self.segment.id)]
        )
        self.assertEqual(mailing.pending_count, 1)
        self.env["customer.segment.mailing"]._cron_send_mailings()
        self.assertEqual(mailing.sent_count, 1)
        self.assertEqual(mailing.line_ids.partner_id, self.partner)
        mail = self.env["mail.mail"].search(
            [("mail_message_id", "=", mailing.line_ids.message_id.id)]
        )
        self.assertIn("Dear Mrs. Wang", mail.body_html)
