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

        The words and their order come from two translatable patterns, one
        for a partner with a title (``"Dear %(title)s %(family_name)s"``: Dear
        Mr. Wang) and one without (``"Dear %(name)s"``), whose placeholders
        are given by ``_customer_salutation_values``. Each language puts them
        in its own order in its translation (zh_CN: full name, then title);
        a language's translation of the patterns is all it takes.
        """
        self.ensure_one()
        partner = self.with_context(lang=self.lang or self.env.lang or "en_US")
        values = partner._customer_salutation_values()
        if values["title"]:
            return partner.env._("Dear %(title)s %(family_name)s", **values)
        return partner.env._("Dear %(name)s", **values)

    def _customer_salutation_values(self):
        """The placeholders of the salutation patterns, in the language of
        the environment: ``name`` (the full name), ``family_name`` (see
        ``_customer_family_name``) and ``title`` (see
        ``_customer_salutation_title``; empty for companies and partners
        without a title). Extend it to offer a pattern more placeholders."""
        self.ensure_one()
        return {
            "name": (self.name or "").strip(),
            "family_name": self._customer_family_name(),
            "title": self._customer_salutation_title(),
        }

    def _customer_salutation_title(self):
        """The title as written in a salutation in the environment's
        language: its term in Chinese (先生, see
        ``_customer_salutation_chinese_title``), its shortcut elsewhere
        (Mr.), or its name when it has no shortcut."""
        title = self.title
        if not title or self.is_company:
            return ""
        if (self.env.lang or "").startswith("zh"):
            return self._customer_salutation_chinese_title()
        return title.shortcut or title.name

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
