"""/api/v1/accidents — 生产安全事故 for phones and integrations (the same services as the pages).

``POST /`` files the quick report (快报): graded by 493号令 and clocked up the chain; the
same ``report_token`` sent again answers 200 with the first record. ``GET /{id}`` is the
whole record — figures, grade and why, the chain with its time limits, every report, the
flags, the investigation, responsibilities, measures, the evaluation, the 直报 deliveries
and ``actions``: what the caller may do now. Each write takes the ``version`` read (409 when
someone was first, or the state does not allow it); 422 names the field; out of scope is
404, a role without the action 403.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.http import Http404, HttpRequest
from ninja import Query, Router, Status
from ninja.errors import HttpError

from anjian.accidents import investigation, selectors, services
from anjian.accidents import permissions as perms
from anjian.accidents.choices import Category, Grade
from anjian.accidents.models import Accident, AccidentState
from anjian.accidents.schemas import (
    AccidentDetailOut,
    AccidentEvaluationIn,
    AccidentExtensionIn,
    AccidentFilters,
    AccidentFlagIn,
    AccidentFlagOut,
    AccidentFollowUpIn,
    AccidentInformIn,
    AccidentInvestigationStartIn,
    AccidentInvestigationUpdateIn,
    AccidentMeasureDoneIn,
    AccidentMeasureIn,
    AccidentMeasureOut,
    AccidentOut,
    AccidentReasonIn,
    AccidentReportIn,
    AccidentResponsibilityIn,
    AccidentResponsibilityOut,
    AccidentVersionIn,
    AccidentVoidIn,
)
from anjian.core.access import api_requires
from anjian.core.api import errors
from anjian.core.pagination import paginate

router = Router(tags=["生产安全事故"])

DETAIL = {200: AccidentDetailOut, **errors(403, 404, 409, 422)}
FIGURES = ("deaths", "missing", "serious_injuries", "minor_injuries", "direct_loss")
SIX_PLACES = Decimal("0.000001")


def _detail(request: HttpRequest, accident_id: int) -> Accident:
    return selectors.accident_for_read(request.user, accident_id)


def _position(value: Decimal | None) -> Decimal | None:
    """A phone's position to the six places the record keeps (about 0.1 m)."""
    return None if value is None else value.quantize(SIX_PLACES, rounding=ROUND_HALF_UP)


def _choice(name: str, value: str | None, allowed) -> str:
    if value and value not in allowed:
        raise HttpError(422, f"未知的 {name}：{value}（可选 {'、'.join(allowed)}）")
    return value or ""


# --- reads ---------------------------------------------------------------------------------


@router.get(
    "/",
    response={200: list[AccidentOut], **errors(422)},
    summary="事故列表（按筛选条件，分页）",
    description="筛选与事故列表页、指标下钻相同；未知的等级、类别、状态或分组返回 422。",
)
@api_requires(perms.ACCIDENT_VIEW)
@paginate(page_size=50)
def list_accidents(request: HttpRequest, filters: Query[AccidentFilters]):
    if filters.region and not filters.region.isdigit():
        raise HttpError(422, "区划代码应为数字")
    for month in (filters.month, filters.through_month):
        if month is not None and not (filters.year and 1 <= month <= 12):
            raise HttpError(422, "月份应为 1–12，并与 year 同用")
    params = {
        "region": filters.region or "",
        "year": str(filters.year or ""),
        "month": str(filters.month or ""),
        "through_month": str(filters.through_month or ""),
        "group": _choice("group", filters.group, list(selectors.GROUPS)),
        "category": _choice("category", filters.category, Category.values),
        "grade": [_choice("grade", grade, Grade.values) for grade in filters.grade],
        "grade_at_least": _choice("grade_at_least", filters.grade_at_least, Grade.values),
        "state": _choice("state", filters.state, AccidentState.values),
        "counted": "1" if filters.counted else "",
        "q": filters.q or "",
    }
    return selectors.filter_accidents(selectors.visible_accidents(request.user), params)


@router.get(
    "/{int:accident_id}",
    response={200: AccidentDetailOut, **errors(404)},
    summary="事故详情（逐级上报、续报、标记、调查、整改、后评估、直报，及可执行的操作）",
)
@api_requires(perms.ACCIDENT_VIEW)
def get_accident(request: HttpRequest, accident_id: int):
    return _detail(request, accident_id)


# --- the reporting side --------------------------------------------------------------------


@router.post(
    "/",
    response={201: AccidentDetailOut, 200: AccidentDetailOut, **errors(404, 422)},
    summary="事故快报",
    description=(
        "按493号令定级（死亡含失踪、重伤、直接经济损失中最高者；下限含本数），"
        "本平台接报即为报告县级应急管理部门，其上各层级按时限计算。"
        "发生地或事故单位不在管辖范围内返回 404。带 report_token 时，同一键的重复提交"
        "只登记一次：返回第一次登记的事故，状态码 200。"
    ),
)
@api_requires(perms.ACCIDENT_REPORT)
def report_accident(request: HttpRequest, payload: AccidentReportIn):
    user = request.user
    data = payload.dict()
    repeated = (
        payload.report_token is not None
        and Accident.objects.filter(reported_by=user, report_token=payload.report_token).exists()
    )
    accident = services.accident_report(
        by=user,
        region=data.pop("region"),
        enterprise=data.pop("enterprise_id"),
        latitude=_position(data.pop("latitude")),
        longitude=_position(data.pop("longitude")),
        **data,
    )
    return Status(200 if repeated else 201, _detail(request, accident.pk))


@router.post(
    "/{int:accident_id}/follow-ups",
    response=DETAIL,
    summary="续报（伤亡变化时重新定级）",
    description=(
        "只需提交变化了的人数或损失，未提交的保持不变。等级升高时增加须报告的层级；"
        "人数或损失减少须写明 reason；补报期限（30日，道路交通、火灾7日）后的变化标记为"
        "超期。"
    ),
)
@api_requires(perms.ACCIDENT_REPORT)
def follow_up(request: HttpRequest, accident_id: int, payload: AccidentFollowUpIn):
    figures = {
        name: value
        for name, value in payload.dict(include=set(FIGURES)).items()
        if value is not None
    }
    services.accident_follow_up(
        by=request.user,
        accident_id=accident_id,
        expected_version=payload.version,
        content=payload.content,
        reason=payload.reason,
        **figures,
    )
    return _detail(request, accident_id)


@router.post(
    "/{int:accident_id}/chain",
    response=DETAIL,
    summary="登记逐级上报（层级、报告时间、接报人、方式）",
    description="超过时限报告的，系统自动标记迟报；已登记的层级不能重复登记（409）。",
)
@api_requires(perms.ACCIDENT_MANAGE)
def inform(request: HttpRequest, accident_id: int, payload: AccidentInformIn):
    services.accident_inform(by=request.user, accident_id=accident_id, **payload.dict())
    return _detail(request, accident_id)


@router.post(
    "/{int:accident_id}/flags",
    response={201: AccidentFlagOut, **errors(403, 404, 409, 422)},
    summary="认定迟报、漏报、谎报或瞒报",
    description="同一类型已有未撤销的标记时返回 409。",
)
@api_requires(perms.ACCIDENT_FLAG)
def flag(request: HttpRequest, accident_id: int, payload: AccidentFlagIn):
    made = services.accident_flag(
        by=request.user, accident_id=accident_id, kind=payload.kind, reason=payload.reason
    )
    return Status(201, made)


@router.post(
    "/{int:accident_id}/flags/{int:flag_id}/withdraw",
    response={200: AccidentFlagOut, **errors(403, 404, 409, 422)},
    summary="撤销标记（须写明理由；标记保留在记录中）",
)
@api_requires(perms.ACCIDENT_FLAG)
def withdraw_flag(request: HttpRequest, accident_id: int, flag_id: int, payload: AccidentReasonIn):
    if not _detail(request, accident_id).flags.filter(pk=flag_id).exists():
        raise Http404
    return services.accident_flag_withdraw(by=request.user, flag_id=flag_id, reason=payload.reason)


# --- the investigation side ----------------------------------------------------------------


@router.post(
    "/{int:accident_id}/investigation",
    response=DETAIL,
    summary="成立调查组（转入调查）",
    description="组织调查的层级按等级确定；调查报告期限按等级计算（可配置）。",
)
@api_requires(perms.ACCIDENT_MANAGE)
def start_investigation(
    request: HttpRequest, accident_id: int, payload: AccidentInvestigationStartIn
):
    investigation.investigation_start(
        by=request.user,
        accident_id=accident_id,
        expected_version=payload.version,
        leader=payload.leader,
        members=payload.members,
        started_on=payload.started_on,
        entrusted_to_unit=payload.entrusted_to_unit,
    )
    return _detail(request, accident_id)


@router.patch(
    "/{int:accident_id}/investigation",
    response=DETAIL,
    summary="登记技术鉴定天数、调查报告和批复",
    description=(
        "只修改提交的字段；version 为调查信息的 version（investigation.version）。"
        "登记提交日期须同时有事故原因和事故性质；批复日期须在提交之后。"
    ),
)
@api_requires(perms.ACCIDENT_MANAGE)
def update_investigation(
    request: HttpRequest, accident_id: int, payload: AccidentInvestigationUpdateIn
):
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    investigation.investigation_update(
        by=request.user, accident_id=accident_id, expected_version=version, data=data
    )
    return _detail(request, accident_id)


@router.post(
    "/{int:accident_id}/investigation/extension",
    response=DETAIL,
    summary="延长调查期限（只能一次）",
    description="再次延长返回 409。",
)
@api_requires(perms.ACCIDENT_MANAGE)
def extend_investigation(request: HttpRequest, accident_id: int, payload: AccidentExtensionIn):
    investigation.investigation_extend(
        by=request.user, accident_id=accident_id, days=payload.days, reason=payload.reason
    )
    return _detail(request, accident_id)


@router.post(
    "/{int:accident_id}/responsibilities",
    response={201: AccidentResponsibilityOut, **errors(403, 404, 409, 422)},
    summary="登记责任认定",
)
@api_requires(perms.ACCIDENT_MANAGE)
def add_responsibility(request: HttpRequest, accident_id: int, payload: AccidentResponsibilityIn):
    found = investigation.responsibility_add(
        by=request.user, accident_id=accident_id, **payload.dict()
    )
    return Status(201, found)


@router.post(
    "/{int:accident_id}/measures",
    response={201: AccidentMeasureOut, **errors(403, 404, 409, 422)},
    summary="登记整改措施",
)
@api_requires(perms.ACCIDENT_MANAGE)
def add_measure(request: HttpRequest, accident_id: int, payload: AccidentMeasureIn):
    measure = investigation.measure_add(by=request.user, accident_id=accident_id, **payload.dict())
    return Status(201, measure)


@router.post(
    "/{int:accident_id}/measures/{int:measure_id}/done",
    response={200: AccidentMeasureOut, **errors(403, 404, 409, 422)},
    summary="登记整改措施已落实",
    description="已登记落实的措施再次登记返回 409。",
)
@api_requires(perms.ACCIDENT_MANAGE)
def measure_done(
    request: HttpRequest, accident_id: int, measure_id: int, payload: AccidentMeasureDoneIn
):
    if not _detail(request, accident_id).measures.filter(pk=measure_id).exists():
        raise Http404
    return investigation.measure_done(by=request.user, measure_id=measure_id, **payload.dict())


@router.post(
    "/{int:accident_id}/close",
    response=DETAIL,
    summary="结案",
    description="调查报告已提交并批复、整改措施已登记后才能结案（否则 409，说明缺什么）。",
)
@api_requires(perms.ACCIDENT_MANAGE)
def close(request: HttpRequest, accident_id: int, payload: AccidentVersionIn):
    investigation.accident_close(
        by=request.user, accident_id=accident_id, expected_version=payload.version
    )
    return _detail(request, accident_id)


@router.post(
    "/{int:accident_id}/evaluation",
    response=DETAIL,
    summary="整改措施落实后评估",
    description="结案且整改措施全部落实后才能评估（否则 409）。",
)
@api_requires(perms.ACCIDENT_MANAGE)
def evaluate(request: HttpRequest, accident_id: int, payload: AccidentEvaluationIn):
    investigation.accident_evaluate(
        by=request.user,
        accident_id=accident_id,
        expected_version=payload.version,
        rating=payload.rating,
        conclusion=payload.conclusion,
        evaluated_on=payload.evaluated_on,
    )
    return _detail(request, accident_id)


@router.post(
    "/{int:accident_id}/void",
    response=DETAIL,
    summary="作废（误报、经核实不属于生产安全事故）",
    description="只有尚未成立调查组的事故可以作废（否则 409）；须写明理由。",
)
@api_requires(perms.ACCIDENT_MANAGE)
def void(request: HttpRequest, accident_id: int, payload: AccidentVoidIn):
    investigation.accident_void(
        by=request.user,
        accident_id=accident_id,
        expected_version=payload.version,
        reason=payload.reason,
    )
    return _detail(request, accident_id)
