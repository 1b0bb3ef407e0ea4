from collections import Counter

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import frozendict

# skip reasons of NPS invitations, counted in ``<reason>_count`` fields
NPS_SKIP_REASONS = [
    ("insight_nps_recent", "Invited to the NPS survey within the period"),
    ("insight_nps_same_customer", "Another contact of the same customer is invited"),
]


class CustomerSegmentMailing(models.Model):
    """NPS invitations as segment mailings: a mailing of the NPS invitation
    template invites its recipients to the company's NPS survey. Each mail
    sent creates the recipient's survey answer (its personal link). A
    contact whose customer was invited within the company's NPS period, or
    whose customer has another contact invited, is skipped with its reason:
    when the recipients are frozen, and again, under the customer's lock,
    when its batch is sent."""

    _inherit = "customer.segment.mailing"

    insight_nps_survey_id = fields.Many2one(
        "survey.survey",
        string="NPS Survey",
        compute="_compute_insight_nps_survey_id",
        store=True,
        precompute=True,
        readonly=True,
        ondelete="restrict",
        help="The survey this mailing invites its recipients to: each mail carries the "
        "recipient's personal link.",
    )
    insight_nps_recent_count = fields.Integer(string="Invited Recently", readonly=True)
    insight_nps_same_customer_count = fields.Integer(string="Same Customer", readonly=True)

    @api.depends("template_id")
    def _compute_insight_nps_survey_id(self):
        """A mailing of the NPS invitation template invites to the NPS survey
        its company has when it is created; the survey stays the mailing's
        when the company chooses another one later."""
        surveys = self.env["survey.survey"]
        for mailing in self:
            survey = mailing.insight_nps_survey_id
            if not survey and surveys._insight_is_nps_template(mailing.template_id):
                survey = mailing.segment_id.company_id.sudo().insight_nps_survey_id
            mailing.insight_nps_survey_id = survey

    # ------------------------------------------------------------------
    # Starting
    # ------------------------------------------------------------------
    @api.model
    def _start(self, segment, template):
        """A mailing of the NPS invitation template needs the NPS survey of
        the segment's company: refused before anything is written without
        one."""
        if self.env["survey.survey"]._insight_is_nps_template(template):
            segment.check_access("read")
            company = segment.company_id
            if not company.sudo().insight_nps_survey_id:
                raise UserError(
                    self.env._(
                        "Choose the NPS survey of %(company)s in the settings first.",
                        company=company.name,
                    )
                )
        return super()._start(segment, template)

    # ------------------------------------------------------------------
    # Recipients
    # ------------------------------------------------------------------
    def _recipients_query(self, partners):
        """For an NPS mailing, also skip the contacts whose customer was
        invited within the period, and all contacts of a customer but one
        (the customer itself if it is among them, else its oldest contact)."""
        query = super()._recipients_query(partners)
        if len(self) != 1 or not self.insight_nps_survey_id:
            return query
        survey = self.insight_nps_survey_id
        return self.env["customer.profile"]._sql_over_tables(
            {"p": "res.partner", "a": "survey.user_input"},
            """
            SELECT r.partner_id, r.email,
                   COALESCE(
                       r.skip_reason,
                       CASE WHEN EXISTS (
                                SELECT 1 FROM %(a)s a
                                 WHERE %(a.insight_partner_id)s = %(p.commercial_partner_id)s
                                   AND %(a.insight_company_id)s = %(company)s
                                   AND %(a.survey_id)s = %(survey)s
                                   AND %(a.create_date)s >= %(since)s)
                            THEN 'insight_nps_recent'
                            WHEN row_number() OVER (
                                     PARTITION BY %(p.commercial_partner_id)s,
                                                  r.skip_reason IS NULL
                                     ORDER BY %(p.id)s = %(p.commercial_partner_id)s DESC,
                                              %(p.id)s) > 1
                            THEN 'insight_nps_same_customer'
                       END) AS skip_reason
              FROM (%(recipients)s) r
              JOIN %(p)s p ON %(p.id)s = r.partner_id
            """,
            recipients=query,
            company=self.company_id.id,
            survey=survey.id,
            since=survey._insight_period_start(self.company_id),
        )

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------
    def _send_time_reasons(self, lines):
        """For an NPS mailing, lock the customers of the lines still to send
        and skip those invited within the period meanwhile (by another
        mailing, or by this one for another of their contacts)."""
        reasons = super()._send_time_reasons(lines)
        survey = self.insight_nps_survey_id
        if not survey:
            return reasons
        to_check = lines.filtered(lambda line: line not in reasons)
        customers = to_check.partner_id.commercial_partner_id
        self.env["customer.nps.lock"].sudo()._lock(customers.ids, self.company_id)
        recent = survey._insight_recently_invited(customers, self.company_id)
        seen = set()
        for line in to_check:
            customer = line.partner_id.commercial_partner_id.id
            if customer in recent:
                reasons[line] = "insight_nps_recent"
            elif customer in seen:
                reasons[line] = "insight_nps_same_customer"
            else:
                seen.add(customer)
        return reasons

    def _send_batch(self, lines):
        """For an NPS mailing, create the recipients' survey answers first;
        the template reads each recipient's answer (its link) with
        ``res.partner._insight_nps_invitation()``."""
        survey = self.insight_nps_survey_id
        if not survey:
            return super()._send_batch(lines)
        answers = survey._insight_invite(lines.partner_id, self.company_id, mailing=self)
        by_partner = frozendict({answer.partner_id.id: answer.id for answer in answers})
        missing = lines.filtered(lambda line: line.partner_id.id not in by_partner)
        if missing:
            # invited meanwhile: _send_time_reasons found them under the same lock
            missing.write({"state": "skipped", "skip_reason": "insight_nps_recent"})
        lines -= missing
        if not lines:
            return None
        mailing = self.with_context(insight_nps_answers=by_partner)
        return super(CustomerSegmentMailing, mailing)._send_batch(lines)

    def _update_counts(self):
        result = super()._update_counts()
        mailings = self.filtered("insight_nps_survey_id")
        if not mailings:
            return result
        groups = (
            self.env["customer.segment.mailing.line"]
            .sudo()
            ._read_group(
                [
                    ("mailing_id", "in", mailings.ids),
                    ("skip_reason", "in", [reason for reason, _label in NPS_SKIP_REASONS]),
                ],
                ["mailing_id", "skip_reason"],
                ["__count"],
            )
        )
        for mailing in mailings:
            counts = Counter(
                {reason: count for line_mailing, reason, count in groups if line_mailing == mailing}
            )
            mailing.sudo().write(
                {f"{reason}_count": counts[reason] for reason, _label in NPS_SKIP_REASONS}
            )
        return result

    # ------------------------------------------------------------------
    # Summaries
    # ------------------------------------------------------------------
    @api.model
    def _skip_summary_text(self, reasons):
        counts = Counter(reasons)
        phrases = [super()._skip_summary_text(counts)]
        if counts["insight_nps_recent"]:
            phrases.append(
                self.env._(
                    "%(count)s invited to the NPS survey within the period",
                    count=counts["insight_nps_recent"],
                )
            )
        if counts["insight_nps_same_customer"]:
            phrases.append(
                self.env._(
                    "%(count)s with another contact of the same customer invited",
                    count=counts["insight_nps_same_customer"],
                )
            )
        return ", ".join(phrase for phrase in phrases if phrase)

    def _skip_summary(self):
        summary = super()._skip_summary()
        nps = self._skip_summary_text(
            {reason: self[f"{reason}_count"] for reason, _label in NPS_SKIP_REASONS}
        )
        return ", ".join(phrase for phrase in (summary, nps) if phrase)
