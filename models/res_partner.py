from odoo import api, fields, models
from odoo.osv import expression

# Who reads the customer facts shown on contacts (see README.md, "Access
# rights by role"); other users see the contacts without them.
FACT_GROUPS = "customer_relationship.group_customer_user"

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
    "customer_recency_score": "recency_score",
    "customer_frequency_score": "frequency_score",
    "customer_monetary_score": "monetary_score",
    "customer_rfm_segment": "rfm_segment",
    "customer_value_class": "value_class",
}


def _fact_field(field_class, profile_field, *args, **kwargs):
    """A partner field showing ``profile_field`` of the current company's
    profile, searchable through that profile (see ``_search_customer_fact``)."""

    def search(records, operator, value):
        return records._search_customer_fact(profile_field, operator, value)

    search.__name__ = f"_search_customer_{profile_field}"
    return field_class(
        *args, compute="_compute_customer_profile", search=search, groups=FACT_GROUPS, **kwargs
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_company_size = fields.Selection(
        [
            ("micro", "1-9 employees"),
            ("small", "10-49 employees"),
            ("medium", "50-249 employees"),
            ("large", "250-999 employees"),
            ("enterprise", "1000+ employees"),
        ],
        string="Company Size",
        index=True,
        help="Number of employees of a company customer, for segmentation.",
    )
    customer_profile_ids = fields.One2many(
        "customer.profile",
        "partner_id",
        string="Customer Profiles",
        readonly=True,
        groups=FACT_GROUPS,
    )
    customer_event_ids = fields.One2many(
        "customer.event", "partner_id", string="Timeline", readonly=True, groups=FACT_GROUPS
    )
    customer_profile_id = fields.Many2one(
        "customer.profile",
        string="Customer Profile",
        compute="_compute_customer_profile",
        search="_search_customer_profile_id",
        groups=FACT_GROUPS,
        help="Facts of the commercial partner in the current company.",
    )
    customer_first_order_date = _fact_field(fields.Date, "first_order_date", string="First Order")
    customer_last_order_date = _fact_field(fields.Date, "last_order_date", string="Last Order")
    customer_days_since_last_order = _fact_field(
        fields.Integer, "days_since_last_order", string="Days Since Last Order"
    )
    customer_order_count = _fact_field(fields.Integer, "order_count", string="Confirmed Orders")
    customer_currency_id = fields.Many2one(
        "res.currency",
        string="Customer Currency",
        compute="_compute_customer_profile",
        groups=FACT_GROUPS,
    )
    customer_revenue = _fact_field(
        fields.Monetary,
        "revenue",
        string="Customer Revenue",
        currency_field="customer_currency_id",
    )
    customer_average_order_value = _fact_field(
        fields.Monetary,
        "average_order_value",
        string="Average Order Value",
        currency_field="customer_currency_id",
    )
    customer_lifetime_value = _fact_field(
        fields.Monetary,
        "lifetime_value",
        string="Lifetime Value",
        currency_field="customer_currency_id",
    )
    customer_rfm_score = fields.Char(
        string="RFM", compute="_compute_customer_profile", groups=FACT_GROUPS
    )
    customer_recency_score = _fact_field(fields.Integer, "recency_score", string="R Score")
    customer_frequency_score = _fact_field(fields.Integer, "frequency_score", string="F Score")
    customer_monetary_score = _fact_field(fields.Integer, "monetary_score", string="M Score")
    customer_rfm_segment = _fact_field(
        fields.Selection,
        "rfm_segment",
        selection=lambda self: self.env["customer.profile"]._fields["rfm_segment"].selection,
        string="RFM Segment",
    )
    customer_value_class = _fact_field(
        fields.Selection,
        "value_class",
        selection=lambda self: self.env["customer.profile"]._fields["value_class"].selection,
        string="Value Class",
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

    # Searching on the facts (segments, filters): a condition on the current
    # company's profile of the commercial partner. A partner without a profile
    # shows empty facts (0, not set) and matches when its empty value does, as
    # the field displays it: "Revenue < 100" includes partners who never bought.
    def _search_customer_fact(self, profile_field, operator, value):
        company = [("company_id", "=", self.env.company.id)]
        domain = [
            (
                "commercial_partner_id.customer_profile_ids",
                "any",
                [*company, (profile_field, operator, value)],
            )
        ]
        if self._customer_fact_matches_empty(profile_field, operator, value):
            no_profile = [("commercial_partner_id.customer_profile_ids", "not any", company)]
            domain = expression.OR([domain, no_profile])
        return domain

    def _customer_fact_matches_empty(self, profile_field, operator, value):
        """Whether a partner without a profile (empty facts) meets the condition."""
        field = self.env["customer.profile"]._fields[profile_field]
        empty = 0 if field.type in ("integer", "float", "monetary") else False
        if value is None:
            value = False
        if operator in ("=", "!="):
            equal = empty == value or (not empty and not value)
            return equal if operator == "=" else not equal
        if operator in ("in", "not in"):
            values = value if isinstance(value, (list, tuple, set)) else [value]
            found = any(empty == item or (not empty and not item) for item in values)
            return found if operator == "in" else not found
        if operator in ("<", "<=", ">", ">=") and isinstance(empty, int):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                return False
            return {
                "<": empty < value,
                "<=": empty <= value,
                ">": empty > value,
                ">=": empty >= value,
            }[operator]
        return operator in ("not like", "not ilike", "not =like", "not =ilike")

    @api.readonly
    def action_open_customer_timeline(self):
        self.env["customer.event"].check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_relationship.customer_event_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_group_type": 0}
        return action

    @api.readonly
    def action_open_customer_profile(self):
        self.env["customer.profile"].check_access("read")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "customer.profile",
            "res_id": self.customer_profile_id.id,
            "view_mode": "form",
        }
