"""The registry's filters, shared by the list page, the map, the Excel export and the API.

``street_filter``, ``industry_filter`` and ``enterprise_filter`` are the 街镇, 监管行业 and 单位
choices every FilterSet over enterprises' records declares (monitoring's too): each offers
only what the user may see.
"""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.filters import ActiveFiltersMixin, ScopedChoicesMixin, ScopedModelChoiceFilter
from anjian.enterprises.choices import (
    KEY_FLAGS,
    Scale,
    StandardisationGrade,
    Status,
    SupervisionGrade,
)
from anjian.enterprises.importer import imported_by
from anjian.enterprises.models import Enterprise
from anjian.regions import selectors as region_selectors

EXPIRY_SOON_DAYS = 90


class ExpiryState:
    CHOICES = [
        ("valid", _("有效")),
        ("soon", _("90天内到期")),
        ("expired", _("已过期")),
        ("none", _("未填写")),
    ]


NO_GRID = "none"


def street_filter(**options) -> ScopedModelChoiceFilter:
    """街镇: one of the user's streets, by its code."""
    return _by_code(_("街镇"), region_selectors.streets_for, _("全部街镇"), **options)


def industry_filter(**options) -> ScopedModelChoiceFilter:
    """监管行业: one of the industries the user supervises, by its code."""
    return _by_code(_("监管行业"), region_selectors.industries_for, _("全部行业"), **options)


def _by_code(label, choices_for, empty_label, **options) -> ScopedModelChoiceFilter:
    return ScopedModelChoiceFilter(
        label=label,
        choices_for=choices_for,
        to_field_name="code",
        empty_label=empty_label,
        **options,
    )


def _enterprises_for(user):
    return Enterprise.objects.for_user(user)


def enterprise_filter(**options) -> ScopedModelChoiceFilter:
    """单位: one of the user's enterprises, by its id."""
    return ScopedModelChoiceFilter(label=_("单位"), choices_for=_enterprises_for, **options)


def filter_expiry(queryset, field: str, value: str):
    today = timezone.localdate()
    if value == "valid":
        return queryset.filter(**{f"{field}__gte": today})
    if value == "soon":
        return queryset.filter(
            **{f"{field}__gte": today, f"{field}__lte": today + timedelta(days=EXPIRY_SOON_DAYS)}
        )
    if value == "expired":
        return queryset.filter(**{f"{field}__lt": today})
    if value == "none":
        return queryset.filter(**{f"{field}__isnull": True})
    return queryset


class EnterpriseFilterSet(ScopedChoicesMixin, ActiveFiltersMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("搜索"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("名称、信用代码、地址、负责人")}),
    )
    street = street_filter()
    # The home chart of a street user (by 网格): a grid's code, or "none" for the units not
    # yet placed in a grid. Not in the filter form; the 当前条件 line shows it.
    grid = django_filters.CharFilter(
        label=_("网格"), method="filter_grid", widget=forms.HiddenInput
    )
    industry = industry_filter()
    supervision_grade = django_filters.ChoiceFilter(
        label=_("监管等级"), choices=SupervisionGrade.choices, empty_label=_("全部等级")
    )
    status = django_filters.ChoiceFilter(
        label=_("经营状态"), choices=Status.choices, empty_label=_("全部状态")
    )
    scale = django_filters.ChoiceFilter(
        label=_("规模"), choices=Scale.choices, empty_label=_("全部规模")
    )
    standardisation_grade = django_filters.ChoiceFilter(
        label=_("标准化等级"),
        choices=[("none", _("未达标")), *StandardisationGrade.choices[1:]],
        empty_label=_("全部"),
        method="filter_standardisation",
    )
    flag = django_filters.MultipleChoiceFilter(
        label=_("重点对象"),
        choices=list(KEY_FLAGS.items()),
        method="filter_flags",
        widget=forms.CheckboxSelectMultiple,
    )
    department = ScopedModelChoiceFilter(
        label=_("监管部门"),
        choices_for=region_selectors.departments_for,
        field_name="supervising_department",
        empty_label=_("全部部门"),
    )
    insurance = django_filters.ChoiceFilter(
        label=_("安责险"),
        choices=ExpiryState.CHOICES,
        method="filter_insurance",
        empty_label=_("全部"),
    )
    standardisation_expiry = django_filters.ChoiceFilter(
        label=_("标准化有效期"),
        choices=ExpiryState.CHOICES,
        method="filter_standardisation_expiry",
        empty_label=_("全部"),
    )
    # The import result page's link: the enterprises that import job created (the user's
    # own jobs only). Not in the filter form; the 当前条件 line shows it.
    import_job = django_filters.NumberFilter(
        label=_("导入任务"),
        method="filter_import_job",
        widget=forms.HiddenInput,
        min_value=1,
        decimal_places=0,
    )
    sort = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(
            ("name_sort_key", "name"),  # ?sort=name: in pinyin order
            ("credit_code", "credit_code"),
            ("street", "street"),
            ("industry", "industry"),
            ("employees", "employees"),
            ("supervision_grade", "supervision_grade"),
            ("status", "status"),
            ("updated_at", "updated_at"),
        ),
        field_labels={
            "name": _("名称"),
            "credit_code": _("信用代码"),
            "street": _("街镇"),
            "industry": _("行业"),
            "employees": _("从业人员"),
            "supervision_grade": _("监管等级"),
            "status": _("状态"),
            "updated_at": _("更新时间"),
        },
    )

    class Meta:
        model = Enterprise
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_standardisation(self, queryset, name, value):
        return queryset.filter(standardisation_grade="" if value == "none" else value)

    def filter_flags(self, queryset, name, values):
        condition = Q()
        for flag in values:
            if flag in KEY_FLAGS:
                condition &= Q(**{flag: True})
        return queryset.filter(condition)

    def filter_grid(self, queryset, name, value):
        value = (value or "").strip()
        if value == NO_GRID:
            return queryset.filter(grid__isnull=True)
        return queryset.filter(grid_id=value) if value.isalnum() else queryset.none()

    def filter_import_job(self, queryset, name, value):
        return imported_by(queryset, user=self.user, job_id=int(value))

    def filter_insurance(self, queryset, name, value):
        return filter_expiry(queryset, "insured_until", value)

    def filter_standardisation_expiry(self, queryset, name, value):
        return filter_expiry(queryset, "standardisation_expires", value)
