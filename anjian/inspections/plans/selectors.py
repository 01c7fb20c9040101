"""Reads of the inspection plans, scoped by the user, and the over-cap warnings."""

from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.shortcuts import get_object_or_404

from anjian.inspections.plan_models import InspectionPlan, PlanEntry, PlanState
from anjian.inspections.plans.services import policy_for


def plans(user):
    return (
        InspectionPlan.objects.for_user(user)
        .select_related("department", "created_by")
        .annotate(
            units=Count("entries", filter=Q(entries__visits__gt=0)), visits=Sum("entries__visits")
        )
        .order_by("-year", "-quarter", "department_id")
    )


def plan_get(user, pk: int) -> InspectionPlan:
    return get_object_or_404(
        InspectionPlan.objects.for_user(user).select_related("department", "created_by"), pk=pk
    )


def entries(plan: InspectionPlan, *, grade: str = "", adjusted: bool = False):
    rows = (
        plan.entries.select_related("enterprise", "enterprise__street")
        .prefetch_related("joint_departments")
        .order_by("-visits", "enterprise__name_sort_key", "enterprise_id")
    )
    if grade:
        rows = rows.filter(grade=grade)
    if adjusted:
        rows = rows.exclude(visits=F("proposed_visits"))
    return rows


def totals(plan: InspectionPlan) -> list[dict]:
    """Units and visits by supervision grade, and the whole plan last."""
    rows = list(
        plan.entries.filter(visits__gt=0)
        .values("grade")
        .annotate(
            units=Count("id"), visits=Sum("visits"), major=Count("id", filter=Q(major_risk=True))
        )
        .order_by("grade")
    )
    rows.append(
        {
            "grade": "",
            "units": sum(r["units"] for r in rows),
            "visits": sum(r["visits"] for r in rows),
            "major": sum(r["major"] for r in rows),
        }
    )
    return rows


@dataclass(frozen=True)
class OverCap:
    entry: PlanEntry
    visits: int  # by this department to the unit in the year, joint visits included
    cap: int


def over_cap(plan: InspectionPlan) -> list[OverCap]:
    """The units this plan would have the department visit more often in the year than
    the policy's cap: its own planned visits plus the visits of other departments' plans
    (not drafts) of the same year that it joins. A quarterly plan is counted with the
    department's other quarterly plans of the year."""
    cap = policy_for(plan.department.region_id).yearly_cap
    same_year = InspectionPlan.objects.filter(year=plan.year).exclude(state=PlanState.DRAFT)
    if plan.quarter:
        own_plans = same_year.filter(department=plan.department, quarter__gt=0).exclude(pk=plan.pk)
        joined_plans = same_year.filter(quarter__gt=0)
    else:
        own_plans = InspectionPlan.objects.none()
        joined_plans = same_year.filter(quarter=0)
    elsewhere: dict[int, int] = {}
    own = PlanEntry.objects.filter(plan__in=own_plans).values_list("enterprise_id", "visits")
    joined = (
        PlanEntry.objects.filter(plan__in=joined_plans, joint_departments=plan.department)
        .exclude(plan=plan)
        .values_list("enterprise_id", "visits")
    )
    for enterprise_id, visits in [*own, *joined]:
        elsewhere[enterprise_id] = elsewhere.get(enterprise_id, 0) + visits
    found = []
    for entry in plan.entries.select_related("enterprise").filter(visits__gt=0):
        total = entry.visits + elsewhere.get(entry.enterprise_id, 0)
        if total > cap:
            found.append(OverCap(entry, total, cap))
    return found
