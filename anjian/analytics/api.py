"""/api/v1/analytics — 指标与统计 for integrations (the same selectors and services as the pages).

``GET /indicators`` is the indicators page as data: each indicator's figure with its unit,
last year's (the same months), the change, the five-year trend, the target that applies
(the region's own plan or, for an indicator it does not set, the nearest region's above)
and whether it is met, and the accidents list's URL showing the records it counts.
``GET /breakdown`` counts accidents and deaths by grade, category, street, district or
month. Denominators and plans are written with the version read (409 when someone was
first); 422 names the field in Chinese; another region's row is 404.
"""

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from anjian.analytics import forms, selectors, services
from anjian.analytics import permissions as perms
from anjian.analytics.figures import BREAKDOWNS
from anjian.analytics.indicators import BY_KEY, Figure
from anjian.analytics.models import FIRST_YEAR, Denominator, IndicatorPlan
from anjian.core.access import api_requires
from anjian.core.api import errors
from anjian.core.exceptions import OutOfScope, ValidationError
from anjian.core.pagination import paginate
from anjian.core.scoping import scope_of

router = Router(tags=["指标与统计"])


class _StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


# --- the report -----------------------------------------------------------------------------


class IndicatorTrendOut(Schema):
    year: int
    value: float | None = Field(description="该年同期数值；缺少分母为 null")


class IndicatorTargetOut(Schema):
    text: str = Field(description="目标表述，如“< 0.01”“比2020年下降 7.5%”")
    comparison: str = Field(
        description="at_most（≤）、below（<）、reduce_by_percent（比基期下降%）"
    )
    value: float = Field(description="目标值；下降类为百分数")
    baseline: float | None = Field(description="基期数值（下降类）")
    baseline_from_plan: bool = Field(description="基期数值为规划载明（否则按记录计算）")
    threshold: float | None = Field(description="数值不得超过（below：须低于）的界限")
    met: bool | None = Field(description="是否达标；无法判断为 null（见 reason）")
    reason: str
    plan_id: int
    plan_name: str
    plan_region: str = Field(description="规划适用地区代码")
    inherited: bool = Field(description="沿用上级地区规划的目标")


class IndicatorLineOut(Schema):
    key: str = Field(description="指标代码，见 docs/indicators.md")
    label: str
    unit: str
    value: float | None = Field(description="本期数值；费率缺少分母时为 null（见 reason）")
    value_text: str = Field(description="按规定位数显示的数值，如“0.0080”")
    reason: str = Field(description="无法计算的原因，如“未填报地区生产总值（亿元），无法计算”")
    numerator: int = Field(description="死亡人数或事故起数")
    denominator: float | None = Field(description="费率的分母（本地区本年度）")
    previous: float | None = Field(description="上年同期数值")
    change: float | None = Field(description="较上年同期增减")
    change_percent: float | None = Field(description="增减幅度（%）；上年为 0 时为 null")
    pending_missing: int = Field(description="尚在补报期内的失踪人数（期满后计入死亡）")
    trend: list[IndicatorTrendOut] = Field(description="近五年同期数值")
    target: IndicatorTargetOut | None = Field(description="适用的目标；无目标为 null")
    target_text: str = Field(description="目标表述；无目标为空")
    met: bool | None = Field(description="是否达标；无目标或无法判断为 null")
    drilldown_url: str = Field(description="事故列表中本数值所统计的事故")


class IndicatorDenominatorOut(Schema):
    gdp: Decimal | None
    industry_trade_employees: int | None
    motor_vehicles: int | None


class IndicatorReportOut(Schema):
    region: str
    region_name: str
    year: int
    through_month: int | None = Field(description="统计至该月；null 为全年（本年为截至今日）")
    as_of: datetime = Field(description="计算时间：失踪人员按此时是否超过补报期计入死亡")
    complete: bool = Field(description="统计期已结束（全年且已过年末）")
    denominator: IndicatorDenominatorOut | None = Field(description="本地区本年度分母")
    lines: list[IndicatorLineOut]


def _number(value) -> float | None:
    return None if value is None else float(value)


def _text(figure: Figure, decimals: int) -> str:
    if figure.value is None:
        return ""
    if isinstance(figure.value, Decimal):
        return f"{figure.value:.{decimals}f}"
    return str(figure.value)


def _target(check) -> dict | None:
    if check is None:
        return None
    return {
        "text": check.text,
        "comparison": check.target.comparison,
        "value": float(check.target.value),
        "baseline": _number(check.baseline),
        "baseline_from_plan": check.baseline_from_plan,
        "threshold": _number(check.threshold),
        "met": check.met,
        "reason": check.reason,
        "plan_id": check.plan.pk,
        "plan_name": check.plan.name,
        "plan_region": check.plan.region_code,
        "inherited": check.inherited,
    }


def _line(line) -> dict:
    indicator = line.indicator
    return {
        "key": indicator.key,
        "label": str(indicator.label),
        "unit": str(indicator.unit),
        "value": _number(line.figure.value),
        "value_text": _text(line.figure, indicator.decimals),
        "reason": line.figure.reason_text,
        "numerator": line.figure.numerator,
        "denominator": _number(line.figure.denominator),
        "previous": _number(line.previous.value),
        "change": _number(line.change),
        "change_percent": _number(line.change_percent),
        "pending_missing": line.pending_missing,
        "trend": [{"year": year, "value": _number(f.value)} for year, f in line.trend],
        "target": _target(line.target),
        "target_text": line.target.text if line.target else "",
        "met": line.target.met if line.target else None,
        "drilldown_url": line.drilldown_url,
    }


def _region(request: HttpRequest, region: str) -> str:
    return region.strip() or forms.default_region(request.user)


YEAR = Query(None, ge=FIRST_YEAR, le=2100, description="年份；省略为本年")
MONTH = Query(None, ge=1, le=12, description="统计至该月（1–12）；省略为全年（本年为截至今日）")
REGION = Query("", description="地区代码（市、区、街镇）；省略为本人所在地区")


def _year(year: int | None) -> int:
    this_year = timezone.localdate().year
    if year is not None and year > this_year:
        raise ValidationError({"year": f"不能晚于今年（{this_year}年）"})
    return year or this_year


@router.get(
    "/indicators", response={200: IndicatorReportOut, **errors(404, 422)}, summary="指标监测"
)
@api_requires(perms.INDICATOR_VIEW)
def get_indicators(
    request: HttpRequest,
    region: str = REGION,
    year: int | None = YEAR,
    through_month: int | None = MONTH,
):
    report = selectors.indicator_report(
        request.user, _region(request, region), _year(year), through_month=through_month
    )
    found = report.denominator
    return {
        "region": report.region.code,
        "region_name": report.region.full_name or report.region.name,
        "year": report.year,
        "through_month": report.through_month,
        "as_of": report.as_of,
        "complete": report.complete,
        "denominator": None
        if found is None
        else {
            "gdp": found.gdp,
            "industry_trade_employees": found.industry_trade_employees,
            "motor_vehicles": found.motor_vehicles,
        },
        "lines": [_line(line) for line in report.lines],
    }


class IndicatorBreakdownOut(Schema):
    key: str = Field(description="等级、类别、街镇/区代码或月份")
    label: str
    accidents: int
    deaths: int
    pending_missing: int
    drilldown_url: str


@router.get(
    "/breakdown",
    response={200: list[IndicatorBreakdownOut], **errors(404, 422)},
    summary="事故起数和死亡人数分组统计",
)
@api_requires(perms.INDICATOR_VIEW)
def get_breakdown(
    request: HttpRequest,
    region: str = REGION,
    year: int | None = YEAR,
    by: str = Query("grade", description="grade、category、street、district 或 month"),
    through_month: int | None = MONTH,
):
    if by not in BREAKDOWNS:
        raise ValidationError({"by": "应为 grade、category、street、district 或 month"})
    rows = selectors.breakdown(
        request.user, _region(request, region), _year(year), by, through_month=through_month
    )
    return [
        {
            "key": row.key,
            "label": row.label,
            "accidents": row.accidents,
            "deaths": row.deaths,
            "pending_missing": row.pending_missing,
            "drilldown_url": url,
        }
        for row, url in rows
    ]


# --- denominators ----------------------------------------------------------------------------


class DenominatorOut(Schema):
    id: int
    region: str = Field(alias="region_code")
    region_name: str = Field(alias="region.name")
    year: int
    gdp: Decimal | None = Field(description="地区生产总值（亿元）")
    industry_trade_employees: int | None = Field(description="工矿商贸就业人员（人）")
    motor_vehicles: int | None = Field(description="机动车保有量（辆）")
    source: str
    updated_at: datetime
    version: int = Field(description="修改时原样带回，用于并发冲突检测")


class DenominatorValuesIn(_StrictIn):
    gdp: Decimal | None = Field(None, description="亿元，最多2位小数；null 为暂未公布")
    industry_trade_employees: int | None = Field(None, description="人")
    motor_vehicles: int | None = Field(None, description="辆")
    source: str = ""


class DenominatorIn(DenominatorValuesIn):
    region: str = Field(description="市或区的行政区划代码（在本人管辖范围内）")
    year: int


class DenominatorPutIn(DenominatorValuesIn):
    version: int = Field(description="读取时的 version")


def _denominator(request: HttpRequest, denominator_id: int) -> Denominator:
    found = selectors.denominator_list(request.user).filter(pk=denominator_id).first()
    if found is None:
        raise OutOfScope()
    return found


@router.get("/denominators", response=list[DenominatorOut], summary="指标分母列表（地区 × 年度）")
@api_requires(perms.INDICATOR_MANAGE)
@paginate(page_size=100)
def list_denominators(
    request: HttpRequest,
    region: str = Query("", description="地区代码（含下级）"),
    year: int | None = Query(None, ge=FIRST_YEAR, le=2100),
):
    return selectors.denominator_list(request.user, region_code=region.strip(), year=year)


@router.post(
    "/denominators", response={201: DenominatorOut, **errors(404, 409, 422)}, summary="填报分母"
)
@api_requires(perms.INDICATOR_MANAGE)
def create_denominator(request: HttpRequest, payload: DenominatorIn):
    row = services.denominator_save(
        request.user,
        region_id=payload.region,
        year=payload.year,
        gdp=payload.gdp,
        industry_trade_employees=payload.industry_trade_employees,
        motor_vehicles=payload.motor_vehicles,
        source=payload.source,
    )
    return Status(201, _denominator(request, row.pk))


@router.get(
    "/denominators/{int:denominator_id}",
    response={200: DenominatorOut, **errors(404)},
    summary="分母详情",
)
@api_requires(perms.INDICATOR_MANAGE)
def get_denominator(request: HttpRequest, denominator_id: int):
    return _denominator(request, denominator_id)


@router.put(
    "/denominators/{int:denominator_id}",
    response={200: DenominatorOut, **errors(404, 409, 422)},
    summary="修改分母",
)
@api_requires(perms.INDICATOR_MANAGE)
def put_denominator(request: HttpRequest, denominator_id: int, payload: DenominatorPutIn):
    row = _denominator(request, denominator_id)
    services.denominator_save(
        request.user,
        region_id=row.region_code,
        year=row.year,
        gdp=payload.gdp,
        industry_trade_employees=payload.industry_trade_employees,
        motor_vehicles=payload.motor_vehicles,
        source=payload.source,
        expected_version=payload.version,
    )
    return _denominator(request, denominator_id)


# --- plans and targets -------------------------------------------------------------------------


class IndicatorPlanTargetOut(Schema):
    indicator: str
    label: str = Field(description="指标名称")
    comparison: str = Field(description="at_most、below 或 reduce_by_percent")
    value: Decimal = Field(description="目标值；下降类为百分数")
    baseline_value: Decimal | None = Field(description="规划载明的基期数值（下降类）")
    note: str

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj.get_indicator_display())


class IndicatorPlanOut(Schema):
    id: int
    name: str
    region: str = Field(alias="region_code")
    region_name: str = Field(alias="region.name")
    baseline_year: int
    target_year: int = Field(description="覆盖基期之后至目标年的各年")
    source: str
    is_active: bool
    version: int
    targets: list[IndicatorPlanTargetOut]

    @staticmethod
    def resolve_targets(obj) -> list:
        return list(obj.targets.all())


class IndicatorPlanIn(_StrictIn):
    region: str = Field(description="市或区的行政区划代码（在本人管辖范围内）")
    name: str
    baseline_year: int
    target_year: int
    source: str = ""
    is_active: bool = True


class IndicatorPlanPatch(_StrictIn):
    version: int = Field(description="读取时的 version")
    region: str | None = None
    name: str | None = None
    baseline_year: int | None = None
    target_year: int | None = None
    source: str | None = None
    is_active: bool | None = None


class IndicatorTargetIn(_StrictIn):
    comparison: str = Field(
        description="at_most（不高于）、below（低于）、reduce_by_percent（比基期下降）"
    )
    value: Decimal = Field(description="目标值；下降类填百分数，如 7.5")
    baseline_value: Decimal | None = Field(None, description="规划载明的基期数值（仅下降类）")
    note: str = ""


@router.get("/plans", response=list[IndicatorPlanOut], summary="规划及其目标")
@api_requires(perms.INDICATOR_VIEW)
@paginate(page_size=50)
def list_plans(request: HttpRequest):
    return selectors.plans_for(request.user).order_by("region_code", "-target_year", "pk")


@router.post("/plans", response={201: IndicatorPlanOut, **errors(404, 422)}, summary="新建规划")
@api_requires(perms.INDICATOR_MANAGE)
def create_plan(request: HttpRequest, payload: IndicatorPlanIn):
    plan = services.plan_save(
        request.user, region_id=payload.region, **payload.dict(exclude={"region"})
    )
    return Status(201, selectors.plan_get(request.user, plan.pk))


@router.get(
    "/plans/{int:indicator_plan_id}",
    response={200: IndicatorPlanOut, **errors(404)},
    summary="规划详情",
)
@api_requires(perms.INDICATOR_VIEW)
def get_plan(request: HttpRequest, indicator_plan_id: int):
    return selectors.plan_get(request.user, indicator_plan_id)


def _plan_for_change(request: HttpRequest, plan_id: int) -> IndicatorPlan:
    plan = selectors.plan_get(request.user, plan_id)
    if not scope_of(request.user).covers_region(plan.region_code):
        raise OutOfScope()  # read (a district reads the city's plan), not changed: 404
    return plan


@router.patch(
    "/plans/{int:indicator_plan_id}",
    response={200: IndicatorPlanOut, **errors(404, 409, 422)},
    summary="修改规划",
)
@api_requires(perms.INDICATOR_MANAGE)
def patch_plan(request: HttpRequest, indicator_plan_id: int, payload: IndicatorPlanPatch):
    plan = _plan_for_change(request, indicator_plan_id)
    changes = payload.dict(exclude_unset=True, exclude={"version"})
    current = {
        "region": plan.region_code,
        "name": plan.name,
        "baseline_year": plan.baseline_year,
        "target_year": plan.target_year,
        "source": plan.source,
        "is_active": plan.is_active,
    }
    current.update({key: value for key, value in changes.items() if value is not None})
    services.plan_save(
        request.user,
        plan_id=plan.pk,
        region_id=current.pop("region"),
        expected_version=payload.version,
        **current,
    )
    return selectors.plan_get(request.user, plan.pk)


def _indicator(indicator: str) -> str:
    if indicator not in BY_KEY:
        raise ValidationError({"indicator": f"没有指标“{indicator}”"})
    return indicator


@router.put(
    "/plans/{int:indicator_plan_id}/targets/{indicator}",
    response={200: IndicatorPlanOut, **errors(404, 422)},
    summary="设定指标目标",
)
@api_requires(perms.INDICATOR_MANAGE)
def put_target(
    request: HttpRequest, indicator_plan_id: int, indicator: str, payload: IndicatorTargetIn
):
    plan = _plan_for_change(request, indicator_plan_id)
    services.target_save(
        request.user,
        plan_id=plan.pk,
        indicator=_indicator(indicator),
        comparison=payload.comparison,
        value=payload.value,
        baseline_value=payload.baseline_value,
        note=payload.note,
    )
    return selectors.plan_get(request.user, plan.pk)


@router.delete(
    "/plans/{int:indicator_plan_id}/targets/{indicator}",
    response={204: None, **errors(404, 422)},
    summary="删除指标目标",
)
@api_requires(perms.INDICATOR_MANAGE)
def delete_target(request: HttpRequest, indicator_plan_id: int, indicator: str):
    plan = _plan_for_change(request, indicator_plan_id)
    services.target_delete(request.user, plan_id=plan.pk, indicator=_indicator(indicator))
    return Status(204, None)
