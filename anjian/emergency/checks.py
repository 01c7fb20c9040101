"""The input checks every emergency write shares, each problem a Chinese message on its field.

- ``raise_errors``: the collected ``{field: message}`` as one ``ValidationError``;
- ``text``: stripped text within a length, required when a message for its absence is
  given; anything but text (a number, a list) is refused;
- ``day``: a date or its ISO text, not after ``today`` when given;
- ``whole_number``: text, negatives and fractions refused, saying which (a ``ValueError``
  the caller puts on its field); ``quantity_of`` is the same on the ``quantity`` field, and
  ``number_in_range`` the same with the caller's one message for any problem;
- ``coordinate``: a latitude or longitude, a number within ±90 / ±180;
- the owner's parts both owner resolvers use (plans' and drills' in ``services_common``,
  resources' in ``resource_checks``): ``key_of`` a form's object or key, ``own_unit``
  (an enterprise user writes for its own unit only), ``region_at``, ``active_department``.
"""

import math
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from anjian.core.exceptions import NotPermitted, OutOfScope, ValidationError
from anjian.regions.models import Department, Region

MAX_QUANTITY = 100_000_000  # more is a typing error
BOUNDS = {"latitude": 90, "longitude": 180}


def raise_errors(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def text_of(value) -> str:
    return "" if value is None else str(value).strip()


def text(value, name: str, errors: dict, *, limit: int, missing=None) -> str:
    """``value`` stripped; ``missing`` (a message) when it is required and blank, else an
    error when it is longer than ``limit`` or not text at all."""
    if value is not None and not isinstance(value, str):
        errors[name] = _("须为文字")
        return ""
    value = text_of(value)
    if missing and not value:
        errors[name] = _(str(missing))
    elif len(value) > limit:
        errors[name] = _("不能超过%(n)d字") % {"n": limit}
    return value


def day(value, name: str, errors: dict, *, missing: str, today: date | None = None) -> date | None:
    """A date (or its ISO text) not after ``today`` when given; else an error on ``name``."""
    if value in (None, ""):
        errors[name] = _(missing)
        return None
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value))
        except ValueError:
            errors[name] = _("请填写日期，如 2026-03-01")
            return None
    elif hasattr(value, "date"):  # a datetime
        value = value.date()
    if today is not None and value > today:
        errors[name] = _("不能晚于今天（%(today)s）") % {"today": today.isoformat()}
    return value


def whole_number(value, *, label: str, minimum: int = 1, maximum: int = MAX_QUANTITY) -> int:
    """``value`` as a whole number from ``minimum`` to ``maximum`` ("1,000" and 10.0 are
    read); else ValueError with the Chinese reason (empty, text, negative, fraction, zero,
    too small, too large)."""
    if value is None or text_of(value) == "":
        raise ValueError(_("请填写%(label)s") % {"label": label})
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        number = Decimal(text_of(value).replace(",", ""))
    except InvalidOperation:
        raise ValueError(
            _("%(label)s须为整数，不能是“%(v)s”") % {"label": label, "v": text_of(value)[:20]}
        ) from None
    if not number.is_finite():
        raise ValueError(_("%(label)s须为整数") % {"label": label})
    if number < 0:
        raise ValueError(_("%(label)s不能为负数") % {"label": label})
    if number != number.to_integral_value():
        raise ValueError(_("%(label)s须为整数，不能是%(v)s") % {"label": label, "v": number})
    if number < minimum:
        if minimum == 1:
            raise ValueError(_("%(label)s须大于0") % {"label": label})
        raise ValueError(_("%(label)s不能小于%(n)d") % {"label": label, "n": minimum})
    if number > maximum:
        raise ValueError(_("%(label)s超出合理范围，请核对") % {"label": label})
    return int(number)


def quantity_of(value, *, name: str = "quantity", label: str = "", **bounds) -> int:
    """``whole_number`` (``bounds``: its ``minimum`` and ``maximum``), its problem a
    ValidationError on ``name``; the label is 数量 unless given."""
    try:
        return whole_number(value, label=label or _("数量"), **bounds)
    except ValueError as problem:
        raise ValidationError({name: str(problem)}) from None


def number_in_range(value, name: str, errors: dict, *, low: int, high: int, message: str):
    """``whole_number`` from ``low`` to ``high``, or None with ``message`` (one message for
    every problem, naming the range) on ``name``."""
    try:
        return whole_number(value, label="", minimum=low, maximum=high)
    except ValueError:
        errors[name] = _(message)
        return None


def coordinate(value, name: str, errors: dict, *, missing: str | None = None) -> float | None:
    """The latitude or longitude (``name``) given, or None when blank — with ``missing``
    (formatted with the label) on ``name`` when it is required."""
    label = _("纬度") if name == "latitude" else _("经度")
    if value is None or text_of(value) == "":
        if missing:
            errors[name] = missing % {"label": label}
        return None
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        number = float(Decimal(text_of(value)))
    except (InvalidOperation, ValueError):  # ValueError: a signalling NaN
        errors[name] = _("%(label)s须为数字") % {"label": label}
        return None
    bound = BOUNDS[name]
    if not math.isfinite(number) or abs(number) > bound:
        errors[name] = _("%(label)s须为−%(b)d到%(b)d之间的数字") % {"label": label, "b": bound}
        return None
    return number


# --- the owner's parts ------------------------------------------------------------------------


def key_of(value):
    """The key of a form's object or of a key; None when blank."""
    value = getattr(value, "pk", value)
    return None if value in (None, "") else value


def own_unit(by, enterprise) -> int:
    """The enterprise user's own unit; ``OutOfScope`` when ``enterprise`` names another."""
    own = by.scope.enterprise_id
    if own is None:
        raise NotPermitted(_("您的账号尚未关联单位，请联系管理员"))
    if enterprise is not None and str(enterprise) != str(own):
        raise OutOfScope(field="enterprise")
    return own


def region_at(code) -> Region | None:
    return Region.objects.filter(pk=code).first() if code else None


def active_department(key) -> Department | None:
    if not str(key or "").isdigit():
        return None
    return Department.objects.select_related("region").filter(pk=key, is_active=True).first()
