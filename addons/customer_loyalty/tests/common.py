from odoo import Command

from odoo.addons.customer_relationship.tests.common import CustomerCommon


def membership_program_values(name, company, **values):
    """Values of a membership program of ``company``: one point per unit of
    currency spent, 0.05 per point, a 10% discount for 100 points."""
    return {
        "name": name,
        "program_type": "loyalty",
        "trigger": "auto",
        "applies_on": "both",
        "company_id": company.id,
        "customer_membership": True,
        "customer_point_value": 0.05,
        "rule_ids": [
            Command.create(
                {"reward_point_mode": "money", "reward_point_amount": 1, "minimum_amount": 0}
            )
        ],
        "reward_ids": [
            Command.create(
                {
                    "reward_type": "discount",
                    "discount_mode": "per_order",
                    "discount": 10,
                    "required_points": 100,
                }
            )
        ],
        **values,
    }


class LoyaltyCommon(CustomerCommon):
    """A membership program of the test company: one point per unit of
    currency spent, tiers Silver (0), Gold (1,000 points, x1.5) and
    Platinum (3,000 points, x2) over 12 months, points valid 12 months."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = cls.env["loyalty.program"].create(
            membership_program_values(
                "Test Club",
                cls.company,
                customer_tier_grace_months=1,
                customer_tier_period_months=12,
                customer_points_validity_months=12,
                customer_expiry_reminder_days=30,
            )
        )
        Tier = cls.env["customer.loyalty.tier"]
        cls.silver, cls.gold, cls.platinum = Tier.create(
            [
                {"program_id": cls.program.id, "name": "Silver", "sequence": 1, "threshold": 0},
                {
                    "program_id": cls.program.id,
                    "name": "Gold",
                    "sequence": 2,
                    "threshold": 1000,
                    "multiplier": 1.5,
                },
                {
                    "program_id": cls.program.id,
                    "name": "Platinum",
                    "sequence": 3,
                    "threshold": 3000,
                    "multiplier": 2.0,
                },
            ]
        )
        cls.Member = cls.env["customer.loyalty.member"]
        cls.Batch = cls.env["customer.loyalty.batch"]

    @classmethod
    def _member(cls, name, tier=None, **vals):
        partner = cls._customer(name, email=f"{name.lower().replace(' ', '.')}@example.com", **vals)
        member = cls.Member.create({"program_id": cls.program.id, "partner_id": partner.id})
        if tier:
            member.sudo().write({"tier_id": tier.id})
        return member

    def _batches(self, member, rows):
        """Batches of (earned, points, expiry) with the points on the card."""
        batches = self.Batch.sudo().create(
            [
                {
                    "card_id": member.card_id.id,
                    "member_id": member.id,
                    "program_id": self.program.id,
                    "partner_id": member.partner_id.id,
                    "company_id": self.company.id,
                    "kind": "adjustment",
                    "date": earned,
                    "expiry_date": expiry,
                    "base_points": points,
                    "points": points,
                }
                for earned, points, expiry in rows
            ]
        )
        member.card_id.sudo().points += sum(points for _earned, points, _expiry in rows)
        return batches

    def _refreshed(self, member):
        self._after_commit()
        member.invalidate_recordset()
        member.card_id.invalidate_recordset()
        return member
