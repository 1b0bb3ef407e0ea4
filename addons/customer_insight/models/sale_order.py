from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    insight_recommendation_ids = fields.Many2many(
        "customer.insight.recommendation",
        string="Recommended Products",
        compute="_compute_insight_recommendations",
        groups="customer_relationship.group_customer_user",
        help="Products the customer has not bought yet, not on this quotation, ranked by "
        "the cross-sell rules.",
    )

    @api.depends("partner_id", "company_id", "order_line.product_id")
    @api.depends_context("uid")
    def _compute_insight_recommendations(self):
        recommendations = self.env["customer.insight.recommendation"].search(
            [
                ("partner_id", "in", self.partner_id.commercial_partner_id.ids),
                ("company_id", "in", self.company_id.ids),
                ("product_id.active", "=", True),
            ]
        )
        for order in self:
            order.insight_recommendation_ids = recommendations.filtered(
                lambda r, o=order: (
                    r.partner_id == o.partner_id.commercial_partner_id
                    and r.company_id == o.company_id
                    and r.product_id not in o.order_line.product_id
                )
            )
