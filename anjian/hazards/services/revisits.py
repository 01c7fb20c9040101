"""回头看: every closed major hazard (and a sample of general ones) is checked again
within a year; a relapse is recorded as a new hazard linked to the revisit."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.exceptions import Conflict
from anjian.hazards.choices import RevisitResult, RevisitState, Source
from anjian.hazards.lifecycle import HAZARD
from anjian.hazards.models import Hazard, Revisit
from anjian.hazards.services.common import _check_text, _hazard_for_write, _raise, _record
from anjian.hazards.services.report import hazard_report


def revisit_schedule(*, hazard: Hazard, sampled: bool = False) -> Revisit | None:
    """Schedule the one revisit of a closed hazard (idempotent: the second call does nothing)."""
    closed_day = timezone.localtime(hazard.closed_at).date()
    revisit, created = Revisit.objects.get_or_create(
        hazard=hazard,
        defaults={
            "due_on": closed_day + timedelta(days=settings.HAZARD_REVISIT_DAYS),
            "sampled": sampled,
        },
    )
    return revisit if created else None


@transaction.atomic
def revisit_complete(*, by, revisit_id: int, result: str, note: str) -> Revisit:
    """Record the revisit (the ``revisit`` operation); a relapse is recorded as a new
    hazard linked to this revisit."""
    revisit = Revisit.objects.select_related("hazard", "hazard__enterprise").get(pk=revisit_id)
    hazard = _hazard_for_write(by, revisit.hazard_id)
    HAZARD.check_operation(by, "revisit", hazard)
    errors: dict = {}
    if result not in (RevisitResult.SUSTAINED, RevisitResult.RELAPSED):
        errors["result"] = _("请选择回头看结论")
    _check_text(errors, "note", note, _("请填写回头看情况"))
    _raise(errors)
    updated = Revisit.objects.filter(pk=revisit.pk, state=RevisitState.SCHEDULED).update(
        state=RevisitState.DONE,
        result=result,
        note=note.strip(),
        done_by=by,
        done_at=timezone.now(),
    )
    if updated == 0:
        raise Conflict(_("该回头看已完成"))
    _record(hazard, action="revisit", by=by, reason=note.strip(), data={"result": result})
    revisit.refresh_from_db()
    if result == RevisitResult.RELAPSED:
        hazard_report(
            by=by,
            enterprise=hazard.enterprise,
            place=hazard.place,
            source=Source.OTHER,
            title=(_("回头看发现反弹：%(t)s") % {"t": hazard.title})[:120],
            description=note.strip(),
            location=hazard.location,
            clauses=hazard.clauses.all(),
            source_object=revisit,
            flag_duplicates=False,
        )
    return revisit
