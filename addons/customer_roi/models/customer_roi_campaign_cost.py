from odoo import api, fields, models
from odoo.exceptions import ValidationError

MANAGER = "customer_relationship.group_customer_manager"

COST_CATEGORIES = [
    ("advertising", "Advertising"),
    ("event", "Event"),
    ("content", "Content and design"),
    ("promotion", "Promotion and discounts"),
    ("acquisition", "Other acquisition cost"),
]


class CustomerRoiCampaignCost(models.Model):
    """A cost of a marketing campaign (营销活动成本): what the campaign's ROI,
    cost per lead and per acquired customer, the customer acquisition cost and
    the allocated campaign cost of the value ledger are made of."""

    _name = "customer.roi.campaign.cost"
    _description = "Campaign Cost"
    _order = "date desc, id desc"
    _check_company_auto = True

    campaign_id = fields.Many2one("utm.campaign", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, index=True, default=fields.Date.context_today)
    amount = fields.Monetary(
        required=True,
        help="What the campaign cost on this date, untaxed, in the company's currency.",
    )
    category = fields.Selection(COST_CATEGORIES, required=True, default="advertising")
    description = fields.Char()
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        index="btree_not_null",
        check_company=True,
        help="The sales team this spend acquires customers for: the dashboard filtered by "
        "this team counts it in the team's customer acquisition cost. Leave it empty for "
        "spend of the whole company.",
    )

    @api.constrains("amount")
    def _check_amount(self):
        for cost in self:
            if cost.amount < 0:
                raise ValidationError(
                    self.env._(
                        "The cost of campaign %(campaign)s on %(date)s is negative: "
                        "enter a cost of zero or more.",
                        campaign=cost.campaign_id.display_name,
                        date=cost.date,
                    )
                )
