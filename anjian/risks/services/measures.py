"""Control measures of a risk point: add, edit, stop (with a reason; never deleted)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.exceptions import Conflict, ValidationError
from anjian.core.services import writable
from anjian.risks.models import ControlMeasure, RiskPoint
from anjian.risks.services.common import check_scope, locked_point, refuse_retired

MEASURE_FIELDS = ("kind", "text", "level", "owner_name", "owner_phone", "sort_order")


def _locked_measure(by, measure_id: int) -> ControlMeasure:
    return (
        ControlMeasure.objects.select_for_update(of=("self",))
        .select_related("risk_point")
        .get(pk=measure_id, risk_point__in=RiskPoint.objects.for_user(by))
    )


@transaction.atomic
def measure_add(*, by, risk_point_id: int, data: dict) -> ControlMeasure:
    """Add a control measure to an active risk point."""
    point = locked_point(by, risk_point_id)
    refuse_retired(point)
    measure = ControlMeasure(risk_point=point, **writable(data, MEASURE_FIELDS))
    measure.full_clean(exclude=["risk_point"])
    measure.save()
    check_scope(by, point)
    return measure


@transaction.atomic
def measure_update(*, by, measure_id: int, data: dict, expected_version: int) -> ControlMeasure:
    measure = _locked_measure(by, measure_id)
    if measure.version != expected_version:
        raise Conflict()
    if not measure.is_active:
        raise ValidationError(_("该措施已停用，不能修改"))
    refuse_retired(measure.risk_point)
    for name, value in writable(data, MEASURE_FIELDS).items():
        setattr(measure, name, value)
    measure.full_clean(exclude=["risk_point"])
    measure.version += 1
    measure.save()
    check_scope(by, measure.risk_point)
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
    check_scope(by, measure.risk_point)
    return measure
