from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import roi as engine

MANAGER = "customer_relationship.group_customer_manager"


class CustomerRoiTarget(models.Model):
    """A salesperson's targets for a period (业绩评估), set by managers, and
    the actuals of the same period, read as the dashboard reads them."""

    _name = "customer.roi.target"
    _description = "Salesperson Target"
    _order = "date_from desc, user_id"
    _check_company_auto = True

    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        required=True,
        index=True,
        domain="[('share', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    new_customers_target = fields.Integer(string="New Customers Target")
    revenue_target = fields.Monetary(string="Revenue Target")
    retention_target = fields.Float(
        string="Retention Target",
        help="Share of the salesperson's customers of the previous period who buy again "
        "(0.8 for 80%).",
    )
    new_customers_actual = fields.Integer(
        string="New Customers",
        compute="_compute_actuals",
        help="Customers whose first order is in the period, with an order of the "
        "salesperson in it.",
    )
    revenue_actual = fields.Monetary(
        string="Revenue",
        compute="_compute_actuals",
        help="Untaxed amount of the salesperson's confirmed orders of the period.",
    )
    retention_actual = fields.Float(
        string="Retention",
        compute="_compute_actuals",
        help="Customers who bought from the salesperson in the previous period and again "
        "in this one, divided by those of the previous period.",
    )
    revenue_achievement = fields.Float(
        string="Revenue Achieved",
        compute="_compute_actuals",
        help="Revenue / revenue target.",
    )
    new_customers_achievement = fields.Float(
        string="New Customers Achieved",
        compute="_compute_actuals",
        help="New customers / new customers target.",
    )

    _sql_constraints = [
        (
            "targets_positive",
            "CHECK(new_customers_target >= 0 AND revenue_target >= 0 AND retention_target >= 0"
            " AND retention_target <= 1)",
            "Targets cannot be negative, and a retention target is at most 100%.",
        ),
    ]

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for target in self:
            if target.date_to < target.date_from:
                raise ValidationError(
                    self.env._(
                        "The target of %(user)s ends on %(end)s, before it starts "
                        "(%(start)s): choose an end date on or after the start date.",
                        user=target.user_id.display_name,
                        start=target.date_from,
                        end=target.date_to,
                    )
                )

    @api.depends("user_id", "company_id", "date_from", "date_to")
    @api.depends_context("uid")
    def _compute_actuals(self):
        dashboard = self.env["customer.roi.dashboard"]
        for target in self:
            if not (target.user_id and target.date_from and target.date_to) or (
                target.date_to < target.date_from
            ):
                target.update(
                    {
                        "new_customers_actual": 0,
                        "revenue_actual": 0,
                        "retention_actual": 0,
                        "revenue_achievement": 0,
                        "new_customers_achievement": 0,
                    }
                )
                continue
            kpis = dashboard._kpis(
                dashboard._kpi_values(
                    target.company_id.ids,
                    target.date_from,
                    target.date_to,
                    user_id=target.user_id.id,
                )
            )
            target.new_customers_actual = kpis["new_customers"]
            target.revenue_actual = kpis["revenue"]
            target.retention_actual = kpis["retention_rate"] or 0.0
            target.revenue_achievement = engine.ratio(kpis["revenue"], target.revenue_target) or 0.0
            target.new_customers_achievement = (
                engine.ratio(kpis["new_customers"], target.new_customers_target) or 0.0
            )
