from odoo import api, fields, models

from .customer_insight import BANDS, NPS_CATEGORIES


def _insight_fact(field_class, insight_field, **kwargs):
    """A profile field showing ``insight_field`` of the customer's insight
    row, searchable (lifecycle rules and segments use it)."""

    def search(records, operator, value):
        return [("insight_ids", "any", [(insight_field, operator, value)])]

    search.__name__ = f"_search_{insight_field}"
    return field_class(compute="_compute_insight", search=search, **kwargs)


class CustomerProfile(models.Model):
    _inherit = "customer.profile"

    insight_ids = fields.One2many("customer.insight", "profile_id", readonly=True)
    churn_score = _insight_fact(fields.Integer, "churn_score", string="Churn Risk")
    churn_band = _insight_fact(
        fields.Selection, "churn_band", selection=BANDS, string="Churn Risk Band"
    )
    nps_score = _insight_fact(fields.Integer, "nps_score", string="Last NPS Score")
    nps_category = _insight_fact(
        fields.Selection, "nps_category", selection=NPS_CATEGORIES, string="NPS Category"
    )

    @api.depends(
        "insight_ids.churn_score",
        "insight_ids.churn_band",
        "insight_ids.nps_score",
        "insight_ids.nps_category",
    )
    def _compute_insight(self):
        for profile in self:
            insight = profile.insight_ids[:1]
            profile.churn_score = insight.churn_score
            profile.churn_band = insight.churn_band
            profile.nps_score = insight.nps_score
            profile.nps_category = insight.nps_category

    @api.model
    def _on_facts_changed(self, keys):
        """Rescore the churn risk and the recommendations of the refreshed
        customers (a fixed number of statements); many at once (a full
        recompute) are left to the company's deferred refresh."""
        result = super()._on_facts_changed(keys)
        insights = self.env["customer.insight"].sudo()
        if len(keys) > insights._IMMEDIATE_LIMIT:
            insights._defer_refresh(
                self.env["res.company"].browse(sorted({company for _partner, company in keys}))
            )
        else:
            insights._refresh_keys(keys)
        return result
