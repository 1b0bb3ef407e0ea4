from odoo import Command
from odoo.tests import tagged

from odoo.addons.customer_complaint.tests.common import ComplaintTourCommon


@tagged("post_install", "-at_install")
class TestCouponTour(ComplaintTourCommon):
    """A customer files a complaint from the portal; the agent resolves it
    and proposes a coupon above the approval threshold; once a manager
    approves it, the customer holds the coupon."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = cls.env["loyalty.program"].create(
            {
                "name": "Tour Apology Coupons",
                "program_type": "coupons",
                "trigger": "with_code",
                "applies_on": "current",
                "company_id": cls.company.id,
                "rule_ids": [Command.create({})],
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount_mode": "per_point",
                            "discount": 0.5,
                            "required_points": 1,
                            "discount_applicability": "order",
                        }
                    )
                ],
            }
        )

    def test_coupon_proposed_by_the_agent_and_approved(self):
        complaint = self._file_complaint_from_portal()
        self._resolve_as_agent(complaint)
        self._tour_on(complaint, "customer_complaint_loyalty_coupon_tour", self.agent)
        compensation = complaint.complaint_compensation_ids
        self.assertEqual(len(compensation), 1)
        self.assertEqual(compensation.compensation_type, "coupon")
        self.assertEqual(compensation.coupon_program_id, self.program)
        self.assertEqual(compensation.state, "to_approve")
        self.assertEqual(compensation.amount, 600)
        self.assertFalse(compensation.coupon_id, "no coupon before the approval")
        self._tour_on(compensation, "customer_complaint_approve_tour", self.manager)
        self.assertEqual(compensation.state, "done")
        self.assertEqual(compensation.approver_id, self.manager)
        coupon = compensation.coupon_id
        self.assertEqual(coupon.program_id, self.program)
        self.assertEqual(coupon.partner_id, self.customer)
        # 600 at 0.5 per point
        self.assertEqual(coupon.points, 1200)
        self.assertEqual(compensation.cost, 600)
        self.assertEqual(complaint.complaint_compensation_cost, 600)
