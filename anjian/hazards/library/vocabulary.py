"""The names a standard file may use: domains (适用领域) and industries (监管行业).

Industries are the default 监管行业 (``anjian/regions/defaults.py``) plus any an
administrator added; a file may name them by code or by Chinese name. The data
migration uses the defaults only (it runs before any industry row exists).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from anjian.hazards.choices import StandardDomain
from anjian.regions.defaults import INDUSTRIES
from anjian.regions.models import Industry


@dataclass
class Vocabulary:
    industries: dict[str, str] = field(default_factory=dict)  # code → Chinese name

    @classmethod
    def defaults(cls) -> "Vocabulary":
        return cls({industry.code: industry.name for industry in INDUSTRIES})

    @classmethod
    def current(cls) -> "Vocabulary":
        """The defaults and every industry in the database (active or not)."""
        vocabulary = cls.defaults()

        vocabulary.industries.update(Industry.objects.values_list("code", "name"))
        return vocabulary

    # --- domains ------------------------------------------------------------------------

    @staticmethod
    def domain(raw: str) -> str | None:
        """The domain value for a value or its Chinese label (also the label's short form)."""
        text = raw.strip()
        for value, label in StandardDomain.choices:
            label = str(label)
            if text.lower() == value or text in (label, label.split("（")[0]):
                return value
        return None

    @staticmethod
    def domain_hint() -> str:
        return "、".join(f"{value}（{label}）" for value, label in StandardDomain.choices)

    # --- industries ---------------------------------------------------------------------

    def industry(self, raw: str) -> str | None:
        text = raw.strip()
        if text in self.industries:
            return text
        for code, name in self.industries.items():
            if text == name:
                return code
        return None

    def industry_name(self, code: str) -> str:
        return self.industries.get(code, code)

    def unknown_industry_message(self, raw: str) -> str:
        return _("“%(v)s”不是已登记的监管行业（可填代码或名称，如 %(examples)s）") % {
            "v": raw,
            "examples": "、".join(
                f"{code}/{name}" for code, name in list(self.industries.items())[:4]
            ),
        }
