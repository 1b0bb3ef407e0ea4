from odoo import api, models

from .job_retry import retry_on_database_errors


class CustomerProfileQueue(models.Model):
    _inherit = "customer.profile.queue"

    @api.model
    def _drain_company_job(self, company_id):
        with retry_on_database_errors(self):
            return super()._drain_company_job(company_id)
