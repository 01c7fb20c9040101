"""The ledger's filters: the list page, the figures' drill-downs, the export and the API."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.filters import ActiveFiltersMixin
from anjian.hazards import permissions as perms
from anjian.hazards.choices import (
    DEADLINE_STATES,
    GOVERNMENT_SOURCES,
    OPEN_STATES,
    ExtensionState,
    Grade,
    RevisitState,
    Source,
    State,
)
from anjian.hazards.lifecycle import is_government
from anjian.hazards.models import DeadlineExtension, Hazard, Revisit
from anjian.regions import selectors as region_selectors
from anjian.regions.models import Industry

DUE_SOON_DAYS = 7
REVISIT_SOON_DAYS = 30

# What waits for the user (the home page's 待办 panel links here with ``todo``).
TODO_CHOICES = [
    ("register", _("待上账")),
    ("accept", _("待验收")),
    ("extension", _("延期待审批")),
    ("revisit", _("回头看到期")),
]

# 按责任主体: a unit's hazards or a public place's (ADR 14). By the owner's industry — a
# unit is never in a 公共区域 industry, a place always is — so the clearing figures, which
# keep no owner column, count exactly what this filter lists.
OWNER_CHOICES = [("enterprise", _("生产经营单位")), ("place", _("公共区域"))]


def owner_q(value: str) -> Q:
    if value not in ("enterprise", "place"):
        return Q()
    return Q(industry__in=Industry.objects.filter(for_places=value == "place").values("pk"))


PROGRESS_CHOICES = [
    ("open", _("未销号（全部在办）")),
    ("overdue", _("已逾期")),
    ("due_soon", _("7天内到期")),
    ("closed", _("已销号")),
    ("on_time", _("按期销号")),
    ("late", _("逾期销号")),
    ("on_spot", _("即查即改")),
    ("listed", _("挂牌督办中")),
    ("escalated", _("已督促")),
]


class HazardFilterSet(ActiveFiltersMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("搜索"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("编号、名称、描述、部位、单位或公共区域")}),
    )
    street = django_filters.CharFilter(label=_("街镇"), method="filter_region")
    district = django_filters.CharFilter(label=_("区"), method="filter_region")
    industry = django_filters.ModelChoiceFilter(
        label=_("监管行业"), queryset=None, to_field_name="code", empty_label=_("全部行业")
    )
    enterprise = django_filters.NumberFilter(label=_("单位"), field_name="enterprise_id")
    place = django_filters.NumberFilter(label=_("公共区域"), field_name="place_id")
    owner = django_filters.ChoiceFilter(
        label=_("责任主体"), choices=OWNER_CHOICES, method="filter_owner", empty_label=_("全部")
    )
    state = django_filters.MultipleChoiceFilter(
        label=_("状态"), choices=State.choices, widget=forms.CheckboxSelectMultiple
    )
    grade = django_filters.ChoiceFilter(
        label=_("等级"), choices=Grade.choices[1:], empty_label=_("全部等级")
    )
    source = django_filters.ChoiceFilter(
        label=_("来源"), choices=Source.choices, empty_label=_("全部来源")
    )
    progress = django_filters.ChoiceFilter(
        label=_("整改进度"),
        choices=PROGRESS_CHOICES,
        method="filter_progress",
        empty_label=_("全部"),
    )
    todo = django_filters.ChoiceFilter(
        label=_("待办"), choices=TODO_CHOICES, method="filter_todo", empty_label=_("全部")
    )
    # What the figures count: every hazard but the void ones (动态清零's 发现/重大/按来源 links).
    counted = django_filters.BooleanFilter(
        label=_("不含作废"), method="filter_counted", widget=forms.CheckboxInput
    )
    month_from = django_filters.DateFilter(
        label=_("发现月份自"),
        field_name="found_month",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    month_to = django_filters.DateFilter(
        label=_("至"),
        field_name="found_month",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    sort = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(
            ("found_at", "found_at"),
            ("deadline", "deadline"),
            ("number", "number"),
            ("state", "state"),
            ("grade", "grade"),
        ),
        field_labels={
            "found_at": _("发现时间"),
            "deadline": _("整改期限"),
            "number": _("编号"),
            "state": _("状态"),
            "grade": _("等级"),
        },
    )

    class Meta:
        model = Hazard
        fields = []

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.user = user
        self.filters["industry"].queryset = region_selectors.industries_for(user)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_region(self, queryset, name, value):
        value = (value or "").strip()
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(scope_region_code__startswith=value)

    def filter_owner(self, queryset, name, value):
        return queryset.filter(owner_q(value))

    def filter_counted(self, queryset, name, value):
        return queryset.exclude(state=State.VOID) if value else queryset

    def filter_todo(self, queryset, name, value):
        """What this user must act on: exactly what the 待办 panel counts."""
        user = self.user
        government = is_government(user)
        if value == "register" and user.can(perms.HAZARD_RECTIFY):
            return queryset.filter(state=State.REPORTED)
        if value == "accept":
            waiting = queryset.filter(state=State.AWAITING_ACCEPTANCE)
            if government and user.can(perms.HAZARD_SUPERVISE):
                return waiting
            if not government and user.can(perms.HAZARD_RECTIFY):
                # An enterprise accepts only its own general hazards it found itself.
                return waiting.filter(grade=Grade.GENERAL).exclude(source__in=GOVERNMENT_SOURCES)
        if value == "extension" and government and user.can(perms.HAZARD_SUPERVISE):
            pending = DeadlineExtension.objects.filter(state=ExtensionState.PENDING)
            return queryset.filter(pk__in=pending.exclude(requested_by=user).values("hazard_id"))
        if value == "revisit" and user.can(perms.HAZARD_LIST):
            soon = timezone.localdate() + timedelta(days=REVISIT_SOON_DAYS)
            due = Revisit.objects.filter(state=RevisitState.SCHEDULED, due_on__lte=soon)
            return queryset.filter(pk__in=due.values("hazard_id"))
        return queryset.none()

    def filter_progress(self, queryset, name, value):
        today = timezone.localdate()
        if value == "open":
            return queryset.filter(state__in=OPEN_STATES)
        if value == "overdue":
            return queryset.filter(state__in=DEADLINE_STATES, deadline__lt=today)
        if value == "due_soon":
            return queryset.filter(
                state__in=DEADLINE_STATES,
                deadline__gte=today,
                deadline__lte=today + timedelta(days=DUE_SOON_DAYS),
            )
        if value == "closed":
            return queryset.filter(state=State.CLOSED)
        if value == "on_time":
            return queryset.filter(state=State.CLOSED, closed_on_time=True)
        if value == "late":
            return queryset.filter(state=State.CLOSED, closed_on_time=False)
        if value == "on_spot":
            return queryset.filter(state=State.CLOSED, fixed_on_spot=True)
        if value == "listed":
            return queryset.filter(listings__state="listed").distinct()
        if value == "escalated":
            return queryset.filter(state__in=OPEN_STATES, escalation_level__gt=0)
        return queryset
