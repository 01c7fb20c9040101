"""重大危险源统计: the current sources (not 核销) in scope counted by street, district, grade or
industry — how many of each grade, filed, awaiting filing and overdue, the assessment
overdue, no longer qualifying (待核销) — with the 备案率. Every figure carries the source
list's filter that shows exactly the sources it counts (``Figure.filters``), so a page, its
Excel and the API link the same records.

备案率 = filed ÷ current sources (RULES.md §15: a source is filed within 15 days of its
identification; one not yet due counts as not filed — the figure says where filing stands
today, the overdue column says who is late)."""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.hazchem.choices import Grade, SourceState
from anjian.hazchem.filters_sources import sources
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import code_at_sql, code_length
from anjian.regions.models import Industry, Region

GROUPS = {
    "street": gettext_lazy("按街道（镇）"),
    "district": gettext_lazy("按区"),
    "grade": gettext_lazy("按级别"),
    "industry": gettext_lazy("按行业"),
}


@dataclass(frozen=True)
class Figure:
    value: int
    # The source list's query for exactly these sources; None where the row and the column
    # ask for different values of one filter (a 二级 row's 三级 column: nothing to open).
    filters: dict | None


@dataclass
class SourceRow:
    key: str
    label: str
    base: dict  # the list's filter for the row's sources
    counts: dict = field(default_factory=dict)

    def figure(self, name: str) -> Figure:
        column = COLUMNS[name][0]
        if any(key in self.base and self.base[key] != value for key, value in column.items()):
            return Figure(0, None)
        return Figure(self.counts.get(name, 0), {**self.base, **column})

    @property
    def figures(self) -> list[Figure]:
        return [self.figure(name) for name in COLUMNS]

    @property
    def filing_rate(self) -> float | None:
        total = self.counts.get("total", 0)
        return round(100 * self.counts.get("filed", 0) / total, 1) if total else None


def _columns(today) -> dict[str, tuple[Q, dict, str]]:
    grades = {
        f"grade{grade.value}": (Q(grade=grade), {"grade": grade.value}, grade.label)
        for grade in Grade
    }
    return {
        "total": (Q(pk__isnull=False), {}, _("现有重大危险源")),
        **grades,
        "filed": (Q(state=SourceState.FILED), {"state": SourceState.FILED}, _("已备案")),
        "awaiting": (
            Q(state=SourceState.IDENTIFIED),
            {"state": SourceState.IDENTIFIED},
            _("待备案"),
        ),
        "overdue": (
            Q(state=SourceState.IDENTIFIED, filing_due_on__lt=today),
            {"overdue": "1"},
            _("逾期未备案"),
        ),
        "assessment_overdue": (
            Q(state=SourceState.FILED, assessment_due_on__lt=today),
            {"assessment_overdue": "1"},
            _("复评逾期"),
        ),
        "lapsed": (Q(qualifies=False), {"qualifies": "0"}, _("已不构成，待核销")),
    }


# The columns' list filters and headings (the count conditions read today's date).
COLUMNS = {name: (filters, heading) for name, (_q, filters, heading) in _columns(None).items()}


def default_group(user) -> str:
    """Streets for a district's officials and below; districts for the city's."""
    prefix = user.scope.region_prefix or ""
    return "street" if len(prefix) >= code_length(RegionLevel.DISTRICT) else "district"


def source_figures(user, group: str, *, today=None) -> tuple[list[SourceRow], SourceRow]:
    """The rows by ``group`` (a key of ``GROUPS``) and the total row."""
    columns = _columns(today or timezone.localdate())
    found = sources(user).order_by()
    if group in ("street", "district"):
        level = RegionLevel.STREET if group == "street" else RegionLevel.DISTRICT
        found = found.annotate(key=code_at_sql("scope_region_code", level))
    key = {"street": "key", "district": "key", "grade": "grade", "industry": "industry_id"}[group]
    counts = {name: Count("pk", filter=condition) for name, (condition, _f, _h) in columns.items()}
    rows = list(found.values(key).annotate(**counts).order_by(key))
    labels, bases = _labels(group, [row[key] for row in rows])
    result = [
        SourceRow(
            key=str(row[key]),
            label=labels.get(row[key], str(row[key])),
            base=bases.get(row[key], {}),
            counts={name: row[name] for name in columns},
        )
        for row in rows
    ]
    total = SourceRow(key="", label=_("合计"), base={})
    total.counts = {name: sum(row.counts[name] for row in result) for name in columns}
    return result, total


def _labels(group: str, keys: list) -> tuple[dict, dict]:
    if group in ("street", "district"):
        names = dict(Region.objects.filter(code__in=keys).values_list("code", "name"))
        return names, {code: {"street": code} for code in keys}
    if group == "grade":
        return (
            {g.value: str(g.label) for g in Grade},
            {g.value: {"grade": g.value} for g in Grade},
        )
    industries = Industry.objects.filter(pk__in=keys).values_list("pk", "name", "code")
    return (
        {pk: name for pk, name, _code in industries},
        {pk: {"industry": code} for pk, _name, code in industries},
    )
