import datetime

from odoo import api, fields, models

# days back from the survey's delay in which orders still get their
# invitation, when the daily cron missed a day
CATCH_UP_DAYS = 7


class SurveySurvey(models.Model):
    _inherit = "survey.survey"

    insight_nps_question_id = fields.Many2one(
        "survey.question",
        string="NPS Question",
        domain="[('survey_id', '=', id), ('question_type', '=', 'scale')]",
        help="The 0-10 question whose answers are NPS scores.",
    )
    insight_comment_question_id = fields.Many2one(
        "survey.question",
        string="NPS Comment Question",
        domain="[('survey_id', '=', id), ('question_type', 'in', ('text_box', 'char_box'))]",
    )

    def _insight_invite(self, partners, company):
        """Invite the commercial partners of ``partners`` to this NPS survey
        in ``company`` by email, except those invited in the company's NPS
        period and those without an email. Returns the invitations."""
        self.ensure_one()
        answers = self.env["survey.user_input"].sudo()
        customers = partners.commercial_partner_id.filtered("email")
        if not customers:
            return answers
        since = fields.Datetime.now() - datetime.timedelta(days=company.insight_nps_period)
        recent = answers.search(
            [
                ("survey_id", "=", self.id),
                ("insight_partner_id", "in", customers.ids),
                ("insight_company_id", "=", company.id),
                ("create_date", ">=", since),
            ]
        )
        customers -= recent.insight_partner_id
        if not customers:
            return answers
        survey = self.sudo()
        for customer in customers:
            answers |= survey._create_answer(
                partner=customer,
                check_attempts=False,
                **answers._insight_nps_values(customer, company),
            )
        template = self.env.ref("customer_insight.mail_template_nps_invitation").sudo()
        template.with_context(lang=False).send_mail_batch(
            answers.ids, email_layout_xmlid="mail.mail_notification_light"
        )
        return answers

    @api.model
    def _cron_send_nps(self):
        """Invite the customers whose orders were invoiced the company's
        delay ago (a week's catch-up), at most once per period."""
        profiles = self.env["customer.profile"]
        today = fields.Date.today()
        companies = self.env["res.company"].search(
            [("insight_nps_auto", "=", True), ("insight_nps_survey_id", "!=", False)]
        )
        sent = self.env["survey.user_input"]
        for company in companies:
            last = today - datetime.timedelta(days=company.insight_nps_delay)
            first = last - datetime.timedelta(days=CATCH_UP_DAYS)
            rows = self.env.execute_query(
                profiles._sql_over_tables(
                    {"so": "sale.order"},
                    """
                    SELECT DISTINCT o.partner_id
                      FROM (%(orders)s) o
                      JOIN %(so)s so ON %(so.id)s = o.id
                     WHERE %(so.invoice_status)s = 'invoiced'
                       AND o.date_order < %(last)s::date + 1
                    """,
                    orders=profiles._sql_confirmed_orders([company.id], first),
                    last=last,
                )
            )
            partners = self.env["res.partner"].browse([row[0] for row in rows])
            sent |= company.insight_nps_survey_id._insight_invite(partners, company)
        return sent
