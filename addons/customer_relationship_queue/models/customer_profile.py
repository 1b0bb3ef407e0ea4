from odoo import api, models

from .job_retry import retry_on_database_errors


class CustomerProfile(models.Model):
    _inherit = "customer.profile"

    @api.model
    def _recompute_company_job(self, company_id):
        with retry_on_database_errors(self):
            return super()._recompute_company_job(company_id)
