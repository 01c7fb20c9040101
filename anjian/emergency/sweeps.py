"""The plans' and drills' reminders that run by themselves (declared in config/schedule.py,
idempotent: each notice has its dedupe key, so a repeated or missed run does no harm).

- ``remind_filing``: a plan published (or returned) whose filing deadline is within three
  working days or past → its keepers, once per deadline and stage; a plan submitted and
  still not filed past its deadline → the filing authority, once.
- ``remind_assessment``: a plan in force whose assessment is due within 30 days or past →
  its keepers, once per due day and stage.
- ``remind_drill_problems``: an improvement task past its day → the drill's keepers, once
  per task and day.
- ``remind_drills_owed``: in the last 30 days of a half-year (and so of the year and the
  biennium), a unit still without a drill it owes for that period → the unit's keepers,
  once per unit and period end (naming every rule still owed).
"""

from datetime import date, timedelta

from django.utils import timezone

from anjian.core import workdays
from anjian.emergency import compliance as rules
from anjian.emergency import notices
from anjian.emergency.choices import TaskState
from anjian.emergency.models import (
    IN_FORCE_STATES,
    Drill,
    DrillProblem,
    DrillState,
    EmergencyPlan,
    PlanState,
)
from anjian.emergency.selectors_drills import unit_rows

FILING_SOON_WORKING_DAYS = 3
ASSESSMENT_SOON = timedelta(days=30)


def filing_horizon(today: date) -> date:
    """The last deadline that is "due soon" today: three working days on. Where the
    calendar does not reach that far yet, a week on — a reminder a little early does no
    harm; the deadline itself was counted (never guessed) when the plan was published."""
    try:
        return workdays.add_working_days(today, FILING_SOON_WORKING_DAYS)
    except workdays.CalendarNotCovered:
        return today + timedelta(days=7)


def remind_filing(today: date | None = None) -> int:
    today = today or timezone.localdate()
    told = 0
    waiting = EmergencyPlan.objects.filter(
        state__in=(PlanState.PUBLISHED, PlanState.RETURNED),
        filing_due_on__lte=filing_horizon(today),
    ).select_related("created_by", "enterprise", "department", "region")
    for plan in waiting:
        told += notices.filing_due(plan, overdue=plan.filing_due_on < today)
    with_authority = EmergencyPlan.objects.filter(
        state=PlanState.SUBMITTED, filing_due_on__lt=today
    ).select_related("created_by", "enterprise", "department", "region")
    for plan in with_authority:
        told += notices.filing_waits(plan)
    return told


def remind_assessment(today: date | None = None) -> int:
    today = today or timezone.localdate()
    told = 0
    due = EmergencyPlan.objects.filter(
        state__in=IN_FORCE_STATES, assessment_due_on__lte=today + ASSESSMENT_SOON
    ).select_related("created_by", "enterprise")
    for plan in due:
        told += notices.assessment_due(plan, overdue=plan.assessment_due_on < today)
    return told


def remind_drill_problems(today: date | None = None) -> int:
    today = today or timezone.localdate()
    late = DrillProblem.objects.filter(
        state=TaskState.OPEN, due_on__lt=today, drill__state=DrillState.EVALUATED
    ).select_related("drill__created_by")
    return sum(notices.problem_overdue(problem) for problem in late)


def _keepers(key: str) -> list:
    kind, _sep, value = key.partition(":")
    if kind == "enterprise":
        return notices.unit_keepers(kind=kind, enterprise_id=int(value))
    if kind == "department":
        return notices.unit_keepers(kind=kind, department_id=int(value))
    return notices.unit_keepers(kind=kind, region_code=value)


def remind_drills_owed(today: date | None = None) -> int:
    today = today or timezone.localdate()
    if not any(
        period.end - rules.REMIND_BEFORE <= today <= period.end
        for period in rules.half_years(today.year)
    ):
        return 0
    told = 0
    rows = unit_rows(EmergencyPlan.objects.all(), Drill.objects.all(), year=today.year, today=today)
    for row in rows:
        owed = rules.closing_soon(row.result, today)
        if not owed:
            continue
        keepers = _keepers(row.key)
        by_end: dict[date, list] = {}
        for check in owed:
            by_end.setdefault(check.period.end, []).append(check)
        for checks in by_end.values():
            told += notices.drills_owed(keepers, unit_key=row.key, name=row.name, checks=checks)
    return told
