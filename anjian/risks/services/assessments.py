"""Grading and assessments: a score from LEC or LS factors, graded by the band table in
force and kept with that table; the point caches the grade of each stage."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.exceptions import ValidationError
from anjian.risks import grading
from anjian.risks.choices import METHOD_FACTORS, Method, Stage
from anjian.risks.models import RiskAssessment, RiskBandTable, RiskPoint
from anjian.risks.services.common import check_scope, locked_point, refuse_retired

REASSESS_AFTER = timedelta(days=365)


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


def assessment_row(point: RiskPoint, grade: Grade, *, by, at, note: str) -> RiskAssessment:
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


def apply_grade(point: RiskPoint, grade: Grade, *, at, reassess_due: date | None) -> None:
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
    point = locked_point(by, risk_point_id)
    refuse_retired(point)
    table = RiskBandTable.objects.current(method) if method in Method.values else None
    grade = compute_grade(method=method, stage=stage, factors=factors, table=table)
    now = timezone.now()
    if reassess_due is not None and reassess_due < timezone.localdate():
        raise ValidationError({"reassess_due": _("下次评估日期不能早于今天")})
    assessment = assessment_row(point, grade, by=by, at=now, note=note)
    assessment.full_clean()
    assessment.save()
    apply_grade(point, grade, at=now, reassess_due=reassess_due)
    point.save()
    check_scope(by, point)
    return assessment
