"""The register's filters: the list page, the map and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.core.filters import ActiveFiltersMixin, ScopedChoicesMixin, ScopedModelChoiceFilter
from anjian.enterprises.places.models import PlaceKind, PublicPlace
from anjian.regions import selectors as region_selectors


def place_industries_for(user):
    """The 公共区域 industries of ``user``'s scope (a place's 监管领域)."""
    return region_selectors.industries_for(user).filter(for_places=True)


class PlaceFilterSet(ScopedChoicesMixin, ActiveFiltersMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("搜索"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("名称、位置（可输入拼音）")}),
    )
    kind = django_filters.ChoiceFilter(
        label=_("类型"), choices=PlaceKind.choices, empty_label=_("全部类型")
    )
    street = ScopedModelChoiceFilter(
        label=_("街镇"),
        choices_for=region_selectors.streets_for,
        to_field_name="code",
        empty_label=_("全部街镇"),
    )
    industry = ScopedModelChoiceFilter(
        label=_("监管领域"),
        choices_for=place_industries_for,
        to_field_name="code",
        empty_label=_("全部领域"),
    )
    active = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[("yes", _("在用")), ("no", _("已停用"))],
        method="filter_active",
        empty_label=_("全部"),
    )

    class Meta:
        model = PublicPlace
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "yes")
