"""Writes of 指标与统计: denominators, plans and their targets. Pages, API, the Excel import
(``importer``) and the demo call these.

Who: a user granted ``indicator.manage`` (NotPermitted otherwise) whose scope covers the
region written (OutOfScope otherwise, on the region field). A denominator or plan is
compared-and-set on its version under a row lock (Conflict when someone changed it since);
every change is in the audit log (``apps.py``).

Input may come from a form or a spreadsheet: numbers may arrive as text, and the
messages say in Chinese what is wrong with which field (``clean_denominator``).
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.analytics import indicators
from anjian.analytics import permissions as perms
from anjian.analytics.choices import Comparison
from anjian.analytics.models import FIRST_YEAR, Denominator, IndicatorPlan, IndicatorTarget
from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.core.scoping import ensure_in_scope, scope_of
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Region

# Denominators and plans belong to a region that has statistics of its own: the city
# (a municipality is a province-level region) or a district.
REGION_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.DISTRICT)
GDP_DECIMALS = 2
TARGET_DECIMALS = 4


def require_manage(by) -> None:
    if not by.can(perms.INDICATOR_MANAGE):
        raise NotPermitted()


# --- reading typed or spreadsheet values ----------------------------------------------------


class _Errors:
    """Field messages gathered over a whole input, raised together."""

    def __init__(self):
        self.messages: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.messages.setdefault(field, message)

    def raise_any(self) -> None:
        if self.messages:
            raise ValidationError(self.messages)


def text_of(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_decimal(value, *, decimals: int) -> Decimal | None:
    """A number from a form or a cell ("1,234.5", 1234.5, Decimal), None when blank.
    ValueError with the Chinese message when it is not a number or has too many decimals."""
    if isinstance(value, bool):
        raise ValueError(_("请填写数字"))
    if isinstance(value, float):
        value = repr(value)
    text = text_of(value).replace(",", "").replace("，", "").replace(" ", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(v)s”不是数字") % {"v": text_of(value)}) from None
    if not number.is_finite():
        raise ValueError(_("“%(v)s”不是数字") % {"v": text_of(value)})
    try:
        exact = number == number.quantize(Decimal(1).scaleb(-decimals))
    except InvalidOperation:  # more digits than a Decimal context holds
        raise ValueError(_("数值过大，请核对单位")) from None
    if not exact:
        if decimals == 0:
            raise ValueError(_("须为整数"))
        raise ValueError(_("最多保留%(n)d位小数") % {"n": decimals})
    return number


def parse_year(value) -> int:
    text = text_of(value).removesuffix("年")
    if not text:
        raise ValueError(_("请填写年份"))
    if not text.isdigit():
        raise ValueError(_("“%(v)s”不是年份") % {"v": text_of(value)})
    year = int(text)
    this_year = timezone.localdate().year
    if year > this_year:
        raise ValueError(_("不能晚于今年（%(y)d年）") % {"y": this_year})
    if year < FIRST_YEAR:
        raise ValueError(_("不能早于%(y)d年") % {"y": FIRST_YEAR})
    return year


@dataclass(frozen=True)
class DenominatorValues:
    year: int | None
    gdp: Decimal | None
    industry_trade_employees: int | None
    motor_vehicles: int | None
    source: str


def _positive(errors: _Errors, field: str, value, *, decimals: int):
    try:
        number = parse_decimal(value, decimals=decimals)
    except ValueError as problem:
        errors.add(field, str(problem))
        return None
    if number is not None and number <= 0:
        errors.add(field, _("须大于0"))
        return None
    if number is not None and decimals == 0:
        number = int(number)
        if number > 2_000_000_000:
            errors.add(field, _("数值过大，请核对单位"))
            return None
    return number


def clean_denominator(
    *, year, gdp, industry_trade_employees, motor_vehicles, source=""
) -> DenominatorValues:
    """The values of a denominator row, or a ValidationError naming each bad field:
    a year after this one, a number that is text, zero or negative, too many decimals,
    nothing to record."""
    errors = _Errors()
    try:
        year = parse_year(year)
    except ValueError as problem:
        errors.add("year", str(problem))
        year = None
    gdp = _positive(errors, "gdp", gdp, decimals=GDP_DECIMALS)
    if gdp is not None and gdp >= Decimal("1e12"):
        errors.add("gdp", _("数值过大，请核对单位（亿元）"))
    employees = _positive(errors, "industry_trade_employees", industry_trade_employees, decimals=0)
    vehicles = _positive(errors, "motor_vehicles", motor_vehicles, decimals=0)
    source = text_of(source)
    if len(source) > 200:
        errors.add("source", _("不能超过200字"))
    nothing = (
        gdp is None
        and employees is None
        and vehicles is None
        and not {"gdp", "industry_trade_employees", "motor_vehicles"} & errors.messages.keys()
    )
    if nothing:
        errors.add("gdp", _("地区生产总值、工矿商贸就业人员、机动车保有量至少填写一项"))
    errors.raise_any()
    return DenominatorValues(year, gdp, employees, vehicles, source)


# --- regions ------------------------------------------------------------------------------------


def region_for_write(by, region_id: str) -> Region:
    """The region a denominator or plan is written for: a city or district in ``by``'s
    scope (OutOfScope on ``region`` when not in it; ValidationError when not a city or
    district)."""
    code = text_of(region_id)
    region = Region.objects.filter(code=code).first() if code else None
    if region is None:
        raise ValidationError({"region": _("请选择地区")})
    if not scope_of(by).covers_region(region.code):
        raise OutOfScope(field="region")
    if region.level not in REGION_LEVELS:
        raise ValidationError(
            {"region": _("只能按市或区填报（%(name)s不是市或区）") % {"name": region.full_name}}
        )
    return region


# --- denominators -----------------------------------------------------------------------------


def denominator_save(
    by,
    *,
    region_id: str,
    year,
    gdp,
    industry_trade_employees,
    motor_vehicles,
    source: str = "",
    expected_version: int | None = None,
) -> Denominator:
    """Record ``region``'s denominators for ``year`` (create, or update the one there).

    ``expected_version`` is the version the editor started from: None to create (a Conflict
    if the region already has that year — someone entered it meanwhile), else the stored
    version must still be it. Blank values are stored as unknown."""
    require_manage(by)
    region = region_for_write(by, region_id)
    values = clean_denominator(
        year=year,
        gdp=gdp,
        industry_trade_employees=industry_trade_employees,
        motor_vehicles=motor_vehicles,
        source=source,
    )
    with transaction.atomic():
        row = (
            Denominator.objects.select_for_update().filter(region=region, year=values.year).first()
        )
        if row is None and expected_version is not None:
            raise Conflict()
        if row is not None and expected_version is None:
            raise Conflict(
                _("%(region)s%(year)d年的分母已有记录，请在该记录上修改。")
                % {"region": region.full_name, "year": values.year}
            )
        if row is not None and row.version != expected_version:
            raise Conflict()
        if row is None:
            row = Denominator(region=region, region_code=region.code, year=values.year)
        else:
            row.version += 1
        apply_values(row, values, by=by, keep_blank=False)
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:  # created by someone else since the lock was looked for
            raise Conflict() from None
        ensure_in_scope(by, row, field="region")
    return row


def apply_values(row: Denominator, values: DenominatorValues, *, by, keep_blank: bool) -> None:
    """Set ``values`` on ``row``; ``keep_blank``: a blank value keeps the stored one."""
    for field in ("gdp", "industry_trade_employees", "motor_vehicles"):
        value = getattr(values, field)
        if value is not None or not keep_blank:
            setattr(row, field, value)
    if values.source or not keep_blank:
        row.source = values.source
    row.updated_by = by
    row.full_clean(validate_unique=False)


# --- plans and targets ------------------------------------------------------------------------


def plan_save(
    by,
    *,
    plan_id: int | None = None,
    region_id: str,
    name: str,
    baseline_year,
    target_year,
    source: str = "",
    is_active: bool = True,
    expected_version: int | None = None,
) -> IndicatorPlan:
    """Create a plan (``plan_id`` None) or change one the writer's scope covers, if nobody
    changed it since ``expected_version``. Two active plans of one region may not cover
    the same year (which target applies would be ambiguous)."""
    require_manage(by)
    region = region_for_write(by, region_id)
    errors = _Errors()
    name = text_of(name)
    if not name:
        errors.add("name", _("请填写规划名称"))
    elif len(name) > 120:
        errors.add("name", _("不能超过120字"))
    years = {}
    for field, value in (("baseline_year", baseline_year), ("target_year", target_year)):
        text = text_of(value).removesuffix("年")
        if not text.isdigit() or not FIRST_YEAR <= int(text) <= 2100:
            errors.add(field, _("请填写%(a)d–2100之间的年份") % {"a": FIRST_YEAR})
        else:
            years[field] = int(text)
    if len(years) == 2 and years["target_year"] <= years["baseline_year"]:
        errors.add("target_year", _("目标年份须晚于基期年份"))
    source = text_of(source)
    if len(source) > 200:
        errors.add("source", _("不能超过200字"))
    errors.raise_any()
    with transaction.atomic():
        if plan_id is None:
            plan = IndicatorPlan(created_by=by)
        else:
            plan = IndicatorPlan.objects.select_for_update().filter(pk=plan_id).first()
            if plan is None or not scope_of(by).covers_region(plan.region_code):
                raise OutOfScope()
            if expected_version is not None and plan.version != expected_version:
                raise Conflict()
            plan.version += 1
        plan.region, plan.region_code, plan.name, plan.source = region, region.code, name, source
        plan.baseline_year, plan.target_year = years["baseline_year"], years["target_year"]
        plan.is_active = bool(is_active)
        if plan.is_active:
            _refuse_overlap(plan)
        plan.full_clean()
        plan.save()
    return plan


def _refuse_overlap(plan: IndicatorPlan) -> None:
    other = (
        IndicatorPlan.objects.filter(
            region_code=plan.region_code,
            is_active=True,
            baseline_year__lt=plan.target_year,
            target_year__gt=plan.baseline_year,
        )
        .exclude(pk=plan.pk)
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                "target_year": _(
                    "本地区已有期间重叠的启用规划“%(name)s”（%(a)d–%(b)d年），请先停用该规划"
                )
                % {"name": other.name, "a": other.baseline_year + 1, "b": other.target_year}
            }
        )


def _plan_for_write(by, plan_id: int) -> IndicatorPlan:
    plan = IndicatorPlan.objects.select_for_update().filter(pk=plan_id).first()
    if plan is None or not scope_of(by).covers_region(plan.region_code):
        raise OutOfScope()
    return plan


def target_save(
    by,
    *,
    plan_id: int,
    indicator: str,
    comparison: str,
    value,
    baseline_value=None,
    note: str = "",
) -> IndicatorTarget:
    """Set the plan's target for ``indicator`` (one per indicator: replaces the one there).

    ``value`` is the bound (at_most, below) or the percentage (reduce_by_percent, 0–100);
    ``baseline_value`` is the baseline year's figure as the plan states it, only for a
    reduction (blank: computed from the records)."""
    require_manage(by)
    errors = _Errors()
    if indicator not in indicators.BY_KEY:
        errors.add("indicator", _("请选择指标"))
    if comparison not in Comparison.values:
        errors.add("comparison", _("请选择目标类型"))
    number = _non_negative(errors, "value", value, required=True)
    if comparison == Comparison.REDUCE_BY_PERCENT and number is not None and not 0 < number < 100:
        errors.add("value", _("下降幅度须在0到100之间（百分数）"))
    baseline = _non_negative(errors, "baseline_value", baseline_value, required=False)
    if baseline is not None and comparison != Comparison.REDUCE_BY_PERCENT:
        errors.add("baseline_value", _("只有“比基期下降”类目标需要基期数值"))
    note = text_of(note)
    if len(note) > 300:
        errors.add("note", _("不能超过300字"))
    errors.raise_any()
    with transaction.atomic():
        plan = _plan_for_write(by, plan_id)
        target = IndicatorTarget.objects.filter(plan=plan, indicator=indicator).first()
        target = target or IndicatorTarget(plan=plan, indicator=indicator)
        target.comparison, target.value, target.baseline_value = comparison, number, baseline
        target.note = note
        target.full_clean(validate_unique=False)
        target.save()
    return target


def _non_negative(errors: _Errors, field: str, value, *, required: bool) -> Decimal | None:
    try:
        number = parse_decimal(value, decimals=TARGET_DECIMALS)
    except ValueError as problem:
        errors.add(field, str(problem))
        return None
    if number is None and required:
        errors.add(field, _("请填写目标值"))
    elif number is not None and number < 0:
        errors.add(field, _("不能为负数"))
        return None
    elif number is not None and number >= Decimal("1e10"):
        errors.add(field, _("数值过大"))
        return None
    return number


def target_delete(by, *, plan_id: int, indicator: str) -> None:
    """Remove the plan's target for ``indicator`` (the audit log keeps what it was)."""
    require_manage(by)
    with transaction.atomic():
        plan = _plan_for_write(by, plan_id)
        deleted, _rows = IndicatorTarget.objects.filter(plan=plan, indicator=indicator).delete()
        if not deleted:
            raise ValidationError({"indicator": _("该规划没有这项指标的目标")})
