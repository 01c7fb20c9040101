"""/api/v1/hazchem — 危险化学品与重大危险源: the chemical catalogue, each enterprise's
production and storage units with their inventories and how each was identified and graded
(GB 18218-2018), the history of a unit's grade, and the major hazard sources.

Built as the emergency API is (``anjian.emergency.api_resources``): lists are filtered and
paginated by the same query functions as the pages (``filters.unit_rows``,
``filters_sources.sources`` and ``chemicals``); a record is read through the caller's scope
(404 outside it); every write is a service call (``services``) — a refusal is 422 on the
field the body sent, a stale ``version`` 409, a role without ``chemunit.manage`` 403 — and
answers the unit as it is now, identified and graded again in the writer's transaction.
Removals are ``POST …/remove`` (a transition-like verb under the record, as the emergency
API's ``…/leave``), never ``DELETE``.
"""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from anjian.core.access import api_requires
from anjian.core.api import errors
from anjian.core.pagination import paginate
from anjian.hazchem import (
    api_catalogue,
    api_coverage,
    api_duties,
    api_figures,
    filters_sources,
    selectors,
    services,
    services_sources,
)
from anjian.hazchem import permissions as perms
from anjian.hazchem.choices import Grade, UnitKind
from anjian.hazchem.filters import unit_rows
from anjian.hazchem.filters_sources import FLAG_CHOICES, TABLE1, TABLE2
from anjian.hazchem.forms_catalogue import catalogue_rows
from anjian.hazchem.models import Chemical, ChemicalUnit, InventoryLine
from anjian.hazchem.schemas import (
    SOURCE_STATES,
    HazchemChemicalFilters,
    HazchemChemicalOut,
    HazchemCloseIn,
    HazchemEvaluationOut,
    HazchemFileIn,
    HazchemLineIn,
    HazchemLineUpdateIn,
    HazchemMonitoringIn,
    HazchemRetireIn,
    HazchemSourceDetailOut,
    HazchemSourceFilters,
    HazchemSourceOut,
    HazchemUnitDetailOut,
    HazchemUnitFilters,
    HazchemUnitIn,
    HazchemUnitOut,
    HazchemUnitUpdateIn,
    HazchemVersionIn,
    named_fields,
    query_choice,
)

router = Router(tags=["危险化学品与重大危险源"])
router.add_router("", api_duties.router)
router.add_router("", api_coverage.router)
api_catalogue.join(router)  # the catalogue writes share paths with the reads below
api_figures.join(router)

CATALOGUE = ["危险化学品目录"]
UNITS = ["危险化学品单元与辨识分级"]
SOURCES = ["重大危险源"]

UNIT_RELATED = ("enterprise", "source")
CHANGE_ANSWERS = {200: HazchemUnitDetailOut, **errors(403, 404, 409, 422)}
UPDATE_HELP = "只修改提交的字段；带读取时的 version（已被他人修改时 409；已停用的单元 409）。"
EVALUATED_HELP = "单元随即重新辨识分级，回答单元当前的 S、R、级别和计算过程。"


def present(schema: Schema) -> dict:
    return {k: v for k, v in schema.dict().items() if v not in (None, "")}


def region_prefix(value) -> None:
    if value and not str(value).isdigit():
        raise HttpError(422, f"street：应为区划代码（数字），而不是“{value}”")


def unit_read(request: HttpRequest, unit_id: int) -> ChemicalUnit:
    """The unit in the caller's scope, or 404."""
    visible = selectors.units(request.user).select_related(*UNIT_RELATED)
    return get_object_or_404(visible, pk=unit_id)


def line_read(request: HttpRequest, unit_id: int, line_id: int) -> InventoryLine:
    """The line of that unit in the caller's scope, or 404 (another unit's line too)."""
    unit_read(request, unit_id)
    return get_object_or_404(selectors.lines(request.user), pk=line_id, unit_id=unit_id)


def line_data(data: dict) -> dict:
    if "chemical_id" in data:
        data["chemical"] = data.pop("chemical_id")
    return data


# --- the catalogue -----------------------------------------------------------------------------


@router.get(
    "/chemicals",
    response={200: list[HazchemChemicalOut], **errors(422)},
    summary="危险化学品目录（分页）",
    description="按品名、别名或CAS号检索；目录全市通用（不分管辖范围）。"
    "目录管理员以 retired=true 查已停用的条目。",
    tags=CATALOGUE,
)
@api_requires(perms.HAZCHEM_VIEW)
@paginate(page_size=50)
def list_chemicals(request: HttpRequest, filters: Query[HazchemChemicalFilters]):
    values = present(filters)
    query_choice("flag", values.get("flag"), [name for name, _label in FLAG_CHOICES])
    query_choice("gb18218", values.get("gb18218"), [TABLE1, TABLE2])
    return catalogue_rows(request.user, **values)


@router.get(
    "/chemicals/{int:chemical_id}",
    response={200: HazchemChemicalOut, **errors(404)},
    summary="危险化学品",
    tags=CATALOGUE,
)
@api_requires(perms.HAZCHEM_VIEW)
def get_chemical(request: HttpRequest, chemical_id: int):
    return get_object_or_404(Chemical, pk=chemical_id)  # a retired entry too, as the page


# --- units -------------------------------------------------------------------------------------


@router.get(
    "/units",
    response={200: list[HazchemUnitOut], **errors(422)},
    summary="危险化学品单元（分页）",
    description="与单元列表页相同的条件：q、street、kind、major、grade、active。",
    tags=UNITS,
)
@api_requires(perms.HAZCHEM_VIEW)
@paginate(page_size=50)
def list_units(request: HttpRequest, filters: Query[HazchemUnitFilters]):
    values = present(filters)
    query_choice("kind", values.get("kind"), UnitKind.values)
    query_choice("grade", values.get("grade"), Grade.values)
    region_prefix(values.get("street"))
    return unit_rows(request.user, **values).select_related("source")


@router.get(
    "/units/{int:unit_id}",
    response={200: HazchemUnitDetailOut, **errors(404)},
    summary="单元及其辨识分级（S、R、α、级别、每项计算及出处）和危险化学品",
    tags=UNITS,
)
@api_requires(perms.HAZCHEM_VIEW)
def get_unit(request: HttpRequest, unit_id: int):
    return unit_read(request, unit_id)


@router.post(
    "/units",
    response={201: HazchemUnitDetailOut, **errors(403, 404, 422)},
    summary="登记单元",
    description="所属单位须在管辖范围内（否则 404）；企业用户总是本单位。尚无危险化学品时 S 为 0。",
    tags=UNITS,
)
@api_requires(perms.UNIT_MANAGE)
@named_fields
def create_unit(request: HttpRequest, payload: HazchemUnitIn):
    data = payload.dict()
    data["enterprise"] = data.pop("enterprise_id")
    made = services.unit_create(request.user, data=data)
    return Status(201, unit_read(request, made.pk))


@router.patch(
    "/units/{int:unit_id}",
    response=CHANGE_ANSWERS,
    summary="修改单元",
    description=UPDATE_HELP + "人口变化改变α，单元随即重新分级。",
    tags=UNITS,
)
@api_requires(perms.UNIT_MANAGE)
@named_fields
def update_unit(request: HttpRequest, unit_id: int, payload: HazchemUnitUpdateIn):
    unit_read(request, unit_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    services.unit_update(request.user, unit_id=unit_id, expected_version=version, data=data)
    return unit_read(request, unit_id)


@router.post(
    "/units/{int:unit_id}/retire",
    response=CHANGE_ANSWERS,
    summary="停用单元（记录与辨识历史保留）",
    description="带 version 和 reason；其重大危险源标记为已不构成（核销另行办理）。",
    tags=UNITS,
)
@api_requires(perms.UNIT_MANAGE)
def retire_unit(request: HttpRequest, unit_id: int, payload: HazchemRetireIn):
    unit_read(request, unit_id)
    services.unit_retire(
        request.user, unit_id=unit_id, expected_version=payload.version, reason=payload.reason
    )
    return unit_read(request, unit_id)


@router.post(
    "/units/{int:unit_id}/lines",
    response={201: HazchemUnitDetailOut, **errors(403, 404, 409, 422)},
    summary="增加危险化学品（设计最大量）",
    description=EVALUATED_HELP + "同一化学品已登记时 422（请修改原有的）；已停用的单元 409。",
    tags=UNITS,
)
@api_requires(perms.UNIT_MANAGE)
@named_fields
def add_line(request: HttpRequest, unit_id: int, payload: HazchemLineIn):
    unit_read(request, unit_id)
    services.line_add(request.user, unit_id=unit_id, data=line_data(payload.dict()))
    return Status(201, unit_read(request, unit_id))


@router.patch(
    "/units/{int:unit_id}/lines/{int:line_id}",
    response=CHANGE_ANSWERS,
    summary="修改危险化学品的设计最大量等",
    description=UPDATE_HELP + EVALUATED_HELP,
    tags=UNITS,
)
@api_requires(perms.UNIT_MANAGE)
@named_fields
def update_line(request: HttpRequest, unit_id: int, line_id: int, payload: HazchemLineUpdateIn):
    line_read(request, unit_id, line_id)
    data = line_data(payload.dict(exclude_unset=True))
    version = data.pop("version")
    services.line_update(request.user, line_id=line_id, expected_version=version, data=data)
    return unit_read(request, unit_id)


@router.post(
    "/units/{int:unit_id}/lines/{int:line_id}/remove",
    response=CHANGE_ANSWERS,
    summary="移除危险化学品",
    description="带读取时的 version。" + EVALUATED_HELP + "辨识历史保留移除前的计算。",
    tags=UNITS,
)
@api_requires(perms.UNIT_MANAGE)
def remove_line(request: HttpRequest, unit_id: int, line_id: int, payload: HazchemVersionIn):
    line_read(request, unit_id, line_id)
    services.line_remove(request.user, line_id=line_id, expected_version=payload.version)
    return unit_read(request, unit_id)


@router.get(
    "/units/{int:unit_id}/evaluations",
    response={200: list[HazchemEvaluationOut], **errors(404, 422)},
    summary="单元的辨识分级记录（最新在前，分页）",
    tags=UNITS,
)
@api_requires(perms.HAZCHEM_VIEW)
@paginate(page_size=50)
def list_evaluations(request: HttpRequest, unit_id: int):
    return unit_read(request, unit_id).evaluations.select_related("by").order_by("-at", "-id")


# --- major hazard sources ----------------------------------------------------------------------


@router.get(
    "/sources",
    response={200: list[HazchemSourceOut], **errors(422)},
    summary="重大危险源（分页，一级在前）",
    description="与重大危险源列表页相同的条件：q、street、grade、state、qualifies、industry、"
    "overdue、assessment_overdue；省略 state 为现有的（不含已核销）。",
    tags=SOURCES,
)
@api_requires(perms.HAZCHEM_VIEW)
@paginate(page_size=50)
def list_sources(request: HttpRequest, filters: Query[HazchemSourceFilters]):
    values = present(filters)
    query_choice("grade", values.get("grade"), Grade.values)
    query_choice("state", values.get("state"), SOURCE_STATES)
    region_prefix(values.get("street"))
    return filters_sources.sources(request.user, **values)


@router.get(
    "/sources/{int:source_id}",
    response={200: HazchemSourceDetailOut, **errors(404)},
    summary="重大危险源（一源一档：其单元的辨识分级与危险化学品）",
    tags=SOURCES,
)
@api_requires(perms.HAZCHEM_VIEW)
def get_source(request: HttpRequest, source_id: int):
    return source_read(request, source_id)


def source_read(request: HttpRequest, source_id: int):
    visible = selectors.sources(request.user).select_related("enterprise", "unit__enterprise")
    return get_object_or_404(visible, pk=source_id)


SOURCE_ANSWERS = {200: HazchemSourceDetailOut, **errors(403, 404, 409, 422)}


@router.post(
    "/sources/{int:source_id}/file",
    response=SOURCE_ANSWERS,
    summary="备案（应急管理部门）",
    description="带 version、filed_on、filing_number；已不构成重大危险源的 409（请核销）；"
    "备案后三年到期复评。单位用户不能办理（403）。",
    tags=SOURCES,
)
@api_requires(perms.SOURCE_FILE)
def file_source(request: HttpRequest, source_id: int, payload: HazchemFileIn):
    source_read(request, source_id)
    services_sources.source_file(
        request.user,
        source_id=source_id,
        expected_version=payload.version,
        filed_on=payload.filed_on,
        filing_number=payload.filing_number,
    )
    return source_read(request, source_id)


@router.post(
    "/sources/{int:source_id}/close",
    response=SOURCE_ANSWERS,
    summary="核销（应急管理部门；单元已不构成重大危险源时）",
    description="带 version、closed_on、reason；单元仍构成重大危险源时 409。档案保留。",
    tags=SOURCES,
)
@api_requires(perms.SOURCE_FILE)
def close_source(request: HttpRequest, source_id: int, payload: HazchemCloseIn):
    source_read(request, source_id)
    services_sources.source_close(
        request.user,
        source_id=source_id,
        expected_version=payload.version,
        closed_on=payload.closed_on,
        reason=payload.reason,
    )
    return source_read(request, source_id)


@router.post(
    "/sources/{int:source_id}/monitoring-requirement",
    response=SOURCE_ANSWERS,
    summary="在线监测要求（应急管理部门）",
    description="带 version、required、reason：是否须在线监测；不要求的不计入在线监测率。"
    "记入重大危险源的办理记录；已核销的 409；单位用户不能办理（403）。",
    tags=SOURCES,
)
@api_requires(perms.SOURCE_FILE)
def set_source_monitoring(request: HttpRequest, source_id: int, payload: HazchemMonitoringIn):
    source_read(request, source_id)
    services_sources.source_set_monitoring(
        request.user,
        source_id=source_id,
        expected_version=payload.version,
        required=payload.required,
        reason=payload.reason,
    )
    return source_read(request, source_id)
