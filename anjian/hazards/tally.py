"""Keeping the clearing figures exact: each hazard's contribution to ``HazardTally``.

A hazard contributes to one tally row (its scope region code, industry and month found)
a fixed set of counters derived from its state, grade, source and close facts. A service
that changes a hazard calls ``apply(before, after)`` with the contributions before and
after the change, in the same transaction: the figures are then exact at every commit,
and a transition costs one upsert (two if the row key changed). ``rebuild`` recomputes
the table from the ledger (repair, and the tests' proof that the increments are right).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Case, IntegerField, Q, Sum, When

from anjian.hazards.choices import Grade, Source, State
from anjian.hazards.models import COUNTERS, Hazard, HazardTally

Key = tuple[str, int, date]


@dataclass(frozen=True)
class Contribution:
    key: Key
    counters: Counter


def contribution(hazard: Hazard) -> Contribution:
    key = (hazard.scope_region_code, hazard.industry_id, hazard.found_month)
    if hazard.state == State.VOID:
        return Contribution(key, Counter(voided=1))
    counters = Counter({"found": 1, f"found_{hazard.source}": 1})
    if hazard.state != State.REPORTED:
        counters["registered"] = 1
    major = hazard.grade == Grade.MAJOR
    if major:
        counters["major"] = 1
    if hazard.fixed_on_spot:
        counters["on_spot"] = 1
    if hazard.state == State.CLOSED:
        counters["closed"] = 1
        counters[f"closed_{hazard.source}"] = 1
        counters["close_days"] = hazard.days_to_close or 0
        if hazard.closed_on_time:
            counters["closed_on_time"] = 1
        if major:
            counters["major_closed"] = 1
    return Contribution(key, counters)


def apply(before: Contribution | None, after: Contribution | None) -> None:
    """Add ``after`` and take away ``before``, in the caller's transaction."""
    deltas: dict[Key, Counter] = {}
    if after is not None:
        deltas.setdefault(after.key, Counter()).update(after.counters)
    if before is not None:
        deltas.setdefault(before.key, Counter()).subtract(before.counters)
    for key, delta in deltas.items():
        if any(delta.values()):
            _upsert(key, delta)


_COLUMNS = ", ".join(COUNTERS)
_UPDATES = ", ".join(f"{c} = hazards_hazardtally.{c} + excluded.{c}" for c in COUNTERS)
_UPSERT = (
    f"INSERT INTO hazards_hazardtally (scope_region_code, industry_id, month, {_COLUMNS}) "
    f"VALUES (%s, %s, %s, {', '.join(['%s'] * len(COUNTERS))}) "
    f"ON CONFLICT (scope_region_code, industry_id, month) DO UPDATE SET {_UPDATES}"
)


def _upsert(key: Key, delta: Counter) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [*key, *(delta.get(c, 0) for c in COUNTERS)])


def _count(condition: Q) -> Sum:
    return Sum(Case(When(condition, then=1), default=0, output_field=IntegerField()))


def aggregates() -> dict:
    """The tally's counters as ORM aggregates over the hazard table (same definitions)."""
    valid = ~Q(state=State.VOID)
    closed = Q(state=State.CLOSED)
    major = valid & Q(grade=Grade.MAJOR)
    sums = {
        "found": _count(valid),
        "voided": _count(Q(state=State.VOID)),
        "registered": _count(valid & ~Q(state=State.REPORTED)),
        "closed": _count(closed),
        "closed_on_time": _count(closed & Q(closed_on_time=True)),
        "close_days": Sum(
            Case(When(closed, then="days_to_close"), default=0, output_field=IntegerField())
        ),
        "major": _count(major),
        "major_closed": _count(major & closed),
        "on_spot": _count(valid & Q(fixed_on_spot=True)),
    }
    for source in Source.values:
        sums[f"found_{source}"] = _count(valid & Q(source=source))
        sums[f"closed_{source}"] = _count(closed & Q(source=source))
    return sums


@transaction.atomic
def rebuild() -> int:
    """Recompute every tally row from the ledger; returns the number of rows."""
    HazardTally.objects.all().delete()
    rows = (
        Hazard.objects.order_by()
        .values("scope_region_code", "industry_id", "found_month")
        .annotate(**aggregates())
    )
    HazardTally.objects.bulk_create(
        (
            HazardTally(
                scope_region_code=row["scope_region_code"],
                industry_id=row["industry_id"],
                month=row["found_month"],
                **{c: row[c] or 0 for c in COUNTERS},
            )
            for row in rows.iterator(chunk_size=5000)
        ),
        batch_size=5000,
    )
    return HazardTally.objects.count()
