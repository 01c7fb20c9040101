"""Register, edit and retire risk points."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.exceptions import Conflict, ValidationError
from anjian.core.services import writable
from anjian.enterprises.models import Enterprise
from anjian.risks.choices import PointStatus
from anjian.risks.models import RiskPoint
from anjian.risks.services.common import (
    check_scope,
    clean_point,
    enterprise_for,
    locked_point,
    refuse_retired,
)

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


@transaction.atomic
def risk_point_create(*, by, enterprise: Enterprise, data: dict) -> RiskPoint:
    """Register a risk point of ``enterprise`` (which must be in the writer's scope)."""
    enterprise = enterprise_for(by, enterprise)
    point = RiskPoint(enterprise=enterprise, created_by=by, **writable(data, EDITABLE_FIELDS))
    clean_point(point)
    point.save()
    check_scope(by, point)
    return point


@transaction.atomic
def risk_point_update(*, by, risk_point_id: int, data: dict, expected_version: int) -> RiskPoint:
    """Change a risk point if nobody changed it since ``expected_version``.

    Raises RiskPoint.DoesNotExist out of scope (callers answer 404), Conflict when the
    version moved on, ValidationError with field messages otherwise.
    """
    point = locked_point(by, risk_point_id)
    if point.version != expected_version:
        raise Conflict()
    refuse_retired(point)
    for name, value in writable(data, EDITABLE_FIELDS).items():
        setattr(point, name, value)
    clean_point(point)
    point.version += 1
    point.save()
    check_scope(by, point)
    return point


@transaction.atomic
def risk_point_retire(*, by, risk_point_id: int, reason: str, expected_version: int) -> RiskPoint:
    """Retire (注销) a risk point with a reason. Nothing is deleted; it leaves the lists,
    the register and the map, and can no longer be assessed."""
    point = locked_point(by, risk_point_id)
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
    check_scope(by, point)
    return point
