from odoo import models
from odoo.exceptions import UserError


class CustomerSegment(models.Model):
    _inherit = "customer.segment"

    def action_send_nps_survey(self):
        """Start a mailing of the NPS invitation to the segment's customers
        (those invited within the NPS period are skipped with the reason);
        the mails and their survey answers are made in batches afterwards."""
        self.ensure_one()
        self.check_access("read")
        survey_model = self.env["survey.survey"]
        if not self.company_id.insight_nps_survey_id:
            raise UserError(
                self.env._(
                    "Choose the NPS survey of %(company)s in the settings first.",
                    company=self.company_id.name,
                )
            )
        template = survey_model._insight_nps_template()
        if not template:
            raise UserError(self.env._("The NPS invitation mail template was deleted."))
        mailing = self.env["customer.segment.mailing"]._start(self, template)
        if mailing.skipped_count:
            message = self.env._(
                "NPS survey queued. Customers to invite: %(count)s; skipped: %(skipped)s "
                "(%(reasons)s).",
                count=mailing.pending_count,
                skipped=mailing.skipped_count,
                reasons=mailing._skip_summary(),
            )
        else:
            message = self.env._(
                "NPS survey queued. Customers to invite: %(count)s.", count=mailing.pending_count
            )
        return mailing._started_notification(
            self.env._("NPS survey: %(segment)s", segment=self.name),
            message,
            {"type": "ir.actions.client", "tag": "soft_reload"},
        )
