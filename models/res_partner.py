from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_profile_ids = fields.One2many(
        "customer.profile", "partner_id", string="Customer Profiles", readonly=True
    )
    customer_profile_id = fields.Many2one(
        "customer.profile",
        string="Customer Profile",
        compute="_compute_customer_profile_id",
        search="_search_customer_profile_id",
        help="Facts of the commercial partner in the current company.",
    )
    customer_first_order_date = fields.Date(
        related="customer_profile_id.first_order_date", string="First Order"
    )
    customer_last_order_date = fields.Date(
        related="customer_profile_id.last_order_date", string="Last Order"
    )
    customer_days_since_last_order = fields.Integer(
        related="customer_profile_id.days_since_last_order", string="Days Since Last Order"
    )
    customer_order_count = fields.Integer(
        related="customer_profile_id.order_count", string="Confirmed Orders"
    )
    customer_revenue = fields.Monetary(
        related="customer_profile_id.revenue",
        string="Customer Revenue",
        currency_field="customer_currency_id",
    )
    customer_average_order_value = fields.Monetary(
        related="customer_profile_id.average_order_value",
        string="Average Order Value",
        currency_field="customer_currency_id",
    )
    customer_lifetime_value = fields.Monetary(
        related="customer_profile_id.lifetime_value",
        string="Lifetime Value",
        currency_field="customer_currency_id",
    )
    customer_currency_id = fields.Many2one(
        related="customer_profile_id.currency_id", string="Customer Currency"
    )
    customer_rfm_score = fields.Char(related="customer_profile_id.rfm_score", string="RFM")
    customer_recency_score = fields.Integer(related="customer_profile_id.recency_score")
    customer_frequency_score = fields.Integer(related="customer_profile_id.frequency_score")
    customer_monetary_score = fields.Integer(related="customer_profile_id.monetary_score")
    customer_rfm_segment = fields.Selection(
        related="customer_profile_id.rfm_segment", string="RFM Segment"
    )
    customer_value_class = fields.Selection(
        related="customer_profile_id.value_class", string="Value Class"
    )

    @api.depends("commercial_partner_id")
    @api.depends_context("company")
    def _compute_customer_profile_id(self):
        commercial = self.commercial_partner_id
        profiles = self.env["customer.profile"].search(
            [("partner_id", "in", commercial.ids), ("company_id", "=", self.env.company.id)]
        )
        by_partner = {profile.partner_id.id: profile for profile in profiles}
        for partner in self:
            partner.customer_profile_id = by_partner.get(partner.commercial_partner_id.id, False)

    def _search_customer_profile_id(self, operator, value):
        return [("commercial_partner_id.customer_profile_ids", operator, value)]

    def action_open_customer_profile(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "customer.profile",
            "res_id": self.customer_profile_id.id,
            "view_mode": "form",
        }
