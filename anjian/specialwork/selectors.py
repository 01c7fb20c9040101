"""Reads of 特殊作业票 through the reader's scope: the permits (``Permit.objects.for_user``),
one permit locked for a write (outside the scope it does not exist: 404), its analyses and
signatures (read through the permit), the permits open now for the map (特级动火 first), the
enterprises a reader may pick, and the figures by kind and grade."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext as _

from anjian.core.exceptions import Conflict, OutOfScope
from anjian.enterprises.models import Enterprise
from anjian.specialwork import gb30871
from anjian.specialwork.choices import Grade, Kind, State
from anjian.specialwork.models import ApproverMapping, Permit


def permits(user) -> QuerySet[Permit]:
    return Permit.objects.for_user(user)


def permit_read(user, pk) -> Permit:
    """A permit in ``user``'s scope with what its page shows, or OutOfScope (404)."""
    found = (
        permits(user)
        .select_related("enterprise", "enterprise__street", "unit", "source", "applicant")
        .filter(pk=getattr(pk, "pk", pk))
        .first()
    )
    if found is None:
        raise OutOfScope()
    return found


def permit_for_write(user, pk, expected_version: int | None = None) -> Permit:
    """The permit through ``user``'s scope, locked until the transaction ends."""
    found = (
        permits(user)
        .select_for_update(of=("self",))
        .select_related("enterprise")
        .filter(pk=getattr(pk, "pk", pk))
        .first()
    )
    if found is None:
        raise OutOfScope()
    if expected_version is not None and found.version != expected_version:
        raise Conflict(_("该作业票已被他人修改，请刷新后重试"))
    return found


def mappings(enterprise_id: int) -> dict[str, ApproverMapping]:
    """Who holds each role of table B.1 in the enterprise, by role."""
    found = ApproverMapping.objects.filter(enterprise_id=enterprise_id).select_related("user")
    return {mapping.role: mapping for mapping in found}


def enterprises_with_permits(user) -> QuerySet[Enterprise]:
    """The enterprises in ``user``'s scope that have a permit (the filters' choices)."""
    ids = permits(user).values("enterprise_id")
    return Enterprise.objects.for_user(user).filter(pk__in=ids).order_by("name_sort_key")


# 特级动火 first, then 一级动火, then the rest (the officials' map and its list).
SEVERITY = Case(
    When(kind=Kind.HOT, grade=Grade.SPECIAL, then=Value(0)),
    When(kind=Kind.HOT, grade=Grade.FIRST, then=Value(1)),
    When(kind=Kind.CONFINED, then=Value(2)),
    When(kind=Kind.HOT, then=Value(3)),
    default=Value(4),
    output_field=IntegerField(),
)


def open_permits(user) -> QuerySet[Permit]:
    """The permits in scope that allow work now (approved, working, paused), 特级动火 first,
    then by the end of validity."""
    return (
        permits(user)
        .open()
        .select_related("enterprise", "unit")
        .annotate(severity=SEVERITY)
        .order_by("severity", "valid_until", "id")
    )


# --- figures by kind and grade -------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    kind: str
    grade: str  # "" for a kind without grades, or the kind's total
    count: int
    filters: dict  # the list's query that shows exactly these permits


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    total: Cell
    grades: list[Cell]


@dataclass(frozen=True)
class Figures:
    rows: list[KindRow]
    total: Cell
    by_state: list[tuple[str, Cell]]
    date_from: date | None
    date_to: date | None


SUBMITTED = "submitted"  # the list's state filter: every state but the draft


def _range(date_from, date_to) -> dict:
    found = {}
    if date_from:
        found["date_from"] = date_from.isoformat()
        found["planned_start__date__gte"] = date_from
    if date_to:
        found["date_to"] = date_to.isoformat()
        found["planned_start__date__lte"] = date_to
    return found


def figures(user, *, date_from=None, date_to=None, street=None) -> Figures:
    """Permits in scope planned to start in [date_from, date_to] (drafts left out), by kind
    and grade and by state; each figure carries the list query that shows its permits."""
    window = _range(date_from, date_to)
    lookups = {k: v for k, v in window.items() if "__" in k}
    query = {k: v for k, v in window.items() if "__" not in k}
    if street:
        lookups["scope_region_code__startswith"] = street
        query["street"] = street
    counted = permits(user).exclude(state=State.DRAFT).filter(**lookups)
    cells = {
        (row["kind"], row["grade"]): row["n"]
        for row in counted.values("kind", "grade").annotate(n=Count("id")).order_by()
    }
    states = dict(counted.values_list("state").annotate(n=Count("id")).order_by())
    base = {"state": SUBMITTED, **query}
    rows = []
    for kind in gb30871.KINDS:
        grades = [
            Cell(kind, code, cells.get((kind, code), 0), {**base, "kind": kind, "grade": code})
            for code in gb30871.GRADES.get(kind, ())
        ]
        count = sum(n for (k, _g), n in cells.items() if k == kind)
        rows.append(
            KindRow(
                kind, str(Kind(kind).label), Cell(kind, "", count, {**base, "kind": kind}), grades
            )
        )
    total = Cell("", "", sum(cells.values()), base)
    by_state = [
        (str(State(value).label), Cell("", "", states.get(value, 0), {**query, "state": value}))
        for value in State.values
        if value != State.DRAFT
    ]
    return Figures(rows, total, by_state, date_from, date_to)
