"""/api/v1/penalty-cases — 行政处罚案件 for integrations (the same services as the pages).

``POST /`` files a case (two or more handlers with a valid 执法证; the unit in scope);
``POST /{id}/weigh`` weighs it against the discretion table (``GET /discretion-rules``);
``POST /{id}/transitions/{name}`` takes a step of the lifecycle — ``actions`` in the
detail lists the steps the caller may take now. A case that needs 法制审核 cannot be
notified or decided before a reviewer who took no part in it has passed it (409 with the
reason). 409 also when someone was first (send the ``version`` read) or the state does not
allow the step; 422 with the field errors; 404 out of scope.
"""

from datetime import date
from decimal import Decimal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from anjian.core.access import api_requires
from anjian.core.api import ActionOut, available_actions, errors
from anjian.core.pagination import paginate
from anjian.inspections import permissions as perms
from anjian.inspections.case_models import CaseState
from anjian.inspections.cases import selectors, services
from anjian.inspections.lifecycle import CASE

router = Router(tags=["行政处罚案件"])


class RuleOut(Schema):
    id: int
    code: str = Field(description="违法行为编码，如 AQF-97-4（同一违法行为各档相同）")
    violation: str = Field(description="违法行为")
    violated_basis: str = Field(description="违法依据")
    penalty_basis: str = Field(description="处罚依据")
    circumstance: str = Field(
        description="情节：minor 轻微 / ordinary 一般 / serious 较重 / grave 严重"
    )
    circumstance_label: str
    circumstance_note: str = Field(description="情节描述")
    fine_min: int = Field(description="罚款下限（元）")
    fine_max: int = Field(description="罚款上限（元）")
    other_measures: str = Field(description="其他处罚，如责令停产停业整顿")
    is_active: bool = Field(description="启用；停用的基准不再适用于新的裁量")

    @staticmethod
    def resolve_circumstance_label(obj) -> str:
        return obj.get_circumstance_display()


class CaseOut(Schema):
    id: int
    number: str = Field(description="立案编号（即立案审批表文书编号）")
    department_id: int = Field(description="立案部门 id")
    department_name: str = Field(alias="department.name")
    enterprise_id: int = Field(description="当事人（单位）id")
    enterprise_name: str = Field(alias="enterprise.name")
    inspection_id: int | None = Field(description="来源现场检查 id")
    title: str = Field(description="案由")
    state: str = Field(description="、".join(f"{v} {label}" for v, label in CaseState.choices))
    state_label: str
    filed_on: date
    decide_by: date = Field(description="决定期限（立案之日起 30 日）")
    decided_on: date | None
    rule_id: int | None = Field(description="适用的自由裁量基准 id")
    fine: int | None = Field(description="罚款金额（元）")
    needs_legal_review: bool = Field(description="须法制审核（行政处罚法第五十八条）")
    version: int = Field(description="裁量和办理各环节时原样带回，用于并发冲突检测")

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.get_state_display()


class HandlerOut(Schema):
    id: int = Field(description="执法检查人员 id")
    name: str
    certificate_number: str = Field(description="执法证号")


class CaseDocumentOut(Schema):
    id: int
    kind: str
    kind_label: str
    number: str = Field(description="文书编号")
    sha256: str = Field(description="文件 SHA-256（与执法全过程记录一致）")
    issued_at: str
    url: str = Field(description="下载地址（.docx）")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_issued_at(obj) -> str:
        return obj.issued_at.isoformat()

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class CaseDetailOut(CaseOut):
    facts: str = Field(description="违法事实")
    handlers: list[HandlerOut] = Field(description="承办人")
    rule: RuleOut | None = Field(None, description="适用的自由裁量基准")
    fine_reason: str = Field(description="裁量理由（超出基准时必有）")
    other_measures: str
    legal_review_reason: str = Field(description="须法制审核的情形")
    legal_review_opinion: str
    execution_note: str
    paid_on: date | None
    transferred_to: str = Field(description="移送机关（行刑衔接）")
    documents: list[CaseDocumentOut] = Field(description="已制作的执法文书")
    actions: list[ActionOut] = Field(description="调用者现在可以执行的环节（transitions/{name}）")

    @staticmethod
    def resolve_handlers(obj) -> list:
        return list(obj.handlers.all())

    @staticmethod
    def resolve_documents(obj) -> list:
        return list(selectors.documents_of(obj))

    @staticmethod
    def resolve_actions(obj, context) -> list:
        return available_actions(CASE, obj, context)


class CaseFilters(Schema):
    state: str | None = Field(None, description="状态")
    department: int | None = Field(None, description="立案部门 id")
    enterprise: int | None = Field(None, description="当事人 id")
    needs_review: bool | None = Field(None, description="须法制审核")
    q: str | None = Field(None, description="编号、案由或当事人名称")


class Position(Schema):
    latitude: Decimal | None = Field(None, ge=-90, le=90, description="手机定位纬度")
    longitude: Decimal | None = Field(None, ge=-180, le=180, description="手机定位经度")


class CaseIn(Position):
    enterprise_id: int = Field(description="当事人（单位）id，须在本人管辖范围内")
    title: str = Field(description="案由")
    facts: str = Field(description="违法事实")
    handler_ids: list[int] = Field(description="承办人（执法检查人员 id），至少 2 名，执法证有效")
    inspection_id: int | None = Field(None, description="来源现场检查 id（须已完成）")
    department_id: int | None = Field(None, description="立案部门 id；省略为本人所在部门")


class WeighIn(Position):
    version: int | None = Field(None, description="读取时的 version；省略则不做并发检查")
    rule_id: int = Field(description="自由裁量基准 id（启用中）")
    fine: int = Field(ge=0, description="罚款金额（元）")
    fine_reason: str = Field("", description="裁量理由；金额超出基准范围时必填")
    other_measures: str = Field("", description="其他处罚；留空按所选基准")
    complex_case: bool = Field(False, description="案情复杂（须法制审核）")


class CaseTransitionIn(Position):
    version: int | None = Field(None, description="读取时的 version；省略则不做并发检查")
    reason: str = Field("", description="原因：退回、移送、不予处罚时必填")
    legal_review_opinion: str | None = Field(None, description="法制审核意见（审核通过时必填）")
    execution_note: str | None = Field(None, description="执行情况（登记执行时必填）")
    paid_on: date | None = Field(None, description="缴款日期（登记执行）")
    transferred_to: str | None = Field(None, description="移送机关（移送时必填）")


VALUE_FIELDS = ("legal_review_opinion", "execution_note", "paid_on", "transferred_to")


@router.get("/", response=list[CaseOut], summary="处罚案件列表（分页）")
@api_requires(perms.INSPECTION_VIEW)
@paginate(page_size=50)
def list_cases(request: HttpRequest, filters: Query[CaseFilters]):
    data = filters.dict()
    if data["state"] not in CaseState.values:
        data["state"] = None
    return selectors.cases(request.user, data)


@router.get("/discretion-rules", response=list[RuleOut], summary="自由裁量基准（分页）")
@api_requires(perms.INSPECTION_VIEW)
@paginate(page_size=200)
def list_rules(
    request: HttpRequest,
    code: str = Query("", description="违法行为编码"),
    include_retired: bool = Query(False, description="含已停用的基准"),
):
    return selectors.rules(active_only=not include_retired, code=code)


@router.post("/", response={201: CaseDetailOut, **errors(404, 422)}, summary="立案")
@api_requires(perms.INSPECTION_CASE)
def create_case(request: HttpRequest, payload: CaseIn):
    case = services.case_file(request.user, **payload.dict())
    return Status(201, selectors.case_detail(request.user, case.pk))


@router.get(
    "/{int:case_id}",
    response={200: CaseDetailOut, **errors(404)},
    summary="案件详情（含可执行的环节）",
)
@api_requires(perms.INSPECTION_VIEW)
def get_case(request: HttpRequest, case_id: int):
    return selectors.case_detail(request.user, case_id)


@router.post(
    "/{int:case_id}/weigh",
    response={200: CaseDetailOut, **errors(404, 409, 422)},
    summary="裁量（适用自由裁量基准，确定罚款）",
)
@api_requires(perms.INSPECTION_CASE)
def weigh_case(request: HttpRequest, case_id: int, payload: WeighIn):
    data = payload.dict()
    services.case_weigh(request.user, case_id=case_id, expected_version=data.pop("version"), **data)
    return selectors.case_detail(request.user, case_id)


@router.post(
    "/{int:case_id}/transitions/{name}",
    response={200: CaseDetailOut, **errors(404, 409, 422)},
    summary="办理环节（investigate、submit_review、pass_review、return_review、notify、"
    "decide、execute、close、transfer、drop）",
)
@api_requires(perms.INSPECTION_CASE, perms.INSPECTION_LEGAL_REVIEW)
def transition_case(request: HttpRequest, case_id: int, name: str, payload: CaseTransitionIn):
    transition = CASE.by_name.get(name)
    if transition is None or transition.internal:
        raise Http404
    sent = payload.dict(exclude_unset=True)
    services.case_transition(
        request.user,
        case_id=case_id,
        name=name,
        expected_version=payload.version,
        reason=payload.reason,
        values={k: v for k, v in sent.items() if k in VALUE_FIELDS},
        latitude=payload.latitude,
        longitude=payload.longitude,
    )
    return selectors.case_detail(request.user, case_id)
