"""The monitoring API's schemas (``api.py`` keeps the endpoints: their operation ids are
built from the module's name). Separate In/Out schemas per endpoint."""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema

from anjian.core.api import ActionOut, available_actions
from anjian.monitoring.choices import AlarmCause, RejectReason, ThresholdLevel
from anjian.monitoring.lifecycle import ALARM

# --- telemetry in --------------------------------------------------------------------------


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


# --- the registry ----------------------------------------------------------------------------


class MetricOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    min_valid: float
    max_valid: float
    sampling_seconds: int


class DeviceTypeOut(Schema):
    id: int
    code: str
    name: str
    category: str
    metrics: list[MetricOut]

    @staticmethod
    def resolve_metrics(obj):
        return list(obj.metrics.all())


class LatestOut(Schema):
    metric: str
    value: float
    ts: datetime


class ThresholdOut(Schema):
    id: int
    metric: str = Field(alias="metric.code")
    level: str = Field(description="、".join(f"{v.value} {v.label}" for v in ThresholdLevel))
    value: float
    hysteresis: float
    min_duration_seconds: int
    is_active: bool
    version: int


class DeviceOut(Schema):
    id: int
    code: str
    name: str
    enterprise_id: int
    enterprise_name: str = Field(alias="enterprise.name")
    device_type: str = Field(alias="device_type.code")
    is_major_hazard_source: bool = Field(description="重大危险源监测：由是否关联重大危险源得出")
    hazard_source_id: int | None = Field(description="所关联的重大危险源")
    hazard_source_number: str | None = Field(description="重大危险源编号")
    hazard_source_name: str | None = Field(description="重大危险源（单元）名称")
    location: str
    latitude: Decimal | None
    longitude: Decimal | None
    is_active: bool
    state: str = Field(description="never 未上线 / online 在线 / offline 离线")
    last_seen_at: datetime | None
    offline_after_seconds: int
    version: int

    @staticmethod
    def resolve_hazard_source_number(obj):
        return obj.hazard_source.number if obj.hazard_source_id else None

    @staticmethod
    def resolve_hazard_source_name(obj):
        return obj.hazard_source.unit.name if obj.hazard_source_id else None


class DeviceDetailOut(DeviceOut):
    latest: list[LatestOut]
    thresholds: list[ThresholdOut]

    @staticmethod
    def resolve_latest(obj):
        return [
            {"metric": metric.code, "value": value, "ts": ts}
            for metric, value, ts in getattr(obj, "latest_values", [])
        ]

    @staticmethod
    def resolve_thresholds(obj):
        return list(obj.thresholds.select_related("metric"))


class DeviceIn(Schema):
    enterprise_id: int
    device_type: str = Field(description="设备类型编码，见 /monitoring/device-types")
    code: str = Field(description="设备编码：字母、数字、_ . -，全平台唯一")
    name: str
    hazard_source: int | None = Field(
        None, description="所关联的重大危险源（本单位、未核销；见 /hazchem/sources）"
    )
    location: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    offline_after_seconds: int = 300


class DeviceCreatedOut(DeviceDetailOut):
    token: str = Field(description="HTTP 上报令牌，只显示这一次")


class DeviceUpdateIn(Schema):
    version: int
    name: str | None = None
    hazard_source: int | None = Field(
        None, description="关联的重大危险源；传 null 解除关联，省略则不变"
    )
    location: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    offline_after_seconds: int | None = None
    is_active: bool | None = None


class TokenOut(Schema):
    token: str


class ThresholdIn(Schema):
    metric: str = Field(description="监测项编码")
    level: str = Field(description="high / high_high / low / low_low")
    value: float
    hysteresis: float = Field(0, description="回差（死区）：恢复须越过阈值 ± 回差")
    min_duration_seconds: int = Field(0, description="超限持续多少秒才报警")
    is_active: bool = True


class DeviceFilters(Schema):
    state: str | None = Field(None, description="never / online / offline")
    enterprise: int | None = None
    major_hazard_source: bool | None = Field(None, description="是否关联了重大危险源")
    hazard_source: int | None = Field(None, description="关联到该重大危险源的设备")


class ReadingOut(Schema):
    metric: str = Field(alias="metric.code")
    ts: datetime
    value: float


# --- alarms ----------------------------------------------------------------------------------


class AlarmOut(Schema):
    id: int
    device_id: int
    device_code: str = Field(alias="device.code")
    enterprise_id: int
    metric: str = Field(alias="metric.code")
    level: str
    limit: float
    value: float
    peak: float
    breach_since: datetime
    raised_at: datetime
    state: str = Field(description="active 待确认 / acknowledged 已确认 / disposed 已处置")
    recovered_at: datetime | None
    escalation: int = Field(description="0 企业 / 1 街镇 / 2 区应急局")
    acknowledged_at: datetime | None
    disposed_at: datetime | None
    cause: str = Field(description="、".join(f"{c.value} {c.label}" for c in AlarmCause))
    disposal_note: str
    hazard_id: int | None
    version: int
    actions: list[ActionOut] = Field([], description="调用者现在可以执行的操作")

    @staticmethod
    def resolve_actions(obj, context) -> list:
        return available_actions(ALARM, obj, context)


class AckIn(Schema):
    version: int | None = None
    note: str = ""


class DisposeIn(Schema):
    version: int | None = None
    cause: str = Field(description="real / false / maintenance / fault")
    note: str


class HazardIn(Schema):
    title: str = ""
    description: str = ""


class HazardRef(Schema):
    id: int
    number: str


# --- figures and the dead letters ----------------------------------------------------------


class RateOut(Schema):
    key: str
    label: str
    devices: int
    online: int
    online_rate: float | None
    source_devices: int = Field(description="关联了重大危险源的设备")
    source_devices_online: int
    source_device_rate: float | None = Field(
        description="危险源设备在线率（%）：设备在线情况；重大危险源在线监测率见 /hazchem/coverage"
    )
    quality_issues: int


class AlarmFiguresOut(Schema):
    count: int
    open: int
    unacknowledged: int
    first_grade: int
    mean_to_acknowledge_seconds: float | None
    mean_to_dispose_seconds: float | None
    disposed: int
    false_alarms: int
    false_alarm_rate: float | None


class RatesOut(Schema):
    total: RateOut
    rows: list[RateOut]
    alarms: AlarmFiguresOut


class DeadLetterOut(Schema):
    id: int
    received_at: datetime
    channel: str
    topic: str
    device_code: str
    metric_code: str
    reason: str
    detail: str
    payload: str


class AuthFailureOut(Schema):
    source: str
    device_code: str
    reason: str
    count: int
    first_at: datetime
    last_at: datetime


# --- gateways ------------------------------------------------------------------------------


class GatewayOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str = Field(alias="enterprise.name")
    code: str
    username: str = Field(description="登录消息服务器的用户名（密码为网关令牌）")
    topic: str = Field(description="网关只能向该主题发布")
    name: str
    location: str
    is_active: bool
    version: int


class GatewayCreatedOut(GatewayOut):
    token: str = Field(description="网关令牌（只在此返回一次）")


class GatewayIn(Schema):
    enterprise_id: int
    code: str = Field(description="1–48 位字母、数字、下划线或短横线")
    name: str
    location: str = ""


class GatewayUpdateIn(Schema):
    version: int
    name: str | None = None
    location: str | None = None
    is_active: bool | None = None
