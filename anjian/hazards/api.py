"""/api/v1/hazards — the ledger for integrations: the pages' validation, scope and lifecycle.

Transitions are ``POST /api/v1/hazards/{id}/<verb>`` with the ``version`` read earlier
(409 when someone was first). Photos are sent as multipart to ``/{id}/photos``; a
transition that needs a photo (submit, close-on-spot) uses the photos already attached.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from anjian.core.access import api_requires
from anjian.core.api import FormInvalid, errors
from anjian.core.exceptions import ValidationError
from anjian.core.pagination import paginate
from anjian.enterprises.models import Enterprise, PublicPlace
from anjian.hazards import permissions as perms
from anjian.hazards import selectors, services
from anjian.hazards.choices import Grade, PhotoStage
from anjian.hazards.figures_page import _month
from anjian.hazards.forms import SystemMeasureForm
from anjian.hazards.models import Hazard, MeasureState
from anjian.hazards.schemas import (
    AcceptIn,
    DecisionIn,
    DuplicateOut,
    ExtensionIn,
    ExtensionOut,
    FiguresOut,
    HazardCorrectionIn,
    HazardDetailOut,
    HazardEventOut,
    HazardFilters,
    HazardNoteIn,
    HazardOut,
    HazardReasonIn,
    HazardVersionIn,
    ListingIn,
    ListingOut,
    PhotoOut,
    RegisterIn,
    ReportIn,
    RevisitIn,
    RevisitOut,
    SignOffIn,
    SubmitIn,
    SystemMeasureIn,
    SystemMeasureOut,
    SystemMeasureUpdateIn,
)
from anjian.regions.selectors import industries_for

router = Router(tags=["隐患排查治理"])


def _hazard(request, hazard_id: int) -> Hazard:
    return selectors.hazard_get(request.user, hazard_id)


@router.get("/", response=list[HazardOut], summary="隐患列表（按筛选条件，分页）")
@api_requires(perms.HAZARD_VIEW)
@paginate(page_size=50)
def list_hazards(request: HttpRequest, filters: Query[HazardFilters]):
    filterset = selectors.hazard_filter(request.user, request.GET)
    if filterset.is_bound and not filterset.form.is_valid():
        raise FormInvalid(filterset.form, location="query")
    return filterset.qs


@router.get("/figures", response={200: FiguresOut, **errors(422)}, summary="动态清零统计")
@api_requires(perms.HAZARD_VIEW)
def figures(
    request: HttpRequest,
    region: str = "",
    industry: str = "",
    month_from: str = "",
    month_to: str = "",
    owner: str = Query(
        "", description="责任主体：enterprise 生产经营单位 / place 公共区域；空=全部"
    ),
):
    industry_id = None
    if industry:
        found = industries_for(request.user).filter(code=industry).first()
        if found is None:
            raise HttpError(422, "未知的监管行业代码")
        industry_id = found.pk
    if region and not region.isdigit():
        raise HttpError(422, "区划代码应为数字")
    if owner not in ("", "enterprise", "place"):
        raise HttpError(422, "责任主体应为 enterprise 或 place")
    bad = [m for m in (month_from, month_to) if m and _month(m) is None]
    if bad:
        raise HttpError(422, "月份格式应为 YYYY-MM")
    result = selectors.clearing_figures(
        request.user,
        selectors.FigureFilters(
            region=region,
            industry_id=industry_id,
            owner=owner,
            month_from=_month(month_from) if month_from else None,
            month_to=_month(month_to) if month_to else None,
        ),
    )
    return {
        **{name: getattr(result, name) for name in FiguresOut.model_fields if name != "by_source"},
        "by_source": {key: {"found": f, "closed": c} for key, _l, f, c in result.by_source},
    }


@router.get("/{int:hazard_id}", response={200: HazardDetailOut, **errors(404)}, summary="隐患详情")
@api_requires(perms.HAZARD_VIEW)
def get_hazard(request: HttpRequest, hazard_id: int):
    return _hazard(request, hazard_id)


@router.post(
    "/",
    response={201: HazardDetailOut, 200: HazardDetailOut, **errors(404, 422)},
    summary="登记隐患",
    description="隐患属于一个单位（enterprise_id）或一个公共区域（place_id），二者填一。"
    "带 report_key 时，同一键的重复提交只登记一次：返回第一次登记的隐患，状态码 200。",
)
@api_requires(perms.HAZARD_REPORT)
def report_hazard(request: HttpRequest, payload: ReportIn):
    user = request.user
    if (payload.enterprise_id is None) == (payload.place_id is None):
        raise ValidationError({"enterprise_id": _("请填写 enterprise_id 或 place_id 之一")})
    if payload.enterprise_id is not None:
        owner = {"enterprise": Enterprise.objects.for_user(user).filter(pk=payload.enterprise_id)}
    else:
        owner = {"place": PublicPlace.objects.for_user(user).in_use().filter(pk=payload.place_id)}
    owner = {name: rows.first() for name, rows in owner.items()}
    if None in owner.values():
        raise HttpError(404, "未找到")
    repeated = (
        payload.report_key is not None
        and Hazard.objects.filter(reported_by=user, report_token=payload.report_key).exists()
    )
    hazard = services.hazard_report(
        by=user,
        **owner,
        report_token=payload.report_key,
        source=payload.source,
        title=payload.title,
        description=payload.description,
        location=payload.location,
        category=payload.category,
        found_at=payload.found_at,
        clauses=payload.clause_ids,
        latitude=payload.latitude,
        longitude=payload.longitude,
    )
    return Status(200 if repeated else 201, _hazard(request, hazard.pk))


@router.post(
    "/{int:hazard_id}/photos",
    response={201: list[PhotoOut], **errors(403, 404, 409, 422)},
    summary="上传隐患照片（multipart）",
    description=(
        "found 发现时照片由发现方上传；acceptance 验收照片只能由有权验收该隐患的一方上传"
        "（否则 403）。"
    ),
)
@api_requires(perms.HAZARD_REPORT, perms.HAZARD_RECTIFY)
def upload_photos(
    request: HttpRequest,
    hazard_id: int,
    stage: Form[str],
    photos: File[list[UploadedFile]],
):
    _hazard(request, hazard_id)
    if stage not in PhotoStage.values:
        raise HttpError(422, "环节应为 " + "/".join(PhotoStage.values))
    stored = services.hazard_add_photos(
        by=request.user, hazard_id=hazard_id, stage=stage, photos=photos
    )
    return Status(201, stored)


def _transition(request, hazard_id: int, call):
    _hazard(request, hazard_id)
    hazard = call()
    return _hazard(request, hazard.pk)


TRANSITION_RESPONSES = {200: HazardDetailOut, **errors(403, 404, 409, 422)}


@router.post("/{int:hazard_id}/register", response=TRANSITION_RESPONSES, summary="上账")
@api_requires(perms.HAZARD_RECTIFY)
def register(request: HttpRequest, hazard_id: int, payload: RegisterIn):
    return _transition(
        request,
        hazard_id,
        lambda: services.hazard_register(
            by=request.user,
            hazard_id=hazard_id,
            expected_version=payload.version,
            grade=payload.grade if payload.grade in Grade.values else "",
            deadline=payload.deadline,
            owner_name=payload.owner_name,
            owner_phone=payload.owner_phone,
            measures=payload.measures,
            clauses=payload.clause_ids,
            funds=payload.funds,
            contingency_plan=payload.contingency_plan,
            interim_measures=payload.interim_measures,
        ),
    )


@router.post("/{int:hazard_id}/start", response=TRANSITION_RESPONSES, summary="开始整改")
@api_requires(perms.HAZARD_RECTIFY)
def start(request: HttpRequest, hazard_id: int, payload: HazardVersionIn):
    return _transition(
        request,
        hazard_id,
        lambda: services.hazard_start(
            by=request.user, hazard_id=hazard_id, expected_version=payload.version
        ),
    )


@router.post(
    "/{int:hazard_id}/submit",
    response=TRANSITION_RESPONSES,
    summary="提请验收",
    description="须先通过 /photos 上传 stage=after 的整改后照片。",
)
@api_requires(perms.HAZARD_RECTIFY)
def submit(request: HttpRequest, hazard_id: int, payload: SubmitIn):
    return _transition(
        request,
        hazard_id,
        lambda: services.hazard_submit(
            by=request.user,
            hazard_id=hazard_id,
            expected_version=payload.version,
            rectification_note=payload.rectification_note,
        ),
    )


@router.post("/{int:hazard_id}/accept", response=TRANSITION_RESPONSES, summary="验收销号")
@api_requires(perms.HAZARD_RECTIFY)
def accept(request: HttpRequest, hazard_id: int, payload: AcceptIn):
    return _transition(
        request,
        hazard_id,
        lambda: services.hazard_accept(
            by=request.user,
            hazard_id=hazard_id,
            expected_version=payload.version,
            acceptance_note=payload.acceptance_note,
        ),
    )


@router.post("/{int:hazard_id}/reject", response=TRANSITION_RESPONSES, summary="验收不通过")
@api_requires(perms.HAZARD_RECTIFY)
def reject(request: HttpRequest, hazard_id: int, payload: HazardReasonIn):
    return _transition(
        request,
        hazard_id,
        lambda: services.hazard_reject(
            by=request.user,
            hazard_id=hazard_id,
            expected_version=payload.version,
            reason=payload.reason,
        ),
    )


@router.post(
    "/{int:hazard_id}/close-on-spot",
    response=TRANSITION_RESPONSES,
    summary="即查即改销号",
    description="须先上传 stage=before（或登记时的 found）与 stage=after 照片。",
)
@api_requires(perms.HAZARD_REPORT)
def close_on_spot(request: HttpRequest, hazard_id: int, payload: SubmitIn):
    return _transition(
        request,
        hazard_id,
        lambda: services.hazard_close_on_spot(
            by=request.user,
            hazard_id=hazard_id,
            expected_version=payload.version,
            rectification_note=payload.rectification_note,
        ),
    )


@router.post("/{int:hazard_id}/void", response=TRANSITION_RESPONSES, summary="作废")
@api_requires(perms.HAZARD_SUPERVISE)
def void(request: HttpRequest, hazard_id: int, payload: HazardReasonIn):
    return _transition(
        request,
        hazard_id,
        lambda: services.hazard_void(
            by=request.user,
            hazard_id=hazard_id,
            expected_version=payload.version,
            reason=payload.reason,
        ),
    )


@router.post(
    "/{int:hazard_id}/extensions",
    response={201: ExtensionOut, **errors(403, 404, 409, 422)},
    summary="申请延期",
)
@api_requires(perms.HAZARD_RECTIFY)
def request_extension(request: HttpRequest, hazard_id: int, payload: ExtensionIn):
    _hazard(request, hazard_id)
    extension = services.extension_request(
        by=request.user,
        hazard_id=hazard_id,
        requested_deadline=payload.requested_deadline,
        reason=payload.reason,
    )
    return Status(201, extension)


@router.post(
    "/{int:hazard_id}/extensions/{int:extension_id}/decide",
    response={200: ExtensionOut, **errors(403, 404, 409, 422)},
    summary="审批延期",
)
@api_requires(perms.HAZARD_SUPERVISE)
def decide_extension(request: HttpRequest, hazard_id: int, extension_id: int, payload: DecisionIn):
    hazard = _hazard(request, hazard_id)
    if not hazard.extensions.filter(pk=extension_id).exists():
        raise HttpError(404, "未找到")
    return services.extension_decide(
        by=request.user,
        extension_id=extension_id,
        approve=payload.approve,
        reason=payload.reason,
    )


@router.post(
    "/{int:hazard_id}/listings",
    response={201: ListingOut, **errors(403, 404, 409, 422)},
    summary="挂牌督办",
)
@api_requires(perms.HAZARD_LIST)
def create_listing(request: HttpRequest, hazard_id: int, payload: ListingIn):
    _hazard(request, hazard_id)
    listing = services.listing_create(by=request.user, hazard_id=hazard_id, **payload.dict())
    return Status(201, listing)


@router.get(
    "/{int:hazard_id}/timeline",
    response={200: list[HazardEventOut], **errors(404)},
    summary="处理记录（时间线）",
)
@api_requires(perms.HAZARD_VIEW)
def timeline(request: HttpRequest, hazard_id: int):
    return list(_hazard(request, hazard_id).transitions.select_related("by"))


@router.patch(
    "/{int:hazard_id}",
    response={200: HazardDetailOut, **errors(403, 404, 409, 422)},
    summary="更正登记信息（只由发现方）",
    description=(
        "只提交要更正的字段。监管部门发现的隐患由监管部门更正，企业自行发现的由企业更正；"
        "另一方 403，可改用 /notes 补充说明。处理记录保留每个字段的原值和新值（data.changes）。"
    ),
)
@api_requires(perms.HAZARD_REPORT, perms.HAZARD_RECTIFY)
def correct_hazard(request: HttpRequest, hazard_id: int, payload: HazardCorrectionIn):
    changes = payload.dict(exclude_unset=True, exclude={"version", "clause_ids"})
    return _transition(
        request,
        hazard_id,
        lambda: services.hazard_update_details(
            by=request.user,
            hazard_id=hazard_id,
            expected_version=payload.version,
            data={name: value or "" for name, value in changes.items()},
            clauses=payload.clause_ids,
        ),
    )


@router.post(
    "/{int:hazard_id}/notes",
    response={201: HazardEventOut, **errors(403, 404, 409, 422)},
    summary="补充说明",
)
@api_requires(perms.HAZARD_REPORT, perms.HAZARD_RECTIFY)
def add_note(request: HttpRequest, hazard_id: int, payload: HazardNoteIn):
    _hazard(request, hazard_id)
    entry = services.hazard_add_note(by=request.user, hazard_id=hazard_id, note=payload.note)
    return Status(201, entry)


@router.get(
    "/{int:hazard_id}/extensions",
    response={200: list[ExtensionOut], **errors(404)},
    summary="延期申请及审批",
)
@api_requires(perms.HAZARD_VIEW)
def list_extensions(request: HttpRequest, hazard_id: int):
    return list(_hazard(request, hazard_id).extensions.all())


@router.get(
    "/{int:hazard_id}/listings",
    response={200: list[ListingOut], **errors(404)},
    summary="挂牌督办记录",
)
@api_requires(perms.HAZARD_VIEW)
def list_listings(request: HttpRequest, hazard_id: int):
    return list(_hazard(request, hazard_id).listings.all())


@router.post(
    "/{int:hazard_id}/listings/{int:listing_id}/sign-off",
    response={200: ListingOut, **errors(403, 404, 409, 422)},
    summary="摘牌（隐患销号后）",
)
@api_requires(perms.HAZARD_LIST)
def sign_off_listing(request: HttpRequest, hazard_id: int, listing_id: int, payload: SignOffIn):
    hazard = _hazard(request, hazard_id)
    if not hazard.listings.filter(pk=listing_id).exists():
        raise HttpError(404, "未找到")
    return services.listing_sign_off(by=request.user, listing_id=listing_id, note=payload.note)


@router.get(
    "/{int:hazard_id}/revisits", response={200: list[RevisitOut], **errors(404)}, summary="回头看"
)
@api_requires(perms.HAZARD_VIEW)
def list_revisits(request: HttpRequest, hazard_id: int):
    return list(_hazard(request, hazard_id).revisits.all())


@router.post(
    "/{int:hazard_id}/revisits/{int:revisit_id}/complete",
    response={200: RevisitOut, **errors(403, 404, 409, 422)},
    summary="记录回头看（反弹时自动登记新隐患）",
)
@api_requires(perms.HAZARD_LIST)
def complete_revisit(request: HttpRequest, hazard_id: int, revisit_id: int, payload: RevisitIn):
    hazard = _hazard(request, hazard_id)
    if not hazard.revisits.filter(pk=revisit_id).exists():
        raise HttpError(404, "未找到")
    return services.revisit_complete(
        by=request.user, revisit_id=revisit_id, result=payload.result, note=payload.note
    )


@router.get(
    "/{int:hazard_id}/duplicates",
    response={200: list[DuplicateOut], **errors(404)},
    summary="疑似重复",
)
@api_requires(perms.HAZARD_VIEW)
def list_duplicates(request: HttpRequest, hazard_id: int):
    return list(_hazard(request, hazard_id).duplicate_flags.all())


@router.post(
    "/{int:hazard_id}/merge-into/{int:other_id}",
    response={200: HazardDetailOut, **errors(403, 404, 409, 422)},
    summary="把本隐患作为重复记录合并到另一条隐患",
)
@api_requires(perms.HAZARD_SUPERVISE)
def merge(request: HttpRequest, hazard_id: int, other_id: int):
    _hazard(request, hazard_id)
    _hazard(request, other_id)
    kept = services.hazard_merge(by=request.user, duplicate_id=hazard_id, into_id=other_id)
    return _hazard(request, kept.pk)


# --- 制度措施清单 -------------------------------------------------------------------------------


def _measure_form(request, payload: SystemMeasureIn, instance=None):

    data = payload.dict(exclude={"hazard_ids", "version"})
    data["industry"] = data["industry"] or ""
    data["deadline"] = data["deadline"].isoformat()
    form = SystemMeasureForm(data, instance=instance, user=request.user)
    if not form.is_valid():
        raise FormInvalid(form)
    unknown = set(payload.hazard_ids) - set(
        Hazard.objects.for_user(request.user)
        .filter(pk__in=payload.hazard_ids)
        .values_list("pk", flat=True)
    )
    if unknown:
        raise HttpError(422, f"未找到关联隐患：{', '.join(map(str, sorted(unknown)))}")
    return form


@router.get("/measures", response=list[SystemMeasureOut], summary="制度措施清单（分页）")
@api_requires(perms.HAZARD_VIEW)
@paginate(page_size=50)
def list_measures(request: HttpRequest, state: str = ""):
    measures = selectors.measure_queryset(request.user)
    if state:
        if state not in MeasureState.values:
            raise HttpError(422, "未知的状态：" + "、".join(MeasureState.values))
        measures = measures.filter(state=state)
    return measures


@router.post(
    "/measures",
    response={201: SystemMeasureOut, **errors(403, 422)},
    summary="登记制度措施",
)
@api_requires(perms.HAZARD_SUPERVISE)
def create_measure(request: HttpRequest, payload: SystemMeasureIn):
    form = _measure_form(request, payload)
    measure = services.measure_create(
        by=request.user, data=form.cleaned_data, hazards=payload.hazard_ids
    )
    return Status(201, selectors.measure_queryset(request.user).get(pk=measure.pk))


@router.put(
    "/measures/{int:measure_id}",
    response={200: SystemMeasureOut, **errors(403, 404, 409, 422)},
    summary="修改制度措施（带 version；落实情况、状态等）",
)
@api_requires(perms.HAZARD_SUPERVISE)
def update_measure(request: HttpRequest, measure_id: int, payload: SystemMeasureUpdateIn):
    measure = selectors.measure_get(request.user, measure_id)
    form = _measure_form(request, payload, instance=measure)
    services.measure_update(
        by=request.user,
        measure_id=measure_id,
        data=form.cleaned_data,
        expected_version=payload.version,
        hazards=payload.hazard_ids,
    )
    return selectors.measure_queryset(request.user).get(pk=measure_id)
