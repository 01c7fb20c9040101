"""The lists of 危险化学品与重大危险源 — the unit table (django-tables2; on a phone each row
is a card, ``card_fields``) — and the badges the unit and source pages share: a grade
(一级 red … 四级 blue, as the 红橙黄蓝 of the risk grades), a source's state, whether a unit
is a major hazard source, a retired unit.

The colours are declared here, once, for every hazchem page (``choices.py`` carries the
labels)."""

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.hazchem.choices import Grade, SourceState
from anjian.hazchem.identification import shown
from anjian.hazchem.models import ChemicalUnit

WIDE_ONLY = "d-none d-md-table-cell"
WIDE = {"th": {"class": WIDE_ONLY}, "td": {"class": WIDE_ONLY}}
WRAP = {"td": {"class": "text-wrap"}}
LINK = {"td": {"class": "text-wrap"}, "a": {"hx-boost": "false"}}
NOWRAP = {"td": {"class": "text-nowrap"}}

GRADE_COLOURS = {
    Grade.FIRST: "red",
    Grade.SECOND: "orange",
    Grade.THIRD: "yellow",
    Grade.FOURTH: "blue",
}
STATE_COLOURS = {
    SourceState.IDENTIFIED: "orange",
    SourceState.FILED: "green",
    SourceState.CLOSED: "secondary",
}


def badge(colour: str, text, **data) -> str:
    """A Tabler light badge; ``data`` become ``data-*`` attributes (what tests look for)."""
    attributes = format_html_join("", ' data-{}="{}"', data.items())
    return format_html('<span class="badge bg-{}-lt"{}>{}</span>', colour, attributes, text)


def grade_badge(grade: str) -> str:
    """一级…四级 in its colour; "" for no grade (not a major hazard source)."""
    if not grade:
        return ""
    return badge(GRADE_COLOURS[Grade(grade)], Grade(grade).label, grade=grade)


def state_badge(state: str) -> str:
    """A major hazard source's state: 已辨识，待备案 / 已备案 / 已核销."""
    return badge(STATE_COLOURS[SourceState(state)], SourceState(state).label, state=state)


def major_badge(is_major: bool) -> str:
    if is_major:
        return badge("red", _("重大危险源"), major="1")
    return badge("secondary", _("不构成"), major="0")


def retired_badge() -> str:
    return badge("secondary", _("已停用"), retired="1")


def figure(value) -> str:
    """S or R as the pages show them (to 4 places, rounded down: the engine's ``shown``)."""
    return "—" if value is None else shown(value)


# --- the tables -----------------------------------------------------------------------------


class BaseTable(tables.Table):
    class Meta:
        order_by_field = "sort"
        page_field = "page"
        attrs = {"class": "table table-vcenter card-table"}


class UnitTable(BaseTable):
    name = tables.Column(
        linkify=("hazchem:unit_detail", {"pk": tables.A("pk")}),
        verbose_name=gettext_lazy("单元名称"),
        attrs=LINK,
    )
    enterprise = tables.Column(
        accessor="enterprise__name",
        verbose_name=gettext_lazy("单位"),
        order_by=("enterprise__name", "name"),
        attrs=WRAP,
    )
    street = tables.Column(
        accessor="enterprise__street__name",
        verbose_name=gettext_lazy("街道（镇）"),
        orderable=False,
        attrs=WIDE,
    )
    kind = tables.Column(verbose_name=gettext_lazy("类型"), attrs=WIDE)
    s_value = tables.Column(verbose_name=gettext_lazy("S值"), attrs=NOWRAP)
    grade = tables.Column(
        verbose_name=gettext_lazy("级别"),
        order_by=("-is_major", "grade", "-r_value"),
        empty_values=(),
    )
    r_value = tables.Column(verbose_name=gettext_lazy("R值"), attrs=WIDE)
    evaluated_at = tables.DateTimeColumn(
        format="Y-m-d H:i", verbose_name=gettext_lazy("辨识时间"), attrs=WIDE
    )

    card_fields = ("name", "enterprise", "s_value", "grade")

    class Meta(BaseTable.Meta):
        model = ChemicalUnit
        fields = ()
        sequence = (
            "name",
            "enterprise",
            "street",
            "kind",
            "s_value",
            "grade",
            "r_value",
            "evaluated_at",
        )
        empty_text = gettext_lazy("没有符合条件的危险化学品单元")

    def render_name(self, value, record):
        if not record.active:
            return format_html("{} {}", value, retired_badge())
        return value

    def render_s_value(self, value, record):
        return figure(value)

    def render_r_value(self, value, record):
        return figure(value)

    def render_grade(self, value, record):
        if record.is_major and record.grade:
            return grade_badge(record.grade)
        if record.evaluation_error:
            return badge("red", _("无法辨识"), grade="error")
        return badge("secondary", _("不构成重大危险源"), major="0")
