from odoo.tests import tagged

from odoo.addons.customer_relationship.tests.common import ChineseLabelsCase


@tagged("post_install", "-at_install")
class TestLabels(ChineseLabelsCase):
    """The complaint reports speak Chinese: their labels and the help of
    their empty views."""

    LABEL_MODULE = "customer_complaint"

    def test_report_labels_and_help(self):
        zh = self.env(context={"lang": "zh_CN"})
        rate = zh["customer.complaint.product.rate"].fields_get(["complaint_rate"], ["string"])
        self.assertEqual(rate["complaint_rate"]["string"], "投诉率(%)")
        pareto = zh["customer.complaint.cause.pareto"].fields_get(["cumulative_share"], ["string"])
        self.assertEqual(pareto["cumulative_share"]["string"], "累计占比(%)")
        for xmlid, paragraph in (
            ("customer_complaint_product_rate_action", "除以当月包含该产品的已确认订单数"),
            ("customer_complaint_cause_pareto_action", "累计达到 80% 的前几个原因即为关键少数"),
        ):
            with self.subTest(action=xmlid):
                action = self.env.ref(f"customer_complaint.{xmlid}").with_context(lang="zh_CN")
                self.assertIn(paragraph, action.help)
                self.assertNotIn("Complaints concerning", action.help)
                self.assertNotIn("Root causes sorted", action.help)
