from odoo import models
from odoo.exceptions import UserError


class CustomerSegment(models.Model):
    _inherit = "customer.segment"

    def action_send_nps_survey(self):
        """Invite the segment's customers to the company's NPS survey (those
        invited within the NPS period are left out)."""
        self.ensure_one()
        self.check_access("read")
        company = self.company_id or self.env.company
        survey = company.insight_nps_survey_id
        if not survey:
            raise UserError(
                self.env._(
                    "Choose the NPS survey of %(company)s in the settings first.",
                    company=company.name,
                )
            )
        partners = self._get_partners()
        answers = survey._insight_invite(partners, company)
        return self.env["customer.profile"]._success_notification(
            self.env._("NPS survey"),
            self.env._("%(count)s customers invited.", count=len(answers)),
        )
