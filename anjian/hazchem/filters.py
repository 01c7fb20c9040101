"""The unit list's filters: the filter bar (``UnitFilterForm``) and what it selects
(``unit_rows``), read through the user's scope (``selectors.units``).

As on the 应急准备 lists (``anjian.emergency.filters``), a list's filters are the keyword
arguments of the function that reads it, run by ``SelectorFilter``: the list, its Excel and
any figure that links here read the same records, and the 导出说明 names each condition."""

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy

from anjian.core.filters import SelectorFilter, filter_choices, flag_field
from anjian.hazchem import selectors
from anjian.hazchem.choices import Grade, UnitKind
from anjian.hazchem.models import ChemicalUnit
from anjian.regions.forms import region_filter_choices


def unit_rows(
    user,
    *,
    q: str | None = None,
    street: str | None = None,
    kind: str | None = None,
    major: bool | None = None,
    grade: str | None = None,
    active: bool | None = None,
) -> QuerySet[ChemicalUnit]:
    """The units ``user`` sees that match: ``q`` in the unit's or its enterprise's name,
    ``street`` a region code (a district or street: its prefix), the unit kind, whether it
    is a major hazard source, its grade, whether it is in use."""
    found = selectors.units(user).select_related("enterprise", "enterprise__street")
    if q and q.strip():
        text = q.strip()
        found = found.filter(Q(name__icontains=text) | Q(enterprise__name__icontains=text))
    if street:
        found = found.filter(scope_region_code__startswith=street)
    if kind:
        found = found.filter(kind=kind)
    if major is not None:
        found = found.filter(is_major=major)
    if grade:
        found = found.filter(grade=grade)
    if active is not None:
        found = found.filter(active=active)
    return found.order_by("enterprise__name", "name", "pk")


class UnitFilterForm(forms.Form):
    """The unit list's filter bar: ``unit_rows``'s parameters."""

    q = forms.CharField(label=gettext_lazy("单元或单位名称"), required=False)
    street = forms.ChoiceField(label=gettext_lazy("地区"), required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("单元类型"),
        required=False,
        choices=filter_choices(UnitKind.choices, gettext_lazy("全部类型")),
    )
    major = flag_field(gettext_lazy("重大危险源"), gettext_lazy("构成"), gettext_lazy("不构成"))
    grade = forms.ChoiceField(
        label=gettext_lazy("级别"),
        required=False,
        choices=filter_choices(Grade.choices, gettext_lazy("全部级别")),
    )
    active = flag_field(gettext_lazy("在用"), gettext_lazy("在用"), gettext_lazy("已停用"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].choices = region_filter_choices(user)
        if len(self.fields["street"].choices) <= 2 and not self.data.get("street"):
            del self.fields["street"]


def unit_filter(user, params) -> SelectorFilter:
    """The unit list's filter over ``params`` (the list, its Excel)."""
    return SelectorFilter(user, params, form_class=UnitFilterForm, select=unit_rows, typed=True)
