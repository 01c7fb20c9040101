"""The register's filters: the list page, the map and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.core.filters import ActiveFiltersMixin
from anjian.enterprises.places.models import PlaceKind, PublicPlace
from anjian.regions import selectors as region_selectors


class PlaceFilterSet(ActiveFiltersMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("搜索"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("名称、位置（可输入拼音）")}),
    )
    kind = django_filters.ChoiceFilter(
        label=_("类型"), choices=PlaceKind.choices, empty_label=_("全部类型")
    )
    street = django_filters.ModelChoiceFilter(
        label=_("街镇"), queryset=None, to_field_name="code", empty_label=_("全部街镇")
    )
    industry = django_filters.ModelChoiceFilter(
        label=_("监管领域"), queryset=None, to_field_name="code", empty_label=_("全部领域")
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

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.user = user
        self.filters["street"].queryset = region_selectors.streets_for(user)
        self.filters["industry"].queryset = region_selectors.industries_for(user).filter(
            for_places=True
        )

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "yes")
