"""/api/v1/risk-points and friends — risk points, assessments, measures, the band tables,
the library and the regional register, with the pages' validation and scope. The
schemas are in ``schemas``."""

from django.forms.models import model_to_dict
from django.http import HttpRequest
from ninja import Query, Router, Status

from anjian.core.access import api_requires
from anjian.core.api import FormInvalid, errors
from anjian.core.pagination import paginate
from anjian.risks import grading, selectors, services
from anjian.risks import permissions as perms
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
from anjian.risks.schemas import (
    AssessIn,
    AssessmentOut,
    BandTableOut,
    DeactivateIn,
    LibraryEntryOut,
    RetireIn,
    RiskMeasureIn,
    RiskMeasureOut,
    RiskMeasurePatch,
    RiskPointDetailOut,
    RiskPointFilters,
    RiskPointIn,
    RiskPointOut,
    RiskPointPatch,
)

router = Router(tags=["安全风险分级管控"])
band_tables_router = Router(tags=["安全风险分级管控"])
library_router = Router(tags=["安全风险分级管控"])
register_router = Router(tags=["安全风险分级管控"])


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
