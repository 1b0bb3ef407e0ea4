import re

from odoo import models

# Terms of Odoo's standard titles in Chinese, used when the title has no
# translation loaded (they are Odoo's own zh_CN translations of the titles).
CHINESE_TITLES = {
    "base.res_partner_title_mister": "先生",
    "base.res_partner_title_madam": "女士",
    "base.res_partner_title_miss": "女士",
    "base.res_partner_title_doctor": "博士",
    "base.res_partner_title_prof": "教授",
}
# A name written in Chinese characters (no spaces): its first character is the
# family name.
CJK_NAME = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]+$")


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _customer_salutation(self):
        """The salutation of a personalised letter, in the partner's language.

        Chinese: 尊敬的 + full name + title (尊敬的王伟先生). Other languages:
        "Dear" + title shortcut + family name (Dear Mr. Wang), or "Dear" + full
        name without a title. Override ``_customer_salutation_chinese`` or
        ``_customer_salutation_western`` to change one rule.
        """
        self.ensure_one()
        lang = self.lang or self.env.lang or "en_US"
        partner = self.with_context(lang=lang)
        if lang.startswith("zh"):
            return partner._customer_salutation_chinese()
        return partner._customer_salutation_western()

    def _customer_salutation_chinese(self):
        name = (self.name or "").strip()
        return f"尊敬的{name}{self._customer_salutation_chinese_title()}"

    def _customer_salutation_chinese_title(self):
        title = self.title
        if not title or self.is_company:
            return ""
        translated = title.name
        if translated != title.with_context(lang="en_US").name:
            return translated
        for xmlid, term in CHINESE_TITLES.items():
            if title == self.env.ref(xmlid, raise_if_not_found=False):
                return term
        return translated

    def _customer_salutation_western(self):
        name = (self.name or "").strip()
        title = self.title
        if not title or self.is_company:
            return self.env._("Dear %(name)s", name=name)
        return self.env._(
            "Dear %(title)s %(name)s",
            title=title.shortcut or title.name,
            name=self._customer_family_name(),
        )

    def _customer_family_name(self):
        """The family name, as used after a title.

        A name in Chinese characters starts with it (王伟: 王); in a name of
        several words, a word in capitals is the family name (WANG Wei: Wang),
        otherwise the last word is (Wei Wang: Wang).
        """
        name = (self.name or "").strip()
        if CJK_NAME.match(name):
            return name[0]
        words = name.split()
        if len(words) < 2:
            return name
        capitals = [word for word in words if len(word) > 1 and word.isupper()]
        if len(capitals) == 1 and len(capitals) < len(words):
            return capitals[0].capitalize()
        return words[-1]
