"""Warning pages. Thin: selectors read, services write, forms validate.

Inside the platform: the list, the compose/edit form and the detail page with the
actions first (the sign-off panel: 签发意见, 审核发布 behind a confirmation, 退回修改), the
content and a small map of the area, the CAP XML folded below; each action a POST to
``/warnings/<id>/<verb>/``. A refused action re-renders the detail page with the form's
Chinese errors (422), a conflict with the reason (409). Public (no login): the Atom feed
of active warnings, each issued message's page (``<identifier>.html``) and its XML.
"""

from functools import partial

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.cap import feed, forms, selectors, services, xml
from anjian.cap import permissions as perms
from anjian.cap.area import parse_circle, parse_polygon
from anjian.cap.choices import MsgType, State
from anjian.cap.lifecycle import ALERT, authors
from anjian.cap.models import CapAlert
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
    form = forms.AlertForm(
        request.POST or None,
        user=request.user,
        initial=selectors.alert_prefill(request.user, request.GET),
    )
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


def _map_context(alert: CapAlert, regions: list) -> dict | None:
    """What the small map draws: the message's polygons (the picked districts' outlines
    and any typed one) and circle, the picked streets' label points, and the outline of
    the issuing district underneath."""
    context = {"polygons": [], "circle": None, "streets": [], "districts": []}
    try:
        context["polygons"] = [
            [list(point) for point in parse_polygon(text)] for text in xml.polygons(alert, regions)
        ]
        if alert.circle:
            circle = parse_circle(alert.circle)
            context["circle"] = {
                "lat": circle.lat,
                "lon": circle.lon,
                "radius_km": circle.radius_km,
            }
    except ValidationError:
        return None
    context["streets"] = [
        {"name": r.name, "lat": float(r.latitude), "lon": float(r.longitude)}
        for r in regions
        if r.boundary is None and r.latitude is not None and r.longitude is not None
    ]
    if not (context["polygons"] or context["circle"] or context["streets"]):
        return None
    if alert.region.boundary:
        context["districts"] = [{"name": alert.region.name, "geometry": alert.region.boundary}]
    return context


def _preview(alert: CapAlert, regions: list) -> tuple[str, list[str]]:
    """The XML as stored, or for a message not yet issued as it would be sent now."""
    if alert.is_issued:
        return alert.xml, []
    document = feed.preview_document(alert, regions=regions)
    return document.decode("utf-8"), xml.problems(document)


BUTTONS = {"approve": "btn-success", "cancel": "btn-danger", "discard": "btn-outline-danger"}
# Decided together in the sign-off panel, on one opinion (签发意见).
SIGN_OFF = ("approve", "return")


def _action_forms(alert: CapAlert, offered: list, bound: dict | None = None) -> list[dict]:
    """The actions ``offered`` to the user now (the sign-off ones aside), bound form first."""
    bound = bound or {}
    version = {"version": alert.version}
    available = []
    for action in offered:
        if action.name in SIGN_OFF:
            continue
        form_class = forms.VersionForm if action.name == "update" else ACTION_FORMS[action.name]
        available.append(
            {
                "name": action.name,
                "title": action.label,
                "form": bound.get(action.name) or form_class(initial=version),
                "url": reverse(f"cap:alert_{action.name}", args=[alert.pk]),
                "button": BUTTONS.get(action.name, "btn-primary"),
            }
        )
    return available


def _sign_off(alert: CapAlert, offered: list, bound: dict | None = None) -> dict | None:
    """The sign-off panel: one opinion, 审核发布 (a second, confirming click) and/or
    退回修改 (posted to its own URL from the same form), as the kernel offers them."""
    offered = {a.name: a for a in offered if a.name in SIGN_OFF}
    if not offered:
        return None
    bound = bound or {}
    form = bound.get("approve") or bound.get("return")
    unconfirmed = form is not None and form.has_error(NON_FIELD_ERRORS, "unconfirmed")
    return {
        "form": form or forms.ApproveForm(initial={"version": alert.version}),
        "approve": reverse("cap:alert_approve", args=[alert.pk]) if "approve" in offered else "",
        "return": reverse("cap:alert_return", args=[alert.pk]) if "return" in offered else "",
        "labels": {name: action.label for name, action in offered.items()},
        "confirm_open": unconfirmed,
    }


def _render_detail(request, alert: CapAlert, *, bound=None, status=200, error: str = ""):
    user = request.user
    alert = selectors.alert_get(user, alert.pk)
    regions = selectors.area_regions(alert)
    document, problems = _preview(alert, regions)
    offered = ALERT.available(user, alert)
    context = {
        "alert": alert,
        "xml_text": document,
        "xml_problems": problems,
        "actions": _action_forms(alert, offered, bound),
        "sign_off": _sign_off(alert, offered, bound),
        "own_draft": alert.state == State.PENDING
        and user.can(perms.WARNING_APPROVE)
        and user.pk in authors(alert),
        "open_successor": selectors.open_successor(alert),
        "issued_successor": selectors.issued_successor(alert),
        "timeline": selectors.timeline(alert),
        "history": selectors.history(alert),
        "areas": list(zip([r.code for r in regions], selectors.area_names(regions), strict=True)),
        "map_context": _map_context(alert, regions),
        "public_url": feed.xml_url(alert) if alert.is_issued else "",
        "public_page": feed.page_url(alert) if alert.is_issued else "",
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
    "return": forms.ReturnForm,
    "approve": forms.ApproveForm,
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
        by=user, alert_id=pk, expected_version=data["version"], reason=data["reason"]
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
def alert_public(request, identifier: str):
    """One issued message as a page anyone can read (no login; drafts and unknown
    identifiers: 404): what it says in Chinese, where, who sent it, until when, and its
    CAP XML. A superseded or cancelled message says so and links to what replaced it."""
    alert = selectors.public_page(identifier)
    successor = alert.issued_successors[0] if alert.issued_successors else None
    # Rendered without the request: no context processors, so no session is read and
    # nothing personal (menu, CSRF token) can end up in a publicly cached page.
    page = render_to_string(
        "cap/public.html",
        {
            "alert": alert,
            "area_names": selectors.area_names(list(alert.areas.all())),
            "successor": successor,
            "xml_url": feed.xml_url(alert),
            "feed_url": feed.public_url(reverse("cap:alert_feed")),
            "is_cancel": alert.msg_type == MsgType.CANCEL,
            "expired": alert.state == State.PUBLISHED and not alert.is_active,
        },
    )
    response = HttpResponse(page)
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
