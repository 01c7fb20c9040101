from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.regions import selectors
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Department, Industry


class RegionChildForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=64)
    level = forms.TypedChoiceField(
        label=gettext_lazy("层级"),
        coerce=int,
        choices=[
            (RegionLevel.COMMUNITY, RegionLevel.COMMUNITY.label),
            (RegionLevel.GRID, RegionLevel.GRID.label),
        ],
    )
    latitude = forms.DecimalField(
        label=gettext_lazy("标注点纬度"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
    )
    longitude = forms.DecimalField(
        label=gettext_lazy("标注点经度"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
    )


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "short_name", "is_comprehensive", "industries", "sort_order", "is_active"]
        widgets = {"industries": forms.CheckboxSelectMultiple}


class IndustryForm(forms.ModelForm):
    class Meta:
        model = Industry
        fields = ["code", "name", "group", "sort_order", "is_active"]


def region_filter_choices(user) -> list:
    """A list filter's regions: the districts and streets of ``user``'s scope."""
    regions = [*selectors.districts_in(user), *selectors.streets_for(user)]
    return [("", _("全部地区")), *[(r.code, r.name) for r in regions]]
