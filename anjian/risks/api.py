"""/api/v1/risk-points and friends — risk points, assessments, measures, the band tables,
the library and the regional register, with the pages' validation and scope."""

from datetime import date, datetime
from decimal import Decimal

from django.forms.models import model_to_dict
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from anjian.accounts import permissions as perms
from anjian.core.access import api_requires
from anjian.core.api import FormInvalid, errors
from anjian.core.pagination import paginate
from anjian.risks import grading, selectors, services
from anjian.risks.choices import METHOD_FACTORS, Method
from anjian.risks.forms import (
    POINT_FIELDS,
    AssessForm,
    DeactivateForm,
    MeasureForm,
    RetireForm,
    RiskPointForm,
)
from anjian.risks.models import (
    ControlMeasure,
    RiskAssessment,
    RiskBandTable,
    RiskLibraryEntry,
    RiskPoint,
)

router = Router(tags=["安全风险分级管控"])
band_tables_router = Router(tags=["安全风险分级管控"])
library_router = Router(tags=["安全风险分级管控"])
register_router = Router(tags=["安全风险分级管控"])


# --- schemas -------------------------------------------------------------------------------


class EnterpriseRef(Schema):
    id: int
    name: str


class CodeRef(Schema):
    code: str
    name: str


class GradeOut(Schema):
    method: str = Field(description="lec / ls")
    score: Decimal
    level: str = Field(description="red 重大 / orange 较大 / yellow 一般 / blue 低")


class RiskPointOut(Schema):
    id: int
    enterprise: EnterpriseRef
    street: CodeRef
    industry: CodeRef
    name: str = Field(description="风险点名称")
    kind: str = Field(
        description="area 区域/场所 / equipment 设备设施 / activity 作业活动 / post 岗位"
    )
    location: str
    hazard_factors: str
    factor_class: str = Field(description="GB/T 13861 大类：1 人 / 2 物 / 3 环境 / 4 管理")
    accident_types: list[str] = Field(description="GB 6441 事故类别代码 01–20")
    control_level: str = Field(description="company / workshop / team / post")
    owner_name: str
    owner_phone: str
    emergency_phone: str
    reassess_due: date | None
    status: str = Field(description="active 在用 / retired 已注销")
    retire_reason: str
    inherent: GradeOut | None = Field(description="最近一次固有风险评估")
    residual: GradeOut | None = Field(description="最近一次剩余风险评估")
    current_level: str = Field(description="风险等级：有剩余风险评估取剩余，否则取固有；空为未评估")
    last_assessed_at: datetime | None
    version: int = Field(description="修改、注销时原样带回，用于并发冲突检测")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_street(obj):
        return obj.enterprise.street

    @staticmethod
    def resolve_accident_types(obj):
        return obj.accident_type_list

    @staticmethod
    def resolve_inherent(obj):
        if not obj.inherent_level:
            return None
        return {
            "method": obj.inherent_method,
            "score": obj.inherent_score,
            "level": obj.inherent_level,
        }

    @staticmethod
    def resolve_residual(obj):
        if not obj.residual_level:
            return None
        return {
            "method": obj.residual_method,
            "score": obj.residual_score,
            "level": obj.residual_level,
        }


class AssessmentOut(Schema):
    id: int
    method: str
    stage: str = Field(description="inherent 固有 / residual 剩余")
    l: Decimal | None = Field(None, alias="l_value")  # noqa: E741
    e: Decimal | None = Field(None, alias="e_value")
    c: Decimal | None = Field(None, alias="c_value")
    s: Decimal | None = Field(None, alias="s_value")
    score: Decimal
    level: str
    band_table: str = Field(description="所用分级标准及版本")
    band_table_version: int
    assessed_by: str
    assessed_at: datetime
    note: str

    @staticmethod
    def resolve_band_table(obj):
        return str(obj.band_table)

    @staticmethod
    def resolve_band_table_version(obj):
        return obj.band_table.version

    @staticmethod
    def resolve_assessed_by(obj):
        return str(obj.assessed_by)


class RiskMeasureOut(Schema):
    id: int
    kind: str = Field(description="engineering / management / training / ppe / emergency")
    text: str
    level: str
    owner_name: str
    owner_phone: str
    sort_order: int
    is_active: bool
    deactivate_reason: str
    version: int


class RiskPointDetailOut(RiskPointOut):
    measures: list[RiskMeasureOut]
    assessments: list[AssessmentOut]

    @staticmethod
    def resolve_measures(obj):
        return list(obj.measures.order_by("sort_order", "id"))

    @staticmethod
    def resolve_assessments(obj):
        return list(selectors.assessments_of(obj))


class RiskPointFilters(Schema):
    """The list page's filters, with the same names and meaning."""

    q: str | None = Field(None, description="搜索：风险点、部位、危险因素、单位、责任人")
    street: str | None = Field(None, description="街镇区划代码")
    industry: str | None = Field(None, description="监管行业代码")
    enterprise: int | None = Field(None, description="单位 id")
    enterprise_name: str | None = Field(None, description="单位名称包含")
    level: str | None = Field(None, description="red/orange/yellow/blue，none 为未评估")
    kind: str | None = None
    due: str | None = Field(None, description="复评：overdue/soon/ok/none")
    status: str | None = Field(None, description="省略为在用；retired 已注销；all 全部")
    sort: str | None = Field(
        None, description="level/name/enterprise/reassess_due/updated_at，前加 - 为倒序"
    )


class RiskPointIn(Schema):
    enterprise: int | None = Field(None, description="单位 id；企业用户可省略（本单位）")
    name: str
    kind: str
    location: str = ""
    hazard_factors: str
    factor_class: str
    accident_types: list[str] = Field(description='GB 6441 事故类别代码，如 ["08", "19"]')
    control_level: str
    owner_name: str
    owner_phone: str
    emergency_phone: str = ""
    reassess_due: date | None = None


class RiskPointPatch(Schema):
    """Only the fields to change, plus the version read earlier (409 if it moved on)."""

    version: int
    name: str | None = None
    kind: str | None = None
    location: str | None = None
    hazard_factors: str | None = None
    factor_class: str | None = None
    accident_types: list[str] | None = None
    control_level: str | None = None
    owner_name: str | None = None
    owner_phone: str | None = None
    emergency_phone: str | None = None
    reassess_due: date | None = None


class RetireIn(Schema):
    version: int
    reason: str


class AssessIn(Schema):
    method: str = Field(description="lec（填 l、e、c）或 ls（填 l、s）")
    stage: str = Field("inherent", description="inherent 固有风险 / residual 剩余风险")
    l: Decimal | None = None  # noqa: E741
    e: Decimal | None = None
    c: Decimal | None = None
    s: Decimal | None = None
    note: str = ""
    reassess_due: date | None = Field(None, description="下次评估日期，省略为一年后")


class RiskMeasureIn(Schema):
    kind: str
    text: str
    level: str
    owner_name: str
    owner_phone: str = ""
    sort_order: int | None = None


class RiskMeasurePatch(Schema):
    version: int
    kind: str | None = None
    text: str | None = None
    level: str | None = None
    owner_name: str | None = None
    owner_phone: str | None = None
    sort_order: int | None = None


class DeactivateIn(Schema):
    reason: str
    version: int | None = None


class BandOut(Schema):
    level: str
    limit: Decimal | None = Field(description="本级下限（与下一级的分界值）；低风险为空")
    range: str = Field(description="如 160 < D ≤ 320")


class FactorValueOut(Schema):
    value: Decimal
    label: str


class BandTableOut(Schema):
    id: int
    method: str
    version: int
    current: bool = Field(description="是否为现行版本")
    boundary_rule: str = Field(description="lower 边界值归入较低等级 / upper 归入较高等级")
    bands: list[BandOut]
    factors: dict[str, list[FactorValueOut]]
    source: str
    edition: str
    note: str
    published_at: datetime


class LibraryMeasureOut(Schema):
    kind: str
    level: str
    text: str


class LibraryEntryOut(Schema):
    id: int
    code: str
    topic: str
    name: str
    kind: str
    location_hint: str
    industry_codes: list[str]
    flags: list[str] = Field(description="适用的重点对象标识（单位的 involves_hazchem 等）")
    is_generic: bool
    hazard_factors: str
    factor_class: str
    accident_types: list[str]
    method: str
    l: Decimal | None = Field(None, alias="l_value")  # noqa: E741
    e: Decimal | None = Field(None, alias="e_value")
    c: Decimal | None = Field(None, alias="c_value")
    s: Decimal | None = Field(None, alias="s_value")
    control_level: str
    measures: list[LibraryMeasureOut]
    basis: str

    @staticmethod
    def resolve_industry_codes(obj):
        return obj.industry_code_list

    @staticmethod
    def resolve_flags(obj):
        return obj.flag_list

    @staticmethod
    def resolve_accident_types(obj):
        return [code for code in obj.accident_types.split(",") if code]


# --- helpers -------------------------------------------------------------------------------


def _form_data(payload: dict) -> dict:
    return {key: ("" if value is None else value) for key, value in payload.items()}


def _current_point_data(point: RiskPoint) -> dict:
    data = model_to_dict(point, fields=POINT_FIELDS)
    data["accident_types"] = point.accident_type_list
    return {key: ("" if value is None else value) for key, value in data.items()}


def _point_out(user, pk: int) -> RiskPoint:
    return selectors.risk_point_get(user, pk)


def _valid_filters(filterset):
    if filterset.is_bound and not filterset.form.is_valid():
        raise FormInvalid(filterset.form, location="query")
    return filterset.qs


# --- risk points -----------------------------------------------------------------------------

POINT_CHANGE_RESPONSES = {200: RiskPointOut, **errors(404, 409, 422)}


@router.get("/", response=list[RiskPointOut], summary="风险点列表（按筛选条件，分页）")
@api_requires(perms.RISK_VIEW)
@paginate(page_size=50)
def list_risk_points(request: HttpRequest, filters: Query[RiskPointFilters]):
    return _valid_filters(selectors.risk_point_filter(request.user, request.GET))


@router.get(
    "/{int:risk_point_id}",
    response={200: RiskPointDetailOut, **errors(404)},
    summary="风险点详情（含管控措施和评估记录）",
)
@api_requires(perms.RISK_VIEW)
def get_risk_point(request: HttpRequest, risk_point_id: int):
    return _point_out(request.user, risk_point_id)


@router.post(
    "/",
    response={201: RiskPointOut, **errors(422)},
    summary="登记风险点",
    description="校验与页面相同。登记后请调用 /assess 进行风险评估。",
)
@api_requires(perms.RISK_MANAGE)
def create_risk_point(request: HttpRequest, payload: RiskPointIn):
    form = RiskPointForm(_form_data(payload.dict()), user=request.user)
    if not form.is_valid():
        raise FormInvalid(form)
    point = services.risk_point_create(
        by=request.user, enterprise=form.cleaned_data["enterprise"], data=form.service_data()
    )
    return Status(201, _point_out(request.user, point.pk))


@router.patch(
    "/{int:risk_point_id}",
    response=POINT_CHANGE_RESPONSES,
    summary="修改风险点",
    description="只需提交要修改的字段和读取时的 version；他人已先修改时返回 409。",
)
@api_requires(perms.RISK_MANAGE)
def update_risk_point(request: HttpRequest, risk_point_id: int, payload: RiskPointPatch):
    point = _point_out(request.user, risk_point_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    data = {**_current_point_data(point), **_form_data(changes)}
    form = RiskPointForm(data, instance=point, user=request.user)
    if not form.is_valid():
        raise FormInvalid(form)
    services.risk_point_update(
        by=request.user,
        risk_point_id=risk_point_id,
        data=form.service_data(),
        expected_version=version,
    )
    return Status(200, _point_out(request.user, risk_point_id))


@router.post(
    "/{int:risk_point_id}/retire",
    response=POINT_CHANGE_RESPONSES,
    summary="注销风险点（不删除，需填写原因）",
)
@api_requires(perms.RISK_MANAGE)
def retire_risk_point(request: HttpRequest, risk_point_id: int, payload: RetireIn):
    _point_out(request.user, risk_point_id)
    form = RetireForm(_form_data(payload.dict()))
    if not form.is_valid():
        raise FormInvalid(form)
    services.risk_point_retire(
        by=request.user,
        risk_point_id=risk_point_id,
        reason=form.cleaned_data["reason"],
        expected_version=payload.version,
    )
    return Status(200, _point_out(request.user, risk_point_id))


@router.post(
    "/{int:risk_point_id}/assess",
    response={201: AssessmentOut, **errors(404, 422)},
    summary="风险评估（LEC 或 LS）",
    description=(
        "LEC 法提交 l、e、c，LS 法提交 l、s；取值须为现行分级标准中的取值"
        "（见 /api/v1/risk-band-tables/）。按现行版本计算风险值并定级。"
    ),
)
@api_requires(perms.RISK_MANAGE)
def assess_risk_point(request: HttpRequest, risk_point_id: int, payload: AssessIn):
    _point_out(request.user, risk_point_id)
    body = payload.dict()
    method = body["method"]
    data = {
        "method": method,
        "stage": body["stage"] or "",
        "note": body["note"] or "",
        "reassess_due": body["reassess_due"] or "",
    }
    factors = {"L": body["l"], "E": body["e"], "C": body["c"], "S": body["s"]}
    unused = []
    if method in Method.values:
        used = METHOD_FACTORS[Method(method)]
        for name, value in factors.items():
            if name in used:
                data[f"{method}_{name.lower()}"] = "" if value is None else grading.fmt(value)
            elif value is not None:
                unused.append(name)
    form = AssessForm(data, tables=services.current_tables())
    valid = form.is_valid()
    if unused:
        form.add_error(
            "method",
            f"{method.upper()} 法不使用 {'、'.join(unused)} 值",
        )
    if not valid or unused:
        raise FormInvalid(form)
    cleaned = form.cleaned_data
    assessment = services.risk_point_assess(
        by=request.user,
        risk_point_id=risk_point_id,
        method=cleaned["method"],
        stage=cleaned["stage"],
        factors=cleaned["factors"],
        note=cleaned["note"],
        reassess_due=cleaned["reassess_due"],
    )
    return Status(
        201,
        RiskAssessment.objects.select_related("band_table", "assessed_by").get(pk=assessment.pk),
    )


# --- measures --------------------------------------------------------------------------------

MEASURE_CHANGE_RESPONSES = {200: RiskMeasureOut, **errors(404, 409, 422)}


@router.get(
    "/{int:risk_point_id}/measures",
    response={200: list[RiskMeasureOut], **errors(404)},
    summary="风险点的管控措施（含已停用）",
)
@api_requires(perms.RISK_VIEW)
def list_measures(request: HttpRequest, risk_point_id: int):
    point = _point_out(request.user, risk_point_id)
    return list(point.measures.order_by("sort_order", "id"))


@router.post(
    "/{int:risk_point_id}/measures",
    response={201: RiskMeasureOut, **errors(404, 422)},
    summary="增加管控措施",
)
@api_requires(perms.RISK_MANAGE)
def create_measure(request: HttpRequest, risk_point_id: int, payload: RiskMeasureIn):
    _point_out(request.user, risk_point_id)
    form = MeasureForm(_form_data(payload.dict()))
    if not form.is_valid():
        raise FormInvalid(form)
    measure = services.measure_add(
        by=request.user, risk_point_id=risk_point_id, data=form.service_data()
    )
    return Status(201, measure)


@router.patch(
    "/measures/{int:measure_id}",
    response=MEASURE_CHANGE_RESPONSES,
    summary="修改管控措施",
)
@api_requires(perms.RISK_MANAGE)
def update_measure(request: HttpRequest, measure_id: int, payload: RiskMeasurePatch):
    measure = selectors.measure_get(request.user, measure_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    current = model_to_dict(measure, fields=MeasureForm._meta.fields)
    form = MeasureForm(_form_data({**current, **changes}), instance=measure)
    if not form.is_valid():
        raise FormInvalid(form)
    updated = services.measure_update(
        by=request.user, measure_id=measure_id, data=form.service_data(), expected_version=version
    )
    return Status(200, updated)


@router.post(
    "/measures/{int:measure_id}/deactivate",
    response=MEASURE_CHANGE_RESPONSES,
    summary="停用管控措施（需填写原因）",
)
@api_requires(perms.RISK_MANAGE)
def deactivate_measure(request: HttpRequest, measure_id: int, payload: DeactivateIn):
    selectors.measure_get(request.user, measure_id)
    form = DeactivateForm(_form_data(payload.dict()))
    if not form.is_valid():
        raise FormInvalid(form)
    measure = services.measure_deactivate(
        by=request.user,
        measure_id=measure_id,
        reason=form.cleaned_data["reason"],
        expected_version=payload.version,
    )
    return Status(200, ControlMeasure.objects.get(pk=measure.pk))


# --- band tables, library, register ------------------------------------------------------------


def _band_table_out(table: RiskBandTable, current_ids: set[int]) -> dict:
    ranges = dict(table.ranges())
    return {
        "id": table.pk,
        "method": table.method,
        "version": table.version,
        "current": table.pk in current_ids,
        "boundary_rule": table.boundary_rule,
        "bands": [
            {"level": band["level"], "limit": band["limit"], "range": ranges[band["level"]]}
            for band in table.bands
        ],
        "factors": {
            name: [{"value": value, "label": label} for value, label in values]
            for name, values in table.factors.items()
        },
        "source": table.source,
        "edition": table.edition,
        "note": table.note,
        "published_at": table.published_at,
    }


@band_tables_router.get(
    "/",
    response={200: list[BandTableOut], **errors(422)},
    summary="风险分级标准（LEC、LS 各版本，含现行版本标记、来源和取值说明）",
)
@api_requires(perms.RISK_VIEW)
def list_band_tables(request: HttpRequest, method: str | None = None, current: bool = False):
    current_ids = {table.pk for table in services.current_tables().values()}
    tables = RiskBandTable.objects.order_by("method", "-version")
    if method:
        tables = tables.filter(method=method)
    if current:
        tables = tables.filter(pk__in=current_ids)
    return [_band_table_out(table, current_ids) for table in tables]


@library_router.get("/", response=list[LibraryEntryOut], summary="行业风险点库")
@api_requires(perms.RISK_VIEW)
def list_library(request: HttpRequest, industry: str | None = None, flag: str | None = None):
    entries = list(RiskLibraryEntry.objects.filter(is_active=True))
    if industry:
        entries = [e for e in entries if industry in e.industry_code_list]
    if flag:
        entries = [e for e in entries if flag in e.flag_list]
    return entries


@register_router.get(
    "/",
    response=list[RiskPointOut],
    summary="重大风险清单（范围内在用的重大、较大风险点，分页）",
)
@api_requires(perms.RISK_VIEW)
@paginate(page_size=50)
def list_register(request: HttpRequest, filters: Query[RiskPointFilters]):
    return _valid_filters(selectors.risk_point_filter(request.user, request.GET, register=True))
