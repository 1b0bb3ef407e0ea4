import datetime

from odoo import api, fields, models

from .customer_insight import NPS_CATEGORIES
from .nps import nps_category


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    insight_company_id = fields.Many2one(
        "res.company", string="NPS Company", readonly=True, index="btree_not_null"
    )
    insight_partner_id = fields.Many2one(
        "res.partner",
        string="NPS Customer",
        readonly=True,
        index="btree_not_null",
        help="Commercial partner of the customer who answered.",
    )
    insight_user_id = fields.Many2one("res.users", string="NPS Salesperson", readonly=True)
    insight_team_id = fields.Many2one("crm.team", string="NPS Sales Team", readonly=True)
    insight_nps_score = fields.Integer(string="NPS Score", readonly=True)
    insight_nps_category = fields.Selection(
        NPS_CATEGORIES, string="NPS Category", readonly=True, index="btree_not_null"
    )
    insight_nps_comment = fields.Text(string="NPS Comment", readonly=True)
    insight_mailing_id = fields.Many2one(
        "customer.segment.mailing",
        string="NPS Mailing",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The segment mailing that sent this NPS invitation.",
    )

    def _mark_done(self):
        result = super()._mark_done()
        self._insight_record_nps()
        return result

    def _insight_record_nps(self):
        """Read the NPS score and comment of finished answers to an NPS
        survey; plan an activity for the salesperson of detractors, add a
        timeline row and queue the customer's facts (churn risk, NPS)."""
        answers = self.filtered(
            lambda a: a.survey_id.insight_nps_question_id and a.partner_id and not a.test_entry
        ).sudo()
        events = []
        keys = set()
        for answer in answers:
            survey = answer.survey_id
            score_line = answer.user_input_line_ids.filtered(
                lambda line, q=survey.insight_nps_question_id: (
                    line.question_id == q and not line.skipped
                )
            )[:1]
            if not score_line:
                continue
            comment_line = answer.user_input_line_ids.filtered(
                lambda line, q=survey.insight_comment_question_id: (
                    q and line.question_id == q and not line.skipped
                )
            )[:1]
            partner = answer.insight_partner_id or answer.partner_id.commercial_partner_id
            company = answer.insight_company_id or partner.company_id or self.env.company
            salesperson = answer.insight_user_id or partner.user_id
            category = nps_category(score_line.value_scale)
            answer.write(
                {
                    "insight_partner_id": partner.id,
                    "insight_company_id": company.id,
                    "insight_user_id": salesperson.id,
                    "insight_team_id": (answer.insight_team_id or salesperson.sale_team_id).id,
                    "insight_nps_score": score_line.value_scale,
                    "insight_nps_category": category,
                    "insight_nps_comment": comment_line.value_text_box
                    or comment_line.value_char_box
                    or False,
                }
            )
            events.append(answer._insight_event_values())
            keys.add((partner.id, company.id))
            if category == "detractor":
                answer._insight_plan_detractor_activity()
        self.env["customer.event"].sudo()._add_events(events)
        self.env["customer.profile.queue"].sudo()._enqueue(keys)

    def _insight_event_values(self):
        """Hook: the timeline row of an NPS answer."""
        self.ensure_one()
        categories = dict(self._fields["insight_nps_category"]._description_selection(self.env))
        name = self.env._(
            "NPS %(score)s (%(category)s)",
            score=self.insight_nps_score,
            category=categories[self.insight_nps_category],
        )
        if self.insight_nps_comment:
            name = f"{name}: {self.insight_nps_comment}"
        return {
            "partner_id": self.insight_partner_id.id,
            "company_id": self.insight_company_id.id,
            "event_type": "nps_answer",
            "res_model": self._name,
            "res_id": self.id,
            "name": name[:250],
            "user_id": self.insight_user_id.id,
        }

    def _insight_plan_detractor_activity(self):
        """Hook: the follow-up activity of a detractor answer, for the
        salesperson, of the type and delay of the company's settings."""
        self.ensure_one()
        company = self.insight_company_id
        user = self.insight_user_id or self.survey_id.user_id
        activity_type = company.insight_nps_activity_type_id
        if not (user and activity_type):
            return self.env["mail.activity"]
        return self.insight_partner_id.sudo().activity_schedule(
            activity_type_id=activity_type.id,
            date_deadline=fields.Date.context_today(self, fields.Datetime.now())
            + datetime.timedelta(days=company.insight_nps_activity_days),
            summary=self.env._("Detractor: NPS %(score)s", score=self.insight_nps_score),
            note=self.insight_nps_comment or "",
            user_id=user.id,
        )

    @api.model
    def _insight_nps_values(self, partner, company):
        """Values of an NPS invitation of ``partner`` in ``company``."""
        commercial = partner.commercial_partner_id
        return {
            "insight_partner_id": commercial.id,
            "insight_company_id": company.id,
            "insight_user_id": commercial.user_id.id,
            "insight_team_id": commercial.user_id.sale_team_id.id,
        }
