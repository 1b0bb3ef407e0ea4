from odoo.tests import tagged

from odoo.addons.customer_relationship.tests.common import ChineseLabelsCase


@tagged("post_install", "-at_install")
class TestLabels(ChineseLabelsCase):
    """The membership speaks Chinese: labels, the demo tiers, the mails."""

    LABEL_MODULE = "customer_loyalty"

    def test_labels_and_demo_tiers(self):
        zh = self.env(context={"lang": "zh_CN"})
        fields = zh["customer.loyalty.member"].fields_get(["tier_id", "points"], ["string"])
        self.assertEqual(fields["tier_id"]["string"], "会员等级")
        self.assertEqual(fields["points"]["string"], "积分余额")
        tiers = zh["customer.loyalty.tier"].browse(
            [
                self.env.ref(f"customer_loyalty.demo_tier_{code}").id
                for code in ("silver", "gold", "platinum")
            ]
        )
        self.assertEqual(tiers.mapped("name"), ["银卡", "金卡", "白金卡"])
        report = zh["customer.loyalty.member.tier.report"].fields_get(["date", "member_count"])
        self.assertEqual(report["date"]["string"], "月份")
        program = zh["loyalty.program"].fields_get(["customer_condition_enrol"], ["string"])
        self.assertEqual(program["customer_condition_enrol"]["string"], "符合条件自动入会")
        batch = zh["customer.loyalty.batch"].fields_get(["removed_points"], ["string"])
        self.assertEqual(batch["removed_points"]["string"], "已扣积分")

    def test_tier_mail_in_chinese(self):
        template = self.env.ref("customer_loyalty.mail_template_tier_change")
        body = template.with_context(lang="zh_CN").body_html
        self.assertIn("您的积分余额为", body)
        self.assertIn("尊敬的王伟先生", body)
