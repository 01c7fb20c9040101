"""/api/v1/hazchem — 重大危险源在线监测 (joined to the hazchem router in api.py): the
在线监测率 by grade, street or industry; the sources a figure counts, each with its required
metrics covered or why not and its devices' alarms; one source's devices with each
metric's latest reading; linking and unlinking devices.

The same numbers as the pages (``selectors_coverage``, conditions read by
``forms_coverage.CoverageFilterForm``; a wrong condition is 422 here). A source is read
through the caller's scope (404 outside it). Linking is a service call
(``services_devices``) needing ``monitor.manage``: a device of another enterprise or out of
scope is 422 on ``devices``, a closed source or a stale device ``version`` 409."""

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from anjian.core.access import api_requires
from anjian.core.api import errors
from anjian.core.pagination import paginate
from anjian.hazchem import permissions as perms
from anjian.hazchem import selectors, services_devices
from anjian.hazchem import selectors_coverage as reads
from anjian.hazchem.choices import Grade
from anjian.hazchem.coverage import REQUIREMENTS, Status
from anjian.hazchem.forms_coverage import STATUS_LABELS, CoverageFilterForm
from anjian.hazchem.schemas import HazchemStrictIn, listed
from anjian.monitoring import permissions as monitoring_perms

router = Router(tags=["重大危险源在线监测"])

COVERAGE = ["重大危险源在线监测"]


# --- schemas ------------------------------------------------------------------------------------


class HazchemCoverageFilters(Schema):
    status: str | None = Field(
        None,
        description="、".join(f"{k or '省略'} {v}" for k, v in STATUS_LABELS.items()),
    )
    grade: str | None = Field(None, description=listed(Grade))
    street: str | None = Field(None, description="街镇（或区）区划代码，按前缀")
    industry: str | None = Field(None, description="行业编码（见 /regions/industries）")


class HazchemCoverageTallyOut(Schema):
    key: str = Field(description="级别、街镇代码或行业编号；合计为空")
    label: str
    counted: int = Field(description="须在线监测的重大危险源")
    covered: int = Field(description="已覆盖")
    uncovered: int
    no_device: int = Field(description="未关联设备")
    missing: int = Field(description="缺少监测项")
    offline: int = Field(description="设备离线或未按时上报")
    rate: float | None = Field(description="重大危险源在线监测率（%）；无须监测的为 null")
    params: dict[str, str] = Field(description="/coverage/sources 中正是该行的条件")


class HazchemCoverageOut(Schema):
    by: str = Field(description="grade 按级别、street 按街镇、industry 按行业")
    total: HazchemCoverageTallyOut
    rows: list[HazchemCoverageTallyOut]


class HazchemMetricCoverageOut(Schema):
    key: str = Field(description="、".join(f"{r.key} {r.label}" for r in REQUIREMENTS))
    label: str
    status: str = Field(description=listed(Status))


def metric_lines(coverage) -> list[dict]:
    return [
        {"key": m.requirement.key, "label": str(m.requirement.label), "status": m.status}
        for m in coverage.metrics
    ]


class HazchemCoverageSourceOut(Schema):
    id: int
    number: str
    unit_name: str
    unit_kind: str
    enterprise_id: int
    enterprise_name: str
    grade: str
    status: str = Field(description=listed(Status))
    metrics: list[HazchemMetricCoverageOut] = Field(description="应监测项及其情况")
    alarms_open: int = Field(description="关联设备的未处置报警")
    alarms_month: int = Field(description="本月报警")
    alarms_month_first_grade: int = Field(description="本月一级报警")


def source_out(row: reads.Listed) -> dict:
    source = row.source
    return {
        "id": source.pk,
        "number": source.number,
        "unit_name": source.unit.name,
        "unit_kind": source.unit.kind,
        "enterprise_id": source.enterprise_id,
        "enterprise_name": source.enterprise.name,
        "grade": source.grade,
        "status": row.coverage.status,
        "metrics": metric_lines(row.coverage),
        "alarms_open": row.alarms.open,
        "alarms_month": row.alarms.month,
        "alarms_month_first_grade": row.alarms.first_grade,
    }


class HazchemDeviceMetricOut(Schema):
    code: str
    name: str
    latest_at: datetime | None = Field(description="最新读数时间")
    in_time: bool = Field(description="在设备的离线判定时间之内")


class HazchemSourceDeviceOut(Schema):
    id: int
    code: str
    name: str
    device_type: str
    is_active: bool
    version: int
    metrics: list[HazchemDeviceMetricOut]


class HazchemRequirementOut(HazchemMetricCoverageOut):
    reporting: list[str] = Field(description="按时上报该项的设备")
    measuring: list[str] = Field(description="测该项的设备（不论是否按时）")


class HazchemSourceMonitoringOut(Schema):
    source_id: int
    counted: bool = Field(description="计入在线监测率（未核销且须在线监测）")
    why_not_counted: str
    status: str = Field(description=listed(Status))
    requirements: list[HazchemRequirementOut]
    devices: list[HazchemSourceDeviceOut]
    alarms_open: int
    alarms_month: int
    alarms_month_first_grade: int


def card_out(source, card: reads.SourceCard) -> dict:
    return {
        "source_id": source.pk,
        "counted": card.counted,
        "why_not_counted": str(card.why_not_counted),
        "status": card.coverage.status,
        "requirements": [
            {
                "key": line.requirement.key,
                "label": str(line.requirement.label),
                "status": line.status,
                "reporting": line.reporting,
                "measuring": line.measuring,
            }
            for line in card.requirements
        ],
        "devices": [
            {
                "id": line.device.pk,
                "code": line.device.code,
                "name": line.device.name,
                "device_type": line.device.device_type.code,
                "is_active": line.device.is_active,
                "version": line.device.version,
                "metrics": [
                    {"code": m.code, "name": m.name, "latest_at": m.at, "in_time": m.fresh}
                    for m in line.metrics
                ],
            }
            for line in card.devices
        ],
        "alarms_open": card.alarms.open,
        "alarms_month": card.alarms.month,
        "alarms_month_first_grade": card.alarms.first_grade,
    }


class HazchemLinkDevicesIn(HazchemStrictIn):
    devices: list[int] = Field(description="本单位设备的 id（已关联其他危险源的改为关联本源）")


class HazchemUnlinkDeviceIn(HazchemStrictIn):
    version: int | None = Field(None, description="设备读取时的 version；已被修改时 409")


# --- the figure and its drill-down -----------------------------------------------------------


def where_of(values: dict):
    """The conditions as the pages read them; a wrong one is 422 naming it."""
    form = CoverageFilterForm({k: v for k, v in values.items() if v is not None})
    if not form.is_valid():
        name, messages = next(iter(form.errors.items()))
        raise HttpError(422, f"{name}：{'；'.join(messages)}")
    return form.where()


def tally_out(tally: reads.Tally) -> dict:
    return {
        **{name: getattr(tally, name) for name in ("counted", "covered", "uncovered")},
        **{name: getattr(tally, name) for name in ("no_device", "missing", "offline")},
        "key": tally.key,
        "label": str(tally.label),
        "rate": tally.rate,
        "params": tally.params,
    }


@router.get(
    "/coverage",
    response={200: HazchemCoverageOut, **errors(422)},
    summary="重大危险源在线监测率（合计及按级别、街镇或行业）",
    description="by：grade（默认）、street、industry。每行的 params 加 status 即 "
    "/coverage/sources 中正是该数字所计的重大危险源。",
    tags=COVERAGE,
)
@api_requires(perms.HAZCHEM_VIEW)
def coverage_figure(request: HttpRequest, by: str = "grade"):
    where = where_of({"by": by})
    figure = reads.coverage_figure(request.user, where.group)
    return {
        "by": figure.group,
        "total": tally_out(figure.total),
        "rows": [tally_out(row) for row in figure.rows],
    }


class Chosen:
    """The drill-down's sources, read a page at a time (``paginate`` slices it)."""

    def __init__(self, user, states):
        self.user, self.states = user, states

    def __len__(self) -> int:
        return len(self.states)

    def __getitem__(self, part: slice) -> list[dict]:
        return [source_out(row) for row in reads.listed(self.user, self.states[part])]


@router.get(
    "/coverage/sources",
    response={200: list[HazchemCoverageSourceOut], **errors(422)},
    summary="在线监测率所计的重大危险源（分页；含未覆盖的原因与报警数）",
    description="与页面相同的条件：status、grade、street、industry；一级在前。",
    tags=COVERAGE,
)
@api_requires(perms.HAZCHEM_VIEW)
@paginate(page_size=50)
def coverage_sources(request: HttpRequest, filters: Query[HazchemCoverageFilters]):
    where = where_of(filters.dict())
    states = reads.assess_sources(reads.counted(request.user))
    return Chosen(request.user, reads.matching(states, **where.matching()))


# --- one source's devices ---------------------------------------------------------------------


def source_read(request: HttpRequest, source_id: int):
    visible = selectors.sources(request.user).select_related("enterprise", "unit")
    return get_object_or_404(visible, pk=source_id)


def card_answer(request: HttpRequest, source_id: int) -> dict:
    source = source_read(request, source_id)
    return card_out(source, reads.source_card(request.user, source))


@router.get(
    "/sources/{int:source_id}/monitoring",
    response={200: HazchemSourceMonitoringOut, **errors(404)},
    summary="重大危险源的在线监测：应监测项、关联设备及其最新读数、报警数",
    tags=COVERAGE,
)
@api_requires(perms.HAZCHEM_VIEW)
def source_monitoring(request: HttpRequest, source_id: int):
    return card_answer(request, source_id)


@router.post(
    "/sources/{int:source_id}/devices",
    response={200: HazchemSourceMonitoringOut, **errors(403, 404, 409, 422)},
    summary="关联设备（本单位的监测设备）",
    description="全部关联或全部不关联；已核销的重大危险源 409。需要 monitor.manage。",
    tags=COVERAGE,
)
@api_requires(monitoring_perms.MONITOR_MANAGE)
def link_devices(request: HttpRequest, source_id: int, payload: HazchemLinkDevicesIn):
    source_read(request, source_id)
    services_devices.source_link_devices(
        request.user, source_id=source_id, device_ids=payload.devices
    )
    return card_answer(request, source_id)


@router.post(
    "/sources/{int:source_id}/devices/{int:device_id}/unlink",
    response={200: HazchemSourceMonitoringOut, **errors(403, 404, 409, 422)},
    summary="解除设备与重大危险源的关联",
    description="带设备的 version；设备已不关联该源或已被修改时 409。需要 monitor.manage。",
    tags=COVERAGE,
)
@api_requires(monitoring_perms.MONITOR_MANAGE)
def unlink_device(
    request: HttpRequest, source_id: int, device_id: int, payload: HazchemUnlinkDeviceIn
):
    source_read(request, source_id)
    services_devices.source_unlink_device(
        request.user, source_id=source_id, device_id=device_id, expected_version=payload.version
    )
    return card_answer(request, source_id)
