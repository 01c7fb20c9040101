"""What every hazard service shares: the scoped lookup, the step on the workflow kernel
with the clearing tally, photos, clauses and the small validation helpers."""

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.exceptions import NotPermitted, ValidationError
from anjian.core.workflow import Step
from anjian.hazards import tally
from anjian.hazards.lifecycle import HAZARD
from anjian.hazards.models import Hazard, HazardPhoto, StandardClause
from anjian.hazards.photos import PreparedPhoto


def _hazard_for_write(by, hazard_id: int) -> Hazard:
    return (
        Hazard.objects.for_user(by)
        .select_related("enterprise", "enterprise__street", "place", "reported_by")
        .get(pk=hazard_id)
    )


# --- a transition on the kernel, with the tally ---------------------------------------------


def _begin(by, hazard_id: int, name: str, expected_version: int | None) -> Step:
    """Load the hazard through the writer's scope (outside it: ``Hazard.DoesNotExist``),
    then ``HAZARD.begin``: role, state (or the replay of the same user's double submit),
    conditions, guards, version. The step carries the hazard's tally contribution before
    the change, for ``_commit``.

    Who may is checked before where from (a refused role or guard is a 403 whatever the
    state), and a condition the hazard itself fails while its state allows the
    transition (即查即改 of a major hazard, voiding a listed one) is answered as a form
    error (422) with its reason, as these services always did."""
    hazard = _hazard_for_write(by, hazard_id)
    transition = HAZARD.transition(name)
    if not by.can(transition.action):
        raise NotPermitted(_("您的角色不能对该隐患执行“%(t)s”") % {"t": transition.label})
    refused = HAZARD.refusal(by, transition, hazard)
    if refused:
        raise NotPermitted(refused)
    if hazard.state in transition.sources:
        for condition in transition.conditions:
            unmet = condition(hazard)
            if unmet:
                raise ValidationError(str(unmet))
    step = HAZARD.begin(by=by, obj=hazard, name=name, expected_version=expected_version)
    step.before = tally.contribution(hazard)
    return step


def _commit(
    step: Step, *, by, fields: Sequence[str] = (), reason: str = "", data=None, effects=()
) -> Hazard:
    """``HAZARD.commit`` (compare-and-set of state and version with ``fields`` as set on
    the hazard, one timeline row, ``effects`` after the commit) and the tally delta, in
    the caller's transaction."""
    hazard = step.obj
    hazard = HAZARD.commit(
        step,
        by=by,
        values={name: getattr(hazard, name) for name in fields},
        reason=reason,
        data=data,
        effects=effects,
    )
    tally.apply(step.before, tally.contribution(hazard))
    return hazard


def _record(hazard: Hazard, *, action: str, by=None, to_state: str = "", reason="", data=None):
    """A timeline row that is no transition (report, edit, note, photo, extension …)."""
    return HAZARD.record_event(
        hazard, action=action, by=by, to_state=to_state, reason=reason, data=data
    )


def _close_facts(hazard: Hazard, closed_at: datetime) -> None:
    hazard.closed_at = closed_at
    closed_day = timezone.localtime(closed_at).date()
    found_day = timezone.localtime(hazard.found_at).date()
    hazard.days_to_close = max(0, (closed_day - found_day).days)
    hazard.closed_on_time = hazard.deadline is None or closed_day <= hazard.deadline


# --- photos, clauses, validation -------------------------------------------------------------


def _store_photos(*, hazard: Hazard, by, stage: str, photos: Sequence[PreparedPhoto]) -> None:
    for photo in photos:
        stored = HazardPhoto(
            hazard=hazard,
            stage=stage,
            sha256=photo.sha256,
            width=photo.width,
            height=photo.height,
            taken_at=photo.taken_at,
            uploaded_by=by,
        )
        stored.image.save(photo.as_file().name, photo.as_file(), save=False)
        stored.save()


def _clauses(ids_or_clauses: Iterable) -> list[StandardClause]:
    ids = [getattr(c, "pk", c) for c in ids_or_clauses or ()]
    clauses = list(
        StandardClause.objects.filter(
            pk__in=ids, is_active=True, document__is_active=True
        ).select_related("document")
    )
    if len(clauses) != len(set(ids)):
        raise ValidationError({"clauses": _("所选判定条款不存在或已停用")})
    return clauses


def _check_text(errors: dict, field: str, value: str, message: str) -> None:
    if not (value or "").strip():
        errors[field] = message


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)
