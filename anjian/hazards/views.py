"""Hazard pages. Thin: selectors read, services write, forms validate.

Every transition is a POST to ``/hazards/<id>/<verb>/``; a refused one re-renders the
hazard page with the form and its Chinese errors (422), a conflict with the reason (409).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.accounts import permissions as perms
from anjian.core.access import requires
from anjian.core.excel import write_ledger
from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.core.forms import apply_service_errors, attachment, is_htmx_partial, submit
from anjian.core.pagination import paginate_table
from anjian.core.scoping import is_city_wide
from anjian.enterprises.models import Enterprise
from anjian.hazards import forms, lifecycle, selectors, services
from anjian.hazards.choices import OPEN_STATES, DuplicateState, ExtensionState, Grade, State
from anjian.hazards.ledger import COLUMNS, SHEET_TITLE, ledger_filename
from anjian.hazards.models import (
    DeadlineExtension,
    DuplicateCandidate,
    Hazard,
    HazardPhoto,
    Revisit,
    SupervisionListing,
)
from anjian.hazards.tables import HazardTable

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SYNC_EXPORT_LIMIT = 50_000


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
    """问题隐患清单 — exactly the filtered list, in the ledger's usual columns."""
    filterset = selectors.hazard_filter(request.user, request.GET)
    queryset = filterset.qs.select_related("enterprise__street", "reported_by").order_by(
        "found_at", "id"
    )
    if queryset.count() > SYNC_EXPORT_LIMIT:
        messages.error(
            request,
            _("导出行数超过 %(n)s 行，请缩小筛选范围后再导出。") % {"n": f"{SYNC_EXPORT_LIMIT:,}"},
        )
        return redirect(f"{reverse('hazards:hazard_list')}?{request.GET.urlencode()}")
    about = [(_("范围"), str(request.user.scope.label)), *filterset.active_filters]
    response = HttpResponse(content_type=XLSX)
    write_ledger(
        response,
        title=SHEET_TITLE,
        columns=COLUMNS,
        objects=queryset.iterator(chunk_size=2000),
        about=about,
    )
    attachment(response, ledger_filename())
    return response


# --- report -----------------------------------------------------------------------------------


def _clause_choices(enterprise):
    """The clauses this enterprise may be judged by (the picker shows the same ones)."""
    from anjian.hazards.library.selectors import clauses_for_enterprise

    return [(c.pk, f"{c.code} {c.text[:60]}") for c in clauses_for_enterprise(enterprise)]


@require_http_methods(["GET", "POST"])
@requires(perms.HAZARD_REPORT)
def hazard_report(request):
    user = request.user
    enterprise_id = request.POST.get("enterprise") or request.GET.get("enterprise")
    if user.scope.enterprise_id is not None:
        enterprise_id = user.scope.enterprise_id
    if not enterprise_id or not str(enterprise_id).isdigit():
        query = request.GET.get("q", "").strip()
        matches = (
            Enterprise.objects.for_user(user).search(query).order_by("name")[:20] if query else []
        )
        return render(request, "hazards/report_pick.html", {"query": query, "matches": matches})
    enterprise = get_object_or_404(Enterprise.objects.for_user(user), pk=enterprise_id)
    sources = None if lifecycle.is_government(user) else ("self_check", "other")
    form = forms.ReportForm(
        request.POST or None,
        request.FILES or None,
        clause_choices=_clause_choices(enterprise),
        sources=sources,
        initial={"enterprise": enterprise.pk, "found_at": forms.default_found_at()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # a refused on-the-spot close undoes the report too
                hazard = _report_and_maybe_close(user, enterprise, data)
        except ValidationError as error:
            apply_service_errors(form, error)
        except (NotPermitted, Conflict) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已登记隐患 %(n)s") % {"n": hazard.number})
            return redirect(hazard)
    picker = f"{reverse('standards:clause_picker')}?enterprise={enterprise.pk}"
    return render(
        request,
        "hazards/report.html",
        {"form": form, "enterprise": enterprise, "clause_picker_url": picker},
        status=422 if form.errors else 200,
    )


def _report_and_maybe_close(user, enterprise, data) -> Hazard:
    hazard = services.hazard_report(
        by=user,
        enterprise=enterprise,
        source=data["source"],
        title=data["title"],
        description=data["description"],
        location=data["location"],
        category=data["category"],
        found_at=data["found_at"],
        photos=data["photos"],
        clauses=data["clauses"],
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


# --- detail and its actions ------------------------------------------------------------------


def _action_forms(user, hazard: Hazard, bound: dict | None = None) -> dict:
    """The forms the user may use on this hazard now (name → form), bound one first."""
    bound = bound or {}
    available = {}
    version = {"version": hazard.version}
    for transition in lifecycle.allowed_from(hazard.state):
        if not lifecycle.may(user, transition, hazard):
            continue
        if transition.name == "close_on_spot" and hazard.grade == Grade.MAJOR:
            continue
        form_class = TRANSITION_FORMS[transition.name]
        available[transition.name] = bound.get(transition.name) or (
            form_class(hazard=hazard)
            if form_class is forms.RegisterForm
            else form_class(initial=version)
        )
    if hazard.state in OPEN_STATES and (
        user.can(perms.HAZARD_REPORT) or user.can(perms.HAZARD_RECTIFY)
    ):
        stages = lifecycle.photo_stages(user, hazard)
        available["photos"] = (bound.get("photos") or forms.PhotoForm()).offer(stages)
        # The finding side corrects its finding; everyone who works on it may add a note.
        if lifecycle.may_correct(user, hazard):
            available["details"] = bound.get("details") or forms.DetailsForm(hazard=hazard)
        available["note"] = bound.get("note") or forms.NoteForm()
    if (
        hazard.deadline
        and hazard.is_open
        and hazard.state != State.REPORTED
        and user.can(perms.HAZARD_RECTIFY)
        and not hazard.extensions.filter(state=ExtensionState.PENDING).exists()
    ):
        available["extension"] = bound.get("extension") or forms.ExtensionRequestForm()
    if hazard.is_open and user.can(perms.HAZARD_SUPERVISE):
        available["escalate"] = bound.get("escalate") or forms.EscalateForm()
    if hazard.is_major and hazard.is_open and user.can(perms.HAZARD_LIST):
        levels = services.listing_levels_for(user)
        if levels and not hazard.listings.filter(state="listed").exists():
            available["listing"] = bound.get("listing") or forms.ListingForm(levels=levels)
    return available


def _render_detail(request, hazard: Hazard, *, bound=None, status=200, error: str = ""):
    user = request.user
    hazard = selectors.hazard_get(user, hazard.pk)
    context = {
        "hazard": hazard,
        "timeline": selectors.hazard_timeline(hazard),
        "photos": hazard.photos.all(),
        "clauses": hazard.clauses.select_related("document"),
        "extensions": hazard.extensions.select_related("requested_by", "decided_by"),
        "listings": hazard.listings.select_related("listed_by", "signed_off_by"),
        "revisits": hazard.revisits.all(),
        "duplicates": DuplicateCandidate.objects.filter(
            hazard=hazard, state=DuplicateState.OPEN
        ).select_related("other"),
        "merged": hazard.merged.all(),
        "forms": _action_forms(user, hazard, bound),
        "can_supervise": user.can(perms.HAZARD_SUPERVISE),
        "can_list": user.can(perms.HAZARD_LIST),
        "decision_form": forms.ExtensionDecisionForm(),
        "sign_off_form": forms.SignOffForm(),
        "revisit_form": forms.RevisitForm(),
        "error": error,
        "transition_labels": {
            **lifecycle.EVENT_LABELS,
            **{t.name: t.label for t in lifecycle.TRANSITIONS.values()},
        },
    }
    return render(request, "hazards/detail.html", context, status=status)


@require_GET
@requires(perms.HAZARD_VIEW)
def hazard_detail(request, pk: int):
    return _render_detail(request, selectors.hazard_get(request.user, pk))


def _version(form) -> int | None:
    return form.cleaned_data.get("version") if form.is_valid() else None


def _call_register(user, hazard, data, files):
    return services.hazard_register(
        by=user,
        hazard_id=hazard.pk,
        expected_version=data.get("version"),
        grade=data["grade"],
        deadline=data["deadline"],
        owner_name=data["owner_name"],
        owner_phone=data["owner_phone"],
        measures=data["measures"],
        funds=data["funds"],
        contingency_plan=data["contingency_plan"],
        interim_measures=data["interim_measures"],
    )


TRANSITION_FORMS = {
    "register": forms.RegisterForm,
    "start": forms.VersionedForm,
    "submit": forms.SubmitForm,
    "accept": forms.AcceptForm,
    "reject": forms.ReasonForm,
    "close_on_spot": forms.OnSpotForm,
    "void": forms.ReasonForm,
}

TRANSITION_CALLS = {
    "register": _call_register,
    "start": lambda user, hazard, data, files: services.hazard_start(
        by=user, hazard_id=hazard.pk, expected_version=data.get("version")
    ),
    "submit": lambda user, hazard, data, files: services.hazard_submit(
        by=user,
        hazard_id=hazard.pk,
        expected_version=data.get("version"),
        rectification_note=data["rectification_note"],
        photos=data["photos"],
    ),
    "accept": lambda user, hazard, data, files: services.hazard_accept(
        by=user,
        hazard_id=hazard.pk,
        expected_version=data.get("version"),
        acceptance_note=data["acceptance_note"],
        photos=data["photos"],
    ),
    "reject": lambda user, hazard, data, files: services.hazard_reject(
        by=user, hazard_id=hazard.pk, expected_version=data.get("version"), reason=data["reason"]
    ),
    "close_on_spot": lambda user, hazard, data, files: services.hazard_close_on_spot(
        by=user,
        hazard_id=hazard.pk,
        expected_version=data.get("version"),
        rectification_note=data["rectification_note"],
        before_photos=data["before_photos"],
        after_photos=data["after_photos"],
    ),
    "void": lambda user, hazard, data, files: services.hazard_void(
        by=user, hazard_id=hazard.pk, expected_version=data.get("version"), reason=data["reason"]
    ),
}


def _transition_view(name: str):
    transition = lifecycle.TRANSITIONS[name]

    @require_POST
    @requires(transition.action)
    def view(request, pk: int):
        hazard = selectors.hazard_get(request.user, pk)
        form_class = TRANSITION_FORMS[name]
        kwargs = {"hazard": hazard} if form_class is forms.RegisterForm else {}
        form = form_class(request.POST, request.FILES, **kwargs)
        if not form.is_valid():
            return _render_detail(request, hazard, bound={name: form}, status=422)
        try:
            hazard = TRANSITION_CALLS[name](request.user, hazard, form.cleaned_data, request.FILES)
        except ValidationError as error:
            apply_service_errors(form, error)
            return _render_detail(request, hazard, bound={name: form}, status=422)
        except Conflict as error:
            return _render_detail(request, hazard, status=409, error=str(error))
        except NotPermitted as error:
            raise PermissionDenied(str(error)) from None
        messages.success(request, _("已%(t)s：%(n)s") % {"t": transition.label, "n": hazard.number})
        return redirect(hazard)

    view.__name__ = f"hazard_{name}"
    view.__qualname__ = f"hazard_{name}"
    return view


hazard_register = _transition_view("register")
hazard_start = _transition_view("start")
hazard_submit = _transition_view("submit")
hazard_accept = _transition_view("accept")
hazard_reject = _transition_view("reject")
hazard_close_on_spot = _transition_view("close_on_spot")
hazard_void = _transition_view("void")


def _side_action(request, hazard, key: str, form, call, *, done: str):
    """Run a non-state action (photos, extension, listing …) the way a transition runs:
    a refusal re-renders the hazard with the form's Chinese errors (422) or the conflict
    (409); success says ``done`` and returns to the hazard."""
    if not form.is_valid():
        return _render_detail(request, hazard, bound={key: form}, status=422)
    try:
        call(form.cleaned_data)
    except ValidationError as error:
        apply_service_errors(form, error)
        return _render_detail(request, hazard, bound={key: form}, status=422)
    except Conflict as error:
        return _render_detail(request, hazard, status=409, error=str(error))
    except (NotPermitted, OutOfScope) as error:
        raise PermissionDenied(str(error)) from None
    messages.success(request, done)
    return redirect(hazard)


@require_POST
@requires(perms.HAZARD_REPORT, perms.HAZARD_RECTIFY)
def hazard_add_photos(request, pk: int):
    hazard = selectors.hazard_get(request.user, pk)
    form = forms.PhotoForm(request.POST, request.FILES)
    return _side_action(
        request,
        hazard,
        "photos",
        form,
        lambda d: services.hazard_add_photos(
            by=request.user, hazard_id=hazard.pk, stage=d["stage"], photos=d["photos"]
        ),
        done=_("照片已上传"),
    )


@require_POST
@requires(perms.HAZARD_REPORT, perms.HAZARD_RECTIFY)
def hazard_edit(request, pk: int):
    hazard = selectors.hazard_get(request.user, pk)
    form = forms.DetailsForm(request.POST)
    return _side_action(
        request,
        hazard,
        "details",
        form,
        lambda d: services.hazard_update_details(
            by=request.user,
            hazard_id=hazard.pk,
            expected_version=d["version"] or 0,
            data={k: d[k] for k in ("title", "description", "location", "category")},
        ),
        done=_("已更正登记信息"),
    )


@require_POST
@requires(perms.HAZARD_REPORT, perms.HAZARD_RECTIFY)
def hazard_note(request, pk: int):
    hazard = selectors.hazard_get(request.user, pk)
    form = forms.NoteForm(request.POST)
    return _side_action(
        request,
        hazard,
        "note",
        form,
        lambda d: services.hazard_add_note(by=request.user, hazard_id=hazard.pk, note=d["note"]),
        done=_("已补充说明"),
    )


@require_GET
@requires(perms.HAZARD_VIEW)
def hazard_photo(request, pk: int, photo_pk: int):
    """A photo, only for those who may see its hazard (photos are never public files)."""
    hazard = selectors.hazard_get(request.user, pk)
    photo = get_object_or_404(HazardPhoto, pk=photo_pk, hazard=hazard)
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_POST
@requires(perms.HAZARD_SUPERVISE)
def hazard_escalate(request, pk: int):
    hazard = selectors.hazard_get(request.user, pk)
    form = forms.EscalateForm(request.POST)
    return _side_action(
        request,
        hazard,
        "escalate",
        form,
        lambda d: services.hazard_escalate(
            by=request.user, hazard_id=hazard.pk, target=d["target"], note=d["note"]
        ),
        done=_("已发出督促"),
    )


@require_POST
@requires(perms.HAZARD_RECTIFY)
def extension_request(request, pk: int):
    hazard = selectors.hazard_get(request.user, pk)
    form = forms.ExtensionRequestForm(request.POST)
    return _side_action(
        request,
        hazard,
        "extension",
        form,
        lambda d: services.extension_request(
            by=request.user,
            hazard_id=hazard.pk,
            requested_deadline=d["requested_deadline"],
            reason=d["reason"],
        ),
        done=_("延期申请已提交，等待审批"),
    )


@require_POST
@requires(perms.HAZARD_SUPERVISE)
def extension_decide(request, pk: int, extension_pk: int):
    hazard = selectors.hazard_get(request.user, pk)
    get_object_or_404(DeadlineExtension, pk=extension_pk, hazard=hazard)
    form = forms.ExtensionDecisionForm(request.POST)
    return _side_action(
        request,
        hazard,
        "decision",
        form,
        lambda d: services.extension_decide(
            by=request.user,
            extension_id=extension_pk,
            approve=d["approve"],
            reason=d["decision_reason"],
        ),
        done=_("延期申请已审批"),
    )


@require_POST
@requires(perms.HAZARD_LIST)
def listing_create(request, pk: int):
    hazard = selectors.hazard_get(request.user, pk)
    form = forms.ListingForm(request.POST, levels=services.listing_levels_for(request.user))
    return _side_action(
        request,
        hazard,
        "listing",
        form,
        lambda d: services.listing_create(by=request.user, hazard_id=hazard.pk, **d),
        done=_("已挂牌督办"),
    )


@require_POST
@requires(perms.HAZARD_LIST)
def listing_sign_off(request, pk: int, listing_pk: int):
    hazard = selectors.hazard_get(request.user, pk)
    get_object_or_404(SupervisionListing, pk=listing_pk, hazard=hazard)
    form = forms.SignOffForm(request.POST)
    return _side_action(
        request,
        hazard,
        "sign_off",
        form,
        lambda d: services.listing_sign_off(
            by=request.user, listing_id=listing_pk, note=d["sign_off_note"]
        ),
        done=_("已摘牌"),
    )


@require_POST
@requires(perms.HAZARD_LIST)
def revisit_complete(request, pk: int, revisit_pk: int):
    hazard = selectors.hazard_get(request.user, pk)
    get_object_or_404(Revisit, pk=revisit_pk, hazard=hazard)
    form = forms.RevisitForm(request.POST)
    return _side_action(
        request,
        hazard,
        "revisit",
        form,
        lambda d: services.revisit_complete(
            by=request.user, revisit_id=revisit_pk, result=d["result"], note=d["note"]
        ),
        done=_("回头看已记录"),
    )


@require_POST
@requires(perms.HAZARD_SUPERVISE)
def duplicate_merge(request, pk: int, candidate_pk: int):
    hazard = selectors.hazard_get(request.user, pk)
    candidate = get_object_or_404(DuplicateCandidate, pk=candidate_pk, hazard=hazard)
    try:
        keep = services.hazard_merge(
            by=request.user, duplicate_id=hazard.pk, into_id=candidate.other_id
        )
    except Hazard.DoesNotExist:
        raise Http404 from None
    except (ValidationError, Conflict) as error:
        return _render_detail(request, hazard, status=409, error="；".join(_messages(error)))
    messages.success(request, _("已合并到 %(n)s") % {"n": keep.number})
    return redirect(keep)


@require_POST
@requires(perms.HAZARD_SUPERVISE)
def duplicate_dismiss(request, pk: int, candidate_pk: int):
    hazard = selectors.hazard_get(request.user, pk)
    candidate = get_object_or_404(DuplicateCandidate, pk=candidate_pk, hazard=hazard)
    services.duplicate_dismiss(by=request.user, candidate_id=candidate.pk)
    messages.success(request, _("已确认不是重复隐患"))
    return redirect(hazard)


def _messages(error) -> list[str]:
    return list(getattr(error, "messages", [str(error)]))


# --- figures -----------------------------------------------------------------------------------


@require_GET
@requires(perms.HAZARD_VIEW)
def clearing_figures(request):
    from anjian.hazards.figures_page import figures_context

    context = figures_context(request.user, request.GET)
    return render(request, "hazards/figures.html", context)


@require_GET
@requires(perms.HAZARD_VIEW)
def listing_list(request):
    listings = (
        SupervisionListing.objects.filter(hazard__in=selectors.hazard_queryset(request.user))
        .select_related("hazard", "hazard__enterprise")
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
        .select_related("hazard", "hazard__enterprise")
        .order_by("state", "due_on")
    )
    state = request.GET.get("state", "scheduled")
    if state in ("scheduled", "done"):
        revisits = revisits.filter(state=state)
    return render(request, "hazards/revisits.html", {"revisits": revisits[:500], "state": state})


# --- 制度措施清单 -------------------------------------------------------------------------------


def _measures(request):
    measures = selectors.measure_queryset(request.user)
    state = request.GET.get("state", "")
    if state:
        measures = measures.filter(state=state)
    return measures, state


@require_GET
@requires(perms.HAZARD_VIEW)
def measure_list(request):
    from anjian.hazards.models import MeasureState

    measures, state = _measures(request)
    return render(
        request,
        "hazards/measures.html",
        {"measures": measures[:500], "state": state, "states": MeasureState.choices},
    )


@require_GET
@requires(perms.HAZARD_EXPORT)
def measure_export(request):
    from anjian.hazards.ledger import MEASURE_COLUMNS

    measures, _state = _measures(request)
    response = HttpResponse(content_type=XLSX)
    write_ledger(
        response,
        title="制度措施清单",
        columns=MEASURE_COLUMNS,
        objects=measures.iterator(chunk_size=500),
        about=[(_("范围"), str(request.user.scope.label))],
    )
    attachment(response, "制度措施清单.xlsx")
    return response


@require_GET
@requires(perms.HAZARD_VIEW)
def measure_detail(request, pk: int):
    from anjian.core import audit
    from anjian.hazards.models import SystemMeasure

    measure = get_object_or_404(SystemMeasure.objects.for_user(request.user), pk=pk)
    return render(
        request,
        "hazards/measure_detail.html",
        {"measure": measure, "history": audit.history(measure), "hazards": measure.hazards.all()},
    )


@require_http_methods(["GET", "POST"])
@requires(perms.HAZARD_SUPERVISE)
def measure_create(request):
    form = forms.SystemMeasureForm(request.POST or None, user=request.user)
    outcome = submit(
        request, form, lambda data: services.measure_create(by=request.user, data=data)
    )
    if outcome.done:
        messages.success(request, _("已登记制度措施"))
        return redirect("hazards:measure_detail", pk=outcome.result.pk)
    return render(
        request,
        "hazards/measure_form.html",
        {"form": form, "measure": None},
        status=outcome.status,
    )


@require_http_methods(["GET", "POST"])
@requires(perms.HAZARD_SUPERVISE)
def measure_edit(request, pk: int):
    from anjian.hazards.models import SystemMeasure

    measure = get_object_or_404(SystemMeasure.objects.for_user(request.user), pk=pk)
    form = forms.SystemMeasureForm(request.POST or None, instance=measure, user=request.user)
    outcome = submit(
        request,
        form,
        lambda data: services.measure_update(
            by=request.user,
            measure_id=pk,
            data=data,
            expected_version=data.get("version") or 0,
        ),
    )
    if outcome.done:
        messages.success(request, _("已保存"))
        return redirect("hazards:measure_detail", pk=pk)
    return render(
        request,
        "hazards/measure_form.html",
        {"form": form, "measure": SystemMeasure.objects.get(pk=pk)},
        status=outcome.status,
    )


# --- the overdue ladder ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(perms.HAZARD_LIST)
def escalation_rules(request):
    """The overdue ladder in force for the user's districts, and its rungs to edit."""
    from anjian.hazards import sweeps
    from anjian.hazards.models import EscalationRule
    from anjian.regions import selectors as region_selectors
    from anjian.regions.models import Region

    user = request.user
    districts = list(region_selectors.districts_in(user))
    city_wide = is_city_wide(user)  # the city default is offered only to them
    form = forms.EscalationRuleForm(request.POST or None, regions=districts, city_wide=city_wide)
    if request.method == "POST":
        if "remove" in request.POST:
            try:
                services.escalation_rule_remove(by=user, rule_id=int(request.POST["remove"]))
            except (EscalationRule.DoesNotExist, ValueError):
                raise Http404 from None
            except NotPermitted as error:
                raise PermissionDenied(str(error)) from None
            except ValidationError as error:
                raise PermissionDenied("；".join(error.messages)) from None
            messages.success(request, _("已删除督促规则"))
            return redirect("hazards:escalation_rules")
        if form.is_valid():
            data = form.cleaned_data
            region = Region.objects.filter(code=data["region"]).first() if data["region"] else None
            try:
                services.escalation_rule_set(
                    by=user,
                    region=region,
                    grade=data["grade"],
                    target=data["target"],
                    days_overdue=data["days_overdue"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            except NotPermitted as error:
                raise PermissionDenied(str(error)) from None
            else:
                messages.success(request, _("已保存督促规则"))
                return redirect("hazards:escalation_rules")
    codes = [d.code for d in districts]
    rules = EscalationRule.objects.select_related("region").filter(
        Q(region__isnull=True) | Q(region__code__in=codes)
    )
    ladders = [
        {
            "district": district,
            "grades": [
                (label, sweeps.ladder(district=district.code, grade=grade))
                for grade, label in (("general", _("一般隐患")), ("major", _("重大隐患")))
            ],
        }
        for district in districts[:20]
    ]
    return render(
        request,
        "hazards/escalation_rules.html",
        {"form": form, "rules": rules, "ladders": ladders, "city_wide": city_wide},
        status=422 if form.errors else 200,
    )
