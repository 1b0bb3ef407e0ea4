import datetime
import random

from odoo import api, fields, models


class CustomerLoyaltyDemo(models.AbstractModel):
    """Builds the membership demo; called from demo data only."""

    _name = "customer.loyalty.demo"
    _description = "Customer Loyalty Demo Loader"

    @api.model
    def _demo_setup(self):
        """Members in every tier, with points earned over the past year (some
        expired, some expiring within the month) and their tier history."""
        program = self.env.ref("customer_loyalty.demo_program")
        company = program.company_id
        partners = self.env["res.partner"].search(
            [("customer_rank", ">", 0), ("parent_id", "=", False)], order="id", limit=9
        )
        members = self.env["customer.loyalty.member"].sudo()._enrol(program, partners)
        rng = random.Random(11)
        today = fields.Date.context_today(self)
        # per member: a yearly budget of points, members in every tier
        budgets = [800, 1500, 4000, 6000, 12000, 15000, 2500, 20000, 8000]
        batch_values, history_values = [], []
        for member, budget in zip(members.sorted("id"), budgets, strict=False):
            for month in range(12, -1, -1):
                points = round(budget / 12 * rng.uniform(0.6, 1.4))
                earned = today - datetime.timedelta(days=30 * month + rng.randint(0, 20))
                expiry = earned + datetime.timedelta(days=365)
                history_values.append(
                    {
                        "card_id": member.card_id.id,
                        "issued": points,
                        "description": self.env._("Points of past purchases"),
                    }
                )
                batch_values.append(
                    {
                        "card_id": member.card_id.id,
                        "member_id": member.id,
                        "program_id": program.id,
                        "partner_id": member.partner_id.id,
                        "company_id": company.id,
                        "kind": "adjustment",
                        "date": earned,
                        "expiry_date": expiry,
                        "base_points": points,
                        "points": points,
                    }
                )
            earned = sum(v["points"] for v in batch_values if v["member_id"] == member.id)
            member.card_id.sudo().points += earned
            if earned < 2000:
                continue
            # a reward spent in spring
            member.card_id.sudo().points -= 1000
            history_values.append(
                {
                    "card_id": member.card_id.id,
                    "used": 1000,
                    "description": self.env._("Reward: 10 off your order"),
                }
            )
        self.env["loyalty.history"].sudo().create(history_values)
        self.env["customer.loyalty.batch"].sudo().create(batch_values)
        # the year's points expire, the members' tiers follow their points
        self.env["customer.loyalty.batch"].sudo()._expire(program)
        self.env["customer.loyalty.member"].sudo()._review_tiers(program)
        # an order of the first member, confirmed and awarded as any other
        member = members.sorted("id")[:1]
        product = self.env.ref("product.product_product_4", raise_if_not_found=False)
        if member and product:
            order = self.env["sale.order"].create(
                {
                    "partner_id": member.partner_id.id,
                    "company_id": company.id,
                    "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 2})],
                }
            )
            order.action_confirm()
            self.env["customer.loyalty.member"].sudo()._on_customers_refreshed(
                {(member.partner_id.id, company.id)}
            )
