import datetime

from odoo import api, fields, models


class CustomerInsightDemo(models.AbstractModel):
    """Builds the demo's baskets and NPS answers; called from demo data only."""

    _name = "customer.insight.demo"
    _description = "Customer Insight Demo Loader"

    @api.model
    def _demo_build(self, products, baskets, answers):
        """``products``: [code, name, price, cost] of the products created
        (found by their internal reference when they exist);
        ``baskets``: [partner xmlid, [product codes], days ago] confirmed
        orders of several products; ``answers``: [partner xmlid, score,
        comment, days ago] finished NPS answers. Then rules, recommendations
        and churn risk of the main company."""
        company = self.env.ref("base.main_company")
        now = fields.Datetime.now()
        by_code = {}
        for code, name, price, cost in products:
            reference = f"INSIGHT-DEMO-{code.upper()}"
            product = self.env["product.product"].search([("default_code", "=", reference)])
            by_code[code] = product or self.env["product.product"].create(
                {
                    "name": name,
                    "default_code": reference,
                    "type": "consu",
                    "list_price": price,
                    "standard_price": cost,
                }
            )
        orders = self.env["sale.order"]
        dates = {}
        for partner_xmlid, codes, days_ago in baskets:
            order = orders.create(
                {
                    "partner_id": self.env.ref(partner_xmlid).id,
                    "company_id": company.id,
                    "order_line": [
                        fields.Command.create({"product_id": by_code[code].id}) for code in codes
                    ],
                }
            )
            orders |= order
            dates[order] = now - datetime.timedelta(days=days_ago)
        orders.action_confirm()
        for order, date in dates.items():
            order.date_order = date
        survey = company.insight_nps_survey_id
        Answer = self.env["survey.user_input"]
        invited = self.env["res.partner"]
        for partner_xmlid, score, comment, days_ago in answers:
            partner = self.env.ref(partner_xmlid)
            answer = survey._create_answer(
                partner=partner,
                check_attempts=False,
                **Answer._insight_nps_values(partner, company),
            )
            answer._save_lines(survey.insight_nps_question_id, str(score))
            if comment:
                answer._save_lines(survey.insight_comment_question_id, comment)
            answer._mark_done()
            answer.end_datetime = now - datetime.timedelta(days=days_ago)
            invited |= partner.commercial_partner_id
        # the answered customers were invited: their invitation lock rows
        self.env["customer.nps.lock"]._lock(invited.ids, company)
        self.env.flush_all()
        self.env["customer.profile.queue"]._process()
        self.env["customer.insight"]._refresh_company_job(company.id)
