"""The hazard registers as lists: 问题隐患清单 (the filtered ledger and its Excel), reporting
a hazard, the clearing figures, listings and revisits in scope (制度措施清单: ``measures``)."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from anjian.core.access import requires
from anjian.core.exports import export_response, sync_rows
from anjian.core.forms import attachment, is_htmx_partial, submit
from anjian.core.pagination import paginate_table
from anjian.enterprises.models import Enterprise, PublicPlace
from anjian.hazards import exports, forms, lifecycle, selectors, services
from anjian.hazards import permissions as perms
from anjian.hazards.figures_export import write_figures
from anjian.hazards.figures_page import figures_context
from anjian.hazards.ledger import COLUMNS, SHEET_TITLE, ledger_filename
from anjian.hazards.library.selectors import clauses_for_enterprise
from anjian.hazards.models import Hazard, Revisit, SupervisionListing
from anjian.hazards.tables import HazardTable

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- list, export -----------------------------------------------------------------------------


@require_GET
@requires(perms.HAZARD_VIEW)
def hazard_list(request):
    filterset = selectors.hazard_filter(request.user, request.GET)
    table = HazardTable(filterset.qs)
    paginate_table(request, table, per_page=50)
    context = {"filterset": filterset, "table": table, "query": request.GET.urlencode()}
    if is_htmx_partial(request, "results"):
        return render(request, "hazards/list.html#results", context)
    return render(request, "hazards/list.html", context)


@require_GET
@requires(perms.HAZARD_EXPORT)
def hazard_export(request):
    """问题隐患清单 — exactly the filtered list, in the ledger's usual columns; over
    ANJIAN_EXPORT_SYNC_ROWS rows a background job writes it (``hazards/exports.py``)."""
    queryset, about = exports.ledger_rows(request.user, request.GET)
    return export_response(
        request,
        kind=exports.EXPORT,
        queryset=queryset,
        about=about,
        title=SHEET_TITLE,
        columns=COLUMNS,
        filename=ledger_filename(),
        limit=sync_rows(),
    )


# --- report -----------------------------------------------------------------------------------


def _clause_choices(enterprise):
    """The clauses this enterprise may be judged by (the picker shows the same ones)."""

    return [(c.pk, f"{c.code} {c.text[:60]}") for c in clauses_for_enterprise(enterprise)]


def _picked(request, name: str) -> str:
    value = request.POST.get(name) or request.GET.get(name) or ""
    return value if str(value).isdigit() else ""


def _pick_page(request):
    """Choose what the hazard belongs to: a unit or (government users) a public place."""
    user = request.user
    query = request.GET.get("q", "").strip()
    matches, places = [], []
    if query:
        matches = Enterprise.objects.for_user(user).search(query).order_by("name_sort_key")[:20]
        places = PublicPlace.objects.for_user(user).in_use().search(query)[:20]
    return render(
        request,
        "hazards/report_pick.html",
        {"query": query, "matches": matches, "places": places},
    )


@require_http_methods(["GET", "POST"])
@requires(perms.HAZARD_REPORT)
def hazard_report(request):
    """Report a hazard of a unit (``enterprise``) or of a public place (``place``, ADR 14);
    without either, the page to choose one (an enterprise user: always its own unit)."""
    user = request.user
    enterprise_id, place_id = _picked(request, "enterprise"), _picked(request, "place")
    if user.scope.enterprise_id is not None:
        enterprise_id, place_id = user.scope.enterprise_id, ""
    if enterprise_id:
        owner = get_object_or_404(Enterprise.objects.for_user(user), pk=enterprise_id)
        owned = {"enterprise": owner}
        clause_choices = _clause_choices(owner)
        picker = f"{reverse('standards:clause_picker')}?enterprise={owner.pk}"
    elif place_id:
        owner = get_object_or_404(PublicPlace.objects.for_user(user).in_use(), pk=place_id)
        owned = {"place": owner}
        clause_choices, picker = [], ""
    else:
        return _pick_page(request)
    sources = None if lifecycle.is_government(user) else ("self_check", "other")
    form = forms.ReportForm(
        request.POST or None,
        request.FILES or None,
        clause_choices=clause_choices,
        sources=sources,
        initial={**{k: v.pk for k, v in owned.items()}, "found_at": forms.default_found_at()},
    )
    outcome = submit(request, form, lambda data: _report_and_maybe_close(user, owned, data))
    if outcome.done:
        hazard = outcome.result
        messages.success(request, _("已登记隐患 %(n)s") % {"n": hazard.number})
        return redirect(hazard)
    return render(
        request,
        "hazards/report.html",
        {"form": form, **owned, "owner": owner, "clause_picker_url": picker},
        status=outcome.status,
    )


@transaction.atomic  # a refused on-the-spot close undoes the report too
def _report_and_maybe_close(user, owned: dict, data) -> Hazard:
    hazard = services.hazard_report(
        by=user,
        **owned,
        source=data["source"],
        title=data["title"],
        description=data["description"],
        location=data["location"],
        category=data["category"],
        found_at=data["found_at"],
        photos=data["photos"],
        clauses=data["clauses"],
        report_token=data["report_token"],
    )
    if data["fixed_on_spot"]:
        hazard = services.hazard_close_on_spot(
            by=user,
            hazard_id=hazard.pk,
            expected_version=hazard.version,
            rectification_note=data["rectification_note"],
            after_photos=data["after_photos"],
        )
    return hazard


# --- figures -----------------------------------------------------------------------------------


@require_GET
@requires(perms.HAZARD_VIEW)
def clearing_figures(request):
    context = figures_context(request.user, request.GET)
    context["query"] = request.GET.urlencode()
    return render(request, "hazards/figures.html", context)


@require_GET
@requires(perms.HAZARD_VIEW)
def clearing_figures_export(request):
    """动态清零 as shown, as a workbook (the same query string as the page)."""
    context = figures_context(request.user, request.GET)
    response = HttpResponse(content_type=XLSX)
    write_figures(response, context, scope_label=str(request.user.scope.label))
    attachment(response, f"隐患动态清零_{timezone.localdate():%Y%m%d}.xlsx")
    return response


@require_GET
@requires(perms.HAZARD_VIEW)
def listing_list(request):
    listings = (
        SupervisionListing.objects.filter(hazard__in=selectors.hazard_queryset(request.user))
        .select_related("hazard", "hazard__enterprise", "hazard__place")
        .order_by("state", "deadline")
    )
    state = request.GET.get("state", "listed")
    if state in ("listed", "signed_off"):
        listings = listings.filter(state=state)
    return render(request, "hazards/listings.html", {"listings": listings[:500], "state": state})


@require_GET
@requires(perms.HAZARD_VIEW)
def revisit_list(request):
    revisits = (
        Revisit.objects.filter(hazard__in=selectors.hazard_queryset(request.user))
        .select_related("hazard", "hazard__enterprise", "hazard__place")
        .order_by("state", "due_on")
    )
    state = request.GET.get("state", "scheduled")
    if state in ("scheduled", "done"):
        revisits = revisits.filter(state=state)
    return render(request, "hazards/revisits.html", {"revisits": revisits[:500], "state": state})
