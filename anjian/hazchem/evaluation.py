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

import hashlib
import json
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import CharField, F, TextField
from django.db.models.functions import Cast
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
NUMBERS = ("s_value", "r_value", "alpha", "is_major", "grade")
WRITTEN = (*NUMBERS, "evaluation", "evaluated_at", "edition", "inputs_digest")
HISTORY = ("unit", "at", "by", "reason", "s_value", "r_value", "is_major", "grade")
HISTORY_WRITTEN = (*HISTORY, "evaluation", "edition")


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


def inputs_digest(lines: list[engine.Line], population: int) -> str:
    """What the engine is given for a unit, condensed: the same digest, the same result
    (the edition is part of it: a new edition re-evaluates every unit)."""
    parts = [engine.EDITION, str(population)]
    parts += [
        f"{line.row}|{line.cas}|{line.name}|{','.join(line.classes)}|"
        f"{line.quantity.normalize():f}|{line.mixture.value}"
        for line in lines
    ]
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


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
    values.update(
        evaluation_error="",
        evaluated_at=now,
        edition=engine.EDITION,
        inputs_digest=inputs_digest(lines, unit.population_500m),
    )
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


class _Chunk:
    """One chunk's outcome: the UPDATE rows for the units and the INSERT rows for their
    history, prepared once (the evaluation's JSON serves both), and the units to follow."""

    def __init__(self, by, reason: str):
        self.now = timezone.now()
        self.by, self.reason = by, reason[:200]
        self.evaluated: list[list] = []
        self.history: list[list] = []
        self.failed: list[list] = []
        self.digests: list[list] = []
        self.follow: dict[int, tuple[bool, str]] = {}
        unit_fields = ChemicalUnit._meta
        self.unit_fields = [unit_fields.get_field(name) for name in WRITTEN]
        self.history_fields = [UnitEvaluation._meta.get_field(n) for n in HISTORY_WRITTEN]
        self.json = unit_fields.get_field("evaluation")
        self.at = unit_fields.get_field("evaluated_at").get_db_prep_save(self.now, connection)
        self.by_id = getattr(by, "pk", None)

    def prepared(self, field, value):
        """``field.get_db_prep_save`` without its round trip for the plain values written
        here — a Decimal the engine quantized, a bool, an int, a str (300,000 calls)."""
        if value is None or isinstance(value, (bool, int, str)):
            return value
        if isinstance(value, Decimal):
            return connection.ops.adapt_decimalfield_value(
                value, field.max_digits, field.decimal_places
            )
        return field.get_db_prep_save(value, connection)

    def evaluated_unit(self, unit, values: dict, digest: str) -> None:
        evaluation = self.prepared(self.json, values["evaluation"])
        numbers = [self.prepared(f, values[f.name]) for f in self.unit_fields[: len(NUMBERS)]]
        self.evaluated.append(
            [*numbers, evaluation, self.at, engine.EDITION, digest, unit.version + 1, unit.pk]
        )
        figures = [*numbers[:2], *numbers[3:]]  # a history row has no α
        self.history.append(
            [unit.pk, self.at, self.by_id, self.reason, *figures, evaluation, engine.EDITION]
        )
        self.follow[unit.pk] = (values["is_major"], values["grade"])

    def write(self) -> None:
        quote = connection.ops.quote_name
        table = quote(ChemicalUnit._meta.db_table)
        where = f"WHERE {quote('id')} = %s"
        columns = [*WRITTEN, "version"]
        assignments = ", ".join(
            f"{quote(ChemicalUnit._meta.get_field(name).column)} = %s" for name in columns
        )
        error = quote("evaluation_error")
        digest = quote("inputs_digest")
        history_table = quote(UnitEvaluation._meta.db_table)
        history_columns = ", ".join(quote(f.column) for f in self.history_fields)
        marks = ", ".join(["%s"] * len(self.history_fields))
        with connection.cursor() as cursor:
            if self.evaluated:
                cursor.executemany(
                    f"UPDATE {table} SET {assignments}, {error} = '' {where}", self.evaluated
                )
                cursor.executemany(
                    f"INSERT INTO {history_table} ({history_columns}) VALUES ({marks})",
                    self.history,
                )
            if self.failed:
                cursor.executemany(
                    f"UPDATE {table} SET {error} = %s, {digest} = %s, {quote('version')} = %s "
                    f"{where}",
                    self.failed,
                )
            if self.digests:
                cursor.executemany(f"UPDATE {table} SET {digest} = %s {where}", self.digests)


def _lines_of(ids: list[int]) -> dict[int, list[engine.Line]]:
    """The units' lines for the engine. Quantities and own classes are read as text: the
    database's decimal and JSON conversions of 200,000 values took seconds, and a line's
    own classes matter only for a mixture judged by them."""
    rows = (
        InventoryLine.objects.filter(unit_id__in=ids)
        .order_by("unit_id", "id")
        .values_list(
            "unit_id",
            "chemical_id",
            Cast("max_quantity", CharField()),
            "mixture",
            Cast("own_classes", TextField()),
        )
    )
    rows = list(rows)
    chemicals = Chemical.objects.only("name", "cas", "table1_row", "gb18218_classes").in_bulk(
        {row[1] for row in rows}
    )
    classes = {pk: tuple(chemical.gb18218_classes) for pk, chemical in chemicals.items()}
    rules = {rule.value: rule for rule in engine.Mixture}
    lines: dict[int, list[engine.Line]] = defaultdict(list)
    for unit_id, chemical_id, quantity, mixture, own in rows:  # as _engine_line, inlined
        chemical = chemicals[chemical_id]
        line = engine.Line(
            quantity=Decimal(quantity),
            cas=chemical.cas,
            name=chemical.name,
            row=chemical.table1_row,
            classes=tuple(json.loads(own)) if mixture == Mixture.OWN else classes[chemical_id],
            mixture=rules[mixture],
        )
        lines[unit_id].append(line)
    return lines


UNIT_READ = ("pk", "population_500m", "version", "evaluation_error", "inputs_digest", *NUMBERS)


def _reevaluate_chunk(ids: list[int], by, reason: str) -> tuple[int, int, list[int]]:
    # The units and their lines as rows, each chemical read once, no model instances:
    # 200,000 lines (or 20,000 units) as instances took seconds.
    units = list(
        ChemicalUnit.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list(*UNIT_READ, named=True)
    )
    lines = _lines_of(ids)
    chunk = _Chunk(by, reason)
    unchanged_numbers: dict[int, tuple] = {}
    failed = 0
    for unit in units:
        digest = inputs_digest(lines[unit.pk], unit.population_500m)
        if digest == unit.inputs_digest:
            failed += bool(unit.evaluation_error)
            continue  # the same inputs: the same result (or the same refusal)
        try:
            values = evaluation_values(lines[unit.pk], unit.population_500m)
        except IdentificationError as error:
            failed += 1
            message = str(error)[:500]
            version = unit.version + (message != unit.evaluation_error)
            chunk.failed.append([message, digest, version, unit.pk])
            continue
        if not unit.evaluation_error and all(
            getattr(unit, name) == values[name] for name in NUMBERS
        ):
            unchanged_numbers[unit.pk] = (unit, values, digest)
            continue
        chunk.evaluated_unit(unit, values, digest)
    # Inputs changed but not the figures: the same result only if the stored form is too
    # (read for these units alone).
    stored = ChemicalUnit.objects.filter(pk__in=unchanged_numbers).values_list("pk", "evaluation")
    for pk, evaluation in stored:
        unit, values, digest = unchanged_numbers[pk]
        if evaluation == values["evaluation"]:
            chunk.digests.append([digest, pk])
        else:
            chunk.evaluated_unit(unit, values, digest)
    chunk.write()
    return len(chunk.history), failed, _follow_sources(chunk.follow, ids, by=by)


def _follow_sources(follow: dict[int, tuple[bool, str]], ids: list[int], *, by) -> list[int]:
    """``follow_source`` for the re-evaluated units that have a source or qualify now (it
    has nothing to do for the others); which units have one is read once (a source is
    opened only under its unit's lock, held here). Returns the sources opened."""
    sourced = set(
        MajorHazardSource.objects.filter(unit_id__in=ids).values_list("unit_id", flat=True)
    )
    wanted = [pk for pk, (is_major, _grade) in follow.items() if is_major or pk in sourced]
    units = ChemicalUnit.objects.select_related("enterprise").only(
        "pk", "enterprise__scope_region_code", "enterprise__industry"
    )
    opening = []
    for pk, unit in sorted(units.in_bulk(wanted).items()):
        is_major, grade = follow[pk]
        if pk in sourced:
            follow_source(unit, is_major=is_major, grade=grade, by=by)
        else:
            opening.append((unit, grade))
    return _open_sources(opening, by=by)


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
