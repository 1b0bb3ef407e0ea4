from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    customer_scoring_window = fields.Integer(
        string="Scoring Window (days)",
        default=365,
        help="RFM scores rank the customers who bought within this many days.",
    )
    customer_class_a_share = fields.Float(
        string="Class A Revenue Share (%)",
        default=80.0,
        help="Class A holds the customers making this share of revenue.",
    )
    customer_class_b_share = fields.Float(
        string="Class A+B Revenue Share (%)",
        default=95.0,
        help="Class B holds the customers making the revenue between the A share and this one.",
    )
    customer_clv_lifespan = fields.Float(
        string="Expected Customer Lifespan (years)",
        default=3.0,
        help="Lifetime value = annual revenue x expected lifespan x margin.",
    )
    customer_clv_margin = fields.Float(
        string="Margin for Lifetime Value (%)",
        default=100.0,
        help="Share of revenue counted as value; 100 gives a revenue-based lifetime value.",
    )

    # The same bounds as _check_customer_scoring_settings, kept by the
    # database for writes that bypass the ORM (imports by SQL, scripts).
    _sql_constraints = [
        (
            "customer_scoring_window_range",
            "CHECK (customer_scoring_window IS NOT NULL"
            " AND customer_scoring_window BETWEEN 1 AND 3650)",
            "The scoring window must be between 1 and 3650 days.",
        ),
        (
            "customer_class_shares_order",
            "CHECK (customer_class_a_share IS NOT NULL AND customer_class_b_share IS NOT NULL"
            " AND customer_class_a_share > 0"
            " AND customer_class_a_share < customer_class_b_share"
            " AND customer_class_b_share <= 100)",
            "Value class shares must satisfy 0 < A share < A+B share <= 100.",
        ),
        (
            "customer_clv_lifespan_range",
            "CHECK (customer_clv_lifespan IS NOT NULL"
            " AND customer_clv_lifespan > 0 AND customer_clv_lifespan <= 100)",
            "The expected customer lifespan must be more than 0 and at most 100 years.",
        ),
        (
            "customer_clv_margin_range",
            "CHECK (customer_clv_margin IS NOT NULL"
            " AND customer_clv_margin > 0 AND customer_clv_margin <= 100)",
            "The lifetime value margin must be more than 0% and at most 100%.",
        ),
    ]

    @api.constrains(
        "customer_scoring_window",
        "customer_class_a_share",
        "customer_class_b_share",
        "customer_clv_lifespan",
        "customer_clv_margin",
    )
    def _check_customer_scoring_settings(self):
        for company in self:
            if not 1 <= company.customer_scoring_window <= 3650:
                raise ValidationError(
                    self.env._(
                        "The scoring window must be between 1 and 3650 days, not %(days)s.",
                        days=company.customer_scoring_window,
                    )
                )
            a_share = company.customer_class_a_share
            b_share = company.customer_class_b_share
            if not 0 < a_share < b_share <= 100:
                raise ValidationError(
                    self.env._(
                        "Value class shares must satisfy 0 < A share < A+B share <= 100 "
                        "(got A %(a)s%%, A+B %(b)s%%).",
                        a=a_share,
                        b=b_share,
                    )
                )
            if not 0 < company.customer_clv_lifespan <= 100:
                raise ValidationError(
                    self.env._(
                        "The expected customer lifespan must be more than 0 and at most 100 years."
                    )
                )
            if not 0 < company.customer_clv_margin <= 100:
                raise ValidationError(
                    self.env._("The lifetime value margin must be more than 0% and at most 100%.")
                )
