import datetime
import doctest

from odoo import fields
from odoo.tests import tagged

from ..models import nps
from .common import InsightCommon


def load_tests(loader, tests, ignore):
    tests.addTests(doctest.DocTestSuite(nps))
    return tests


@tagged("post_install", "-at_install")
class TestNps(InsightCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env.ref("customer_insight.survey_nps")
        cls.company.insight_nps_survey_id = cls.survey
        cls.customers = [
            cls._customer(
                f"NPS Customer {n}", email=f"nps{n}@example.com", user_id=cls.user_customer.id
            )
            for n in range(5)
        ]

    def test_categories_and_nps(self):
        for customer, score in zip(self.customers, (10, 9, 8, 6, 0), strict=True):
            self._nps_answer(customer, score)
        answers = self.env["survey.user_input"].search(
            [("insight_company_id", "=", self.company.id)], order="id"
        )
        self.assertEqual(
            answers.mapped("insight_nps_category"),
            ["promoter", "promoter", "passive", "detractor", "detractor"],
        )
        self.assertEqual(nps.net_promoter_score(answers.mapped("insight_nps_category")), 0.0)
        self._nps_answer(self.customers[3], 9)
        self.env.flush_all()
        groups = self.env["customer.nps.report"]._read_group(
            [("company_id", "=", self.company.id)], [], ["nps:avg", "answer_count:sum"]
        )
        # 3 promoters, 1 passive, 2 detractors out of 6: 50% - 33.3%
        self.assertAlmostEqual(groups[0][0], 100 * (3 - 2) / 6)
        self.assertEqual(groups[0][1], 6)

    def test_last_answer_is_the_customers_fact(self):
        customer = self.customers[0]
        self._history(customer, [20])
        self._nps_answer(customer, 4, "Too expensive")
        self._after_commit()
        insight = self._insight(customer)
        self.assertEqual((insight.nps_score, insight.nps_category), (4, "detractor"))
        self.assertEqual(customer.customer_nps_comment, "Too expensive")
        self._nps_answer(customer, 10)
        self._after_commit()
        self.assertEqual(self._insight(customer).nps_category, "promoter")
        self.assertEqual(customer.customer_nps_category, "promoter")

    def test_detractor_activity_and_timeline(self):
        activity_type = self.env.ref("mail.mail_activity_data_call")
        self.company.write(
            {"insight_nps_activity_type_id": activity_type.id, "insight_nps_activity_days": 3}
        )
        customer = self.customers[1]
        answer = self._nps_answer(customer, 2, "Broken on arrival")
        activity = customer.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.activity_type_id, activity_type)
        self.assertEqual(activity.user_id, self.user_customer)
        self.assertEqual(
            activity.date_deadline, fields.Date.context_today(activity) + datetime.timedelta(days=3)
        )
        event = self.env["customer.event"].search(
            [("res_model", "=", "survey.user_input"), ("res_id", "=", answer.id)]
        )
        self.assertEqual(event.event_type, "nps_answer")
        self.assertEqual(event.partner_id, customer)
        self.assertIn("Broken on arrival", event.name)
        # a promoter gets no activity
        self._nps_answer(self.customers[2], 10)
        self.assertFalse(self.customers[2].activity_ids)

    def test_one_invitation_per_period(self):
        customer = self.customers[0]
        segment = self._segment(customer)
        first = self._send_nps(segment)
        self.assertRecordValues(first, [{"state": "done", "sent_count": 1}])
        answer = self._invitations()
        self.assertEqual(len(answer), 1)
        self.assertEqual(answer.insight_partner_id, customer)
        self.assertEqual(answer.insight_mailing_id, first)
        mail = self.env["mail.mail"].search([("recipient_ids", "in", customer.ids)])
        self.assertTrue(mail, "the invitation is mailed")
        self.assertIn(answer.get_start_url(), mail.body_html, "with the customer's own link")
        second = self._send_nps(segment)
        self.assertRecordValues(
            second, [{"sent_count": 0, "skipped_count": 1, "insight_nps_recent_count": 1}]
        )
        self.assertEqual(len(self._invitations()), 1)
        # the period (90 days) over: invited again
        answer.flush_recordset()
        self.env.cr.execute(
            "UPDATE survey_user_input SET create_date = create_date - interval '91 days'"
            " WHERE id = %s",
            answer.ids,
        )
        self.env.invalidate_all()
        self.assertEqual(self._send_nps(segment).sent_count, 1)
        self.assertEqual(len(self._invitations()), 2)

    def test_segment_invitation(self):
        segment = self.env["customer.segment"].create(
            {
                "name": "NPS customers",
                "company_id": self.company.id,
                "domain": "[('email', '=like', 'nps%@example.com')]",
            }
        )
        segment.action_send_nps_survey()
        self.assertFalse(self._invitations(), "the click only queues the mailing")
        self._send_mailings()
        invited = self._invitations()
        self.assertEqual(
            invited.insight_partner_id, self.env["res.partner"].concat(*self.customers)
        )
        segment.action_send_nps_survey()
        self._send_mailings()
        self.assertEqual(len(self._invitations()), 5)
