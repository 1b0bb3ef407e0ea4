from odoo import api, fields, models

from .customer_roi_campaign_cost import MANAGER


class UtmCampaign(models.Model):
    _inherit = "utm.campaign"

    customer_roi_cost_ids = fields.One2many(
        "customer.roi.campaign.cost", "campaign_id", string="Costs", groups=MANAGER
    )
    customer_roi_cost = fields.Monetary(
        string="Total Cost",
        compute="_compute_customer_roi_cost",
        currency_field="customer_roi_currency_id",
        groups=MANAGER,
        help="The sum of the campaign's cost lines in the current company.",
    )
    customer_roi_currency_id = fields.Many2one(
        "res.currency", compute="_compute_customer_roi_cost", groups=MANAGER
    )

    @api.depends("customer_roi_cost_ids.amount")
    @api.depends_context("company")
    def _compute_customer_roi_cost(self):
        totals = dict(
            self.env["customer.roi.campaign.cost"]._read_group(
                [("campaign_id", "in", self.ids), ("company_id", "=", self.env.company.id)],
                ["campaign_id"],
                ["amount:sum"],
            )
        )
        for campaign in self:
            campaign.customer_roi_cost = totals.get(campaign, 0.0)
            campaign.customer_roi_currency_id = self.env.company.currency_id
