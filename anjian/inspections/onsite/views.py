"""/inspections/onsite/ — 现场检查 on the inspector's phone.

- the list: my open inspections, my drawn tasks not started yet (开始检查), recent ones;
- start: from a task, or a special inspection of a unit in scope (its QR code shown);
- the inspection: an open one the user may work on is the phone form (``form.html`` +
  ``static/inspections/js/onsite.js``: works offline through the service worker this
  module serves at ``sw.js``, keeps marks and photos in IndexedDB, sends them through
  /api/v1/onsite-inspections when the connection returns); without JavaScript it is a
  plain form posted to ``inspection_form`` (marking, photos, saving). Anything else is the
  read-only record: marks, photos, hazards raised, documents, the 执法全过程记录 checked;
- visits: the page a unit's QR code opens (到达登记), and the list of them.

Thin: selectors read, services write through ``core.forms.submit``.
"""

import hashlib
import json
import mimetypes

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.core.access import requires
from anjian.core.forms import submit, submit_on_page
from anjian.enterprises.selectors import enterprise_get, enterprise_queryset
from anjian.inspections import permissions as perms
from anjian.inspections.lifecycle import INSPECTION
from anjian.inspections.onsite import findings, forms, selectors, services
from anjian.inspections.record_models import InspectionState, MarkResult

SCOPE = "/inspections/onsite/"
RECENT = 20
# What the form page needs offline besides itself (the service worker caches them first).
OFFLINE_ASSETS = (
    "vendor/tabler/tabler.min.css",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff",
    "web/css/anjian.css",
    "web/favicon.svg",
    "vendor/tabler/tabler.min.js",
    "vendor/htmx/htmx.min.js",
    "web/js/anjian.js",
    "web/js/submitting.js",
    "inspections/css/onsite.css",
    "inspections/js/onsite-store.js",
    "inspections/js/onsite.js",
    "inspections/js/onsite-pages.js",
)
STATE_COLOURS = {"open": "blue", "done": "green", "voided": "secondary"}


def _may_work_on(user, inspection) -> bool:
    """Whether ``user`` marks and completes ``inspection`` (open, their role and the
    lifecycle's guards: their department, one of its inspectors)."""
    return (
        inspection.state == InspectionState.OPEN
        and INSPECTION.refusal(user, "complete", inspection) is None
    )


# --- the list ------------------------------------------------------------------------------


def _list_page(request, *, status=200, error=""):
    user = request.user
    filters = forms.ListFilterForm(request.GET or None)
    found = filters.filtered(selectors.inspections(user)).annotate(
        marked=Count("marks", distinct=True)
    )
    finished = Paginator(found.exclude(state=InspectionState.OPEN), RECENT)
    context = {
        "filters": filters,
        "filtering": filters.active(),
        "open": list(found.filter(state=InspectionState.OPEN)[:100]),
        "tasks": list(selectors.tasks_to_start(user)) if user.can(perms.INSPECTION_RECORD) else [],
        "finished": finished.get_page(request.GET.get("page")),
        "may_start": user.can(perms.INSPECTION_RECORD),
        "colours": STATE_COLOURS,
        "error": error,
    }
    return render(request, "inspections/onsite/list.html", context, status=status)


@require_GET
@requires(perms.INSPECTION_VIEW)
def inspection_list(request):
    return _list_page(request)


@require_POST
@requires(perms.INSPECTION_RECORD)
def inspection_from_task(request, task_pk: int):
    """开始检查 of a drawn task (the one already started is opened again); refused (no
    checklist suits the unit, the task is no longer open), the list with the reason."""

    def show(bound=None, status=200, error=""):
        form = (bound or {}).get("task")
        reasons = [e for errors in form.errors.values() for e in errors] if form else []
        return _list_page(request, status=status, error=error or "；".join(reasons))

    return submit_on_page(
        request,
        forms.TaskStartForm(request.POST),
        lambda data: services.inspection_from_task(
            request.user,
            task_id=task_pk,
            latitude=data["latitude"],
            longitude=data["longitude"],
        ),
        show=show,
        name="task",
        answer=lambda inspection: redirect(inspection),
    )


# --- starting a special inspection ---------------------------------------------------------


def _unit_search(request, *, status=200, error=""):
    user = request.user
    search = forms.UnitSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    units = enterprise_queryset(user).search(query).order_by("name")[:20] if query else []
    context = {
        "search": search,
        "units": units,
        "query": query,
        "tasks": selectors.tasks_to_start(user),
        "error": error,
    }
    return render(request, "inspections/onsite/start_search.html", context, status=status)


def _unit_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_http_methods(["GET", "POST"])
@requires(perms.INSPECTION_RECORD)
def inspection_start(request):
    """开始检查 of a unit: ``?enterprise=<id>`` (from the search, a visit, the unit's page)."""
    user = request.user
    raw = request.POST.get("enterprise") if request.method == "POST" else None
    raw = raw or request.GET.get("enterprise")
    if not raw:
        if request.method == "POST":
            return _unit_search(request, status=422, error=_("请先选择被检查单位"))
        return _unit_search(request)
    unit_id = _unit_id(raw)
    if unit_id is None:
        raise Http404
    enterprise = enterprise_get(user, unit_id)
    suited = selectors.checklists_for(enterprise)
    form = forms.StartForm(
        request.POST if request.method == "POST" else None,
        user=user,
        enterprise=enterprise,
        suited=suited,
    )

    def start(data):
        department = data.get("department")
        return services.inspection_start(
            user,
            enterprise_id=enterprise.pk,
            checklist_id=data["checklist"].pk,
            inspector_ids=[i.pk for i in data["inspectors"]],
            kind=data["kind"],
            department_id=department.pk if department else None,
            unannounced=data["unannounced"],
            place=data["place"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            client_token=data["client_token"],
        )

    outcome = submit(request, form, start)
    if outcome.done:
        messages.success(request, _("已开始检查：请逐项检查并记录"))
        return redirect(outcome.result)
    context = {
        "enterprise": enterprise,
        "form": form,
        "suited": suited,
        "qr": selectors.enterprise_qr_svg(enterprise, request),
        "scan_url": reverse("inspections:visit_scan", args=[selectors.visit_token(enterprise)]),
        "ongoing": selectors.inspections(
            user, state=InspectionState.OPEN, enterprise_id=enterprise.pk
        ),
        "error": outcome.message if outcome.conflict else "",
    }
    return render(request, "inspections/onsite/start.html", context, status=outcome.status)


# --- the inspection ------------------------------------------------------------------------


def _by_entry(items, key="entry_id") -> dict:
    found: dict = {}
    for item in items:
        found.setdefault(item.get(key), []).append(item)
    return found


def _rows(data: dict, *, posted=None, errors=None, form=True) -> list[dict]:
    """One row per checklist entry: its mark (or what was posted), photos and errors; on
    the form a 不符合 without a deadline is offered the default one."""
    marks = {m["entry_id"]: m for m in data["marks"]}
    posted = {m["entry_id"]: m for m in posted} if posted is not None else None
    photos = _by_entry(data["evidence"])
    default_deadline = forms.default_deadline().isoformat() if form else None
    rows = []
    for entry in data["entries"]:
        mark = marks.get(entry["id"]) or {}
        shown = posted.get(entry["id"], {}) if posted is not None else mark
        rows.append(
            {
                "entry": entry,
                "names": forms.field_names(entry["id"]),
                "result": shown.get("result", ""),
                "note": shown.get("note", ""),
                "place": shown.get("place", ""),
                "deadline": shown.get("deadline") or default_deadline,
                "hazard": mark.get("hazard"),
                "photos": photos.get(entry["id"], []),
                "errors": (errors or {}).get(services.mark_key(entry["id"]), []),
            }
        )
    return rows


def _differences(data: dict, posted: list[dict]) -> list[dict]:
    """The entries where what was posted differs from what the server holds now."""
    marks = {m["entry_id"]: m for m in data["marks"]}
    entries = {e["id"]: e for e in data["entries"]}
    labels = dict(MarkResult.choices)
    found = []
    for mine in posted:
        theirs = marks.get(mine["entry_id"])
        keys = ("result", "note", "place", "deadline")
        if theirs and all((theirs.get(k) or "") == (mine.get(k) or "") for k in keys):
            continue
        found.append(
            {
                "entry": entries.get(mine["entry_id"]),
                "mine": labels.get(mine["result"], mine["result"]),
                "theirs": labels.get(theirs["result"], "") if theirs else _("未检查"),
            }
        )
    return found


def _form_page(request, inspection, *, form=None, posted=None, errors=None, status=200, **extra):
    user = request.user
    data = selectors.bundle(user, inspection.pk)
    if form is None:
        form = forms.InspectionForm(
            initial={
                "version": data["version"],
                "summary": data["summary"],
                "enterprise_signer": data["enterprise_signer"],
            }
        )
    context = {
        "inspection": inspection,
        "bundle": data,
        "form": form,
        "rows": _rows(data, posted=posted, errors=errors),
        "failed_rows": errors or {},
        "api_url": reverse("api:onsite_inspection", args=[inspection.pk]),
        "sw_url": reverse("inspections:onsite_sw"),
        "scope": SCOPE,
        "results": MarkResult.choices,
        "signature_pads": [
            ("enterprise", _("被检查单位现场负责人签名"), data["signed"]["enterprise"]),
            ("inspector", _("检查人员签名"), data["signed"]["inspector"]),
        ],
        **extra,
    }
    return render(request, "inspections/onsite/form.html", context, status=status)


def _record_page(request, inspection, *, bound=None, status=200, error=""):
    user = request.user
    inspection = selectors.inspection_for(user, inspection.pk)
    data = selectors.bundle(user, inspection.pk)
    checked, breaks = selectors.record_check(inspection)
    marks = inspection.marks.select_related("hazard")
    void = INSPECTION.may(user, "void", inspection) and (
        (bound or {}).get("void") or forms.ReasonForm(initial={"version": inspection.version})
    )
    reinspect = None
    if inspection.state == InspectionState.DONE and user.can(perms.INSPECTION_RECORD):
        failed = inspection.marks.filter(result="fail").select_related("entry", "hazard")
        has_order = inspection.documents.filter(kind="rectification_order").exists()
        if failed and has_order:
            reinspect = (bound or {}).get("reinspect") or forms.ReinspectForm(findings=failed)
    context = {
        "inspection": inspection,
        "bundle": data,
        "reinspect_form": reinspect,
        "rows": _rows(data, form=False),
        "hazards": {m.entry_id: m.hazard for m in marks if m.hazard_id},
        "documents": inspection.documents.order_by("issued_at", "id"),
        "entries": selectors.record_entries(inspection),
        "checked": checked,
        "breaks": breaks,
        "void_form": void,
        "editable": _may_work_on(user, inspection),
        "state_colour": STATE_COLOURS.get(inspection.state, "secondary"),
        "error": error,
    }
    return render(request, "inspections/onsite/detail.html", context, status=status)


@require_GET
@requires(perms.INSPECTION_VIEW)
def inspection_detail(request, pk: int):
    """The phone form for an open inspection the user works on (``?record=1`` shows its
    record instead); the read-only record otherwise."""
    inspection = selectors.inspection_for(request.user, pk)
    if _may_work_on(request.user, inspection) and request.GET.get("record") != "1":
        return _form_page(request, inspection)
    return _record_page(request, inspection)


@require_POST
@requires(perms.INSPECTION_RECORD)
def inspection_form(request, pk: int):
    """The form posted without JavaScript: save the chosen results (and photos), or save
    and complete. Refused, the form again with everything that was typed."""
    user = request.user
    inspection = selectors.inspection_for(user, pk)
    entries = selectors.bundle(user, pk)["entries"]
    posted = forms.marks_from(entries, request.POST)
    photos = forms.photos_from(entries, request.FILES)
    form = forms.InspectionForm(request.POST)

    def save(data):
        with transaction.atomic():
            saved = services.inspection_mark(
                user, inspection_id=pk, expected_version=data["version"], marks=posted
            )
            for entry_id, uploads in photos.items():
                services.evidence_add(
                    user,
                    inspection_id=pk,
                    files=uploads,
                    entry_id=entry_id,
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                )
            if data["action"] != "complete":
                return saved
            return findings.inspection_complete(
                user,
                inspection_id=pk,
                expected_version=saved.version,
                summary=data["summary"],
                latitude=data["latitude"],
                longitude=data["longitude"],
            )

    outcome = submit(request, form, save, elsewhere=lambda key: key.startswith("entry-"))
    if outcome.done:
        completing = outcome.result.state == InspectionState.DONE
        messages.success(request, _("检查已完成，文书已生成") if completing else _("已保存"))
        return redirect(outcome.result)
    extra = {"photos_dropped": bool(photos)}
    if outcome.conflict:
        current = selectors.bundle(user, pk)
        form = forms.InspectionForm(
            {**request.POST.dict(), "version": current["version"]}, initial=form.initial
        )
        form.is_valid()
        extra.update(conflict=outcome.message, differences=_differences(current, posted))
    return _form_page(
        request,
        inspection,
        form=form,
        posted=posted,
        errors=outcome.errors,
        status=outcome.status,
        **extra,
    )


@require_POST
@requires(perms.INSPECTION_RECORD)
def inspection_void(request, pk: int):
    inspection = selectors.inspection_for(request.user, pk)

    def answer(result):
        messages.success(request, _("检查已作废"))
        return redirect(result)

    return submit_on_page(
        request,
        forms.ReasonForm(request.POST),
        lambda data: services.inspection_void(
            request.user,
            inspection_id=pk,
            expected_version=data["version"],
            reason=data["reason"],
        ),
        show=lambda bound=None, status=200, error="": _record_page(
            request, inspection, bound=bound, status=status, error=error
        ),
        name="void",
        answer=answer,
    )


@require_POST
@requires(perms.INSPECTION_RECORD)
def inspection_reinspect(request, pk: int):
    """整改复查: the 整改复查意见书 of a completed inspection's findings."""
    inspection = selectors.inspection_for(request.user, pk)
    failed = inspection.marks.filter(result="fail").select_related("entry", "hazard")
    form = forms.ReinspectForm(request.POST, findings=failed)

    def answer(document):
        messages.success(
            request, _("已制作整改复查意见书 %(number)s") % {"number": document.number}
        )
        return redirect(inspection)

    return submit_on_page(
        request,
        form,
        lambda data: findings.reinspect(
            request.user,
            inspection_id=pk,
            results=form.results(),
            opinion=data["opinion"],
        ),
        show=lambda bound=None, status=200, error="": _record_page(
            request, inspection, bound=bound, status=status, error=error
        ),
        name="reinspect",
        answer=answer,
    )


def _private_file(field, content_type: str | None = None) -> FileResponse:
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    kind = content_type or mimetypes.guess_type(field.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=kind)
    response["Cache-Control"] = "private, max-age=86400"
    return response


@require_GET
@requires(perms.INSPECTION_VIEW)
def inspection_evidence(request, pk: int, evidence_pk: int):
    """A photo or recording, only for those who may see its inspection."""
    inspection = selectors.inspection_for(request.user, pk)
    evidence = get_object_or_404(inspection.evidence.all(), pk=evidence_pk)
    return _private_file(evidence.file)


@require_GET
@requires(perms.INSPECTION_VIEW)
def inspection_signature(request, pk: int, who: str):
    inspection = selectors.inspection_for(request.user, pk)
    fields = {
        "enterprise": inspection.enterprise_signature,
        "inspector": inspection.inspector_signature,
    }
    if not fields.get(who):
        raise Http404
    return _private_file(fields[who], "image/png")


# --- the service worker --------------------------------------------------------------------


def _asset_urls() -> list[str]:
    urls = []
    for name in OFFLINE_ASSETS:
        try:
            urls.append(static(name))
        except ValueError:  # not collected (yet): fetched and kept when a page asks for it
            continue
    return urls


@require_GET
@requires(perms.INSPECTION_VIEW)
def onsite_sw(request):
    """The service worker of /inspections/onsite/ (its scope: served from inside it): the
    asset URLs of this deployment and a version that changes with them. Behind the login
    like the pages it serves (the browser fetches it with the session cookie)."""
    assets = _asset_urls()
    version = hashlib.sha256("\n".join(assets).encode()).hexdigest()[:12]
    body = render_to_string(
        "inspections/onsite/sw.js",
        {
            "assets_json": json.dumps(assets),
            "version_json": json.dumps(version),
            "scope_json": json.dumps(SCOPE),
            "api_json": json.dumps(reverse("api:onsite_inspections")),
            "offline_json": json.dumps(
                _("离线：此页面尚未保存到本机。请联网后打开一次，之后离线也能使用。")
            ),
        },
    )
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


# --- visits --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(perms.INSPECTION_RECORD)
def visit_scan(request, token: str):
    """The page a unit's QR code opens: the unit, 到达登记 (with the phone's position), then
    开始检查."""
    user = request.user
    unit_id = selectors.enterprise_from_token(token)
    if unit_id is None:
        raise Http404
    enterprise = enterprise_get(user, unit_id)
    form = forms.PositionForm(request.POST if request.method == "POST" else None)
    outcome = submit(
        request,
        form,
        lambda data: services.visit_record(
            user,
            enterprise_id=enterprise.pk,
            method="scan",
            latitude=data["latitude"],
            longitude=data["longitude"],
        ),
    )
    if outcome.done:
        messages.success(request, _("已登记到达：%(unit)s") % {"unit": enterprise.name})
        return redirect(request.path)
    context = {
        "enterprise": enterprise,
        "form": form,
        "visits": selectors.visits(user).filter(enterprise=enterprise, by=user)[:5],
        "ongoing": selectors.inspections(
            user, state=InspectionState.OPEN, enterprise_id=enterprise.pk
        ),
    }
    return render(request, "inspections/onsite/visit_scan.html", context, status=outcome.status)


@require_GET
@requires(perms.INSPECTION_VIEW)
def visit_list(request):
    page = Paginator(selectors.visits(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "inspections/onsite/visit_list.html", {"page": page})


@require_GET
@requires(perms.INSPECTION_VIEW)
def visit_detail(request, pk: int):
    visit = get_object_or_404(selectors.visits(request.user), pk=pk)
    return render(request, "inspections/onsite/visit_detail.html", {"visit": visit})
