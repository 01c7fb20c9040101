"""出入库台账 as Excel — a warehouse's and a line's whole ledger (every movement, not the page's
last 100), narrowed to days by ``?from=``/``?to=``, 404 outside the user's scope, an
enterprise user's own only — and 演练完成情况 as Excel, the rows the page shows."""

from datetime import date
from io import BytesIO
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anjian.emergency import services_resources as services
from anjian.emergency.choices import DrillKind, OwnerKind, PlanType, StorageLevel
from anjian.emergency.models import StockMovement
from anjian.emergency.tests import factories_resources as make
from anjian.emergency.tests.factories_plans import drill, held, in_force
from anjian.emergency.views_stock import LEDGER_ROWS
from testsupport import world

pytestmark = pytest.mark.django_db
LAST_YEAR = timezone.localdate().year - 1


def warehouse_ledger(store) -> str:
    return reverse("emergency:warehouse_ledger", args=[store.pk])


def supply_ledger(line) -> str:
    return reverse("emergency:supply_ledger", args=[line.pk])


def sheets(response) -> tuple[list[tuple], dict]:
    """The ledger's rows (header first) and its 导出说明 as a dict."""
    assert response.status_code == 200, response.content[:200]
    workbook = load_workbook(BytesIO(response.content))
    about = dict(list(workbook.worksheets[1].values))
    return list(workbook.worksheets[0].values), about


def reasons(response) -> list[str]:
    """The 说明 of each row of a stock ledger, in the file's order (the tests give every
    movement a reason of its own)."""
    rows, _about = sheets(response)
    assert rows[0][-1] == "说明"
    return [row[-1] or "" for row in rows[1:]]


def receive(line, reason: str, quantity: int = 1) -> StockMovement:
    return services.stock_receive(
        make.official(), supply_id=line.pk, quantity=quantity, reason=reason
    )


@pytest.fixture
def stores(db):
    """殷行街道's warehouse with two lines, 平凉路街道's with one, each moved with reasons
    that name the line."""
    store = make.warehouse()
    other = make.warehouse(
        name="平凉路街道应急物资储备库", region=world.PINGLIANG, at=make.PINGLIANG_POINT
    )
    vests = make.supply(store, name="救生衣")
    water = make.supply(store, name="矿泉水", unit="箱")
    torches = make.supply(other, name="手电筒", unit="个")
    receive(vests, "救生衣入库1", 10)
    receive(water, "矿泉水入库", 5)
    services.stock_issue(make.official(), supply_id=vests.pk, quantity=3, reason="救生衣出库")
    receive(torches, "手电筒入库", 2)
    receive(vests, "救生衣入库2", 1)
    return {"store": store, "other": other, "vests": vests, "water": water, "torches": torches}


# --- what a ledger holds ----------------------------------------------------------------------


def test_a_warehouse_ledger_holds_every_movement_of_its_lines_oldest_first(client_for, stores):
    official = client_for(world.actor("district_official"))
    response = official.get(warehouse_ledger(stores["store"]))
    assert reasons(response) == ["救生衣入库1", "矿泉水入库", "救生衣出库", "救生衣入库2"]
    rows, about = sheets(response)
    assert rows[0][:3] == ("时间", "储备库", "物资名称")
    assert {row[1] for row in rows[1:]} == {"殷行街道应急物资储备库"}
    assert [(row[6], row[7]) for row in rows[1:]] == [(10, 10), (5, 5), (-3, 7), (1, 8)]
    assert about["台账"] == "出入库台账" and about["筛选：储备库"] == "殷行街道应急物资储备库"
    assert about["记录数"] == "4"


def test_a_line_ledger_holds_only_that_lines_movements(client_for, stores):
    official = client_for(world.actor("district_official"))
    response = official.get(supply_ledger(stores["vests"]))
    assert reasons(response) == ["救生衣入库1", "救生衣出库", "救生衣入库2"]
    assert reasons(official.get(supply_ledger(stores["torches"]))) == ["手电筒入库"]
    _rows, about = sheets(response)
    assert about["筛选：物资"] == "救生衣"


def test_the_file_is_named_after_the_warehouse_and_the_line(client_for, stores):
    official = client_for(world.actor("district_official"))
    response = official.get(warehouse_ledger(stores["store"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    named = unquote(response["Content-Disposition"])
    assert named == "attachment; filename*=UTF-8''出入库台账-殷行街道应急物资储备库.xlsx"
    named = unquote(official.get(supply_ledger(stores["vests"]))["Content-Disposition"])
    assert named.endswith("出入库台账-殷行街道应急物资储备库-救生衣.xlsx")


def test_a_ledger_longer_than_the_page_is_written_whole(client_for, stores):
    line = stores["water"]
    for n in range(LEDGER_ROWS + 20):
        receive(line, f"补充{n}")
    official = client_for(world.actor("district_official"))
    expected = ["矿泉水入库", *(f"补充{n}" for n in range(LEDGER_ROWS + 20))]
    assert reasons(official.get(supply_ledger(line))) == expected
    whole = reasons(official.get(warehouse_ledger(stores["store"])))
    assert len(whole) == LEDGER_ROWS + 24 and whole[-1] == f"补充{LEDGER_ROWS + 19}"
    page = official.get(reverse("emergency:supply_detail", args=[line.pk]))
    assert len(page.context["ledger"]) == LEDGER_ROWS  # the page: the last 100 only


# --- the days ---------------------------------------------------------------------------------


@pytest.fixture
def dated(stores):
    """Four movements of 救生衣 around 1–31 March 2026, local time."""
    line = stores["vests"]
    times = {
        "二月末": make.local(2026, 2, 28, 23, 59),
        "三月一日零点": make.local(2026, 3, 1, 0, 0),
        "三月末": make.local(2026, 3, 31, 23, 59),
        "四月一日零点": make.local(2026, 4, 1, 0, 0),
    }
    for reason, at in times.items():
        StockMovement.objects.filter(pk=receive(line, reason).pk).update(at=at)
    StockMovement.objects.filter(supply__in=[line, stores["water"]]).exclude(
        reason__in=times
    ).update(at=make.local(2025, 1, 1, 12, 0))
    return line


def test_the_days_keep_the_movements_made_on_them_both_days_included(client_for, stores, dated):
    official = client_for(world.actor("district_official"))
    march = {"from": "2026-03-01", "to": "2026-03-31"}
    assert reasons(official.get(supply_ledger(dated), march)) == ["三月一日零点", "三月末"]
    store = warehouse_ledger(stores["store"])
    assert reasons(official.get(store, march)) == ["三月一日零点", "三月末"]
    assert reasons(official.get(store, {"from": "2026-03-01"})) == [
        "三月一日零点",
        "三月末",
        "四月一日零点",
    ]
    assert reasons(official.get(store, {"to": "2026-02-28"}))[-1] == "二月末"
    assert len(reasons(official.get(store, {"to": "2026-02-28"}))) == 5  # with 2025's
    response = official.get(store, march)
    _rows, about = sheets(response)
    assert about["筛选：日期自"] == "2026-03-01" and about["筛选：日期至"] == "2026-03-31"
    named = unquote(response["Content-Disposition"])
    assert named.endswith("出入库台账-殷行街道应急物资储备库-2026-03-01至2026-03-31.xlsx")


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"from": "2026-13-01"}, "起始日期无效：“2026-13-01”，应为 YYYY-MM-DD 格式的日期"),
        ({"to": "三月"}, "截止日期无效：“三月”"),
        ({"from": "2026-04-01", "to": "2026-03-01"}, "起始日期 2026-04-01 晚于截止日期"),
    ],
)
def test_a_malformed_day_is_refused_saying_so(client_for, stores, query, says):
    official = client_for(world.actor("district_official"))
    for url in (warehouse_ledger(stores["store"]), supply_ledger(stores["vests"])):
        response = official.get(url, query)
        assert response.status_code == 400
        assert says in response.content.decode()


# --- who may download ---------------------------------------------------------------------------


def test_the_neighbouring_district_gets_404(client_for, stores):
    neighbour = client_for(world.actor("neighbour_official"))
    assert neighbour.get(warehouse_ledger(stores["store"])).status_code == 404
    assert neighbour.get(supply_ledger(stores["vests"])).status_code == 404
    # out of scope is 404 before a malformed day is looked at
    assert neighbour.get(warehouse_ledger(stores["store"]), {"from": "x"}).status_code == 404


def test_the_street_officer_gets_its_streets_warehouse_only(client_for, stores):
    officer = client_for(world.actor("street_officer"))
    assert len(reasons(officer.get(warehouse_ledger(stores["store"])))) == 4
    assert officer.get(warehouse_ledger(stores["other"])).status_code == 404
    assert officer.get(supply_ledger(stores["torches"])).status_code == 404


def test_an_enterprise_user_downloads_its_own_ledger_only(client_for, stores):
    unit = world.enterprise("yinhang_chemical")
    own = make.warehouse(
        world.actor("admin"),
        name="殷行化工应急物资库",
        storage_level=StorageLevel.COMMUNITY,  # the unit lies in a grid
        owner_kind=OwnerKind.ENTERPRISE,
        enterprise=unit.pk,
    )
    line = make.supply(own, world.actor("admin"), name="防化服", unit="套")
    services.stock_receive(world.actor("admin"), supply_id=line.pk, quantity=4, reason="防化服入库")
    manager = client_for(world.actor("enterprise_manager"))
    assert reasons(manager.get(warehouse_ledger(own))) == ["防化服入库"]
    assert reasons(manager.get(supply_ledger(line))) == ["防化服入库"]
    assert manager.get(warehouse_ledger(stores["store"])).status_code == 404
    assert manager.get(supply_ledger(stores["vests"])).status_code == 404


def test_the_warehouse_and_line_pages_link_their_ledgers(client_for, stores):
    official = client_for(world.actor("district_official"))
    store, line = stores["store"], stores["vests"]
    html = official.get(reverse("emergency:warehouse_detail", args=[store.pk])).content.decode()
    assert f'id="ledger-export-link" href="{warehouse_ledger(store)}"' in html
    assert "下载出入库台账" in html
    html = official.get(reverse("emergency:supply_detail", args=[line.pk])).content.decode()
    assert f'id="ledger-export-link" href="{supply_ledger(line)}"' in html


# --- 演练完成情况 ---------------------------------------------------------------------------------

COMPLIANCE = reverse("emergency:drill_compliance")
COMPLIANCE_EXPORT = reverse("emergency:drill_compliance_export")


@pytest.fixture
def units(db):
    """Last year: 殷行化工 (on-site plan) drilled in the first half only — behind;
    平凉机械厂 (comprehensive plan) held its drill — done; 杨浦区 has no plan in force."""
    since = date(LAST_YEAR - 1, 3, 2)
    onsite = in_force(on=since, title="储罐区泄漏现场处置方案", plan_type=PlanType.ONSITE)
    comprehensive = in_force(
        on=since, enterprise="pingliang_factory", title="平凉机械厂综合应急预案"
    )
    held(drill(plan=onsite, planned_on=date(LAST_YEAR, 5, 20)), on=date(LAST_YEAR, 5, 20))
    yearly = drill(
        enterprise="pingliang_factory",
        kind=DrillKind.COMPREHENSIVE,
        plan=comprehensive,
        title="平凉机械厂综合应急演练",
        planned_on=date(LAST_YEAR, 9, 1),
    )
    held(yearly, on=date(LAST_YEAR, 9, 1))


def page_and_file(client, query: dict) -> tuple[list[tuple], list[tuple], dict]:
    """(name, 完成情况) of the page's rows and of the file's, and the file's 导出说明."""
    page = client.get(COMPLIANCE, query)
    assert page.status_code == 200
    shown = [(r["row"].name, str(r["status_label"])) for r in page.context["rows"]]
    rows, about = sheets(client.get(COMPLIANCE_EXPORT, query))
    assert rows[0][:3] == ("单位", "主体类型", "完成情况")
    return shown, [(row[0], row[2]) for row in rows[1:]], about


@pytest.mark.parametrize(
    "query",
    [
        {"year": str(LAST_YEAR)},
        {"year": str(LAST_YEAR), "status": "behind"},
        {"year": str(LAST_YEAR), "status": "done"},
        {},  # this year: nothing held yet
        {"year": "1999", "status": "nonsense"},  # ignored, as the page ignores them
    ],
)
def test_the_compliance_file_holds_the_rows_the_page_shows(client_for, units, query):
    shown, written, about = page_and_file(client_for(world.actor("district_official")), query)
    assert written == shown
    assert about["记录数"] == str(len(shown))


def test_the_compliance_file_says_what_it_is_and_who_is_behind(client_for, units):
    client = client_for(world.actor("leader"))
    query = {"year": str(LAST_YEAR), "status": "behind"}
    _shown, written, about = page_and_file(client, query)
    assert written == [(world.enterprise("yinhang_chemical").name, "未按期完成")]
    rows, _about = sheets(client.get(COMPLIANCE_EXPORT, query))
    assert rows[1][1] == "生产经营单位" and rows[1][3]  # a chemicals unit: higher-risk
    assert rows[1][7] >= 1  # behind in at least one period
    assert f"{LAST_YEAR}年下半年 · 每半年至少一次现场处置方案演练：未按期完成" in rows[1][8]
    assert about["台账"] == f"{LAST_YEAR}年演练完成情况"
    assert about["筛选：完成情况"] == "未按期完成"
    assert about["演练完成率"].startswith("50.0%")
    html = client.get(COMPLIANCE, query).content.decode()
    assert f'href="{COMPLIANCE_EXPORT}?year={LAST_YEAR}&amp;status=behind"' in html


def test_the_compliance_file_of_another_district_holds_none_of_ours(client_for, units):
    client = client_for(world.actor("neighbour_official"))
    shown, written, _about = page_and_file(client, {"year": str(LAST_YEAR)})
    ours = {world.enterprise(key).name for key in ("yinhang_chemical", "pingliang_factory")}
    assert written == shown and not ours & {name for name, _status in written}
