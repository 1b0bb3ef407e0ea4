from odoo.tests import tagged

from odoo.addons.customer_relationship.tests.common import ChineseLabelsCase


@tagged("post_install", "-at_install")
class TestLabels(ChineseLabelsCase):
    """The NPS invitations and the NPS per segment speak Chinese."""

    LABEL_MODULE = "customer_insight"

    def test_nps_labels(self):
        zh = self.env(context={"lang": "zh_CN"})
        mailings = zh["customer.segment.mailing"]
        self.assertEqual(
            mailings._skip_summary_text({"no_email": 1, "insight_nps_recent": 2}),
            "1 位无电子邮件, 2 位在周期内已受邀参加 NPS 调查",
        )
        reasons = dict(
            zh["customer.segment.mailing.line"]._fields["skip_reason"]._description_selection(zh)
        )
        self.assertEqual(reasons["insight_nps_same_customer"], "同一客户的其他联系人已受邀")
        self.assertEqual(reasons["insight_nps_recent"], "周期内已受邀参加 NPS 调查")
        fields = zh["customer.nps.report"].fields_get(["segment_ids"], ["string"])
        self.assertEqual(fields["segment_ids"]["string"], "细分")
