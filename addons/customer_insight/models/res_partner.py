from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

from .customer_insight import BANDS, NPS_CATEGORIES

FACT_GROUPS = "customer_relationship.group_customer_user"


def _profile_fact(field_class, profile_field, **kwargs):
    def search(records, operator, value):
        return records._search_customer_fact(profile_field, operator, value)

    search.__name__ = f"_search_customer_{profile_field}"
    return field_class(
        compute="_compute_customer_insight", search=search, groups=FACT_GROUPS, **kwargs
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_insight_id = fields.Many2one(
        "customer.insight",
        string="Customer Insight",
        compute="_compute_customer_insight",
        groups=FACT_GROUPS,
    )
    customer_churn_score = _profile_fact(fields.Integer, "churn_score", string="Churn Risk")
    customer_churn_band = _profile_fact(
        fields.Selection, "churn_band", selection=BANDS, string="Churn Risk Band"
    )
    customer_nps_category = _profile_fact(
        fields.Selection, "nps_category", selection=NPS_CATEGORIES, string="NPS Category"
    )
    customer_churn_explanation = fields.Html(
        string="Why This Risk",
        compute="_compute_customer_insight",
        sanitize=False,
        groups=FACT_GROUPS,
    )
    customer_nps_comment = fields.Text(
        string="NPS Comment", compute="_compute_customer_insight", groups=FACT_GROUPS
    )
    customer_recommendation_ids = fields.Many2many(
        "customer.insight.recommendation",
        string="Recommended Products",
        compute="_compute_customer_recommendations",
        groups=FACT_GROUPS,
    )
    customer_recommended_product_ids = fields.Many2many(
        "product.product",
        string="Would Buy",
        compute="_compute_customer_recommendations",
        search="_search_customer_recommended_product_ids",
        groups=FACT_GROUPS,
        help="Products recommended to the customer by the cross-sell rules, in the current "
        "company.",
    )

    customer_nps_due = fields.Boolean(
        string="Due for the NPS Survey",
        compute="_compute_customer_nps_due",
        search="_search_customer_nps_due",
        groups=FACT_GROUPS,
        help="A customer of the current company with an order invoiced the company's NPS "
        "survey delay ago (or up to a week more, when a day was missed), not invited to "
        "the survey within the company's NPS period. The automatic invitations go to "
        "these customers.",
    )

    @api.depends_context("company")
    def _compute_customer_insight(self):
        insights = self.env["customer.insight"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        by_partner = {insight.partner_id.id: insight for insight in insights}
        empty = self.env["customer.insight"]
        for partner in self:
            insight = by_partner.get(partner.commercial_partner_id.id, empty)
            partner.customer_insight_id = insight
            partner.customer_churn_score = insight.churn_score
            partner.customer_churn_band = insight.churn_band
            partner.customer_nps_category = insight.nps_category
            partner.customer_churn_explanation = insight.churn_explanation
            partner.customer_nps_comment = insight.nps_comment

    @api.depends_context("company", "uid")
    def _compute_customer_recommendations(self):
        recommendations = self.env["customer.insight.recommendation"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
                ("product_id.active", "=", True),
            ]
        )
        for partner in self:
            mine = recommendations.filtered(
                lambda r, p=partner.commercial_partner_id: r.partner_id == p
            )
            partner.customer_recommendation_ids = mine
            partner.customer_recommended_product_ids = mine.product_id

    def _search_customer_recommended_product_ids(self, operator, value):
        recommendations = self.env["customer.insight.recommendation"]._search(
            [("product_id", operator, value), ("company_id", "=", self.env.company.id)]
        )
        return [
            (
                "commercial_partner_id",
                "in",
                recommendations.subselect(
                    self.env["customer.insight.recommendation"]._field_to_sql(
                        recommendations.table, "partner_id", recommendations
                    )
                ),
            )
        ]

    @api.depends_context("company")
    def _compute_customer_nps_due(self):
        due = self.with_context(active_test=False).search(
            [("id", "in", self.ids), ("customer_nps_due", "=", True)]
        )
        for partner in self:
            partner.customer_nps_due = partner in due

    def _search_customer_nps_due(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._("Search the customers due for the NPS survey with = True or = False.")
            )
        due = (operator == "=") == value
        query = self.env["survey.survey"]._insight_nps_due_query(self.env.company)
        if query is None:
            return expression.FALSE_DOMAIN if due else expression.TRUE_DOMAIN
        return [("id", "in" if due else "not in", SQL("(%s)", query))]

    def _insight_nps_invitation(self):
        """The NPS survey answer whose link this contact's invitation
        carries, when an NPS mailing renders it (empty otherwise)."""
        self.ensure_one()
        answer_id = (self.env.context.get("insight_nps_answers") or {}).get(self.id)
        return self.env["survey.user_input"].sudo().browse(answer_id or ())

    def _insight_nps_invitation_url(self):
        """The personal link of this contact's NPS invitation ("" outside an
        NPS mailing)."""
        answer = self._insight_nps_invitation()
        return answer.get_base_url() + answer.get_start_url() if answer else ""
