"""The forms of 指标与统计's pages, and the regions a user is offered on them.

The forms only carry what was typed: numbers stay text, so that the service reads them
the way it reads a spreadsheet cell and says in Chinese what is wrong with which field
(``services.clean_denominator``, ``plan_save``, ``target_save``). The region fields offer
only the regions the user may write (a city or district in scope), so a region outside the
scope is refused on its field (422) before the service checks the scope again.
"""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.analytics import indicators
from anjian.analytics.choices import Comparison
from anjian.analytics.models import Denominator, IndicatorPlan
from anjian.analytics.services import REGION_LEVELS
from anjian.core.scoping import scope_of
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import is_at_or_below
from anjian.regions.models import Region

# --- the regions a user is offered ------------------------------------------------------------


def _without_repeats(regions: list[Region]) -> list[Region]:
    """Leave out a region that only repeats its parent (上海市 → 市辖区: the same 上海市)."""
    names = {region.code: region.full_name for region in regions}
    return [r for r in regions if not (r.parent_id in names and names[r.parent_id] == r.full_name)]


def writable_regions(user) -> list[Region]:
    """The city and districts inside the user's scope: the regions denominators and plans
    are kept for (``services.REGION_LEVELS``)."""
    scope = scope_of(user)
    if not scope.everything and scope.region_prefix is None:
        return []
    prefix = settings.REGION_ROOT if scope.everything else scope.region_prefix
    rows = (
        Region.objects.filter(level__in=REGION_LEVELS, is_active=True, code__startswith=prefix)
        .defer("boundary")
        .order_by("code")
    )
    return _without_repeats(list(rows))


def readable_regions(user) -> list[Region]:
    """The regions whose figures the indicators page offers: the city and its districts to
    a city-wide user, a district and its streets to a district's, one's own street or grid
    to a street officer or grid member."""
    scope = scope_of(user)
    if not scope.everything and scope.region_prefix is None:
        return []
    prefix = scope.region_prefix or ""
    if scope.everything or not is_at_or_below(prefix, RegionLevel.DISTRICT):
        return writable_regions(user)
    if not is_at_or_below(prefix, RegionLevel.STREET):  # a district: it and its streets
        below = Region.objects.filter(
            code__startswith=prefix, level=RegionLevel.STREET, is_active=True
        )
        rows = Region.objects.filter(code=prefix) | below
        return list(rows.defer("boundary").order_by("code"))
    return list(Region.objects.filter(code=prefix).defer("boundary"))


def default_region(user) -> str:
    """The region the indicators page opens on: the user's own (their district for a
    district's officials and leaders), the city for a user who sees everything."""
    scope = scope_of(user)
    if scope.everything:
        return settings.REGION_ROOT
    return scope.region_prefix or ""


def region_label(region: Region) -> str:
    return region.full_name or region.name


def _region_choices(regions) -> list[tuple[str, str]]:
    return [(region.code, region_label(region)) for region in regions]


def year_choices(first: int | None = None) -> list[tuple[int, str]]:
    """This year and the years before it, newest first (a ten-year picker)."""
    this_year = timezone.localdate().year
    first = first or this_year - 9
    return [(year, f"{year}年") for year in range(this_year, first - 1, -1)]


# --- denominators -----------------------------------------------------------------------------


class DenominatorForm(forms.Form):
    """A region's denominators for a year. On an existing row the region and year are
    shown and fixed (the row is that region's year); ``version`` is the one it was read at."""

    region = forms.ChoiceField(label=_("地区"), help_text=_("市或区（街镇没有单独的分母）"))
    year = forms.CharField(label=_("年份"), max_length=8)
    gdp = forms.CharField(
        label=_("地区生产总值（亿元）"),
        max_length=24,
        required=False,
        help_text=_("当年价，单位亿元，最多2位小数；暂未公布可不填"),
    )
    industry_trade_employees = forms.CharField(
        label=_("工矿商贸就业人员（人）"), max_length=24, required=False
    )
    motor_vehicles = forms.CharField(label=_("机动车保有量（辆）"), max_length=24, required=False)
    source = forms.CharField(
        label=_("数据来源"),
        max_length=200,
        required=False,
        help_text=_("如：2024年杨浦区国民经济和社会发展统计公报"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, instance: Denominator | None = None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs["initial"] = {
                "region": instance.region_code,
                "year": instance.year,
                "gdp": "" if instance.gdp is None else instance.gdp,
                "industry_trade_employees": instance.industry_trade_employees or "",
                "motor_vehicles": instance.motor_vehicles or "",
                "source": instance.source,
                "version": instance.version,
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        regions = writable_regions(user)
        if instance is not None:
            regions = [instance.region]
            self.fields["region"].disabled = True
            self.fields["year"].disabled = True
            self.fields["version"].required = True
        self.fields["region"].choices = _region_choices(regions)


# --- plans and targets ------------------------------------------------------------------------


class PlanForm(forms.Form):
    region = forms.ChoiceField(label=_("适用地区"))
    name = forms.CharField(label=_("规划名称"), max_length=120)
    baseline_year = forms.CharField(
        label=_("基期年份"), max_length=8, help_text=_("如“十四五”规划的基期为2020年")
    )
    target_year = forms.CharField(label=_("目标年份"), max_length=8)
    source = forms.CharField(
        label=_("依据文件"), max_length=200, required=False, help_text=_("文件名称、文号")
    )
    is_active = forms.BooleanField(
        label=_("启用"),
        required=False,
        initial=True,
        help_text=_("同一地区的启用规划期间不能重叠"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, instance: IndicatorPlan | None = None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs["initial"] = {
                "region": instance.region_code,
                "name": instance.name,
                "baseline_year": instance.baseline_year,
                "target_year": instance.target_year,
                "source": instance.source,
                "is_active": instance.is_active,
                "version": instance.version,
            }
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _region_choices(writable_regions(user))
        if instance is not None:
            self.fields["version"].required = True


class TargetForm(forms.Form):
    indicator = forms.ChoiceField(label=_("指标"), choices=indicators.CHOICES)
    comparison = forms.ChoiceField(label=_("目标类型"), choices=Comparison.choices)
    value = forms.CharField(
        label=_("目标值"),
        max_length=24,
        help_text=_("“不高于”“低于”填数值；“比基期下降”填百分数，如下降7.5%填7.5"),
    )
    baseline_value = forms.CharField(
        label=_("基期数值"),
        max_length=24,
        required=False,
        help_text=_("仅“比基期下降”：规划文件载明的基期数值；不填则按系统记录计算"),
    )
    note = forms.CharField(label=_("说明"), max_length=300, required=False)
