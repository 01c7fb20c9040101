"""/api/v1/monitoring — telemetry in (per-device tokens); devices, thresholds, alarms,
online rates and the dead-letter table for integrators and dashboards (user tokens).
The schemas are in ``schemas.py``; the endpoints stay here (their operation ids are built
from this module's name)."""

import secrets
from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.errors import HttpError

from anjian.core.access import api_public, api_requires
from anjian.core.api import ErrorOut, errors
from anjian.core.network import client_ip
from anjian.core.pagination import paginate
from anjian.enterprises.models import Enterprise
from anjian.hazards import permissions as hazard_perms
from anjian.monitoring import ingest, refusals, selectors, services
from anjian.monitoring import permissions as perms
from anjian.monitoring.choices import AlarmState, Channel, DeviceState, RejectReason
from anjian.monitoring.filters import source_choices
from anjian.monitoring.models import Device, DeviceType, Reading
from anjian.monitoring.schemas import (
    AckIn,
    AlarmOut,
    AuthFailureOut,
    DeadLetterOut,
    DeviceCreatedOut,
    DeviceDetailOut,
    DeviceFilters,
    DeviceIn,
    DeviceOut,
    DeviceTypeOut,
    DeviceUpdateIn,
    DisposeIn,
    GatewayCreatedOut,
    GatewayIn,
    GatewayOut,
    GatewayUpdateIn,
    HazardIn,
    HazardRef,
    RatesOut,
    ReadingOut,
    TelemetryOut,
    ThresholdIn,
    ThresholdOut,
    TokenOut,
)

router = Router(tags=["监测预警"])

MAX_TELEMETRY_BYTES = 1_000_000


# --- telemetry in --------------------------------------------------------------------------


def _unauthorised(request, code: str, reason: str):
    """Counted per address and device code, never stored with its body; an address that
    keeps failing is answered 429 for the rest of the minute (``refusals``)."""
    if refusals.refuse(source=client_ip(request), device_code=code, reason=reason):
        return Status(429, {"detail": "认证失败次数过多，请一分钟后再试"})
    return Status(401, {"detail": "设备编码或令牌错误"})


@router.post(
    "/devices/{code}/telemetry",
    auth=None,
    response={200: TelemetryOut, 401: ErrorOut, 413: ErrorOut, 429: ErrorOut},
    summary="设备上报读数（HTTP，设备令牌）",
    description=(
        "请求头 `X-Device-Token: <设备令牌>`（登记设备或重新生成令牌时给出）。请求体与 MQTT 相同："
        '`{"readings": [{"ts": "2026-12-02T09:00:00+08:00", "values": {"level": 3.42}}]}`。'
        "有效的读数入库，其余逐条说明原因（rejects）；同一设备同一时间的读数只存一次。"
    ),
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": {"type": "object"}}},
            "required": True,
        }
    },
)
@api_public  # devices authenticate with their own token, not a user's
def telemetry(request: HttpRequest, code: str):
    if len(request.body) > MAX_TELEMETRY_BYTES:
        return Status(413, {"detail": f"报文超过 {MAX_TELEMETRY_BYTES // 1000} KB，请分批上报"})
    device = ingest.registry.device(code)
    if device is None:
        return _unauthorised(request, code, RejectReason.UNKNOWN_DEVICE)
    token = request.headers.get("X-Device-Token") or ""
    if not device.token_hash or not secrets.compare_digest(
        device.token_hash, Device.hash_token(token)
    ):
        return _unauthorised(request, code, RejectReason.BAD_TOKEN)
    result = ingest.accept(
        [ingest.Message(Channel.HTTP, request.path, request.body, device=device)]
    )
    return {
        "stored": result.stored,
        "rejected": result.rejected,
        "alarms_raised": len(result.raised),
        "rejects": result.rejects,
    }


# --- the registry ----------------------------------------------------------------------------


def _device(request, device_id: int) -> Device:
    device = selectors.device_get(request.user, device_id)
    selectors.devices_with_latest([device])
    return device


@router.get("/device-types", response=list[DeviceTypeOut], summary="设备类型与监测项")
@api_requires(perms.MONITOR_VIEW)
def device_types(request: HttpRequest):
    return DeviceType.objects.prefetch_related("metrics")


@router.get("/devices", response=list[DeviceOut], summary="监测设备（分页）")
@api_requires(perms.MONITOR_VIEW)
@paginate(page_size=100)
def list_devices(request: HttpRequest, filters: Query[DeviceFilters]):
    devices = selectors.device_queryset(request.user)
    if filters.state:
        if filters.state not in DeviceState.values:
            raise HttpError(422, "未知的状态：" + "、".join(DeviceState.values))
        devices = devices.filter(state=filters.state)
    if filters.enterprise:
        devices = devices.filter(enterprise_id=filters.enterprise)
    if filters.major_hazard_source is not None:
        devices = devices.filter(hazard_source__isnull=not filters.major_hazard_source)
    if filters.hazard_source:
        devices = devices.filter(hazard_source_id=filters.hazard_source)
    return devices.select_related("hazard_source__unit").order_by("enterprise_id", "code")


def _source(request, source_id: int | None):
    """The major hazard source ``source_id`` in the caller's scope (None: none); 422 when
    the caller cannot see it. Read through ``Device.hazard_source`` (monitoring does not
    import hazchem)."""
    if source_id is None:
        return None
    found = source_choices(request.user, closed=True).filter(pk=source_id).first()
    if found is None:
        raise HttpError(422, f"未找到重大危险源 {source_id}")
    return found


@router.get(
    "/devices/{int:device_id}",
    response={200: DeviceDetailOut, **errors(404)},
    summary="设备、最新读数和阈值",
)
@api_requires(perms.MONITOR_VIEW)
def get_device(request: HttpRequest, device_id: int):
    return _device(request, device_id)


@router.post(
    "/devices",
    response={201: DeviceCreatedOut, **errors(403, 404, 422)},
    summary="登记设备（返回 HTTP 上报令牌）",
)
@api_requires(perms.MONITOR_MANAGE)
def create_device(request: HttpRequest, payload: DeviceIn):
    enterprise = Enterprise.objects.for_user(request.user).filter(pk=payload.enterprise_id).first()
    if enterprise is None:
        raise HttpError(404, "未找到该单位")
    device_type = DeviceType.objects.filter(code=payload.device_type).first()
    if device_type is None:
        raise HttpError(422, f"未知的设备类型：{payload.device_type}")
    if Device.objects.filter(code=payload.code).exists():
        raise HttpError(422, f"设备编码 {payload.code} 已被使用")
    data = payload.dict(exclude={"enterprise_id", "device_type"})
    data.update(device_type=device_type, hazard_source=_source(request, payload.hazard_source))
    device, token = services.device_register(by=request.user, enterprise=enterprise, data=data)
    created = _device(request, device.pk)
    created.token = token
    return Status(201, created)


@router.put(
    "/devices/{int:device_id}",
    response={200: DeviceDetailOut, **errors(403, 404, 409, 422)},
    summary="修改设备（带 version）",
)
@api_requires(perms.MONITOR_MANAGE)
def update_device(request: HttpRequest, device_id: int, payload: DeviceUpdateIn):
    _device(request, device_id)
    data = {k: v for k, v in payload.dict(exclude={"version"}).items() if v is not None}
    if "hazard_source" in payload.model_fields_set:  # null: unlink
        data["hazard_source"] = _source(request, payload.hazard_source)
    services.device_update(
        by=request.user, device_id=device_id, data=data, expected_version=payload.version
    )
    return _device(request, device_id)


@router.post(
    "/devices/{int:device_id}/token",
    response={200: TokenOut, **errors(403, 404)},
    summary="重新生成 HTTP 上报令牌（旧令牌立即失效）",
)
@api_requires(perms.MONITOR_MANAGE)
def new_token(request: HttpRequest, device_id: int):
    _device(request, device_id)
    return {"token": services.device_issue_token(by=request.user, device_id=device_id)}


@router.put(
    "/devices/{int:device_id}/thresholds",
    response={200: ThresholdOut, **errors(403, 404, 422)},
    summary="设置一个监测项一个级别的报警阈值",
)
@api_requires(perms.MONITOR_MANAGE)
def set_threshold(request: HttpRequest, device_id: int, payload: ThresholdIn):
    device = _device(request, device_id)
    metric = device.device_type.metrics.filter(code=payload.metric).first()
    if metric is None:
        raise HttpError(422, f"该设备类型没有监测项 {payload.metric}")
    return services.threshold_set(
        by=request.user,
        device_id=device.pk,
        metric_id=metric.pk,
        level=payload.level,
        value=payload.value,
        hysteresis=payload.hysteresis,
        min_duration_seconds=payload.min_duration_seconds,
        is_active=payload.is_active,
    )


@router.get(
    "/devices/{int:device_id}/readings",
    response={200: list[ReadingOut], **errors(404, 422)},
    summary="设备读数（时间倒序，最多 5000 条）",
)
@api_requires(perms.MONITOR_VIEW)
def readings(
    request: HttpRequest,
    device_id: int,
    since: datetime | None = None,
    until: datetime | None = None,
    metric: str = "",
    limit: int = Query(1000, le=5000, ge=1),
):
    device = _device(request, device_id)
    rows = Reading.objects.filter(device=device).select_related("metric")
    if since:
        rows = rows.filter(ts__gte=since)
    if until:
        rows = rows.filter(ts__lt=until)
    if metric:
        rows = rows.filter(metric__code=metric)
    return list(rows.order_by("-ts")[:limit])


# --- alarms ----------------------------------------------------------------------------------


@router.get("/alarms", response=list[AlarmOut], summary="报警（分页，默认未处置）")
@api_requires(perms.MONITOR_VIEW)
@paginate(page_size=100)
def list_alarms(request: HttpRequest, state: str = "open"):
    alarms = selectors.alarm_queryset(request.user)
    if state == "open":
        alarms = alarms.open()
    elif state in AlarmState.values:
        alarms = alarms.filter(state=state)
    elif state != "all":
        raise HttpError(422, "state 应为 open、all 或 " + "、".join(AlarmState.values))
    return alarms.order_by("-raised_at")


@router.get("/alarms/{int:alarm_id}", response={200: AlarmOut, **errors(404)}, summary="报警详情")
@api_requires(perms.MONITOR_VIEW)
def get_alarm(request: HttpRequest, alarm_id: int):
    return selectors.alarm_get(request.user, alarm_id)


ALARM_RESPONSES = {200: AlarmOut, **errors(403, 404, 409, 422)}


@router.post("/alarms/{int:alarm_id}/acknowledge", response=ALARM_RESPONSES, summary="确认报警")
@api_requires(perms.ALARM_HANDLE)
def acknowledge(request: HttpRequest, alarm_id: int, payload: AckIn):
    selectors.alarm_get(request.user, alarm_id)
    services.alarm_acknowledge(
        by=request.user, alarm_id=alarm_id, expected_version=payload.version, note=payload.note
    )
    return selectors.alarm_get(request.user, alarm_id)


@router.post("/alarms/{int:alarm_id}/dispose", response=ALARM_RESPONSES, summary="处置报警")
@api_requires(perms.ALARM_HANDLE)
def dispose(request: HttpRequest, alarm_id: int, payload: DisposeIn):
    selectors.alarm_get(request.user, alarm_id)
    services.alarm_dispose(
        by=request.user,
        alarm_id=alarm_id,
        expected_version=payload.version,
        cause=payload.cause,
        note=payload.note,
    )
    return selectors.alarm_get(request.user, alarm_id)


@router.post(
    "/alarms/{int:alarm_id}/hazard",
    response={201: HazardRef, **errors(403, 404, 409, 422)},
    summary="报警转为隐患（来源：监测报警）",
)
@api_requires(perms.ALARM_HANDLE)
def to_hazard(request: HttpRequest, alarm_id: int, payload: HazardIn):
    selectors.alarm_get(request.user, alarm_id)
    if not request.user.can(hazard_perms.HAZARD_REPORT):
        raise HttpError(403, "您的角色不能登记隐患")
    hazard = services.alarm_to_hazard(
        by=request.user, alarm_id=alarm_id, title=payload.title, description=payload.description
    )
    return Status(201, hazard)


# --- figures and the dead letters ----------------------------------------------------------


@router.get(
    "/rates",
    response={200: RatesOut, **errors(422)},
    summary="设备在线率、危险源设备在线率、报警统计",
)
@api_requires(perms.MONITOR_VIEW)
def rates(request: HttpRequest, by: str = "street", since: datetime | None = None):
    if by not in ("street", "industry", "enterprise"):
        raise HttpError(422, "by 应为 street、industry 或 enterprise")
    figures = selectors.alarm_figures(request.user, since=since)

    def seconds(value):
        return value.total_seconds() if value is not None else None

    total = selectors.online_totals(request.user)
    total.label = "合计"
    return {
        "total": total,
        "rows": selectors.online_rates(request.user, by),
        "alarms": {
            **{
                name: getattr(figures, name)
                for name in ("count", "open", "unacknowledged", "first_grade", "disposed")
            },
            "false_alarms": figures.false_alarms,
            "false_alarm_rate": figures.false_alarm_rate,
            "mean_to_acknowledge_seconds": seconds(figures.mean_to_acknowledge),
            "mean_to_dispose_seconds": seconds(figures.mean_to_dispose),
        },
    }


@router.get("/dead-letters", response=list[DeadLetterOut], summary="未入库报文（管理员）")
@api_requires(perms.MONITOR_ADMIN)
@paginate(page_size=100)
def list_dead_letters(request: HttpRequest, reason: str = ""):
    if reason and reason not in RejectReason.values:
        raise HttpError(422, "未知的原因：" + "、".join(RejectReason.values))
    return selectors.dead_letters(reason)


@router.get(
    "/auth-failures",
    response=list[AuthFailureOut],
    summary="认证失败的 HTTP 上报（按来源地址和设备编码计数，管理员）",
)
@api_requires(perms.MONITOR_ADMIN)
@paginate(page_size=100)
def list_auth_failures(request: HttpRequest):
    return selectors.auth_failures()


# --- gateways ------------------------------------------------------------------------------


@router.get("/gateways", response=list[GatewayOut], summary="采集网关（分页）")
@api_requires(perms.MONITOR_VIEW)
@paginate(page_size=100)
def list_gateways(request: HttpRequest, enterprise: int | None = None):
    gateways = selectors.gateway_queryset(request.user)
    if enterprise:
        gateways = gateways.filter(enterprise_id=enterprise)
    return gateways.order_by("enterprise_id", "code")


@router.get(
    "/gateways/{int:gateway_id}", response={200: GatewayOut, **errors(404)}, summary="采集网关"
)
@api_requires(perms.MONITOR_VIEW)
def get_gateway(request: HttpRequest, gateway_id: int):
    return selectors.gateway_get(request.user, gateway_id)


@router.post(
    "/gateways",
    response={201: GatewayCreatedOut, **errors(403, 404, 422)},
    summary="登记采集网关（返回网关令牌，即其 MQTT 密码）",
)
@api_requires(perms.MONITOR_MANAGE)
def create_gateway(request: HttpRequest, payload: GatewayIn):
    enterprise = Enterprise.objects.for_user(request.user).filter(pk=payload.enterprise_id).first()
    if enterprise is None:
        raise HttpError(404, "未找到该单位")
    gateway, token = services.gateway_register(
        by=request.user, enterprise=enterprise, data=payload.dict(exclude={"enterprise_id"})
    )
    gateway.token = token
    return Status(201, gateway)


@router.put(
    "/gateways/{int:gateway_id}",
    response={200: GatewayOut, **errors(403, 404, 409, 422)},
    summary="修改或停用采集网关（带 version）",
)
@api_requires(perms.MONITOR_MANAGE)
def update_gateway(request: HttpRequest, gateway_id: int, payload: GatewayUpdateIn):
    selectors.gateway_get(request.user, gateway_id)
    data = {k: v for k, v in payload.dict(exclude={"version"}).items() if v is not None}
    return services.gateway_update(
        by=request.user, gateway_id=gateway_id, data=data, expected_version=payload.version
    )


@router.post(
    "/gateways/{int:gateway_id}/token",
    response={200: TokenOut, **errors(403, 404)},
    summary="为采集网关生成新令牌（旧令牌随即失效）",
)
@api_requires(perms.MONITOR_MANAGE)
def new_gateway_token(request: HttpRequest, gateway_id: int):
    gateway = selectors.gateway_get(request.user, gateway_id)
    return {"token": services.gateway_issue_token(by=request.user, gateway_id=gateway.pk)}
