from odoo import fields, models

SETTINGS = (
    "insight_churn_weight_recency",
    "insight_churn_weight_trend",
    "insight_churn_weight_nps",
    "insight_churn_points_complaint",
    "insight_churn_default_interval",
    "insight_churn_period",
    "insight_churn_medium",
    "insight_churn_high",
    "insight_min_support",
    "insight_min_confidence",
    "insight_recommendation_count",
    "insight_nps_survey_id",
    "insight_nps_auto",
    "insight_nps_delay",
    "insight_nps_period",
    "insight_nps_activity_type_id",
    "insight_nps_activity_days",
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    insight_churn_weight_recency = fields.Float(
        related="company_id.insight_churn_weight_recency", readonly=False
    )
    insight_churn_weight_trend = fields.Float(
        related="company_id.insight_churn_weight_trend", readonly=False
    )
    insight_churn_points_complaint = fields.Integer(
        related="company_id.insight_churn_points_complaint", readonly=False
    )
    insight_churn_weight_nps = fields.Float(
        related="company_id.insight_churn_weight_nps", readonly=False
    )
    insight_churn_default_interval = fields.Integer(
        related="company_id.insight_churn_default_interval", readonly=False
    )
    insight_churn_period = fields.Integer(related="company_id.insight_churn_period", readonly=False)
    insight_churn_medium = fields.Integer(related="company_id.insight_churn_medium", readonly=False)
    insight_churn_high = fields.Integer(related="company_id.insight_churn_high", readonly=False)
    insight_min_support = fields.Float(related="company_id.insight_min_support", readonly=False)
    insight_min_confidence = fields.Float(
        related="company_id.insight_min_confidence", readonly=False
    )
    insight_recommendation_count = fields.Integer(
        related="company_id.insight_recommendation_count", readonly=False
    )
    insight_nps_survey_id = fields.Many2one(
        related="company_id.insight_nps_survey_id", readonly=False
    )
    insight_nps_auto = fields.Boolean(related="company_id.insight_nps_auto", readonly=False)
    insight_nps_delay = fields.Integer(related="company_id.insight_nps_delay", readonly=False)
    insight_nps_period = fields.Integer(related="company_id.insight_nps_period", readonly=False)
    insight_nps_activity_type_id = fields.Many2one(
        related="company_id.insight_nps_activity_type_id", readonly=False
    )
    insight_nps_activity_days = fields.Integer(
        related="company_id.insight_nps_activity_days", readonly=False
    )
