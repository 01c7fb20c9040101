"""/api/v1/onsite-inspections — 现场检查 for the inspector's phone and for integrations.

The phone's form (``static/inspections/js/onsite.js``) works against these: ``GET /{id}``
is everything the form needs (the checklist with its basis, the marks, the evidence, the
``version``); ``POST /{id}/marks`` saves some entries with the version the phone loaded —
when someone saved in between (the phone was offline) the answer is 409 with the server's
marks and version, so the phone shows what differs and the inspector decides; nothing is
overwritten silently. Photos go up as multipart (``POST /{id}/evidence``; the same photo
sent twice is stored once), signatures as canvas ``data:`` URLs (``/sign``); ``/complete``
turns the findings into hazards and issues the documents. Out of scope is 404 — and so is
an inspection an 执法人员 is not one of the inspectors of —, a role that may not record 403,
bad marks 422 keyed ``entry-<id>``.
"""

from datetime import date, datetime
from uuid import UUID

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from anjian.core.access import api_requires
from anjian.core.api import errors
from anjian.core.exceptions import Conflict
from anjian.core.pagination import paginate
from anjian.enterprises.selectors import enterprise_get
from anjian.inspections import permissions as perms
from anjian.inspections.documents_api import EnforcementDocumentOut
from anjian.inspections.onsite import findings, selectors, services
from anjian.inspections.record_models import (
    EvidenceKind,
    InspectionKind,
    InspectionState,
    MarkResult,
    VisitMethod,
)

router = Router(tags=["现场检查"])


def _listed(choices) -> str:
    return "、".join(f"{value} {label}" for value, label in choices.choices)


# --- schemas -------------------------------------------------------------------------------


class OnsiteInspectionOut(Schema):
    id: int
    number: str = Field(description="检查记录编号（完成后生成）")
    kind: str = Field(description=_listed(InspectionKind))
    state: str = Field(description=_listed(InspectionState))
    enterprise_id: int = Field(description="被检查单位 id")
    enterprise_name: str = Field(alias="enterprise.name")
    department_id: int = Field(description="实施部门 id")
    department_name: str = Field(alias="department.name")
    checklist_id: int
    checklist_name: str = Field(alias="checklist.name")
    task_id: int | None = Field(description="来源抽查任务 id")
    unannounced: bool = Field(description="四不两直")
    started_at: datetime
    finished_at: datetime | None
    version: int = Field(description="保存、签名、完成时原样带回，用于并发冲突检测")


class ChecklistEntryOut(Schema):
    id: int
    position: int
    text: str = Field(description="检查内容")
    basis: str = Field(description="检查依据")
    finding: str = Field(description="不符合时的问题表述")
    major: bool = Field(description="不符合即构成重大事故隐患")


class InspectionMarkOut(Schema):
    entry_id: int
    result: str = Field(description=_listed(MarkResult))
    note: str = Field(description="情况说明（不符合时为存在的问题）")
    place: str = Field(description="问题部位")
    deadline: date | None = Field(description="责令整改期限")
    hazard: int | None = Field(description="完成检查后登记的隐患 id")


class InspectionEvidenceOut(Schema):
    id: int
    kind: str = Field(description=_listed(EvidenceKind))
    entry_id: int | None = Field(description="所属检查项 id")
    sha256: str = Field(description="文件 SHA-256（同一文件只保存一次）")
    url: str = Field(description="下载地址（需登录）")


class OnsiteUnitOut(Schema):
    id: int
    name: str


class OnsiteChecklistOut(Schema):
    id: int
    name: str


class OnsiteInspectorOut(Schema):
    id: int
    name: str
    certificate: str = Field(description="执法证号")


class OnsiteSignedOut(Schema):
    enterprise: bool = Field(description="被检查单位现场负责人已签名")
    inspector: bool = Field(description="检查人员已签名")


class OnsiteBundleOut(Schema):
    """Everything the phone's form needs, also offline (cached by its service worker)."""

    id: int
    version: int = Field(description="保存检查结果时作为 expected_version 带回")
    state: str = Field(description=_listed(InspectionState))
    state_label: str
    number: str
    kind: str
    kind_label: str
    enterprise: OnsiteUnitOut
    department: str
    checklist: OnsiteChecklistOut
    unannounced: bool
    started_at: datetime
    place: str
    summary: str
    enterprise_signer: str
    signed: OnsiteSignedOut
    inspectors: list[OnsiteInspectorOut]
    entries: list[ChecklistEntryOut] = Field(description="检查表的检查项（含依据）")
    marks: list[InspectionMarkOut] = Field(description="已登记的检查结果")
    evidence: list[InspectionEvidenceOut] = Field(description="已上传的照片等材料")
    available: list[str] = Field(description="调用者现在可以执行的操作：complete、void")


class OnsiteStartIn(Schema):
    enterprise_id: int = Field(description="被检查单位 id（须在管辖范围内）")
    checklist_id: int = Field(description="检查表 id（须适用于该单位的行业）")
    inspector_ids: list[int] = Field(
        description="检查人员（执法检查人员名录库 id），至少两名；执法人员本人须在其中"
    )
    kind: str = Field(InspectionKind.SPECIAL, description=_listed(InspectionKind))
    department_id: int | None = Field(None, description="实施部门 id；省略为调用者所在部门")
    unannounced: bool = Field(False, description="四不两直")
    place: str = Field("", description="检查场所；省略为单位地址")
    latitude: float | None = Field(None, description="开始检查时手机的位置")
    longitude: float | None = None
    client_token: UUID | None = Field(
        None, description="客户端生成的标识：同一标识重复提交返回同一次检查（离线后补传）"
    )


class FromTaskIn(Schema):
    task_id: int = Field(description="抽中调用者的检查任务 id")
    checklist_id: int | None = Field(None, description="检查表 id；省略为适用于该单位的第一张")
    latitude: float | None = None
    longitude: float | None = None


class InspectionMarkIn(Schema):
    entry_id: int
    result: str = Field(description=_listed(MarkResult))
    note: str = ""
    place: str = ""
    deadline: str | None = Field(None, description="责令整改期限 YYYY-MM-DD（不符合时）")


class MarksIn(Schema):
    expected_version: int = Field(description="读取（或上次保存）时的 version")
    marks: list[InspectionMarkIn]


class MarksConflictOut(Schema):
    """409: someone saved first — the server's marks and version, to compare and decide."""

    detail: str
    state: str | None = Field(None, description="检查当前的状态")
    state_label: str | None = None
    version: int = Field(description="服务器上的当前 version：保留本机结果时以此重新提交")
    marks: list[InspectionMarkOut] = Field(description="服务器上的当前检查结果")


class OnsiteSignIn(Schema):
    expected_version: int
    enterprise_signer: str = Field(description="被检查单位现场负责人姓名")
    enterprise_signature: str | None = Field(
        None, description="被检查单位现场负责人签名：data:image/png;base64,…"
    )
    inspector_signature: str | None = Field(
        None, description="检查人员签名：data:image/png;base64,…"
    )


class OnsiteCompleteIn(Schema):
    expected_version: int
    summary: str = Field("", description="检查情况")
    latitude: float | None = None
    longitude: float | None = None


class OnsiteVoidIn(Schema):
    expected_version: int
    reason: str = Field(description="作废原因（必填）")


class OnsiteVisitOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str = Field(alias="enterprise.name")
    by_id: int = Field(description="登记人 id")
    by_name: str = Field(alias="by.name")
    at: datetime = Field(description="到达时间")
    method: str = Field(description=_listed(VisitMethod))
    latitude: float | None
    longitude: float | None
    inspection_id: int | None = Field(description="当时进行中的检查 id")


class OnsiteVisitIn(Schema):
    enterprise_id: int
    method: str = Field(VisitMethod.MANUAL, description=_listed(VisitMethod))
    latitude: float | None = None
    longitude: float | None = None


class UnitChecklistOut(Schema):
    id: int
    key: str
    name: str
    entries: int = Field(description="启用的检查项数")

    @staticmethod
    def resolve_entries(obj) -> int:
        return obj.entries.filter(is_active=True).count()


class OnsiteFilters(Schema):
    state: str = Field("", description=_listed(InspectionState))
    enterprise_id: int | None = Field(None, description="被检查单位 id")


# --- helpers -------------------------------------------------------------------------------


def _signature(text: str | None, field: str) -> bytes | None:
    return services.decode_data_url(text, field=field) if text else None


def _position(value) -> float | None:
    return None if value is None else round(value, 6)


# --- inspections ---------------------------------------------------------------------------


@router.get(
    "/",
    response=list[OnsiteInspectionOut],
    summary="现场检查列表（分页）",
    url_name="onsite_inspections",
)
@api_requires(perms.INSPECTION_VIEW)
@paginate(page_size=50)
def list_inspections(request: HttpRequest, filters: Query[OnsiteFilters]):
    if filters.state and filters.state not in InspectionState.values:
        raise HttpError(422, "未知的状态：" + "、".join(InspectionState.values))
    return selectors.inspections(
        request.user, state=filters.state, enterprise_id=filters.enterprise_id
    )


@router.get(
    "/{int:inspection_id}",
    response={200: OnsiteBundleOut, **errors(404)},
    summary="现场检查（手机表单所需的全部内容）",
    url_name="onsite_inspection",
)
@api_requires(perms.INSPECTION_VIEW)
def get_inspection(request: HttpRequest, inspection_id: int):
    return selectors.bundle(request.user, inspection_id)


@router.post(
    "/",
    response={201: OnsiteBundleOut, **errors(404, 422)},
    summary="开始检查（专项检查、举报核查、整改复查等）",
    description="被检查单位须在管辖范围内（否则 404）；检查表不适用于该单位的行业时 422。",
)
@api_requires(perms.INSPECTION_RECORD)
def start_inspection(request: HttpRequest, payload: OnsiteStartIn):
    started = services.inspection_start(
        request.user,
        enterprise_id=payload.enterprise_id,
        checklist_id=payload.checklist_id,
        inspector_ids=payload.inspector_ids,
        kind=payload.kind,
        department_id=payload.department_id,
        unannounced=payload.unannounced,
        place=payload.place,
        latitude=_position(payload.latitude),
        longitude=_position(payload.longitude),
        client_token=payload.client_token,
    )
    return Status(201, selectors.bundle(request.user, started.pk))


@router.post(
    "/from-task",
    response={200: OnsiteBundleOut, 201: OnsiteBundleOut, **errors(404, 422)},
    summary="按抽查任务开始检查（已开始的返回原检查，200）",
)
@api_requires(perms.INSPECTION_RECORD)
def start_from_task(request: HttpRequest, payload: FromTaskIn):
    existed = selectors.inspections(request.user).filter(task_id=payload.task_id).first()
    started = services.inspection_from_task(
        request.user,
        task_id=payload.task_id,
        checklist_id=payload.checklist_id,
        latitude=_position(payload.latitude),
        longitude=_position(payload.longitude),
    )
    return Status(200 if existed else 201, selectors.bundle(request.user, started.pk))


@router.post(
    "/{int:inspection_id}/marks",
    response={200: OnsiteBundleOut, 409: MarksConflictOut, **errors(403, 404, 422)},
    summary="保存检查结果（带 expected_version）",
    description=(
        "只需提交本次登记或修改的检查项。他人在此期间已保存（如手机离线时）返回 409，"
        "附服务器上的检查结果和 version：核对后以新 version 重新提交（保留本机）"
        "或采用服务器的结果。错误按检查项返回：entry-<id>。"
    ),
)
@api_requires(perms.INSPECTION_RECORD)
def save_marks(request: HttpRequest, inspection_id: int, payload: MarksIn):
    try:
        services.inspection_mark(
            request.user,
            inspection_id=inspection_id,
            expected_version=payload.expected_version,
            marks=[mark.dict() for mark in payload.marks],
        )
    except Conflict as error:
        current = selectors.bundle(request.user, inspection_id)
        return Status(
            409,
            {
                "detail": str(error),
                "state": current["state"],
                "state_label": current["state_label"],
                "version": current["version"],
                "marks": current["marks"],
            },
        )
    return selectors.bundle(request.user, inspection_id)


@router.post(
    "/{int:inspection_id}/evidence",
    response={201: list[InspectionEvidenceOut], **errors(403, 404, 409, 422)},
    summary="上传照片、录音或录像（multipart）",
    description="同一文件重复上传只保存一次（返回已保存的记录）。照片须先登记所属检查项的结果。",
)
@api_requires(perms.INSPECTION_RECORD)
def upload_evidence(
    request: HttpRequest,
    inspection_id: int,
    files: File[list[UploadedFile]],
    entry_id: Form[int | None] = None,
    kind: Form[str] = EvidenceKind.PHOTO,
    latitude: Form[float | None] = None,
    longitude: Form[float | None] = None,
):
    stored = services.evidence_add(
        request.user,
        inspection_id=inspection_id,
        files=files,
        entry_id=entry_id,
        kind=kind,
        latitude=_position(latitude),
        longitude=_position(longitude),
    )
    return Status(
        201,
        [
            {
                "id": item.pk,
                "kind": item.kind,
                "entry_id": item.mark.entry_id if item.mark_id else None,
                "sha256": item.sha256,
                "url": reverse("inspections:inspection_evidence", args=[inspection_id, item.pk]),
            }
            for item in stored
        ],
    )


@router.post(
    "/{int:inspection_id}/sign",
    response={200: OnsiteBundleOut, **errors(403, 404, 409, 422)},
    summary="现场签名（被检查单位现场负责人、检查人员）",
)
@api_requires(perms.INSPECTION_RECORD)
def sign(request: HttpRequest, inspection_id: int, payload: OnsiteSignIn):
    services.inspection_sign(
        request.user,
        inspection_id=inspection_id,
        expected_version=payload.expected_version,
        enterprise_signer=payload.enterprise_signer,
        enterprise_signature=_signature(payload.enterprise_signature, "enterprise_signature"),
        inspector_signature=_signature(payload.inspector_signature, "inspector_signature"),
    )
    return selectors.bundle(request.user, inspection_id)


@router.post(
    "/{int:inspection_id}/complete",
    response={200: OnsiteBundleOut, **errors(403, 404, 409, 422)},
    summary="完成检查（不符合项登记为隐患，制作文书）",
    description=(
        "每个检查项都须登记；不符合项须有问题说明、部位、整改期限和至少一张照片；"
        "须有被检查单位现场负责人和检查人员签名。"
    ),
)
@api_requires(perms.INSPECTION_RECORD)
def complete(request: HttpRequest, inspection_id: int, payload: OnsiteCompleteIn):
    findings.inspection_complete(
        request.user,
        inspection_id=inspection_id,
        expected_version=payload.expected_version,
        summary=payload.summary,
        latitude=_position(payload.latitude),
        longitude=_position(payload.longitude),
    )
    return selectors.bundle(request.user, inspection_id)


@router.post(
    "/{int:inspection_id}/void",
    response={200: OnsiteBundleOut, **errors(403, 404, 409, 422)},
    summary="作废检查（须写明原因）",
)
@api_requires(perms.INSPECTION_RECORD)
def void(request: HttpRequest, inspection_id: int, payload: OnsiteVoidIn):
    services.inspection_void(
        request.user,
        inspection_id=inspection_id,
        expected_version=payload.expected_version,
        reason=payload.reason,
    )
    return selectors.bundle(request.user, inspection_id)


class ReinspectRowIn(Schema):
    entry_id: int = Field(description="不符合项（检查项 id）")
    rectified: bool = Field(description="是否已整改")
    note: str = Field("", max_length=500, description="复查情况")


class ReinspectIn(Schema):
    results: list[ReinspectRowIn] = Field(description="每个不符合项一条")
    opinion: str = Field("", max_length=1000, description="复查意见；留空按结果生成")
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)


@router.post(
    "/{int:inspection_id}/reinspect",
    response={201: EnforcementDocumentOut, **errors(403, 404, 409, 422)},
    summary="整改复查（制作整改复查意见书）",
    description="对已完成检查的每个不符合项登记是否已整改，生成引用责令限期整改指令书的整改复查意见书。",
)
@api_requires(perms.INSPECTION_RECORD)
def reinspect(request: HttpRequest, inspection_id: int, payload: ReinspectIn):
    document = findings.reinspect(
        request.user,
        inspection_id=inspection_id,
        results=[row.dict() for row in payload.results],
        opinion=payload.opinion,
        latitude=_position(payload.latitude),
        longitude=_position(payload.longitude),
    )
    return Status(201, document)


# --- visits and checklists -----------------------------------------------------------------


@router.get("/visits/", response=list[OnsiteVisitOut], summary="到达登记（分页）")
@api_requires(perms.INSPECTION_VIEW)
@paginate(page_size=50)
def list_visits(request: HttpRequest):
    return selectors.visits(request.user)


@router.post(
    "/visits/",
    response={201: OnsiteVisitOut, **errors(404, 422)},
    summary="到达登记（扫码或手工）",
)
@api_requires(perms.INSPECTION_RECORD)
def record_visit(request: HttpRequest, payload: OnsiteVisitIn):
    visit = services.visit_record(
        request.user,
        enterprise_id=payload.enterprise_id,
        method=payload.method,
        latitude=_position(payload.latitude),
        longitude=_position(payload.longitude),
    )
    return Status(201, selectors.visits(request.user).get(pk=visit.pk))


@router.get(
    "/units/{int:unit_id}/checklists",
    response={200: list[UnitChecklistOut], **errors(404)},
    summary="适用于某单位的检查表",
)
@api_requires(perms.INSPECTION_VIEW)
def unit_checklists(request: HttpRequest, unit_id: int):
    return list(selectors.checklists_for(enterprise_get(request.user, unit_id)))
