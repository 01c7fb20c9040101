"""A unit's identification and grading as the platform keeps it: the engine's result as the
unit's cached columns and a ``UnitEvaluation`` row, and the major hazard source following it.

- ``evaluate_unit``: one unit now, inside the writer's transaction (``services`` calls it
  after every change of a unit or its lines). The unit row is locked first, so two writers
  of one unit evaluate one after the other.
- ``reevaluate``: every unit of a queryset, in chunks — when the catalogue changes what a
  chemical is (its table 1 row, its classes) or a new edition of the tables ships. Units
  whose result did not change are left alone (no version bump, no history row).
- ``follow_source``: a unit that qualifies gets its source (state 待备案, due for filing in
  15 days; its enterprise's users are told); a source's grade follows its unit's; a filed
  source whose grade changes must be filed again (``lifecycle.SOURCE`` ``reidentify``);
  one that no longer qualifies keeps its record with ``qualifies`` cleared (核销 is the
  authority's, ``services_sources.source_close``).
"""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.exceptions import ValidationError
from anjian.hazchem import identification as engine
from anjian.hazchem import notices
from anjian.hazchem.choices import Grade, Mixture, SourceState
from anjian.hazchem.errors import IdentificationError
from anjian.hazchem.lifecycle import SOURCE
from anjian.hazchem.models import (
    Chemical,
    ChemicalUnit,
    InventoryLine,
    MajorHazardSource,
    SourceTransition,
    UnitEvaluation,
)

STORED = Decimal("0.000001")
# 备案 within 15 days of the identification and assessment (40号令 Art. 23, RULES.md §15: M).
FILING_DAYS = 15
CACHED = ("s_value", "r_value", "alpha", "is_major", "grade", "evaluation")
WRITTEN = (*CACHED, "evaluation_error", "evaluated_at", "edition", "version")


def engine_line(line) -> engine.Line:
    """The engine's view of an inventory line (or of its values before it is written)."""
    return _engine_line(line.chemical, line.max_quantity, line.mixture, line.own_classes)


def _engine_line(chemical, quantity, mixture: str, own_classes: list) -> engine.Line:
    own = mixture == Mixture.OWN
    return engine.Line(
        quantity=quantity,
        cas=chemical.cas,
        name=chemical.name,
        row=chemical.table1_row,
        classes=tuple(own_classes if own else chemical.gb18218_classes),
        mixture=engine.Mixture(mixture),
    )


def _term(term: engine.Term) -> dict:
    shown = engine.shown
    return {
        "index": term.index,
        "chemical": term.chemical,
        "cas": term.cas,
        "mixture": str(term.mixture),
        "matched_by": term.matched_by,
        "q": shown(term.q),
        "critical": shown(term.critical),
        "critical_basis": str(term.critical_basis),
        "ratio": shown(term.ratio),
        "beta": shown(term.beta) if term.beta is not None else "",
        "beta_basis": str(term.beta_basis) if term.beta_basis is not None else "",
        "weighted": shown(term.weighted) if term.weighted is not None else "",
    }


def evaluation_values(lines: list[engine.Line], population: int) -> dict:
    """The unit's cached columns for ``lines`` (raises ``IdentificationError``)."""
    if not lines:
        return {
            "s_value": Decimal(0),
            "r_value": None,
            "alpha": None,
            "is_major": False,
            "grade": "",
            "evaluation": {"terms": [], "explain": []},
        }
    result = engine.identify(lines, population=population)
    return {
        "s_value": result.s.quantize(STORED),
        "r_value": result.r.quantize(STORED) if result.r is not None else None,
        "alpha": result.alpha,
        "is_major": result.is_major,
        "grade": str(result.grade.grade) if result.grade is not None else "",
        "evaluation": {
            "terms": [_term(term) for term in result.terms],
            "explain": list(result.explain()),
            "s": engine.shown(result.s),
            "r": engine.shown(result.r) if result.r is not None else "",
            "alpha_band": result.alpha_band.label,
        },
    }


def _history(unit_id: int, values: dict, *, at, by, reason: str) -> UnitEvaluation:
    return UnitEvaluation(
        unit_id=unit_id,
        at=at,
        by=by,
        reason=reason[:200],
        s_value=values["s_value"],
        r_value=values["r_value"],
        is_major=values["is_major"],
        grade=values["grade"],
        evaluation=values["evaluation"],
        edition=engine.EDITION,
    )


def evaluate_unit(unit: ChemicalUnit, *, by, reason: str) -> ChemicalUnit:
    """Identify and grade ``unit`` from its lines now (call inside the writer's transaction)."""
    # Lock the unit before reading its lines and population: a line writer holds only its
    # line, so two writers of one unit would otherwise each evaluate without the other's
    # change (or with the population a concurrent unit_update replaced).
    locked = (
        ChemicalUnit.objects.select_for_update()
        .filter(pk=unit.pk)
        .values("version", "population_500m")
        .get()
    )
    unit.version, unit.population_500m = locked["version"], locked["population_500m"]
    lines = [engine_line(line) for line in unit.lines.select_related("chemical").order_by("id")]
    try:
        values = evaluation_values(lines, unit.population_500m)
    except IdentificationError as error:
        raise ValidationError({"__all__": _("无法辨识分级：%(e)s") % {"e": error}}) from None
    now = timezone.now()
    values.update(evaluation_error="", evaluated_at=now, edition=engine.EDITION)
    ChemicalUnit.objects.filter(pk=unit.pk).update(version=F("version") + 1, **values)
    for name, value in values.items():
        setattr(unit, name, value)
    unit.version += 1
    _history(unit.pk, values, at=now, by=by, reason=reason).save()
    follow_source(unit, is_major=values["is_major"], grade=values["grade"], by=by)
    return unit


def reevaluate(units, *, by, reason: str, chunk_size: int = 2000) -> dict[str, int]:
    """Identify and grade every active unit of ``units`` again; returns how many were read,
    changed and could not be evaluated (their ``evaluation_error`` says why)."""
    ids = list(units.filter(active=True).order_by("pk").values_list("pk", flat=True))
    counts = {"units": len(ids), "changed": 0, "failed": 0, "opened": 0}
    opened: list[int] = []
    for start in range(0, len(ids), chunk_size):
        with transaction.atomic():
            changed, failed, new = _reevaluate_chunk(ids[start : start + chunk_size], by, reason)
        counts["changed"] += changed
        counts["failed"] += failed
        opened += new
    counts["opened"] = len(opened)
    by_id = by.pk if by is not None else None
    # One notice per person for all the sources the run opened (not one per source).
    transaction.on_commit(lambda: notices.sources_identified(opened, by_id=by_id))
    return counts


def _reevaluate_chunk(ids: list[int], by, reason: str) -> tuple[int, int, list[int]]:
    # Of the enterprise only what a new source copies (not its wide row); the lines as
    # rows with each chemical read once: 200,000 lines as model instances took seconds.
    units = {
        unit.pk: unit
        for unit in ChemicalUnit.objects.select_for_update()
        .filter(pk__in=ids)
        .select_related("enterprise")
        .only(
            "pk",
            "enterprise__scope_region_code",
            "enterprise__industry",
            "population_500m",
            *WRITTEN,
        )
    }
    found = InventoryLine.objects.filter(unit_id__in=ids).order_by("unit_id", "id")
    rows = list(
        found.values_list("unit_id", "chemical_id", "max_quantity", "mixture", "own_classes")
    )
    chemicals = Chemical.objects.only("name", "cas", "table1_row", "gb18218_classes").in_bulk(
        {row[1] for row in rows}
    )
    lines: dict[int, list[engine.Line]] = defaultdict(list)
    for unit_id, chemical_id, quantity, mixture, own_classes in rows:
        lines[unit_id].append(_engine_line(chemicals[chemical_id], quantity, mixture, own_classes))
    now = timezone.now()
    dirty, history, failed = [], [], 0
    for pk, unit in units.items():
        try:
            values = evaluation_values(lines[pk], unit.population_500m)
        except IdentificationError as error:
            failed += 1
            if unit.evaluation_error != str(error)[:500]:
                unit.evaluation_error = str(error)[:500]
                unit.version += 1
                dirty.append(unit)
            continue
        if unit.evaluation_error == "" and all(
            getattr(unit, name) == values[name] for name in CACHED
        ):
            continue
        for name, value in values.items():
            setattr(unit, name, value)
        unit.evaluation_error, unit.evaluated_at, unit.edition = "", now, engine.EDITION
        unit.version += 1
        dirty.append(unit)
        history.append(_history(pk, values, at=now, by=by, reason=reason))
    _write_units(dirty)
    UnitEvaluation.objects.bulk_create(history, batch_size=1000)
    # follow_source has nothing to do for a unit with no source that does not qualify; which
    # units have one is read once (a source is opened only under its unit's lock, held here).
    sourced = set(
        MajorHazardSource.objects.filter(unit_id__in=ids).values_list("unit_id", flat=True)
    )
    opening = []
    for unit in dirty:
        if unit.evaluation_error:
            continue
        if unit.pk in sourced:
            follow_source(unit, is_major=unit.is_major, grade=unit.grade, by=by)
        elif unit.is_major:
            opening.append((unit, unit.grade))
    return len(history), failed, _open_sources(opening, by=by)


def _write_units(units: list[ChemicalUnit]) -> None:
    """The units' WRITTEN columns: one UPDATE per unit, sent together (``executemany``),
    each value prepared by its field as the ORM would. ``bulk_update`` builds a CASE WHEN
    per column and unit in Python: 20,000 units took over a minute that way."""
    if not units:
        return
    fields = [ChemicalUnit._meta.get_field(name) for name in WRITTEN]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    table, pk = quote(ChemicalUnit._meta.db_table), quote(ChemicalUnit._meta.pk.column)
    params = [
        [field.get_db_prep_save(getattr(unit, field.attname), connection) for field in fields]
        + [unit.pk]
        for unit in units
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", params)


def follow_source(unit: ChemicalUnit, *, is_major: bool, grade: str, by=None) -> None:
    """The unit's source after its evaluation: opened when it first qualifies; its grade
    and ``qualifies`` kept in step; back to 待备案 (``reidentify``) when a filed source's
    grade changes or a closed one's unit qualifies again — each on the source's timeline."""
    source = MajorHazardSource.objects.select_for_update().filter(unit=unit).first()
    today = timezone.localdate()
    if source is None:
        if is_major:
            opened = _open_sources([(unit, grade)], by=by)
            transaction.on_commit(lambda: notices.sources_identified(opened))
        return
    if not is_major:
        if source.qualifies:
            _update(source, qualifies=False)
            SOURCE.record_event(source, action="lapse", by=by, data={"grade": source.grade})
        return
    again = {"grade": grade, "qualifies": True}
    regraded = grade != source.grade
    back = (source.state == SourceState.CLOSED) or (
        source.state == SourceState.FILED and grade != source.filed_grade
    )
    if back:
        reason = (
            _("单元重新构成重大危险源")
            if source.state == SourceState.CLOSED
            else _("级别由%(a)s变为%(b)s，须重新备案")
            % {"a": Grade(source.filed_grade).label, "b": Grade(grade).label}
        )
        SOURCE.commit(
            SOURCE.internal(source, "reidentify"),
            by=by,
            values={**again, **_identified(today), "closed_on": None, "closed_reason": ""},
            reason=reason,
            data={"grade": grade},
        )
        return
    if regraded or not source.qualifies:
        action = "regrade" if regraded else "requalify"
        data = {"from": source.grade, "to": grade}
        _update(source, **again)
        SOURCE.record_event(source, action=action, by=by, data=data)


def _identified(today: date) -> dict:
    return {"identified_on": today, "filing_due_on": today + timedelta(days=FILING_DAYS)}


def _update(source: MajorHazardSource, **values) -> None:
    MajorHazardSource.objects.filter(pk=source.pk).update(version=F("version") + 1, **values)
    for name, value in values.items():
        setattr(source, name, value)
    source.version += 1


def _open_sources(opening: list[tuple[ChemicalUnit, str]], *, by) -> list[int]:
    """A source for each (unit, grade) that first qualifies, state 待备案, each with its
    ``identify`` line on the timeline — inserted together (a bulk re-evaluation of a city
    opens thousands). Returns their ids; the caller tells people after the commit."""
    if not opening:
        return []
    today, now = timezone.localdate(), timezone.now()
    sources = []
    for unit, grade in opening:
        source = MajorHazardSource(
            enterprise=unit.enterprise,
            unit=unit,
            number=f"TMP{unit.pk}",
            grade=grade,
            **_identified(today),
        )
        source.copy_enterprise_scope()
        sources.append(source)
    MajorHazardSource.objects.bulk_create(sources)
    for source in sources:
        source.number = f"ZDWXY{today:%Y}{source.pk:06d}"
    table = connection.ops.quote_name(MajorHazardSource._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET number = %s WHERE id = %s",
            [(source.number, source.pk) for source in sources],
        )
    SourceTransition.objects.bulk_create(
        SourceTransition(
            source=source,
            action="identify",
            by=by,
            to_state=source.state,
            data={"grade": source.grade},
            at=now,
        )
        for source in sources
    )
    return [source.pk for source in sources]
