"""指挥调度: an incident's command page and every form on it.

The page (``incident_detail``): the incident's type, level, state and commander with the
steps the user may take now; a map of the incident, the resources sent and, on request,
the nearest available candidates of a kind (``incident_dispatch``), each with its 调派
button; the panels — assignments with their moves, tasks with their deadlines, the command
log (newest first) and the plans started.

Each form posts to its own URL through ``core.forms.submit``. A panel's form is sent by
htmx and answered with the panels as they are now (``_panels.html``; refused: 422 with the
form's errors, 409 with the conflict's reason) and an ``incident-changed`` event that
redraws the map; without JavaScript the same URL answers with the whole page (refused) or
a redirect back to it (done). The state changes (启动响应, 结束响应, 完成复盘, 作废) and
调整级别 always answer with the page.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.core.access import requires
from anjian.core.forms import submit
from anjian.emergency import dispatch as dispatching
from anjian.emergency import forms_incidents as forms
from anjian.emergency import permissions as perms
from anjian.emergency import selectors_incidents as selectors
from anjian.emergency import services_incidents as services
from anjian.emergency.choices import ResourceKind, Speciality, TaskState
from anjian.emergency.lifecycle import ASSIGNMENT, INCIDENT
from anjian.emergency.models import ACTIVE_ASSIGNMENT_STATES, AssignmentState
from anjian.emergency.views_incidents import (
    LEVEL_COLOURS,
    STATE_COLOURS,
    map_data,
    place_of,
    unit_of,
)

LOG_SHOWN = 30  # the newest lines on the page; the timeline has them all
CHANGED = "incident-changed"  # the htmx event a change answers with (command.js listens)
ASSIGNMENT_COLOURS = {
    AssignmentState.DISPATCHED: "azure",
    AssignmentState.EN_ROUTE: "orange",
    AssignmentState.ON_SCENE: "red",
    AssignmentState.RELEASED: "green",
    AssignmentState.CANCELLED: "secondary",
}
MOVE_BUTTONS = {
    "depart": "btn-outline-primary",
    "arrive": "btn-primary",
    "release": "btn-outline-success",
    "cancel": "btn-outline-danger",
}
KIND_ICONS = {
    ResourceKind.TEAM: "bi-people",
    ResourceKind.SUPPLY: "bi-box-seam",
    ResourceKind.EQUIPMENT: "bi-tools",
    ResourceKind.SHELTER: "bi-house-heart",
    ResourceKind.EXPERT: "bi-person-badge",
}


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def unmet(transition, incident) -> str:
    """Why ``transition`` cannot be taken now, whoever asks ('' when it can)."""
    for condition in transition.conditions:
        reason = condition(incident)
        if reason:
            return str(reason)
    return ""


# --- what the page shows ---------------------------------------------------------------------


def transitions(user, incident, bound: dict) -> list[dict]:
    """The state changes the user's role allows from the incident's state, each with its
    form; one that cannot be taken yet carries the reason (结束响应 with resources still
    out) and is shown disabled."""
    found = []
    for transition in INCIDENT.allowed_from(incident.state):
        if INCIDENT.refusal(user, transition, incident) is not None:
            continue
        form = bound.get(transition.name) or _transition_form_for(incident, transition.name)
        found.append(
            {
                "name": transition.name,
                "label": transition.label,
                "form": form,
                "blocked": unmet(transition, incident),
                "url": reverse(
                    "emergency:incident_transition", args=[incident.pk, transition.name]
                ),
            }
        )
    return found


def _transition_form_for(incident, name: str):
    auto_id = f"{name}-%s"
    if name == "respond":
        return forms.RespondForm.for_incident(incident, auto_id=auto_id)
    return forms.TRANSITION_FORMS[name](initial={"version": incident.version}, auto_id=auto_id)


def _overdue(task, now) -> bool:
    return task.state == TaskState.OPEN and task.due_at is not None and task.due_at < now


def assignment_rows(user, incident, bound: dict) -> list:
    rows = list(selectors.assignments(incident))
    for row in rows:
        row.incident = incident  # read by the moves' conditions
        row.colour = ASSIGNMENT_COLOURS[row.state]
        row.icon = KIND_ICONS[row.kind]
        row.unit = unit_of(row)
        row.moves = []
        for action in ASSIGNMENT.available(user, row):
            key = f"move:{row.pk}:{action.name}"
            row.moves.append(
                {
                    "name": action.name,
                    "id": f"move-{row.pk}-{action.name}",
                    "label": action.label,
                    "button": MOVE_BUTTONS.get(action.name, "btn-outline-secondary"),
                    "form": bound.get(key)
                    or forms.MoveForm(
                        initial={"version": row.version},
                        name=action.name,
                        assignment=row,
                        auto_id=f"move-{row.pk}-{action.name}-%s",
                    ),
                    "url": reverse(
                        "emergency:assignment_move", args=[incident.pk, row.pk, action.name]
                    ),
                    "returns": action.name == "release"
                    and row.kind in (ResourceKind.SUPPLY, ResourceKind.SHELTER),
                }
            )
    return rows


def activation_rows(incident) -> list:
    rows = list(incident.activations.select_related("plan", "activated_by"))
    for row in rows:
        try:
            row.plan_url = row.plan.get_absolute_url()
        except NoReverseMatch:  # the plan pages are not installed
            row.plan_url = ""
    return rows


def panels_context(request, incident, *, bound=None, error: str = "", notice: str = "") -> dict:
    """The panels as they are now; ``bound`` replaces the forms posted from them (by name:
    ``task``, ``log``, ``activate``, ``done:<task id>``, ``move:<id>:<name>``)."""
    user, bound = request.user, bound or {}
    now = timezone.now()
    tasks = list(selectors.tasks(incident))
    may_task = INCIDENT.may_operate(user, "task", incident)
    for task in tasks:
        task.overdue = _overdue(task, now)
        if task.state == TaskState.OPEN and may_task:
            task.form = bound.get(f"done:{task.pk}") or forms.TaskDoneForm(
                initial={"version": task.version}, auto_id=f"done-{task.pk}-%s"
            )
    assignments = assignment_rows(user, incident, bound)
    log = list(incident.log.select_related("by").order_by("-at", "-id")[: LOG_SHOWN + 1])
    context = {
        "incident": incident,
        "panel_error": error,
        "notice": notice,
        "tasks": tasks,
        "open_tasks": sum(1 for t in tasks if t.state == TaskState.OPEN),
        "overdue_tasks": sum(1 for t in tasks if getattr(t, "overdue", False)),
        "log": log[:LOG_SHOWN],
        "log_more": len(log) > LOG_SHOWN,
        "assignments": assignments,
        "active_assignments": sum(1 for a in assignments if a.state in ACTIVE_ASSIGNMENT_STATES),
        "activations": activation_rows(incident),
        "map_data": map_data(incident, assignments),
    }
    if may_task:
        context["task_form"] = bound.get("task") or forms.TaskForm(auto_id="task-%s")
    if INCIDENT.may_operate(user, "log", incident):
        context["log_form"] = bound.get("log") or forms.LogForm(auto_id="log-%s")
    if INCIDENT.may_operate(user, "activate", incident):
        plans = selectors.activatable_plans(user, incident)
        context["activate_form"] = bound.get("activate") or forms.ActivateForm(
            plans=plans, auto_id="activate-%s"
        )
    return context


def page_context(request, incident, *, bound=None, error: str = "") -> dict:
    user, bound = request.user, bound or {}
    context = panels_context(request, incident, bound=bound)
    context.update(
        state_colour=STATE_COLOURS[incident.state],
        level_colour=LEVEL_COLOURS.get(incident.level, "secondary"),
        error=error,
        transitions=transitions(user, incident, bound),
        may_after_action=INCIDENT.may_operate(user, "after_action", incident),
        review=getattr(incident, "review", None),
    )
    if INCIDENT.may_operate(user, "level", incident):
        context["level_form"] = bound.get("level") or forms.LevelForm(
            initial={"version": incident.version, "level": incident.level}, auto_id="level-%s"
        )
    if INCIDENT.may_operate(user, "dispatch", incident):
        asked = "kind" in request.GET
        finder = forms.CandidateForm(request.GET if asked else None, auto_id="find-%s")
        context["finder"] = finder
        if asked:
            context.update(candidates_context(request, incident, finder))
    if "dispatch" in bound:
        context["dispatch_refused"] = [
            e for errors in bound["dispatch"].errors.values() for e in errors
        ]
    return context


def command_page(request, incident, *, bound=None, status: int = 200, error: str = ""):
    incident = selectors.incident_for_read(request.user, incident.pk)
    context = page_context(request, incident, bound=bound, error=error)
    return render(request, "emergency/incidents/detail.html", context, status=status)


def panels(request, incident, *, bound=None, status: int = 200, error="", notice=""):
    incident = selectors.incident_for_read(request.user, incident.pk)
    context = panels_context(request, incident, bound=bound, error=error, notice=notice)
    response = render(request, "emergency/incidents/_panels.html", context, status=status)
    if status == 200:
        response["HX-Trigger"] = CHANGED
    return response


@require_GET
@requires(perms.EMERGENCY_VIEW)
def incident_detail(request, pk: int):
    return command_page(request, selectors.incident_for_read(request.user, pk))


# --- the forms on the page -------------------------------------------------------------------


def answer(request, incident, outcome, *, form, name: str, done, anchor: str, htmx: bool):
    """One answer for every form on the page (see the module's docstring)."""
    if outcome.done:
        if htmx:
            return panels(request, incident, notice=str(done))
        messages.success(request, str(done))
        return redirect(f"{incident.get_absolute_url()}#{anchor}")
    show = panels if htmx else command_page
    if outcome.conflict:
        return show(request, incident, status=409, error=outcome.message)
    return show(request, incident, bound={name: form}, status=outcome.status)


def action_view(name, *, form, call, done, anchor: str, item=None, htmx: bool = True):
    """The POST of one form on the page: the incident through the user's scope (404
    outside it), ``item(incident, **ids)`` for a row's form (404 when the row is not the
    incident's), ``form(request, incident, row, **ids)`` run through ``submit`` with
    ``call(user, incident, form, row, **ids)``. ``name`` (or ``name(row, **ids)``) is the
    form's key on the page; ``done`` (or ``done(result, **ids)``) the message."""

    @require_POST
    @requires(perms.INCIDENT_COMMAND)
    def view(request, pk: int, **ids):
        incident = selectors.incident_for_read(request.user, pk)
        row = item(incident, **ids) if item is not None else None
        posted = form(request, incident, row, **ids)
        outcome = submit(
            request, posted, lambda data: call(request.user, incident, posted, row, **ids)
        )
        return answer(
            request,
            incident,
            outcome,
            form=posted,
            name=name(row, **ids) if callable(name) else name,
            done=done(outcome.result, **ids) if callable(done) and outcome.done else done,
            anchor=anchor,
            htmx=htmx and is_htmx(request),
        )

    return view


def _transition_form(request, incident, row, *, name):
    form_class = forms.TRANSITION_FORMS.get(name)
    if form_class is None:
        raise Http404
    return form_class(request.POST, auto_id=f"{name}-%s")


def _transition(user, incident, form, row, *, name):
    data = form.cleaned_data
    common = {"incident_id": incident.pk, "expected_version": data["version"]}
    if name == "respond":
        return services.incident_respond(
            user,
            **common,
            level=data["level"],
            lead_organisation=data["lead_organisation"],
            commander=data["commander"],
            commander_phone=data.get("commander_phone", ""),
        )
    if name == "close":
        return services.incident_close(user, **common, reason=data.get("reason", ""))
    if name == "review":
        return services.incident_review(user, **common)
    return services.incident_void(user, **common, reason=data["reason"])


TRANSITION_DONE = {
    "respond": gettext_lazy("已启动响应"),
    "close": gettext_lazy("已结束响应，请组织复盘评估"),
    "review": gettext_lazy("已完成复盘"),
    "void": gettext_lazy("已作废：记录保留，不计入统计"),
}

incident_transition = action_view(
    lambda row, name: name,
    form=_transition_form,
    call=_transition,
    done=lambda result, name: TRANSITION_DONE[name],
    anchor="top",
    htmx=False,
)
incident_level = action_view(
    "level",
    form=lambda request, incident, row: forms.LevelForm(request.POST, auto_id="level-%s"),
    call=lambda user, incident, form, row: services.incident_set_level(
        user,
        incident_id=incident.pk,
        expected_version=form.cleaned_data["version"],
        level=form.cleaned_data["level"],
        reason=form.cleaned_data["reason"],
    ),
    done=gettext_lazy("已调整事件级别"),
    anchor="top",
    htmx=False,
)
incident_activate = action_view(
    "activate",
    form=lambda request, incident, row: forms.ActivateForm(
        request.POST,
        plans=selectors.activatable_plans(request.user, incident),
        auto_id="activate-%s",
    ),
    call=lambda user, incident, form, row: services.incident_activate(
        user, incident_id=incident.pk, **form.service_data()
    ),
    done=gettext_lazy("已启动预案，该响应级别的任务已列入处置任务"),
    anchor="activations",
)
incident_log = action_view(
    "log",
    form=lambda request, incident, row: forms.LogForm(request.POST, auto_id="log-%s"),
    call=lambda user, incident, form, row: services.incident_log(
        user, incident_id=incident.pk, **form.cleaned_data
    ),
    done=gettext_lazy("已记入指挥日志"),
    anchor="log",
)
incident_task_add = action_view(
    "task",
    form=lambda request, incident, row: forms.TaskForm(request.POST, auto_id="task-%s"),
    call=lambda user, incident, form, row: services.incident_task_add(
        user, incident_id=incident.pk, **form.cleaned_data
    ),
    done=gettext_lazy("已指派任务"),
    anchor="tasks",
)
incident_task_done = action_view(
    lambda row, task_id: f"done:{row.pk}",
    form=lambda request, incident, row, task_id: forms.TaskDoneForm(
        request.POST, auto_id=f"done-{row.pk}-%s"
    ),
    call=lambda user, incident, form, row, task_id: services.incident_task_done(
        user,
        task_id=row.pk,
        expected_version=form.cleaned_data["version"],
        note=form.cleaned_data.get("note", ""),
    ),
    done=gettext_lazy("任务已完成"),
    anchor="tasks",
    item=lambda incident, task_id: get_object_or_404(incident.tasks, pk=task_id),
)


def _move_form(request, incident, row, *, assignment_id, name):
    transition = ASSIGNMENT.by_name.get(name)
    if transition is None or transition.internal:
        raise Http404
    return forms.MoveForm(
        request.POST, name=name, assignment=row, auto_id=f"move-{row.pk}-{name}-%s"
    )


assignment_move = action_view(
    lambda row, assignment_id, name: f"move:{row.pk}:{name}",
    form=_move_form,
    call=lambda user, incident, form, row, assignment_id, name: dispatching.assignment_move(
        user,
        assignment_id=row.pk,
        expected_version=form.cleaned_data["version"],
        name=name,
        reason=form.cleaned_data.get("reason", ""),
        returned=form.cleaned_data.get("returned"),
    ),
    done=lambda result, assignment_id, name: (
        _("%(resource)s：%(state)s")
        % {"resource": result.resource, "state": result.get_state_display()}
    ),
    anchor="assignments",
    item=lambda incident, assignment_id, name: get_object_or_404(
        incident.assignments, pk=assignment_id
    ),
)


# --- dispatch: the candidates and sending one --------------------------------------------------


def _candidate_row(candidate, rank: int) -> dict:
    resource = candidate.resource
    place = place_of(resource)
    return {
        "rank": rank,
        "id": resource.pk,
        "kind": candidate.kind,
        "name": str(resource.name),
        "distance": round(candidate.distance_km, 2),
        "available": candidate.available,
        "lat": place[0] if place else None,
        "lon": place[1] if place else None,
        "resource": resource,
    }


def candidates_context(request, incident, finder) -> dict:
    """The nearest available candidates the finder asks for (422 with its errors when it is
    filled in wrong)."""
    if not finder.is_valid():
        return {"finder": finder, "candidates": None, "candidates_status": 422}
    filters = finder.filters()
    found = selectors.candidates(request.user, incident, limit=forms.CANDIDATE_LIMIT, **filters)
    rows = [_candidate_row(candidate, rank) for rank, candidate in enumerate(found, 1)]
    kind = filters["kind"]
    return {
        "finder": finder,
        "candidates": rows,
        "candidate_kind": kind,
        "candidate_kind_label": ResourceKind(kind).label,
        "candidate_quantity": filters.get("quantity", 1),
        "speciality_labels": dict(Speciality.choices),
        "candidates_map": [
            {key: row[key] for key in ("rank", "id", "kind", "name", "distance", "lat", "lon")}
            for row in rows
        ],
        "candidates_status": 200,
        "may_dispatch": INCIDENT.may_operate(request.user, "dispatch", incident),
        "dispatch_url": reverse("emergency:incident_dispatch", args=[incident.pk]),
        "finder_query": request.GET.urlencode(),
    }


def wants_json(request) -> bool:
    return request.GET.get("format") == "json" or "application/json" in request.headers.get(
        "Accept", ""
    )


def candidates_response(request, incident, *, status=None, sent="", refused=""):
    """The candidates partial (or JSON); after a dispatch POST (``sent`` or ``refused``)
    with the panels out of band and, when one was sent, the event that redraws the map."""
    finder = forms.CandidateForm(request.GET, auto_id="find-%s")
    context = {"incident": incident, **candidates_context(request, incident, finder)}
    if wants_json(request):
        if context["candidates"] is None:
            return JsonResponse({"errors": finder.errors}, status=422)
        return JsonResponse(
            {"kind": context["candidate_kind"], "candidates": context["candidates_map"]},
            json_dumps_params={"ensure_ascii": False},
        )
    if sent or refused:
        context.update(panels_context(request, incident), sent=sent, refused=refused)
        context["oob_panels"] = True
    response = render(
        request,
        "emergency/incidents/_candidates.html",
        context,
        status=status or context["candidates_status"],
    )
    if sent:
        response["HX-Trigger"] = CHANGED
    return response


@require_http_methods(["GET", "POST"])
@requires(perms.EMERGENCY_VIEW)
def incident_dispatch(request, pk: int):
    """GET: the nearest available candidates of a kind (the ``_candidates.html`` partial
    for htmx, JSON for ``?format=json``; a plain visit goes to the page with the finder
    filled in). POST: dispatch one; htmx gets the candidates again (the one sent is gone)
    with the panels out of band."""
    incident = selectors.incident_for_read(request.user, pk)
    if request.method == "GET":
        if not is_htmx(request) and not wants_json(request):
            query = request.GET.urlencode()
            return redirect(f"{incident.get_absolute_url()}?{query}#dispatch")
        return candidates_response(request, incident)
    if not request.user.can(perms.INCIDENT_COMMAND):
        raise PermissionDenied(_("您的角色无权调派资源"))
    posted = forms.DispatchForm(request.POST, auto_id="send-%s")
    outcome = submit(
        request,
        posted,
        lambda data: dispatching.dispatch(request.user, incident_id=incident.pk, **data),
    )
    if not is_htmx(request):
        done = outcome.done and _("已调派：%(r)s") % {"r": outcome.result.resource}
        return answer(
            request, incident, outcome, form=posted, name="dispatch", done=done,
            anchor="assignments", htmx=False,
        )  # fmt: skip
    if outcome.done:
        notice = _("已调派：%(r)s（距离 %(d)s 公里）") % {
            "r": outcome.result.resource,
            "d": _km(outcome.result.distance_km),
        }
        return candidates_response(request, incident, sent=notice)
    refusal = outcome.message or "；".join(
        str(e) for errors in posted.errors.values() for e in errors
    )
    return candidates_response(request, incident, status=outcome.status, refused=refusal)


def _km(value) -> str:
    return "—" if value is None else f"{value:.2f}"
