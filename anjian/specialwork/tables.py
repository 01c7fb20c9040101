"""The permit list (django-tables2; on a phone each row is a card, ``card_fields``) and the
badges every 特殊作业 page shares: the kind and grade (特级 red, 一级 and Ⅳ orange, 二级 and
Ⅲ yellow, the rest blue — the 红橙黄蓝 of the other grades), the state, pass or fail."""

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.specialwork.choices import Grade, State
from anjian.specialwork.models import Permit

WIDE_ONLY = "d-none d-md-table-cell"
WIDE = {"th": {"class": WIDE_ONLY}, "td": {"class": WIDE_ONLY}}
WRAP = {"td": {"class": "text-wrap"}}
LINK = {"td": {"class": "text-wrap"}, "a": {"hx-boost": "false"}}

GRADE_COLOURS = {
    Grade.SPECIAL: "red",
    Grade.FIRST: "orange",
    Grade.H4: "orange",
    Grade.SECOND: "yellow",
    Grade.H3: "yellow",
}
STATE_COLOURS = {
    State.DRAFT: "secondary",
    State.PENDING: "orange",
    State.APPROVED: "azure",
    State.WORKING: "green",
    State.PAUSED: "yellow",
    State.CLOSED: "secondary",
    State.CANCELLED: "dark",
    State.EXPIRED: "red",
}


def badge(colour: str, text, **data) -> str:
    """A Tabler light badge; ``data`` become ``data-*`` attributes (what tests look for)."""
    attributes = format_html_join("", ' data-{}="{}"', data.items())
    return format_html('<span class="badge bg-{}-lt"{}>{}</span>', colour, attributes, text)


def grade_badge(permit) -> str:
    """The kind with its grade ("特级动火作业"), in the grade's colour."""
    colour = GRADE_COLOURS.get(permit.grade, "blue")
    return badge(colour, permit.grade_label, kind=permit.kind, grade=permit.grade or "none")


def state_badge(state: str) -> str:
    return badge(STATE_COLOURS[State(state)], State(state).label, state=state)


def passed_badge(passed: bool) -> str:
    if passed:
        return badge("green", _("合格"), passed="1")
    return badge("red", _("不合格"), passed="0")


def local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


class PermitTable(tables.Table):
    number = tables.Column(
        linkify=("specialwork:permit_detail", {"pk": tables.A("pk")}),
        verbose_name=gettext_lazy("作业票编号"),
        attrs=LINK,
    )
    kind = tables.Column(
        verbose_name=gettext_lazy("作业类别及级别"), order_by=("kind", "grade"), attrs=WRAP
    )
    state = tables.Column(verbose_name=gettext_lazy("状态"))
    enterprise = tables.Column(
        accessor="enterprise__name", verbose_name=gettext_lazy("单位"), attrs=WRAP
    )
    place = tables.Column(verbose_name=gettext_lazy("作业地点"), attrs=WRAP)
    planned_start = tables.Column(verbose_name=gettext_lazy("计划开始"))
    valid_until = tables.Column(verbose_name=gettext_lazy("有效期至"), attrs=WIDE)
    guardian = tables.Column(verbose_name=gettext_lazy("监护人"), attrs=WIDE)

    card_fields = ("number", "kind", "state", "place", "planned_start")

    class Meta:
        model = Permit
        fields = ()
        sequence = (
            "number",
            "kind",
            "state",
            "enterprise",
            "place",
            "planned_start",
            "valid_until",
            "guardian",
        )
        order_by_field = "sort"
        page_field = "page"
        attrs = {"class": "table table-vcenter card-table"}
        row_attrs = {"data-permit": lambda record: record.number}
        empty_text = gettext_lazy("没有符合条件的作业票")

    def render_number(self, value, record):
        return format_html('<span class="font-monospace">{}</span>', value)

    def render_kind(self, value, record):
        return grade_badge(record)

    def render_state(self, value, record):
        return state_badge(record.state)

    def render_planned_start(self, value, record):
        return local(value)

    def render_valid_until(self, value, record):
        return local(value)
