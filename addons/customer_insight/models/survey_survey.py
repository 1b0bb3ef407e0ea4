import datetime
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

# days back from the survey's delay in which orders still get their
# invitation, when the daily cron missed a day
CATCH_UP_DAYS = 7
NPS_TEMPLATE_XMLID = "customer_insight.mail_template_nps_invitation"


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

    def _insight_period_start(self, company):
        """The time from which an invitation of ``company`` counts as recent."""
        return fields.Datetime.now() - datetime.timedelta(days=company.insight_nps_period)

    def _insight_recently_invited(self, customers, company):
        """The ids of the commercial partners ``customers`` invited to this
        survey in ``company`` within the company's NPS period."""
        self.ensure_one()
        if not customers:
            return set()
        groups = (
            self.env["survey.user_input"]
            .sudo()
            ._read_group(
                [
                    ("survey_id", "=", self.id),
                    ("insight_partner_id", "in", customers.ids),
                    ("insight_company_id", "=", company.id),
                    ("create_date", ">=", self._insight_period_start(company)),
                ],
                ["insight_partner_id"],
            )
        )
        return {partner.id for (partner,) in groups}

    def _insight_invite(self, partners, company, mailing=None):
        """Create the invitations of the contacts ``partners`` to this NPS
        survey in ``company``: one survey answer per contact (its personal
        link is what the invitation mail carries), one contact per customer
        (commercial partner; the first one given), leaving out the contacts
        without an email and the customers invited within the company's NPS
        period. The customers are locked first (``customer.nps.lock``), so
        that two transactions cannot both invite one of them. Sends nothing:
        the mails go through a segment mailing (``mailing``, recorded on the
        answers). Returns the answers."""
        self.ensure_one()
        answers = self.env["survey.user_input"].sudo()
        contacts = partners.filtered("email")
        customers = contacts.commercial_partner_id
        if not customers:
            return answers
        self.env["customer.nps.lock"].sudo()._lock(customers.ids, company)
        invited = self._insight_recently_invited(customers, company)
        to_invite = []
        for contact in contacts:
            if contact.commercial_partner_id.id not in invited:
                invited.add(contact.commercial_partner_id.id)
                to_invite.append(contact.id)
        to_invite = contacts.browse(to_invite)
        if not to_invite:
            return answers
        survey = self.sudo()
        extra = {"insight_mailing_id": mailing.id} if mailing else {}
        vals_list = []
        for contact in to_invite:
            vals = survey._insight_answer_values(contact)
            vals.update(answers._insight_nps_values(contact, company), **extra)
            vals_list.append(vals)
        answers = answers.create(vals_list)
        survey._insight_save_contact_lines(answers)
        return answers

    def _insight_answer_values(self, partner):
        """The values of a new answer of the contact ``partner`` to this
        survey, as ``_create_answer(partner=partner, check_attempts=False)``
        makes them (the contact's user answers when it has one), after the
        same checks; for creating many answers in one statement."""
        self.ensure_one()
        user = partner.user_ids[:1]
        self._check_answer_creation(user, partner, False, check_attempts=False)
        vals = {
            "survey_id": self.id,
            "test_entry": False,
            "is_session_answer": self.session_state in ("ready", "in_progress"),
        }
        if self.session_state == "in_progress":
            vals.update(state="in_progress", start_datetime=fields.Datetime.now())
        if user and not user._is_public():
            vals.update(partner_id=user.partner_id.id, email=user.email, nickname=user.name)
        else:
            vals.update(partner_id=partner.id, email=partner.email, nickname=partner.name)
        if self.is_attempts_limited and self.access_mode != "public":
            vals["invite_token"] = self.env["survey.user_input"]._generate_invite_token()
        return vals

    def _insight_save_contact_lines(self, answers):
        """Prefill the questions of this survey that save the answerer's
        email or nickname, as ``_create_answer`` does."""
        questions = self.question_ids.filtered(
            lambda q: q.question_type == "char_box" and (q.save_as_email or q.save_as_nickname)
        )
        for question in questions:
            for answer in answers:
                if question.save_as_email and answer.email:
                    answer._save_lines(question, answer.email)
                if question.save_as_nickname and answer.nickname:
                    answer._save_lines(question, answer.nickname)

    @api.model
    def _insight_nps_template(self):
        """The mail template of the NPS invitations."""
        return self.env.ref(NPS_TEMPLATE_XMLID, raise_if_not_found=False)

    @api.model
    def _insight_is_nps_template(self, template):
        """Whether ``template`` is the mail template of the NPS invitations
        (from the cached external id: no query)."""
        template_id = self.env["ir.model.data"]._xmlid_to_res_id(
            NPS_TEMPLATE_XMLID, raise_if_not_found=False
        )
        return bool(template_id) and template.id == template_id

    @api.model
    def _insight_nps_due_query(self, company):
        """The SELECT (``odoo.tools.SQL``) of the customers (column
        ``partner_id``, commercial partners) due for the NPS survey of
        ``company``: with a confirmed order invoiced, dated the company's
        delay ago (or up to ``CATCH_UP_DAYS`` more), and not invited to the
        survey within the company's period; None without a survey."""
        survey = company.insight_nps_survey_id
        if not survey:
            return None
        profiles = self.env["customer.profile"]
        last = fields.Date.today() - datetime.timedelta(days=company.insight_nps_delay)
        first = last - datetime.timedelta(days=CATCH_UP_DAYS)
        return profiles._sql_over_tables(
            {"so": "sale.order", "a": "survey.user_input"},
            """
            SELECT DISTINCT o.partner_id
              FROM (%(orders)s) o
              JOIN %(so)s so ON %(so.id)s = o.id
             WHERE %(so.invoice_status)s = 'invoiced'
               AND o.date_order < %(last)s::date + 1
               AND NOT EXISTS (
                       SELECT 1 FROM %(a)s a
                        WHERE %(a.insight_partner_id)s = o.partner_id
                          AND %(a.insight_company_id)s = %(company)s
                          AND %(a.survey_id)s = %(survey)s
                          AND %(a.create_date)s >= %(since)s)
            """,
            orders=profiles._sql_confirmed_orders([company.id], first),
            last=last,
            company=company.id,
            survey=survey.id,
            since=survey._insight_period_start(company),
        )

    @api.model
    def _cron_send_nps(self):
        """Start, for each company sending its NPS survey after orders, a
        mailing of the invitation to the customers due (the company's
        segment of the customers due for the NPS survey); returns the
        mailings. The mailings are sent in batches by their own work."""
        template = self._insight_nps_template()
        mailings = self.env["customer.segment.mailing"]
        companies = self.env["res.company"].search(
            [("insight_nps_auto", "=", True), ("insight_nps_survey_id", "!=", False)]
        )
        for company in companies:
            try:
                with self.env.cr.savepoint():
                    segment = company._insight_nps_due_segment()
                    if segment._condition_count():
                        mailings |= mailings._start(segment, template)
            except UserError as error:
                _logger.warning("NPS survey of company %s not sent: %s", company.id, error)
        return mailings
