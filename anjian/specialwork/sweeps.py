"""The permits' sweep that runs by itself (declared in config/schedule.py): a permit still
pending, approved, at work or paused once its validity has passed becomes 已过期
(``lifecycle`` internal transition ``expire``), each in its own transaction with the row
locked (``SKIP LOCKED``: several workers may run it; a permit someone is writing is taken
next time), its applicant and enterprise told after the commit. Idempotent: an expired
permit is no longer live, so a repeated run finds nothing."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from anjian.specialwork import notices
from anjian.specialwork.choices import LIVE_STATES
from anjian.specialwork.lifecycle import PERMIT
from anjian.specialwork.models import Permit, PermitTransition

BATCH = 500


def expire_permits(now: datetime | None = None) -> int:
    """Expire every live permit whose validity ended before ``now``; how many."""
    now = now or timezone.now()
    due = list(
        Permit.objects.filter(state__in=LIVE_STATES, valid_until__lte=now)
        .order_by("valid_until", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    expired = 0
    for pk in due:
        expired += _expire(pk, now)
    return expired


@transaction.atomic
def _expire(pk: int, now: datetime) -> int:
    permit = (
        Permit.objects.select_for_update(skip_locked=True)
        .filter(pk=pk, state__in=LIVE_STATES, valid_until__lte=now)
        .first()
    )
    if permit is None:
        return 0
    step = PERMIT.internal(permit, "expire")
    PERMIT.commit(step, by=None, values={"ended_at": now, "paused_at": None})
    PermitTransition.objects.filter(permit=permit, action="expire").update(at=now)
    transaction.on_commit(lambda: notices.expired(pk))
    return 1
