"""The hazard page and what can be done on it. Thin: selectors read, services write,
forms validate; what is offered comes from the lifecycle (``HAZARD.available``).

Every transition is a POST to ``/hazards/<id>/<verb>/``; a refused one re-renders the
hazard page with the form and its Chinese errors (422), a conflict with the reason (409).
"""

from functools import partial

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anjian.core.access import requires
from anjian.core.forms import submit_on_page
from anjian.hazards import forms, lifecycle, selectors, services
from anjian.hazards import permissions as perms
from anjian.hazards.choices import DuplicateState
from anjian.hazards.lifecycle import HAZARD
from anjian.hazards.models import DuplicateCandidate, Hazard, HazardPhoto

# --- detail and its actions ------------------------------------------------------------------


def _form_for(name: str, user, hazard: Hazard):
    """The empty form for what ``name`` asks of the user on this hazard."""
    if name == "register":
        return forms.RegisterForm(hazard=hazard)
    if name in TRANSITION_FORMS:
        return TRANSITION_FORMS[name](initial={"version": hazard.version})
    if name == "details":
        return forms.DetailsForm(hazard=hazard)
    if name == "listing":
        return forms.ListingForm(levels=lifecycle.listing_levels_for(user))
    return OPERATION_FORMS[name]()


def _action_forms(user, hazard: Hazard, actions, bound: dict | None = None) -> dict:
    """The forms of the action panel (name → form, a bound one after a refused POST) for
    what the user may do on this hazard now (``HAZARD.available``). The decisions on an
    extension, a listing, a revisit or a duplicate are offered where those are shown."""
    bound = bound or {}
    available = {}
    for action in actions:
        name = action.name
        if name not in TRANSITION_FORMS and name not in OPERATION_FORMS:
            continue
        available[name] = bound.get(name) or _form_for(name, user, hazard)
    if "photos" in available:
        available["photos"].offer(lifecycle.photo_stages(user, hazard))
    return available


# The steps that move a hazard on, in the order the page looks for them: the first one this
# user may take now is the page's primary action (shown first, open); the rest of what they
# may do goes under 更多操作. A state has at most one of the main line (上账, 开始整改, 提请
# 验收, 验收销号); 即查即改 and 督促 lead only when none of it is the user's.
NEXT_STEPS = ("register", "start", "submit", "accept", "close_on_spot", "escalate")


def _next_step(offered) -> str | None:
    """The action this user must take next (the first of ``NEXT_STEPS`` on offer), or None."""
    return next((name for name in NEXT_STEPS if name in offered), None)


def _render_detail(request, hazard: Hazard, *, bound=None, status=200, error: str = ""):
    user = request.user
    hazard = selectors.hazard_get(user, hazard.pk)
    actions = HAZARD.available(user, hazard)
    action_forms = _action_forms(user, hazard, actions, bound)
    primary = _next_step(action_forms)
    secondary = [name for name in action_forms if name != primary]
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
        "forms": action_forms,
        "primary": primary,
        "secondary": secondary,
        # A refused secondary action shows its form again, with the errors, unfolded.
        "more_open": any(name in (bound or {}) for name in secondary),
        "actions": {action.name for action in actions},
        "can_supervise": user.can(perms.HAZARD_SUPERVISE),
        "decision_form": forms.ExtensionDecisionForm(),
        "sign_off_form": forms.SignOffForm(),
        "revisit_form": forms.RevisitForm(),
        "error": error,
        "transition_labels": HAZARD.labels(),
    }
    return render(request, "hazards/detail.html", context, status=status)


@require_GET
@requires(perms.HAZARD_VIEW)
def hazard_detail(request, pk: int):
    return _render_detail(request, selectors.hazard_get(request.user, pk))


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
# The operations of the action panel (``details`` and ``listing`` take arguments).
OPERATION_FORMS = {
    "photos": forms.PhotoForm,
    "details": forms.DetailsForm,
    "note": forms.NoteForm,
    "extension": forms.ExtensionRequestForm,
    "escalate": forms.EscalateForm,
    "listing": forms.ListingForm,
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
    transition = HAZARD.transition(name)

    @require_POST
    @requires(transition.action)
    def view(request, pk: int):
        hazard = selectors.hazard_get(request.user, pk)
        form_class = TRANSITION_FORMS[name]
        kwargs = {"hazard": hazard} if form_class is forms.RegisterForm else {}
        return _side_action(
            request,
            hazard,
            name,
            form_class(request.POST, request.FILES, **kwargs),
            lambda data: TRANSITION_CALLS[name](request.user, hazard, data, request.FILES),
            done=lambda result: _("已%(t)s：%(n)s") % {"t": transition.label, "n": result.number},
        )

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


def _side_action(request, hazard, key: str, form, call, *, done):
    """Run an action posted from the hazard page (``submit_on_page``): a refusal re-renders
    the hazard with the form's Chinese errors (422), a conflict with its reason (409);
    success says ``done`` (a text, or a function of the result) and returns to the hazard."""

    def answer(result):
        messages.success(request, done(result) if callable(done) else done)
        return redirect(hazard)

    return submit_on_page(
        request,
        form,
        call,
        show=partial(_render_detail, request, hazard),
        name=key,
        answer=answer,
    )


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
