from odoo import api, models

# Changing one of these changes whether a customer has an open lead/opportunity.
PIPELINE_FIELDS = frozenset(
    {"active", "type", "stage_id", "probability", "partner_id", "company_id"}
)


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def _customer_lifecycle_keys(self):
        return {
            (lead.partner_id.commercial_partner_id.id, lead.company_id.id)
            for lead in self
            if lead.partner_id and lead.company_id
        }

    def _evaluate_customer_lifecycle(self, keys):
        """Queue the customers in ``keys``: their lifecycle is evaluated right
        after the commit, through the core's facts-changed hook, never in the
        transaction that changed the lead."""
        self.env["customer.profile.queue"].sudo()._enqueue(keys)

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._evaluate_customer_lifecycle(leads._customer_lifecycle_keys())
        return leads

    def write(self, vals):
        if not PIPELINE_FIELDS.intersection(vals):
            return super().write(vals)
        before = self._customer_lifecycle_keys()
        result = super().write(vals)
        self._evaluate_customer_lifecycle(before | self._customer_lifecycle_keys())
        return result
