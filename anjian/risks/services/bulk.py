"""The bulk path (demo data, imports): risk points prepared in memory with their measures
and assessments, inserted in batches with their audit entries."""

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date

from anjian.core.exceptions import OutOfScope
from anjian.risks.models import ControlMeasure, RiskAssessment, RiskPoint
from anjian.risks.services.assessments import Grade, apply_grade, assessment_row
from anjian.risks.services.audit import write_log_entries


@dataclass
class PreparedPoint:
    """A risk point with its measures and assessments, validated, not yet saved."""

    point: RiskPoint
    measures: list[ControlMeasure] = dataclass_field(default_factory=list)
    grades: list[tuple[Grade, object, str]] = dataclass_field(
        default_factory=list
    )  # (grade, at, note)


def prepare_point(
    prepared: PreparedPoint, *, by, reassess_due: date | None = None
) -> PreparedPoint:
    """Derive what the single-row services derive, from memory (no query per row)."""
    point = prepared.point
    point.created_by = by
    for grade, at, _note in sorted(prepared.grades, key=lambda g: g[1]):
        apply_grade(point, grade, at=at, reassess_due=reassess_due)
    point.refresh_derived_fields()
    return prepared


def risk_points_bulk_create(
    *, by, rows: Iterable[PreparedPoint], batch_size: int = 1000
) -> list[RiskPoint]:
    """Insert prepared risk points, their measures and assessments, with audit entries.

    Callers build the rows with ``point_from_entry``/``compute_grade`` and ``prepare_point``;
    this checks scope for the whole batch and writes it in the caller's transaction.
    """
    rows = list(rows)
    scope = by.scope
    for row in rows:
        point = row.point
        if not (
            scope.everything
            or (scope.enterprise_id is not None and scope.enterprise_id == point.enterprise_id)
            or (
                scope.enterprise_id is None
                and scope.covers_region(point.scope_region_code)
                and scope.covers_industry(point.industry_id)
            )
        ):
            raise OutOfScope()
    points = RiskPoint.objects.bulk_create([row.point for row in rows], batch_size=batch_size)
    measures, assessments = [], []
    for row in rows:
        for measure in row.measures:
            measure.risk_point = row.point
            measures.append(measure)
        for grade, at, note in row.grades:
            assessments.append(assessment_row(row.point, grade, by=by, at=at, note=note))
    ControlMeasure.objects.bulk_create(measures, batch_size=batch_size)
    RiskAssessment.objects.bulk_create(assessments, batch_size=batch_size)
    write_log_entries(by, RiskPoint, points, batch_size=batch_size)
    write_log_entries(by, ControlMeasure, measures, batch_size=batch_size)
    write_log_entries(by, RiskAssessment, assessments, batch_size=batch_size)
    return points
