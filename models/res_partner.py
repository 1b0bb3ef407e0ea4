from odoo import api, fields, models

# Partner field -> customer.profile field shown on the partner for the
# current company.
PROFILE_FIELDS = {
    "customer_first_order_date": "first_order_date",
    "customer_last_order_date": "last_order_date",
    "customer_days_since_last_order": "days_since_last_order",
    "customer_order_count": "order_count",
    "customer_revenue": "revenue",
    "customer_average_order_value": "average_order_value",
    "customer_lifetime_value": "lifetime_value",
    "customer_currency_id": "currency_id",
    "customer_rfm_score": "rfm_score",
    "customer_rfm_segment": "rfm_segment",
    "customer_value_class": "value_class",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_profile_ids = fields.One2many(
        "customer.profile", "partner_id", string="Customer Profiles", readonly=True
    )
    customer_event_ids = fields.One2many(
        "customer.event", "partner_id", string="Timeline", readonly=True
    )
    customer_profile_id = fields.Many2one(
        "customer.profile",
        string="Customer Profile",
        compute="_compute_customer_profile",
        search="_search_customer_profile_id",
        help="Facts of the commercial partner in the current company.",
    )
    customer_first_order_date = fields.Date(
        string="First Order", compute="_compute_customer_profile"
    )
    customer_last_order_date = fields.Date(string="Last Order", compute="_compute_customer_profile")
    customer_days_since_last_order = fields.Integer(
        string="Days Since Last Order", compute="_compute_customer_profile"
    )
    customer_order_count = fields.Integer(
        string="Confirmed Orders", compute="_compute_customer_profile"
    )
    customer_currency_id = fields.Many2one(
        "res.currency", string="Customer Currency", compute="_compute_customer_profile"
    )
    customer_revenue = fields.Monetary(
        string="Customer Revenue",
        currency_field="customer_currency_id",
        compute="_compute_customer_profile",
    )
    customer_average_order_value = fields.Monetary(
        string="Average Order Value",
        currency_field="customer_currency_id",
        compute="_compute_customer_profile",
    )
    customer_lifetime_value = fields.Monetary(
        string="Lifetime Value",
        currency_field="customer_currency_id",
        compute="_compute_customer_profile",
    )
    customer_rfm_score = fields.Char(string="RFM", compute="_compute_customer_profile")
    customer_rfm_segment = fields.Selection(
        selection=lambda self: self.env["customer.profile"]._fields["rfm_segment"].selection,
        string="RFM Segment",
        compute="_compute_customer_profile",
    )
    customer_value_class = fields.Selection(
        selection=lambda self: self.env["customer.profile"]._fields["value_class"].selection,
        string="Value Class",
        compute="_compute_customer_profile",
    )

    @api.depends("commercial_partner_id.customer_profile_ids")
    @api.depends_context("company")
    def _compute_customer_profile(self):
        profiles = self.env["customer.profile"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        by_partner = {profile.partner_id.id: profile for profile in profiles}
        empty = self.env["customer.profile"]
        for partner in self:
            profile = by_partner.get(partner.commercial_partner_id.id, empty)
            partner.customer_profile_id = profile
            for partner_field, profile_field in PROFILE_FIELDS.items():
                partner[partner_field] = profile[profile_field]

    def _search_customer_profile_id(self, operator, value):
        return [("commercial_partner_id.customer_profile_ids", operator, value)]

    def action_open_customer_timeline(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_relationship.customer_event_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_group_type": 0}
        return action

    def action_open_customer_profile(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "customer.profile",
            "res_id": self.customer_profile_id.id,
            "view_mode": "form",
        }
