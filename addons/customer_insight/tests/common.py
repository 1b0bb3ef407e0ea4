import datetime

from odoo import Command, fields

from odoo.addons.customer_relationship.tests.common import CustomerCommon


class InsightCommon(CustomerCommon):
    """Customers of the test company with orders of chosen products and
    dates; each test reads the churn rows and rules it builds."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Insight = cls.env["customer.insight"]
        cls.Rule = cls.env["customer.insight.rule"]
        cls.Recommendation = cls.env["customer.insight.recommendation"]
        cls.products = {
            code: cls.env["product.product"].create(
                {"name": f"Test {code}", "type": "consu", "list_price": 10.0, "taxes_id": False}
            )
            for code in ("A", "B", "C", "D")
        }

    @classmethod
    def _basket(cls, partner, products, days_ago=0, amount=100.0):
        """A confirmed order of ``products`` (``amount`` untaxed in all),
        dated ``days_ago`` days back."""
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "company_id": cls.company.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": 1,
                            "price_unit": amount / len(products),
                            "tax_id": False,
                        }
                    )
                    for product in products
                ],
            }
        )
        order.action_confirm()
        order.date_order = fields.Datetime.now() - datetime.timedelta(days=days_ago)
        return order

    @classmethod
    def _history(cls, partner, days_ago_list, amount=100.0):
        """Confirmed orders of ``amount`` dated each of ``days_ago_list``."""
        return cls._orders([(partner, amount, days) for days in days_ago_list])

    def _insight(self, partner):
        return self.Insight.search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )

    def _refresh(self, as_of=None):
        self.env.flush_all()
        return self.Insight._refresh(self.company.ids, as_of=as_of)

    def _nps_answer(self, partner, score, comment=None, survey=None):
        """A finished answer of ``partner`` to the NPS survey."""
        survey = survey or self.env.ref("customer_insight.survey_nps")
        answer = survey._create_answer(
            partner=partner,
            check_attempts=False,
            **self.env["survey.user_input"]._insight_nps_values(partner, self.company),
        )
        answer._save_lines(survey.insight_nps_question_id, str(score))
        if comment:
            answer._save_lines(survey.insight_comment_question_id, comment)
        answer._mark_done()
        return answer

    @classmethod
    def _segment(cls, partners, name="NPS segment"):
        """A segment of the company holding exactly ``partners``."""
        return cls.env["customer.segment"].create(
            {
                "name": name,
                "company_id": cls.company.id,
                "domain": f"[('id', 'in', {partners.ids})]",
            }
        )

    def _last_mailing(self, segment):
        return self.env["customer.segment.mailing"].search(
            [("segment_id", "=", segment.id)], order="id desc", limit=1
        )

    def _send_nps(self, segment, user=None):
        """Click the segment's NPS button, then run the mailings' batches as
        their deferred work would; returns the mailing."""
        segment.with_user(user or self.env.user).action_send_nps_survey()
        mailing = self._last_mailing(segment)
        self._send_mailings()
        return mailing

    def _send_mailings(self):
        """Run the mailing cron, which sends the pending batches of every
        mailing being sent; the batches it would commit one by one stay in
        the test's transaction."""
        with self._deferred_work_mode():
            self.env["customer.segment.mailing"]._cron_send_mailings()

    def _invitations(self, survey=None):
        return self.env["survey.user_input"].search(
            [
                ("survey_id", "=", (survey or self.env.ref("customer_insight.survey_nps")).id),
                ("insight_company_id", "=", self.company.id),
            ],
            order="id",
        )
