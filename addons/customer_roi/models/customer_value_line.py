from odoo import api, fields, models
from odoo.tools import SQL

# the ledger's line ids of allocated campaign costs: cost line x this + customer
ALLOCATION_KEY = 100_000_000


class CustomerValueLine(models.Model):
    """Allocated campaign cost: each campaign cost line is shared equally
    by the customers whose confirmed orders are attributed to the campaign
    in the cost's company (last touch: the order's campaign, or else its
    opportunity's), dated as the cost line. A campaign with no attributed
    customer yet allocates nothing (its cost still counts in the campaign's
    ROI and in the acquisition cost)."""

    _inherit = "customer.value.line"
    _depends = {
        "customer.roi.campaign.cost": ["amount", "campaign_id", "company_id", "date"],
        "sale.order": [
            "campaign_id",
            "company_id",
            "date_order",
            "opportunity_id",
            "partner_id",
            "state",
        ],
        "crm.lead": ["campaign_id"],
    }

    source = fields.Selection(
        selection_add=[("campaign_cost", "Allocated campaign cost")],
        ondelete={"campaign_cost": "cascade"},
    )

    @api.model
    def _value_line_sources(self):
        return [*super()._value_line_sources(), self._source_campaign_cost()]

    @api.model
    def _source_campaign_cost(self):
        customers = SQL(
            """
            SELECT campaign_id, company_id, partner_id,
                   COUNT(*) OVER (PARTITION BY campaign_id, company_id) AS shares
              FROM (SELECT DISTINCT a.campaign_id, a.company_id, a.partner_id
                      FROM (%s) a WHERE a.campaign_id IS NOT NULL) d
            """,
            self.env["customer.roi.dashboard"]._sql_attributed_orders(),
        )
        return self.env["customer.profile"]._sql_over_tables(
            {"c": "customer.roi.campaign.cost"},
            """
            SELECT %(c.id)s::bigint * %(key)s + x.partner_id AS line_id, x.partner_id,
                   %(c.company_id)s, %(c.date)s, 'campaign_cost' AS source, 0 AS revenue,
                   %(c.amount)s / x.shares AS cost,
                   'customer.roi.campaign.cost' AS res_model, %(c.id)s AS res_id
              FROM %(c)s c
              JOIN (%(customers)s) x
                ON x.campaign_id = %(c.campaign_id)s AND x.company_id = %(c.company_id)s
            """,
            key=ALLOCATION_KEY,
            customers=customers,
        )
