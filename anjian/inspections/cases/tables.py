"""The case list and its filters (django-tables2; on a phone each row is a card)."""

import django_filters
import django_tables2 as tables
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from anjian.inspections.case_models import Case, CaseState
from anjian.inspections.forms import _ListFilter
from anjian.inspections.tables import WIDE, WRAP, badge

CASE_STATE_COLOURS = {
    CaseState.FILED: "blue",
    CaseState.INVESTIGATING: "azure",
    CaseState.LEGAL_REVIEW: "orange",
    CaseState.REVIEWED: "teal",
    CaseState.NOTIFIED: "indigo",
    CaseState.DECIDED: "purple",
    CaseState.EXECUTED: "lime",
    CaseState.CLOSED: "green",
    CaseState.TRANSFERRED: "red",
    CaseState.DROPPED: "secondary",
}
OPEN_STATES = {
    CaseState.FILED,
    CaseState.INVESTIGATING,
    CaseState.LEGAL_REVIEW,
    CaseState.REVIEWED,
    CaseState.NOTIFIED,
}


class CaseFilterSet(_ListFilter):
    state = django_filters.ChoiceFilter(
        label=_("状态"), choices=CaseState.choices, empty_label=_("全部状态")
    )
    department = django_filters.ModelChoiceFilter(
        label=_("立案部门"), queryset=None, empty_label=_("全部部门")
    )
    needs_review = django_filters.ChoiceFilter(
        label=_("法制审核"),
        choices=[("yes", _("须法制审核")), ("no", _("无须审核"))],
        method="filter_needs_review",
        empty_label=_("全部"),
    )
    q = django_filters.CharFilter(label=_("编号、案由或当事人"), method="filter_q")

    class Meta:
        model = Case
        fields = []

    def filter_needs_review(self, queryset, name, value):
        return queryset.filter(needs_legal_review=value == "yes")

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(number__contains=value)
            | Q(title__contains=value)
            | Q(enterprise__name__contains=value)
        )


def decide_overdue(case: Case) -> bool:
    return case.state in OPEN_STATES and case.decide_by < timezone.localdate()


class CaseTable(tables.Table):
    title = tables.Column(linkify=True, verbose_name=_("案由"), attrs=WRAP)
    number = tables.Column(verbose_name=_("立案编号"), attrs=WIDE)
    enterprise = tables.Column(
        accessor="enterprise__name", verbose_name=_("当事人"), order_by="enterprise__name"
    )
    department = tables.Column(
        accessor="department__short_name", verbose_name=_("立案部门"), attrs=WIDE
    )
    fine = tables.Column(verbose_name=_("罚款（元）"), attrs=WIDE)
    filed_on = tables.DateColumn(format="Y-m-d", verbose_name=_("立案日期"))
    state = tables.Column(verbose_name=_("状态"))

    card_fields = ("title", "enterprise", "filed_on", "fine", "state")

    class Meta:
        model = Case
        fields = ("title", "number", "enterprise", "department", "fine", "filed_on", "state")
        order_by_field = "sort"
        page_field = "page"
        empty_text = _("暂无处罚案件")

    def render_department(self, value, record):
        return record.department.short_name or record.department.name

    def render_fine(self, value, record):
        return f"{value:,}"

    def render_state(self, value, record):
        shown = badge(CASE_STATE_COLOURS[record.state], value, state=record.state)
        if record.needs_legal_review and record.state in OPEN_STATES:
            shown = format_html(
                '{} <span class="badge bg-orange-lt" data-needs-review>{}</span>',
                shown,
                _("须法制审核"),
            )
        if decide_overdue(record):
            shown = format_html(
                '{} <span class="text-danger small" data-overdue>{}</span>', shown, _("超期")
            )
        return shown
