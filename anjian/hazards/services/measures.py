"""制度措施清单: the measures a street or district takes against recurring problems, with
the hazards behind them. Scoped writes with a version check (no lifecycle)."""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.hazards import permissions as perms
from anjian.hazards.models import Hazard, SystemMeasure

MEASURE_FIELDS = (
    "region",
    "industry",
    "problem",
    "measure",
    "lead_unit",
    "partner_units",
    "deadline",
    "state",
    "progress",
)


def _check_measure_scope(by, measure) -> None:

    scope = by.scope
    if not scope.everything:
        if scope.enterprise_id is not None or not scope.covers_region(measure.region_id):
            raise ValidationError(
                {"region": _("只能登记您管辖范围（%(s)s）内的制度措施") % {"s": scope.label}}
            )
        if scope.industry_ids is not None and measure.industry_id not in scope.industry_ids:
            raise ValidationError({"industry": _("请选择本部门监管的行业")})
    if not SystemMeasure.objects.for_user(by).filter(pk=measure.pk).exists():
        raise ValidationError(_("超出您的管辖范围"))


@transaction.atomic
def measure_create(*, by, data: dict, hazards: Iterable = ()):
    """Add a 制度措施 for the writer's region (or an industry in it), with the hazards behind it."""

    if not by.can(perms.HAZARD_SUPERVISE):
        raise NotPermitted()
    measure = SystemMeasure(created_by=by, **{k: v for k, v in data.items() if k in MEASURE_FIELDS})
    measure.full_clean()
    measure.save()
    _check_measure_scope(by, measure)
    if hazards:
        measure.hazards.set(
            Hazard.objects.for_user(by).filter(pk__in=[getattr(h, "pk", h) for h in hazards])
        )
    return measure


@transaction.atomic
def measure_update(
    *, by, measure_id: int, data: dict, expected_version: int, hazards: Iterable | None = None
):
    """Change a 制度措施 (progress, state, …) at ``expected_version``; ``hazards``, when
    given, replaces the linked hazards (those in the writer's scope)."""

    if not by.can(perms.HAZARD_SUPERVISE):
        raise NotPermitted()
    measure = SystemMeasure.objects.for_user(by).select_for_update().get(pk=measure_id)
    if measure.version != expected_version:
        raise Conflict()
    for field, value in data.items():
        if field in MEASURE_FIELDS:
            setattr(measure, field, value)
    measure.full_clean()
    measure.version += 1
    measure.save()
    _check_measure_scope(by, measure)
    if hazards is not None:
        measure.hazards.set(
            Hazard.objects.for_user(by).filter(pk__in=[getattr(h, "pk", h) for h in hazards])
        )
    return measure
