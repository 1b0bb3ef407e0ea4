from odoo.tests import tagged

from .common import InsightCommon


@tagged("post_install", "-at_install")
class TestNpsAfterOrders(InsightCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_accounting()
        cls.survey = cls.env.ref("customer_insight.survey_nps")
        cls.company.write(
            {
                "insight_nps_survey_id": cls.survey.id,
                "insight_nps_auto": True,
                "insight_nps_delay": 7,
                "insight_nps_period": 90,
            }
        )
        cls.invoiced = cls._customer("Invoiced 8 days ago", email="invoiced@example.com")
        cls.recent = cls._customer("Invoiced yesterday", email="recent@example.com")
        cls.uninvoiced = cls._customer("Not invoiced", email="open@example.com")
        for partner, days_ago, invoice in (
            (cls.invoiced, 8, True),
            (cls.recent, 1, True),
            (cls.uninvoiced, 8, False),
        ):
            order = cls._basket(partner, [cls.products["A"]], days_ago)
            if invoice:
                order._create_invoices().action_post()

    def _invited(self):
        return self.env["survey.user_input"].search(
            [("survey_id", "=", self.survey.id), ("insight_company_id", "=", self.company.id)]
        )

    def _run_crons(self):
        """The daily run, then the mailings' batches it queued."""
        mailings = self.env["survey.survey"]._cron_send_nps()
        self._send_mailings()
        return mailings

    def test_sent_after_the_delay_once_per_period(self):
        mailing = self._run_crons()
        self.assertEqual(self._invited().insight_partner_id, self.invoiced)
        # one mailing of the company's segment of the customers due
        segment = self.company.insight_nps_segment_id
        self.assertEqual(segment.domain, "[('customer_nps_due', '=', True)]")
        self.assertRecordValues(
            mailing,
            [
                {
                    "segment_id": segment.id,
                    "company_id": self.company.id,
                    "insight_nps_survey_id": self.survey.id,
                    "state": "done",
                    "sent_count": 1,
                    "skipped_count": 0,
                }
            ],
        )
        self.assertEqual(self._invited().insight_mailing_id, mailing)
        # the next day's run invites nobody again, and starts no mailing
        self.assertFalse(self._run_crons())
        self.assertEqual(len(self._invited()), 1)
        self.assertEqual(self.company.insight_nps_segment_id, segment)

    def test_due_customers(self):
        partners = self.invoiced | self.recent | self.uninvoiced
        self.assertEqual(partners.filtered("customer_nps_due"), self.invoiced)
        self.assertEqual(
            self.env["res.partner"].search(
                [("id", "in", partners.ids), ("customer_nps_due", "=", False)]
            ),
            self.recent | self.uninvoiced,
        )
        self._run_crons()
        self.env.invalidate_all()
        self.assertFalse(partners.filtered("customer_nps_due"), "invited: no longer due")

    def test_not_sent_when_off(self):
        self.company.insight_nps_auto = False
        self.assertFalse(self._run_crons())
        self.assertFalse(self._invited())
