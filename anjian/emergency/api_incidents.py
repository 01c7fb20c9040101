"""/api/v1/emergency — incidents (突发事件) and dispatch.

``POST /incidents`` opens one by hand, from an accident (``accident_id``) or from an alarm
(``alarm_id``); the same ``token`` sent again answers 200 with the first record. The
incident runs its lifecycle with ``POST /incidents/{id}/transitions/{name}`` (respond,
close, review, void); the level, plan activation (which creates that level's tasks), the
command log, tasks, dispatch and the after-action review are operations beside it. Each
assignment moves with ``POST /assignments/{id}/transitions/{name}`` (depart, arrive,
release, cancel). ``GET /incidents/{id}/timeline`` replays it all in time order.
"""

from datetime import datetime

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Status
from ninja.errors import HttpError

from anjian.core.access import api_requires
from anjian.core.api import errors
from anjian.core.pagination import paginate
from anjian.emergency import dispatch, selectors_incidents, services_incidents
from anjian.emergency import permissions as perms
from anjian.emergency.api_resources import NEAREST_CHOICES, candidate_out
from anjian.emergency.api_router import Section
from anjian.emergency.choices import (
    IncidentLevel,
    IncidentType,
    LogKind,
    ResourceKind,
    ResponseLevel,
)
from anjian.emergency.models import Assignment, Incident, IncidentState
from anjian.emergency.schemas import check_choices, listable, named_fields, query_choice
from anjian.emergency.schemas_incidents import (
    EmergencyActivateIn,
    EmergencyAfterActionIn,
    EmergencyAssignmentOut,
    EmergencyAssignmentTransitionIn,
    EmergencyCandidatesQuery,
    EmergencyDispatchIn,
    EmergencyIncidentDetailOut,
    EmergencyIncidentFilters,
    EmergencyIncidentIn,
    EmergencyIncidentOut,
    EmergencyIncidentTaskIn,
    EmergencyIncidentTaskOut,
    EmergencyIncidentTransitionIn,
    EmergencyLevelIn,
    EmergencyLogEntryOut,
    EmergencyLogIn,
    EmergencyTaskDoneIn,
    EmergencyTimelineOut,
)
from anjian.emergency.schemas_resources import EmergencyCandidateOut

section = Section("突发事件处置")

DETAIL = {200: EmergencyIncidentDetailOut, **errors(403, 404, 409, 422)}
INCIDENT_TRANSITIONS = ("respond", "close", "review", "void")
ASSIGNMENT_TRANSITIONS = ("depart", "arrive", "release", "cancel")


def _incident(request: HttpRequest, incident_id: int) -> Incident:
    return selectors_incidents.incident_for_read(request.user, incident_id)


# --- reads ---------------------------------------------------------------------------------


@section.get(
    "/incidents",
    response={200: list[EmergencyIncidentOut], **errors(422)},
    summary="突发事件列表（按筛选条件，分页）",
)
@api_requires(perms.EMERGENCY_VIEW)
@paginate(page_size=50)
def list_incidents(request: HttpRequest, filters: Query[EmergencyIncidentFilters]):
    query_choice("state", filters.state, IncidentState)
    query_choice("incident_type", filters.incident_type, IncidentType)
    query_choice("level", filters.level, IncidentLevel)
    values = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    year = values.pop("year", None)
    if year is not None:
        if not 2000 <= year <= 2100:
            raise HttpError(422, "year：年份应在 2000 至 2100 之间")
        values["since"] = timezone.make_aware(datetime(year, 1, 1))
        values["until"] = timezone.make_aware(datetime(year + 1, 1, 1))
    return listable(selectors_incidents.incidents(request.user, **values))


@section.get(
    "/incidents/{int:incident_id}",
    response={200: EmergencyIncidentDetailOut, **errors(404)},
    summary="突发事件详情（预案启动、任务、指挥日志、调派、复盘及可执行的操作）",
)
@api_requires(perms.EMERGENCY_VIEW)
def get_incident(request: HttpRequest, incident_id: int):
    return _incident(request, incident_id)


@section.get(
    "/incidents/{int:incident_id}/timeline",
    response={200: list[EmergencyTimelineOut], **errors(404)},
    summary="事件时间线（状态变化、指挥日志、预案启动、任务、调派，按时间顺序）",
)
@api_requires(perms.EMERGENCY_VIEW)
def incident_timeline(request: HttpRequest, incident_id: int):
    return selectors_incidents.timeline(_incident(request, incident_id))


@section.get(
    "/incidents/{int:incident_id}/candidates",
    response={200: list[EmergencyCandidateOut], **errors(404, 422)},
    summary="从事发地点起最近的可用资源（调派前查看）",
    description="与 /nearest 相同的可用条件，起点为事件的位置。",
)
@api_requires(perms.EMERGENCY_VIEW)
def incident_candidates(
    request: HttpRequest, incident_id: int, query: Query[EmergencyCandidatesQuery]
):
    for field, choices in NEAREST_CHOICES.items():
        query_choice(field, getattr(query, field), choices)
    incident = _incident(request, incident_id)
    criteria = {k: v for k, v in query.dict().items() if v not in (None, "")}
    found = selectors_incidents.candidates(request.user, incident, **criteria)
    return [candidate_out(candidate) for candidate in found]


# --- opening and the lifecycle -------------------------------------------------------------


@section.post(
    "/incidents",
    response={
        201: EmergencyIncidentDetailOut,
        200: EmergencyIncidentDetailOut,
        **errors(404, 409, 422),
    },
    summary="登记突发事件（人工登记，或由事故快报、监测报警转入）",
    description=(
        "发生地、涉事单位、事故或报警不在管辖范围内返回 404；已据此事故或报警登记过事件"
        "（未作废）返回 409。带 token 时，同一用户以同一键"
        "重复提交只登记一次：返回第一次登记的事件，状态码 200。"
    ),
)
@api_requires(perms.INCIDENT_OPEN)
@named_fields
def open_incident(request: HttpRequest, payload: EmergencyIncidentIn):
    data = payload.dict(exclude={"accident_id", "alarm_id", "token"})
    data = {k: v for k, v in data.items() if v is not None}
    check_choices(data, {"incident_type": IncidentType})
    repeated = (
        payload.token is not None
        and Incident.objects.filter(reported_by=request.user, open_token=payload.token).exists()
    )
    incident = services_incidents.incident_open(
        request.user,
        data=data,
        accident_id=payload.accident_id,
        alarm_id=payload.alarm_id,
        token=payload.token,
    )
    return Status(200 if repeated else 201, _incident(request, incident.pk))


@section.post(
    "/incidents/{int:incident_id}/transitions/{name}",
    response=DETAIL,
    summary="事件办理环节（respond 启动响应、close 结束响应、review 完成复盘、void 作废）",
    description=(
        "respond 须 level、lead_organisation、commander；close 须调派的力量和物资全部撤离"
        "（否则 409）；review 须先登记复盘评估；void 须 reason，只能在启动响应前。"
        "未知的环节返回 404。"
    ),
)
@api_requires(perms.INCIDENT_COMMAND)
def transition_incident(
    request: HttpRequest, incident_id: int, name: str, payload: EmergencyIncidentTransitionIn
):
    if name not in INCIDENT_TRANSITIONS:
        raise Http404
    _incident(request, incident_id)
    check_choices(payload.dict(), {"level": IncidentLevel})
    user, common = request.user, {"incident_id": incident_id, "expected_version": payload.version}
    if name == "respond":
        services_incidents.incident_respond(
            user,
            **common,
            level=payload.level or "",
            lead_organisation=payload.lead_organisation or "",
            commander=payload.commander or "",
            commander_phone=payload.commander_phone or "",
        )
    elif name == "close":
        services_incidents.incident_close(user, **common, reason=payload.reason or "")
    elif name == "review":
        services_incidents.incident_review(user, **common)
    else:
        services_incidents.incident_void(user, **common, reason=payload.reason or "")
    return _incident(request, incident_id)


# --- operations ----------------------------------------------------------------------------


@section.post(
    "/incidents/{int:incident_id}/level",
    response=DETAIL,
    summary="调整事件级别（升级或降级，须写明理由）",
)
@api_requires(perms.INCIDENT_COMMAND)
def set_incident_level(request: HttpRequest, incident_id: int, payload: EmergencyLevelIn):
    _incident(request, incident_id)
    check_choices(payload.dict(), {"level": IncidentLevel})
    services_incidents.incident_set_level(
        request.user,
        incident_id=incident_id,
        expected_version=payload.version,
        level=payload.level,
        reason=payload.reason,
    )
    return _incident(request, incident_id)


@section.post(
    "/incidents/{int:incident_id}/activate",
    response={201: EmergencyIncidentDetailOut, **errors(403, 404, 409, 422)},
    summary="启动预案（按响应级别生成该级别的处置任务）",
    description="预案须现行有效并在可启动的范围内（否则 404）；预案没有该响应级别时 422。",
)
@api_requires(perms.INCIDENT_COMMAND)
@named_fields
def activate_plan(request: HttpRequest, incident_id: int, payload: EmergencyActivateIn):
    _incident(request, incident_id)
    check_choices(payload.dict(), {"level": ResponseLevel})
    services_incidents.incident_activate(request.user, incident_id=incident_id, **payload.dict())
    return Status(201, _incident(request, incident_id))


@section.post(
    "/incidents/{int:incident_id}/log",
    response={201: EmergencyLogEntryOut, **errors(403, 404, 409, 422)},
    summary="记录指挥日志（决策、指示、信息报送、现场情况；只增不改）",
)
@api_requires(perms.INCIDENT_COMMAND)
def log_entry(request: HttpRequest, incident_id: int, payload: EmergencyLogIn):
    _incident(request, incident_id)
    check_choices(payload.dict(), {"kind": LogKind})
    entry = services_incidents.incident_log(request.user, incident_id=incident_id, **payload.dict())
    return Status(201, entry)


@section.post(
    "/incidents/{int:incident_id}/tasks",
    response={201: EmergencyIncidentTaskOut, **errors(403, 404, 409, 422)},
    summary="指派处置任务",
)
@api_requires(perms.INCIDENT_COMMAND)
def add_task(request: HttpRequest, incident_id: int, payload: EmergencyIncidentTaskIn):
    _incident(request, incident_id)
    task = services_incidents.incident_task_add(
        request.user, incident_id=incident_id, **payload.dict()
    )
    return Status(201, task)


@section.post(
    "/incidents/{int:incident_id}/tasks/{int:incident_task_id}/done",
    response={200: EmergencyIncidentTaskOut, **errors(403, 404, 409, 422)},
    summary="登记任务完成",
    description="已完成的再次登记返回 409。",
)
@api_requires(perms.INCIDENT_COMMAND)
def task_done(
    request: HttpRequest, incident_id: int, incident_task_id: int, payload: EmergencyTaskDoneIn
):
    get_object_or_404(_incident(request, incident_id).tasks, pk=incident_task_id)
    return services_incidents.incident_task_done(
        request.user,
        task_id=incident_task_id,
        expected_version=payload.version,
        note=payload.note,
    )


@section.post(
    "/incidents/{int:incident_id}/dispatch",
    response={201: EmergencyAssignmentOut, **errors(403, 404, 409, 422)},
    summary="调派资源（队伍、物资、装备、避难场所、专家）",
    description=(
        "资源须在管辖范围内（否则 404）并且可用：队伍待命、专家未在执行任务、物资库存和"
        "装备可调用数足够、避难场所空余位置足够——否则 409（如队伍已出动）。"
        "物资调派时出库（应急调拨），撤离或取消时未用完的归还入库。"
    ),
)
@api_requires(perms.INCIDENT_COMMAND)
def dispatch_resource(request: HttpRequest, incident_id: int, payload: EmergencyDispatchIn):
    _incident(request, incident_id)
    check_choices(payload.dict(), {"kind": ResourceKind})
    assignment = dispatch.dispatch(request.user, incident_id=incident_id, **payload.dict())
    return Status(201, _assignment(request, assignment.pk))


@section.post(
    "/incidents/{int:incident_id}/after-action",
    response={201: EmergencyIncidentDetailOut, **errors(403, 404, 409, 422)},
    summary="登记复盘评估（处置总结、有效做法、存在问题；教训转为整改任务）",
    description="响应结束后才能登记（否则 409）；已登记的再次登记返回 409。",
)
@api_requires(perms.INCIDENT_COMMAND)
def after_action(request: HttpRequest, incident_id: int, payload: EmergencyAfterActionIn):
    _incident(request, incident_id)
    services_incidents.incident_after_action(
        request.user, incident_id=incident_id, **payload.dict()
    )
    return Status(201, _incident(request, incident_id))


# --- assignments ---------------------------------------------------------------------------


def _assignment(request: HttpRequest, assignment_id: int) -> Assignment:
    visible = selectors_incidents.visible_incidents(request.user)
    return get_object_or_404(
        Assignment.objects.filter(incident__in=visible).select_related(
            "incident", "team", "supply", "equipment", "shelter", "expert", "dispatched_by"
        ),
        pk=assignment_id,
    )


@section.post(
    "/assignments/{int:assignment_id}/transitions/{name}",
    response={200: EmergencyAssignmentOut, **errors(403, 404, 409, 422)},
    summary="调派状态（depart 出发、arrive 到场、release 撤离、cancel 取消）",
    description=(
        "release 时 returned 为物资未用完归还入库的数量（或避难场所实际安置人数）；cancel 须"
        " reason。事件结束响应后不能再变更（409）。未知的环节返回 404。"
    ),
)
@api_requires(perms.INCIDENT_COMMAND)
def move_assignment(
    request: HttpRequest, assignment_id: int, name: str, payload: EmergencyAssignmentTransitionIn
):
    if name not in ASSIGNMENT_TRANSITIONS:
        raise Http404
    _assignment(request, assignment_id)
    dispatch.assignment_move(
        request.user,
        assignment_id=assignment_id,
        expected_version=payload.version,
        name=name,
        reason=payload.reason,
        returned=payload.returned,
    )
    return _assignment(request, assignment_id)
