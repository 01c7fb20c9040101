"""Risk point filters, shared by the list, the register, the map, the Excel exports and the API."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.filters import ActiveFiltersMixin
from anjian.enterprises.models import Enterprise
from anjian.regions import selectors as region_selectors
from anjian.risks.choices import DueState, Level, PointKind, PointStatus
from anjian.risks.models import RiskPoint

UNASSESSED = "none"
ALL_STATUSES = "all"


def filter_due(queryset, value: str, today=None):
    today = today or timezone.localdate()
    soon = today + timedelta(days=DueState.SOON_DAYS)
    if value == "overdue":
        return queryset.filter(reassess_due__lt=today)
    if value == "soon":
        return queryset.filter(reassess_due__gte=today, reassess_due__lte=soon)
    if value == "ok":
        return queryset.filter(reassess_due__gt=soon)
    if value == "none":
        return queryset.filter(reassess_due__isnull=True)
    return queryset


class RiskPointFilterSet(ActiveFiltersMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("搜索"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("风险点、部位、危险因素、单位、责任人")}),
    )
    street = django_filters.ModelChoiceFilter(
        label=_("街镇"),
        queryset=None,
        to_field_name="code",
        empty_label=_("全部街镇"),
        method="filter_street",
    )
    industry = django_filters.ModelChoiceFilter(
        label=_("监管行业"), queryset=None, to_field_name="code", empty_label=_("全部行业")
    )
    enterprise = django_filters.ModelChoiceFilter(
        label=_("单位"), queryset=None, widget=forms.HiddenInput
    )
    enterprise_name = django_filters.CharFilter(
        label=_("单位名称"),
        field_name="enterprise__name",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"placeholder": _("单位名称包含")}),
    )
    level = django_filters.ChoiceFilter(
        label=_("风险等级"),
        choices=[*Level.choices, (UNASSESSED, _("未评估"))],
        empty_label=_("全部等级"),
        method="filter_level",
    )
    kind = django_filters.ChoiceFilter(
        label=_("风险点类型"), choices=PointKind.choices, empty_label=_("全部类型")
    )
    due = django_filters.ChoiceFilter(
        label=_("复评"), choices=DueState.CHOICES, empty_label=_("全部"), method="filter_due"
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[*PointStatus.choices, (ALL_STATUSES, _("全部（含已注销）"))],
        empty_label=_("在用"),
        method="filter_status",
    )
    sort = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(
            ("current_rank", "level"),
            ("name", "name"),
            ("enterprise__name", "enterprise"),
            ("reassess_due", "reassess_due"),
            ("updated_at", "updated_at"),
        ),
        field_labels={
            "current_rank": _("风险等级"),
            "name": _("风险点名称"),
            "enterprise__name": _("单位"),
            "reassess_due": _("下次评估日期"),
            "updated_at": _("更新时间"),
        },
    )

    class Meta:
        model = RiskPoint
        fields = []

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.user = user
        self.filters["street"].queryset = region_selectors.streets_for(user)
        self.filters["industry"].queryset = region_selectors.industries_for(user)
        self.filters["enterprise"].queryset = Enterprise.objects.for_user(user)
        self.form.fields["enterprise"].error_messages["invalid_choice"] = _(
            "单位不存在或不在您的管辖范围内"
        )

    @property
    def qs(self):
        # Without a status filter the lists show points in use only (bound or not).
        if not hasattr(self, "_qs"):
            queryset = super().qs
            cleaned = getattr(self.form, "cleaned_data", {}) if self.is_bound else {}
            if not cleaned.get("status"):
                queryset = queryset.filter(status=PointStatus.ACTIVE)
            self._qs = queryset
        return self._qs

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(location__icontains=value)
            | Q(hazard_factors__icontains=value)
            | Q(enterprise__name__icontains=value)
            | Q(owner_name__icontains=value)
        )

    def filter_street(self, queryset, name, value):
        return queryset.filter(scope_region_code__startswith=value.code)

    def filter_level(self, queryset, name, value):
        if value == UNASSESSED:
            return queryset.filter(current_rank=0)
        return queryset.filter(current_level=value)

    def filter_due(self, queryset, name, value):
        return filter_due(queryset, value)

    def filter_status(self, queryset, name, value):
        if value == ALL_STATUSES:
            return queryset
        return queryset.filter(status=value)
