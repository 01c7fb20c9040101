"""The stock ledger: every change one movement, written with a conditional UPDATE, so stock
never goes below zero — checked over a few hundred random operations — and the stock
figures, each opening exactly the lines it counts."""

import random
from datetime import timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone

from anjian.core.exceptions import Conflict, OutOfScope, ValidationError
from anjian.emergency import selectors_resources as selectors
from anjian.emergency import services_resources as services
from anjian.emergency.choices import MovementKind, StorageLevel
from anjian.emergency.models import StockMovement, Supply
from anjian.emergency.tests import factories_resources as make
from testsupport import world


def ledger_holds(supply: Supply) -> None:
    """quantity = the sum of the deltas = the last balance, never below zero."""
    supply.refresh_from_db()
    moves = list(supply.movements.order_by("pk").values_list("delta", "balance"))
    assert supply.quantity >= 0
    assert supply.quantity == sum(delta for delta, _balance in moves)
    assert supply.quantity == (moves[-1][1] if moves else 0)
    running = 0
    for delta, balance in moves:
        running += delta
        assert balance == running >= 0


@pytest.fixture
def store(db):
    return make.warehouse()


def test_receipt_and_issue_write_one_movement_each(store):
    line = make.supply(store, quantity=10)
    issued = services.stock_issue(make.official(), supply_id=line.pk, quantity=4, reason="防汛")
    received = services.stock_receive(make.official(), supply_id=line.pk, quantity="6")
    assert [(m.kind, m.delta, m.balance) for m in line.movements.order_by("pk")] == [
        (MovementKind.RECEIPT, 10, 10),
        (MovementKind.ISSUE, -4, 6),
        (MovementKind.RECEIPT, 6, 12),
    ]
    assert issued.by == make.official() and received.balance == 12
    ledger_holds(line)


def test_issuing_more_than_is_there_names_the_stock_and_changes_nothing(store):
    line = make.supply(store, quantity=3, spec="成人款")
    with pytest.raises(Conflict) as raised:
        services.stock_issue(make.official(), supply_id=line.pk, quantity=5, reason="演练")
    assert str(raised.value) == "库存不足：殷行街道应急物资储备库的救生衣（成人款）现有3件，需要5件"
    assert line.movements.count() == 1
    ledger_holds(line)


@pytest.mark.parametrize(
    ("quantity", "says"),
    [
        ("abc", "出库数量须为整数，不能是“abc”"),
        (-2, "出库数量不能为负数"),
        (1.5, "出库数量须为整数，不能是1.5"),
        ("2.50", "出库数量须为整数"),
        (0, "出库数量须大于0"),
        ("", "请填写出库数量"),
        (True, "出库数量须为整数"),
    ],
)
def test_a_quantity_is_a_whole_number_above_zero(store, quantity, says):
    line = make.supply(store, quantity=10)
    with pytest.raises(ValidationError) as raised:
        services.stock_issue(make.official(), supply_id=line.pk, quantity=quantity, reason="x")
    assert says in raised.value.message_dict["quantity"][0]
    ledger_holds(line)


def test_an_issue_says_why_and_is_an_issue_kind(store):
    line = make.supply(store, quantity=10)
    with pytest.raises(ValidationError) as raised:
        services.stock_issue(make.official(), supply_id=line.pk, quantity=1, reason=" ")
    assert "请填写出库事由" in raised.value.message_dict["reason"][0]
    with pytest.raises(ValidationError):
        services.stock_issue(
            make.official(), supply_id=line.pk, quantity=1, kind=MovementKind.RECEIPT, reason="x"
        )
    scrapped = services.stock_issue(
        make.official(), supply_id=line.pk, quantity=2, kind=MovementKind.SCRAP, reason="破损"
    )
    assert (scrapped.kind, scrapped.balance) == (MovementKind.SCRAP, 8)


def test_a_transfer_moves_out_and_in_creating_the_line_there(store):
    line = make.supply(store, quantity=10, batch="B1")
    other = make.warehouse(name="平凉路街道储备库", region=world.PINGLIANG, at=make.PINGLIANG_POINT)
    out, into = services.stock_transfer(
        make.official(), supply_id=line.pk, to_warehouse_id=other.pk, quantity=4
    )
    there = Supply.objects.get(warehouse=other)
    assert (there.name, there.batch, there.quantity, there.cell) == ("救生衣", "B1", 4, other.cell)
    assert there.scope_region_code == world.PINGLIANG
    assert (out.delta, out.counterpart, into.delta, into.counterpart) == (-4, other, 4, store)
    services.stock_transfer(
        make.official(), supply_id=there.pk, to_warehouse_id=store.pk, quantity=1
    )
    line.refresh_from_db()
    assert line.quantity == 7 and Supply.objects.count() == 2
    ledger_holds(line)
    ledger_holds(there)


def test_a_refused_transfer_leaves_both_warehouses_as_they_were(store):
    line = make.supply(store, quantity=2)
    other = make.warehouse(name="第二储备库")
    with pytest.raises(Conflict, match="库存不足"):
        services.stock_transfer(
            make.official(), supply_id=line.pk, to_warehouse_id=other.pk, quantity=3
        )
    assert not Supply.objects.filter(warehouse=other).exists()
    with pytest.raises(ValidationError):
        services.stock_transfer(
            make.official(), supply_id=line.pk, to_warehouse_id=store.pk, quantity=1
        )
    hongkou = make.warehouse(
        world.actor("neighbour_official"), region=make.hongkou_street(), at=make.HONGKOU_POINT
    )
    with pytest.raises(OutOfScope):
        services.stock_transfer(
            make.official(), supply_id=line.pk, to_warehouse_id=hongkou.pk, quantity=1
        )
    ledger_holds(line)


def test_a_count_books_the_difference(store):
    line = make.supply(store, quantity=10)
    counted = services.stock_count(make.official(), supply_id=line.pk, counted=7, reason="月度盘点")
    assert (counted.kind, counted.delta, counted.balance) == (MovementKind.COUNT, -3, 7)
    assert (
        services.stock_count(make.official(), supply_id=line.pk, counted=7, reason="复盘") is None
    )
    with pytest.raises(ValidationError):
        services.stock_count(make.official(), supply_id=line.pk, counted=-1, reason="x")
    emptied = services.stock_count(make.official(), supply_id=line.pk, counted="0", reason="清点")
    assert emptied.balance == 0
    ledger_holds(line)


def test_the_neighbouring_district_cannot_touch_the_stock(store):
    line = make.supply(store, quantity=5)
    with pytest.raises(OutOfScope):
        services.stock_issue(
            world.actor("neighbour_official"), supply_id=line.pk, quantity=1, reason="x"
        )
    with pytest.raises(OutOfScope):
        services.stock_receive(world.actor("neighbour_official"), supply_id=line.pk, quantity=1)
    ledger_holds(line)


def test_dispatch_decides_on_the_stock_in_the_database_not_on_the_callers_copy(store):
    line = make.supply(store, quantity=10)
    stale = Supply.objects.get(pk=line.pk)  # read before someone else issued 8
    services.stock_issue(make.official(), supply_id=line.pk, quantity=8, reason="先到先得")
    assignment = make.assign(line, kind="supply", quantity=5)
    with pytest.raises(Conflict, match="现有2件，需要5件"):
        services.take_stock(make.official(), supply=stale, quantity=5, assignment=assignment)
    taken = services.take_stock(make.official(), supply=stale, quantity=2, assignment=assignment)
    assert (taken.kind, taken.balance, taken.assignment) == (MovementKind.DISPATCH, 0, assignment)
    with pytest.raises(ValidationError, match="不能超过调拨未归还的数量"):
        services.return_stock(make.official(), supply=line, quantity=3, assignment=assignment)
    assert (
        services.return_stock(make.official(), supply=line, quantity=0, assignment=assignment)
        is None
    )
    back = services.return_stock(make.official(), supply=line, quantity=2, assignment=assignment)
    assert (back.kind, back.balance) == (MovementKind.RETURN, 2)
    ledger_holds(line)


def test_expired_stock_is_not_dispatched(store):
    line = make.supply(store, quantity=5, expires_on=timezone.localdate() - timedelta(days=1))
    assignment = make.assign(line, kind="supply")
    with pytest.raises(Conflict, match="已过期"):
        services.take_stock(make.official(), supply=line, quantity=1, assignment=assignment)


def test_stock_never_goes_negative_over_a_random_sequence_of_operations(store):
    """Two hundred and forty seeded random operations — receipts, issues (often more than is there),
    transfers both ways, counts — against a model of what each line should hold."""
    rng = random.Random(20261205)
    by = make.official()
    other = make.warehouse(name="第二储备库")
    lines = [make.supply(store, name=f"物资{n}", quantity=rng.randint(0, 5)) for n in range(3)]
    held = {line.pk: line.quantity for line in lines}
    refused = 0
    for _step in range(240):
        line = rng.choice(lines)
        amount = rng.randint(1, 8)
        operation = rng.choice(("receive", "issue", "issue", "transfer", "count"))
        try:
            if operation == "receive":
                services.stock_receive(by, supply_id=line.pk, quantity=amount)
                held[line.pk] += amount
            elif operation == "issue":
                services.stock_issue(by, supply_id=line.pk, quantity=amount, reason="随机")
                held[line.pk] -= amount
            elif operation == "count":
                services.stock_count(by, supply_id=line.pk, counted=amount, reason="随机")
                held[line.pk] = amount
            else:
                target = other if line.warehouse_id == store.pk else store
                _out, into = services.stock_transfer(
                    by, supply_id=line.pk, to_warehouse_id=target.pk, quantity=amount
                )
                held[line.pk] -= amount
                if into.supply_id not in held:
                    lines.append(into.supply)
                    held[into.supply_id] = 0
                held[into.supply_id] += amount
        except Conflict:
            refused += 1
            assert held[line.pk] < amount  # refused exactly when the stock was short
        stored = dict(Supply.objects.filter(pk__in=held).values_list("pk", "quantity"))
        assert stored == held and min(held.values()) >= 0
    assert refused > 15 and len(lines) == 6  # the sequence did go short, and both ways
    for line in lines:
        ledger_holds(line)
    total = StockMovement.objects.filter(supply__in=lines).aggregate(n=Sum("delta"))["n"]
    assert total == sum(held.values())


# --- figures ----------------------------------------------------------------------------------


def test_each_stock_figure_opens_exactly_the_lines_it_counts(store):
    today = timezone.localdate()
    district = make.warehouse(
        name="杨浦区储备库", storage_level=StorageLevel.DISTRICT, region=world.YANGPU
    )
    expired = make.supply(store, name="过期药品", quantity=3, expires_on=today - timedelta(days=1))
    make.supply(store, name="空的过期药品", expires_on=today - timedelta(days=9))  # no stock
    soon = make.supply(district, name="临期食品", quantity=2, expires_on=today + timedelta(days=30))
    make.supply(district, name="远期食品", quantity=2, expires_on=today + timedelta(days=31))
    low = make.supply(store, name="帐篷", quantity=4, reserve_target=10)
    make.supply(store, name="棉被", quantity=10, reserve_target=10)
    hongkou = make.warehouse(
        world.actor("neighbour_official"), region=make.hongkou_street(), at=make.HONGKOU_POINT
    )
    make.supply(hongkou, world.actor("neighbour_official"), quantity=1, reserve_target=5)
    figures = selectors.stock_figures(make.official(), today=today)
    assert figures["lines"].count == 6
    expected = {"expired": [expired], "expiring": [soon], "below_target": [low]}
    for key, records in expected.items():
        figure = figures[key]
        listed = selectors.supplies(make.official(), today=today, **figure.filters)
        assert figure.count == len(records)
        assert set(listed.values_list("pk", flat=True)) == {r.pk for r in records}
    levels = {figure.key: figure for figure in figures["by_level"]}
    assert (levels["street"].count, levels["district"].count, levels["city"].count) == (4, 2, 0)
    for figure in figures["by_level"]:
        assert selectors.supplies(make.official(), **figure.filters).count() == figure.count
