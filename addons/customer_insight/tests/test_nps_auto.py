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

    def test_sent_after_the_delay_once_per_period(self):
        self.env["survey.survey"]._cron_send_nps()
        self.assertEqual(self._invited().insight_partner_id, self.invoiced)
        # the next day's run invites nobody again
        self.env["survey.survey"]._cron_send_nps()
        self.assertEqual(len(self._invited()), 1)

    def test_not_sent_when_off(self):
        self.company.insight_nps_auto = False
        self.env["survey.survey"]._cron_send_nps()
        self.assertFalse(self._invited())
