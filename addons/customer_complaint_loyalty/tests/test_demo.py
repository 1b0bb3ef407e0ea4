from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestCouponDemo(TransactionCase):
    """The demo's coupon compensation (the test database is installed with
    demo data): granted without any mail, so without rendering the coupon's
    PDF, which a server without a PDF renderer cannot do."""

    def test_demo_coupon_granted_without_mail(self):
        program = self.env.ref("customer_complaint_loyalty.loyalty_program_complaint_coupons")
        self.assertFalse(
            program.communication_plan_ids.filtered(lambda plan: plan.trigger == "create"),
            "the demo program sends nothing when a coupon is created",
        )
        compensation = self.env["customer.complaint.compensation"].search(
            [("compensation_type", "=", "coupon"), ("coupon_program_id", "=", program.id)]
        )
        self.assertEqual(len(compensation), 1)
        self.assertEqual(compensation.state, "done")
        coupon = compensation.coupon_id
        self.assertEqual(coupon.program_id, program)
        self.assertEqual(coupon.partner_id, compensation.partner_id)
        self.assertEqual(coupon.points, 30)
        self.assertFalse(
            self.env["mail.mail"].search(
                [("model", "=", "loyalty.card"), ("res_id", "=", coupon.id)]
            )
        )
