from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestLoyaltyTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.ref("base.main_company")
        cls.program = cls.env["loyalty.program"].create(
            {
                "name": "Tour Club",
                "program_type": "loyalty",
                "trigger": "auto",
                "applies_on": "both",
                "company_id": company.id,
                "customer_membership": True,
                "rule_ids": [
                    Command.create(
                        {
                            "reward_point_mode": "money",
                            "reward_point_amount": 1,
                            "minimum_amount": 0,
                        }
                    )
                ],
                "reward_ids": [
                    Command.create({"reward_type": "discount", "required_points": 5000})
                ],
                "customer_tier_ids": [
                    Command.create({"name": "Tour Silver", "sequence": 1, "threshold": 0}),
                    Command.create(
                        {
                            "name": "Tour Gold",
                            "sequence": 2,
                            "threshold": 1000,
                            "multiplier": 1.5,
                            "color": 3,
                        }
                    ),
                ],
            }
        )
        cls.partner = cls.env["res.partner"].create(
            {"name": "Tour Member 林红", "email": "linhong@example.com"}
        )
        product = cls.env["product.product"].create(
            {"name": "Tour Tea", "type": "service", "list_price": 1200.0, "taxes_id": False}
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.partner.id,
                "company_id": company.id,
                "order_line": [
                    Command.create(
                        {"product_id": product.id, "product_uom_qty": 1, "tax_id": False}
                    )
                ],
            }
        )

    def test_enrol_confirm_and_see_tier(self):
        self.start_tour(
            f"/odoo/res.partner/{self.partner.id}", "customer_loyalty_enrol_tour", login="admin"
        )
        member = self.env["customer.loyalty.member"].search(
            [("partner_id", "=", self.partner.id), ("program_id", "=", self.program.id)]
        )
        self.assertEqual(member.tier_id.name, "Tour Silver")
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{self.order.id}",
            "customer_loyalty_confirm_tour",
            login="admin",
        )
        self.assertEqual(self.order.state, "sale")
        # what the order's commit starts: the refresh of the customer's facts
        self.env["customer.profile.queue"]._process()
        self.assertEqual(member.tier_id.name, "Tour Gold")
        self.start_tour(
            f"/odoo/res.partner/{self.partner.id}", "customer_loyalty_partner_tour", login="admin"
        )

    def test_portal_card_page(self):
        user = new_test_user(self.env, login="tour_member", groups="base.group_portal")
        member = self.env["customer.loyalty.member"].create(
            {"program_id": self.program.id, "partner_id": user.partner_id.id}
        )
        member.sudo().tier_id = self.program.customer_tier_ids[1]
        self.start_tour("/my", "customer_loyalty_portal_tour", login="tour_member")
