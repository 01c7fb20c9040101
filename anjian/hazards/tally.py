"""Keeping the clearing figures exact: each hazard's contribution to ``HazardTally``.

A hazard contributes to one tally row (its scope region code, industry and month found)
a fixed set of counters derived from its state, grade, source and close facts. A service
that changes a hazard calls ``apply(before, after)`` with the contributions before and
after the change, in the same transaction: the figures are then exact at every commit,
and a transition costs one upsert (two if the row key changed). ``rebuild`` recomputes
the table from the ledger (repair, and the tests' proof that the increments are right).
Each change is also rolled up into ``HazardDistrictTally`` (one more upsert), which the
city and district figures read.

A hazard open against a deadline (上账, 整改中, 待验收) also counts once in
``HazardOpenTally`` under (scope region code, industry, deadline, major) and its district
roll-up: overdue = the rows with a deadline before today, due soon = the rows within the
next days. Only transitions that open or close a hazard, move its deadline or its grade
touch those rows (two more upserts), and no job has to touch them as the days pass.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, IntegerField, Q, Sum, When
from django.utils import timezone

from anjian.hazards.choices import DEADLINE_STATES, OPEN_STATES, Grade, Source, State
from anjian.hazards.models import (
    COUNTERS,
    Hazard,
    HazardDistrictOpenTally,
    HazardDistrictTally,
    HazardOpenTally,
    HazardTally,
)
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import code_at_sql, district_of

Key = tuple[str, int, date]
OpenKey = tuple[str, int, date, bool]  # region code, industry, deadline, major


@dataclass(frozen=True)
class Contribution:
    key: Key
    counters: Counter
    open_key: OpenKey | None = None  # set while the hazard is open against a deadline


def contribution(hazard: Hazard) -> Contribution:
    key = (hazard.scope_region_code, hazard.industry_id, hazard.found_month)
    if hazard.state == State.VOID:
        return Contribution(key, Counter(voided=1))
    open_key = None
    if hazard.state in DEADLINE_STATES and hazard.deadline is not None:
        open_key = (
            hazard.scope_region_code,
            hazard.industry_id,
            hazard.deadline,
            hazard.grade == Grade.MAJOR,
        )
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
    return Contribution(key, counters, open_key)


def apply(before: Contribution | None, after: Contribution | None) -> None:
    """Add ``after`` and take away ``before``, in the caller's transaction."""
    apply_many([(before, after)])


def apply_many(changes: Iterable[tuple[Contribution | None, Contribution | None]]) -> None:
    """``apply`` for several hazards at once: one upsert per summary row touched."""
    deltas: dict[Key, Counter] = {}
    opens: Counter = Counter()
    for before, after in changes:
        if after is not None:
            deltas.setdefault(after.key, Counter()).update(after.counters)
        if before is not None:
            deltas.setdefault(before.key, Counter()).subtract(before.counters)
        opened = after.open_key if after is not None else None
        was_open = before.open_key if before is not None else None
        if opened != was_open:
            if was_open is not None:
                opens[was_open] -= 1
            if opened is not None:
                opens[opened] += 1
    districts: dict[Key, Counter] = {}
    for (code, industry_id, month), delta in deltas.items():
        if any(delta.values()):
            _upsert(_STREET_UPSERT, (code, industry_id, month), delta)
            districts.setdefault((district_of(code), industry_id, month), Counter()).update(delta)
    for key, delta in districts.items():
        if any(delta.values()):
            _upsert(_DISTRICT_UPSERT, key, delta)
    district_opens: Counter = Counter()
    with connection.cursor() as cursor:
        for (code, industry_id, deadline, major), change in opens.items():
            if change:
                cursor.execute(_OPEN_UPSERT, [code, industry_id, deadline, major, change])
                district_opens[(district_of(code), industry_id, deadline, major)] += change
        for key, change in district_opens.items():
            if change:
                cursor.execute(_DISTRICT_OPEN_UPSERT, [*key, change])


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


def _open_upsert_sql(table: str, region_column: str) -> str:
    return (
        f"INSERT INTO {table} ({region_column}, industry_id, deadline, major, open) "
        "VALUES (%s, %s, %s, %s, %s) "
        f"ON CONFLICT ({region_column}, industry_id, deadline, major) "
        f"DO UPDATE SET open = {table}.open + excluded.open"
    )


_OPEN_UPSERT = _open_upsert_sql("hazards_hazardopentally", "scope_region_code")
_DISTRICT_OPEN_UPSERT = _open_upsert_sql("hazards_hazarddistrictopentally", "district_code")


def _upsert(sql: str, key: Key, delta: Counter) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, [*key, *(delta.get(c, 0) for c in COUNTERS)])


def _count(condition: Q) -> Sum:
    return Sum(Case(When(condition, then=1), default=0, output_field=IntegerField()))


def aggregates(within: Q | None = None) -> dict:
    """The tally's counters as ORM aggregates over the hazard table (same definitions),
    counting only the hazards ``within`` (e.g. found in a period) when given."""
    within = within or Q()
    valid = ~Q(state=State.VOID) & within
    closed = Q(state=State.CLOSED) & within
    major = valid & Q(grade=Grade.MAJOR)
    sums = {
        "found": _count(valid),
        "voided": _count(Q(state=State.VOID) & within),
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


def open_now_aggregates() -> dict:
    """What is open now, whenever it was found (未销号, 现存重大): current figures."""
    still_open = Q(state__in=OPEN_STATES)
    return {
        "open_now": _count(still_open),
        "major_open_now": _count(still_open & Q(grade=Grade.MAJOR)),
    }


@transaction.atomic
def rebuild() -> int:
    """Recompute every tally row (street and district level, counters and open deadlines)
    from the ledger; returns the number of street-level counter rows."""
    HazardTally.objects.all().delete()
    HazardDistrictTally.objects.all().delete()
    _rebuild_open()
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
        .annotate(district=code_at_sql("scope_region_code", RegionLevel.DISTRICT))
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


def _ledger_open_rows():
    return (
        Hazard.objects.filter(state__in=DEADLINE_STATES, deadline__isnull=False)
        .order_by()
        .annotate(
            major=Case(
                When(grade=Grade.MAJOR, then=True), default=False, output_field=BooleanField()
            )
        )
        .values("scope_region_code", "industry_id", "deadline", "major")
        .annotate(open=Count("id"))
    )


def _rebuild_open() -> None:
    HazardOpenTally.objects.all().delete()
    HazardDistrictOpenTally.objects.all().delete()
    HazardOpenTally.objects.bulk_create(
        (HazardOpenTally(**row) for row in _ledger_open_rows().iterator(chunk_size=5000)),
        batch_size=5000,
    )
    district_rows = (
        HazardOpenTally.objects.order_by()
        .annotate(district_code=code_at_sql("scope_region_code", RegionLevel.DISTRICT))
        .values("district_code", "industry_id", "deadline", "major")
        .annotate(total=Sum("open"))
    )
    HazardDistrictOpenTally.objects.bulk_create(
        (
            HazardDistrictOpenTally(
                district_code=row["district_code"],
                industry_id=row["industry_id"],
                deadline=row["deadline"],
                major=row["major"],
                open=row["total"],
            )
            for row in district_rows.iterator(chunk_size=5000)
        ),
        batch_size=5000,
    )


def differences(limit: int = 20, today: date | None = None) -> list[str]:
    """Where the kept summaries differ from the ledger (an empty list when they are exact):
    the street-level counters per row, the open-deadline rows, and each district roll-up
    against the sum of its streets. Reads the whole ledger: a repair tool, not a figure."""
    found: list[str] = []

    def compare(name: str, kept: dict, expected: dict) -> None:
        for key in sorted(set(kept) | set(expected), key=str):
            if kept.get(key, {}) != expected.get(key, {}):
                found.append(f"{name} {key}: 汇总 {kept.get(key)} ≠ 台账 {expected.get(key)}")

    def nonzero(values: dict) -> dict:
        return {k: v for k, v in values.items() if v}

    ledger = Hazard.objects.order_by().values("scope_region_code", "industry_id", "found_month")
    expected = {
        (r["scope_region_code"], r["industry_id"], r["found_month"]): nonzero(
            {c: r[c] or 0 for c in COUNTERS}
        )
        for r in ledger.annotate(**aggregates())
    }
    kept = {
        (r["scope_region_code"], r["industry_id"], r["month"]): nonzero({c: r[c] for c in COUNTERS})
        for r in HazardTally.objects.values("scope_region_code", "industry_id", "month", *COUNTERS)
    }
    compare("HazardTally", _drop_empty(kept), _drop_empty(expected))
    rolled: dict = {}
    for (code, industry_id, month), counters in expected.items():
        target = rolled.setdefault((district_of(code), industry_id, month), Counter())
        target.update(counters)
    kept_districts = {
        (r["district_code"], r["industry_id"], r["month"]): nonzero({c: r[c] for c in COUNTERS})
        for r in HazardDistrictTally.objects.values(
            "district_code", "industry_id", "month", *COUNTERS
        )
    }
    compare(
        "HazardDistrictTally",
        _drop_empty(kept_districts),
        _drop_empty({k: nonzero(dict(v)) for k, v in rolled.items()}),
    )
    # Past deadlines compared as the nightly sweep folds them (``prune_open``).
    today = today or timezone.localdate()

    def open_rows(rows, region: str) -> dict:
        totals: Counter = Counter()
        for r in rows:
            deadline = _effective_deadline(r["deadline"], today)
            totals[(r[region], r["industry_id"], deadline, r["major"])] += r["open"]
        return {key: {"open": n} for key, n in totals.items() if n}

    open_expected = open_rows(_ledger_open_rows(), "scope_region_code")
    fields = ("industry_id", "deadline", "major", "open")
    open_kept = open_rows(
        HazardOpenTally.objects.values("scope_region_code", *fields), "scope_region_code"
    )
    compare("HazardOpenTally", open_kept, open_expected)
    open_rolled: Counter = Counter()
    for (code, industry_id, deadline, major), value in open_expected.items():
        open_rolled[(district_of(code), industry_id, deadline, major)] += value["open"]
    district_open_kept = open_rows(
        HazardDistrictOpenTally.objects.values("district_code", *fields), "district_code"
    )
    compare(
        "HazardDistrictOpenTally",
        district_open_kept,
        {key: {"open": n} for key, n in open_rolled.items() if n},
    )
    return found[:limit]


def _drop_empty(rows: dict) -> dict:
    return {key: value for key, value in rows.items() if value}


# The deadline of the row a past deadline is folded into: overdue is all such a deadline
# still counts for (any date before every today would do).
PAST_DEADLINES = date(2000, 1, 1)


def _effective_deadline(deadline: date, today: date) -> date:
    return PAST_DEADLINES if deadline < today else deadline


def prune_open(today: date | None = None) -> int:
    """The nightly sweep of the open-deadline rows: fold every row whose deadline has
    passed into one row per (region, industry, grade) at ``PAST_DEADLINES`` — a deadline
    once past counts as overdue forever, whatever its day — and delete rows at zero.
    Returns how many rows went. A city's roll-up keeps about a week of rows per district
    and industry instead of every day an open hazard ever fell due.

    Exact beside the services: the fold deletes the rows it sums (``RETURNING``: a
    concurrent upsert either ran before and is summed, or finds its row gone and inserts
    it again, a row with a past deadline that still sums right, folded next night)."""
    today = today or timezone.localdate()
    removed = 0
    with transaction.atomic():
        for table, region in (
            ("hazards_hazardopentally", "scope_region_code"),
            ("hazards_hazarddistrictopentally", "district_code"),
        ):
            removed += _fold_past(table, region, today)
        removed += HazardOpenTally.objects.filter(open=0).delete()[0]
        removed += HazardDistrictOpenTally.objects.filter(open=0).delete()[0]
    return removed


def _fold_past(table: str, region: str, today: date) -> int:
    """Fold ``table``'s rows due before ``today``; returns how many rows it deleted."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE deadline < %s AND deadline <> %s "
            f"RETURNING {region}, industry_id, major, open",
            [today, PAST_DEADLINES],
        )
        deleted = cursor.fetchall()
        folded: Counter = Counter()
        for code, industry_id, major, count in deleted:
            folded[(code, industry_id, bool(major))] += count
        rows = [[*key[:2], PAST_DEADLINES, key[2], n] for key, n in folded.items() if n]
        if rows:
            cursor.executemany(_open_upsert_sql(table, region), rows)
    return len(deleted)
