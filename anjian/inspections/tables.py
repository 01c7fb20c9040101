"""The lists of 双随机一公开 (django-tables2; on a phone each row is a card, ``card_fields``)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from anjian.inspections import permissions as perms
from anjian.inspections.choices import DRAW_STATE_COLOURS, TASK_STATE_COLOURS, DrawState
from anjian.inspections.models import CheckMatter, Draw, InspectionTask, Inspector

WIDE_ONLY = "d-none d-md-table-cell"
WIDE = {"th": {"class": WIDE_ONLY}, "td": {"class": WIDE_ONLY}}
WRAP = {"td": {"class": "text-wrap"}}


def badge(colour: str, text, **data) -> str:
    attributes = format_html_join("", ' data-{}="{}"', data.items())
    return format_html('<span class="badge bg-{}-lt"{}>{}</span>', colour, attributes, text)


class DrawTable(tables.Table):
    title = tables.Column(linkify=True, verbose_name=_("抽查任务"), attrs=WRAP)
    department = tables.Column(
        accessor="department__short_name", verbose_name=_("实施部门"), order_by="department"
    )
    matter = tables.Column(accessor="matter__name", verbose_name=_("抽查事项"), attrs=WIDE)
    count = tables.Column(verbose_name=_("抽取对象数"), attrs=WIDE)
    drawn_on = tables.DateColumn(format="Y-m-d", verbose_name=_("抽取日期"))
    state = tables.Column(verbose_name=_("状态"))

    card_fields = ("title", "department", "drawn_on", "state")

    class Meta:
        model = Draw
        fields = ("title", "department", "matter", "count", "drawn_on", "state")
        order_by_field = "sort"
        page_field = "page"
        empty_text = _("暂无双随机抽取")

    def render_title(self, value, record):
        if record.attempt > 1:
            return format_html(
                '{} <span class="text-secondary small">{}</span>',
                value,
                _("（第%(n)s次抽取）") % {"n": record.attempt},
            )
        return value

    def render_state(self, value, record):
        shown = badge(DRAW_STATE_COLOURS[record.state], value, state=record.state)
        if record.state == DrawState.DRAWN and record.publish_by < timezone.localdate():
            return format_html(
                '{} <span class="text-danger small" data-overdue>{}</span>', shown, _("逾期未公示")
            )
        return shown


def inspector_names(record) -> str:
    return "、".join(i.name for i in record.inspectors.all())


class TaskTable(tables.Table):
    enterprise = tables.Column(
        accessor="enterprise__name",
        verbose_name=_("检查对象"),
        linkify=lambda record: record.get_absolute_url(),
        order_by="enterprise__name",
        attrs=WRAP,
    )
    draw = tables.Column(accessor="draw__title", verbose_name=_("抽查任务"), attrs=WIDE)
    inspectors = tables.Column(
        accessor="pk", verbose_name=_("检查人员"), orderable=False, attrs=WIDE
    )
    inspected_on = tables.DateColumn(format="Y-m-d", verbose_name=_("检查日期"), attrs=WIDE)
    outcome = tables.Column(verbose_name=_("检查结果"), attrs=WIDE)
    state = tables.Column(verbose_name=_("状态"))

    card_fields = ("enterprise", "draw", "inspectors", "state", "outcome")

    class Meta:
        model = InspectionTask
        fields = ("enterprise", "draw", "inspectors", "inspected_on", "outcome", "state")
        order_by_field = "sort"
        page_field = "page"
        empty_text = _("暂无检查任务")

    def render_inspectors(self, value, record):
        return inspector_names(record) or "—"

    def render_state(self, value, record):
        return badge(TASK_STATE_COLOURS[record.state], value, state=record.state)


class InspectorTable(tables.Table):
    name = tables.Column(
        accessor="user__name",
        verbose_name=_("姓名"),
        linkify=lambda record: record.get_absolute_url(),
        order_by="user__name",
    )
    department = tables.Column(accessor="department__short_name", verbose_name=_("所属部门"))
    certificate_number = tables.Column(verbose_name=_("执法证号"))
    certificate_valid_until = tables.DateColumn(format="Y-m-d", verbose_name=_("有效期至"))
    conflict_count = tables.Column(verbose_name=_("回避"), attrs=WIDE)
    in_pool = tables.Column(verbose_name=_("名录库"))

    card_fields = ("name", "department", "certificate_number", "certificate_valid_until", "in_pool")

    class Meta:
        model = Inspector
        fields = (
            "name",
            "department",
            "certificate_number",
            "certificate_valid_until",
            "conflict_count",
            "in_pool",
        )
        order_by_field = "sort"
        page_field = "page"
        empty_text = _("名录库中还没有执法检查人员")

    def render_name(self, value, record):
        return record.name

    def render_certificate_valid_until(self, value, record):
        if value < timezone.localdate():
            return format_html(
                '{} <span class="badge bg-red-lt" data-expired>{}</span>',
                value.strftime("%Y-%m-%d"),
                _("执法证已过期"),
            )
        return value.strftime("%Y-%m-%d")

    def render_in_pool(self, value, record):
        if record.in_pool:
            return badge("green", _("参加抽取"))
        return badge("secondary", _("未纳入"))


class MatterTable(tables.Table):
    name = tables.Column(verbose_name=_("抽查事项"), attrs=WRAP)
    department = tables.Column(accessor="department__short_name", verbose_name=_("实施部门"))
    industries = tables.Column(
        accessor="pk", verbose_name=_("抽查对象行业"), orderable=False, attrs=WIDE
    )
    basis = tables.Column(verbose_name=_("抽查依据"), orderable=False, attrs=WIDE)
    is_active = tables.Column(verbose_name=_("状态"))

    card_fields = ("name", "department", "industries", "is_active")

    class Meta:
        model = CheckMatter
        fields = ("name", "department", "industries", "basis", "is_active")
        order_by_field = "sort"
        page_field = "page"
        empty_text = _("随机抽查事项清单为空")

    def render_name(self, value, record):
        user = getattr(getattr(self, "request", None), "user", None)
        if user is not None and user.can(perms.INSPECTION_POOL):
            url = reverse("inspections:matter_edit", args=[record.pk])
            return format_html('<a href="{}">{}</a>', url, value)
        return value

    def render_industries(self, value, record):
        return "、".join(i.name for i in record.industries.all())

    def render_basis(self, value, record):
        return value if len(value) <= 40 else f"{value[:40]}…"

    def render_is_active(self, value, record):
        if record.is_active:
            return badge("green", _("启用"))
        return badge("secondary", _("停用"))
