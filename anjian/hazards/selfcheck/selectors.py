"""Reads of check plans and records, always through the user's scope; which plans are due.

A plan is *due* when it is active, periodic, and nobody has recorded a check of it in the
current period of its frequency: daily → today, weekly → this ISO week (from Monday),
monthly → this calendar month, all in local time (Asia/Shanghai). Special (专项) plans
are run when needed and are never due.
"""

from datetime import datetime, timedelta

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from anjian.hazards.choices import OPEN_STATES, CheckFrequency, StandardDomain
from anjian.hazards.models import (
    CheckItem,
    CheckPlan,
    CheckRecord,
    CheckResult,
    Hazard,
    StandardClause,
)

PERIODIC = (CheckFrequency.DAILY, CheckFrequency.WEEKLY, CheckFrequency.MONTHLY)
# Standards that apply to key-object flags beyond the industries they list.
FLAG_DOMAINS = {StandardDomain.FIRE: ("fire_key_unit", "crowded_place")}


# --- periods ---------------------------------------------------------------------------------


def period_start(frequency: str, now: datetime | None = None) -> datetime | None:
    """Local midnight at which the current period of ``frequency`` began (None: not periodic)."""
    local = timezone.localtime(now or timezone.now())
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if frequency == CheckFrequency.DAILY:
        return midnight
    if frequency == CheckFrequency.WEEKLY:
        return midnight - timedelta(days=local.isoweekday() - 1)
    if frequency == CheckFrequency.MONTHLY:
        return midnight.replace(day=1)
    return None


def _done_since(start: datetime) -> Exists:
    return Exists(CheckRecord.objects.filter(plan=OuterRef("pk"), performed_at__gte=start))


def due_condition(now: datetime | None = None) -> Q:
    """The filter for plans not yet checked in their current period."""
    periods = Q(pk__in=[])
    for frequency in PERIODIC:
        periods |= Q(frequency=frequency) & ~_done_since(period_start(frequency, now))
    return Q(is_active=True) & periods


def _with_figures(queryset: QuerySet, now: datetime | None) -> QuerySet:
    last = CheckRecord.objects.filter(plan=OuterRef("pk")).order_by("-performed_at")
    items = (
        CheckItem.objects.active()
        .filter(plan=OuterRef("pk"))
        .order_by()
        .values("plan")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        is_due=Case(
            When(due_condition(now), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        last_performed_at=Subquery(last.values("performed_at")[:1]),
        item_count=Coalesce(Subquery(items, output_field=IntegerField()), 0),
    )


# --- plans -----------------------------------------------------------------------------------


def plan_queryset(user) -> QuerySet[CheckPlan]:
    return CheckPlan.objects.for_user(user)


def plan_list(
    user,
    *,
    enterprise_id: int | None = None,
    include_inactive: bool = False,
    now: datetime | None = None,
) -> QuerySet[CheckPlan]:
    """Plans the user may see, with ``is_due``, ``last_performed_at`` and ``item_count``;
    due ones first."""
    queryset = plan_queryset(user).select_related("enterprise")
    if enterprise_id is not None:
        queryset = queryset.filter(enterprise_id=enterprise_id)
    if not include_inactive:
        queryset = queryset.filter(is_active=True)
    return _with_figures(queryset, now).order_by(
        "-is_active", "-is_due", "enterprise__name", "name", "pk"
    )


def plans_due(
    user, *, enterprise_id: int | None = None, now: datetime | None = None
) -> QuerySet[CheckPlan]:
    """Active periodic plans in the user's scope not yet checked in their current period."""
    return plan_list(user, enterprise_id=enterprise_id, now=now).filter(is_due=True)


def plan_get(user, pk: int, *, now: datetime | None = None) -> CheckPlan:
    """The plan (with its items and figures) if the user may see it; 404 otherwise."""
    queryset = _with_figures(plan_queryset(user), now).select_related(
        "enterprise", "enterprise__industry", "created_by"
    )
    plan = get_object_or_404(queryset, pk=pk)
    plan.item_list = list(plan.items.active().select_related("clause", "clause__document"))
    return plan


# --- records ---------------------------------------------------------------------------------


def record_queryset(user) -> QuerySet[CheckRecord]:
    return CheckRecord.objects.for_user(user)


def record_list(
    user, *, plan_id: int | None = None, enterprise_id: int | None = None
) -> QuerySet[CheckRecord]:
    """Records the user may see, newest first, with result and failed counts."""
    queryset = record_queryset(user).select_related("plan", "enterprise", "performed_by")
    if plan_id is not None:
        queryset = queryset.filter(plan_id=plan_id)
    if enterprise_id is not None:
        queryset = queryset.filter(enterprise_id=enterprise_id)
    return queryset.annotate(
        result_count=Count("results"),
        failed_count=Count("results", filter=Q(results__passed=False)),
    ).order_by("-performed_at", "-id")


def record_get(user, pk: int) -> CheckRecord:
    """The record (with its results and raised hazards) if the user may see it; 404 otherwise."""
    record = get_object_or_404(
        record_queryset(user).select_related("plan", "enterprise", "performed_by"), pk=pk
    )
    record.result_list = list(
        record.results.select_related("item", "item__clause", "hazard").order_by(
            "item__sort_order", "item__id"
        )
    )
    return record


def open_hazards_by_item(user, plan: CheckPlan) -> dict[int, Hazard]:
    """For each item of ``plan``, the latest hazard an earlier check of it raised that is still
    open — so the person checking sees "found last time, not closed yet"."""
    results = (
        CheckResult.objects.filter(
            item__plan=plan,
            hazard__in=Hazard.objects.for_user(user).filter(state__in=OPEN_STATES),
        )
        .select_related("hazard")
        .order_by("item_id", "-record__performed_at", "-id")
    )
    found: dict[int, Hazard] = {}
    for result in results:
        found.setdefault(result.item_id, result.hazard)
    return found


# --- clauses (the standards library, read for linking items) -------------------------------


def _active_clauses() -> QuerySet[StandardClause]:
    return StandardClause.objects.filter(is_active=True, document__is_active=True).select_related(
        "document"
    )


def clause_applies(clause: StandardClause, enterprise) -> bool:
    """Whether a clause's standard covers ``enterprise`` (industry list, or a key-object flag)."""
    industry = enterprise.industry.code
    codes = clause.industry_codes or clause.document.industry_codes
    if not codes or industry in codes:
        return True
    flags = FLAG_DOMAINS.get(clause.document.domain, ())
    return any(getattr(enterprise, flag, False) for flag in flags)


def clauses_for(enterprise) -> list[StandardClause]:
    """Active clauses of active standards that apply to ``enterprise``, for the plan form."""
    return [clause for clause in _active_clauses() if clause_applies(clause, enterprise)]


def clause_by_code(code: str, enterprise) -> list[StandardClause]:
    """Active clauses with this code; when several standards share it, those applying to
    ``enterprise``. The caller decides what zero or several mean."""
    found = list(_active_clauses().filter(code__iexact=code.strip()))
    if len(found) > 1:
        applying = [clause for clause in found if clause_applies(clause, enterprise)]
        found = applying or found
    return found
