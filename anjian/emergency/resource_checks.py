"""What every write of 应急资源 checks, and the one shape of create and update
(``services_resources`` and ``services_stock`` call these).

- **who**: ``resource.manage`` (``require``); the record is read through the writer's scope,
  locked, and compared with the version the writer started from (``locked``: ``OutOfScope``,
  ``Conflict``);
- **the owner** (``set_resource_owner``): an enterprise user writes for its own unit,
  forced; an official for a government region, a department or an enterprise inside its
  scope — a region or unit outside it is ``OutOfScope``; the owner's scope columns are
  copied (an update keeps the owner it is not given);
- **the input**, each problem a Chinese message on its field (``ValidationError``): required
  names, loosely shaped phone numbers, a choice among the field's choices, latitude and
  longitude both or neither and inside the deployment's area (as the enterprise form
  checks them), whole numbers (``whole_field`` over ``checks.whole_number``: text,
  negatives and fractions refused, saying which);
- **after the save**, still in the transaction, the record is re-read through the writer's
  scope (``ensure_in_scope``), so nobody writes a record they could not see.
"""

import re

from django.utils.translation import gettext as _

from anjian.accounts.roles import Role
from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope
from anjian.core.scoping import ensure_in_scope
from anjian.core.services import writable
from anjian.emergency import permissions as perms
from anjian.emergency.checks import (
    active_department,
    coordinate,
    key_of,
    own_unit,
    raise_errors,
    region_at,
    text_of,
    whole_number,
)
from anjian.emergency.choices import OwnerKind
from anjian.enterprises.selectors import enterprise_for_write
from anjian.regions import selectors as region_selectors
from anjian.regions.models import Region

OWNER_FIELDS = ("owner_kind", "region", "department", "enterprise")
PLACE_FIELDS = ("address", "latitude", "longitude")
FOREIGN_KEYS = {"region", "department", "enterprise", "team", "warehouse"}
# Digits with the separators people type: 021-6501 2345, (021)65012345转801, +86 138…
_PHONE = re.compile(r"^[0-9０-９+＋()（）\-－—\s转,，、/#*.extEXT]{7,40}$")


def whole_field(obj, data: dict, name: str, errors: dict, *, minimum=1, required=True):
    """Set ``obj.name`` from ``data[name]`` (popped) as a whole number, or note the error.
    A field not in ``data`` is left alone unless required on a new record."""
    if name not in data and (obj.pk or not required):
        return
    value = data.pop(name, None)
    label = str(obj._meta.get_field(name).verbose_name)
    if not required and text_of(value) == "":
        setattr(obj, name, None)
        return
    try:
        setattr(obj, name, whole_number(value, label=label, minimum=minimum))
    except ValueError as problem:
        errors[name] = str(problem)


def phone(value, *, label: str, required: bool) -> str:
    """A phone number, loosely: digits and the usual separators, at least 7 digits."""
    text = text_of(value)
    if not text:
        if required:
            raise ValueError(_("请填写%(label)s") % {"label": label})
    elif not _PHONE.match(text) or sum(ch.isdigit() for ch in text) < 7:
        raise ValueError(
            _("%(label)s格式不正确：“%(v)s”（应为手机或座机号码，如 021-65012345）")
            % {"label": label, "v": text[:40]}
        )
    return text


def set_place(obj, data: dict, errors: dict) -> None:
    """Address, latitude and longitude (popped): both or neither, inside the deployment's
    area (``regions.selectors.deployment_bounds``); the search cell follows."""
    if "address" in data:
        obj.address = text_of(data.pop("address"))
    if "latitude" not in data and "longitude" not in data:
        return
    latitude = coordinate(data.pop("latitude", obj.latitude), "latitude", errors)
    longitude = coordinate(data.pop("longitude", obj.longitude), "longitude", errors)
    if "latitude" in errors or "longitude" in errors:
        return
    if (latitude is None) != (longitude is None):
        errors["longitude" if longitude is None else "latitude"] = _("经度和纬度需同时填写")
        return
    if latitude is not None:
        bounds = region_selectors.deployment_bounds()
        if not bounds.contains(latitude, longitude):
            errors["latitude"] = _(
                "坐标（%(lat)s, %(lon)s）不在%(area)s范围内，请使用WGS-84经纬度"
            ) % {"lat": latitude, "lon": longitude, "area": bounds.name}
            return
    obj.place_at(latitude, longitude)


def set_fields(obj, data: dict, errors: dict, *, required=(), phones=()) -> None:
    """Copy what is left of ``data`` onto ``obj``: texts stripped, choices checked, phones
    shaped (checked whether given or kept); ``required`` texts must not be blank."""
    for name, value in data.items():
        field = obj._meta.get_field(name)
        if isinstance(value, str):
            value = value.strip()
        if field.choices and value not in {key for key, _label in field.flatchoices}:
            errors[name] = _("“%(v)s”不是有效的%(label)s，可选：%(options)s") % {
                "v": value,
                "label": field.verbose_name,
                "options": "、".join(str(label) for _key, label in field.flatchoices),
            }
            continue
        setattr(obj, name, value)
    for name in phones:
        label = str(obj._meta.get_field(name).verbose_name)
        try:
            setattr(obj, name, phone(getattr(obj, name), label=label, required=name in required))
        except ValueError as problem:
            errors[name] = str(problem)
    for name in required:
        if name not in phones and name not in errors and not text_of(getattr(obj, name)):
            label = obj._meta.get_field(name).verbose_name
            errors[name] = _("请填写%(label)s") % {"label": label}


def take_key(data: dict, name: str) -> tuple[bool, object]:
    """Pop ``data[name]`` or ``data[name + "_id"]`` (an object or a key): (given?, key)."""
    for key in (name, f"{name}_id"):
        if key in data:
            return True, key_of(data.pop(key))
    return False, None


def accepted(data: dict, allowed) -> dict:
    """A copy of ``data`` whose keys are all ``allowed`` (foreign keys also as ``x_id``);
    else a ValidationError naming the others (``core.services.writable``)."""
    keys = {*allowed, *(f"{name}_id" for name in allowed if name in FOREIGN_KEYS)}
    return writable(data, keys)


# --- the owner --------------------------------------------------------------------------------


def set_resource_owner(by, obj, data: dict, errors: dict) -> None:
    """Owner kind, region, department and enterprise from ``data`` (popped; an update keeps
    what is not given), then the scope columns. ``OutOfScope`` for a unit or region the
    writer cannot see."""
    kind = data.pop("owner_kind", None) or None
    has_enterprise, enterprise = take_key(data, "enterprise")
    has_department, department = take_key(data, "department")
    has_region, region = take_key(data, "region")
    changing = kind or has_enterprise or has_department or has_region
    if obj.pk and not changing and by.role != Role.ENTERPRISE:
        return
    if by.role == Role.ENTERPRISE:
        kind, enterprise = OwnerKind.ENTERPRISE, own_unit(by, enterprise)
    if obj.pk:
        enterprise = enterprise if has_enterprise else obj.enterprise_id
        department = department if has_department else obj.department_id
        region = region if has_region else obj.region_id
        kind = kind or obj.owner_kind
    kind = kind or (
        OwnerKind.ENTERPRISE
        if enterprise
        else OwnerKind.DEPARTMENT
        if department
        else OwnerKind.GOVERNMENT
    )
    if kind not in OwnerKind.values:
        errors["owner_kind"] = _("所属主体无效：“%(v)s”") % {"v": kind}
        return
    obj.owner_kind = kind
    if kind == OwnerKind.ENTERPRISE:
        if enterprise is None:
            errors["enterprise"] = _("请选择所属单位")
            return
        unit = enterprise_for_write(by, enterprise)
        obj.enterprise, obj.department = unit, None
        obj.region = Region.objects.get(pk=unit.scope_region_code)
    elif not _government_owner(by, obj, kind, department, region, errors):
        return
    if by.scope.enterprise_id is None and not by.scope.covers_region(obj.region.code):
        raise OutOfScope(field="region")
    obj.copy_owner_scope()


def _government_owner(by, obj, kind, department, region, errors: dict) -> bool:
    obj.enterprise = None
    obj.department = None
    if kind == OwnerKind.DEPARTMENT:
        obj.department = active_department(department or by.department_id)
        if obj.department is None:
            errors["department"] = _("请选择所属部门")
            return False
        region = region or obj.department.region_id
    found = region_at(region or by.region_id)
    if found is None:
        errors["region"] = _("请选择所属区划")
        return False
    obj.region = found
    if obj.department and not obj.region.code.startswith(obj.department.region_id):
        errors["department"] = _("%(d)s不管辖%(r)s") % {
            "d": obj.department.name,
            "r": obj.region.full_name,
        }
        return False
    return True


# --- create and update ----------------------------------------------------------------------


def require(by, action: str = perms.RESOURCE_MANAGE) -> None:
    if not by.can(action):
        raise NotPermitted()


def locked(by, model, pk, expected_version: int | None = None):
    """The record as ``by`` may write it, locked (``OutOfScope`` when not visible;
    ``Conflict`` when its version is not ``expected_version``)."""
    found = model.objects.for_user(by).select_for_update(of=("self",)).filter(pk=pk).first()
    if found is None:
        raise OutOfScope()
    if expected_version is not None and found.version != expected_version:
        raise Conflict()
    return found


def save(by, obj, errors: dict, *, field: str = "region") -> None:
    """Validate, save (bumping the version of an existing record), re-check the scope."""
    raise_errors(errors)
    obj.full_clean(validate_unique=False, validate_constraints=False)
    if obj.pk:
        obj.version += 1
    obj.save()
    ensure_in_scope(by, obj, field=field)


def write(by, model, data: dict, allowed, *, pk=None, expected_version=None, check=None, **how):
    """Create (``pk`` None) or update one ``model`` record from ``data``: owner, place, then
    ``check(by, obj, data, errors)`` (what the kind adds; it pops what it consumed), then
    the plain fields (``set_fields(**how)``). Call inside a transaction."""
    require(by)
    data = accepted(data, (*allowed, *OWNER_FIELDS, *PLACE_FIELDS))
    obj = model() if pk is None else locked(by, model, pk, expected_version)
    errors: dict = {}
    set_resource_owner(by, obj, data, errors)
    set_place(obj, data, errors)
    if check is not None:
        check(by, obj, data, errors)
    set_fields(obj, data, errors, **how)
    save(by, obj, errors)
    return obj
