"""The periodic sweeps of the ledger: reminders before the deadline, the overdue ladder,
revisits of closed hazards. Each step is a plain function of ``today`` that tests call
directly; ``tasks.py`` wraps them for the scheduler (config/schedule.py).

All are idempotent and safe with several workers: a hazard climbs a rung of the ladder,
or is reminded for a deadline, only through a conditional UPDATE that one worker wins;
notifications carry a dedupe key; revisits are unique per hazard.
"""

import zlib
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.core.notifications import notify
from anjian.hazards.choices import DEADLINE_STATES, EscalationTarget, Grade, State
from anjian.hazards.models import EscalationRule, Hazard, HazardTransition, Revisit

# The ladder's rungs in order; a hazard's escalation_level is the highest rung reached.
RUNG = {EscalationTarget.OWNER: 1, EscalationTarget.DEPARTMENT: 2, EscalationTarget.COMMITTEE: 3}

# Used when no rule is configured at all (the data migration seeds the same).
DEFAULT_LADDER = {
    Grade.GENERAL: (
        (0, EscalationTarget.OWNER),
        (3, EscalationTarget.DEPARTMENT),
        (7, EscalationTarget.COMMITTEE),
    ),
    Grade.MAJOR: (
        (0, EscalationTarget.OWNER),
        (1, EscalationTarget.DEPARTMENT),
        (3, EscalationTarget.COMMITTEE),
    ),
}


@dataclass(frozen=True)
class Rung:
    days: int
    target: str

    @property
    def level(self) -> int:
        return RUNG[self.target]

    @property
    def target_label(self) -> str:
        return str(EscalationTarget(self.target).label)


def ladder(*, district: str, grade: str) -> list[Rung]:
    """The rungs that apply to a hazard of ``grade`` under ``district``: the district's own
    rules if it has any, else the city-wide ones, else the built-in default."""
    rules = EscalationRule.objects.filter(grade__in=(grade, ""))
    own = [r for r in rules if r.region_id and district.startswith(r.region_id)]
    chosen = own or [r for r in rules if r.region_id is None]
    if not chosen:
        return [Rung(days, target) for days, target in DEFAULT_LADDER[grade or Grade.GENERAL]]
    # A grade-specific rule replaces the any-grade rule for the same target.
    by_target: dict[str, EscalationRule] = {}
    for rule in sorted(chosen, key=lambda r: r.grade == ""):
        by_target.setdefault(rule.target, rule)
    return sorted(
        (Rung(r.days_overdue, r.target) for r in by_target.values()), key=lambda r: r.level
    )


def recipients(hazard: Hazard, target: str) -> list[User]:
    """Who a rung tells: the enterprise's own users; the supervising department's users;
    the district's comprehensive supervisors (安委办/应急局). Only users who can see it."""
    if target == EscalationTarget.OWNER:
        users = User.objects.filter(enterprise_link__enterprise_id=hazard.enterprise_id)
    elif target == EscalationTarget.DEPARTMENT:
        department_id = hazard.enterprise.supervising_department_id
        if department_id is None:
            return []
        users = User.objects.filter(department_id=department_id).exclude(role=Role.LEADER)
    else:
        users = User.objects.filter(role=Role.SUPERVISOR, region_id=hazard.scope_region_code[:6])
    return [
        user
        for user in users.filter(is_active=True)
        if Hazard.objects.for_user(user).filter(pk=hazard.pk).exists()
    ]


def remind_due(today: date | None = None) -> int:
    """Tell the owner side once per deadline, ``HAZARD_REMIND_DAYS`` before it falls due."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.HAZARD_REMIND_DAYS)
    due = (
        Hazard.objects.filter(state__in=DEADLINE_STATES, deadline__gte=today, deadline__lte=horizon)
        .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=F("deadline")))
        .select_related("enterprise")
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
            notify(
                users=recipients(hazard, EscalationTarget.OWNER),
                title=_("隐患整改即将到期：%(t)s") % {"t": hazard.title},
                body=_("整改期限 %(d)s，请按期完成整改并提请验收。") % {"d": hazard.deadline},
                url=hazard.get_absolute_url(),
                kind="hazard_due",
                dedupe_key=f"hazard-due-{hazard.pk}-{hazard.deadline}",
            )
            reminded += 1
    return reminded


def escalate_overdue(today: date | None = None) -> int:
    """Climb the ladder for every overdue hazard: each rung once, in order, never down."""
    today = today or timezone.localdate()
    overdue = Hazard.objects.filter(
        state__in=DEADLINE_STATES, deadline__lt=today, escalation_level__lt=max(RUNG.values())
    ).select_related("enterprise")
    climbed = 0
    ladders: dict[tuple[str, str], list[Rung]] = {}
    for hazard in overdue.iterator(chunk_size=500):
        key = (hazard.scope_region_code[:6], hazard.grade)
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
            for rung in reached:
                told = recipients(hazard, rung.target)
                notify(
                    users=told,
                    title=_("隐患逾期%(d)s天未整改：%(t)s") % {"d": days, "t": hazard.title},
                    body=_("%(e)s · %(n)s · 整改期限 %(dl)s")
                    % {"e": hazard.enterprise.name, "n": hazard.number, "dl": hazard.deadline},
                    url=hazard.get_absolute_url(),
                    kind="hazard_overdue",
                    dedupe_key=f"hazard-overdue-{hazard.pk}-{hazard.deadline}-{rung.level}",
                )
                HazardTransition.objects.create(
                    hazard=hazard,
                    action="escalate",
                    reason=_("逾期%(d)s天，督促%(who)s")
                    % {"d": days, "who": EscalationTarget(rung.target).label},
                    data={"level": rung.level, "target": rung.target, "told": len(told)},
                )
            climbed += 1
    return climbed


def _sampled(hazard_id: int) -> bool:
    """A stable draw (the same hazard is always in or out): CRC32 of its id, per cent."""
    return zlib.crc32(str(hazard_id).encode()) % 100 < settings.HAZARD_REVISIT_SAMPLE_PERCENT


def schedule_revisits(today: date | None = None) -> int:
    """Every closed major hazard gets a revisit; so does a stable sample of general ones."""
    from anjian.hazards.services import revisit_schedule

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
    ).select_related("hazard", "hazard__enterprise")
    told = 0
    for revisit in due.iterator(chunk_size=500):
        told += notify(
            users=recipients(revisit.hazard, EscalationTarget.COMMITTEE),
            title=_("隐患回头看将于 %(d)s 到期：%(t)s")
            % {"d": revisit.due_on, "t": revisit.hazard.title},
            url=revisit.hazard.get_absolute_url(),
            kind="hazard_revisit_due",
            dedupe_key=f"hazard-revisit-{revisit.pk}",
        )
    return told
