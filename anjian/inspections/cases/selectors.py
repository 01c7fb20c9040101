"""Reads of the penalty cases, scoped by the user, and of the discretion table.

A case is in a user's scope through its party (the enterprise's region and industry);
among those, a 行业部门 user or an 执法人员 sees only their own department's cases — the
same rule as the draws (``inspections.selectors._visible_draws``), kept by the services
too, so pages, the API and writes agree. The discretion table is reference data every
user with ``inspection.view`` reads.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404

from anjian.accounts.roles import Role
from anjian.enterprises.models import Enterprise
from anjian.inspections import chain
from anjian.inspections import permissions as perms
from anjian.inspections.case_models import Case, CaseState, CaseTransition, DiscretionRule
from anjian.inspections.models import EnforcementDocument, Inspection, Inspector, RecordEntry
from anjian.inspections.record_models import InspectionState, MarkResult

PICKER_LIMIT = 20


def visible_cases(user):
    """The cases in ``user``'s scope; a 行业部门 user or an 执法人员 only their own
    department's."""
    found = Case.objects.for_user(user)
    if user.role in (Role.DEPARTMENT, Role.INSPECTOR) and user.department_id:
        found = found.filter(department_id=user.department_id)
    return found


def _listed(found):
    return found.select_related("department", "enterprise", "rule", "created_by").order_by(
        "-filed_on", "-id"
    )


def cases(user, filters: dict | None = None):
    """The visible cases, newest first, narrowed by ``filters``: ``state``, ``department``
    (id), ``enterprise`` (id), ``needs_review`` (True/False), ``q`` (number, title or
    party's name)."""
    found = visible_cases(user)
    filters = filters or {}
    if filters.get("state"):
        found = found.filter(state=filters["state"])
    if filters.get("department"):
        found = found.filter(department_id=filters["department"])
    if filters.get("enterprise"):
        found = found.filter(enterprise_id=filters["enterprise"])
    if filters.get("needs_review") is not None:
        found = found.filter(needs_legal_review=bool(filters["needs_review"]))
    if filters.get("q"):
        q = filters["q"].strip()
        found = found.filter(
            Q(number__contains=q) | Q(title__contains=q) | Q(enterprise__name__contains=q)
        )
    return _listed(found)


def case_detail(user, pk: int) -> Case:
    """One visible case with what its page and the API show (404 otherwise)."""
    handlers = Inspector.objects.select_related("user", "department")
    return get_object_or_404(
        visible_cases(user)
        .select_related("department", "department__region", "enterprise", "rule", "inspection")
        .select_related("created_by")
        .prefetch_related(Prefetch("handlers", queryset=handlers)),
        pk=pk,
    )


def review_queue(user):
    """法制审核: the visible cases waiting in 法制审核中 that ``user`` may pass or return —
    none for a role without the action; never a case the user filed, handles, weighed or
    submitted (``lifecycle.not_a_handler``)."""
    if not user.can(perms.INSPECTION_LEGAL_REVIEW):
        return Case.objects.none()
    took_part = CaseTransition.objects.filter(
        case=OuterRef("pk"), by=user, action__in=("weigh", "submit_review")
    )
    return _listed(
        visible_cases(user)
        .filter(state=CaseState.LEGAL_REVIEW)
        .exclude(created_by=user)
        .exclude(handlers__user=user)
        .exclude(Exists(took_part))
    )


def timeline(case: Case):
    return case.transitions.select_related("by").order_by("at", "id")


def chain_entries(case: Case):
    """The case's 执法全过程记录, in order."""
    return RecordEntry.objects.filter(chain=chain.chain_key(case)).select_related("by")


def documents_of(case: Case):
    return EnforcementDocument.objects.filter(case=case).order_by("issued_at", "id")


# --- filing: the party and the inspection a case comes from ---------------------------------


def enterprise_matches(user, query: str):
    """Units in ``user``'s scope matching ``query`` (name, credit code …), for the picker."""
    query = (query or "").strip()
    if not query:
        return Enterprise.objects.none()
    found = Enterprise.objects.for_user(user).search(query).order_by("name_sort_key")
    return found[:PICKER_LIMIT]


def enterprise_pick(user, pk) -> Enterprise | None:
    try:
        return Enterprise.objects.for_user(user).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def source_inspection(user, pk) -> Inspection | None:
    """A completed inspection in ``user``'s scope (a case is filed from its findings)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        Inspection.objects.for_user(user)
        .filter(pk=pk, state=InspectionState.DONE)
        .select_related("enterprise", "department")
        .first()
    )


def facts_from(inspection: Inspection) -> str:
    """The 违法事实 a case starts from: the inspection's failed marks, one line each."""
    lines = []
    marks = inspection.marks.filter(result=MarkResult.FAIL).select_related("entry")
    for n, mark in enumerate(marks.order_by("entry__position", "id"), start=1):
        where = f"（{mark.place}）" if mark.place else ""
        note = f"：{mark.note}" if mark.note else ""
        lines.append(f"{n}. {mark.entry.finding}{where}{note}（{mark.entry.basis}）")
    return "\n".join(lines)


# --- the discretion table --------------------------------------------------------------------


def rules(*, active_only: bool = True, code: str = ""):
    found = DiscretionRule.objects.all()
    if active_only:
        found = found.filter(is_active=True)
    if code:
        found = found.filter(code=code)
    return found.order_by("code", "fine_min", "id")


def rule_get(pk: int) -> DiscretionRule:
    return get_object_or_404(DiscretionRule, pk=pk)


@dataclass(frozen=True)
class ViolationRules:
    """One violation of the table with its levels (for the grouped select and the page)."""

    code: str
    violation: str
    violated_basis: str
    penalty_basis: str
    levels: list[DiscretionRule]


def rules_by_violation(*, active_only: bool = True) -> list[ViolationRules]:
    """The table grouped by violation, in code order (the levels from the lightest)."""
    grouped: dict[str, ViolationRules] = {}
    for rule in rules(active_only=active_only):
        group = grouped.get(rule.code)
        if group is None:
            group = grouped[rule.code] = ViolationRules(
                rule.code, rule.violation, rule.violated_basis, rule.penalty_basis, []
            )
        group.levels.append(rule)
    return sorted(grouped.values(), key=lambda g: _code_key(g.code))


def _code_key(code: str) -> tuple:
    """AQF-97-1 < AQF-97-10 < AQF-101-2: numbers compared as numbers."""
    return tuple(int(part) if part.isdigit() else part for part in code.split("-"))


def discretion_suggest(rule_id: int) -> tuple[int, int]:
    """The fine range (CNY) an active rule suggests; 404 for a missing or retired rule."""
    rule = get_object_or_404(DiscretionRule, pk=rule_id, is_active=True)
    return rule.fine_min, rule.fine_max
