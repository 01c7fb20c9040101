"""/api/v1/warnings — public early warnings (CAP 1.2) for integrations.

The pages' validation (``AlertForm``), scope and lifecycle. Drafts are created and edited
with the full content; transitions are ``POST /{id}/<verb>`` with the ``version`` read
earlier (409 when someone was first):

- ``submit`` (draft → pending), ``return`` (pending → draft, with the opinion 签发意见 as
  ``reason``, required), ``discard``;
- ``approve`` publishes (``reason``: the opinion, optional): identifier, sent, the XML
  validated against the OASIS schema; nobody approves a message they wrote, edited or
  submitted (403);
- ``update`` opens a new draft (msgType Update) referencing a published message; once
  approved and published it supersedes that message (201; 200 when one is already open);
- ``cancel`` publishes a Cancel message at once (approvers; 201) and marks the message
  cancelled.

The area is ``areas``: GB/T 2260 codes of districts and streets inside the issuing
region (sent as ``<geocode>``, with the districts' outlines as polygons); ``polygon`` and
``circle`` remain for typed shapes.

Co-issuing (联合发布): ``co_issuers`` (department ids of the issuing region) on create
and edit, or ``PUT /{id}/co-issuers`` on a draft; ``POST /{id}/cosign`` is a co-issuing
department's agreement (会签, once per department); approving waits for all (409).

Reach: ``GET /{id}/deliveries`` (one row per address and channel: state, attempts, last
error), ``GET /{id}/reach`` (delivered ÷ intended and sent ÷ intended, in all, by
channel and by street) and ``GET /reach`` across the issued warnings of a period against
the target (seed 004: ≥ 95 %). ``POST /receipts`` is the SMS gateway's delivery report
(``X-Anjian-Receipt-Token``, no user).

``GET /{id}/xml`` is the stored CAP document of an issued message; the same document is
public (no login) at ``/warnings/<identifier>.xml``, its page at
``/warnings/<identifier>.html``, both listed in ``/warnings/feed.atom``.
"""

import secrets
from datetime import date, datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from anjian.cap import delivery, feed, selectors, services, xml
from anjian.cap import permissions as perms
from anjian.cap.choices import Category, Certainty, MsgType, ResponseType, Severity, State, Urgency
from anjian.cap.choices import Status as CapStatus
from anjian.cap.forms import AlertForm
from anjian.cap.lifecycle import ALERT
from anjian.cap.models import CapAlert, DeliveryState, RecipientKind
from anjian.cap.selectors import COUNTED, DeliveryFilters, Reach
from anjian.core.access import api_public, api_requires
from anjian.core.api import ActionOut, ErrorOut, FormInvalid, available_actions, errors
from anjian.core.pagination import paginate

router = Router(tags=["预警信息发布"])


def _listed(choices) -> str:
    return "、".join(f"{value} {label}" for value, label in choices.choices if value)


class AlertOut(Schema):
    id: int
    state: str = Field(description=_listed(State))
    version: int = Field(description="执行操作时原样带回，用于并发冲突检测")
    region: str = Field(alias="region_id", description="发布单位区划代码")
    identifier: str = Field(description="CAP identifier（发布时生成）")
    sender: str
    sent: str | None = Field(description="CAP 时间格式，带时区偏移，如 2026-12-02T09:00:00+08:00")
    status: str = Field(description=_listed(CapStatus))
    msg_type: str = Field(description=_listed(MsgType))
    scope: str
    replaces_id: int | None = Field(description="所更新/取消的报文 id")
    references: str = Field(description="CAP references：sender,identifier,sent")
    note: str
    language: str
    category: str = Field(description=_listed(Category))
    event: str
    response_type: str = Field(description=_listed(ResponseType))
    urgency: str = Field(description=_listed(Urgency))
    severity: str = Field(description=_listed(Severity))
    certainty: str = Field(description=_listed(Certainty))
    effective: str | None = Field(description="CAP 时间格式")
    onset: str | None = Field(description="CAP 时间格式")
    expires: str = Field(description="CAP 时间格式")
    sender_name: str
    headline: str
    description: str
    instruction: str
    contact: str
    areas: list[str] = Field(description="影响区划代码（GB/T 2260；街道、镇为 9 位）")
    area_desc: str
    polygon: str
    circle: str
    public_url: str = Field(description="公开页面地址（已发布过的报文；否则为空）")
    created_by_id: int
    approved_by_id: int | None
    published_at: datetime | None
    actions: list[ActionOut] = Field([], description="调用者现在可以执行的操作")

    @staticmethod
    def resolve_actions(obj: CapAlert, context) -> list:
        return available_actions(ALERT, obj, context)

    @staticmethod
    def resolve_areas(obj: CapAlert) -> list[str]:
        return [region.code for region in obj.areas.all()]

    @staticmethod
    def resolve_public_url(obj: CapAlert) -> str:
        return feed.page_url(obj) if obj.is_issued else ""

    @staticmethod
    def resolve_sent(obj: CapAlert) -> str | None:
        return xml.cap_datetime(obj.sent) if obj.sent else None

    @staticmethod
    def resolve_effective(obj: CapAlert) -> str | None:
        return xml.cap_datetime(obj.effective) if obj.effective else None

    @staticmethod
    def resolve_onset(obj: CapAlert) -> str | None:
        return xml.cap_datetime(obj.onset) if obj.onset else None

    @staticmethod
    def resolve_expires(obj: CapAlert) -> str:
        return xml.cap_datetime(obj.expires)


class AlertIn(Schema):
    region: str = Field(description="发布单位区划代码（须在您的管辖范围内）")
    sender_name: str = Field(description="发布单位名称，如 杨浦区应急管理局")
    status: str = Field(CapStatus.ACTUAL, description=_listed(CapStatus))
    category: str = Field(Category.SAFETY, description=_listed(Category))
    event: str
    urgency: str = Field(description=_listed(Urgency))
    severity: str = Field(description=_listed(Severity))
    certainty: str = Field(description=_listed(Certainty))
    response_type: str = Field("", description=_listed(ResponseType))
    headline: str
    description: str
    instruction: str
    effective: datetime | None = Field(None, description="不填则自发布时起生效")
    onset: datetime | None = None
    expires: datetime
    areas: list[str] = Field(
        [], description="影响区划代码：发布单位区划内的区、街道（镇），至少选一项或填写多边形/圆形"
    )
    area_desc: str = Field("", description="影响区域说明；不填则按所选区划生成")
    polygon: str = Field("", description="“纬度,经度”坐标对，空格分隔，至少 4 对且首尾相同")
    circle: str = Field("", description="“纬度,经度 半径公里”")
    contact: str = ""
    note: str = ""
    co_issuers: list[int] | None = Field(
        None,
        description="联合发布部门 id（发布单位区划的部门）；各部门会签后才能审核发布。"
        "修改时省略则不变",
    )


class AlertEditIn(AlertIn):
    version: int = Field(description="读取时的 version")


class AlertVersionIn(Schema):
    version: int | None = Field(None, description="读取时的 version；省略则不检查")


class AlertReasonIn(AlertVersionIn):
    reason: str = Field(description="原因；退回修改时为签发意见")


class AlertApproveIn(AlertVersionIn):
    reason: str = Field("", description="签发意见（可选）")


def _alert(request, alert_id: int) -> CapAlert:
    return selectors.alert_get(request.user, alert_id)


def _form(request, payload: AlertIn, instance=None) -> AlertForm:
    data = payload.dict(exclude={"version", "co_issuers"})
    for name in ("effective", "onset", "expires"):
        data[name] = data[name].isoformat() if data[name] else ""
    if instance is not None and instance.replaces_id:
        data["region"] = instance.region_id
    form = AlertForm(data, instance=instance, user=request.user)
    if not form.is_valid():
        raise FormInvalid(form)
    return form


@router.get("/", response=list[AlertOut], summary="预警列表（分页）")
@api_requires(perms.WARNING_VIEW)
@paginate(page_size=50)
def list_alerts(request: HttpRequest, state: str = "", msg_type: str = ""):
    if state and state not in State.values:
        raise HttpError(422, "未知的状态：" + "、".join(State.values))
    if msg_type and msg_type not in MsgType.values:
        raise HttpError(422, "未知的报文类型：" + "、".join(MsgType.values))
    return selectors.alert_list(request.user, state=state, msg_type=msg_type)


@router.get("/{int:alert_id}", response={200: AlertOut, **errors(404)}, summary="预警详情")
@api_requires(perms.WARNING_VIEW)
def get_alert(request: HttpRequest, alert_id: int):
    return _alert(request, alert_id)


@router.get(
    "/{int:alert_id}/xml",
    response={200: None, **errors(404, 409)},
    summary="CAP 1.2 报文（已发布的报文）",
)
@api_requires(perms.WARNING_VIEW)
def get_alert_xml(request: HttpRequest, alert_id: int):
    alert = _alert(request, alert_id)
    if not alert.is_issued:
        raise HttpError(409, "该预警尚未发布，没有 CAP 报文（详情页可预览）")
    return HttpResponse(alert.xml.encode("utf-8"), content_type=xml.CONTENT_TYPE)


@router.post(
    "/",
    response={201: AlertOut, **errors(403, 422)},
    summary="起草预警（草稿）",
)
@api_requires(perms.WARNING_COMPOSE)
def create_alert(request: HttpRequest, payload: AlertIn):
    form = _form(request, payload)
    data = {**form.cleaned_data, services.CO_ISSUERS: payload.co_issuers or []}
    alert = services.alert_create(by=request.user, data=data)
    return Status(201, _alert(request, alert.pk))


@router.put(
    "/{int:alert_id}",
    response={200: AlertOut, **errors(403, 404, 409, 422)},
    summary="修改草稿（带 version）",
)
@api_requires(perms.WARNING_COMPOSE)
def edit_alert(request: HttpRequest, alert_id: int, payload: AlertEditIn):
    alert = _alert(request, alert_id)
    form = _form(request, payload, instance=alert)
    data = dict(form.cleaned_data)
    if payload.co_issuers is not None:
        data[services.CO_ISSUERS] = payload.co_issuers
    services.alert_edit(
        by=request.user,
        alert_id=alert_id,
        data=data,
        expected_version=payload.version,
    )
    return _alert(request, alert_id)


TRANSITION_RESPONSES = {200: AlertOut, **errors(403, 404, 409, 422)}


@router.post("/{int:alert_id}/submit", response=TRANSITION_RESPONSES, summary="提交审核")
@api_requires(perms.WARNING_COMPOSE)
def submit_alert(request: HttpRequest, alert_id: int, payload: AlertVersionIn):
    _alert(request, alert_id)
    services.alert_submit(by=request.user, alert_id=alert_id, expected_version=payload.version)
    return _alert(request, alert_id)


@router.post("/{int:alert_id}/return", response=TRANSITION_RESPONSES, summary="退回修改")
@api_requires(perms.WARNING_APPROVE)
def return_alert(request: HttpRequest, alert_id: int, payload: AlertReasonIn):
    _alert(request, alert_id)
    services.alert_return(
        by=request.user, alert_id=alert_id, expected_version=payload.version, reason=payload.reason
    )
    return _alert(request, alert_id)


@router.post("/{int:alert_id}/discard", response=TRANSITION_RESPONSES, summary="作废草稿")
@api_requires(perms.WARNING_COMPOSE)
def discard_alert(request: HttpRequest, alert_id: int, payload: AlertVersionIn):
    _alert(request, alert_id)
    services.alert_discard(by=request.user, alert_id=alert_id, expected_version=payload.version)
    return _alert(request, alert_id)


@router.post(
    "/{int:alert_id}/approve",
    response=TRANSITION_RESPONSES,
    summary="审核发布（不能签发本人起草的预警）",
)
@api_requires(perms.WARNING_APPROVE)
def approve_alert(request: HttpRequest, alert_id: int, payload: AlertApproveIn):
    _alert(request, alert_id)
    services.alert_approve(
        by=request.user,
        alert_id=alert_id,
        expected_version=payload.version,
        reason=payload.reason,
    )
    return _alert(request, alert_id)


@router.post(
    "/{int:alert_id}/update",
    response={200: AlertOut, 201: AlertOut, **errors(403, 404, 409, 422)},
    summary="更新已发布的预警（生成引用原报文的更新草稿）",
)
@api_requires(perms.WARNING_COMPOSE)
def update_alert(request: HttpRequest, alert_id: int, payload: AlertVersionIn):
    _alert(request, alert_id)
    draft, created = services.alert_start_update(
        by=request.user, alert_id=alert_id, expected_version=payload.version
    )
    return Status(201 if created else 200, _alert(request, draft.pk))


@router.post(
    "/{int:alert_id}/cancel",
    response={201: AlertOut, **errors(403, 404, 409, 422)},
    summary="取消预警（立即发布取消报文）",
)
@api_requires(perms.WARNING_APPROVE)
def cancel_alert(request: HttpRequest, alert_id: int, payload: AlertReasonIn):
    _alert(request, alert_id)
    message = services.alert_cancel(
        by=request.user, alert_id=alert_id, expected_version=payload.version, reason=payload.reason
    )
    return Status(201, _alert(request, message.pk))


# --- co-issuing ------------------------------------------------------------------------------


class CoIssuerOut(Schema):
    department_id: int
    department: str = Field(description="联合发布部门")
    agreed: bool = Field(description="是否已会签")
    approved_by: str = Field(description="会签人（未会签为空）")
    approved_at: datetime | None
    opinion: str

    @staticmethod
    def resolve_department(obj) -> str:
        return obj.department.name

    @staticmethod
    def resolve_approved_by(obj) -> str:
        return str(obj.approved_by) if obj.approved_by_id else ""


class CoIssuersIn(Schema):
    departments: list[int] = Field(description="联合发布部门 id；空列表为单独发布")
    version: int | None = Field(None, description="读取时的 version；省略则不检查")


@router.get(
    "/{int:alert_id}/co-issuers",
    response={200: list[CoIssuerOut], **errors(404)},
    summary="联合发布部门及会签情况",
)
@api_requires(perms.WARNING_VIEW)
def list_co_issuers(request: HttpRequest, alert_id: int):
    return selectors.co_issuers(_alert(request, alert_id))


@router.put(
    "/{int:alert_id}/co-issuers",
    response={200: list[CoIssuerOut], **errors(403, 404, 409, 422)},
    summary="确定联合发布部门（草稿）",
)
@api_requires(perms.WARNING_COMPOSE)
def set_co_issuers(request: HttpRequest, alert_id: int, payload: CoIssuersIn):
    _alert(request, alert_id)
    alert = services.alert_set_co_issuers(
        by=request.user,
        alert_id=alert_id,
        departments=payload.departments,
        expected_version=payload.version,
    )
    return selectors.co_issuers(alert)


@router.post(
    "/{int:alert_id}/cosign",
    response={200: CoIssuerOut, **errors(403, 404, 409, 422)},
    summary="联合发布部门会签（本部门，每部门一次）",
)
@api_requires(perms.WARNING_COSIGN)
def cosign_alert(request: HttpRequest, alert_id: int, payload: AlertApproveIn):
    _alert(request, alert_id)
    return services.alert_cosign(
        by=request.user,
        alert_id=alert_id,
        expected_version=payload.version,
        reason=payload.reason,
    )


# --- deliveries and reach --------------------------------------------------------------------


class DeliveryOut(Schema):
    id: int
    alert_id: int
    channel: str = Field(description="sms、email、webhook、console 或 none（无可用渠道）")
    address: str = Field(alias="shown_address", description="公众订阅的地址部分隐藏")
    recipient_kind: str = Field(description=_listed(RecipientKind))
    name: str
    area: str = Field(alias="area_code", description="所在街镇（或区）代码")
    state: str = Field(description=_listed(DeliveryState))
    attempts: int
    last_error: str
    next_attempt_at: datetime | None
    sent_at: datetime | None
    delivered_at: datetime | None
    failed_at: datetime | None


class DeliveryQuery(Schema):
    state: str = Field("", description=_listed(DeliveryState))
    channel: str = ""
    area: str = Field("", description="街镇（或区）代码")
    kind: str = Field("", description=_listed(RecipientKind))
    counted: str = Field(
        "", description="intended 应发、sent 已发送、delivered 已送达：与送达率的统计口径一致"
    )


class ReachOut(Schema):
    intended: int = Field(description="应发")
    sent: int = Field(description="已发送（网关已接收）")
    delivered: int = Field(description="已送达")
    reach: float | None = Field(description="送达率 %：已送达 ÷ 应发")
    sent_rate: float | None = Field(description="发送率 %：已发送 ÷ 应发")


class ReachRowOut(ReachOut):
    key: str = Field(description="渠道或街镇代码")


class AlertReachOut(Schema):
    target: float = Field(description="目标送达率 %（气象灾害预警信息公众覆盖率 ≥ 95%）")
    total: ReachOut
    by_channel: list[ReachRowOut]
    by_area: list[ReachRowOut]


class WarningReachOut(ReachOut):
    id: int
    headline: str
    state: str
    published_at: datetime | None


class ReachListOut(Schema):
    target: float
    since: date | None
    until: date | None
    total: ReachOut
    warnings: list[WarningReachOut] = Field(description="期间内发布的预警（最近 200 条）")
    by_channel: list[ReachRowOut]
    by_area: list[ReachRowOut]


def _reach(figures: Reach, **more) -> dict:
    return {
        "intended": figures.intended,
        "sent": figures.sent,
        "delivered": figures.delivered,
        "reach": figures.reach,
        "sent_rate": figures.sent_rate,
        **more,
    }


def _rows(deliveries, field: str) -> list[dict]:
    return [_reach(r, key=str(k)) for k, r in selectors.reach_by(deliveries, field).items()]


def _check_query(query: DeliveryQuery) -> None:
    for name, allowed in (
        ("state", DeliveryState.values),
        ("kind", RecipientKind.values),
        ("counted", COUNTED),
    ):
        value = getattr(query, name)
        if value and value not in allowed:
            raise HttpError(422, f"{name} 须为：" + "、".join(allowed))


@router.get(
    "/{int:alert_id}/deliveries",
    response={200: list[DeliveryOut], **errors(404, 422)},
    summary="预警送达记录（分页）",
)
@api_requires(perms.WARNING_VIEW)
@paginate(page_size=100)
def list_deliveries(request: HttpRequest, alert_id: int, query: Query[DeliveryQuery]):
    alert = _alert(request, alert_id)
    _check_query(query)
    filters = DeliveryFilters(alert=alert.pk, **query.dict())
    return selectors.delivery_list(request.user, filters)


@router.get(
    "/{int:alert_id}/reach",
    response={200: AlertReachOut, **errors(404)},
    summary="预警送达率（合计、按渠道、按街镇）",
)
@api_requires(perms.WARNING_VIEW)
def alert_reach(request: HttpRequest, alert_id: int):
    alert = _alert(request, alert_id)
    deliveries = selectors.delivery_list(request.user, DeliveryFilters(alert=alert.pk))
    return {
        "target": selectors.reach_target(),
        "total": _reach(selectors.reach(deliveries)),
        "by_channel": _rows(deliveries, "channel"),
        "by_area": _rows(deliveries, "area_code"),
    }


@router.get(
    "/reach", response={200: ReachListOut, **errors(422)}, summary="各预警送达率（按发布日期）"
)
@api_requires(perms.WARNING_VIEW)
def reach_list(request: HttpRequest, since: date | None = None, until: date | None = None):
    period = DeliveryFilters(since=since, until=until)
    deliveries = selectors.delivery_list(request.user, period)
    by_alert = selectors.reach_by(deliveries, "alert_id")
    alerts = selectors.issued_alerts(request.user, since=since, until=until)[:200]
    return {
        "target": selectors.reach_target(),
        "since": since,
        "until": until,
        "total": _reach(selectors.reach(deliveries)),
        "warnings": [
            _reach(
                by_alert.get(alert.pk, Reach()),
                id=alert.pk,
                headline=alert.headline,
                state=alert.state,
                published_at=alert.published_at,
            )
            for alert in alerts
        ],
        "by_channel": _rows(deliveries, "channel"),
        "by_area": _rows(deliveries, "area_code"),
    }


# --- the SMS gateway's delivery reports ------------------------------------------------------


class ReceiptIn(Schema):
    message_id: str = Field("", description="发送时的 message_id（或网关自己的 id）")
    id: str = Field("", description="网关消息编号（发送应答中的 id）")
    status: str = Field(description="delivered 已送达 或 failed 未送达")
    error: str = Field("", description="未送达原因")
    at: str = Field("", description="送达或失败时间（ISO 8601，带时区）；省略为收到时")


class ReceiptsIn(Schema):
    receipts: list[ReceiptIn] = Field(max_length=1000)


class ReceiptsOut(Schema):
    updated: int = Field(description="据此更新状态的送达记录数")
    unchanged: int = Field(description="已是最终状态、未改变的")
    unknown: list[str] = Field(description="无法识别的消息编号或状态")


@router.post(
    "/receipts",
    auth=None,
    response={200: ReceiptsOut, 401: ErrorOut, **errors(422)},
    summary="短信网关送达回执（网关令牌）",
    description="请求头 `X-Anjian-Receipt-Token: <ANJIAN_CAP_SMS_RECEIPT_TOKEN>`。"
    '请求体：`{"receipts": [{"message_id": "…", "status": "delivered"}, '
    '{"message_id": "…", "status": "failed", "error": "空号"}]}`。重复的回执不会重复计数。',
)
@api_public  # the gateway authenticates with its own token, not a user's
def receipts(request: HttpRequest, payload: ReceiptsIn):
    expected = settings.CAP_SMS_RECEIPT_TOKEN
    given = request.headers.get("X-Anjian-Receipt-Token") or ""
    if not expected or not secrets.compare_digest(expected.encode(), given.encode()):
        return Status(401, {"detail": "回执令牌错误"})
    return delivery.receipts_record([item.dict() for item in payload.receipts])
