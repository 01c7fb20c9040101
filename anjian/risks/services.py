"""Writes to risk points, assessments, measures and band tables. Pages, API, jobs and the
demo all call these.

Side effects: every save lands in the audit trail (django-auditlog signals; the bulk path
writes its entries explicitly); each write re-checks the writer's scope inside its
transaction and rolls back if the record is (or would be) outside it. Concurrent edits of a
risk point or measure compare ``version`` under a row lock: the second writer gets Conflict.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, date, timedelta
from decimal import Decimal

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.encoding import smart_str
from django.utils.translation import gettext as _

from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.core.scoping import ensure_in_scope, require_city_wide
from anjian.enterprises.models import Enterprise
from anjian.risks import grading
from anjian.risks.choices import (
    LEVEL_RANK,
    METHOD_FACTORS,
    BoundaryRule,
    Method,
    PointStatus,
    Stage,
)
from anjian.risks.models import (
    ControlMeasure,
    RiskAssessment,
    RiskBandTable,
    RiskLibraryEntry,
    RiskPoint,
)

REASSESS_AFTER = timedelta(days=365)
# Fields of a risk point the create and edit forms write.
EDITABLE_FIELDS = (
    "name",
    "kind",
    "location",
    "hazard_factors",
    "factor_class",
    "accident_types",
    "control_level",
    "owner_name",
    "owner_phone",
    "emergency_phone",
    "reassess_due",
)
MEASURE_FIELDS = ("kind", "text", "level", "owner_name", "owner_phone", "sort_order")


# --- helpers ---------------------------------------------------------------------------


def _enterprise_for(by, enterprise: Enterprise) -> Enterprise:
    """The enterprise re-read through the writer's scope, or a field error on ``enterprise``."""
    found = Enterprise.objects.for_user(by).filter(pk=enterprise.pk).first()
    if found is None:
        raise ValidationError({"enterprise": _("单位不存在或不在您的管辖范围内")})
    return found


def _check_scope(by, obj) -> None:
    try:
        ensure_in_scope(by, obj)
    except OutOfScope:
        raise ValidationError(_("超出您的管辖范围")) from None


def _locked_point(by, risk_point_id: int) -> RiskPoint:
    """The risk point under a row lock, through the writer's scope (DoesNotExist outside)."""
    return (
        RiskPoint.objects.for_user(by)
        .select_for_update(of=("self",))
        .select_related("enterprise")
        .get(pk=risk_point_id)
    )


def _refuse_retired(point: RiskPoint) -> None:
    if point.status != PointStatus.ACTIVE:
        raise ValidationError(_("该风险点已注销，不能再修改、评估或增加措施"))


def _clean_point(point: RiskPoint) -> None:
    point.refresh_derived_fields()
    point.full_clean(exclude=["enterprise"] if point.enterprise_id else None)


# --- risk points -------------------------------------------------------------------------


@transaction.atomic
def risk_point_create(*, by, enterprise: Enterprise, data: dict) -> RiskPoint:
    """Register a risk point of ``enterprise`` (which must be in the writer's scope)."""
    enterprise = _enterprise_for(by, enterprise)
    point = RiskPoint(enterprise=enterprise, created_by=by, **_only(data, EDITABLE_FIELDS))
    _clean_point(point)
    point.save()
    _check_scope(by, point)
    return point


@transaction.atomic
def risk_point_update(*, by, risk_point_id: int, data: dict, expected_version: int) -> RiskPoint:
    """Change a risk point if nobody changed it since ``expected_version``.

    Raises RiskPoint.DoesNotExist out of scope (callers answer 404), Conflict when the
    version moved on, ValidationError with field messages otherwise.
    """
    point = _locked_point(by, risk_point_id)
    if point.version != expected_version:
        raise Conflict()
    _refuse_retired(point)
    for name, value in _only(data, EDITABLE_FIELDS).items():
        setattr(point, name, value)
    _clean_point(point)
    point.version += 1
    point.save()
    _check_scope(by, point)
    return point


@transaction.atomic
def risk_point_retire(*, by, risk_point_id: int, reason: str, expected_version: int) -> RiskPoint:
    """Retire (注销) a risk point with a reason. Nothing is deleted; it leaves the lists,
    the register and the map, and can no longer be assessed."""
    point = _locked_point(by, risk_point_id)
    if point.version != expected_version:
        raise Conflict()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写注销原因")})
    if point.status == PointStatus.RETIRED:
        raise ValidationError(_("该风险点已注销"))
    point.status = PointStatus.RETIRED
    point.retire_reason = reason[:500]
    point.retired_at = timezone.now()
    point.retired_by = by
    point.version += 1
    point.save()
    _check_scope(by, point)
    return point


# --- assessments ---------------------------------------------------------------------------


def current_tables() -> dict[str, RiskBandTable]:
    """The band table in force for each method."""
    return {method.value: RiskBandTable.objects.current(method) for method in Method}


def _factor_values(method: str, factors: dict, table: RiskBandTable) -> dict[str, Decimal]:
    """The factors as Decimals, each one of the table's values (field errors otherwise)."""
    errors = {}
    values = {}
    for name in METHOD_FACTORS[Method(method)]:
        raw = factors.get(name)
        key = f"{method}_{name.lower()}"
        if raw in (None, ""):
            errors[key] = _("请选择 %(f)s 值") % {"f": name}
            continue
        try:
            value = grading.as_decimal(raw)
        except ValueError:
            errors[key] = _("%(f)s 值应为数字") % {"f": name}
            continue
        allowed = {Decimal(v) for v in table.factor_values(name)}
        if value not in allowed:
            errors[key] = _("%(f)s 值 %(v)s 不是现行分级标准（%(t)s）中的取值") % {
                "f": name,
                "v": grading.fmt(value),
                "t": table,
            }
            continue
        values[name] = value
    extra = {name for name, raw in factors.items() if raw not in (None, "")} - set(
        METHOD_FACTORS[Method(method)]
    )
    if extra:
        errors["method"] = _("%(m)s 法不使用 %(f)s 值") % {
            "m": "LEC" if method == Method.LEC else "LS",
            "f": "、".join(sorted(extra)),
        }
    if errors:
        raise ValidationError(errors)
    return values


@dataclass
class Grade:
    """A computed grade, before it is stored (the bulk path and previews use it too)."""

    method: str
    stage: str
    factors: dict[str, Decimal]
    score: Decimal
    level: str
    table: RiskBandTable


def compute_grade(*, method: str, stage: str, factors: dict, table: RiskBandTable) -> Grade:
    if method not in Method.values:
        raise ValidationError({"method": _("评估方法应为 LEC 或 LS")})
    if stage not in Stage.values:
        raise ValidationError({"stage": _("评估阶段应为固有风险或剩余风险")})
    values = _factor_values(method, factors, table)
    score = grading.score(method, values)
    return Grade(method, stage, values, score, grading.grade(method, score, table), table)


def _assessment_row(point: RiskPoint, grade: Grade, *, by, at, note: str) -> RiskAssessment:
    return RiskAssessment(
        risk_point=point,
        method=grade.method,
        stage=grade.stage,
        l_value=grade.factors.get("L"),
        e_value=grade.factors.get("E"),
        c_value=grade.factors.get("C"),
        s_value=grade.factors.get("S"),
        score=grade.score,
        level=grade.level,
        band_table=grade.table,
        assessed_by=by,
        assessed_at=at,
        note=(note or "")[:2000],
    )


def _apply_grade(point: RiskPoint, grade: Grade, *, at, reassess_due: date | None) -> None:
    """Cache the grade on the point (the single place the cached columns are written)."""
    if grade.stage == Stage.INHERENT:
        point.inherent_method, point.inherent_score = grade.method, grade.score
        point.inherent_level = grade.level
    else:
        point.residual_method, point.residual_score = grade.method, grade.score
        point.residual_level = grade.level
    point.last_assessed_at = at
    point.reassess_due = reassess_due or (timezone.localtime(at).date() + REASSESS_AFTER)
    point.refresh_derived_fields()


@transaction.atomic
def risk_point_assess(
    *,
    by,
    risk_point_id: int,
    method: str,
    stage: str,
    factors: dict,
    note: str = "",
    reassess_due: date | None = None,
) -> RiskAssessment:
    """Assess a risk point with LEC (factors L, E, C) or LS (L, S).

    The score is graded by the band table in force now, which the assessment keeps; the
    point's cached grade of that stage, its current grade and its next re-assessment date
    (``reassess_due``, default one year on) follow.
    """
    point = _locked_point(by, risk_point_id)
    _refuse_retired(point)
    table = RiskBandTable.objects.current(method) if method in Method.values else None
    grade = compute_grade(method=method, stage=stage, factors=factors, table=table)
    now = timezone.now()
    if reassess_due is not None and reassess_due < timezone.localdate():
        raise ValidationError({"reassess_due": _("下次评估日期不能早于今天")})
    assessment = _assessment_row(point, grade, by=by, at=now, note=note)
    assessment.full_clean()
    assessment.save()
    _apply_grade(point, grade, at=now, reassess_due=reassess_due)
    point.save()
    _check_scope(by, point)
    return assessment


# --- measures ----------------------------------------------------------------------------


def _locked_measure(by, measure_id: int) -> ControlMeasure:
    return (
        ControlMeasure.objects.select_for_update(of=("self",))
        .select_related("risk_point")
        .get(pk=measure_id, risk_point__in=RiskPoint.objects.for_user(by))
    )


@transaction.atomic
def measure_add(*, by, risk_point_id: int, data: dict) -> ControlMeasure:
    """Add a control measure to an active risk point."""
    point = _locked_point(by, risk_point_id)
    _refuse_retired(point)
    measure = ControlMeasure(risk_point=point, **_only(data, MEASURE_FIELDS))
    measure.full_clean(exclude=["risk_point"])
    measure.save()
    _check_scope(by, point)
    return measure


@transaction.atomic
def measure_update(*, by, measure_id: int, data: dict, expected_version: int) -> ControlMeasure:
    measure = _locked_measure(by, measure_id)
    if measure.version != expected_version:
        raise Conflict()
    if not measure.is_active:
        raise ValidationError(_("该措施已停用，不能修改"))
    _refuse_retired(measure.risk_point)
    for name, value in _only(data, MEASURE_FIELDS).items():
        setattr(measure, name, value)
    measure.full_clean(exclude=["risk_point"])
    measure.version += 1
    measure.save()
    _check_scope(by, measure.risk_point)
    return measure


@transaction.atomic
def measure_deactivate(
    *, by, measure_id: int, reason: str, expected_version: int | None = None
) -> ControlMeasure:
    """Stop a measure (with a reason). Deactivating an inactive one again changes nothing."""
    measure = _locked_measure(by, measure_id)
    if expected_version is not None and measure.version != expected_version:
        raise Conflict()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写停用原因")})
    if not measure.is_active:
        return measure
    measure.is_active = False
    measure.deactivated_at = timezone.now()
    measure.deactivated_by = by
    measure.deactivate_reason = reason[:500]
    measure.version += 1
    measure.save()
    _check_scope(by, measure.risk_point)
    return measure


# --- the library -----------------------------------------------------------------------------


def library_for(enterprise: Enterprise) -> list[RiskLibraryEntry]:
    """Library entries that apply to ``enterprise`` (its industry or key-object flags);
    the generic entries when none does."""
    entries = list(RiskLibraryEntry.objects.filter(is_active=True))
    matching = [entry for entry in entries if entry.applies_to(enterprise)]
    if matching:
        return matching
    return [entry for entry in entries if entry.is_generic]


def point_from_entry(
    entry: RiskLibraryEntry, *, enterprise: Enterprise, by, owner_name: str, owner_phone: str
) -> tuple[RiskPoint, list[ControlMeasure]]:
    """An unsaved risk point and its measures, copied from a library entry."""
    point = RiskPoint(
        enterprise=enterprise,
        name=entry.name,
        kind=entry.kind,
        location=entry.location_hint,
        hazard_factors=entry.hazard_factors,
        factor_class=entry.factor_class,
        accident_types=entry.accident_types,
        control_level=entry.control_level,
        owner_name=owner_name,
        owner_phone=owner_phone,
        library_entry=entry,
        created_by=by,
    )
    measures = [
        ControlMeasure(
            risk_point=point,
            kind=item["kind"],
            text=item["text"],
            level=item["level"],
            owner_name=owner_name,
            sort_order=(index + 1) * 10,
        )
        for index, item in enumerate(entry.measures)
    ]
    return point, measures


@transaction.atomic
def risk_points_from_library(
    *,
    by,
    enterprise: Enterprise,
    entries: Iterable[RiskLibraryEntry],
    owner_name: str,
    owner_phone: str,
    assess_typical: bool = False,
) -> list[RiskPoint]:
    """Create one risk point (with its typical measures) per picked library entry.

    Entries must apply to the enterprise. With ``assess_typical`` each point also gets an
    inherent assessment with the entry's typical factor values; otherwise it waits to be
    assessed.
    """
    enterprise = _enterprise_for(by, enterprise)
    applicable = {entry.pk for entry in library_for(enterprise)}
    created = []
    tables = current_tables() if assess_typical else {}
    for entry in entries:
        if entry.pk not in applicable:
            raise ValidationError({"entries": _("“%(e)s”不适用于本单位") % {"e": entry.name}})
        point, measures = point_from_entry(
            entry, enterprise=enterprise, by=by, owner_name=owner_name, owner_phone=owner_phone
        )
        _clean_point(point)
        point.save()
        for measure in measures:
            measure.risk_point = point
            measure.full_clean(exclude=["risk_point"])
        ControlMeasure.objects.bulk_create(measures)
        _write_log_entries(by, ControlMeasure, measures)
        if assess_typical:
            grade = compute_grade(
                method=entry.method,
                stage=Stage.INHERENT,
                factors=entry.typical_factors(),
                table=tables[entry.method],
            )
            now = timezone.now()
            _assessment_row(point, grade, by=by, at=now, note=_("按风险点库典型取值")).save()
            _apply_grade(point, grade, at=now, reassess_due=None)
            point.save()
        _check_scope(by, point)
        created.append(point)
    return created


# --- band tables ----------------------------------------------------------------------------


@transaction.atomic
def band_table_publish(
    *,
    by,
    method: str,
    boundary_rule: str,
    bands: list[dict],
    factors: dict[str, list[list[str]]],
    source: str,
    edition: str,
    note: str = "",
    based_on_version: int | None = None,
) -> RiskBandTable:
    """Publish a new version of ``method``'s band table; later assessments use it.

    Published versions are never edited, so every older assessment keeps the table it was
    graded with. If someone published since ``based_on_version``, raises Conflict. The
    tables grade every risk point in the deployment: only a user whose scope covers it
    publishes (NotPermitted otherwise).
    """
    require_city_wide(by, what=_("风险分级标准（LEC/LS 分级表）"))
    if not by.can("risk.configure"):
        raise NotPermitted()
    if method not in Method.values:
        raise ValidationError({"method": _("评估方法应为 LEC 或 LS")})
    if boundary_rule not in BoundaryRule.values:
        raise ValidationError({"boundary_rule": _("请选择边界值归属")})
    spec = grading.spec_from(bands, method=method, boundary_rule=boundary_rule)
    problems = grading.check_spec(spec)
    if problems:
        raise ValidationError({"bands": problems})
    missing = [name for name in METHOD_FACTORS[Method(method)] if not factors.get(name)]
    if missing:
        raise ValidationError({"factors": _("缺少取值：%(f)s") % {"f": "、".join(missing)}})
    latest = RiskBandTable.objects.filter(method=method).order_by("-version").first()
    latest_version = latest.version if latest else 0
    if based_on_version is not None and based_on_version != latest_version:
        raise Conflict(_("分级标准已被他人发布了新版本，请刷新页面后在最新版本上修改。"))
    table = RiskBandTable(
        method=method,
        version=latest_version + 1,
        boundary_rule=boundary_rule,
        bands=bands,
        factors={name: factors[name] for name in METHOD_FACTORS[Method(method)]},
        source=source.strip(),
        edition=edition.strip(),
        note=(note or "").strip(),
        published_by=by,
    )
    table.full_clean()
    try:
        with transaction.atomic():
            table.save()
    except IntegrityError:
        raise Conflict(_("分级标准已被他人发布了新版本，请刷新页面后在最新版本上修改。")) from None
    return table


# --- bulk (demo data, imports) --------------------------------------------------------------


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
        _apply_grade(point, grade, at=at, reassess_due=reassess_due)
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
            assessments.append(_assessment_row(row.point, grade, by=by, at=at, note=note))
    ControlMeasure.objects.bulk_create(measures, batch_size=batch_size)
    RiskAssessment.objects.bulk_create(assessments, batch_size=batch_size)
    _write_log_entries(by, RiskPoint, points, batch_size=batch_size)
    _write_log_entries(by, ControlMeasure, measures, batch_size=batch_size)
    _write_log_entries(by, RiskAssessment, assessments, batch_size=batch_size)
    return points


def _tracked_fields(model) -> list:
    """The fields auditlog records for ``model`` (its registration's include/exclude)."""
    from auditlog.diff import track_field
    from auditlog.registry import auditlog

    settings = auditlog.get_model_fields(model)
    fields = [f for f in model._meta.fields if track_field(f)]
    if settings["include_fields"]:
        fields = [f for f in fields if f.name in settings["include_fields"]]
    if settings["exclude_fields"]:
        fields = [f for f in fields if f.name not in settings["exclude_fields"]]
    return fields


def _create_diff(obj, fields) -> dict:
    """What ``model_instance_diff(None, obj)`` gives, for the field types these models use,
    without its per-field lookups (the bulk path writes tens of thousands of entries)."""
    diff = {}
    for field in fields:
        value = getattr(obj, field.attname)
        if value is None and (
            field.many_to_one or field.one_to_one or isinstance(field, models.DateTimeField)
        ):
            # auditlog compares its "None" with a real None here and records the pair.
            diff[field.name] = ("None", "None")
            continue
        if isinstance(field, models.DateTimeField) and timezone.is_aware(value):
            value = timezone.make_naive(value, timezone=UTC)
        if isinstance(field, models.JSONField):
            text = json.dumps(value, sort_keys=True, cls=field.encoder)
        else:
            text = smart_str(value)
        if text != "None":
            diff[field.name] = ("None", text)
    return diff


def _write_log_entries(by, model, objects: list, *, batch_size: int = 1000) -> None:
    """CREATE entries for rows inserted with bulk_create (signals do not fire for them)."""
    if not objects:
        return
    content_type = ContentType.objects.get_for_model(model)
    fields = _tracked_fields(model)
    now = timezone.now()
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type,
                object_pk=str(obj.pk),
                object_id=obj.pk,
                object_repr=str(obj)[:200],
                action=LogEntry.Action.CREATE,
                changes=_create_diff(obj, fields),
                actor=by,
                timestamp=now,
                additional_data={"via": "bulk"},
            )
            for obj in objects
        ],
        batch_size=batch_size,
    )


def _only(data: dict, allowed: tuple[str, ...]) -> dict:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(_("不能修改的字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    return dict(data)


__all__ = [
    "LEVEL_RANK",
    "Grade",
    "PreparedPoint",
    "band_table_publish",
    "compute_grade",
    "current_tables",
    "library_for",
    "measure_add",
    "measure_deactivate",
    "measure_update",
    "point_from_entry",
    "prepare_point",
    "risk_point_assess",
    "risk_point_create",
    "risk_point_retire",
    "risk_point_update",
    "risk_points_bulk_create",
    "risk_points_from_library",
]
