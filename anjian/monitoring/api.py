"""/api/v1/monitoring — telemetry in (per-device tokens) and the monitoring data out."""

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from anjian.core.access import api_public
from anjian.monitoring import ingest
from anjian.monitoring.choices import Channel, RejectReason
from anjian.monitoring.models import DeadLetter

router = Router(tags=["监测预警"])

MAX_TELEMETRY_BYTES = 1_000_000


class RejectOut(Schema):
    reason: str = Field(description="、".join(f"{r.value} {r.label}" for r in RejectReason))
    detail: str
    device: str = Field(alias="device_code")
    metric: str = Field(alias="metric_code")


class TelemetryOut(Schema):
    stored: int = Field(description="入库的读数条数")
    rejected: int = Field(description="未入库的条数（原因见 rejects，并记入未入库报文表）")
    alarms_raised: int
    rejects: list[RejectOut]


class ErrorOut(Schema):
    detail: str


def _unauthorised(request, code: str, reason: str, detail: str):
    DeadLetter.objects.create(
        channel=Channel.HTTP,
        topic=request.path[:200],
        device_code=code[:64],
        reason=reason,
        detail=detail,
        payload=request.body[: ingest.PAYLOAD_EXCERPT].decode("utf-8", errors="replace"),
    )
    return Status(401, {"detail": "设备编码或令牌错误"})


@router.post(
    "/devices/{code}/telemetry",
    auth=None,
    response={200: TelemetryOut, 401: ErrorOut, 413: ErrorOut},
    summary="设备上报读数（HTTP，设备令牌）",
    description=(
        "请求头 `X-Device-Token: <设备令牌>`（在设备页面生成）。请求体与 MQTT 相同："
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
        return _unauthorised(request, code, RejectReason.UNKNOWN_DEVICE, "设备未登记")
    if not device.token_hash or not _token_ok(device, request.headers.get("X-Device-Token")):
        return _unauthorised(request, code, RejectReason.BAD_TOKEN, "设备令牌错误或缺失")
    result = ingest.accept(
        [ingest.Message(Channel.HTTP, request.path, request.body, device=device)]
    )
    return {
        "stored": result.stored,
        "rejected": result.rejected,
        "alarms_raised": len(result.raised),
        "rejects": result.rejects,
    }


def _token_ok(device: ingest.DeviceInfo, token: str | None) -> bool:
    import secrets

    from anjian.monitoring.models import Device

    return bool(token) and secrets.compare_digest(device.token_hash, Device.hash_token(token))
