"""Writes to the register of public places (公共区域台账). Pages, API and demo call these.

Like the units: the writer's scope is re-checked inside the transaction, an edit begun on
an older version is a conflict, and a place that moves street or grid or changes industry
sends ``signals.place_moved`` in the same transaction so its hazards follow. Nothing is
deleted: 停用 (``is_active``) keeps the place, its hazards and their history.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.core.scoping import ensure_in_scope
from anjian.core.services import writable
from anjian.enterprises import permissions as perms
from anjian.enterprises.places.models import PublicPlace
from anjian.enterprises.signals import place_moved
from anjian.regions.models import Department, ancestor_codes

PLACE_FIELDS = (
    "kind",
    "name",
    "address",
    "latitude",
    "longitude",
    "street",
    "grid",
    "industry",
    "responsible_department",
    "contact_name",
    "contact_phone",
    "note",
    "is_active",
)


def responsible_department(place: PublicPlace) -> Department | None:
    """The department answering for ``place``: the one set by hand, else the one that
    supervises its 公共区域 industry nearest to its street (管行业必须管安全)."""
    if place.responsible_department_id:
        return place.responsible_department
    if not (place.industry_id and place.street_id):
        return None
    return Department.objects.supervising(place.industry_id, place.street)


def _check(by, place: PublicPlace) -> None:
    place.refresh_derived_fields()
    place.full_clean(validate_unique=False, validate_constraints=False)
    department = place.responsible_department
    if department is not None and department.region_id not in ancestor_codes(place.street_id):
        raise ValidationError({"responsible_department": _("该部门不管辖此公共区域所在街镇")})
    duplicate = (
        PublicPlace.objects.filter(street_id=place.street_id, name=place.name)
        .exclude(pk=place.pk)
        .exists()
    )
    if duplicate:
        raise ValidationError({"name": _("本街镇已登记同名的公共区域")})
    scope = by.scope
    if not scope.everything:
        if not scope.covers_region(place.scope_region_code):
            raise ValidationError(
                {
                    "street": _("只能登记您管辖范围（%(scope)s）内的公共区域")
                    % {"scope": scope.label}
                }
            )
        if not scope.covers_industry(place.industry_id):
            raise ValidationError({"industry": _("只能登记本部门监管领域的公共区域")})


def _save(by, place: PublicPlace) -> None:
    try:
        with transaction.atomic():
            place.save()
    except IntegrityError:
        raise ValidationError({"name": _("本街镇已登记同名的公共区域")}) from None
    try:
        ensure_in_scope(by, place)
    except OutOfScope:
        raise ValidationError(_("超出您的管辖范围")) from None


@transaction.atomic
def place_create(*, by, data: dict) -> PublicPlace:
    """Register a public place. ``data`` holds values of PLACE_FIELDS (FKs as objects)."""
    if not by.can(perms.PLACE_MANAGE):
        raise NotPermitted()
    place = PublicPlace(**writable(data, PLACE_FIELDS))
    _check(by, place)
    _save(by, place)
    return place


@transaction.atomic
def place_update(*, by, place_id: int, data: dict, expected_version: int) -> PublicPlace:
    """Change a place the writer can see, unless someone changed it since
    ``expected_version`` (Conflict). Out of scope: ``PublicPlace.DoesNotExist`` (404)."""
    if not by.can(perms.PLACE_MANAGE):
        raise NotPermitted()
    data = writable(data, PLACE_FIELDS)
    place = (
        PublicPlace.objects.for_user(by)
        .select_for_update(of=("self",))
        .select_related("street", "industry")
        .get(pk=place_id)
    )
    if place.version != expected_version:
        raise Conflict()
    old_region_code, old_industry_id = place.scope_region_code, place.industry_id
    for field, value in data.items():
        setattr(place, field, value)
    _check(by, place)
    place.version += 1
    _save(by, place)
    if (place.scope_region_code, place.industry_id) != (old_region_code, old_industry_id):
        place_moved.send(
            sender=PublicPlace,
            place=place,
            old_region_code=old_region_code,
            old_industry_id=old_industry_id,
        )
    return place
