from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import CustomerCommon


@tagged("post_install", "-at_install")
class TestSettings(CustomerCommon):
    def _settings(self, **values):
        settings = Form(self.env["res.config.settings"])
        for name, val in values.items():
            setattr(settings, name, val)
        return settings.save()

    def assertRefused(self, message, **values):
        before = self.company.read(list(values))[0]
        with self.assertRaisesRegex(ValidationError, message), self.env.cr.savepoint():
            self._settings(**values).execute()
        self.env.invalidate_all()
        self.assertEqual(self.company.read(list(values))[0], before, "nothing changed")

    def test_defaults(self):
        settings = self._settings()
        self.assertEqual(settings.customer_scoring_window, 365)
        self.assertEqual(
            (settings.customer_class_a_share, settings.customer_class_b_share), (80.0, 95.0)
        )

    def test_valid_change(self):
        self._settings(customer_scoring_window=180, customer_class_a_share=70).execute()
        self.assertEqual(self.company.customer_scoring_window, 180)
        self.assertEqual(self.company.customer_class_a_share, 70.0)

    def test_negative_window_refused(self):
        self.assertRefused("scoring window", customer_scoring_window=-30)

    def test_shares_out_of_order_refused(self):
        self.assertRefused(
            "A share < A\\+B share",
            customer_class_a_share=90,
            customer_class_b_share=85,
        )

    def test_share_over_hundred_refused(self):
        self.assertRefused("A share < A\\+B share", customer_class_b_share=120)

    def test_lifespan_and_margin_refused(self):
        self.assertRefused("lifespan", customer_clv_lifespan=0)
        self.assertRefused("margin", customer_clv_margin=-5)

    def test_message_in_user_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["customer_relationship"], ["zh_CN"])
        company = self.company.with_context(lang="zh_CN")
        with self.assertRaisesRegex(ValidationError, "评分窗口"), self.env.cr.savepoint():
            company.customer_scoring_window = 0
            company.flush_recordset()
