from odoo.tests import tagged

from odoo.addons.customer_relationship.tests.common import ChineseLabelsCase


@tagged("post_install", "-at_install")
class TestLabels(ChineseLabelsCase):
    """The ROI reports speak Chinese: labels, figures and the demo campaigns."""

    LABEL_MODULE = "customer_roi"

    def test_labels(self):
        zh = self.env(context={"lang": "zh_CN"})
        fields = zh["customer.roi.customer.report"].fields_get(["cost_to_serve"], ["string"])
        self.assertEqual(fields["cost_to_serve"]["string"], "服务成本")
        labels = {
            key: label for key, label, *_rest in zh["customer.roi.dashboard"]._kpi_definitions()
        }
        self.assertEqual(labels["retention_rate"], "客户留存率")
        self.assertEqual(labels["repeat_purchase_rate"], "重复购买率")
        self.assertEqual(labels["acquisition_cost"], "客户获取成本")
        classes = zh["customer.roi.dashboard"]._class_labels()
        self.assertEqual(
            sorted(classes.values()),
            sorted(["最具价值客户", "最具成长性客户", "低于边际成本客户", "其他"]),
        )

    def test_demo_campaign(self):
        campaign = self.env.ref("customer_roi.demo_campaign_tea_fair")
        self.assertEqual(campaign.with_context(lang="zh_CN").title, "春季茶博会")
