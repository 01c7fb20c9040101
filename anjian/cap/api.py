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

``GET /{id}/xml`` is the stored CAP document of an issued message; the same document is
public (no login) at ``/warnings/<identifier>.xml``, its page at
``/warnings/<identifier>.html``, both listed in ``/warnings/feed.atom``.
"""

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from anjian.cap import feed, selectors, services, xml
from anjian.cap import permissions as perms
from anjian.cap.choices import Category, Certainty, MsgType, ResponseType, Severity, State, Urgency
from anjian.cap.choices import Status as CapStatus
from anjian.cap.forms import AlertForm
from anjian.cap.lifecycle import ALERT
from anjian.cap.models import CapAlert
from anjian.core.access import api_requires
from anjian.core.api import ActionOut, FormInvalid, available_actions, errors
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
    data = payload.dict(exclude={"version"})
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
    alert = services.alert_create(by=request.user, data=form.cleaned_data)
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
    services.alert_edit(
        by=request.user,
        alert_id=alert_id,
        data=form.cleaned_data,
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
