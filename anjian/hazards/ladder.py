"""The overdue ladder: its rungs, the rules that apply to a hazard, and who each rung tells.

Read by the sweep (``sweeps.escalate_overdue``, climbing the ladder as days pass), by the
督促 service (``services.hazard_escalate``, pressing a rung by hand) and by the ladder's
page; it writes nothing, so both sides import it without importing each other.
"""

from dataclasses import dataclass

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.hazards import notices
from anjian.hazards.choices import EscalationTarget, Grade
from anjian.hazards.models import EscalationRule, Hazard
from anjian.regions.levels import district_of

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
        if hazard.place_id:  # a public place: who does the owner's work for it
            return notices.owner_side(hazard)
        users = User.objects.filter(enterprise_link__enterprise_id=hazard.enterprise_id)
    elif target == EscalationTarget.DEPARTMENT:
        department_id = notices.department_id(hazard)
        if department_id is None:
            return []
        users = User.objects.filter(department_id=department_id).exclude(role=Role.LEADER)
    else:
        users = User.objects.filter(
            role=Role.SUPERVISOR, region_id=district_of(hazard.scope_region_code)
        )
    return [
        user
        for user in users.filter(is_active=True)
        if Hazard.objects.for_user(user).filter(pk=hazard.pk).exists()
    ]
