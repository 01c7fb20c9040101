"""/api/v1/specialwork — 特殊作业票 (GB 30871-2022): permits listed with the list page's
filters, a permit with why it has its grade, what it still needs, its gas analyses and
approvals; applying and changing a draft, recording an analysis or an approval, and each
transition as a verb under the permit (``POST …/permits/{id}/start``); the figures by kind
and grade.

Built as the hazchem API is: lists are filtered and paginated by the pages' query function
(``filters.permits``); a permit is read through the caller's scope (404 outside it); every
write is a service call — a refusal is 422 on the field the body sent, a stale ``version``
or a gate that does not hold (no passing analysis within 30 minutes, a missing approval, the
validity passed) 409 with the state it is in, a role without ``permit.issue`` 403 — and
answers the permit as it is now."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.errors import HttpError

from anjian.core.access import api_requires
from anjian.core.api import errors
from anjian.core.pagination import paginate
from anjian.specialwork import filters as permit_filters
from anjian.specialwork import permissions as perms
from anjian.specialwork import selectors, services, services_records
from anjian.specialwork.choices import Grade, Kind
from anjian.specialwork.filters import STATE_CHOICES
from anjian.specialwork.schemas import (
    SpecialworkAnalysisIn,
    SpecialworkAnalysisOut,
    SpecialworkApprovalIn,
    SpecialworkApprovalOut,
    SpecialworkCloseIn,
    SpecialworkFiguresFilters,
    SpecialworkFiguresOut,
    SpecialworkPermitDetailOut,
    SpecialworkPermitFilters,
    SpecialworkPermitIn,
    SpecialworkPermitOut,
    SpecialworkPermitUpdateIn,
    SpecialworkProgressIn,
    SpecialworkReasonIn,
    SpecialworkVersionIn,
    body_data,
    named_fields,
    query_choice,
)

router = Router(tags=["特殊作业票"])
PERMITS = ["特殊作业票"]
CHANGE_ANSWERS = {200: SpecialworkPermitDetailOut, **errors(403, 404, 409, 422)}
STATE_VALUES = [str(value) for value, _label in STATE_CHOICES]


def region_prefix(value) -> None:
    if value and not str(value).isdigit():
        raise HttpError(422, f"street：应为区划代码（数字），而不是“{value}”")


def permit_read(request: HttpRequest, permit_id: int):
    """The permit in the caller's scope, or 404."""
    visible = selectors.permits(request.user).select_related("enterprise", "applicant")
    return get_object_or_404(visible, pk=permit_id)


@router.get(
    "/permits",
    response={200: list[SpecialworkPermitOut], **errors(422)},
    summary="作业票（分页，计划开始时间新的在前）",
    description="与列表页相同的条件：q、kind、grade、state（含 submitted、open）、"
    "enterprise_id、street、date_from、date_to。",
    tags=PERMITS,
)
@api_requires(perms.SPECIALWORK_VIEW)
@paginate(page_size=50)
def list_permits(request: HttpRequest, filters: Query[SpecialworkPermitFilters]):
    values = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    query_choice("kind", values.get("kind"), Kind.values)
    query_choice("grade", values.get("grade"), Grade.values)
    query_choice("state", values.get("state"), STATE_VALUES)
    region_prefix(values.get("street"))
    if "enterprise_id" in values:
        values["enterprise"] = values.pop("enterprise_id")
    return permit_filters.permits(request.user, **values)


@router.get(
    "/permits/{int:permit_id}",
    response={200: SpecialworkPermitDetailOut, **errors(404)},
    summary="作业票（定级依据、审批环节、开始作业的条件、气体分析、审批意见、可做的操作）",
    tags=PERMITS,
)
@api_requires(perms.SPECIALWORK_VIEW)
def get_permit(request: HttpRequest, permit_id: int):
    return permit_read(request, permit_id)


@router.post(
    "/permits",
    response={201: SpecialworkPermitDetailOut, **errors(403, 404, 422)},
    summary="申请作业票（草稿）",
    description="级别、定级依据和有效期按填写的情况计算；作业时间超过该级别的有效期、"
    "高处不足2米、吊装不足10吨等在对应字段返回 422。企业用户总是本单位。",
    tags=PERMITS,
)
@api_requires(perms.PERMIT_ISSUE)
@named_fields
def create_permit(request: HttpRequest, payload: SpecialworkPermitIn):
    made = services.permit_create(request.user, data=body_data(payload))
    return Status(201, permit_read(request, made.pk))


@router.patch(
    "/permits/{int:permit_id}",
    response=CHANGE_ANSWERS,
    summary="修改草稿（重新定级）",
    description="只修改提交的字段；带读取时的 version。已提交的作业票 409。",
    tags=PERMITS,
)
@api_requires(perms.PERMIT_ISSUE)
@named_fields
def update_permit(request: HttpRequest, permit_id: int, payload: SpecialworkPermitUpdateIn):
    permit_read(request, permit_id)
    services.permit_update(
        request.user,
        permit_id=permit_id,
        expected_version=payload.version,
        data=body_data(payload, unset=True),
    )
    return permit_read(request, permit_id)


# --- analyses and approvals ---------------------------------------------------------------------


@router.get(
    "/permits/{int:permit_id}/analyses",
    response={200: list[SpecialworkAnalysisOut], **errors(404)},
    summary="气体分析（取样时间新的在前）",
    tags=PERMITS,
)
@api_requires(perms.SPECIALWORK_VIEW)
def list_analyses(request: HttpRequest, permit_id: int):
    return list(permit_read(request, permit_id).analyses.order_by("-taken_at", "-id"))


@router.post(
    "/permits/{int:permit_id}/analyses",
    response={201: SpecialworkAnalysisOut, **errors(403, 404, 409, 422)},
    summary="记录气体分析（自动判定合格与否）",
    description="动火须有可燃气体浓度和爆炸下限，受限空间另须氧含量；有毒物质须同时填写"
    "容许浓度。草稿和已结束的作业票 409。不改变版本。",
    tags=PERMITS,
)
@api_requires(perms.PERMIT_ISSUE)
def add_analysis(request: HttpRequest, permit_id: int, payload: SpecialworkAnalysisIn):
    permit_read(request, permit_id)
    made = services_records.analysis_record(
        request.user, permit_id=permit_id, data=body_data(payload)
    )
    return Status(201, made)


@router.get(
    "/permits/{int:permit_id}/approvals",
    response={200: list[SpecialworkApprovalOut], **errors(404)},
    summary="审批意见（含退回时撤回的）",
    tags=PERMITS,
)
@api_requires(perms.SPECIALWORK_VIEW)
def list_approvals(request: HttpRequest, permit_id: int):
    return list(permit_read(request, permit_id).approvals.order_by("at", "id"))


@router.post(
    "/permits/{int:permit_id}/approvals",
    response=CHANGE_ANSWERS,
    summary="记录审批意见（附录B 表B.1 的一个环节）",
    description="带 version；环节齐全且均同意后作业票转为已批准，不同意则退回草稿。"
    "该角色设置了平台账号的，只能由该账号记录（403）。",
    tags=PERMITS,
)
@api_requires(perms.PERMIT_ISSUE)
def add_approval(request: HttpRequest, permit_id: int, payload: SpecialworkApprovalIn):
    permit_read(request, permit_id)
    services_records.approval_record(
        request.user, permit_id=permit_id, expected_version=payload.version, data=body_data(payload)
    )
    return permit_read(request, permit_id)


# --- transitions --------------------------------------------------------------------------------


def _moved(request, permit_id: int, call, **values):
    permit_read(request, permit_id)
    call(request.user, permit_id=permit_id, **values)
    return permit_read(request, permit_id)


@router.post(
    "/permits/{int:permit_id}/submit",
    response=CHANGE_ANSWERS,
    summary="提交审批",
    tags=PERMITS,
)
@api_requires(perms.PERMIT_ISSUE)
def submit_permit(request: HttpRequest, permit_id: int, payload: SpecialworkVersionIn):
    return _moved(request, permit_id, services.permit_submit, expected_version=payload.version)


@router.post(
    "/permits/{int:permit_id}/start",
    response=CHANGE_ANSWERS,
    summary="开始作业",
    description="审批齐全、在有效期内、已到计划开始时间，且（需气体分析的）开始前30分钟内"
    "取样合格；否则 409 并说明原因。",
    tags=PERMITS,
)
@api_requires(perms.PERMIT_ISSUE)
def start_permit(request: HttpRequest, permit_id: int, payload: SpecialworkVersionIn):
    return _moved(request, permit_id, services.permit_start, expected_version=payload.version)


@router.post(
    "/permits/{int:permit_id}/pause",
    response=CHANGE_ANSWERS,
    summary="暂停作业（须填写原因）",
    tags=PERMITS,
)
@api_requires(perms.PERMIT_ISSUE)
def pause_permit(request: HttpRequest, permit_id: int, payload: SpecialworkReasonIn):
    return _moved(
        request,
        permit_id,
        services.permit_pause,
        expected_version=payload.version,
        reason=payload.reason,
    )


@router.post(
    "/permits/{int:permit_id}/resume",
    response=CHANGE_ANSWERS,
    summary="恢复作业",
    description="超过有效期 409；中断超过规定时间（特级、一级动火30分钟，二级动火和受限空间"
    "60分钟）的，须有暂停后、30分钟内取样合格的分析，否则 409。",
    tags=PERMITS,
)
@api_requires(perms.PERMIT_ISSUE)
def resume_permit(request: HttpRequest, permit_id: int, payload: SpecialworkVersionIn):
    return _moved(request, permit_id, services.permit_resume, expected_version=payload.version)


@router.post(
    "/permits/{int:permit_id}/close",
    response=CHANGE_ANSWERS,
    summary="完工关闭",
    tags=PERMITS,
)
@api_requires(perms.PERMIT_ISSUE)
def close_permit(request: HttpRequest, permit_id: int, payload: SpecialworkCloseIn):
    return _moved(
        request,
        permit_id,
        services.permit_close,
        expected_version=payload.version,
        note=payload.note,
    )


@router.post(
    "/permits/{int:permit_id}/cancel",
    response=CHANGE_ANSWERS,
    summary="作废（须填写原因）",
    tags=PERMITS,
)
@api_requires(perms.PERMIT_ISSUE)
def cancel_permit(request: HttpRequest, permit_id: int, payload: SpecialworkReasonIn):
    return _moved(
        request,
        permit_id,
        services.permit_cancel,
        expected_version=payload.version,
        reason=payload.reason,
    )


@router.post(
    "/permits/{int:permit_id}/progress",
    response=CHANGE_ANSWERS,
    summary="作业记录（作业中，有效期内）",
    tags=PERMITS,
)
@api_requires(perms.PERMIT_ISSUE)
def record_progress(request: HttpRequest, permit_id: int, payload: SpecialworkProgressIn):
    return _moved(request, permit_id, services.progress_record, note=payload.note)


# --- figures -------------------------------------------------------------------------------------


def _figure(key: str, label: str, cell) -> dict:
    return {"key": key, "label": label, "count": cell.count, "list_query": cell.filters}


@router.get(
    "/figures",
    response={200: SpecialworkFiguresOut, **errors(422)},
    summary="作业票统计：按类别和级别、按状态（按计划开始日期，不含草稿）",
    description="每个数字带 list_query：以它查询 /permits（或列表页）正好得到所计的作业票。",
    tags=PERMITS,
)
@api_requires(perms.SPECIALWORK_VIEW)
def get_figures(request: HttpRequest, filters: Query[SpecialworkFiguresFilters]):
    region_prefix(filters.street)
    found = selectors.figures(
        request.user,
        date_from=filters.date_from,
        date_to=filters.date_to,
        street=filters.street or None,
    )
    labels = dict(Grade.choices)
    return {
        "date_from": found.date_from,
        "date_to": found.date_to,
        "total": found.total.count,
        "kinds": [
            {
                "kind": row.kind,
                "label": row.label,
                "count": row.total.count,
                "list_query": row.total.filters,
                "grades": [_figure(c.grade, str(labels[c.grade]), c) for c in row.grades],
            }
            for row in found.rows
        ],
        "states": [_figure(cell.filters["state"], label, cell) for label, cell in found.by_state],
    }
