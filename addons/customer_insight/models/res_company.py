from odoo import api, fields, models
from odoo.exceptions import ValidationError

CHURN_WEIGHT_FIELDS = (
    "insight_churn_weight_recency",
    "insight_churn_weight_trend",
    "insight_churn_weight_nps",
)


class ResCompany(models.Model):
    _inherit = "res.company"

    # churn risk
    insight_churn_weight_recency = fields.Float(
        string="Churn Weight: Overdue",
        default=60.0,
        help="Weight of the days since the last order compared with the customer's "
        "usual interval between orders.",
    )
    insight_churn_weight_trend = fields.Float(
        string="Churn Weight: Order Value Trend",
        default=25.0,
        help="Weight of the fall of order value in the last period against the one before.",
    )
    insight_churn_weight_nps = fields.Float(
        string="Churn Weight: NPS",
        default=15.0,
        help="Weight of the customer's last NPS answer (detractor: full, passive: half).",
    )
    insight_churn_points_complaint = fields.Integer(
        string="Churn Points: Complaints",
        default=20,
        help="Points added to the churn risk (up to 100) of a customer with an open "
        "complaint; half of them when none is open but the complaints were rated below 3 "
        "of 5 on average. Read from the customer facts of the complaint module, when it "
        "is installed.",
    )
    insight_churn_default_interval = fields.Integer(
        string="Usual Interval of One-Order Customers",
        default=90,
        help="Days between orders assumed for customers with a single order.",
    )
    insight_churn_period = fields.Integer(
        string="Churn Period (Days)",
        default=180,
        help="Length of the periods whose order value is compared for the trend, and of "
        "the period without orders that counts as churned in the backtest.",
    )
    insight_churn_medium = fields.Integer(
        string="Medium Risk From", default=40, help="Score from which the risk is medium."
    )
    insight_churn_high = fields.Integer(
        string="High Risk From", default=70, help="Score from which the risk is high."
    )
    # cross-sell
    insight_min_support = fields.Float(
        string="Minimum Support",
        default=0.01,
        digits=(16, 4),
        help="Share of all confirmed orders that must hold both products of a rule (0 to 1).",
    )
    insight_min_confidence = fields.Float(
        string="Minimum Confidence",
        default=0.1,
        digits=(16, 4),
        help="Share of the orders with the first product that also hold the second (0 to 1).",
    )
    insight_recommendation_count = fields.Integer(string="Recommendations per Customer", default=5)
    # NPS
    insight_nps_survey_id = fields.Many2one(
        "survey.survey",
        string="NPS Survey",
        help="The survey whose 0-10 question gives the NPS answers.",
    )
    insight_nps_auto = fields.Boolean(
        string="Send NPS Survey After Orders",
        help="Invite customers to the NPS survey some days after an order is invoiced.",
    )
    insight_nps_delay = fields.Integer(
        string="NPS Survey Delay (Days)",
        default=7,
        help="Days after the order's date before the survey is sent.",
    )
    insight_nps_period = fields.Integer(
        string="NPS Survey Period (Days)",
        default=90,
        help="A customer is invited at most once in this many days.",
    )
    insight_nps_activity_type_id = fields.Many2one(
        "mail.activity.type",
        string="Detractor Activity",
        default=lambda self: self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False),
        help="Activity planned for the salesperson when a customer answers 0 to 6.",
    )
    insight_nps_activity_days = fields.Integer(string="Detractor Activity Delay (Days)", default=2)
    insight_nps_segment_id = fields.Many2one(
        "customer.segment",
        string="NPS Segment After Orders",
        readonly=True,
        ondelete="set null",
        help="The segment of the customers due for the NPS survey: the automatic "
        "invitations are its mailings. Created by the first automatic run.",
    )

    _sql_constraints = [
        (
            "insight_churn_weights_positive",
            "CHECK (insight_churn_weight_recency >= 0 AND insight_churn_weight_trend >= 0"
            " AND insight_churn_weight_nps >= 0"
            " AND insight_churn_weight_recency + insight_churn_weight_trend"
            " + insight_churn_weight_nps > 0)",
            "Churn weights cannot be negative, and at least one must be positive.",
        ),
        (
            "insight_churn_points_complaint_range",
            "CHECK (insight_churn_points_complaint BETWEEN 0 AND 100)",
            "Churn points of complaints must be between 0 and 100.",
        ),
        (
            "insight_churn_bands_order",
            "CHECK (0 < insight_churn_medium AND insight_churn_medium < insight_churn_high"
            " AND insight_churn_high <= 100)",
            "Churn bands must satisfy 0 < medium < high <= 100.",
        ),
        (
            "insight_churn_days_positive",
            "CHECK (insight_churn_default_interval > 0 AND insight_churn_period > 0)",
            "The usual interval and the churn period must be positive numbers of days.",
        ),
        (
            "insight_rule_thresholds_range",
            "CHECK (insight_min_support > 0 AND insight_min_support <= 1"
            " AND insight_min_confidence >= 0 AND insight_min_confidence <= 1"
            " AND insight_recommendation_count BETWEEN 1 AND 50)",
            "Minimum support must be in (0, 1], minimum confidence in [0, 1] and the "
            "number of recommendations between 1 and 50.",
        ),
        (
            "insight_nps_days_positive",
            "CHECK (insight_nps_delay >= 0 AND insight_nps_period > 0"
            " AND insight_nps_activity_days >= 0)",
            "NPS survey delays and period must be positive numbers of days.",
        ),
    ]

    @api.constrains(*CHURN_WEIGHT_FIELDS)
    def _check_insight_churn_weights(self):
        for company in self:
            weights = [company[name] for name in CHURN_WEIGHT_FIELDS]
            if any(weight < 0 for weight in weights):
                raise ValidationError(
                    self.env._(
                        "Churn weights cannot be negative (company %(company)s).",
                        company=company.name,
                    )
                )
            if not sum(weights):
                raise ValidationError(
                    self.env._(
                        "At least one churn weight must be positive (company %(company)s).",
                        company=company.name,
                    )
                )

    @api.constrains("insight_churn_points_complaint")
    def _check_insight_churn_points_complaint(self):
        for company in self:
            if not 0 <= company.insight_churn_points_complaint <= 100:
                raise ValidationError(
                    self.env._(
                        "Churn points of complaints must be between 0 and 100 "
                        "(company %(company)s).",
                        company=company.name,
                    )
                )

    @api.constrains(
        "insight_churn_medium",
        "insight_churn_high",
        "insight_churn_default_interval",
        "insight_churn_period",
    )
    def _check_insight_churn_bands(self):
        for company in self:
            if not 0 < company.insight_churn_medium < company.insight_churn_high <= 100:
                raise ValidationError(
                    self.env._(
                        "Churn bands must satisfy 0 < medium (%(medium)s) < high (%(high)s) "
                        "<= 100.",
                        medium=company.insight_churn_medium,
                        high=company.insight_churn_high,
                    )
                )
            if company.insight_churn_default_interval <= 0 or company.insight_churn_period <= 0:
                raise ValidationError(
                    self.env._(
                        "The usual interval and the churn period must be positive numbers of days."
                    )
                )

    @api.constrains("insight_min_support", "insight_min_confidence", "insight_recommendation_count")
    def _check_insight_rule_thresholds(self):
        for company in self:
            if not 0 < company.insight_min_support <= 1:
                raise ValidationError(
                    self.env._(
                        "The minimum support is a share of orders between 0 and 1, not %(value)s.",
                        value=company.insight_min_support,
                    )
                )
            if not 0 <= company.insight_min_confidence <= 1:
                raise ValidationError(
                    self.env._(
                        "The minimum confidence is a share of orders between 0 and 1, not "
                        "%(value)s.",
                        value=company.insight_min_confidence,
                    )
                )
            if not 1 <= company.insight_recommendation_count <= 50:
                raise ValidationError(
                    self.env._("Recommendations per customer must be between 1 and 50.")
                )

    @api.constrains("insight_nps_delay", "insight_nps_period", "insight_nps_activity_days")
    def _check_insight_nps_days(self):
        for company in self:
            if (
                company.insight_nps_delay < 0
                or company.insight_nps_period <= 0
                or company.insight_nps_activity_days < 0
            ):
                raise ValidationError(
                    self.env._("NPS survey delays and period must be positive numbers of days.")
                )

    def _insight_nps_due_segment(self):
        """The company's segment of the customers due for the NPS survey
        (created when missing)."""
        self.ensure_one()
        company = self.sudo()
        if not company.insight_nps_segment_id:
            company.insight_nps_segment_id = (
                self.env["customer.segment"]
                .sudo()
                .create(
                    {
                        "name": self.env._("Due for the NPS survey"),
                        "company_id": self.id,
                        "domain": "[('customer_nps_due', '=', True)]",
                        "description": self.env._(
                            "Customers with an order invoiced the NPS survey delay ago, not "
                            "invited within the NPS period: the automatic NPS invitations are "
                            "this segment's mailings."
                        ),
                    }
                )
            )
        return company.insight_nps_segment_id.with_env(self.env)
