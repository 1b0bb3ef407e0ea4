from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.customer_relationship.tests.common import ChineseLabelsCase


@tagged("post_install", "-at_install")
class TestLabels(ChineseLabelsCase):
    """The coupon compensation speaks Chinese: labels and refusals."""

    LABEL_MODULE = "customer_complaint_loyalty"

    def test_labels(self):
        zh = self.env(context={"lang": "zh_CN"})
        fields = zh["customer.complaint.compensation"].fields_get(
            ["coupon_program_id", "coupon_id", "compensation_type"], ["string", "selection"]
        )
        self.assertEqual(fields["coupon_program_id"]["string"], "优惠券计划")
        self.assertEqual(fields["coupon_id"]["string"], "优惠券")
        self.assertIn(
            ["coupon", "优惠券"], [list(item) for item in fields["compensation_type"]["selection"]]
        )
        compensation = zh["customer.complaint.compensation"].new(
            {"compensation_type": "coupon", "amount": 10.0}
        )
        with self.assertRaisesRegex(ValidationError, "优惠券补偿需要选择优惠券计划"):
            compensation._check_coupon_program()
