"""What every risk service shares: the writer's scope, row locks, the retired-point rule."""

from django.utils.translation import gettext as _

from anjian.core.exceptions import OutOfScope, ValidationError
from anjian.core.scoping import ensure_in_scope
from anjian.enterprises.models import Enterprise
from anjian.risks.choices import PointStatus
from anjian.risks.models import RiskPoint


def enterprise_for(by, enterprise: Enterprise) -> Enterprise:
    """The enterprise re-read through the writer's scope, or a field error on ``enterprise``."""
    found = Enterprise.objects.for_user(by).filter(pk=enterprise.pk).first()
    if found is None:
        raise ValidationError({"enterprise": _("单位不存在或不在您的管辖范围内")})
    return found


def check_scope(by, obj) -> None:
    try:
        ensure_in_scope(by, obj)
    except OutOfScope:
        raise ValidationError(_("超出您的管辖范围")) from None


def locked_point(by, risk_point_id: int) -> RiskPoint:
    """The risk point under a row lock, through the writer's scope (DoesNotExist outside)."""
    return (
        RiskPoint.objects.for_user(by)
        .select_for_update(of=("self",))
        .select_related("enterprise")
        .get(pk=risk_point_id)
    )


def refuse_retired(point: RiskPoint) -> None:
    if point.status != PointStatus.ACTIVE:
        raise ValidationError(_("该风险点已注销，不能再修改、评估或增加措施"))


def clean_point(point: RiskPoint) -> None:
    point.refresh_derived_fields()
    point.full_clean(exclude=["enterprise"] if point.enterprise_id else None)
