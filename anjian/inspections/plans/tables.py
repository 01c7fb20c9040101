"""The plans list and a plan's units (django-tables2; on a phone each row is a card)."""

import django_filters
import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from anjian.enterprises.choices import SupervisionGrade
from anjian.inspections.forms import _ListFilter
from anjian.inspections.plan_models import PLAN_STATE_COLOURS, InspectionPlan, PlanEntry, PlanState
from anjian.inspections.tables import WIDE, WRAP, badge


class PlanFilterSet(_ListFilter):
    year = django_filters.NumberFilter(label=_("年度"))
    state = django_filters.ChoiceFilter(
        label=_("状态"), choices=PlanState.choices, empty_label=_("全部状态")
    )
    department = django_filters.ModelChoiceFilter(
        label=_("编制部门"), queryset=None, empty_label=_("全部部门")
    )

    class Meta:
        model = InspectionPlan
        fields = []


class PlanTable(tables.Table):
    title = tables.Column(linkify=True, verbose_name=_("计划名称"), attrs=WRAP)
    period = tables.Column(accessor="pk", verbose_name=_("期间"), order_by=("year", "quarter"))
    department = tables.Column(accessor="department__short_name", verbose_name=_("编制部门"))
    units = tables.Column(verbose_name=_("检查对象"), attrs=WIDE)
    visits = tables.Column(verbose_name=_("计划检查次数"), attrs=WIDE)
    state = tables.Column(verbose_name=_("状态"))

    card_fields = ("title", "period", "department", "visits", "state")

    class Meta:
        model = InspectionPlan
        fields = ("title", "period", "department", "units", "visits", "state")
        order_by_field = "sort"
        page_field = "page"
        empty_text = _("暂无监督检查计划")

    def render_period(self, value, record):
        return record.period_label

    def render_state(self, value, record):
        return badge(PLAN_STATE_COLOURS[record.state], value, state=record.state)


class EntryTable(tables.Table):
    enterprise = tables.Column(
        accessor="enterprise__name",
        verbose_name=_("单位"),
        linkify=lambda record: record.enterprise.get_absolute_url(),
        attrs=WRAP,
        orderable=False,
    )
    street = tables.Column(
        accessor="enterprise__street__name", verbose_name=_("街镇"), attrs=WIDE, orderable=False
    )
    grade = tables.Column(verbose_name=_("监管等级"), orderable=False)
    proposed_visits = tables.Column(verbose_name=_("建议次数"), orderable=False)
    visits = tables.Column(verbose_name=_("计划次数"), orderable=False)
    joint = tables.Column(accessor="pk", verbose_name=_("联合检查"), attrs=WIDE, orderable=False)
    reason = tables.Column(verbose_name=_("调整理由"), attrs={**WIDE, **WRAP}, orderable=False)
    edit = tables.Column(accessor="pk", verbose_name="", orderable=False)

    card_fields = ("enterprise", "grade", "visits", "joint", "edit")

    class Meta:
        model = PlanEntry
        fields = ("enterprise", "street", "grade", "proposed_visits", "visits", "joint", "reason")
        page_field = "page"
        empty_text = _("本计划没有检查对象")

    def __init__(self, *args, editable: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editable:
            self.columns.hide("edit")

    def render_grade(self, value, record):
        shown = dict(SupervisionGrade.choices).get(value, value)
        if record.major_risk:
            return format_html(
                '{} <span class="badge bg-red-lt" data-major-risk>{}</span>', shown, _("重大风险")
            )
        return shown

    def render_visits(self, value, record):
        if value != record.proposed_visits:
            return format_html("<strong data-adjusted>{}</strong>", value)
        return value

    def render_joint(self, value, record):
        return "、".join(d.short_name or d.name for d in record.joint_departments.all()) or "—"

    def render_edit(self, value, record):
        return format_html(
            '<a class="btn btn-sm" href="{}">{}</a>',
            reverse("inspections:plan_entry_edit", args=[record.plan_id, record.pk]),
            _("调整"),
        )
