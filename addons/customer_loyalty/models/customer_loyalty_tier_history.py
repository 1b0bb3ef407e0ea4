from odoo import api, fields, models


class CustomerLoyaltyTierHistory(models.Model):
    _name = "customer.loyalty.tier.history"
    _description = "Membership Tier Change"
    _inherit = ["customer.audit.mixin"]
    _order = "date desc, id desc"

    member_id = fields.Many2one(
        "customer.loyalty.member", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(related="member_id.partner_id", store=True, string="Customer")
    program_id = fields.Many2one(related="member_id.program_id", store=True)
    company_id = fields.Many2one(related="member_id.company_id", store=True)
    from_tier_id = fields.Many2one("customer.loyalty.tier", string="From", ondelete="set null")
    to_tier_id = fields.Many2one("customer.loyalty.tier", string="To", ondelete="set null")
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    reason = fields.Selection(
        [
            ("upgrade", "Qualified"),
            ("review", "Tier review"),
            ("manual", "Manual"),
        ],
        required=True,
    )

    @api.depends("from_tier_id", "to_tier_id", "member_id")
    def _compute_display_name(self):
        for history in self:
            history.display_name = self.env._(
                "%(member)s: %(previous)s → %(new)s",
                member=history.member_id.partner_id.name or "",
                previous=history.from_tier_id.name or self.env._("no tier"),
                new=history.to_tier_id.name or self.env._("no tier"),
            )

    def _add_timeline_rows(self, dated=False):
        """A row on each member's customer timeline for these tier changes,
        dated now, or as the change itself when ``dated``."""
        self.env["customer.event"].sudo()._add_events(
            [
                {
                    "partner_id": history.member_id.partner_id.id,
                    "company_id": history.member_id.company_id.id,
                    "event_type": "loyalty_tier",
                    "res_model": history._name,
                    "res_id": history.id,
                    "name": history.display_name,
                    **({"date": fields.Datetime.to_datetime(history.date)} if dated else {}),
                }
                for history in self
            ]
        )
