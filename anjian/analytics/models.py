"""指标与统计: what the indicators need besides the accident records.

- ``Denominator``: a region's yearly figures that the rates divide by — GDP (亿元),
  工矿商贸 employees, motor vehicles — entered or imported per region (a district or the
  city) and year. Each may be unknown for a while (the statistics bureau publishes GDP
  months after the year ends): a rate without its denominator is not computed.
- ``IndicatorPlan``: a plan that sets targets (上海市安全生产"十四五"规划), for a region,
  with its baseline year (基期, e.g. 2020) and target year (2025). A region's figures are
  judged by the nearest plan up the region tree that sets a target for the indicator.
- ``IndicatorTarget``: one indicator's target in a plan — at most, below, or down by a
  percentage from the baseline year.

Writes go through ``services``; every change is in the audit log.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anjian.analytics.choices import Comparison
from anjian.analytics.indicators import CHOICES as INDICATOR_CHOICES
from anjian.core.models import VersionedModel
from anjian.core.scoping import ScopedQuerySet, ScopePaths

FIRST_YEAR = 1990
YEARS = [MinValueValidator(FIRST_YEAR), MaxValueValidator(2100)]


class Denominator(VersionedModel):
    """A region's yearly denominators. Visible to the users whose scope covers the region
    (a district's are not a neighbour's to read or change)."""

    scope_paths = ScopePaths(region="region_code")

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("地区")
    )
    region_code = models.CharField(max_length=24, editable=False, db_index=True)
    year = models.PositiveSmallIntegerField(_("年份"), validators=YEARS)
    gdp = models.DecimalField(
        _("地区生产总值（亿元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    industry_trade_employees = models.PositiveIntegerField(
        _("工矿商贸就业人员（人）"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    motor_vehicles = models.PositiveIntegerField(
        _("机动车保有量（辆）"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    source = models.CharField(
        _("数据来源"), max_length=200, blank=True, help_text=_("如：2024年杨浦区统计年鉴")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("填报人"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标分母")
        verbose_name_plural = _("指标分母")
        ordering = ["region_code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="denominator_once_a_year"),
            models.CheckConstraint(
                condition=Q(gdp__isnull=True) | Q(gdp__gt=0), name="denominator_gdp_positive"
            ),
            models.CheckConstraint(
                condition=Q(industry_trade_employees__isnull=True)
                | Q(industry_trade_employees__gt=0),
                name="denominator_employees_positive",
            ),
            models.CheckConstraint(
                condition=Q(motor_vehicles__isnull=True) | Q(motor_vehicles__gt=0),
                name="denominator_vehicles_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.year}"


class IndicatorPlan(VersionedModel):
    """A plan with indicator targets for a region over baseline_year+1 … target_year.

    Not scoped by ``scope_paths``: a city's plan applies to its districts, so a district
    reads it too (``selectors.plans_for``); only a user whose scope covers the plan's
    region may change it (``services``)."""

    name = models.CharField(_("规划名称"), max_length=120)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("适用地区")
    )
    region_code = models.CharField(max_length=24, editable=False, db_index=True)
    baseline_year = models.PositiveSmallIntegerField(_("基期年份"), validators=YEARS)
    target_year = models.PositiveSmallIntegerField(_("目标年份"), validators=YEARS)
    source = models.CharField(
        _("依据文件"), max_length=200, blank=True, help_text=_("文件名称、文号")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("指标规划")
        verbose_name_plural = _("指标规划")
        ordering = ["region_code", "-target_year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_year__gt=models.F("baseline_year")),
                name="indicator_plan_target_after_baseline",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def covers(self, year: int) -> bool:
        """Whether ``year`` is in the plan's period (the years after the baseline)."""
        return self.baseline_year < year <= self.target_year


class IndicatorTarget(models.Model):
    """One indicator's target in a plan. ``baseline_value`` is the baseline year's figure as
    the plan states it (e.g. 0.013 for 2020): records from before anjian was used are not
    in the ledger, so a reduction is measured from the stated figure when there is one,
    else from the baseline year's figure computed from the records."""

    plan = models.ForeignKey(IndicatorPlan, on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField(_("指标"), max_length=40, choices=INDICATOR_CHOICES)
    comparison = models.CharField(_("目标类型"), max_length=20, choices=Comparison.choices)
    value = models.DecimalField(
        _("目标值"),
        max_digits=14,
        decimal_places=4,
        validators=[MinValueValidator(0)],
        help_text=_("下降类目标填百分数，如下降7.5%填7.5"),
    )
    baseline_value = models.DecimalField(
        _("基期数值"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("规划文件中的基期数值；不填则按系统记录计算"),
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("指标目标")
        verbose_name_plural = _("指标目标")
        ordering = ["plan", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "indicator"], name="indicator_target_once")
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.get_indicator_display()}"


from anjian.analytics.report_models import MonthlyReport  # noqa: E402, F401
