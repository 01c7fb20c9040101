"""The periodic sweeps of the ledger: reminders before the deadline, the overdue ladder,
revisits of closed hazards. Each step is a plain function of ``today`` that tests call
directly; ``tasks.py`` wraps them for the scheduler (config/schedule.py).

All are idempotent and safe with several workers: a hazard climbs a rung of the ladder,
or is reminded for a deadline, only through a conditional UPDATE that one worker wins;
notifications carry a dedupe key; revisits are unique per hazard.
"""

import zlib
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.hazards import notices
from anjian.hazards.choices import DEADLINE_STATES, EscalationTarget, Grade, State
from anjian.hazards.ladder import DEFAULT_LADDER, RUNG, Rung, ladder, recipients
from anjian.hazards.lifecycle import HAZARD
from anjian.hazards.models import Hazard, Revisit
from anjian.hazards.services.revisits import revisit_schedule
from anjian.regions.levels import district_of

__all__ = [
    "DEFAULT_LADDER",
    "RUNG",
    "Rung",
    "escalate_overdue",
    "ladder",
    "recipients",
    "remind_due",
    "remind_revisits",
    "schedule_revisits",
]


def remind_due(today: date | None = None) -> int:
    """Tell the owner side once per deadline, ``HAZARD_REMIND_DAYS`` before it falls due."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.HAZARD_REMIND_DAYS)
    due = (
        Hazard.objects.filter(state__in=DEADLINE_STATES, deadline__gte=today, deadline__lte=horizon)
        .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=F("deadline")))
        .select_related("enterprise", "place")
    )
    reminded = 0
    for hazard in due.iterator(chunk_size=500):
        with transaction.atomic():
            won = (
                Hazard.objects.filter(pk=hazard.pk, deadline=hazard.deadline)
                .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=F("deadline")))
                .update(reminded_for=hazard.deadline)
            )
            if not won:
                continue
            notices.tell(
                recipients(hazard, EscalationTarget.OWNER),
                hazard,
                title=_("隐患整改%(when)s：%(t)s")
                % {"when": notices.when(hazard.deadline, today), "t": hazard.title},
                detail=_("请按期完成整改并提请验收。"),
                kind="hazard_due",
                event=f"due-{hazard.deadline}",
            )
            reminded += 1
    return reminded


def escalate_overdue(today: date | None = None) -> int:
    """Climb the ladder for every overdue hazard: each rung once, in order, never down."""
    today = today or timezone.localdate()
    overdue = Hazard.objects.filter(
        state__in=DEADLINE_STATES, deadline__lt=today, escalation_level__lt=max(RUNG.values())
    ).select_related("enterprise", "place")
    climbed = 0
    ladders: dict[tuple[str, str], list[Rung]] = {}
    for hazard in overdue.iterator(chunk_size=500):
        key = (district_of(hazard.scope_region_code), hazard.grade)
        if key not in ladders:
            ladders[key] = ladder(district=key[0], grade=key[1])
        days = (today - hazard.deadline).days
        reached = [r for r in ladders[key] if days >= r.days and r.level > hazard.escalation_level]
        if not reached:
            continue
        top = reached[-1]
        with transaction.atomic():
            won = Hazard.objects.filter(
                pk=hazard.pk,
                escalation_level=hazard.escalation_level,
                deadline=hazard.deadline,
                state__in=DEADLINE_STATES,
            ).update(escalation_level=top.level)
            if not won:
                continue
            # One notice per person: whoever holds two of the rungs reached today reads it once.
            told: dict[int, object] = {}
            for rung in reached:
                rung_users = recipients(hazard, rung.target)
                told.update((user.pk, user) for user in rung_users)
                HAZARD.record_event(
                    hazard,
                    action="escalate",
                    reason=_("逾期%(d)s天，督促%(who)s")
                    % {"d": days, "who": EscalationTarget(rung.target).label},
                    data={"level": rung.level, "target": rung.target, "told": len(rung_users)},
                )
            notices.tell(
                told.values(),
                hazard,
                title=_("隐患逾期%(d)s天未整改：%(t)s") % {"d": days, "t": hazard.title},
                detail=_("整改期限 %(dl)s，已督促%(who)s。")
                % {
                    "dl": hazard.deadline,
                    "who": "、".join(str(EscalationTarget(r.target).label) for r in reached),
                },
                kind="hazard_overdue",
                event=f"overdue-{hazard.deadline}-{top.level}",
            )
            climbed += 1
    return climbed


def _sampled(hazard_id: int) -> bool:
    """A stable draw (the same hazard is always in or out): CRC32 of its id, per cent."""
    return zlib.crc32(str(hazard_id).encode()) % 100 < settings.HAZARD_REVISIT_SAMPLE_PERCENT


def schedule_revisits(today: date | None = None) -> int:
    """Every closed major hazard gets a revisit; so does a stable sample of general ones."""
    today = today or timezone.localdate()
    since = today - timedelta(days=settings.HAZARD_REVISIT_DAYS)
    closed = Hazard.objects.filter(
        state=State.CLOSED, closed_at__date__gte=since, revisits__isnull=True
    )
    scheduled = 0
    for hazard in closed.iterator(chunk_size=500):
        major = hazard.grade == Grade.MAJOR
        if not major and not _sampled(hazard.pk):
            continue
        with transaction.atomic():
            if revisit_schedule(hazard=hazard, sampled=not major):
                scheduled += 1
    return scheduled


def remind_revisits(today: date | None = None) -> int:
    """Tell the district's supervisors about revisits falling due within 30 days."""
    today = today or timezone.localdate()
    due = Revisit.objects.filter(
        state="scheduled", due_on__lte=today + timedelta(days=30)
    ).select_related("hazard", "hazard__enterprise", "hazard__place")
    told = 0
    for revisit in due.iterator(chunk_size=500):
        told += notices.tell(
            recipients(revisit.hazard, EscalationTarget.COMMITTEE),
            revisit.hazard,
            title=_("隐患回头看%(when)s：%(t)s")
            % {"when": notices.when(revisit.due_on, today), "t": revisit.hazard.title},
            detail=_("该隐患已于 %(d)s 验收销号，请按期回头看，核查整改效果是否巩固。")
            % {"d": timezone.localdate(revisit.hazard.closed_at).isoformat()}
            if revisit.hazard.closed_at
            else "",
            kind="hazard_revisit_due",
            event=f"revisit-{revisit.pk}-{'past' if revisit.due_on < today else 'coming'}",
        )
    return told
