"""Every write of 危险化学品单元 and their inventories, and what a change sets off: the unit is
identified and graded again (GB 18218-2018, ``identification.identify``) in the same
transaction, the evaluation recorded with every term, and its major hazard source created,
regraded or marked as no longer qualifying.

- ``unit_create`` / ``unit_update`` / ``unit_retire``: an enterprise user writes for their
  own unit only; a retired unit keeps its lines and history (never deleted).
- ``line_add`` / ``line_update`` / ``line_remove``: a line is checked against the engine
  before it is written (unknown chemical, no critical quantity, a class the standard does
  not know: refused on the field), and the unit is then evaluated as a whole (a major
  hazard source with a line that has no β cannot be graded: refused).
- every change ends in ``evaluation.evaluate_unit``: the cached S, R, α, grade and terms, a
  ``UnitEvaluation`` row, and the source following the unit (``evaluation.follow_source``).
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from anjian.core.exceptions import NotPermitted, ValidationError
from anjian.core.scoping import ensure_in_scope
from anjian.core.services import writable
from anjian.enterprises.selectors import enterprise_for_write
from anjian.hazchem import gb18218
from anjian.hazchem import identification as engine
from anjian.hazchem import permissions as perms
from anjian.hazchem.choices import Mixture, UnitKind
from anjian.hazchem.errors import IdentificationError
from anjian.hazchem.evaluation import engine_line, evaluate_unit, follow_source
from anjian.hazchem.models import (
    Chemical,
    ChemicalUnit,
    InventoryLine,
)
from anjian.hazchem.selectors import line_for_write, unit_for_write

UNIT_FIELDS = ("kind", "name", "boundary", "latitude", "longitude", "population_500m")
LINE_FIELDS = ("chemical", "max_quantity", "mixture", "own_classes", "note")
MAX_QUANTITY = Decimal("1000000")  # tonnes; more is a typing error
MAX_POPULATION = 10_000_000


def _require(by) -> None:
    if not by.can(perms.UNIT_MANAGE):
        raise NotPermitted()


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _text(value, name: str, errors: dict, *, limit: int, missing: str = "") -> str:
    if value is not None and not isinstance(value, str):
        errors[name] = _("须为文字")
        return ""
    value = (value or "").strip()
    if missing and not value:
        errors[name] = missing
    elif len(value) > limit:
        errors[name] = _("不能超过%(n)d字") % {"n": limit}
    return value


def _decimal(value, name: str, errors: dict, *, low, high, message: str) -> Decimal | None:
    if value in (None, "") or isinstance(value, bool):
        errors[name] = message
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        errors[name] = message
        return None
    if not number.is_finite() or not low <= number <= high:
        errors[name] = message
        return None
    return number


def _unit_values(data: dict, errors: dict) -> dict:
    values = {}
    kind = data.get("kind") or ""
    if kind not in UnitKind.values:
        errors["kind"] = _("请选择单元类型（生产单元或储存单元）")
    values["kind"] = kind
    values["name"] = _text(data.get("name"), "name", errors, limit=120, missing=_("请填写单元名称"))
    values["boundary"] = _text(data.get("boundary"), "boundary", errors, limit=500)
    population = data.get("population_500m")
    values["population_500m"] = _decimal(
        0 if population in (None, "") else population,
        "population_500m",
        errors,
        low=0,
        high=MAX_POPULATION,
        message=_("500米范围内常住人口须为0至1000万之间的整数"),
    )
    if values["population_500m"] is not None:
        if values["population_500m"] != values["population_500m"].to_integral_value():
            errors["population_500m"] = _("500米范围内常住人口须为0至1000万之间的整数")
        values["population_500m"] = int(values["population_500m"])
    for name, bound in (("latitude", 90), ("longitude", 180)):
        raw = data.get(name)
        values[name] = (
            None
            if raw in (None, "")
            else _decimal(
                raw, name, errors, low=-bound, high=bound, message=_("请填写有效的经纬度")
            )
        )
    if (values["latitude"] is None) != (values["longitude"] is None):
        errors.setdefault("latitude", _("经度和纬度需同时填写"))
    return values


def _unique_name(unit: ChemicalUnit, errors: dict) -> None:
    same = ChemicalUnit.objects.active().filter(enterprise_id=unit.enterprise_id, name=unit.name)
    if unit.pk:
        same = same.exclude(pk=unit.pk)
    if same.exists():
        errors["name"] = _("本单位已有同名的在用单元")


@transaction.atomic
def unit_create(by, *, data: dict) -> ChemicalUnit:
    """A new unit of ``data["enterprise"]`` (an enterprise user: always its own)."""
    _require(by)
    data = writable(data, (*UNIT_FIELDS, "enterprise"))
    enterprise = by.scope.enterprise_id or data.get("enterprise")
    if not str(getattr(enterprise, "pk", enterprise) or "").isdigit():  # missing, or no pk
        raise ValidationError({"enterprise": _("请选择单位")})
    enterprise = enterprise_for_write(by, enterprise)
    errors: dict = {}
    unit = ChemicalUnit(enterprise=enterprise, created_by=by, **_unit_values(data, errors))
    unit.copy_enterprise_scope()
    _unique_name(unit, errors)
    _raise(errors)
    unit.save()
    ensure_in_scope(by, unit, field="enterprise")
    return evaluate_unit(unit, by=by, reason=_("登记单元"))


@transaction.atomic
def unit_update(by, *, unit_id: int, expected_version: int | None, data: dict) -> ChemicalUnit:
    """Change a unit's fields; a changed population changes α, so it is evaluated again."""
    _require(by)
    unit = unit_for_write(by, unit_id, expected_version)
    data = writable(data, UNIT_FIELDS)
    errors: dict = {}
    current = {name: getattr(unit, name) for name in UNIT_FIELDS}
    values = _unit_values({**current, **data}, errors)
    for name, value in values.items():
        setattr(unit, name, value)
    _unique_name(unit, errors)
    _raise(errors)
    unit.version += 1
    unit.save()
    changed = [
        str(ChemicalUnit._meta.get_field(name).verbose_name)
        for name in data
        if current[name] != values[name]
    ]
    return evaluate_unit(unit, by=by, reason=_("修改单元：%(f)s") % {"f": "、".join(changed)})


@transaction.atomic
def unit_retire(by, *, unit_id: int, expected_version: int | None, reason: str) -> ChemicalUnit:
    """停用: the unit no longer holds chemicals; its source no longer qualifies."""
    _require(by)
    unit = unit_for_write(by, unit_id, expected_version)
    errors: dict = {}
    reason = _text(reason, "reason", errors, limit=500, missing=_("请填写停用原因"))
    _raise(errors)
    ChemicalUnit.objects.filter(pk=unit.pk).update(
        active=False, retired_reason=reason, version=F("version") + 1
    )
    unit.refresh_from_db()
    follow_source(unit, is_major=False, grade="", by=by)
    return unit


# --- inventory lines --------------------------------------------------------------------------


def _classes(value, errors: dict) -> list[str]:
    if value in (None, ""):
        return []
    codes = value if isinstance(value, list | tuple) else str(value).replace("，", ",").split(",")
    codes = [str(code).strip().upper() for code in codes if str(code).strip()]
    unknown = [code for code in codes if gb18218.hazard_class(code) is None]
    if unknown:
        errors["own_classes"] = _("GB 18218 表2中没有类别：%(c)s") % {"c": "、".join(unknown)}
    return codes


def _chemical_named(value) -> Chemical | None:
    """The active catalogue entry ``value`` names, locked — before the unit or line is: a
    catalogue change locks the entry and then re-grades the units holding it, so a line
    bringing the entry into a unit waits for that change and is graded by what it made of
    the entry (and with the same order on both sides neither waits for the other)."""
    key = getattr(value, "pk", value)
    if not str(key or "").isdigit():
        return None
    return Chemical.objects.select_for_update().filter(pk=key, active=True).first()


def _line_values(data: dict, errors: dict, chemical: Chemical | None) -> dict:
    values: dict = {}
    if chemical is None:
        errors["chemical"] = _("请从危险化学品目录中选择")
    values["chemical"] = chemical
    values["max_quantity"] = _decimal(
        data.get("max_quantity"),
        "max_quantity",
        errors,
        low=Decimal("0.0001"),
        high=MAX_QUANTITY,
        message=_("设计最大量须为大于0、不超过100万的数字（吨）"),
    )
    if values["max_quantity"] is not None and values["max_quantity"].as_tuple().exponent < -4:
        errors["max_quantity"] = _("设计最大量最多保留4位小数（吨）")
    mixture = data.get("mixture") or Mixture.NO
    if mixture not in Mixture.values:
        errors["mixture"] = _("请选择纯物质或混合物")
    values["mixture"] = mixture
    values["own_classes"] = _classes(data.get("own_classes"), errors)
    if mixture == Mixture.OWN and not values["own_classes"] and "own_classes" not in errors:
        errors["own_classes"] = _("按自身危险性类别辨识的混合物，请填写其表2类别")
    values["note"] = _text(data.get("note"), "note", errors, limit=200)
    return values


def _check_line(line: InventoryLine, errors: dict) -> None:
    try:
        engine.evaluate_line(engine_line(line))
    except IdentificationError as error:
        errors["chemical"] = str(error)
        return
    same = InventoryLine.objects.filter(
        unit_id=line.unit_id, chemical=line.chemical, mixture=line.mixture
    )
    if line.pk:
        same = same.exclude(pk=line.pk)
    if same.exists():
        errors["chemical"] = _("该单元已登记此化学品，请修改原有的设计最大量")


@transaction.atomic
def line_add(by, *, unit_id: int, data: dict) -> InventoryLine:
    _require(by)
    data = writable(data, LINE_FIELDS)
    chemical = _chemical_named(data.get("chemical"))
    unit = unit_for_write(by, unit_id, None)
    errors: dict = {}
    line = InventoryLine(unit=unit, **_line_values(data, errors, chemical))
    if not errors:
        _check_line(line, errors)
    _raise(errors)
    line.save()
    evaluate_unit(unit, by=by, reason=_("增加 %(c)s") % {"c": line.chemical.name})
    return line


@transaction.atomic
def line_update(by, *, line_id: int, expected_version: int | None, data: dict) -> InventoryLine:
    _require(by)
    data = writable(data, LINE_FIELDS)
    chemical = _chemical_named(data["chemical"]) if "chemical" in data else None
    line = line_for_write(by, line_id, expected_version)
    if "chemical" not in data:
        chemical = line.chemical if line.chemical.active else None
    before = line.max_quantity
    errors: dict = {}
    current = {name: getattr(line, name) for name in LINE_FIELDS}
    for name, value in _line_values({**current, **data}, errors, chemical).items():
        setattr(line, name, value)
    if not errors:
        _check_line(line, errors)
    _raise(errors)
    line.version += 1
    line.save()
    reason = _("%(c)s 设计最大量 %(a)s → %(b)s 吨") % {
        "c": line.chemical.name,
        "a": engine.shown(before),
        "b": engine.shown(line.max_quantity),
    }
    evaluate_unit(line.unit, by=by, reason=reason)
    return line


@transaction.atomic
def line_remove(by, *, line_id: int, expected_version: int | None) -> ChemicalUnit:
    """The chemical is no longer kept in the unit; the evaluation history keeps what it was."""
    _require(by)
    line = line_for_write(by, line_id, expected_version)
    unit, name = line.unit, line.chemical.name
    line.delete()
    return evaluate_unit(unit, by=by, reason=_("移除 %(c)s") % {"c": name})
