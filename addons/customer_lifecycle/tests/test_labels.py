from odoo.tests import tagged

from odoo.addons.customer_relationship.tests.common import ChineseLabelsCase


@tagged("post_install", "-at_install")
class TestLabels(ChineseLabelsCase):
    """RFM segments and lifecycle stages share words (Loyal, New customer /
    忠诚客户, 新客户): wherever both show, each says which it is."""

    LABEL_MODULE = "customer_lifecycle"

    def _arch(self, model, view_type, lang):
        views = self.env[model].with_context(lang=lang).get_views([(False, view_type)])
        return views["views"][view_type]["arch"]

    def _strings(self, model, names, lang):
        fields = self.env[model].with_context(lang=lang).fields_get(names, ["string"])
        return [fields[name]["string"] for name in names]

    def test_cards(self):
        for lang, rfm, stage in (
            ("en_US", "RFM:", "Stage:"),
            # Chinese labels end with a full-width colon
            ("zh_CN", "RFM 分群：", "生命周期阶段："),  # noqa: RUF001
        ):
            with self.subTest(lang=lang):
                profile_card = self._arch("customer.profile", "kanban", lang)
                self.assertIn(rfm, profile_card)
                self.assertIn(stage, profile_card)
                self.assertIn(rfm, self._arch("customer.lifecycle.state", "kanban", lang))

    def test_fields_and_filters(self):
        for lang, rfm, stage in (
            ("en_US", "RFM Segment", "Lifecycle Stage"),
            ("zh_CN", "RFM 分群", "生命周期阶段"),
        ):
            with self.subTest(lang=lang):
                self.assertEqual(
                    self._strings("customer.profile", ["rfm_segment", "lifecycle_stage_id"], lang),
                    [rfm, stage],
                )
                self.assertEqual(
                    self._strings("customer.lifecycle.state", ["rfm_segment", "stage_id"], lang),
                    [rfm, stage],
                )
                self.assertEqual(
                    self._strings(
                        "res.partner", ["customer_rfm_segment", "customer_lifecycle_stage_id"], lang
                    ),
                    [rfm, stage],
                )
                state_search = self._arch("customer.lifecycle.state", "search", lang)
                self.assertIn(f'string="{stage}"', state_search)
        self.assertIn('string="RFM: Champions"', self._arch("customer.profile", "search", "en_US"))
        self.assertIn(
            'string="RFM 分群：冠军客户"',  # noqa: RUF001
            self._arch("customer.profile", "search", "zh_CN"),
        )
