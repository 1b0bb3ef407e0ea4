import datetime

from odoo import api, models
from odoo.tools import SQL


class CustomerRoiDemo(models.AbstractModel):
    """Attributes some of the demo history to the demo campaigns; called
    from demo data only. It changes no customer fact (a campaign and an
    opportunity on orders, a lead of no company), so no customer's
    lifecycle moves because of it."""

    _name = "customer.roi.demo"
    _description = "Customer ROI Demo Loader"

    @api.model
    def _demo_attribute(self, plans):
        """``plans``: [partner xmlid, 'first' or 'last' order, campaign xmlid,
        through an opportunity (bool)]. An opportunity is created 12 days
        before the order, with the campaign, and the order points to it;
        otherwise the order gets the campaign itself."""
        for partner_xmlid, which, campaign_xmlid, through_opportunity in plans:
            partner = self.env.ref(partner_xmlid)
            campaign = self.env.ref(campaign_xmlid)
            orders = self.env["sale.order"].search(
                [("partner_id", "child_of", partner.id), ("state", "=", "sale")],
                order="date_order asc, id asc" if which == "first" else "date_order desc, id desc",
                limit=1,
            )
            if not orders:
                continue
            if not through_opportunity:
                orders.campaign_id = campaign
                continue
            lead = self.env["crm.lead"].create(
                {
                    "name": f"{campaign.title}: {partner.name}",
                    "type": "opportunity",
                    "partner_id": partner.id,
                    "campaign_id": campaign.id,
                    "user_id": orders.user_id.id,
                    # a lead of no company: shared, and no customer's facts change
                    "company_id": False,
                }
            )
            lead.flush_recordset()
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET create_date = %s WHERE id = %s",
                    SQL.identifier(lead._table),
                    orders.date_order - datetime.timedelta(days=12),
                    lead.id,
                )
            )
            lead.invalidate_recordset(["create_date"])
            orders.opportunity_id = lead
