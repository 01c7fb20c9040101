"""Scoped reads of 应急预案: the list with its filters, one plan for a page or a write, and
the figures (预案备案率, plans overdue for filing or assessment, revision due) — each
figure carries the query parameters that open exactly the plans it counts on the list
(``plans(user, **figure.filter)``)."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from anjian.core.exceptions import OutOfScope
from anjian.emergency.choices import OwnerKind, PlanType
from anjian.emergency.models import IN_FORCE_STATES, EmergencyPlan, PlanState

# Published and not yet accepted for filing: the filing deadline runs.
AWAITING_FILING = (PlanState.PUBLISHED, PlanState.SUBMITTED, PlanState.RETURNED)


def visible_plans(user) -> QuerySet[EmergencyPlan]:
    return EmergencyPlan.objects.for_user(user)


def plan_for_read(user, plan_id: int) -> EmergencyPlan:
    found = (
        visible_plans(user)
        .select_related("region", "department", "enterprise", "previous", "created_by")
        .filter(pk=plan_id)
        .first()
    )
    if found is None:
        raise OutOfScope()
    return found


def plan_for_write(user, plan_id, *, field: str | None = None) -> EmergencyPlan:
    """The plan through ``user``'s scope, locked until the transaction ends."""
    found = (
        visible_plans(user)
        .select_for_update(of=("self",))
        .filter(pk=getattr(plan_id, "pk", plan_id))
        .first()
    )
    if found is None:
        raise OutOfScope(field=field)
    return found


def _day(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def _many(value) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def filter_plans(found: QuerySet[EmergencyPlan], **filters) -> QuerySet[EmergencyPlan]:
    """The list's query parameters (unknown or malformed values are ignored):

    - ``state`` (repeatable), ``in_force=1`` (published, submitted, returned or filed);
    - ``filing_overdue=<date>``: published and not filed, with the deadline before that day;
    - ``filed_late=1``: filed after the filing deadline;
    - ``assessment_overdue=<date>``: in force, next assessment due before that day;
    - ``revision_due=1``: in force, a revision trigger or an assessment asks for revision;
    - ``owner_kind``, ``plan_type``, ``enterprise`` (id), ``region`` (code prefix),
      ``previous`` (id: its revisions), ``q`` (number, title).
    """
    states = [s for s in _many(filters.get("state")) if s in PlanState.values]
    if states:
        found = found.filter(state__in=states)
    if str(filters.get("in_force") or "") == "1":
        found = found.filter(state__in=IN_FORCE_STATES)
    day = _day(filters.get("filing_overdue"))
    if day is not None:
        found = found.filter(state__in=AWAITING_FILING, filing_due_on__lt=day)
    if str(filters.get("filed_late") or "") == "1":
        found = found.filter(filed_on__gt=F("filing_due_on"))
    day = _day(filters.get("assessment_overdue"))
    if day is not None:
        found = found.filter(state__in=IN_FORCE_STATES, assessment_due_on__lt=day)
    if str(filters.get("revision_due") or "") == "1":
        found = found.filter(state__in=IN_FORCE_STATES, revision_due=True)
    if filters.get("owner_kind") in OwnerKind.values:
        found = found.filter(owner_kind=filters["owner_kind"])
    types = [t for t in _many(filters.get("plan_type")) if t in PlanType.values]
    if types:
        found = found.filter(plan_type__in=types)
    for name in ("enterprise", "previous"):
        value = str(filters.get(name) or "")
        if value.isdigit():
            found = found.filter(**{f"{name}_id": int(value)})
    region = str(filters.get("region") or "").strip()
    if region.isdigit():
        found = found.filter(scope_region_code__startswith=region)
    query = str(filters.get("q") or "").strip()
    if query:
        found = found.filter(Q(number__icontains=query) | Q(title__icontains=query))
    return found


def plans(user, **filters) -> QuerySet[EmergencyPlan]:
    """The plans ``user`` sees, filtered by the list's query parameters (``filter_plans``)."""
    return filter_plans(visible_plans(user), **filters).select_related(
        "region", "department", "enterprise"
    )


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    count: int
    filter: dict[str, str]  # the list's query parameters that open exactly these plans


@dataclass(frozen=True)
class Rate:
    key: str
    label: str
    numerator: Figure
    denominator: Figure

    @property
    def percent(self) -> Decimal | None:
        """The rate in per cent, one decimal; None when nothing is counted."""
        if not self.denominator.count:
            return None
        value = Decimal(self.numerator.count * 100) / Decimal(self.denominator.count)
        return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def filter(self) -> dict[str, str]:
        return self.numerator.filter


def plan_figures(user, *, today: date) -> dict[str, Figure | Rate]:
    """The plans' figures in ``user``'s scope on ``today``, counted in one query:
    ``in_force``, ``filed`` and their ``filing_rate`` (预案备案率: filed ÷ in force — every
    plan in force had to be filed within 20 working days of publication), ``filing_overdue``,
    ``filed_late``, ``assessment_overdue`` and ``revision_due``."""
    in_force = Q(state__in=IN_FORCE_STATES)
    counts = visible_plans(user).aggregate(
        in_force=Count("pk", filter=in_force),
        filed=Count("pk", filter=Q(state=PlanState.FILED)),
        filing_overdue=Count("pk", filter=Q(state__in=AWAITING_FILING, filing_due_on__lt=today)),
        filed_late=Count("pk", filter=Q(filed_on__gt=F("filing_due_on"))),
        assessment_overdue=Count("pk", filter=in_force & Q(assessment_due_on__lt=today)),
        revision_due=Count("pk", filter=in_force & Q(revision_due=True)),
    )
    day = today.isoformat()
    figures = {
        "in_force": Figure("in_force", _("现行预案"), counts["in_force"], {"in_force": "1"}),
        "filed": Figure("filed", _("已备案"), counts["filed"], {"state": PlanState.FILED}),
        "filing_overdue": Figure(
            "filing_overdue",
            _("逾期未备案"),
            counts["filing_overdue"],
            {"filing_overdue": day},
        ),
        "filed_late": Figure(
            "filed_late", _("超期备案"), counts["filed_late"], {"filed_late": "1"}
        ),
        "assessment_overdue": Figure(
            "assessment_overdue",
            _("逾期未评估"),
            counts["assessment_overdue"],
            {"assessment_overdue": day},
        ),
        "revision_due": Figure(
            "revision_due", _("需修订"), counts["revision_due"], {"revision_due": "1"}
        ),
    }
    figures["filing_rate"] = Rate(
        "filing_rate", _("预案备案率"), figures["filed"], figures["in_force"]
    )
    return figures
