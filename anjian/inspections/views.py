"""双随机一公开 pages inside the platform: the draws and the inspection tasks.

Thin: selectors read, services write (``core.forms.submit``), the lifecycle offers the
buttons (``DRAW.available`` / ``TASK.available``). Each transition is a POST to
``/inspections/draws/<id>/<verb>/`` or ``/inspections/tasks/<id>/<verb>/``; refused, the
record's page again with the form's Chinese errors (422) or the conflict's reason (409).
The pools are in ``views_pools``, the public pages (no login) in ``views_public``.
"""

from functools import partial

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from anjian.accounts.roles import Role
from anjian.core.access import requires
from anjian.core.forms import attachment, submit_on_page
from anjian.core.registry import RegistryEdit, RegistryList
from anjian.inspections import forms, selectors, services
from anjian.inspections import permissions as perms
from anjian.inspections.choices import DRAW_STATE_COLOURS, TASK_STATE_COLOURS, DrawState, TaskState
from anjian.inspections.lifecycle import DRAW, TASK
from anjian.inspections.tables import DrawTable, TaskTable

BUTTONS = {"publish": "btn-success", "void": "btn-outline-danger", "cancel": "btn-outline-danger"}
REASON_LABELS = {"void": gettext_lazy("作废原因"), "cancel": gettext_lazy("取消原因")}
NOTES = {
    "publish": gettext_lazy(
        "公示后，抽取结果、检查人员及执法证号和抽取记录在公开页面发布，不能撤回；"
        "“四不两直”的单位和抽取记录在这些检查完成后才公开；检查结果登记后随之公开"
    ),
}
REASON_HELP = {
    "void": gettext_lazy("作废后本次抽取的检查任务一并取消；抽取记录和作废原因保留并公开"),
    "cancel": gettext_lazy("如：该单位已停业、注销"),
}


def _action_form(name: str, data=None, *, version: int | None = None):
    if name == "complete":
        form = forms.CompleteForm(data, initial={"version": version})
    elif name in REASON_LABELS:
        form = forms.ReasonForm(data, initial={"version": version})
        form.fields["reason"].label = REASON_LABELS[name]
        form.fields["reason"].help_text = REASON_HELP[name]
    else:
        form = forms.VersionForm(data, initial={"version": version})
    return form


def action_cards(
    kind: str, obj, offered, bound: dict | None, *, form=None, buttons=None
) -> list[dict]:
    """The action cards of a draw, a task or a plan: each offered transition's form (the
    posted one bound, with its errors), posting to its own URL."""
    bound, form, buttons = bound or {}, form or _action_form, buttons or BUTTONS
    return [
        {
            "name": action.name,
            "title": action.label,
            "form": bound.get(action.name) or form(action.name, version=obj.version),
            "url": reverse(f"inspections:{kind}_{action.name}", args=[obj.pk]),
            "button": buttons.get(action.name, "btn-primary"),
            "note": NOTES.get(action.name, ""),
        }
        for action in offered
    ]


# --- draws ------------------------------------------------------------------------------------


class DrawList(RegistryList):
    access = perms.INSPECTION_VIEW
    table = DrawTable
    template_name = "inspections/draw_list.html"

    def get_filterset(self):
        user = self.request.user
        return forms.DrawFilterSet(
            self.request.GET or None, queryset=selectors.draws(user), user=user
        )


class DrawCreate(RegistryEdit):
    """发起抽取: the pools are read as they are now; the draw and its record are stored."""

    access = perms.INSPECTION_DRAW
    form_class = forms.DrawForm
    template_name = "inspections/draw_form.html"
    context_object_name = "draw"
    list_url = "inspections:draw_list"
    sections = [
        (gettext_lazy("抽查任务"), ["department", "matter", "title"]),
        (
            gettext_lazy("抽取规则"),
            ["count", "per_target", "weighted", "street", "grades", "unannounced"],
        ),
    ]
    success_message = gettext_lazy("已抽取“%(title)s”：请核对结果后公示")

    def form_kwargs(self, obj) -> dict:
        return {"user": self.request.user}

    def save(self, obj, data, version):
        return services.draw_run(self.request.user, **data)


def _draw_page(request, draw, *, bound=None, status=200, error: str = ""):
    user = request.user
    draw = selectors.draw_get(user, draw.pk)
    checking = request.method == "GET" and request.GET.get("check") == "1"
    context = {
        "draw": draw,
        "tasks": selectors.tasks_of(draw),
        "actions": action_cards("draw", draw, DRAW.available(user, draw), bound),
        "checking": checking,
        "problems": selectors.draw_check(draw) if checking else [],
        "overdue": draw.state == DrawState.DRAWN and draw.publish_by < timezone.localdate(),
        "state_colour": DRAW_STATE_COLOURS[draw.state],
        "task_colours": TASK_STATE_COLOURS,
        "timeline": draw.transitions.select_related("by").order_by("at", "id"),
        "labels": DRAW.labels(),
        "state_labels": dict(DrawState.choices),
        "error": error,
    }
    return render(request, "inspections/draw_detail.html", context, status=status)


@require_GET
@requires(perms.INSPECTION_VIEW)
def draw_detail(request, pk: int):
    """The draw, its tasks and record; ``?check=1`` re-runs the record (复核)."""
    return _draw_page(request, selectors.draw_get(request.user, pk))


@require_GET
@requires(perms.INSPECTION_VIEW)
def draw_record(request, pk: int):
    """The draw's record as a file (``anjian verify_draw draw-<id>.json``)."""
    draw = selectors.draw_get(request.user, pk)
    response = HttpResponse(selectors.record_file(draw), content_type="application/json")
    attachment(response, f"draw-{draw.pk}.json")
    return response


DRAW_CALLS = {
    "publish": lambda user, pk, data: services.draw_publish(
        user, draw_id=pk, version=data["version"]
    ),
    "void": lambda user, pk, data: services.draw_void(
        user, draw_id=pk, reason=data["reason"], version=data["version"]
    ),
}
DRAW_DONE = {
    "publish": gettext_lazy("已公示：抽取结果和抽取记录已在公开页面发布"),
    "void": gettext_lazy("已作废；如需重新抽取，请以同一任务名称再次发起（记为下一次抽取）"),
}


def transition_view(lifecycle, name: str, *, prefix: str, read, form, call, show, done):
    """The POST of one transition from a record's page: the role, the record through the
    user's scope (``read``), the form (``form(name, data)``) run through the service
    (``call(user, pk, cleaned data)``); refused, the page again (``show``); done, back to
    the record with ``done`` as the message. Used by the draw, task and plan pages."""

    @require_POST
    @requires(lifecycle.transition(name).action)
    def view(request, pk: int):
        obj = read(request.user, pk)

        def answer(result):
            messages.success(request, str(done))
            return redirect(result)

        return submit_on_page(
            request,
            form(name, request.POST),
            lambda data: call(request.user, pk, data),
            show=partial(show, request, obj),
            name=name,
            answer=answer,
        )

    view.__name__ = view.__qualname__ = f"{prefix}_{name}"
    return view


def _draw_action(name: str):
    return transition_view(
        DRAW,
        name,
        prefix="draw",
        read=selectors.draw_get,
        form=_action_form,
        call=DRAW_CALLS[name],
        show=_draw_page,
        done=DRAW_DONE[name],
    )


draw_publish = _draw_action("publish")
draw_void = _draw_action("void")


# --- tasks -----------------------------------------------------------------------------------


def _own_only(request) -> bool:
    """An 执法人员 sees the tasks they were drawn for; others may ask for theirs (?mine=1)."""
    return request.user.role == Role.INSPECTOR or request.GET.get("mine") == "1"


class TaskList(RegistryList):
    access = perms.INSPECTION_VIEW
    table = TaskTable
    template_name = "inspections/task_list.html"

    def get_filterset(self):
        user = self.request.user
        tasks = selectors.my_tasks(user) if _own_only(self.request) else selectors.tasks(user)
        return forms.TaskFilterSet(self.request.GET or None, queryset=tasks, user=user)

    def get_extra_context(self, **context) -> dict:
        return {"own_only": _own_only(self.request), "is_inspector": _is_inspector(self.request)}


def _is_inspector(request) -> bool:
    return request.user.role == Role.INSPECTOR


def _task_get(user, pk: int):
    """The task in the user's scope; an 执法人员 reaches only the tasks they were drawn
    for (the targets of unannounced inspections are not shown to colleagues)."""
    if user.role == Role.INSPECTOR:
        return get_object_or_404(selectors.my_tasks(user), pk=pk)
    return selectors.task_get(user, pk)


def _task_page(request, task, *, bound=None, status=200, error: str = ""):
    user = request.user
    task = _task_get(user, task.pk)
    context = {
        "task": task,
        "actions": action_cards("task", task, TASK.available(user, task), bound),
        "state_colour": TASK_STATE_COLOURS[task.state],
        "timeline": task.transitions.select_related("by").order_by("at", "id"),
        "labels": TASK.labels(),
        "state_labels": dict(TaskState.choices),
        "error": error,
    }
    return render(request, "inspections/task_detail.html", context, status=status)


@require_GET
@requires(perms.INSPECTION_VIEW)
def task_detail(request, pk: int):
    return _task_page(request, _task_get(request.user, pk))


TASK_CALLS = {
    "complete": lambda user, pk, data: services.task_complete(
        user,
        task_id=pk,
        inspected_on=data["inspected_on"],
        outcome=data["outcome"],
        note=data.get("note", ""),
        version=data["version"],
    ),
    "cancel": lambda user, pk, data: services.task_cancel(
        user, task_id=pk, reason=data["reason"], version=data["version"]
    ),
}
TASK_DONE = {
    "complete": gettext_lazy("检查结果已登记"),
    "cancel": gettext_lazy("检查任务已取消"),
}


def _task_action(name: str):
    return transition_view(
        TASK,
        name,
        prefix="task",
        read=_task_get,
        form=_action_form,
        call=TASK_CALLS[name],
        show=_task_page,
        done=TASK_DONE[name],
    )


task_complete = _task_action("complete")
task_cancel = _task_action("cancel")
