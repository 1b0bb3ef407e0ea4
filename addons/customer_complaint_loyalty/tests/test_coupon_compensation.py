from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.customer_complaint.tests.common import ComplaintCommon


@tagged("post_install", "-at_install")
class TestCouponCompensation(ComplaintCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.complaint_approval_threshold = 100
        cls.program = cls._coupon_program(cls.company, value_per_point=0.5)

    @classmethod
    def _coupon_program(cls, company, value_per_point, name="Sorry Coupons"):
        return cls.env["loyalty.program"].create(
            {
                "name": name,
                "program_type": "coupons",
                "trigger": "with_code",
                "applies_on": "current",
                "company_id": company.id,
                "rule_ids": [Command.create({})],
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount_mode": "per_point",
                            "discount": value_per_point,
                            "required_points": 1,
                            "discount_applicability": "order",
                        }
                    )
                ],
            }
        )

    def _compensation(self, amount, program=None, complaint=None):
        complaint = complaint or self._complaint(order=self.order)
        return (
            self.env["customer.complaint.compensation"]
            .with_user(self.agent)
            .create(
                {
                    "ticket_id": complaint.id,
                    "compensation_type": "coupon",
                    "amount": amount,
                    "coupon_program_id": (program or self.program).id,
                }
            )
        )

    def _coupons(self, program=None):
        return self.env["loyalty.card"].search([("program_id", "=", (program or self.program).id)])

    def test_approval_generates_one_coupon_for_the_customer(self):
        compensation = self._compensation(150)
        # 150 at 0.5 per point
        self.assertEqual(compensation.coupon_points, 300)
        compensation.action_submit()
        self.assertEqual(compensation.state, "to_approve")
        self.assertFalse(self._coupons(), "no coupon before the approval")
        compensation.with_user(self.manager).action_approve()
        coupon = self._coupons()
        self.assertEqual(len(coupon), 1)
        self.assertEqual(compensation.coupon_id, coupon)
        self.assertEqual(coupon.partner_id, self.customer)
        self.assertEqual(coupon.points, 300)
        self.assertEqual(coupon.company_id, self.company)
        self.assertEqual(coupon.history_ids.issued, 300)
        self.assertIn(compensation.ticket_id.display_name, coupon.history_ids.description)
        self.assertEqual(compensation.cost, 150)
        ledger = self.env["customer.value.line"].search(
            [("res_model", "=", compensation._name), ("res_id", "=", compensation.id)]
        )
        self.assertEqual(ledger.mapped("cost"), [150])
        self.assertEqual(ledger.partner_id, self.customer)
        self.assertEqual(ledger.source, "complaint_compensation")

    def test_approving_again_creates_no_second_coupon(self):
        compensation = self._compensation(150)
        compensation.action_submit()
        compensation.with_user(self.manager).action_approve()
        coupon = compensation.coupon_id
        with self.assertRaises(UserError):
            compensation.with_user(self.manager).action_approve()
        # granting again (as the approval does) keeps the coupon it made
        compensation.sudo()._grant()
        self.assertEqual(self._coupons(), coupon)
        self.assertEqual(compensation.coupon_id, coupon)
        self.assertEqual(coupon.points, 300)

    def test_below_threshold_granted_at_once(self):
        compensation = self._compensation(40)
        compensation.action_submit()
        self.assertEqual(compensation.state, "done")
        self.assertEqual(compensation.coupon_id.points, 80)
        self.assertEqual(compensation.coupon_id.partner_id, self.customer)

    def test_refused_compensation_creates_no_coupon(self):
        compensation = self._compensation(150)
        compensation.action_submit()
        compensation.with_user(self.manager).action_refuse("Not our fault")
        self.assertEqual(compensation.state, "refused")
        self.assertFalse(compensation.coupon_id)
        self.assertFalse(self._coupons())
        self.assertFalse(
            self.env["customer.value.line"].search(
                [("res_model", "=", compensation._name), ("res_id", "=", compensation.id)]
            )
        )

    def test_program_of_another_company_refused(self):
        other = self._other_company("Other Coupon Co")
        program = self._coupon_program(other, value_per_point=1, name="Other Coupons")
        complaint = self._complaint(order=self.order)
        with self.assertRaises(ValidationError) as caught:
            self._compensation(50, program=program, complaint=complaint)
        message = str(caught.exception)
        self.assertIn("Other Coupons", message)
        self.assertIn("Other Coupon Co", message)
        self.assertIn(self.company.name, message)
        self.assertFalse(complaint.complaint_compensation_ids)
        self.assertFalse(self._coupons(program))

    def test_program_without_value_per_point_refused(self):
        program = self._coupon_program(self.company, value_per_point=1, name="Ten Percent")
        program.reward_ids.write({"discount_mode": "percent", "discount": 10})
        with self.assertRaises(ValidationError) as caught:
            self._compensation(50, program=program)
        self.assertIn("no discount per point", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            self.env["customer.complaint.compensation"].create(
                {
                    "ticket_id": self._complaint(order=self.order).id,
                    "compensation_type": "coupon",
                    "amount": 50,
                }
            )
        self.assertIn("needs a coupon program", str(caught.exception))

    def test_coupon_is_written_by_the_approval_only(self):
        compensation = self._compensation(150)
        coupon = self.env["loyalty.card"].create(
            {"program_id": self.program.id, "partner_id": self.customer.id, "points": 1000}
        )
        with self.assertRaises(AccessError):
            compensation.with_user(self.agent).write({"coupon_id": coupon.id})
        self.assertFalse(compensation.coupon_id)

    def test_form_offers_the_programs_of_the_company(self):
        complaint = self._complaint(order=self.order)
        with Form(self.env["customer.complaint.compensation"].with_user(self.agent)) as form:
            form.ticket_id = complaint
            form.compensation_type = "coupon"
            form.amount = 30
            form.coupon_program_id = self.program
            self.assertEqual(form.coupon_points, 60)
        self.assertEqual(form.record.coupon_program_id, self.program)
