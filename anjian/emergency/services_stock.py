"""Supplies (应急物资) and their stock ledger (出入库台账).

A supply line's ``quantity`` only ever changes here, and every change is one
``StockMovement`` (its delta and the balance after it) written in the same transaction as
one conditional UPDATE — ``quantity = quantity + delta`` where ``quantity >= -delta`` — so
the database, not a value read earlier, decides whether the stock is there: however many
people issue, transfer or dispatch at once, stock never goes below zero (a
``CheckConstraint`` backs it), and the loser gets a ``Conflict`` naming the stock, what is
there and what was asked. So ``quantity`` = the sum of its movements' deltas = the last
balance, always (``tests/test_stock.py`` checks it over a random sequence of operations).

``services_resources`` re-exports these under the contract's names.
"""

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.exceptions import Conflict, OutOfScope, ValidationError
from anjian.core.scoping import ensure_in_scope
from anjian.emergency import permissions as perms
from anjian.emergency.checks import quantity_of, raise_errors, text_of
from anjian.emergency.choices import MovementKind
from anjian.emergency.models import StockMovement, Supply, Warehouse
from anjian.emergency.resource_checks import accepted, locked, require, set_fields, whole_field

SUPPLY_FIELDS = (
    "name",
    "category",
    "spec",
    "unit",
    "batch",
    "expires_on",
    "reserve_target",
    "active",
)
ISSUE_KINDS = (MovementKind.ISSUE, MovementKind.ROTATION, MovementKind.SCRAP)


# --- supply lines ---------------------------------------------------------------------------


def warehouse_for_write(by, warehouse, field: str = "warehouse") -> Warehouse:
    """A warehouse in ``by``'s scope that is in use (``OutOfScope`` / ValidationError)."""
    found = Warehouse.objects.for_user(by).filter(pk=getattr(warehouse, "pk", warehouse)).first()
    if found is None:
        raise OutOfScope(field=field)
    if not found.active:
        raise ValidationError({field: _("储备库“%(w)s”已停用") % {"w": found.name}})
    return found


def _save_line(by, supply: Supply, data: dict) -> Supply:
    errors: dict = {}
    whole_field(supply, data, "reserve_target", errors, required=False)
    if "expires_on" in data and text_of(data["expires_on"]) == "":
        data["expires_on"] = None
    set_fields(supply, data, errors, required=("name", "unit"))
    supply.copy_warehouse()
    same = Supply.objects.filter(
        warehouse=supply.warehouse, name=supply.name, spec=supply.spec, batch=supply.batch
    ).exclude(pk=supply.pk)
    if "name" not in errors and same.exists():
        errors["name"] = _("该储备库已有同名、同规格、同批次的物资，请在原有物资上入库")
    raise_errors(errors)
    supply.full_clean(validate_unique=False, validate_constraints=False)
    if supply.pk:
        supply.version += 1
    try:
        with transaction.atomic():
            supply.save()
    except IntegrityError:  # the same line registered by someone else meanwhile
        raise ValidationError({"name": _("该储备库已有同名、同规格、同批次的物资")}) from None
    ensure_in_scope(by, supply, field="warehouse")
    return supply


@transaction.atomic
def supply_create(by, *, warehouse_id: int, data: dict, quantity=0) -> Supply:
    """A new stock line in a warehouse; ``quantity`` > 0 is received at once (入库)."""
    require(by)
    data = accepted(data, SUPPLY_FIELDS)
    warehouse = warehouse_for_write(by, warehouse_id)
    opening = quantity_of(quantity, minimum=0)
    supply = _save_line(by, Supply(warehouse=warehouse), data)
    if opening:
        _move(by, supply, opening, MovementKind.RECEIPT, reason=_("初始入库"))
    return supply


@transaction.atomic
def supply_update(by, *, supply_id: int, expected_version: int, data: dict) -> Supply:
    """Change what a stock line is — never its quantity, which moves through the ledger."""
    require(by)
    data = accepted(data, SUPPLY_FIELDS)
    supply = locked(by, Supply, supply_id, expected_version)
    return _save_line(by, supply, data)


# --- the ledger -------------------------------------------------------------------------------


def stock_name(supply: Supply) -> str:
    """“殷行街道储备库的救生衣（成人款）”: which stock a message is about."""
    detail = "".join(f"（{part}）" for part in (supply.spec, supply.batch) if part)
    return f"{supply.warehouse.name}的{supply.name}{detail}"


def _move(
    by,
    supply: Supply,
    delta: int,
    kind: str,
    *,
    reason: str = "",
    counterpart: Warehouse | None = None,
    assignment=None,
    expected: int | None = None,
) -> StockMovement:
    """One conditional UPDATE and its ledger line, in the caller's transaction. The
    database refuses a delta that would take the stock below zero (``Conflict``); with
    ``expected`` (a count) it refuses any stock but the one counted against."""
    rows = Supply.objects.filter(pk=supply.pk)
    if expected is not None:
        rows = rows.filter(quantity=expected)
    elif delta < 0:
        rows = rows.filter(quantity__gte=-delta)
    if not rows.update(quantity=F("quantity") + delta):
        have = Supply.objects.filter(pk=supply.pk).values_list("quantity", flat=True).get()
        if expected is not None:
            raise Conflict(_("盘点期间库存已变动（现有%(n)d），请重新盘点") % {"n": have})
        raise Conflict(
            _("库存不足：%(what)s现有%(have)d%(unit)s，需要%(need)d%(unit)s")
            % {"what": stock_name(supply), "have": have, "need": -delta, "unit": supply.unit}
        )
    # Our UPDATE holds the row until the commit: this reads our own balance.
    supply.quantity = Supply.objects.filter(pk=supply.pk).values_list("quantity", flat=True).get()
    return StockMovement.objects.create(
        supply=supply,
        kind=kind,
        delta=delta,
        balance=supply.quantity,
        by=by,
        reason=reason[:300],
        counterpart=counterpart,
        assignment=assignment,
    )


def _line_for_write(by, supply, *, action: str = perms.RESOURCE_MANAGE) -> Supply:
    require(by, action)
    found = (
        Supply.objects.for_user(by)
        .select_related("warehouse")
        .filter(pk=getattr(supply, "pk", supply))
        .first()
    )
    if found is None:
        raise OutOfScope(field="supply")
    return found


def _reason(reason, label: str) -> str:
    text = text_of(reason)
    if not text:
        raise ValidationError({"reason": _("请填写%(label)s") % {"label": label}})
    return text


@transaction.atomic
def stock_receive(by, *, supply_id: int, quantity, reason: str = "") -> StockMovement:
    """入库."""
    supply = _line_for_write(by, supply_id)
    amount = quantity_of(quantity, label=_("入库数量"))
    if not supply.active:
        raise ValidationError({"supply": _("该物资已停用，不能入库")})
    return _move(by, supply, amount, MovementKind.RECEIPT, reason=text_of(reason))


@transaction.atomic
def stock_issue(
    by, *, supply_id: int, quantity, kind: str = MovementKind.ISSUE, reason: str
) -> StockMovement:
    """出库, 轮换出库 or 报废, with its reason; never below zero (``Conflict``)."""
    supply = _line_for_write(by, supply_id)
    if kind not in ISSUE_KINDS:
        raise ValidationError({"kind": _("出库类型只能是出库、轮换出库或报废")})
    amount = quantity_of(quantity, label=_("出库数量"))
    return _move(by, supply, -amount, kind, reason=_reason(reason, _("出库事由")))


def _target_line(source: Supply, target: Warehouse) -> Supply:
    """The target warehouse's line of the same item, spec and batch (created if absent)."""
    line = Supply(warehouse=target)
    line.copy_warehouse()
    place = ("scope_region_code", "enterprise_id", "industry_id", "latitude", "longitude", "cell")
    defaults = {name: getattr(line, name) for name in place}
    defaults |= {name: getattr(source, name) for name in ("category", "unit", "expires_on")}
    with transaction.atomic():
        line, _created = Supply.objects.get_or_create(
            warehouse=target,
            name=source.name,
            spec=source.spec,
            batch=source.batch,
            defaults=defaults,
        )
    line.warehouse = target
    return line


@transaction.atomic
def stock_transfer(
    by, *, supply_id: int, to_warehouse_id: int, quantity, reason: str = ""
) -> tuple[StockMovement, StockMovement]:
    """调出 and 调入 in one transaction: both or neither. Returns (out, in)."""
    source = _line_for_write(by, supply_id)
    amount = quantity_of(quantity, label=_("调拨数量"))
    target = warehouse_for_write(by, to_warehouse_id, field="to_warehouse")
    if target.pk == source.warehouse_id:
        raise ValidationError({"to_warehouse": _("调入库不能与调出库相同")})
    line = _target_line(source, target)
    text = text_of(reason)

    def out() -> StockMovement:
        return _move(
            by, source, -amount, MovementKind.TRANSFER_OUT, reason=text, counterpart=target
        )

    def into() -> StockMovement:
        kind = MovementKind.TRANSFER_IN
        return _move(by, line, amount, kind, reason=text, counterpart=source.warehouse)

    # The two lines are written in id order, so transfers in opposite directions never wait
    # for each other in a cycle; a refused out-movement rolls the in-movement back with it.
    if line.pk < source.pk:
        incoming, outgoing = into(), out()
    else:
        outgoing, incoming = out(), into()
    ensure_in_scope(by, line, field="to_warehouse")
    return outgoing, incoming


@transaction.atomic
def stock_count(by, *, supply_id: int, counted, reason: str) -> StockMovement | None:
    """盘点: the counted quantity becomes the stock, the difference one COUNT movement (None
    when they agree); ``Conflict`` when the stock moved between the read and the write."""
    supply = _line_for_write(by, supply_id)
    number = quantity_of(counted, minimum=0, name="counted", label=_("盘点数量"))
    text = _reason(reason, _("盘点说明"))
    have = supply.quantity
    if number == have:
        return None
    return _move(by, supply, number - have, MovementKind.COUNT, reason=text, expected=have)


# --- dispatch ---------------------------------------------------------------------------------


@transaction.atomic
def take_stock(by, *, supply, quantity, assignment) -> StockMovement:
    """应急调拨 for ``assignment`` (the incident's commander): ``Conflict`` when short,
    expired or no longer in use — whatever the caller's copy of ``supply`` says."""
    found = _line_for_write(by, supply, action=perms.INCIDENT_COMMAND)
    amount = quantity_of(quantity)
    if not found.active:
        raise Conflict(_("%(s)s已停用") % {"s": stock_name(found)})
    if found.expires_on and found.expires_on < timezone.localdate():
        raise Conflict(
            _("%(s)s已过期（有效期至%(d)s）") % {"s": stock_name(found), "d": found.expires_on}
        )
    reason = _("应急调拨：%(i)s") % {"i": assignment.incident}
    return _move(by, found, -amount, MovementKind.DISPATCH, reason=reason, assignment=assignment)


@transaction.atomic
def return_stock(by, *, supply, quantity, assignment) -> StockMovement | None:
    """归还入库 of what ``assignment`` took and did not use; None when nothing comes back."""
    found = _line_for_write(by, supply, action=perms.INCIDENT_COMMAND)
    amount = quantity_of(quantity, minimum=0)
    if amount == 0:
        return None
    taken = StockMovement.objects.filter(assignment=assignment, supply=found)
    outstanding = -(taken.aggregate(n=Sum("delta"))["n"] or 0)
    if amount > outstanding:
        raise ValidationError(
            {"quantity": _("归还数量不能超过调拨未归还的数量（%(n)d）") % {"n": outstanding}}
        )
    reason = _("归还：%(i)s") % {"i": assignment.incident}
    return _move(by, found, amount, MovementKind.RETURN, reason=reason, assignment=assignment)
