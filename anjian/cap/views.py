"""Warning pages. Thin: selectors read, services write, forms validate.

Inside the platform: the list, the compose/edit form and the detail page with the CAP
XML, a small map of the area and the actions, each a POST to ``/warnings/<id>/<verb>/``.
A refused action re-renders the detail page with the form's Chinese errors (422), a
conflict with the reason (409). Public (no login): the Atom feed of active warnings and
each issued message's XML.
"""

from functools import partial

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.cap import feed, forms, selectors, services, xml
from anjian.cap import permissions as perms
from anjian.cap.area import parse_circle, parse_polygon
from anjian.cap.choices import State
from anjian.cap.lifecycle import ALERT, authors
from anjian.cap.models import CapAlert
from anjian.core import audit
from anjian.core.access import public, requires
from anjian.core.exceptions import ValidationError
from anjian.core.forms import submit, submit_on_page

LIST_LIMIT = 500


# --- list, compose, edit --------------------------------------------------------------------


@require_GET
@requires(perms.WARNING_VIEW)
def alert_list(request):
    state = request.GET.get("state", "")
    if state not in State.values:
        state = ""
    alerts = selectors.alert_list(request.user, state=state)
    return render(
        request,
        "cap/list.html",
        {"alerts": alerts[:LIST_LIMIT], "state": state, "states": State.choices},
    )


@require_http_methods(["GET", "POST"])
@requires(perms.WARNING_COMPOSE)
def alert_create(request):
    form = forms.AlertForm(request.POST or None, user=request.user)
    outcome = submit(request, form, lambda data: services.alert_create(by=request.user, data=data))
    if outcome.done:
        messages.success(request, _("预警草稿已保存，核对无误后请提交审核"))
        return redirect(outcome.result)
    return render(request, "cap/form.html", {"form": form, "alert": None}, status=outcome.status)


@require_http_methods(["GET", "POST"])
@requires(perms.WARNING_COMPOSE)
def alert_edit(request, pk: int):
    alert = selectors.alert_get(request.user, pk)
    if alert.state != State.DRAFT:
        return _render_detail(
            request, alert, status=409, error=_("只有草稿可以修改；已提交的预警请先退回。")
        )
    form = forms.AlertForm(request.POST or None, instance=alert, user=request.user)
    outcome = submit(
        request,
        form,
        lambda data: services.alert_edit(
            by=request.user,
            alert_id=pk,
            data=data,
            expected_version=data.get("version") or 0,
        ),
    )
    if outcome.done:
        messages.success(request, _("已保存"))
        return redirect("cap:alert_detail", pk=pk)
    return render(
        request,
        "cap/form.html",
        {"form": form, "alert": CapAlert.objects.get(pk=pk)},
        status=outcome.status,
    )


# --- detail and its actions -----------------------------------------------------------------


def _map_context(alert: CapAlert) -> dict | None:
    """What the small map draws: the polygon and/or circle, and the district's outline."""
    context = {"polygon": None, "circle": None, "districts": []}
    try:
        if alert.polygon:
            context["polygon"] = [list(point) for point in parse_polygon(alert.polygon)]
        if alert.circle:
            circle = parse_circle(alert.circle)
            context["circle"] = {
                "lat": circle.lat,
                "lon": circle.lon,
                "radius_km": circle.radius_km,
            }
    except ValidationError:
        return None
    if not (context["polygon"] or context["circle"]):
        return None
    if alert.region.boundary:
        context["districts"] = [{"name": alert.region.name, "geometry": alert.region.boundary}]
    return context


def _preview(alert: CapAlert) -> tuple[str, list[str]]:
    """The XML as stored, or for a message not yet issued as it would be sent now."""
    if alert.is_issued:
        return alert.xml, []
    document = feed.preview_document(alert)
    return document.decode("utf-8"), xml.problems(document)


BUTTONS = {"approve": "btn-success", "cancel": "btn-danger", "discard": "btn-outline-danger"}


def _action_forms(user, alert: CapAlert, bound: dict | None = None) -> list[dict]:
    """The actions the user may take on this message now, bound form first."""
    bound = bound or {}
    version = {"version": alert.version}
    available = []

    def offer(name: str, title, form_class):
        available.append(
            {
                "name": name,
                "title": title,
                "form": bound.get(name) or form_class(initial=version),
                "url": reverse(f"cap:alert_{name}", args=[alert.pk]),
                "button": BUTTONS.get(name, "btn-primary"),
            }
        )

    for action in ALERT.available(user, alert):
        form_class = forms.VersionForm if action.name == "update" else ACTION_FORMS[action.name]
        offer(action.name, action.label, form_class)
    return available


def _render_detail(request, alert: CapAlert, *, bound=None, status=200, error: str = ""):
    user = request.user
    alert = selectors.alert_get(user, alert.pk)
    document, problems = _preview(alert)
    context = {
        "alert": alert,
        "xml_text": document,
        "xml_problems": problems,
        "actions": _action_forms(user, alert, bound),
        "own_draft": alert.state == State.PENDING
        and user.can(perms.WARNING_APPROVE)
        and user.pk in authors(alert),
        "open_successor": selectors.open_successor(alert),
        "issued_successor": selectors.issued_successor(alert),
        "timeline": selectors.timeline(alert),
        "history": audit.history(alert),
        "map_context": _map_context(alert),
        "public_url": feed.xml_url(alert) if alert.is_issued else "",
        "error": error,
        "labels": ALERT.labels(),
        "state_labels": dict(State.choices),
    }
    return render(request, "cap/detail.html", context, status=status)


@require_GET
@requires(perms.WARNING_VIEW)
def alert_detail(request, pk: int):
    return _render_detail(request, selectors.alert_get(request.user, pk))


ACTION_FORMS = {
    "submit": forms.VersionForm,
    "return": forms.ReasonForm,
    "approve": forms.VersionForm,
    "discard": forms.VersionForm,
    "cancel": forms.CancelForm,
}

ACTION_CALLS = {
    "submit": lambda user, pk, data: services.alert_submit(
        by=user, alert_id=pk, expected_version=data["version"]
    ),
    "return": lambda user, pk, data: services.alert_return(
        by=user, alert_id=pk, expected_version=data["version"], reason=data["reason"]
    ),
    "approve": lambda user, pk, data: services.alert_approve(
        by=user, alert_id=pk, expected_version=data["version"]
    ),
    "discard": lambda user, pk, data: services.alert_discard(
        by=user, alert_id=pk, expected_version=data["version"]
    ),
    "cancel": lambda user, pk, data: services.alert_cancel(
        by=user, alert_id=pk, expected_version=data["version"], reason=data["reason"]
    ),
}

DONE = {
    "submit": gettext_lazy("已提交审核，等待其他有审核权限的人员签发"),
    "return": gettext_lazy("已退回修改"),
    "approve": gettext_lazy("预警已发布：%(identifier)s"),
    "discard": gettext_lazy("草稿已作废"),
    "cancel": gettext_lazy("预警已取消，取消报文已发布：%(identifier)s"),
}


def _action(request, alert: CapAlert, name: str, form, call, answer):
    """An action posted from the warning's page (``submit_on_page``): refused, the page
    again with the form's errors (422) or the conflict's reason (409)."""
    return submit_on_page(
        request,
        form,
        call,
        show=partial(_render_detail, request, alert),
        name=name,
        answer=answer,
    )


def _action_view(name: str):
    transition = ALERT.transition(name)

    @require_POST
    @requires(transition.action)
    def view(request, pk: int):
        alert = selectors.alert_get(request.user, pk)

        def answer(result):
            messages.success(request, DONE[name] % {"identifier": result.identifier})
            return redirect(result)

        return _action(
            request,
            alert,
            name,
            ACTION_FORMS[name](request.POST),
            lambda data: ACTION_CALLS[name](request.user, pk, data),
            answer,
        )

    view.__name__ = f"alert_{name}"
    view.__qualname__ = f"alert_{name}"
    return view


alert_submit = _action_view("submit")
alert_return = _action_view("return")
alert_approve = _action_view("approve")
alert_discard = _action_view("discard")
alert_cancel = _action_view("cancel")


def _update_begun(request, begun):
    draft, created = begun
    if created:
        messages.success(request, _("已生成更新报文草稿，修改后提交审核；发布后将替代原预警"))
    else:
        messages.info(request, _("该预警已有一份更新草稿，请继续编辑"))
    return redirect("cap:alert_edit", pk=draft.pk)


@require_POST
@requires(perms.WARNING_COMPOSE)
def alert_update(request, pk: int):
    """Begin an Update of a published warning: its draft opens in the form."""
    alert = selectors.alert_get(request.user, pk)
    return _action(
        request,
        alert,
        "update",
        forms.VersionForm(request.POST),
        lambda data: services.alert_start_update(
            by=request.user, alert_id=pk, expected_version=data["version"]
        ),
        partial(_update_begun, request),
    )


# --- public ---------------------------------------------------------------------------------


@require_GET
@public
def alert_feed(request):
    """Atom feed of the active warnings (no login): what subscribers poll."""
    document = feed.active_feed()
    response = HttpResponse(content_type=document.content_type)
    document.write(response, "utf-8")
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_GET
@public
def alert_xml(request, identifier: str):
    """One issued CAP message as it was published (no login; drafts: 404)."""
    alert = selectors.public_message(identifier)
    response = HttpResponse(alert.xml.encode("utf-8"), content_type=xml.CONTENT_TYPE)
    response["Cache-Control"] = "public, max-age=300"
    return response
