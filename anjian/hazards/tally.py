"""Keeping the clearing figures exact: each hazard's contribution to ``HazardTally``.

A hazard contributes to one tally row (its scope region code, industry and month found)
a fixed set of counters derived from its state, grade, source and close facts. A service
that changes a hazard calls ``apply(before, after)`` with the contributions before and
after the change, in the same transaction: the figures are then exact at every commit,
and a transition costs one upsert (two if the row key changed). ``rebuild`` recomputes
the table from the ledger (repair, and the tests' proof that the increments are right).
Each change is also rolled up into ``HazardDistrictTally`` (one more upsert), which the
city and district figures read.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Case, IntegerField, Q, Sum, When
from django.db.models.functions import Substr

from anjian.hazards.choices import Grade, Source, State
from anjian.hazards.models import COUNTERS, Hazard, HazardDistrictTally, HazardTally

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
    districts: dict[Key, Counter] = {}
    for (code, industry_id, month), delta in deltas.items():
        if any(delta.values()):
            _upsert(_STREET_UPSERT, (code, industry_id, month), delta)
            districts.setdefault((code[:6], industry_id, month), Counter()).update(delta)
    for key, delta in districts.items():
        if any(delta.values()):
            _upsert(_DISTRICT_UPSERT, key, delta)


_COLUMNS = ", ".join(COUNTERS)
_VALUES = ", ".join(["%s"] * len(COUNTERS))


def _upsert_sql(table: str, region_column: str) -> str:
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in COUNTERS)
    return (
        f"INSERT INTO {table} ({region_column}, industry_id, month, {_COLUMNS}) "
        f"VALUES (%s, %s, %s, {_VALUES}) "
        f"ON CONFLICT ({region_column}, industry_id, month) DO UPDATE SET {updates}"
    )


_STREET_UPSERT = _upsert_sql("hazards_hazardtally", "scope_region_code")
_DISTRICT_UPSERT = _upsert_sql("hazards_hazarddistricttally", "district_code")


def _upsert(sql: str, key: Key, delta: Counter) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, [*key, *(delta.get(c, 0) for c in COUNTERS)])


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
    """Recompute every tally row (street and district level) from the ledger; returns the
    number of street-level rows."""
    HazardTally.objects.all().delete()
    HazardDistrictTally.objects.all().delete()
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
    district_rows = (
        HazardTally.objects.order_by()
        .annotate(district=Substr("scope_region_code", 1, 6))
        .values("district", "industry_id", "month")
        .annotate(**{c: Sum(c) for c in COUNTERS})
    )
    HazardDistrictTally.objects.bulk_create(
        (
            HazardDistrictTally(
                district_code=row["district"],
                industry_id=row["industry_id"],
                month=row["month"],
                **{c: row[c] or 0 for c in COUNTERS},
            )
            for row in district_rows.iterator(chunk_size=5000)
        ),
        batch_size=5000,
    )
    return HazardTally.objects.count()
