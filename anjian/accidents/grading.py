"""Grading by 《生产安全事故报告和调查处理条例》(国务院令第493号) Art. 3 — pure, no database.

An accident's grade is the highest grade any one of its three measures reaches (the
criteria are joined by 或者), with the bounds inclusive at the lower end ("以上"包括本数,
"以下"不包括本数):

=============  ============  ==================  =====================
grade          deaths        serious injuries    direct loss (CNY)
=============  ============  ==================  =====================
特别重大        ≥ 30          ≥ 100               ≥ 1亿
重大            10–29         50–99               5000万 – <1亿
较大            3–9           10–49               1000万 – <5000万
一般            < 3           < 10                < 1000万
=============  ============  ==================  =====================

Missing persons are graded with the dead: the report climbs the chain for the worst the
casualties may be until they are found (the statistics count a missing person as a death
only once the 30-day (7-day) window has passed: ``indicators``).
"""

from dataclasses import dataclass
from decimal import Decimal

from anjian.accidents.choices import RANK, Grade

# (grade, lower bound of deaths, of serious injuries, of direct loss in CNY), heaviest first
BOUNDS = (
    (Grade.EXTRAORDINARY, 30, 100, 100_000_000),
    (Grade.MAJOR, 10, 50, 50_000_000),
    (Grade.LARGER, 3, 10, 10_000_000),
)


@dataclass(frozen=True)
class Casualties:
    deaths: int = 0
    missing: int = 0
    serious_injuries: int = 0
    minor_injuries: int = 0
    direct_loss: int = 0  # CNY

    def __post_init__(self):
        for name in ("deaths", "missing", "serious_injuries", "minor_injuries", "direct_loss"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number ≥ 0, not {value!r}")

    @property
    def dead_or_missing(self) -> int:
        return self.deaths + self.missing


def grade_by(measure: str, value: int) -> Grade:
    """The grade one measure alone reaches (``deaths``, ``serious`` or ``loss``)."""
    column = {"deaths": 1, "serious": 2, "loss": 3}[measure]
    for bound in BOUNDS:
        if value >= bound[column]:
            return bound[0]
    return Grade.GENERAL


def grade_of(casualties: Casualties) -> Grade:
    """The highest grade any of deaths (with the missing), serious injuries or loss reaches."""
    return max(
        (
            grade_by("deaths", casualties.dead_or_missing),
            grade_by("serious", casualties.serious_injuries),
            grade_by("loss", casualties.direct_loss),
        ),
        key=RANK.__getitem__,
    )


def reasons(casualties: Casualties) -> list[str]:
    """Which measures decide the grade, in words for the record page."""
    grade = grade_of(casualties)
    said = []
    if grade_by("deaths", casualties.dead_or_missing) == grade and grade != Grade.GENERAL:
        said.append(f"死亡（含失踪）{casualties.dead_or_missing}人")
    if grade_by("serious", casualties.serious_injuries) == grade and grade != Grade.GENERAL:
        said.append(f"重伤{casualties.serious_injuries}人")
    if grade_by("loss", casualties.direct_loss) == grade and grade != Grade.GENERAL:
        said.append(f"直接经济损失{_ten_thousands(casualties.direct_loss)}万元")
    return said


def _ten_thousands(yuan: int) -> str:
    """Yuan in 万元, exactly (99,999,999 → "9999.9999", never rounded up to a bound)."""
    text = format(Decimal(yuan) / 10_000, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
