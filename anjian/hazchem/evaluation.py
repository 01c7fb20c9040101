"""A unit's identification and grading as the platform keeps it: the engine's result as the
unit's cached columns and a ``UnitEvaluation`` row, and the major hazard source following it.

- ``evaluate_unit``: one unit now, inside the writer's transaction (``services`` calls it
  after every change of a unit or its lines). The unit row is locked first, so two writers
  of one unit evaluate one after the other.
- ``reevaluate``: every unit of a queryset, in chunks — when the catalogue changes what a
  chemical is (its table 1 row, its classes) or a new edition of the tables ships. Units
  whose result did not change are left alone (no version bump, no history row).
- ``follow_source``: a unit that qualifies gets its source (state 待备案); a source's grade
  follows its unit's; a filed source whose grade changes must be filed again; one that no
  longer qualifies keeps its record with ``qualifies`` cleared (核销 is the authority's).
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.exceptions import ValidationError
from anjian.hazchem import identification as engine
from anjian.hazchem.choices import Mixture, SourceState
from anjian.hazchem.errors import IdentificationError
from anjian.hazchem.models import ChemicalUnit, InventoryLine, MajorHazardSource, UnitEvaluation

STORED = Decimal("0.000001")
CACHED = ("s_value", "r_value", "alpha", "is_major", "grade", "evaluation")


def engine_line(line) -> engine.Line:
    """The engine's view of an inventory line (or of its values before it is written)."""
    chemical = line.chemical
    own = line.mixture == Mixture.OWN
    return engine.Line(
        quantity=line.max_quantity,
        cas=chemical.cas,
        name=chemical.name,
        row=chemical.table1_row,
        classes=tuple(line.own_classes if own else chemical.gb18218_classes),
        mixture=engine.Mixture(line.mixture),
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
    follow_source(unit, is_major=values["is_major"], grade=values["grade"])
    return unit


def reevaluate(units, *, by, reason: str, chunk_size: int = 2000) -> dict[str, int]:
    """Identify and grade every active unit of ``units`` again; returns how many were read,
    changed and could not be evaluated (their ``evaluation_error`` says why)."""
    ids = list(units.filter(active=True).order_by("pk").values_list("pk", flat=True))
    counts = {"units": len(ids), "changed": 0, "failed": 0}
    for start in range(0, len(ids), chunk_size):
        with transaction.atomic():
            changed, failed = _reevaluate_chunk(ids[start : start + chunk_size], by, reason)
        counts["changed"] += changed
        counts["failed"] += failed
    return counts


def _reevaluate_chunk(ids: list[int], by, reason: str) -> tuple[int, int]:
    units = {
        unit.pk: unit
        for unit in ChemicalUnit.objects.select_for_update()
        .filter(pk__in=ids)
        .select_related("enterprise")
        .only("pk", "enterprise", "population_500m", "version", "evaluation_error", *CACHED)
    }
    lines: dict[int, list[engine.Line]] = defaultdict(list)
    found = InventoryLine.objects.filter(unit_id__in=ids).select_related("chemical")
    for line in found.order_by("unit_id", "id"):
        lines[line.unit_id].append(engine_line(line))
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
    fields = [*CACHED, "evaluation_error", "evaluated_at", "edition", "version"]
    ChemicalUnit.objects.bulk_update(dirty, fields, batch_size=500)
    UnitEvaluation.objects.bulk_create(history, batch_size=1000)
    for unit in dirty:
        if not unit.evaluation_error:
            follow_source(unit, is_major=unit.is_major, grade=unit.grade)
    return len(history), failed


def follow_source(unit: ChemicalUnit, *, is_major: bool, grade: str) -> None:
    source = MajorHazardSource.objects.select_for_update().filter(unit=unit).first()
    today = timezone.localdate()
    if source is None:
        if is_major:
            _open_source(unit, grade=grade, today=today)
        return
    values: dict = {"qualifies": is_major}
    if is_major:
        values["grade"] = grade
        if source.state == SourceState.CLOSED:
            # It qualifies again: a new identification, to be filed again.
            values.update(state=SourceState.IDENTIFIED, identified_on=today, closed_on=None)
        elif source.state == SourceState.FILED and grade != source.filed_grade:
            values.update(state=SourceState.IDENTIFIED, identified_on=today)
    MajorHazardSource.objects.filter(pk=source.pk).update(version=F("version") + 1, **values)


def _open_source(unit: ChemicalUnit, *, grade: str, today: date) -> MajorHazardSource:
    source = MajorHazardSource(
        enterprise=unit.enterprise,
        unit=unit,
        number=f"TMP{unit.pk}",
        grade=grade,
        identified_on=today,
    )
    source.copy_enterprise_scope()
    source.save()
    source.number = f"ZDWXY{today:%Y}{source.pk:06d}"
    MajorHazardSource.objects.filter(pk=source.pk).update(number=source.number)
    return source
